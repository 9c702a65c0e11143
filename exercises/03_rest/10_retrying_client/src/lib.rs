//! # A client with timeouts and retries
//!
//! Every call over a network can fail in ways that have nothing to do with the request: the
//! server is restarting (connection refused), a load balancer has no healthy backend (`502`,
//! `503`, `504`), a packet is lost and the answer never comes. A production client handles
//! these three ways:
//!
//! - **Timeouts.** Without one, a read from a server that never answers blocks *forever*: the
//!   thread is gone, and soon the whole pool. Bound the connect and every read.
//! - **Retries with exponential backoff.** A transient failure is often gone a moment later,
//!   so try again — but wait `base`, then `2 × base`, `4 × base`… (capped), so a struggling
//!   server is not hammered by every client at once, and give up after a fixed number of
//!   attempts. (The distributed architecture chapter, 14, adds random jitter, which spreads
//!   clients out further; it is left out here to keep the delays testable.) When the server says how long to wait —
//!   `Retry-After: 120` on a 503 (RFC 9110 §10.2.3) — wait that long instead; if it asks for
//!   longer than the client is willing to wait, give up now rather than sleep.
//! - **Only retry what is safe to repeat.** RFC 9110 §9.2.2: a client SHOULD NOT
//!   automatically retry a request with a non-idempotent method. If a `POST /payments` timed
//!   out, the server may have charged the card before the connection died; sending it again
//!   may charge it twice. `GET`, `HEAD`, `OPTIONS`, `TRACE`, `PUT` and `DELETE` are idempotent
//!   and may be retried; `POST` and `PATCH` only when they carry an `Idempotency-Key` (the
//!   previous exercise), which lets the server recognise the repeat. One failure is safe for
//!   every method: a *connection that could not be opened*, because then not a byte of the
//!   request was sent.
//!
//! Which failures are worth retrying at all? `502 Bad Gateway`, `503 Service Unavailable` and
//! `504 Gateway Timeout` say "not now"; `500` usually says "bug", and `4xx` says the request
//! itself is wrong — repeating it gives the same answer.
//!
//! The HTTP plumbing (writing a request, reading a response) is given; you write the policy
//! and the loop. The sleeper is injected so that tests check the delays without waiting them.
//!
//! Primary sources: RFC 9110 §9.2.2 (idempotent methods), §10.2.3 (Retry-After), §15.6.3-5
//! (502, 503, 504), <https://www.rfc-editor.org/rfc/rfc9110#section-9.2.2>; AWS Builders'
//! Library, "Timeouts, retries, and backoff with jitter",
//! <https://aws.amazon.com/builders-library/timeouts-retries-and-backoff-with-jitter/>.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// The retry policy.
// ---------------------------------------------------------------------------------------------

/// Is this status a transient "not now" worth retrying? 502, 503 and 504 only.
pub fn is_retryable_status(status: u16) -> bool {
    // TODO: pick out the statuses that mean "try again later".
    todo!("is_retryable_status({status})")
}

/// May this request be sent twice (RFC 9110 §9.2.2)? The idempotent methods `GET`, `HEAD`,
/// `OPTIONS`, `TRACE`, `PUT`, `DELETE`; any other method only with an `Idempotency-Key`.
pub fn is_idempotent(req: &Request) -> bool {
    // TODO: decide from the method, or from an Idempotency-Key header.
    todo!("is_idempotent({} {})", req.method, req.path)
}

/// The wait before retry number `retry` (1 = the first retry): `base_delay × 2^(retry-1)`,
/// never more than `max_delay` — and no overflow, however large `retry` is.
pub fn backoff_delay(policy: &RetryPolicy, retry: u32) -> Duration {
    // TODO: double the base delay per retry, cap it, and never overflow.
    todo!("backoff_delay(retry {retry}, base {:?})", policy.base_delay)
}

/// The wait a `Retry-After` header asks for, in its delay-seconds form (RFC 9110 §10.2.3):
/// one or more ASCII digits, spaces around them allowed; a number too large for `u64`
/// saturates. `None` without the header or for any other form (including an HTTP-date,
/// which this client does not interpret).
pub fn retry_after(resp: &Response) -> Option<Duration> {
    // TODO: read the delay-seconds form of the header.
    todo!("retry_after of a {} response", resp.status)
}

impl Client {
    /// One attempt, no retry: connect (within `connect_timeout`), send `req`, read the
    /// response (each read and write within `read_timeout`). A failure to connect is
    /// `Connect`; a read or write timeout is `Timeout`; any other failure is `Io`.
    pub fn send_once(&self, addr: SocketAddr, req: &Request) -> Result<Response, ClientError> {
        // TODO: connect with a timeout, set the read/write timeouts, then use write_request and
        // read_response; sort the failures into the three ClientError cases.
        todo!("send_once {} {} to {addr}", req.method, req.path)
    }

