//! # A circuit breaker: closed, open, half-open
//!
//! When a service that others call goes down, its callers wait for their timeouts, hold
//! threads and connections while they wait, and retry: the failure spreads upstream, and the
//! traffic keeps the sick service from getting back up. A **circuit breaker** sits in the
//! caller, counts failures, and once there are too many, stops calling for a while.
//!
//! ```text
//!            N failures in a row                 cool-down passed
//!   Closed ----------------------> Open ----------------------------> HalfOpen
//!     ^                             ^   (the next call is the trial)     |
//!     |        trial succeeds       |         trial fails                |
//!     +-----------------------------|------------------------------------+
//!                                   +------------------------------------+
//! ```
//!
//! - **Closed**: calls go through. A failure adds one to a count of *consecutive* failures, a
//!   success sets it back to zero; at `threshold` the breaker opens, until `now + cool_down`.
//! - **Open**: `call` returns `CallError::Open` at once, **without calling** the operation:
//!   failing fast is the point, for the caller (no waiting) and the service (no load).
//! - At `until` (at that instant, not after) the next call becomes the **trial** (the
//!   probe): the breaker goes to **HalfOpen** and lets that one call through. A success
//!   closes the breaker, a failure opens it again for a whole new cool-down.
//! - **HalfOpen**: exactly one trial at a time. Every other call is refused at once while it
//!   runs, or a recovering service gets the whole backlog in one burst.
//!
//! The breaker is shared by threads (`&self`, state under a `Mutex`). Never hold the lock
//! while the operation runs: a call takes a second, and every other caller, even the ones
//! that should be refused at once, would queue behind it. So `call` is three steps: `admit`
//! under the lock (decide, and change state), the operation without it, `record` under the
//! lock again.
//!
//! By the time a call ends, the state may have moved on: while a slow call ran, other calls
//! failed and opened the breaker. Its result counts for the state it was admitted in, so
//! `admit` says how: as a `Closed` call, whose result counts only if the breaker is still
//! closed, or as the `Trial`, whose result decides the half-open state.
//!
//! Time comes from a [`Clock`]; the tests move a [`ManualClock`].
//!
//! Primary sources: Michael Nygard, *Release It!*, chapter 5, "Circuit Breaker"; Martin
//! Fowler, <https://martinfowler.com/bliki/CircuitBreaker.html>; Microsoft, *Circuit Breaker
//! pattern*, <https://learn.microsoft.com/en-us/azure/architecture/patterns/circuit-breaker>.

use std::sync::{Arc, Mutex};
use std::time::Duration;

impl<C: Clock> CircuitBreaker<C> {
    /// Runs `op` if the breaker lets it through; `Err(Open)` without running it otherwise.
    pub fn call<T, E>(&self, op: impl FnOnce() -> Result<T, E>) -> Result<T, CallError<E>> {
        // TODO: admit (refused: return Open), run op with no lock held, record, and wrap
        //       its error in Failed.
        let _ = (op, Self::admit, Self::record);
        let _ = (Admission::Closed, Admission::Trial);
        todo!("call")
    }

    /// Decides under the lock whether a call may go through, and as what.
    fn admit(&self) -> Option<Admission> {
        // TODO: Closed: a Closed call. Open: refused before `until`; from `until` on, go
        //       HalfOpen and admit the Trial. HalfOpen: refused (a trial is running).
        let _ = (&self.state, self.clock.now());
        todo!("admit")
    }

    /// Counts the result of a call admitted as `admission`.
    fn record(&self, admission: Admission, success: bool) {
        // TODO: Trial: a success closes (zero failures), a failure opens until now +
        //       cool_down. Closed: only if the state is still Closed: a success zeroes the
        //       count, a failure adds one and opens at `threshold`. Otherwise ignore it.
        let _ = (admission, success, self.threshold, self.cool_down);
        todo!("record")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the clock, the states, and the breaker.
// ---------------------------------------------------------------------------------------------

/// Where the breaker reads the time: the time elapsed since some fixed start.
pub trait Clock {
    /// The current time.
    fn now(&self) -> Duration;
}

/// A clock that moves only when told to. Clones share the same time, so a test keeps one
/// and gives the breaker another.
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

/// Why `call` gave no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError<E> {
    /// Refused without calling: the breaker is open, or a trial is running.
    Open,
    /// The operation ran and failed.
    Failed(E),
}

/// The breaker's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Calls go through; `failures` in a row so far.
    Closed { failures: u32 },
    /// Calls are refused until `until` (a time on the clock).
    Open { until: Duration },
    /// The trial call is running; every other call is refused.
    HalfOpen,
}

/// What `admit` let a call through as: its result counts for that state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Admission {
    Closed,
    Trial,
}

/// A circuit breaker, shared by threads.
#[derive(Debug)]
pub struct CircuitBreaker<C> {
    clock: C,
    /// Consecutive failures that open the breaker.
    threshold: u32,
    /// How long it stays open before a trial.
    cool_down: Duration,
    state: Mutex<State>,
}

impl<C: Clock> CircuitBreaker<C> {
    /// A closed breaker that opens after `threshold` (at least 1) failures in a row.
    pub fn new(clock: C, threshold: u32, cool_down: Duration) -> Self {
        assert!(
            threshold >= 1,
            "a breaker needs at least one failure to open"
        );
        CircuitBreaker {
            clock,
            threshold,
            cool_down,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// The state now. An open breaker whose cool-down has passed still says `Open`: it
    /// moves to `HalfOpen` when the next call arrives.
    pub fn state(&self) -> State {
        *self.state.lock().unwrap()
    }
}
