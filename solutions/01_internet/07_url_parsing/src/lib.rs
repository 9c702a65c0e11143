//! # URL parsing and percent-encoding
//!
//! Backends parse URLs all day: redirect targets, webhook endpoints, OAuth `redirect_uri`s, CORS
//! origins, link previews. A URL is also the classic place where two parsers disagree. If your
//! SSRF filter reads the host of `http://evil.com\@good.com/` as `good.com` while the HTTP client
//! connects to `evil.com`, the filter is useless. If the filter blocks `127.0.0.1` but lets
//! `http://0x7f.1/` through, it is useless too: browsers and many HTTP libraries read that as
//! 127.0.0.1. The only defence is to parse exactly as the standard says, then check the parsed
//! result rather than the raw string.
//!
//! The [WHATWG URL Standard](https://url.spec.whatwg.org/) describes how browsers turn a
//! string into a URL; Node's `URL`, Rust's `url` crate and many others implement it too. It is
//! written as a state machine, but for the *special* schemes `http`, `https`, `ws`, `wss` and
//! `ftp` with no base URL it boils down to these steps (§4.4, "basic URL parser"):
//!
//! 1. Strip leading and trailing C0 controls and spaces, and delete every tab, LF and CR
//!    anywhere in the input.
//! 2. **Scheme**: an ASCII letter then letters, digits, `+`, `-`, `.`, up to the first `:`.
//!    Lowercase it.
//! 3. Skip any number of `/` and `\` (for special schemes a backslash counts as a slash).
//! 4. **Authority**: everything up to the next `/`, `\`, `?` or `#`. If it contains `@`, the
//!    part before the *last* `@` is the userinfo: `username[:password]`, percent-encoded with
//!    the userinfo set. A URL with an `@` but nothing after it has no host and is invalid.
//! 5. **Host** (§3.5, "host parsing"): `[...]` is an IPv6 address. Otherwise percent-decode
//!    it, lowercase it, reject forbidden domain code points (§3.2), and if the last label is a
//!    number (`1.2.3.4`, `0x7f.1`, `2130706433`) parse the whole host as an IPv4 address
//!    (§3.5, IPv4 parser: parts may be hex or octal, and there may be fewer than four).
//! 6. **Port**: the digits after the first `:` that is not inside brackets; at most 65535;
//!    empty means no port; the scheme's default port (80, 443, 80, 443, 21) is dropped.
//! 7. **Path** (§4.4, path state): split on `/` and `\`, drop `.` segments, let `..` remove
//!    the previous segment (`%2e` counts as `.`), and percent-encode each segment with the
//!    path set. A special URL's path is never empty: at least `/`.
//! 8. **Query** after `?` (special-query set) and **fragment** after `#` (fragment set).
//!
//! Percent-encoding (§1.3) writes a byte as `%` and two uppercase hex digits. Each component has
//! its own *percent-encode set* of bytes that must be encoded there; every non-ASCII character
//! is encoded as its UTF-8 bytes. A `%` already in the input is left alone: `%41` stays `%41`,
//! and so does a stray `%zz`.
//!
//! Out of scope here: relative references against a base URL, `file:` URLs, non-special schemes
//! (`mailto:`, `data:`...), and internationalised domain names. A host that would need IDNA
//! processing (UTS #46) is rejected with [`ParseError::IdnaRequired`].

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A parsed URL of a special scheme. Every string field holds the *serialized* (already
/// percent-encoded) form, exactly as it appears in [`Url::href`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// Lowercase, without the `:`: `"https"`.
    pub scheme: String,
    /// Percent-encoded; empty when absent.
    pub username: String,
    /// Percent-encoded; empty when absent.
    pub password: String,
    pub host: Host,
    /// `None` when absent, empty, or equal to the scheme's default port.
    pub port: Option<u16>,
    /// Percent-encoded, starts with `/`.
    pub path: String,
    /// Without the `?`. `Some("")` for a URL that ends in a bare `?`.
    pub query: Option<String>,
    /// Without the `#`. `Some("")` for a URL that ends in a bare `#`.
    pub fragment: Option<String>,
}

