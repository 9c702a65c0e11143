//! A small app for the harness's tests: `GET /hello`, and `GET /slow`, which waits behind a
//! [`Gate`] the test opens, so that a request can be held in flight for as long as the test
//! needs, without a sleep.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use tokio::sync::Semaphore;

/// Holds `/slow` requests until opened; says when one has arrived.
#[derive(Clone)]
pub struct Gate {
    entered: Arc<Mutex<mpsc::Sender<()>>>,
    open: Arc<Semaphore>,
}

impl Gate {
    /// A closed gate, and the receiver told each time a request reaches it.
    pub fn new() -> (Gate, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let gate = Gate {
            entered: Arc::new(Mutex::new(tx)),
            open: Arc::new(Semaphore::new(0)),
        };
        (gate, rx)
    }

    /// Lets every waiting and future request through.
    pub fn open(&self) {
        self.open.add_permits(Semaphore::MAX_PERMITS / 2);
    }
}

/// The demo app: `GET /hello` answers `hello`; `GET /slow` answers `done` once the gate opens.
pub fn app(gate: Gate) -> Router {
    Router::new()
        .route("/hello", get(|| async { "hello" }))
        .route("/slow", get(slow))
        .with_state(gate)
}

async fn slow(State(gate): State<Gate>) -> &'static str {
    let _ = gate.entered.lock().unwrap().send(());
    let _permit = gate.open.acquire().await;
    "done"
}
