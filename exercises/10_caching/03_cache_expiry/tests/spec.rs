//! The specification of expiry: an entry lives until `now + ttl` and is gone **at** that
//! instant (checked one millisecond before and exactly at, on a manual clock), `get` removes
//! what has expired (lazy), and `sweep(n)` removes expired entries nobody reads, looking at no
//! more than `n` entries per call and carrying on where it stopped (active).

use std::time::Duration;

use cache_expiry::{ManualClock, TtlCache};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

fn cache() -> (ManualClock, TtlCache<String, String, ManualClock>) {
    let clock = ManualClock::new();
    (clock.clone(), TtlCache::new(clock))
}

fn key(i: usize) -> String {
    format!("k{i}")
}

#[track_caller]
fn get(cache: &mut TtlCache<String, String, ManualClock>, key: &str) -> Option<String> {
    cache.get(&key.to_string()).cloned()
}

// ---------------------------------------------------------------------------------------------
// the deadline

#[test]
fn a_fresh_entry_is_served() {
    let (_clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    assert_eq!(get(&mut cache, "a").as_deref(), Some("1"));
    assert_eq!(get(&mut cache, "b"), None, "a key never stored is a miss");
}

#[test]
fn an_entry_is_served_one_millisecond_before_its_deadline() {
    let (clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    clock.advance(ms(9_999));
    assert_eq!(
        get(&mut cache, "a").as_deref(),
        Some("1"),
        "stored at 0 s with a TTL of 10 s, it is still fresh at 9.999 s"
    );
}

#[test]
fn an_entry_expires_exactly_at_its_deadline() {
    let (clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    clock.advance(secs(10));
    assert_eq!(
        get(&mut cache, "a"),
        None,
        "at 10 s the TTL of 10 s is used up: expired means deadline <= now, not deadline < now"
    );
}

#[test]
fn the_deadline_counts_from_when_the_entry_was_stored() {
    let (clock, mut cache) = cache();
    clock.advance(secs(100));
    cache.put("a".into(), "1".into(), secs(5));
    clock.advance(secs(4));
    assert_eq!(
        get(&mut cache, "a").as_deref(),
        Some("1"),
        "stored at 100 s, read at 104 s"
    );
    clock.advance(secs(1));
    assert_eq!(get(&mut cache, "a"), None, "the deadline was 105 s");
}

#[test]
fn a_ttl_of_zero_is_expired_at_once() {
    let (_clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), Duration::ZERO);
    assert_eq!(get(&mut cache, "a"), None);
}

#[test]
fn each_entry_has_its_own_ttl() {
    let (clock, mut cache) = cache();
    cache.put("short".into(), "s".into(), secs(1));
    cache.put("long".into(), "l".into(), secs(60));
    clock.advance(secs(30));
    assert_eq!(get(&mut cache, "short"), None);
    assert_eq!(get(&mut cache, "long").as_deref(), Some("l"));
}

#[test]
fn storing_a_key_again_replaces_its_value_and_its_deadline() {
    let (clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    clock.advance(secs(8));
    cache.put("a".into(), "2".into(), secs(10)); // new deadline: 18 s
    clock.advance(secs(5)); // 13 s
    assert_eq!(
        get(&mut cache, "a").as_deref(),
        Some("2"),
        "the deadline moved to 18 s"
    );
    assert_eq!(cache.len(), 1, "a replacement is not a second entry");
    clock.advance(secs(5)); // 18 s
    assert_eq!(get(&mut cache, "a"), None);
}

#[test]
fn reading_an_entry_does_not_extend_its_life() {
    let (clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    for _ in 0..9 {
        clock.advance(secs(1));
        assert!(get(&mut cache, "a").is_some());
    }
    clock.advance(secs(1));
    assert_eq!(
        get(&mut cache, "a"),
        None,
        "reads at 1..9 s must not move the 10 s deadline"
    );
}

// ---------------------------------------------------------------------------------------------
// lazy expiry, removal

#[test]
fn get_removes_an_expired_entry_from_memory() {
    let (clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(1));
    cache.put("b".into(), "2".into(), secs(100));
    clock.advance(secs(1));
    assert_eq!(
        cache.len(),
        2,
        "nothing removes an expired entry until something looks at it"
    );
    assert_eq!(get(&mut cache, "a"), None);
    assert_eq!(
        cache.len(),
        1,
        "the get that found a expired must remove it (lazy expiry)"
    );
    assert_eq!(get(&mut cache, "b").as_deref(), Some("2"));
}

#[test]
fn remove_deletes_an_entry() {
    let (_clock, mut cache) = cache();
    cache.put("a".into(), "1".into(), secs(10));
    assert!(cache.remove(&"a".to_string()));
    assert!(
        !cache.remove(&"a".to_string()),
        "removing twice: the second finds nothing"
    );
    assert_eq!(get(&mut cache, "a"), None);
    assert!(cache.is_empty());
}

#[test]
fn removing_from_the_middle_keeps_every_other_key_reachable() {
    let (_clock, mut cache) = cache();
    for i in 0..5 {
        cache.put(key(i), format!("v{i}"), secs(10));
    }
    assert!(cache.remove(&key(1)));
    assert!(cache.remove(&key(0)));
    for i in 2..5 {
        assert_eq!(
            get(&mut cache, &key(i)),
            Some(format!("v{i}")),
            "k{i} after removing k1 and k0: swap_remove moved the last entry, and the index \
             must point at its new position"
        );
    }
    assert_eq!(cache.len(), 3);
}

// ---------------------------------------------------------------------------------------------
// active expiry

#[test]
fn a_sweep_removes_expired_entries_nobody_reads() {
    let (clock, mut cache) = cache();
    for i in 0..5 {
        cache.put(key(i), "x".into(), secs(1));
    }
    clock.advance(secs(1));
    assert_eq!(
        cache.sweep(20),
        5,
        "five expired entries, twenty checks allowed"
    );
    assert!(
        cache.is_empty(),
        "a sweep frees the memory that lazy expiry never would"
    );
}

#[test]
fn a_sweep_keeps_live_entries() {
    let (clock, mut cache) = cache();
    for i in 0..10 {
        let ttl = if i % 2 == 0 { secs(1) } else { secs(100) };
        cache.put(key(i), format!("v{i}"), ttl);
    }
    clock.advance(ms(999));
    assert_eq!(cache.sweep(100), 0, "at 999 ms nothing has expired yet");
    clock.advance(ms(1));
    assert_eq!(
        cache.sweep(100),
        5,
        "at 1 s the five 1-second entries are exactly expired"
    );
    assert_eq!(cache.len(), 5);
    for i in (1..10).step_by(2) {
        assert_eq!(
            get(&mut cache, &key(i)),
            Some(format!("v{i}")),
            "live k{i} must survive"
        );
    }
}

#[test]
fn a_sweep_checks_no_more_entries_than_it_is_allowed() {
    let (clock, mut cache) = cache();
    for i in 0..100 {
        cache.put(key(i), "x".into(), secs(1));
    }
    clock.advance(secs(1));
    assert_eq!(
        cache.sweep(10),
        10,
        "100 expired entries and sweep(10): one sweep does bounded work (10 checks), so it \
         can run often without ever blocking the cache for long"
    );
    assert_eq!(cache.len(), 90);
}

#[test]
fn repeated_sweeps_carry_on_where_the_last_one_stopped() {
    let (clock, mut cache) = cache();
    for i in 0..50 {
        cache.put(key(i), "live".into(), secs(1_000));
    }
    for i in 50..100 {
        cache.put(key(i), "dead".into(), secs(1));
    }
    clock.advance(secs(1));
    let removed: usize = (0..10).map(|_| cache.sweep(10)).sum();
    assert_eq!(
        removed, 50,
        "ten sweeps of 10 checks over 50 live then 50 expired entries: each sweep must start \
         where the last stopped (a cursor), or every sweep checks the same live entries"
    );
    assert_eq!(cache.len(), 50);
}

#[test]
fn sweeps_go_round_and_round() {
    let (clock, mut cache) = cache();
    for i in 0..10 {
        cache.put(key(i), "x".into(), secs(1 + i as u64));
    }
    let mut removed = 0;
    for _ in 0..10 {
        clock.advance(secs(1));
        removed += cache.sweep(4);
        removed += cache.sweep(4);
        removed += cache.sweep(4);
    }
    assert_eq!(
        removed, 10,
        "after wrapping round the entries many times, all are removed"
    );
    assert!(cache.is_empty());
}

#[test]
fn an_entry_moved_into_the_cursor_is_checked_too() {
    let (clock, mut cache) = cache();
    cache.put(key(0), "dead".into(), secs(1));
    cache.put(key(1), "live".into(), secs(100));
    cache.put(key(2), "live".into(), secs(100));
    cache.put(key(3), "dead".into(), secs(1));
    clock.advance(secs(1));
    assert_eq!(
        cache.sweep(2),
        2,
        "removing k0 at the cursor moves the last entry (k3, expired) into its place: the \
         second check must look at k3, where the cursor still is, not move on to k1"
    );
}

#[test]
fn a_sweep_of_an_empty_cache_removes_nothing() {
    let (_clock, mut cache) = cache();
    assert_eq!(cache.sweep(10), 0);
    cache.put("a".into(), "1".into(), secs(1));
    assert_eq!(cache.sweep(0), 0, "zero checks allowed");
    assert_eq!(cache.len(), 1);
}

#[test]
fn gets_after_sweeps_still_find_every_live_entry() {
    let (clock, mut cache) = cache();
    for i in 0..200 {
        cache.put(key(i), format!("v{i}"), secs(1 + (i % 3) as u64));
    }
    clock.advance(secs(1));
    while cache.sweep(7) > 0 {}
    for i in 0..200 {
        let want = (i % 3 != 0).then(|| format!("v{i}"));
        assert_eq!(
            get(&mut cache, &key(i)),
            want,
            "k{i} after the sweeps (ttl {} s)",
            1 + i % 3
        );
    }
}
