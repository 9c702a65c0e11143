//! # API keys: a public prefix, a hashed secret, rotation and revocation
//!
//! Programs calling an API authenticate with a long-lived key instead of a password and a
//! session. A key is a bearer credential like a session id, and it lives for months, so the
//! way it is stored and replaced matters more. The format used here (as GitHub's and
//! Stripe's keys do) is
//!
//! ```text
//! bk_1a2b3c4d_<43 characters>
//!    prefix    secret
//! ```
//!
//! - `bk_` says what it is, so that secret scanners can spot a key pasted in a repository.
//! - The **prefix** (4 random bytes, lowercase hex) is public: it is the key's id. The
//!   server finds the record by it, shows it in the dashboard and the logs, and revokes by it.
//!   If a new prefix is already taken, draw prefix and secret again.
//! - The **secret** (32 random bytes, base64url without padding) is shown to the user once,
//!   at [`issue`](KeyStore::issue), and never stored: the record keeps `SHA-256(secret)`. A
//!   leak of the database then leaks no usable key.
//!
//! Why SHA-256 and not Argon2, when chapter 07 said never to store a fast hash of a password?
//! A slow hash exists because passwords are guessable: it makes each guess expensive. A
//! 256-bit random secret cannot be guessed at any speed, so a slow hash adds no safety, and
//! it would cost its full price on *every* request (keys are checked per request, passwords
//! once per login), which hands an attacker a cheap way to burn the server's CPU. No salt
//! either: salts stop precomputed tables, and no table covers 2^256 secrets.
//!
//! [`authenticate`](KeyStore::authenticate) splits the key into prefix and secret (a key
//! not of the format above finds no record), finds the record by prefix, refuses it if
//! revoked or expired (valid while `now < expires`), and compares the SHA-256 of the secret
//! with the stored hash in constant time.
//!
//! **Rotation** replaces a key without an outage: [`rotate`](KeyStore::rotate) issues a new
//! key for the same owner and lets the old one live `overlap` more seconds (or less, if it
//! was to expire sooner), time to deploy the new one. **Revocation** (a leaked key) is
//! immediate. Both act on the server: the key in the client's hands is unchanged.
//!
//! Keys come from the store's `R: RngCore + CryptoRng`; time is injected as `now`.
//!
//! Primary sources: OWASP REST Security Cheat Sheet, API keys,
//! <https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#api-keys>;
//! NIST SP 800-63B §5.1.1.2 (hashing high-entropy secrets),
//! <https://pages.nist.gov/800-63-3/sp800-63b.html>.

use std::collections::HashMap;

use rand::{CryptoRng, RngCore};

impl<R: RngCore + CryptoRng> KeyStore<R> {
    /// Issues a key for `owner` and returns it whole: the only time the secret is seen.
    pub fn issue(&mut self, owner: &str) -> String {
        // TODO: draw 4 prefix bytes then 32 secret bytes (again if the prefix is taken);
        //       store a KeyRecord with the secret's SHA-256; return "bk_{prefix}_{secret}".
        //       hex::encode, base64's URL_SAFE_NO_PAD (with base64::Engine), sha2's
        //       Sha256::digest (with sha2::Digest) are the tools.
        let _ = (owner, &mut self.rng);
        todo!("issue a key")
    }

    /// The owner of `key` if it is a live key of this store.
    pub fn authenticate(&self, key: &str, now: u64) -> Option<&str> {
        // TODO: strip PREFIX_LABEL, split at the first '_' into prefix and secret; find the
        //       record; not revoked, not expired; ct_eq of the hashes (subtle::ConstantTimeEq).
        let _ = (key, now);
        todo!("authenticate a key")
    }

    /// Replaces the live key with prefix `prefix`: returns a new key for the same owner and
    /// makes the old one expire at `now + overlap` at the latest. `None` if not live.
    pub fn rotate(&mut self, prefix: &str, now: u64, overlap: u64) -> Option<String> {
        // TODO
        let _ = (prefix, now, overlap);
        todo!("rotate a key")
    }

    /// Revokes the key with prefix `prefix` at once; whether there was one.
    pub fn revoke(&mut self, prefix: &str) -> bool {
        // TODO
        let _ = prefix;
        todo!("revoke a key")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: what the server stores.
// ---------------------------------------------------------------------------------------------

/// What every key starts with.
pub const PREFIX_LABEL: &str = "bk_";

/// What the server keeps about a key: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    pub owner: String,
    /// SHA-256 of the secret part.
    pub hash: [u8; 32],
    /// When it stops working (set by rotation); `None` for no limit.
    pub expires: Option<u64>,
    pub revoked: bool,
}

/// The server's keys, by prefix.
#[derive(Debug)]
pub struct KeyStore<R> {
    rng: R,
    keys: HashMap<String, KeyRecord>,
}

impl<R: RngCore + CryptoRng> KeyStore<R> {
    /// An empty store drawing keys from `rng` (in production, `rand::rngs::OsRng`).
    pub fn new(rng: R) -> Self {
        KeyStore {
            rng,
            keys: HashMap::new(),
        }
    }

    /// The record of the key with prefix `prefix`.
    pub fn record(&self, prefix: &str) -> Option<&KeyRecord> {
        self.keys.get(prefix)
    }

    /// How many keys the store holds, live or not.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
