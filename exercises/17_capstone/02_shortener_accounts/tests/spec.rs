//! The specification of step 2: sign-up, log-in and log-out over real TCP (ureq, set not to
//! follow redirects, and raw bytes), links owned by accounts (401, 403), passwords stored by
//! your password_hashing crate, sessions by your sessions crate on an injected clock, and a
//! second migration that keeps step 1's links.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};
use shortener_accounts::{Clock, Config, Db, app, open};
use testkit::tcp;

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
}

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down gracefully and
// joined when the test's `Server` drops, so nothing listens after a test.

const IDLE: u64 = 30 * 60;
const ABSOLUTE: u64 = 8 * 60 * 60;

struct Server {
    addr: SocketAddr,
    clock: Clock,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn start_with(db: Db) -> Server {
    require_parts();
    let clock = Clock::manual(Duration::from_secs(1_700_000_000));
    let config = Config {
        argon2: test_params(),
        idle: IDLE,
        absolute: ABSOLUTE,
        clock: clock.clone(),
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
        clock,
        shutdown: Some(shutdown),
        thread: Some(thread),
        _dir: None,
    }
}

/// A server on a fresh database file in a temp dir.
fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = open_ok(&dir.path().join("links.db"));
    let mut server = start_with(db);
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
    Reply {
        status: res.status().as_u16(),
        location,
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

fn delete(server: &Server, cookie: Option<&str>, code: &str) -> Reply {
    send(
        server,
        "DELETE",
        &format!("/links/{code}"),
        cookie,
        json!(null),
    )
}

fn stored_hash(server: &Server, user: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    conn.query_row("SELECT hash FROM users WHERE name = ?1", [user], |r| {
        r.get(0)
    })
    .ok()
}

fn count(server: &Server, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Sign-up.

#[test]
fn signup_answers_201() {
    let server = start();
    let r = signup(&server, "ada", "correct horse battery");
    assert_eq!(
        r.status, 201,
        "POST /signup: expected 201 Created, got {r:?}"
    );
}

#[test]
fn the_password_is_stored_as_an_argon2id_phc_string() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    let hash = stored_hash(&server, "ada").expect("a row in `users` named ada, with its `hash`");
    assert!(
        hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"),
        "the users table holds your crate's PHC string, made with the configured costs; got {hash:?}"
    );
    assert!(!hash.contains("correct horse"), "never the password itself");
}

#[test]
fn a_taken_name_is_409_and_keeps_the_first_password() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    let first = stored_hash(&server, "ada");
    let r = signup(&server, "ada", "another password");
    assert_eq!(
        r.status, 409,
        "a second sign-up as ada: expected 409 Conflict, got {r:?}"
    );
    assert_eq!(
        stored_hash(&server, "ada"),
        first,
        "the account must be left as it was"
    );
}

#[test]
fn concurrent_signups_of_one_name_make_one_account() {
    let server = start();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|i| {
                let server = &server;
                s.spawn(move || signup(server, "grace", &format!("password number {i}")).status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let created = statuses.iter().filter(|&&s| s == 201).count();
    let conflicts = statuses.iter().filter(|&&s| s == 409).count();
    assert_eq!(
        (created, conflicts),
        (1, 5),
        "6 sign-ups as grace at once: one 201 and five 409 (got {statuses:?}). A check \
         before the insert lets two pass; the UNIQUE constraint decides"
    );
}

#[test]
fn a_password_of_8_to_64_characters_is_accepted() {
    let server = start();
    for (user, password) in [
        ("eight", "12345678".to_string()),
        ("sixtyfour", "x".repeat(64)),
        ("unicode", "éééééééé".to_string()),
    ] {
        let r = signup(&server, user, &password);
        assert_eq!(
            r.status,
            201,
            "a password of {} characters ({} bytes) is within 8..=64 characters: got {r:?}",
            password.chars().count(),
            password.len()
        );
    }
}

#[test]
fn a_password_shorter_than_8_or_longer_than_64_characters_is_422() {
    let server = start();
    for password in [
        "1234567".to_string(),
        "x".repeat(65),
        "ééééééé".to_string(),
        String::new(),
    ] {
        let r = signup(&server, "ada", &password);
        assert_eq!(
            r.status,
            422,
            "a password of {} characters ({} bytes): expected 422, got {r:?}. Count \
             characters (chars()), not bytes",
            password.chars().count(),
            password.len()
        );
    }
    assert_eq!(
        count(&server, "users"),
        0,
        "a refused sign-up stores nothing"
    );
}

#[test]
fn a_bad_name_is_422() {
    let server = start();
    let long = "a".repeat(33);
    for user in [
        "",
        long.as_str(),
        "ada lovelace",
        "ada@example",
        "adä",
        "ada\n",
    ] {
        let r = signup(&server, user, "correct horse battery");
        assert_eq!(r.status, 422, "name {user:?}: expected 422, got {r:?}");
    }
    let r = signup(&server, &"a".repeat(32), "correct horse battery");
    assert_eq!(
        r.status, 201,
        "a name of exactly 32 bytes is allowed: got {r:?}"
    );
    let r = signup(&server, "Ada_Love-1", "correct horse battery");
    assert_eq!(
        r.status, 201,
        "letters, digits, _ and - are allowed: got {r:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Log-in.

#[test]
fn login_answers_204_with_your_session_cookie() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    let r = login(&server, "ada", "correct horse battery", None);
    assert_eq!(
        r.status, 204,
        "POST /login with the right password: expected 204, got {r:?}"
    );
    let set = r.set_cookie.clone().unwrap_or_default();
    assert!(
        set.starts_with("__Host-sid=")
            && set.ends_with(&format!(
                "; Path=/; Max-Age={ABSOLUTE}; Secure; HttpOnly; SameSite=Lax"
            )),
        "the cookie is your sessions crate's set_cookie for the new session; got {set:?}"
    );
}

#[test]
fn a_wrong_password_and_an_unknown_name_get_the_same_401() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    let wrong = login(&server, "ada", "incorrect horse", None);
    let unknown = login(&server, "nobody", "correct horse battery", None);
    assert_eq!(
        wrong.status, 401,
        "a wrong password: expected 401, got {wrong:?}"
    );
    assert_eq!(
        (unknown.status, &unknown.body),
        (401, &wrong.body),
        "an unknown name must get exactly the answer a wrong password gets, or the difference \
         tells an attacker which names exist"
    );
    assert_eq!(wrong.set_cookie, None, "no session for a failed login");
}

#[test]
fn login_issues_a_new_session_and_ends_the_one_it_came_with() {
    let server = start();
    let first = logged_in(&server, "ada");
    let r = login(&server, "ada", "correct horse battery", Some(&first));
    let second = cookie_of(&r);
    assert_ne!(first, second, "each login issues a new id");
    assert_eq!(
        shorten(&server, Some(&first), "https://example.com/").status,
        401,
        "the session the login request came with must end (session fixation)"
    );
    assert_eq!(
        shorten(&server, Some(&second), "https://example.com/").status,
        201
    );
}

// ---------------------------------------------------------------------------------------------
// Links belong to accounts.

#[test]
fn creating_a_link_needs_a_session() {
    let server = start();
    let r = shorten(&server, None, "https://example.com/");
    assert_eq!(
        r.status, 401,
        "POST /links without a session: expected 401, got {r:?}"
    );
    for forged in ["__Host-sid=not-a-session", "sid=x", "__Host-sid="] {
        let r = shorten(&server, Some(forged), "https://example.com/");
        assert_eq!(
            r.status, 401,
            "POST /links with Cookie {forged:?}: expected 401, got {r:?}"
        );
    }
    assert_eq!(
        count(&server, "links"),
        0,
        "a refused request stores nothing"
    );
}

#[test]
fn a_logged_in_user_creates_a_link_that_redirects_and_is_theirs() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    let code = created(&server, &cookie, "https://example.com/ada");
    let r = get(&server, &format!("/{code}"));
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some("https://example.com/ada")),
        "following a link needs no session"
    );
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let owner: Option<String> = conn
        .query_row("SELECT owner FROM links", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        owner.as_deref(),
        Some("ada"),
        "the link's `owner` column is its creator"
    );
}

