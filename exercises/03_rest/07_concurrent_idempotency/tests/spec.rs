//! The specification of an Idempotency-Key layer whose work runs outside its lock: a key is
//! claimed in flight atomically, a retry meanwhile is 409 at once, other keys proceed, and a
//! panicking handler releases its key (draft-ietf-httpapi-idempotency-key-header).

use concurrent_idempotency::{Clock, IdempotencyLayer, ManualClock, Request, Response};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;
use testkit::within;

const KEY: &str = "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
const TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Long enough for any loaded machine; a correct layer answers in microseconds.
const LIMIT: Duration = Duration::from_secs(1);

fn layer() -> (Arc<IdempotencyLayer>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new());
    let dyn_clock: Arc<dyn Clock> = clock.clone();
    (Arc::new(IdempotencyLayer::new(TTL, dyn_clock)), clock)
}

fn payment(key: &str, body: &str) -> Request {
    Request::new("POST", "/payments")
        .with_header("Idempotency-Key", key)
        .with_body(body)
}

/// A handler that "charges a card": counts its calls and answers with the charge number.
#[derive(Default)]
struct Charger {
    calls: AtomicUsize,
}

impl Charger {
    fn charge(&self, _req: &Request) -> Response {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Response::new(201).with_body(format!("{{\"payment\":{n}}}"))
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

fn is_problem(resp: &Response, status: u16) -> bool {
    resp.status == status
        && resp
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v == "application/problem+json")
}

fn show(resp: &Response) -> String {
    format!("{} {}", resp.status, String::from_utf8_lossy(&resp.body))
}

/// Runs `first` with `key` and `body`; inside its work, runs `inner` (another request on the
/// same layer) and returns what `inner` answered. A layer that holds its lock during the work
/// deadlocks here, so it runs with a time limit and `blocked` says what that means.
fn during_work(
    layer: &Arc<IdempotencyLayer>,
    inner: impl FnOnce(&IdempotencyLayer) -> Response + Send + 'static,
    blocked: &str,
) -> Response {
    let layer = layer.clone();
    let got = within(LIMIT, move || {
        let mut answer = None;
        layer.handle(&payment(KEY, "{}"), |r| {
            answer = Some(inner(&layer));
            Charger::default().charge(r)
        });
        answer.expect("the work ran")
    });
    got.unwrap_or_else(|_| panic!("{blocked}"))
}

// ----- in flight -------------------------------------------------------------------------------

#[test]
fn another_key_proceeds_while_one_is_in_flight() {
    let (layer, _) = layer();
    let other = during_work(
        &layer,
        |layer| {
            layer.handle(&payment("\"other\"", "{}"), |r| {
                Charger::default().charge(r)
            })
        },
        "a request with another key waited for the first one's work (or deadlocked): the lock must not be held while `work` runs",
    );
    assert_eq!(
        other.status,
        201,
        "another key is another operation: it runs, got {}",
        show(&other)
    );
}

#[test]
fn a_retry_while_the_first_is_in_flight_is_409_at_once() {
    let (layer, _) = layer();
    let retry = during_work(
        &layer,
        |layer| {
            layer.handle(&payment(KEY, "{}"), |_| {
                panic!("the work of a retry must not start while the first attempt is in flight")
            })
        },
        "a retry of a key in flight waited (or deadlocked): claim the key, release the lock, and answer a retry 409 at once",
    );
    assert!(
        is_problem(&retry, 409),
        "a retry while the first request is in flight is a 409 Conflict problem (draft, Error Scenarios), got {}",
        show(&retry)
    );
}

#[test]
fn a_different_request_with_a_key_in_flight_is_422() {
    let (layer, _) = layer();
    let other = during_work(
        &layer,
        |layer| {
            layer.handle(&payment(KEY, r#"{"amount":999}"#), |_| {
                panic!("a mismatched request must not run")
            })
        },
        "a request with a key in flight waited (or deadlocked): the lock must not be held while `work` runs",
    );
    assert!(
        is_problem(&other, 422),
        "the key is claimed by another request (a different body): 422, whether that request is in flight or done, got {}",
        show(&other)
    );
}

#[test]
fn a_key_in_flight_never_expires() {
    let (layer, clock) = layer();
    let retry = during_work(
        &layer,
        move |layer| {
            clock.advance(TTL * 2);
            layer.handle(&payment(KEY, "{}"), |_| {
                panic!("the work of a retry must not start while the first attempt is in flight")
            })
        },
        "a retry of a key in flight waited (or deadlocked): the lock must not be held while `work` runs",
    );
    assert!(
        is_problem(&retry, 409),
        "the first request has run for two TTLs and is still in flight: only a finished response expires, so the key is still claimed (409), got {}",
        show(&retry)
    );
}

#[test]
fn a_key_in_flight_is_remembered() {
    let (layer, _) = layer();
    let counted = {
        let layer = layer.clone();
        within(LIMIT, move || {
            let mut count = 0;
            layer.handle(&payment(KEY, "{}"), |r| {
                count = layer.stored_keys();
                Charger::default().charge(r)
            });
            count
        })
        .expect("stored_keys during the work waited (or deadlocked): the lock must not be held while `work` runs")
    };
    assert_eq!(
        counted, 1,
        "while its work runs, the key is claimed: stored_keys counts it"
    );
    assert_eq!(
        layer.stored_keys(),
        1,
        "after the work, the key holds the response"
    );
}

// ----- threads ---------------------------------------------------------------------------------

#[test]
fn a_retry_from_another_thread_is_409_and_the_first_still_completes() {
    let (layer, _) = layer();
    let charger = Arc::new(Charger::default());
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let first = {
        let (layer, charger) = (layer.clone(), charger.clone());
        thread::spawn(move || {
            layer.handle(&payment(KEY, "{}"), |r| {
                started_tx.send(()).unwrap();
                // Hold the work open until the test says so (or give up after 5 s).
                let _ = release_rx.recv_timeout(Duration::from_secs(5));
                charger.charge(r)
            })
        })
    };
    started_rx
        .recv_timeout(Duration::from_secs(2))
        .expect("the first request starts its work");
    let retry = {
        let (layer, charger) = (layer.clone(), charger.clone());
        within(LIMIT, move || {
            layer.handle(&payment(KEY, "{}"), |r| charger.charge(r))
        })
    };
    release_tx.send(()).unwrap();
    let retry = retry.expect(
        "the retry blocked while the first request was in flight: answer 409 at once, and do not hold the lock while the work runs",
    );
    assert!(
        is_problem(&retry, 409),
        "a retry of a key in flight is 409, got {}",
        show(&retry)
    );
    let original = first.join().expect("the first request completes");
    assert_eq!(charger.calls(), 1, "the work ran once");
    let later = layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        later, original,
        "once finished, the same key replays the response"
    );
}

