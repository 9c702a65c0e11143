//! # A TCP server: one thread per client
//!
//! Every backend service starts the same way: it opens a listening TCP socket, accepts
//! connections, and talks to each client over its own byte stream. TCP (RFC 9293) gives you a
//! reliable, ordered stream of bytes in each direction. It does not give you messages, so this
//! server speaks a line protocol: a request is one line, ended by `\n`, and so is each reply.
//! The ancestor of this server is the Echo Protocol, RFC 862
//! (<https://www.rfc-editor.org/rfc/rfc862>), which simply sends back whatever it receives.
//!
//! The protocol, one reply line per request line (a `\r` before the `\n` is ignored):
//!
//! | request                  | reply                                            |
//! |--------------------------|--------------------------------------------------|
//! | `UPPER some text`        | `SOME TEXT`                                      |
//! | `QUIT`                   | `BYE`, then the server closes the connection     |
//! | any other line           | the line itself (echo)                           |
//! | bytes that are not UTF-8 | `ERR invalid UTF-8` (the connection stays open)  |
//!
//! Three things separate a server that works on your laptop from one that survives production:
//!
//! - **Port 0.** Binding `127.0.0.1:0` asks the OS for any free port; the server reports which
//!   one it got (`TcpListener::local_addr`). Tests, and many services on one machine, never
//!   fight over a fixed port.
//! - **Concurrency.** `accept` hands you one connection at a time. If you serve it on the
//!   accepting thread, the second client waits until the first one leaves, and one slow client
//!   (a phone on a bad network, or an attacker sending a byte a minute) stalls everyone. Here
//!   each client gets its own thread. Threads cost memory, so real servers cap them or use
//!   async I/O (chapter 12), but the idea stays the same: no client may block another.
//! - **Clients misbehave.** They disconnect in the middle of a line, reset the connection, send
//!   bytes that are not text. A client's error ends that client's connection, never the server.
//!
//! Shutting down: `accept` blocks, so a flag alone does not stop the accept loop; something
//! has to wake it up. Once `shutdown` returns, the listening socket is closed and new
//! connections are refused. Clients that are already connected keep their connections until
//! they leave (chapter 12 drains them instead).
//!
//! References: `std::net::TcpListener`
//! (<https://doc.rust-lang.org/std/net/struct.TcpListener.html>); RFC 9293 §3.5, opening and
//! closing a connection (<https://www.rfc-editor.org/rfc/rfc9293#section-3.5>).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

/// What the server does with one request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Send this line back (the server adds the `\n`).
    Reply(String),
    /// Send `BYE` and close the connection.
    Quit,
}

/// The protocol, without any I/O: the response to one request line (without its line ending).
pub fn respond(line: &str) -> Response {
    if line == "QUIT" {
        Response::Quit
    } else if let Some(text) = line.strip_prefix("UPPER ") {
        Response::Reply(text.to_uppercase())
    } else {
        Response::Reply(line.to_string())
    }
}

/// A running server. Stop it with [`Server::shutdown`].
pub struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// Binds `127.0.0.1:0`, starts accepting connections on a background thread, and returns at
/// once.
pub fn start() -> io::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let stopping = Arc::new(AtomicBool::new(false));
    let acceptor = thread::spawn({
        let stopping = Arc::clone(&stopping);
        move || accept_loop(listener, &stopping)
    });
    Ok(Server {
        addr,
        stopping,
        acceptor: Some(acceptor),
    })
}

fn accept_loop(listener: TcpListener, stopping: &AtomicBool) {
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        match stream {
            Ok(stream) => {
                // The client's errors (reset, broken pipe) end its own thread and nothing else.
                thread::spawn(move || {
                    let _ = serve_client(stream);
                });
            }
            // A client that gave up before we accepted it is no reason to stop serving.
            Err(_) => continue,
        }
    }
}

fn serve_client(stream: TcpStream) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = Vec::new();
    loop {
        line.clear();
        reader.read_until(b'\n', &mut line)?;
        // End of stream, possibly in the middle of a line: the client is gone, and half a
        // request gets no answer.
        if line.pop() != Some(b'\n') {
            return Ok(());
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let response = match std::str::from_utf8(&line) {
            Ok(text) => respond(text),
            Err(_) => Response::Reply("ERR invalid UTF-8".to_string()),
        };
        match response {
            Response::Reply(text) => writer.write_all(format!("{text}\n").as_bytes())?,
            Response::Quit => return writer.write_all(b"BYE\n"),
        }
    }
}

impl Server {
    /// The address the server listens on: 127.0.0.1 and the port the OS picked.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and closes the listening socket before returning.
    /// Connections already accepted are served until their clients leave.
    pub fn shutdown(mut self) {
        self.stop_accepting();
    }

    fn stop_accepting(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stopping.store(true, Ordering::SeqCst);
        // The accept loop is blocked in accept(): a connection of our own wakes it up, and it
        // sees the flag before serving it.
        let _ = TcpStream::connect(self.addr);
        let _ = acceptor.join();
    }
}

impl Drop for Server {
    /// A server that goes out of scope stops too, instead of leaving its thread behind.
    fn drop(&mut self) {
        self.stop_accepting();
    }
}
