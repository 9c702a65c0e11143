//! # Field lines and line ends, step 2 of the request head
//!
//! After the request line come the field lines (headers), then an empty line that ends the head:
//!
//! ```text
//! GET /search?q=rust HTTP/1.1\r\n     request line (step 1, given: request_line.rs)
//! Host: example.com\r\n                field-name ":" OWS field-value OWS
//! Accept: text/html\r\n
//! \r\n                                 the head ends here; a body may follow
//! ```
//!
//! Bytes come from a socket in pieces, so [`parse_request`] is called again each time more
//! arrive: it answers [`Parsed::Partial`] until the empty line is there, and an error as soon as
//! a complete line is wrong (waiting for the rest would only cost memory).
//!
//! The rules (RFC 9112 §2.2 and §5; why each matters is in the chapter README):
//!
//! - **Lines end in CRLF.** A bare LF or a CR not followed by LF anywhere is
//!   [`ParseError::BadLineEnding`]: a bare LF is exactly where a proxy and a server disagree on
//!   where a header ends. A buffer ending in a lone CR is not an error yet: its LF may follow.
//! - Empty lines (CRLF) *before* the request line are skipped ([§2.2]).
//! - **A field line** is split at its *first* colon (none: [`ParseError::InvalidHeaderName`]).
//!   - A line starting with SP or HTAB is obsolete line folding: [`ParseError::ObsFold`].
//!   - SP or HTAB between the name and the colon: [`ParseError::WhitespaceBeforeColon`] ([§5.1]).
//!   - The name is a non-empty token, kept as the client spelled it.
//!   - The value loses the SP and HTAB around it (only those: a form feed is not OWS). What is
//!     left is visible ASCII, SP, HTAB or bytes >= 0x80 (obs-text, kept as opaque bytes);
//!     anything else (NUL, DEL, other control bytes) is [`ParseError::InvalidHeaderValue`].
//! - `head_len` counts every byte up to and including the empty line: what follows is a body
//!   or the next request.
//!
//! [§2.2]: https://www.rfc-editor.org/rfc/rfc9112#section-2.2
//! [§5.1]: https://www.rfc-editor.org/rfc/rfc9112#section-5.1

mod request_line;

pub use request_line::{
    RequestLine, TargetForm, Version, is_tchar, parse_request_line, split_host_port,
};

/// Parses the request head at the start of `buf`.
pub fn parse_request(buf: &[u8]) -> Result<Parsed, ParseError> {
    // TODO: skip the CRLFs before the request line, then cut `buf` into CRLF-terminated lines:
    //       the request line (parse it with `parse_request_line`), then field lines until the
    //       empty one. A line that has not fully arrived means Partial.
    todo!("parse_request ({} bytes received)", buf.len())
}

impl Request {
    /// The value of the first field named `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        // TODO: find the first header whose name matches `name`, ignoring ASCII case.
        todo!(
            "Request::header({name:?}) among {} fields",
            self.headers.len()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the request model and the errors. You need not change it.
// ---------------------------------------------------------------------------------------------

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
}

impl ParseError {
    /// The status code a server answers with.
    pub fn status(self) -> u16 {
        match self {
            ParseError::UnsupportedVersion => 505,
            _ => 400,
        }
    }
}
