//! The specification of step 4: every request counted by method, route template and status,
//! and timed into a histogram (on a timer that moves exactly 25 ms per request), served at
//! `GET /metrics` in the Prometheus text format 0.0.4; over real TCP with ureq (set not to
//! follow redirects) and raw bytes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};
use shortener_metrics::{BUCKETS, Clock, Config, Db, app, open};
use testkit::tcp;
use token_bucket::Limit;

// ---------------------------------------------------------------------------------------------
// Your earlier crates first: a todo!() left there would otherwise show up here as a dropped
// connection, far from its cause.

/// Argon2id at its smallest costs (8 KiB, 1 pass): the tests check the flow, not the
/// strength, and must finish in well under 2 s. Production uses OWASP's (see main in step 4).
fn test_params() -> argon2::Params {
    argon2::Params::new(8, 1, 1, None).unwrap()
}

#[track_caller]
fn require<T>(crate_name: &str, dir: &str, expected: &str, probe: impl FnOnce() -> Option<T>) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(probe)) {
        Ok(Some(_)) => {}
        Ok(None) => panic!(
            "your {crate_name} crate (exercises/{dir}) did not do what this step relies on \
             ({expected}): run its tests (`backlings run {crate_name}`) and fix it first"
        ),
        Err(_) => panic!(
            "this step runs your {crate_name} crate (exercises/{dir}), which panicked (see \
             above: a todo!() left?). Finish that exercise first: `backlings run {crate_name}`"
        ),
    }
}

fn require_parts() {
    require(
        "migrations",
        "05_sql/08_migrations",
        "migrate returns the new version",
        || {
            let mut conn = rusqlite::Connection::open_in_memory().unwrap();
            let probe = migrations::Migration {
                name: "probe",
                sql: "CREATE TABLE probe (x INTEGER);",
            };
            (migrations::migrate(&mut conn, &[probe]).ok()? == 1).then_some(())
        },
    );
    require(
        "password_hashing",
        "07_hashing/03_password_hashing",
        "a hash verifies with its password and not with another",
        || {
            let hash = password_hashing::hash_password("correct horse", &test_params()).ok()?;
            let right = password_hashing::verify_password("correct horse", &hash).ok()?;
            let wrong = password_hashing::verify_password("battery staple", &hash).ok()?;
            (right && !wrong).then_some(())
        },
    );
    require(
        "sessions",
        "08_auth/01_sessions",
        "a session made by login is found by get, with its user",
        || {
            let mut store = sessions::SessionStore::new(rand::rngs::OsRng, 60, 600);
            let id = store.login(None, "ada", 1_000);
            store.set_cookie(&id, 1_000)?;
            (store.get(&id, 1_001)?.user.as_deref() == Some("ada")).then_some(())
        },
    );
    require(
        "token_bucket",
        "11_scaling/01_token_bucket",
        "a bucket of one token gives it, then says to wait for the next",
        || {
            let limit = Limit {
                capacity: 1,
                every: Duration::from_secs(1),
            };
            let mut bucket = token_bucket::Bucket::full(limit, Duration::ZERO);
            bucket.try_take(limit, Duration::ZERO).ok()?;
            (bucket.try_take(limit, Duration::ZERO) == Err(Duration::from_secs(1))).then_some(())
        },
    );
    require(
        "lru_cache",
        "10_caching/01_lru_cache",
        "a cache of one entry evicts the older key and keeps the newer",
        || {
            let mut cache = lru_cache::LruCache::new(1);
            cache.put("a", 1);
            let evicted = cache.put("b", 2);
            (evicted == Some(("a", 1)) && cache.get(&"b") == Some(&2)).then_some(())
        },
    );
    require(
        "prometheus_metrics",
        "16_operations/03_prometheus_metrics",
        "a registry renders a labelled counter and an unlabelled histogram in the text format",
        || {
            let registry = prometheus_metrics::Registry::new();
            let counter = registry.counter("probe_total", "A probe.", &["a"]);
            let histogram = registry.histogram("probe_seconds", "A probe.", &[], &[0.5]);
            counter.inc(&["x"]);
            histogram.observe(&[], 0.5);
            let text = registry.render();
            let has = |line: &str| text.lines().any(|l| l == line);
            (has("probe_total{a=\"x\"} 1")
                && has("probe_seconds_bucket{le=\"0.5\"} 1")
                && has("probe_seconds_bucket{le=\"+Inf\"} 1")
                && has("probe_seconds_count 1"))
            .then_some(())
        },
    );
}

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down gracefully and
// joined when the test's `Server` drops, so nothing listens after a test.

