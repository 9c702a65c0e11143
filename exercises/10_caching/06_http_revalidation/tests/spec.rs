//! The specification of revalidation (RFC 9111 §4.3): a stale response with an ETag is
//! revalidated with `If-None-Match`; a 304 updates the stored headers, makes the response
//! fresh again and serves the stored body as a 200; a 200 replaces it; `no-cache` is stored
//! but revalidated on every use. The origin is a closure that records every request it gets;
//! time is a manual clock. Then the applicable tests of http-tests/cache-tests.

use http_revalidation::{HttpCache, ManualClock, Request, Response, update_headers};
use testkit::cache_tests::{self, Answer, Harness, Origin};

const NOW: u64 = 1_700_000_000;
const NOW_HTTP: &str = "Tue, 14 Nov 2023 22:13:20 GMT";

struct Setup {
    clock: ManualClock,
    cache: HttpCache<ManualClock>,
    /// The If-None-Match of every request that reached the origin (None: unconditional).
    seen: Vec<Option<String>>,
}

fn setup() -> Setup {
    let clock = ManualClock::at(NOW);
    Setup {
        cache: HttpCache::new(true, clock.clone()),
        clock,
        seen: Vec::new(),
    }
}

fn not_modified(headers: &[(&str, &str)]) -> Response {
    let mut r = Response::ok(headers, "");
    r.status = 304;
    r
}

impl Setup {
    /// A GET answered, if it reaches the origin, by `respond`.
    fn get(&mut self, respond: impl FnOnce(&Request) -> Response) -> Response {
        let seen = &mut self.seen;
        self.cache.get("/doc", |request| {
            seen.push(request.header("If-None-Match"));
            respond(request)
        })
    }
}

fn v1() -> Response {
    Response::ok(
        &[
            ("Cache-Control", "max-age=10"),
            ("ETag", "\"v1\""),
            ("Date", NOW_HTTP),
            ("X-Kept", "yes"),
        ],
        "the body, version 1",
    )
}

// ---------------------------------------------------------------------------------------------
// update_headers

#[test]
fn a_304_replaces_the_fields_it_carries_and_keeps_the_others() {
    let mut stored = Response::ok(
        &[
            ("Cache-Control", "max-age=10"),
            ("X-Kept", "yes"),
            ("X-Two", "a"),
            ("X-Two", "b"),
        ],
        "body",
    );
    update_headers(
        &mut stored,
        &not_modified(&[("cache-control", "max-age=60"), ("X-Two", "c")]),
    );
    assert_eq!(
        stored.header("Cache-Control").as_deref(),
        Some("max-age=60"),
        "names match case-insensitively"
    );
    assert_eq!(
        stored.header("X-Two").as_deref(),
        Some("c"),
        "every stored line of a name the 304 carries is replaced"
    );
    assert_eq!(
        stored.header("X-Kept").as_deref(),
        Some("yes"),
        "a field the 304 does not carry stays"
    );
    assert_eq!(stored.body, "body");
}

#[test]
fn a_304_never_updates_content_length() {
    let mut stored = Response::ok(&[("Content-Length", "4")], "body");
    update_headers(&mut stored, &not_modified(&[("Content-Length", "0")]));
    assert_eq!(
        stored.header("Content-Length").as_deref(),
        Some("4"),
        "the 304's Content-Length is about its own empty body (RFC 9111 §3.2)"
    );
}

// ---------------------------------------------------------------------------------------------
// conditional requests

#[test]
fn a_fresh_response_is_still_served_without_asking() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(9);
    s.get(|_| panic!("a fresh response must not reach the origin"));
    assert_eq!(s.seen, [None]);
}

#[test]
fn a_stale_response_with_an_etag_is_revalidated_with_if_none_match() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    s.get(|_| not_modified(&[("ETag", "\"v1\"")]));
    assert_eq!(
        s.seen,
        [None, Some("\"v1\"".to_string())],
        "If-None-Match of each request the origin saw: the second asks about the stored ETag"
    );
}

#[test]
fn a_304_serves_the_stored_body_as_a_200() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    let answer = s.get(|_| not_modified(&[("ETag", "\"v1\"")]));
    assert_eq!(
        answer.status, 200,
        "the client sent a plain GET: it gets a 200, not the 304"
    );
    assert_eq!(
        answer.body, "the body, version 1",
        "the body comes from the cache"
    );
}

#[test]
fn a_304_updates_the_headers_the_client_sees() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    let answer = s.get(|_| {
        not_modified(&[
            ("ETag", "\"v1\""),
            ("Cache-Control", "max-age=600"),
            ("X-New", "1"),
        ])
    });
    assert_eq!(
        answer.header("Cache-Control").as_deref(),
        Some("max-age=600")
    );
    assert_eq!(answer.header("X-New").as_deref(), Some("1"));
    assert_eq!(answer.header("X-Kept").as_deref(), Some("yes"));
}

