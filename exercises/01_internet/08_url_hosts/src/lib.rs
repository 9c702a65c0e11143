//! # URL parsing, step 2: hosts
//!
//! The host is what an SSRF filter checks and what the client connects to, so both must read
//! it alike. Host parsing (WHATWG URL §3.5, <https://url.spec.whatwg.org/#host-parsing>) turns
//! the raw text between the userinfo and the port into a [`Host`]:
//!
//! 1. `[...]` is an IPv6 address (`std`'s `Ipv6Addr` parser reads the same forms, including
//!    `::ffff:1.2.3.4`); anything else starting with `[` is [`ParseError::InvalidIpv6`].
//! 2. Otherwise percent-decode it ([`percent_decode`], §1.3): `%65xample.com` is
//!    `example.com`, and every check below sees the decoded host.
//! 3. A non-ASCII host, or one with a label starting `xn--` in any case, needs IDNA (UTS #46),
//!    which this course leaves out: [`ParseError::IdnaRequired`].
//! 4. ASCII-lowercase it. A forbidden domain code point (§3.2: C0 controls, space, DEL and
//!    `# % / : < > ? @ [ \ ] ^ |`) is [`ParseError::InvalidHost`].
//! 5. A host that [`ends_in_a_number`] (`1.2.3.4`, `example.123`) is an IPv4 address or an
//!    error, whatever [`parse_ipv4`] says. Anything else is a domain.
//!
//! The host serializer (§3.6) writes a domain as it is, IPv4 in dotted decimal, and IPv6 in
//! brackets: lowercase hex pieces without leading zeros, the *first longest* run of two or
//! more zero pieces written `::`. `std`'s `Display` for `Ipv6Addr` differs: it writes
//! `::ffff:1.2.3.4` where the URL Standard writes `::ffff:102:304`.
//!
//! Given code: step 1's parser (src/authority.rs) and the model (src/model.rs).
//! `ends_in_a_number` and `parse_ipv4` are stand-ins (src/stand_ins.rs) that know only dotted
//! decimal; the next step writes them.
//!
//! Conformance (tests/conformance.rs): the web-platform-tests cases of urltestdata.json whose
//! host is no IPv4 address in hex, octal or fewer than four parts, and whose userinfo, path,
//! query and fragment come out as written: 255 cases.

use std::fmt;

mod authority;
mod model;
mod stand_ins;

pub use authority::default_port;
pub use model::{Host, ParseError, Url};
pub use stand_ins::{EncodeSet, ends_in_a_number, parse_ipv4, parse_path, percent_encode};

/// Percent-decodes `input` (§1.3): `%` followed by two hex digits becomes that byte; everything
/// else, including a `%` that is not followed by two hex digits, is copied as it is.
pub fn percent_decode(input: &str) -> Vec<u8> {
    // TODO: decode %XX (either case of hex digit) and keep everything else.
    todo!("percent-decode {input:?}")
}

/// The host parser of §3.5 for special URLs. `input` is the raw host text between the
/// authority's `@` (if any) and the port's `:` (if any); it is never empty.
pub fn parse_host(input: &str) -> Result<Host, ParseError> {
    // TODO: steps 1 to 5 of the doc comment at the top of this file.
    todo!("parse the host {input:?}")
}

impl fmt::Display for Host {
    /// The host serializer (§3.6).
    fn fmt(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write to `f` (rename `_f`): a domain as it is, IPv4 dotted-decimal, IPv6 as
        // `[...]` in lowercase hex with the first longest run of two or more 0 pieces written
        // as `::` (`Ipv6Addr::segments` gives the eight pieces).
        todo!("serialize the host {self:?}")
    }
}
