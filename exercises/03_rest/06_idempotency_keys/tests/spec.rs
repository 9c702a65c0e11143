//! The specification of an Idempotency-Key layer (draft-ietf-httpapi-idempotency-key-header).

use idempotency_keys::{
    Clock, IdempotencyLayer, MAX_KEY_LEN, ManualClock, Request, Response, parse_key,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

/// The example key of the draft ("Syntax" section).
const KEY: &str = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
const TTL: Duration = Duration::from_secs(24 * 60 * 60);

fn layer() -> (IdempotencyLayer, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    (IdempotencyLayer::new(TTL, dyn_clock), clock)
}

fn payment(key: &str, body: &str) -> Request {
    Request::new("POST", "/payments")
        .with_header("Idempotency-Key", key)
        .with_header("Content-Type", "application/json")
        .with_body(body)
}

/// A handler that "charges a card": counts its calls and answers with the charge number.
struct Charger {
    calls: AtomicUsize,
}

impl Charger {
    fn new() -> Self {
        Charger {
            calls: AtomicUsize::new(0),
        }
    }

    fn charge(&self, _req: &Request) -> Response {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Response::new(201)
            .with_header("Location", &format!("/payments/{n}"))
            .with_body(format!("{{\"payment\":{n}}}"))
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

// ----- the header value -----------------------------------------------------------------------

#[test]
fn parse_key_accepts_the_draft_example() {
    assert_eq!(
        parse_key(KEY).as_deref(),
        Some("8e03978e-40d5-43e8-bc93-6894a57f9324"),
        "Idempotency-Key is a Structured Field String: the key is inside the quotes"
    );
}

#[test]
fn parse_key_unescapes_quote_and_backslash() {
    assert_eq!(
        parse_key(r#""a\"b""#).as_deref(),
        Some("a\"b"),
        r#"\" is an escaped quote (RFC 9651 §4.2.5)"#
    );
    assert_eq!(
        parse_key(r#""a\\b""#).as_deref(),
        Some("a\\b"),
        r"\\ is an escaped backslash"
    );
    assert_eq!(
        parse_key("  \"k 1\"  ").as_deref(),
        Some("k 1"),
        "spaces around the value are ignored, spaces inside are part of the key"
    );
}

#[test]
fn parse_key_rejects_what_is_not_an_sf_string() {
    for bad in [
        "8e03978e-40d5-43e8-bc93-6894a57f9324",
        "\"unterminated",
        "\"a\"b\"",
        "\"a\" trailing",
        r#""a\nb""#,
        "\"tab\there\"",
        "\"caf\u{e9}\"",
        "\"\"",
        "",
        "'single'",
    ] {
        assert_eq!(
            parse_key(bad),
            None,
            "{bad:?} is not a valid key: an sf-string is DQUOTE, printable ASCII with only \\\" and \\\\ escapes, DQUOTE (RFC 9651 §3.3.3); an empty key identifies nothing"
        );
    }
}

#[test]
fn parse_key_enforces_the_length_limit() {
    let longest = format!("\"{}\"", "k".repeat(MAX_KEY_LEN));
    assert_eq!(
        parse_key(&longest).map(|k| k.len()),
        Some(MAX_KEY_LEN),
        "{MAX_KEY_LEN} characters is allowed"
    );
    let too_long = format!("\"{}\"", "k".repeat(MAX_KEY_LEN + 1));
    assert_eq!(
        parse_key(&too_long),
        None,
        "a key over {MAX_KEY_LEN} characters is refused: keys are stored, so their size is bounded"
    );
}

// ----- the happy path -------------------------------------------------------------------------

#[test]
fn first_request_does_the_work() {
    let (layer, _) = layer();
    let charger = Charger::new();
    let resp = layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| charger.charge(r));
    assert_eq!(
        resp.status, 201,
        "a new key: the request is processed normally"
    );
    assert_eq!(charger.calls(), 1, "the work ran once");
}

#[test]
fn a_retry_replays_the_stored_response_without_redoing_the_work() {
    let (layer, clock) = layer();
    let charger = Charger::new();
    let first = layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| charger.charge(r));
    clock.advance(Duration::from_secs(5));
    let retry = layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| charger.charge(r));
    assert_eq!(
        charger.calls(),
        1,
        "the retry must not charge the card again: that is the whole point of the key"
    );
    assert_eq!(
        retry, first,
        "the retry gets the stored response — same status, headers and body (payment 1)"
    );
}

#[test]
fn different_keys_are_different_operations() {
    let (layer, _) = layer();
    let charger = Charger::new();
    layer.handle(&payment("\"key-1\"", r#"{"amount":100}"#), |r| {
        charger.charge(r)
    });
    layer.handle(&payment("\"key-2\"", r#"{"amount":100}"#), |r| {
        charger.charge(r)
    });
    assert_eq!(
        charger.calls(),
        2,
        "two keys, two payments, even with identical bodies"
    );
}

#[test]
fn idempotent_methods_need_no_key() {
    let (layer, _) = layer();
    let charger = Charger::new();
    for method in ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"] {
        let resp = layer.handle(&Request::new(method, "/payments/1"), |r| charger.charge(r));
        assert_eq!(
            resp.status, 201,
            "{method} is idempotent already (RFC 9110 §9.2.2): it goes straight to the handler, no key required"
        );
    }
    assert_eq!(charger.calls(), 5, "and every call reaches the handler");
}

// ----- errors ---------------------------------------------------------------------------------

#[track_caller]
fn assert_problem(resp: &Response, status: u16, why: &str) {
    assert_eq!(resp.status, status, "{why}");
    assert!(
        resp.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v == "application/problem+json"),
        "the error is a problem details response (use idempotency_problem): {why}"
    );
}

