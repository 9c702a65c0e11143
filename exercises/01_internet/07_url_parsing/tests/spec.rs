//! The specification of URL parsing, after the WHATWG URL Standard (https://url.spec.whatwg.org/).
//! Cases marked "WPT" are from web-platform-tests url/resources/urltestdata.json, the test suite
//! that browsers run; tests/conformance.rs runs the whole in-scope part of that file.

use std::net::{Ipv4Addr, Ipv6Addr};

use url_parsing::{
    EncodeSet, Host, ParseError, Url, default_port, parse_host, parse_ipv4, parse_path,
    percent_decode, percent_encode,
};

fn parse(input: &str) -> Url {
    match Url::parse(input) {
        Ok(url) => url,
        Err(e) => panic!("{input:?} is a valid URL, but Url::parse returned Err({e:?})"),
    }
}

fn href(input: &str) -> String {
    parse(input).href()
}

fn domain(name: &str) -> Host {
    Host::Domain(name.to_string())
}

/// Percent-encoding (§1.3)
mod step1_percent_encoding {
    use super::*;

    #[test]
    fn percent_encode_leaves_plain_ascii_alone() {
        for set in [
            EncodeSet::C0Control,
            EncodeSet::Fragment,
            EncodeSet::Query,
            EncodeSet::SpecialQuery,
            EncodeSet::Path,
            EncodeSet::Userinfo,
        ] {
            assert_eq!(
                percent_encode("abcXYZ019-._~", set),
                "abcXYZ019-._~",
                "letters, digits and -._~ are in no percent-encode set ({set:?})"
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
            percent_encode("\u{1}\u{7f}", EncodeSet::C0Control),
            "%01%7F",
            "control bytes are encoded, and the hex digits are uppercase: %7F, not %7f"
        );
    }

    #[test]
    fn percent_encode_encodes_non_ascii_as_utf8_bytes() {
        assert_eq!(
            percent_encode("é", EncodeSet::Path),
            "%C3%A9",
            "é is U+00E9, UTF-8 bytes C3 A9: each byte is encoded on its own"
        );
        assert_eq!(
            percent_encode("€", EncodeSet::Query),
            "%E2%82%AC",
            "€ is E2 82 AC in UTF-8"
        );
        assert_eq!(
            percent_encode("💩", EncodeSet::Fragment),
            "%F0%9F%92%A9",
            "a 4-byte UTF-8 character becomes four %XX triplets"
        );
    }

    #[test]
    fn percent_encode_does_not_encode_the_percent_sign() {
        assert_eq!(
            percent_encode("%41%zz%", EncodeSet::Userinfo),
            "%41%zz%",
            "'%' is in no encode set: input that is already encoded must not be encoded twice \
             (%41 would become %2541)"
        );
    }

    #[test]
    fn each_component_has_its_own_encode_set() {
        // (byte, set, must be encoded)
        let cases = [
            (
                b'#',
                EncodeSet::Query,
                true,
                "'#' would end the query and start a fragment",
            ),
            (
                b'#',
                EncodeSet::Fragment,
                false,
                "'#' may appear inside a fragment",
            ),
            (
                b'\'',
                EncodeSet::SpecialQuery,
                true,
                "the special-query set adds '\\''",
            ),
            (
                b'\'',
                EncodeSet::Query,
                false,
                "the plain query set leaves '\\'' alone",
            ),
            (
                b'`',
                EncodeSet::Fragment,
                true,
                "the fragment set encodes '`'",
            ),
            (
                b'`',
                EncodeSet::Query,
                false,
                "the query set leaves '`' alone",
            ),
            (
                b'?',
                EncodeSet::Path,
                true,
                "'?' in a path would start the query",
            ),
            (
                b'?',
                EncodeSet::Query,
                false,
                "'?' may appear inside a query",
            ),
            (
                b'{',
                EncodeSet::Path,
                true,
                "the path set encodes '{' and '}'",
            ),
            (b'^', EncodeSet::Path, true, "the path set encodes '^'"),
            (
                b'/',
                EncodeSet::Userinfo,
                true,
                "'/' in a username would end the authority",
            ),
            (b'/', EncodeSet::Path, false, "'/' separates path segments"),
            (
                b'@',
                EncodeSet::Userinfo,
                true,
                "'@' in a username would end the userinfo",
            ),
            (
                b':',
                EncodeSet::Userinfo,
                true,
                "':' in a username would start the password",
            ),
            (
                b'|',
                EncodeSet::Userinfo,
                true,
                "the userinfo set encodes '|'",
            ),
            (
                b' ',
                EncodeSet::C0Control,
                false,
                "the C0 control set leaves the space alone",
            ),
            (
                b'"',
                EncodeSet::Fragment,
                true,
                "every set but C0Control encodes '\"'",
            ),
            (
                0x7F,
                EncodeSet::C0Control,
                true,
                "DEL (0x7F) is above '~', so always encoded",
            ),
            (
                0x80,
                EncodeSet::C0Control,
                true,
                "bytes above 0x7F are always encoded",
            ),
        ];
        for (byte, set, expected, why) in cases {
            assert_eq!(
                set.contains(byte),
                expected,
                "{set:?}.contains({:?}) must be {expected}: {why} (WHATWG URL §1.3)",
                char::from(byte)
            );
        }
    }

    #[test]
    fn percent_decode_decodes_hex_pairs_in_either_case() {
        assert_eq!(percent_decode("%41%62c"), b"Abc", "%41 is 'A', %62 is 'b'");
        assert_eq!(
            percent_decode("%c3%A9"),
            [0xC3, 0xA9],
            "hex digits may be lowercase or uppercase when decoding"
        );
    }

    #[test]
    fn percent_decode_keeps_a_percent_without_two_hex_digits() {
        for input in ["%zz", "%4", "%", "100%", "%%41"] {
            let expected: Vec<u8> = match input {
                "%%41" => b"%A".to_vec(),
                other => other.as_bytes().to_vec(),
            };
            assert_eq!(
                percent_decode(input),
                expected,
                "{input:?}: a '%' not followed by two hex digits is kept as it is (§1.3)"
            );
        }
    }
}

/// IPv4 (§3.5)
mod step2_ipv4_addresses {
    use super::*;

