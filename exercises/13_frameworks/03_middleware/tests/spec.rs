//! The specification of step 3: a request id kept or made and echoed, one structured log line
//! per request, and a bearer token on the admin routes only, all as layers around the routes.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use middleware::{Config, IdGen, LogLine, LogSink, MAX_ID_LEN, app};
use testkit::tcp;

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down and joined on
// drop.

const TOKEN: &str = "s3cret-token";

struct Server {
    addr: SocketAddr,
    sink: LogSink,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start() -> Server {
    let sink = LogSink::default();
    let app = app(Config {
        token: TOKEN.into(),
        sink: sink.clone(),
        ids: IdGen::default(),
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
        sink,
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
    request_id: Option<String>,
    challenge: Option<String>,
    body: String,
}

/// GET `path` with these extra headers.
fn get(server: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into();
    let mut request = agent.get(format!("http://{}{path}", server.addr));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut res = request.call().unwrap_or_else(|e| {
        panic!("GET {path}: no response ({e}); did a middleware panic (a todo!() left)?")
    });
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let (request_id, challenge) = (header("x-request-id"), header("www-authenticate"));
    Reply {
        status: res.status().as_u16(),
        request_id,
        challenge,
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

fn line(method: &str, path: &str, status: u16, request_id: &str) -> LogLine {
    LogLine {
        method: method.into(),
        path: path.into(),
        status,
        request_id: request_id.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Request id

#[test]
fn a_public_route_answers_without_a_token() {
    let server = start();
    let reply = get(&server, "/public", &[]);
    expect_status(&reply, 200, "/public is not behind the token");
    assert_eq!(reply.body, "hello");
}

#[test]
fn a_request_without_an_id_gets_a_new_one_in_the_response() {
    let server = start();
    let first = get(&server, "/public", &[]);
    let second = get(&server, "/public", &[]);
    assert_eq!(
        (first.request_id.as_deref(), second.request_id.as_deref()),
        (Some("req-1"), Some("req-2")),
        "each request without x-request-id gets the next id from IdGen, echoed in the response"
    );
}

#[test]
fn an_incoming_id_is_kept_and_echoed() {
    let server = start();
    let reply = get(&server, "/public", &[("x-request-id", "abc-123")]);
    assert_eq!(
        reply.request_id.as_deref(),
        Some("abc-123"),
        "a request keeps the id it came with, so one id follows it across services"
    );
}

#[test]
fn the_handler_sees_the_request_id_in_its_extensions() {
    let server = start();
    let reply = get(&server, "/whoami", &[("x-request-id", "trace-7")]);
    assert_eq!(
        reply.body, "trace-7",
        "insert RequestId into req.extensions_mut()"
    );
    let reply = get(&server, "/whoami", &[]);
    assert_eq!(
        reply.body, "req-1",
        "a made id is the one the handler sees too"
    );
    assert_eq!(reply.request_id.as_deref(), Some("req-1"));
}

#[test]
fn an_id_of_exactly_the_maximum_length_is_kept() {
    let server = start();
    let id = "a".repeat(MAX_ID_LEN);
    let reply = get(&server, "/public", &[("x-request-id", &id)]);
    assert_eq!(
        reply.request_id.as_deref(),
        Some(id.as_str()),
        "{MAX_ID_LEN} bytes is at the limit, not over it"
    );
}

#[test]
fn an_unusable_incoming_id_is_replaced() {
    let server = start();
    let long = "a".repeat(MAX_ID_LEN + 1);
    for (id, why) in [
        (long.as_str(), "one byte over MAX_ID_LEN"),
        ("", "empty"),
        ("two words", "a space: visible ASCII only"),
        ("id\"quote\tx", "a tab"),
        ("caf\u{e9}", "not ASCII"),
    ] {
        let reply = get(&server, "/whoami", &[("x-request-id", id)]);
        let got = reply.request_id.clone().unwrap_or_default();
        assert!(
            got.starts_with("req-") && reply.body == got,
            "x-request-id {id:?} ({why}) must be replaced by a new id; the response said \
             {got:?} and the handler saw {:?}",
            reply.body
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Logging

#[test]
fn every_request_is_logged_once_with_its_id() {
    let server = start();
    get(&server, "/public", &[("x-request-id", "abc")]);
    get(&server, "/whoami", &[]);
    assert_eq!(
        server.sink.lines(),
        [
            line("GET", "/public", 200, "abc"),
            line("GET", "/whoami", 200, "req-1")
        ],
        "one LogLine per request, after the response, with the id the request id layer chose \
         (so request_id must be the outer layer)"
    );
}

#[test]
fn the_log_has_the_path_without_the_query() {
    let server = start();
    get(&server, "/public?access_token=s3cret&page=2", &[]);
    let lines = server.sink.lines();
    assert_eq!(
        lines.first().map(|l| l.path.as_str()),
        Some("/public"),
        "log uri().path(), not the query: tokens travel in queries and logs are read by many"
    );
}

#[test]
fn a_404_and_a_401_are_logged_too() {
    let server = start();
    let missing = get(&server, "/nowhere", &[]);
    expect_status(&missing, 404, "no route");
    assert_eq!(
        missing.request_id.as_deref(),
        Some("req-1"),
        "a 404 carries its request id too: use .layer, which wraps the fallback as well"
    );
    get(&server, "/admin/stats", &[]);
    assert_eq!(
        server.sink.lines(),
        [
            line("GET", "/nowhere", 404, "req-1"),
            line("GET", "/admin/stats", 401, "req-2")
        ],
        "failed requests are the ones a log is read for: log outside the auth layer"
    );
}

// ---------------------------------------------------------------------------------------------
// Bearer token

#[test]
fn admin_without_credentials_is_401_with_a_challenge() {
    let server = start();
    let reply = get(&server, "/admin/stats", &[]);
    expect_status(&reply, 401, "no Authorization header on a protected route");
    assert_eq!(
        reply.challenge.as_deref(),
        Some(r#"Bearer realm="admin""#),
        "a 401 must say how to authenticate (RFC 9110 §11.6.1); no error code without \
         credentials (RFC 6750 §3.1)"
    );
}

#[test]
fn admin_with_the_token_is_200() {
    let server = start();
    let reply = get(
        &server,
        "/admin/stats",
        &[("authorization", "Bearer s3cret-token")],
    );
    expect_status(&reply, 200, "the right bearer token");
    assert_eq!(reply.body, "42 books");
}

#[test]
fn the_scheme_is_case_insensitive() {
    let server = start();
    for value in ["bearer s3cret-token", "BEARER s3cret-token"] {
        let reply = get(&server, "/admin/stats", &[("authorization", value)]);
        expect_status(
            &reply,
            200,
            &format!("{value:?}: schemes are case-insensitive (RFC 9110 §11.1)"),
        );
    }
}

#[test]
fn a_wrong_token_or_scheme_is_401_invalid_token() {
    let server = start();
    for value in [
        "Bearer wrong",
        "Bearer s3cret-toke",
        "Bearer s3cret-token2",
        "Bearer S3CRET-TOKEN",
        "Basic czNjcmV0LXRva2Vu",
        "s3cret-token",
        "Bearer",
    ] {
        let reply = get(&server, "/admin/stats", &[("authorization", value)]);
        expect_status(
            &reply,
            401,
            &format!("Authorization: {value:?} is not the token"),
        );
        assert_eq!(
            reply.challenge.as_deref(),
            Some(r#"Bearer realm="admin", error="invalid_token""#),
            "Authorization: {value:?}: credentials were sent and are wrong (RFC 6750 §3.1)"
        );
        assert_ne!(reply.body, "42 books", "the handler must not run");
    }
}

#[test]
fn the_token_guards_the_admin_routes_only() {
    let server = start();
    let reply = get(&server, "/public", &[("authorization", "Bearer wrong")]);
    expect_status(
        &reply,
        200,
        "a public route ignores credentials, even wrong ones",
    );
    let reply = get(&server, "/nowhere", &[]);
    expect_status(
        &reply,
        404,
        "a path with no route is 404, not 401: use route_layer",
    );
}

// ---------------------------------------------------------------------------------------------
// Raw bytes

#[test]
fn on_the_wire_the_id_and_the_challenge_are_headers() {
    let server = start();
    let mut stream = tcp::connect(server.addr);
    stream
        .write_all(b"GET /admin/stats HTTP/1.1\r\nHost: x\r\nX-Request-Id: wire-1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let (bytes, end) = tcp::read_until_close(&mut stream);
    end.unwrap();
    let got = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert!(
        got.starts_with("http/1.1 401 unauthorized\r\n"),
        "got:\n{got}"
    );
    assert!(got.contains("\r\nx-request-id: wire-1\r\n"), "got:\n{got}");
    assert!(
        got.contains("\r\nwww-authenticate: bearer realm=\"admin\"\r\n"),
        "got:\n{got}"
    );
}