#[test]
fn a_cookie_among_others_is_found() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    let many = format!("theme=dark; {cookie}; lang=en");
    assert_eq!(
        shorten(&server, Some(&many), "https://example.com/").status,
        201
    );
}

#[test]
fn an_invalid_url_is_still_422_for_a_logged_in_user() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    let r = shorten(&server, Some(&cookie), "javascript:alert(1)");
    assert_eq!(r.status, 422, "step 1's check still applies: {r:?}");
    assert_eq!(count(&server, "links"), 0);
}

#[test]
fn the_owner_deletes_a_link_with_204_and_it_is_gone() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    let code = created(&server, &cookie, "https://example.com/");
    let r = delete(&server, Some(&cookie), &code);
    assert_eq!(
        r.status, 204,
        "DELETE /links/{code} by its owner: expected 204, got {r:?}"
    );
    assert_eq!(
        get(&server, &format!("/{code}")).status,
        404,
        "a deleted link is 404"
    );
}

#[test]
fn someone_elses_link_is_403_and_kept() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let eve = logged_in(&server, "eve");
    let code = created(&server, &ada, "https://example.com/ada");
    let r = delete(&server, Some(&eve), &code);
    assert_eq!(
        r.status, 403,
        "eve deleting ada's link: expected 403 Forbidden (logged in, not allowed), got {r:?}"
    );
    assert_eq!(
        get(&server, &format!("/{code}")).status,
        302,
        "the link stays"
    );
}