    #[test]
    fn ipv4_dotted_decimal() {
        assert_eq!(parse_ipv4("192.168.0.1"), Ok(Ipv4Addr::new(192, 168, 0, 1)));
        assert_eq!(parse_ipv4("0.0.0.0"), Ok(Ipv4Addr::UNSPECIFIED));
        assert_eq!(parse_ipv4("255.255.255.255"), Ok(Ipv4Addr::BROADCAST));
    }

    #[test]
    fn ipv4_parts_may_be_hex_or_octal() {
        assert_eq!(
            parse_ipv4("0x7f.0.0.1"),
            Ok(Ipv4Addr::LOCALHOST),
            "0x7f is hexadecimal 127: an SSRF filter comparing strings with \"127.0.0.1\" misses it"
        );
        assert_eq!(
            parse_ipv4("0177.0.0.1"),
            Ok(Ipv4Addr::LOCALHOST),
            "a leading 0 means octal: 0177 is 127"
        );
        assert_eq!(
            parse_ipv4("0XC0.0250.01.0x1"),
            Ok(Ipv4Addr::new(192, 168, 1, 1)),
            "0X works like 0x, 0250 is octal 168, 01 is 1 (WPT: http://0Xc0.0250.01)"
        );
        assert_eq!(
            parse_ipv4("0x.0.0.0"),
            Ok(Ipv4Addr::UNSPECIFIED),
            "a bare 0x is zero"
        );
    }

    #[test]
    fn ipv4_with_fewer_parts_the_last_fills_the_remaining_bytes() {
        assert_eq!(
            parse_ipv4("127.1"),
            Ok(Ipv4Addr::LOCALHOST),
            "two parts: the last number covers three bytes, 127.1 is 127.0.0.1"
        );
        assert_eq!(
            parse_ipv4("2130706433"),
            Ok(Ipv4Addr::LOCALHOST),
            "one part: the number is the whole 32-bit address"
        );
        assert_eq!(
            parse_ipv4("10.1.258"),
            Ok(Ipv4Addr::new(10, 1, 1, 2)),
            "three parts: the last covers two bytes, 258 = 1 * 256 + 2"
        );
        assert_eq!(
            parse_ipv4("0xffffffff"),
            Ok(Ipv4Addr::BROADCAST),
            "a single hex number may fill all four bytes"
        );
    }

