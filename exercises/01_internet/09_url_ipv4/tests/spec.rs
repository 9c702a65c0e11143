//! The specification of step 3: the IPv4 parser and "ends in a number" (WHATWG URL Standard
//! §3.5, https://url.spec.whatwg.org/#concept-ipv4-parser). Cases marked "WPT" are from
//! web-platform-tests url/resources/urltestdata.json.

use std::net::Ipv4Addr;

use url_ipv4::{Host, ParseError, Url, ends_in_a_number, parse_host, parse_ipv4};

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
    assert_eq!(
        parse_ipv4("0.00.000.0"),
        Ok(Ipv4Addr::UNSPECIFIED),
        "0, 00 and 000 are all zero (the last two octal)"
    );
    assert_eq!(
        parse_ipv4("0xAb.0xcD.010.0"),
        Ok(Ipv4Addr::new(0xab, 0xcd, 8, 0)),
        "hex digits in either case; 010 is octal 8, not ten"
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
        parse_ipv4("1.16777215"),
        Ok(Ipv4Addr::new(1, 255, 255, 255)),
        "two parts: the last may be up to 256^3 - 1"
    );
    assert_eq!(
        parse_ipv4("0xffffffff"),
        Ok(Ipv4Addr::BROADCAST),
        "a single hex number may fill all four bytes"
    );
}

#[test]
fn ipv4_rejects_a_part_above_255_before_the_last() {
    for input in [
        "256.0.0.1",
        "1.256.0.1",
        "1.2.256.4",
        "0x100.1",
        "1.0400.1",
        "300.1",
    ] {
        assert_eq!(
            parse_ipv4(input),
            Err(ParseError::InvalidIpv4),
            "{input:?}: every part but the last is one byte, at most 255; a bigger one must \
             not spill into the byte before it (§3.5 IPv4 parser)"
        );
    }
}

#[test]
fn ipv4_rejects_a_last_part_too_big_for_the_bytes_left() {
    for input in [
        "1.2.3.256",
        "1.2.65536",
        "1.16777216",
        "4294967296",
        "0x100000000",
    ] {
        assert_eq!(
            parse_ipv4(input),
            Err(ParseError::InvalidIpv4),
            "{input:?}: with n parts the last must be below 256^(5 - n) (§3.5 IPv4 parser)"
        );
    }
}

#[test]
fn ipv4_rejects_huge_numbers_without_overflowing() {
    for input in [
        "99999999999999999999999",
        "0xffffffffffffffffffffffff",
        "1.2.3.999999999999999999999",
        "077777777777777777777777777",
        "18446744073709551616.1",
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
    for input in ["1.2.3.4.5", "1..2.3", ".1.2.3", "", "."] {
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
        parse_ipv4("127.1."),
        Ok(Ipv4Addr::LOCALHOST),
        "the part count is taken after dropping it"
    );
    assert_eq!(
        parse_ipv4("1.2.3.4.."),
        Err(ParseError::InvalidIpv4),
        "two are too many"
    );
}

#[test]
fn ipv4_rejects_digits_outside_the_radix() {
    for input in [
        "09.0.0.1",
        "0x1g.0.0.1",
        "1.2.3.4x",
        "-1.2.3.4",
        "1.2.3. 4",
        "+1.2.3.4",
        "08",
    ] {
        assert_eq!(
            parse_ipv4(input),
            Err(ParseError::InvalidIpv4),
            "{input:?}: 8 and 9 are not octal digits, g is not hex, and signs or spaces are not \
             digits at all"
        );
    }
}

#[test]
fn ends_in_a_number_looks_at_the_last_label() {
    for input in [
        "1.2.3.4",
        "example.123",
        "foo.0x4",
        "foo.0x",
        "foo.0X1F",
        "foo.09",
        "1.2.3.4.",
        // Too big for any integer type, a number all the same: the host must be an address.
        "foo.0xffffffffffffffffffffffff",
    ] {
        assert!(
            ends_in_a_number(input),
            "{input:?}: the last label (one trailing dot ignored) is all digits or a valid \
             IPv4 number, so the host ends in a number (§3.5)"
        );
    }
    for input in [
        "example.com",
        "foo.0xg",
        "1.2.3.4x",
        "1.2.3.4..",
        "",
        ".",
        "0x7f.example",
    ] {
        assert!(
            !ends_in_a_number(input),
            "{input:?}: the last label is not a number (an empty label is not one either)"
        );
    }
}

#[test]
fn host_in_any_ipv4_spelling_is_that_address() {
    for (input, address) in [
        ("0x7f.1", Ipv4Addr::LOCALHOST),
        ("0177.0.0.1", Ipv4Addr::LOCALHOST),
        ("2130706433", Ipv4Addr::LOCALHOST),
        ("0Xc0.0250.01", Ipv4Addr::new(192, 168, 0, 1)),
        ("1.2.3.4.", Ipv4Addr::new(1, 2, 3, 4)),
    ] {
        assert_eq!(
            parse_host(input),
            Ok(Host::Ipv4(address)),
            "{input:?} is {address}: the client will connect there, so a filter must see it"
        );
    }
}

#[test]
fn host_ending_in_a_hex_number_must_be_an_ipv4_address() {
    for input in ["foo.0x4", "foo.0x", "0x7f.0x1.09"] {
        assert_eq!(
            parse_host(input),
            Err(ParseError::InvalidIpv4),
            "{input:?} ends in a number, so it must be an IPv4 address, and is not (WPT)"
        );
    }
}

#[test]
fn a_url_with_an_ipv4_host_is_written_dotted_decimal() {
    let url = Url::parse("http://0x7f.1:8080/").unwrap();
    assert_eq!(url.host, Host::Ipv4(Ipv4Addr::LOCALHOST));
    assert_eq!(url.href(), "http://127.0.0.1:8080/");
    assert_eq!(
        Url::parse("http://0x100000000/"),
        Err(ParseError::InvalidIpv4),
        "WPT: one more than the largest address"
    );
}
