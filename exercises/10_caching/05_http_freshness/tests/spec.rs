//! The specification of freshness (RFC 9111 §4.2): a stored response is served while its
//! lifetime (s-maxage in a shared cache, max-age, Expires - Date) is greater than its age
//! (Age from upstream, apparent age from Date, time stored), never when `no-store` (or
//! `private` in a shared cache) forbade storing it. Time is a manual clock; the origin is a
//! closure that counts its calls. Then the applicable tests of http-tests/cache-tests.

use std::cell::Cell;

use http_freshness::{
    HttpCache, MAX_DELTA, ManualClock, Response, Stored, current_age, delta_seconds,
    freshness_lifetime,
};
use testkit::cache_tests::{self, Answer, Harness, Origin};

/// 2023-11-14T22:13:20Z.
const NOW: u64 = 1_700_000_000;
const NOW_HTTP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

struct Setup {
    clock: ManualClock,
    cache: HttpCache<ManualClock>,
    calls: Cell<u32>,
}

fn shared() -> Setup {
    setup(true)
}

fn setup(shared: bool) -> Setup {
    let clock = ManualClock::at(NOW);
    Setup {
        cache: HttpCache::new(shared, clock.clone()),
        clock,
        calls: Cell::new(0),
    }
}

impl Setup {
    /// A GET through the cache to an origin that answers `headers` (and counts the call).
    fn get(&mut self, headers: &[(&str, &str)]) -> Response {
        let calls = &self.calls;
        self.cache.get("/page", |_| {
            calls.set(calls.get() + 1);
            Response::ok(headers, &format!("response {}", calls.get()))
        })
    }

    /// Fetches once with `headers`, advances `secs`, fetches again: `true` if the second
    /// came from the cache.
    fn reused_after(&mut self, headers: &[(&str, &str)], secs: u64) -> bool {
        self.get(headers);
        let before = self.calls.get();
        self.clock.advance(secs);
        self.get(headers);
        self.calls.get() == before
    }
}

fn stored(headers: &[(&str, &str)], response_time: u64) -> Stored {
    Stored {
        response: Response::ok(headers, ""),
        request_time: response_time,
        response_time,
    }
}

// ---------------------------------------------------------------------------------------------
// delta-seconds

#[test]
fn delta_seconds_are_ascii_digits_only() {
    assert_eq!(delta_seconds("3600"), Some(3600));
    assert_eq!(delta_seconds("0"), Some(0));
    assert_eq!(
        delta_seconds("003600"),
        Some(3600),
        "leading zeros are digits"
    );
    for bad in ["", "-3600", "3600.5", "'3600'", " 3600", "3600a", "+1", "٣"] {
        assert_eq!(
            delta_seconds(bad),
            None,
            "{bad:?} is not delta-seconds (RFC 9111 §1.2.2)"
        );
    }
}

#[test]
fn delta_seconds_too_large_are_held_as_two_to_the_31() {
    assert_eq!(delta_seconds("2147483648"), Some(MAX_DELTA));
    assert_eq!(delta_seconds("2147483649"), Some(MAX_DELTA));
    assert_eq!(
        delta_seconds("99999999999999999999999"),
        Some(MAX_DELTA),
        "too big even for a u64, still a valid (huge) number: RFC 9111 §1.2.2 says to hold 2^31"
    );
}

// ---------------------------------------------------------------------------------------------
// freshness lifetime and age, as numbers

#[test]
fn the_lifetime_is_max_age() {
    let s = stored(&[("Cache-Control", "max-age=60")], NOW);
    assert_eq!(freshness_lifetime(&s, true), 60);
    let s = stored(&[("Cache-Control", "public, MAX-AGE=60")], NOW);
    assert_eq!(
        freshness_lifetime(&s, false),
        60,
        "directive names are case-insensitive"
    );
}

#[test]
fn s_maxage_wins_in_a_shared_cache_only() {
    let s = stored(&[("Cache-Control", "max-age=60, s-maxage=600")], NOW);
    assert_eq!(
        freshness_lifetime(&s, true),
        600,
        "a shared cache uses s-maxage"
    );
    assert_eq!(
        freshness_lifetime(&s, false),
        60,
        "a private cache ignores s-maxage"
    );
}

#[test]
fn without_max_age_the_lifetime_is_expires_minus_date() {
    let s = stored(
        &[
            ("Date", NOW_HTTP),
            ("Expires", "Tue, 14 Nov 2023 22:23:20 GMT"),
        ],
        NOW,
    );
    assert_eq!(
        freshness_lifetime(&s, true),
        600,
        "Expires is 10 minutes after Date"
    );
    let s = stored(
        &[
            ("Date", NOW_HTTP),
            ("Expires", "Tue, 14 Nov 2023 22:23:20 GMT"),
            ("Cache-Control", "max-age=5"),
        ],
        NOW,
    );
    assert_eq!(
        freshness_lifetime(&s, true),
        5,
        "max-age wins over Expires (§4.2.1)"
    );
}

