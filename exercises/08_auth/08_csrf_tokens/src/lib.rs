//! # CSRF tokens tied to the session
//!
//! Cross-site request forgery: the victim, logged in to `app.example.com`, visits a page
//! the attacker controls, which submits a form to `https://app.example.com/transfer`. The
//! browser attaches the victim's session cookie, as it does to every request to that site,
//! and the server sees a genuine, authenticated request. The defence is something the
//! attacker's page cannot know: a **token** the server embeds in its own forms (or hands to
//! its own scripts) and requires back with every state-changing request.
//!
//! The token here is OWASP's *HMAC-based token*, bound to the session:
//!
//! ```text
//! token = BASE64URL(nonce) "." BASE64URL(HMAC-SHA256(key, nonce ++ session_id))
//! ```
//!
//! with a fresh 16-byte `nonce` from the CSPRNG per token (so tokens differ from page to page,
//! which also defeats compression side channels such as BREACH), base64url without padding.
//! The server keeps nothing per token: it recomputes the MAC. Because the session id is inside
//! the MAC, a token is worthless with any other session: an attacker who logs in and copies
//! **their own** valid token into the forged form gets nowhere.
//!
//! [`Csrf::check`] runs on every request:
//!
//! - the **safe methods** `GET`, `HEAD`, `OPTIONS` and `TRACE` (RFC 9110 §9.2.1, spelt
//!   exactly so) pass unchecked: they must not change state, and links must keep working;
//! - **any other method** is unsafe, known or not: it needs a session (`NoSession`), a token
//!   (`MissingToken`), and the token must verify for that session (`BadToken`). Deny by
//!   default again: a `PATCH` or a made-up method is not a way around the check.
//!
//! Why not just `SameSite` cookies (exercise 01)? They help, but a browser decides by
//! *site*, not origin: `evil.example.com` and `app.example.com` are the same site, so a
//! compromised or user-content subdomain forges requests with `SameSite=Strict` cookies
//! attached. And `Lax` sends cookies on top-level GET navigations, so a GET that changes
//! state is open to any site. The tests play both cases with the browser model in
//! `browser.rs`; the chapter README says more.
//!
//! Primary sources: OWASP CSRF Prevention Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html>;
//! RFC 9110 §9.2.1, <https://www.rfc-editor.org/rfc/rfc9110#section-9.2.1>.

pub mod browser;

use hmac::{Hmac, Mac};
use rand::{CryptoRng, RngCore};
use sha2::Sha256;

impl<R: RngCore + CryptoRng> Csrf<R> {
    /// A new token for the session `session_id`.
    pub fn token(&mut self, session_id: &str) -> String {
        // TODO: a NONCE_BYTES nonce from self.rng; the MAC of nonce ++ session_id (self.mac()).
        //       Encode with base64::engine::general_purpose::URL_SAFE_NO_PAD (and base64::Engine).
        let _ = (session_id, &mut self.rng, Self::mac);
        todo!("make a token")
    }

    /// Whether `token` is a token of this server for the session `session_id`.
    pub fn verify(&self, session_id: &str, token: &str) -> bool {
        // TODO: split at '.', decode both strictly, a nonce of NONCE_BYTES, verify_slice.
        let _ = (session_id, token);
        todo!("verify a token")
    }

    /// The CSRF check of a request (see the doc above).
    pub fn check(
        &self,
        method: &str,
        session_id: Option<&str>,
        token: Option<&str>,
    ) -> Result<(), CsrfError> {
        // TODO
        let _ = (method, session_id, token);
        todo!("check a request")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the state, the errors, the MAC.
// ---------------------------------------------------------------------------------------------

/// How many random bytes a token's nonce has.
pub const NONCE_BYTES: usize = 16;

/// Why an unsafe request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfError {
    /// No session: nothing to forge, but nothing to bind a token to either.
    NoSession,
    /// No token came with the request.
    MissingToken,
    /// The token is malformed, forged, or another session's.
    BadToken,
}

/// The server's CSRF protection: a secret key and a generator for nonces.
#[derive(Debug)]
pub struct Csrf<R> {
    key: Vec<u8>,
    rng: R,
}

impl<R: RngCore + CryptoRng> Csrf<R> {
    /// Protection with the server secret `key` (32 random bytes, kept like any secret).
    pub fn new(key: &[u8], rng: R) -> Self {
        Csrf {
            key: key.to_vec(),
            rng,
        }
    }

    /// An HMAC-SHA256 under the server's key, ready for `update`.
    fn mac(&self) -> Hmac<Sha256> {
        Hmac::new_from_slice(&self.key).expect("HMAC takes any key length")
    }
}
