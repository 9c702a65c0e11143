//! # Keep-alive and pipelining: many requests on one connection
//!
//! Opening a TCP connection costs a round trip (and with TLS, two or three more). HTTP/1.1
//! therefore keeps connections open by default: after a response, the server reads the next
//! request from the same socket (RFC 9112 §9.3, "persistent connections"). A client may even
//! **pipeline**: send several requests in one go without waiting for the responses, and the
//! server MUST answer them in the order they came (RFC 9112 §9.3.2). Browsers, load balancers
//! and every HTTP client library rely on this.
//!
//! The rules a server follows (RFC 9112 §9.3, §9.6):
//!
//! - An **HTTP/1.1** request keeps the connection open unless its `Connection` header has the
//!   `close` option. An **HTTP/1.0** request closes it unless it has the `keep-alive` option.
//!   `Connection` is a comma-separated list of options, case-insensitive, and may appear on
//!   several header lines: `Connection: Upgrade, Close` asks to close.
//! - When the server is going to close after a response, it says so in that response with
//!   `Connection: close`, and then it closes. An HTTP/1.0 client only keeps the connection when
//!   the response says `Connection: keep-alive`.
//! - A request whose framing cannot be trusted (a 400) ends the connection: the server cannot
//!   know where the next request would start.
//! - Open connections cost memory and a thread here, so the server limits them: it closes a
//!   connection that stays idle longer than `idle_timeout` (silently: there is no request to
//!   answer), and after `max_requests` responses on one connection.
//!
//! The classic bug: the bytes of the NEXT pipelined request often arrive in the same read as the
//! current one. They sit in your `BufReader`'s buffer. Create a new `BufReader` per request and
//! they are thrown away; the client then waits forever for responses that never come. A
//! connection has ONE reader for its whole life.
//!
//! Another one: a response to `HEAD` carries `Content-Length` but no body (RFC 9110 §9.3.2). On a
//! persistent connection, sending the body anyway is not just wasteful: the client reads those
//! bytes as the start of the next response.
//!
//! Given code (below the line): your request-head parser of request_line to head_limits (`src/head/`)
//! with `read_request` on top, the `Response` type, `write_response`, the
//! routes, and the `Server` with its accept loop. You write `wants_keep_alive` and
//! `serve_connection`.
//!
//! Primary sources: RFC 9112 §9.3 "Persistence", §9.3.2 "Pipelining", §9.6 "Tear-down"
//! (<https://www.rfc-editor.org/rfc/rfc9112#section-9.3>), RFC 9110 §7.6.1 "Connection"
//! (<https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1>).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

/// Limits for each connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long to wait for the next request (or the rest of the current one) before closing
    /// the connection without a response.
    pub idle_timeout: Duration,
    /// The most requests served on one connection; the last response says `Connection: close`.
    pub max_requests: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            idle_timeout: Duration::from_secs(5),
            max_requests: 100,
        }
    }
}

/// Whether the client wants the connection to stay open after the response to `request`
/// (RFC 9112 §9.3): HTTP/1.1 unless a `Connection` header has the `close` option, HTTP/1.0 only
/// if one has the `keep-alive` option.
pub fn wants_keep_alive(request: &Request) -> bool {
    // All Connection lines together form one list of options (RFC 9110 §5.3, §7.6.1).
    let options = || {
        request
            .headers
            .iter()
            .filter(|field| field.name.eq_ignore_ascii_case("Connection"))
            .flat_map(|field| field.value.split(|&b| b == b','))
            .map(|option| option.trim_ascii())
    };
    if options().any(|o| o.eq_ignore_ascii_case(b"close")) {
        return false;
    }
    match request.version {
        Version::Http11 => true,
        Version::Http10 => options().any(|o| o.eq_ignore_ascii_case(b"keep-alive")),
    }
}

/// Serves every request of one connection, in order, until the client closes, asks to close,
/// stays idle past `config.idle_timeout`, sends a request that cannot be parsed (answered with
/// 400, 431 or 413 and then closed), or `config.max_requests` have been served.
pub fn serve_connection(stream: TcpStream, config: &Config) {
    // A read timeout is the idle timeout: it bounds every wait for the client's next bytes.
    if stream.set_read_timeout(Some(config.idle_timeout)).is_err() {
        return;
    }
    // One reader for the connection's whole life: its buffer may already hold the next
    // pipelined request.
    let mut reader = BufReader::new(&stream);
    for served in 1..=config.max_requests {
        let (response, method, keep_alive) = match read_request(&mut reader) {
            Ok(request) => {
                let keep_alive = wants_keep_alive(&request) && served < config.max_requests;
                let mut response = route(&request);
                if !keep_alive {
                    response = response.with_header("Connection", "close");
                } else if request.version == Version::Http10 {
                    response = response.with_header("Connection", "keep-alive");
                }
                (response, request.method, keep_alive)
            }
            // The client left or stayed silent too long: there is nobody to answer.
            Err(ReadError::Closed | ReadError::Io(_)) => return,
            // The framing is broken, so the next request cannot be found: answer and close.
            Err(ReadError::Head(e)) => closing(e.status(), &format!("{e:?}")),
            Err(ReadError::BadFraming(why)) => closing(400, why),
            Err(ReadError::BodyTooLarge) => closing(413, "request body too large"),
        };
        if write_response(&mut &stream, &response, &method).is_err() || !keep_alive {
            return;
        }
    }
}

