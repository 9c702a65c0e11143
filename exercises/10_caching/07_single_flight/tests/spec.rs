//! The specification of single-flight: concurrent misses for one key share one load (100
//! threads released together by a `Barrier`; the load blocks on a channel the test controls,
//! so every caller really arrives while it runs), every caller gets its result, an error
//! reaches every waiter and is not cached, and different keys load independently. Loads are
//! counted; nothing sleeps: the test waits until it *sees* the 99 waiters on the flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use single_flight::SingleFlight;
use testkit::within;

type Cache = SingleFlight<String, String, String>;
type Caller = JoinHandle<Result<String, String>>;

const CALLERS: usize = 100;

/// A load the test controls: it counts itself, then blocks until the test sends it the
/// result to return.
#[derive(Clone)]
struct Loader {
    loads: Arc<AtomicUsize>,
    results: Arc<Mutex<Receiver<Result<String, String>>>>,
}

fn loader() -> (Loader, Sender<Result<String, String>>) {
    let (tx, rx) = mpsc::channel();
    (
        Loader {
            loads: Arc::new(AtomicUsize::new(0)),
            results: Arc::new(Mutex::new(rx)),
        },
        tx,
    )
}

impl Loader {
    fn load(&self) -> Result<String, String> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.results
            .lock()
            .unwrap()
            .recv()
            .expect("the test sends each load its result")
    }
    fn count(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }
}

/// Starts `CALLERS` threads that pass a barrier together, then `get(key)` with `loader`.
fn stampede(cache: &Arc<Cache>, key: &str, loader: &Loader) -> Vec<Caller> {
    let barrier = Arc::new(Barrier::new(CALLERS));
    (0..CALLERS)
        .map(|_| {
            let (cache, loader, barrier, key) = (
                cache.clone(),
                loader.clone(),
                barrier.clone(),
                key.to_string(),
            );
            thread::spawn(move || {
                barrier.wait();
                cache.get(&key, |_| loader.load())
            })
        })
        .collect()
}

/// Waits (yielding, never sleeping) until `key`'s flight has `n` waiters; fails after 5 s.
fn until_waiters(cache: &Cache, key: &str, n: usize, loader: &Loader, callers: &[Caller]) {
    let key = key.to_string();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut seen = None;
    while seen.is_none_or(|w| w < n) {
        seen = cache.waiters(&key).or(seen);
        assert!(
            !callers.iter().any(|c| c.is_finished()),
            "a caller of get({key:?}) returned (or panicked) while the load was still blocked: \
             every caller must wait for the one load in flight"
        );
        assert!(
            Instant::now() < deadline,
            "after 5 s, {} of {n} callers had joined the flight of {key:?}, and {} loads had \
             started{}: a miss that finds a load in progress must wait for it, not start its \
             own, and the leader must not hold the lock while it loads",
            seen.unwrap_or(0),
            loader.count(),
            if seen.is_none() {
                " (the cache's lock was held the whole time)"
            } else {
                ""
            }
        );
        thread::yield_now();
    }
}

/// Waits until `key` is in flight; fails after 5 s.
fn until_in_flight(cache: &Cache, key: &str, caller: &Caller) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while cache.in_flight(&key.to_string()) != Some(true) {
        assert!(
            !caller.is_finished(),
            "get({key:?}) returned (or panicked) before its load ended"
        );
        assert!(
            Instant::now() < deadline,
            "after 5 s, no flight for {key:?} could be seen{}: the leader registers its flight, \
             then releases the lock before it loads",
            if cache.in_flight(&key.to_string()).is_none() {
                " (the lock was held)"
            } else {
                ""
            }
        );
        thread::yield_now();
    }
}

/// Joins the callers within 5 s.
fn results(handles: Vec<Caller>) -> Vec<Result<String, String>> {
    within(Duration::from_secs(5), move || {
        handles.into_iter().map(|h| h.join().expect("a caller panicked")).collect::<Vec<_>>()
    })
    .expect("the callers did not all return within 5 s of the load finishing: are the waiters woken (notify_all)?")
}

// ---------------------------------------------------------------------------------------------
// one caller

#[test]
fn a_miss_loads_and_returns_the_value() {
    let cache = Cache::new();
    let got = cache.get(&"k".to_string(), |k| Ok(format!("value of {k}")));
    assert_eq!(got, Ok("value of k".to_string()));
    assert_eq!(
        cache.in_flight(&"k".to_string()),
        Some(false),
        "the flight is removed once it has landed"
    );
}

