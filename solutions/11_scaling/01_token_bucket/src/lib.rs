//! # Rate limiting with a token bucket
//!
//! A public API has to say "not so fast" to somebody: a script stuck in a loop, a scraper, a
//! client retrying too eagerly, an attacker guessing passwords. Without a limit, one client
//! takes the capacity meant for all of them. With one, the server answers **429 Too Many
//! Requests** (RFC 6585 §4) and tells the client, in `Retry-After` (RFC 9110 §10.2.3), how
//! many seconds to wait before trying again.
//!
//! A **token bucket** holds at most `capacity` tokens and gains one token every `every`
//! (one per 100 ms is 10 requests a second). A request takes one token; when none is left it
//! is refused. A client may send a burst of `capacity` requests at once, and after that
//! exactly the refill rate: the bucket shapes traffic without forbidding bursts. Each client
//! has a bucket of its own, created full the first time it is seen.
//!
//! The bucket never runs a timer. It remembers when it last refilled, and when a request
//! comes it adds the tokens earned since then. Two traps make limiters wrong in production:
//!
//! - **Drift.** If 250 ms passed and a token takes 100 ms, two tokens are earned and 50 ms of
//!   progress towards the third is *kept*: move `last` forward by 200 ms, not to `now`.
//!   Setting `last = now` throws the 50 ms away on every request, and a steady client gets
//!   far less than the rate it was promised. Keep time as whole nanoseconds (`u128` from
//!   `Duration::as_nanos`): floating point rounding drifts too.
//! - **Hoarding.** A full bucket earns nothing. When the tokens reach `capacity`, the refill
//!   clock restarts at `now`; otherwise an idle client could save up partial tokens.
//!
//! `Retry-After` is computed from the bucket: the time until the next token, in whole
//! seconds **rounded up** (a client told "0" would retry at once and be refused again).
//!
//! Time comes from a [`Clock`] the limiter is given. In production that is the monotonic
//! clock; in the tests it is a [`ManualClock`] the test moves by hand, so a test of "one
//! token per 100 ms" runs in microseconds and gives the same answer every time.
//!
//! Primary sources: RFC 6585 §4 (429), RFC 9110 §10.2.3 (Retry-After); the chapter README
//! compares the token bucket with the leaky bucket and GCRA (the next exercise).

use std::collections::HashMap;
use std::time::Duration;

impl Bucket {
    /// A full bucket whose refill clock starts at `now`.
    pub fn full(limit: Limit, now: Duration) -> Bucket {
        Bucket {
            tokens: limit.capacity,
            last: now,
        }
    }

    /// Adds the whole tokens earned since the last refill, up to the capacity.
    pub fn refill(&mut self, limit: Limit, now: Duration) {
        let every = limit.every.as_nanos();
        let earned = now.saturating_sub(self.last).as_nanos() / every;
        let room = u128::from(limit.capacity - self.tokens);
        if earned >= room {
            // Full: a full bucket earns nothing, so its refill clock starts again now.
            self.tokens = limit.capacity;
            self.last = now;
        } else {
            self.tokens += earned as u32;
            // Move on by exactly the time the tokens cost: the remainder counts next time.
            self.last += limit.every * earned as u32;
        }
    }

    /// Refills, then takes one token: `Ok(())`, or `Err(wait)` with the time until the next
    /// token when the bucket is empty.
    pub fn try_take(&mut self, limit: Limit, now: Duration) -> Result<(), Duration> {
        self.refill(limit, now);
        if self.tokens > 0 {
            self.tokens -= 1;
            Ok(())
        } else {
            Err(self.last + limit.every - now)
        }
    }
}

impl RateLimiter {
    /// Answers one request from `client`: 200, or 429 with `Retry-After` in whole seconds,
    /// rounded up.
    pub fn handle(&mut self, client: &str) -> Response {
        let now = self.clock.now();
        let limit = self.limit;
        let bucket = self
            .buckets
            .entry(client.to_string())
            .or_insert_with(|| Bucket::full(limit, now));
        match bucket.try_take(limit, now) {
            Ok(()) => Response::new(200),
            Err(wait) => {
                let seconds = wait.as_nanos().div_ceil(1_000_000_000);
                Response::new(429).with_header("Retry-After", &seconds.to_string())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the limit, the bucket's fields, the limiter, the clock and the response.
// ---------------------------------------------------------------------------------------------

/// How much a client may send: a burst of `capacity` requests, then one every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The most tokens a bucket holds: the largest burst.
    pub capacity: u32,
    /// The time one token takes to come back (not zero).
    pub every: Duration,
}

/// One client's bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Whole tokens in the bucket, 0..=capacity.
    pub tokens: u32,
    /// When the bucket was last refilled: the time its partial token started.
    pub last: Duration,
}

/// A rate limiter with a bucket per client.
pub struct RateLimiter {
    limit: Limit,
    clock: Box<dyn Clock>,
    /// Buckets by client (an API key, an account, an IP address).
    pub buckets: HashMap<String, Bucket>,
}

impl RateLimiter {
    /// A limiter applying `limit` to each client, reading the time from `clock`.
    pub fn new(limit: Limit, clock: impl Clock + 'static) -> RateLimiter {
        assert!(
            !limit.every.is_zero(),
            "a token must take some time to come back"
        );
        RateLimiter {
            limit,
            clock: Box::new(clock),
            buckets: HashMap::new(),
        }
    }
}

/// Where the limiter reads the time: a monotonic offset from some start.
pub trait Clock {
    /// The time now.
    fn now(&self) -> Duration;
}

/// A clock that moves only when told to. Clones share the same time, so a test keeps one
/// and gives the limiter another.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(std::sync::Arc<std::sync::Mutex<Duration>>);

impl ManualClock {
    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap()
    }
}

/// The monotonic clock of the machine, for production use.
#[derive(Debug, Clone)]
pub struct SystemClock(std::time::Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(std::time::Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// An HTTP response, reduced to what a limiter decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// 200 or 429.
    pub status: u16,
    /// Header fields, in order.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// A response with no header.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
        }
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
