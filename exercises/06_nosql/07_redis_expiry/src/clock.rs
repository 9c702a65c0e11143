//! Time as the server sees it: milliseconds from a fixed start, read from a clock that is
//! passed in. The server uses the real one; tests use one they move by hand, so that "ten
//! seconds later" takes no time at all and lands on the exact millisecond.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The server's only source of time.
pub trait Clock: Send + Sync {
    /// Milliseconds since a fixed start. Never goes back.
    fn now_ms(&self) -> u64;
}

/// The real clock: milliseconds since it was made. `Instant` is monotonic: a wall clock
/// moved back by NTP would bring expired keys back to life.
#[derive(Debug)]
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock that reads `ms` now.
    pub fn at(ms: u64) -> ManualClock {
        ManualClock(AtomicU64::new(ms))
    }

    /// Moves the clock `ms` milliseconds forward.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}
