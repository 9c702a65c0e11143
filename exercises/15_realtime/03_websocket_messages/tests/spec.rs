//! The specification of the echo server: messages whole and in fragments, control frames in
//! between, the closing handshake, and each way of failing the connection with its close code
//! (RFC 6455 §5.4, §5.5, §7.4.1); first on a `Session` frame by frame, then over real TCP with
//! raw bytes and with tungstenite's client.

use std::io::Write;
use std::net::TcpStream;
use tungstenite::Message;
use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;
use websocket_messages::frames::{Frame, FrameError, Opcode};
use websocket_messages::{
    INVALID_DATA, MAX_MESSAGE, NORMAL, PROTOCOL_ERROR, Server, Session, Step, TOO_BIG, close_code,
};

fn client_frame(fin: bool, opcode: Opcode, payload: &[u8]) -> Frame {
    // Parsing unmasks: the session sees the key but the payload in clear.
    Frame {
        fin,
        opcode,
        mask: Some([1, 2, 3, 4]),
        payload: payload.to_vec(),
    }
}

fn text(fin: bool, payload: &[u8]) -> Frame {
    client_frame(fin, Opcode::Text, payload)
}

fn more(fin: bool, payload: &[u8]) -> Frame {
    client_frame(fin, Opcode::Continuation, payload)
}

/// What the server sends for a whole message: final, unmasked.
fn sent(opcode: Opcode, payload: &[u8]) -> Step {
    Step::Send(Frame {
        fin: true,
        opcode,
        mask: None,
        payload: payload.to_vec(),
    })
}

/// Feeds `frames` to a new session (limit `max`) and returns the step after each.
fn steps(max: usize, frames: Vec<Frame>) -> Vec<Step> {
    let mut session = Session::new(max);
    frames.into_iter().map(|f| session.on_frame(f)).collect()
}

fn close_with(code: u16, reason: &[u8]) -> Frame {
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason);
    client_frame(true, Opcode::Close, &payload)
}

#[test]
fn a_text_message_is_echoed_unmasked() {
    assert_eq!(
        steps(100, vec![text(true, b"Hello")]),
        [sent(Opcode::Text, b"Hello")],
        "the echo is a final text frame with mask None: a server never masks (RFC 6455 §5.1)"
    );
}

#[test]
fn a_binary_message_is_echoed_even_when_not_utf8() {
    assert_eq!(
        steps(
            100,
            vec![client_frame(true, Opcode::Binary, &[0xff, 0x00, 0xfe])]
        ),
        [sent(Opcode::Binary, &[0xff, 0x00, 0xfe])]
    );
}

#[test]
fn fragments_are_reassembled_into_one_message() {
    assert_eq!(
        steps(
            100,
            vec![text(false, b"Hel"), more(false, b"l"), more(true, b"o")]
        ),
        [Step::Nothing, Step::Nothing, sent(Opcode::Text, b"Hello")],
        "RFC 6455 §5.4: nothing until the FIN frame, then the whole message as one frame"
    );
}

#[test]
fn a_ping_is_answered_with_a_pong_of_the_same_payload() {
    assert_eq!(
        steps(
            100,
            vec![client_frame(true, Opcode::Ping, b"are you there")]
        ),
        [sent(Opcode::Pong, b"are you there")]
    );
}

#[test]
fn a_pong_needs_no_answer() {
    assert_eq!(
        steps(100, vec![client_frame(true, Opcode::Pong, b"x")]),
        [Step::Nothing]
    );
}

#[test]
fn control_frames_may_come_between_fragments() {
    assert_eq!(
        steps(
            100,
            vec![
                text(false, b"Hel"),
                client_frame(true, Opcode::Ping, b"p"),
                client_frame(true, Opcode::Pong, b""),
                more(true, b"lo"),
            ]
        ),
        [
            Step::Nothing,
            sent(Opcode::Pong, b"p"),
            Step::Nothing,
            sent(Opcode::Text, b"Hello")
        ],
        "RFC 6455 §5.4: a ping in the middle of a message is answered at once, and the message \
         goes on"
    );
}

#[test]
fn messages_one_after_another() {
    assert_eq!(
        steps(
            100,
            vec![
                text(false, b"a"),
                more(true, b"b"),
                client_frame(true, Opcode::Binary, b"c")
            ]
        ),
        [
            Step::Nothing,
            sent(Opcode::Text, b"ab"),
            sent(Opcode::Binary, b"c")
        ],
        "after a message ends, the next starts fresh"
    );
}

