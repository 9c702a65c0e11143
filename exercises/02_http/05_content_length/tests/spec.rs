//! The specification of `body_length` and `read_body`.
//! RFC 9112 §6: https://www.rfc-editor.org/rfc/rfc9112#section-6

use content_length::*;
use std::io::{self, Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Framing: how long is the body? (RFC 9112 §6.3, RFC 9110 §8.6)
// ---------------------------------------------------------------------------------------------

#[test]
fn no_content_length_means_an_empty_body() {
    assert_eq!(
        body_length(&[("Host", "example.com")]),
        Ok(0),
        "a request with neither Content-Length nor Transfer-Encoding has a body of length 0 \
         (RFC 9112 §6.3, rule 7): a request body never extends to the end of the connection"
    );
    assert_eq!(body_length(&[]), Ok(0), "no fields at all: no body");
}

#[test]
fn content_length_gives_the_length() {
    assert_eq!(
        body_length(&[("Host", "a"), ("Content-Length", "42")]),
        Ok(42)
    );
    assert_eq!(
        body_length(&[("Content-Length", "0")]),
        Ok(0),
        "zero is a valid length"
    );
}

#[test]
fn field_name_is_case_insensitive() {
    assert_eq!(
        body_length(&[("conTENT-Length", "5")]),
        Ok(5),
        "field names are case-insensitive (RFC 9110 §5.1; llhttp content-length.md, \"Funky Content-Length\")"
    );
}

#[test]
fn accepts_leading_zeros() {
    assert_eq!(
        body_length(&[("Content-Length", "003")]),
        Ok(3),
        "1*DIGIT allows leading zeros: \"003\" is 3 (llhttp content-length.md)"
    );
}

#[test]
fn rejects_a_negative_length() {
    assert_eq!(
        body_length(&[("Content-Length", "-1")]),
        Err(BodyError::InvalidContentLength),
        "Content-Length = 1*DIGIT (RFC 9110 §8.6): a '-' is not a digit. Servers that parsed \
         it as a signed number have been tricked into reading backwards"
    );
}

#[test]
fn rejects_what_is_not_digits() {
    for value in ["+5", "5.0", "0x10", "1e3", "4 2", "13 37", "", "five", "٣"] {
        assert_eq!(
            body_length(&[("Content-Length", value)]),
            Err(BodyError::InvalidContentLength),
            "Content-Length = 1*DIGIT (RFC 9110 §8.6): {value:?} is not a decimal number of \
             octets (\"4 2\", \"13 37\" and \"\" from llhttp content-length.md). Note that Rust's \
             str::parse::<u64> accepts \"+5\""
        );
    }
}

#[test]
fn rejects_a_length_that_overflows() {
    assert_eq!(
        body_length(&[("Content-Length", "1000000000000000000000")]),
        Err(BodyError::InvalidContentLength),
        "a length that does not fit in a u64 is invalid; it must not wrap around or saturate \
         (RFC 9110 §8.6, llhttp content-length.md \"Content-Length overflow\")"
    );
    assert_eq!(
        body_length(&[("Content-Length", "18446744073709551615")]),
        Ok(u64::MAX),
        "u64::MAX still fits"
    );
}

#[test]
fn identical_repeated_values_are_one_length() {
    assert_eq!(
        body_length(&[("Content-Length", "42"), ("content-length", "42")]),
        Ok(42),
        "two Content-Length lines with the same value may be treated as one (RFC 9110 §8.6)"
    );
    assert_eq!(
        body_length(&[("Content-Length", "42, 42")]),
        Ok(42),
        "a list of identical values may be replaced by one instance (RFC 9110 §8.6)"
    );
}

#[test]
fn different_repeated_values_are_rejected() {
    for fields in [
        &[("Content-Length", "1"), ("Content-Length", "2")][..],
        &[("Content-Length", "42, 43")][..],
        &[("Content-Length", "42"), ("Content-Length", "042, 7")][..],
    ] {
        assert_eq!(
            body_length(fields),
            Err(BodyError::InvalidContentLength),
            "{fields:?}: with conflicting lengths one parser reads one body and another a \
             different one; the leftover bytes become a smuggled request. It MUST be an error \
             (RFC 9112 §6.3 rule 5, llhttp content-length.md \"Duplicate Content-Length\")"
        );
    }
}

#[test]
fn transfer_encoding_is_not_implemented() {
    for fields in [
        &[("Transfer-Encoding", "chunked")][..],
        &[
            ("transfer-encoding", "gzip, chunked"),
            ("Content-Length", "5"),
        ][..],
    ] {
        let got = body_length(fields);
        assert_eq!(
            got,
            Err(BodyError::UnsupportedTransferEncoding),
            "{fields:?}: Transfer-Encoding takes precedence over Content-Length (RFC 9112 §6.3 \
             rule 3); this server implements no transfer coding, so it must not fall back to \
             Content-Length but refuse (RFC 9112 §6.1)"
        );
        assert_eq!(
            got.unwrap_err().status(),
            501,
            "an unimplemented transfer coding is answered with 501"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the body
// ---------------------------------------------------------------------------------------------

/// Gives its bytes one at a time, as a slow network does.
struct Trickle(Cursor<Vec<u8>>);

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

/// Fails the test if it is read at all.
struct MustNotRead(&'static str);

impl Read for MustNotRead {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        panic!("read_body must not read from the stream here: {}", self.0)
    }
}

/// Returns `Interrupted` once, then its bytes.
struct InterruptedOnce {
    interrupted: bool,
    bytes: Cursor<Vec<u8>>,
}

impl Read for InterruptedOnce {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.interrupted {
            self.interrupted = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.bytes.read(buf)
    }
}

/// Always fails with `kind`.
struct Failing(io::ErrorKind);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self.0.into())
    }
}

/// Runs `f` on its own thread and fails the test if it has not returned within 2 s.
fn within_two_seconds<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    match testkit::within(Duration::from_secs(2), f) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what}: read_body did not return within 2 s. Does it keep calling read() after it \
             returned Ok(0)? Ok(0) means the stream has ended: no more bytes will ever come"
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: read_body panicked"),
    }
}

