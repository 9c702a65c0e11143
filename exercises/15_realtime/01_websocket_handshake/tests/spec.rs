//! The specification of the opening handshake: the accept key as RFC 6455 §1.3 computes it,
//! each requirement of RFC 6455 §4.2.1 refused on its own, the 101 / 426 / 400 answers, and the
//! whole handshake over real TCP, with raw bytes and with tungstenite's client.

use std::io::Write;
use websocket_handshake::{Refusal, Request, Server, accept_key, check, respond};

/// RFC 6455 §1.3's example key: the nonce "the sample nonce" in base64.
const RFC_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

/// A valid handshake (RFC 6455 §1.2's, with the §1.3 key) with `changes` applied: a field
/// given a new value, added, or removed (an empty value removes it). A `:method` or
/// `:version` entry changes the request line.
fn handshake(changes: &[(&str, &str)]) -> String {
    let mut method = "GET";
    let mut version = "HTTP/1.1";
    let mut fields = vec![
        ("Host", "server.example.com".to_string()),
        ("Upgrade", "websocket".to_string()),
        ("Connection", "Upgrade".to_string()),
        ("Sec-WebSocket-Key", RFC_KEY.to_string()),
        ("Sec-WebSocket-Version", "13".to_string()),
    ];
    for &(name, value) in changes {
        match name {
            ":method" => method = value,
            ":version" => version = value,
            _ => {
                fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                if !value.is_empty() {
                    fields.push((name, value.to_string()));
                }
            }
        }
    }
    let mut text = format!("{method} /chat {version}\r\n");
    for (name, value) in fields {
        text += &format!("{name}: {value}\r\n");
    }
    text
}

fn request(text: &str) -> Request {
    Request::parse(text.trim_end().as_bytes()).expect("the test's request parses")
}

#[track_caller]
fn assert_accepted(changes: &[(&str, &str)], why: &str) {
    let text = handshake(changes);
    assert_eq!(
        check(&request(&text)),
        Ok(RFC_KEY),
        "check refused this handshake, but {why}:\n{text}"
    );
}

#[track_caller]
fn assert_refused(changes: &[(&str, &str)], expected: Refusal, why: &str) {
    let text = handshake(changes);
    assert_eq!(
        check(&request(&text)),
        Err(expected),
        "check of this handshake: {why}:\n{text}"
    );
}

