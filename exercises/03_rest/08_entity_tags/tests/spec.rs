//! The specification of entity tags: computing, parsing and comparing them, and reading the
//! lists of If-Match / If-None-Match (RFC 9110 §8.8.3, §13.1).

use entity_tags::{Condition, EntityTag, etag_of, parse_condition};

const V1: &[u8] = br#"{"title":"Draft","words":100}"#;
const V2: &[u8] = br#"{"title":"Draft","words":250}"#;

// ----- parsing entity tags --------------------------------------------------------------------

#[test]
fn parses_the_rfc_examples() {
    // RFC 9110 §8.8.3 examples.
    assert_eq!(
        EntityTag::parse("\"xyzzy\""),
        Some(EntityTag::strong("xyzzy")),
        "\"xyzzy\" is a strong tag"
    );
    assert_eq!(
        EntityTag::parse("W/\"xyzzy\""),
        Some(EntityTag::weak("xyzzy")),
        "W/\"xyzzy\" is a weak tag"
    );
    assert_eq!(
        EntityTag::parse("\"\""),
        Some(EntityTag::strong("")),
        "\"\" is a valid (empty) strong tag"
    );
    assert_eq!(
        EntityTag::parse("  \"a\"\t"),
        Some(EntityTag::strong("a")),
        "surrounding whitespace is not part of the tag"
    );
}

#[test]
fn rejects_malformed_tags() {
    for bad in [
        "xyzzy",
        "\"xyzzy",
        "xyzzy\"",
        "w/\"xyzzy\"",
        "W/xyzzy",
        "W/ \"xyzzy\"",
        "\"xy\"zy\"",
        "\"xy zy\"",
        "\"a\" \"b\"",
        "\"a\",\"b\"",
        "",
        "*",
    ] {
        assert_eq!(
            EntityTag::parse(bad),
            None,
            "{bad:?} is not one entity-tag: [W/] DQUOTE *etagc DQUOTE, where W/ is case-sensitive and etagc excludes space and DQUOTE (RFC 9110 §8.8.3)"
        );
    }
}

#[test]
fn a_comma_is_a_legal_character_inside_a_tag() {
    assert_eq!(
        EntityTag::parse("\"a,b\""),
        Some(EntityTag::strong("a,b")),
        "etagc includes ',' (%x23-7E)"
    );
}

// ----- comparison (RFC 9110 §8.8.3.2) ---------------------------------------------------------

#[test]
fn comparison_table_of_rfc_9110_section_8_8_3_2() {
    let w1 = EntityTag::weak("1");
    let w2 = EntityTag::weak("2");
    let s1 = EntityTag::strong("1");
    // (ETag 1, ETag 2, strong comparison, weak comparison), row by row.
    let rows = [
        (&w1, &w1, false, true),
        (&w1, &w2, false, false),
        (&w1, &s1, false, true),
        (&s1, &s1, true, true),
    ];
    for (a, b, strong, weak) in rows {
        assert_eq!(
            a.strong_eq(b),
            strong,
            "strong comparison of {a} and {b} (RFC 9110 §8.8.3.2 table)"
        );
        assert_eq!(
            b.strong_eq(a),
            strong,
            "strong comparison is symmetric: {b} and {a}"
        );
        assert_eq!(
            a.weak_eq(b),
            weak,
            "weak comparison of {a} and {b} (RFC 9110 §8.8.3.2 table)"
        );
        assert_eq!(
            b.weak_eq(a),
            weak,
            "weak comparison is symmetric: {b} and {a}"
        );
    }
    assert!(
        !s1.strong_eq(&EntityTag::strong("2")),
        "different opaque strings never match"
    );
}

// ----- If-Match / If-None-Match values --------------------------------------------------------

#[test]
fn parses_star_and_the_rfc_list_examples() {
    assert_eq!(
        parse_condition("*"),
        Some(Condition::Any),
        "If-Match: * (RFC 9110 §13.1.1)"
    );
    assert_eq!(
        parse_condition("\"xyzzy\", \"r2d2xxxx\", \"c3piozzzz\""),
        Some(Condition::Tags(vec![
            EntityTag::strong("xyzzy"),
            EntityTag::strong("r2d2xxxx"),
            EntityTag::strong("c3piozzzz"),
        ])),
        "RFC 9110 §13.1.1 example list"
    );
    assert_eq!(
        parse_condition("W/\"xyzzy\", W/\"r2d2xxxx\", W/\"c3piozzzz\""),
        Some(Condition::Tags(vec![
            EntityTag::weak("xyzzy"),
            EntityTag::weak("r2d2xxxx"),
            EntityTag::weak("c3piozzzz"),
        ])),
        "RFC 9110 §13.1.2 example list"
    );
}

#[test]
fn lists_are_not_split_on_every_comma() {
    assert_eq!(
        parse_condition("\"a,b\", W/\"c\""),
        Some(Condition::Tags(vec![
            EntityTag::strong("a,b"),
            EntityTag::weak("c")
        ])),
        "the comma inside \"a,b\" belongs to the tag; only commas between tags separate them"
    );
}

#[test]
fn lists_allow_whitespace_and_empty_elements() {
    assert_eq!(
        parse_condition(" \"a\"\t,\"b\" ,  , \"c\",  "),
        Some(Condition::Tags(vec![
            EntityTag::strong("a"),
            EntityTag::strong("b"),
            EntityTag::strong("c"),
        ])),
        "optional whitespace around commas, and empty list elements are ignored (RFC 9110 §5.6.1.2)"
    );
}

#[test]
fn rejects_malformed_conditions() {
    for bad in [
        "",
        ",",
        " , ",
        "xyzzy",
        "\"a\" \"b\"",
        "\"a\", *",
        "**",
        "\"a\",junk",
        "\"unterminated",
    ] {
        assert_eq!(
            parse_condition(bad),
            None,
            "{bad:?} is neither * nor a list of at least one entity-tag"
        );
    }
}

// ----- generating ETags -----------------------------------------------------------------------

#[test]
fn etags_are_strong_and_valid() {
    let tag = etag_of(V1);
    assert!(
        !tag.weak,
        "a tag computed from the exact bytes is a strong validator"
    );
    assert_eq!(
        EntityTag::parse(&tag.to_string()),
        Some(tag.clone()),
        "the generated tag {tag} is a syntactically valid entity-tag (no spaces or quotes inside)"
    );
    assert!(
        !tag.opaque.is_empty(),
        "an opaque tag that is always empty validates nothing"
    );
    assert_eq!(
        EntityTag::parse(&etag_of(b"").to_string()),
        Some(etag_of(b"")),
        "an empty body has a tag too"
    );
}

#[test]
fn etags_follow_the_bytes() {
    assert_eq!(
        etag_of(V1),
        etag_of(V1),
        "the same bytes always give the same tag"
    );
    assert_ne!(etag_of(V1), etag_of(V2), "different content, different tag");
    let mut flipped = V1.to_vec();
    flipped[10] ^= 1;
    assert_ne!(
        etag_of(V1),
        etag_of(&flipped),
        "a one-bit change changes a strong tag"
    );
    assert_ne!(etag_of(b"ab"), etag_of(b"ba"), "byte order matters");
    assert_ne!(etag_of(b"a"), etag_of(b"a\0"), "length matters");
}

// ----- GET and If-None-Match ------------------------------------------------------------------
