//! # The request head: request line and header fields
//!
//! Every HTTP/1.1 request starts with a *head*: a request line, zero or more field lines
//! (headers) and an empty line, each ending in CRLF. The body, if any, follows.
//!
//! ```text
//! GET /search?q=rust HTTP/1.1\r\n     request line: method SP request-target SP HTTP-version
//! Host: example.com\r\n                field line:   field-name ":" OWS field-value OWS
//! Accept: text/html\r\n
//! \r\n                                 empty line:   the head ends here
//! ```
//!
//! It looks like a job for `split`. It is not, because your server is rarely the only program
//! reading these bytes: a load balancer, a CDN or a proxy parsed them first. If two parsers
//! disagree about where a line ends, what a header is called, or whether a line is a header
//! at all, an attacker can make the proxy see one request and your server another. That is
//! *request smuggling* (exercise 10 of this chapter), and it has bypassed the access control
//! of large sites. The defence is to accept exactly what the grammar allows and to answer
//! everything else with an error status: no guessing, no repairing.
//!
//! The rules this parser enforces, from RFC 9112 (HTTP/1.1) and RFC 9110 (HTTP semantics):
//!
//! - **Lines end in CRLF** ([§2.2]). The RFC lets a recipient accept a bare LF, and says a bare
//!   CR must be rejected or replaced. We reject both: a bare LF is exactly where parsers
//!   disagree (`Dummy: x\nContent-Length: 23` is one header to one parser and two to another).
//!   Empty lines *before* the request line are skipped: some clients send a stray CRLF after
//!   a request body.
//! - **The request line** ([§3]) is three parts separated by exactly one SP each.
//!   - The *method* is a token ([RFC 9110 §9.1]) and case-sensitive: `get` is not `GET`.
//!     Any token parses; whether the server implements it (or answers 501) is decided later.
//!   - The *request-target* ([§3.2]) has four forms: origin-form `/path?query` (most
//!     requests), absolute-form `http://host/path` (requests to a proxy), authority-form
//!     `host:port` (only for CONNECT) and asterisk-form `*` (only for OPTIONS). Its bytes
//!     must be visible ASCII: no spaces, no control bytes, no raw UTF-8.
//!   - The *HTTP-version* ([§2.3]) is `HTTP/` DIGIT `.` DIGIT, case-sensitive. A higher minor
//!     version of HTTP/1 is handled as HTTP/1.1 ([RFC 9110 §2.5]); another major version gets
//!     505 (HTTP Version Not Supported).
//! - **Field lines** ([§5]): the name is a token, compared case-insensitively but kept as sent.
//!   No whitespace is allowed between the name and the colon: a server MUST reject that
//!   ([§5.1]), because proxies that strip it and proxies that do not disagree on the name.
//!   Whitespace around the value (OWS) is not part of the value. A line that starts with SP or
//!   HTAB is obsolete line folding (*obs-fold*, [§5.2]): rejected. Value bytes are visible
//!   ASCII, SP, HTAB and bytes >= 0x80 (*obs-text*, [RFC 9110 §5.5]), kept as opaque bytes;
//!   NUL and other control bytes are rejected.
//! - **Limits**. Bytes arrive from a socket in pieces, so the parser answers "not yet"
//!   ([`Parsed::Partial`]) until the empty line arrives. But a client that never sends a CRLF
//!   must not make the server buffer forever: a line over its limit is an error as soon as
//!   the limit is passed, complete or not. A request line that is too long gets 414 (URI Too
//!   Long, [§3]); a header line too long or too many header lines get 431 (Request Header
//!   Fields Too Large, [RFC 6585 §5]).
//! - **Host** ([§3.2]): an HTTP/1.1 request without a Host field, with more than one, or with
//!   an invalid one MUST get 400. That check is [`validate_host`].
//!
//! [§2.2]: https://www.rfc-editor.org/rfc/rfc9112#section-2.2
//! [§2.3]: https://www.rfc-editor.org/rfc/rfc9112#section-2.3
//! [§3]: https://www.rfc-editor.org/rfc/rfc9112#section-3
//! [§3.2]: https://www.rfc-editor.org/rfc/rfc9112#section-3.2
//! [§5]: https://www.rfc-editor.org/rfc/rfc9112#section-5
//! [§5.1]: https://www.rfc-editor.org/rfc/rfc9112#section-5.1
//! [§5.2]: https://www.rfc-editor.org/rfc/rfc9112#section-5.2
//! [RFC 9110 §2.5]: https://www.rfc-editor.org/rfc/rfc9110#section-2.5
//! [RFC 9110 §5.5]: https://www.rfc-editor.org/rfc/rfc9110#section-5.5
//! [RFC 9110 §9.1]: https://www.rfc-editor.org/rfc/rfc9110#section-9.1
//! [RFC 6585 §5]: https://www.rfc-editor.org/rfc/rfc6585#section-5

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

/// The protocol version of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// Which of the four request-target forms of RFC 9112 §3.2 the target has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetForm {
    /// `/path?query`: a request to an origin server.
    Origin,
    /// `http://host/path?query`: a request to a proxy.
    Absolute,
    /// `host:port`: only for CONNECT.
    Authority,
    /// `*`: only for OPTIONS, meaning the server as a whole.
    Asterisk,
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
    /// A line ended in a bare LF, or a CR was not followed by LF.
    BadLineEnding,
    /// The request line is not three non-empty parts separated by single spaces.
    MalformedRequestLine,
    /// The method is not a token.
    InvalidMethod,
    /// The request-target has a forbidden byte, or a form its method does not allow.
    InvalidTarget,
    /// The HTTP-version is not `HTTP/` DIGIT `.` DIGIT.
    InvalidVersion,
    /// A well-formed HTTP-version whose major version is not 1.
    UnsupportedVersion,
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

/// `tchar` of RFC 9110 §5.6.2: the bytes a token (method, field name) is made of.
///
/// ```text
/// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
///         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
/// ```
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses the request head at the start of `buf`.
///
/// Returns [`Parsed::Partial`] while the head is incomplete but valid so far, and an error as
/// soon as the bytes received are invalid or over a limit.
pub fn parse_request(buf: &[u8], limits: &Limits) -> Result<Parsed, ParseError> {
    // TODO: skip empty lines (CRLF) before the request line.
    // TODO: cut the buffer into CRLF-terminated lines; a bare LF or CR is BadLineEnding.
    //       A line that has not fully arrived yet means Partial, unless it is already longer
    //       than its limit.
    // TODO: parse the request line: method, request-target (and its form), HTTP-version.
    // TODO: parse each field line until the empty line, enforcing max_header_line and
    //       max_headers, then return Complete with the number of bytes the head took.
    todo!("parse_request ({} bytes received, {limits:?})", buf.len())
}

/// Checks the Host field of a parsed request (RFC 9112 §3.2): an HTTP/1.1 request must have
/// exactly one, HTTP/1.0 at most one, and its value must be `host[:port]` (empty is allowed).
pub fn validate_host(request: &Request) -> Result<(), ParseError> {
    // TODO: count the Host fields (names are case-insensitive) and check the value's shape:
    //       a host without `/ ? # @ ,` or whitespace, `[...]` around an IPv6 address, and an
    //       optional `:port` of digits.
    todo!("validate_host for {} {}", request.method, request.target)
}
