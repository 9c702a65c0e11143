//! The specification: a counter, a ledger and settings shared by many threads lose no update
//! and break no invariant, and readers of the settings do not wait for each other.

use std::collections::HashMap;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use shared_state::{Hits, Ledger, Settings, TransferError, count_words};

const THREADS: usize = 8;

/// Runs `f` on `THREADS` threads that all start at the same moment (a barrier), so they
/// really contend, and returns what each returned. Each gets its number, 0 to THREADS - 1.
fn on_threads<T: Send + 'static>(f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|i| {
            let (f, start) = (Arc::clone(&f), Arc::clone(&start));
            thread::spawn(move || {
                start.wait();
                f(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| {
            h.join().expect(
                "a thread panicked (its message is above); with shared state, often a balance \
                 taken below zero by two threads that passed the same check",
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Hits: an atomic counter

#[test]
fn hits_count_one_at_a_time_from_zero() {
    let hits = Hits::new();
    assert_eq!(hits.total(), 0, "a new counter is at zero");
    assert_eq!(
        hits.record(),
        1,
        "record returns the total including this hit"
    );
    assert_eq!(hits.record(), 2);
    assert_eq!(hits.total(), 2);
}

#[test]
fn hits_from_many_threads_lose_no_update() {
    const PER_THREAD: u64 = 20_000;
    let hits = Arc::new(Hits::new());
    let counter = Arc::clone(&hits);
    let seen = on_threads(move |_| {
        (0..PER_THREAD)
            .map(|_| counter.record())
            .collect::<Vec<_>>()
    });
    let expected = THREADS as u64 * PER_THREAD;
    assert_eq!(
        hits.total(),
        expected,
        "{THREADS} threads recorded {PER_THREAD} hits each: every one must count. A load \
         then a store lets two threads read the same value and both write value + 1"
    );
    let mut seen: Vec<u64> = seen.into_iter().flatten().collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(
        seen.len() as u64,
        expected,
        "every record() must return a different total (1..={expected}): two hits returned \
         the same number, so one read-and-add was not a single atomic step (fetch_add)"
    );
}

// ---------------------------------------------------------------------------------------------
// Ledger: one Mutex around check and update

#[test]
fn a_transfer_moves_the_amount() {
    let ledger = Ledger::new(&[("alice", 100), ("bob", 5)]);
    assert_eq!(ledger.transfer("alice", "bob", 30), Ok(()));
    assert_eq!(ledger.balance("alice"), Some(70), "alice after giving 30");
    assert_eq!(ledger.balance("bob"), Some(35), "bob after receiving 30");
}

#[test]
fn the_balance_of_an_unknown_account_is_none() {
    let ledger = Ledger::new(&[("alice", 100)]);
    assert_eq!(ledger.balance("mallory"), None);
}

#[test]
fn a_transfer_of_exactly_the_balance_is_allowed() {
    let ledger = Ledger::new(&[("alice", 100), ("bob", 0)]);
    assert_eq!(
        ledger.transfer("alice", "bob", 100),
        Ok(()),
        "100 out of 100"
    );
    assert_eq!(ledger.balance("alice"), Some(0));
    assert_eq!(ledger.balance("bob"), Some(100));
}

#[test]
fn a_transfer_of_one_more_than_the_balance_changes_nothing() {
    let ledger = Ledger::new(&[("alice", 100), ("bob", 0)]);
    assert_eq!(
        ledger.transfer("alice", "bob", 101),
        Err(TransferError::InsufficientFunds),
        "101 out of 100 must be refused"
    );
    assert_eq!(
        ledger.balance("alice"),
        Some(100),
        "a refused transfer takes nothing"
    );
    assert_eq!(
        ledger.balance("bob"),
        Some(0),
        "a refused transfer gives nothing"
    );
}

#[test]
fn a_transfer_with_an_unknown_account_changes_nothing() {
    let ledger = Ledger::new(&[("alice", 100)]);
    assert_eq!(
        ledger.transfer("alice", "mallory", 10),
        Err(TransferError::UnknownAccount("mallory".into())),
        "an unknown destination: the money must not vanish"
    );
    assert_eq!(ledger.balance("alice"), Some(100), "nothing left alice");
    assert_eq!(
        ledger.transfer("mallory", "alice", 10),
        Err(TransferError::UnknownAccount("mallory".into())),
        "an unknown source: money must not appear from nowhere"
    );
    assert_eq!(ledger.balance("alice"), Some(100), "nothing reached alice");
}

#[test]
fn concurrent_transfers_never_overdraw() {
    const BALANCE: u64 = 1_000;
    let ledger = Arc::new(Ledger::new(&[("alice", BALANCE), ("bob", 0)]));
    let shared = Arc::clone(&ledger);
    // Together the threads try twice as many transfers of 1 as alice can pay.
    let done = on_threads(move |_| {
        (0..2 * BALANCE / THREADS as u64)
            .filter(|_| shared.transfer("alice", "bob", 1).is_ok())
            .count() as u64
    });
    let done: u64 = done.iter().sum();
    assert_eq!(
        (done, ledger.balance("alice"), ledger.balance("bob")),
        (BALANCE, Some(0), Some(BALANCE)),
        "(transfers accepted, alice, bob): alice had {BALANCE}, so exactly {BALANCE} \
         transfers of 1 can succeed. Checking the balance under one lock and updating it \
         under another lets two threads pass the same check"
    );
}

#[test]
fn transfers_back_and_forth_near_zero_keep_the_total() {
    const ATTEMPTS: usize = 20_000;
    // Two accounts of 1: every check is at the edge, where a stale check overdraws.
    let ledger = Arc::new(Ledger::new(&[("alice", 1), ("bob", 1)]));
    let shared = Arc::clone(&ledger);
    on_threads(move |i| {
        let (from, to) = if i % 2 == 0 {
            ("alice", "bob")
        } else {
            ("bob", "alice")
        };
        for _ in 0..ATTEMPTS {
            let _ = shared.transfer(from, to, 1);
        }
    });
    let (a, b) = (
        ledger.balance("alice").unwrap(),
        ledger.balance("bob").unwrap(),
    );
    assert_eq!(
        a + b,
        2,
        "alice {a} + bob {b}: transfers move money, they never create or destroy it"
    );
}

// ---------------------------------------------------------------------------------------------
// Settings: an RwLock for read-mostly data

#[test]
fn settings_read_what_set_wrote() {
    let settings = Settings::new();
    assert_eq!(settings.read(|m| m.len()), 0, "new settings are empty");
    settings.set("region", "eu");
    settings.set("region", "us");
    settings.set("mode", "fast");
    let region = settings.read(|m| m.get("region").cloned());
    assert_eq!(region.as_deref(), Some("us"), "the last set of a key wins");
    assert_eq!(settings.read(|m| m.len()), 2);
}

#[test]
fn two_readers_are_inside_read_at_the_same_time() {
    let settings = Arc::new(Settings::new());
    settings.set("region", "eu");
    // Each reader waits inside `read` until the other is inside too: that can only happen
    // if both hold the lock at once, which an RwLock's read lock allows and a Mutex (or a
    // write lock) does not.
    let both_inside = Arc::new(Barrier::new(2));
    let got = testkit::within(Duration::from_secs(2), move || {
        let other = {
            let (settings, both_inside) = (Arc::clone(&settings), Arc::clone(&both_inside));
            thread::spawn(move || settings.read(|m| (both_inside.wait(), m["region"].clone()).1))
        };
        let here = settings.read(|m| (both_inside.wait(), m["region"].clone()).1);
        (other.join().unwrap(), here)
    });
    assert!(
        !matches!(got, Err(RecvTimeoutError::Timeout)),
        "two readers waited for each other inside `read` for 2 s: `read` must take the \
         RwLock's read lock (self.map.read()), which many threads may hold at once"
    );
    assert_eq!(
        got,
        Ok(("eu".into(), "eu".into())),
        "both readers saw the settings"
    );
}

// ---------------------------------------------------------------------------------------------
// count_words: threads, Arc<Mutex<HashMap>>, join

fn counted_by_hand(texts: &[String]) -> HashMap<String, u64> {
    let mut counts = HashMap::new();
    for word in texts.iter().flat_map(|t| t.split_whitespace()) {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

fn texts(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("get /items/{} get  post\tcafé {}\n", i % 7, i % 3))
        .collect()
}

#[test]
fn count_words_counts_every_word_of_every_text() {
    let texts = texts(100);
    let got = count_words(texts.clone(), 4);
    assert_eq!(got, counted_by_hand(&texts), "100 texts on 4 threads");
    assert_eq!(got["get"], 200, "\"get\" is twice in each of the 100 texts");
}

#[test]
fn count_words_with_more_threads_than_texts() {
    let texts = texts(3);
    assert_eq!(
        count_words(texts.clone(), 16),
        counted_by_hand(&texts),
        "3 texts, 16 threads"
    );
}

#[test]
fn count_words_with_one_thread_or_none_asked() {
    let texts = texts(10);
    assert_eq!(
        count_words(texts.clone(), 1),
        counted_by_hand(&texts),
        "1 thread"
    );
    assert_eq!(
        count_words(texts.clone(), 0),
        counted_by_hand(&texts),
        "0 threads asked: use one"
    );
}

#[test]
fn count_words_of_no_text_is_empty() {
    assert_eq!(count_words(Vec::new(), 4), HashMap::new(), "no texts");
    assert_eq!(
        count_words(vec![" \n".into()], 4),
        HashMap::new(),
        "only whitespace"
    );
}
