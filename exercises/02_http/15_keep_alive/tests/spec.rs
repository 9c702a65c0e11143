//! The specification of persistent connections and pipelining (RFC 9112 §9.3). The socket tests
//! start a server on a port the OS picks and talk to it with a raw `TcpStream`, reading each
//! response by its Content-Length exactly as an HTTP client on a kept-alive connection must.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::Duration;

use keep_alive::{Config, Header, Request, Server, TargetForm, Version, wants_keep_alive};
use testkit::tcp::{self, TIMEOUT};

// ---------------------------------------------------------------- helpers

fn req(version: &str, headers: &[(&str, &str)]) -> Request {
    let version = match version {
        "HTTP/1.0" => Version::Http10,
        "HTTP/1.1" => Version::Http11,
        other => panic!("the tests only build HTTP/1.0 and HTTP/1.1 requests, not {other}"),
    };
    Request {
        method: "GET".to_string(),
        target: "/".to_string(),
        form: TargetForm::Origin,
        version,
        headers: headers
            .iter()
            .map(|(n, v)| Header {
                name: n.to_string(),
                value: v.as_bytes().to_vec(),
            })
            .collect(),
        body: Vec::new(),
    }
}

#[derive(Debug)]
struct Reply {
    status_line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn says_close(&self) -> bool {
        self.header("Connection")
            .is_some_and(|v| v.split(',').any(|o| o.trim().eq_ignore_ascii_case("close")))
    }
}

/// A client on one persistent connection.
struct Client {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = tcp::connect(addr);
        Client {
            writer: stream.try_clone().unwrap(),
            reader: BufReader::new(stream),
        }
    }

    fn send(&mut self, raw: &str) {
        self.writer
            .write_all(raw.as_bytes())
            .expect("sending to the server");
    }

    fn line(&mut self, what: &str) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => panic!("the server closed the connection while the test waited for {what}"),
            Ok(_) => line.trim_end_matches(['\r', '\n']).to_string(),
            Err(e) if tcp::is_timeout(&e) => panic!(
                "no {what} within {TIMEOUT:?}: the server did not answer a request on this \
                 connection (did it lose pipelined bytes, or stop after the first response?)"
            ),
            Err(e) => panic!("reading {what} failed: {e}"),
        }
    }

    /// Reads one response; `head` is true when it answers a HEAD request (no body follows).
    fn read_reply(&mut self, head: bool) -> Reply {
        let status_line = self.line("a status line");
        assert!(
            status_line.starts_with("HTTP/1.1 "),
            "expected a status line like `HTTP/1.1 200 OK`, got {status_line:?} (stray body \
             bytes from an earlier response?)"
        );
        let mut headers = Vec::new();
        loop {
            let line = self.line("a header line");
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("a header line has ':'");
            headers.push((name.to_string(), value.trim().to_string()));
        }
        let mut reply = Reply {
            status_line,
            headers,
            body: String::new(),
        };
        if !head {
            let length: usize = reply
                .header("Content-Length")
                .expect("every response has Content-Length")
                .parse()
                .expect("Content-Length is a number");
            let mut body = vec![0; length];
            self.reader.read_exact(&mut body).expect("reading the body");
            // Shown as text in failures: every body of these routes is text.
            reply.body = String::from_utf8_lossy(&body).into_owned();
        }
        reply
    }

    fn reply(&mut self) -> Reply {
        self.read_reply(false)
    }

    /// Waits for the server to close the connection; returns any bytes it sent first.
    fn closed_within(&mut self, limit: Duration) -> Vec<u8> {
        self.reader.get_ref().set_read_timeout(Some(limit)).unwrap();
        match tcp::read_until_close(&mut self.reader) {
            (extra, Ok(())) => extra,
            (extra, Err(e)) if tcp::is_timeout(&e) => panic!(
                "the server kept the connection open for more than {limit:?}; it should have \
                 closed it (received meanwhile: {:?})",
                String::from_utf8_lossy(&extra)
            ),
            (_, Err(e)) => panic!("waiting for the close failed: {e}"),
        }
    }
}

