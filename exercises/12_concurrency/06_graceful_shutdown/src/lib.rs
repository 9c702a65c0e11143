//! # Graceful shutdown
//!
//! A server is stopped many times a day: every deploy, every scale-in, every node drained by
//! an orchestrator (Kubernetes sends SIGTERM, waits a grace period, 30 s by default, then
//! SIGKILL). Stopped abruptly, it cuts requests in the middle: a payment half processed, a
//! client that sees a reset and cannot know whether to retry. Stopped **gracefully**:
//!
//! 1. **Stop accepting.** Close the listener at once: new connections are refused and the
//!    load balancer sends them to another instance.
//! 2. **Finish what is in flight.** A request already being processed completes and its
//!    reply is sent. A connection waiting for its next request is closed: it has nothing in
//!    flight, and waiting for it could take forever.
//! 3. **Within a deadline.** Whatever has not finished after `grace` is aborted, and the
//!    server returns anyway: a stuck request must not hold the deploy.
//!
//! `serve` gets the signal as a `oneshot` (a real server fires it from SIGTERM with
//! `tokio::signal`; the tests fire it by hand). The pieces:
//!
//! - The accept loop `select!`s between `accept` and the signal; on the signal it leaves the
//!   loop and **drops the listener**.
//! - Connection tasks go into a `tokio::task::JoinSet`: it can wait for all of them
//!   (`join_next` until `None`) and abort the rest (`abort_all`, or dropping the set).
//! - Each connection learns of the shutdown through a `tokio::sync::watch` channel (one
//!   sender, a receiver per connection; `changed().await`). In `handle`, `select!` between
//!   `http::read_request` and `changed()`: a connection waiting for its next request is
//!   idle, and closes. Once a request is read it is in flight: `work(body).await` and the
//!   reply run **outside** the select, and finish. A reply sent after the shutdown says
//!   `connection: close` (`*stop.borrow()` tells), then the connection ends.
//! - `tokio::time::timeout(grace, ..)` around waiting for the set; on timeout, abort.
//!
//! `serve` returns a `Report`: connections that ended on their own or at the shutdown
//! (`closed`) and those aborted at the deadline (`aborted`). The server speaks 04's minimal
//! HTTP/1.1 (the given `http` module): any request is answered 200 with `work(body)`, and a
//! connection carries requests one after another (keep-alive). The tests call it with `ureq`
//! and raw bytes; the deadline runs on tokio's paused clock, so 30 s of grace pass at once.
//!
//! Primary sources: tokio, *Graceful Shutdown* <https://tokio.rs/tokio/topics/shutdown>;
//! Kubernetes, *Pod Lifecycle*, "Termination of Pods"; `tokio::task::JoinSet`.

pub mod http;

use std::io;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// Serves connections until `shutdown` fires, then shuts down gracefully within `grace`.
pub async fn serve(
    listener: TcpListener,
    work: Work,
    shutdown: oneshot::Receiver<()>,
    grace: Duration,
) -> io::Result<Report> {
    // TODO: a watch channel and a JoinSet; loop { select! accept (spawn handle into the set
    //       with a watch receiver) or the shutdown signal (break) }; drop the listener;
    //       tell the connections; wait for the set within `grace`, else abort and count.
    let _ = (
        listener,
        work,
        shutdown,
        grace,
        handle,
        watch::channel(false),
    );
    todo!("serve")
}

/// Serves one connection: each request is answered with `work(body)`; on shutdown, a
/// request in progress finishes, then the connection closes.
async fn handle(stream: TcpStream, work: Work, mut stop: watch::Receiver<bool>) -> io::Result<()> {
    // TODO: into_split, a BufReader; loop { select! http::read_request, or stop.changed()
    //       (return) }; then, outside the select: work(request.body).await, and
    //       http::write_response with close = *stop.borrow() (and return if so).
    let _ = (stream, work, &mut stop);
    todo!("handle")
}

// ---------------------------------------------------------------------------------------------
// Given: the request handler's type and the report; HTTP itself is in src/http.rs.
// ---------------------------------------------------------------------------------------------

/// What the server does with a request's body: async, may take a while.
pub type Work = std::sync::Arc<
    dyn Fn(String) -> std::pin::Pin<Box<dyn Future<Output = String> + Send>> + Send + Sync,
>;

/// How the connections ended during the shutdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Report {
    /// Connections whose task ended by itself: client gone, or closed after its request.
    pub closed: usize,
    /// Connections still busy at the deadline, aborted.
    pub aborted: usize,
}
