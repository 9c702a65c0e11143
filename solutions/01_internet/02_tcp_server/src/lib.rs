//! # A TCP line server, step 2: many clients, and a clean shutdown
//!
//! Step 1 served one connection. A real server owns its listening socket, accepts clients
//! for as long as it runs, and serves them all at once. Two things make that work:
//!
//! - **Port 0.** Binding `127.0.0.1:0` asks the OS for any free port; the server reports which
//!   one it got (`TcpListener::local_addr`). Tests, and many services on one machine, never
//!   fight over a fixed port.
//! - **One thread per client.** `accept` hands you one connection at a time. If you serve it on
//!   the accepting thread, the second client waits until the first one leaves, and one slow
//!   client (a phone on a bad network, or an attacker sending a byte a minute) stalls
//!   everyone. Here each client gets its own thread. Threads cost memory, so real servers cap
//!   them or use async I/O (the concurrency chapter, 12), but the rule stays: no client may
//!   block another.
//!
//! The server is generic over its protocol: `start` takes the handler that turns a request
//! line into a [`Response`] (step 1's `respond` is one), and every client thread shares it.
//!
//! **Shutting down** is the hard part. The accept thread is blocked in `accept`, so a flag
//! alone does not stop it: something has to wake it up. Then `shutdown` must wait for that
//! thread to end, because only then is the listening socket closed (new connections are
//! refused) and the accept thread's share of the handler dropped: a service that says "stopped"
//! while its thread still runs hands its port and its resources over too early. Clients that
//! are already connected keep their connections until they leave (the concurrency chapter
//! drains them instead).
//!
//! Below the line is step 1's solution, as given code: `serve_client` now takes the handler.
//!
//! References: `std::net::TcpListener`
//! (<https://doc.rust-lang.org/std/net/struct.TcpListener.html>); `JoinHandle::join`
//! (<https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join>); RFC 9293
//! §3.5, opening and closing a connection (<https://www.rfc-editor.org/rfc/rfc9293#section-3.5>).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};

/// A running server. Stop it with [`Server::shutdown`].
pub struct Server {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: JoinHandle<()>,
}

/// Binds `127.0.0.1:0`, starts accepting connections on a background thread, and returns at
/// once. Each client is served by `serve_client` on a thread of its own, with `handler`.
pub fn start<H>(handler: H) -> io::Result<Server>
where
    H: Fn(&str) -> Response + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let stopping = Arc::new(AtomicBool::new(false));
    let acceptor = thread::spawn({
        let stopping = Arc::clone(&stopping);
        move || accept_loop(listener, &stopping, Arc::new(handler))
    });
    Ok(Server {
        addr,
        stopping,
        acceptor,
    })
}

fn accept_loop<H>(listener: TcpListener, stopping: &AtomicBool, handler: Arc<H>)
where
    H: Fn(&str) -> Response + Send + Sync + 'static,
{
    for stream in listener.incoming() {
        // Checked before serving: the connection that woke us is shutdown's, not a client.
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        // A client that gave up before we accepted it is no reason to stop serving.
        let Ok(stream) = stream else { continue };
        let handler = Arc::clone(&handler);
        // The client's errors (reset, broken pipe) end its own thread and nothing else.
        thread::spawn(move || {
            let _ = serve_client(stream, &*handler);
        });
    }
}

impl Server {
    /// The address the server listens on: 127.0.0.1 and the port the OS picked.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, and returns once the accept thread has ended: its
    /// listening socket is closed and its handler dropped. The connection that wakes the
    /// accept loop is not served. Clients already connected are served until they leave.
    pub fn shutdown(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The accept loop is blocked in accept(): a connection of our own wakes it up, and it
        // sees the flag before serving it.
        let _ = TcpStream::connect(self.addr);
        let _ = self.acceptor.join();
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: step 1's solution. The protocol, and the conversation with one client.

/// What the server does with one request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Send this line back (the server adds the `\n`).
    Reply(String),
    /// Send `BYE` and close the connection.
    Quit,
}

/// Step 1's protocol: `QUIT` quits, `UPPER text` shouts, anything else is echoed.
pub fn respond(line: &str) -> Response {
    if line == "QUIT" {
        Response::Quit
    } else if let Some(text) = line.strip_prefix("UPPER ") {
        Response::Reply(text.to_uppercase())
    } else {
        Response::Reply(line.to_string())
    }
}

/// Serves one client until it quits or leaves, answering each line with `handler`. Returns
/// `Ok(())` when the client quits or closes, the error when reading or writing fails.
pub fn serve_client(stream: TcpStream, handler: &dyn Fn(&str) -> Response) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = Vec::new();
    loop {
        line.clear();
        reader.read_until(b'\n', &mut line)?;
        // End of stream, possibly in the middle of a line: half a request gets no answer.
        if line.pop() != Some(b'\n') {
            return Ok(());
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        // Network input is bytes: a line that is not UTF-8 gets an error reply, not a panic.
        let response = match std::str::from_utf8(&line) {
            Ok(text) => handler(text),
            Err(_) => Response::Reply("ERR invalid UTF-8".to_string()),
        };
        match response {
            Response::Reply(text) => writer.write_all(format!("{text}\n").as_bytes())?,
            Response::Quit => return writer.write_all(b"BYE\n"),
        }
    }
}
