//! # URL parsing, step 3: IPv4 addresses in every spelling
//!
//! To a browser, and to curl and many HTTP libraries, `http://0x7f.1/` is `http://127.0.0.1/`.
//! A filter that blocks the string `127.0.0.1` lets it through. The URL Standard's IPv4 parser
//! (§3.5, <https://url.spec.whatwg.org/#concept-ipv4-parser>) accepts the spellings that C's
//! `inet_aton` always did, and so must a backend that checks hosts:
//!
//! - one to four parts separated by `.`; one trailing dot is dropped (`1.2.3.4.`), and any
//!   other empty part is an error;
//! - each part is a number (§3.5, IPv4 number parser): `0x` or `0X` then hex digits (a bare
//!   `0x` is 0), a leading `0` then octal digits, or decimal digits;
//! - every part but the last is at most 255; the last fills all the bytes left: in `127.1`
//!   the 1 is three bytes (127.0.0.1), and `2130706433` alone is the whole address. With n
//!   parts the last must be below 256^(5 − n);
//! - a part may have any number of digits: `0xffffffffffffffffffff` is an error, not an
//!   overflow.
//!
//! Every failure is [`ParseError::InvalidIpv4`].
//!
//! The host parser calls it when the host *ends in a number* (§3.5): its last label, one
//! trailing dot ignored, is all digits, or is a valid IPv4 number such as `0x7f`. So
//! `foo.0x4` must be an IPv4 address and is not: the URL is rejected. `foo.0xg` is a domain.
//!
//! Given code: steps 1 and 2 (src/authority.rs, src/host.rs), the model, and `dot_parts`
//! below the line, which splits a host at its dots. Paths and
//! percent-encoding are still stand-ins (src/stand_ins.rs) until the next step.
//!
//! Conformance (tests/conformance.rs): the web-platform-tests cases of urltestdata.json whose
//! userinfo, path, query and fragment come out as written, any host: 306 cases.

use std::net::Ipv4Addr;

mod authority;
mod host;
mod model;
mod stand_ins;

pub use authority::default_port;
pub use host::{parse_host, percent_decode};
pub use model::{Host, ParseError, Url};
pub use stand_ins::{EncodeSet, parse_path, percent_encode};

/// The "ends in a number" checker of §3.5: is the last label (ignoring one trailing dot) all
/// digits, or a valid IPv4 number such as `0x7f`? Such a host must be an IPv4 address.
pub fn ends_in_a_number(input: &str) -> bool {
    let last = dot_parts(input).pop().unwrap_or_default();
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || parse_ipv4_number(last).is_ok()
}

/// The IPv4 parser of §3.5: one to four dot-separated numbers, each decimal, hex (`0x`) or
/// octal (leading `0`); the last number fills all the remaining bytes.
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, ParseError> {
    let parts = dot_parts(input);
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

// ---------------------------------------------------------------------------------------------
// Given code: the split both functions above start with.

/// The dot-separated parts of `input`, with one trailing dot dropped (`"1.2.3.4."` gives four
/// parts). Only one: `"1.2.."` keeps an empty last part, which no number parser accepts. An
/// input that is nothing but an empty part (`""`, and `"."` once its dot is dropped) gives
/// `[""]`, not a number either.
fn dot_parts(input: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = input.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}