#[test]
fn a_loaded_value_is_cached() {
    let cache = Cache::new();
    cache
        .get(&"k".to_string(), |_| Ok("v".to_string()))
        .unwrap();
    let again = cache.get(&"k".to_string(), |_| panic!("k is cached: no second load"));
    assert_eq!(again, Ok("v".to_string()));
}

#[test]
fn an_error_is_returned_and_not_cached() {
    let cache = Cache::new();
    let key = "k".to_string();
    assert_eq!(
        cache.get(&key, |_| Err("database down".to_string())),
        Err("database down".to_string())
    );
    assert_eq!(
        cache.in_flight(&key),
        Some(false),
        "a failed flight is removed too"
    );
    let mut loads = 0;
    let again = cache.get(&key, |_| {
        loads += 1;
        Ok("v".to_string())
    });
    assert_eq!(
        (again, loads),
        (Ok("v".to_string()), 1),
        "the next call after an error loads again"
    );
}

#[test]
fn each_key_is_loaded_once() {
    let cache = Cache::new();
    let mut loads = 0;
    for key in ["a", "b", "a", "c", "b"] {
        cache
            .get(&key.to_string(), |k| {
                loads += 1;
                Ok(k.clone())
            })
            .unwrap();
    }
    assert_eq!(loads, 3, "three keys, three loads");
}

// ---------------------------------------------------------------------------------------------
// a hundred callers

#[test]
fn a_hundred_concurrent_misses_cause_exactly_one_load() {
    let cache = Arc::new(Cache::new());
    let (loader, results_tx) = loader();
    let handles = stampede(&cache, "hot", &loader);
    until_waiters(&cache, "hot", CALLERS - 1, &loader, &handles);
    assert_eq!(
        loader.count(),
        1,
        "99 callers wait on the flight: only the leader loads"
    );
    results_tx.send(Ok("the hot value".into())).unwrap();
    let got = results(handles);
    assert_eq!(
        loader.count(),
        1,
        "one load for {CALLERS} concurrent misses"
    );
    assert!(
        got.iter().all(|r| r.as_deref() == Ok("the hot value")),
        "every caller gets the value of the one load; got {:?}",
        got.iter()
            .filter(|r| r.as_deref() != Ok("the hot value"))
            .collect::<Vec<_>>()
    );
    assert_eq!(cache.in_flight(&"hot".to_string()), Some(false));
    assert_eq!(
        cache.get(&"hot".to_string(), |_| panic!("cached")),
        Ok("the hot value".into())
    );
}

#[test]
fn an_error_reaches_every_waiter_and_the_next_call_loads_again() {
    let cache = Arc::new(Cache::new());
    let (loader, results_tx) = loader();
    let handles = stampede(&cache, "hot", &loader);
    until_waiters(&cache, "hot", CALLERS - 1, &loader, &handles);
    results_tx.send(Err("database down".into())).unwrap();
    let got = results(handles);
    assert_eq!(loader.count(), 1);
    assert!(
        got.iter()
            .all(|r| r.as_ref().err().map(String::as_str) == Some("database down")),
        "every caller of the failed flight gets its error"
    );
    results_tx.send(Ok("recovered".into())).unwrap();
    let again = cache.get(&"hot".to_string(), |_| loader.load());
    assert_eq!(again, Ok("recovered".into()), "the error was not cached");
    assert_eq!(
        loader.count(),
        2,
        "the call after the failed flight is a new load"
    );
}

#[test]
fn a_load_of_one_key_does_not_block_another_key() {
    let cache = Arc::new(Cache::new());
    let (loader, results_tx) = loader();
    let slow = {
        let (cache, loader) = (cache.clone(), loader.clone());
        thread::spawn(move || cache.get(&"slow".to_string(), |_| loader.load()))
    };
    until_in_flight(&cache, "slow", &slow);
    let other = {
        let cache = cache.clone();
        within(Duration::from_secs(5), move || {
            cache.get(&"fast".to_string(), |_| Ok("quick".to_string()))
        })
    };
    assert_eq!(
        other,
        Ok(Ok("quick".to_string())),
        "\"fast\" must load while \"slow\" is still loading: do not hold the lock during a load"
    );
    assert_eq!(
        cache.in_flight(&"slow".to_string()),
        Some(true),
        "\"slow\" is still in flight"
    );
    results_tx.send(Ok("finally".into())).unwrap();
    assert_eq!(slow.join().unwrap(), Ok("finally".into()));
}
