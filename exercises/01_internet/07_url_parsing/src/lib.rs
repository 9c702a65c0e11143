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
        // TODO: answer from the lists in the doc comments above (WHATWG URL §1.3).
        todo!("is byte {byte:#04x} in the {self:?} percent-encode set?")
    }
}

/// Percent-encodes the UTF-8 bytes of `input` that are in `set`, as `%` and two uppercase hex
/// digits.
pub fn percent_encode(input: &str, set: EncodeSet) -> String {
    // TODO: encode the bytes in `set`, copy the others.
    todo!("percent-encode {input:?} with the {set:?} set")
}

/// Percent-decodes `input` (§1.3): `%` followed by two hex digits becomes that byte; everything
/// else, including a `%` that is not followed by two hex digits, is copied as it is.
pub fn percent_decode(input: &str) -> Vec<u8> {
    // TODO: decode %XX (either case of hex digit) and keep everything else.
    todo!("percent-decode {input:?}")
}

/// The default port of a special scheme, or `None` if the scheme is not one this parser
/// supports.
pub fn default_port(scheme: &str) -> Option<u16> {
    // TODO: http and ws: 80; https and wss: 443; ftp: 21; anything else: None.
    todo!("default port of {scheme:?}")
}

/// The IPv4 parser of §3.5: one to four dot-separated numbers, each decimal, hex (`0x`) or
/// octal (leading `0`); the last number fills all the remaining bytes.
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, ParseError> {
    // TODO: follow the IPv4 parser and the IPv4 number parser of §3.5. One trailing dot is
    // allowed; an empty part, a bad digit, a part but the last above 255, or a last part too
    // big for the bytes left is `ParseError::InvalidIpv4`. Huge numbers must not overflow.
    todo!("parse {input:?} as an IPv4 address")
}

/// The host parser of §3.5 for special URLs. `input` is the raw host text between the
/// authority's `@` (if any) and the port's `:` (if any); it is never empty.
pub fn parse_host(input: &str) -> Result<Host, ParseError> {
    // TODO:
    // - `[...]`: an IPv6 address (std can parse the inside), else `InvalidIpv6`;
    // - otherwise percent-decode; non-ASCII or an `xn--` label is `IdnaRequired`;
    // - ASCII-lowercase; a forbidden domain code point (§3.2) is `InvalidHost`;
    // - if the last label is a number ("ends in a number", §3.5), it must parse as IPv4;
    // - else it is a domain.
    todo!("parse the host {input:?}")
}

/// The path state of §4.4 for a special URL: `input` is everything between the authority and
/// the first `?` or `#` (empty, or starting with `/` or `\`). Returns the serialized path.
pub fn parse_path(input: &str) -> String {
    // TODO: split on `/` and `\`, resolve `.` and `..` (and their `%2e` spellings), and
    // percent-encode each segment with the path set. Never return an empty path.
    todo!("parse the path {input:?}")
}

impl Url {
    /// Parses an absolute URL of a special scheme (§4.4 basic URL parser, no base URL).
    pub fn parse(input: &str) -> Result<Url, ParseError> {
        // TODO: the eight steps of the doc comment at the top of this file, using the
        // functions above.
        todo!("parse {input:?}")
    }

    /// The serialized URL (§4.5), the `href` of the JavaScript URL API.
    pub fn href(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Host {
    /// The host serializer (§3.6): IPv6 in brackets with the first longest run of two or more
    /// zero pieces compressed to `::`.
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write to `f` (rename `_f`): a domain as it is, IPv4 dotted-decimal, IPv6 as
        // `[...]` in lowercase hex with the first longest run of two or more 0 pieces written
        // as `::`.
        todo!("serialize the host {self:?}")
    }
}

impl fmt::Display for Url {
    /// The URL serializer (§4.5).
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write to `f` (rename `_f`):
        //   scheme "://" [username [":" password] "@"] host [":" port] path ["?" query]
        //   ["#" fragment]
        // leaving out the userinfo when both parts are empty, and the ":" when the password is.
        todo!("serialize {self:?}")
    }
}