    #[test]
    fn ipv4_rejects_numbers_out_of_range() {
        for input in [
            "256.0.0.1",
            "1.2.3.256",
            "1.2.65536",
            "1.16777216",
            "4294967296",
            "0x100000000",
        ] {
            assert_eq!(
                parse_ipv4(input),
                Err(ParseError::InvalidIpv4),
                "{input:?}: every part but the last must be at most 255, and the last must fit \
                 in the bytes that are left (§3.5 IPv4 parser)"
            );
        }
    }

    #[test]
    fn ipv4_rejects_huge_numbers_without_overflowing() {
        for input in [
            "99999999999999999999999",
            "0xffffffffffffffffffffffff",
            "1.2.3.999999999999999999999",
        ] {
            assert_eq!(
                parse_ipv4(input),
                Err(ParseError::InvalidIpv4),
                "{input:?} is far too big: it must be rejected, not overflow or panic"
            );
        }
    }

    #[test]
    fn ipv4_rejects_more_than_four_parts_and_empty_parts() {
        for input in ["1.2.3.4.5", "1..2.3", ".1.2.3", ""] {
            assert_eq!(
                parse_ipv4(input),
                Err(ParseError::InvalidIpv4),
                "{input:?}: at most four parts, and no part may be empty (§3.5)"
            );
        }
    }

    #[test]
    fn ipv4_allows_one_trailing_dot() {
        assert_eq!(
            parse_ipv4("1.2.3.4."),
            Ok(Ipv4Addr::new(1, 2, 3, 4)),
            "one trailing dot is dropped (a validation error, but not a failure, in §3.5)"
        );
        assert_eq!(
            parse_ipv4("1.2.3.4.."),
            Err(ParseError::InvalidIpv4),
            "two are too many"
        );
    }

    #[test]
    fn ipv4_rejects_digits_outside_the_radix() {
        for input in ["09.0.0.1", "0x1g.0.0.1", "1.2.3.4x", "-1.2.3.4", "1.2.3. 4"] {
            assert_eq!(
                parse_ipv4(input),
                Err(ParseError::InvalidIpv4),
                "{input:?}: 9 is not an octal digit, g is not hex, and signs or spaces are not \
                 digits at all"
            );
        }
    }
}

/// Hosts (§3.5)
mod step3_hosts {
    use super::*;

    #[test]
    fn host_domain_is_ascii_lowercased() {
        assert_eq!(
            parse_host("ExAmPlE.CoM"),
            Ok(domain("example.com")),
            "domains are case-insensitive; the parser lowercases them"
        );
    }

    #[test]
    fn host_is_percent_decoded_before_anything_else() {
        assert_eq!(
            parse_host("%65xample.com"),
            Ok(domain("example.com")),
            "%65 is 'e': the host is percent-decoded, so both spellings reach the same server"
        );
        assert_eq!(
            parse_host("%31%32%37.0.0.1"),
            Ok(Host::Ipv4(Ipv4Addr::LOCALHOST)),
            "decoding happens before the IPv4 check: %31%32%37 is 127"
        );
    }

    #[test]
    fn host_rejects_forbidden_domain_code_points() {
        for input in [
            "exa mple.com",
            "a<b",
            "a>b",
            "a^b",
            "a|b",
            "a%20b",
            "a%00b",
            "a%zzb",
            "a%2fb",
        ] {
            assert_eq!(
                parse_host(input),
                Err(ParseError::InvalidHost),
                "{input:?}: space, < > ^ | % / and controls are forbidden domain code points \
                 (§3.2), also when they come from percent-decoding"
            );
        }
    }

    #[test]
    fn host_ending_in_a_number_is_an_ipv4_address() {
        assert_eq!(parse_host("0x7f.1"), Ok(Host::Ipv4(Ipv4Addr::LOCALHOST)));
        assert_eq!(
            parse_host("192.168.0.1"),
            Ok(Host::Ipv4(Ipv4Addr::new(192, 168, 0, 1)))
        );
        assert_eq!(
            parse_host("1.2.3.4."),
            Ok(Host::Ipv4(Ipv4Addr::new(1, 2, 3, 4))),
            "a trailing dot is ignored when checking whether the host ends in a number"
        );
    }

