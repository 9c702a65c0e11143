//! The specification of CIDR blocks and allow-lists (RFC 4632 §3.1 prefix notation, RFC 4291
//! §2.3 IPv6 prefixes, §2.5.5 IPv4-embedded IPv6 addresses). Addresses in the examples come
//! from the documentation ranges 192.0.2.0/24 (RFC 5737) and 2001:db8::/32 (RFC 3849).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use cidr_allowlist::{AllowList, AllowListError, Cidr, CidrError, canonical};

fn cidr(s: &str) -> Cidr {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is a valid CIDR block, but parsing gave Err({e:?})"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("the test's address is valid")
}

fn list(s: &str) -> AllowList {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} is a valid allow-list, but parsing gave Err({e:?})"))
}

// ---------------------------------------------------------------------------------------------
// Parsing blocks

#[test]
fn parses_an_ipv4_block() {
    let block = cidr("10.0.0.0/8");
    assert_eq!(block.network(), ip("10.0.0.0"));
    assert_eq!(
        block.prefix_len(),
        8,
        "the number after the '/' (RFC 4632 §3.1)"
    );
    assert_eq!(block.to_string(), "10.0.0.0/8");
}

#[test]
fn parses_an_ipv6_block() {
    let block = cidr("2001:db8::/32");
    assert_eq!(block.network(), ip("2001:db8::"));
    assert_eq!(block.prefix_len(), 32);
    assert_eq!(block.to_string(), "2001:db8::/32");
}

#[test]
fn parses_every_legal_spelling_of_an_ipv6_prefix() {
    // RFC 4291 §2.3: "the following are legal representations of the 60-bit prefix
    // 20010DB80000CD3 (hexadecimal)".
    for s in [
        "2001:0DB8:0000:CD30:0000:0000:0000:0000/60",
        "2001:0DB8::CD30:0:0:0:0/60",
        "2001:0DB8:0:CD30::/60",
    ] {
        let block = cidr(s);
        assert_eq!(
            block.to_string(),
            "2001:db8:0:cd30::/60",
            "{s:?} is a legal representation of this prefix (RFC 4291 §2.3)"
        );
    }
}

#[test]
fn rejects_the_illegal_spellings_of_an_ipv6_prefix() {
    // RFC 4291 §2.3: "the following are NOT legal representations of the above prefix".
    assert_eq!(
        "2001:0DB8:0:CD3/60".parse::<Cidr>(),
        Err(CidrError::InvalidAddress),
        "RFC 4291 §2.3: leading zeros may be dropped within a 16-bit piece, trailing ones may \
         not; with four pieces and no '::' this is not an IPv6 address at all"
    );
    for s in ["2001:0DB8::CD30/60", "2001:0DB8::CD3/60"] {
        assert_eq!(
            s.parse::<Cidr>(),
            Err(CidrError::HostBitsSet),
            "RFC 4291 §2.3: the address left of the '/' in {s:?} expands to \
             2001:0DB8:0000:0000:0000:0000:0000:CD30 (or ...:0CD3), whose last bits are \
             beyond the 60-bit prefix"
        );
    }
}

#[test]
fn a_bare_address_is_a_single_host() {
    let block = cidr("192.0.2.7");
    assert_eq!(
        (block.network(), block.prefix_len()),
        (ip("192.0.2.7"), 32),
        "an IPv4 address without a prefix is the block of that one address, /32"
    );
    let block = cidr("2001:db8::7");
    assert_eq!(
        (block.network(), block.prefix_len()),
        (ip("2001:db8::7"), 128)
    );
}

#[test]
fn prefix_lengths_go_from_zero_to_the_address_width() {
    assert_eq!(
        cidr("0.0.0.0/0").prefix_len(),
        0,
        "/0 is every IPv4 address"
    );
    assert_eq!(cidr("192.0.2.7/32").prefix_len(), 32);
    assert_eq!(cidr("::/0").prefix_len(), 0, "::/0 is every IPv6 address");
    assert_eq!(cidr("2001:db8::7/128").prefix_len(), 128);
    assert_eq!(
        "192.0.2.0/33".parse::<Cidr>(),
        Err(CidrError::InvalidPrefix),
        "an IPv4 address has 32 bits: /33 is impossible"
    );
    assert_eq!(
        "2001:db8::/129".parse::<Cidr>(),
        Err(CidrError::InvalidPrefix),
        "an IPv6 address has 128 bits: /129 is impossible"
    );
}

