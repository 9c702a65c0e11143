//! # Writing a response
//!
//! A response is the mirror of a request: a status line, header fields, an empty line, and
//! maybe a body ([RFC 9112 §4]).
//!
//! ```text
//! HTTP/1.1 404 Not Found\r\n                  status-line: HTTP-version SP status-code SP [ reason-phrase ]
//! Content-Type: text/plain\r\n
//! Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n
//! Content-Length: 9\r\n
//! \r\n
//! not found
//! ```
//!
//! Your handler decides the status, some headers and the body. The code that writes the bytes
//! must get the rest right, because the client (and every proxy on the way) relies on it:
//!
//! - **The status code** is three digits, 100 to 599 ([RFC 9110 §15]); its first digit is its
//!   *class*: 1xx informational, 2xx successful, 3xx redirection, 4xx client error, 5xx server
//!   error. A client that does not know a code treats it as the x00 of its class, so the class
//!   is what really matters. The *reason phrase* after it is for humans; clients ignore it.
//!   Use the phrases of RFC 9110 (it renamed some: 413 is now "Content Too Large", 422
//!   "Unprocessable Content"). An unregistered code gets an empty phrase, but the space
//!   before it stays.
//! - **Framing is the server's job, not the handler's.** The client reads the body by its
//!   Content-Length, so the writer sets it from the actual body, and drops any Content-Length or
//!   Transfer-Encoding a handler set by hand: a wrong length makes the client read too little,
//!   or wait forever, and leaves the connection out of step for the next response.
//! - **Some responses never have a body** ([RFC 9110 §6.4.1]): 1xx, 204 No Content and 304 Not
//!   Modified, and any response to a HEAD request. A client reading a 204 expects the next
//!   response right after the empty line, so stray body bytes corrupt the connection. A server
//!   MUST NOT send Content-Length in a 1xx or 204 response ([RFC 9110 §8.6]); in a 304 it may
//!   only repeat the 200's, so here it is left out. A response to HEAD carries the
//!   Content-Length the GET response would have had, but no body ([RFC 9110 §9.3.2]).
//! - **Date** ([RFC 9110 §6.6.1]): an origin server with a clock MUST send it, in the
//!   *IMF-fixdate* format of [RFC 9110 §5.6.7]: `Sun, 06 Nov 1994 08:49:37 GMT`, always GMT,
//!   always two-digit days, English day and month names. Caches compute ages from it.
//! - **Header values never hold CR or LF.** If a value built from user input (a redirect URL)
//!   could, an attacker could add headers, or a whole second response, of their own:
//!   *response splitting* (CWE-113). The writer refuses such a response.
//!
//! [RFC 9112 §4]: https://www.rfc-editor.org/rfc/rfc9112#section-4
//! [RFC 9110 §15]: https://www.rfc-editor.org/rfc/rfc9110#section-15
//! [RFC 9110 §6.4.1]: https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1
//! [RFC 9110 §8.6]: https://www.rfc-editor.org/rfc/rfc9110#section-8.6
//! [RFC 9110 §9.3.2]: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2
//! [RFC 9110 §6.6.1]: https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1
//! [RFC 9110 §5.6.7]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7

use std::time::{SystemTime, UNIX_EPOCH};

/// What a handler returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Header fields in the order they will be written.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with this status, no headers and no body.
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header field line.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// The class of a status code: its first digit (RFC 9110 §15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    Informational,
    Successful,
    Redirection,
    ClientError,
    ServerError,
}

/// Why a response could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseError {
    /// The status code is outside 100..=599.
    InvalidStatus,
    /// A header name is not a token.
    InvalidHeaderName,
    /// A header value contains CR, LF, NUL or another control character.
    InvalidHeaderValue,
}

/// `tchar` of RFC 9110 §5.6.2.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The reason phrase RFC 9110 §15 (and RFC 6585 for 428, 429, 431, 511) gives a status code,
/// or `None` for a code they do not define.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    // TODO: the phrases of RFC 9110 §15 and RFC 6585, exactly as written there.
    todo!("reason_phrase({status})")
}

/// The class of `status`, or `None` outside 100..=599.
pub fn status_class(status: u16) -> Option<StatusClass> {
    todo!("status_class({status})")
}

/// `time` as an IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
/// Fractions of a second are dropped. Times before 1970 need not be supported.
pub fn http_date(time: SystemTime) -> String {
    // TODO: split the seconds since UNIX_EPOCH into days and time of day, turn the days into
    //       a year, month and day of the Gregorian calendar, and find the day of the week.
    todo!("http_date({:?})", time.duration_since(UNIX_EPOCH))
}

/// The bytes of `response`, answering a request with `request_method`, sent at `now`.
pub fn serialize(
    response: &Response,
    request_method: &str,
    now: SystemTime,
) -> Result<Vec<u8>, ResponseError> {
    // TODO: refuse an invalid status code, header name or header value.
    // TODO: write the status line, the handler's headers (except its framing headers), a Date
    //       unless the handler set one, Content-Length when the status allows content, the
    //       empty line, and the body unless the status or the HEAD method forbids it.
    todo!("serialize({response:?}) for {request_method} at {now:?}")
}