#[test]
fn post_without_a_key_is_400_and_does_no_work() {
    let (layer, _) = layer();
    let charger = Charger::new();
    let req = Request::new("POST", "/payments").with_body(r#"{"amount":100}"#);
    let resp = layer.handle(&req, |r| charger.charge(r));
    assert_problem(
        &resp,
        400,
        "POST without Idempotency-Key where one is required: 400 Bad Request (draft, Error Scenarios)",
    );
    assert_eq!(charger.calls(), 0, "a refused request does no work");
}

#[test]
fn patch_requires_a_key_too() {
    let (layer, _) = layer();
    let charger = Charger::new();
    let resp = layer.handle(&Request::new("PATCH", "/payments/1"), |r| charger.charge(r));
    assert_problem(&resp, 400, "PATCH is not idempotent either: it needs a key");
}

#[test]
fn an_invalid_key_is_400() {
    let (layer, _) = layer();
    let charger = Charger::new();
    for bad in ["unquoted", "\"\"", "\"a\" \"b\""] {
        let resp = layer.handle(&payment(bad, "{}"), |r| charger.charge(r));
        assert_problem(
            &resp,
            400,
            &format!("Idempotency-Key: {bad} is not a valid key: 400"),
        );
    }
    assert_eq!(charger.calls(), 0);
}

#[test]
fn two_key_headers_are_400() {
    let (layer, _) = layer();
    let charger = Charger::new();
    let req = payment("\"first\"", "{}").with_header("idempotency-key", "\"second\"");
    let resp = layer.handle(&req, |r| charger.charge(r));
    assert_problem(
        &resp,
        400,
        "clients MUST NOT send more than one Idempotency-Key (draft, Syntax): which one would count?",
    );
    assert_eq!(charger.calls(), 0);
}

#[test]
fn same_key_with_a_different_body_is_422() {
    let (layer, _) = layer();
    let charger = Charger::new();
    layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| charger.charge(r));
    let resp = layer.handle(&payment(KEY, r#"{"amount":999}"#), |r| charger.charge(r));
    assert_problem(
        &resp,
        422,
        "a key reused with a different payload is a client bug: 422, never a replay of the answer to another request (draft, Error Scenarios)",
    );
    assert_eq!(
        charger.calls(),
        1,
        "and the different request is not processed either"
    );
}

#[test]
fn same_key_on_a_different_path_is_422() {
    let (layer, _) = layer();
    let charger = Charger::new();
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    let refund = Request::new("POST", "/refunds")
        .with_header("Idempotency-Key", KEY)
        .with_body("{}");
    let resp = layer.handle(&refund, |r| charger.charge(r));
    assert_problem(
        &resp,
        422,
        "the same key on another endpoint is another operation: 422",
    );
}

// ----- concurrency ----------------------------------------------------------------------------

#[test]
fn racing_retries_do_the_work_exactly_once() {
    const THREADS: usize = 16;
    let layer = Arc::new(layer().0);
    let charger = Arc::new(Charger::new());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (layer, charger, barrier) = (layer.clone(), charger.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| {
                    // A slow payment provider: wide open for a race.
                    thread::sleep(Duration::from_millis(50));
                    charger.charge(r)
                })
            })
        })
        .collect();
    let responses: Vec<Response> = handles
        .into_iter()
        .map(|h| h.join().expect("no request panics"))
        .collect();

    assert_eq!(
        charger.calls(),
        1,
        "{THREADS} simultaneous requests with one key charged the card {} times: look the key up and store the response under one lock, or two threads both see it absent",
        charger.calls()
    );
    for resp in &responses {
        assert!(
            resp.status == 201 && resp.body == b"{\"payment\":1}",
            "every racer gets the one stored response (payment 1), got {} {:?}",
            resp.status,
            String::from_utf8_lossy(&resp.body)
        );
    }
}

