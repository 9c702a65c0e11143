//! Given: where a URL points, read the way an HTTP client reads it (WHATWG URL §3.5, §4.4),
//! for `http` and `https` only. This is the host parser of 01_internet (07-09), cut down to
//! what an outbound request needs: the scheme, the host (an IP address or a domain) and the
//! port. It reads `0177.0.0.1`, `0x7f.1` and `2130706433` as 127.0.0.1, as browsers and
//! HTTP clients do: a check that reads the host any other way checks a different address
//! from the one the client connects to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// An IP address written in the URL (in any spelling the IPv4 parser accepts).
    Ip(IpAddr),
    /// A domain name, lowercase, to resolve.
    Domain(String),
}

/// What a request to a URL connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: Host,
    /// The port written in the URL, or the scheme's default (80, 443).
    pub port: u16,
}

/// Reads the target of an absolute `http` or `https` URL; `None` if it is anything else.
pub fn parse_target(url: &str) -> Option<Target> {
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    // The host follows the last '@': in `http://good.example@127.0.0.1/`, the part before it
    // is a user name, and the request goes to 127.0.0.1.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = match host_port.rfind(':') {
        Some(colon) if !host_port[colon..].contains(']') => {
            let port = &host_port[colon + 1..];
            let port = if port.is_empty() {
                default_port
            } else {
                port.parse().ok()?
            };
            (&host_port[..colon], port)
        }
        _ => (host_port, default_port),
    };
    Some(Target {
        host: parse_host(host)?,
        port,
    })
}

fn parse_host(host: &str) -> Option<Host> {
    if let Some(inside) = host.strip_prefix('[') {
        let v6: Ipv6Addr = inside.strip_suffix(']')?.parse().ok()?;
        return Some(Host::Ip(IpAddr::V6(v6)));
    }
    let host = host.to_ascii_lowercase();
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return None;
    }
    // §3.5: a host whose last label is a number must be an IPv4 address, or the URL fails.
    if ends_in_a_number(&host) {
        return parse_ipv4(&host).map(|v4| Host::Ip(IpAddr::V4(v4)));
    }
    Some(Host::Domain(host))
}

fn ends_in_a_number(host: &str) -> bool {
    let last = dot_parts(host).pop().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || parse_ipv4_number(last).is_some()
}

/// One to four numbers, each decimal, hex (`0x`) or octal (leading `0`); the last fills the
/// remaining bytes: `127.1` is 127.0.0.1 and `2130706433` is 127.0.0.1.
fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let parts = dot_parts(host);
    if parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| parse_ipv4_number(p))
        .collect::<Option<_>>()?;
    let (&last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) || last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let address = init
        .iter()
        .enumerate()
        .fold(last, |acc, (i, &n)| acc + (n << (8 * (3 - i))));
    Some(Ipv4Addr::from(u32::try_from(address).ok()?))
}

fn parse_ipv4_number(input: &str) -> Option<u64> {
    if input.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = input.strip_prefix("0x") {
        (hex, 16)
    } else if input.len() > 1 && input.starts_with('0') {
        (&input[1..], 8)
    } else {
        (input, 10)
    };
    digits.chars().try_fold(0u64, |acc, c| {
        let digit = c.to_digit(radix)?;
        Some(
            acc.saturating_mul(u64::from(radix))
                .saturating_add(u64::from(digit)),
        )
    })
}

/// The dot-separated parts, one trailing dot dropped.
fn dot_parts(host: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}