/// The status line and the fields of a response, field names lower-cased.
fn parse_response(bytes: &[u8]) -> (String, Vec<(String, String)>) {
    let text = String::from_utf8_lossy(bytes);
    let head = text.strip_suffix("\r\n\r\n").unwrap_or_else(|| {
        panic!("the response must end its head with an empty line (CRLF CRLF), got {text:?}")
    });
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default().to_string();
    let fields = lines
        .map(|line| {
            let (name, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("{line:?} is not a header field (name: value)"));
            (name.to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    (status, fields)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn accept_key_of_the_rfc_example() {
    // RFC 6455 §1.3: this key gives this accept value.
    assert_eq!(
        accept_key(RFC_KEY),
        "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "SHA-1 of the key as sent (its base64 text) followed by the GUID, then base64 of the \
         20-byte digest"
    );
}

#[test]
fn accept_key_of_the_rfc_vectors() {
    let Some(text) = testkit::vectors::read_to_string("rfc/rfc_vectors.json") else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let case = &all["rfc6455_section1_3_websocket_accept"];
    let key = case["sec_websocket_key"].as_str().unwrap();
    assert_eq!(case["guid"].as_str(), Some(websocket_handshake::GUID));
    assert_eq!(
        accept_key(key),
        case["sec_websocket_accept"].as_str().unwrap(),
        "RFC 6455 §1.3 for the key {key:?}"
    );
}

#[test]
fn accept_key_of_other_keys_matches_tungstenite() {
    for key in [
        "AAAAAAAAAAAAAAAAAAAAAA==",
        "x3JJHMbDL1EzLkh9GBhXDw==",
        "/////////////////////w==",
    ] {
        assert_eq!(
            accept_key(key),
            tungstenite::handshake::derive_accept_key(key.as_bytes()),
            "the accept key for {key:?}, as the tungstenite client expects it"
        );
    }
}

#[test]
fn a_valid_handshake_is_accepted_with_its_key() {
    assert_accepted(&[], "it is RFC 6455 §1.2's own example");
}

#[test]
fn upgrade_is_compared_case_insensitively() {
    assert_accepted(
        &[("Upgrade", "WebSocket")],
        "the Upgrade value is case-insensitive",
    );
}

#[test]
fn connection_is_a_list_of_tokens_in_any_case() {
    assert_accepted(
        &[("Connection", "keep-alive, Upgrade")],
        "browsers send `keep-alive, Upgrade`: upgrade is one of its tokens",
    );
    assert_accepted(&[("Connection", "upgrade")], "tokens are case-insensitive");
    assert_accepted(
        &[("Connection", "Upgrade,keep-alive")],
        "spaces around commas are optional",
    );
}

#[test]
fn a_method_other_than_get_is_refused() {
    assert_refused(
        &[(":method", "POST")],
        Refusal::NotGet,
        "the handshake is a GET",
    );
}

#[test]
fn a_version_other_than_http_1_1_is_refused() {
    assert_refused(
        &[(":version", "HTTP/1.0")],
        Refusal::NotHttp11,
        "HTTP/1.0 has no Upgrade",
    );
}

#[test]
fn a_missing_or_other_upgrade_is_refused() {
    assert_refused(&[("Upgrade", "")], Refusal::NoUpgrade, "no Upgrade field");
    assert_refused(
        &[("Upgrade", "h2c")],
        Refusal::NoUpgrade,
        "an upgrade to another protocol",
    );
}

#[test]
fn connection_without_the_upgrade_token_is_refused() {
    assert_refused(
        &[("Connection", "")],
        Refusal::NoConnectionUpgrade,
        "no Connection field",
    );
    assert_refused(
        &[("Connection", "keep-alive")],
        Refusal::NoConnectionUpgrade,
        "Connection does not list upgrade",
    );
    assert_refused(
        &[("Connection", "upgrades")],
        Refusal::NoConnectionUpgrade,
        "`upgrades` is another token: compare whole tokens, not substrings",
    );
}

#[test]
fn a_version_other_than_13_is_refused() {
    assert_refused(
        &[("Sec-WebSocket-Version", "8")],
        Refusal::BadVersion,
        "13 is the only version",
    );
    assert_refused(
        &[("Sec-WebSocket-Version", "")],
        Refusal::BadVersion,
        "the version is required",
    );
}

#[test]
fn a_missing_or_malformed_key_is_refused() {
    assert_refused(
        &[("Sec-WebSocket-Key", "")],
        Refusal::BadKey,
        "the key is required",
    );
    assert_refused(
        &[("Sec-WebSocket-Key", "not base64 at all!")],
        Refusal::BadKey,
        "the key must be base64",
    );
}

#[test]
fn a_key_must_decode_to_exactly_16_bytes() {
    // 15 and 17 zero bytes in base64: one short, one over.
    assert_refused(
        &[("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")],
        Refusal::BadKey,
        "it decodes to 15 bytes, and the nonce is 16",
    );
    assert_refused(
        &[("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA=")],
        Refusal::BadKey,
        "it decodes to 17 bytes, and the nonce is 16",
    );
}

#[test]
fn the_first_failing_requirement_is_the_refusal() {
    assert_refused(
        &[(":method", "POST"), ("Sec-WebSocket-Version", "8")],
        Refusal::NotGet,
        "check in the order of Refusal's variants: the method first",
    );
}

#[test]
fn an_accepted_handshake_gets_101_with_the_accept_key() {
    let got = respond(&request(&handshake(&[])));
    let (status, fields) = parse_response(&got);
    assert_eq!(
        status,
        "HTTP/1.1 101 Switching Protocols",
        "{}",
        String::from_utf8_lossy(&got)
    );
    assert_eq!(
        field(&fields, "upgrade"),
        Some("websocket"),
        "Upgrade: websocket"
    );
    assert_eq!(
        field(&fields, "connection"),
        Some("Upgrade"),
        "Connection: Upgrade"
    );
    assert_eq!(
        field(&fields, "sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        "Sec-WebSocket-Accept: RFC 6455 §1.3's value for its key"
    );
}

#[test]
fn a_wrong_version_gets_426_naming_version_13() {
    let got = respond(&request(&handshake(&[("Sec-WebSocket-Version", "8")])));
    let (status, fields) = parse_response(&got);
    assert_eq!(status, "HTTP/1.1 426 Upgrade Required", "RFC 6455 §4.2.2");
    assert_eq!(
        field(&fields, "sec-websocket-version"),
        Some("13"),
        "a 426 tells the client the version it can retry with"
    );
    assert_eq!(field(&fields, "content-length"), Some("0"));
}

#[test]
fn any_other_refusal_gets_400() {
    for changes in [
        &[(":method", "POST")][..],
        &[("Upgrade", "h2c")],
        &[("Connection", "keep-alive")],
        &[("Sec-WebSocket-Key", "AAAA")],
    ] {
        let got = respond(&request(&handshake(changes)));
        let (status, fields) = parse_response(&got);
        assert_eq!(status, "HTTP/1.1 400 Bad Request", "after {changes:?}");
        assert_eq!(field(&fields, "content-length"), Some("0"));
        assert_eq!(
            field(&fields, "sec-websocket-accept"),
            None,
            "a refusal accepts nothing"
        );
    }
}

#[test]
fn over_tcp_a_raw_handshake_gets_101() {
    let server = Server::start().unwrap();
    let mut client = testkit::tcp::connect(server.addr());
    client.write_all(handshake(&[]).as_bytes()).unwrap();
    client.write_all(b"\r\n").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let (got, end) = testkit::tcp::read_until_close(&mut client);
    server.shutdown();
    assert!(end.is_ok(), "the server did not answer: {end:?}");
    let (status, fields) = parse_response(&got);
    assert_eq!(status, "HTTP/1.1 101 Switching Protocols");
    assert_eq!(
        field(&fields, "sec-websocket-accept"),
        Some("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    );
}

#[test]
fn over_tcp_a_wrong_version_gets_426_and_the_close() {
    let server = Server::start().unwrap();
    let mut client = testkit::tcp::connect(server.addr());
    let text = handshake(&[("Sec-WebSocket-Version", "7")]) + "\r\n";
    client.write_all(text.as_bytes()).unwrap();
    let (got, end) = testkit::tcp::read_until_close(&mut client);
    server.shutdown();
    assert!(
        end.is_ok(),
        "the server must close after a refusal: {end:?}"
    );
    let (status, _) = parse_response(&got);
    assert_eq!(status, "HTTP/1.1 426 Upgrade Required");
}

#[test]
fn tungstenite_completes_its_handshake_with_the_server() {
    let server = Server::start().unwrap();
    let stream = testkit::tcp::connect(server.addr());
    let url = format!("ws://{}/chat", server.addr());
    // The socket (inside the WebSocket) closes before the shutdown, so the server's thread
    // sees the close and ends.
    let outcome = tungstenite::client(url.as_str(), stream)
        .map(|(_, response)| response.status().as_u16())
        .map_err(|e| e.to_string());
    server.shutdown();
    assert_eq!(
        outcome,
        Ok(101),
        "tungstenite (a real client, its own random key) must accept the server's answer"
    );
}
