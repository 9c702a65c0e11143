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
//!   blocks every other client. Read and write on the connection's own thread, and give up on
//!   a client that stays silent: every read has a timeout.
//! - **Bad input gets an answer, not a crash.** A request that cannot be parsed gets `400 Bad
//!   Request`, a head bigger than the server accepts `431`, a body over the limit `413`
//!   (RFC 9110 §15.5). A client that disconnected gets nothing: there is nobody to answer.
//! - **One request per connection.** The response says `Connection: close` (RFC 9112 §9.6),
//!   and then the server closes the socket. Keeping it open is the next exercise.
//! - **Shutdown.** `accept()` blocks. A server that cannot stop its accept loop cannot be
//!   restarted, tested, or deployed cleanly. `shutdown()` must make the loop end, wait for the
//!   accept thread, and drop the listener so that new connections are refused. Two common ways
//!   to wake a blocked `accept()`: set a stop flag and then connect to yourself once; or put the
//!   listener in non-blocking mode and poll the flag between short sleeps.
//!
//! Given code (below the line): your request parser (`src/head/`) with `read_request` on top,
//! your response writer of http_responses (`src/response/`: `Response` and `serialize`), and
//! the routes. You write `write_response`, `handle_connection`, `Server::start` and
//! `Server::shutdown`.
//!
//! Primary sources: RFC 9112 §9.6 (closing) <https://www.rfc-editor.org/rfc/rfc9112>, RFC 9110
//! §15 (status codes) <https://www.rfc-editor.org/rfc/rfc9110#section-15>, and
//! `std::net::TcpListener` <https://doc.rust-lang.org/std/net/struct.TcpListener.html>.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime};

/// How long a connection of the [`Server`] may stay silent while its request is read, before
/// the server gives up on it. Without a limit, every stalled client pins a thread forever.
pub const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Writes `response`, the answer to a `request_method` request, to `out` with `serialize`,
/// adding `Connection: close`: this server closes every connection after one response. A
/// response `serialize` refuses is not written: the error has kind `InvalidData`.
pub fn write_response(
    out: &mut impl Write,
    response: &Response,
    request_method: &str,
) -> io::Result<()> {
    let response = response.clone().with_header("Connection", "close");
    let bytes = serialize(&response, request_method, SystemTime::now())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{e:?}")))?;
    out.write_all(&bytes)
}

/// Serves one connection: reads one request, writes the response, and closes the connection
/// (dropping the stream closes it).
/// Requests that cannot be read are answered with their status (see [`ReadError`]); a
/// connection that closed, failed, or stayed silent for `read_timeout` is just dropped.
pub fn handle_connection(stream: TcpStream, read_timeout: Duration) {
    if stream.set_read_timeout(Some(read_timeout)).is_err() {
        return;
    }
    let mut reader = BufReader::new(&stream);
    let request = read_request(&mut reader);
    let response = match &request {
        Ok(request) => route(request),
        Err(ReadError::Closed | ReadError::Io(_)) => return,
        Err(ReadError::Head(e)) => Response::text(e.status(), format!("{e:?}\n")),
        Err(ReadError::BadFraming(why)) => Response::text(400, *why),
        Err(ReadError::BodyTooLarge) => Response::text(413, "Request body too large\n"),
    };
    let method = request.as_ref().map_or("", |r| r.method.as_str());
    // The client may be gone already; nothing useful can be done about a failed write.
    let _ = write_response(&mut &stream, &response, method);
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    /// Set by `shutdown`; the accept loop checks it after each `accept()`.
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
        let flag = Arc::clone(&stop);
        let accept_thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                // A failed accept is typically out of file descriptors: back off, do not spin.
                let Ok(stream) = stream else {
                    thread::sleep(Duration::from_millis(10));
                    continue;
                };
                thread::spawn(move || handle_connection(stream, READ_TIMEOUT));
            }
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
    /// served finish on their own threads; `shutdown` does not wait for them. (The accept loop
    /// owns the listener: when it ends, the listener is dropped and closed.)
    pub fn shutdown(self) {
        self.stop.store(true, Ordering::SeqCst);
        // `accept()` only returns when a connection arrives: make one so the loop sees the flag.
        let _ = TcpStream::connect(self.addr);
        let _ = self.accept_thread.join();
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

// The request model is the one you built in request_line, field_lines and head_limits: the
// parser is given in src/head/, and `read_request` below feeds it from a socket.
mod head;

pub use head::{Header, Limits, ParseError, Parsed, Request, TargetForm, Version, parse_request};

// The response model is the one you built in status_line and http_responses, given in
// src/response/: `serialize` frames the body, adds `Date` and refuses header injection.
mod response;

pub use response::{Response, ResponseError, http_date, reason_phrase, serialize};

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
                &request.header("Content-Type").map_or_else(
                    || "application/octet-stream".into(),
                    String::from_utf8_lossy,
                ),
            )
            .with_body(request.body.clone()),
        ("/echo", _) => Response::text(405, "Method Not Allowed\n").with_header("Allow", "POST"),
        _ => Response::text(404, "Not Found\n"),
    }
}
