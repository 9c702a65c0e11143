//! Step 1's solution, given: signing and verifying the HS256 JWS that carries the claims.
//!
//! `verify` checks, in this order: three parts; a header that is a JSON object whose `alg` is
//! exactly `"HS256"` (the verifier decides the algorithm, never the token); the HMAC-SHA256
//! of the signing input as received, compared in constant time; the payload's base64url.
//! Only then are the payload's bytes handed back, and only then may the claims be read.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Signs `payload` under the raw JSON `header`: returns the compact token.
pub fn sign_with_header(header: &[u8], payload: &[u8], key: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Checks `token` (compact HS256 JWS) under `key` and returns its payload bytes.
pub fn verify(token: &str, key: &[u8]) -> Result<Vec<u8>, JwtError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(JwtError::Malformed);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JwtError::Malformed)
    };

    // The verifier decides the algorithm; the token only gets to agree with it.
    let header: serde_json::Value =
        serde_json::from_slice(&decode(header)?).map_err(|_| JwtError::Malformed)?;
    if !header.is_object() {
        return Err(JwtError::Malformed);
    }
    match header.get("alg").and_then(|alg| alg.as_str()) {
        Some("HS256") => {}
        Some(other) => return Err(JwtError::Algorithm(other.to_owned())),
        None => return Err(JwtError::Algorithm(String::new())),
    }

    // The MAC covers the characters received, not a re-encoding of what they decode to.
    let signing_input_len = token.len() - signature.len() - 1;
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(&token.as_bytes()[..signing_input_len]);
    // verify_slice compares in constant time and refuses a signature of any other length.
    mac.verify_slice(&decode(signature)?)
        .map_err(|_| JwtError::BadSignature)?;
    decode(payload)
}

/// HMAC with SHA-256: the MAC behind `HS256`.
pub type HmacSha256 = Hmac<Sha256>;

/// The header of the tokens this service issues.
pub const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// Not three parts, a part that is not strict base64url, or a header that is not a JSON
    /// object.
    Malformed,
    /// The header's `alg` is not the string `HS256`; holds what it said if it was a string
    /// (`"none"`, `"RS256"`...), and is empty if it is missing or not a string.
    Algorithm(String),
    /// The signature is not the HMAC of the signing input under the key.
    BadSignature,
}

/// Signs `payload` with the usual header, [`HEADER`].
pub fn sign(payload: &[u8], key: &[u8]) -> String {
    sign_with_header(HEADER.as_bytes(), payload, key)
}
