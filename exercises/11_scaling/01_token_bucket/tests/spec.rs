//! The specification: each client gets a burst of `capacity` requests, then one every
//! `every`, with no drift and no hoarding; a refused request is a 429 whose `Retry-After` is
//! the time to the next token in whole seconds, rounded up (RFC 6585 §4, RFC 9110 §10.2.3).
//! Time is a `ManualClock` the tests move by hand: nothing sleeps, every run is the same.

use std::time::Duration;
use token_bucket::{Bucket, Limit, ManualClock, RateLimiter};

const MS: Duration = Duration::from_millis(1);

fn limiter(capacity: u32, every: Duration) -> (RateLimiter, ManualClock) {
    let clock = ManualClock::default();
    let limit = Limit { capacity, every };
    (RateLimiter::new(limit, clock.clone()), clock)
}

/// How many of `n` requests from `client`, sent at the same instant, get a 200.
fn allowed(limiter: &mut RateLimiter, client: &str, n: usize) -> usize {
    (0..n)
        .filter(|_| limiter.handle(client).status == 200)
        .count()
}

// ---------------------------------------------------------------------------------------------
// Bursts and refusals

#[test]
fn a_new_client_gets_a_full_burst_then_429() {
    let (mut limiter, _clock) = limiter(3, 100 * MS);
    for i in 1..=3 {
        let r = limiter.handle("alice");
        assert_eq!(
            r.status, 200,
            "request {i} of a burst of 3 fits a bucket of 3"
        );
        assert_eq!(r.header("Retry-After"), None, "a 200 has no Retry-After");
    }
    assert_eq!(
        limiter.handle("alice").status,
        429,
        "the 4th request at the same instant finds the bucket empty: 429 Too Many Requests"
    );
}

#[test]
fn a_429_says_when_to_retry() {
    let (mut limiter, _clock) = limiter(1, Duration::from_secs(1));
    limiter.handle("alice");
    let r = limiter.handle("alice");
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("Retry-After"),
        Some("1"),
        "the next token comes in 1 s: Retry-After: 1 (RFC 9110 §10.2.3, seconds)"
    );
}

#[test]
fn clients_have_buckets_of_their_own() {
    let (mut limiter, _clock) = limiter(2, Duration::from_secs(1));
    assert_eq!(allowed(&mut limiter, "alice", 5), 2);
    assert_eq!(
        allowed(&mut limiter, "bob", 5),
        2,
        "bob has a full bucket of his own: alice's burst must not spend his tokens"
    );
}

// ---------------------------------------------------------------------------------------------
// Refill

#[test]
fn a_token_comes_back_exactly_after_every() {
    let (mut limiter, clock) = limiter(1, 100 * MS);
    assert_eq!(limiter.handle("alice").status, 200);
    clock.advance(99 * MS);
    assert_eq!(
        limiter.handle("alice").status,
        429,
        "after 99 ms of a 100 ms refill there is no whole token yet"
    );
    clock.advance(MS);
    assert_eq!(
        limiter.handle("alice").status,
        200,
        "at exactly 100 ms the token is back (earned when elapsed >= every, not >)"
    );
    assert_eq!(limiter.handle("alice").status, 429, "and only one token");
}

#[test]
fn a_steady_client_gets_exactly_the_rate() {
    // One token per 100 ms, a request every 60 ms for 3 s after the burst: 30 tokens are
    // earned in those 3 s, so exactly 30 requests pass.
    let (mut limiter, clock) = limiter(5, 100 * MS);
    assert_eq!(allowed(&mut limiter, "alice", 5), 5, "the burst");
    let mut passed = 0;
    for _ in 0..50 {
        clock.advance(60 * MS);
        if limiter.handle("alice").status == 200 {
            passed += 1;
        }
    }
    assert_eq!(
        passed, 30,
        "3 s at one token per 100 ms is 30 requests. Fewer means the bucket drifts: it drops \
         the partial progress towards the next token (last = now) instead of moving `last` on \
         by exactly the time of the tokens it added"
    );
}

#[test]
fn an_idle_client_gets_at_most_one_burst() {
    let (mut limiter, clock) = limiter(3, 100 * MS);
    limiter.handle("alice");
    clock.advance(Duration::from_secs(3600));
    assert_eq!(
        allowed(&mut limiter, "alice", 100),
        3,
        "an hour idle earns 36 000 tokens but the bucket holds 3: the burst is capped at \
         capacity"
    );
}

#[test]
fn a_full_bucket_saves_no_partial_token() {
    let (mut limiter, clock) = limiter(2, Duration::from_secs(1));
    limiter.handle("alice");
    clock.advance(10_500 * MS); // t = 10.5 s: the bucket has been full since t = 1 s
    assert_eq!(allowed(&mut limiter, "alice", 2), 2);
    clock.advance(600 * MS); // t = 11.1 s
    let r = limiter.handle("alice");
    assert_eq!(
        r.status, 429,
        "the bucket was emptied at 10.5 s, so its next token comes at 11.5 s, not at 11 s: a \
         full bucket earns nothing, its refill clock restarts when it is full"
    );
    assert_eq!(r.header("Retry-After"), Some("1"));
}