    #[test]
    fn host_ending_in_a_number_must_be_a_valid_ipv4_address() {
        for input in [
            "example.123",
            "foo.0x4",
            "1.2.3.4.5",
            "256.0.0.1",
            "1.2.3.09",
        ] {
            assert_eq!(
                parse_host(input),
                Err(ParseError::InvalidIpv4),
                "{input:?}: the last label is a number, so the whole host must be an IPv4 \
                 address (§3.5 \"ends in a number\"), and it is not"
            );
        }
    }

    #[test]
    fn host_whose_last_label_is_not_a_number_is_a_domain() {
        for input in ["1.2.3.com", "0x7f.example", "127.0.0.1x", "09x"] {
            assert_eq!(
                parse_host(input),
                Ok(domain(input)),
                "{input:?}: the last label is not a number, so this is a domain name"
            );
        }
    }

    #[test]
    fn host_in_brackets_is_an_ipv6_address() {
        assert_eq!(parse_host("[::1]"), Ok(Host::Ipv6(Ipv6Addr::LOCALHOST)));
        assert_eq!(
            parse_host("[2001:DB8::1]"),
            Ok(Host::Ipv6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)))
        );
        assert_eq!(
            parse_host("[::127.0.0.1]"),
            Ok(Host::Ipv6(Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0x7f00, 1))),
            "the last 32 bits of an IPv6 address may be written as IPv4 (WPT)"
        );
    }

    #[test]
    fn host_rejects_bad_ipv6_addresses() {
        for input in [
            "[::1",
            "[]",
            "[:]",
            "[google.com]",
            "[::1.2.3.]",
            "[1:2:3:4:5:6:7:8:9]",
        ] {
            assert_eq!(
                parse_host(input),
                Err(ParseError::InvalidIpv6),
                "{input:?} is not a valid IPv6 address in brackets (WPT)"
            );
        }
    }

    #[test]
    fn host_needing_idna_is_rejected() {
        for input in [
            "bücher.de",
            "%C3%BC.de",
            "xn--bcher-kva.de",
            "www.XN--nxasmq6b.com",
        ] {
            assert_eq!(
                parse_host(input),
                Err(ParseError::IdnaRequired),
                "{input:?} is (or decodes to) an internationalised domain name: that needs \
                 UTS #46 processing, which this exercise leaves out"
            );
        }
    }

    #[test]
    fn host_serializes_domains_and_ipv4_as_they_are() {
        assert_eq!(domain("example.com").to_string(), "example.com");
        assert_eq!(
            Host::Ipv4(Ipv4Addr::new(10, 0, 0, 1)).to_string(),
            "10.0.0.1"
        );
    }

    #[test]
    fn host_serializes_ipv6_in_brackets_with_the_longest_zero_run_compressed() {
        let cases = [
            (Ipv6Addr::LOCALHOST, "[::1]"),
            (Ipv6Addr::UNSPECIFIED, "[::]"),
            (Ipv6Addr::new(1, 0, 0, 0, 0, 0, 0, 0), "[1::]"),
            (
                Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 2, 1),
                "[2001:db8::2:1]",
            ),
            (
                Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1),
                "[2001:db8::1:0:0:1]",
            ),
            (Ipv6Addr::new(1, 0, 0, 2, 0, 0, 0, 3), "[1:0:0:2::3]"),
            (
                Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1),
                "[2001:db8:0:1:1:1:1:1]",
            ),
            (
                Ipv6Addr::new(0xABCD, 0xEF, 0, 0, 0, 0, 0, 0x1),
                "[abcd:ef::1]",
            ),
        ];
        for (address, expected) in cases {
            assert_eq!(
                Host::Ipv6(address).to_string(),
                expected,
                "§3.6: lowercase hex without leading zeros; the first longest run of two or more \
                 zero pieces becomes '::'; a single zero piece stays '0'"
            );
        }
    }

    #[test]
    fn host_serializes_embedded_ipv4_as_hex() {
        assert_eq!(
            Host::Ipv6("::ffff:192.168.0.1".parse().unwrap()).to_string(),
            "[::ffff:c0a8:1]",
            "the URL serializer writes all eight pieces in hex, unlike std's Display for \
             Ipv6Addr, which prints ::ffff:192.168.0.1"
        );
    }
}