#[test]
fn a_304_makes_the_stored_response_fresh_again() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    // No new Date in the 304: the stored Date is 10 s old, the new lifetime 60 s.
    s.get(|_| not_modified(&[("Cache-Control", "max-age=60")]));
    s.clock.advance(49);
    let answer = s.get(|_| panic!("59 s after its Date, with max-age=60, it is fresh"));
    assert_eq!(answer.body, "the body, version 1");
    assert_eq!(
        s.seen.len(),
        2,
        "two requests reached the origin: the first and the revalidation"
    );
}

#[test]
fn the_age_starts_over_after_a_304() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    let revalidated_at = "Tue, 14 Nov 2023 22:13:30 GMT";
    s.get(|_| not_modified(&[("Date", revalidated_at), ("Cache-Control", "max-age=10")]));
    s.clock.advance(9);
    let answer = s.get(|_| panic!("9 s after the revalidation, with max-age=10, it is fresh"));
    assert_eq!(
        answer.header("Age").as_deref(),
        Some("9"),
        "the age counts from the 304"
    );
}

#[test]
fn a_200_to_a_conditional_request_replaces_the_stored_response() {
    let mut s = setup();
    s.get(|_| v1());
    s.clock.advance(10);
    let v2 = || {
        Response::ok(
            &[("Cache-Control", "max-age=10"), ("ETag", "\"v2\"")],
            "version 2",
        )
    };
    assert_eq!(s.get(|_| v2()).body, "version 2");
    assert_eq!(s.get(|_| panic!("v2 is fresh")).body, "version 2");
    s.clock.advance(10);
    s.get(|_| not_modified(&[]));
    assert_eq!(
        s.seen.last().unwrap().as_deref(),
        Some("\"v2\""),
        "the next revalidation asks about v2"
    );
}

#[test]
fn a_stale_response_without_an_etag_is_fetched_unconditionally() {
    let mut s = setup();
    s.get(|_| Response::ok(&[("Cache-Control", "max-age=10")], "no validator"));
    s.clock.advance(10);
    s.get(|_| Response::ok(&[], "again"));
    assert_eq!(
        s.seen,
        [None, None],
        "no ETag, nothing to put in If-None-Match"
    );
}

// ---------------------------------------------------------------------------------------------
// no-cache

#[test]
fn no_cache_is_stored_but_revalidated_on_every_use() {
    let mut s = setup();
    let doc = || {
        Response::ok(
            &[
                ("Cache-Control", "max-age=3600, no-cache"),
                ("ETag", "\"n\""),
            ],
            "always checked",
        )
    };
    s.get(|_| doc());
    for _ in 0..3 {
        let answer = s.get(|_| not_modified(&[]));
        assert_eq!(
            answer.body, "always checked",
            "served from the store after each 304"
        );
    }
    assert_eq!(
        s.seen,
        [
            None,
            Some("\"n\"".into()),
            Some("\"n\"".into()),
            Some("\"n\"".into())
        ],
        "no-cache: stored (each later request is conditional), never reused without asking, \
         even though max-age=3600 says it is fresh"
    );
}

#[test]
fn no_cache_directive_names_are_case_insensitive() {
    let mut s = setup();
    s.get(|_| Response::ok(&[("Cache-Control", "max-age=3600, No-Cache")], "x"));
    s.get(|_| Response::ok(&[], "y"));
    assert_eq!(s.seen.len(), 2);
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
        use http_revalidation::Clock;
        self.0.as_ref().unwrap().0.now()
    }
    fn get(&mut self, url: &str, origin: &mut Origin) -> Answer {
        let (_, cache) = self.0.as_mut().unwrap();
        let response = cache.get(url, |request| {
            let o = origin(&request.headers);
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

/// Step 1's suites, now with `no-cache`, plus validation and 304 updates.
const SUITES: &[&str] = &[
    "cc-freshness",
    "cc-parse",
    "age-parse",
    "expires",
    "expires-parse",
    "cc-response",
    "conditional-inm",
    "update304",
];

/// Not applicable: `freshness-expires-ansi-c` names the wrong weekday (see step 1).
const SKIP: &[&str] = &["freshness-expires-ansi-c"];

/// Applicable tests counted on the reference solution: a run below this skipped some.
const APPLICABLE: usize = 83;

#[test]
fn the_cache_tests_validation_suites_pass() {
    let Some(report) = cache_tests::run(&mut Driven(None), SUITES, true, SKIP) else {
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
