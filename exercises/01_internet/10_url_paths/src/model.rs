//! The URL model every step shares: what the parser produces, its errors, and the URL
//! serializer (WHATWG URL §4.5), which writes the parsed pieces back as one string.

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

/// Why an input is not a URL this parser accepts.
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

impl Url {
    /// The serialized URL (§4.5), the `href` of the JavaScript URL API.
    pub fn href(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Url {
    /// The URL serializer (§4.5): the userinfo only when there is one, the `:` before the
    /// password only when there is a password.
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
