//! # Decoding `Transfer-Encoding: chunked`
//!
//! Content-Length needs the whole body's size before the first byte is sent. A server that
//! streams a large query result or a file it is still compressing does not know it. HTTP/1.1
//! has the *chunked* transfer coding for that ([RFC 9112 §7.1]): the body is sent as chunks,
//! each preceded by its size in hexadecimal, and a chunk of size zero marks the end.
//!
//! ```text
//! 5\r\n                 chunk-size (hex) [ chunk-ext ] CRLF
//! hello\r\n             chunk-data CRLF
//! 6;lang=en\r\n         a chunk extension: ";" name [ "=" value ]
//!  world\r\n
//! 0\r\n                 last-chunk
//! Expires: never\r\n    trailer section: fields sent after the body
//! \r\n                  end of the message
//! ```
//!
//! RFC 9112 §7.1.3 gives the decoding algorithm; this is it, minus the header merging:
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
//! Each line of that grammar is a place where a careless decoder disagrees with the proxy in
//! front of it, and so a place for request smuggling: a size the two read differently, an
//! extension one of them does not skip, a CRLF one of them does not require. The rules:
//!
//! - **chunk-size** is `1*HEXDIG`, either case, leading zeros allowed. Recipients "MUST
//!   anticipate potentially large hexadecimal numerals and prevent parsing errors due to
//!   integer conversion overflows": a size that wraps around to 0 ends the body early, and
//!   the rest of it is read as a new request.
//! - **chunk-ext** ([§7.1.1]) is `*( BWS ";" BWS name [ BWS "=" BWS value ] )`, the value a
//!   token or a quoted-string (where `\"` escapes a quote, so a `;` inside quotes does not
//!   start a new extension). No extension is defined, so a decoder ignores them, but it must
//!   parse them to know where the line ends and that it is valid.
//! - **every line ends in CRLF**, and so does every chunk's data: the two bytes after the data
//!   must be CRLF, nothing else.
//! - **trailer fields** ([§7.1.2]) follow the rules of header fields (the exercise field_lines).
//! - **limits**: the client chooses the sizes, so the decoder caps the body (413 Content Too
//!   Large), the length of each line (an endless chunk extension is a known denial of service,
//!   e.g. CVE-2023-39326 in Go) and the number of trailers.
//! - **end of stream** before the trailer section has ended is an error: the body is
//!   incomplete.
//!
//! [RFC 9112 §7.1]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1
//! [§7.1.1]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1.1
//! [§7.1.2]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1.2

use std::io::{self, BufRead, Read};

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

/// `tchar` of RFC 9110 §5.6.2: the bytes of a token (extension and trailer names).
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

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

fn eof(e: io::Error) -> ChunkedError {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => ChunkedError::UnexpectedEof,
        kind => ChunkedError::Io(kind),
    }
}

/// Reads one CRLF-terminated line and returns it without the CRLF. Never reads more than
/// `MAX_LINE` + 2 bytes, however long the line the client sends.
fn read_line<R: BufRead>(reader: &mut R) -> Result<Vec<u8>, ChunkedError> {
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

fn parse_chunk_size(line: &[u8]) -> Result<u64, ChunkedError> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(ChunkedError::InvalidChunkSize);
    }
    let mut size: u64 = 0;
    for &b in &line[..digits] {
        let digit = (b as char).to_digit(16).expect("a hex digit") as u64;
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(digit))
            .ok_or(ChunkedError::ChunkSizeOverflow)?;
    }
    let rest = &line[digits..];
    if rest.is_empty() {
        return Ok(size);
    }
    // Only an extension may follow the size (BWS is allowed before its ';').
    if skip_bws(rest).first() != Some(&b';') {
        return Err(ChunkedError::InvalidChunkSize);
    }
    check_extensions(rest)?;
    Ok(size)
}

/// Checks `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`: whitespace is
/// only allowed around the `;` and the `=`, never at the end of the line.
fn check_extensions(mut rest: &[u8]) -> Result<(), ChunkedError> {
    while !rest.is_empty() {
        let Some(after) = skip_bws(rest).strip_prefix(b";") else {
            return Err(ChunkedError::InvalidExtension);
        };
        let after = skip_bws(after);
        let name_len = token_len(after);
        if name_len == 0 {
            return Err(ChunkedError::InvalidExtension);
        }
        rest = &after[name_len..];
        if let Some(value) = skip_bws(rest).strip_prefix(b"=") {
            let value = skip_bws(value);
            let value_len = match value.first() {
                Some(b'"') => quoted_string_len(value)?,
                _ => token_len(value),
            };
            if value_len == 0 {
                return Err(ChunkedError::InvalidExtension);
            }
            rest = &value[value_len..];
        }
    }
    Ok(())
}

fn skip_bws(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &bytes[n..]
}

fn token_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_tchar(b)).count()
}

/// Length of the quoted-string at the start of `bytes` (RFC 9110 §5.6.4), quotes included.
fn quoted_string_len(bytes: &[u8]) -> Result<usize, ChunkedError> {
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(i + 1),
            b'\\' if i + 1 < bytes.len() && is_text(bytes[i + 1]) => i += 2,
            b if is_text(b) && b != b'\\' => i += 1,
            _ => return Err(ChunkedError::InvalidExtension),
        }
    }
    Err(ChunkedError::InvalidExtension)
}

/// HTAB, SP, visible ASCII and obs-text: what a quoted-string may hold.
fn is_text(b: u8) -> bool {
    b == b'\t' || b == b' ' || b.is_ascii_graphic() || b >= 0x80
}

fn parse_trailer(line: &[u8]) -> Result<(String, Vec<u8>), ChunkedError> {
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
