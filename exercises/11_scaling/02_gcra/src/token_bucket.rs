//! The previous exercise's token bucket, given: the GCRA of `lib.rs` must decide exactly as
//! it does (the tests replay one trace through both), and its clock and response are reused.

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