// ----- expiry ---------------------------------------------------------------------------------

#[test]
fn a_key_is_replayed_until_its_ttl() {
    let (layer, clock) = layer();
    let charger = Charger::new();
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    clock.advance(TTL - Duration::from_secs(1));
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        charger.calls(),
        1,
        "one second before the TTL the key still replays"
    );
}

#[test]
fn an_expired_key_is_forgotten() {
    let (layer, clock) = layer();
    let charger = Charger::new();
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    clock.advance(TTL);
    let resp = layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        (resp.status, charger.calls()),
        (201, 2),
        "at the TTL the key has expired: the request is new again and the work runs"
    );
}

#[test]
fn an_expired_key_may_be_reused_for_a_different_body() {
    let (layer, clock) = layer();
    let charger = Charger::new();
    layer.handle(&payment(KEY, r#"{"amount":1}"#), |r| charger.charge(r));
    clock.advance(TTL + Duration::from_secs(1));
    let resp = layer.handle(&payment(KEY, r#"{"amount":2}"#), |r| charger.charge(r));
    assert_eq!(
        resp.status, 201,
        "an expired key is forgotten entirely: no 422 for its old body"
    );
}

#[test]
fn ttl_counts_from_when_the_work_finished() {
    let clock = Arc::new(ManualClock::new());
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    let layer = IdempotencyLayer::new(Duration::from_secs(10), dyn_clock);
    let charger = Charger::new();
    // The work itself takes 8 "seconds".
    layer.handle(&payment(KEY, "{}"), |r| {
        clock.advance(Duration::from_secs(8));
        charger.charge(r)
    });
    clock.advance(Duration::from_secs(9));
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        charger.calls(),
        1,
        "9 s after the response was stored (17 s after the request) a 10 s TTL has not run out yet"
    );
}

#[test]
fn expired_keys_are_dropped_from_memory() {
    let (layer, clock) = layer();
    let charger = Charger::new();
    for i in 0..100 {
        layer.handle(&payment(&format!("\"key-{i}\""), "{}"), |r| {
            charger.charge(r)
        });
    }
    assert_eq!(layer.stored_keys(), 100, "100 keys are remembered");
    clock.advance(TTL);
    layer.handle(&payment("\"fresh\"", "{}"), |r| charger.charge(r));
    assert_eq!(
        layer.stored_keys(),
        1,
        "after the TTL the 100 old keys are gone, not just ignored: a store that only grows runs out of memory"
    );
}
