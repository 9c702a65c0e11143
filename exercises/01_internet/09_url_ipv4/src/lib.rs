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
    // TODO: see the doc comment at the top of this file; `dot_parts` splits the input.
    todo!("does {input:?} end in a number?")
}

/// The IPv4 parser of §3.5: one to four dot-separated numbers, each decimal, hex (`0x`) or
/// octal (leading `0`); the last number fills all the remaining bytes.
pub fn parse_ipv4(input: &str) -> Result<Ipv4Addr, ParseError> {
    // TODO: follow the rules of the doc comment at the top of this file (`dot_parts` splits
    // the input, one trailing dot dropped). Parse each part into a u64 that saturates
    // (`saturating_mul`, `saturating_add`) so that no number overflows.
    todo!("parse {input:?} as an IPv4 address")
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