#[test]
fn an_expires_that_does_not_parse_means_already_expired() {
    let s = stored(&[("Date", NOW_HTTP), ("Expires", "0")], NOW);
    assert_eq!(
        freshness_lifetime(&s, true),
        0,
        "RFC 9111 §5.3: an invalid Expires is in the past"
    );
    let s = stored(
        &[
            ("Date", NOW_HTTP),
            ("Expires", "Tue, 14 Nov 2023 22:00:00 GMT"),
        ],
        NOW,
    );
    assert_eq!(
        freshness_lifetime(&s, true),
        0,
        "Expires before Date: 0, not negative"
    );
}

#[test]
fn an_invalid_max_age_falls_through_to_expires() {
    let s = stored(
        &[
            ("Cache-Control", "max-age=-1"),
            ("Date", NOW_HTTP),
            ("Expires", "Tue, 14 Nov 2023 22:14:20 GMT"),
        ],
        NOW,
    );
    assert_eq!(freshness_lifetime(&s, true), 60);
}

#[test]
fn no_freshness_information_is_a_lifetime_of_zero() {
    assert_eq!(
        freshness_lifetime(&stored(&[("Date", NOW_HTTP)], NOW), true),
        0
    );
}

#[test]
fn age_grows_with_the_time_stored() {
    let s = stored(&[("Date", NOW_HTTP)], NOW);
    assert_eq!(current_age(&s, NOW), 0);
    assert_eq!(current_age(&s, NOW + 42), 42);
}

#[test]
fn age_counts_the_age_header_from_upstream() {
    let s = stored(&[("Date", NOW_HTTP), ("Age", "50")], NOW);
    assert_eq!(
        current_age(&s, NOW + 5),
        55,
        "50 s old on arrival, 5 s stored"
    );
    let s = stored(&[("Date", NOW_HTTP), ("Age", "30, 7200")], NOW);
    assert_eq!(
        current_age(&s, NOW),
        30,
        "Age sent twice: its first value counts"
    );
    let s = stored(&[("Date", NOW_HTTP), ("Age", "-50")], NOW);
    assert_eq!(current_age(&s, NOW), 0, "an invalid Age is ignored");
}

#[test]
fn age_counts_the_apparent_age_from_date() {
    // Date says the origin made it 30 s before it arrived: a cache upstream held it.
    let s = stored(&[("Date", "Tue, 14 Nov 2023 22:12:50 GMT")], NOW);
    assert_eq!(current_age(&s, NOW), 30);
    let s = stored(
        &[("Date", "Tue, 14 Nov 2023 22:12:50 GMT"), ("Age", "100")],
        NOW,
    );
    assert_eq!(
        current_age(&s, NOW),
        100,
        "the larger of apparent age and Age"
    );
    let s = stored(&[("Date", "Tue, 14 Nov 2023 22:14:20 GMT")], NOW);
    assert_eq!(
        current_age(&s, NOW),
        0,
        "a Date in the future (clock skew): apparent age 0"
    );
}

#[test]
fn age_counts_the_time_the_request_took() {
    let s = Stored {
        response: Response::ok(&[("Date", NOW_HTTP), ("Age", "10")], ""),
        request_time: NOW - 4,
        response_time: NOW,
    };
    assert_eq!(current_age(&s, NOW), 14, "Age + response_delay: 10 + 4");
}

// ---------------------------------------------------------------------------------------------
// the cache

#[test]
fn a_fresh_response_is_served_from_the_cache() {
    let mut s = shared();
    let first = s.get(&[("Cache-Control", "max-age=60")]);
    let second = s.get(&[("Cache-Control", "max-age=60")]);
    assert_eq!(
        s.calls.get(),
        1,
        "the second GET is served from the cache: one origin call"
    );
    assert_eq!(second.body, first.body);
}

#[test]
fn a_cached_response_carries_its_age() {
    let mut s = shared();
    s.get(&[("Cache-Control", "max-age=60"), ("Date", NOW_HTTP)]);
    s.clock.advance(10);
    let cached = s.get(&[]);
    assert_eq!(
        cached.header("Age").as_deref(),
        Some("10"),
        "RFC 9111 §5.1: Age on a cached response"
    );
}

#[test]
fn fresh_one_second_before_the_lifetime_ends_stale_at_it() {
    let mut s = shared();
    assert!(
        s.reused_after(&[("Cache-Control", "max-age=60")], 59),
        "age 59 < 60: fresh"
    );
    let mut s = shared();
    assert!(
        !s.reused_after(&[("Cache-Control", "max-age=60")], 60),
        "age 60 is not less than a lifetime of 60: stale (fresh means lifetime > age)"
    );
}

#[test]
fn a_stale_response_is_fetched_again_and_replaced() {
    let mut s = shared();
    s.get(&[("Cache-Control", "max-age=10")]);
    s.clock.advance(10);
    let second = s.get(&[("Cache-Control", "max-age=10")]);
    assert_eq!(second.body, "response 2");
    let third = s.get(&[]);
    assert_eq!(
        (s.calls.get(), third.body.as_str()),
        (2, "response 2"),
        "the new one is stored"
    );
}