#[test]
fn reads_exactly_length_bytes_and_leaves_the_rest() {
    let mut stream = Cursor::new(b"hello worldGET /next HTTP/1.1\r\n".to_vec());
    let body = read_body(&mut stream, 11, 1024).expect("11 bytes are there");
    assert_eq!(
        body, b"hello world",
        "the body is exactly Content-Length bytes"
    );
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    assert_eq!(
        rest, "GET /next HTTP/1.1\r\n",
        "bytes after the body belong to the next request on the connection: read_body must not \
         consume them (RFC 9112 §9.3 persistence and pipelining)"
    );
}

#[test]
fn zero_length_reads_nothing() {
    let body = read_body(&mut MustNotRead("the length is 0"), 0, 1024);
    assert_eq!(
        body,
        Ok(vec![]),
        "a length of 0 is an empty body; there is nothing to read"
    );
}

#[test]
fn reads_a_body_that_arrives_byte_by_byte() {
    let mut slow = Trickle(Cursor::new(b"0123456789rest".to_vec()));
    assert_eq!(
        read_body(&mut slow, 10, 1024),
        Ok(b"0123456789".to_vec()),
        "one read() returns whatever has arrived, here one byte: keep reading until the body is complete"
    );
}

#[test]
fn retries_an_interrupted_read() {
    let mut reader = InterruptedOnce {
        interrupted: false,
        bytes: Cursor::new(b"abc".to_vec()),
    };
    assert_eq!(
        read_body(&mut reader, 3, 1024),
        Ok(b"abc".to_vec()),
        "io::ErrorKind::Interrupted means a signal arrived during the read: retry it, it is not a failure"
    );
}

#[test]
fn a_short_body_is_an_error() {
    let got = within_two_seconds("4 of 10 bytes then end of stream", || {
        read_body(&mut Cursor::new(b"abcd".to_vec()), 10, 1024)
    });
    assert_eq!(
        got,
        Err(BodyError::Incomplete {
            expected: 10,
            received: 4
        }),
        "the stream ended after 4 of the 10 bytes promised: the request is incomplete and must \
         not be processed as if it were whole"
    );
}