fn start(config: Config) -> Server {
    Server::start(config).expect("the server starts")
}

fn stop(server: Server) {
    testkit::within(TIMEOUT, move || server.shutdown()).expect("shutdown() finishes");
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: test\r\n\r\n")
}

// ---------------------------------------------------------------- wants_keep_alive

#[test]
fn http11_keeps_the_connection_by_default() {
    assert!(
        wants_keep_alive(&req("HTTP/1.1", &[("Host", "x")])),
        "HTTP/1.1 connections persist unless `close` is asked for (RFC 9112 §9.3)"
    );
}

#[test]
fn http11_with_connection_close_closes() {
    assert!(
        !wants_keep_alive(&req("HTTP/1.1", &[("Connection", "close")])),
        "`Connection: close` ends the connection after this response (RFC 9112 §9.6)"
    );
}

#[test]
fn connection_options_are_case_insensitive() {
    assert!(
        !wants_keep_alive(&req("HTTP/1.1", &[("connection", "Close")])),
        "header names and connection options are case-insensitive (RFC 9110 §5.1, §7.6.1)"
    );
}

#[test]
fn connection_is_a_list_of_options() {
    assert!(
        !wants_keep_alive(&req("HTTP/1.1", &[("Connection", "Upgrade, close")])),
        "Connection is a comma-separated list (RFC 9110 §7.6.1): `close` among others still closes"
    );
    assert!(
        wants_keep_alive(&req("HTTP/1.1", &[("Connection", "closed, x-close-later")])),
        "options are whole tokens: `closed` is not `close`"
    );
}

#[test]
fn every_connection_header_counts() {
    assert!(
        !wants_keep_alive(&req(
            "HTTP/1.1",
            &[("Connection", "keep-alive"), ("Connection", "close")]
        )),
        "a header field may be sent on several lines; all of them form one list (RFC 9110 §5.3)"
    );
}

#[test]
fn http10_closes_by_default() {
    assert!(
        !wants_keep_alive(&req("HTTP/1.0", &[("Host", "x")])),
        "an HTTP/1.0 connection closes after the response unless keep-alive is asked for (RFC 9112 §9.3)"
    );
}

#[test]
fn http10_can_ask_for_keep_alive() {
    assert!(
        wants_keep_alive(&req("HTTP/1.0", &[("Connection", "Keep-Alive")])),
        "HTTP/1.0 with the `keep-alive` option persists (RFC 9112 §9.3, Appendix C.2.2)"
    );
}

#[test]
fn http10_close_wins_over_keep_alive() {
    assert!(
        !wants_keep_alive(&req("HTTP/1.0", &[("Connection", "keep-alive, close")])),
        "when in doubt, close: `close` is final whatever else the list says"
    );
}

// ---------------------------------------------------------------- persistence

#[test]
fn several_requests_on_one_connection() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    for id in 1..=3 {
        client.send(&get(&format!("/items/{id}")));
        let reply = client.reply();
        assert_eq!(
            reply.status_line, "HTTP/1.1 200 OK",
            "request {id} on the same connection"
        );
        assert_eq!(
            reply.body,
            format!("item {id}\n"),
            "each request on a persistent connection gets its own response (RFC 9112 §9.3)"
        );
        assert!(
            !reply.says_close(),
            "an HTTP/1.1 keep-alive response must not say `Connection: close`"
        );
    }
    stop(server);
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&format!(
        "{}{}{}",
        get("/items/a"),
        get("/items/b"),
        get("/items/c")
    ));
    for id in ["a", "b", "c"] {
        let reply = client.reply();
        assert_eq!(
            reply.body,
            format!("item {id}\n"),
            "three requests sent in ONE write: all three answered, in order (RFC 9112 §9.3.2). \
             Keep one BufReader for the whole connection, or the buffered requests are lost"
        );
    }
    stop(server);
}