const IDLE: u64 = 30 * 60;
const ABSOLUTE: u64 = 8 * 60 * 60;
/// Three links in a burst, then one every 20 s.
const LIMIT: Limit = Limit {
    capacity: 3,
    every: Duration::from_secs(20),
};
const CACHE: usize = 2;
/// Each request takes exactly this long on the app's timer (it moves at every read).
const STEP: Duration = Duration::from_millis(25);

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn start_with(db: Db, limit: Limit) -> Server {
    require_parts();
    let config = Config {
        argon2: test_params(),
        idle: IDLE,
        absolute: ABSOLUTE,
        limit,
        cache_capacity: CACHE,
        clock: Clock::manual(Duration::from_secs(1_700_000_000)),
        timer: Clock::stepping(STEP),
    };
    let app = app(db, config);
    let (addr_tx, addr_rx) = mpsc::channel();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
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
        _dir: None,
    }
}

/// A server on a fresh database file in a temp dir.
fn start() -> Server {
    start_limited(LIMIT)
}

fn start_limited(limit: Limit) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = open_ok(&dir.path().join("links.db"));
    let mut server = start_with(db, limit);
    server._dir = Some(dir);
    server
}

fn open_ok(path: &Path) -> Db {
    open(path).unwrap_or_else(|e| panic!("open({}) failed: {e}", path.display()))
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

#[derive(Debug)]
struct Reply {
    status: u16,
    set_cookie: Option<String>,
    body: String,
}

/// A ureq agent that returns 4xx and 5xx as responses and does not follow redirects. It keeps
/// no cookies: each test sends the `Cookie` header itself, so it sees exactly what is sent.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into()
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Reply {
    let mut res = result.unwrap_or_else(|e| {
        panic!("{what}: the request failed ({e}); did a handler panic (a todo!() left)?")
    });
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let set_cookie = header("set-cookie");
    Reply {
        status: res.status().as_u16(),
        set_cookie,
        body: res.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// A request with a JSON body and, if given, a `Cookie` header.
fn send(server: &Server, method: &str, path: &str, cookie: Option<&str>, body: Value) -> Reply {
    let url = format!("http://{}{path}", server.addr);
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(&url)
        .header("content-type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let request = request.body(body.to_string()).unwrap();
    reply(agent().run(request), &format!("{method} {path}"))
}

fn get(server: &Server, path: &str) -> Reply {
    let url = format!("http://{}{path}", server.addr);
    reply(agent().get(&url).call(), &format!("GET {path}"))
}

fn signup(server: &Server, user: &str, password: &str) -> Reply {
    send(
        server,
        "POST",
        "/signup",
        None,
        json!({ "user": user, "password": password }),
    )
}

fn login(server: &Server, user: &str, password: &str, cookie: Option<&str>) -> Reply {
    send(
        server,
        "POST",
        "/login",
        cookie,
        json!({ "user": user, "password": password }),
    )
}

/// Signs `user` up and logs in; returns the `Cookie` header value to send.
fn logged_in(server: &Server, user: &str) -> String {
    let r = signup(server, user, "correct horse battery");
    assert_eq!(
        r.status, 201,
        "POST /signup {user:?}: expected 201, got {r:?}"
    );
    let r = login(server, user, "correct horse battery", None);
    assert_eq!(
        r.status, 204,
        "POST /login {user:?}: expected 204, got {r:?}"
    );
    cookie_of(&r)
}

/// The `name=value` of a `Set-Cookie`, as a browser sends it back.
fn cookie_of(r: &Reply) -> String {
    let set = r
        .set_cookie
        .as_deref()
        .unwrap_or_else(|| panic!("expected a Set-Cookie header, got {r:?}"));
    set.split(';').next().unwrap().to_string()
}

fn shorten(server: &Server, cookie: Option<&str>, url: &str) -> Reply {
    send(server, "POST", "/links", cookie, json!({ "url": url }))
}

fn created(server: &Server, cookie: &str, url: &str) -> String {
    let r = shorten(server, Some(cookie), url);
    assert_eq!(
        r.status, 201,
        "POST /links {url:?} logged in: expected 201, got {r:?}"
    );
    let body: Value = serde_json::from_str(&r.body).expect("a JSON body");
    body["code"].as_str().expect("a \"code\"").to_string()
}

/// The scrape's body, after checking its status and content type.
fn scrape(server: &Server) -> String {
    let url = format!("http://{}/metrics", server.addr);
    let mut res = agent().get(&url).call().unwrap_or_else(|e| {
        panic!("GET /metrics failed ({e}); did a handler panic (a todo!() left)?")
    });
    assert_eq!(res.status().as_u16(), 200, "GET /metrics");
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("text/plain; version=0.0.4"),
        "the text format's content type tells Prometheus how to parse the body"
    );
    res.body_mut().read_to_string().unwrap()
}

/// The samples of a scrape, by series (`name{labels}` as written), checking every line's
/// syntax: `# HELP name text`, `# TYPE name type`, or `series value`.
fn samples(text: &str) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            let (kind, name) = (parts.next(), parts.next());
            assert!(
                matches!(kind, Some("HELP" | "TYPE")) && name.is_some() && parts.next().is_some(),
                "a comment line is `# HELP name text` or `# TYPE name type`; got {line:?}"
            );
            continue;
        }
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("a sample line is `series value`; got {line:?}"));
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("the value of {series:?} is not a number: {line:?}"));
        out.push((series.to_string(), value));
    }
    out
}

