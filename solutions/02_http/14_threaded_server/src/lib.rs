//! # A threaded HTTP/1.1 server
//!
//! Everything so far was parsing and deciding. Now it runs: a server binds a TCP port, accepts
//! connections, reads a request from each, and writes a response back. The simplest design
//! that serves many clients at once is **one thread per connection**: the accept loop does
//! nothing but `accept()` and hand each new `TcpStream` to a fresh thread. It is how Apache's
//! classic worker model and many Java servers work, and it is the baseline every async runtime
//! is compared against.
//!
//! What goes wrong in production, and what the tests check:
//!
//! - **One slow client must not stall everybody.** If the accept loop itself reads the request,
//!   a client that sends half a request and waits (by accident, or on purpose: "Slowloris")
//!   blocks every other client. Read and write on the connection's own thread.
//! - **Bad input gets an answer, not a crash.** A request that cannot be parsed gets `400 Bad
//!   Request` (RFC 9110 §15.5.1); a head bigger than the server accepts gets `431 Request Header
//!   Fields Too Large` (RFC 6585 §5); a body bigger than the limit gets `413 Content Too Large`
//!   (RFC 9110 §15.5.14). A client that disconnected gets nothing: there is nobody to answer.
//! - **Framing of the response.** A response is a status line `HTTP/1.1 200 OK`, header lines,
//!   an empty line, then the body (RFC 9112 §4, §6). `Content-Length` tells the client where the
//!   body ends. This server answers one request per connection, so it says
//!   `Connection: close` (RFC 9112 §9.6) and then closes the socket. A response to `HEAD` has the
//!   same headers as the `GET` response, `Content-Length` included, but no body (RFC 9110 §9.3.2).
//! - **Shutdown.** `accept()` blocks. A server that cannot stop its accept loop cannot be
//!   restarted, tested, or deployed cleanly. `shutdown()` must make the loop end, wait for the
//!   accept thread, and drop the listener so that new connections are refused. Two common ways
//!   to wake a blocked `accept()`: set a stop flag and then connect to yourself once; or put the
//!   listener in non-blocking mode and poll the flag between short sleeps.
//!
//! Given code (below the line): `read_request`, which feeds your request-head parser of
//! request_line, field_lines and head_limits (in `src/head/`) from the socket and reads a `Content-Length` body, the
//! `Response` type, and the application's routes (`route`). You write `write_response`, `handle_connection`,
//! `Server::start` and `Server::shutdown`.
//!
//! Primary sources: RFC 9112 §4 (status line), §6 (body framing), §9.6 (closing)
//! <https://www.rfc-editor.org/rfc/rfc9112>, RFC 9110 §15 (status codes)
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15>, and `std::net::TcpListener`
//! <https://doc.rust-lang.org/std/net/struct.TcpListener.html>.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a connection of the [`Server`] may stay silent while its request is read, before
/// the server gives up on it. Without a limit, every stalled client pins a thread forever.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Writes `response` in HTTP/1.1 form, in this order: the status line
/// (`HTTP/1.1 404 Not Found`), the response's own headers in order, `Content-Length` (the
/// body's length), `Connection: close`, an empty line, and then the body, but only when
/// `include_body` is true (it is false for a `HEAD` request). Every line ends in CRLF.
pub fn write_response(
    out: &mut impl Write,
    response: &Response,
    include_body: bool,
) -> io::Result<()> {
    // One write for the whole response: separate small writes for head and body would meet
    // Nagle's algorithm and the client's delayed ACK.
    let mut message = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason_phrase(response.status)
    );
    for (name, value) in &response.headers {
        message.push_str(&format!("{name}: {value}\r\n"));
    }
    message.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    let mut message = message.into_bytes();
    if include_body {
        message.extend_from_slice(&response.body);
    }
    out.write_all(&message)?;
    out.flush()
}

