//! # Expiry: a time to live per entry, lazy and active
//!
//! A cached copy goes stale the moment the original changes. The simplest rule that bounds
//! how stale it can get is a **time to live** (TTL): each entry carries a deadline, and after
//! it the entry is gone, as if never stored. A session cached for 30 minutes, a price for 10
//! seconds: the TTL is how much staleness the business can accept.
//!
//! The deadline is `now + ttl` when the entry is stored, and the entry is expired **at** the
//! deadline, not after it: with a TTL of 10 s, stored at t = 0, it is served at 9.999 s and
//! gone at 10 s. A TTL of zero means already expired. Storing a key again gives it a new
//! deadline; reading it does not (that would be *sliding* expiration, another policy).
//!
//! When is an expired entry removed? Redis does both of these, and so does this cache:
//!
//! - **Lazy expiry**: `get` checks the deadline, and an expired entry is removed and reported
//!   as a miss. It costs nothing extra, but an entry nobody reads again stays in memory
//!   forever: a cache full of dead sessions.
//! - **Active expiry**: a periodic `sweep` looks at some entries and removes the expired ones.
//!   It must do **bounded work per call**: a sweep that walks a million entries blocks the
//!   cache (Redis is single-threaded: it blocks everything) for as long as that takes. Redis
//!   samples 20 keys with a TTL, ten times a second. Here `sweep(max_checks)` looks at most at
//!   `max_checks` entries, starting where the last sweep stopped (a `cursor`), so repeated
//!   small sweeps cover the whole cache in turn, like a clock hand.
//!
//! The entries sit in a `Vec`, so that a sweep can walk them by position, with a `HashMap`
//! from key to position. Removing from the middle of a `Vec` is O(n), so use
//! `Vec::swap_remove`: the last entry moves into the hole, in O(1), and its position in the
//! map must be updated. At the cursor, the moved entry has not been checked yet.
//!
//! Time comes from a [`Clock`] the cache is given, never from the system clock directly: the
//! tests use a [`ManualClock`] and move time forward themselves, to the millisecond.
//!
//! Primary source: Redis, *How Redis expires keys*,
//! <https://redis.io/docs/latest/commands/expire/#how-redis-expires-keys>.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

impl<K: Hash + Eq + Clone, V, C: Clock> TtlCache<K, V, C> {
    /// Stores `value` under `key` until `ttl` from now, replacing any old value and deadline.
    pub fn put(&mut self, key: K, value: V, ttl: Duration) {
        let expires_at = self.clock.now() + ttl;
        match self.index.get(&key) {
            Some(&at) => {
                self.entries[at].value = value;
                self.entries[at].expires_at = expires_at;
            }
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push(Entry {
                    key,
                    value,
                    expires_at,
                });
            }
        }
    }

    /// The value of `key` if it has not expired. An expired entry is removed (lazy expiry).
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let at = *self.index.get(key)?;
        if self.entries[at].expires_at <= self.clock.now() {
            self.remove_at(at);
            return None;
        }
        Some(&self.entries[at].value)
    }

    /// Removes `key`; `true` if it was stored (expired or not).
    pub fn remove(&mut self, key: &K) -> bool {
        match self.index.get(key) {
            Some(&at) => {
                self.remove_at(at);
                true
            }
            None => false,
        }
    }

    /// Removes the entry at position `at` in O(1): the last entry takes its place.
    fn remove_at(&mut self, at: usize) {
        let removed = self.entries.swap_remove(at);
        self.index.remove(&removed.key);
        if let Some(moved) = self.entries.get(at) {
            self.index.insert(moved.key.clone(), at);
        }
    }

    /// Active expiry: checks at most `max_checks` entries, from where the last sweep stopped,
    /// and removes the expired ones. Returns how many it removed.
    pub fn sweep(&mut self, max_checks: usize) -> usize {
        let now = self.clock.now();
        let mut removed = 0;
        for _ in 0..max_checks {
            if self.entries.is_empty() {
                break;
            }
            if self.cursor >= self.entries.len() {
                self.cursor = 0;
            }
            if self.entries[self.cursor].expires_at <= now {
                // The last entry moves in here: the cursor stays, to check it next.
                self.remove_at(self.cursor);
                removed += 1;
            } else {
                self.cursor += 1;
            }
        }
        removed
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the clock, and the cache's state.
// ---------------------------------------------------------------------------------------------

/// Where the cache reads the time: the time elapsed since some fixed start.
pub trait Clock {
    /// The current time.
    fn now(&self) -> Duration;
}

/// A clock that moves only when told to. Clones share the same time, so a test keeps one
/// and gives the cache another.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<Mutex<Duration>>);

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap()
    }
}

/// One stored value and the time it expires at.
#[derive(Debug)]
struct Entry<K, V> {
    key: K,
    value: V,
    expires_at: Duration,
}

/// A cache where every entry has its own time to live.
#[derive(Debug)]
pub struct TtlCache<K, V, C> {
    clock: C,
    /// Each key's position in `entries`.
    index: HashMap<K, usize>,
    /// The entries, expired ones included until something removes them.
    entries: Vec<Entry<K, V>>,
    /// Where the next sweep starts.
    cursor: usize,
}

impl<K: Hash + Eq + Clone, V, C: Clock> TtlCache<K, V, C> {
    /// An empty cache that reads the time from `clock`.
    pub fn new(clock: C) -> Self {
        TtlCache {
            clock,
            index: HashMap::new(),
            entries: Vec::new(),
            cursor: 0,
        }
    }

    /// The number of entries held in memory, expired ones not yet removed included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when the cache holds no entry at all.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
