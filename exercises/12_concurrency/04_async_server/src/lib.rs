//! # Tokio tasks and an async HTTP server; blocking work off the runtime
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
//! The server speaks minimal HTTP/1.1, so that a real client (the tests use `ureq`) can
//! call it; the given `http` module reads requests and writes responses, `Route::of` says
//! what a request asks for:
//!
//! ```text
//! POST /echo  body "hello"   →  200 "hello"
//! POST /work  body "input"   →  200 work("input")   (blocking: a hash, a query...)
//! anything else              →  404
//! ```
//!
//! A connection carries any number of requests, one after another (HTTP/1.1 keep-alive),
//! and ends when the client closes it.
//!
//! - `serve`: accept connections forever; `tokio::spawn` a task per connection (awaiting
//!   `handle` inside the accept loop would serve one client at a time); an error on one
//!   connection ends that connection, never the server.
//! - `handle`: wrap the reading half in a `BufReader`, then `http::read_request` until it
//!   gives `None`, and `http::write_response` to each. `work` is blocking: call it through
//!   `spawn_blocking`. It is an `Arc`, so clone it into the closure (`spawn_blocking` needs
//!   `'static`).
//!
//! The tests run your server on a `current_thread` runtime: one thread for every task, so a
//! blocking call inside a task stops every other connection, visibly and every time. They
//! call it with raw bytes and with `ureq`, from eight threads at once.
//!
//! Primary sources: the tokio tutorial, "Spawning" and "I/O"
//! <https://tokio.rs/tokio/tutorial>; `tokio::task::spawn_blocking`; Alice Ryhl, *Async:
//! What is blocking?* <https://ryhl.io/blog/async-what-is-blocking/>.

pub mod http;

use std::io;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};

use crate::http::Request;

/// Accepts connections on `listener` forever, each handled in a task of its own.
pub async fn serve(listener: TcpListener, work: Work) -> io::Result<()> {
    // TODO: loop { accept; spawn a task that runs handle(stream, a clone of work) }
    let _ = (listener, work, handle);
    todo!("serve")
}

/// Answers the requests of one connection until the client closes it.
async fn handle(stream: TcpStream, work: Work) -> io::Result<()> {
    // TODO: split the stream (into_split), a BufReader on the reading half; for each request:
    //       Route::of, the reply (Work through spawn_blocking), http::write_response.
    let _ = (stream, work, Route::of);
    todo!("handle")
}

// ---------------------------------------------------------------------------------------------
// Given: the blocking work's type and the routes; HTTP itself is in src/http.rs.
// ---------------------------------------------------------------------------------------------

/// The blocking work behind `POST /work`: shared by every connection, run off the runtime.
pub type Work = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// What a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// `POST /echo`: reply 200 with the body.
    Echo(String),
    /// `POST /work`: reply 200 with `work(body)`.
    Work(String),
    /// Anything else: reply 404.
    NotFound,
}

impl Route {
    /// The route of `request`, taking its body.
    pub fn of(request: Request) -> Route {
        match (request.method.as_str(), request.path.as_str()) {
            ("POST", "/echo") => Route::Echo(request.body),
            ("POST", "/work") => Route::Work(request.body),
            _ => Route::NotFound,
        }
    }
}
