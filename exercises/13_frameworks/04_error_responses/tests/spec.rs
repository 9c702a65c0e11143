//! The specification of step 4: every error of the service, its own and axum's, is an RFC 9457
//! problem details object served as application/problem+json, and a 500 tells the client
//! nothing of its cause, which goes to the error log instead.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use error_responses::{ErrorLog, INTERNAL_DETAIL, app};
use serde_json::Value;
use testkit::tcp;

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down and joined on
// drop.

struct Server {
    addr: SocketAddr,
    log: ErrorLog,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start() -> Server {
    let log = ErrorLog::default();
    let app = app(log.clone());
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
        log,
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

#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    body: String,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into()
}

fn finish(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Reply {
    let mut res = result
        .unwrap_or_else(|e| panic!("{what}: no response ({e}); a todo!() left in a handler?"));
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    Reply {
        status: res.status().as_u16(),
        content_type,
        body: res.body_mut().read_to_string().unwrap(),
    }
}

fn get(server: &Server, path: &str) -> Reply {
    let url = format!("http://{}{path}", server.addr);
    finish(agent().get(&url).call(), &format!("GET {path}"))
}

fn post(server: &Server, content_type: Option<&str>, body: &str) -> Reply {
    let url = format!("http://{}/books", server.addr);
    let mut request = agent().post(&url);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    finish(request.send(body), &format!("POST /books {body}"))
}

/// Checks the reply is a problem details object for `status` with this `title`, and returns
/// its `detail`.
#[track_caller]
fn problem(reply: &Reply, status: u16, title: &str, why: &str) -> String {
    assert_eq!(
        reply.status, status,
        "expected {status}, got {} with body {:?}: {why}",
        reply.status, reply.body
    );
    assert_eq!(
        reply.content_type, "application/problem+json",
        "a {status} is a problem details object, served as application/problem+json (RFC 9457 \
         §3); got content-type {:?} with body {:?}",
        reply.content_type, reply.body
    );
    let object: Value = serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("a problem is a JSON object; got {:?}: {e}", reply.body));
    assert_eq!(object["type"], "about:blank", "got {object}");
    assert_eq!(
        object["title"], title,
        "with about:blank, the title is the status's phrase (RFC 9457 §4.2.1); got {object}"
    );
    assert_eq!(
        object["status"], status,
        "the status member equals the response's status (RFC 9457 §3.1.2); got {object}"
    );
    let detail = object["detail"].as_str().unwrap_or_else(|| {
        panic!("the detail member is a string that explains this case; got {object}")
    });
    assert!(
        !detail.is_empty(),
        "an empty detail explains nothing: {object}"
    );
    detail.to_string()
}

// ---------------------------------------------------------------------------------------------
// The service's own errors

#[test]
fn a_found_book_is_plain_json() {
    let server = start();
    let reply = get(&server, "/books/1");
    assert_eq!(reply.status, 200, "book 1 exists: {reply:?}");
    assert_eq!(reply.content_type, "application/json");
}

#[test]
fn a_missing_book_is_a_404_problem() {
    let server = start();
    let detail = problem(&get(&server, "/books/9"), 404, "Not Found", "no book 9");
    assert_eq!(
        detail, "There is no book 9.",
        "the handler's detail is kept"
    );
}

#[test]
fn an_invalid_book_is_a_422_problem() {
    let server = start();
    let reply = post(&server, Some("application/json"), r#"{"title": "  "}"#);
    let detail = problem(&reply, 422, "Unprocessable Entity", "a blank title");
    assert_eq!(detail, "The title must not be empty.");
}

#[test]
fn a_created_book_is_still_201() {
    let server = start();
    let reply = post(&server, Some("application/json"), r#"{"title": "Dawn"}"#);
    assert_eq!(reply.status, 201, "{reply:?}");
}

// ---------------------------------------------------------------------------------------------
// 500: nothing leaks

#[test]
fn an_internal_error_is_a_500_problem_with_a_fixed_detail() {
    let server = start();
    let detail = problem(
        &get(&server, "/report"),
        500,
        "Internal Server Error",
        "the report's storage fails",
    );
    assert_eq!(
        detail, INTERNAL_DETAIL,
        "a 500's detail is INTERNAL_DETAIL, whatever went wrong"
    );
}

#[test]
fn an_internal_error_leaks_no_cause_to_the_client() {
    let server = start();
    let reply = get(&server, "/report");
    for secret in ["Sqlite", "disk", "/var/lib", "books.db", "SELECT", "admin"] {
        assert!(
            !reply.body.contains(secret),
            "the 500 response contains {secret:?}: {:?}. The cause is for the log; a client \
             (or an attacker) must not learn paths, tables or queries from an error",
            reply.body
        );
    }
}

#[test]
fn an_internal_error_is_logged_once_with_its_cause() {
    let server = start();
    get(&server, "/report");
    let lines = server.log.lines();
    assert_eq!(lines.len(), 1, "one 500, one log line: {lines:?}");
    assert!(
        lines[0].contains("disk I/O error reading /var/lib/books/books.db"),
        "the log keeps the whole cause, for the operators: {lines:?}"
    );
    get(&server, "/books/9");
    assert_eq!(
        server.log.lines().len(),
        1,
        "a 404 is the client's business, not an incident to log"
    );
}

// ---------------------------------------------------------------------------------------------
// axum's rejections, in the same shape

#[test]
fn a_body_not_declared_json_is_a_415_problem() {
    let server = start();
    let reply = post(&server, Some("text/plain"), r#"{"title": "Dawn"}"#);
    let detail = problem(&reply, 415, "Unsupported Media Type", "text/plain body");
    assert!(
        detail.contains("Content-Type"),
        "keep the rejection's own text (body_text()) as the detail; got {detail:?}"
    );
    let reply = post(&server, None, r#"{"title": "Dawn"}"#);
    problem(
        &reply,
        415,
        "Unsupported Media Type",
        "no content-type at all",
    );
}

#[test]
fn malformed_json_is_a_400_problem() {
    let server = start();
    let reply = post(&server, Some("application/json"), r#"{"title": "#);
    problem(&reply, 400, "Bad Request", "truncated JSON");
}

#[test]
fn json_of_the_wrong_shape_is_a_422_problem_that_names_the_field() {
    let server = start();
    let reply = post(&server, Some("application/json"), r#"{"name": "Dawn"}"#);
    let detail = problem(&reply, 422, "Unprocessable Entity", "no title field");
    assert!(
        detail.contains("title"),
        "the detail tells the client what to fix (here: the missing field); got {detail:?}"
    );
}

#[test]
fn a_path_parameter_that_does_not_parse_is_a_400_problem() {
    let server = start();
    for path in ["/books/abc", "/books/4294967296"] {
        problem(
            &get(&server, path),
            400,
            "Bad Request",
            &format!("{path}: not a u32"),
        );
    }
}

#[test]
fn a_path_with_no_route_is_a_404_problem() {
    let server = start();
    for path in ["/", "/authors", "/books/1/pages"] {
        problem(
            &get(&server, path),
            404,
            "Not Found",
            &format!("{path}: no route"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Raw bytes

#[test]
fn on_the_wire_a_problem_is_application_problem_json() {
    let server = start();
    let mut stream = tcp::connect(server.addr);
    stream
        .write_all(b"GET /books/%39 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (bytes, end) = tcp::read_until_close(&mut stream);
    end.unwrap();
    let got = String::from_utf8_lossy(&bytes);
    assert!(got.starts_with("HTTP/1.1 404 Not Found\r\n"), "got:\n{got}");
    assert!(
        got.to_ascii_lowercase()
            .contains("\r\ncontent-type: application/problem+json\r\n"),
        "got:\n{got}"
    );
    assert!(
        got.contains(r#""detail":"There is no book 9.""#),
        "got:\n{got}"
    );
}