/// Serves one connection: reads one request, writes the response, and closes the connection.
/// Requests that cannot be read are answered with their status (see [`ReadError`]); a
/// connection that closed, failed, or stayed silent for `read_timeout` is just dropped.
pub fn handle_connection(stream: TcpStream, read_timeout: Duration) {
    if stream.set_read_timeout(Some(read_timeout)).is_err() {
        return;
    }
    let mut reader = BufReader::new(&stream);
    let (response, include_body) = match read_request(&mut reader) {
        Ok(request) => (route(&request), request.method != "HEAD"),
        // Nobody is listening any more: there is no one to answer.
        Err(ReadError::Closed | ReadError::Io(_)) => return,
        Err(ReadError::Head(e)) => (Response::text(e.status(), format!("{e:?}\n")), true),
        Err(ReadError::BadFraming(why)) => (Response::text(400, format!("{why}\n")), true),
        Err(ReadError::BodyTooLarge) => (Response::text(413, "Request body too large\n"), true),
    };
    // The client may be gone already; nothing useful can be done about a failed write.
    let _ = write_response(&mut &stream, &response, include_body);
    // Dropping the stream closes the connection, as `Connection: close` promised.
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: JoinHandle<()>,
}

impl Server {
    /// Binds `127.0.0.1:0` (the OS picks a free port), starts the accept loop on its own
    /// thread, and returns at once. Each accepted connection is served on a new thread.
    pub fn start() -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let accept_thread = thread::spawn({
            let stop = Arc::clone(&stop);
            move || accept_loop(listener, &stop)
        });
        Ok(Server {
            addr,
            stop,
            accept_thread,
        })
    }

    /// The address the server listens on (with the port the OS picked).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits for the accept thread to end. When this returns,
    /// the listener is closed and new connections are refused. Connections already being
    /// served finish on their own threads; `shutdown` does not wait for them.
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept()` only returns when a connection arrives: make one so the loop sees the flag.
        let _ = TcpStream::connect(self.addr);
        let _ = self.accept_thread.join();
    }
}

fn accept_loop(listener: TcpListener, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        match stream {
            Ok(stream) => {
                thread::spawn(move || handle_connection(stream, READ_TIMEOUT));
            }
            // Typically out of file descriptors: back off instead of spinning on the error.
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
    // The listener is dropped here, so new connections are refused from now on.
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
        return Err(ReadError::BadFraming("Transfer-Encoding is not supported here"));
    }
    let length = content_length(&request)?;
    if length > MAX_BODY_BYTES as u64 {
        return Err(ReadError::BodyTooLarge);
    }
    request.body = vec![0; length as usize];
    reader.read_exact(&mut request.body).map_err(ReadError::Io)?;
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

/// A response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Headers other than `Content-Length` and `Connection`, which `write_response` adds.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with no headers and an empty body.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain` response.
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status)
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_body(body.into().into_bytes())
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }
}

/// The reason phrase of the status codes this server uses (RFC 9110 §15).
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// The application: `GET /` greets, `POST /echo` sends the body back, anything else is 404,
/// and a known path with the wrong method is 405 with `Allow`.
pub fn route(request: &Request) -> Response {
    let path = request.target.split('?').next().unwrap_or_default();
    match (path, request.method.as_str()) {
        ("/", "GET" | "HEAD") => Response::text(200, "Hello from backlings!\n"),
        ("/", _) => Response::text(405, "Method Not Allowed\n").with_header("Allow", "GET, HEAD"),
        ("/echo", "POST") => Response::new(200)
            .with_header(
                "Content-Type",
                request.header("Content-Type").map_or_else(
                    || "application/octet-stream".into(),
                    String::from_utf8_lossy,
                ),
            )
            .with_body(request.body.clone()),
        ("/echo", _) => Response::text(405, "Method Not Allowed\n").with_header("Allow", "POST"),
        _ => Response::text(404, "Not Found\n"),
    }
}