#[test]
fn rejects_malformed_prefix_lengths() {
    for s in [
        "10.0.0.0/",
        "10.0.0.0/+8",
        "10.0.0.0/-8",
        "10.0.0.0/ 8",
        "10.0.0.0/8 ",
        "10.0.0.0/0x8",
        "10.0.0.0/8/8",
        "10.0.0.0/256",
        "10.0.0.0/99999999999999999999",
        "10.0.0.0/８",
    ] {
        assert_eq!(
            s.parse::<Cidr>(),
            Err(CidrError::InvalidPrefix),
            "{s:?}: the prefix length is one to three ASCII digits, at most 32 (beware: \
             u8::from_str accepts \"+8\")"
        );
    }
}

#[test]
fn a_prefix_length_has_one_spelling_without_leading_zeros() {
    for s in [
        "10.0.0.0/010",
        "10.0.0.0/08",
        "10.0.0.0/00",
        "2001:db8::/032",
        "::/000",
    ] {
        assert_eq!(
            s.parse::<Cidr>(),
            Err(CidrError::InvalidPrefix),
            "{s:?}: a leading zero is rejected in the prefix as in the address (010.0.0.1): \
             glibc's inet_net_pton and Python read /010 as decimal 10, but a reader who knows \
             that 010. is octal in an address cannot be sure, and an allow-list takes one \
             spelling only"
        );
    }
    assert_eq!(
        cidr("0.0.0.0/0").prefix_len(),
        0,
        "/0 itself is the one spelling of zero"
    );
    assert_eq!(cidr("10.0.0.0/10").prefix_len(), 10);
    assert_eq!(
        cidr("2001:db8::/100").prefix_len(),
        100,
        "three digits, no leading zero"
    );
}

#[test]
fn rejects_malformed_addresses() {
    for (s, why) in [
        (
            "10.0.0/8",
            "three parts: inet_aton would read it as 10.0.0.0, std does not",
        ),
        (
            "10/8",
            "the old shorthand for 10.0.0.0/8 is ambiguous: write all four parts",
        ),
        ("256.0.0.0/8", "256 does not fit in a byte"),
        (
            "010.0.0.0/8",
            "a leading zero reads as octal to inet_aton (CVE-2021-29921)",
        ),
        ("0x0a.0.0.0/8", "no hex parts"),
        (
            "fe80::1%eth0/64",
            "a zone index names an interface, not part of an address",
        ),
        ("", "nothing at all"),
        ("/8", "no address"),
        ("example.com/24", "a host name is not an address"),
        (" 10.0.0.0/8", "no surrounding spaces inside an entry"),
    ] {
        assert_eq!(
            s.parse::<Cidr>(),
            Err(CidrError::InvalidAddress),
            "{s:?}: {why}"
        );
    }
}

#[test]
fn rejects_host_bits_after_the_prefix() {
    for (s, why) in [
        (
            "10.0.0.1/8",
            "did you mean 10.0.0.0/8, or the single host 10.0.0.1/32?",
        ),
        ("192.0.2.128/24", "the last byte is beyond a /24."),
        (
            "198.51.101.0/23",
            "101 is odd, and its last bit is the 24th: beyond a /23.",
        ),
        ("0.0.0.1/0", "a /0 block has no network bits at all."),
        (
            "2001:db8::1/64",
            "the last 64 bits are the interface identifier.",
        ),
    ] {
        assert_eq!(
            s.parse::<Cidr>(),
            Err(CidrError::HostBitsSet),
            "{s:?} has one-bits after the prefix: {why} Masking them silently could open the \
             list far wider than intended, so it is an error."
        );
    }
}

#[test]
fn new_checks_the_same_rules_as_parsing() {
    assert_eq!(
        Cidr::new(ip("10.0.0.0"), 8).map(|c| c.to_string()),
        Ok("10.0.0.0/8".to_string())
    );
    assert_eq!(Cidr::new(ip("10.0.0.0"), 33), Err(CidrError::InvalidPrefix));
    assert_eq!(
        Cidr::new(ip("2001:db8::"), 200),
        Err(CidrError::InvalidPrefix)
    );
    assert_eq!(Cidr::new(ip("10.0.0.1"), 8), Err(CidrError::HostBitsSet));
}

#[test]
fn ipv4_mapped_blocks_are_stored_as_ipv4() {
    assert_eq!(
        cidr("::ffff:10.0.0.0/104"),
        cidr("10.0.0.0/8"),
        "::ffff:10.0.0.0/104 is the IPv4 block 10.0.0.0/8 written in IPv6 \
         (RFC 4291 §2.5.5.2): 96 bits of ::ffff: prefix, then 8 bits of IPv4"
    );
    assert_eq!(cidr("::ffff:10.0.0.0/104").to_string(), "10.0.0.0/8");
    assert_eq!(
        cidr("::ffff:192.0.2.7"),
        cidr("192.0.2.7/32"),
        "a bare IPv4-mapped address is the IPv4 host"
    );
    assert_eq!(
        "::ffff:10.0.0.1/104".parse::<Cidr>(),
        Err(CidrError::HostBitsSet),
        "the host-bit rule still applies after the conversion"
    );
}

