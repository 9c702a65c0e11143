//! # Request smuggling: one verdict on where a body ends
//!
//! On a persistent connection the framing alone says where one request's body ends and the
//! next request starts: `Content-Length: 13` (the next 13 bytes) or `Transfer-Encoding:
//! chunked` (chunks up to a zero-size one). A request crosses several parsers (a CDN, a load
//! balancer, a proxy, your server); when two of them frame the same bytes differently, what one
//! reads as a body is a new, unchecked request for the other: a smuggled request (the chapter
//! README shows the classic shapes, CL.TE, TE.CL, TE.TE and CL.CL). The defence is not to be
//! clever: refuse every ambiguous framing with `400 Bad Request` and close the connection.
//!
//! The checks, in this order, so that each request gets exactly one verdict:
//!
//! 1. Every field name is a token (RFC 9110 §5.6.2): `Transfer-Encoding : chunked` (space
//!    before the colon, which RFC 9112 §5.1 says MUST be rejected), a leading space or a CR in
//!    a name is [`FramingError::InvalidFieldName`].
//! 2. `Transfer-Encoding` in an HTTP/1.0 request is faulty framing (RFC 9112 §6.1).
//! 3. `Transfer-Encoding` with `Content-Length` "ought to be handled as an error" (RFC 9112
//!    §6.3 rule 3): we reject it.
//! 4. `Transfer-Encoding` is a comma-separated list, possibly over several lines (RFC 9110
//!    §5.3), whose empty elements are ignored (§5.6.1); each coding is a token, compared
//!    case-insensitively. `chunked` may appear only once and MUST be the last coding (RFC 9112
//!    §6.1, §6.3 rule 4).
//! 5. `Content-Length` is `1*DIGIT` (RFC 9110 §8.6): no sign, no inner space, no hex, not
//!    empty, and it fits in a `u64`. Several values (on several lines, or a list `42, 42`) are
//!    accepted only if they are all the same number (RFC 9112 §6.3 rule 5).
//! 6. Neither header: the request has no body (RFC 9112 §6.3 rule 7).
//!
//! The whitespace around a value or a list element is OWS, which is ONLY space and horizontal
//! tab (RFC 9110 §5.6.3). `str::trim` also strips `\r`, vertical tab and form feed: a parser
//! that trims those reads `chunked\r` as `chunked` when the next hop does not.
//!
//! Primary sources: RFC 9112 §6.1, §6.3 and §11.2
//! (<https://www.rfc-editor.org/rfc/rfc9112#section-6.3>), RFC 9110 §5.6 and §8.6.

use std::fmt;

/// Decides how the body of a request is framed, or refuses the request.
///
/// `fields` are the header lines exactly as received, split at the first colon: the name is
/// everything before it and the value everything after it, with nothing trimmed
/// (`"Content-Length: 42 "` is `("Content-Length", " 42 ")`).
pub fn body_framing(version: Version, fields: &[(&str, &str)]) -> Result<Framing, FramingError> {
    if !fields.iter().all(|(name, _)| is_token(name)) {
        return Err(FramingError::InvalidFieldName);
    }
    let values = |wanted: &str| -> Vec<&str> {
        fields
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| *value)
            .collect()
    };
    let transfer_encoding = values("Transfer-Encoding");
    let content_length = values("Content-Length");

    if !transfer_encoding.is_empty() {
        if version == Version::Http10 {
            return Err(FramingError::TransferEncodingInHttp10);
        }
        if !content_length.is_empty() {
            return Err(FramingError::TransferEncodingWithContentLength);
        }
        return chunked_framing(&transfer_encoding);
    }
    if !content_length.is_empty() {
        return content_length_framing(&content_length);
    }
    Ok(Framing::NoBody)
}

