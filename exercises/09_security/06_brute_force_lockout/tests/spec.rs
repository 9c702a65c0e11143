//! The specification: failures counted per account and per address, a lock that starts at one
//! second and doubles up to a cap, attempts refused during a lock without checking the
//! password or extending the lock, and a success that clears the account.

use std::cell::Cell;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use brute_force_lockout::{Guard, Outcome, Policy};

const SECOND: Duration = Duration::from_secs(1);
const CAP: Duration = Duration::from_secs(15 * 60);

fn addr(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(203, 0, 113, last))
}

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// An attempt whose password check answers `correct`.
fn attempt(
    guard: &mut Guard,
    account: &str,
    from: IpAddr,
    now: Duration,
    correct: bool,
) -> Outcome {
    guard.login(account, from, now, || correct)
}

/// `n` wrong passwords in a row at `now`, each expected to be checked and refused.
#[track_caller]
fn fail_n(guard: &mut Guard, account: &str, from: IpAddr, now: Duration, n: u32) {
    for i in 1..=n {
        let got = attempt(guard, account, from, now, false);
        assert_eq!(
            got,
            Outcome::WrongPassword,
            "failure {i} of {n} for {account:?} from {from} at {now:?}: not locked yet, so the \
             password is checked and found wrong"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The delay

#[test]
fn no_delay_below_the_threshold() {
    let policy = Policy::default();
    for failures in 0..5 {
        assert_eq!(
            policy.delay(failures),
            Duration::ZERO,
            "failures = {failures}: the first four mistakes are free (threshold 5)"
        );
    }
}

#[test]
fn the_delay_starts_at_base_and_doubles() {
    let policy = Policy::default();
    let expected = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
    for (i, want) in expected.into_iter().enumerate() {
        let failures = 5 + i as u32;
        assert_eq!(
            policy.delay(failures),
            secs(want),
            "failures = {failures}: the {}th failure locks for base * 2^(failures - threshold)",
            failures
        );
    }
}

#[test]
fn the_delay_caps_at_max() {
    let policy = Policy::default();
    assert_eq!(policy.delay(15), CAP, "1024 s is past the 900 s cap");
    assert_eq!(policy.delay(16), CAP, "the cap holds after it is reached");
}

#[test]
fn a_huge_count_gives_the_cap_without_overflow() {
    let policy = Policy::default();
    for failures in [36, 37, 40, 69, 70, 100, 1000, u32::MAX] {
        assert_eq!(
            policy.delay(failures),
            CAP,
            "failures = {failures}: 2^(failures - 5) seconds overflows; the delay must still be \
             the cap (an attacker decides the count, so it must not panic the server)"
        );
    }
}

#[test]
fn the_delay_follows_the_policy_it_is_given() {
    let policy = Policy {
        threshold: 3,
        base: Duration::from_millis(250),
        max: secs(2),
    };
    let got: Vec<Duration> = (0..8).map(|f| policy.delay(f)).collect();
    let want: Vec<Duration> = [0, 0, 0, 250, 500, 1000, 2000, 2000]
        .into_iter()
        .map(Duration::from_millis)
        .collect();
    assert_eq!(
        got, want,
        "threshold 3, base 250 ms, max 2 s, for 0..8 failures"
    );
}

// ---------------------------------------------------------------------------------------------
// One account, one address

#[test]
fn a_correct_password_logs_in() {
    let mut guard = Guard::new(Policy::default());
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), secs(0), true),
        Outcome::LoggedIn
    );
}

#[test]
fn four_wrong_passwords_do_not_lock() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(0), 4);
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), secs(0), true),
        Outcome::LoggedIn,
        "after 4 failures (threshold 5) the right password still gets in at once"
    );
}

#[test]
fn the_fifth_failure_locks_for_one_second() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(100), 5);
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), secs(100), true),
        Outcome::Locked {
            retry_after: SECOND
        },
        "the 5th failure at t=100 s locks until t=101 s"
    );
}

#[test]
fn the_lock_ends_exactly_at_retry_after() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(100), 5);
    let just_before = secs(101) - Duration::from_millis(1);
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), just_before, true),
        Outcome::Locked {
            retry_after: Duration::from_millis(1)
        },
        "1 ms before the lock ends, the attempt is refused and told to wait 1 ms"
    );
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), secs(101), true),
        Outcome::LoggedIn,
        "at t=101 s the lock has ended (locked while now < locked_until)"
    );
}

