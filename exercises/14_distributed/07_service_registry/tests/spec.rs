//! The specification: lookups return only instances whose lease is live, a heartbeat renews
//! a lease for another TTL, expired leases are refused and removed, and a heartbeat from an
//! older registration of the same instance id is refused.

use service_registry::{Instance, LeaseId, ManualClock, Registry, RegistryError};

fn registry() -> (ManualClock, Registry<ManualClock>) {
    let clock = ManualClock::default();
    (clock.clone(), Registry::new(clock))
}

/// The instance ids a lookup returns, so that failures read as a short list.
fn ids(registry: &Registry<ManualClock>, service: &str) -> Vec<String> {
    registry.lookup(service).into_iter().map(|i| i.id).collect()
}

// ---------------------------------------------------------------------------------------------
// Registration and lookup

#[test]
fn a_registered_instance_is_found_by_lookup() {
    let (_clock, mut reg) = registry();
    reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    assert_eq!(
        reg.lookup("payments"),
        vec![Instance {
            id: "payments-1".into(),
            addr: "10.0.0.7:8080".into()
        }]
    );
}

#[test]
fn a_lookup_of_an_unknown_service_is_empty() {
    let (_clock, mut reg) = registry();
    assert_eq!(
        reg.lookup("payments"),
        vec![],
        "an empty registry knows nothing"
    );
    reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    assert_eq!(reg.lookup("shipping"), vec![]);
}

#[test]
fn a_lookup_returns_only_that_services_instances_sorted_by_id() {
    let (_clock, mut reg) = registry();
    reg.register("payments", "payments-2", "10.0.0.8:8080", 1000);
    reg.register("shipping", "shipping-1", "10.0.1.1:9000", 1000);
    reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    assert_eq!(ids(&reg, "payments"), ["payments-1", "payments-2"]);
    assert_eq!(ids(&reg, "shipping"), ["shipping-1"]);
}

#[test]
fn each_registration_gets_a_new_lease_id() {
    let (_clock, mut reg) = registry();
    let a = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    let b = reg.register("payments", "payments-2", "10.0.0.8:8080", 1000);
    assert_ne!(a, b, "two leases, two ids");
}

// ---------------------------------------------------------------------------------------------
// Expiry

#[test]
fn a_lease_is_live_until_its_ttl_is_up() {
    let (clock, mut reg) = registry();
    reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(999);
    assert_eq!(
        ids(&reg, "payments"),
        ["payments-1"],
        "registered at 0 ms with a 1000 ms TTL: still live at 999 ms"
    );
    clock.advance(1);
    assert_eq!(
        ids(&reg, "payments"),
        Vec::<String>::new(),
        "at 1000 ms the lease has run out (live while now < granted + ttl): clients must not \
         get an address nobody vouches for any more"
    );
}

#[test]
fn a_lookup_hides_expired_leases_before_any_eviction() {
    let (clock, mut reg) = registry();
    reg.register("payments", "payments-1", "10.0.0.7:8080", 500);
    reg.register("payments", "payments-2", "10.0.0.8:8080", 5000);
    clock.advance(600);
    assert_eq!(
        ids(&reg, "payments"),
        ["payments-2"],
        "payments-1's lease ran out at 500 ms; lookup must check the time itself rather than \
         wait for evict_expired"
    );
}

#[test]
fn evict_expired_removes_the_expired_leases_and_names_them() {
    let (clock, mut reg) = registry();
    reg.register("payments", "payments-2", "10.0.0.8:8080", 500);
    reg.register("payments", "payments-1", "10.0.0.7:8080", 500);
    reg.register("payments", "payments-3", "10.0.0.9:8080", 501);
    assert_eq!(
        reg.evict_expired(),
        Vec::<String>::new(),
        "nothing has expired at 0 ms"
    );
    clock.advance(500);
    assert_eq!(
        reg.evict_expired(),
        ["payments-1", "payments-2"],
        "at 500 ms the two 500 ms leases are up, the 501 ms one is not"
    );
    assert_eq!(ids(&reg, "payments"), ["payments-3"]);
    assert_eq!(
        reg.evict_expired(),
        Vec::<String>::new(),
        "evicted once, not twice"
    );
}

// ---------------------------------------------------------------------------------------------
// Heartbeats

#[test]
fn a_heartbeat_renews_the_lease_for_another_ttl_from_now() {
    let (clock, mut reg) = registry();
    let lease = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(600);
    assert_eq!(
        reg.heartbeat("payments-1", lease),
        Ok(1600),
        "a heartbeat at 600 ms with a 1000 ms TTL: live until 1600 ms"
    );
    clock.advance(999);
    assert_eq!(
        ids(&reg, "payments"),
        ["payments-1"],
        "1599 ms: renewed, still live"
    );
    clock.advance(1);
    assert_eq!(ids(&reg, "payments"), Vec::<String>::new(), "1600 ms: up");
}

