//! # OAuth 2 authorization code with PKCE
//!
//! "Log in with ..." is OAuth 2's authorization code flow (RFC 6749 §4.1). The app (the
//! *client*) sends the browser to the authorization server's `/authorize`; the user logs in
//! there and consents; the server redirects the browser back to the app's `redirect_uri`
//! with a one-time `code`; the app exchanges the code at `/token` for tokens. You write both
//! ends' checks. Each one stops a known attack:
//!
//! - **Exact `redirect_uri`** (RFC 9700 §4.1.3): the server sends codes only to a URI the
//!   client registered, compared as strings, whole. A prefix match lets an attacker register
//!   `https://app.example/callback.evil.example` or `.../callback/../../attacker` and receive
//!   the victim's code. On a mismatch the server must not redirect at all.
//! - **PKCE** (RFC 7636): a code stolen on the way back (a malicious app registered for the
//!   same URL scheme, a leaky log) is useless without the secret only the real client has.
//!   The client makes a `code_verifier` (43 to 128 characters from the unreserved set
//!   `A-Z a-z 0-9 - . _ ~`, §4.1), sends `code_challenge = BASE64URL-NOPAD(SHA256(verifier))`
//!   with method `S256` to `/authorize`, and the verifier itself to `/token`; the server
//!   hashes it and compares, in constant time. Method `plain` (the challenge *is* the
//!   verifier) defeats the point, so it is refused, as is a challenge that is not 43 base64url
//!   characters.
//! - **The code** is random (32 bytes from the CSPRNG, base64url), lives `code_ttl` seconds
//!   (valid while `now < issued + code_ttl`), is bound to the client, the `redirect_uri` and the
//!   challenge it was issued with, and is **single use**: the first exchange removes it,
//!   whatever its outcome, so a replayed code finds nothing.
//! - **`state`** (RFC 6749 §10.12): the client puts a random value in its request and keeps it
//!   in the user's session; the callback must bring the same value back, or the client
//!   ignores it. Without it, an attacker can send a victim's browser a callback carrying the
//!   *attacker's* code, and the victim ends up logged in to the attacker's account (login CSRF).
//!
//! Every failure at `/token` is `InvalidGrant` (RFC 6749 §5.2): the server does not tell a
//! prober which part was wrong. Time is injected as `now`, seconds since the epoch.
//!
//! Primary sources: RFC 7636 §4 and App. B, <https://www.rfc-editor.org/rfc/rfc7636>;
//! RFC 9700 (OAuth 2.0 Security BCP) §2.1 and §4.1, <https://www.rfc-editor.org/rfc/rfc9700>.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Whether `verifier` is a well-formed PKCE code_verifier (RFC 7636 §4.1).
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 code_challenge of `verifier`: BASE64URL-NOPAD(SHA256(ASCII(verifier))).
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The client's check of the callback: the code, if `state` is the one it sent.
pub fn check_callback<'a>(
    response: &'a AuthResponse,
    expected_state: &str,
) -> Result<&'a str, OAuthError> {
    if bool::from(response.state.as_bytes().ct_eq(expected_state.as_bytes())) {
        Ok(&response.code)
    } else {
        Err(OAuthError::StateMismatch)
    }
}

impl<R: RngCore + CryptoRng> AuthServer<R> {
    /// `/authorize`, after `user` logged in and consented: issues a code for `req`.
    pub fn authorize(
        &mut self,
        req: &AuthRequest,
        user: &str,
        now: u64,
    ) -> Result<AuthResponse, OAuthError> {
        let uris = self
            .clients
            .get(&req.client_id)
            .ok_or(OAuthError::UnknownClient)?;
        // Whole-string equality: no prefix, no normalisation.
        if !uris.contains(&req.redirect_uri) {
            return Err(OAuthError::BadRedirectUri);
        }
        let challenge_ok =
            req.code_challenge.len() == 43 && URL_SAFE_NO_PAD.decode(&req.code_challenge).is_ok();
        if req.code_challenge_method != "S256" || !challenge_ok {
            return Err(OAuthError::BadChallenge);
        }
        let code = self.new_code();
        let grant = Grant {
            client_id: req.client_id.clone(),
            redirect_uri: req.redirect_uri.clone(),
            code_challenge: req.code_challenge.clone(),
            user: user.to_owned(),
            issued: now,
        };
        self.grants.insert(code.clone(), grant);
        Ok(AuthResponse {
            redirect_uri: req.redirect_uri.clone(),
            code,
            state: req.state.clone(),
        })
    }

    /// `/token`: exchanges a code for the user it was issued to.
    pub fn exchange(&mut self, req: &TokenRequest, now: u64) -> Result<String, OAuthError> {
        // Removed before any check: a code is spent by its first use, right or wrong.
        let grant = self
            .grants
            .remove(&req.code)
            .ok_or(OAuthError::InvalidGrant)?;
        let challenge = s256_challenge(&req.code_verifier);
        let ok = now < grant.issued + self.code_ttl
            && grant.client_id == req.client_id
            && grant.redirect_uri == req.redirect_uri
            && is_valid_verifier(&req.code_verifier)
            && bool::from(challenge.as_bytes().ct_eq(grant.code_challenge.as_bytes()));
        if ok {
            Ok(grant.user)
        } else {
            Err(OAuthError::InvalidGrant)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the messages, the errors, the server's state.
// ---------------------------------------------------------------------------------------------

/// The query of a `/authorize` request (`response_type=code` is implied).
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub code_challenge: String,
    pub code_challenge_method: String,
}

/// What the server redirects the browser to: `redirect_uri?code=...&state=...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthResponse {
    pub redirect_uri: String,
    pub code: String,
    pub state: String,
}

/// The form of a `/token` request (`grant_type=authorization_code` is implied).
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub code: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_verifier: String,
}

/// Why a step of the flow was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthError {
    /// `/authorize`: no such client.
    UnknownClient,
    /// `/authorize`: the redirect_uri is not exactly one the client registered.
    BadRedirectUri,
    /// `/authorize`: the method is not S256, or the challenge is not 43 base64url characters.
    BadChallenge,
    /// `/token`: the code is unknown, used, expired, or does not match the request.
    InvalidGrant,
    /// The client: the callback's state is not the one it sent.
    StateMismatch,
}

/// What the server remembers about an issued code.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub user: String,
    pub issued: u64,
}

/// An authorization server: registered clients and the codes in flight.
#[derive(Debug)]
pub struct AuthServer<R> {
    rng: R,
    /// client_id → its registered redirect URIs.
    clients: HashMap<String, Vec<String>>,
    /// code → what it was issued for.
    grants: HashMap<String, Grant>,
    /// How long a code lives, in seconds.
    code_ttl: u64,
}

impl<R: RngCore + CryptoRng> AuthServer<R> {
    /// A server with no clients, whose codes live `code_ttl` seconds.
    pub fn new(rng: R, code_ttl: u64) -> Self {
        AuthServer {
            rng,
            clients: HashMap::new(),
            grants: HashMap::new(),
            code_ttl,
        }
    }

    /// Registers `client_id` with the redirect URIs it may use.
    pub fn register(&mut self, client_id: &str, redirect_uris: &[&str]) {
        let uris = redirect_uris.iter().map(|u| u.to_string()).collect();
        self.clients.insert(client_id.to_owned(), uris);
    }

    /// How many codes are issued and not yet exchanged.
    pub fn pending_codes(&self) -> usize {
        self.grants.len()
    }

    /// A fresh code: 32 bytes from the CSPRNG, base64url without padding.
    fn new_code(&mut self) -> String {
        let mut bytes = [0u8; 32];
        self.rng.fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }
}
