//! The specification: GCRA as redis-cell implements `CL.THROTTLE` (its own test sequence, from
//! the vectors folder, and single cases of it written below as facts), the same decisions and
//! waits as the token bucket of the last exercise on a fixed trace, and the HTTP answer with
//! redis-cell's headers. Time is a `ManualClock` moved by hand: nothing sleeps.

use gcra::token_bucket::{Bucket, Limit};
use gcra::{Gcra, ManualClock, Quota, Verdict, respond};
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// redis-cell's test quota: a burst of 4 more, one per second (limit 5).
fn redis_cell() -> (Gcra, ManualClock) {
    let clock = ManualClock::default();
    let quota = Quota {
        max_burst: 4,
        every: SECOND,
    };
    (Gcra::new(quota, clock.clone()), clock)
}

fn verdict(limited: bool, remaining: u32, reset_ms: u64, retry_ms: Option<u64>) -> Verdict {
    Verdict {
        limited,
        limit: 5,
        remaining,
        reset_after: Duration::from_millis(reset_ms),
        retry_after: retry_ms.map(Duration::from_millis),
    }
}

// ---------------------------------------------------------------------------------------------
// check

#[test]
fn a_burst_of_max_burst_plus_one_passes_then_the_next_is_limited() {
    let (mut gcra, _clock) = redis_cell();
    for i in 1..=5 {
        assert!(
            !gcra.check("alice", 1).limited,
            "request {i}: max_burst 4 allows 5 at once"
        );
    }
    assert_eq!(
        gcra.check("alice", 1),
        verdict(true, 0, 5000, Some(1000)),
        "the 6th at the same instant: limited, 0 remaining, the key is full again in 5 s, \
         a retry passes in 1 s (redis-cell it_rate_limits, case 6)"
    );
}

#[test]
fn an_allowed_request_reports_remaining_and_reset() {
    let (mut gcra, _clock) = redis_cell();
    assert_eq!(
        gcra.check("alice", 1),
        verdict(false, 4, 1000, None),
        "one unit spent: 4 remain and the key is back to a full burst in 1 s (case 1)"
    );
}

#[test]
fn remaining_rounds_down_between_emissions() {
    // redis-cell it_rate_limits, cases 1-8: a burst of 5, then one request at 3 s and 3.1 s.
    let (mut gcra, clock) = redis_cell();
    for _ in 0..5 {
        gcra.check("alice", 1);
    }
    clock.advance(3 * SECOND);
    assert_eq!(
        gcra.check("alice", 1),
        verdict(false, 2, 3000, None),
        "case 7"
    );
    clock.advance(100 * MS);
    assert_eq!(
        gcra.check("alice", 1),
        verdict(false, 1, 3900, None),
        "case 8: 1.1 units of room are 1 whole request"
    );
}

#[test]
fn a_limited_request_stores_nothing() {
    let (mut gcra, clock) = redis_cell();
    for _ in 0..5 {
        gcra.check("alice", 1);
    }
    for _ in 0..100 {
        assert!(gcra.check("alice", 1).limited);
    }
    clock.advance(SECOND);
    assert!(
        !gcra.check("alice", 1).limited,
        "refused requests cost nothing: after 1 s one unit is back however many were refused"
    );
}

#[test]
fn quantity_zero_peeks_without_spending() {
    let (mut gcra, _clock) = redis_cell();
    gcra.check("alice", 2);
    let peek = gcra.check("alice", 0);
    assert_eq!(
        peek,
        verdict(false, 3, 2000, None),
        "a peek reports the state"
    );
    assert_eq!(
        gcra.check("alice", 3).remaining,
        0,
        "and spends nothing: 3 more units still fit"
    );
}

#[test]
fn a_request_larger_than_the_burst_never_gets_a_retry_time() {
    let (mut gcra, _clock) = redis_cell();
    assert_eq!(
        gcra.check("alice", 6),
        verdict(true, 5, 0, None),
        "6 units never fit a burst of 5: limited, no retry_after, and no state (case 0)"
    );
    assert!(
        gcra.tats.is_empty(),
        "a limited request stores no TAT, not even for a new key"
    );
}

#[test]
fn keys_are_independent_and_cost_one_timestamp_each() {
    let (mut gcra, _clock) = redis_cell();
    for _ in 0..5 {
        gcra.check("alice", 1);
    }
    assert!(gcra.check("alice", 1).limited);
    assert!(!gcra.check("bob", 1).limited, "bob's quota is not alice's");
    gcra.check("carol", 1);
    assert_eq!(gcra.tats.len(), 3, "one theoretical arrival time per key");
}

#[test]
fn an_idle_key_gets_one_burst_not_more() {
    let (mut gcra, clock) = redis_cell();
    gcra.check("alice", 1);
    clock.advance(Duration::from_secs(3600));
    let passed = (0..20).filter(|_| !gcra.check("alice", 1).limited).count();
    assert_eq!(
        passed, 5,
        "after an hour idle the TAT is in the past: start from `now`, not from the old TAT, or \
         an idle key saves up an hour of requests"
    );
}

#[test]
fn a_request_exactly_at_the_tolerance_passes() {
    let (mut gcra, clock) = redis_cell();
    for _ in 0..5 {
        gcra.check("alice", 1);
    }
    clock.advance(SECOND - Duration::from_nanos(1));
    assert!(gcra.check("alice", 1).limited, "1 ns early");
    clock.advance(Duration::from_nanos(1));
    assert!(
        !gcra.check("alice", 1).limited,
        "new_tat - tau == now is allowed (<=, not <)"
    );
}

