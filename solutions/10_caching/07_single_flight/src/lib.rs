//! # Single-flight: one load per key, however many misses
//!
//! A popular key expires, or the cache restarts empty. In the next millisecond a hundred
//! requests miss on it, and a naive cache-aside sends all hundred to the database for the
//! same row. The database slows down under the burst, so the loads take longer, so more
//! requests pile up behind them: a **thundering herd** (or *cache stampede*). It is how a
//! cache that absorbs 99% of the load takes the database down the moment it stops absorbing.
//!
//! **Single-flight** (the name comes from Go's `golang.org/x/sync/singleflight`) collapses
//! the concurrent misses for one key into one load. The first miss becomes the *leader*: it
//! registers a [`Flight`] for the key and runs the loader. Every later miss for that key
//! finds the flight and waits on it. When the load finishes, the leader stores the value in
//! the cache, removes the flight and hands the result to every waiter. One load, a hundred
//! answers.
//!
//! The details that make it correct under load:
//!
//! - **Never hold the map's lock while loading.** The load takes milliseconds; holding the
//!   lock would serialise every key behind it (a miss on `b` waiting for the load of `a`).
//!   Take the lock to look and to register, release it, load, take it again to publish.
//! - **Publish atomically.** Under one lock: put the value in the cache *and* remove the
//!   flight. A request arriving after that finds the cache; one arriving before finds the
//!   flight. None finds neither and starts a second load.
//! - **An error is not cached.** Every waiter of the failed flight gets the error (they all
//!   asked at the same time, they share the answer), but the flight is removed and nothing
//!   is stored, so the next request tries again. Caching an error turns a blip of the
//!   database into an outage as long as the cache entry lives.
//!
//! A `Flight` is a one-shot broadcast: a `Mutex<Option<result>>` and a `Condvar`. `wait`
//! sleeps on the condvar until the result is there (in a loop: a condvar may wake up for
//! nothing); `finish` stores the result and wakes everyone with `notify_all`.
//!
//! Your part: `Flight::wait`, `Flight::finish` and `SingleFlight::get`. The state and two
//! methods the tests use to see inside (`in_flight`, `waiters`) are given.
//!
//! Primary source: Go's singleflight package,
//! <https://pkg.go.dev/golang.org/x/sync/singleflight>; the stampede and its cures in
//! Vattani et al., *Optimal Probabilistic Cache Stampede Prevention* (VLDB 2015).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex};

impl<V: Clone, E: Clone> Flight<V, E> {
    /// Blocks until the flight's result is there, and returns a copy of it.
    pub fn wait(&self) -> Result<V, E> {
        let mut result = self.result.lock().unwrap();
        loop {
            if let Some(result) = result.as_ref() {
                return result.clone();
            }
            result = self.ready.wait(result).unwrap();
        }
    }

    /// Stores the result and wakes every waiter.
    pub fn finish(&self, result: Result<V, E>) {
        *self.result.lock().unwrap() = Some(result);
        self.ready.notify_all();
    }
}

impl<K: Hash + Eq + Clone, V: Clone, E: Clone> SingleFlight<K, V, E> {
    /// The value of `key`: from the cache, or from the flight already loading it, or loaded
    /// by `load` (run at most once at a time per key). A successful load is cached; an error
    /// is returned to every waiter of the flight and not cached.
    pub fn get(&self, key: &K, load: impl FnOnce(&K) -> Result<V, E>) -> Result<V, E> {
        let flight = {
            let mut state = self.state.lock().unwrap();
            if let Some(value) = state.cache.get(key) {
                return Ok(value.clone());
            }
            if let Some(flight) = state.flights.get(key) {
                let flight = Arc::clone(flight);
                drop(state); // wait without the lock
                return flight.wait();
            }
            let flight = Arc::new(Flight::new());
            state.flights.insert(key.clone(), Arc::clone(&flight));
            flight
        };
        // The leader: load without the lock, then publish under it.
        let result = load(key);
        {
            let mut state = self.state.lock().unwrap();
            if let Ok(value) = &result {
                state.cache.insert(key.clone(), value.clone());
            }
            state.flights.remove(key);
        }
        flight.finish(result.clone());
        result
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the state, and views inside it for the tests.
// ---------------------------------------------------------------------------------------------

/// One load in progress, shared by the leader and every waiter (through an `Arc`).
#[derive(Debug)]
pub struct Flight<V, E> {
    result: Mutex<Option<Result<V, E>>>,
    ready: Condvar,
}

impl<V, E> Flight<V, E> {
    /// A flight with no result yet.
    pub fn new() -> Self {
        Flight {
            result: Mutex::new(None),
            ready: Condvar::new(),
        }
    }
}

impl<V, E> Default for Flight<V, E> {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug)]
struct State<K, V, E> {
    /// Loaded values.
    cache: HashMap<K, V>,
    /// The loads in progress, by key.
    flights: HashMap<K, Arc<Flight<V, E>>>,
}

/// A cache that loads each missing key once, however many callers miss on it together.
#[derive(Debug)]
pub struct SingleFlight<K, V, E> {
    state: Mutex<State<K, V, E>>,
}

impl<K: Hash + Eq + Clone, V: Clone, E: Clone> SingleFlight<K, V, E> {
    /// An empty cache.
    pub fn new() -> Self {
        SingleFlight {
            state: Mutex::new(State {
                cache: HashMap::new(),
                flights: HashMap::new(),
            }),
        }
    }

    /// Whether a load of `key` is in progress; `None` if the state is locked right now (so
    /// that a test looking in never blocks behind a lock held too long).
    pub fn in_flight(&self, key: &K) -> Option<bool> {
        let state = self.state.try_lock().ok()?;
        Some(state.flights.contains_key(key))
    }

    /// How many callers have joined the flight of `key` besides its leader: the holders of
    /// the flight's `Arc` other than the map and the leader. `Some(0)` when there is no
    /// flight, `None` if the state is locked right now.
    pub fn waiters(&self, key: &K) -> Option<usize> {
        let state = self.state.try_lock().ok()?;
        Some(
            state
                .flights
                .get(key)
                .map_or(0, |f| Arc::strong_count(f).saturating_sub(2)),
        )
    }
}

impl<K: Hash + Eq + Clone, V: Clone, E: Clone> Default for SingleFlight<K, V, E> {
    fn default() -> Self {
        Self::new()
    }
}