/// A host, after host parsing (§3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An ASCII-lowercase domain such as `example.com`.
    Domain(String),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The input does not start with `scheme:` (a relative reference, or garbage).
    MissingScheme,
    /// A scheme other than http, https, ws, wss, ftp (lowercased).
    UnsupportedScheme(String),
    /// Nothing between the slashes (or the `@`) and the end of the authority.
    EmptyHost,
    /// The host contains a forbidden domain code point (§3.2).
    InvalidHost,
    /// The host is non-ASCII or has an `xn--` label: it needs IDNA, which is out of scope.
    IdnaRequired,
    /// The host ends in a number but is not a valid IPv4 address.
    InvalidIpv4,
    /// The host is in brackets but is not a valid IPv6 address.
    InvalidIpv6,
    /// The port has a non-digit or is above 65535.
    InvalidPort,
}

/// The percent-encode sets of §1.3. Each set contains the bytes that must be percent-encoded
/// in the component it is named after; every set contains all bytes that are not ASCII.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeSet {
    /// C0 controls (0x00..=0x1F) and every byte above `~` (0x7E).
    C0Control,
    /// C0Control plus space `"` `<` `>` `` ` ``.
    Fragment,
    /// C0Control plus space `"` `#` `<` `>`.
    Query,
    /// Query plus `'` (used for the query of special URLs).
    SpecialQuery,
    /// Query plus `?` `^` `` ` `` `{` `}`.
    Path,
    /// Path plus `/` `:` `;` `=` `@` `[` `\` `]` `^` `|`.
    Userinfo,
}

impl EncodeSet {
    /// Whether `byte` must be percent-encoded in this set.
    pub fn contains(self, byte: u8) -> bool {
        match self {
            EncodeSet::C0Control => !(0x20..=b'~').contains(&byte),
            EncodeSet::Fragment => {
                EncodeSet::C0Control.contains(byte)
                    || matches!(byte, b' ' | b'"' | b'<' | b'>' | b'`')
            }
            EncodeSet::Query => {
                EncodeSet::C0Control.contains(byte)
                    || matches!(byte, b' ' | b'"' | b'#' | b'<' | b'>')
            }
            EncodeSet::SpecialQuery => EncodeSet::Query.contains(byte) || byte == b'\'',
            EncodeSet::Path => {
                EncodeSet::Query.contains(byte) || matches!(byte, b'?' | b'^' | b'`' | b'{' | b'}')
            }
            EncodeSet::Userinfo => {
                EncodeSet::Path.contains(byte)
                    || matches!(byte, b'/' | b':' | b';' | b'=' | b'@' | b'['..=b'^' | b'|')
            }
        }
    }
}

/// Percent-encodes the UTF-8 bytes of `input` that are in `set`, as `%` and two uppercase hex
/// digits.
pub fn percent_encode(input: &str, set: EncodeSet) -> String {
    let mut out = String::with_capacity(input.len());
    for byte in input.bytes() {
        if set.contains(byte) {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            // Every set contains all non-ASCII bytes, so what is left is ASCII.
            out.push(char::from(byte));
        }
    }
    out
}

/// Percent-decodes `input` (§1.3): `%` followed by two hex digits becomes that byte; everything
/// else, including a `%` that is not followed by two hex digits, is copied as it is.
pub fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) => hex_value(hi).zip(hex_value(lo)),
            _ => None,
        };
        match decoded {
            Some((hi, lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).map(|d| d as u8)
}

/// The default port of a special scheme, or `None` if the scheme is not one this parser
/// supports.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// The IPv4 parser of §3.5: one to four dot-separated numbers, each decimal, hex (`0x`) or
/// octal (leading `0`); the last number fills all the remaining bytes.
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, ParseError> {
    let mut parts: Vec<&str> = input.split('.').collect();
    // A single trailing dot is allowed ("1.2.3.4."), but not an empty host.
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 {
        return Err(ParseError::InvalidIpv4);
    }
    let numbers = parts
        .iter()
        .map(|part| parse_ipv4_number(part))
        .collect::<Result<Vec<u64>, _>>()?;
    let (&last, init) = numbers.split_last().ok_or(ParseError::InvalidIpv4)?;
    if init.iter().any(|&n| n > 255) {
        return Err(ParseError::InvalidIpv4);
    }
    // With n parts, the last one covers the remaining 5 - n bytes.
    let last_limit = 256u64.pow(5 - numbers.len() as u32);
    if last >= last_limit {
        return Err(ParseError::InvalidIpv4);
    }
    let address = init
        .iter()
        .enumerate()
        .fold(last, |acc, (i, &n)| acc + (n << (8 * (3 - i))));
    let address = u32::try_from(address).map_err(|_| ParseError::InvalidIpv4)?;
    Ok(Ipv4Addr::from(address))
}

/// The IPv4 number parser of §3.5. Values too big for a u64 saturate: they are numbers all the
/// same (which matters for "ends in a number"), and any of them is too big for an address.
fn parse_ipv4_number(input: &str) -> Result<u64, ParseError> {
    if input.is_empty() {
        return Err(ParseError::InvalidIpv4);
    }
    let (digits, radix) = if let Some(hex) = input.strip_prefix("0x").or(input.strip_prefix("0X")) {
        (hex, 16)
    } else if input.len() > 1 && input.starts_with('0') {
        (&input[1..], 8)
    } else {
        (input, 10)
    };
    digits.chars().try_fold(0u64, |acc, c| {
        let digit = c.to_digit(radix).ok_or(ParseError::InvalidIpv4)?;
        Ok(acc
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(digit)))
    })
}

