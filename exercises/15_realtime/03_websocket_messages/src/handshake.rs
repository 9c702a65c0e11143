//! The opening handshake: your solution to websocket_handshake.

use crate::http::Request;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

/// `Sec-WebSocket-Accept` for the client's `Sec-WebSocket-Key` (the base64 text as sent).
pub fn accept_key(key: &str) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(key.as_bytes());
    sha1.update(GUID.as_bytes());
    STANDARD.encode(sha1.finalize())
}

/// The client's `Sec-WebSocket-Key` when `request` is a valid opening handshake, or the first
/// reason it is not, checked in the order of [`Refusal`]'s variants.
pub fn check(request: &Request) -> Result<&str, Refusal> {
    if request.method != "GET" {
        return Err(Refusal::NotGet);
    }
    if request.version != "HTTP/1.1" {
        return Err(Refusal::NotHttp11);
    }
    let upgrade = request.header("Upgrade").unwrap_or("");
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(Refusal::NoUpgrade);
    }
    // A token list: "keep-alive, Upgrade". A substring test would take "upgrades".
    let connection = request.header("Connection").unwrap_or("");
    if !connection
        .split(',')
        .any(|token| token.trim().eq_ignore_ascii_case("upgrade"))
    {
        return Err(Refusal::NoConnectionUpgrade);
    }
    if request.header("Sec-WebSocket-Version") != Some("13") {
        return Err(Refusal::BadVersion);
    }
    let key = request.header("Sec-WebSocket-Key").ok_or(Refusal::BadKey)?;
    match STANDARD.decode(key) {
        Ok(nonce) if nonce.len() == 16 => Ok(key),
        _ => Err(Refusal::BadKey),
    }
}

/// The whole response to `request`: `101 Switching Protocols` with its three fields, or
/// `426 Upgrade Required` (with `Sec-WebSocket-Version: 13`) or `400 Bad Request`. Each line
/// ends in CRLF and an empty line ends the head.
pub fn respond(request: &Request) -> Vec<u8> {
    let head = match check(request) {
        Ok(key) => format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Accept: {}\r\n\r\n",
            accept_key(key)
        ),
        // The client learns which version to retry with (RFC 6455 §4.2.2).
        Err(Refusal::BadVersion) => {
            "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\
             Content-Length: 0\r\n\r\n"
                .to_string()
        }
        Err(_) => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_string(),
    };
    head.into_bytes()
}

/// The GUID every WebSocket server appends to the client's key (RFC 6455 §1.3).
pub const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Why a request is not a WebSocket handshake this server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The method is not `GET`.
    NotGet,
    /// The request line's version is not `HTTP/1.1`.
    NotHttp11,
    /// No `Upgrade` field, or one that is not `websocket`.
    NoUpgrade,
    /// No `Connection` field with the token `upgrade`.
    NoConnectionUpgrade,
    /// No `Sec-WebSocket-Version`, or one that is not `13`: answered with 426.
    BadVersion,
    /// No `Sec-WebSocket-Key`, or one that is not base64 of 16 bytes.
    BadKey,
}