/// All Transfer-Encoding lines as one list of codings; only a single, final `chunked` frames.
fn chunked_framing(lines: &[&str]) -> Result<Framing, FramingError> {
    let codings: Vec<&str> = list_elements(lines).filter(|c| !c.is_empty()).collect();
    if !codings.iter().all(|c| is_token(c)) {
        return Err(FramingError::InvalidTransferCoding);
    }
    let is_chunked = |c: &str| c.eq_ignore_ascii_case("chunked");
    if codings.iter().filter(|c| is_chunked(c)).count() > 1 {
        return Err(FramingError::ChunkedTwice);
    }
    match codings.last() {
        Some(last) if is_chunked(last) => Ok(Framing::Chunked),
        _ => Err(FramingError::ChunkedNotLast),
    }
}

/// Every Content-Length value must be 1*DIGIT, and all of them the same number.
fn content_length_framing(lines: &[&str]) -> Result<Framing, FramingError> {
    let mut length = None;
    for element in list_elements(lines) {
        // `u64::from_str` alone would accept "+5": check the digits first.
        if element.is_empty() || !element.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FramingError::InvalidContentLength);
        }
        let n: u64 = element
            .parse()
            .map_err(|_| FramingError::InvalidContentLength)?;
        if length.is_some_and(|l| l != n) {
            return Err(FramingError::ConflictingContentLength);
        }
        length = Some(n);
    }
    length
        .map(Framing::ContentLength)
        .ok_or(FramingError::InvalidContentLength)
}

/// The comma-separated elements of several field lines, each without its OWS.
fn list_elements<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = &'a str> {
    lines.iter().flat_map(|line| line.split(',')).map(trim_ows)
}

/// OWS is space and horizontal tab only (RFC 9110 §5.6.3): not CR, VT or FF like `str::trim`.
fn trim_ows(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

// ---------------------------------------------------------------------------------------------
// Given code: the request's version, the verdicts, and the token rule of `request_line`. You
// need not change it.
// ---------------------------------------------------------------------------------------------

/// The HTTP version of the request line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// How the body of a request is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body: the next request starts right after the empty line.
    NoBody,
    /// Exactly this many bytes of body.
    ContentLength(u64),
    /// A chunked body, up to the zero-size chunk.
    Chunked,
}

/// Why the framing is refused. Every variant means: answer 400 Bad Request and close the
/// connection (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramingError {
    /// A field name is not a token: whitespace before the colon, leading whitespace, CR...
    InvalidFieldName,
    /// `Transfer-Encoding` in an HTTP/1.0 request.
    TransferEncodingInHttp10,
    /// Both `Transfer-Encoding` and `Content-Length`.
    TransferEncodingWithContentLength,
    /// A transfer coding that is not a token (`"chunked"`, `chunked\r`, `chunked;x=1`...).
    InvalidTransferCoding,
    /// `chunked` appears more than once.
    ChunkedTwice,
    /// The last coding is not `chunked` (this includes an empty `Transfer-Encoding`).
    ChunkedNotLast,
    /// A `Content-Length` value that is not `1*DIGIT` or does not fit in a `u64`.
    InvalidContentLength,
    /// Several `Content-Length` values that differ.
    ConflictingContentLength,
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self {
            FramingError::InvalidFieldName => "a header field name is not a token",
            FramingError::TransferEncodingInHttp10 => "Transfer-Encoding in an HTTP/1.0 request",
            FramingError::TransferEncodingWithContentLength => {
                "both Transfer-Encoding and Content-Length"
            }
            FramingError::InvalidTransferCoding => "a transfer coding is not a token",
            FramingError::ChunkedTwice => "chunked is applied more than once",
            FramingError::ChunkedNotLast => "chunked is not the final transfer coding",
            FramingError::InvalidContentLength => "invalid Content-Length",
            FramingError::ConflictingContentLength => "conflicting Content-Length values",
        };
        f.write_str(why)
    }
}

impl std::error::Error for FramingError {}

/// `token = 1*tchar` (RFC 9110 §5.6.2), as in `request_line`: field names and transfer codings
/// are tokens.
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