/// The "ends in a number" checker of §3.5: is the last label (ignoring one trailing dot) all
/// digits, or a valid IPv4 number such as `0x7f`?
fn ends_in_a_number(input: &str) -> bool {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || parse_ipv4_number(last).is_ok()
}

/// The host parser of §3.5 for special URLs. `input` is the raw host text between the
/// authority's `@` (if any) and the port's `:` (if any); it is never empty.
pub fn parse_host(input: &str) -> Result<Host, ParseError> {
    if let Some(inside) = input.strip_prefix('[') {
        let inside = inside.strip_suffix(']').ok_or(ParseError::InvalidIpv6)?;
        return inside
            .parse()
            .map(Host::Ipv6)
            .map_err(|_| ParseError::InvalidIpv6);
    }
    let decoded = String::from_utf8_lossy(&percent_decode(input)).into_owned();
    let is_ace = |label: &str| {
        label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    };
    if !decoded.is_ascii() || decoded.split('.').any(is_ace) {
        return Err(ParseError::IdnaRequired);
    }
    let domain = decoded.to_ascii_lowercase();
    if domain.bytes().any(is_forbidden_domain_byte) {
        return Err(ParseError::InvalidHost);
    }
    if ends_in_a_number(&domain) {
        return parse_ipv4(&domain).map(Host::Ipv4);
    }
    Ok(Host::Domain(domain))
}

/// Forbidden domain code points (§3.2), for an ASCII domain.
fn is_forbidden_domain_byte(byte: u8) -> bool {
    byte <= 0x20
        || byte == 0x7F
        || matches!(
            byte,
            b'#' | b'%'
                | b'/'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'^'
                | b'|'
        )
}

/// The path state of §4.4 for a special URL: `input` is everything between the authority and
/// the first `?` or `#` (empty, or starting with `/` or `\`). Returns the serialized path.
pub fn parse_path(input: &str) -> String {
    let input = input.strip_prefix(['/', '\\']).unwrap_or(input);
    let pieces: Vec<&str> = input.split(['/', '\\']).collect();
    let mut segments: Vec<String> = Vec::with_capacity(pieces.len());
    for (i, piece) in pieces.iter().enumerate() {
        // A dot segment at the very end still leaves a directory: "/a/b/.." is "/a/".
        let is_last = i + 1 == pieces.len();
        if is_double_dot(piece) {
            segments.pop();
            if is_last {
                segments.push(String::new());
            }
        } else if is_single_dot(piece) {
            if is_last {
                segments.push(String::new());
            }
        } else {
            segments.push(percent_encode(piece, EncodeSet::Path));
        }
    }
    format!("/{}", segments.join("/"))
}

