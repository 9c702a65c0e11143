//! The specification of step 1: links are created and followed over real TCP (ureq, set not
//! to follow redirects, and raw bytes), only web URLs are stored, codes are base 62, and the
//! schema comes from your migrations crate.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;

use serde_json::{Value, json};
use shortener_links::{Db, MAX_URL, app, code_for, id_for, open};
use testkit::tcp;

// ---------------------------------------------------------------------------------------------
// Your earlier crate first: a todo!() left there would otherwise show up here as a dropped
// connection, far from its cause.

fn require_migrations() {
    let probe = std::panic::catch_unwind(|| {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        let probe = migrations::Migration {
            name: "probe",
            sql: "CREATE TABLE probe (x INTEGER);",
        };
        migrations::migrate(&mut conn, &[probe]).map_err(|e| e.to_string())
    });
    match probe {
        Ok(Ok(1)) => {}
        Ok(other) => panic!(
            "your migrations crate (exercises/05_sql/08_migrations) answered {other:?} for one \
             migration on a fresh database, where Ok(1) was expected: run its tests \
             (`backlings run migrations`) and fix it first"
        ),
        Err(_) => panic!(
            "this step runs your migrations crate (exercises/05_sql/08_migrations), which \
             panicked (see above: a todo!() left?). Finish that exercise first: \
             `backlings run migrations`"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down gracefully and
// joined when the test's `Server` drops, so nothing listens after a test.

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: Option<tempfile::TempDir>,
}

fn start_with(db: Db) -> Server {
    let app = app(db);
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
    require_migrations();
    let dir = tempfile::tempdir().unwrap();
    let db = open_ok(&dir.path().join("links.db"));
    let mut server = start_with(db);
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
    location: Option<String>,
    body: String,
}

/// A ureq agent that returns 4xx and 5xx as responses and does not follow redirects: the
/// redirect itself is what is tested.
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
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    Reply {
        status: res.status().as_u16(),
        location,
        body: res.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn get(server: &Server, path: &str) -> Reply {
    let url = format!("http://{}{path}", server.addr);
    reply(agent().get(&url).call(), &format!("GET {path}"))
}

fn post_json(server: &Server, body: &str) -> Reply {
    let url = format!("http://{}/links", server.addr);
    let request = agent()
        .post(&url)
        .header("content-type", "application/json");
    reply(request.send(body), &format!("POST /links {body}"))
}

fn shorten(server: &Server, url: &str) -> Reply {
    post_json(server, &json!({ "url": url }).to_string())
}

/// The URL as a failure message shows it: a long one is cut, with its length.
fn preview(url: &str) -> String {
    match url.char_indices().nth(60) {
        Some((cut, _)) => format!("{:?}... ({} bytes)", &url[..cut], url.len()),
        None => format!("{url:?}"),
    }
}

/// Creates a link that must be accepted, and returns its code.
fn created(server: &Server, url: &str) -> String {
    let r = shorten(server, url);
    let url = preview(url);
    assert_eq!(
        r.status, 201,
        "POST /links {url}: expected 201 Created, got {r:?}"
    );
    let body: Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("POST /links: expected a JSON body, got {:?}: {e}", r.body));
    body["code"]
        .as_str()
        .unwrap_or_else(|| panic!("POST /links: the JSON has no string \"code\": {body}"))
        .to_string()
}

#[track_caller]
fn expect_refused(server: &Server, url: &str, why: &str) {
    let r = shorten(server, url);
    let url = preview(url);
    assert_eq!(
        r.status, 422,
        "POST /links {url}: expected 422, got {r:?}: {why}"
    );
}

// ---------------------------------------------------------------------------------------------
// Creating and following links.

#[test]
fn a_created_link_answers_201_with_its_location_and_json() {
    let server = start();
    let r = shorten(&server, "https://example.com/a/long/path?q=1");
    assert_eq!(
        r.status, 201,
        "POST /links: expected 201 Created, got {r:?}"
    );
    let body: Value = serde_json::from_str(&r.body).expect("a JSON body");
    assert_eq!(
        body,
        json!({ "code": "1", "url": "https://example.com/a/long/path?q=1" }),
        "the first link is row 1, whose code is \"1\"; the body is the Link"
    );
    assert_eq!(
        r.location.as_deref(),
        Some("/1"),
        "201 Created says where the new resource is: Location: /{{code}}"
    );
}

#[test]
fn a_code_redirects_with_302_found_to_its_url() {
    let server = start();
    let code = created(&server, "https://www.rust-lang.org/learn");
    let r = get(&server, &format!("/{code}"));
    assert_eq!(
        r.status, 302,
        "GET /{code}: expected 302 Found (a 301 is cached by browsers forever: the link could \
         never change and no visit would reach you), got {r:?}"
    );
    assert_eq!(
        r.location.as_deref(),
        Some("https://www.rust-lang.org/learn")
    );
}

#[test]
fn each_link_gets_its_own_code() {
    let server = start();
    let urls = [
        "https://a.example/",
        "https://b.example/",
        "http://c.example/x",
    ];
    let codes: Vec<String> = urls.iter().map(|u| created(&server, u)).collect();
    assert_eq!(
        codes,
        ["1", "2", "3"],
        "codes are the row ids 1, 2, 3 in base 62"
    );
    for (code, url) in codes.iter().zip(urls) {
        let r = get(&server, &format!("/{code}"));
        assert_eq!(
            (r.status, r.location.as_deref()),
            (302, Some(url)),
            "GET /{code}"
        );
    }
}

#[test]
fn an_unknown_code_is_404() {
    let server = start();
    created(&server, "https://example.com/");
    for path in [
        "/2",
        "/zz",
        "/a-b",
        "/00",
        "/%C3%A9",
        "/ZZZZZZZZZZZZZZZZZZZZ",
    ] {
        let r = get(&server, path);
        assert_eq!(
            r.status, 404,
            "GET {path}: no such link, expected 404, got {r:?}"
        );
    }
}

#[test]
fn codes_are_row_ids_in_base_62() {
    let cases = [
        (0, "0"),
        (9, "9"),
        (10, "a"),
        (35, "z"),
        (36, "A"),
        (61, "Z"),
        (62, "10"),
        (3843, "ZZ"),
        (3844, "100"),
        (916_132_831, "ZZZZZ"),
        (u64::MAX, "lYGhA16ahyf"),
    ];
    for (id, code) in cases {
        assert_eq!(code_for(id), code, "code_for({id})");
    }
    for id in [1, 61, 62, 123_456_789, i64::MAX as u64] {
        assert_eq!(
            id_for(&code_for(id)),
            Some(id as i64),
            "id_for(code_for({id}))"
        );
    }
}

#[test]
fn the_redirect_over_raw_bytes_is_302_with_a_location() {
    let server = start();
    let code = created(&server, "https://example.com/raw");
    let mut stream = tcp::connect(server.addr);
    write!(
        stream,
        "GET /{code} HTTP/1.1\r\nHost: sho.rt\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.starts_with("HTTP/1.1 302 Found\r\n"),
        "expected the status line `HTTP/1.1 302 Found`, got:\n{text}"
    );
    assert!(
        text.to_ascii_lowercase()
            .contains("\r\nlocation: https://example.com/raw\r\n"),
        "expected the header `location: https://example.com/raw`, got:\n{text}"
    );
}

#[test]
fn head_redirects_too() {
    let server = start();
    let code = created(&server, "https://example.com/head");
    let url = format!("http://{}/{code}", server.addr);
    let r = reply(agent().head(&url).call(), "HEAD");
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some("https://example.com/head"))
    );
}

