//! The specification of line framing. Most tests feed the LineReader from `Script`, a fake
//! reader that returns exactly the chunks a test chooses, one per `read` call, the way a socket
//! may; the last tests use a real TCP connection.

use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use line_framing::{FrameError, LineReader};

/// One step of a scripted reader.
enum Step {
    /// The next read returns (up to) these bytes.
    Data(Vec<u8>),
    /// The next read fails with this kind of error.
    Fail(ErrorKind),
}

/// A reader that plays a script of chunks and errors, one step per `read` call, and then
/// reports the end of the stream.
struct Script {
    steps: VecDeque<Step>,
}

impl Script {
    fn chunks(chunks: &[&[u8]]) -> Script {
        Script {
            steps: chunks.iter().map(|c| Step::Data(c.to_vec())).collect(),
        }
    }

    fn steps(steps: Vec<Step>) -> Script {
        Script {
            steps: steps.into(),
        }
    }
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.steps.pop_front() {
            None => Ok(0),
            Some(Step::Fail(kind)) => Err(io::Error::new(kind, format!("scripted {kind:?}"))),
            Some(Step::Data(mut data)) => {
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                if n < data.len() {
                    // The caller's buffer was too small: the rest comes with the next read.
                    self.steps.push_front(Step::Data(data.split_off(n)));
                }
                Ok(n)
            }
        }
    }
}

fn lines_of(script: Script, max_line_len: usize) -> LineReader<Script> {
    LineReader::new(script, max_line_len)
}

/// Reads the next line and expects it to be `expected`.
fn expect_line<R: Read>(reader: &mut LineReader<R>, expected: &str, why: &str) {
    match reader.read_line() {
        Ok(Some(line)) => assert_eq!(line, expected, "{why}"),
        Ok(None) => panic!("expected the line {expected:?}, got end of stream (Ok(None)): {why}"),
        Err(e) => panic!("expected the line {expected:?}, got Err({e:?}): {why}"),
    }
}

fn expect_end<R: Read>(reader: &mut LineReader<R>, why: &str) {
    match reader.read_line() {
        Ok(None) => {}
        other => panic!("expected the end of the stream (Ok(None)), got {other:?}: {why}"),
    }
}

#[test]
fn reads_one_line() {
    let mut reader = lines_of(Script::chunks(&[b"hello\n"]), 100);
    expect_line(&mut reader, "hello", "the line, without its '\\n'");
    expect_end(&mut reader, "nothing follows the line");
}

#[test]
fn strips_lf_and_crlf_line_endings() {
    let mut reader = lines_of(Script::chunks(&[b"unix\nnetwork\r\n"]), 100);
    expect_line(&mut reader, "unix", "a line may end with LF");
    expect_line(
        &mut reader,
        "network",
        "a line may end with CRLF, as SMTP and HTTP/1.1 require; the CR is not part of it",
    );
}

#[test]
fn a_cr_that_is_not_before_the_lf_is_data() {
    let mut reader = lines_of(Script::chunks(&[b"a\rb\nc\r\r\n"]), 100);
    expect_line(
        &mut reader,
        "a\rb",
        "only a CR right before the LF is a line ending",
    );
    expect_line(
        &mut reader,
        "c\r",
        "of \"\\r\\r\\n\", only the last CR goes",
    );
}

#[test]
fn empty_lines_are_lines() {
    let mut reader = lines_of(Script::chunks(&[b"\n\r\nx\n"]), 100);
    expect_line(
        &mut reader,
        "",
        "\"\\n\" is an empty line, not the end of the stream",
    );
    expect_line(&mut reader, "", "so is \"\\r\\n\"");
    expect_line(&mut reader, "x", "and the line after them is read as usual");
}

#[test]
fn a_line_split_across_reads_is_reassembled() {
    let mut reader = lines_of(Script::chunks(&[b"hel", b"lo wo", b"rld\n"]), 100);
    expect_line(
        &mut reader,
        "hello world",
        "one line that arrives in three reads is still one line",
    );
}

#[test]
fn a_stream_delivered_one_byte_at_a_time() {
    let bytes = b"first\r\nsecond\n\nthird\n";
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    let mut reader = lines_of(Script::chunks(&chunks), 100);
    for expected in ["first", "second", "", "third"] {
        expect_line(&mut reader, expected, "every read returned a single byte");
    }
    expect_end(&mut reader, "after the last line");
}

