//! # Entity tags
//!
//! An **entity tag** (ETag) is a short validator for one version of a resource: the server
//! sends `ETag: "5f3c9a1e2b7d4c80"` with a document, and changes the tag whenever the
//! document's bytes change (RFC 9110 §8.8.3). A client that keeps the tag can later ask
//! "has it changed?" or "apply my change only if it has not" — the conditional requests of the
//! next exercise, `conditional_requests`. Here you build the tags themselves: computing one,
//! reading one, comparing two, and reading the lists clients send.
//!
//! A tag computed from the bytes must be the same on every replica behind a load balancer and
//! after a restart, so it cannot come from `std`'s randomly seeded `DefaultHasher`; a small
//! fixed hash like FNV-1a does the job (not a security boundary: it detects change, it does
//! not resist forgery).
//!
//! A *strong* tag (`"xyzzy"`) promises byte-for-byte identity; a *weak* one (`W/"xyzzy"`)
//! only "equivalent enough". Two comparison functions follow (§8.8.3.2): strong comparison
//! matches only two strong tags with the same opaque string; weak comparison ignores the `W/`.
//! Writes are guarded with strong comparison, cache revalidation uses weak.
//!
//! | ETag 1 | ETag 2 | strong comparison | weak comparison |
//! |---|---|---|---|
//! | `W/"1"` | `W/"1"` | no match | match |
//! | `W/"1"` | `W/"2"` | no match | no match |
//! | `W/"1"` | `"1"` | no match | match |
//! | `"1"` | `"1"` | match | match |
//!
//! The `If-Match` and `If-None-Match` headers take `*` ("any current representation") or a
//! comma-separated list of tags. Careful: a comma is a legal character *inside* a tag
//! (`"a,b"` is one tag), so a list cannot be split on commas blindly; read it tag by tag. The
//! grammar (§8.8.3):
//!
//! ```text
//! entity-tag = [ weak ] opaque-tag        weak  = %s"W/"  (case-sensitive)
//! opaque-tag = DQUOTE *etagc DQUOTE       etagc = %x21 / %x23-7E / obs-text
//! ```
//!
//! Primary source: RFC 9110 §8.8.3 (ETag) and §13.1.1–13.1.2 (the list syntax),
//! <https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3>.

use std::fmt;

/// An entity tag: `"opaque"` (strong) or `W/"opaque"` (weak). `opaque` is stored without
/// the quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    pub weak: bool,
    pub opaque: String,
}

impl EntityTag {
    pub fn strong(opaque: &str) -> Self {
        EntityTag {
            weak: false,
            opaque: opaque.to_string(),
        }
    }

    pub fn weak(opaque: &str) -> Self {
        EntityTag {
            weak: true,
            opaque: opaque.to_string(),
        }
    }
}

/// The header form: `"xyzzy"` or `W/"xyzzy"`.
impl fmt::Display for EntityTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let weak = if self.weak { "W/" } else { "" };
        write!(f, "{weak}\"{}\"", self.opaque)
    }
}

/// The value of an `If-Match` or `If-None-Match` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `*`: any current representation.
    Any,
    /// One or more entity tags.
    Tags(Vec<EntityTag>),
}

/// Reads one entity-tag at the start of `s`; returns it and the rest of `s`.
fn take_entity_tag(s: &str) -> Option<(EntityTag, &str)> {
    let (weak, s) = match s.strip_prefix("W/") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let s = s.strip_prefix('"')?;
    let end = s.find(|c: char| !is_etagc(c))?;
    if !s[end..].starts_with('"') {
        return None;
    }
    let opaque = s[..end].to_string();
    Some((EntityTag { weak, opaque }, &s[end + 1..]))
}

impl EntityTag {
    /// Parses exactly one entity-tag (surrounding spaces and tabs allowed); `None` if `s` is
    /// anything else.
    pub fn parse(s: &str) -> Option<EntityTag> {
        match take_entity_tag(trim_ows(s))? {
            (tag, "") => Some(tag),
            _ => None,
        }
    }

    /// Strong comparison (RFC 9110 §8.8.3.2): both strong and the same opaque string.
    pub fn strong_eq(&self, other: &EntityTag) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the same opaque string, weak or not.
    pub fn weak_eq(&self, other: &EntityTag) -> bool {
        self.opaque == other.opaque
    }
}

/// Parses an `If-Match` / `If-None-Match` value: `*`, or a comma-separated list of at least
/// one entity-tag with optional spaces around the commas. Empty list elements (`"a", , "b"`)
/// are allowed and ignored (RFC 9110 §5.6.1.2). `None` for anything else.
pub fn parse_condition(value: &str) -> Option<Condition> {
    let value = trim_ows(value);
    if value == "*" {
        return Some(Condition::Any);
    }
    let mut tags = Vec::new();
    let mut rest = value;
    loop {
        rest = trim_ows(rest);
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma;
            continue;
        }
        if rest.is_empty() {
            break;
        }
        // Scan tag by tag: a comma inside the quotes belongs to the tag.
        let (tag, after) = take_entity_tag(rest)?;
        tags.push(tag);
        rest = trim_ows(after);
        if !(rest.is_empty() || rest.starts_with(',')) {
            return None;
        }
    }
    (!tags.is_empty()).then_some(Condition::Tags(tags))
}

/// The strong ETag of a representation, computed from its bytes: identical bytes give the
/// same tag, any change gives a different one.
pub fn etag_of(body: &[u8]) -> EntityTag {
    // Fixed width, so every tag has the same length whatever the hash's leading zeros.
    EntityTag::strong(&format!("{:016x}", fnv1a(body)))
}

// ---------------------------------------------------------------------------------------------
// Given: the grammar's character classes and a stable hash. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// Whether `c` may appear inside the quotes of an entity-tag: `etagc` in RFC 9110 §8.8.3.
pub fn is_etagc(c: char) -> bool {
    // %x21 / %x23-7E / obs-text (any non-ASCII character stands for obs-text here).
    c == '!' || ('#'..='~').contains(&c) || !c.is_ascii()
}

/// `s` without the optional whitespace (spaces and tabs, RFC 9110 §5.6.3) around it.
pub fn trim_ows(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// FNV-1a 64 of `bytes`: fast, stable across Rust versions and machines (every replica behind
/// a load balancer computes the same value), and any single-byte change alters the result.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
