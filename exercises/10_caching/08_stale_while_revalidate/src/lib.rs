//! # Stale-while-revalidate: serve the old value, refresh it in the background
//!
//! A TTL makes the unlucky request that arrives just after expiry pay for the reload: it waits
//! for the database while the requests around it were served in microseconds. Its latency is
//! the one users notice (the p99), and if the key is hot, a hundred requests pay together.
//!
//! **Stale-while-revalidate** (RFC 5861 names it for HTTP: `Cache-Control: max-age=60,
//! stale-while-revalidate=30`) splits an entry's life in three, by its age (`now - loaded_at`):
//!
//! - `age < fresh_for`: **fresh**. Served, nothing else happens.
//! - `fresh_for <= age < fresh_for + stale_for`: **stale, within the window**. Served at once,
//!   *and* one background refresh is started. Its result replaces the value when it lands.
//!   Requests in the meantime keep getting the stale value, and start no second refresh: the
//!   entry remembers that it is `refreshing`.
//! - `age >= fresh_for + stale_for`, or no entry: **too old**. The value is too stale to
//!   serve; load synchronously, as a plain TTL cache does, store and return.
//!
//! A refresh that fails keeps the stale value (still good within the window) and clears
//! `refreshing`, so the next request in the window tries again. A synchronous load that fails
//! returns the error, and stores nothing. A value's age counts from when its load finished.
//!
//! The trade: a popular key is never waited for, and the database sees one refresh per key
//! per window instead of a burst; the price is serving a value up to `fresh_for + stale_for`
//! old. Choose the window for what the data can bear.
//!
//! "Background" means an [`Executor`] the cache is given: `spawn` takes the refresh as a
//! boxed closure. Production passes a thread pool; the tests pass a queue they run by hand,
//! so they can look at the cache while a refresh is pending, then run it. Time is a
//! [`ManualClock`]. The refresh runs later, on another thread in production: it gets clones of
//! the `Arc`s it needs (state, loader, clock), never `&self`.
//!
//! Your part: `get` and `refresh`. The state, the loader and the executor are given.
//!
//! Primary source: RFC 5861, *HTTP Cache-Control Extensions for Stale Content*, §3,
//! <https://www.rfc-editor.org/rfc/rfc5861#section-3>.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

impl<V: Clone + Send + 'static> SwrCache<V> {
    /// The value of `key`: fresh, or stale within the window (starting one background
    /// refresh), or loaded now when there is none or it is too old.
    pub fn get(&self, key: &str) -> Result<V, String> {
        // TODO: under the lock, by the entry's age: fresh is served; stale within the window
        //       is served, and if it is not `refreshing` yet, mark it and
        //       `self.executor.spawn(self.refresh(key))`. Otherwise, without the lock: load,
        //       store with `loaded_at` = the time the load finished, return.
        let _ = (key, &self.entries, &self.loader, &self.executor);
        let _ = (
            self.clock.now(),
            self.fresh_for,
            self.stale_for,
            Self::refresh,
        );
        todo!("get")
    }

    /// The background refresh of `key`: loads it and, on success, replaces the value;
    /// either way the entry is no longer `refreshing`.
    fn refresh(&self, key: String) -> Task {
        // TODO: clone the Arcs (entries, loader) and the clock; return a boxed closure that
        //       loads, reads the clock, then under the lock clears `refreshing` and, on Ok,
        //       sets the new value and `loaded_at`.
        let entries = self.entries.lock().unwrap();
        let _ = entries
            .get(&key)
            .map(|e| (&e.value, e.loaded_at, e.refreshing));
        todo!("refresh")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the clock, the executor, the loader and the cache's state.
// ---------------------------------------------------------------------------------------------

/// Work handed to the executor.
pub type Task = Box<dyn FnOnce() + Send>;

/// Runs tasks in the background.
pub trait Executor {
    /// Runs `task` some time later, on some thread.
    fn spawn(&self, task: Task);
}

/// Loads the value of a key: the slow thing the cache is in front of.
pub type Loader<V> = Arc<dyn Fn(&str) -> Result<V, String> + Send + Sync>;

/// A clock the test moves, in seconds; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<Mutex<u64>>);

impl ManualClock {
    /// A clock at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current time, in seconds.
    pub fn now(&self) -> u64 {
        *self.0.lock().unwrap()
    }

    /// Moves the time forward.
    pub fn advance(&self, secs: u64) {
        *self.0.lock().unwrap() += secs;
    }
}

/// A value and when its load finished.
#[derive(Debug)]
struct Entry<V> {
    value: V,
    loaded_at: u64,
    /// A background refresh has been started and has not finished.
    refreshing: bool,
}

/// A cache that serves stale values within a window while it refreshes them.
pub struct SwrCache<V> {
    entries: Arc<Mutex<HashMap<String, Entry<V>>>>,
    loader: Loader<V>,
    clock: ManualClock,
    executor: Box<dyn Executor>,
    /// Seconds a value is fresh.
    fresh_for: u64,
    /// Seconds after that during which it may be served stale while it is refreshed.
    stale_for: u64,
}

impl<V: Clone + Send + 'static> SwrCache<V> {
    /// An empty cache over `loader`, fresh for `fresh_for` s, then served stale for
    /// `stale_for` s more while a refresh runs on `executor`.
    pub fn new(
        loader: Loader<V>,
        clock: ManualClock,
        executor: Box<dyn Executor>,
        fresh_for: u64,
        stale_for: u64,
    ) -> Self {
        SwrCache {
            entries: Arc::new(Mutex::new(HashMap::new())),
            loader,
            clock,
            executor,
            fresh_for,
            stale_for,
        }
    }
}
