//! The specification of frame parsing and encoding: RFC 6455 §5.7's examples, the three length
//! forms at their edges (125/126, 65535/65536), masking in both directions, every prefix of a
//! frame "incomplete" and never an error, each protocol error on its own, and a length over the
//! limit refused from the header alone.

use websocket_frames::{Frame, FrameError, Opcode, Sender, encode, parse};

/// A limit larger than any frame here but the ones testing it.
const MAX: u64 = 1 << 20;

/// RFC 6455 §5.7's masking key.
const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

fn show(bytes: &[u8]) -> String {
    let hex = hex::encode(bytes);
    if hex.len() > 48 {
        format!("{}... ({} bytes)", &hex[..48], bytes.len())
    } else {
        hex
    }
}

fn frame(fin: bool, opcode: Opcode, mask: Option<[u8; 4]>, payload: &[u8]) -> Frame {
    Frame {
        fin,
        opcode,
        mask,
        payload: payload.to_vec(),
    }
}

fn encoded(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    encode(frame, &mut out);
    out
}

/// Parses `bytes`, exactly one frame from `sender`, and returns it.
#[track_caller]
fn parsed(bytes: &[u8], sender: Sender) -> Frame {
    match parse(bytes, sender, MAX) {
        Ok(Some((frame, used))) => {
            assert_eq!(
                used,
                bytes.len(),
                "parse({}) said it used {used} bytes of a {}-byte frame: the count tells the \
                 caller where the next frame starts",
                show(bytes),
                bytes.len()
            );
            frame
        }
        other => panic!(
            "parse({}) from the {sender:?} returned {other:?}, but it is a whole valid frame",
            show(bytes)
        ),
    }
}

#[track_caller]
fn error(bytes: &[u8], sender: Sender, max: u64) -> FrameError {
    match parse(bytes, sender, max) {
        Err(e) => e,
        other => panic!(
            "parse({}) from the {sender:?} (limit {max}) returned {other:?}: those bytes can \
             never become a valid frame, so they are an error now (waiting for more would \
             wait for nothing)",
            show(bytes)
        ),
    }
}

#[track_caller]
fn hex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap()
}

#[test]
fn an_unmasked_text_frame_from_the_server() {
    // RFC 6455 §5.7: a single-frame unmasked text message.
    assert_eq!(
        parsed(&hex("810548656c6c6f"), Sender::Server),
        frame(true, Opcode::Text, None, b"Hello"),
        "81 = FIN + text, 05 = unmasked, 5 bytes"
    );
}

#[test]
fn a_masked_text_frame_from_a_client_is_unmasked() {
    // RFC 6455 §5.7: a single-frame masked text message.
    assert_eq!(
        parsed(&hex("818537fa213d7f9f4d5158"), Sender::Client),
        frame(true, Opcode::Text, Some(KEY), b"Hello"),
        "85 = masked, 5 bytes; then the key 37fa213d; each payload byte XOR key[i % 4]"
    );
}

#[test]
fn a_fragmented_message_is_frames_with_and_without_fin() {
    // RFC 6455 §5.7: a fragmented unmasked text message.
    assert_eq!(
        parsed(&hex("010348656c"), Sender::Server),
        frame(false, Opcode::Text, None, b"Hel")
    );
    assert_eq!(
        parsed(&hex("80026c6f"), Sender::Server),
        frame(true, Opcode::Continuation, None, b"lo"),
        "80 = FIN + continuation (opcode 0)"
    );
}

#[test]
fn ping_and_pong_frames() {
    // RFC 6455 §5.7: an unmasked ping, a masked pong.
    assert_eq!(
        parsed(&hex("890548656c6c6f"), Sender::Server),
        frame(true, Opcode::Ping, None, b"Hello")
    );
    assert_eq!(
        parsed(&hex("8a8537fa213d7f9f4d5158"), Sender::Client),
        frame(true, Opcode::Pong, Some(KEY), b"Hello")
    );
}

#[test]
fn an_empty_payload() {
    assert_eq!(
        parsed(&hex("8100"), Sender::Server),
        frame(true, Opcode::Text, None, b"")
    );
    assert_eq!(
        parsed(&hex("828037fa213d"), Sender::Client),
        frame(true, Opcode::Binary, Some(KEY), b"")
    );
}

