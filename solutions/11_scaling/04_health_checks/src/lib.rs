//! # Health checks: ejecting a failing backend, and letting it back
//!
//! A backend dies, hangs, or starts answering every request with a 500. A balancer that keeps
//! sending it its share fails a third of all requests (with three backends) for as long as
//! the problem lasts. It must notice, stop sending, and notice again when the backend is back.
//!
//! **Passive** health checking watches real traffic: every request's outcome is recorded.
//! After `failures_to_eject` failures **in a row** the backend is **ejected**: no request goes
//! to it. One success in between resets the count: an occasional error is not an outage.
//!
//! **Active** health checking sends a probe of its own (a `GET /health`), so an ejected backend
//! can earn its way back without risking many users' requests. Here the probe happens once the
//! **cool-down** has passed: the backend goes **half-open** (the `Probing` state) and exactly
//! one request, the probe, is let through; everyone else keeps skipping it. The probe's
//! outcome is recorded like any other: a success makes the backend healthy again, a failure
//! ejects it for another cool-down. Without the half-open state, every request arriving just
//! after the cool-down would hit a backend that may still be down.
//!
//! The states, and what moves a backend between them:
//!
//! ```text
//! Healthy { failures }  --failure, failures + 1 == failures_to_eject-->  Ejected { until }
//! Ejected { until }     --admit at now >= until------------------------>  Probing
//! Probing               --success--> Healthy { 0 }     --failure--> Ejected { now + cool_down }
//! ```
//!
//! A result recorded for an ejected backend (a request sent before it was ejected, finishing
//! late) changes nothing: only the probe decides when it comes back.
//!
//! The [`Balancer`] goes round-robin over the backends that [`Health::admit`] lets through.
//! When none does, it returns an error saying so (a 503 for the client), never a panic and
//! never a request sent to a backend known to be down.
//!
//! Time comes from a [`Clock`]; the tests move a [`ManualClock`], so a 30 s cool-down takes no
//! time at all. Primary sources: Envoy, *Outlier detection* (consecutive 5xx, ejection time);
//! nginx, `max_fails` and `fail_timeout` of the `upstream` module; Michael Nygard, *Release
//! It!* (the circuit breaker's half-open state).

pub mod clock;

pub use clock::{Clock, ManualClock};
use std::fmt;
use std::time::Duration;

impl Health {
    /// Records the outcome of a request (or a probe) sent to `backend`.
    pub fn record(&mut self, backend: usize, ok: bool) {
        let now = self.clock.now();
        let ejected = State::Ejected {
            until: now + self.config.cool_down,
        };
        let state = &mut self.states[backend];
        *state = match (*state, ok) {
            // Late results of requests sent before the ejection: only the probe decides.
            (State::Ejected { until }, _) => State::Ejected { until },
            (_, true) => State::Healthy { failures: 0 },
            (State::Probing, false) => ejected,
            (State::Healthy { failures }, false) => {
                if failures + 1 >= self.config.failures_to_eject {
                    ejected
                } else {
                    State::Healthy {
                        failures: failures + 1,
                    }
                }
            }
        };
    }

    /// Whether a request may go to `backend` now. An ejected backend whose cool-down is over
    /// becomes half-open, and this call's request is its one probe.
    pub fn admit(&mut self, backend: usize) -> bool {
        let now = self.clock.now();
        let state = &mut self.states[backend];
        match *state {
            State::Healthy { .. } => true,
            State::Ejected { until } if now >= until => {
                *state = State::Probing;
                true
            }
            State::Ejected { .. } | State::Probing => false,
        }
    }
}

impl Balancer {
    /// The next backend in turn among those admitted, or an error when none is.
    pub fn pick(&mut self) -> Result<usize, NoBackend> {
        let n = self.health.states.len();
        for k in 0..n {
            let backend = (self.next + k) % n;
            if self.health.admit(backend) {
                // Below n + 1, and taken modulo n above.
                self.next = backend + 1;
                return Ok(backend);
            }
        }
        Err(NoBackend { backends: n })
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the configuration, the states, the tracker, the balancer and its error.
// ---------------------------------------------------------------------------------------------

/// When to eject a backend and when to try it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HealthConfig {
    /// Consecutive failures that eject a backend (at least 1).
    pub failures_to_eject: u32,
    /// How long an ejected backend is left alone before its probe.
    pub cool_down: Duration,
}

/// The health of one backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// In rotation; `failures` is the count of consecutive failures so far.
    Healthy {
        /// Failures in a row since the last success.
        failures: u32,
    },
    /// Out of rotation until the clock reaches `until`.
    Ejected {
        /// When its probe may go.
        until: Duration,
    },
    /// Half-open: its one probe is in flight; nothing else goes to it.
    Probing,
}

/// The health of every backend, by index.
pub struct Health {
    config: HealthConfig,
    clock: Box<dyn Clock>,
    /// One state per backend.
    pub states: Vec<State>,
}

impl Health {
    /// `backends` healthy backends.
    pub fn new(backends: usize, config: HealthConfig, clock: impl Clock + 'static) -> Health {
        assert!(
            config.failures_to_eject >= 1,
            "eject after at least 1 failure"
        );
        Health {
            config,
            clock: Box::new(clock),
            states: vec![State::Healthy { failures: 0 }; backends],
        }
    }
}

/// Round-robin over the backends that health checking admits.
pub struct Balancer {
    /// The health of the backends.
    pub health: Health,
    /// Where the next round starts.
    pub next: usize,
}

impl Balancer {
    /// A balancer over the backends of `health`, starting with backend 0.
    pub fn new(health: Health) -> Balancer {
        Balancer { health, next: 0 }
    }
}

/// No backend can take a request: all of them are ejected or being probed (or there are none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoBackend {
    /// How many backends there are.
    pub backends: usize,
}

impl fmt::Display for NoBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no backend available: all {} are ejected after failures or being probed; answer \
             503 and let the health checks bring one back",
            self.backends
        )
    }
}

impl std::error::Error for NoBackend {}