#[test]
fn max_age_zero_is_never_reused() {
    assert!(!shared().reused_after(&[("Cache-Control", "max-age=0")], 0));
}

#[test]
fn a_response_without_freshness_information_is_not_reused() {
    assert!(!shared().reused_after(&[("Date", NOW_HTTP)], 0));
}

#[test]
fn an_upstream_age_shortens_the_time_left() {
    let h = [
        ("Cache-Control", "max-age=60"),
        ("Age", "50"),
        ("Date", NOW_HTTP),
    ];
    assert!(shared().reused_after(&h, 9), "50 + 9 < 60");
    assert!(
        !shared().reused_after(&h, 10),
        "50 + 10 is the lifetime: stale"
    );
}

#[test]
fn no_store_is_never_stored() {
    let h = [("Cache-Control", "max-age=3600, no-store")];
    assert!(
        !shared().reused_after(&h, 0),
        "no-store: the response must not be stored at all"
    );
    assert!(!setup(false).reused_after(&[("Cache-Control", "No-Store, max-age=60")], 0));
}

#[test]
fn private_is_not_stored_by_a_shared_cache() {
    let h = [("Cache-Control", "private, max-age=3600")];
    assert!(
        !shared().reused_after(&h, 0),
        "a shared cache that stores a private response serves one user's page to the next"
    );
    assert!(
        setup(false).reused_after(&h, 0),
        "a browser's own cache may store it"
    );
}

#[test]
fn only_200_responses_are_stored() {
    let mut s = shared();
    let calls = &s.calls;
    for _ in 0..2 {
        s.cache.get("/missing", |_| {
            calls.set(calls.get() + 1);
            let mut r = Response::ok(&[("Cache-Control", "max-age=60")], "");
            r.status = 500;
            r
        });
    }
    assert_eq!(s.calls.get(), 2, "a 500 is not stored here");
}

#[test]
fn each_url_is_cached_on_its_own() {
    let mut s = shared();
    let calls = &s.calls;
    for url in ["/a", "/b", "/a", "/b"] {
        s.cache.get(url, |u| {
            calls.set(calls.get() + 1);
            Response::ok(&[("Cache-Control", "max-age=60")], u)
        });
    }
    assert_eq!(s.calls.get(), 2, "one origin call per URL");
}

// ---------------------------------------------------------------------------------------------
// http-tests/cache-tests

struct Driven(Option<(ManualClock, HttpCache<ManualClock>)>);

impl Harness for Driven {
    fn reset(&mut self, shared: bool) {
        let clock = ManualClock::at(cache_tests::START);
        self.0 = Some((clock.clone(), HttpCache::new(shared, clock)));
    }
    fn advance(&mut self, secs: u64) {
        self.0.as_ref().unwrap().0.advance(secs);
    }
    fn now(&self) -> u64 {
        use http_freshness::Clock;
        self.0.as_ref().unwrap().0.now()
    }
    fn get(&mut self, url: &str, origin: &mut Origin) -> Answer {
        let (_, cache) = self.0.as_mut().unwrap();
        let response = cache.get(url, |_| {
            let o = origin(&[]);
            Response {
                status: o.status,
                headers: o.headers,
                body: o.body,
            }
        });
        Answer {
            status: response.status,
            headers: response.headers,
        }
    }
}

/// The suites about freshness and storing; the applicable tests among them.
const SUITES: &[&str] = &[
    "cc-freshness",
    "cc-parse",
    "age-parse",
    "expires",
    "expires-parse",
    "cc-response",
];

/// Not applicable here, and why:
/// - `freshness-expires-ansi-c`: its date, "Thu Aug  8 02:01:18 2050", names the wrong
///   weekday (8 August 2050 is a Monday), and the given date parser checks weekdays;
/// - `cc-resp-no-cache*`: `no-cache` (store, but revalidate before every reuse) is step 2.
const SKIP: &[&str] = &[
    "freshness-expires-ansi-c",
    "cc-resp-no-cache",
    "cc-resp-no-cache-case-insensitive",
];

/// Applicable tests counted on the reference solution: a run below this skipped some.
const APPLICABLE: usize = 70;

#[test]
fn the_cache_tests_freshness_suites_pass() {
    let Some(report) = cache_tests::run(&mut Driven(None), SUITES, false, SKIP) else {
        return; // skipped with a note: the vectors are absent
    };
    assert!(
        report.failures.is_empty(),
        "{} of {} http-tests/cache-tests cases failed:\n{}",
        report.failures.len(),
        report.run,
        report.failures.join("\n")
    );
    assert!(
        report.run >= APPLICABLE,
        "only {} cache-tests ran ({} not applicable); {APPLICABLE} apply to this cache",
        report.run,
        report.not_applicable
    );
    eprintln!(
        "cache-tests: {} run, {} passed, {} not applicable",
        report.run, report.passed, report.not_applicable
    );
}
