//! # Limits and Host, step 3 of the request head
//!
//! Steps 1 and 2 (given: `request_line.rs`, `field_lines.rs`) parse a head, but a client can
//! still hurt the server two ways.
//!
//! **It can send without end.** A client that never sends a CRLF makes [`parse_request`] answer
//! `Partial` forever while the server buffers every byte: memory for the taking. So each line
//! has a limit, and a line over it is an error *as soon as the bytes received pass the limit*,
//! complete or not. Count what has arrived: a line still arriving whose length (not counting a
//! final CR, which may be half of its CRLF) is exactly the limit may still be fine, so it is
//! `Partial`; one byte more can never be fine. The limits ([`Limits`], lengths without CRLF):
//!
//! - a request line over `max_request_line` is [`ParseError::RequestLineTooLong`], answered
//!   with 414 URI Too Long (RFC 9112 §3);
//! - a field line over `max_header_line` is [`ParseError::HeaderLineTooLong`], and more than
//!   `max_headers` field lines is [`ParseError::TooManyHeaders`], both answered with 431
//!   Request Header Fields Too Large (RFC 6585 §5).
//!
//! **It can lie about who it is talking to.** The Host field names the site a request is for;
//! a proxy routes and caches by it. If the proxy reads one Host and your server another, a
//! response for one site can be cached under the other. RFC 9112 §3.2: a server MUST answer
//! 400 to an HTTP/1.1 request without a Host field, with more than one, or with an invalid
//! one. [`validate_host`] checks that, once the head is complete:
//!
//! - HTTP/1.1 needs exactly one Host field (names compare case-insensitively), HTTP/1.0 at
//!   most one;
//! - its value is empty, or `host[:port]` as [`split_host_port`] (given, from step 1) reads it:
//!   `example.com`, `example.com:8080`, `[::1]`, `[::1]:8080`.
//!
//! [`parse_request`] below is your step 2, ready to change.

mod field_lines;
mod request_line;

use field_lines::{next_line, parse_field_line};
pub use request_line::{
    RequestLine, TargetForm, Version, is_tchar, parse_request_line, split_host_port,
};

/// Parses the request head at the start of `buf`, refusing it as soon as it passes a limit.
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed, ParseError> {
    // TODO: enforce the limits on the request line, on each field line (complete or still
    //       arriving) and on the number of field lines.
    let _ = limits;
    let mut pos = 0;
    // RFC 9112 §2.2: ignore empty lines received before the request line.
    while buf[pos..].starts_with(b"\r\n") {
        pos += 2;
    }
    let Some(line) = next_line(buf, &mut pos)? else {
        return Ok(Parsed::Partial);
    };
    let line = parse_request_line(line)?;
    let mut headers = Vec::new();
    loop {
        let Some(field) = next_line(buf, &mut pos)? else {
            return Ok(Parsed::Partial);
        };
        if field.is_empty() {
            let request = Request::new(line, headers);
            return Ok(Parsed::Complete {
                request,
                head_len: pos,
            });
        }
        headers.push(parse_field_line(field)?);
    }
}

/// Checks the Host field of a complete request head (RFC 9112 §3.2).
pub fn validate_host(request: &Request) -> Result<(), ParseError> {
    // TODO: exactly one Host field for HTTP/1.1 (at most one for 1.0), empty or host[:port].
    todo!("validate_host for {} {}", request.method, request.target)
}

// ---------------------------------------------------------------------------------------------
// Given code: the limits, the request model and the errors. You need not change it.
// ---------------------------------------------------------------------------------------------

/// How much a client may send before the parser gives up on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line, in bytes, not counting its CRLF.
    pub max_request_line: usize,
    /// Longest field line, in bytes, not counting its CRLF.
    pub max_header_line: usize,
    /// Most field lines in one head.
    pub max_headers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_line: 8 * 1024,
            max_header_line: 8 * 1024,
            max_headers: 100,
        }
    }
}

/// One field line: the name as the client spelled it, the value without surrounding OWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    /// Opaque bytes: values may hold obs-text (bytes >= 0x80) that is not UTF-8.
    pub value: Vec<u8>,
}

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request-target exactly as sent.
    pub target: String,
    pub form: TargetForm,
    pub version: Version,
    /// The field lines in the order they arrived.
    pub headers: Vec<Header>,
    /// The body: the head parser leaves it empty, whoever reads the body fills it in.
    pub body: Vec<u8>,
}

impl Request {
    /// The request whose request line is `line`, with these field lines.
    pub fn new(line: RequestLine, headers: Vec<Header>) -> Request {
        let RequestLine {
            method,
            target,
            form,
            version,
        } = line;
        Request {
            method,
            target,
            form,
            version,
            headers,
            body: Vec::new(),
        }
    }
}

/// The outcome of parsing the bytes received so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// The head is complete. It took `head_len` bytes of the buffer (including the empty
    /// line); whatever follows belongs to the body or to the next request.
    Complete { request: Request, head_len: usize },
    /// Everything so far is valid, but the head has not ended yet: read more bytes.
    Partial,
}

/// Why a request head was rejected. [`ParseError::status`] is the response to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// Not three non-empty parts separated by single spaces.
    MalformedRequestLine,
    /// The method is not a token.
    InvalidMethod,
    /// The request-target has a forbidden byte, or a form its method does not allow.
    InvalidTarget,
    /// The HTTP-version is not `HTTP/` DIGIT `.` DIGIT.
    InvalidVersion,
    /// A well-formed HTTP-version whose major version is not 1.
    UnsupportedVersion,
    /// A line ended in a bare LF, or a CR was not followed by LF.
    BadLineEnding,
    /// A field line has no colon, an empty name, or a name that is not a token.
    InvalidHeaderName,
    /// Whitespace between a field name and its colon.
    WhitespaceBeforeColon,
    /// A field line starts with SP or HTAB (obs-fold, or whitespace before the first field).
    ObsFold,
    /// A field value contains a control byte.
    InvalidHeaderValue,
    /// The request line is longer than [`Limits::max_request_line`].
    RequestLineTooLong,
    /// A field line is longer than [`Limits::max_header_line`].
    HeaderLineTooLong,
    /// More field lines than [`Limits::max_headers`].
    TooManyHeaders,
    /// Host is missing (HTTP/1.1), repeated, or not a valid `host[:port]`.
    InvalidHost,
}

impl ParseError {
    /// The status code a server answers with.
    pub fn status(self) -> u16 {
        match self {
            ParseError::UnsupportedVersion => 505,
            ParseError::RequestLineTooLong => 414,
            ParseError::HeaderLineTooLong | ParseError::TooManyHeaders => 431,
            _ => 400,
        }
    }
}
