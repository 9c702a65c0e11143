//! # GCRA: a rate limiter that stores one timestamp
//!
//! The token bucket of the last exercise keeps two numbers per client (tokens and the time of
//! the last refill). At a million clients in Redis, half of that is worth saving, and so is
//! the arithmetic. The **generic cell rate algorithm** (GCRA), from ATM networks (ITU-T
//! I.371), makes the same decisions with one number per client: its **theoretical arrival
//! time** (TAT), the time at which the client's traffic would be "paid off" if it had sent
//! everything at exactly the allowed rate.
//!
//! With an emission interval `T` (one request per `T`) and a burst of `max_burst` extra
//! requests, the tolerance is `tau = T * (max_burst + 1)`. A request for `quantity` units at
//! time `now`:
//!
//! ```text
//! tat     = stored TAT of the key, or now if none; at least now
//! new_tat = tat + T * quantity
//! allowed if new_tat - tau <= now      (the debt after this request fits the tolerance)
//!   allowed: store new_tat;   reset_after = new_tat - now
//!   limited: store nothing;   reset_after = tat - now
//!            retry_after = new_tat - tau - now, if T * quantity <= tau (else it never fits)
//! remaining = (tau - reset_after) / T, rounded down
//! ```
//!
//! `reset_after` is how long until the key is back to a full burst (and the TTL redis-cell
//! gives the key, so idle clients cost nothing); `remaining` is how many more unit requests
//! would pass right now. A quantity of 0 is a peek: it reports without spending. Work in
//! `Duration` and never subtract past zero: compare `new_tat <= now + tau` rather than
//! computing `new_tat - tau`.
//!
//! The numbers are those of **redis-cell** (`CL.THROTTLE`), the Redis module built on this
//! algorithm: the tests replay its own test sequence, 15 cases that carry state from one to
//! the next. Then `respond` makes the HTTP answer from a verdict, with the headers redis-cell
//! documents: `X-RateLimit-Limit` (`max_burst + 1`), `X-RateLimit-Remaining`,
//! `X-RateLimit-Reset` (reset_after), and on a 429 `Retry-After` (retry_after), the seconds
//! rounded up. A request that can never fit gets its 429 without `Retry-After`: waiting will
//! not help.
//!
//! Primary sources: brandur/redis-cell (`src/cell/mod.rs`, `CL.THROTTLE` in its README);
//! ITU-T I.371 Annex A (GCRA); RFC 6585 §4 and RFC 9110 §10.2.3.

pub mod token_bucket;

use std::collections::HashMap;
use std::time::Duration;
pub use token_bucket::{Clock, ManualClock, Response};

impl Gcra {
    /// Decides a request for `quantity` units from `key` at the clock's time, storing the
    /// key's new TAT if it is allowed.
    pub fn check(&mut self, key: &str, quantity: u32) -> Verdict {
        // TODO: the algorithm above, with `self.clock.now()`, `self.quota.every` as T,
        // `self.tolerance()` as tau and `self.tats` as the store.
        let _ = (key, quantity, &self.clock, &self.tats);
        todo!("Gcra::check")
    }
}

/// The HTTP answer to a verdict: 200 or 429, the three `X-RateLimit-*` headers, and on a 429
/// that can succeed later, `Retry-After`. Seconds are rounded up.
pub fn respond(verdict: &Verdict) -> Response {
    // TODO: Response::new(status).with_header(..) for each header.
    let _ = verdict;
    todo!("respond")
}

// ---------------------------------------------------------------------------------------------
// Given: the quota, the verdict and the limiter's state.
// ---------------------------------------------------------------------------------------------

/// A rate: one unit every `every`, with bursts of `max_burst` units more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// How many units beyond the first a client may send at once.
    pub max_burst: u32,
    /// The emission interval T: the time one unit costs (not zero).
    pub every: Duration,
}

/// What `CL.THROTTLE` answers about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the request was refused.
    pub limited: bool,
    /// The largest burst: `max_burst + 1`.
    pub limit: u32,
    /// How many unit requests would pass now, after this one.
    pub remaining: u32,
    /// How long until the key is back to a full burst.
    pub reset_after: Duration,
    /// For a refused request that can pass later: how long until it would.
    pub retry_after: Option<Duration>,
}

/// A GCRA rate limiter: one theoretical arrival time per key.
pub struct Gcra {
    quota: Quota,
    clock: Box<dyn Clock>,
    /// Each key's theoretical arrival time, as a time of the clock.
    pub tats: HashMap<String, Duration>,
}

impl Gcra {
    /// A limiter applying `quota` to each key, reading the time from `clock`.
    pub fn new(quota: Quota, clock: impl Clock + 'static) -> Gcra {
        assert!(!quota.every.is_zero(), "a unit must cost some time");
        Gcra {
            quota,
            clock: Box::new(clock),
            tats: HashMap::new(),
        }
    }

    /// The delay variation tolerance tau: `every * (max_burst + 1)`.
    pub fn tolerance(&self) -> Duration {
        self.quota.every * (self.quota.max_burst + 1)
    }
}
