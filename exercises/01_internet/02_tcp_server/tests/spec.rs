//! The specification of step 2. Every test talks to a real server over real sockets, and every
//! read has a time limit, so a server that never answers fails in seconds instead of hanging.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use tcp_server::{Response, Server, respond, start};
use testkit::tcp::{self, OwnListener, TIMEOUT};

/// The server under test. When a test ends, the server is shut down on a thread of its own, so
/// that no test can hang on a server that does not stop; the tests of `shutdown` call it
/// explicitly, with a time limit.
struct TestServer {
    server: Option<Server>,
    addr: SocketAddr,
}

impl TestServer {
    fn start() -> TestServer {
        Self::with(respond)
    }

    fn with(handler: impl Fn(&str) -> Response + Send + Sync + 'static) -> TestServer {
        let server =
            start(handler).expect("start() must bind 127.0.0.1:0 and return the running server");
        let addr = server.local_addr();
        TestServer {
            server: Some(server),
            addr,
        }
    }

    fn connect(&self) -> Client {
        Client::connect(self.addr)
    }

    /// Calls `shutdown` on a thread of its own; `returned` hears when it has returned.
    fn shutdown_in_background(mut self) -> Receiver<()> {
        let server = self.server.take().expect("the server is running");
        let (returned, heard) = mpsc::channel();
        thread::spawn(move || {
            server.shutdown();
            let _ = returned.send(());
        });
        heard
    }

    fn shutdown(self) {
        assert!(
            self.shutdown_in_background().recv_timeout(TIMEOUT).is_ok(),
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
                "no reply within {TIMEOUT:?} (is the server busy with another client? got so \
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
    let mut client = server.connect();
    assert_eq!(
        client.ask("hello"),
        "hello\n",
        "a client is served with the handler"
    );
}

#[test]
fn serves_with_the_handler_it_was_given() {
    let server = TestServer::with(|line| Response::Reply(line.chars().rev().collect()));
    let mut client = server.connect();
    assert_eq!(
        client.ask("abc"),
        "cba\n",
        "start(handler) serves every line with that handler, not with step 1's respond"
    );
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
fn clients_that_vanish_do_not_stop_the_server() {
    let server = TestServer::start();
    {
        let mut rude = server.connect();
        rude.send(b"half a li");
    } // dropped: the connection closes in the middle of a line
    {
        let _silent = server.connect();
    } // connects and leaves without a byte
    {
        let mut quitter = server.connect();
        quitter.send(b"a full line\nand half");
        quitter.writer.shutdown(std::net::Shutdown::Both).unwrap();
    } // leaves with a reply unread
    let mut polite = server.connect();
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
    // Checked on the server's own socket: once it closes, another test (of this process or
    // another) may be given the port and accept, so connecting would prove nothing.
    let listener = OwnListener::find(addr);
    server.shutdown();
    assert!(
        listener.is_closed(),
        "after shutdown() returns, nothing listens on {addr}: new connections are refused"
    );
}

/// A handler that reports, when the server drops it, whether `shutdown` had already returned.
/// Its drop waits a moment for that news: `shutdown` cannot return while the accept thread is
/// inside this drop, unless it does not wait for that thread.
struct DropProbe {
    shutdown_returned: Mutex<Receiver<()>>,
    verdict: Sender<bool>,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        let rx = self.shutdown_returned.lock().unwrap();
        let returned_first = rx.recv_timeout(Duration::from_millis(200)).is_ok();
        let _ = self.verdict.send(returned_first);
    }
}

#[test]
fn shutdown_waits_for_the_accept_thread_to_end() {
    let (returned_tx, returned_rx) = mpsc::channel();
    let (verdict_tx, verdict) = mpsc::channel();
    let probe = DropProbe {
        shutdown_returned: Mutex::new(returned_rx),
        verdict: verdict_tx,
    };
    let server = TestServer::with(move |line| {
        let _ = &probe;
        respond(line)
    });
    let returned = server.shutdown_in_background();
    thread::spawn(move || {
        if returned.recv().is_ok() {
            let _ = returned_tx.send(());
        }
    });
    match verdict.recv_timeout(TIMEOUT) {
        Ok(false) => {}
        Ok(true) => panic!(
            "shutdown() returned while the accept thread was still running (it had not yet \
             dropped its handler): join the accept thread before returning, and do not serve \
             the connection that woke it"
        ),
        Err(_) => panic!(
            "the handler was never dropped: the accept thread must end on shutdown (and \
             start() keep no copy of the handler)"
        ),
    }
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