/// Paths (§4.4 path state)
mod step4_paths {
    use super::*;

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
        assert_eq!(
            parse_path("/a/.../b"),
            "/a/.../b",
            "only '.' and '..' are dot segments; '...' is an ordinary name"
        );
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
            parse_path("/a/b/../../.."),
            "/",
            "WPT-style: cannot go above the root"
        );
    }

    #[test]
    fn path_cannot_climb_above_the_root() {
        assert_eq!(
            parse_path("/../../etc/passwd"),
            "/etc/passwd",
            "'..' at the root stays at the root: the URL cannot name anything above it"
        );
    }

    #[test]
    fn path_percent_encoded_dots_are_dot_segments() {
        assert_eq!(
            parse_path("/a/%2e/b"),
            "/a/b",
            "%2e is '.' (§4.4 single-dot segment)"
        );
        assert_eq!(
            parse_path("/a/b/%2E%2e/c"),
            "/a/c",
            "%2E%2e is '..' in either case (§4.4 double-dot segment)"
        );
        assert_eq!(parse_path("/a/b/.%2e/c"), "/a/c", ".%2e is '..'");
        assert_eq!(parse_path("/a/b/%2e./c"), "/a/c", "%2e. is '..'");
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
    fn path_segments_are_percent_encoded() {
        assert_eq!(
            parse_path("/a b/ä/{x}/`^\"<>"),
            "/a%20b/%C3%A4/%7Bx%7D/%60%5E%22%3C%3E",
            "each segment is encoded with the path percent-encode set"
        );
        assert_eq!(
            parse_path("/%41%zz"),
            "/%41%zz",
            "existing % signs are left alone"
        );
    }
}

/// Whole URLs (§4.4 basic URL parser, §4.5 serializer)
mod step5_whole_urls {
    use super::*;

    #[test]
    fn parses_every_component() {
        let url = parse("https://user:pa%20ss@Example.COM:8443/a/b?q=1#frag");
        assert_eq!(url.scheme, "https");
        assert_eq!(url.username, "user");
        assert_eq!(url.password, "pa%20ss");
        assert_eq!(url.host, domain("example.com"), "the host is lowercased");
        assert_eq!(url.port, Some(8443));
        assert_eq!(url.path, "/a/b");
        assert_eq!(url.query.as_deref(), Some("q=1"));
        assert_eq!(url.fragment.as_deref(), Some("frag"));
        assert_eq!(
            url.href(),
            "https://user:pa%20ss@example.com:8443/a/b?q=1#frag"
        );
    }

    #[test]
    fn minimal_url_has_slash_path_and_no_query_or_fragment() {
        let url = parse("http://example.com");
        assert_eq!(url.path, "/", "a special URL always has a path");
        assert_eq!(url.query, None, "no '?' means no query (not an empty one)");
        assert_eq!(
            url.fragment, None,
            "no '#' means no fragment (not an empty one)"
        );
        assert_eq!((url.username.as_str(), url.password.as_str()), ("", ""));
        assert_eq!(url.port, None);
        assert_eq!(url.href(), "http://example.com/");
    }

    #[test]
    fn scheme_is_lowercased() {
        assert_eq!(
            parse("HTTPS://example.com/").scheme,
            "https",
            "schemes are case-insensitive"
        );
        assert_eq!(href("wSs://example.com"), "wss://example.com/");
    }

    #[test]
    fn rejects_input_without_a_scheme() {
        for input in [
            "example.com/path",
            "//example.com/",
            "/path",
            "1http://x/",
            "ht tp://x/",
            "",
        ] {
            assert_eq!(
                Url::parse(input),
                Err(ParseError::MissingScheme),
                "{input:?} has no scheme (an ASCII letter, then letters, digits, + - ., then ':'): \
                 without a base URL it cannot be parsed"
            );
        }
    }

    #[test]
    fn rejects_schemes_other_than_the_special_ones() {
        for (input, scheme) in [
            ("mailto:someone@example.com", "mailto"),
            ("JavaScript:alert(1)", "javascript"),
            ("file:///etc/passwd", "file"),
        ] {
            assert_eq!(
                Url::parse(input),
                Err(ParseError::UnsupportedScheme(scheme.to_string())),
                "{input:?}: this parser supports http, https, ws, wss and ftp only; the error \
                 names the lowercased scheme"
            );
        }
    }

    #[test]
    fn strips_surrounding_spaces_and_removes_tabs_and_newlines() {
        assert_eq!(
            href("  \u{0}\thttp://exa\nmple.com/pa\tth?q\r\n=1 \u{1f}"),
            "http://example.com/path?q=1",
            "leading/trailing C0 controls and spaces are stripped, and tab, LF, CR are removed \
             everywhere, even inside the host (WPT: http://example\\t.\\norg)"
        );
    }