#[test]
fn a_very_long_idle_does_not_overflow() {
    // 1 ns per token and 600 years idle: about 1.9e19 tokens earned, more than a u64 holds.
    let (mut limiter, clock) = limiter(4, Duration::from_nanos(1));
    assert_eq!(allowed(&mut limiter, "alice", 4), 4);
    clock.advance(Duration::from_secs(600 * 365 * 24 * 3600));
    assert_eq!(
        allowed(&mut limiter, "alice", 10),
        4,
        "count the tokens earned in u128 nanoseconds (Duration::as_nanos) and cap them before \
         converting: a cast to u32 or u64 first wraps around"
    );
}

// ---------------------------------------------------------------------------------------------
// Retry-After, computed from the bucket

#[test]
fn retry_after_rounds_up_to_whole_seconds() {
    let (mut limiter, clock) = limiter(1, 2500 * MS);
    limiter.handle("alice");
    clock.advance(100 * MS);
    assert_eq!(
        limiter.handle("alice").header("Retry-After"),
        Some("3"),
        "the next token is 2.4 s away: round up to 3, so a client that obeys is not refused again"
    );
    clock.advance(2399 * MS);
    assert_eq!(
        limiter.handle("alice").header("Retry-After"),
        Some("1"),
        "1 ms away is Retry-After: 1, never 0"
    );
}

#[test]
fn retry_after_of_a_whole_number_of_seconds_is_not_rounded() {
    let (mut limiter, _clock) = limiter(1, Duration::from_secs(2));
    limiter.handle("alice");
    assert_eq!(
        limiter.handle("alice").header("Retry-After"),
        Some("2"),
        "exactly 2 s away is Retry-After: 2 (round up, not floor + 1)"
    );
}

#[test]
fn each_client_is_told_its_own_wait() {
    let (mut limiter, clock) = limiter(1, Duration::from_secs(10));
    limiter.handle("alice");
    clock.advance(Duration::from_secs(6));
    limiter.handle("bob");
    assert_eq!(limiter.handle("alice").header("Retry-After"), Some("4"));
    assert_eq!(limiter.handle("bob").header("Retry-After"), Some("10"));
}

// ---------------------------------------------------------------------------------------------
// The bucket itself

#[test]
fn try_take_reports_the_exact_wait_in_nanoseconds() {
    let limit = Limit {
        capacity: 1,
        every: Duration::from_nanos(333_333_333),
    };
    let mut bucket = Bucket::full(limit, Duration::ZERO);
    assert_eq!(bucket.try_take(limit, Duration::ZERO), Ok(()));
    assert_eq!(
        bucket.try_take(limit, Duration::from_nanos(120_000_000)),
        Err(Duration::from_nanos(213_333_333)),
        "the next token is due at last + every = 333 333 333 ns"
    );
    assert_eq!(bucket.tokens, 0, "a refused request takes nothing");
}

#[test]
fn refill_keeps_the_remainder_in_last() {
    let limit = Limit {
        capacity: 10,
        every: 100 * MS,
    };
    let mut bucket = Bucket {
        tokens: 0,
        last: Duration::ZERO,
    };
    bucket.refill(limit, 250 * MS);
    assert_eq!(
        bucket,
        Bucket {
            tokens: 2,
            last: 200 * MS
        },
        "250 ms earns 2 tokens and `last` moves on by their 200 ms, keeping 50 ms towards \
         the third"
    );
    bucket.refill(limit, 300 * MS);
    assert_eq!(bucket.tokens, 3, "50 + 50 ms: the third token");
}

#[test]
fn refill_of_a_bucket_that_becomes_full_restarts_its_clock() {
    let limit = Limit {
        capacity: 3,
        every: 100 * MS,
    };
    let mut bucket = Bucket {
        tokens: 1,
        last: Duration::ZERO,
    };
    bucket.refill(limit, 950 * MS);
    assert_eq!(
        bucket,
        Bucket {
            tokens: 3,
            last: 950 * MS
        },
        "9 tokens earned, 2 fit: the bucket is full and its clock restarts at now"
    );
    let mut bucket = Bucket {
        tokens: 1,
        last: Duration::ZERO,
    };
    bucket.refill(limit, 250 * MS);
    assert_eq!(
        bucket,
        Bucket {
            tokens: 3,
            last: 250 * MS
        },
        "2 tokens earned exactly fill the 2 places left (capacity - tokens): full, clock at now"
    );
}

#[test]
fn refill_before_a_whole_token_changes_nothing() {
    let limit = Limit {
        capacity: 3,
        every: 100 * MS,
    };
    let mut bucket = Bucket {
        tokens: 1,
        last: 40 * MS,
    };
    bucket.refill(limit, 139 * MS);
    assert_eq!(
        bucket,
        Bucket {
            tokens: 1,
            last: 40 * MS
        },
        "99 ms of 100: no token, and `last` stays where the partial token started"
    );
}