#[test]
fn a_16_bit_length() {
    // RFC 6455 §5.7: 256 bytes of binary data in a single unmasked frame.
    let mut bytes = hex("827e0100");
    bytes.extend((0..=255u8).collect::<Vec<_>>());
    let got = parsed(&bytes, Sender::Server);
    assert_eq!(
        got.payload.len(),
        256,
        "7e = 126: the next two bytes 0100 are the length"
    );
    assert_eq!(got.payload[255], 255);
}

#[test]
fn a_64_bit_length() {
    // RFC 6455 §5.7: 64 KiB of binary data in a single unmasked frame.
    let mut bytes = hex("827f0000000000010000");
    bytes.resize(10 + 65536, 7);
    let got = parsed(&bytes, Sender::Server);
    assert_eq!(
        got.payload.len(),
        65536,
        "7f = 127: the next eight bytes are the length"
    );
}

#[test]
fn the_rfc_examples_from_the_vectors_parse_and_encode_back() {
    let Some(text) = testkit::vectors::read_to_string("rfc/rfc_vectors.json") else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = all["rfc6455_section5_7_frames"].as_array().unwrap();
    assert_eq!(cases.len(), 8, "RFC 6455 §5.7 has 8 examples");
    for case in cases {
        let desc = case["desc"].as_str().unwrap();
        let mut bytes = hex(case["hex"].as_str().unwrap());
        // The two long examples give the header only: the payload follows.
        if desc.contains("header only") {
            let len = if bytes[1] & 0x7f == 126 { 256 } else { 65536 };
            bytes.resize(bytes.len() + len, 0xAB);
        }
        let sender = if bytes[1] & 0x80 != 0 {
            Sender::Client
        } else {
            Sender::Server
        };
        let got = parsed(&bytes, sender);
        assert_eq!(
            encoded(&got),
            bytes,
            "RFC 6455 §5.7, {desc}: parse then encode gives the bytes back"
        );
    }
}

#[test]
fn encode_writes_the_rfc_examples() {
    assert_eq!(
        show(&encoded(&frame(true, Opcode::Text, None, b"Hello"))),
        "810548656c6c6f"
    );
    assert_eq!(
        show(&encoded(&frame(true, Opcode::Text, Some(KEY), b"Hello"))),
        "818537fa213d7f9f4d5158",
        "a masked frame: the MASK bit, the key, then the payload XORed with it"
    );
    assert_eq!(
        show(&encoded(&frame(false, Opcode::Text, None, b"Hel"))),
        "010348656c"
    );
    assert_eq!(
        show(&encoded(&frame(true, Opcode::Pong, Some(KEY), b"Hello"))),
        "8a8537fa213d7f9f4d5158"
    );
}

#[test]
fn encode_uses_the_shortest_length_at_each_edge() {
    for (len, header) in [
        (125, "817d"),
        (126, "817e007e"),
        (65535, "817effff"),
        (65536, "817f0000000000010000"),
    ] {
        let payload = vec![b'a'; len];
        let bytes = encoded(&frame(true, Opcode::Text, None, &payload));
        assert_eq!(
            show(&bytes[..header.len() / 2]),
            header,
            "a {len}-byte payload: 0-125 in the 7 bits, 126-65535 after 126 in 16, more after 127 in 64"
        );
        assert_eq!(
            bytes.len(),
            header.len() / 2 + len,
            "header then exactly {len} bytes of payload"
        );
        assert_eq!(
            parsed(&bytes, Sender::Server).payload,
            payload,
            "parse reads back a {len}-byte payload"
        );
    }
}

#[test]
fn a_masked_long_frame_round_trips() {
    let payload: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let original = frame(true, Opcode::Binary, Some([1, 2, 3, 4]), &payload);
    let bytes = encoded(&original);
    assert_eq!(&bytes[..2], &[0x82, 0xff], "masked, 64-bit length");
    assert_ne!(
        &bytes[14..20],
        &payload[..6],
        "the payload goes on the wire masked"
    );
    assert_eq!(parsed(&bytes, Sender::Client), original);
}

#[test]
fn used_stops_at_the_end_of_the_first_frame() {
    let mut bytes = hex("010348656c");
    bytes.extend(hex("80026c6f"));
    assert_eq!(
        parse(&bytes, Sender::Server, MAX),
        Ok(Some((frame(false, Opcode::Text, None, b"Hel"), 5))),
        "two frames in one read: parse the first and say where the second starts"
    );
}