#[test]
fn while_locked_the_password_is_not_checked() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(0), 5);
    let checked = Cell::new(0);
    let got = guard.login("alice", addr(1), secs(0), || {
        checked.set(checked.get() + 1);
        true
    });
    assert_eq!(
        got,
        Outcome::Locked {
            retry_after: SECOND
        },
        "the right password during a lock is refused too: else the lock tells an attacker \
         which guess was right"
    );
    assert_eq!(
        checked.get(),
        0,
        "verify was called during a lock: refuse before checking the password"
    );
}

#[test]
fn each_further_failure_doubles_the_lock() {
    let mut guard = Guard::new(Policy::default());
    let mut now = secs(0);
    fail_n(&mut guard, "alice", addr(1), now, 5);
    for want in [1, 2, 4, 8, 16] {
        assert_eq!(
            attempt(&mut guard, "alice", addr(1), now, false),
            Outcome::Locked {
                retry_after: secs(want)
            },
            "at t={now:?}"
        );
        now += secs(want);
        assert_eq!(
            attempt(&mut guard, "alice", addr(1), now, false),
            Outcome::WrongPassword,
            "at t={now:?} the {want} s lock has ended, so the guess is checked (and wrong)"
        );
    }
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), now, true),
        Outcome::Locked {
            retry_after: secs(32)
        },
        "10 failures: locked for 2^5 s"
    );
}

#[test]
fn hammering_during_a_lock_does_not_extend_it() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(0), 5);
    for ms in (0..1000).step_by(10) {
        let now = Duration::from_millis(ms);
        assert!(
            matches!(
                attempt(&mut guard, "alice", addr(1), now, false),
                Outcome::Locked { .. }
            ),
            "t={now:?}: still inside the 1 s lock"
        );
    }
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), secs(1), true),
        Outcome::LoggedIn,
        "100 refused attempts during the lock must not count as failures: an attacker who \
         keeps knocking could otherwise keep the real user out for ever"
    );
}

#[test]
fn the_lock_never_exceeds_the_cap() {
    let mut guard = Guard::new(Policy::default());
    let mut now = secs(0);
    // 60 failures, each as soon as the previous lock ends.
    for failure in 1..=60 {
        match attempt(&mut guard, "alice", addr(1), now, false) {
            Outcome::WrongPassword => {}
            Outcome::Locked { retry_after } => {
                assert!(
                    retry_after <= CAP,
                    "at t={now:?}: retry_after {retry_after:?} is past the 15 min cap"
                );
                now += retry_after;
                assert_eq!(
                    attempt(&mut guard, "alice", addr(1), now, false),
                    Outcome::WrongPassword,
                    "failure {failure}, at t={now:?}, after waiting the retry_after the \
                     refusal gave: the lock should have ended"
                );
            }
            Outcome::LoggedIn => panic!("a wrong password logged in"),
        }
    }
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), now, true),
        Outcome::Locked { retry_after: CAP },
        "after 60 failures the lock is the cap, no more"
    );
    assert_eq!(
        attempt(&mut guard, "alice", addr(1), now + CAP, true),
        Outcome::LoggedIn,
        "once the capped lock ends, the real user gets in"
    );
}

#[test]
fn a_success_resets_the_account() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(0), 4);
    assert_eq!(
        attempt(&mut guard, "alice", addr(2), secs(0), true),
        Outcome::LoggedIn
    );
    fail_n(&mut guard, "alice", addr(2), secs(0), 4);
    assert_eq!(
        attempt(&mut guard, "alice", addr(2), secs(0), true),
        Outcome::LoggedIn,
        "4 failures, a success, 4 failures: the success reset the account's count to zero, \
         so this is not the 8th consecutive failure"
    );
}

// ---------------------------------------------------------------------------------------------
// Many accounts, many addresses

#[test]
fn accounts_are_counted_separately() {
    let mut guard = Guard::new(Policy::default());
    fail_n(&mut guard, "alice", addr(1), secs(0), 3);
    fail_n(&mut guard, "bob", addr(2), secs(0), 3);
    assert_eq!(
        attempt(&mut guard, "alice", addr(3), secs(0), true),
        Outcome::LoggedIn,
        "alice has 3 failures and bob 3: neither account reaches 5"
    );
}

