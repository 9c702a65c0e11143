//! The specification of step 1. Each test accepts one real connection, hands the server's end
//! to `serve_client` on a thread of its own, and talks to it from the client's end, with a time
//! limit on every read, so that a server that never answers fails in seconds instead of hanging.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

use tcp_echo::{Response, respond, serve_client};
use testkit::tcp::{self, TIMEOUT};

/// The client's end of a connection served by `serve_client`, and how that call ended.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    served: Receiver<std::io::Result<()>>,
}

fn connect() -> Client {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let writer = tcp::connect(listener.local_addr().unwrap());
    let (stream, _) = listener.accept().unwrap();
    let (tx, served) = mpsc::channel();
    thread::spawn(move || tx.send(serve_client(stream)));
    Client {
        reader: BufReader::new(writer.try_clone().unwrap()),
        writer,
        served,
    }
}

impl Client {
    fn send(&mut self, bytes: &[u8]) {
        self.writer
            .write_all(bytes)
            .expect("the client could not write to the server");
    }

    /// The next reply line, with its "\n".
    fn read_line(&mut self) -> String {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => panic!("the server closed the connection instead of replying"),
            Ok(_) => line,
            Err(e) if tcp::is_timeout(&e) => panic!(
                "no reply within {TIMEOUT:?} (is the server waiting for more input? got so \
                 far: {line:?})"
            ),
            Err(e) => panic!("reading the reply failed: {e}"),
        }
    }

    /// Sends one request line and returns the reply line.
    fn ask(&mut self, line: &str) -> String {
        self.send(format!("{line}\n").as_bytes());
        self.read_line()
    }

    /// How `serve_client` ended; fails the test if it is still running.
    #[track_caller]
    fn outcome(&self, why: &str) -> std::io::Result<()> {
        self.served
            .recv_timeout(TIMEOUT)
            .unwrap_or_else(|_| panic!("serve_client did not return within {TIMEOUT:?}: {why}"))
    }
}

#[test]
fn echoes_a_line() {
    let mut client = connect();
    assert_eq!(client.ask("hello"), "hello\n", "a plain line comes back");
}

#[test]
fn commands_are_exact_and_case_sensitive() {
    assert_eq!(respond("QUIT"), Response::Quit);
    assert_eq!(respond("UPPER abc"), Response::Reply("ABC".to_string()));
    for line in [
        "quit",
        "QUIT now",
        " QUIT",
        "upper abc",
        "UPPERabc",
        "UPPER",
    ] {
        assert_eq!(
            respond(line),
            Response::Reply(line.to_string()),
            "{line:?} is not a command (commands are exact: \"QUIT\", \"UPPER <text>\"), so \
             it is echoed"
        );
    }
}

#[test]
fn upper_replies_with_the_text_in_uppercase() {
    let mut client = connect();
    assert_eq!(client.ask("UPPER hello, world"), "HELLO, WORLD\n");
    assert_eq!(
        client.ask("UPPER grüße"),
        "GRÜSSE\n",
        "uppercasing is Unicode-aware: str::to_uppercase turns ß into SS"
    );
}

#[test]
fn answers_every_line_in_order() {
    let mut client = connect();
    client.send(b"one\ntwo\nUPPER three\n");
    for expected in ["one\n", "two\n", "THREE\n"] {
        assert_eq!(
            client.read_line(),
            expected,
            "three lines sent in one write get three replies, in order: TCP is a byte stream, \
             so one read may return several lines"
        );
    }
    assert_eq!(
        client.ask("four"),
        "four\n",
        "and the connection stays open"
    );
}

#[test]
fn a_line_may_arrive_in_pieces() {
    let mut client = connect();
    // Each piece is answered by nothing until the '\n': the server must keep what it read.
    for piece in [&b"hel"[..], b"lo wor", b"ld"] {
        client.send(piece);
        thread::sleep(Duration::from_millis(5));
    }
    client.send(b"\n");
    assert_eq!(
        client.read_line(),
        "hello world\n",
        "a line sent in pieces is still one line: answer it when the '\\n' arrives"
    );
}

#[test]
fn an_empty_line_gets_an_empty_reply() {
    let mut client = connect();
    assert_eq!(
        client.ask(""),
        "\n",
        "an empty line is a request too: echo it"
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let mut client = connect();
    client.send(b"hello\r\n");
    assert_eq!(
        client.read_line(),
        "hello\n",
        "a \\r before the \\n is part of the line ending (telnet and many clients send \
         CRLF), not of the line"
    );
    assert_eq!(client.ask("a\rb"), "a\rb\n", "a \\r inside a line is kept");
    client.send(b"QUIT\r\n");
    assert_eq!(
        client.read_line(),
        "BYE\n",
        "QUIT ended by CRLF is still QUIT"
    );
}

#[test]
fn quit_says_bye_and_closes_the_connection() {
    let mut client = connect();
    assert_eq!(client.ask("QUIT"), "BYE\n");
    let outcome = client.outcome("after QUIT and BYE, the conversation is over");
    assert!(
        outcome.is_ok(),
        "QUIT is a normal end: Ok(()), not {outcome:?}"
    );
    let mut rest = Vec::new();
    let _ = client.reader.read_to_end(&mut rest);
    assert_eq!(
        String::from_utf8_lossy(&rest),
        "",
        "after BYE the server closes the connection: the client reads end of stream"
    );
}

#[test]
fn invalid_utf8_gets_an_error_reply_and_the_connection_stays_open() {
    let mut client = connect();
    client.send(b"caf\xe9\n");
    assert_eq!(
        client.read_line(),
        "ERR invalid UTF-8\n",
        "\"caf\\xe9\" is Latin-1, not UTF-8: network input is bytes, and bad bytes deserve \
         an error reply, not a dropped connection"
    );
    assert_eq!(client.ask("still here"), "still here\n");
}

#[test]
fn a_client_that_closes_its_end_ends_the_conversation() {
    let client = connect();
    client.writer.shutdown(Shutdown::Write).unwrap();
    let outcome = client.outcome("a read of 0 bytes means the client has gone");
    assert!(
        outcome.is_ok(),
        "a client leaving is a normal end: Ok(()), not {outcome:?}"
    );
}

#[test]
fn half_a_line_then_a_close_gets_no_reply() {
    let mut client = connect();
    client.send(b"a full line\nand half a li");
    client.writer.shutdown(Shutdown::Write).unwrap();
    assert_eq!(client.read_line(), "a full line\n");
    let outcome = client.outcome("the client closed its end in the middle of a line");
    assert!(
        outcome.is_ok(),
        "a client leaving is a normal end: Ok(()), not {outcome:?}"
    );
    let mut rest = Vec::new();
    match client.reader.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
        Err(e) => panic!("reading what came after the full line failed: {e}"),
    }
    assert_eq!(
        String::from_utf8_lossy(&rest),
        "",
        "half a request gets no answer: it was never finished"
    );
}