fn is_single_dot(segment: &str) -> bool {
    segment == "." || segment.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

impl Url {
    /// Parses an absolute URL of a special scheme (§4.4 basic URL parser, no base URL).
    pub fn parse(input: &str) -> Result<Url, ParseError> {
        let input: String = input
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();

        let (scheme, rest) = split_scheme(&input)?;
        let default =
            default_port(&scheme).ok_or_else(|| ParseError::UnsupportedScheme(scheme.clone()))?;

        let rest = rest.trim_start_matches(['/', '\\']);
        let authority_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);

        // The last '@' ends the userinfo: earlier ones are data and get percent-encoded.
        let (userinfo, host_and_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_and_port)) => (userinfo, host_and_port),
            None => ("", authority),
        };
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));

        let (host, port) = split_host_and_port(host_and_port);
        if host.is_empty() {
            return Err(ParseError::EmptyHost);
        }
        let host = parse_host(host)?;
        let port = parse_port(port)?.filter(|&port| port != default);

        let (rest, fragment) = match rest.split_once('#') {
            Some((rest, fragment)) => (rest, Some(percent_encode(fragment, EncodeSet::Fragment))),
            None => (rest, None),
        };
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(percent_encode(query, EncodeSet::SpecialQuery))),
            None => (rest, None),
        };

        Ok(Url {
            scheme,
            username: percent_encode(username, EncodeSet::Userinfo),
            password: percent_encode(password, EncodeSet::Userinfo),
            host,
            port,
            path: parse_path(path),
            query,
            fragment,
        })
    }

    /// The serialized URL (§4.5), the `href` of the JavaScript URL API.
    pub fn href(&self) -> String {
        self.to_string()
    }
}

/// Splits `scheme:rest`, lowercasing the scheme.
fn split_scheme(input: &str) -> Result<(String, &str), ParseError> {
    let (scheme, rest) = input.split_once(':').ok_or(ParseError::MissingScheme)?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return Err(ParseError::MissingScheme);
    }
    Ok((scheme.to_ascii_lowercase(), rest))
}

/// Splits at the first `:` that is not inside `[...]`.
fn split_host_and_port(input: &str) -> (&str, Option<&str>) {
    let mut in_brackets = false;
    for (i, c) in input.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => return (&input[..i], Some(&input[i + 1..])),
            _ => {}
        }
    }
    (input, None)
}

fn parse_port(port: Option<&str>) -> Result<Option<u16>, ParseError> {
    match port {
        None | Some("") => Ok(None),
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            // Parse digit by digit so that "99999999999999999999" is an error, not a wrap.
            let value = digits.bytes().try_fold(0u32, |acc, b| {
                let next = acc * 10 + u32::from(b - b'0');
                (next <= u32::from(u16::MAX)).then_some(next)
            });
            value.map(|v| Some(v as u16)).ok_or(ParseError::InvalidPort)
        }
        Some(_) => Err(ParseError::InvalidPort),
    }
}

impl fmt::Display for Host {
    /// The host serializer (§3.6): IPv6 in brackets with the first longest run of two or more
    /// zero pieces compressed to `::`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(domain) => f.write_str(domain),
            Host::Ipv4(address) => write!(f, "{address}"),
            Host::Ipv6(address) => {
                let pieces = address.segments();
                let compress = longest_zero_run(&pieces);
                f.write_str("[")?;
                let mut i = 0;
                while i < pieces.len() {
                    if let Some((start, len)) = compress.filter(|&(start, _)| start == i) {
                        f.write_str(if start == 0 { "::" } else { ":" })?;
                        i += len;
                        continue;
                    }
                    write!(f, "{:x}", pieces[i])?;
                    if i + 1 < pieces.len() {
                        f.write_str(":")?;
                    }
                    i += 1;
                }
                f.write_str("]")
            }
        }
    }
}

/// The first longest run of at least two zero pieces, as (start, length).
fn longest_zero_run(pieces: &[u16; 8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < pieces.len() {
        let len = pieces[i..].iter().take_while(|&&p| p == 0).count();
        if len >= 2 && best.is_none_or(|(_, best_len)| len > best_len) {
            best = Some((i, len));
        }
        i += len.max(1);
    }
    best
}

impl fmt::Display for Url {
    /// The URL serializer (§4.5).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        if !self.username.is_empty() || !self.password.is_empty() {
            f.write_str(&self.username)?;
            if !self.password.is_empty() {
                write!(f, ":{}", self.password)?;
            }
            f.write_str("@")?;
        }
        write!(f, "{}", self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        f.write_str(&self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        if let Some(fragment) = &self.fragment {
            write!(f, "#{fragment}")?;
        }
        Ok(())
    }
}
