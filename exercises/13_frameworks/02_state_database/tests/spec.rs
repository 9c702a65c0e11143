//! The specification of step 2: CRUD over HTTP on a SQLite database held in axum's state,
//! every query on tokio's blocking pool, so that a query the test holds behind a gate does
//! not stall the requests that need no database.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use axum::http::StatusCode;
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
use serde_json::{Value, json};
use state_database::{Db, app, open, with_db};
use testkit::tcp;

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0, on a runtime of ONE thread in a thread of its own, so
// a handler that blocks that thread stalls every other request at once (on a runtime of N
// threads the same bug shows only under load). Shut down gracefully and joined on drop.

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start(db: Db) -> Server {
    let app = app(db);
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

/// A fresh in-memory database, and a second handle to it for the test to look inside.
fn database() -> Db {
    open(Connection::open_in_memory().unwrap()).expect("the schema is created")
}

#[derive(Debug)]
struct Reply {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("expected a JSON body, got {:?}: {e}", self.body))
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into()
}

fn call(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> Reply {
    let url = format!("http://{addr}{path}");
    let agent = agent();
    let result = match (method, body) {
        ("GET", _) => agent.get(&url).call(),
        ("DELETE", _) => agent.delete(&url).call(),
        ("POST", Some(b)) => agent.post(&url).content_type("application/json").send(b),
        ("PUT", Some(b)) => agent.put(&url).content_type("application/json").send(b),
        _ => unreachable!(),
    };
    let mut res = result.unwrap_or_else(|e| {
        panic!(
            "{method} {path}: no response ({e}). A handler that panics (an unwrap, a todo!()) \
             drops the connection; one that blocks the runtime thread never answers"
        )
    });
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    Reply {
        status: res.status().as_u16(),
        location,
        body: res.body_mut().read_to_string().unwrap(),
    }
}

#[track_caller]
fn expect_status(reply: &Reply, status: u16, why: &str) {
    assert_eq!(
        reply.status, status,
        "expected {status}, got {} with body {:?}: {why}",
        reply.status, reply.body
    );
}

fn rows(db: &Db) -> Vec<(i64, String, String)> {
    let conn = db.lock().unwrap();
    let mut stmt = conn
        .prepare("SELECT id, title, author FROM books ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const DAWN: &str = r#"{"title": "Dawn", "author": "Octavia E. Butler"}"#;

// ---------------------------------------------------------------------------------------------
// with_db, called directly

#[tokio::test]
async fn with_db_returns_what_the_query_returns() {
    let db = database();
    let got = with_db(&db, |conn| {
        conn.query_row("SELECT 6 * 7", [], |r| r.get::<_, i64>(0))
    })
    .await;
    assert_eq!(got, Ok(42), "with_db hands back the closure's Ok value");
}

#[tokio::test]
async fn with_db_runs_the_query_off_the_runtime_thread() {
    let db = database();
    let runtime_thread = std::thread::current().id();
    let query_thread = with_db(&db, |_| Ok(std::thread::current().id())).await;
    assert_ne!(
        query_thread,
        Ok(runtime_thread),
        "the closure ran on the runtime's own thread: a slow query there stalls every request \
         that thread serves; run it in tokio::task::spawn_blocking"
    );
}

#[tokio::test]
async fn with_db_turns_a_query_error_into_500() {
    let db = database();
    let got = with_db(&db, |conn| {
        conn.execute("INSERT INTO nowhere VALUES (1)", [])
    })
    .await;
    assert_eq!(
        got,
        Err(StatusCode::INTERNAL_SERVER_ERROR),
        "a rusqlite::Error (here: no such table) is the server's fault: 500"
    );
}

#[tokio::test]
async fn with_db_turns_a_panic_into_500_and_keeps_serving() {
    let db = database();
    let got: Result<(), StatusCode> = with_db(&db, |_| {
        panic!("a bug inside a query (this test expects it)")
    })
    .await;
    assert_eq!(
        got,
        Err(StatusCode::INTERNAL_SERVER_ERROR),
        "a panic in the blocking closure comes back as a JoinError: answer 500, do not unwrap it"
    );
    let got = with_db(&db, |conn| {
        conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
    })
    .await;
    assert_eq!(
        got,
        Ok(1),
        "the panic poisoned the Mutex; the connection inside is fine, so take it \
         (PoisonError::into_inner) instead of failing every request from now on"
    );
}

// ---------------------------------------------------------------------------------------------
// The routes

#[test]
fn health_is_200_ok() {
    let server = start(database());
    let reply = call(server.addr, "GET", "/health", None);
    expect_status(
        &reply,
        200,
        "GET /health is the check a load balancer calls",
    );
    assert_eq!(reply.body, "ok");
}

#[test]
fn a_created_book_is_201_with_location_and_json() {
    let server = start(database());
    let reply = call(server.addr, "POST", "/books", Some(DAWN));
    expect_status(&reply, 201, "POST /books creates a book");
    assert_eq!(reply.location.as_deref(), Some("/books/1"));
    assert_eq!(
        reply.json(),
        json!({"id": 1, "title": "Dawn", "author": "Octavia E. Butler"})
    );
}

#[test]
fn a_created_book_is_a_row_in_the_database() {
    let db = database();
    let server = start(db.clone());
    call(server.addr, "POST", "/books", Some(DAWN));
    call(
        server.addr,
        "POST",
        "/books",
        Some(r#"{"title": "Сказки 🐉", "author": "Ñ"}"#),
    );
    assert_eq!(
        rows(&db),
        [
            (1, "Dawn".into(), "Octavia E. Butler".into()),
            (2, "Сказки 🐉".into(), "Ñ".into())
        ],
        "the books table, read directly: each POST inserts one row, text as sent"
    );
}

#[test]
fn a_stored_book_is_read_by_id() {
    let server = start(database());
    call(server.addr, "POST", "/books", Some(DAWN));
    let reply = call(server.addr, "GET", "/books/1", None);
    expect_status(&reply, 200, "book 1 was created");
    assert_eq!(reply.json()["title"], "Dawn");
}

#[test]
fn a_book_that_is_not_there_is_404() {
    let server = start(database());
    for (method, body) in [("GET", None), ("PUT", Some(DAWN)), ("DELETE", None)] {
        let reply = call(server.addr, method, "/books/7", body);
        expect_status(&reply, 404, &format!("{method} /books/7: no such row"));
    }
}

#[test]
fn put_replaces_the_book() {
    let db = database();
    let server = start(db.clone());
    call(server.addr, "POST", "/books", Some(DAWN));
    let reply = call(
        server.addr,
        "PUT",
        "/books/1",
        Some(r#"{"title": "Lilith's Brood", "author": "Octavia Butler"}"#),
    );
    expect_status(&reply, 200, "PUT on a stored book replaces it");
    assert_eq!(
        reply.json(),
        json!({"id": 1, "title": "Lilith's Brood", "author": "Octavia Butler"})
    );
    assert_eq!(
        rows(&db),
        [(1, "Lilith's Brood".into(), "Octavia Butler".into())],
        "the row itself is updated, no new row"
    );
}

#[test]
fn delete_is_204_and_the_row_is_gone() {
    let db = database();
    let server = start(db.clone());
    call(server.addr, "POST", "/books", Some(DAWN));
    let reply = call(server.addr, "DELETE", "/books/1", None);
    expect_status(&reply, 204, "a delete that worked has nothing to say: 204");
    assert_eq!(reply.body, "");
    assert_eq!(rows(&db), [], "the row is deleted from the table");
    let reply = call(server.addr, "DELETE", "/books/1", None);
    expect_status(&reply, 404, "deleting it again: there is nothing to delete");
}

#[test]
fn a_database_error_is_500_not_a_dropped_connection() {
    let db = database();
    let server = start(db.clone());
    db.lock()
        .unwrap()
        .execute_batch("DROP TABLE books")
        .unwrap();
    for (method, path, body) in [
        ("GET", "/books/1", None),
        ("POST", "/books", Some(DAWN)),
        ("PUT", "/books/1", Some(DAWN)),
        ("DELETE", "/books/1", None),
    ] {
        let reply = call(server.addr, method, path, body);
        expect_status(
            &reply,
            500,
            &format!("{method} {path} on a missing table: the database failed, answer 500"),
        );
    }
    let reply = call(server.addr, "GET", "/health", None);
    expect_status(&reply, 200, "the server is still up after the errors");
}

#[test]
fn json_of_the_wrong_shape_is_422_and_stores_nothing() {
    let db = database();
    let server = start(db.clone());
    let reply = call(server.addr, "POST", "/books", Some(r#"{"title": "Dawn"}"#));
    expect_status(&reply, 422, "axum's Json rejects a NewBook without author");
    assert_eq!(rows(&db), []);
}

// ---------------------------------------------------------------------------------------------
// Blocking work off the runtime

/// Parks every insert of a book titled "slow" inside SQLite until the test opens the gate:
/// the query is as slow as the test wants, without a sleep. `entered` says it is parked.
struct Gate {
    entered: mpsc::Receiver<()>,
    open: Option<mpsc::Sender<()>>,
}

impl Gate {
    fn install(db: &Db) -> Gate {
        let (entered_tx, entered) = mpsc::channel();
        let (open, opened) = mpsc::channel::<()>();
        let opened = std::sync::Mutex::new(opened);
        let entered_tx = std::sync::Mutex::new(entered_tx);
        let conn = db.lock().unwrap();
        conn.create_scalar_function("gate", 0, FunctionFlags::SQLITE_UTF8, move |_| {
            let _ = entered_tx.lock().unwrap().send(());
            let _ = opened.lock().unwrap().recv();
            Ok(0)
        })
        .unwrap();
        conn.execute_batch(
            "CREATE TEMP TRIGGER slow BEFORE INSERT ON books WHEN NEW.title = 'slow'
             BEGIN SELECT gate(); END;",
        )
        .unwrap();
        Gate {
            entered,
            open: Some(open),
        }
    }

    fn open(&mut self) {
        self.open.take();
    }
}

impl Drop for Gate {
    // Opens the gate if a failed test did not, so that the server can shut down.
    fn drop(&mut self) {
        self.open();
    }
}

#[test]
fn a_slow_query_does_not_stall_requests_that_need_no_database() {
    let db = database();
    let server = start(db.clone());
    let mut gate = Gate::install(&db);
    let addr = server.addr;
    let slow = std::thread::spawn(move || {
        call(
            addr,
            "POST",
            "/books",
            Some(r#"{"title": "slow", "author": "A"}"#),
        )
    });
    gate.entered
        .recv_timeout(tcp::TIMEOUT)
        .expect("the slow insert reaches the database");
    // The insert is parked inside SQLite now. If it runs on the runtime's only thread, this
    // request is never served.
    let reply = call(server.addr, "GET", "/health", None);
    expect_status(
        &reply,
        200,
        "while a query waits, the runtime must still serve /health: the query belongs on \
         spawn_blocking's pool, not on the runtime thread",
    );
    gate.open();
    let reply = slow.join().unwrap();
    expect_status(&reply, 201, "the slow insert finishes once the gate opens");
    assert_eq!(rows(&db).len(), 1);
}

#[test]
fn a_database_request_waits_for_the_slow_one_then_is_served() {
    let db = database();
    let server = start(db.clone());
    let mut gate = Gate::install(&db);
    let addr = server.addr;
    let slow = std::thread::spawn(move || {
        call(
            addr,
            "POST",
            "/books",
            Some(r#"{"title": "slow", "author": "A"}"#),
        )
    });
    gate.entered.recv_timeout(tcp::TIMEOUT).unwrap();
    let next = std::thread::spawn(move || call(addr, "POST", "/books", Some(DAWN)));
    // One connection, one query at a time: the second insert waits for the lock (off the
    // runtime), and both complete once the gate opens.
    let health = call(server.addr, "GET", "/health", None);
    expect_status(
        &health,
        200,
        "two requests wait for the database; /health must not wait with them",
    );
    gate.open();
    expect_status(&slow.join().unwrap(), 201, "the slow insert");
    expect_status(
        &next.join().unwrap(),
        201,
        "the insert that waited for the lock",
    );
    assert_eq!(rows(&db).len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Raw bytes

#[test]
fn on_the_wire_a_delete_is_204_with_no_body() {
    let server = start(database());
    call(server.addr, "POST", "/books", Some(DAWN));
    let mut stream = tcp::connect(server.addr);
    stream
        .write_all(b"DELETE /books/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (bytes, end) = tcp::read_until_close(&mut stream);
    end.unwrap();
    let got = String::from_utf8_lossy(&bytes);
    assert!(
        got.starts_with("HTTP/1.1 204 No Content\r\n"),
        "got:\n{got}"
    );
    assert!(
        got.ends_with("\r\n\r\n"),
        "a 204 ends with its head, no body; got:\n{got}"
    );
}
