//! The specification of step 2: host parsing and serializing (WHATWG URL Standard §3.5 and
//! §3.6, https://url.spec.whatwg.org/#hosts-(domains-and-ip-addresses)), with percent-decoding
//! (§1.3). Cases marked "WPT" are from web-platform-tests url/resources/urltestdata.json.

use std::net::{Ipv4Addr, Ipv6Addr};

use url_hosts::{Host, ParseError, Url, parse_host, percent_decode};

fn domain(name: &str) -> Host {
    Host::Domain(name.to_string())
}

/// The host text as bytes, for messages that show what was decoded.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn percent_decode_decodes_hex_pairs_in_either_case() {
    assert_eq!(
        text(&percent_decode("%41%62c")),
        "Abc",
        "%41 is 'A', %62 is 'b'"
    );
    assert_eq!(
        percent_decode("%c3%A9"),
        [0xC3, 0xA9],
        "hex digits may be lowercase or uppercase when decoding"
    );
    assert_eq!(
        text(&percent_decode("%2f%3A%00")),
        "/:\0",
        "any byte may be encoded, even a slash or NUL: decoding gives it back"
    );
}

#[test]
fn percent_decode_keeps_a_percent_without_two_hex_digits() {
    for (input, expected) in [
        ("%zz", "%zz"),
        ("%4", "%4"),
        ("%", "%"),
        ("100%", "100%"),
        ("%%41", "%A"),
        ("%4g%41", "%4gA"),
        ("%g4", "%g4"),
    ] {
        assert_eq!(
            text(&percent_decode(input)),
            expected,
            "{input:?}: a '%' not followed by two hex digits is kept as it is, and decoding \
             goes on after it (§1.3)"
        );
    }
}

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
        parse_host("%45XAMPLE.com"),
        Ok(domain("example.com")),
        "decoded, then lowercased: %45 is 'E'"
    );
    assert_eq!(
        parse_host("%31%32%37.0.0.1"),
        Ok(Host::Ipv4(Ipv4Addr::LOCALHOST)),
        "decoding happens before the IPv4 check: %31%32%37 is 127, and this is 127.0.0.1"
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
        "a#b",
        "a/b",
        "a?b",
        "a@b",
        "a\\b",
        "a]b",
        "a:b",
        "a\u{7f}b",
        "a%20b",
        "a%00b",
        "a%zzb",
        "a%2fb",
        "a%3Ab",
        "a%25b",
    ] {
        assert_eq!(
            parse_host(input),
            Err(ParseError::InvalidHost),
            "{input:?}: space, DEL, controls and # % / : < > ? @ [ \\ ] ^ | are forbidden domain \
             code points (§3.2), also when they come from percent-decoding"
        );
    }
}

#[test]
fn host_allows_the_other_ascii_characters() {
    for input in ["a-b_c.d", "a!$&'()*+,;=b", "a~b", "a`b{c}d\"e"] {
        assert_eq!(
            parse_host(input),
            Ok(domain(input)),
            "{input:?}: these characters are not forbidden domain code points (§3.2)"
        );
    }
}

#[test]
fn host_ending_in_a_number_is_an_ipv4_address() {
    assert_eq!(
        parse_host("192.168.0.1"),
        Ok(Host::Ipv4(Ipv4Addr::new(192, 168, 0, 1)))
    );
    assert_eq!(parse_host("0.0.0.0"), Ok(Host::Ipv4(Ipv4Addr::UNSPECIFIED)));
}

#[test]
fn host_ending_in_a_number_must_be_a_valid_ipv4_address() {
    for input in ["example.123", "1.2.3.4.5", "256.0.0.1", "a.b.1"] {
        assert_eq!(
            parse_host(input),
            Err(ParseError::InvalidIpv4),
            "{input:?}: the last label is a number, so the whole host must be an IPv4 address \
             (§3.5 \"ends in a number\"), and it is not; it is not a domain either"
        );
    }
}

#[test]
fn host_whose_last_label_is_not_a_number_is_a_domain() {
    for input in ["1.2.3.com", "127.0.0.1x", "09x", "example.1a"] {
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
        "[::1]x",
        "[%3A%3A1]",
    ] {
        assert_eq!(
            parse_host(input),
            Err(ParseError::InvalidIpv6),
            "{input:?} starts with '[' but is not a valid IPv6 address in brackets (WPT); an \
             IPv6 address is never percent-decoded"
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
        "a.Xn--b",
    ] {
        assert_eq!(
            parse_host(input),
            Err(ParseError::IdnaRequired),
            "{input:?} is (or decodes to) an internationalised domain name, or an xn-- label in \
             any case: that needs UTS #46 processing, which this course leaves out"
        );
    }
    assert_eq!(
        parse_host("axn--b.com"),
        Ok(domain("axn--b.com")),
        "only a label that STARTS with xn-- is an IDNA label"
    );
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
        (Ipv6Addr::LOCALHOST, "[::1]", "the run at the start"),
        (
            Ipv6Addr::UNSPECIFIED,
            "[::]",
            "all eight pieces are one run",
        ),
        (
            Ipv6Addr::new(1, 0, 0, 0, 0, 0, 0, 0),
            "[1::]",
            "the run at the end",
        ),
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 2, 1),
            "[2001:db8::2:1]",
            "a run in the middle",
        ),
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1),
            "[2001:db8::1:0:0:1]",
            "two runs as long: the FIRST is compressed",
        ),
        (
            Ipv6Addr::new(1, 0, 0, 2, 0, 0, 0, 3),
            "[1:0:0:2::3]",
            "the LONGEST run is compressed, even if it is not the first",
        ),
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1),
            "[2001:db8:0:1:1:1:1:1]",
            "a single zero piece stays '0'",
        ),
        (
            Ipv6Addr::new(0xABCD, 0xEF, 0, 0, 0, 0, 0, 0x1),
            "[abcd:ef::1]",
            "lowercase hex without leading zeros",
        ),
    ];
    for (address, expected, why) in cases {
        assert_eq!(Host::Ipv6(address).to_string(), expected, "§3.6: {why}");
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

#[test]
fn a_url_gets_the_parsed_host() {
    let url = Url::parse("https://%45xample.COM:8443/").unwrap();
    assert_eq!(url.host, domain("example.com"));
    assert_eq!(url.href(), "https://example.com:8443/");
    let url = Url::parse("https://[0:0:0:0:0:0:0:1]:8443/x").unwrap();
    assert_eq!(url.host, Host::Ipv6(Ipv6Addr::LOCALHOST));
    assert_eq!(
        url.href(),
        "https://[::1]:8443/x",
        "the IPv6 host is written canonically"
    );
}

#[test]
fn a_url_with_a_bad_host_is_rejected() {
    for (input, error) in [
        ("http://a b/", ParseError::InvalidHost),
        ("http://a%2Fb/", ParseError::InvalidHost),
        ("http://1.2.3.4.5/", ParseError::InvalidIpv4),
        ("http://[::1/", ParseError::InvalidIpv6),
        ("http://xn--nxasmq6b/", ParseError::IdnaRequired),
    ] {
        assert_eq!(
            Url::parse(input),
            Err(error.clone()),
            "{input:?}: the host parser's {error:?} makes the whole URL invalid (WPT)"
        );
    }
}