/// The answer to a request that could not be read, and the end of the connection: no method
/// (the body is always sent), no keep-alive.
fn closing(status: u16, why: &str) -> (Response, String, bool) {
    let response = Response::text(status, format!("{why}\n")).with_header("Connection", "close");
    (response, String::new(), false)
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

// The request model is the one you built in request_line, field_lines and head_limits: the
// parser is given in src/head/, and `read_request` below feeds it from a socket.
mod head;

pub use head::{Header, Limits, ParseError, Parsed, Request, TargetForm, Version, parse_request};

/// The largest request body this server accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why `read_request` returned no request.
#[derive(Debug)]
pub enum ReadError {
    /// The client closed the connection before sending anything: nothing to answer.
    Closed,
    /// Reading failed (timeout, reset, or the client closed in the middle of a request):
    /// nothing to answer either.
    Io(io::Error),
    /// The head is invalid, over a limit, or without a valid Host: answer `error.status()`
    /// (400, 414, 431 or 505).
    Head(ParseError),
    /// The body's framing cannot be trusted (a Content-Length that is not one number, or
    /// Transfer-Encoding, which this server does not decode): answer 400.
    BadFraming(&'static str),
    /// The declared body exceeds `MAX_BODY_BYTES`: answer 413.
    BodyTooLarge,
}

/// Reads one request (its head, then a `Content-Length` body) from `reader`. The bytes after
/// the request (the next pipelined request) stay in `reader`.
pub fn read_request(reader: &mut impl BufRead) -> Result<Request, ReadError> {
    let mut received = Vec::new();
    let mut request = loop {
        let chunk = reader.fill_buf().map_err(ReadError::Io)?;
        if chunk.is_empty() {
            return Err(if received.is_empty() {
                ReadError::Closed
            } else {
                ReadError::Io(io::ErrorKind::UnexpectedEof.into())
            });
        }
        let before = received.len();
        received.extend_from_slice(chunk);
        match parse_request(&received, &Limits::default()).map_err(ReadError::Head)? {
            Parsed::Complete { request, head_len } => {
                // Take only the head from the reader: what follows is the body.
                reader.consume(head_len - before);
                break request;
            }
            Parsed::Partial => reader.consume(received.len() - before),
        }
    };
    head::validate_host(&request).map_err(ReadError::Head)?;
    if request.header("Transfer-Encoding").is_some() {
        return Err(ReadError::BadFraming(
            "Transfer-Encoding is not supported here",
        ));
    }
    let length = content_length(&request)?;
    if length > MAX_BODY_BYTES as u64 {
        return Err(ReadError::BodyTooLarge);
    }
    request.body = vec![0; length as usize];
    reader
        .read_exact(&mut request.body)
        .map_err(ReadError::Io)?;
    Ok(request)
}

/// The body length the Content-Length fields agree on (RFC 9112 §6.3), 0 without one.
fn content_length(request: &Request) -> Result<u64, ReadError> {
    let mut length = None;
    let fields = request.headers.iter();
    for field in fields.filter(|h| h.name.eq_ignore_ascii_case("Content-Length")) {
        let digits = &field.value;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return Err(ReadError::BadFraming("invalid Content-Length"));
        }
        // All digits: only an overflow can fail, and that is certainly too large.
        let n: u64 = std::str::from_utf8(digits)
            .expect("ASCII digits")
            .parse()
            .map_err(|_| ReadError::BodyTooLarge)?;
        if length.is_some_and(|l| l != n) {
            return Err(ReadError::BadFraming("conflicting Content-Length values"));
        }
        length = Some(n);
    }
    Ok(length.unwrap_or(0))
}

// The response model is the one you built in status_line and http_responses, given in
// src/response/: `serialize` frames the body (none for HEAD), adds `Date` and refuses header
// injection.
mod response;

pub use response::{Response, ResponseError, http_date, reason_phrase, serialize};

/// Writes `response`, the answer to a `request_method` request, with `serialize`, then
/// flushes. A response `serialize` refuses is not written: the error has kind `InvalidData`.
pub fn write_response(
    out: &mut impl Write,
    response: &Response,
    request_method: &str,
) -> io::Result<()> {
    let bytes = serialize(response, request_method, SystemTime::now())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{e:?}")))?;
    // One write per response: head and body in separate small writes would meet Nagle's
    // algorithm and the client's delayed ACK, and every response would wait ~40 ms.
    out.write_all(&bytes)?;
    out.flush()
}

/// The application: `GET /` greets, `GET /items/<id>` names the item, `POST /echo` sends the
/// body back, anything else is 404.
pub fn route(request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    let get = matches!(request.method.as_str(), "GET" | "HEAD");
    if get && path == "/" {
        return Response::text(200, "hello\n");
    }
    if let Some(id) = path
        .strip_prefix("/items/")
        .filter(|id| get && !id.is_empty())
    {
        return Response::text(200, format!("item {id}\n"));
    }
    if path == "/echo" && request.method == "POST" {
        return Response::new(200)
            .with_header("Content-Type", "application/octet-stream")
            .with_body(request.body.clone());
    }
    if path == "/echo" {
        return Response::text(405, "Method Not Allowed\n").with_header("Allow", "POST");
    }
    Response::text(404, "Not Found\n")
}

/// A running server: one thread accepts, one thread per connection runs `serve_connection`.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` and starts accepting connections.
    pub fn start(config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let accept_thread = thread::spawn({
            let stop = Arc::clone(&stop);
            move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    match stream {
                        Ok(stream) => {
                            thread::spawn(move || serve_connection(stream, &config));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(10)),
                    }
                }
            }
        });
        Ok(Server {
            addr,
            stop,
            accept_thread,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections; open connections end on their own (idle timeout).
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let _ = self.accept_thread.join();
    }
}
