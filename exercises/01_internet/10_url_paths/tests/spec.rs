//! The specification of step 4: percent-encode sets (WHATWG URL Standard §1.3,
//! https://url.spec.whatwg.org/#percent-encoded-bytes) and the path state (§4.4). Cases
//! marked "WPT" are from web-platform-tests url/resources/urltestdata.json.

use url_paths::{EncodeSet, Url, parse_path, percent_encode};

const SETS: [EncodeSet; 6] = [
    EncodeSet::C0Control,
    EncodeSet::Fragment,
    EncodeSet::Query,
    EncodeSet::SpecialQuery,
    EncodeSet::Path,
    EncodeSet::Userinfo,
];

fn parse(input: &str) -> Url {
    match Url::parse(input) {
        Ok(url) => url,
        Err(e) => panic!("{input:?} is a valid URL, but Url::parse returned Err({e:?})"),
    }
}

#[test]
fn percent_encode_leaves_plain_ascii_alone() {
    for set in SETS {
        assert_eq!(
            percent_encode("abcXYZ019-._~!$&()*+,", set),
            "abcXYZ019-._~!$&()*+,",
            "letters, digits and -._~!$&()*+, are in no percent-encode set ({set:?})"
        );
    }
}

#[test]
fn percent_encode_writes_two_uppercase_hex_digits() {
    assert_eq!(
        percent_encode("a b", EncodeSet::Path),
        "a%20b",
        "a space is encoded as %20 (§1.3: '%' followed by two uppercase hex digits)"
    );
    assert_eq!(
        percent_encode("\u{1}\u{7f}\u{1f}", EncodeSet::C0Control),
        "%01%7F%1F",
        "control bytes are encoded with two digits, and the hex digits are uppercase: %7F, \
         not %7f"
    );
}

#[test]
fn percent_encode_encodes_non_ascii_as_utf8_bytes() {
    for (input, expected, why) in [
        (
            "é",
            "%C3%A9",
            "é is U+00E9, UTF-8 bytes C3 A9: each byte is encoded on its own",
        ),
        ("€", "%E2%82%AC", "€ is E2 82 AC in UTF-8"),
        (
            "💩",
            "%F0%9F%92%A9",
            "a 4-byte UTF-8 character becomes four %XX triplets",
        ),
    ] {
        for set in SETS {
            assert_eq!(percent_encode(input, set), expected, "{set:?}: {why}");
        }
    }
}

#[test]
fn percent_encode_does_not_encode_the_percent_sign() {
    for set in SETS {
        assert_eq!(
            percent_encode("%41%zz%", set),
            "%41%zz%",
            "'%' is in no encode set ({set:?}): input that is already encoded must not be \
             encoded twice (%41 would become %2541)"
        );
    }
}

/// Each set, and the bytes it encodes among the printable ASCII ones (§1.3).
const PRINTABLE_IN: [(EncodeSet, &str); 6] = [
    (EncodeSet::C0Control, ""),
    (EncodeSet::Fragment, " \"<>`"),
    (EncodeSet::Query, " \"#<>"),
    (EncodeSet::SpecialQuery, " \"#'<>"),
    (EncodeSet::Path, " \"#<>?^`{}"),
    (EncodeSet::Userinfo, " \"#/:;<=>?@[\\]^`{|}"),
];

#[test]
fn each_component_has_its_own_encode_set() {
    for (set, encoded) in PRINTABLE_IN {
        for byte in 0x20..=0x7E_u8 {
            let expected = encoded.as_bytes().contains(&byte);
            assert_eq!(
                set.contains(byte),
                expected,
                "{set:?}.contains({:?}) must be {expected}: the {set:?} set encodes exactly \
                 {encoded:?} among the printable ASCII characters (WHATWG URL §1.3)",
                char::from(byte)
            );
        }
    }
}

#[test]
fn every_set_encodes_controls_del_and_non_ascii() {
    for set in SETS {
        for byte in (0x00..=0x1F).chain(0x7F..=0xFF_u8) {
            assert!(
                set.contains(byte),
                "{set:?}.contains({byte:#04x}) must be true: C0 controls, DEL and every byte \
                 above it are in every percent-encode set"
            );
        }
    }
}

#[test]
fn the_userinfo_is_encoded_with_the_userinfo_set() {
    let url = parse("http://a@b:p@ss:w@rd@host/");
    assert_eq!(url.username, "a%40b", "earlier '@' are data: encoded");
    assert_eq!(
        url.password, "p%40ss%3Aw%40rd",
        "the password is everything after the first ':', encoded with the userinfo set"
    );
    assert_eq!(url.href(), "http://a%40b:p%40ss%3Aw%40rd@host/");
    assert_eq!(
        parse("http://us er;x=1@h/").username,
        "us%20er%3Bx%3D1",
        "the userinfo set encodes space, ';' and '=' too"
    );
}

#[test]
fn query_and_fragment_are_percent_encoded_with_their_own_sets() {
    let url = parse("http://h/p?a=1&b=c d&e='f'`{}#x y`'{}#");
    assert_eq!(
        url.query.as_deref(),
        Some("a=1&b=c%20d&e=%27f%27`{}"),
        "the special-query set encodes space and ', but not ` {{ }}"
    );
    assert_eq!(
        url.fragment.as_deref(),
        Some("x%20y%60'{}#"),
        "the fragment set encodes space and `, but not ' {{ }} #"
    );
}

