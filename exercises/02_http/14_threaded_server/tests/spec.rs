//! The specification of the threaded server. Every test starts its own server on a port the OS
//! picks, talks to it with raw `TcpStream` clients, and shuts it down. Every socket operation has
//! a timeout, so a missing answer fails the test instead of hanging it.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use testkit::tcp::{self, OwnListener, TIMEOUT, connect};
use threaded_server::{Response, Server, handle_connection, write_response};

/// Reads until the server closes the connection (a reset after the response counts as a close).
fn read_until_close(stream: &mut TcpStream) -> Vec<u8> {
    match tcp::read_until_close(stream) {
        (received, Ok(())) => received,
        (received, Err(e)) if tcp::is_timeout(&e) => panic!(
            "the server did not close the connection within {TIMEOUT:?} (received so far: \
             {:?}). This server answers one request per connection, says \
             `Connection: close`, and then must close the socket (RFC 9112 §9.6)",
            String::from_utf8_lossy(&received)
        ),
        (_, Err(e)) => panic!("reading the response failed: {e}"),
    }
}

/// Sends `request` on a new connection and returns everything the server sent back.
fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    stream.write_all(request).expect("sending the request");
    read_until_close(&mut stream)
}

struct Reply {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        assert!(
            !raw.is_empty(),
            "the server closed the connection without sending any response"
        );
        let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
            panic!("the response has no empty line (CRLF CRLF) after its headers: {text:?}");
        };
        let head = String::from_utf8_lossy(&raw[..end]).to_string();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default().to_string();
        let headers = lines
            .map(|line| {
                let (name, value) = line
                    .split_once(':')
                    .unwrap_or_else(|| panic!("header line without ':' in {text:?}: {line:?}"));
                (name.to_string(), value.trim().to_string())
            })
            .collect();
        Reply {
            status_line,
            headers,
            body: raw[end + 4..].to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn request(addr: SocketAddr, raw: &str) -> Reply {
    Reply::parse(&exchange(addr, raw.as_bytes()))
}

fn start() -> Server {
    Server::start().expect("Server::start() must bind 127.0.0.1:0")
}

/// Shuts the server down, failing the test (instead of hanging it) if that takes too long.
fn stop(server: Server) {
    finishes_within(
        TIMEOUT,
        "shutdown() (the accept loop must notice the stop request even while accept() blocks)",
        move || server.shutdown(),
    );
}

/// Runs `f` on a thread and fails the test if it does not finish within `limit`.
fn finishes_within(limit: Duration, what: &str, f: impl FnOnce() + Send + 'static) {
    testkit::within(limit, f).unwrap_or_else(|_| panic!("{what} did not finish within {limit:?}"));
}

// ---------------------------------------------------------------- write_response

#[test]
fn write_response_serializes_the_response_with_connection_close() {
    let mut out = Vec::new();
    write_response(&mut out, &Response::text(200, "hi"), "GET")
        .expect("writing to a Vec cannot fail");
    let reply = Reply::parse(&out);
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "the status line (RFC 9112 §4)"
    );
    assert_eq!(
        reply.header("Content-Type"),
        Some("text/plain; charset=utf-8"),
        "the response's own headers are written"
    );
    assert_eq!(
        reply.header("Connection"),
        Some("close"),
        "this server answers one request per connection: say so with `Connection: close` \
         (RFC 9112 §9.6)"
    );
    assert!(
        reply.header("Date").is_some(),
        "`serialize` adds Date; write the bytes it returns. Got {:?}",
        String::from_utf8_lossy(&out)
    );
    assert_eq!(reply.header("Content-Length"), Some("2"));
    assert_eq!(String::from_utf8_lossy(&reply.body), "hi", "then the body");
}