// ---------------------------------------------------------------------------------------------
// Only web URLs.

#[test]
fn http_and_https_in_any_case_are_accepted() {
    let server = start();
    for url in [
        "http://example.com",
        "HTTPS://EXAMPLE.COM/",
        "hTtP://x:8080/?a=b#c",
    ] {
        created(&server, url);
    }
}

#[test]
fn other_schemes_are_refused_with_422() {
    let server = start();
    for url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/",
        "example.com",
        "//example.com/",
        "https:example.com",
        " https://example.com/",
    ] {
        expect_refused(&server, url, "only http:// and https:// URLs may be stored");
    }
}

#[test]
fn a_url_without_a_host_is_refused() {
    let server = start();
    for url in [
        "https://",
        "http://",
        "https:///path",
        "http://?q=1",
        "https://#top",
    ] {
        expect_refused(&server, url, "a web URL needs a host after the scheme");
    }
}

#[test]
fn spaces_control_bytes_and_non_ascii_are_refused() {
    let server = start();
    for url in [
        "https://example.com/a b",
        "https://example.com/\r\nSet-Cookie: sid=stolen",
        "https://example.com/\t",
        "https://example.com/\u{7f}",
        "https://exämple.com/",
        "https://example.com/café",
    ] {
        expect_refused(
            &server,
            url,
            "a Location header holds visible ASCII only: a line break there is header \
             injection, and non-ASCII must be percent-encoded by the client",
        );
    }
}

