//! # A service registry with leases and heartbeats
//!
//! A client of the `payments` service needs an address to call, and the set of running
//! `payments` instances changes all day: deploys start new ones, autoscaling stops others,
//! machines die without a word. A **service registry** (Consul, etcd, Eureka, ZooKeeper) is the
//! phone book: each instance registers its address, and clients look up the live ones.
//!
//! The hard part is the instance that dies without deregistering. Its entry must not stay in
//! the book, or clients keep calling a dead address. So a registration is a **lease**: it holds
//! for a time-to-live (TTL) and the instance must renew it with a **heartbeat** before it runs
//! out. No heartbeat, no lease: the registry forgets the instance. Lookups must not wait for a
//! cleanup pass: an expired lease is dead the moment its time is up.
//!
//! Leases also settle an ordering problem. An instance that restarts registers again under the
//! same instance id and gets a *new* lease. A heartbeat from its old process (delayed on the
//! network, or a zombie that still thinks it runs) carries the old lease id, and must be refused:
//! renewing the new lease on its behalf would keep alive a registration the zombie knows
//! nothing about. So lease ids are never reused, and a heartbeat must name the current one.
//!
//! Time comes from an injected [`Clock`] in milliseconds, so the tests move it by hand. A lease
//! granted (or renewed) at `t` with TTL `ttl` is live while `now < t + ttl`; at `t + ttl` exactly
//! it has expired. A heartbeat on an expired lease is refused too: the instance registers again.
//!
//! Your part: [`Registry::register`], [`Registry::heartbeat`], [`Registry::lookup`] and
//! [`Registry::evict_expired`]. The state is given below.
//!
//! Primary sources: Gray and Cheriton, *Leases: An Efficient Fault-Tolerant Mechanism for
//! Distributed File Cache Consistency* (SOSP 1989), <https://dl.acm.org/doi/10.1145/74851.74870>;
//! Consul, *Health checks, TTL*, <https://developer.hashicorp.com/consul/docs/services/usage/checks>.

use std::collections::HashMap;

impl<C: Clock> Registry<C> {
    /// Registers (or registers again) `instance` of `service` at `addr` for `ttl_ms`, and
    /// returns its new lease. A registration under the same instance id replaces the old one.
    pub fn register(&mut self, service: &str, instance: &str, addr: &str, ttl_ms: u64) -> LeaseId {
        let id = LeaseId(self.next_lease);
        self.next_lease += 1;
        let lease = Lease {
            service: service.to_string(),
            addr: addr.to_string(),
            id,
            ttl_ms,
            expires_at: self.clock.now_ms() + ttl_ms,
        };
        // Replaces the instance's old lease, if any: its id is now stale.
        self.leases.insert(instance.to_string(), lease);
        id
    }

    /// Renews the lease of `instance` for another TTL from now; returns the new expiry.
    pub fn heartbeat(&mut self, instance: &str, lease: LeaseId) -> Result<u64, RegistryError> {
        let now = self.clock.now_ms();
        let current = self
            .leases
            .get_mut(instance)
            .ok_or(RegistryError::Unknown)?;
        // A heartbeat from an older registration must not touch the newer one.
        if current.id != lease {
            return Err(RegistryError::StaleLease);
        }
        if now >= current.expires_at {
            self.leases.remove(instance);
            return Err(RegistryError::Expired);
        }
        current.expires_at = now + current.ttl_ms;
        Ok(current.expires_at)
    }

    /// The live instances of `service`, sorted by instance id.
    pub fn lookup(&self, service: &str) -> Vec<Instance> {
        let now = self.clock.now_ms();
        let mut live: Vec<Instance> = self
            .leases
            .iter()
            .filter(|(_, lease)| lease.service == service && now < lease.expires_at)
            .map(|(id, lease)| Instance {
                id: id.clone(),
                addr: lease.addr.clone(),
            })
            .collect();
        live.sort_by(|a, b| a.id.cmp(&b.id));
        live
    }

    /// Removes every expired lease; returns the instance ids removed, sorted.
    pub fn evict_expired(&mut self) -> Vec<String> {
        let now = self.clock.now_ms();
        let mut evicted = Vec::new();
        self.leases.retain(|id, lease| {
            let live = now < lease.expires_at;
            if !live {
                evicted.push(id.clone());
            }
            live
        });
        evicted.sort();
        evicted
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the clock, the registry's state, and its answers.
// ---------------------------------------------------------------------------------------------

/// The time, in milliseconds from any fixed start. Injected, so that tests control it.
pub trait Clock {
    /// Now, in milliseconds.
    fn now_ms(&self) -> u64;
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(std::rc::Rc<std::cell::Cell<u64>>);

impl ManualClock {
    /// Moves the clock `ms` milliseconds forward.
    pub fn advance(&self, ms: u64) {
        self.0.set(self.0.get() + ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

/// A lease's id: unique for the registry's whole life, so an old one never matches a new lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeaseId(pub u64);

/// One registered instance: where it is, and until when.
#[derive(Debug, Clone)]
pub struct Lease {
    /// The service the instance is one of (`payments`).
    pub service: String,
    /// Where to call the instance.
    pub addr: String,
    /// This lease's id: a heartbeat must name it.
    pub id: LeaseId,
    /// How long the lease holds after it is granted or renewed.
    pub ttl_ms: u64,
    /// The first millisecond at which the lease is no longer live.
    pub expires_at: u64,
}

/// A live instance, as a lookup returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The instance's id, unique within the registry (`payments-1`).
    pub id: String,
    /// Where to call it (`10.0.0.7:8080`).
    pub addr: String,
}

/// Why a heartbeat was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryError {
    /// No registration under that instance id (never registered, or evicted).
    Unknown,
    /// The instance registered again since: this lease is not its current one.
    StaleLease,
    /// The lease ran out before the heartbeat came: register again.
    Expired,
}

/// Service instances by their leases.
#[derive(Debug)]
pub struct Registry<C: Clock> {
    clock: C,
    /// Each registered instance's current lease, by instance id.
    leases: HashMap<String, Lease>,
    /// The next lease id to hand out.
    next_lease: u64,
}

impl<C: Clock> Registry<C> {
    /// An empty registry on `clock`.
    pub fn new(clock: C) -> Self {
        Registry {
            clock,
            leases: HashMap::new(),
            next_lease: 1,
        }
    }
}
