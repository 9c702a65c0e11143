//! # The status line, step 1 of writing a response
//!
//! A response is the mirror of a request: a status line, header fields, an empty line, and
//! maybe a body ([RFC 9112 §4]). This step writes its first line; step 2 (http_responses)
//! writes the rest.
//!
//! ```text
//! HTTP/1.1 404 Not Found\r\n      status-line = HTTP-version SP status-code SP [ reason-phrase ]
//! Content-Type: text/plain\r\n
//! Content-Length: 9\r\n
//! \r\n
//! not found
//! ```
//!
//! - **The status code** is three digits, 100 to 599 ([RFC 9110 §15]). Its first digit is its
//!   *class*: 1xx informational, 2xx successful, 3xx redirection, 4xx client error, 5xx server
//!   error. A client that does not know a code treats it as the x00 of its class (an unknown
//!   `299` as `200`, an unknown `451` as `400`), so every code in range has a class, registered
//!   or not, and the class is what a client acts on.
//! - **The reason phrase** is for humans; clients ignore it. Use the phrases of RFC 9110 §15
//!   and, for 428, 429, 431 and 511, of [RFC 6585]: exactly as written there. RFC 9110 renamed
//!   some codes, and old names linger in frameworks: 413 is now "Content Too Large" (once
//!   "Payload Too Large"), 422 "Unprocessable Content" (once "Unprocessable Entity"). 306 and
//!   418 are listed as "(Unused)": they have no phrase.
//! - **An unregistered code gets an empty phrase, but the space before it stays**: the
//!   grammar makes the phrase optional, not the SP. `HTTP/1.1 299 ` is a valid status line;
//!   `HTTP/1.1 299` is not, and a strict client rejects it.
//! - A code outside 100..=599 is not a status code at all: a server that writes `HTTP/1.1 0`
//!   or `HTTP/1.1 1000` has a bug, and the writer refuses it instead of sending it.
//!
//! [RFC 9112 §4]: https://www.rfc-editor.org/rfc/rfc9112#section-4
//! [RFC 9110 §15]: https://www.rfc-editor.org/rfc/rfc9110#section-15
//! [RFC 6585]: https://www.rfc-editor.org/rfc/rfc6585

/// The reason phrase RFC 9110 §15 (and RFC 6585 for 428, 429, 431, 511) gives a status code,
/// or `None` for a code they do not define.
pub fn reason_phrase(status: u16) -> Option<&'static str> {
    // TODO: the phrases of RFC 9110 §15 and RFC 6585, exactly as written there.
    todo!("reason_phrase({status})")
}

/// The class of `status`, or `None` outside 100..=599.
pub fn status_class(status: u16) -> Option<StatusClass> {
    // TODO: the first digit of a code in 100..=599.
    todo!("status_class({status})")
}

/// The status line of a response with `status`, CRLF included (`"HTTP/1.1 404 Not Found\r\n"`),
/// or `None` when `status` is not a status code.
pub fn status_line(status: u16) -> Option<String> {
    // TODO: refuse a code without a class; the phrase may be empty, the space before it stays.
    todo!("status_line({status})")
}

// ---------------------------------------------------------------------------------------------
// Given code: the status classes. You need not change it.
// ---------------------------------------------------------------------------------------------

/// The class of a status code: its first digit (RFC 9110 §15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    Informational,
    Successful,
    Redirection,
    ClientError,
    ServerError,
}