#[test]
fn a_url_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused() {
    let server = start();
    let base = "https://example.com/";
    let at_limit = format!("{base}{}", "a".repeat(MAX_URL - base.len()));
    assert_eq!(at_limit.len(), MAX_URL);
    let code = created(&server, &at_limit);
    let r = get(&server, &format!("/{code}"));
    assert!(
        r.location.as_deref() == Some(at_limit.as_str()),
        "a URL of 2048 bytes comes back whole in Location: got {r:?}"
    );
    expect_refused(
        &server,
        &format!("{at_limit}a"),
        "2049 bytes is over MAX_URL",
    );
}

#[test]
fn a_refused_url_is_not_stored() {
    let server = start();
    expect_refused(&server, "javascript:alert(1)", "not a web URL");
    let code = created(&server, "https://example.com/");
    assert_eq!(code, "1", "the refused URL must not have taken row 1");
    assert_eq!(get(&server, "/2").status, 404);
}

#[test]
fn a_body_without_a_url_is_rejected_by_json() {
    let server = start();
    let r = post_json(&server, r#"{"link": "https://example.com/"}"#);
    assert_eq!(
        r.status, 422,
        "Json<NewLink> rejects a body of the wrong shape: {r:?}"
    );
    let r = post_json(&server, "not json");
    assert_eq!(
        r.status, 400,
        "Json<NewLink> rejects bytes that are not JSON: {r:?}"
    );
}

#[test]
fn concurrent_creations_get_distinct_codes() {
    let server = start();
    let codes: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let server = &server;
                s.spawn(move || created(server, &format!("https://example.com/{i}")))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 8, "8 links, 8 codes: got {codes:?}");
}

// ---------------------------------------------------------------------------------------------
// The schema, by your migrations crate.

fn user_version(path: &Path) -> u32 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

#[test]
fn open_migrates_a_fresh_database_to_version_1() {
    require_migrations();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    drop(open_ok(&path));
    assert_eq!(
        user_version(&path),
        1,
        "after open, PRAGMA user_version is the number of migrations: open must call \
         migrations::migrate with MIGRATIONS"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO links (url) VALUES ('https://example.com/')",
        [],
    )
    .expect("MIGRATIONS creates a table `links` with a `url` column");
    assert_eq!(
        conn.last_insert_rowid(),
        1,
        "`id INTEGER PRIMARY KEY` is the row id"
    );
}

#[test]
fn links_survive_a_restart() {
    require_migrations();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    let code = {
        let server = start_with(open_ok(&path));
        created(&server, "https://example.com/kept")
    };
    let server = start_with(open_ok(&path));
    let r = get(&server, &format!("/{code}"));
    assert_eq!(
        (r.status, r.location.as_deref()),
        (302, Some("https://example.com/kept")),
        "after a restart (open again: the migration must not run twice) the link still works"
    );
}

#[test]
fn open_refuses_a_database_newer_than_the_code() {
    require_migrations();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.db");
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 7)
        .unwrap();
    match open(&path) {
        Err(migrations::MigrationError::TooNew { found: 7, known: 1 }) => {}
        Err(e) => panic!("expected TooNew {{ found: 7, known: 1 }}, got {e:?}"),
        Ok(_) => panic!(
            "a database at schema version 7 met code that knows 1 migration: open must refuse \
             it (migrate says TooNew), not write into a schema it does not know"
        ),
    }
}