fn value(text: &str, series: &str) -> Option<f64> {
    samples(text)
        .into_iter()
        .find(|(s, _)| s == series)
        .map(|(_, v)| v)
}

#[track_caller]
fn expect_value(text: &str, series: &str, expected: f64, why: &str) {
    let got = value(text, series);
    assert!(
        got.is_some_and(|v| (v - expected).abs() < 1e-9),
        "expected the sample `{series} {expected}` ({why}); got {got:?} in:\n{text}"
    );
}

fn requests(method: &str, route: &str, status: u16) -> String {
    format!("http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}")
}

// ---------------------------------------------------------------------------------------------
// The scrape.

#[test]
fn metrics_are_served_in_the_text_format() {
    let server = start();
    get(&server, "/zz");
    let text = scrape(&server);
    for line in [
        "# TYPE http_requests_total counter",
        "# TYPE http_request_duration_seconds histogram",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "expected the line {line:?} in:\n{text}"
        );
    }
    samples(&text);
}

#[test]
fn requests_are_counted_by_method_route_and_status() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    signup(&server, "ada", "correct horse battery");
    get(&server, "/zz");
    let text = scrape(&server);
    expect_value(
        &text,
        &requests("POST", "/signup", 201),
        1.0,
        "one sign-up succeeded",
    );
    expect_value(
        &text,
        &requests("POST", "/signup", 409),
        1.0,
        "the second was a conflict",
    );
    expect_value(
        &text,
        &requests("GET", "/{code}", 404),
        1.0,
        "one unknown code",
    );
}

#[test]
fn the_route_template_labels_a_series_never_the_path() {
    let server = start();
    let ada = logged_in(&server, "ada");
    for i in 0..3 {
        let code = created(&server, &ada, &format!("https://example.com/{i}"));
        get(&server, &format!("/{code}"));
    }
    let text = scrape(&server);
    expect_value(
        &text,
        &requests("GET", "/{code}", 302),
        3.0,
        "three codes, one series: the route template, not the path",
    );
    assert!(
        !text.contains("route=\"/1\""),
        "a series per link code grows without end (cardinality explosion):\n{text}"
    );
}

