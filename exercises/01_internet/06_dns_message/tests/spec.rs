//! The specification of compression pointers and whole messages (RFC 1035 §4.1.2, §4.1.4).
//! The example messages are the DNS-over-HTTPS examples of RFC 8484 §4.1.1 (a query) and
//! §4.2.2 (its response), and the compression example of RFC 1035 §4.1.4.

use std::time::Duration;

use dns_message::{
    CLASS_IN, DnsError, Header, Message, Question, TYPE_A, TYPE_AAAA, build_query, decode_name,
};

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

/// The message of RFC 1035 §4.1.4: F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA at 40 as "FOO" and
/// a pointer to 20, ARPA at 64 as a pointer to 26, and the root at 92. Bytes in between are 0.
fn rfc1035_compression_example() -> Vec<u8> {
    let mut msg = vec![0u8; 94];
    msg[20..32].copy_from_slice(b"\x01F\x03ISI\x04ARPA\x00");
    msg[40..46].copy_from_slice(b"\x03FOO\xc0\x14");
    msg[64..66].copy_from_slice(b"\xc0\x1a");
    msg[92] = 0;
    msg
}

/// A message of a 12-byte zero header followed by `body`: offsets in `body` start at 12.
fn message(body: &[u8]) -> Vec<u8> {
    let mut msg = vec![0u8; 12];
    msg.extend_from_slice(body);
    msg
}

fn label(len: usize) -> String {
    "a".repeat(len)
}

