//! # Decoding `Transfer-Encoding: chunked`, step 2: the whole body
//!
//! Step 1 (chunk_size_line) parsed one chunk-size line; your solution is given in
//! `src/chunk_size.rs`. This step reads a whole chunked body from a connection, following the
//! decoding algorithm of [RFC 9112 §7.1.3] (minus its header merging):
//!
//! ```text
//! read chunk-size, chunk-ext (if any), and CRLF
//! while (chunk-size > 0) {
//!    read chunk-data and CRLF
//!    append chunk-data to content
//!    read chunk-size, chunk-ext (if any), and CRLF
//! }
//! read trailer field
//! while (trailer field is not empty) {
//!    keep the trailer field
//!    read trailer field
//! }
//! ```
//!
//! Wherever this decoder and the proxy in front of it could disagree on where the body ends,
//! the bytes left over become a smuggled request. The rules:
//!
//! - **Every line ends in CRLF**, and so does every chunk's data: the two bytes after the data
//!   must be `\r\n`. A bare LF, or a CR anywhere else in a line, is
//!   [`ChunkedError::MissingCrlf`].
//! - **Trailer fields** ([§7.1.2]) come after the last chunk, up to an empty line. They are
//!   field lines: [`parse_trailer`] (given) checks one. More than [`MAX_TRAILERS`] is
//!   [`ChunkedError::TooManyTrailers`]: a client must not make the server store without limit.
//! - **Limits, enforced while reading.** The client chooses every size, so: refuse a chunk as
//!   soon as its size would take the body past `max_body`, before reading its data
//!   ([`ChunkedError::TooLarge`], 413 Content Too Large); and refuse a line (chunk-size or
//!   trailer) once more than [`MAX_LINE`] bytes arrived without its CRLF, counting the bytes
//!   as they arrive. A decoder that reads a whole line first and measures it afterwards lets a
//!   client send an endless chunk extension and make the server buffer all of it (the denial
//!   of service of CVE-2023-39326, in Go's net/http).
//! - **The end of the stream** anywhere before the final empty line is
//!   [`ChunkedError::UnexpectedEof`]: the body is incomplete.
//! - **Stop right after the trailer section.** What follows on the connection is the next
//!   request: leave it in the reader.
//!
//! [RFC 9112 §7.1.3]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1.3
//! [§7.1.2]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1.2

use std::io::{self, BufRead, Read};

/// Decodes a chunked body from `reader`, which is positioned just after the head. Stops right
/// after the trailer section, leaving the next request in `reader`.
pub fn decode_chunked<R: BufRead>(reader: &mut R, max_body: u64) -> Result<Chunked, ChunkedError> {
    let mut body = Vec::new();
    loop {
        let size = parse_chunk_size(&read_line(reader)?)?;
        if size == 0 {
            break;
        }
        if size > max_body - body.len() as u64 {
            return Err(ChunkedError::TooLarge);
        }
        let read = reader.by_ref().take(size).read_to_end(&mut body)?;
        if (read as u64) < size {
            return Err(ChunkedError::UnexpectedEof);
        }
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(eof)?;
        if &crlf != b"\r\n" {
            return Err(ChunkedError::MissingCrlf);
        }
    }

    let mut trailers = Vec::new();
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            return Ok(Chunked { body, trailers });
        }
        if trailers.len() == MAX_TRAILERS {
            return Err(ChunkedError::TooManyTrailers);
        }
        trailers.push(parse_trailer(&line)?);
    }
}

/// Reads one CRLF-terminated line and returns it without its CRLF. Never takes more than
/// `MAX_LINE + 2` bytes from `reader`, however long the line the client sends.
pub fn read_line<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, ChunkedError> {
    let limit = MAX_LINE as u64 + 2;
    let mut line = Vec::new();
    reader.by_ref().take(limit).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(if line.len() as u64 == limit {
            ChunkedError::LineTooLong
        } else {
            ChunkedError::UnexpectedEof
        });
    }
    line.pop();
    if line.pop() != Some(b'\r') || line.contains(&b'\r') {
        return Err(ChunkedError::MissingCrlf);
    }
    Ok(line)
}

/// `read_exact` reports a short read as an io::Error; here it means the body is incomplete.
fn eof(e: io::Error) -> ChunkedError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => ChunkedError::UnexpectedEof,
        kind => ChunkedError::Io(kind),
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: step 1, the body's model, the errors and the trailer check. You need not change it.
// ---------------------------------------------------------------------------------------------

mod chunk_size;

pub use chunk_size::{is_tchar, is_text, parse_chunk_size, skip_bws};

/// Longest chunk-size line or trailer line accepted, in bytes, not counting its CRLF.
pub const MAX_LINE: usize = 4096;

/// Most trailer fields accepted.
pub const MAX_TRAILERS: usize = 32;

/// A decoded chunked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunked {
    /// The chunk data, concatenated.
    pub body: Vec<u8>,
    /// The trailer fields in order: name as sent, value without surrounding OWS.
    pub trailers: Vec<(String, Vec<u8>)>,
}

/// Why a chunked body was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkedError {
    /// A chunk-size line does not start with hex digits, or they are followed by something
    /// other than the end of the line or an extension.
    InvalidChunkSize,
    /// The chunk size does not fit in a u64.
    ChunkSizeOverflow,
    /// A chunk extension does not follow the grammar of RFC 9112 §7.1.1.
    InvalidExtension,
    /// A line did not end in CRLF, or chunk data was not followed by CRLF.
    MissingCrlf,
    /// A trailer field line is not a valid field line.
    InvalidTrailer,
    /// A line is longer than [`MAX_LINE`].
    LineTooLong,
    /// More than [`MAX_TRAILERS`] trailer fields.
    TooManyTrailers,
    /// The body would exceed the maximum size.
    TooLarge,
    /// The stream ended before the end of the chunked body.
    UnexpectedEof,
    /// Reading failed.
    Io(io::ErrorKind),
}

impl ChunkedError {
    /// The status code a server answers with.
    pub fn status(self) -> u16 {
        match self {
            ChunkedError::TooLarge => 413,
            _ => 400,
        }
    }
}

impl From<io::Error> for ChunkedError {
    fn from(e: io::Error) -> Self {
        ChunkedError::Io(e.kind())
    }
}

/// Parses one trailer field line (without its CRLF) by the rules of header field lines
/// (RFC 9112 §5, the exercise field_lines): a token name, a colon right after it, the value
/// without the SP and HTAB around it, and no control bytes in it.
pub fn parse_trailer(line: &[u8]) -> Result<(String, Vec<u8>), ChunkedError> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(ChunkedError::InvalidTrailer)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(ChunkedError::InvalidTrailer);
    }
    let value = skip_bws(value);
    let trailing = value
        .iter()
        .rev()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let value = &value[..value.len() - trailing];
    if !value.iter().all(|&b| is_text(b)) {
        return Err(ChunkedError::InvalidTrailer);
    }
    let name = String::from_utf8(name.to_vec()).expect("a token is ASCII");
    Ok((name, value.to_vec()))
}
