//! The specification of a retrying HTTP client, checked against a scripted fake server on
//! 127.0.0.1 over real sockets. The sleeper records delays instead of waiting them.

use retrying_client::{
    Client, ClientError, Request, Response, RetryPolicy, Sleeper, backoff_delay, is_idempotent,
    is_retryable_status, retry_after,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ----- a scripted fake server -----------------------------------------------------------------

/// How long a silent connection stays open: far beyond the client's 200 ms read timeout.
const SILENCE: Duration = Duration::from_secs(2);

/// What the fake server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Answer with this status and these extra headers.
    Status(u16, &'static [(&'static str, &'static str)]),
    /// Read the request, then never answer. (After SILENCE the connection is closed anyway,
    /// so that a client without a read timeout fails instead of hanging the test.)
    Silent,
    /// Read the request, then close the connection without a response.
    Close,
}

/// A request as the fake server received it.
#[derive(Debug, Clone)]
struct Received {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct FakeServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Serves one connection per script entry, in order; connections beyond the script get a
    /// 500 (and are counted, so a test sees the extra attempt).
    fn start(script: Vec<Reply>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (received, stop) = (received.clone(), stop.clone());
            thread::spawn(move || serve(listener, script, received, stop))
        };
        FakeServer {
            addr,
            received,
            stop,
            thread: Some(thread),
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    listener: TcpListener,
    script: Vec<Reply>,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
) {
    let mut script = script.into_iter();
    let mut held: Vec<(TcpStream, Instant)> = Vec::new(); // silent connections
    while !stop.load(Ordering::SeqCst) {
        held.retain(|(_, since)| since.elapsed() < SILENCE);
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                thread::sleep(Duration::from_millis(2));
                continue;
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let Some(request) = read_request(&stream) else {
            continue;
        };
        received.lock().unwrap().push(request);
        match script.next().unwrap_or(Reply::Status(500, &[])) {
            Reply::Status(status, headers) => {
                let mut head = format!("HTTP/1.1 {status} Scripted\r\n");
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                let body = format!("reply {status}");
                head.push_str(&format!(
                    "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                ));
                let mut stream = stream;
                let _ = stream.write_all(head.as_bytes());
            }
            Reply::Silent => held.push((stream, Instant::now())),
            Reply::Close => drop(stream),
        }
    }
}

fn read_request(stream: &TcpStream) -> Option<Received> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        request_line: request_line.trim_end().to_string(),
        headers,
        body,
    })
}

// ----- a client with a recording sleeper ------------------------------------------------------

#[derive(Clone, Default)]
struct RecordingSleeper {
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) {
        let mut slept = self.slept.lock().unwrap();
        slept.push(duration);
        // No test allows more than a few retries: a client still going is in an endless loop.
        assert!(
            slept.len() <= 20,
            "the client slept 20 times for one send, though max_attempts is at most a few: does the attempt count grow, and does the loop stop at max_attempts?"
        );
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(1),
        read_timeout: Duration::from_millis(200),
    }
}