#[test]
fn write_response_says_close_exactly_once() {
    let mut out = Vec::new();
    write_response(&mut out, &Response::new(404), "GET").unwrap();
    let reply = Reply::parse(&out);
    assert_eq!(reply.status_line, "HTTP/1.1 404 Not Found");
    let connection = reply
        .headers
        .iter()
        .filter(|(n, _)| n == "Connection")
        .count();
    assert_eq!(
        connection,
        1,
        "one `Connection: close` line; got {:?}",
        String::from_utf8_lossy(&out)
    );
}

#[test]
fn write_response_to_head_keeps_content_length_but_no_body() {
    let mut out = Vec::new();
    write_response(&mut out, &Response::text(200, "hello"), "HEAD").unwrap();
    let reply = Reply::parse(&out);
    assert_eq!(
        reply.header("Content-Length"),
        Some("5"),
        "a HEAD response carries the Content-Length the GET response would have (RFC 9110 §9.3.2)"
    );
    assert!(
        reply.body.is_empty(),
        "but no body bytes at all: pass the request's method to `serialize`; got {:?}",
        String::from_utf8_lossy(&reply.body)
    );
}

#[test]
fn write_response_refuses_header_injection_and_writes_nothing() {
    let mut out = Vec::new();
    let evil = Response::new(302).with_header("Location", "/\r\nSet-Cookie: admin=1");
    let result = write_response(&mut out, &evil, "GET");
    let error = result.expect_err(
        "a header value with CR LF must not be written (response splitting, CWE-113): \
         return the error `serialize` gives",
    );
    assert_eq!(
        error.kind(),
        std::io::ErrorKind::InvalidData,
        "a response `serialize` refuses is invalid data"
    );
    assert!(
        out.is_empty(),
        "nothing may be written; got {:?}",
        String::from_utf8_lossy(&out)
    );
}

// ---------------------------------------------------------------- serving requests

#[test]
fn server_listens_on_an_ephemeral_localhost_port() {
    let server = start();
    let addr = server.addr();
    assert_eq!(
        addr.ip().to_string(),
        "127.0.0.1",
        "bind 127.0.0.1 only: never expose a test server"
    );
    assert_ne!(
        addr.port(),
        0,
        "addr() must report the port the OS actually picked, not 0"
    );
    stop(server);
}

#[test]
fn two_servers_can_run_at_once() {
    let (a, b) = (start(), start());
    assert_ne!(
        a.addr(),
        b.addr(),
        "each server gets its own port (bind port 0, never a fixed one)"
    );
    let reply = request(b.addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "the second server answers too"
    );
    stop(a);
    stop(b);
}

