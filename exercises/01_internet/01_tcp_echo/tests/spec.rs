//! The specification of the line server. Every test talks to a real server over real sockets
//! (std's TcpStream as the client), and every read has a timeout, so a server that never answers
//! fails the test in a couple of seconds instead of hanging it.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use tcp_echo::{Response, Server, respond, start};
use testkit::tcp::{self, TIMEOUT};

/// The server under test. When a test ends, the server is shut down on a thread of its own, so
/// that no test can hang on a server that does not stop; the tests of `shutdown` call it
/// explicitly, with a time limit.
struct TestServer {
    server: Option<Server>,
    addr: SocketAddr,
}

/// Held while a test binds a server, and by the test that checks a closed port stays closed:
/// otherwise another test running in parallel could be given that very port in between.
static BINDING: Mutex<()> = Mutex::new(());

impl TestServer {
    fn start() -> TestServer {
        let _binding = BINDING.lock().unwrap_or_else(|e| e.into_inner());
        let server = start().expect("start() must bind 127.0.0.1:0 and return the running server");
        let addr = server.local_addr();
        TestServer {
            server: Some(server),
            addr,
        }
    }

    fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    fn shutdown(mut self) {
        let server = self.server.take().expect("the server is running");
        assert!(
            testkit::within(TIMEOUT, move || server.shutdown()).is_ok(),
            "shutdown() must return within {TIMEOUT:?}, even with clients connected and idle: \
             wake the accept loop (it is blocked in accept) and do not wait for the clients \
             (a server that serves clients on the accepting thread cannot)"
        );
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            thread::spawn(move || server.shutdown());
        }
    }
}

/// A test client: a TcpStream with connect, read and write timeouts, read line by line.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        // Small writes go out at once, so that a test can split a line into pieces.
        let stream = tcp::connect(addr);
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

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
                "no reply within {TIMEOUT:?} (is the server busy with another client, or \
                 waiting for more input? got so far: {line:?})"
            ),
            Err(e) => panic!("reading the reply failed: {e}"),
        }
    }

    /// Sends one request line and returns the reply line.
    fn ask(&mut self, line: &str) -> String {
        self.send(format!("{line}\n").as_bytes());
        self.read_line()
    }

    /// Whether the server has closed the connection (read returns end of stream).
    fn is_closed_by_server(&mut self) -> bool {
        let mut rest = Vec::new();
        match self.reader.read_to_end(&mut rest) {
            Ok(_) => rest.is_empty(),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => true,
            Err(_) => false,
        }
    }
}

#[test]
fn listens_on_an_ephemeral_port_on_localhost() {
    let server = TestServer::start();
    let addr = server.addr;
    assert_eq!(
        addr.ip(),
        Ipv4Addr::LOCALHOST,
        "the server binds 127.0.0.1, reachable only from this machine"
    );
    assert_ne!(
        addr.port(),
        0,
        "local_addr() must report the port the OS picked for :0, not 0 itself"
    );
    TcpStream::connect(addr).expect("the server must be listening when start() returns");
}

#[test]
fn echoes_a_line() {
    let server = TestServer::start();
    let mut client = server.connect();
    assert_eq!(
        client.ask("hello"),
        "hello\n",
        "a plain line comes back unchanged"
    );
}

#[test]
fn answers_every_line_in_order_on_one_connection() {
    let server = TestServer::start();
    let mut client = server.connect();
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
    let server = TestServer::start();
    let mut client = server.connect();
    client.send(b"hel");
    thread::sleep(Duration::from_millis(20));
    client.send(b"lo wor");
    thread::sleep(Duration::from_millis(20));
    client.send(b"ld\n");
    assert_eq!(
        client.read_line(),
        "hello world\n",
        "a line sent in three writes is still one line: answer it when the '\\n' arrives"
    );
}

