//! Step 2's solution, given: host parsing (WHATWG URL §3.5) and the host serializer (§3.6).

use std::fmt;

use crate::{Host, ParseError, ends_in_a_number, parse_ipv4};

/// Percent-decodes `input` (§1.3): `%` followed by two hex digits becomes that byte; everything
/// else, including a `%` that is not followed by two hex digits, is copied as it is.
pub fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|&b| char::from(b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
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
    // Decode first: every check below must see what the client will connect to.
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
    byte <= 0x20 || byte == 0x7F || b"#%/:<>?@[\\]^|".contains(&byte)
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
                let hex = |pieces: &[u16]| {
                    let hex: Vec<String> = pieces.iter().map(|p| format!("{p:x}")).collect();
                    hex.join(":")
                };
                match longest_zero_run(&pieces) {
                    Some((start, len)) => {
                        let (before, after) = (&pieces[..start], &pieces[start + len..]);
                        write!(f, "[{}::{}]", hex(before), hex(after))
                    }
                    None => write!(f, "[{}]", hex(&pieces)),
                }
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
