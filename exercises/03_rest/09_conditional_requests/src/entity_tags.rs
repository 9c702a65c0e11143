//! Given: the previous exercise's solution, `entity_tags`. Nothing to do here.

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

fn is_etagc(c: char) -> bool {
    // %x21 / %x23-7E / obs-text (any non-ASCII character stands for obs-text here).
    c == '!' || ('#'..='~').contains(&c) || !c.is_ascii()
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
    let tag = EntityTag {
        weak,
        opaque: s[..end].to_string(),
    };
    Some((tag, &s[end + 1..]))
}

fn trim_ows(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
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
    // FNV-1a 64: fast, stable across Rust versions and machines (every replica behind a load
    // balancer computes the same tag), and any single-byte change alters the result.
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    EntityTag::strong(&format!("{hash:016x}"))
}
