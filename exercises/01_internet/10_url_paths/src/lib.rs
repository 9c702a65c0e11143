//! # URL parsing, step 4: paths and percent-encoding
//!
//! The last pieces: the path, and the percent-encoding of every component.
//!
//! **Percent-encoding** (WHATWG URL §1.3, <https://url.spec.whatwg.org/#percent-encoded-bytes>)
//! writes a byte as `%` and two uppercase hex digits. Each component has its own
//! *percent-encode set*, the bytes that must be encoded there ([`EncodeSet`] lists them), and
//! every non-ASCII character is encoded as its UTF-8 bytes. A `%` is in no set: `%41` stays
//! `%41`, and so does a stray `%zz`. The wrong set breaks URLs: a `#` left as it is in a query
//! starts a fragment, a `?` in a path starts a query, an `@` in a username ends the userinfo.
//! The parser of the earlier steps already calls [`percent_encode`] for the userinfo, query
//! and fragment; now it encodes.
//!
//! **The path** of a special URL (§4.4, path state), from the `/` or `\` after the host to
//! the first `?` or `#`:
//!
//! - drop the leading slash and split on `/` and `\` (a backslash is a slash here);
//! - a `.` segment is dropped; a `..` segment removes the segment before it, and at the root
//!   stays at the root: `/../../etc/passwd` is `/etc/passwd`. `%2e` counts as `.`, in either
//!   case: `.%2E`, `%2e.` and `%2e%2e` are `..`;
//! - a `.` or `..` as the last segment leaves a directory: `/a/b/..` is `/a/`;
//! - every other segment is encoded with the path set; join them, each after a `/`. A
//!   special URL's path is never empty: at least `/`.
//!
//! Given code: steps 1 to 3 (src/authority.rs, src/host.rs, src/ipv4.rs) and the model.
//!
//! Conformance (tests/conformance.rs): every web-platform-tests case of urltestdata.json in
//! the course's scope, 370 cases. Left out: relative references, `file:` URLs,
//! non-special schemes and hosts that need IDNA.

mod authority;
mod host;
mod ipv4;
mod model;

pub use authority::default_port;
pub use host::{parse_host, percent_decode};
pub use ipv4::{ends_in_a_number, parse_ipv4};
pub use model::{Host, ParseError, Url};

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
        // TODO: answer from the lists in the doc comments of `EncodeSet` (WHATWG URL §1.3).
        todo!("is byte {byte:#04x} in the {self:?} percent-encode set?")
    }
}

/// Percent-encodes the UTF-8 bytes of `input` that are in `set`, as `%` and two uppercase hex
/// digits.
pub fn percent_encode(input: &str, set: EncodeSet) -> String {
    // TODO: encode the bytes in `set`, copy the others.
    todo!("percent-encode {input:?} with the {set:?} set")
}

/// The path state of §4.4 for a special URL: `input` is everything between the authority and
/// the first `?` or `#` (empty, or starting with `/` or `\`). Returns the serialized path.
pub fn parse_path(input: &str) -> String {
    // TODO: the rules of the doc comment at the top of this file.
    todo!("parse the path {input:?}")
}
