//! Step 1, the request line (the exercise request_line).

use super::ParseError;

/// Parses one request line, given without its CRLF.
pub fn parse_request_line(line: &[u8]) -> Result<RequestLine, ParseError> {
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
    Ok(RequestLine {
        // Both were checked to be ASCII above.
        method: String::from_utf8(method.to_vec()).expect("a token is ASCII"),
        target: String::from_utf8(target.to_vec()).expect("a checked target is ASCII"),
        form,
        version,
    })
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
    if !target.iter().all(u8::is_ascii_graphic) {
        return Err(ParseError::InvalidTarget);
    }
    let is_authority = || matches!(split_host_port(target), Some((h, Some(_))) if !h.is_empty());
    match target {
        _ if method == b"CONNECT" && is_authority() => Ok(TargetForm::Authority),
        _ if method == b"CONNECT" => Err(ParseError::InvalidTarget),
        b"*" if method == b"OPTIONS" => Ok(TargetForm::Asterisk),
        [b'/', ..] => Ok(TargetForm::Origin),
        _ if is_absolute(target) => Ok(TargetForm::Absolute),
        _ => Err(ParseError::InvalidTarget),
    }
}

/// absolute-form as HTTP uses it: `scheme "://" authority [path]...` with a non-empty
/// authority (RFC 9110 §4.2.1 forbids an empty host).
fn is_absolute(target: &[u8]) -> bool {
    let Some(colon) = target.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = target.split_at(colon);
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    let Some(after) = rest.strip_prefix(b"://") else {
        return false;
    };
    scheme_ok && !after.is_empty() && !b"/?#".contains(&after[0])
}

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
