//! The specification of the DNS header (RFC 1035 §4.1.1). The example messages are the
//! DNS-over-HTTPS examples of RFC 8484 §4.1.1 (a query) and §4.2.2 (its response).

use dns_header::{DnsError, Header};

/// RFC 8484 §4.1.1: a query for the IN A records of "www.example.com", ID 0, recursion desired
/// (33 bytes; base64url "AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB").
const RFC8484_QUERY: [u8; 33] = [
    0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00,
    0x01,
];

/// RFC 8484 §4.2.2: the response to a query for the IN AAAA records of "www.example.com": one
/// answer, 2001:db8:abcd:12:1:2:3:4, TTL 3709 s. The answer's name is the pointer 0xC00C to
/// the question's name at offset 12.
const RFC8484_RESPONSE: [u8; 61] = [
    0x00, 0x00, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x1c, 0x00,
    0x01, 0xc0, 0x0c, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x7d, 0x00, 0x10, 0x20, 0x01, 0x0d,
    0xb8, 0xab, 0xcd, 0x00, 0x12, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04,
];

// ---------------------------------------------------------------------------------------------
// Header (RFC 1035 §4.1.1)

#[test]
fn decodes_the_header_of_a_query() {
    let header = Header::decode(&RFC8484_QUERY).expect("the RFC 8484 query is valid");
    assert_eq!(
        header,
        Header {
            id: 0,
            recursion_desired: true,
            qdcount: 1,
            ..Header::default()
        },
        "RFC 8484 §4.1.1: ID 0, flags 0x0100 (only RD set), QDCOUNT 1, other counts 0"
    );
}

#[test]
fn decodes_the_header_of_a_response() {
    let header = Header::decode(&RFC8484_RESPONSE).expect("the RFC 8484 response is valid");
    assert_eq!(
        header,
        Header {
            id: 0,
            is_response: true,
            recursion_desired: true,
            recursion_available: true,
            qdcount: 1,
            ancount: 1,
            ..Header::default()
        },
        "RFC 8484 §4.2.2: flags 0x8180 are QR, RD and RA; RCODE 0; one question, one answer"
    );
}

#[test]
fn each_flag_has_its_own_bit() {
    // (header with one field set, the flags word it must produce)
    let cases = [
        (
            Header {
                is_response: true,
                ..Header::default()
            },
            0x8000,
            "QR is bit 15",
        ),
        (
            Header {
                opcode: 2,
                ..Header::default()
            },
            0x1000,
            "OPCODE is bits 14..11",
        ),
        (
            Header {
                opcode: 0xF,
                ..Header::default()
            },
            0x7800,
            "OPCODE has 4 bits",
        ),
        (
            Header {
                authoritative: true,
                ..Header::default()
            },
            0x0400,
            "AA is bit 10",
        ),
        (
            Header {
                truncated: true,
                ..Header::default()
            },
            0x0200,
            "TC is bit 9",
        ),
        (
            Header {
                recursion_desired: true,
                ..Header::default()
            },
            0x0100,
            "RD is bit 8",
        ),
        (
            Header {
                recursion_available: true,
                ..Header::default()
            },
            0x0080,
            "RA is bit 7",
        ),
        (
            Header {
                z: 0b101,
                ..Header::default()
            },
            0x0050,
            "Z is bits 6..4",
        ),
        (
            Header {
                rcode: 3,
                ..Header::default()
            },
            0x0003,
            "RCODE is bits 3..0 (3 = NXDOMAIN)",
        ),
    ];
    for (header, flags, why) in cases {
        let bytes = header.encode();
        assert_eq!(
            u16::from_be_bytes([bytes[2], bytes[3]]),
            flags,
            "{why}: the flags word (bytes 2 and 3, big-endian) of {header:?}"
        );
        assert_eq!(
            Header::decode(&bytes),
            Ok(header),
            "{why}: decoding the flags word {flags:#06x} must give the header back"
        );
    }
}

#[test]
fn id_and_counts_are_big_endian() {
    let header = Header {
        id: 0xBEEF,
        qdcount: 0x0102,
        ancount: 0x0304,
        nscount: 0x0506,
        arcount: 0x0708,
        ..Header::default()
    };
    assert_eq!(
        header.encode(),
        [
            0xBE, 0xEF, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08
        ],
        "ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT, each 16 bits, most significant byte \
         first (network byte order)"
    );
}

#[test]
fn a_header_round_trips_with_every_field_set() {
    let header = Header {
        id: 0xFFFF,
        is_response: true,
        opcode: 0xF,
        authoritative: true,
        truncated: true,
        recursion_desired: true,
        recursion_available: true,
        z: 0b111,
        rcode: 0xF,
        qdcount: 0xFFFF,
        ancount: 1,
        nscount: 2,
        arcount: 3,
    };
    assert_eq!(header.encode()[2..4], [0xFF, 0xFF], "every flag bit set");
    assert_eq!(Header::decode(&header.encode()), Ok(header));
}

#[test]
fn a_header_shorter_than_12_bytes_is_truncated() {
    for len in [0, 1, 11] {
        assert_eq!(
            Header::decode(&RFC8484_QUERY[..len]),
            Err(DnsError::Truncated),
            "{len} bytes cannot hold the 12-byte header"
        );
    }
}