#[test]
fn refusals_by_axum_and_by_the_limit_are_counted() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let r = send(
        &server,
        "POST",
        "/links",
        Some(&ada),
        json!({ "link": "x" }),
    );
    assert_eq!(
        r.status, 422,
        "Json rejects the wrong shape, before the handler runs"
    );
    for i in 0..LIMIT.capacity {
        created(&server, &ada, &format!("https://example.com/{i}"));
    }
    assert_eq!(
        shorten(&server, Some(&ada), "https://example.com/over").status,
        429
    );
    let text = scrape(&server);
    expect_value(
        &text,
        &requests("POST", "/links", 422),
        1.0,
        "axum's rejection, counted by the middleware",
    );
    expect_value(
        &text,
        &requests("POST", "/links", 201),
        3.0,
        "three links made",
    );
    expect_value(
        &text,
        &requests("POST", "/links", 429),
        1.0,
        "one refused by the limit",
    );
}

#[test]
fn a_request_no_route_matched_is_unmatched() {
    let server = start();
    get(&server, "/links/1/extra");
    let text = scrape(&server);
    expect_value(
        &text,
        &requests("GET", "unmatched", 404),
        1.0,
        "no route matched, so there is no template: label it \"unmatched\", never the path; \
         `route_layer` runs only for matched routes, `layer` also wraps the fallback",
    );
}

#[test]
fn a_scrape_is_counted_after_it_answers() {
    let server = start();
    let first = scrape(&server);
    assert_eq!(
        value(&first, &requests("GET", "/metrics", 200)),
        None,
        "nothing before the first scrape:\n{first}"
    );
    let second = scrape(&server);
    expect_value(
        &second,
        &requests("GET", "/metrics", 200),
        1.0,
        "the first scrape",
    );
}

#[test]
fn each_request_is_timed_into_the_histogram() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    get(&server, "/zz");
    get(&server, "/zz");
    let text = scrape(&server);
    let bucket = |le: &str| format!("http_request_duration_seconds_bucket{{le=\"{le}\"}}");
    expect_value(
        &text,
        &bucket("0.01"),
        0.0,
        "each request took 25 ms on the timer",
    );
    expect_value(
        &text,
        &bucket("0.025"),
        3.0,
        "25 ms is <= 0.025: in that bucket",
    );
    expect_value(&text, &bucket("10"), 3.0, "buckets are cumulative");
    expect_value(&text, &bucket("+Inf"), 3.0, "+Inf holds every observation");
    expect_value(
        &text,
        "http_request_duration_seconds_count",
        3.0,
        "three requests",
    );
    expect_value(
        &text,
        "http_request_duration_seconds_sum",
        0.075,
        "3 x 0.025 s",
    );
}

#[test]
fn the_buckets_come_in_order_with_inf_last() {
    let server = start();
    get(&server, "/zz");
    let text = scrape(&server);
    let les: Vec<String> = samples(&text)
        .into_iter()
        .filter_map(|(s, _)| {
            s.strip_prefix("http_request_duration_seconds_bucket{le=\"")?
                .strip_suffix("\"}")
                .map(str::to_string)
        })
        .collect();
    let mut expected: Vec<String> = BUCKETS.iter().map(|b| b.to_string()).collect();
    expected.push("+Inf".to_string());
    assert_eq!(
        les, expected,
        "one bucket line per bound, ascending, then +Inf"
    );
}

#[test]
fn a_raw_scrape_is_200_text() {
    let server = start();
    let mut stream = tcp::connect(server.addr);
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: sho.rt\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "got:\n{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("\r\ncontent-type: text/plain; version=0.0.4\r\n"),
        "got:\n{text}"
    );
    assert!(
        text.contains("\r\n\r\n# HELP http_request_duration_seconds "),
        "before any request is counted, the page is the histogram's family, at zero; got:\n{text}"
    );
    assert!(
        text.contains("\nhttp_request_duration_seconds_count 0\n"),
        "a histogram without labels is on the page from the start; got:\n{text}"
    );
}