#[test]
fn path_empty_is_a_single_slash() {
    assert_eq!(
        parse_path(""),
        "/",
        "a special URL always has a path, at least \"/\""
    );
    assert_eq!(parse_path("/"), "/");
}

#[test]
fn path_keeps_ordinary_and_empty_segments() {
    assert_eq!(parse_path("/a/b"), "/a/b");
    assert_eq!(
        parse_path("/a/"),
        "/a/",
        "a trailing slash is an empty last segment"
    );
    assert_eq!(
        parse_path("/a//b"),
        "/a//b",
        "empty segments in the middle are kept"
    );
    for name in ["...", ".a", "a.", "..a", "%2e%2e%2e", "%2ex", ".%2"] {
        let path = format!("/x/{name}/b");
        assert_eq!(
            parse_path(&path),
            path,
            "only '.' and '..' (and their %2e spellings) are dot segments; {name:?} is a name"
        );
    }
}

#[test]
fn path_drops_single_dot_segments() {
    assert_eq!(
        parse_path("/a/./b"),
        "/a/b",
        "'.' means the current directory: dropped"
    );
    assert_eq!(
        parse_path("/a/."),
        "/a/",
        "a final '.' leaves the directory: the path ends in a slash"
    );
    assert_eq!(parse_path("/."), "/");
}

#[test]
fn path_double_dot_removes_the_previous_segment() {
    assert_eq!(parse_path("/a/b/../c"), "/a/c");
    assert_eq!(
        parse_path("/a/b/.."),
        "/a/",
        "a final '..' leaves the parent directory"
    );
    assert_eq!(
        parse_path("/a/b/c/../../d"),
        "/a/d",
        "each '..' removes one more segment"
    );
    assert_eq!(
        parse_path("/a//../b"),
        "/a/b",
        "'..' removes an empty segment too"
    );
}

#[test]
fn path_cannot_climb_above_the_root() {
    assert_eq!(
        parse_path("/../../etc/passwd"),
        "/etc/passwd",
        "'..' at the root stays at the root: the URL cannot name anything above it"
    );
    assert_eq!(
        parse_path("/a/b/../../.."),
        "/",
        "a third '..' at the root stays at the root: it is dropped, not kept as a segment"
    );
    assert_eq!(parse_path("/a/../../b/./c"), "/b/c");
}

#[test]
fn path_percent_encoded_dots_are_dot_segments() {
    assert_eq!(
        parse_path("/a/%2e/b"),
        "/a/b",
        "%2e is '.' (§4.4 single-dot segment)"
    );
    assert_eq!(parse_path("/a/%2E/b"), "/a/b", "%2E is '.' too");
    for double in ["%2E%2e", "%2e%2E", ".%2e", ".%2E", "%2e.", "%2E."] {
        assert_eq!(
            parse_path(&format!("/a/b/{double}/c")),
            "/a/c",
            "{double:?} is '..' (§4.4 double-dot segment), in either case"
        );
    }
}

#[test]
fn path_backslash_is_a_separator() {
    assert_eq!(
        parse_path("\\a\\b/c"),
        "/a/b/c",
        "for special schemes '\\' separates segments like '/' (and is written as '/')"
    );
    assert_eq!(parse_path("/a\\..\\b"), "/b");
}

#[test]
fn path_segments_are_percent_encoded_with_the_path_set() {
    assert_eq!(
        parse_path("/a b/ä/{x}/`^\"<>?#/'=;@|:[]"),
        "/a%20b/%C3%A4/%7Bx%7D/%60%5E%22%3C%3E%3F%23/'=;@|:[]",
        "each segment is encoded with the path set, which leaves ' = ; @ | : [ ] alone"
    );
    assert_eq!(
        parse_path("/%41%zz"),
        "/%41%zz",
        "existing % signs are left alone"
    );
}

#[test]
fn the_path_is_resolved_in_a_whole_url() {
    assert_eq!(
        parse("http://h/a/./b/../c/%2e%2E/d?x/../y").href(),
        "http://h/a/d?x/../y",
        "dot segments are resolved in the path, never in the query"
    );
    let url = parse("http://evil.com\\@good.com/");
    assert_eq!(
        url.path, "/@good.com/",
        "the backslash ends the authority and starts the path"
    );
    assert_eq!(parse("http://h/../../etc/passwd").path, "/etc/passwd");
}

#[test]
fn href_parses_back_to_the_same_url() {
    for input in [
        "HTTP://u%20s:p@[::FFFF:1.2.3.4]:81/a b/../c?d e#f g",
        "wss://0X7F.1/%2e/chat?room=é",
        "ftp://a@b@c:21/\\x\\y",
        "http://h/{}?'#`",
    ] {
        let url = parse(input);
        assert_eq!(
            parse(&url.href()),
            url,
            "{input:?} -> {:?}: a serialized URL must parse back to itself (§4.5)",
            url.href()
        );
    }
}