#[test]
fn pipelined_bodies_are_framed_by_content_length() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&format!(
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nGET /{}",
        get("/items/after")
    ));
    assert_eq!(
        client.reply().body,
        "GET /",
        "the body is exactly Content-Length bytes, even when it looks like a request"
    );
    assert_eq!(
        client.reply().body,
        "item after\n",
        "the next request starts right after those bytes"
    );
    stop(server);
}

#[test]
fn head_on_a_kept_alive_connection_sends_no_body() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&format!(
        "HEAD /items/1 HTTP/1.1\r\nHost: t\r\n\r\n{}",
        get("/items/2")
    ));
    let head = client.read_reply(true);
    assert_eq!(
        head.header("Content-Length"),
        Some("7"),
        "HEAD gets the GET's Content-Length"
    );
    let next = client.reply();
    assert_eq!(
        next.body, "item 2\n",
        "after a HEAD response comes the NEXT response, not a body: a body sent for HEAD is \
         read by the client as the start of the next response (RFC 9110 §9.3.2)"
    );
    stop(server);
}

// ---------------------------------------------------------------- closing

#[test]
fn connection_close_is_honoured() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&get("/items/1"));
    assert!(
        !client.reply().says_close(),
        "the first request keeps the connection"
    );
    client.send("GET /items/2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    let reply = client.reply();
    assert_eq!(
        reply.body, "item 2\n",
        "the request that asks to close is still answered"
    );
    assert!(
        reply.says_close(),
        "the last response says `Connection: close` (RFC 9112 §9.6); headers: {:?}",
        reply.headers
    );
    let extra = client.closed_within(TIMEOUT);
    assert!(
        extra.is_empty(),
        "nothing follows the last response; got {extra:?}"
    );
    stop(server);
}

#[test]
fn pipelined_close_ends_the_pipeline() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&format!(
        "{}GET /items/2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        get("/items/1")
    ));
    assert!(
        !client.reply().says_close(),
        "the first pipelined request keeps the connection"
    );
    assert!(
        client.reply().says_close(),
        "the second asked to close: its response says so"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn http10_request_is_answered_then_closed() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send("GET /items/1 HTTP/1.0\r\n\r\n");
    let reply = client.reply();
    assert_eq!(reply.body, "item 1\n", "HTTP/1.0 requests are served");
    assert!(
        reply.says_close(),
        "HTTP/1.0 defaults to close: say `Connection: close` and close (RFC 9112 §9.3)"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn http10_keep_alive_is_honoured() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send("GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    let reply = client.reply();
    assert_eq!(
        reply
            .header("Connection")
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("keep-alive"),
        "an HTTP/1.0 client keeps the connection only if the response says \
         `Connection: keep-alive` (RFC 9112 Appendix C.2.2)"
    );
    client.send("GET /items/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(
        client.reply().body,
        "item 2\n",
        "and the second request is served on it"
    );
    stop(server);
}

#[test]
fn malformed_request_gets_400_and_the_connection_closes() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&get("/items/1"));
    assert_eq!(client.reply().body, "item 1\n", "a good first request");
    client.send("NONSENSE\r\n\r\n");
    let reply = client.reply();
    assert_eq!(
        reply.status_line, "HTTP/1.1 400 Bad Request",
        "a malformed request gets 400"
    );
    assert!(
        reply.says_close(),
        "after a request that cannot be parsed, nobody knows where the next one starts: \
         say `Connection: close` and close"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn not_found_keeps_the_connection() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&get("/nowhere"));
    let reply = client.reply();
    assert_eq!(
        reply.status_line, "HTTP/1.1 404 Not Found",
        "an unknown path gets 404 Not Found (RFC 9110 §15.5.5)"
    );
    assert!(
        !reply.says_close(),
        "a 404 is an ordinary response to a well-framed request: the connection stays open"
    );
    client.send(&get("/items/1"));
    assert_eq!(
        client.reply().body,
        "item 1\n",
        "the next request is served"
    );
    stop(server);
}