    /// Sends `req`, retrying transient failures:
    ///
    /// - retry a connect failure for any request (nothing was sent);
    /// - retry a timeout, an I/O failure or a 502/503/504 only if [`is_idempotent`];
    /// - make at most `max_attempts` attempts, then return the last outcome (the last
    ///   response if there was one, or the last error);
    /// - before retry `n`, sleep [`backoff_delay`]`(n)` — or, after a response with a
    ///   [`retry_after`], that long; if that is more than `max_delay`, do not retry but
    ///   return the response at once;
    /// - never sleep after the last attempt.
    pub fn send(&self, addr: SocketAddr, req: &Request) -> Result<Response, ClientError> {
        // TODO: attempt, decide whether a retry is allowed and useful, wait, and try again.
        todo!("send {} {} to {addr}", req.method, req.path)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the request/response model and the HTTP/1.1 plumbing. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// A request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Self {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// A response received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Writes `req` as an HTTP/1.1 request with `Host`, `Content-Length` and `Connection: close`.
pub fn write_request(stream: &mut impl Write, host: &str, req: &Request) -> io::Result<()> {
    let mut head = format!("{} {} HTTP/1.1\r\nHost: {host}\r\n", req.method, req.path);
    for (name, value) in &req.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&req.body)?;
    stream.flush()
}

/// Reads one HTTP/1.1 response: status line, headers, and a body of `Content-Length` bytes
/// (or up to the end of the stream without one).
///
/// Errors come straight from the stream (a read timeout is `WouldBlock` or `TimedOut`
/// depending on the platform), `UnexpectedEof` if the connection closes before a complete
/// head, and `InvalidData` for something that is not an HTTP response.
pub fn read_response(stream: &mut impl Read) -> io::Result<Response> {
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut reader = BufReader::new(stream);
    let mut line = String::new();

    read_line(&mut reader, &mut line)?;
    let mut parts = line.trim_end().splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(invalid("malformed status line"));
    };
    if !version.starts_with("HTTP/1.") || code.len() != 3 {
        return Err(invalid("malformed status line"));
    }
    let status: u16 = code.parse().map_err(|_| invalid("malformed status code"))?;

    let mut headers = Vec::new();
    loop {
        read_line(&mut reader, &mut line)?;
        let field = line.trim_end_matches(['\r', '\n']);
        if field.is_empty() {
            break;
        }
        let (name, value) = field
            .split_once(':')
            .ok_or_else(|| invalid("malformed header"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }

    let mut body = Vec::new();
    match find_header(&headers, "Content-Length") {
        Some(len) => {
            let len: usize = len
                .parse()
                .map_err(|_| invalid("malformed Content-Length"))?;
            body.resize(len, 0);
            reader.read_exact(&mut body)?;
        }
        None => {
            reader.read_to_end(&mut body)?;
        }
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Reads one line into `line`; the end of the stream is an `UnexpectedEof` error here.
fn read_line(reader: &mut impl BufRead, line: &mut String) -> io::Result<()> {
    line.clear();
    if reader.read_line(line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed before a complete response",
        ));
    }
    Ok(())
}

/// Waits between attempts. Injected so that tests can record the delays instead of waiting.
pub trait Sleeper {
    fn sleep(&self, duration: Duration);
}

/// The real thing: `std::thread::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How hard the client tries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 = never retry).
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles for each retry after that.
    pub base_delay: Duration,
    /// No wait is longer than this — neither backoff nor a server's Retry-After.
    pub max_delay: Duration,
    /// How long to wait for a connection to open.
    pub connect_timeout: Duration,
    /// How long to wait for each read of the response (and each write of the request).
    pub read_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(5),
        }
    }
}

/// Why a request got no response.
#[derive(Debug)]
pub enum ClientError {
    /// The connection could not be opened: the request was never sent.
    Connect(io::Error),
    /// No response within the read timeout.
    Timeout,
    /// The connection failed or the response was not HTTP, after the request was (maybe) sent.
    Io(io::Error),
}

/// An HTTP client that retries transient failures.
pub struct Client {
    pub policy: RetryPolicy,
    pub sleeper: Box<dyn Sleeper + Send + Sync>,
}

impl Client {
    pub fn new(policy: RetryPolicy, sleeper: impl Sleeper + Send + Sync + 'static) -> Self {
        Client {
            policy,
            sleeper: Box::new(sleeper),
        }
    }
}
