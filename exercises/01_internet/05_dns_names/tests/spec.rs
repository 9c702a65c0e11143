//! The specification of DNS names on the wire (RFC 1035 §3.1, §2.3.4), without compression.
//! The example query is the DNS-over-HTTPS example of RFC 8484 §4.1.1.

use dns_names::{DnsError, decode_name, encode_name};

/// RFC 8484 §4.1.1: a query for the IN A records of "www.example.com", ID 0, recursion desired
/// (33 bytes; base64url "AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB").
const RFC8484_QUERY: [u8; 33] = [
    0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x77, 0x77, 0x77,
    0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00,
    0x01,
];

/// A message of a 12-byte zero header followed by `body`: offsets in `body` start at 12.
fn message(body: &[u8]) -> Vec<u8> {
    let mut msg = vec![0u8; 12];
    msg.extend_from_slice(body);
    msg
}

fn encoded(name: &str) -> Result<Vec<u8>, DnsError> {
    let mut out = Vec::new();
    encode_name(name, &mut out).map(|()| out)
}

fn label(len: usize) -> String {
    "a".repeat(len)
}

// ---------------------------------------------------------------------------------------------
// Encoding names (RFC 1035 §3.1, §2.3.4)

#[test]
fn encodes_a_name_as_length_prefixed_labels() {
    assert_eq!(
        encoded("www.example.com"),
        Ok(b"\x03www\x07example\x03com\x00".to_vec()),
        "each label is its length byte then its bytes; a zero byte (the root) ends the name"
    );
}

#[test]
fn a_trailing_dot_is_the_same_name() {
    assert_eq!(
        encoded("www.example.com."),
        encoded("www.example.com"),
        "\"www.example.com.\" is the fully qualified spelling of the same name"
    );
}

#[test]
fn the_root_is_a_single_zero_byte() {
    assert_eq!(encoded("."), Ok(vec![0]), "the root name has no labels");
}

#[test]
fn encoding_keeps_the_case() {
    assert_eq!(
        encoded("WwW.Example.COM"),
        Ok(b"\x03WwW\x07Example\x03COM\x00".to_vec()),
        "DNS compares names case-insensitively but keeps their case (RFC 4343)"
    );
}

#[test]
fn encoding_appends_to_the_buffer() {
    let mut out = vec![0xAA, 0xBB];
    encode_name("a.b", &mut out).unwrap();
    assert_eq!(
        out, b"\xAA\xBB\x01a\x01b\x00",
        "encode_name appends after what is already there (the header, earlier questions)"
    );
}

#[test]
fn rejects_empty_labels() {
    for name in ["a..b", ".a", "a.b..", "", ".."] {
        let mut out = vec![1, 2, 3];
        assert_eq!(
            encode_name(name, &mut out),
            Err(DnsError::EmptyLabel),
            "{name:?}: a zero length byte would end the name early, so labels cannot be empty"
        );
        assert_eq!(
            out,
            [1, 2, 3],
            "{name:?}: on error the buffer is left as it was"
        );
    }
}

#[test]
fn a_label_may_have_up_to_63_bytes() {
    let name = format!("{}.com", label(63));
    let bytes = encoded(&name).expect("a 63-byte label is allowed");
    assert_eq!(bytes[0], 63, "the length byte of a 63-byte label");
    assert_eq!(
        encoded(&format!("{}.com", label(64))),
        Err(DnsError::LabelTooLong),
        "a label of 64 bytes or more does not fit in 6 bits (RFC 1035 §2.3.4: 63 octets or less)"
    );
}

#[test]
fn a_name_may_have_up_to_255_bytes_as_encoded() {
    // 3 * (1 + 63) + (1 + 61) + 1 = 255
    let name = [label(63), label(63), label(63), label(61)].join(".");
    assert_eq!(
        encoded(&name).map(|b| b.len()),
        Ok(255),
        "a name of 255 bytes as encoded (length bytes, labels, and the final zero) is allowed"
    );
    let name = [label(63), label(63), label(63), label(62)].join(".");
    assert_eq!(
        encoded(&name),
        Err(DnsError::NameTooLong),
        "256 bytes as encoded is one too many (RFC 1035 §2.3.4: 255 octets or less)"
    );
}

#[test]
fn rejects_labels_that_are_not_printable_ascii() {
    for name in ["bücher.de", "a b.com", "tab\t.com", "nul\0.com"] {
        assert_eq!(
            encoded(name),
            Err(DnsError::InvalidLabel),
            "{name:?}: host names are printable ASCII; an internationalised name must be \
             converted to its xn-- form (IDNA, RFC 5890) before it goes on the wire"
        );
    }
}
// ---------------------------------------------------------------------------------------------
// Decoding names (RFC 1035 §3.1)