#[test]
fn upper_replies_with_the_text_in_uppercase() {
    let server = TestServer::start();
    let mut client = server.connect();
    assert_eq!(client.ask("UPPER hello, world"), "HELLO, WORLD\n");
    assert_eq!(
        client.ask("UPPER grüße"),
        "GRÜSSE\n",
        "uppercasing is Unicode-aware: str::to_uppercase turns ß into SS"
    );
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
fn an_empty_line_gets_an_empty_reply() {
    let server = TestServer::start();
    let mut client = server.connect();
    assert_eq!(
        client.ask(""),
        "\n",
        "an empty line is a request too: echo it"
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let server = TestServer::start();
    let mut client = server.connect();
    client.send(b"hello\r\n");
    assert_eq!(
        client.read_line(),
        "hello\n",
        "a \\r before the \\n is part of the line ending (telnet and many clients send \
         CRLF), not of the line"
    );
    client.send(b"QUIT\r\n");
    assert_eq!(
        client.read_line(),
        "BYE\n",
        "QUIT ended by CRLF is still QUIT"
    );
}

#[test]
fn quit_says_bye_and_closes_the_connection() {
    let server = TestServer::start();
    let mut client = server.connect();
    assert_eq!(client.ask("QUIT"), "BYE\n");
    assert!(
        client.is_closed_by_server(),
        "after BYE the server closes the connection (the client reads end of stream)"
    );
}

#[test]
fn invalid_utf8_gets_an_error_reply_and_the_connection_stays_open() {
    let server = TestServer::start();
    let mut client = server.connect();
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
fn serves_several_clients_at_once() {
    let server = TestServer::start();
    let mut clients: Vec<Client> = (0..5).map(|_| server.connect()).collect();
    // The last client to connect speaks first: a server that serves one client at a time
    // (until it leaves) never gets to it.
    for (i, client) in clients.iter_mut().enumerate().rev() {
        assert_eq!(
            client.ask(&format!("client {i}")),
            format!("client {i}\n"),
            "client {i} must be served while the other clients are still connected: one \
             thread per client"
        );
    }
}

#[test]
fn a_slow_client_does_not_block_the_others() {
    let server = TestServer::start();
    let mut slow = server.connect();
    slow.send(b"I am sending this line very slo");
    let mut fast = server.connect();
    assert_eq!(
        fast.ask("hello"),
        "hello\n",
        "a client in the middle of a line must not stop the server from serving others"
    );
    slow.send(b"wly\n");
    assert_eq!(slow.read_line(), "I am sending this line very slowly\n");
}

#[test]
fn many_clients_talking_at_once_get_their_own_replies() {
    let server = TestServer::start();
    let addr = server.addr;
    let workers: Vec<_> = (0..8)
        .map(|c| {
            thread::spawn(move || {
                let mut client = Client::connect(addr);
                for l in 0..25 {
                    let line = format!("client {c} line {l}");
                    assert_eq!(
                        client.ask(&line),
                        format!("{line}\n"),
                        "replies must not mix"
                    );
                }
            })
        })
        .collect();
    for worker in workers {
        worker
            .join()
            .expect("a client thread failed (see its message above)");
    }
}

#[test]
fn clients_that_disconnect_mid_line_do_not_stop_the_server() {
    let server = TestServer::start();
    let addr = server.addr;
    {
        let mut rude = Client::connect(addr);
        rude.send(b"half a li");
    } // dropped: the connection closes in the middle of a line
    {
        let _silent = Client::connect(addr);
    } // connects and leaves without a byte
    {
        let mut quitter = Client::connect(addr);
        quitter.send(b"a full line\nand half");
        quitter.writer.shutdown(std::net::Shutdown::Both).unwrap();
    }
    let mut polite = Client::connect(addr);
    assert_eq!(
        polite.ask("anyone there?"),
        "anyone there?\n",
        "clients that vanish (mid-line, silently, with unread replies) end their own \
         connection, never the server"
    );
}

#[test]
fn shutdown_closes_the_listening_socket() {
    let server = TestServer::start();
    let addr = server.addr;
    let _binding = BINDING.lock().unwrap_or_else(|e| e.into_inner());
    server.shutdown();
    assert!(
        TcpStream::connect_timeout(&addr, TIMEOUT).is_err(),
        "after shutdown() returns, nothing listens on {addr}: new connections are refused"
    );
}

#[test]
fn shutdown_returns_promptly_and_leaves_connected_clients_alone() {
    let server = TestServer::start();
    let mut client = server.connect();
    assert_eq!(client.ask("before"), "before\n");
    server.shutdown();
    assert_eq!(
        client.ask("after"),
        "after\n",
        "a client connected before shutdown keeps being served until it leaves"
    );
}
