//! The health checks and round-robin balancer of exercise 04, given: a backend is ejected
//! after `failures_to_eject` failures in a row, probed once after its cool-down, and
//! [`Balancer::pick`] skips whatever is not admitted.

use crate::clock::Clock;
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
