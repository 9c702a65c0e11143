//! # Framing a line protocol over a byte stream
//!
//! TCP delivers a stream of bytes, not messages. The peer may `write` "hello\nworld\n" in one
//! call, and your `read` may return `"hel"`, then `"lo\nwo"`, then `"rld\n"`; or both lines at
//! once; or one byte at a time. Nothing in TCP marks where a message ends, so every protocol
//! on top of it defines its own *framing*: a length prefix (HTTP/2, TLS records, Redis bulk
//! strings), or a delimiter. Line protocols such as SMTP (RFC 5321 §2.3.8), POP3, Redis'
//! inline commands and HTTP/1.1's header section (RFC 9112 §2.2) use the delimiter CRLF, and
//! most also accept a bare LF.
//!
//! A framing layer keeps a buffer of bytes it has read but not yet handed out, and:
//!
//! - returns a line only once its `\n` has arrived, however the bytes were split;
//! - returns every line already in the buffer before it reads from the socket again (a read
//!   would block if the peer is waiting for your answer);
//! - keeps the bytes after the last line: they are the start of the next line, or a body in
//!   another framing (HTTP reads a body after its header lines);
//! - strips the line ending: `\n`, or `\r\n` (a `\r` anywhere else is data), even when the
//!   `\r` and the `\n` arrive in different reads;
//! - **limits the length of a line.** A peer that sends bytes and never a `\n` must not make
//!   you buffer them forever: that is a memory-exhaustion attack. Give up with an error as
//!   soon as the line is certainly too long, not when its end finally arrives. (HTTP servers
//!   have such limits, and answer 414 URI Too Long or 431 Request Header Fields Too Large
//!   beyond them: RFC 9112 §3, RFC 6585 §5.)
//! - tells a clean end of stream (between lines) from a truncated message (the stream ends in
//!   the middle of a line), and decodes a line as UTF-8 only once it is complete, since a
//!   character's bytes may be split across two reads.
//!
//! Reads can also fail: `ErrorKind::Interrupted` means a signal arrived before any data did,
//! and the read should simply be retried; any other error is the caller's to handle.
//!
//! References: RFC 9112 §2.2, "Message Parsing"
//! (<https://www.rfc-editor.org/rfc/rfc9112#section-2.2>); `std::io::Read`
//! (<https://doc.rust-lang.org/std/io/trait.Read.html>).

use std::fmt;
use std::io::{self, Read};

/// Why a line could not be read.
#[derive(Debug)]
pub enum FrameError {
    /// The line (without its line ending) is longer than the limit. The stream cannot be
    /// trusted after this: close the connection.
    LineTooLong { limit: usize },
    /// The stream ended in the middle of a line.
    UnexpectedEof,
    /// The line is complete but is not valid UTF-8. The line has been consumed; the next call
    /// reads the next line.
    InvalidUtf8,
    /// The underlying reader failed (a timeout, a reset connection...).
    Io(io::Error),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::LineTooLong { limit } => write!(f, "line longer than {limit} bytes"),
            FrameError::UnexpectedEof => f.write_str("stream ended in the middle of a line"),
            FrameError::InvalidUtf8 => f.write_str("line is not valid UTF-8"),
            FrameError::Io(e) => write!(f, "read failed: {e}"),
        }
    }
}

impl std::error::Error for FrameError {}

impl From<io::Error> for FrameError {
    fn from(e: io::Error) -> Self {
        FrameError::Io(e)
    }
}

/// Reads lines from a byte stream (a `TcpStream`, a file, a test double).
pub struct LineReader<R> {
    inner: R,
    /// Bytes read from `inner` but not yet returned as lines.
    buf: Vec<u8>,
    max_line_len: usize,
}

impl<R: Read> LineReader<R> {
    /// A reader of lines of at most `max_line_len` bytes, not counting the line ending.
    pub fn new(inner: R, max_line_len: usize) -> Self {
        LineReader {
            inner,
            buf: Vec::new(),
            max_line_len,
        }
    }

    /// The next line, without its line ending; `Ok(None)` at the end of the stream.
    pub fn read_line(&mut self) -> Result<Option<String>, FrameError> {
        // TODO: until the buffer holds a '\n': check the limit, read more from `self.inner`
        // into `self.buf` (retrying `Interrupted`), and tell a clean end of stream from a
        // truncated line. Then take the line out of the buffer, strip its LF or CRLF, and
        // decode it.
        todo!(
            "read a line of at most {} bytes ({} bytes buffered)",
            self.max_line_len,
            self.buf.len()
        )
    }

    /// The bytes read from the stream but not yet returned as lines.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }

    /// The underlying reader. Bytes still in [`LineReader::buffered`] are lost: take them
    /// first if the protocol goes on in another framing.
    pub fn into_inner(self) -> R {
        self.inner
    }
}
