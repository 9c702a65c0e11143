//! The specification: a backend is ejected after `failures_to_eject` failures in a row, left
//! alone for the cool-down, then half-open for exactly one probe that brings it back or ejects
//! it again; the balancer skips what health checking does not admit, and says so in an error
//! when nothing is left. Time is a `ManualClock` moved by hand; the tests count the requests
//! each backend receives.

use health_checks::{Balancer, Health, HealthConfig, ManualClock, NoBackend, State};
use std::time::Duration;

const COOL_DOWN: Duration = Duration::from_secs(10);

fn health(backends: usize) -> (Health, ManualClock) {
    let clock = ManualClock::default();
    let config = HealthConfig {
        failures_to_eject: 3,
        cool_down: COOL_DOWN,
    };
    (Health::new(backends, config, clock.clone()), clock)
}

fn balancer(backends: usize) -> (Balancer, ManualClock) {
    let (health, clock) = health(backends);
    (Balancer::new(health), clock)
}

/// Sends `n` requests through the balancer; `up(backend)` says whether it answers. Returns
/// how many each backend received.
fn send(balancer: &mut Balancer, n: usize, up: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut received = vec![0; balancer.health.states.len()];
    for _ in 0..n {
        let backend = balancer.pick().expect("a backend is available");
        received[backend] += 1;
        balancer.health.record(backend, up(backend));
    }
    received
}

fn eject(health: &mut Health, backend: usize) {
    for _ in 0..3 {
        health.record(backend, false);
    }
}

// ---------------------------------------------------------------------------------------------
// Passive: ejection after consecutive failures

#[test]
fn healthy_backends_take_turns() {
    let (mut balancer, _clock) = balancer(3);
    let picks: Vec<_> = (0..6).map(|_| balancer.pick()).collect();
    assert_eq!(picks, [0, 1, 2, 0, 1, 2].map(Ok));
}

#[test]
fn failures_below_the_threshold_keep_a_backend_in() {
    let (mut health, _clock) = health(2);
    health.record(0, false);
    health.record(0, false);
    assert_eq!(health.states[0], State::Healthy { failures: 2 });
    assert!(health.admit(0), "2 failures of 3: still in rotation");
}

#[test]
fn the_nth_consecutive_failure_ejects_for_the_cool_down() {
    let (mut health, clock) = health(2);
    clock.advance(Duration::from_secs(5));
    eject(&mut health, 0);
    assert_eq!(
        health.states[0],
        State::Ejected {
            until: Duration::from_secs(15)
        },
        "the 3rd failure in a row at t = 5 s ejects until 5 + 10 s"
    );
    assert!(!health.admit(0), "an ejected backend is not admitted");
    assert_eq!(
        health.states[1],
        State::Healthy { failures: 0 },
        "others are untouched"
    );
}

#[test]
fn a_success_resets_the_count_of_consecutive_failures() {
    let (mut health, _clock) = health(1);
    for ok in [false, false, true, false, false] {
        health.record(0, ok);
    }
    assert_eq!(
        health.states[0],
        State::Healthy { failures: 2 },
        "fail, fail, ok, fail, fail is 2 failures in a row, not 4: an occasional error is not \
         an outage"
    );
}

#[test]
fn a_dead_backend_gets_exactly_the_failures_that_eject_it() {
    let (mut balancer, _clock) = balancer(3);
    let received = send(&mut balancer, 300, |b| b != 1);
    assert_eq!(
        received,
        [149, 3, 148],
        "backend 1 fails every request: it receives 3, is ejected, and the other two share \
         the rest"
    );
}

// ---------------------------------------------------------------------------------------------
// Active: the cool-down, then one probe

#[test]
fn an_ejected_backend_is_admitted_again_exactly_at_the_end_of_the_cool_down() {
    let (mut health, clock) = health(1);
    eject(&mut health, 0);
    clock.advance(COOL_DOWN - Duration::from_nanos(1));
    assert!(!health.admit(0), "1 ns before the end of the cool-down");
    clock.advance(Duration::from_nanos(1));
    assert!(
        health.admit(0),
        "at now == until the probe may go (>=, not >)"
    );
    assert_eq!(
        health.states[0],
        State::Probing,
        "admitted as a probe: half-open"
    );
}

