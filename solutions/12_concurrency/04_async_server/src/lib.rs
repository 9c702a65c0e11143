//! # Tokio tasks and an async TCP server; blocking work off the runtime
//!
//! Chapter 02's server gave each connection a thread: about 8 MB of address space and a
//! kernel context switch each, and an idle keep-alive connection holds its thread doing
//! nothing. **Async** Rust serves each connection with a **task** instead: a future that
//! the runtime (tokio) polls. Where a thread would wait (`read` with no data yet), the task
//! returns `Pending` at its `.await`, and the runtime runs another task on the same thread.
//! Thousands of mostly idle connections then cost a few kilobytes each.
//!
//! The price: the scheduling is **cooperative**. A task gives the thread back only at an
//! `.await`. A task that computes for a second, calls `std::thread::sleep`, or calls a
//! blocking library (a file read, a synchronous database driver, a password hash) holds its
//! thread for all that time, and every other task on that thread waits, whatever its
//! readiness. On a single-threaded runtime that is the whole server. The fix is
//! `tokio::task::spawn_blocking(f).await`: `f` runs on a separate pool of threads meant for
//! blocking, and the task awaits its result like any other I/O.
//!
//! The server speaks a line protocol (the given `Command::parse`):
//!
//! ```text
//! ECHO hello        →  hello
//! WORK some input   →  work("some input")   (blocking: a stand-in for a hash or a query)
//! anything else     →  ERR unknown command
//! ```
//!
//! Each reply is one line ending in `\n`; a connection takes any number of commands, and
//! ends when the client closes it.
//!
//! - `serve`: accept connections forever; `tokio::spawn` a task per connection (awaiting
//!   `handle` inside the accept loop would serve one client at a time); an error on one
//!   connection ends that connection, never the server.
//! - `handle`: read lines (`BufReader::new(stream)`, `.lines()`, `next_line().await`), reply
//!   to each. `work` is blocking: call it through `spawn_blocking`. It is an `Arc`, so clone
//!   it into the closure (`spawn_blocking` needs `'static`).
//!
//! The tests run your server on a `current_thread` runtime: one thread for every task, so a
//! blocking call inside a task stops every other connection, visibly and every time.
//!
//! Primary sources: the tokio tutorial, "Spawning" and "I/O"
//! <https://tokio.rs/tokio/tutorial>; `tokio::task::spawn_blocking`; Alice Ryhl, *Async:
//! What is blocking?* <https://ryhl.io/blog/async-what-is-blocking/>.

use std::io;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task;

/// Accepts connections on `listener` forever, each handled in a task of its own.
pub async fn serve(listener: TcpListener, work: Work) -> io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        let work = Arc::clone(&work);
        // A task per connection: this loop goes straight back to accepting.
        tokio::spawn(async move {
            // One connection's error (a reset, a bad write) ends that connection only.
            let _ = handle(stream, work).await;
        });
    }
}

/// Answers the commands of one connection until the client closes it.
async fn handle(stream: TcpStream, work: Work) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        let mut reply = match Command::parse(&line) {
            Command::Echo(text) => text,
            Command::Work(input) => {
                let work = Arc::clone(&work);
                // The blocking call runs on tokio's blocking pool; this task waits for it
                // at the .await and the runtime's thread serves other connections.
                task::spawn_blocking(move || work(&input))
                    .await
                    .map_err(io::Error::other)?
            }
            Command::Unknown => "ERR unknown command".to_string(),
        };
        reply.push('\n');
        writer.write_all(reply.as_bytes()).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Given: the blocking work's type and the protocol's commands.
// ---------------------------------------------------------------------------------------------

/// The blocking work behind `WORK`: shared by every connection, run off the runtime.
pub type Work = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// One line of the protocol.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// `ECHO text`: reply with the text.
    Echo(String),
    /// `WORK input`: reply with `work(input)`.
    Work(String),
    /// Anything else: reply `ERR unknown command`.
    Unknown,
}

impl Command {
    /// Reads one line (without its line end).
    pub fn parse(line: &str) -> Command {
        match line.split_once(' ') {
            Some(("ECHO", text)) => Command::Echo(text.to_string()),
            Some(("WORK", input)) => Command::Work(input.to_string()),
            _ => Command::Unknown,
        }
    }
}
