//! # Load balancing: round-robin, smooth weighted round-robin, least connections
//!
//! One server is not enough, so there are several **backends**, identical copies of the
//! service, and a **load balancer** in front decides which one gets each request. The policy
//! matters more than it looks: a balancer that piles requests on one backend makes it slow
//! for everyone sent there while the others idle, and a slow backend that keeps getting its
//! "fair share" queues requests without end.
//!
//! Three policies, each a few lines, each the default somewhere:
//!
//! - **Round-robin**: backends in turn, 0, 1, 2, 0, 1, 2... Fair when backends and requests
//!   are alike.
//! - **Smooth weighted round-robin**, nginx's algorithm, for backends of different sizes: a
//!   backend of weight 5 gets 5 requests in every 7 when the others have weight 1. Naively
//!   "5 times a, then b, then c" sends a burst of 5 in a row to one backend; nginx spreads
//!   them. Each backend keeps a `current` score. On every pick, each backend's `current`
//!   grows by its `weight`; the backend with the highest `current` (the first of them on a
//!   tie) is picked, and its `current` drops by the total of all weights. For weights 5, 1, 1
//!   the picks are a a b a c a a, and then the same again: over any window of
//!   `sum(weights)` picks from the start, each backend is picked exactly `weight` times.
//!   A backend of weight 0 is never picked (drained).
//! - **Least connections**: the backend with the fewest requests in progress, the first of
//!   them on a tie. A request that ends gives its connection back. A backend that answers
//!   slowly holds its connections longer, so it automatically gets less new work: the policy
//!   adapts to load it cannot see directly.
//!
//! Each policy returns the index of a backend, or `None` when there is none to pick (no
//! backends, or only weights of 0). The balancer of the last exercise of this chapter puts
//! these behind a real TCP proxy.
//!
//! Primary sources: nginx, `ngx_http_upstream_round_robin.c` (`ngx_http_upstream_get_peer`)
//! and the commit that introduced it ("Upstream: smooth weighted round-robin balancing",
//! nginx 1.3.1, 2012); nginx docs, `upstream` module, `weight=` and `least_conn`.

impl RoundRobin {
    /// The next backend in turn.
    pub fn pick(&mut self) -> Option<usize> {
        // TODO: return `self.next` and move it on, wrapping at `self.backends`.
        todo!("RoundRobin::pick")
    }
}

impl SmoothWeighted {
    /// The next backend by nginx's smooth weighted round-robin.
    pub fn pick(&mut self) -> Option<usize> {
        // TODO: add each weight to its `current`; pick the highest `current` (the first on a
        // tie); take the total of the weights off the one picked.
        todo!("SmoothWeighted::pick")
    }
}

impl LeastConnections {
    /// Picks the backend with the fewest requests in progress (the first on a tie) and
    /// counts one more request on it.
    pub fn acquire(&mut self) -> Option<usize> {
        // TODO: the index of the smallest count in `self.active`, which then grows by one.
        todo!("LeastConnections::acquire")
    }

    /// A request on `backend` has ended.
    pub fn release(&mut self, backend: usize) {
        // TODO: one request fewer on `backend`.
        let _ = backend;
        todo!("LeastConnections::release")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: each policy's state.
// ---------------------------------------------------------------------------------------------

/// Round-robin over `backends` backends.
#[derive(Debug, Clone)]
pub struct RoundRobin {
    /// How many backends there are.
    pub backends: usize,
    /// The backend the next pick returns.
    pub next: usize,
}

impl RoundRobin {
    /// Round-robin over `backends` backends, starting with backend 0.
    pub fn new(backends: usize) -> RoundRobin {
        RoundRobin { backends, next: 0 }
    }
}

/// One backend of a smooth weighted round-robin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighted {
    /// Its share of the requests (0: never picked).
    pub weight: i64,
    /// Its score: grows by `weight` on every pick, drops by the total when it is picked.
    pub current: i64,
}

/// nginx's smooth weighted round-robin.
#[derive(Debug, Clone)]
pub struct SmoothWeighted {
    /// The backends, in order; a pick returns an index into this.
    pub backends: Vec<Weighted>,
}

impl SmoothWeighted {
    /// Backends with these weights, every score at 0.
    pub fn new(weights: &[u32]) -> SmoothWeighted {
        let backends = weights
            .iter()
            .map(|&w| Weighted {
                weight: i64::from(w),
                current: 0,
            })
            .collect();
        SmoothWeighted { backends }
    }
}

/// Least connections over a fixed set of backends.
#[derive(Debug, Clone)]
pub struct LeastConnections {
    /// Requests in progress on each backend.
    pub active: Vec<u32>,
}

impl LeastConnections {
    /// `backends` backends, none busy.
    pub fn new(backends: usize) -> LeastConnections {
        LeastConnections {
            active: vec![0; backends],
        }
    }
}
