//! # Threads and shared state: Mutex, RwLock, atomics
//!
//! A server handles many requests at once, on many threads, and they share things: a hit
//! counter, account balances, the configuration. Two threads that read a value, change it
//! and write it back at the same time both read the old value, and one update is **lost**:
//! a counter that says 99 995 after 100 000 requests, a balance that pays out twice. In C or
//! Go that is a *data race*, found in production. In Rust it does not compile:
//!
//! ```text
//! let mut hits = 0;
//! thread::scope(|s| {
//!     s.spawn(|| hits += 1);
//!     s.spawn(|| hits += 1);
//! });
//! error[E0499]: cannot borrow `hits` as mutable more than once at a time
//! ```
//!
//! and `Rc<RefCell<u64>>` cannot even be moved to another thread (`E0277: Rc<..> cannot be
//! sent between threads safely`). Shared data must be behind a type that makes concurrent
//! access safe, and that you can share through `&self`:
//!
//! - **Atomics** (`AtomicU64`): one number, updated by one CPU instruction. `fetch_add`
//!   reads and adds in one indivisible step; a `load` then a `store` is two steps, and
//!   another thread can slip in between.
//! - **`Mutex<T>`**: one thread at a time inside. The check and the update of an invariant
//!   ("never below zero") must happen under **one** lock: checking under one lock and
//!   updating under the next lets another thread act on the same stale check.
//! - **`RwLock<T>`**: any number of readers at once, or one writer. For data read on every
//!   request and changed rarely (settings, a routing table).
//! - **`Arc<T>`**: shared ownership across threads. `thread::spawn` needs `'static` data,
//!   so each thread gets its own `Arc` clone of the same value.
//!
//! Your tasks, in order: the hit counter, the ledger's transfer (one lock around check and
//! update), the settings (read lock for reading: two readers must be able to be inside at
//! the same moment), and a word count spread over threads that merge into one
//! `Arc<Mutex<HashMap>>`. A lock's `lock()` returns `Err` only if a thread panicked while
//! holding it: `.unwrap()` is fine here.
//!
//! Primary sources: the Rust book, chapter 16 (Fearless Concurrency); `std::sync` docs
//! (`Mutex`, `RwLock`, `atomic`); Mara Bos, *Rust Atomics and Locks*, chapters 1–2.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

impl Hits {
    /// Counts one hit; returns the total including it (the first hit returns 1).
    pub fn record(&self) -> u64 {
        // TODO: one atomic read-and-add (fetch_add returns the value before the add).
        let _ = (&self.count, Ordering::Relaxed);
        todo!("Hits::record")
    }

    /// The number of hits so far.
    pub fn total(&self) -> u64 {
        todo!("Hits::total")
    }
}

impl Ledger {
    /// Moves `amount` from `from` to `to`, all or nothing.
    pub fn transfer(&self, from: &str, to: &str, amount: u64) -> Result<(), TransferError> {
        // TODO: lock once; both accounts must exist (UnknownAccount with the name),
        //       `from` must hold at least `amount` (InsufficientFunds), then move it.
        let _ = (from, to, amount, &self.balances);
        todo!("Ledger::transfer")
    }

    /// The balance of `name`, if it is an account.
    pub fn balance(&self, name: &str) -> Option<u64> {
        todo!("Ledger::balance {name}")
    }
}

impl Settings {
    /// Runs `f` on the settings under a read lock: many readers may be inside at once.
    pub fn read<R>(&self, f: impl FnOnce(&HashMap<String, String>) -> R) -> R {
        let _ = (f, &self.map);
        todo!("Settings::read")
    }

    /// Sets `key` to `value` under the write lock.
    pub fn set(&self, key: &str, value: &str) {
        todo!("Settings::set {key} {value}")
    }
}

/// Counts the whitespace-separated words of `texts` on `threads` threads (at least one),
/// each counting its share and merging into one shared map.
pub fn count_words(texts: Vec<String>, threads: usize) -> HashMap<String, u64> {
    // TODO: an Arc<Mutex<HashMap>>; split `texts` into `threads` shares (chunks); spawn a
    //       thread per share that counts locally, then locks once to merge; join them all;
    //       take the map out (Arc::try_unwrap, Mutex::into_inner).
    let _ = (texts, threads);
    todo!("count_words")
}

// ---------------------------------------------------------------------------------------------
// Given: the shared types. Each is Sync (usable through &self from many threads) because
// its fields are: an atomic, a Mutex, an RwLock.
// ---------------------------------------------------------------------------------------------

/// A request counter shared by every thread.
#[derive(Debug, Default)]
pub struct Hits {
    count: AtomicU64,
}

impl Hits {
    /// A counter at zero.
    pub fn new() -> Hits {
        Hits::default()
    }
}

/// Account balances, all behind one lock so that a transfer sees and changes both at once.
#[derive(Debug, Default)]
pub struct Ledger {
    balances: Mutex<HashMap<String, u64>>,
}

impl Ledger {
    /// A ledger with these accounts and opening balances.
    pub fn new(accounts: &[(&str, u64)]) -> Ledger {
        let balances = accounts.iter().map(|&(n, b)| (n.to_string(), b)).collect();
        Ledger {
            balances: Mutex::new(balances),
        }
    }
}

/// Why a transfer did not happen (and nothing changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferError {
    /// No account of this name.
    UnknownAccount(String),
    /// The source account holds less than the amount.
    InsufficientFunds,
}

/// Read-mostly configuration: read on every request, changed rarely.
#[derive(Debug, Default)]
pub struct Settings {
    map: RwLock<HashMap<String, String>>,
}

impl Settings {
    /// Empty settings.
    pub fn new() -> Settings {
        Settings::default()
    }
}