#[test]
fn get_root_is_200_with_the_greeting() {
    let server = start();
    let reply = request(server.addr(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "GET / is routed to the greeting"
    );
    assert_eq!(
        String::from_utf8_lossy(&reply.body),
        "Hello from backlings!\n",
        "the body comes from route()"
    );
    assert_eq!(
        reply.header("Content-Type"),
        Some("text/plain; charset=utf-8"),
        "the headers set by route() are sent"
    );
    stop(server);
}

#[test]
fn response_has_content_length_and_connection_close() {
    let server = start();
    let reply = request(server.addr(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assert_eq!(
        reply.header("Content-Length"),
        Some(reply.body.len().to_string().as_str()),
        "Content-Length must equal the number of body bytes sent (RFC 9112 §6.2)"
    );
    assert_eq!(
        reply.header("Connection"),
        Some("close"),
        "one request per connection: say so with `Connection: close` (RFC 9112 §9.6)"
    );
    stop(server);
}

#[test]
fn echo_returns_the_request_body() {
    let server = start();
    let mut raw = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n".to_vec();
    raw.extend_from_slice(b"ping\0\xFF\r\n!");
    let reply = Reply::parse(&exchange(server.addr(), &raw));
    assert_eq!(reply.status_line, "HTTP/1.1 200 OK", "POST /echo is routed");
    assert_eq!(
        reply.body, b"ping\0\xFF\r\n!",
        "the body comes back byte for byte, binary included"
    );
    stop(server);
}

#[test]
fn unknown_path_is_404() {
    let server = start();
    let reply = request(server.addr(), "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 404 Not Found",
        "route() answers 404 for unknown paths"
    );
    stop(server);
}

#[test]
fn wrong_method_is_405_with_allow() {
    let server = start();
    let reply = request(server.addr(), "DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 405 Method Not Allowed",
        "DELETE / is not routed"
    );
    assert_eq!(
        reply.header("Allow"),
        Some("GET, HEAD"),
        "the Allow header from route() must reach the client (RFC 9110 §15.5.6)"
    );
    stop(server);
}

#[test]
fn head_gets_the_headers_but_no_body() {
    let server = start();
    let reply = request(server.addr(), "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "HEAD / is answered like GET /"
    );
    assert_eq!(
        reply.header("Content-Length"),
        Some("22"),
        "HEAD gets the Content-Length of the GET response (RFC 9110 §9.3.2)"
    );
    assert!(
        reply.body.is_empty(),
        "a response to HEAD has no body (RFC 9110 §9.3.2); got {:?}",
        String::from_utf8_lossy(&reply.body)
    );
    stop(server);
}

#[test]
fn request_sent_in_pieces_is_served() {
    let server = start();
    let mut stream = connect(server.addr());
    for piece in ["GE", "T / HTTP/1.1\r", "\nHost: x\r\n", "\r\n"] {
        stream.write_all(piece.as_bytes()).unwrap();
        stream.flush().unwrap();
        thread::sleep(Duration::from_millis(20));
    }
    let reply = Reply::parse(&read_until_close(&mut stream));
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "TCP is a byte stream: one request can arrive in several reads"
    );
    stop(server);
}

// ---------------------------------------------------------------- bad requests

#[test]
fn malformed_request_gets_400() {
    let server = start();
    let reply = request(server.addr(), "HELLO\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 400 Bad Request",
        "a request line that is not `METHOD target version` is answered with 400 (RFC 9110 §15.5.1)"
    );
    stop(server);
}

#[test]
fn bad_header_line_gets_400() {
    let server = start();
    let reply = request(
        server.addr(),
        "GET / HTTP/1.1\r\nthis is not a header\r\n\r\n",
    );
    assert_eq!(
        reply.status_line, "HTTP/1.1 400 Bad Request",
        "a header line without ':' is a 400"
    );
    stop(server);
}

#[test]
fn oversized_head_gets_431() {
    let server = start();
    let raw = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(9000)
    );
    let reply = request(server.addr(), &raw);
    assert_eq!(
        reply.status_line, "HTTP/1.1 431 Request Header Fields Too Large",
        "headers over the limit (8 KiB here) get 431 (RFC 6585 §5), not a hang or a crash"
    );
    stop(server);
}

#[test]
fn oversized_body_gets_413() {
    let server = start();
    let reply = request(
        server.addr(),
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n",
    );
    assert_eq!(
        reply.status_line, "HTTP/1.1 413 Content Too Large",
        "a declared body over the limit is refused before reading it (RFC 9110 §15.5.14)"
    );
    stop(server);
}

#[test]
fn client_that_sends_nothing_gets_nothing() {
    let server = start();
    let mut stream = connect(server.addr());
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let received = read_until_close(&mut stream);
    assert!(
        received.is_empty(),
        "a client that closed without sending a request gets no response at all; got {:?}",
        String::from_utf8_lossy(&received)
    );
    let reply = request(server.addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "and the server goes on serving others"
    );
    stop(server);
}

#[test]
fn client_that_disconnects_mid_request_does_not_stop_the_server() {
    let server = start();
    for _ in 0..3 {
        let mut stream = connect(server.addr());
        stream
            .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc")
            .unwrap();
        drop(stream);
    }
    let reply = request(server.addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "clients that vanish in the middle of a request must not break the server"
    );
    stop(server);
}

#[test]
fn a_stalled_client_is_dropped_after_the_read_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = connect(listener.local_addr().unwrap());
    let (server_side, _) = listener.accept().unwrap();
    // Half a head, and then nothing: the client stalls (by accident, or on purpose: Slowloris).
    client.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let read_timeout = Duration::from_millis(100);
    let served = testkit::within(TIMEOUT, move || {
        handle_connection(server_side, read_timeout)
    });
    assert!(
        served.is_ok(),
        "handle_connection(stream, {read_timeout:?}) was still waiting after {TIMEOUT:?} for a \
         client that stalled in the middle of its head. Set the read timeout on the stream \
         (TcpStream::set_read_timeout) before reading: without it, every stalled client pins a \
         thread forever"
    );
    let (received, end) = tcp::read_until_close(&mut client);
    assert!(
        end.is_ok() && received.is_empty(),
        "a client that stalled gets no response, only a closed connection; got {:?} ({end:?})",
        String::from_utf8_lossy(&received)
    );
}