/// Runs decode_name on another thread and gives up after half a second (a correct decoder
/// needs microseconds), so that a decoder caught in a pointer loop fails the test instead of
/// hanging it.
fn decode_name_in_time(msg: Vec<u8>, offset: usize) -> Result<(String, usize), DnsError> {
    testkit::within(Duration::from_millis(500), move || {
        decode_name(&msg, offset)
    })
    .unwrap_or_else(|_| {
        panic!(
            "decode_name did not return within half a second: it is following a pointer \
             loop (or it panicked: see above)"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Compression pointers (RFC 1035 §4.1.4)

#[test]
fn follows_compression_pointers() {
    let msg = rfc1035_compression_example();
    assert_eq!(
        decode_name(&msg, 20),
        Ok(("F.ISI.ARPA".to_string(), 32)),
        "RFC 1035 §4.1.4: F.ISI.ARPA written out at offset 20"
    );
    assert_eq!(
        decode_name(&msg, 40),
        Ok(("FOO.F.ISI.ARPA".to_string(), 46)),
        "RFC 1035 §4.1.4: \"FOO\" then a pointer to offset 20; the name ends after the \
         pointer (46), not after the bytes it points to"
    );
    assert_eq!(
        decode_name(&msg, 64),
        Ok(("ARPA".to_string(), 66)),
        "RFC 1035 §4.1.4: a name that is only a pointer (to offset 26, inside F.ISI.ARPA)"
    );
    assert_eq!(
        decode_name(&msg, 92),
        Ok((".".to_string(), 93)),
        "the root at offset 92"
    );
}

#[test]
fn the_answer_name_of_a_real_response_is_a_pointer() {
    assert_eq!(
        decode_name(&RFC8484_RESPONSE, 33),
        Ok(("www.example.com".to_string(), 35)),
        "RFC 8484 §4.2.2: the answer record starts at 33 with the pointer C0 0C to the \
         question's name at offset 12"
    );
}

#[test]
fn follows_a_chain_of_pointers() {
    // 12: "com" 0 | 17: "example" -> 12 | 27: "www" -> 17 | 33: -> 27
    let msg = message(b"\x03com\x00\x07example\xc0\x0c\x03www\xc0\x11\xc0\x1b");
    assert_eq!(
        decode_name(&msg, 33),
        Ok(("www.example.com".to_string(), 35)),
        "a pointer may lead to labels that end in another pointer"
    );
}

#[test]
fn rejects_a_pointer_to_itself() {
    assert_eq!(
        decode_name_in_time(message(b"\xc0\x0c"), 12),
        Err(DnsError::BadPointer),
        "the pointer at offset 12 points to offset 12: following it would never end"
    );
}

#[test]
fn rejects_a_forward_pointer() {
    // 12: pointer to 14 | 14: "a" 0  -- a valid name, but ahead of the pointer
    assert_eq!(
        decode_name_in_time(message(b"\xc0\x0e\x01a\x00"), 12),
        Err(DnsError::BadPointer),
        "a pointer must point to a PRIOR occurrence of the name (RFC 1035 §4.1.4)"
    );
}

#[test]
fn rejects_a_pointer_past_the_end_of_the_message() {
    assert_eq!(
        decode_name_in_time(message(b"\x01a\xff\xff"), 12),
        Err(DnsError::BadPointer),
        "a pointer to offset 0x3FFF of a 16-byte message: out of range (and forward)"
    );
}

#[test]
fn rejects_two_pointers_that_point_at_each_other() {
    // 12: pointer to 14 | 14: pointer to 12
    let msg = message(b"\xc0\x0e\xc0\x0c");
    assert_eq!(
        decode_name_in_time(msg.clone(), 14),
        Err(DnsError::BadPointer),
        "14 -> 12 goes back, but 12 -> 14 goes forward: rejected, and so the loop ends"
    );
    assert_eq!(decode_name_in_time(msg, 12), Err(DnsError::BadPointer));
}

#[test]
fn rejects_a_loop_that_goes_back_over_labels() {
    // 12: "a" then a pointer back to 12: "a.a.a.a..." with every pointer pointing backwards.
    let result = decode_name_in_time(message(b"\x01a\xc0\x0c"), 12);
    assert!(
        matches!(result, Err(DnsError::NameTooLong | DnsError::BadPointer)),
        "each pass round this loop adds a label, so the name outgrows 255 bytes \
         (NameTooLong); a decoder that also detects the loop may say BadPointer. Got {result:?}"
    );
}

#[test]
fn the_255_byte_limit_counts_the_labels_behind_pointers() {
    // 12: three 63-byte labels and the root (193 bytes as encoded).
    // 205: a 63-byte label, then a pointer to 12: 64 + 193 = 257 bytes as a whole name.
    let mut body = Vec::new();
    for _ in 0..3 {
        body.push(63);
        body.extend_from_slice(label(63).as_bytes());
    }
    body.push(0);
    body.push(63);
    body.extend_from_slice(label(63).as_bytes());
    body.extend_from_slice(&[0xC0, 12]);
    let msg = message(&body);
    assert_eq!(
        decode_name(&msg, 12).map(|(name, end)| (name.len(), end)),
        Ok((63 * 3 + 2, 205)),
        "the name at 12 alone is fine"
    );
    assert_eq!(
        decode_name(&msg, 205),
        Err(DnsError::NameTooLong),
        "the name at 205 is 257 bytes once the pointer is followed: too long, however it was \
         compressed"
    );
}

#[test]
fn a_pointer_uses_all_14_bits_of_its_offset() {
    // The name "far" at offset 300, then at 305 a pointer to it: C1 2C (0x12C = 300).
    let mut msg = vec![0u8; 300];
    msg.extend_from_slice(b"\x03far\x00");
    msg.extend_from_slice(&[0xC1, 0x2C]);
    assert_eq!(
        decode_name_in_time(msg, 305),
        Ok(("far".to_string(), 307)),
        "the pointer C1 2C is offset 0x12C = 300: the low 6 bits of the first byte are the high \
         bits of the offset, (0xC1 & 0x3F) << 8 | 0x2C, not to be dropped"
    );
}

#[test]
fn a_pointer_to_an_offset_past_255_is_not_read_as_its_low_byte() {
    // At 12 a decoy "decoy"; at 268 the name "real"; at 274 a pointer C1 0C (offset 268).
    // Read with its high bits dropped, the pointer would lead to offset 12, the decoy.
    let mut body = b"\x05decoy\x00".to_vec();
    body.resize(256, 0);
    body.extend_from_slice(b"\x04real\x00\xc1\x0c");
    assert_eq!(
        decode_name_in_time(message(&body), 274),
        Ok(("real".to_string(), 276)),
        "C1 0C points to offset 0x10C = 268, not 0x0C = 12: keep the 6 low bits of the first \
         byte"
    );
}

#[test]
fn a_name_of_exactly_255_bytes_through_a_pointer_is_allowed() {
    // 12: three 63-byte labels and the root (193 bytes). 205: a 61-byte label, then a pointer
    // to 12: 62 + 193 = 255 bytes as a whole name.
    let mut body = Vec::new();
    for _ in 0..3 {
        body.push(63);
        body.extend_from_slice(label(63).as_bytes());
    }
    body.push(0);
    body.push(61);
    body.extend_from_slice(label(61).as_bytes());
    body.extend_from_slice(&[0xC0, 12]);
    assert_eq!(
        decode_name_in_time(message(&body), 205).map(|(name, end)| (name.len(), end)),
        Ok((61 + 1 + 63 * 3 + 2, 205 + 64)),
        "255 bytes as encoded, counting the labels behind the pointer (but not the pointer \
         itself), is at the limit: allowed"
    );
}

// ---------------------------------------------------------------------------------------------
// Questions and messages (RFC 1035 §4.1.2)

#[test]
fn encodes_a_question() {
    let question = Question {
        name: "www.example.com".to_string(),
        qtype: TYPE_A,
        qclass: CLASS_IN,
    };
    let mut out = Vec::new();
    question.encode(&mut out).unwrap();
    assert_eq!(
        out,
        RFC8484_QUERY[12..],
        "QNAME, then QTYPE and QCLASS as 16-bit big-endian (RFC 8484 §4.1.1)"
    );
}

#[test]
fn decodes_a_question_and_returns_the_offset_after_it() {
    assert_eq!(
        Question::decode(&RFC8484_RESPONSE, 12),
        Ok((
            Question {
                name: "www.example.com".to_string(),
                qtype: TYPE_AAAA,
                qclass: CLASS_IN,
            },
            33
        )),
        "RFC 8484 §4.2.2: the question is www.example.com, type AAAA (28), class IN (1)"
    );
}

#[test]
fn a_question_without_its_type_and_class_is_truncated() {
    for len in [29, 30, 32] {
        assert_eq!(
            Question::decode(&RFC8484_QUERY[..len], 12),
            Err(DnsError::Truncated),
            "{len} bytes: the name is complete but QTYPE and QCLASS need 4 more bytes after it"
        );
    }
}

#[test]
fn builds_a_query_byte_for_byte() {
    assert_eq!(
        build_query(0, "www.example.com", TYPE_A),
        Ok(RFC8484_QUERY.to_vec()),
        "RFC 8484 §4.1.1: ID 0, RD set, one question for www.example.com, type A, class IN"
    );
    let query = build_query(0xABCD, "example.org", TYPE_AAAA).unwrap();
    assert_eq!(query[..2], [0xAB, 0xCD], "the ID comes first");
    assert_eq!(
        query[query.len() - 4..],
        [0, 28, 0, 1],
        "type AAAA, class IN"
    );
}

#[test]
fn build_query_rejects_a_bad_name() {
    assert_eq!(build_query(1, "a..b", TYPE_A), Err(DnsError::EmptyLabel));
}

#[test]
fn decodes_a_whole_response() {
    let message = Message::decode(&RFC8484_RESPONSE).expect("the RFC 8484 response is valid");
    assert!(message.header.is_response);
    assert_eq!(
        message.questions,
        [Question {
            name: "www.example.com".to_string(),
            qtype: TYPE_AAAA,
            qclass: CLASS_IN,
        }],
        "QDCOUNT 1: one question after the header"
    );
}

#[test]
fn decodes_every_question_that_qdcount_announces() {
    let mut msg = Header {
        qdcount: 2,
        ..Header::default()
    }
    .encode()
    .to_vec();
    msg.extend_from_slice(b"\x01a\x00\x00\x01\x00\x01\x01b\xc0\x0c\x00\x1c\x00\x01");
    let message = Message::decode(&msg).expect("two valid questions");
    let names: Vec<&str> = message.questions.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        names,
        ["a", "b.a"],
        "the second question starts where the first ends; its name uses a pointer"
    );
}

#[test]
fn a_message_with_fewer_questions_than_qdcount_is_truncated() {
    let mut msg = RFC8484_QUERY.to_vec();
    msg[5] = 2; // QDCOUNT 2, but only one question follows
    assert_eq!(
        Message::decode(&msg),
        Err(DnsError::Truncated),
        "QDCOUNT says 2 questions but the message ends after 1"
    );
    msg[4] = 0xFF;
    msg[5] = 0xFF;
    assert_eq!(
        Message::decode(&msg),
        Err(DnsError::Truncated),
        "QDCOUNT 65535 with one question: the count is a claim, the bytes are the facts"
    );
}