// ---------------------------------------------------------------------------------------------
// Matching addresses

#[test]
fn contains_exactly_the_addresses_that_share_the_prefix() {
    let block = cidr("10.0.0.0/8");
    for inside in ["10.0.0.0", "10.1.2.3", "10.255.255.255"] {
        assert!(block.contains(ip(inside)), "{inside} is in 10.0.0.0/8");
    }
    for outside in ["9.255.255.255", "11.0.0.0", "110.0.0.1", "192.0.2.1"] {
        assert!(
            !block.contains(ip(outside)),
            "{outside} is not in 10.0.0.0/8: compare bits, not text (\"110.0.0.1\" starts \
             with \"10\")"
        );
    }
}

#[test]
fn prefixes_that_do_not_end_on_a_byte_boundary() {
    let block = cidr("198.51.100.0/23");
    for inside in ["198.51.100.0", "198.51.101.255"] {
        assert!(block.contains(ip(inside)), "{inside} is in 198.51.100.0/23");
    }
    for outside in ["198.51.99.255", "198.51.102.0"] {
        assert!(
            !block.contains(ip(outside)),
            "{outside} is not in 198.51.100.0/23"
        );
    }
    let block = cidr("2001:db8:0:cd30::/60");
    assert!(
        block.contains(ip("2001:db8:0:cd3f:ffff:ffff:ffff:ffff")),
        "the last of the /60"
    );
    assert!(
        !block.contains(ip("2001:db8:0:cd40::")),
        "the first after the /60"
    );
}

