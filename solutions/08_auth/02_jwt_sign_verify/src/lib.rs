//! # JWT, step 1: sign and verify HS256
//!
//! A JSON Web Token carries claims ("this is user 42, until 10:15") that the server signed,
//! so it can hand them to the client and believe them when they come back, without a session
//! store. Its compact form (RFC 7515 §7.1) is three base64url parts joined by dots:
//!
//! ```text
//! BASE64URL(header) . BASE64URL(payload) . BASE64URL(signature)
//! ```
//!
//! - **base64url without padding** (RFC 7515 §2): the `-_` alphabet, no `=`. Decoding is
//!   strict: padding, spaces or any other character make the token malformed.
//! - The **header** is a JSON object; its `alg` names the signature algorithm. Here it is
//!   `HS256`: HMAC-SHA256 with a secret key shared by issuer and verifier.
//! - The **signing input** is the ASCII text `header_part + "." + payload_part`, exactly the
//!   characters received, and the signature is `HMAC-SHA256(key, signing input)`. Never
//!   decode and re-encode before checking: JSON can be written many ways (spaces, key order),
//!   and only the bytes that were signed verify.
//!
//! `verify` is where the attacks are, and it checks, in this order:
//!
//! 1. exactly three parts;
//! 2. the header decodes to a JSON object whose `alg` is exactly the string `"HS256"`. The
//!    verifier knows which algorithm it expects and **refuses anything else**, however good the
//!    signature looks: `alg: none` (an unsigned token: RFC 7519 §6 allows it, and libraries that
//!    honoured it let anyone forge tokens), and any other algorithm (*algorithm confusion*: a
//!    verifier that lets the token choose can be tricked into using an RSA public key, which
//!    everyone has, as an HMAC secret);
//! 3. the signature decodes to exactly 32 bytes and equals the HMAC of the signing input,
//!    compared in **constant time**: `Mac::verify_slice` does both;
//! 4. the payload decodes; its bytes are returned.
//!
//! The payload is returned as bytes: it is usually JSON claims (step 2 reads them), but the
//! signature covers any bytes. `Mac` comes from `hmac::Mac`; a MAC is made with
//! `HmacSha256::new_from_slice(key)`, fed with `update`, and finished with `finalize()` or
//! checked with `verify_slice`.
//!
//! Primary sources: RFC 7515 (JWS) §5.1–5.2 and App. A.1,
//! <https://www.rfc-editor.org/rfc/rfc7515>; RFC 8725 (JWT Best Current Practices) §2.1 and
//! §3.1, <https://www.rfc-editor.org/rfc/rfc8725>.

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

// ---------------------------------------------------------------------------------------------
// Given: the errors, the algorithm's MAC type, and signing with the usual header.
// ---------------------------------------------------------------------------------------------

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