    #[test]
    fn any_number_of_slashes_or_backslashes_after_the_scheme() {
        assert_eq!(
            href("http:example.com/"),
            "http://example.com/",
            "WPT: no slashes at all"
        );
        assert_eq!(
            href("http:///example.com/"),
            "http://example.com/",
            "three slashes"
        );
        assert_eq!(
            href("http:\\\\example.com\\a\\b"),
            "http://example.com/a/b",
            "backslashes"
        );
        assert_eq!(
            href("https:/\\/\\example.com"),
            "https://example.com/",
            "a mix"
        );
    }

    #[test]
    fn the_authority_ends_at_the_first_slash_backslash_question_mark_or_hash() {
        // These are the disagreements that make SSRF filters fail: look at what the HTTP client
        // will actually connect to.
        let url = parse("http://evil.com\\@good.com/");
        assert_eq!(
            url.host,
            domain("evil.com"),
            "the backslash ends the authority, so the host is evil.com and \"@good.com/\" is path"
        );
        assert_eq!(url.path, "/@good.com/");
        assert_eq!(parse("http://evil.com?@good.com/").host, domain("evil.com"));
        assert_eq!(parse("http://good.com#@evil.com/").host, domain("good.com"));
    }

    #[test]
    fn the_last_at_sign_ends_the_userinfo() {
        let url = parse("http://a@b@c/");
        assert_eq!(
            url.host,
            domain("c"),
            "WPT: the host comes after the LAST '@'"
        );
        assert_eq!(
            url.username, "a%40b",
            "earlier '@' are part of the username, encoded"
        );
        assert_eq!(url.href(), "http://a%40b@c/");
    }

    #[test]
    fn userinfo_splits_at_the_first_colon_and_is_percent_encoded() {
        let url = parse("http://us er:p@ss:w@rd@host/");
        assert_eq!(url.username, "us%20er");
        assert_eq!(
            url.password, "p%40ss%3Aw%40rd",
            "the password is everything after the first ':', encoded with the userinfo set"
        );
        assert_eq!(url.host, domain("host"));
    }

    #[test]
    fn empty_userinfo_parts_are_left_out_of_href() {
        assert_eq!(
            href("http://@host/"),
            "http://host/",
            "an empty userinfo is dropped"
        );
        assert_eq!(
            href("http://:@host/"),
            "http://host/",
            "WPT: https://:@test"
        );
        assert_eq!(
            href("http://user:@host/"),
            "http://user@host/",
            "WPT: https://test:@test"
        );
        assert_eq!(
            href("http://:secret@host/"),
            "http://:secret@host/",
            "a password without a username keeps its ':'"
        );
    }

    #[test]
    fn rejects_an_empty_host() {
        for input in [
            "http://",
            "http:///",
            "http://user@/path",
            "http://:80/",
            "http://?q",
            "ws:#",
        ] {
            assert_eq!(
                Url::parse(input),
                Err(ParseError::EmptyHost),
                "{input:?}: a special URL must have a non-empty host"
            );
        }
    }

    #[test]
    fn host_errors_come_through_from_parse_host() {
        assert_eq!(Url::parse("http://a b/"), Err(ParseError::InvalidHost));
        assert_eq!(
            Url::parse("http://1.2.3.4.5/"),
            Err(ParseError::InvalidIpv4)
        );
        assert_eq!(Url::parse("http://[::1/"), Err(ParseError::InvalidIpv6));
    }

    #[test]
    fn ip_address_hosts_are_serialized_canonically() {
        let url = parse("http://0x7f.1:8080/");
        assert_eq!(url.host, Host::Ipv4(Ipv4Addr::LOCALHOST));
        assert_eq!(
            url.href(),
            "http://127.0.0.1:8080/",
            "the IPv4 host is written dotted-decimal"
        );
        let url = parse("https://[0:0:0:0:0:0:0:1]:8443/x");
        assert_eq!(url.host, Host::Ipv6(Ipv6Addr::LOCALHOST));
        assert_eq!(url.href(), "https://[::1]:8443/x");
    }

