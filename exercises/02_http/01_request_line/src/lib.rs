//! # The request line, step 1 of the request head
//!
//! Every HTTP/1.1 request starts with one line saying what the client wants:
//!
//! ```text
//! GET /search?q=rust HTTP/1.1        method SP request-target SP HTTP-version
//! ```
//!
//! It looks like a job for `split_whitespace`. It is not: your server is rarely the only program
//! reading these bytes. A load balancer or a proxy parsed them first, and where two parsers
//! disagree (is `GET  /` two spaces or one?), an attacker can make them see different requests:
//! *request smuggling*. The defence is to accept exactly what the grammar allows and nothing
//! else. This step parses the line; the next two add the field lines, the limits and Host.
//!
//! The rules (RFC 9112 §3, the chapter README has the background):
//!
//! - Three non-empty parts separated by exactly one SP each: [`ParseError::MalformedRequestLine`].
//! - The **method** is a token (all [`is_tchar`]) and case-sensitive: `get` is a valid method,
//!   just not `GET`. Any token parses; whether the server implements it is decided later.
//! - The **request-target** is visible ASCII only (no SP, no control byte, no raw UTF-8), in one
//!   of four forms ([§3.2]), decided in this order:
//!   - CONNECT takes only *authority-form* `host:port` (use [`split_host_port`]; the port is
//!     required);
//!   - `*` is *asterisk-form*, only for OPTIONS;
//!   - a leading `/` is *origin-form*, `/path?query`;
//!   - `scheme://host...` is *absolute-form*, sent to proxies: the scheme is a letter followed by
//!     letters, digits, `+ - .`, and the host (up to the first `/ ? #`) is not empty.
//!   - anything else is [`ParseError::InvalidTarget`].
//! - The **HTTP-version** is exactly `HTTP/` DIGIT `.` DIGIT. `1.0` is [`Version::Http10`]; any
//!   other 1.x is handled as [`Version::Http11`] ([RFC 9110 §2.5]); another major version is
//!   [`ParseError::UnsupportedVersion`], answered with 505.
//!
//! [§3.2]: https://www.rfc-editor.org/rfc/rfc9112#section-3.2
//! [RFC 9110 §2.5]: https://www.rfc-editor.org/rfc/rfc9110#section-2.5

/// Parses one request line, given without its CRLF.
pub fn parse_request_line(line: &[u8]) -> Result<RequestLine, ParseError> {
    // TODO: split on b' ' into exactly three non-empty parts, then check the method, the
    //       version and the target (and its form), in the order of the rules above.
    todo!("parse {:?}", String::from_utf8_lossy(line))
}

// ---------------------------------------------------------------------------------------------
// Given code: the types this step returns, and two helpers. You need not change it.
// ---------------------------------------------------------------------------------------------

/// A parsed request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLine {
    /// The method, exactly as sent.
    pub method: String,
    /// The request-target, exactly as sent.
    pub target: String,
    pub form: TargetForm,
    pub version: Version,
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

/// Why a request line was rejected. [`ParseError::status`] is the response to send.
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

/// `tchar` of RFC 9110 §5.6.2: the bytes a token (method, field name) is made of.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Splits `host[:port]` (RFC 9110 §7.2), with `[...]` around an IPv6 literal. `None` if it is
/// not of that shape: bytes that belong to other URI parts (`/ ? # @`), a list (`,`), a
/// non-visible byte, or a port that is not 1 to 5 digits fitting in a u16 (`+80` is not one:
/// `str::parse` would accept it). Used here for CONNECT's target, and in step 3 for Host.
pub fn split_host_port(value: &[u8]) -> Option<(&[u8], Option<u16>)> {
    let (host, port) = if value.starts_with(b"[") {
        // An IPv6 literal holds colons of its own: the port comes after the `]`.
        let close = value.iter().position(|&b| b == b']')?;
        let (host, rest) = value.split_at(close + 1);
        match rest {
            [] => (host, None),
            [b':', port @ ..] => (host, Some(port)),
            _ => return None,
        }
    } else {
        match value.iter().position(|&b| b == b':') {
            Some(colon) => (&value[..colon], Some(&value[colon + 1..])),
            None => (value, None),
        }
    };
    let host_ok = host
        .iter()
        .all(|&b| b.is_ascii_graphic() && !b"/?#@,".contains(&b));
    if !host_ok {
        return None;
    }
    let port = match port {
        None => None,
        Some(digits) if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) => {
            Some(std::str::from_utf8(digits).ok()?.parse().ok()?)
        }
        Some(_) => return None,
    };
    Some((host, port))
}