#[test]
fn a_half_open_backend_takes_exactly_one_probe() {
    let (mut balancer, clock) = balancer(3);
    eject(&mut balancer.health, 1);
    clock.advance(COOL_DOWN);
    let mut received = [0; 3];
    for _ in 0..30 {
        received[balancer.pick().unwrap()] += 1; // no result recorded: the probe is in flight
    }
    assert_eq!(
        received[1], 1,
        "one probe, not every request that arrives after the cool-down ({received:?})"
    );
}

#[test]
fn a_successful_probe_brings_the_backend_back() {
    let (mut balancer, clock) = balancer(3);
    eject(&mut balancer.health, 1);
    clock.advance(COOL_DOWN);
    assert!(balancer.health.admit(1));
    balancer.health.record(1, true);
    assert_eq!(balancer.health.states[1], State::Healthy { failures: 0 });
    let received = send(&mut balancer, 30, |_| true);
    assert_eq!(
        received,
        [10, 10, 10],
        "back in rotation with its full share"
    );
}

#[test]
fn a_failed_probe_ejects_for_another_cool_down() {
    let (mut health, clock) = health(1);
    eject(&mut health, 0);
    clock.advance(COOL_DOWN + Duration::from_secs(3));
    assert!(health.admit(0));
    health.record(0, false);
    assert_eq!(
        health.states[0],
        State::Ejected {
            until: Duration::from_secs(23)
        },
        "one failed probe is enough (the backend is still down): ejected from now, t = 13 s, \
         for another 10 s"
    );
}

#[test]
fn late_results_of_an_ejected_backend_change_nothing() {
    let (mut health, clock) = health(1);
    eject(&mut health, 0);
    clock.advance(Duration::from_secs(4));
    health.record(0, true);
    health.record(0, false);
    assert_eq!(
        health.states[0],
        State::Ejected { until: COOL_DOWN },
        "results of requests sent before the ejection neither bring it back nor extend it: \
         only the probe after the cool-down decides"
    );
}

// ---------------------------------------------------------------------------------------------
// Under load, and with nothing left

#[test]
fn a_dead_backend_costs_one_probe_per_cool_down() {
    // 1000 requests, one every 100 ms (100 s in all), backend 2 dead throughout: its 3rd
    // failure ejects it at t = 0.8 s, then a probe fails about every 10 s from t = 10.8 s:
    // 9 probes in the 100 s.
    let (mut balancer, clock) = balancer(3);
    let mut received = [0; 3];
    for _ in 0..1000 {
        let backend = balancer.pick().unwrap();
        received[backend] += 1;
        balancer.health.record(backend, backend != 2);
        clock.advance(Duration::from_millis(100));
    }
    assert_eq!(
        received[2], 12,
        "a dead backend costs the 3 failures that eject it and one failed probe per cool-down \
         ({received:?})"
    );
    assert_eq!(received[0] + received[1], 988);
}

#[test]
fn a_backend_that_recovers_gets_its_share_after_the_next_probe() {
    let (mut balancer, clock) = balancer(2);
    send(&mut balancer, 10, |b| b == 0);
    assert!(matches!(balancer.health.states[1], State::Ejected { .. }));
    clock.advance(COOL_DOWN);
    let received = send(&mut balancer, 100, |_| true);
    assert_eq!(received, [50, 50], "the probe succeeded: both share again");
}

#[test]
fn all_backends_ejected_is_an_error_not_a_panic() {
    let (mut balancer, _clock) = balancer(3);
    for b in 0..3 {
        eject(&mut balancer.health, b);
    }
    let err = balancer.pick().expect_err("every backend is ejected");
    assert_eq!(err, NoBackend { backends: 3 });
    assert!(err.to_string().contains("all 3"), "{err}");
}

#[test]
fn all_ejected_or_probing_is_an_error_too() {
    let (mut balancer, clock) = balancer(2);
    eject(&mut balancer.health, 0);
    eject(&mut balancer.health, 1);
    clock.advance(COOL_DOWN);
    assert_eq!(balancer.pick(), Ok(0), "backend 0's probe");
    assert_eq!(balancer.pick(), Ok(1), "backend 1's probe");
    assert_eq!(
        balancer.pick(),
        Err(NoBackend { backends: 2 }),
        "both probes in flight: nothing else may go anywhere"
    );
}

#[test]
fn no_backend_at_all_is_an_error() {
    let (mut balancer, _clock) = balancer(0);
    assert_eq!(
        balancer.pick(),
        Err(NoBackend { backends: 0 }),
        "no backends: an error, not a division by zero"
    );
}
