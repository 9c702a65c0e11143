//! The specification: `run_checks` on tokio's paused clock (every check at once, each cut off
//! at its limit to the millisecond, a panic or a hang reported by name), then `/livez` and
//! `/readyz` over real TCP with ureq and raw bytes.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use health_readiness::{Check, HEALTH_JSON, Health, Outcome, app, run_checks};
use serde_json::{Value, json};
use testkit::tcp;
use tokio::time::{Instant, sleep};

const LIMIT: Duration = Duration::from_secs(2);

fn passing(name: &'static str) -> Check {
    Check::new(name, || async { Ok(()) })
}

fn failing(name: &'static str, why: &'static str) -> Check {
    Check::new(name, move || async move { Err(why.to_string()) })
}

/// A dependency that never answers: a half-open connection, an exhausted pool.
fn hung(name: &'static str) -> Check {
    Check::new(name, std::future::pending)
}

/// A check that answers after `delay` (on the paused clock in these tests).
fn slow(name: &'static str, delay: Duration) -> Check {
    Check::new(name, move || async move {
        sleep(delay).await;
        Ok(())
    })
}

fn pass(name: &'static str) -> (&'static str, Outcome) {
    (name, Outcome::Pass)
}

/// `run_checks`, and how long it took on the paused clock.
async fn timed(checks: &[Check], limit: Duration) -> (Vec<(&'static str, Outcome)>, Duration) {
    let start = Instant::now();
    let outcomes = run_checks(checks, limit).await;
    (outcomes, start.elapsed())
}

// ---------------------------------------------------------------------------------------------
// run_checks, on the paused clock

#[tokio::test(start_paused = true)]
async fn passing_checks_pass_in_order() {
    let checks = [passing("db"), passing("cache")];
    assert_eq!(
        run_checks(&checks, LIMIT).await,
        [pass("db"), pass("cache")]
    );
}

#[tokio::test(start_paused = true)]
async fn no_checks_is_no_outcomes() {
    assert_eq!(run_checks(&[], LIMIT).await, []);
}

#[tokio::test(start_paused = true)]
async fn a_failing_check_says_why() {
    let checks = [passing("db"), failing("cache", "connection refused")];
    assert_eq!(
        run_checks(&checks, LIMIT).await,
        [
            pass("db"),
            ("cache", Outcome::Fail("connection refused".into()))
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_hung_check_times_out_at_the_limit() {
    let (outcomes, took) = timed(&[hung("queue"), passing("db")], LIMIT).await;
    assert_eq!(
        outcomes,
        [("queue", Outcome::TimedOut(LIMIT)), pass("db")],
        "a check that never answers is TimedOut(limit), and the others still report"
    );
    assert_eq!(
        took, LIMIT,
        "run_checks returns when the limit is reached (paused clock), not later"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_check_within_the_limit_passes() {
    let (outcomes, took) = timed(&[slow("api", Duration::from_millis(1500))], LIMIT).await;
    assert_eq!(outcomes, [pass("api")]);
    assert_eq!(
        took,
        Duration::from_millis(1500),
        "done when the check is done"
    );
}

#[tokio::test(start_paused = true)]
async fn checks_run_concurrently_so_hangs_cost_one_limit() {
    let checks = [hung("a"), hung("b"), hung("c")];
    let (outcomes, took) = timed(&checks, LIMIT).await;
    assert!(
        outcomes.iter().all(|(_, o)| *o == Outcome::TimedOut(LIMIT)),
        "{outcomes:?}"
    );
    assert_eq!(
        took, LIMIT,
        "three hung checks must cost one limit (2 s), not three (6 s): start every check \
         before awaiting any"
    );
}

#[tokio::test(start_paused = true)]
async fn results_keep_the_order_of_the_checks_not_of_their_answers() {
    let checks = [
        slow("first", Duration::from_millis(300)),
        slow("second", Duration::from_millis(200)),
        failing("third", "down"),
    ];
    let (outcomes, took) = timed(&checks, LIMIT).await;
    assert_eq!(
        outcomes,
        [
            pass("first"),
            pass("second"),
            ("third", Outcome::Fail("down".into()))
        ]
    );
    assert_eq!(
        took,
        Duration::from_millis(300),
        "the slowest check sets the time, not the sum"
    );
}

#[tokio::test(start_paused = true)]
async fn a_panicking_check_fails_without_taking_the_others_down() {
    let boom = Check::new("boom", || async {
        panic!("a bug in this check; run_checks must contain it (tokio::spawn) and report Fail")
    });
    let (outcomes, _) = timed(&[boom, passing("db")], LIMIT).await;
    assert_eq!(
        outcomes,
        [("boom", Outcome::Fail("check panicked".into())), pass("db")],
        "run each check in its own tokio::spawn: a panic there is a JoinError, not a crash"
    );
}

/// Counts the check's futures still alive: made by `start`, dropped when done or cancelled.
struct Alive(Arc<AtomicUsize>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_check_is_stopped_not_left_running() {
    let alive = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&alive);
    let check = Check::new("hangs", move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let guard = Alive(Arc::clone(&counter));
        async move {
            let _guard = guard;
            std::future::pending::<Result<(), String>>().await
        }
    });
    let (outcomes, _) = timed(&[check], LIMIT).await;
    assert_eq!(outcomes, [("hangs", Outcome::TimedOut(LIMIT))]);
    // Let any task that is still scheduled run, then count.
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    assert_eq!(
        alive.load(Ordering::SeqCst),
        0,
        "the hung check is still running after its timeout: put tokio::time::timeout INSIDE \
         the spawned task (around check.start()), so the timeout drops the check; a timeout \
         around the JoinHandle leaves it running forever, one more on every probe"
    );
}

// ---------------------------------------------------------------------------------------------
// The endpoints over real TCP. The server runs on a runtime of its own thread, on the real
// clock, with a short limit: a hung check makes /readyz wait that long, no more.

const SERVER_LIMIT: Duration = Duration::from_millis(100);

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start(checks: Vec<Check>) -> Server {
    let app = app(Health {
        checks: Arc::new(checks),
        timeout: SERVER_LIMIT,
    });
    let (addr_tx, addr_rx) = mpsc::channel();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx
        .recv()
        .expect("the server thread reports its address");
    Server {
        addr,
        shutdown: Some(shutdown),
        thread: Some(thread),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shutdown.take().unwrap().send(());
        let thread = self.thread.take().unwrap();
        if !std::thread::panicking() {
            thread.join().expect("the server thread ends cleanly");
        }
    }
}

/// GET `path` with ureq: (status, content type, body as JSON).
fn get(server: &Server, path: &str) -> (u16, String, Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into();
    let mut res = agent
        .get(format!("http://{}{path}", server.addr))
        .call()
        .unwrap_or_else(|e| {
            panic!(
                "GET {path}: no response within {:?} ({e}): a probe that hangs is the failure \
                 this exercise prevents (or a todo!() is left)",
                tcp::TIMEOUT
            )
        });
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let text = res.body_mut().read_to_string().unwrap();
    let body = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("GET {path}: the body is not JSON ({e}): {text:?}"));
    (res.status().as_u16(), content_type, body)
}

#[test]
fn livez_answers_pass() {
    let server = start(vec![passing("db")]);
    let (status, content_type, body) = get(&server, "/livez");
    assert_eq!((status, body), (200, json!({"status": "pass"})));
    assert_eq!(content_type, HEALTH_JSON);
}

#[test]
fn livez_runs_no_check_and_ignores_a_hung_dependency() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let counting = Check::new("db", move || {
        counted.fetch_add(1, Ordering::SeqCst);
        std::future::pending()
    });
    let server = start(vec![counting]);
    let (status, _, _) = get(&server, "/livez");
    assert_eq!(status, 200, "liveness does not depend on the database");
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "/livez ran a dependency check: a liveness probe that checks the database restarts \
         every replica when the database blips"
    );
}

#[test]
fn readyz_is_200_when_every_check_passes() {
    let server = start(vec![passing("db"), passing("cache")]);
    let (status, content_type, body) = get(&server, "/readyz");
    assert_eq!(status, 200);
    assert_eq!(content_type, HEALTH_JSON);
    assert_eq!(
        body,
        json!({
            "status": "pass",
            "checks": {"db": {"status": "pass"}, "cache": {"status": "pass"}}
        }),
        "each check by name; no output member for a pass"
    );
}

#[test]
fn readyz_is_503_naming_the_failed_check() {
    let server = start(vec![passing("db"), failing("cache", "connection refused")]);
    let (status, _, body) = get(&server, "/readyz");
    assert_eq!(
        status, 503,
        "one failed dependency: not ready (503 Service Unavailable)"
    );
    assert_eq!(
        body,
        json!({
            "status": "fail",
            "checks": {
                "db": {"status": "pass"},
                "cache": {"status": "fail", "output": "connection refused"}
            }
        })
    );
}

#[test]
fn readyz_with_a_hung_dependency_fails_fast_and_says_so() {
    let server = start(vec![hung("queue"), passing("db")]);
    let (status, _, body) = get(&server, "/readyz");
    assert_eq!(status, 503);
    assert_eq!(
        body["checks"]["queue"],
        json!({"status": "fail", "output": "timed out after 100ms"}),
        "Outcome::output() says which limit ran out; the whole body: {body}"
    );
    assert_eq!(body["checks"]["db"], json!({"status": "pass"}));
}

#[test]
fn readyz_checks_again_on_every_probe() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let counting = Check::new("db", move || {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        async move {
            if n == 0 {
                Err("starting".to_string())
            } else {
                Ok(())
            }
        }
    });
    let server = start(vec![counting]);
    assert_eq!(get(&server, "/readyz").0, 503, "the first check fails");
    assert_eq!(
        get(&server, "/readyz").0,
        200,
        "the second probe runs the check again and it passes: a dependency that recovers \
         puts the instance back in rotation"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

#[test]
fn raw_bytes_over_tcp_get_the_status_line() {
    let server = start(vec![failing("db", "down")]);
    let mut stream = tcp::connect(server.addr);
    stream
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("HTTP/1.1 503 Service Unavailable\r\n")
            && text
                .to_ascii_lowercase()
                .contains("\r\ncontent-type: application/health+json\r\n"),
        "expected a 503 with Content-Type: application/health+json, got:\n{text}"
    );
}
