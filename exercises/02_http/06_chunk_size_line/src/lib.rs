//! # The chunk-size line, step 1 of `Transfer-Encoding: chunked`
//!
//! Content-Length needs the body's size before its first byte is sent. A server streaming a
//! query result, or a file it is still compressing, does not know it. HTTP/1.1 has the
//! *chunked* transfer coding for that ([RFC 9112 §7.1]): the body goes out in chunks, each
//! after a line that gives its size in hexadecimal, and a chunk of size zero ends it.
//!
//! ```text
//! 5\r\n                 chunk-size [ chunk-ext ] CRLF     <- this step: one such line
//! hello\r\n             chunk-data CRLF
//! 6;lang=en\r\n         a chunk extension: ";" name [ "=" value ]
//!  world\r\n
//! 0\r\n                 last-chunk
//! \r\n                  (trailer fields, then) an empty line: the end
//! ```
//!
//! This step parses one chunk-size line, already cut from the stream, without its CRLF (step
//! 2, chunked_body, reads the lines and the data). A proxy and a server that read this line
//! differently frame the body differently, and the bytes one of them leaves over become a
//! smuggled request. So the line is checked to the letter:
//!
//! - **chunk-size** is `1*HEXDIG`: hex digits in either case, leading zeros allowed; no sign,
//!   no `0x`, no space before. Anything else is [`ChunkedError::InvalidChunkSize`].
//! - "Recipients MUST anticipate potentially large hexadecimal numerals and prevent parsing
//!   errors due to integer conversion overflows": a size that wraps around to 0 would end the
//!   body early. A size too big for a u64 is [`ChunkedError::ChunkSizeOverflow`].
//! - After the digits comes the end of the line or an extension, nothing else.
//! - **chunk-ext** ([§7.1.1]) is `*( BWS ";" BWS name [ BWS "=" BWS value ] )`: the name is
//!   a token, the value a token or a quoted-string, and BWS (SP or HTAB) appears only around
//!   `;` and `=`, never at the end of the line. No extension is defined, so a decoder keeps
//!   only the size, but it checks them to know the line is valid. A bad one is
//!   [`ChunkedError::InvalidExtension`].
//! - **quoted-string** ([RFC 9110 §5.6.4]): `"`, then HTAB, SP, visible ASCII or obs-text
//!   (bytes >= 0x80), where `\` escapes one such byte (so `\"` is a quote inside the string,
//!   and a `;` between quotes starts no extension), then the closing `"`.
//!
//! [RFC 9112 §7.1]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1
//! [§7.1.1]: https://www.rfc-editor.org/rfc/rfc9112#section-7.1.1
//! [RFC 9110 §5.6.4]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4

/// The chunk size a chunk-size line announces, given the line without its CRLF.
pub fn parse_chunk_size(line: &[u8]) -> Result<u64, ChunkedError> {
    // TODO: read the leading hex digits into a u64 without overflowing; then the line must end,
    //       or go on with valid extensions (write a helper for those, using quoted_string_len
    //       and the given token_len and skip_bws).
    todo!("parse_chunk_size({:?})", String::from_utf8_lossy(line))
}

/// The length of the quoted-string at the start of `bytes`, both quotes included
/// (`"a\"b"; x` gives 6).
pub fn quoted_string_len(bytes: &[u8]) -> Result<usize, ChunkedError> {
    // TODO: after the opening quote, walk the bytes: a quote ends the string, a backslash
    //       escapes the next byte, anything else must be is_text.
    todo!("quoted_string_len({:?})", String::from_utf8_lossy(bytes))
}

// ---------------------------------------------------------------------------------------------
// Given code: the errors and the byte classes of the grammar. You need not change it.
// ---------------------------------------------------------------------------------------------

/// Why a chunk-size line was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkedError {
    /// The line does not start with hex digits, or they are followed by something other than
    /// the end of the line or an extension.
    InvalidChunkSize,
    /// The chunk size does not fit in a u64.
    ChunkSizeOverflow,
    /// A chunk extension does not follow the grammar of RFC 9112 §7.1.1.
    InvalidExtension,
}

/// `tchar` of RFC 9110 §5.6.2: the bytes of a token (extension names and unquoted values).
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// HTAB, SP, visible ASCII and obs-text: what a quoted-string may hold, and what a backslash
/// may escape in it (RFC 9110 §5.6.4).
pub fn is_text(b: u8) -> bool {
    b == b'\t' || b == b' ' || b.is_ascii_graphic() || b >= 0x80
}

/// The number of tchar bytes at the start of `bytes`.
pub fn token_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_tchar(b)).count()
}

/// `bytes` without the SP and HTAB at its start (BWS, "bad" whitespace: a sender must not
/// send it, a recipient must accept it where the grammar allows it).
pub fn skip_bws(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &bytes[n..]
}