#[test]
fn racing_retries_do_the_work_exactly_once() {
    const THREADS: usize = 16;
    let (layer, _) = layer();
    let charger = Arc::new(Charger::default());
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (layer, charger, barrier) = (layer.clone(), charger.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                layer.handle(&payment(KEY, r#"{"amount":100}"#), |r| {
                    // A slow payment provider: the window for a race stays open.
                    thread::sleep(Duration::from_millis(20));
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
        "{THREADS} simultaneous requests with one key charged the card {} times: check and claim the key in one critical section",
        charger.calls()
    );
    for resp in &responses {
        assert!(
            is_problem(resp, 409) || (resp.status == 201 && resp.body == b"{\"payment\":1}"),
            "every racer gets either the one stored response or 409, got {}",
            show(resp)
        );
    }
}

// ----- failure --------------------------------------------------------------------------------

#[test]
fn a_panicking_handler_releases_the_key() {
    let (layer, _) = layer();
    let charger = Charger::default();
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        layer.handle(&payment(KEY, "{}"), |_| panic!("payment provider exploded"))
    }));
    assert!(crashed.is_err(), "the handler's panic propagates");
    let retry = layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        retry.status,
        201,
        "the crashed attempt produced nothing to replay: the key must not stay in flight for ever (every retry would get 409), got {}",
        show(&retry)
    );
    assert_eq!(layer.stored_keys(), 1, "and the retry's response is stored");
}

// ----- what the previous exercise did still holds -----------------------------------------------

#[test]
fn a_finished_key_replays_and_refuses_another_body() {
    let (layer, _) = layer();
    let charger = Charger::default();
    let first = layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    let retry = layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        (retry, charger.calls()),
        (first, 1),
        "a retry of a finished key replays it"
    );
    let other = layer.handle(&payment(KEY, r#"{"amount":1}"#), |r| charger.charge(r));
    assert!(
        is_problem(&other, 422),
        "the same key with another body is 422, got {}",
        show(&other)
    );
}

#[test]
fn a_finished_key_expires_ttl_after_its_work_finished() {
    let (layer, clock) = layer();
    let charger = Charger::default();
    layer.handle(&payment(KEY, "{}"), |r| {
        clock.advance(Duration::from_secs(8));
        charger.charge(r)
    });
    clock.advance(TTL - Duration::from_secs(1));
    layer.handle(&payment(KEY, "{}"), |r| charger.charge(r));
    assert_eq!(
        charger.calls(),
        1,
        "one second before the TTL (counted from the end of the work) the key still replays"
    );
    clock.advance(Duration::from_secs(1));
    let resp = layer.handle(&payment("\"other\"", "{}"), |r| charger.charge(r));
    assert_eq!(resp.status, 201);
    assert_eq!(
        layer.stored_keys(),
        1,
        "at the TTL the finished key is removed, not just ignored"
    );
}

#[test]
fn requests_without_a_usable_key_are_still_refused() {
    let (layer, _) = layer();
    let charger = Charger::default();
    let none = layer.handle(&Request::new("POST", "/payments"), |r| charger.charge(r));
    assert!(
        is_problem(&none, 400),
        "POST without a key is 400, got {}",
        show(&none)
    );
    let get = layer.handle(&Request::new("GET", "/payments/1"), |r| charger.charge(r));
    assert_eq!(get.status, 201, "GET needs no key");
    assert_eq!(charger.calls(), 1);
}
