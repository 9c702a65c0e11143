//! The clock of the rate limiters, given: health checks read the time from it, and the tests
//! move a [`ManualClock`] by hand instead of sleeping through cool-downs.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where the time is read: a monotonic offset from some start.
pub trait Clock {
    /// The time now.
    fn now(&self) -> Duration;
}

/// A clock that moves only when told to. Clones share the same time, so a test keeps one
/// and gives the health tracker another.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<Mutex<Duration>>);

impl ManualClock {
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

/// The monotonic clock of the machine, for production use.
#[derive(Debug, Clone)]
pub struct SystemClock(Instant);

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock(Instant::now())
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}
