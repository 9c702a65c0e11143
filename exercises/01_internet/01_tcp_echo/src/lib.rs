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

use std::io;
use std::net::SocketAddr;

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
    // TODO: `QUIT` quits, `UPPER text` replies with the text in uppercase, anything else is
    // echoed. Commands are exact and case-sensitive.
    todo!("respond to {line:?}")
}

/// A running server. Stop it with [`Server::shutdown`].
pub struct Server {
    // TODO: the fields you need: the bound address, and whatever lets `shutdown` stop the
    // accepting thread and wait for it.
}

/// Binds `127.0.0.1:0`, starts accepting connections on a background thread, and returns at
/// once.
pub fn start() -> io::Result<Server> {
    // TODO: bind, remember the address, and spawn the accept loop. The loop serves each
    // client on a thread of its own: read lines, answer each with `respond`, and end quietly
    // when the client leaves or misbehaves.
    todo!("start the server")
}

impl Server {
    /// The address the server listens on: 127.0.0.1 and the port the OS picked.
    pub fn local_addr(&self) -> SocketAddr {
        // TODO: return the address `start` bound.
        todo!("the server's address")
    }

    /// Stops accepting connections and closes the listening socket before returning.
    /// Connections already accepted are served until their clients leave.
    pub fn shutdown(self) {
        // TODO: tell the accept loop to stop, wake it up (it is blocked in `accept`), and wait
        // for its thread to end.
        todo!("shut the server down")
    }
}
