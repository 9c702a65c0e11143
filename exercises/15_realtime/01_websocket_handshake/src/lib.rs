//! # The WebSocket opening handshake
//!
//! HTTP is request then response; a chat, a live dashboard or a game needs the server to speak
//! first. A WebSocket starts as an HTTP/1.1 request that asks to *upgrade* the connection, and
//! once the server says yes, the same TCP connection carries frames both ways (next exercise).
//! The client sends (RFC 6455 §4.1):
//!
//! ```text
//! GET /chat HTTP/1.1
//! Host: example.com
//! Upgrade: websocket
//! Connection: Upgrade
//! Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
//! Sec-WebSocket-Version: 13
//! ```
//!
//! and the server accepts with (RFC 6455 §4.2.2):
//!
//! ```text
//! HTTP/1.1 101 Switching Protocols
//! Upgrade: websocket
//! Connection: Upgrade
//! Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//! ```
//!
//! **The accept key** proves the server read *this* handshake as a WebSocket handshake, so a
//! plain HTTP server (or a cache) that echoes headers cannot be mistaken for one: append the
//! fixed GUID [`GUID`] to the key as sent (its base64 text, not the decoded bytes), take the
//! SHA-1 of that, and base64-encode the 20-byte digest. The example above is RFC 6455 §1.3's.
//! It is not security: anyone can compute it.
//!
//! **What a server checks** (RFC 6455 §4.2.1), refusing anything else:
//! - the method is `GET` and the version `HTTP/1.1`;
//! - `Upgrade` is `websocket`, in any case (`WebSocket` is fine);
//! - `Connection` has `upgrade` as one of its comma-separated tokens, in any case
//!   (`keep-alive, Upgrade` is what browsers send; `upgrades` is not the token);
//! - `Sec-WebSocket-Version` is exactly `13`;
//! - `Sec-WebSocket-Key` is base64 that decodes to exactly 16 bytes (a random nonce).
//!
//! A wrong version gets `426 Upgrade Required` with `Sec-WebSocket-Version: 13`, telling the
//! client which version to retry with (§4.2.2); anything else gets `400 Bad Request`. Both end
//! with `Content-Length: 0`, and the given server then closes the connection.
//!
//! You write `accept_key`, `check` and `respond`. Given: a small request-head parser
//! ([`Request`], header names compared case-insensitively) and the [`Server`] that answers each
//! connection with your `respond`. Use `sha1::Sha1` and base64's `STANDARD` engine (padded).
//! Primary source: RFC 6455 §1.3, §4.1, §4.2, <https://www.rfc-editor.org/rfc/rfc6455>.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

/// `Sec-WebSocket-Accept` for the client's `Sec-WebSocket-Key` (the base64 text as sent).
pub fn accept_key(key: &str) -> String {
    // TODO: SHA-1 of the key followed by GUID, then the 20 bytes base64-encoded.
    let _ = (key, Sha1::new(), STANDARD.encode(GUID));
    todo!("compute the accept key")
}

/// The client's `Sec-WebSocket-Key` when `request` is a valid opening handshake, or the first
/// reason it is not, checked in the order of [`Refusal`]'s variants.
pub fn check(request: &Request) -> Result<&str, Refusal> {
    // TODO: method, version, then each field through request.header(name).
    let _ = request;
    todo!("check the handshake")
}

/// The whole response to `request`: `101 Switching Protocols` with its three fields, or
/// `426 Upgrade Required` (with `Sec-WebSocket-Version: 13`) or `400 Bad Request`. Each line
/// ends in CRLF and an empty line ends the head.
pub fn respond(request: &Request) -> Vec<u8> {
    // TODO: check, then format the status line and fields.
    let _ = request;
    todo!("answer the handshake")
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

mod http;
mod server;
pub use http::{MAX_HEAD, Request, read_head};
pub use server::Server;

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