#[test]
fn every_prefix_of_a_frame_is_incomplete() {
    let frames = [
        (
            encoded(&frame(true, Opcode::Text, Some(KEY), b"Hello")),
            Sender::Client,
        ),
        (
            encoded(&frame(true, Opcode::Binary, Some(KEY), &[9; 300])),
            Sender::Client,
        ),
        (
            encoded(&frame(true, Opcode::Binary, None, &[9; 65536])),
            Sender::Server,
        ),
        (
            encoded(&frame(true, Opcode::Close, None, b"")),
            Sender::Server,
        ),
    ];
    for (bytes, sender) in frames {
        for cut in 0..bytes.len() {
            assert_eq!(
                parse(&bytes[..cut], sender, MAX),
                Ok(None),
                "the first {cut} bytes of a {}-byte frame ({}): a read can stop anywhere, so \
                 this is \"read more\", not an error and not a frame",
                bytes.len(),
                show(&bytes[..cut.min(16)])
            );
        }
    }
}

#[test]
fn an_unmasked_frame_from_a_client_is_refused() {
    assert_eq!(
        error(&hex("810548656c6c6f"), Sender::Client, MAX),
        FrameError::NotMasked,
        "RFC 6455 §5.1: a server must fail the connection on an unmasked client frame"
    );
}

#[test]
fn a_masked_frame_from_the_server_is_refused() {
    assert_eq!(
        error(&hex("818537fa213d7f9f4d5158"), Sender::Server, MAX),
        FrameError::Masked,
        "RFC 6455 §5.1: a client must fail the connection on a masked server frame"
    );
}

#[test]
fn reserved_bits_are_refused() {
    for b0 in [0xc1u8, 0xa1, 0x91] {
        assert_eq!(
            error(&[b0, 0x00], Sender::Server, MAX),
            FrameError::ReservedBits,
            "byte 0 = {b0:02x}: RSV bit set"
        );
    }
}

#[test]
fn reserved_opcodes_are_refused() {
    for op in [3u8, 7, 11, 15] {
        assert_eq!(
            error(&[0x80 | op, 0x00], Sender::Server, MAX),
            FrameError::UnknownOpcode(op)
        );
    }
}

#[test]
fn a_control_frame_is_never_fragmented() {
    assert_eq!(
        error(&hex("0900"), Sender::Server, MAX),
        FrameError::FragmentedControl,
        "a ping without FIN (RFC 6455 §5.5)"
    );
}

#[test]
fn a_control_frame_holds_at_most_125_bytes() {
    let mut ping = hex("897d");
    ping.resize(2 + 125, b'p');
    assert_eq!(
        parsed(&ping, Sender::Server).payload.len(),
        125,
        "125 bytes is allowed"
    );
    assert_eq!(
        error(&hex("887e007e"), Sender::Server, MAX),
        FrameError::ControlTooLong,
        "a close frame of 126 bytes, refused from its header (RFC 6455 §5.5)"
    );
}

#[test]
fn a_length_not_in_its_shortest_form_is_refused() {
    for (bytes, why) in [
        ("827e007d", "125 in 16 bits"),
        ("827e0000", "0 in 16 bits"),
        ("827f000000000000ffff", "65535 in 64 bits"),
        ("827f0000000000000001", "1 in 64 bits"),
        (
            "827f8000000000000000",
            "a 64-bit length with its top bit set",
        ),
    ] {
        assert_eq!(
            error(&hex(bytes), Sender::Server, u64::MAX),
            FrameError::BadLength,
            "{why} ({bytes})"
        );
    }
}

#[test]
fn a_payload_at_the_limit_is_accepted() {
    let bytes = encoded(&frame(true, Opcode::Binary, None, &[1; 1000]));
    assert!(
        matches!(parse(&bytes, Sender::Server, 1000), Ok(Some(_))),
        "1000 bytes, limit 1000"
    );
    assert_eq!(
        parse(&bytes[..4], Sender::Server, 1000),
        Ok(None),
        "the header of a 1000-byte frame alone, limit 1000: read more"
    );
}

#[test]
fn a_payload_over_the_limit_is_refused_from_its_header() {
    assert_eq!(
        error(&hex("827e03e9"), Sender::Server, 1000),
        FrameError::TooBig,
        "the header says 1001 bytes and the limit is 1000: refuse now, before the payload"
    );
    assert_eq!(
        error(&hex("827f4000000000000000"), Sender::Server, 1000),
        FrameError::TooBig,
        "the header says 4 EiB: refuse from the header, never allocate or wait for it"
    );
    assert_eq!(
        error(&hex("81fe03e9"), Sender::Client, 1000),
        FrameError::TooBig,
        "a masked frame too: its key has not even arrived"
    );
}
