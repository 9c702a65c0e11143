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
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_slice())
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
    let mut pos = 0;
    // RFC 9112 §2.2: ignore empty lines received before the request line.
    loop {
        match &buf[pos..] {
            [b'\r', b'\n', ..] => pos += 2,
            [] | [b'\r'] => return Ok(Parsed::Partial),
            _ => break,
        }
    }

    let too_long = ParseError::RequestLineTooLong;
    let Some(line) = next_line(buf, &mut pos, limits.max_request_line, too_long)? else {
        return Ok(Parsed::Partial);
    };
    let (method, target, form, version) = parse_request_line(line)?;

    let mut headers = Vec::new();
    loop {
        let too_long = ParseError::HeaderLineTooLong;
        let Some(line) = next_line(buf, &mut pos, limits.max_header_line, too_long)? else {
            return Ok(Parsed::Partial);
        };
        if line.is_empty() {
            let request = Request {
                method,
                target,
                form,
                version,
                headers,
            };
            return Ok(Parsed::Complete {
                request,
                head_len: pos,
            });
        }
        if headers.len() == limits.max_headers {
            return Err(ParseError::TooManyHeaders);
        }
        headers.push(parse_field_line(line)?);
    }
}

/// Takes the CRLF-terminated line starting at `*pos`, without its CRLF, and moves `*pos`
/// past it. `None` means the line has not fully arrived yet.
fn next_line<'a>(
    buf: &'a [u8],
    pos: &mut usize,
    max_len: usize,
    too_long: ParseError,
) -> Result<Option<&'a [u8]>, ParseError> {
    let rest = &buf[*pos..];
    let Some(lf) = rest.iter().position(|&b| b == b'\n') else {
        // A trailing CR may be the first half of the CRLF: it is not part of the line.
        let pending = rest.strip_suffix(b"\r").unwrap_or(rest);
        // Refuse now rather than buffer a line that can never become acceptable.
        if pending.len() > max_len {
            return Err(too_long);
        }
        if pending.contains(&b'\r') {
            return Err(ParseError::BadLineEnding);
        }
        return Ok(None);
    };
    let line = rest[..lf]
        .strip_suffix(b"\r")
        .ok_or(ParseError::BadLineEnding)?;
    if line.contains(&b'\r') {
        return Err(ParseError::BadLineEnding);
    }
    if line.len() > max_len {
        return Err(too_long);
    }
    *pos += lf + 1;
    Ok(Some(line))
}

fn parse_request_line(line: &[u8]) -> Result<(String, String, TargetForm, Version), ParseError> {
    let parts: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(ParseError::MalformedRequestLine);
    };
    if method.is_empty() || target.is_empty() || version.is_empty() {
        return Err(ParseError::MalformedRequestLine);
    }
    if !method.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::InvalidMethod);
    }
    let version = parse_version(version)?;
    let form = target_form(method, target)?;
    // Both were checked to be ASCII above.
    let method = String::from_utf8(method.to_vec()).expect("a token is ASCII");
    let target = String::from_utf8(target.to_vec()).expect("a checked target is ASCII");
    Ok((method, target, form, version))
}

fn parse_version(version: &[u8]) -> Result<Version, ParseError> {
    let [b'H', b'T', b'T', b'P', b'/', major, b'.', minor] = *version else {
        return Err(ParseError::InvalidVersion);
    };
    if !major.is_ascii_digit() || !minor.is_ascii_digit() {
        return Err(ParseError::InvalidVersion);
    }
    match (major, minor) {
        (b'1', b'0') => Ok(Version::Http10),
        // RFC 9110 §2.5: a higher minor version is processed as the highest one we implement.
        (b'1', _) => Ok(Version::Http11),
        _ => Err(ParseError::UnsupportedVersion),
    }
}

fn target_form(method: &[u8], target: &[u8]) -> Result<TargetForm, ParseError> {
    if !target.iter().all(|b| b.is_ascii_graphic()) {
        return Err(ParseError::InvalidTarget);
    }
    let form = if method == b"CONNECT" {
        if !is_authority(target) {
            return Err(ParseError::InvalidTarget);
        }
        TargetForm::Authority
    } else if target == b"*" {
        if method != b"OPTIONS" {
            return Err(ParseError::InvalidTarget);
        }
        TargetForm::Asterisk
    } else if target.starts_with(b"/") {
        TargetForm::Origin
    } else if is_absolute(target) {
        TargetForm::Absolute
    } else {
        return Err(ParseError::InvalidTarget);
    };
    Ok(form)
}

/// authority-form of RFC 9112 §3.2.3: `uri-host ":" port`, no userinfo, no path.
fn is_authority(target: &[u8]) -> bool {
    matches!(split_host_port(target), Some((host, Some(_))) if !host.is_empty())
}

/// absolute-form of RFC 9112 §3.2.2, as HTTP uses it: `scheme "://" authority [path]...`
/// with a non-empty authority (RFC 9110 §4.2.1 forbids an empty host).
fn is_absolute(target: &[u8]) -> bool {
    let Some(colon) = target.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = (&target[..colon], &target[colon..]);
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    let Some(after) = rest.strip_prefix(b"://") else {
        return false;
    };
    let authority_len = after
        .iter()
        .position(|b| b"/?#".contains(b))
        .unwrap_or(after.len());
    scheme_ok && authority_len > 0
}

/// Splits `host[:port]`, with `[...]` for IPv6 literals. `None` if it is not of that shape:
/// bytes that belong to other URI parts, a list, whitespace, or a port that is not a number.
fn split_host_port(value: &[u8]) -> Option<(&[u8], Option<u16>)> {
    let (host, port) = if value.starts_with(b"[") {
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

fn parse_field_line(line: &[u8]) -> Result<Header, ParseError> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(ParseError::ObsFold);
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(ParseError::InvalidHeaderName)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.ends_with(b" ") || name.ends_with(b"\t") {
        return Err(ParseError::WhitespaceBeforeColon);
    }
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::InvalidHeaderName);
    }
    let value = trim_ows(value);
    // field-vchar, SP and HTAB (RFC 9110 §5.5).
    if !value
        .iter()
        .all(|&b| b == b' ' || b == b'\t' || b.is_ascii_graphic() || b >= 0x80)
    {
        return Err(ParseError::InvalidHeaderValue);
    }
    Ok(Header {
        name: String::from_utf8(name.to_vec()).expect("a token is ASCII"),
        value: value.to_vec(),
    })
}

/// Strips OWS (SP and HTAB only: a form feed is not whitespace here, it is an invalid byte).
fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

/// Checks the Host field of a parsed request (RFC 9112 §3.2): an HTTP/1.1 request must have
/// exactly one, HTTP/1.0 at most one, and its value must be `host[:port]` (empty is allowed).
pub fn validate_host(request: &Request) -> Result<(), ParseError> {
    let mut hosts = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    match (hosts.next(), hosts.next()) {
        (None, _) if request.version == Version::Http10 => Ok(()),
        (Some(host), None) if host.value.is_empty() => Ok(()),
        (Some(host), None) if split_host_port(&host.value).is_some() => Ok(()),
        _ => Err(ParseError::InvalidHost),
    }
}