#[test]
fn a_one_bit_prefix_splits_the_address_space_in_two() {
    let low = cidr("::/1");
    assert!(
        low.contains(ip("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        "the last of ::/1"
    );
    assert!(
        !low.contains(ip("8000::")),
        "8000:: has the top bit of 128 set, so it is not in ::/1: the mask of /1 is that top \
         bit alone (a mask built from 64-bit halves, or shifted the wrong way, loses it)"
    );
    let high = cidr("8000::/1");
    assert!(high.contains(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
    assert!(
        !high.contains(ip("::1")),
        "::1 is in the low half, not in 8000::/1"
    );
    assert_eq!(
        "::1/1".parse::<Cidr>(),
        Err(CidrError::HostBitsSet),
        "::1 has a bit set after the first: not a /1 network"
    );
    let low4 = cidr("0.0.0.0/1");
    assert!(low4.contains(ip("127.255.255.255")));
    assert!(
        !low4.contains(ip("128.0.0.0")),
        "128.0.0.0 is the top bit of 32 alone"
    );
}

#[test]
fn a_single_host_block_contains_only_that_host() {
    let block = cidr("192.0.2.7/32");
    assert!(block.contains(ip("192.0.2.7")));
    assert!(!block.contains(ip("192.0.2.6")));
    assert!(!block.contains(ip("192.0.2.8")));
    let block = cidr("2001:db8::7/128");
    assert!(block.contains(ip("2001:db8::7")));
    assert!(!block.contains(ip("2001:db8::6")));
}

#[test]
fn a_zero_prefix_contains_every_address_of_its_family() {
    // A mask computed as `u32::MAX << (32 - len)` overflows for len = 0 (it panics in debug
    // builds): handle the edge.
    let all_v4 = cidr("0.0.0.0/0");
    for addr in ["0.0.0.0", "192.0.2.1", "255.255.255.255"] {
        assert!(all_v4.contains(ip(addr)), "0.0.0.0/0 contains {addr}");
    }
    assert!(!all_v4.contains(ip("2001:db8::1")), "but no IPv6 address");
    let all_v6 = cidr("::/0");
    for addr in [
        "::",
        "2001:db8::1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ] {
        assert!(all_v6.contains(ip(addr)), "::/0 contains {addr}");
    }
    assert!(!all_v6.contains(ip("192.0.2.1")), "but no IPv4 address");
}

#[test]
fn ipv4_and_ipv6_never_match_each_other() {
    assert!(
        !cidr("::/96").contains(ip("192.0.2.1")),
        "an IPv4 address is not in an IPv6 block, even one whose low 32 bits could hold it"
    );
    assert!(
        !cidr("0.0.0.0/0").contains(ip("::1")),
        "::1 is not an IPv4 address"
    );
}

#[test]
fn canonical_unwraps_ipv4_mapped_addresses_only() {
    assert_eq!(
        canonical(ip("::ffff:192.0.2.7")),
        ip("192.0.2.7"),
        "RFC 4291 §2.5.5.2: ::ffff:a.b.c.d is how a dual-stack socket shows an IPv4 client"
    );
    assert_eq!(
        canonical(ip("::192.0.2.7")),
        ip("::192.0.2.7"),
        "RFC 4291 §2.5.5.1: the IPv4-compatible form ::a.b.c.d is deprecated and is NOT \
         treated as IPv4 (Ipv6Addr::to_ipv4 would convert it; to_ipv4_mapped does not)"
    );
    assert_eq!(
        canonical(ip("::1")),
        ip("::1"),
        "::1 is IPv6 loopback, not 0.0.0.1"
    );
    assert_eq!(
        canonical(ip("192.0.2.7")),
        ip("192.0.2.7"),
        "IPv4 stays IPv4"
    );
    assert_eq!(
        canonical(ip("2001:db8::1")),
        ip("2001:db8::1"),
        "IPv6 stays IPv6"
    );
}

#[test]
fn ipv4_mapped_addresses_match_ipv4_blocks() {
    let block = cidr("10.0.0.0/8");
    assert!(
        block.contains(ip("::ffff:10.1.2.3")),
        "a dual-stack server sees the IPv4 client 10.1.2.3 as ::ffff:10.1.2.3: it is in \
         10.0.0.0/8"
    );
    assert!(!block.contains(ip("::ffff:11.1.2.3")));
    assert!(
        !block.contains(ip("::10.1.2.3")),
        "the deprecated IPv4-compatible form is not IPv4 (RFC 4291 §2.5.5.1)"
    );
    assert!(
        !cidr("::/64").contains(ip("::ffff:10.1.2.3")),
        "an IPv4-mapped address counts as IPv4, so it is not in the IPv6 block ::/64, \
         although its first 64 bits are zero"
    );
}

// ---------------------------------------------------------------------------------------------
// Allow-lists

#[test]
fn an_allow_list_allows_addresses_in_any_of_its_blocks() {
    let allowed = list("10.0.0.0/8, 192.0.2.0/24, 2001:db8::/32");
    for addr in [
        "10.9.8.7",
        "192.0.2.200",
        "2001:db8:1::1",
        "::ffff:192.0.2.1",
    ] {
        assert!(allowed.allows(ip(addr)), "{addr} is in one of the blocks");
    }
    for addr in ["11.0.0.1", "192.0.3.1", "2001:db9::1", "::1", "127.0.0.1"] {
        assert!(!allowed.allows(ip(addr)), "{addr} is in none of the blocks");
    }
}

#[test]
fn entries_may_be_separated_by_commas_spaces_or_newlines() {
    let allowed = list("  10.0.0.0/8,192.0.2.0/24\n2001:db8::/32\t198.51.100.7 ,, \n");
    let entries: Vec<String> = allowed.entries().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        entries,
        [
            "10.0.0.0/8",
            "192.0.2.0/24",
            "2001:db8::/32",
            "198.51.100.7/32"
        ],
        "entries come from config files and environment variables: commas and any \
         whitespace separate them, and empty pieces are skipped"
    );
}

#[test]
fn an_empty_allow_list_allows_nothing() {
    for s in ["", "  ", ",\n,"] {
        let allowed = list(s);
        assert!(allowed.entries().is_empty(), "{s:?} has no entries");
        for addr in ["127.0.0.1", "10.0.0.1", "::1"] {
            assert!(
                !allowed.allows(ip(addr)),
                "an empty allow-list must deny {addr}: when in doubt, deny (fail closed)"
            );
        }
    }
}

#[test]
fn one_bad_entry_rejects_the_whole_list_and_names_the_entry() {
    assert_eq!(
        "10.0.0.0/8, 192.0.2.1/24, 2001:db8::/32".parse::<AllowList>(),
        Err(AllowListError {
            entry: "192.0.2.1/24".to_string(),
            error: CidrError::HostBitsSet,
        }),
        "a list with a typo must not load with the typo skipped: the operator needs to know \
         which entry is wrong and why"
    );
    assert_eq!(
        "10.0.0.0/8 10.0.0.0/33 300.0.0.0/8".parse::<AllowList>(),
        Err(AllowListError {
            entry: "10.0.0.0/33".to_string(),
            error: CidrError::InvalidPrefix,
        }),
        "the first bad entry is reported"
    );
}

#[test]
fn an_allow_list_handles_many_entries_and_both_families() {
    let entries: Vec<String> = (0..=255).map(|i| format!("10.{i}.0.0/16")).collect();
    let allowed = list(&format!("{} 2001:db8::/32", entries.join(",")));
    assert_eq!(allowed.entries().len(), 257);
    assert!(allowed.allows(IpAddr::V4(Ipv4Addr::new(10, 255, 255, 255))));
    assert!(!allowed.allows(IpAddr::V4(Ipv4Addr::new(11, 0, 0, 0))));
    assert!(allowed.allows(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))));
}