    #[test]
    fn a_colon_inside_brackets_does_not_start_the_port() {
        let url = parse("http://[2001:db8::1]:81/");
        assert_eq!(
            url.port,
            Some(81),
            "only a ':' outside the brackets starts the port"
        );
        assert_eq!(
            Url::parse("http://[1::2]:3:4"),
            Err(ParseError::InvalidPort),
            "WPT"
        );
    }

    #[test]
    fn default_ports_per_scheme() {
        for (scheme, port) in [
            ("http", 80),
            ("https", 443),
            ("ws", 80),
            ("wss", 443),
            ("ftp", 21),
        ] {
            assert_eq!(
                default_port(scheme),
                Some(port),
                "the default port of {scheme}"
            );
        }
        assert_eq!(default_port("gopher"), None);
    }

    #[test]
    fn the_default_port_is_elided() {
        for input in [
            "http://h:80/",
            "https://h:443/",
            "ws://h:80/",
            "wss://h:443/",
            "ftp://h:21/",
        ] {
            let url = parse(input);
            assert_eq!(
                url.port, None,
                "{input:?}: the scheme's default port is stored as no port (§4.4 port state)"
            );
            assert_eq!(
                url.href(),
                format!("{}://h/", url.scheme),
                "{input:?}: the default port is not written back either"
            );
        }
        assert_eq!(
            parse("https://h:80/").port,
            Some(80),
            "80 is not https's default: kept"
        );
        assert_eq!(
            parse("http://h:00080/").port,
            None,
            "WPT: leading zeros, still 80"
        );
    }

    #[test]
    fn an_empty_port_is_no_port() {
        let url = parse("http://h:/");
        assert_eq!(url.port, None, "WPT: \"http://f:/c\" has no port");
        assert_eq!(url.href(), "http://h/");
    }

    #[test]
    fn rejects_invalid_ports() {
        for input in [
            "http://h:65536/",
            "http://h:8o/",
            "http://h:-1/",
            "http://h: 80/",
            "http://h:99999999999999999999/",
        ] {
            assert_eq!(
                Url::parse(input),
                Err(ParseError::InvalidPort),
                "{input:?}: a port is ASCII digits only, at most 65535 (and a huge one must not \
                 overflow)"
            );
        }
        assert_eq!(
            parse("http://h:65535/").port,
            Some(65535),
            "65535 is the largest port"
        );
    }

    #[test]
    fn query_and_fragment_are_percent_encoded_with_their_own_sets() {
        let url = parse("http://h/p?a=1&b=c d&e='f'`#x y`'");
        assert_eq!(
            url.query.as_deref(),
            Some("a=1&b=c%20d&e=%27f%27`"),
            "the special-query set encodes space and ', but not `"
        );
        assert_eq!(
            url.fragment.as_deref(),
            Some("x%20y%60'"),
            "the fragment set encodes space and `, but not '"
        );
    }

    #[test]
    fn a_question_mark_after_the_hash_belongs_to_the_fragment() {
        let url = parse("http://h/p#a?b");
        assert_eq!(url.query, None, "'?' after '#' does not start a query");
        assert_eq!(url.fragment.as_deref(), Some("a?b"));
        let url = parse("http://h/p?a#b#c");
        assert_eq!(url.query.as_deref(), Some("a"));
        assert_eq!(
            url.fragment.as_deref(),
            Some("b#c"),
            "only the first '#' is special"
        );
    }

    #[test]
    fn an_empty_query_or_fragment_is_kept() {
        let url = parse("http://h/?#");
        assert_eq!(
            url.query.as_deref(),
            Some(""),
            "a bare '?' is an empty query, not None"
        );
        assert_eq!(
            url.fragment.as_deref(),
            Some(""),
            "a bare '#' is an empty fragment"
        );
        assert_eq!(url.href(), "http://h/?#", "and both survive serialization");
    }

    #[test]
    fn the_path_is_normalised_in_a_whole_url() {
        assert_eq!(
            href("http://h/a/./b/../c/%2e%2E/d?x/../y"),
            "http://h/a/d?x/../y"
        );
        assert_eq!(
            href("http://h?q"),
            "http://h/?q",
            "the path is \"/\" even when the query follows the host directly"
        );
    }

    #[test]
    fn href_parses_back_to_the_same_url() {
        for input in [
            "HTTP://u%20s:p@[::FFFF:1.2.3.4]:81/a b/../c?d e#f g",
            "wss://0X7F.1/%2e/chat?room=é",
            "ftp://a@b@c:21/\\x\\y",
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
}
