//! The specification: one JSON object per line, parsed here with serde_json (never matched as
//! text); a message that tries to break the line stays one line; and the id of a request on
//! every line logged while serving it, the handler's own lines included, over real TCP.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use json_logs::{Clock, Context, IdGen, Level, LogSink, Logger, app};
use serde_json::{Value, json};
use testkit::tcp;

/// 2026-11-29T14:32:08.123Z.
const NOW_MS: u64 = 1_795_962_728_123;
const NOW: &str = "2026-11-29T14:32:08.123Z";

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(NOW_MS)
    }
}

fn logger() -> (Logger, LogSink) {
    let sink = LogSink::default();
    (Logger::new(sink.clone(), Arc::new(FixedClock)), sink)
}

/// Every line of the sink, each parsed as JSON; the text must end with a line break.
#[track_caller]
fn lines(sink: &LogSink) -> Vec<Value> {
    let text = sink.text();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "each line ends with \\n (JSON Lines); the log was:\n{text}"
    );
    text.lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| {
                panic!(
                    "every line must be one JSON object, this one is not ({e}):\n{line}\n\
                     the whole log:\n{text}"
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// One line

#[test]
fn a_line_is_one_json_object_with_time_level_and_message() {
    let (log, sink) = logger();
    log.log(Level::Info, "service started", &[]);
    let got = lines(&sink);
    assert_eq!(
        got,
        [json!({
            "timestamp": NOW,
            "level": "info",
            "message": "service started",
            "fields": {}
        })],
        "one object: the clock's time (timestamp()), the level's as_str(), the message, and \
         an empty fields object; no request_id for a logger bound to none"
    );
}

#[test]
fn fields_keep_their_json_types() {
    let (log, sink) = logger();
    log.log(
        Level::Warn,
        "slow query",
        &[
            ("table", json!("orders")),
            ("rows", json!(1200)),
            ("cached", json!(false)),
        ],
    );
    let got = &lines(&sink)[0];
    assert_eq!(got["level"], "warn");
    assert_eq!(
        got["fields"],
        json!({"table": "orders", "rows": 1200, "cached": false}),
        "fields go under \"fields\", numbers stay numbers: a query for rows > 1000 must work"
    );
}

#[test]
fn each_call_is_one_line_in_order() {
    let (log, sink) = logger();
    log.log(Level::Error, "one", &[]);
    log.log(Level::Debug, "two", &[]);
    let got: Vec<(Value, Value)> = lines(&sink)
        .into_iter()
        .map(|l| (l["level"].clone(), l["message"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!("error"), json!("one")),
            (json!("debug"), json!("two"))
        ]
    );
}

#[test]
fn a_message_that_forges_a_line_stays_one_line() {
    let (log, sink) = logger();
    let attack = "login failed for bob\n{\"level\":\"info\",\"message\":\"login ok for admin\"}";
    log.log(Level::Warn, attack, &[("user", json!("bob\r\nadmin"))]);
    let got = lines(&sink);
    assert_eq!(
        got.len(),
        1,
        "a message with a line break in it must stay ONE line, or anyone who controls the \
         text writes their own log events (log injection): let serde_json escape it, \
         never format!() JSON by hand. The log:\n{}",
        sink.text()
    );
    assert_eq!(got[0]["message"], attack, "the message is kept, escaped");
    assert_eq!(got[0]["fields"]["user"], "bob\r\nadmin");
}

#[test]
fn quotes_backslashes_and_control_characters_are_escaped() {
    let (log, sink) = logger();
    let message = "path \"C:\\temp\" \u{7} tab\there, ünïcødé ✓";
    log.log(Level::Info, message, &[]);
    assert_eq!(lines(&sink)[0]["message"], message);
}

#[test]
fn a_bound_logger_adds_the_request_id_to_every_line() {
    let (root, sink) = logger();
    let log = root.for_request("abc-123");
    log.log(Level::Info, "one", &[]);
    log.log(Level::Error, "two", &[("n", json!(2))]);
    root.log(Level::Info, "not in a request", &[]);
    let ids: Vec<Value> = lines(&sink)
        .iter()
        .map(|l| l.get("request_id").cloned().unwrap_or(json!("<none>")))
        .collect();
    assert_eq!(
        ids,
        [json!("abc-123"), json!("abc-123"), json!("<none>")],
        "for_request returns a copy bound to the id; the root logger stays unbound"
    );
}

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down and joined on
// drop.

struct Server {
    addr: SocketAddr,
    sink: LogSink,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start() -> Server {
    let (logger, sink) = logger();
    let app = app(Context {
        logger,
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

/// A request with ureq: (status, x-request-id of the response).
fn call(server: &Server, method: &str, path: &str, id: Option<&str>, body: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into();
    let url = format!("http://{}{path}", server.addr);
    let result = if method == "POST" {
        let mut request = agent.post(&url);
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.send(body)
    } else {
        let mut request = agent.get(&url);
        if let Some(id) = id {
            request = request.header("x-request-id", id);
        }
        request.call()
    };
    let res = result.unwrap_or_else(|e| {
        panic!("{method} {path}: no response ({e}); did the middleware panic (a todo!() left)?")
    });
    let echoed = res
        .headers()
        .get("x-request-id")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_else(|| "<no x-request-id in the response>".into());
    (res.status().as_u16(), echoed)
}

/// (request_id, message) of each line.
fn ids_and_messages(sink: &LogSink) -> Vec<(String, String)> {
    lines(sink)
        .iter()
        .map(|l| {
            let id = l["request_id"].as_str().unwrap_or("<none>").to_string();
            (id, l["message"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

fn pair(id: &str, message: &str) -> (String, String) {
    (id.to_string(), message.to_string())
}

// ---------------------------------------------------------------------------------------------
// The request id through a service

#[test]
fn every_line_of_a_request_carries_its_incoming_id() {
    let server = start();
    let (status, echoed) = call(&server, "GET", "/orders/7", Some("trace-7f3a"), "");
    assert_eq!(status, 200);
    assert_eq!(
        ids_and_messages(&server.sink),
        [
            pair("trace-7f3a", "request started"),
            pair("trace-7f3a", "loading order"),
            pair("trace-7f3a", "request finished"),
        ],
        "the middleware's two lines and the handler's own line all carry the id: put the \
         bound logger into the request's extensions, where the handler takes it"
    );
    assert_eq!(echoed, "trace-7f3a", "the id is echoed in the response");
}

#[test]
fn the_start_and_end_lines_have_method_path_and_status() {
    let server = start();
    call(&server, "GET", "/orders/0?token=s3cret", None, "");
    let got = lines(&server.sink);
    let first = got.first().cloned().unwrap_or_default();
    let last = got.last().cloned().unwrap_or_default();
    assert_eq!(
        (first["message"].clone(), first["fields"].clone()),
        (
            json!("request started"),
            json!({"method": "GET", "path": "/orders/0"})
        ),
        "the path only, never the query (tokens travel in queries)"
    );
    assert_eq!(
        (last["message"].clone(), last["fields"].clone()),
        (json!("request finished"), json!({"status": 404})),
        "the status as a number, logged after the handler ran"
    );
    assert_eq!(last["timestamp"], NOW, "the injected clock's time");
}

#[test]
fn a_request_without_an_id_gets_a_new_one_on_its_lines_and_in_the_response() {
    let server = start();
    let (_, first) = call(&server, "GET", "/orders/1", None, "");
    let (_, second) = call(&server, "GET", "/orders/2", None, "");
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("req-1", "req-2"),
        "one new id from IdGen per request without x-request-id, echoed"
    );
    let ids: Vec<String> = ids_and_messages(&server.sink)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, ["req-1", "req-1", "req-1", "req-2", "req-2", "req-2"]);
}

#[test]
fn an_invalid_incoming_id_is_replaced() {
    let server = start();
    let long = "a".repeat(65);
    for (id, why) in [
        (long.as_str(), "65 bytes, one over the limit"),
        ("two words", "a space"),
        ("", "empty"),
    ] {
        let (_, echoed) = call(&server, "GET", "/orders/1", Some(id), "");
        assert!(
            echoed.starts_with("req-"),
            "x-request-id {id:?} ({why}) fails valid_request_id and must be replaced by a \
             new id; the response said {echoed:?}"
        );
    }
    let exactly = "b".repeat(64);
    let (_, echoed) = call(&server, "GET", "/orders/1", Some(&exactly), "");
    assert_eq!(echoed, exactly, "64 bytes is at the limit, kept");
}

#[test]
fn a_404_from_no_route_is_logged_with_its_id() {
    let server = start();
    let (status, echoed) = call(&server, "GET", "/nowhere", Some("lost-1"), "");
    assert_eq!((status, echoed.as_str()), (404, "lost-1"));
    assert_eq!(
        ids_and_messages(&server.sink),
        [
            pair("lost-1", "request started"),
            pair("lost-1", "request finished")
        ]
    );
}

#[test]
fn a_forged_line_in_a_request_body_stays_inside_one_line() {
    let server = start();
    let body = "hi\n{\"timestamp\":\"2026-01-01T00:00:00.000Z\",\"level\":\"error\",\
                \"message\":\"disk full\",\"request_id\":\"admin\",\"fields\":{}}";
    let (status, _) = call(&server, "POST", "/notes", Some("n-1"), body);
    assert_eq!(status, 202);
    let got = ids_and_messages(&server.sink);
    assert_eq!(
        got.len(),
        3,
        "started, the note, finished: a body with a line break must not add a line. Log:\n{}",
        server.sink.text()
    );
    assert_eq!(got[1], pair("n-1", &format!("note received: {body}")));
}

#[test]
fn concurrent_requests_keep_their_own_ids() {
    let server = start();
    std::thread::scope(|s| {
        for n in 1..=8 {
            let server = &server;
            s.spawn(move || {
                call(
                    server,
                    "GET",
                    &format!("/orders/{n}"),
                    Some(&format!("c-{n}")),
                    "",
                )
            });
        }
    });
    let got = lines(&server.sink);
    assert_eq!(got.len(), 24, "3 lines for each of 8 requests");
    for line in &got {
        if line["message"] == "loading order" {
            let order = line["fields"]["order_id"].as_u64().unwrap_or(0);
            assert_eq!(
                line["request_id"],
                format!("c-{order}"),
                "the handler of order {order} logged under another request's id: the id must \
                 travel with the request (its extensions), not in a shared variable"
            );
        }
    }
}

#[test]
fn raw_bytes_over_tcp_get_the_id_echoed() {
    let server = start();
    let mut stream = tcp::connect(server.addr);
    stream
        .write_all(
            b"GET /orders/5 HTTP/1.1\r\nHost: test\r\nX-Request-Id: raw-5\r\n\
              Connection: close\r\n\r\n",
        )
        .unwrap();
    let (bytes, _) = tcp::read_until_close(&mut stream);
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert!(
        text.starts_with("http/1.1 200") && text.contains("\r\nx-request-id: raw-5\r\n"),
        "expected a 200 with x-request-id: raw-5, got:\n{text}"
    );
    assert_eq!(ids_and_messages(&server.sink).len(), 3);
}
