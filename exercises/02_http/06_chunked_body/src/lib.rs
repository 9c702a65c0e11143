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

use std::io::{self, BufRead};

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
    // TODO: read chunk-size lines (hex size, optional extensions, CRLF) and chunk data (then
    //       CRLF) until the last chunk, keeping the body within `max_body`.
    // TODO: read trailer field lines until the empty line.
    // TODO: no line may be longer than MAX_LINE, even one that never ends; an end of stream
    //       anywhere before the final CRLF is UnexpectedEof.
    let _ = reader; // (only here to keep the compiler quiet until you use `reader`)
    todo!("decode_chunked (max_body {max_body})")
}