#[test]
fn a_crlf_split_between_two_reads_is_one_line_ending() {
    let mut reader = lines_of(Script::chunks(&[b"abc\r", b"\ndef\n"]), 100);
    expect_line(
        &mut reader,
        "abc",
        "the CR arrived in one read and its LF in the next: still one CRLF",
    );
    expect_line(&mut reader, "def", "and no empty line appears between them");
}

#[test]
fn several_lines_in_one_read_are_returned_without_reading_again() {
    let script = Script::steps(vec![
        Step::Data(b"one\ntwo\r\nthree\n".to_vec()),
        // If the reader reads again while it still has whole lines buffered, it gets this
        // error. On a socket it would block: the peer is waiting for the answers.
        Step::Fail(ErrorKind::WouldBlock),
    ]);
    let mut reader = lines_of(script, 100);
    for expected in ["one", "two", "three"] {
        expect_line(
            &mut reader,
            expected,
            "lines already in the buffer must be returned before reading from the stream \
             again (the scripted reader fails on the next read)",
        );
    }
    assert!(
        matches!(reader.read_line(), Err(FrameError::Io(e)) if e.kind() == ErrorKind::WouldBlock),
        "only once the buffer has no whole line does the reader read again, and its error \
         comes back as FrameError::Io"
    );
}

#[test]
fn bytes_after_the_last_line_stay_in_the_buffer() {
    let mut reader = lines_of(Script::chunks(&[b"HEADER\r\nbody bytes"]), 100);
    expect_line(&mut reader, "HEADER", "the line before the rest");
    assert_eq!(
        reader.buffered(),
        b"body bytes",
        "bytes after the line ending were read but are not part of the line: keep them \
         (an HTTP body follows its header lines in another framing)"
    );
}

#[test]
fn end_of_stream_between_lines_is_none_every_time() {
    let mut reader = lines_of(Script::chunks(&[]), 100);
    expect_end(&mut reader, "an empty stream has no lines");
    expect_end(&mut reader, "asking again at the end still gives Ok(None)");

    let mut reader = lines_of(Script::chunks(&[b"last\n"]), 100);
    expect_line(&mut reader, "last", "the only line");
    expect_end(
        &mut reader,
        "the stream ended right after a line ending: a clean end",
    );
}

#[test]
fn end_of_stream_in_the_middle_of_a_line_is_an_error() {
    let mut reader = lines_of(Script::chunks(&[b"complete\nincompl", b"ete"]), 100);
    expect_line(&mut reader, "complete", "the first line is whole");
    let result = reader.read_line();
    assert!(
        matches!(result, Err(FrameError::UnexpectedEof)),
        "the stream ended before the second line's '\\n': the message was cut off (the peer \
         crashed, or the connection was cut), so it is an error, not a line; got {result:?}"
    );
}

#[test]
fn a_line_at_the_limit_is_accepted() {
    let mut reader = lines_of(Script::chunks(&[b"12345678\n12345678\r\n"]), 8);
    expect_line(&mut reader, "12345678", "8 bytes with a limit of 8 is fine");
    expect_line(
        &mut reader,
        "12345678",
        "the limit counts the line, not its line ending: 8 bytes plus CRLF is fine",
    );
}

#[test]
fn the_cr_of_a_crlf_does_not_count_even_when_the_lf_comes_later() {
    let mut reader = lines_of(Script::chunks(&[b"12345678\r", b"\n"]), 8);
    expect_line(
        &mut reader,
        "12345678",
        "after the first read the buffer holds 9 bytes, \"12345678\\r\", but the CR may be \
         the start of a CRLF: it is not over the limit yet",
    );
}

#[test]
fn a_line_over_the_limit_is_an_error() {
    let mut reader = lines_of(Script::chunks(&[b"123456789\n"]), 8);
    let result = reader.read_line();
    assert!(
        matches!(result, Err(FrameError::LineTooLong { limit: 8 })),
        "9 bytes with a limit of 8 must be LineTooLong {{ limit: 8 }}, got {result:?}"
    );
}

/// A peer that sends one endless line: `a` bytes, 4 KiB per read, up to 16 MiB, then it fails
/// the read (a real attacker would go on forever).
struct EndlessLine {
    served: usize,
}

impl Read for EndlessLine {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.served >= 16 << 20 {
            return Err(io::Error::other(
                "the test peer sent 16 MiB without a newline and the reader is still reading",
            ));
        }
        let n = buf.len().min(4096);
        buf[..n].fill(b'a');
        self.served += n;
        Ok(n)
    }
}

