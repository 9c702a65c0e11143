//! # A serverless-style event handler
//!
//! On a function platform (AWS Lambda, Cloud Run functions, Azure Functions) a backend is a
//! handler: the platform hands it one event, a JSON document, and takes back one result. Three
//! facts of that life shape the handler:
//!
//! - **Events arrive malformed.** A producer misspells a field or sends `"10"` for `10`. The
//!   handler parses into a typed event with serde and rejects what does not fit, naming the
//!   field, instead of guessing: `{"error": "invalid_event", "detail": "missing field
//!   `account` at line 1 column 30"}`. A field it does not know is an error too: an event
//!   that says `"currency": "USD"` must not be applied as euros because the handler has no
//!   such field and serde skipped it.
//! - **Events arrive more than once.** Queues and retries deliver *at least once*: after a
//!   timeout the platform redelivers an event the handler may already have applied. The
//!   handler is *idempotent by event id*: it keeps each applied event's result, and a
//!   redelivered id gets that first result back, byte for byte, without being applied again.
//!   Depositing a payment twice is the production bug.
//! - **Start-up is paid per instance.** A new instance (a *cold start*) runs before the first
//!   event; a warm one is reused for many. Expensive set-up, parsing the configuration and
//!   opening a connection ([`Setup::build`], given), belongs outside the per-event path: built
//!   once, lazily, on the first event that needs it, then reused. Building it per event is
//!   slow and exhausts the database's connections; building it at construction makes every
//!   cold start pay even for an instance that only ever rejects garbage. A bad event is
//!   rejected before the set-up is touched.
//!
//! The handler is `Sync`: a platform may send one warm instance several events at once.
//! [`std::sync::OnceLock`] builds a value once, even under that race; `Mutex<HashMap>` keeps
//! the results.
//!
//! Results, as JSON: applied, `{"event_id": "e-1", "account": "alice", "balance_cents": 150,
//! "currency": "EUR"}` ([`Applied`]); rejected, `{"error": "invalid_event", "detail": "..."}`
//! ([`Rejected`]). An event is invalid when serde refuses it, when its `id` or `account` is
//! empty, or when `amount_cents` is zero.
//!
//! Sources: AWS Lambda, "Understanding the Lambda execution environment lifecycle" (init
//! phase, reuse); "Best practices" (initialise outside the handler; idempotent handlers);
//! serde's container attributes (`deny_unknown_fields`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

/// One event, as the platform delivers it: a signed amount to add to an account's balance.
// TODO: derive `Deserialize` and make serde refuse fields it does not know.
#[derive(Debug)]
pub struct Event {
    /// Unique per event; a redelivery carries the same id.
    pub id: String,
    /// The account the amount goes to.
    pub account: String,
    /// Cents to add (negative: to take away); never zero.
    pub amount_cents: i64,
}

/// A warm instance: what it builds once and what it remembers between events.
pub struct Handler {
    config: String,
    builds: AtomicUsize,
    // TODO: the set-up, built on the first valid event, and each applied event's result.
}

impl Handler {
    /// A cold start: keeps the configuration text and builds nothing yet.
    pub fn new(config: &str) -> Handler {
        // TODO
        Handler {
            config: config.to_string(),
            builds: AtomicUsize::new(0),
        }
    }

    /// Handles one event (JSON text) and returns its result (JSON text). A redelivered event
    /// id returns the first result without applying the event again.
    pub fn handle(&self, event: &str) -> String {
        // TODO: parse and validate (a `Rejected` on failure), then look up the event id,
        //       then get or build the set-up, apply the event to its ledger, keep the result.
        let _ = (event, Setup::build(&self.config, &self.builds));
        todo!("handle an event")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the results, and the expensive set-up with its ledger.
// ---------------------------------------------------------------------------------------------

/// The result of an applied event.
#[derive(Debug, Serialize)]
pub struct Applied {
    pub event_id: String,
    pub account: String,
    /// The account's balance right after this event.
    pub balance_cents: i64,
    pub currency: String,
}

/// The result of an event that was refused; nothing was applied.
#[derive(Debug, Serialize)]
pub struct Rejected {
    /// Always `"invalid_event"` here.
    pub error: &'static str,
    /// What was wrong, naming the field.
    pub detail: String,
}

impl Rejected {
    /// An `invalid_event` result saying `detail`.
    pub fn invalid(detail: impl Into<String>) -> Rejected {
        Rejected {
            error: "invalid_event",
            detail: detail.into(),
        }
    }
}

/// What an instance builds once: the parsed configuration and a "connection" to the ledger.
#[derive(Debug)]
pub struct Setup {
    /// The currency from the configuration's `currency=` line.
    pub currency: String,
    /// Stands in for a database connection: balances by account.
    pub ledger: Mutex<HashMap<String, i64>>,
}

impl Setup {
    /// Parses `config` (`key=value` lines) and "connects": the slow part of a cold start.
    /// Counts each build in `builds`, which is how the tests see how often it ran.
    pub fn build(config: &str, builds: &AtomicUsize) -> Setup {
        builds.fetch_add(1, Ordering::SeqCst);
        let currency = config
            .lines()
            .filter_map(|line| line.split_once('='))
            .find(|(key, _)| key.trim() == "currency")
            .map_or("EUR", |(_, value)| value.trim())
            .to_string();
        Setup {
            currency,
            ledger: Mutex::new(HashMap::new()),
        }
    }

    /// Adds `amount_cents` to `account`'s balance and returns the new balance.
    pub fn apply(&self, account: &str, amount_cents: i64) -> i64 {
        let mut ledger = self.ledger.lock().unwrap();
        let balance = ledger.entry(account.to_string()).or_insert(0);
        *balance += amount_cents;
        *balance
    }
}

impl Handler {
    /// How many times this instance has built its set-up.
    pub fn builds(&self) -> usize {
        self.builds.load(Ordering::SeqCst)
    }
}