#[test]
fn a_character_split_between_fragments_is_fine() {
    let snowman = "☃".as_bytes(); // three bytes: e2 98 83
    assert_eq!(
        steps(
            100,
            vec![text(false, &snowman[..1]), more(true, &snowman[1..])]
        ),
        [Step::Nothing, sent(Opcode::Text, snowman)],
        "check UTF-8 on the whole message, not on each fragment"
    );
}

#[test]
fn a_text_message_that_is_not_utf8_closes_with_1007() {
    assert_eq!(
        steps(100, vec![text(true, &[b'a', 0xff])]),
        [Step::Close(INVALID_DATA)]
    );
    assert_eq!(
        steps(100, vec![text(false, b"ok"), more(true, &[0xc3])]),
        [Step::Nothing, Step::Close(INVALID_DATA)],
        "a message ending in half a character"
    );
}

#[test]
fn a_continuation_with_no_message_open_closes_with_1002() {
    assert_eq!(
        steps(100, vec![more(true, b"lo")]),
        [Step::Close(PROTOCOL_ERROR)]
    );
}

#[test]
fn a_new_message_inside_an_open_one_closes_with_1002() {
    assert_eq!(
        steps(100, vec![text(false, b"Hel"), text(true, b"lo")]),
        [Step::Nothing, Step::Close(PROTOCOL_ERROR)],
        "a fragmented message goes on with continuation frames only (RFC 6455 §5.4)"
    );
}

#[test]
fn a_message_exactly_at_the_limit_is_echoed() {
    assert_eq!(
        steps(10, vec![text(false, b"12345"), more(true, b"67890")]),
        [Step::Nothing, sent(Opcode::Text, b"1234567890")]
    );
    assert_eq!(
        steps(10, vec![text(true, b"1234567890")]),
        [sent(Opcode::Text, b"1234567890")]
    );
}

#[test]
fn fragments_adding_up_past_the_limit_close_with_1009() {
    assert_eq!(
        steps(
            10,
            vec![
                text(false, b"12345"),
                more(false, b"67890"),
                more(true, b"1")
            ]
        ),
        [Step::Nothing, Step::Nothing, Step::Close(TOO_BIG)],
        "11 bytes in all with a limit of 10: each fragment is small, the message is not"
    );
    assert_eq!(
        steps(10, vec![text(true, b"12345678901")]),
        [Step::Close(TOO_BIG)]
    );
}

#[test]
fn a_close_is_answered_with_the_same_code() {
    assert_eq!(
        steps(100, vec![close_with(1000, b"bye")]),
        [Step::Close(NORMAL)]
    );
    assert_eq!(
        steps(100, vec![close_with(1001, b"")]),
        [Step::Close(1001)],
        "going away, echoed"
    );
    assert_eq!(
        steps(100, vec![close_with(4000, b"")]),
        [Step::Close(4000)],
        "an application code"
    );
}

#[test]
fn an_empty_close_is_answered_with_1000() {
    assert_eq!(
        steps(100, vec![client_frame(true, Opcode::Close, b"")]),
        [Step::Close(NORMAL)]
    );
}

#[test]
fn a_close_with_a_broken_payload_closes_with_1002_or_1007() {
    assert_eq!(
        steps(100, vec![client_frame(true, Opcode::Close, &[0x03])]),
        [Step::Close(PROTOCOL_ERROR)],
        "a 1-byte close payload: half a status code"
    );
    for code in [0, 999, 1004, 1005, 1006, 1015, 2999, 5000] {
        assert_eq!(
            steps(100, vec![close_with(code, b"")]),
            [Step::Close(PROTOCOL_ERROR)],
            "{code} is not a code a peer may send (RFC 6455 §7.4)"
        );
    }
    for code in [1003, 1007, 1014, 3000, 4999] {
        assert_eq!(
            steps(100, vec![close_with(code, b"")]),
            [Step::Close(code)],
            "{code} is valid"
        );
    }
    assert_eq!(
        steps(100, vec![close_with(1000, &[0xff])]),
        [Step::Close(INVALID_DATA)],
        "a reason not UTF-8"
    );
}

#[test]
fn broken_frames_map_to_close_codes() {
    assert_eq!(
        close_code(FrameError::TooBig),
        TOO_BIG,
        "a frame over the limit: 1009"
    );
    for err in [
        FrameError::NotMasked,
        FrameError::ReservedBits,
        FrameError::BadLength,
        FrameError::UnknownOpcode(3),
    ] {
        assert_eq!(
            close_code(err),
            PROTOCOL_ERROR,
            "{err:?}: a protocol error, 1002"
        );
    }
}

// Over real TCP.

const HANDSHAKE: &str = "GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\
    Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

