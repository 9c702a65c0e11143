//! # A TCP line server, step 1: serve one client
//!
//! Every backend service starts the same way: it accepts a TCP connection and talks to the
//! client over a byte stream. TCP (RFC 9293) gives you a reliable, ordered stream of bytes in
//! each direction. It does not give you messages, so this server speaks a line protocol: a
//! request is one line, ended by `\n`, and so is each reply. Its ancestor is the Echo Protocol,
//! RFC 862 (<https://www.rfc-editor.org/rfc/rfc862>), which sends back whatever it receives.
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
//! What separates a server that works on your laptop from one that survives production is
//! what it does with clients that misbehave. Bytes arrive in pieces: one read may return half
//! a line, or three lines. Clients send bytes that are not text, disconnect in the middle of a
//! line, reset the connection. Each of these ends *that* client's conversation, quietly: no
//! panic, no reply to half a request.
//!
//! This step serves one connection that the test accepted for you. The next step
//! (`tcp_server`) binds the port, serves many clients at once and shuts down.
//!
//! References: `std::net::TcpStream`
//! (<https://doc.rust-lang.org/std/net/struct.TcpStream.html>); `BufRead::read_until`
//! (<https://doc.rust-lang.org/std/io/trait.BufRead.html#method.read_until>).

use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;

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

/// Serves one client until it quits or leaves: reads request lines, writes one reply line for
/// each. Returns `Ok(())` when the client quits or closes the connection (even in the middle of
/// a line, which gets no reply), and the error when reading or writing fails.
pub fn serve_client(stream: TcpStream) -> io::Result<()> {
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