#[test]
fn deleting_without_a_session_is_401_and_an_unknown_link_404() {
    let server = start();
    let ada = logged_in(&server, "ada");
    let code = created(&server, &ada, "https://example.com/");
    let r = delete(&server, None, &code);
    assert_eq!(
        r.status, 401,
        "DELETE without a session: expected 401, got {r:?}"
    );
    for unknown in ["2", "zz", "a-b"] {
        let r = delete(&server, Some(&ada), unknown);
        assert_eq!(
            r.status, 404,
            "DELETE /links/{unknown}: expected 404, got {r:?}"
        );
    }
    assert_eq!(
        get(&server, &format!("/{code}")).status,
        302,
        "the link stays"
    );
}

// ---------------------------------------------------------------------------------------------
// Sessions end.

#[test]
fn logout_ends_the_session_on_the_server() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    let r = send(&server, "POST", "/logout", Some(&cookie), json!(null));
    assert_eq!(r.status, 204);
    assert_eq!(r.set_cookie.as_deref(), Some(sessions::CLEAR_COOKIE));
    let r = shorten(&server, Some(&cookie), "https://example.com/");
    assert_eq!(
        r.status, 401,
        "a copied cookie must stop working after logout: {r:?}"
    );
}

#[test]
fn a_session_idle_for_its_timeout_ends() {
    let server = start();
    let cookie = logged_in(&server, "ada");
    server.clock.advance(Duration::from_secs(IDLE - 1));
    assert_eq!(
        shorten(&server, Some(&cookie), "https://example.com/1").status,
        201,
        "{} s idle is within the {IDLE} s timeout",
        IDLE - 1
    );
    server.clock.advance(Duration::from_secs(IDLE));
    let r = shorten(&server, Some(&cookie), "https://example.com/2");
    assert_eq!(
        r.status, 401,
        "after {IDLE} s without a request the session is over (the app's clock, read on each \
         request): got {r:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Over raw bytes, and the schema.

#[test]
fn a_raw_login_gets_a_set_cookie_header() {
    let server = start();
    signup(&server, "ada", "correct horse battery");
    let body = r#"{"user":"ada","password":"correct horse battery"}"#;
    let mut stream = tcp::connect(server.addr);
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: sho.rt\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("HTTP/1.1 204 No Content\r\n"),
        "got:\n{text}"
    );
    assert!(
        text.to_ascii_lowercase()
            .contains("\r\nset-cookie: __host-sid="),
        "expected a set-cookie header with the session, got:\n{text}"
    );
}

#[test]
fn a_step_1_database_is_migrated_and_keeps_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL);
             INSERT INTO links (url) VALUES ('https://example.com/old');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let server = start_with(open_ok(&path));
    let version: u32 = rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, 2,
        "open runs the second migration on a step 1 database"
    );
    let r = get(&server, "/1");
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some("https://example.com/old")),
        "step 1's link is kept"
    );
    let ada = logged_in(&server, "ada");
    assert_eq!(
        delete(&server, Some(&ada), "1").status,
        403,
        "a link from before accounts has no owner: nobody may delete it"
    );
    assert_eq!(created(&server, &ada, "https://example.com/new"), "2");
}
