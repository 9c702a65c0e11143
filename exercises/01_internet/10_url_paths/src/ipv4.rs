//! Step 3's solution, given: the IPv4 parser and "ends in a number" (WHATWG URL §3.5).

use std::net::Ipv4Addr;

use crate::ParseError;

/// The "ends in a number" checker of §3.5: is the last label (ignoring one trailing dot) all
/// digits, or a valid IPv4 number such as `0x7f`? Such a host must be an IPv4 address.
pub fn ends_in_a_number(input: &str) -> bool {
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
