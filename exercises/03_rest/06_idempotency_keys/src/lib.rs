//! # Idempotency keys
//!
//! A client sends `POST /payments`, and the connection drops before the response arrives. Did
//! the payment go through? The client cannot know. If it retries, it may pay twice; if it
//! does not, it may not pay at all. `GET`, `PUT` and `DELETE` do not have this problem — they
//! are *idempotent* (RFC 9110 §9.2.2): doing them twice has the same effect as once. `POST`
//! and `PATCH` are not.
//!
//! The `Idempotency-Key` request header makes them safe to retry. The client generates a
//! unique key (a UUID) per *operation* and sends it with every attempt of that operation:
//!
//! ```text
//! POST /payments
//! Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"
//! ```
//!
//! The server remembers each key with the response it produced. When the same key comes back:
//!
//! - with the same request, and the first attempt has finished → replay the stored response;
//!   the work is NOT done again (one payment, however many retries);
//! - with a different request (another body, another path) → `422`: the client has a bug,
//!   reusing a key for a different operation, and replaying would answer the wrong question;
//! - while the first attempt is still running → `409 Conflict`: do not start the work a second
//!   time, and do not block the caller until the first finishes;
//! - without any key, where one is required → `400 Bad Request`.
//!
//! Keys are not kept forever: they expire after a published time to live (Stripe keeps them
//! 24 hours), after which the key is forgotten and may be used again.
//!
//! The hard part is concurrency. Two retries can arrive at the same moment on two threads.
//! "Look up the key; if absent, do the work; then store the response" lets both threads see
//! "absent" and both do the work. Claim the key *atomically* — check and mark it in flight in
//! one critical section — and do the work *outside* the lock, so other keys are not held up.
//! And if the work fails hard (a panic), release the claim, or the key stays "in flight"
//! forever and every retry gets 409.
//!
//! The header's value is a Structured Field *String* (RFC 9651 §3.3.3): in double quotes,
//! printable ASCII only, with `\"` and `\\` as the only escapes.
//!
//! Primary sources: The Idempotency-Key HTTP Header Field,
//! <https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/> (sections
//! "Idempotency Enforcement Scenarios" and "Error Scenarios"); RFC 9110 §9.2.2,
//! <https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2>; RFC 9651 §3.3.3 and §4.2.5,
//! <https://www.rfc-editor.org/rfc/rfc9651#section-3.3.3>.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Given: the request/response model, problem responses and clocks. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// An HTTP request, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Self {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The values of every header called `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// An HTTP response, before serialisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// A problem details response (RFC 9457) about the idempotency key, shaped like the examples
/// of the draft's "Error Scenarios" section.
pub fn idempotency_problem(status: u16, title: &str) -> Response {
    let body = format!(
        r#"{{"type":"https://developer.example.com/idempotency","title":"{title}","status":{status}}}"#
    );
    Response::new(status)
        .with_header("Content-Type", "application/problem+json")
        .with_body(body)
}

/// The longest key accepted, in characters.
pub const MAX_KEY_LEN: usize = 255;

/// A source of the current time, so that tests can move time forward.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    elapsed: Mutex<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            start: Instant::now(),
            elapsed: Mutex::new(Duration::ZERO),
        }
    }

    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.start + *self.elapsed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

// ---------------------------------------------------------------------------------------------
// The key and the layer.
// ---------------------------------------------------------------------------------------------

/// Parses an `Idempotency-Key` header value: a Structured Field String (RFC 9651 §4.2.5).
///
/// Surrounding spaces are ignored. The value must be `"` + characters + `"`, where each
/// character is printable ASCII (0x20..=0x7E) other than `"` and `\`, or one of the escapes
/// `\"` and `\\`. Returns the unescaped key; `None` if the syntax is wrong, the key is empty,
/// or it is longer than [`MAX_KEY_LEN`].
pub fn parse_key(value: &str) -> Option<String> {
    // TODO: accept exactly a quoted sf-string with its two escapes; refuse everything else.
    todo!("parse_key({value:?})")
}

/// Makes `POST` and `PATCH` safe to retry: wraps the real work of a handler.
pub struct IdempotencyLayer {
    // TODO: the TTL, the clock, and what is known about each key (shared between threads).
}

impl IdempotencyLayer {
    /// Stored responses are replayed for `ttl` after the work finished, then forgotten.
    pub fn new(ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        // TODO: keep what `handle` will need.
        let _ = (ttl, clock);
        IdempotencyLayer {}
    }

    /// Handles `req`, calling `work` to do the real thing at most once per key.
    ///
    /// - Methods other than `POST` and `PATCH` are idempotent already: call `work`, no key needed.
    /// - No `Idempotency-Key`, more than one, or one that [`parse_key`] refuses → 400.
    /// - A key seen before (and not expired) with a different method, path or body → 422.
    /// - A key whose first request is still in `work` → 409, at once, without waiting.
    /// - A key whose first request finished → the stored response again, `work` not called.
    /// - Otherwise call `work`, store its response under the key, and return it.
    ///
    /// Every problem is made with [`idempotency_problem`]. A stored response expires `ttl`
    /// after the work finished (at `ttl`, it is gone); expired keys are dropped so that memory
    /// does not grow forever. If `work` panics, the key is released: the next attempt runs.
    pub fn handle(&self, req: &Request, work: impl FnOnce(&Request) -> Response) -> Response {
        // TODO: the cases above. Claim a key atomically; never hold a lock while `work` runs.
        let _ = work;
        todo!("handle {} {}", req.method, req.path)
    }

    /// How many keys are remembered (in flight or stored), as of the last `handle`.
    pub fn stored_keys(&self) -> usize {
        // TODO: the number of keys currently remembered.
        todo!("stored_keys")
    }
}
