//! # Signed webhooks: HMAC-SHA256 over the raw body, a timestamp, no replays
//!
//! A webhook is an HTTP request a provider (a payment service, GitHub) sends to your server
//! when something happens: `POST /hooks/payments` with `{"paid": 4200}`. Your endpoint is on
//! the public internet, so anyone can send it that request. The provider and you share a
//! secret, and each delivery carries a **signature**: an HMAC of the body under that secret.
//! HMAC (RFC 2104) is a keyed hash: without the key nobody can compute the tag of a message,
//! and a changed message has an unpredictable new tag.
//!
//! The scheme here is Stripe's (`Stripe-Signature: t=1700000000,v1=<64 hex digits>`):
//!
//! - The signed bytes are the timestamp in decimal, a `.`, then the **raw body bytes**:
//!   `1700000000.{"paid": 4200}`. The raw bytes, as received: parsing the JSON and
//!   serialising it again gives other bytes (spacing, key order, escapes) and a signature
//!   that never matches; worse, code that verifies a re-encoding checks something other
//!   than what it then acts on.
//! - Signing the timestamp stops an attacker from putting a fresh time on an old delivery.
//!   The receiver accepts a delivery only if its time is within `tolerance` seconds of its
//!   own clock, either way (`now` is passed in: the clock is injected, as tests need).
//! - Within that window a captured delivery could be sent again: a second "paid" event.
//!   The receiver remembers the signatures it accepted and refuses one seen before. It may
//!   forget those older than the window, which the timestamp check refuses anyway.
//! - The tag is compared in **constant time**: `==` on bytes stops at the first difference,
//!   and its timing tells an attacker how many leading bytes they guessed right. Use
//!   `Mac::verify_slice` from the `hmac` crate (it also refuses a tag of the wrong length:
//!   a truncated or empty tag is not a match).
//!
//! Check in that order: the header parses, the time is in the window, the tag matches, the
//! signature is new. Remember a signature only once it has been verified; otherwise anyone
//! could send a genuine signature with a garbage body, be refused, and burn the signature
//! of the real delivery.
//!
//! Primary sources: RFC 2104 (HMAC); RFC 4231 (its SHA-256 test vectors); Stripe,
//! *Verify webhook signatures manually*,
//! <https://docs.stripe.com/webhooks#verify-manually>; OWASP, *Webhook security*.

use std::collections::HashMap;

/// HMAC-SHA256 of `msg` under `key` (RFC 2104 with SHA-256).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // TODO: Hmac::<Sha256>::new_from_slice(key) (HMAC takes a key of any length), update,
    //       finalize().into_bytes().into().
    let _ = (key, msg);
    todo!("hmac_sha256")
}

/// Whether `tag` is the HMAC-SHA256 of `msg` under `key`: all 32 bytes, compared in constant
/// time.
pub fn tag_matches(key: &[u8], msg: &[u8], tag: &[u8]) -> bool {
    // TODO: the same MAC, then verify_slice(tag). Never `==`.
    let _ = (key, msg, tag);
    todo!("tag_matches")
}

/// The signature header for a delivery of `body` at `timestamp` (Unix seconds):
/// `t=<timestamp>,v1=<hex of the HMAC of "<timestamp>." + body>`.
pub fn sign(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    // TODO: build the signed bytes from the timestamp and the raw body, HMAC them, format.
    let _ = (secret, timestamp, body);
    todo!("sign")
}

impl Verifier {
    /// Accepts a delivery if its header is well formed, its timestamp within the tolerance
    /// of `now`, its signature that of `body`, and the signature not accepted before.
    pub fn verify(&mut self, header: &str, body: &[u8], now: u64) -> Result<(), WebhookError> {
        // TODO: 1. parse_header (None is Malformed);
        //       2. refuse a timestamp more than self.tolerance away from now (Expired);
        //       3. tag_matches over the same signed bytes as sign (else BadSignature);
        //       4. a signature in self.seen is Replayed; else remember it with its timestamp,
        //          and forget those that have left the window.
        let _ = (header, body, now, &self.secret, self.tolerance);
        todo!("verify")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the receiver's state, its errors, and the header's syntax.
// ---------------------------------------------------------------------------------------------

/// A webhook receiver: the shared secret, the tolerance window, and the signatures accepted
/// within it.
pub struct Verifier {
    secret: Vec<u8>,
    tolerance: u64,
    /// Signature bytes -> the timestamp they were signed with.
    seen: HashMap<Vec<u8>, u64>,
}

/// Why a delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    /// The header is not `t=<digits>,v1=<64 hex digits>`.
    Malformed,
    /// The timestamp is more than the tolerance away from now (too old, or in the future).
    Expired,
    /// The signature is not the HMAC of this timestamp and body under the secret.
    BadSignature,
    /// This signature was accepted before: a replay.
    Replayed,
}

impl Verifier {
    /// A receiver with the shared `secret` that accepts timestamps up to `tolerance` seconds
    /// from its clock.
    pub fn new(secret: &[u8], tolerance: u64) -> Verifier {
        Verifier {
            secret: secret.to_vec(),
            tolerance,
            seen: HashMap::new(),
        }
    }

    /// How many signatures the receiver remembers now.
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

/// The timestamp and the signature bytes of a header `t=<digits>,v1=<hex>`, or `None`.
/// The signature's length is not checked here: `tag_matches` refuses a wrong one.
pub fn parse_header(header: &str) -> Option<(u64, Vec<u8>)> {
    let (t, v1) = header.split_once(',')?;
    let t = t.strip_prefix("t=")?;
    // Digits only: `u64::from_str` would also take a leading `+`.
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let signature = hex::decode(v1.strip_prefix("v1=")?).ok()?;
    Some((t.parse().ok()?, signature))
}