#[test]
fn wrong_method_gets_405_and_keeps_the_connection() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&get("/echo"));
    let reply = client.reply();
    assert_eq!(
        reply.status_line, "HTTP/1.1 405 Method Not Allowed",
        "GET on the POST-only /echo gets 405 (RFC 9110 §15.5.6)"
    );
    assert_eq!(
        reply.header("Allow"),
        Some("POST"),
        "a 405 names the allowed methods"
    );
    assert!(!reply.says_close(), "a 405 does not end the connection");
    client.send(&get("/items/2"));
    assert_eq!(
        client.reply().body,
        "item 2\n",
        "the next request is served"
    );
    stop(server);
}

#[test]
fn oversized_body_gets_413_and_the_connection_closes() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n");
    let reply = client.reply();
    assert_eq!(
        reply.status_line, "HTTP/1.1 413 Content Too Large",
        "a declared body over the limit gets 413, before reading it (RFC 9110 §15.5.14)"
    );
    assert!(
        reply.says_close(),
        "the unread body would be taken for the next request: say `Connection: close` and close"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn oversized_head_gets_431_and_the_connection_closes() {
    let server = start(Config::default());
    let mut client = Client::connect(server.addr());
    client.send(&format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "a".repeat(9000)
    ));
    let reply = client.reply();
    assert_eq!(
        reply.status_line, "HTTP/1.1 431 Request Header Fields Too Large",
        "a field line over the parser's limit gets 431 (RFC 6585 §5): ParseError::status()"
    );
    assert!(
        reply.says_close(),
        "a head that was refused ends the connection"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn idle_connection_is_closed_after_the_timeout() {
    let config = Config {
        idle_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let server = start(config);
    let mut client = Client::connect(server.addr());
    client.send(&get("/items/1"));
    assert_eq!(client.reply().body, "item 1\n", "served before going idle");
    let extra = client.closed_within(TIMEOUT);
    assert!(
        extra.is_empty(),
        "an idle connection is closed silently: there is no request to answer; got {:?}",
        String::from_utf8_lossy(&extra)
    );
    stop(server);
}

#[test]
fn half_sent_request_is_dropped_after_the_timeout() {
    let config = Config {
        idle_timeout: Duration::from_millis(300),
        ..Config::default()
    };
    let server = start(config);
    let mut client = Client::connect(server.addr());
    client.send("GET /items/1 HTTP/1.1\r\nHost:");
    thread::sleep(Duration::from_millis(50));
    client.send(" t\r\n\r\n");
    assert_eq!(
        client.reply().body,
        "item 1\n",
        "a request that arrives in pieces, well within the idle timeout, is served"
    );
    client.send("GET /items/2 HTTP/1.1\r\nHost:");
    let extra = client.closed_within(TIMEOUT);
    assert!(
        extra.is_empty(),
        "a request left half-sent past the idle timeout is dropped without an answer \
         (otherwise a few slow clients pin every thread: Slowloris)"
    );
    stop(server);
}

#[test]
fn max_requests_per_connection_is_enforced() {
    let config = Config {
        max_requests: 2,
        ..Config::default()
    };
    let server = start(config);
    let mut client = Client::connect(server.addr());
    client.send(&get("/items/1"));
    assert!(
        !client.reply().says_close(),
        "request 1 of 2 keeps the connection"
    );
    client.send(&get("/items/2"));
    let reply = client.reply();
    assert_eq!(reply.body, "item 2\n", "request 2 of 2 is served");
    assert!(
        reply.says_close(),
        "the response that reaches max_requests says `Connection: close`, so the client \
         knows to open a new connection"
    );
    client.closed_within(TIMEOUT);
    stop(server);
}

#[test]
fn connections_are_independent() {
    let server = start(Config::default());
    let mut a = Client::connect(server.addr());
    let mut b = Client::connect(server.addr());
    a.send(&get("/items/a1"));
    b.send(&get("/items/b1"));
    assert_eq!(
        b.reply().body,
        "item b1\n",
        "b is served while a's response waits unread"
    );
    assert_eq!(a.reply().body, "item a1\n", "a is served");
    b.send("GET /items/b2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(b.reply().says_close(), "b closes");
    a.send(&get("/items/a2"));
    assert_eq!(a.reply().body, "item a2\n", "closing b does not affect a");
    stop(server);
}
