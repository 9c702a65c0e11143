//! The request head parser of the chapter's first three exercises (request_line, field_lines,
//! head_limits), given: the same request model every server exercise of the course builds on.

mod field_lines;
mod request_line;

use field_lines::{next_line, parse_field_line};
pub use request_line::{
    RequestLine, TargetForm, Version, is_tchar, parse_request_line, split_host_port,
};

/// Parses the request head at the start of `buf`, refusing it as soon as it passes a limit.
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed, ParseError> {
    let mut pos = 0;
    // RFC 9112 §2.2: ignore empty lines received before the request line.
    while buf[pos..].starts_with(b"\r\n") {
        pos += 2;
    }
    let (max, too_long) = (limits.max_request_line, ParseError::RequestLineTooLong);
    let Some(line) = limited_line(buf, &mut pos, max, too_long)? else {
        return Ok(Parsed::Partial);
    };
    let line = parse_request_line(line)?;
    let mut headers = Vec::new();
    loop {
        let (max, too_long) = (limits.max_header_line, ParseError::HeaderLineTooLong);
        let Some(field) = limited_line(buf, &mut pos, max, too_long)? else {
            return Ok(Parsed::Partial);
        };
        if field.is_empty() {
            let request = Request::new(line, headers);
            return Ok(Parsed::Complete {
                request,
                head_len: pos,
            });
        }
        if headers.len() == limits.max_headers {
            return Err(ParseError::TooManyHeaders);
        }
        headers.push(parse_field_line(field)?);
    }
}

/// `next_line`, refusing a line longer than `max`, whether it is complete or still arriving.
fn limited_line<'a>(
    buf: &'a [u8],
    pos: &mut usize,
    max: usize,
    too_long: ParseError,
) -> Result<Option<&'a [u8]>, ParseError> {
    let line = next_line(buf, pos)?;
    let len = match line {
        Some(line) => line.len(),
        None => {
            // What has arrived of the line so far; a final CR may be half of its CRLF.
            let rest = &buf[*pos..];
            rest.strip_suffix(b"\r").unwrap_or(rest).len()
        }
    };
    if len > max {
        return Err(too_long);
    }
    Ok(line)
}

/// Checks the Host field of a complete request head (RFC 9112 §3.2).
pub fn validate_host(request: &Request) -> Result<(), ParseError> {
    let mut hosts = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    match (hosts.next(), hosts.next()) {
        (None, _) if request.version == Version::Http10 => Ok(()),
        // An empty value is allowed too: split_host_port reads it as an empty host.
        (Some(host), None) if split_host_port(&host.value).is_some() => Ok(()),
        _ => Err(ParseError::InvalidHost),
    }
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
