//! The specification of step 3: link creation limited per account by your token bucket (429
//! with Retry-After, on an injected clock), redirects served by your LRU cache (counted in
//! database queries) and kept true by every write; over real TCP with ureq (set not to follow
//! redirects) and raw bytes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};
use shortener_limits::{Clock, Config, Db, app, open};
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

struct Server {
    addr: SocketAddr,
    clock: Clock,
    /// A clone of the app's database handle: it counts the queries.
    db: Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn start_with(db: Db, limit: Limit) -> Server {
    require_parts();
    let clock = Clock::manual(Duration::from_secs(1_700_000_000));
    let config = Config {
        argon2: test_params(),
        idle: IDLE,
        absolute: ABSOLUTE,
        limit,
        cache_capacity: CACHE,
        clock: clock.clone(),
    };
    let app = app(db.clone(), config);
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
        clock,
        db,
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

impl Server {
    fn db_path(&self) -> std::path::PathBuf {
        self._dir.as_ref().unwrap().path().join("links.db")
    }
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
    location: Option<String>,
    set_cookie: Option<String>,
    retry_after: Option<String>,
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
    let (location, set_cookie) = (header("location"), header("set-cookie"));
    let retry_after = header("retry-after");
    Reply {
        status: res.status().as_u16(),
        location,
        set_cookie,
        retry_after,
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

fn delete(server: &Server, cookie: Option<&str>, code: &str) -> Reply {
    send(
        server,
        "DELETE",
        &format!("/links/{code}"),
        cookie,
        json!(null),
    )
}

fn count(server: &Server, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// The database queries made while `f` runs.
fn queries_during(server: &Server, f: impl FnOnce()) -> u64 {
    let before = server.db.queries();
    f();
    server.db.queries() - before
}

#[track_caller]
fn expect_redirect(server: &Server, code: &str, url: &str) {
    let r = get(server, &format!("/{code}"));
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some(url)),
        "GET /{code}: expected 302 to {url}, got {r:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The limit on creating links.

#[test]
fn a_burst_of_capacity_links_is_allowed() {
    let server = start();
    let ada = logged_in(&server, "ada");
    for i in 0..LIMIT.capacity {
        created(&server, &ada, &format!("https://example.com/{i}"));
    }
}

#[test]
fn one_link_over_the_burst_is_429_with_retry_after() {
    let server = start();
    let ada = logged_in(&server, "ada");
    for i in 0..LIMIT.capacity {
        created(&server, &ada, &format!("https://example.com/{i}"));
    }
    let r = shorten(&server, Some(&ada), "https://example.com/over");
    assert_eq!(
        (r.status, r.retry_after.as_deref()),
        (429, Some("20")),
        "link {} in a burst of {}: expected 429 Too Many Requests with Retry-After: 20 (the \
         next token is 20 s away), got {r:?}",
        LIMIT.capacity + 1,
        LIMIT.capacity
    );
    assert_eq!(
        count(&server, "links"),
        3,
        "a refused request stores nothing"
    );
}

#[test]
fn a_token_comes_back_after_every() {
    let server = start();
    let ada = logged_in(&server, "ada");
    for i in 0..LIMIT.capacity {
        created(&server, &ada, &format!("https://example.com/{i}"));
    }
    server.clock.advance(LIMIT.every - Duration::from_millis(1));
    let r = shorten(&server, Some(&ada), "https://example.com/early");
    assert_eq!(
        (r.status, r.retry_after.as_deref()),
        (429, Some("1")),
        "1 ms before the next token: still 429, and the 1 ms left rounds up to 1 s (a client \
         told 0 would retry at once); got {r:?}"
    );
    server.clock.advance(Duration::from_millis(1));
    created(&server, &ada, "https://example.com/on-time");
}

#[test]
fn retry_after_rounds_a_fraction_of_a_second_up() {
    let server = start_limited(Limit {
        capacity: 1,
        every: Duration::from_millis(1500),
    });
    let ada = logged_in(&server, "ada");
    created(&server, &ada, "https://example.com/");
    let r = shorten(&server, Some(&ada), "https://example.com/again");
    assert_eq!(
        (r.status, r.retry_after.as_deref()),
        (429, Some("2")),
        "the next token is 1.5 s away: Retry-After is whole seconds, rounded up; got {r:?}"
    );
}

#[test]
fn an_invalid_url_costs_a_token_too() {
    let server = start();
    let ada = logged_in(&server, "ada");
    for _ in 0..LIMIT.capacity {
        let r = shorten(&server, Some(&ada), "javascript:alert(1)");
        assert_eq!(
            r.status, 422,
            "still refused as invalid within the limit: {r:?}"
        );
    }
    let r = shorten(&server, Some(&ada), "https://example.com/");
    assert_eq!(
        r.status, 429,
        "the limit comes first: three invalid requests spent the three tokens (or a script \
         could probe for free); got {r:?}"
    );
}

#[test]
fn each_account_has_its_own_bucket() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let eve = logged_in(&server, "eve");
    for i in 0..LIMIT.capacity {
        created(&server, &ada, &format!("https://example.com/{i}"));
    }
    assert_eq!(
        shorten(&server, Some(&ada), "https://example.com/").status,
        429
    );
    created(&server, &eve, "https://example.com/eve");
}

#[test]
fn a_request_without_a_session_is_still_401() {
    let server = start();
    let r = shorten(&server, None, "https://example.com/");
    assert_eq!(r.status, 401, "step 2's rule holds: {r:?}");
}

#[test]
fn a_raw_429_carries_retry_after() {
    let server = start_limited(Limit {
        capacity: 1,
        every: Duration::from_secs(60),
    });
    let ada = logged_in(&server, "ada");
    created(&server, &ada, "https://example.com/");
    let body = r#"{"url":"https://example.com/raw"}"#;
    let mut stream = tcp::connect(server.addr);
    write!(
        stream,
        "POST /links HTTP/1.1\r\nHost: sho.rt\r\nCookie: {ada}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("HTTP/1.1 429 Too Many Requests\r\n"),
        "got:\n{text}"
    );
    assert!(
        text.to_ascii_lowercase()
            .contains("\r\nretry-after: 60\r\n"),
        "expected the header `retry-after: 60`, got:\n{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// The cache in front of redirects.

#[test]
fn a_second_redirect_is_served_from_the_cache() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let code = created(&server, &ada, "https://example.com/popular");
    let first = queries_during(&server, || {
        expect_redirect(&server, &code, "https://example.com/popular")
    });
    let second = queries_during(&server, || {
        expect_redirect(&server, &code, "https://example.com/popular")
    });
    assert!(first <= 1, "one query at most for a redirect, got {first}");
    assert_eq!(
        second, 0,
        "the second redirect of /{code} must come from the cache, not the database"
    );
}

#[test]
fn an_unknown_code_is_cached_as_no_link() {
    let server = start();
    assert_eq!(get(&server, "/zz").status, 404);
    let again = queries_during(&server, || assert_eq!(get(&server, "/zz").status, 404));
    assert_eq!(
        again, 0,
        "a code with no link is remembered too (None), so a scan of unknown codes does not \
         reach the database"
    );
    let invalid = queries_during(&server, || assert_eq!(get(&server, "/a-b").status, 404));
    assert_eq!(
        invalid, 0,
        "a code that cannot be decoded needs no query at all"
    );
}

#[test]
fn a_code_probed_before_its_link_exists_redirects_once_created() {
    let server = start();
    let ada = logged_in(&server, "ada");
    assert_eq!(get(&server, "/1").status, 404, "no link yet");
    let code = created(&server, &ada, "https://example.com/new");
    assert_eq!(code, "1");
    let r = get(&server, "/1");
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some("https://example.com/new")),
        "/1 was cached as \"no link\" before the link was created: create_link must put the \
         new answer into the cache; got {r:?}"
    );
}

#[test]
fn a_deleted_link_stops_redirecting_at_once() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let code = created(&server, &ada, "https://example.com/gone");
    expect_redirect(&server, &code, "https://example.com/gone");
    assert_eq!(delete(&server, Some(&ada), &code).status, 204);
    let r = get(&server, &format!("/{code}"));
    assert_eq!(
        r.status, 404,
        "the link is deleted, but the cache still sent the browser on: delete_link must put \
         None under the code; got {r:?}"
    );
}

#[test]
fn the_cache_keeps_the_most_recently_used_codes() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let a = created(&server, &ada, "https://example.com/a");
    let b = created(&server, &ada, "https://example.com/b");
    let c = created(&server, &ada, "https://example.com/c");
    expect_redirect(&server, &a, "https://example.com/a");
    expect_redirect(&server, &b, "https://example.com/b");
    expect_redirect(&server, &a, "https://example.com/a");
    // c comes in: the cache holds 2, and b is the least recently used.
    expect_redirect(&server, &c, "https://example.com/c");
    let a_again = queries_during(&server, || {
        expect_redirect(&server, &a, "https://example.com/a")
    });
    assert_eq!(
        a_again, 0,
        "a was used after b, so c evicted b and a is still cached"
    );
    let b_again = queries_during(&server, || {
        expect_redirect(&server, &b, "https://example.com/b")
    });
    assert_eq!(
        b_again, 1,
        "the cache holds {CACHE} codes (Config::cache_capacity): b was evicted and costs a query"
    );
}