// ---------------------------------------------------------------- concurrency

#[test]
fn slow_client_does_not_block_others() {
    let server = start();
    let mut slow = connect(server.addr());
    slow.write_all(b"GET / HTTP/1.1\r\nHost: sl").unwrap();
    thread::sleep(Duration::from_millis(50));

    let reply = request(server.addr(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "a client that sent half a request must not stop others from being served: serve each \
         connection on its own thread"
    );

    slow.write_all(b"ow\r\n\r\n").unwrap();
    let reply = Reply::parse(&read_until_close(&mut slow));
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "and the slow client is served once it finishes"
    );
    stop(server);
}

#[test]
fn connections_are_served_concurrently() {
    let server = start();
    let mut streams: Vec<TcpStream> = (0..8).map(|_| connect(server.addr())).collect();
    for stream in &mut streams {
        stream.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    }
    thread::sleep(Duration::from_millis(50));
    // Finish them newest first: a server that serves one connection at a time is still stuck
    // waiting for the first one.
    for (i, stream) in streams.iter_mut().enumerate().rev() {
        stream.write_all(b"Host: x\r\n\r\n").unwrap();
        let reply = Reply::parse(&read_until_close(stream));
        assert_eq!(
            reply.status_line, "HTTP/1.1 200 OK",
            "connection {i} is answered while the others wait"
        );
    }
    stop(server);
}

#[test]
fn many_clients_at_once_are_all_served() {
    let server = start();
    let addr = server.addr();
    let clients: Vec<_> = (0..16)
        .map(|i| {
            thread::spawn(move || {
                let body = format!("client {i}");
                let raw = format!(
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                let reply = Reply::parse(&exchange(addr, raw.as_bytes()));
                assert_eq!(
                    reply.body,
                    body.as_bytes(),
                    "each client gets its own answer back"
                );
            })
        })
        .collect();
    for client in clients {
        client.join().expect("every client is served");
    }
    stop(server);
}

// ---------------------------------------------------------------- shutdown

#[test]
fn shutdown_returns_promptly() {
    let server = start();
    finishes_within(TIMEOUT, "shutdown() of an idle server", move || {
        server.shutdown()
    });
}

#[test]
fn shutdown_refuses_new_connections() {
    let server = start();
    let addr = server.addr();
    let reply = request(addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        reply.status_line, "HTTP/1.1 200 OK",
        "the server works before shutdown"
    );
    // Checked on the server's own socket: once it closes, another test (of this process or
    // another) may be given the port and accept, so connecting would prove nothing.
    let listener = OwnListener::find(addr);
    finishes_within(TIMEOUT, "shutdown()", move || server.shutdown());
    assert!(
        listener.is_closed(),
        "after shutdown() returns, the listener is closed: connecting must be refused"
    );
}

#[test]
fn shutdown_does_not_wait_for_idle_connections() {
    let server = start();
    let idle = connect(server.addr());
    thread::sleep(Duration::from_millis(50));
    finishes_within(
        TIMEOUT,
        "shutdown() with a silent client connected (it must not wait for connection threads)",
        move || server.shutdown(),
    );
    drop(idle);
}