#[test]
fn guessing_from_many_addresses_locks_the_account() {
    let mut guard = Guard::new(Policy::default());
    // A botnet: each address guesses alice's password once.
    for i in 1..=5 {
        fail_n(&mut guard, "alice", addr(i), secs(0), 1);
    }
    assert_eq!(
        attempt(&mut guard, "alice", addr(99), secs(0), false),
        Outcome::Locked {
            retry_after: SECOND
        },
        "5 failures on alice from 5 addresses: the account is locked for every address, or \
         a botnet guesses for ever, each address below the threshold"
    );
    assert_eq!(
        attempt(&mut guard, "bob", addr(1), secs(0), true),
        Outcome::LoggedIn,
        "each botnet address failed once: bob gets in from any of them"
    );
}

#[test]
fn credential_stuffing_from_one_address_locks_the_address() {
    let mut guard = Guard::new(Policy::default());
    // Leaked pairs from another site, one try per account, all from one address.
    for account in ["ann", "ben", "cat", "dan", "eve"] {
        fail_n(&mut guard, account, addr(66), secs(0), 1);
    }
    assert_eq!(
        attempt(&mut guard, "fay", addr(66), secs(0), true),
        Outcome::Locked {
            retry_after: SECOND
        },
        "5 failures from 203.0.113.66 on 5 accounts: the address is locked, or stuffing goes \
         on with every account below the threshold"
    );
}

#[test]
fn an_address_lock_does_not_lock_the_victim_elsewhere() {
    let mut guard = Guard::new(Policy::default());
    for account in ["ann", "ben", "cat", "dan", "alice"] {
        fail_n(&mut guard, account, addr(66), secs(0), 1);
    }
    assert_eq!(
        attempt(&mut guard, "alice", addr(7), secs(0), true),
        Outcome::LoggedIn,
        "the attacker's address is locked, alice has one failure: from her own address she \
         gets in"
    );
}

#[test]
fn a_success_does_not_reset_the_address() {
    let mut guard = Guard::new(Policy::default());
    for account in ["ann", "ben", "cat", "dan"] {
        fail_n(&mut guard, account, addr(66), secs(0), 1);
    }
    assert_eq!(
        attempt(&mut guard, "eve", addr(66), secs(0), true),
        Outcome::LoggedIn,
        "4 failures from the address: a leaked pair that works gets in"
    );
    fail_n(&mut guard, "fay", addr(66), secs(0), 1);
    assert_eq!(
        attempt(&mut guard, "gus", addr(66), secs(0), true),
        Outcome::Locked {
            retry_after: SECOND
        },
        "a stuffing run's hit must not wipe its address's record: 4 failures, a success, 1 \
         failure make the address's 5th consecutive failure"
    );
}

#[test]
fn retry_after_is_the_later_of_the_two_locks() {
    let mut guard = Guard::new(Policy::default());
    // The address: 7 failures over 7 accounts, a 4 s lock.
    for account in ["a1", "a2", "a3", "a4", "a5"] {
        fail_n(&mut guard, account, addr(66), secs(0), 1);
    }
    let mut now = secs(1);
    fail_n(&mut guard, "a6", addr(66), now, 1);
    now += secs(2);
    fail_n(&mut guard, "alice", addr(66), now, 1);
    // alice: one failure from the attacker, four from elsewhere: a 1 s lock.
    fail_n(&mut guard, "alice", addr(5), now, 4);
    assert_eq!(
        attempt(&mut guard, "alice", addr(5), now, true),
        Outcome::Locked {
            retry_after: SECOND
        },
        "from her own address, only alice's 1 s account lock applies"
    );
    assert_eq!(
        attempt(&mut guard, "alice", addr(66), now, true),
        Outcome::Locked {
            retry_after: secs(4)
        },
        "from 203.0.113.66, both the account (1 s) and the address (4 s) are locked: wait for \
         the later"
    );
    assert_eq!(
        attempt(&mut guard, "bob", addr(66), now + secs(1), true),
        Outcome::Locked {
            retry_after: secs(3)
        },
        "bob from the locked address: the address lock alone, 3 s left"
    );
}
