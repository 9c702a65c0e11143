//! The specification of `application/x-www-form-urlencoded` parsing and serialising.
//! Source: WHATWG URL Standard §5 (https://url.spec.whatwg.org/#application/x-www-form-urlencoded).
//! Cases marked "WPT" come from web-platform-tests url/resources/urlencoded-parser-data.json or
//! url/urlsearchparams-stringifier.any.js, which every browser passes.

use query_and_forms::{Form, percent_decode, query_of};

fn pairs(input: &str) -> Vec<(String, String)> {
    Form::parse(input).pairs().to_vec()
}

fn owned(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn serialize(input: &[(&str, &str)]) -> String {
    let mut form = Form::new();
    for (name, value) in input {
        form.append(*name, *value);
    }
    form.serialize()
}

// ---------------------------------------------------------------- query_of

#[test]
fn query_is_the_text_after_the_question_mark() {
    assert_eq!(
        query_of("/search?q=rust&page=2"),
        "q=rust&page=2",
        "the query of a request target is everything after the first '?' (RFC 9112 §3.2)"
    );
}

#[test]
fn target_without_question_mark_has_an_empty_query() {
    assert_eq!(query_of("/search"), "", "no '?' means no query");
    assert_eq!(query_of("/search?"), "", "a bare '?' is an empty query");
}

#[test]
fn query_starts_after_the_first_question_mark_only() {
    assert_eq!(
        query_of("/ask?q=why?&x=1"),
        "q=why?&x=1",
        "a '?' inside the query is data: only the FIRST '?' starts the query"
    );
}

// ---------------------------------------------------------------- percent_decode

#[test]
fn percent_decode_turns_hex_pairs_into_bytes() {
    assert_eq!(
        percent_decode(b"a%20b"),
        b"a b",
        "%20 is the byte 0x20 (space)"
    );
    assert_eq!(
        percent_decode(b"%C3%A9"),
        "é".as_bytes(),
        "%C3%A9 is two BYTES, the UTF-8 encoding of 'é'; decode bytes, not characters"
    );
}

#[test]
fn percent_decode_accepts_lowercase_hex() {
    assert_eq!(
        percent_decode(b"%4d%4D"),
        b"MM",
        "hex digits are case-insensitive: %4d and %4D are both 'M' (WHATWG URL §1.3)"
    );
}

#[test]
fn percent_decode_keeps_invalid_sequences_as_they_are() {
    assert_eq!(percent_decode(b"100%"), b"100%", "a '%' at the end is kept");
    assert_eq!(
        percent_decode(b"%zz"),
        b"%zz",
        "'%' without two hex digits is kept"
    );
    assert_eq!(
        percent_decode(b"%2"),
        b"%2",
        "'%' with one hex digit is kept"
    );
    assert_eq!(
        percent_decode(b"%%41"),
        b"%A",
        "the first '%' is kept, then %41 decodes to 'A' (WHATWG URL §1.3 never fails)"
    );
}

#[test]
fn percent_decode_leaves_plus_alone() {
    assert_eq!(
        percent_decode(b"a+b"),
        b"a+b",
        "'+' means space only in forms; plain percent-decoding keeps it"
    );
}

#[test]
fn percent_decode_can_produce_any_byte() {
    assert_eq!(
        percent_decode(b"%00%FF"),
        [0x00, 0xFF],
        "any byte can be percent-encoded, even NUL and bytes that are not valid UTF-8"
    );
}

// ---------------------------------------------------------------- parsing

#[test]
fn parses_name_value_pairs_in_order() {
    assert_eq!(
        pairs("a=b&c=d"),
        owned(&[("a", "b"), ("c", "d")]),
        "pairs are separated by '&' and keep their order (WPT)"
    );
}

#[test]
fn empty_input_has_no_pairs() {
    assert_eq!(
        pairs(""),
        owned(&[]),
        "the empty string is the empty list (WPT)"
    );
}

#[test]
fn empty_pieces_are_skipped() {
    assert_eq!(
        pairs("&&&a=b&&&&c=d&"),
        owned(&[("a", "b"), ("c", "d")]),
        "empty pieces between '&' are skipped, not turned into (\"\", \"\") (WPT)"
    );
    assert_eq!(pairs("&"), owned(&[]), "a lone '&' has no pairs (WPT)");
}

#[test]
fn name_without_equals_has_an_empty_value() {
    assert_eq!(
        pairs("a&b&c"),
        owned(&[("a", ""), ("b", ""), ("c", "")]),
        "a piece without '=' is a name with the empty value (WPT)"
    );
}

#[test]
fn empty_name_and_empty_value_are_kept() {
    assert_eq!(
        pairs("=b"),
        owned(&[("", "b")]),
        "'=b' has the empty name (WPT)"
    );
    assert_eq!(
        pairs("a="),
        owned(&[("a", "")]),
        "'a=' has the empty value (WPT)"
    );
}

#[test]
fn splits_at_the_first_equals_sign_only() {
    assert_eq!(
        pairs("a==a"),
        owned(&[("a", "=a")]),
        "only the FIRST '=' separates name from value; later ones belong to the value (WPT)"
    );
    assert_eq!(
        pairs("token=abc=="),
        owned(&[("token", "abc==")]),
        "base64 values end in '=': cutting them off corrupts tokens"
    );
}

#[test]
fn repeated_names_are_all_kept_in_order() {
    assert_eq!(
        pairs("a=a&a=b&a=c"),
        owned(&[("a", "a"), ("a", "b"), ("a", "c")]),
        "repeated names are separate pairs, in order, never merged into a map (WPT)"
    );
}

#[test]
fn plus_is_a_space() {
    assert_eq!(
        pairs("a=a+b+c+d"),
        owned(&[("a", "a b c d")]),
        "'+' is a space in application/x-www-form-urlencoded (WPT)"
    );
}

#[test]
fn encoded_plus_is_a_literal_plus() {
    assert_eq!(
        pairs("sum=1%2B1"),
        owned(&[("sum", "1+1")]),
        "replace '+' by a space BEFORE percent-decoding: %2B must stay a literal '+' (WHATWG URL §5.1 step 3.4)"
    );
}

#[test]
fn names_are_decoded_too() {
    assert_eq!(
        pairs("%61+%4d%4D="),
        owned(&[("a MM", "")]),
        "the name is decoded exactly like the value (WPT)"
    );
}

#[test]
fn utf8_is_decoded_from_bytes() {
    assert_eq!(
        pairs("city=S%C3%A3o+Paulo&emoji=%F0%9F%A6%80"),
        owned(&[("city", "São Paulo"), ("emoji", "🦀")]),
        "multi-byte UTF-8 sequences must be decoded as bytes first, then read as UTF-8"
    );
}

#[test]
fn raw_unicode_passes_through() {
    assert_eq!(
        pairs("†&†=x"),
        owned(&[("†", ""), ("†", "x")]),
        "non-ASCII characters that were not percent-encoded are kept (WPT)"
    );
}

#[test]
fn invalid_utf8_becomes_replacement_characters() {
    assert_eq!(
        pairs("%FE%FF"),
        owned(&[("\u{FFFD}\u{FFFD}", "")]),
        "bytes that are not UTF-8 decode to U+FFFD, they do not make parsing fail (WPT)"
    );
    assert_eq!(
        pairs("%C2x"),
        owned(&[("\u{FFFD}x", "")]),
        "a truncated UTF-8 sequence becomes one U+FFFD (WPT)"
    );
}

#[test]
fn invalid_percent_sequences_are_kept() {
    assert_eq!(
        pairs("id=0&value=%"),
        owned(&[("id", "0"), ("value", "%")]),
        "a lone '%' is data, not an error (WPT)"
    );
    assert_eq!(
        pairs("b=%2sf%2a"),
        owned(&[("b", "%2sf*")]),
        "'%2s' is not a percent-encoded byte and is kept; %2a is '*' (WPT)"
    );
}

#[test]
fn semicolon_is_not_a_separator() {
    assert_eq!(
        pairs("a=1;b=2"),
        owned(&[("a", "1;b=2")]),
        "only '&' separates pairs; ';' is data (WHATWG URL §5.1)"
    );
}

#[test]
fn parses_bytes_that_are_not_utf8() {
    let form = Form::parse(b"name=caf\xE9".as_slice());
    assert_eq!(
        form.pairs(),
        owned(&[("name", "caf\u{FFFD}")]).as_slice(),
        "a body is bytes: raw invalid UTF-8 becomes U+FFFD instead of a panic"
    );
}

#[test]
fn parses_a_large_body() {
    let value = "x".repeat(1 << 20);
    let body = format!("a=1&big={value}&z=%7E");
    let form = Form::parse(&body);
    assert_eq!(form.pairs().len(), 3, "three pairs in a 1 MiB body");
    assert_eq!(
        form.get("big").map(str::len),
        Some(1 << 20),
        "the 1 MiB value is intact"
    );
    assert_eq!(
        form.get("z"),
        Some("~"),
        "the pair after the big one is parsed"
    );
}

// ---------------------------------------------------------------- get / get_all

#[test]
fn get_returns_the_first_value() {
    let form = Form::parse("tag=rust&tag=web&page=2");
    assert_eq!(
        form.get("tag"),
        Some("rust"),
        "get() returns the FIRST value (like URLSearchParams.get)"
    );
    assert_eq!(form.get("page"), Some("2"), "get() finds a later name");
}

#[test]
fn get_of_a_missing_name_is_none() {
    let form = Form::parse("a=1");
    assert_eq!(
        form.get("b"),
        None,
        "a name that is not there is None, not \"\""
    );
    assert_eq!(form.get("A"), None, "names are case-sensitive");
}

#[test]
fn get_distinguishes_empty_value_from_missing() {
    let form = Form::parse("flag&empty=");
    assert_eq!(
        form.get("flag"),
        Some(""),
        "a bare name is present with the empty value"
    );
    assert_eq!(
        form.get("empty"),
        Some(""),
        "'empty=' is present with the empty value"
    );
}

#[test]
fn get_all_returns_every_value_in_order() {
    let form = Form::parse("tag=rust&x=1&tag=web&tag=");
    assert_eq!(
        form.get_all("tag"),
        vec!["rust", "web", ""],
        "get_all() returns every value, in order (like URLSearchParams.getAll)"
    );
    assert!(
        form.get_all("nope").is_empty(),
        "no pairs means an empty list"
    );
}

// ---------------------------------------------------------------- serialising

#[test]
fn serializes_pairs_with_equals_and_ampersand() {
    assert_eq!(
        serialize(&[("a", "b"), ("c", "d")]),
        "a=b&c=d",
        "name=value joined by '&'"
    );
    assert_eq!(serialize(&[]), "", "no pairs serialise to the empty string");
}

#[test]
fn serializes_empty_values_with_an_equals_sign() {
    assert_eq!(
        serialize(&[("a", "")]),
        "a=",
        "an empty value is still written as 'a=' (WPT)"
    );
    assert_eq!(
        serialize(&[("", "")]),
        "=",
        "an empty name and value are '=' (WPT)"
    );
}

#[test]
fn serializes_space_as_plus() {
    assert_eq!(
        serialize(&[("a", "b c")]),
        "a=b+c",
        "a space is written as '+' (WPT)"
    );
    assert_eq!(serialize(&[("a b", "c")]), "a+b=c", "in names too (WPT)");
}

#[test]
fn percent_encodes_the_separators() {
    assert_eq!(
        serialize(&[("a", "b&c=d+e%f")]),
        "a=b%26c%3Dd%2Be%25f",
        "'&', '=', '+' and '%' in data must be encoded or the output means something else \
         (WHATWG URL §5.2)"
    );
}

#[test]
fn leaves_only_alphanumerics_and_star_dash_dot_underscore_unencoded() {
    assert_eq!(
        serialize(&[("k", "AZaz09*-._")]),
        "k=AZaz09*-._",
        "ASCII letters, digits and *-._ are never encoded (WHATWG URL §5.2)"
    );
    assert_eq!(
        serialize(&[("k", "~!'()/?:@")]),
        "k=%7E%21%27%28%29%2F%3F%3A%40",
        "everything else is encoded, including '~' (WHATWG URL §1.3, urlencoded percent-encode set)"
    );
}

#[test]
fn percent_encoding_uses_uppercase_hex() {
    assert_eq!(
        serialize(&[("a", "\n")]),
        "a=%0A",
        "percent-encoding uses UPPERCASE hex digits (WHATWG URL §1.3)"
    );
}

#[test]
fn serializes_unicode_as_utf8_bytes() {
    assert_eq!(
        serialize(&[("a", "\u{1F4A9}")]),
        "a=%F0%9F%92%A9",
        "non-ASCII text is encoded as its UTF-8 bytes, each one %XX (WPT)"
    );
    assert_eq!(
        serialize(&[("q", "café")]),
        "q=caf%C3%A9",
        "é is the two bytes C3 A9"
    );
}

#[test]
fn serialize_then_parse_round_trips() {
    let original = [
        ("name", "Ada Lovelace"),
        ("q", "a+b=c&d"),
        ("tag", "x"),
        ("tag", "y"),
        ("", ""),
        ("note", "100% sure; ok?"),
        ("city", "Zürich"),
    ];
    let text = serialize(&original);
    assert_eq!(
        pairs(&text),
        owned(&original),
        "parsing what serialize() wrote ({text:?}) must give back the same pairs"
    );
}