/// Sends the handshake then `frames` (hex), closes the sending side, and returns everything
/// the server sent after its 101 response, as hex.
fn raw_exchange(frames: &str) -> String {
    let server = Server::start().unwrap();
    let mut client = testkit::tcp::connect(server.addr());
    client.write_all(HANDSHAKE.as_bytes()).unwrap();
    client.write_all(&hex::decode(frames).unwrap()).unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let (got, end) = testkit::tcp::read_until_close(&mut client);
    server.shutdown();
    assert!(
        end.is_ok(),
        "the server did not close the connection: {end:?}"
    );
    let text = String::from_utf8_lossy(&got);
    let head_end = text
        .find("\r\n\r\n")
        .unwrap_or_else(|| panic!("no 101 response: {text:?}"));
    assert!(text.starts_with("HTTP/1.1 101 "), "{text:?}");
    hex::encode(&got[head_end + 4..])
}

#[test]
fn raw_a_masked_text_frame_is_echoed_unmasked() {
    // RFC 6455 §5.7: masked "Hello" in, unmasked "Hello" out; then a close 1000 (masked with
    // a zero key) each way.
    assert_eq!(
        raw_exchange(concat!("818537fa213d7f9f4d5158", "888200000000", "03e8")),
        concat!("810548656c6c6f", "880203e8"),
        "the echo (81 05 Hello), then the close reply with the client's code 1000 (88 02 03e8)"
    );
}

#[test]
fn raw_an_unmasked_client_frame_gets_close_1002() {
    assert_eq!(
        raw_exchange("810548656c6c6f"),
        "880203ea",
        "a client frame without a mask is a protocol error: close frame with 1002 (03ea)"
    );
}

#[test]
fn raw_a_frame_over_the_limit_gets_close_1009_from_its_header() {
    // A header announcing MAX_MESSAGE + 1 bytes, and no payload at all.
    let header = format!("82ff{:016x}01020304", MAX_MESSAGE as u64 + 1);
    assert_eq!(
        raw_exchange(&header),
        "880203f1",
        "close frame with 1009 (03f1)"
    );
}

#[test]
fn raw_a_ping_gets_a_pong() {
    // RFC 6455 §5.7's masked "Hello", as a ping (89) instead of text.
    assert_eq!(raw_exchange("898537fa213d7f9f4d5158"), "8a0548656c6c6f");
}

fn tungstenite_client(server: &Server) -> tungstenite::WebSocket<TcpStream> {
    let stream = testkit::tcp::connect(server.addr());
    let url = format!("ws://{}/echo", server.addr());
    tungstenite::client(url.as_str(), stream)
        .expect("the handshake with tungstenite")
        .0
}

#[test]
fn tungstenite_gets_its_messages_echoed() {
    let server = Server::start().unwrap();
    let mut ws = tungstenite_client(&server);
    ws.send(Message::text("héllo ☃")).unwrap();
    let first = ws.read();
    ws.send(Message::binary(vec![0u8, 255, 7])).unwrap();
    let second = ws.read();
    ws.send(Message::Ping(tungstenite::Bytes::from_static(b"tick")))
        .unwrap();
    let third = ws.read();
    drop(ws);
    server.shutdown();
    assert_eq!(first.unwrap(), Message::text("héllo ☃"));
    assert_eq!(second.unwrap(), Message::binary(vec![0u8, 255, 7]));
    assert_eq!(
        third.unwrap(),
        Message::Pong(tungstenite::Bytes::from_static(b"tick"))
    );
}

#[test]
fn tungstenite_completes_the_closing_handshake() {
    let server = Server::start().unwrap();
    let mut ws = tungstenite_client(&server);
    ws.close(Some(CloseFrame {
        code: CloseCode::Away,
        reason: "done".into(),
    }))
    .unwrap();
    let reply = ws.read();
    drop(ws);
    server.shutdown();
    match reply {
        Ok(Message::Close(Some(frame))) => {
            assert_eq!(
                frame.code,
                CloseCode::Away,
                "the server echoes the client's code 1001"
            )
        }
        other => panic!("expected the server's close frame with 1001, got {other:?}"),
    }
}

#[test]
fn tungstenite_sending_too_much_gets_close_1009() {
    let server = Server::start().unwrap();
    let mut ws = tungstenite_client(&server);
    ws.send(Message::binary(vec![b'x'; MAX_MESSAGE + 1]))
        .unwrap();
    let reply = ws.read();
    drop(ws);
    server.shutdown();
    match reply {
        Ok(Message::Close(Some(frame))) => assert_eq!(frame.code, CloseCode::Size, "1009"),
        other => panic!("expected a close frame with 1009 (message too big), got {other:?}"),
    }
}
