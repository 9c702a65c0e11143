//! # Concurrent idempotency: claim the key, work outside the lock
//!
//! The previous exercise, `idempotency_keys`, built a layer that replays a stored response
//! instead of doing the work twice. It holds one lock for the whole request, the work
//! included. That is correct, and slow in the way that takes production down: while one
//! payment waits four seconds on a card provider, every other request of every other client
//! waits behind it. And a retry of a payment still in progress does not get an answer; it
//! queues, and the client's own timeout fires.
//!
//! The fix is the pattern every idempotency store uses (Stripe's, and the draft's "Idempotency
//! Enforcement Scenarios"). A key has three states: unknown, **in flight**, **done**.
//!
//! 1. Under the lock: look the key up and, if it is unknown, mark it in flight. Checking and
//!    marking in ONE critical section is what makes it safe: two racing threads cannot both
//!    see "unknown".
//! 2. Without the lock: do the work. Other keys proceed; a retry of this key finds it in
//!    flight and gets `409 Conflict` at once, without waiting (draft, "Error Scenarios").
//! 3. Under the lock again: replace "in flight" by "done" with the response and its expiry.
//!
//! One more thing can go wrong between 1 and 3: the work panics. Then nothing is stored, and a
//! key left in flight would answer 409 to every retry for ever. Release it on the way out: a
//! guard value whose `Drop` removes the key runs during unwinding too, and is defused when the
//! work completes. A key in flight never expires: only a finished response has an age.
//!
//! Given: the previous exercise's solution (the layer below, `parse_key` in `src/key.rs`), the
//! model and the clocks.
//!
//! Primary sources: The Idempotency-Key HTTP Header Field,
//! <https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/>; the Rust
//! book on `Drop`, <https://doc.rust-lang.org/book/ch15-03-drop.html>.

mod clock;
mod http;
mod key;

pub use clock::{Clock, ManualClock, SystemClock};
pub use http::{Request, Response, idempotency_problem};
pub use key::parse_key;

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest key accepted, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// Makes `POST` and `PATCH` safe to retry: wraps the real work of a handler.
pub struct IdempotencyLayer {
    ttl: Duration,
    clock: Arc<dyn Clock>,
    stored: Mutex<HashMap<String, Stored>>,
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

    /// Handles `req`, calling `work` to do the real thing at most once per key.
    ///
    /// - Methods other than `POST` and `PATCH` are idempotent already: call `work`, no key needed.
    /// - No `Idempotency-Key`, more than one, or one that [`parse_key`] refuses → 400.
    /// - A key known (in flight, or done and not expired) for a different [`fingerprint`] → 422.
    /// - A key whose first request is still in `work` → 409, at once, without waiting.
    /// - A key done for the same fingerprint → the stored response again, `work` not called.
    /// - Otherwise claim the key, call `work` WITHOUT holding the lock, store its response
    ///   under the key, and return it.
    ///
    /// Every problem is made with [`idempotency_problem`]. A stored response expires `ttl`
    /// after the work finished (at `ttl` exactly, it is gone); expired keys are removed; a key
    /// in flight never expires. If `work` panics, the key is released: the next attempt runs.
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

        // TODO: this holds the lock while `work` runs, so every other key waits and a retry
        // blocks instead of getting 409. Claim the key (`Stored::InFlight`, given at the end
        // of this file) under the lock, run `work` without it, then store the response;
        // release the claim if `work` panics.
        let mut stored = self.lock();
        let now = self.clock.now();
        stored.retain(
            |_, entry| matches!(entry, Stored::Done { expires_at, .. } if *expires_at > now),
        );
        if let Some(Stored::Done {
            fingerprint: f,
            response,
            ..
        }) = stored.get(&key)
        {
            if *f != fingerprint {
                return idempotency_problem(422, "Idempotency-Key is already used");
            }
            return response.clone();
        }
        let response = work(req);
        let entry = Stored::Done {
            fingerprint,
            response: response.clone(),
            // The TTL counts from when the response exists, not from when the request came.
            expires_at: self.clock.now() + self.ttl,
        };
        stored.insert(key, entry);
        response
    }

    /// How many keys are remembered (in flight or done), as of the last `handle`.
    pub fn stored_keys(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Stored>> {
        // The map is consistent between statements, so a panic elsewhere cannot corrupt it.
        self.stored.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the two states of a key, and what "the same request" means. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// What the layer remembers about one key: unknown keys are simply absent from the map.
enum Stored {
    /// The first request with this key is still in `work`: there is no response yet.
    InFlight { fingerprint: u64 },
    /// It finished; replay `response` until `expires_at`.
    Done {
        fingerprint: u64,
        response: Response,
        expires_at: Instant,
    },
}

/// Identifies "the same request": method, path and body. A real store would keep a
/// cryptographic digest (the hashing and integrity chapter, 07) so that no two different
/// requests can collide.
pub fn fingerprint(req: &Request) -> u64 {
    let mut hasher = DefaultHasher::new();
    (&req.method, &req.path, &req.body).hash(&mut hasher);
    hasher.finish()
}