fn client(policy: RetryPolicy) -> (Client, Arc<Mutex<Vec<Duration>>>) {
    let sleeper = RecordingSleeper::default();
    let slept = sleeper.slept.clone();
    (Client::new(policy, sleeper), slept)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn status_of(result: &Result<Response, ClientError>) -> u16 {
    match result {
        Ok(resp) => resp.status,
        Err(e) => panic!("expected a response, got the error {e:?}"),
    }
}

fn get() -> Request {
    Request::new("GET", "/orders/7")
}

fn post() -> Request {
    Request::new("POST", "/payments").with_body(r#"{"amount":100}"#)
}

// ----- the policy, unit by unit ---------------------------------------------------------------

#[test]
fn only_502_503_504_are_retryable() {
    for status in [502, 503, 504] {
        assert!(
            is_retryable_status(status),
            "{status} means 'not now': worth retrying"
        );
    }
    for status in [200, 201, 301, 400, 404, 409, 422, 500, 501, 505] {
        assert!(
            !is_retryable_status(status),
            "{status} is not transient: retrying gives the same answer (500 is usually a bug, 4xx a bad request)"
        );
    }
}

#[test]
fn idempotent_methods_per_rfc_9110() {
    for method in ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"] {
        assert!(
            is_idempotent(&Request::new(method, "/")),
            "{method} is idempotent (RFC 9110 §9.2.2): safe to send again"
        );
    }
    for method in ["POST", "PATCH"] {
        assert!(
            !is_idempotent(&Request::new(method, "/")),
            "{method} is not idempotent: a repeat may act twice"
        );
        let keyed = Request::new(method, "/").with_header("Idempotency-Key", "\"k-1\"");
        assert!(
            is_idempotent(&keyed),
            "{method} with an Idempotency-Key can be recognised as a repeat by the server: safe to retry"
        );
    }
}

#[test]
fn backoff_doubles_from_the_base() {
    let p = policy();
    let delays: Vec<Duration> = (1..=4).map(|n| backoff_delay(&p, n)).collect();
    assert_eq!(
        delays,
        [ms(100), ms(200), ms(400), ms(800)],
        "retry n waits base × 2^(n-1)"
    );
}

#[test]
fn backoff_is_capped_and_never_overflows() {
    let p = RetryPolicy {
        max_delay: Duration::from_secs(1),
        ..policy()
    };
    assert_eq!(
        backoff_delay(&p, 5),
        Duration::from_secs(1),
        "1.6 s is capped at max_delay"
    );
    for retry in [32, 33, 64, 1000, u32::MAX] {
        assert_eq!(
            backoff_delay(&p, retry),
            Duration::from_secs(1),
            "retry {retry}: 2^(retry-1) overflows, the answer is still max_delay (no panic)"
        );
    }
}

fn response_with_retry_after(value: &str) -> Response {
    Response {
        status: 503,
        headers: vec![("Retry-After".into(), value.into())],
        body: Vec::new(),
    }
}

#[test]
fn retry_after_in_seconds() {
    assert_eq!(
        retry_after(&response_with_retry_after("120")),
        Some(Duration::from_secs(120)),
        "RFC 9110 §10.2.3 example: Retry-After: 120"
    );
    assert_eq!(
        retry_after(&response_with_retry_after("0")),
        Some(Duration::ZERO)
    );
    assert_eq!(
        retry_after(&response_with_retry_after(" 3 ")),
        Some(Duration::from_secs(3)),
        "surrounding spaces are not part of the value"
    );
    assert_eq!(
        retry_after(&response_with_retry_after("99999999999999999999999")),
        Some(Duration::from_secs(u64::MAX)),
        "an absurdly large delay saturates (and is then longer than any max_delay)"
    );
}

#[test]
fn retry_after_in_other_forms_is_ignored() {
    for value in [
        "-1",
        "1.5",
        "",
        "soon",
        "0x10",
        "Fri, 31 Dec 1999 23:59:59 GMT",
    ] {
        assert_eq!(
            retry_after(&response_with_retry_after(value)),
            None,
            "Retry-After: {value:?} is not delay-seconds (1*DIGIT); this client falls back to its own backoff"
        );
    }
    let plain = Response {
        status: 503,
        headers: vec![],
        body: vec![],
    };
    assert_eq!(retry_after(&plain), None, "no header, no hint");
}

// ----- over the wire --------------------------------------------------------------------------

#[test]
fn a_success_is_returned_at_once() {
    let server = FakeServer::start(vec![Reply::Status(200, &[("X-Order", "7")])]);
    let (client, slept) = client(policy());
    let result = client.send(server.addr, &get());
    assert_eq!(status_of(&result), 200);
    let resp = result.unwrap();
    assert_eq!(
        resp.header("X-Order"),
        Some("7"),
        "the response headers come through"
    );
    assert_eq!(resp.body, b"reply 200");
    assert_eq!(server.count(), 1, "one request, no retry");
    assert!(
        slept.lock().unwrap().is_empty(),
        "no waiting after a success"
    );
    assert_eq!(server.received()[0].request_line, "GET /orders/7 HTTP/1.1");
}

#[test]
fn a_503_is_retried_with_exponential_backoff() {
    let server = FakeServer::start(vec![
        Reply::Status(503, &[]),
        Reply::Status(503, &[]),
        Reply::Status(200, &[]),
    ]);
    let (client, slept) = client(policy());
    let result = client.send(server.addr, &get());
    assert_eq!(
        status_of(&result),
        200,
        "two 503s, then success on the third attempt"
    );
    assert_eq!(server.count(), 3, "the server saw three requests");
    assert_eq!(
        *slept.lock().unwrap(),
        [ms(100), ms(200)],
        "the waits double: base, then 2 × base"
    );
}

#[test]
fn a_502_and_a_504_are_retried() {
    let server = FakeServer::start(vec![
        Reply::Status(502, &[]),
        Reply::Status(504, &[]),
        Reply::Status(200, &[]),
    ]);
    let (client, _) = client(policy());
    assert_eq!(status_of(&client.send(server.addr, &get())), 200);
    assert_eq!(server.count(), 3);
}

#[test]
fn gives_up_after_max_attempts_with_the_last_response() {
    let server = FakeServer::start(vec![Reply::Status(503, &[]); 5]);
    let (client, slept) = client(policy());
    let result = client.send(server.addr, &get());
    assert_eq!(
        status_of(&result),
        503,
        "after max_attempts the caller gets the last response"
    );
    assert_eq!(
        server.count(),
        3,
        "max_attempts = 3 means three requests in total, not 1 + 3"
    );
    assert_eq!(
        slept.lock().unwrap().len(),
        2,
        "waits happen between attempts, never after the last one"
    );
}

#[test]
fn max_attempts_of_one_never_retries() {
    let server = FakeServer::start(vec![Reply::Status(503, &[]), Reply::Status(200, &[])]);
    let (client, _) = client(RetryPolicy {
        max_attempts: 1,
        ..policy()
    });
    assert_eq!(status_of(&client.send(server.addr, &get())), 503);
    assert_eq!(server.count(), 1);
}

#[test]
fn other_errors_are_not_retried() {
    for status in [500, 404, 400] {
        let server = FakeServer::start(vec![Reply::Status(status, &[]), Reply::Status(200, &[])]);
        let (client, _) = client(policy());
        assert_eq!(status_of(&client.send(server.addr, &get())), status);
        assert_eq!(
            server.count(),
            1,
            "{status} is not transient: exactly one request"
        );
    }
}

#[test]
fn retry_after_replaces_the_backoff() {
    let server = FakeServer::start(vec![
        Reply::Status(503, &[("Retry-After", "2")]),
        Reply::Status(200, &[]),
    ]);
    let (client, slept) = client(policy());
    assert_eq!(status_of(&client.send(server.addr, &get())), 200);
    assert_eq!(
        *slept.lock().unwrap(),
        [Duration::from_secs(2)],
        "the server asked for 2 s (RFC 9110 §10.2.3): wait that, not the 100 ms backoff"
    );
}

#[test]
fn a_retry_after_of_exactly_max_delay_is_waited() {
    let server = FakeServer::start(vec![
        Reply::Status(503, &[("Retry-After", "10")]),
        Reply::Status(200, &[]),
    ]);
    let (client, slept) = client(policy());
    assert_eq!(
        status_of(&client.send(server.addr, &get())),
        200,
        "Retry-After: 10 is exactly max_delay (10 s): still allowed, so wait and retry"
    );
    assert_eq!(*slept.lock().unwrap(), [Duration::from_secs(10)]);
}

#[test]
fn a_retry_after_longer_than_max_delay_means_give_up_now() {
    let server = FakeServer::start(vec![
        Reply::Status(503, &[("Retry-After", "3600")]),
        Reply::Status(200, &[]),
    ]);
    let (client, slept) = client(policy());
    assert_eq!(
        status_of(&client.send(server.addr, &get())),
        503,
        "waiting an hour is more than max_delay (10 s): return the 503 to the caller at once"
    );
    assert_eq!(
        server.count(),
        1,
        "and do not retry early either: that ignores what the server asked"
    );
    assert!(slept.lock().unwrap().is_empty(), "no sleep at all");
}

#[test]
fn a_post_without_a_key_is_never_retried() {
    let server = FakeServer::start(vec![Reply::Status(503, &[]), Reply::Status(201, &[])]);
    let (client, slept) = client(policy());
    assert_eq!(
        status_of(&client.send(server.addr, &post())),
        503,
        "POST is not idempotent: the client SHOULD NOT retry it automatically (RFC 9110 §9.2.2)"
    );
    assert_eq!(
        server.count(),
        1,
        "one request: a second one might pay twice"
    );
    assert!(slept.lock().unwrap().is_empty());
}

#[test]
fn a_post_with_an_idempotency_key_is_retried_identically() {
    let server = FakeServer::start(vec![Reply::Status(503, &[]), Reply::Status(201, &[])]);
    let (client, _) = client(policy());
    let req = post().with_header(
        "Idempotency-Key",
        "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"",
    );
    assert_eq!(status_of(&client.send(server.addr, &req)), 201);
    let received = server.received();
    assert_eq!(received.len(), 2, "the keyed POST is retried");
    for r in &received {
        assert_eq!(r.request_line, "POST /payments HTTP/1.1");
        assert_eq!(
            r.header("Idempotency-Key"),
            Some("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
            "every attempt carries the same key, so the server can recognise the repeat"
        );
        assert_eq!(r.body, br#"{"amount":100}"#, "and the same body");
    }
}

#[test]
fn connection_refused_is_retried_even_for_a_post() {
    // Reserved while the test runs: a port merely released could be given to another test
    // process, and then it would answer.
    let closed = testkit::tcp::closed_port();
    let addr = closed.addr();
    let (client, slept) = client(policy());
    let result = client.send(addr, &post());
    assert!(
        matches!(result, Err(ClientError::Connect(_))),
        "nothing listens on {addr}: the error is Connect, got {result:?}"
    );
    assert_eq!(
        *slept.lock().unwrap(),
        [ms(100), ms(200)],
        "a connection that never opened carried no request, so even a POST is safe to retry: three attempts, two waits"
    );
}

#[test]
fn a_silent_server_times_out_quickly() {
    let server = FakeServer::start(vec![Reply::Silent]);
    let (client, _) = client(RetryPolicy {
        max_attempts: 1,
        ..policy()
    });
    let started = Instant::now();
    let result = client.send(server.addr, &get());
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(ClientError::Timeout)),
        "the server read the request and never answered: Timeout, got {result:?} (a read timeout is WouldBlock or TimedOut, depending on the OS)"
    );
    assert!(
        elapsed < Duration::from_secs(1),
        "the 200 ms read timeout must fire: waited {elapsed:?}"
    );
}

#[test]
fn send_once_reports_a_timeout() {
    let server = FakeServer::start(vec![Reply::Silent]);
    let (client, _) = client(policy());
    let result = client.send_once(server.addr, &get());
    assert!(
        matches!(result, Err(ClientError::Timeout)),
        "one silent attempt is a Timeout, got {result:?}"
    );
}

#[test]
fn a_timeout_is_retried_for_a_get() {
    let server = FakeServer::start(vec![Reply::Silent, Reply::Status(200, &[])]);
    let (client, slept) = client(policy());
    let started = Instant::now();
    assert_eq!(
        status_of(&client.send(server.addr, &get())),
        200,
        "the retry after a timeout succeeds"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "one 200 ms timeout, then an answer"
    );
    assert_eq!(server.count(), 2);
    assert_eq!(*slept.lock().unwrap(), [ms(100)]);
}

#[test]
fn a_timeout_is_not_retried_for_a_post() {
    let server = FakeServer::start(vec![Reply::Silent, Reply::Status(201, &[])]);
    let (client, _) = client(policy());
    let result = client.send(server.addr, &post());
    assert!(
        matches!(result, Err(ClientError::Timeout)),
        "the POST timed out: the server may have processed it, so report the timeout, got {result:?}"
    );
    assert_eq!(server.count(), 1, "one POST only");
}

#[test]
fn a_dropped_connection_is_retried_for_a_get() {
    let server = FakeServer::start(vec![Reply::Close, Reply::Status(200, &[])]);
    let (client, _) = client(policy());
    assert_eq!(status_of(&client.send(server.addr, &get())), 200);
    assert_eq!(server.count(), 2);
}

#[test]
fn a_dropped_connection_is_not_retried_for_a_post() {
    let server = FakeServer::start(vec![Reply::Close, Reply::Status(201, &[])]);
    let (client, _) = client(policy());
    let result = client.send(server.addr, &post());
    assert!(
        matches!(result, Err(ClientError::Io(_))),
        "the connection closed after the POST was sent: an Io error, not retried, got {result:?}"
    );
    assert_eq!(server.count(), 1);
}