#[test]
fn decodes_a_name_and_returns_the_offset_after_it() {
    assert_eq!(
        decode_name(&RFC8484_QUERY, 12),
        Ok(("www.example.com".to_string(), 29)),
        "RFC 8484 §4.1.1: the QNAME starts at 12 and takes 17 bytes"
    );
}

#[test]
fn decodes_the_root_as_a_dot() {
    assert_eq!(
        decode_name(&message(b"\x00"), 12),
        Ok((".".to_string(), 13))
    );
}

#[test]
fn decoding_keeps_the_case() {
    let msg = message(b"\x03WwW\x07Example\x03COM\x00");
    assert_eq!(
        decode_name(&msg, 12).map(|(name, _)| name),
        Ok("WwW.Example.COM".to_string())
    );
}

#[test]
fn rejects_names_that_run_past_the_end_of_the_message() {
    let cases: [(&[u8], &str); 3] = [
        (b"", "no length byte at all"),
        (b"\x03ww", "a label of 3 bytes with only 2 left"),
        (b"\x03www", "no zero byte at the end of the name"),
    ];
    for (body, why) in cases {
        assert_eq!(
            decode_name(&message(body), 12),
            Err(DnsError::Truncated),
            "{why}: the message ends in the middle of the name"
        );
    }
}

#[test]
fn rejects_reserved_label_types() {
    for byte in [0x40u8, 0x7F, 0x80, 0xBF, 0xC0, 0xFF] {
        let mut body = vec![byte];
        body.extend_from_slice(&[b'a'; 200]);
        body.push(0);
        assert_eq!(
            decode_name(&message(&body), 12),
            Err(DnsError::LabelTooLong),
            "length byte {byte:#04x}: its top bits are not 00 (01 and 10 are reserved, 11 is a \
             pointer, the next step: RFC 1035 §4.1.4); read as a length it would be a label \
             over 63 bytes"
        );
    }
}

#[test]
fn rejects_a_label_with_a_dot_or_a_byte_that_is_not_printable() {
    for body in [
        &b"\x03a.b\x00"[..],
        b"\x02\xc3\xa9\x00",
        b"\x03a b\x00",
        b"\x01\x00\x00",
    ] {
        assert_eq!(
            decode_name(&message(body), 12),
            Err(DnsError::InvalidLabel),
            "label {body:?}: only printable ASCII other than '.' can be written as a dotted \
             host name"
        );
    }
}

#[test]
fn decodes_a_name_of_exactly_255_bytes() {
    // 3 * (1 + 63) + (1 + 61) + 1 = 255 bytes as encoded.
    let mut body = Vec::new();
    for len in [63, 63, 63, 61] {
        body.push(len as u8);
        body.extend_from_slice(label(len).as_bytes());
    }
    body.push(0);
    assert_eq!(
        decode_name(&message(&body), 12).map(|(name, end)| (name.len(), end)),
        Ok((63 * 3 + 61 + 3, 12 + 255)),
        "a name of 255 bytes as encoded (length bytes, labels, and the final zero) is at the \
         limit, so it is allowed: count 1 + len per label, plus 1 for the root"
    );
}

#[test]
fn rejects_a_name_of_256_bytes() {
    // 3 * (1 + 63) + (1 + 62) + 1 = 256 bytes as encoded.
    let mut body = Vec::new();
    for len in [63, 63, 63, 62] {
        body.push(len as u8);
        body.extend_from_slice(label(len).as_bytes());
    }
    body.push(0);
    assert_eq!(
        decode_name(&message(&body), 12),
        Err(DnsError::NameTooLong),
        "256 bytes as encoded is one over the limit (RFC 1035 §2.3.4: 255 octets or less)"
    );
}

#[test]
fn the_name_limit_is_checked_before_the_end_arrives() {
    // Five 63-byte labels and no final zero: 320 bytes of name, then the message ends.
    let mut body = Vec::new();
    for _ in 0..5 {
        body.push(63);
        body.extend_from_slice(label(63).as_bytes());
    }
    assert_eq!(
        decode_name(&message(&body), 12),
        Err(DnsError::NameTooLong),
        "the name is already over 255 bytes before the message ends: check the length as \
         the name grows, not only once its final zero arrives"
    );
}