#[test]
fn refuses_a_body_over_the_maximum_before_reading() {
    let got = read_body(
        &mut MustNotRead("the declared length is already over the maximum"),
        1 << 40,
        1 << 20,
    );
    assert_eq!(
        got,
        Err(BodyError::TooLarge {
            length: 1 << 40,
            max: 1 << 20
        }),
        "a declared length over the maximum is refused at once (413 Content Too Large, RFC 9110 \
         §15.5.14), without reading or allocating anything"
    );
    assert_eq!(got.unwrap_err().status(), 413);
}

#[test]
fn refuses_a_huge_declared_length_without_allocating_it() {
    let got = read_body(
        &mut MustNotRead("the declared length is over the maximum"),
        u64::MAX,
        1024,
    );
    assert_eq!(
        got,
        Err(BodyError::TooLarge {
            length: u64::MAX,
            max: 1024
        }),
        "the client chooses Content-Length; never allocate it before checking it"
    );
}

#[test]
fn accepts_a_body_of_exactly_the_maximum() {
    assert_eq!(
        read_body(&mut Cursor::new(vec![7u8; 64]), 64, 64),
        Ok(vec![7u8; 64]),
        "the maximum itself is allowed"
    );
}

#[test]
fn reports_io_errors() {
    assert_eq!(
        read_body(&mut Failing(io::ErrorKind::ConnectionReset), 10, 1024),
        Err(BodyError::Io(io::ErrorKind::ConnectionReset)),
        "an I/O error is reported with its kind, not turned into a panic or an empty body"
    );
}

// ---------------------------------------------------------------------------------------------
// Over a real connection
// ---------------------------------------------------------------------------------------------

/// A connected pair: the client side is handed to `client` on its own thread.
fn connect(client: impl FnOnce(TcpStream) + Send + 'static) -> (TcpStream, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        client(stream);
    });
    let (server, _) = listener.accept().unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    (server, handle)
}

#[test]
fn reads_a_body_sent_in_pieces_over_tcp() {
    let (mut server, client) = connect(|mut stream| {
        for piece in [&b"hel"[..], b"lo w", b"orldNEXT"] {
            stream.write_all(piece).unwrap();
            stream.flush().unwrap();
            thread::sleep(Duration::from_millis(20));
        }
    });
    let body = read_body(&mut server, 11, 1024);
    assert_eq!(
        body,
        Ok(b"hello world".to_vec()),
        "the body came in three TCP writes; read_body must gather them"
    );
    let mut next = [0u8; 4];
    server.read_exact(&mut next).unwrap();
    assert_eq!(
        &next, b"NEXT",
        "the bytes after the body are left in the socket for the next request"
    );
    client.join().unwrap();
}

#[test]
fn a_client_that_closes_early_sent_an_incomplete_body() {
    let (server, client) = connect(|mut stream| {
        stream.write_all(b"only").unwrap();
        // dropping the stream closes the connection
    });
    let got = within_two_seconds("4 of 100 bytes then the client closed", move || {
        let mut server = server;
        read_body(&mut server, 100, 1024)
    });
    assert_eq!(
        got,
        Err(BodyError::Incomplete {
            expected: 100,
            received: 4
        }),
        "the client closed the connection after 4 of 100 bytes"
    );
    client.join().unwrap();
}

#[test]
fn a_stalled_client_ends_in_a_timeout() {
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (mut server, client) = connect(move |mut stream| {
        stream.write_all(b"half").unwrap();
        // Keep the connection open without sending more, until the test is over.
        let _ = done_rx.recv_timeout(Duration::from_secs(5));
    });
    server
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let got = read_body(&mut server, 8, 1024);
    drop(done_tx);
    client.join().unwrap();
    assert!(
        matches!(
            got,
            Err(BodyError::Io(
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ))
        ),
        "the client sent 4 of 8 bytes and went quiet; with a read timeout on the socket, \
         read_body must return the timeout as BodyError::Io (a server then answers 408 or closes), \
         got {got:?}"
    );
}
