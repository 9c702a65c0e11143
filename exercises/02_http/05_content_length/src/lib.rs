//! # Reading a body framed by Content-Length
//!
//! After the head, the body. HTTP/1.1 sends many requests over one connection, one after
//! the other, so a server must know exactly where each body ends: read one byte too few and
//! the rest of the body is parsed as the next request; read one byte too many and the next
//! request loses its start. The *framing* rules of [RFC 9112 §6.3] decide the body length.
//! For a request, they come down to:
//!
//! - `Transfer-Encoding` present: the body is chunked (the exercise chunked_body). This exercise's server
//!   implements no transfer coding, so it answers 501 Not Implemented ([RFC 9112 §6.1]).
//! - `Content-Length` present: the body is exactly that many bytes.
//! - neither: the body is empty. A request body never runs "until the connection closes"
//!   (only a response's can): the client must still be able to read the response.
//!
//! `Content-Length` is `1*DIGIT` ([RFC 9110 §8.6]): no sign, no spaces inside, no hex, and
//! it may not be left to overflow. It may arrive more than once (two lines, or one line with
//! a list `42, 42`); identical values can be treated as one, different ones are an error.
//! Why so strict? Because a proxy that picks the first value and a server that picks the
//! last read different bodies from the same bytes, and the bytes left over become a request
//! the proxy never checked: *request smuggling* (the exercise request_smuggling).
//!
//! Reading the body has its own traps:
//! - the bytes arrive in pieces: one `read` returns whatever has arrived, not the whole body;
//! - a `read` that returns `Ok(0)` means end of stream: if the client closes early the body is
//!   incomplete, and a loop that keeps reading spins forever;
//! - `ErrorKind::Interrupted` is not a failure, just a signal: retry;
//! - the client decides the length, so the server must cap it: check the length against a
//!   maximum *before* reading (413 Content Too Large, [RFC 9110 §15.5.14]), and do not
//!   allocate what the client claims it will send, only what it has sent;
//! - the read must stop at the end of the body, leaving the next pipelined request in the
//!   stream.
//!
//! [RFC 9112 §6.1]: https://www.rfc-editor.org/rfc/rfc9112#section-6.1
//! [RFC 9112 §6.3]: https://www.rfc-editor.org/rfc/rfc9112#section-6.3
//! [RFC 9110 §8.6]: https://www.rfc-editor.org/rfc/rfc9110#section-8.6
//! [RFC 9110 §15.5.14]: https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14

use std::io::{self, Read};

/// Why a request body could not be framed or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Content-Length is not a decimal number, does not fit in a u64, or its values disagree.
    InvalidContentLength,
    /// The request uses Transfer-Encoding, which this server does not implement.
    UnsupportedTransferEncoding,
    /// The declared length is over the maximum the server accepts.
    TooLarge { length: u64, max: u64 },
    /// The stream ended after `received` of the `expected` bytes.
    Incomplete { expected: u64, received: u64 },
    /// Reading failed (a timeout, a reset connection...).
    Io(io::ErrorKind),
}

impl BodyError {
    /// The status code a server answers with (when the connection still allows an answer).
    pub fn status(self) -> u16 {
        match self {
            BodyError::UnsupportedTransferEncoding => 501,
            BodyError::TooLarge { .. } => 413,
            BodyError::Io(io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => 408,
            _ => 400,
        }
    }
}

/// The length of a request's body from its header fields (`(name, value)` pairs, names in
/// any case, values without surrounding whitespace), following RFC 9112 §6.3.
pub fn body_length(headers: &[(&str, &str)]) -> Result<u64, BodyError> {
    // TODO: Transfer-Encoding present: UnsupportedTransferEncoding.
    // TODO: every Content-Length line, and every element of a comma-separated list in one,
    //       must be 1*DIGIT, fit in a u64, and agree with the others.
    // TODO: no Content-Length: the body is empty.
    todo!("body_length of {headers:?}")
}

/// Reads exactly `length` bytes of body from `reader`, leaving whatever follows unread.
/// A length over `max` is refused before anything is read.
pub fn read_body<R: Read>(reader: &mut R, length: u64, max: u64) -> Result<Vec<u8>, BodyError> {
    // TODO: refuse a length over `max` before reading.
    // TODO: read until `length` bytes have arrived, and not one byte more; report an early
    //       end of stream as Incomplete and any I/O error as Io (Interrupted is retried).
    let _ = reader; // (only here to keep the compiler quiet until you use `reader`)
    todo!("read_body of {length} bytes (max {max})")
}
