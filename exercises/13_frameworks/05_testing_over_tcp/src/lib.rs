//! # axum, step 5: testing a service over real TCP
//!
//! Every test of this chapter started the app, called it over TCP and stopped it. Now you
//! write that harness, [`TestServer`], the way a service's own test suite needs it:
//!
//! - **Bind `127.0.0.1:0`.** Port 0 asks the kernel for any free port; the harness reads
//!   the real one back with `local_addr()`. A fixed port makes two test runs (or two tests
//!   in one run: cargo runs them in parallel) collide, and listening on `0.0.0.0` would
//!   open the test server to the network.
//! - **Return only once it listens.** The server runs on a tokio runtime in a thread of its
//!   own. `start` binds the listener, then sends the address back over a channel and waits
//!   for it, so the first request can never race the bind. A bind that fails is `start`'s
//!   error, not a panic in a thread nobody joins.
//! - **A real client, off the runtime.** ureq is blocking: called from a runtime thread it
//!   would block the very thread the server needs. The tests call it from the test's own
//!   thread, while the server runs on its runtime. [`TestServer::client`] returns 4xx and
//!   5xx as responses, not errors (a test checks them), and gives up after [`TIMEOUT`] so a
//!   server that never answers fails the test instead of hanging it.
//! - **Stop gracefully, and completely.** `axum::serve(...).with_graceful_shutdown(signal)`:
//!   when the signal fires (a `tokio::sync::oneshot` the harness keeps the sender of), the
//!   server stops accepting, lets requests in flight finish, and returns. [`TestServer::stop`]
//!   fires it and **joins** the thread, so when it returns the port is closed: nothing
//!   listens after a test. Dropping a `TestServer` does the same, so a test that panics
//!   cleans up too.
//!
//! The tests check each promise from outside: the port is a real free port on localhost,
//! two servers get two ports, a request in flight completes during `stop`, and after `stop`
//! or a drop, connecting to the port is refused.
//!
//! What axum does: serve a `Router` on a listener you give it, and shut down when told.
//! What it does not: pick the port, run itself in a thread, or give you a client; a test
//! harness is yours (axum's own docs test a `Router` in-process with tower's `oneshot`,
//! which never opens a socket: no TCP, no real client, none of what the network does).
//!
//! Primary sources: axum, `serve` and `with_graceful_shutdown`,
//! <https://docs.rs/axum/0.8/axum/serve/index.html>; tokio's `TcpListener::bind`.

use std::io;
use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;

/// How long the harness's client waits for the server.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// An app served on `127.0.0.1:<free port>` by a runtime in a thread of its own.
pub struct TestServer {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl TestServer {
    /// Starts `app` and returns once it listens; a failed bind is the error.
    pub fn start(app: Router) -> io::Result<TestServer> {
        // TODO: a oneshot for the shutdown signal and a std mpsc channel for the bind's
        //       result (io::Result<SocketAddr>); spawn a thread that builds a runtime
        //       (tokio::runtime::Builder::new_current_thread().enable_all()) and in block_on:
        //       bind, send local_addr back, axum::serve(...).with_graceful_shutdown(...).await.
        //       Here: receive the address (or the error) and build the TestServer.
        let _ = app;
        todo!("start")
    }

    /// `http://127.0.0.1:PORT` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        let _ = path;
        todo!("url")
    }

    /// A ureq agent that returns 4xx and 5xx as responses and times out after [`TIMEOUT`].
    pub fn client(&self) -> ureq::Agent {
        // TODO: ureq::Agent::config_builder().http_status_as_error(..).timeout_global(..)
        todo!("client")
    }

    /// Stops the server gracefully and waits for its thread: after this, nothing listens.
    pub fn stop(mut self) -> io::Result<()> {
        self.shut_down()
    }

    /// Fires the shutdown signal (once) and joins the thread (once); the server's error, or
    /// a panic in its thread, is the result.
    fn shut_down(&mut self) -> io::Result<()> {
        // TODO: take() the sender and send; take() the thread and join it. A join error (a
        //       panic) becomes io::Error::other("..."). Called again: Ok(()).
        let _ = (&mut self.shutdown, &mut self.thread);
        todo!("shut_down")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the address, and a demo app to test the harness with.
// ---------------------------------------------------------------------------------------------

impl TestServer {
    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

pub mod demo;