#[test]
fn an_endless_line_is_rejected_without_buffering_it() {
    let mut reader = LineReader::new(EndlessLine { served: 0 }, 1024);
    let result = reader.read_line();
    assert!(
        matches!(result, Err(FrameError::LineTooLong { limit: 1024 })),
        "a line with no end must be rejected once it is longer than the limit, got {result:?}"
    );
    let served = reader.into_inner().served;
    assert!(
        served <= 1024 + 64 * 1024,
        "the reader read {served} bytes before giving up on a line limited to 1024: check the \
         limit while the line is still arriving, or a peer can fill your memory"
    );
}

#[test]
fn invalid_utf8_is_an_error_and_the_next_line_still_reads() {
    let mut reader = lines_of(Script::chunks(&[b"ok\ncaf\xe9\nnext\n"]), 100);
    expect_line(&mut reader, "ok", "a valid line");
    let result = reader.read_line();
    assert!(
        matches!(result, Err(FrameError::InvalidUtf8)),
        "\"caf\\xe9\" is Latin-1, not UTF-8: InvalidUtf8, got {result:?}"
    );
    expect_line(
        &mut reader,
        "next",
        "the bad line was consumed: the framing is intact, so the next line reads normally",
    );
}

#[test]
fn a_character_split_across_reads_is_decoded_whole() {
    // "grüße 🦀\n" with the reads splitting ü, ß and 🦀 in the middle of their UTF-8 bytes.
    let mut reader = lines_of(
        Script::chunks(&[b"gr\xc3", b"\xbc\xc3", b"\x9fe \xf0\x9f", b"\xa6\x80\n"]),
        100,
    );
    expect_line(
        &mut reader,
        "grüße 🦀",
        "decode the line once it is complete, not each read on its own: a read may end in \
         the middle of a multi-byte character",
    );
}

#[test]
fn interrupted_reads_are_retried() {
    let script = Script::steps(vec![
        Step::Data(b"sig".to_vec()),
        Step::Fail(ErrorKind::Interrupted),
        Step::Data(b"nal\n".to_vec()),
    ]);
    let mut reader = lines_of(script, 100);
    expect_line(
        &mut reader,
        "signal",
        "ErrorKind::Interrupted means a signal arrived before any data: retry the read",
    );
}

#[test]
fn other_read_errors_are_passed_on() {
    let script = Script::steps(vec![
        Step::Data(b"half a li".to_vec()),
        Step::Fail(ErrorKind::ConnectionReset),
    ]);
    let mut reader = lines_of(script, 100);
    let result = reader.read_line();
    assert!(
        matches!(&result, Err(FrameError::Io(e)) if e.kind() == ErrorKind::ConnectionReset),
        "a failed read is FrameError::Io with the original error, got {result:?}"
    );
}

/// Starts a peer on 127.0.0.1:0 that writes `pieces`, pausing between them so that they
/// arrive as separate segments, and then waits until `hold` is dropped before closing.
fn peer_writing(pieces: &'static [&'static [u8]]) -> (TcpStream, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (hold, released) = mpsc::channel::<()>();
    thread::spawn(move || {
        let (mut peer, _) = listener.accept().unwrap();
        peer.set_nodelay(true).unwrap();
        for piece in pieces {
            if peer.write_all(piece).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        // Keep the connection open until the test says so (or is over).
        let _ = released.recv();
    });
    let client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    (client, hold)
}

#[test]
fn reads_lines_from_a_real_socket() {
    let (stream, hold) = peer_writing(&[b"hel", b"lo\r\nwor", b"ld\n", b"last line\n"]);
    let mut reader = LineReader::new(stream, 1024);
    expect_line(&mut reader, "hello", "over TCP, split across segments");
    expect_line(
        &mut reader,
        "world",
        "the second line started in the same segment",
    );
    expect_line(&mut reader, "last line", "a whole line in its own segment");
    drop(hold);
    expect_end(
        &mut reader,
        "the peer closed the connection after its last line",
    );
}

#[test]
fn a_socket_read_timeout_comes_back_as_an_io_error() {
    let (stream, _hold) = peer_writing(&[b"no newline, and then silence"]);
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut reader = LineReader::new(stream, 1024);
    let result = reader.read_line();
    assert!(
        matches!(&result, Err(FrameError::Io(e))
            if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "the peer sent half a line and went quiet: the socket's read timeout must come back \
         as FrameError::Io (WouldBlock or TimedOut), so a server can drop idle clients; \
         got {result:?}"
    );
}