#[test]
fn steady_heartbeats_keep_an_instance_alive() {
    let (clock, mut reg) = registry();
    let lease = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    for beat in 1..=10 {
        clock.advance(900);
        assert_eq!(
            reg.heartbeat("payments-1", lease),
            Ok(beat * 900 + 1000),
            "heartbeat {beat} at {} ms",
            beat * 900
        );
    }
    assert_eq!(ids(&reg, "payments"), ["payments-1"]);
    assert_eq!(reg.evict_expired(), Vec::<String>::new());
}

#[test]
fn a_heartbeat_for_an_unknown_instance_is_refused() {
    let (_clock, mut reg) = registry();
    assert_eq!(
        reg.heartbeat("payments-1", LeaseId(1)),
        Err(RegistryError::Unknown)
    );
}

#[test]
fn a_heartbeat_after_expiry_is_refused_and_revives_nothing() {
    let (clock, mut reg) = registry();
    let lease = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(1500);
    assert_eq!(
        reg.heartbeat("payments-1", lease),
        Err(RegistryError::Expired),
        "the lease ran out at 1000 ms: a heartbeat at 1500 ms comes too late, the instance \
         must register again"
    );
    assert_eq!(ids(&reg, "payments"), Vec::<String>::new());
    assert_eq!(
        reg.heartbeat("payments-1", lease),
        Err(RegistryError::Unknown),
        "the refused heartbeat removed the expired lease"
    );
}

#[test]
fn a_heartbeat_exactly_at_expiry_is_too_late() {
    let (clock, mut reg) = registry();
    let lease = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(1000);
    assert_eq!(
        reg.heartbeat("payments-1", lease),
        Err(RegistryError::Expired),
        "at 1000 ms a 1000 ms lease has expired: lookups already stopped returning it"
    );
}

#[test]
fn an_evicted_instance_is_unknown_to_heartbeats() {
    let (clock, mut reg) = registry();
    let lease = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(1000);
    reg.evict_expired();
    assert_eq!(
        reg.heartbeat("payments-1", lease),
        Err(RegistryError::Unknown)
    );
}

// ---------------------------------------------------------------------------------------------
// Registering again: old leases go stale

#[test]
fn registering_again_replaces_the_address() {
    let (_clock, mut reg) = registry();
    reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    reg.register("payments", "payments-1", "10.0.0.99:8080", 1000);
    assert_eq!(
        reg.lookup("payments"),
        vec![Instance {
            id: "payments-1".into(),
            addr: "10.0.0.99:8080".into()
        }],
        "one instance id, one entry: the restarted instance's new address"
    );
}

#[test]
fn a_heartbeat_with_the_old_lease_is_refused_and_changes_nothing() {
    let (clock, mut reg) = registry();
    let old = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(100);
    let new = reg.register("payments", "payments-1", "10.0.0.99:8080", 1000);
    clock.advance(800);
    assert_eq!(
        reg.heartbeat("payments-1", old),
        Err(RegistryError::StaleLease),
        "the instance registered again (lease {new:?}); a heartbeat naming lease {old:?} comes \
         from the old process and must not keep the new registration alive"
    );
    clock.advance(200);
    assert_eq!(
        ids(&reg, "payments"),
        Vec::<String>::new(),
        "the new lease (granted at 100 ms, 1000 ms TTL) is up at 1100 ms: the stale heartbeat \
         must not have renewed it"
    );
}

#[test]
fn a_stale_heartbeat_leaves_the_current_lease_in_place() {
    let (clock, mut reg) = registry();
    let old = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    let new = reg.register("payments", "payments-1", "10.0.0.99:8080", 1000);
    assert_eq!(
        reg.heartbeat("payments-1", old),
        Err(RegistryError::StaleLease)
    );
    clock.advance(500);
    assert_eq!(
        reg.heartbeat("payments-1", new),
        Ok(1500),
        "the current lease still works"
    );
}

#[test]
fn lease_ids_are_never_reused_after_eviction() {
    let (clock, mut reg) = registry();
    let first = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    clock.advance(1000);
    reg.evict_expired();
    let second = reg.register("payments", "payments-1", "10.0.0.7:8080", 1000);
    assert_ne!(
        first, second,
        "a new registration after eviction must not get the old lease id back"
    );
    assert_eq!(
        reg.heartbeat("payments-1", first),
        Err(RegistryError::StaleLease),
        "a heartbeat from before the eviction is stale"
    );
}
