//! # Idempotency keys
//!
//! A client sends `POST /payments`, and the connection drops before the response arrives. Did
//! the payment go through? The client cannot know. If it retries, it may pay twice; if it
//! does not, it may not pay at all. `GET`, `PUT` and `DELETE` do not have this problem — they
//! are *idempotent* (RFC 9110 §9.2.2): doing them twice has the same effect as once. `POST`
//! and `PATCH` are not.
//!
//! The `Idempotency-Key` request header makes them safe to retry. The client generates a
//! unique key per *operation* and sends it with every attempt of that operation:
//!
//! ```text
//! POST /payments
//! Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"
//! ```
//!
//! The server remembers each key with the response it produced. When the same key comes back:
//!
//! - with the same request → replay the stored response; the work is NOT done again (one
//!   payment, however many retries);
//! - with a different request (another body, another path) → `422`: the client has a bug,
//!   reusing a key for another operation, and a replay would answer the wrong question;
//! - without any key, where one is required → `400 Bad Request`.
//!
//! Keys are not kept forever: they expire after a published time to live (Stripe keeps them
//! 24 hours), after which the key is forgotten and may be used again — and forgotten means
//! removed, or the store grows until the server runs out of memory.
//!
//! The header's value is a Structured Field *String* (RFC 9651 §3.3.3): in double quotes,
//! printable ASCII only, with `\"` and `\\` as the only escapes.
//!
//! Two requests with one key may arrive at once, on two threads. In this exercise the layer
//! holds its lock for the whole request, work included: correct, because nobody can see the
//! key half-handled, but every other key waits too. The next exercise,
//! `concurrent_idempotency`, lets the work run outside the lock.
//!
//! Primary sources: The Idempotency-Key HTTP Header Field,
//! <https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/> (sections
//! "Idempotency Enforcement Scenarios" and "Error Scenarios"); RFC 9651 §3.3.3 and §4.2.5,
//! <https://www.rfc-editor.org/rfc/rfc9651#section-3.3.3>.

mod clock;
mod http;

pub use clock::{Clock, ManualClock, SystemClock};
pub use http::{Request, Response, idempotency_problem};

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest key accepted, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// Parses an `Idempotency-Key` header value: a Structured Field String (RFC 9651 §4.2.5).
///
/// Surrounding spaces are ignored. The value must be `"` + characters + `"`, where each
/// character is printable ASCII (0x20..=0x7E) other than `"` and `\`, or one of the escapes
/// `\"` and `\\`. Returns the unescaped key; `None` if the syntax is wrong, the key is empty,
/// or it is longer than [`MAX_KEY_LEN`].
pub fn parse_key(value: &str) -> Option<String> {
    let inner = value.trim_matches(' ').strip_prefix('"')?;
    let mut key = String::new();
    let mut chars = inner.chars();
    loop {
        match chars.next()? {
            '\\' => match chars.next()? {
                c @ ('"' | '\\') => key.push(c),
                _ => return None,
            },
            // The closing quote must be the last character.
            '"' => break,
            c @ ' '..='~' => key.push(c),
            _ => return None,
        }
    }
    let well_formed = chars.next().is_none() && !key.is_empty() && key.len() <= MAX_KEY_LEN;
    well_formed.then_some(key)
}

impl IdempotencyLayer {
    /// Handles `req`, calling `work` to do the real thing at most once per key.
    ///
    /// - Methods other than `POST` and `PATCH` are idempotent already: call `work`, no key needed.
    /// - No `Idempotency-Key`, more than one, or one that [`parse_key`] refuses → 400.
    /// - A key stored (and not expired) for a different [`fingerprint`] → 422.
    /// - A key stored for the same fingerprint → the stored response again, `work` not called.
    /// - Otherwise call `work`, store its response under the key, and return it.
    ///
    /// Every problem is made with [`idempotency_problem`]. A stored response expires `ttl`
    /// after the work finished (at `ttl` exactly, it is gone); expired keys are removed. Hold
    /// the lock from the lookup until the response is stored.
    pub fn handle(&self, req: &Request, work: impl FnOnce(&Request) -> Response) -> Response {
        if !matches!(req.method.as_str(), "POST" | "PATCH") {
            return work(req);
        }
        let key = match req.header_values("Idempotency-Key").as_slice() {
            [] => return idempotency_problem(400, "Idempotency-Key is missing"),
            [value] => parse_key(value),
            // The draft forbids sending more than one key.
            _ => None,
        };
        let Some(key) = key else {
            return idempotency_problem(400, "Idempotency-Key is not a valid key");
        };
        let fingerprint = fingerprint(req);

        // One lock from the lookup to the store: no other request sees this key half-handled.
        let mut stored = self.lock();
        let now = self.clock.now();
        stored.retain(|_, entry| entry.expires_at > now);
        if let Some(entry) = stored.get(&key) {
            if entry.fingerprint != fingerprint {
                return idempotency_problem(422, "Idempotency-Key is already used");
            }
            return entry.response.clone();
        }
        let response = work(req);
        let entry = Stored {
            fingerprint,
            response: response.clone(),
            // The TTL counts from when the response exists, not from when the request came.
            expires_at: self.clock.now() + self.ttl,
        };
        stored.insert(key, entry);
        response
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the layer's state, and what "the same request" means. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// Makes `POST` and `PATCH` safe to retry: wraps the real work of a handler.
pub struct IdempotencyLayer {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    stored: Mutex<HashMap<String, Stored>>,
}

/// A finished request: what identifies it, and what to replay until `expires_at`.
struct Stored {
    fingerprint: u64,
    response: Response,
    expires_at: Instant,
}

impl IdempotencyLayer {
    /// Stored responses are replayed for `ttl` after the work finished, then forgotten.
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        IdempotencyLayer {
            ttl,
            clock,
            stored: Mutex::new(HashMap::new()),
        }
    }

    /// How many keys are stored, as of the last `handle`.
    pub fn stored_keys(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Stored>> {
        // A panic in `work` poisons the lock, but it stored nothing: the map is still sound.
        self.stored.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Identifies "the same request": method, path and body. A real store would keep a
/// cryptographic digest (the hashing and integrity chapter, 07) so that no two different
/// requests can collide.
pub fn fingerprint(req: &Request) -> u64 {
    let mut hasher = DefaultHasher::new();
    (&req.method, &req.path, &req.body).hash(&mut hasher);
    hasher.finish()
}