#[test]
fn redis_cell_it_rate_limits_sequence() {
    // brandur/redis-cell, redis-cell-impl/src/lib.rs, test it_rate_limits: 15 cases on one
    // key, state carried from each to the next; -1000 ms means "no retry_after".
    let Some(text) = testkit::vectors::read_to_string("rate-limit/gcra_redis_cell_cases.json")
    else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).expect("the vectors are JSON");
    let clock = ManualClock::default();
    let quota = Quota {
        max_burst: all["quota"]["max_burst"].as_u64().unwrap() as u32,
        every: SECOND / all["quota"]["rate_per_second"].as_u64().unwrap() as u32,
    };
    let mut gcra = Gcra::new(quota, clock.clone());
    let mut at = 0;
    let mut run = 0;
    for case in all["cases"].as_array().unwrap() {
        let offset = case["now_offset_ms"].as_u64().unwrap();
        clock.advance(Duration::from_millis(offset - at));
        at = offset;
        let quantity = case["quantity"].as_u64().unwrap() as u32;
        let ms = |field: &str| case[field].as_i64().unwrap();
        let want = Verdict {
            limited: case["expect_limited"].as_bool().unwrap(),
            limit: all["quota"]["limit"].as_u64().unwrap() as u32,
            remaining: case["expect_remaining"].as_u64().unwrap() as u32,
            reset_after: Duration::from_millis(ms("expect_reset_after_ms") as u64),
            retry_after: u64::try_from(ms("expect_retry_after_ms"))
                .ok()
                .map(Duration::from_millis),
        };
        assert_eq!(
            gcra.check("key", quantity),
            want,
            "redis-cell case {}: {quantity} unit(s) at {offset} ms",
            case["n"]
        );
        run += 1;
    }
    assert!(
        run >= 15,
        "expected the 15 cases of it_rate_limits, ran {run}"
    );
}

// ---------------------------------------------------------------------------------------------
// The same limiter as a token bucket

#[test]
fn decides_and_waits_exactly_as_a_token_bucket_on_a_fixed_trace() {
    // GCRA with burst 4 and T = 300 ms against a bucket of 5 refilling one per 300 ms, over
    // 2000 requests with gaps drawn from a fixed generator (0 to 400 ms, in whole µs).
    let every = 300 * MS;
    let clock = ManualClock::default();
    let mut gcra = Gcra::new(
        Quota {
            max_burst: 4,
            every,
        },
        clock.clone(),
    );
    let limit = Limit { capacity: 5, every };
    let mut bucket = Bucket::full(limit, Duration::ZERO);
    let (mut now, mut seed, mut limited) = (Duration::ZERO, 42u64, 0);
    for i in 0..2000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let gap = Duration::from_micros((seed >> 33) % 400_000);
        clock.advance(gap);
        now += gap;
        let by_bucket = bucket.try_take(limit, now);
        let by_gcra = gcra.check("k", 1);
        assert_eq!(
            by_gcra.limited,
            by_bucket.is_err(),
            "request {i} at {now:?}: the token bucket said {by_bucket:?}, GCRA said {by_gcra:?}"
        );
        if let Err(wait) = by_bucket {
            limited += 1;
            assert_eq!(
                by_gcra.retry_after,
                Some(wait),
                "request {i} at {now:?}: GCRA's retry_after is the bucket's wait for a token"
            );
        }
    }
    assert!(
        (200..1800).contains(&limited),
        "the trace should mix both outcomes, {limited} of 2000 were limited"
    );
}

// ---------------------------------------------------------------------------------------------
// respond

#[test]
fn an_allowed_request_answers_200_with_the_rate_limit_headers() {
    let r = respond(&verdict(false, 3, 2000, None));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("X-RateLimit-Limit"), Some("5"));
    assert_eq!(r.header("X-RateLimit-Remaining"), Some("3"));
    assert_eq!(r.header("X-RateLimit-Reset"), Some("2"));
    assert_eq!(r.header("Retry-After"), None, "a 200 has no Retry-After");
}

#[test]
fn a_limited_request_answers_429_with_retry_after_rounded_up() {
    let r = respond(&verdict(true, 0, 3900, Some(100)));
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("Retry-After"),
        Some("1"),
        "100 ms away is Retry-After: 1 (seconds rounded up, never 0)"
    );
    assert_eq!(
        r.header("X-RateLimit-Reset"),
        Some("4"),
        "3.9 s rounds up to 4"
    );
    assert_eq!(r.header("X-RateLimit-Remaining"), Some("0"));
    let r = respond(&verdict(true, 0, 5000, Some(1000)));
    assert_eq!(
        r.header("Retry-After"),
        Some("1"),
        "exactly 1 s is 1, not 2"
    );
}

#[test]
fn a_request_that_can_never_pass_gets_429_without_retry_after() {
    let r = respond(&verdict(true, 5, 0, None));
    assert_eq!(r.status, 429);
    assert_eq!(
        r.header("Retry-After"),
        None,
        "no wait makes 6 units fit a burst of 5: do not invite the client to retry"
    );
    assert_eq!(r.header("X-RateLimit-Reset"), Some("0"));
}
