//! # A serverless-style event handler
//!
//! Reference solution.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

/// One event, as the platform delivers it: a signed amount to add to an account's balance.
#[derive(Debug, Deserialize)]
// A field serde does not know (a currency, a typo) would otherwise be skipped in silence.
#[serde(deny_unknown_fields)]
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
    /// Built by the first valid event, then shared by every later one.
    setup: OnceLock<Setup>,
    /// Event id → the JSON result it got the first time.
    results: Mutex<HashMap<String, String>>,
}

impl Handler {
    /// A cold start: keeps the configuration text and builds nothing yet.
    pub fn new(config: &str) -> Handler {
        Handler {
            config: config.to_string(),
            builds: AtomicUsize::new(0),
            setup: OnceLock::new(),
            results: Mutex::new(HashMap::new()),
        }
    }

    /// Handles one event (JSON text) and returns its result (JSON text). A redelivered event
    /// id returns the first result without applying the event again.
    pub fn handle(&self, event: &str) -> String {
        let event = match parse(event) {
            Ok(event) => event,
            // Rejected before the set-up: garbage costs no connection.
            Err(rejected) => return to_json(&rejected),
        };
        // Held from the look-up to the insert, so two deliveries of one event at the same
        // time cannot both miss and both apply it.
        let mut results = self.results.lock().unwrap();
        if let Some(first) = results.get(&event.id) {
            return first.clone();
        }
        let setup = self
            .setup
            .get_or_init(|| Setup::build(&self.config, &self.builds));
        let balance_cents = setup.apply(&event.account, event.amount_cents);
        let result = to_json(&Applied {
            event_id: event.id.clone(),
            account: event.account,
            balance_cents,
            currency: setup.currency.clone(),
        });
        results.insert(event.id, result.clone());
        result
    }
}

/// The event in `text`, or why it is refused.
fn parse(text: &str) -> Result<Event, Rejected> {
    // serde's message names the field and the position: "missing field `account` at ...".
    let event: Event = serde_json::from_str(text).map_err(|e| Rejected::invalid(e.to_string()))?;
    if event.id.trim().is_empty() {
        return Err(Rejected::invalid("id must not be empty"));
    }
    if event.account.trim().is_empty() {
        return Err(Rejected::invalid("account must not be empty"));
    }
    if event.amount_cents == 0 {
        return Err(Rejected::invalid("amount_cents must not be zero"));
    }
    Ok(event)
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("a result always serialises")
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
