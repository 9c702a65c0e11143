//! # A load balancer over real TCP
//!
//! Everything of this chapter meets here: a balancer listening on a TCP port, in front of
//! backends the tests start on `127.0.0.1:0`. A client connects, sends one request line
//! (`GET /users/7\n`) and reads one answer line; the balancer passes the line to a backend
//! chosen by the policy and passes the backend's answer back, unchanged.
//!
//! The policy and the health checks are those of exercise 04, given in `health.rs`: round-
//! robin over the backends that are not ejected. The TCP plumbing is given in `server.rs`:
//! the accept loop with a thread per client, shutdown, and [`server::exchange`], which sends a
//! line to a backend and reads its answer. What is left is the balancer's own job:
//!
//! - **`forward`**: pick a backend (the lock on the balancer is held only to pick and to
//!   record, never while talking to a backend, or one slow backend would stall every
//!   client); connect, with [`server::IO_TIMEOUT`] (`TcpStream::connect_timeout`).
//!   - A **refused connection** is a failure for health checking (`record(backend, false)`),
//!     and nothing was sent, so the request is **retried on the next backend**: a backend
//!     that died costs no client its request. At most one attempt per backend.
//!   - Connected: `exchange` the request; record its outcome (success or failure); return
//!     the answer, or [`ProxyError::BadGateway`] if the exchange failed. Do **not** retry
//!     then: the backend may have acted on the request already, and retrying a payment
//!     or an insert is not safe unless the request is idempotent (chapter 03).
//!   - No backend to pick: [`ProxyError::NoBackend`].
//! - **`serve_client`**: read the request line ([`server::read_line`]); forward it; write the
//!   answer, or the error's one-line answer ([`ProxyError::line`], `503 ...` or `502 ...`).
//!
//! The tests count the requests each backend serves, kill a backend in the middle (its port
//! then refuses connections), check that no request is lost and that nothing is left
//! listening when the test ends. Health time is a `ManualClock`: the cool-down passes only
//! when a test says so.
//!
//! Primary sources: nginx, `proxy_next_upstream` (which failures are retried on the next
//! server, and why non-idempotent requests are not by default); HAProxy, `option redispatch`
//! and `retries`; RFC 9110 §9.2.2 (idempotent methods).

pub mod clock;
pub mod health;
pub mod server;

pub use clock::{Clock, ManualClock};
pub use health::{Balancer, Health, HealthConfig, NoBackend, State};
use std::fmt;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;

impl Proxy {
    /// Sends `request` to a backend chosen by the balancer and returns its answer, retrying
    /// on the next backend when one refuses the connection.
    pub fn forward(&self, request: &str) -> Result<String, ProxyError> {
        for _ in 0..self.backends.len() {
            // Each lock is a temporary: released before any network call.
            let backend = self.balancer.lock().unwrap().pick()?;
            let addr = self.backends[backend];
            let Ok(stream) = TcpStream::connect_timeout(&addr, server::IO_TIMEOUT) else {
                // Nothing was sent: safe to try the next backend.
                self.balancer.lock().unwrap().health.record(backend, false);
                continue;
            };
            let answer = server::exchange(stream, request);
            self.balancer
                .lock()
                .unwrap()
                .health
                .record(backend, answer.is_ok());
            return answer.map_err(ProxyError::BadGateway);
        }
        Err(ProxyError::NoBackend(NoBackend {
            backends: self.backends.len(),
        }))
    }

    /// Serves one client: one request line in, one answer line out.
    pub fn serve_client(&self, mut client: TcpStream) -> io::Result<()> {
        let request = server::read_line(&client)?;
        let answer = match self.forward(&request) {
            Ok(answer) => answer,
            Err(e) => e.line(),
        };
        client.write_all(answer.as_bytes())
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the proxy's state and its errors.
// ---------------------------------------------------------------------------------------------

/// The balancer's shared state: every client thread uses it.
pub struct Proxy {
    /// The backends' addresses; the balancer's indices point into this.
    pub backends: Vec<SocketAddr>,
    /// Round-robin with health checks, behind a lock: pick and record one at a time.
    pub balancer: Mutex<Balancer>,
}

impl Proxy {
    /// A proxy in front of `backends`, with their health judged by `config` on `clock`.
    pub fn new(
        backends: Vec<SocketAddr>,
        config: HealthConfig,
        clock: impl Clock + 'static,
    ) -> Proxy {
        let health = Health::new(backends.len(), config, clock);
        Proxy {
            backends,
            balancer: Mutex::new(Balancer::new(health)),
        }
    }
}

/// Why a request got no answer from a backend.
#[derive(Debug)]
pub enum ProxyError {
    /// Every backend is ejected, or refused the connection.
    NoBackend(NoBackend),
    /// A backend took the request but did not answer it properly.
    BadGateway(io::Error),
}

impl From<NoBackend> for ProxyError {
    fn from(e: NoBackend) -> ProxyError {
        ProxyError::NoBackend(e)
    }
}

impl ProxyError {
    /// The line sent to the client instead of an answer.
    pub fn line(&self) -> String {
        match self {
            ProxyError::NoBackend(_) => "503 no backend available\n".to_string(),
            ProxyError::BadGateway(_) => "502 bad gateway\n".to_string(),
        }
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::NoBackend(e) => write!(f, "{e}"),
            ProxyError::BadGateway(e) => write!(f, "the backend failed the request: {e}"),
        }
    }
}

impl std::error::Error for ProxyError {}
