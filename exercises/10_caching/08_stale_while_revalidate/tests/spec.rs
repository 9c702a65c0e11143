//! The specification of stale-while-revalidate (RFC 5861 §3): fresh values are served; stale
//! ones within the window are served at once while exactly one refresh is queued on the
//! executor; past the window (or with nothing stored) the load happens synchronously. The
//! executor is a queue the test runs by hand, the clock a manual one, and the loader counts
//! its calls and answers what the test scripted.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use stale_while_revalidate::{Executor, Loader, ManualClock, SwrCache, Task};

const FRESH: u64 = 60;
const STALE: u64 = 30;

/// An executor that only queues: the test decides when the tasks run.
#[derive(Clone, Default)]
struct Queue(Arc<Mutex<VecDeque<Task>>>);

impl Executor for Queue {
    fn spawn(&self, task: Task) {
        self.0.lock().unwrap().push_back(task);
    }
}

impl Queue {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    /// Runs the queued tasks; returns how many ran.
    fn run_all(&self) -> usize {
        let mut ran = 0;
        while let Some(task) = self.0.lock().unwrap().pop_front() {
            task();
            ran += 1;
        }
        ran
    }
}

struct Setup {
    clock: ManualClock,
    queue: Queue,
    loads: Arc<AtomicUsize>,
    /// What the next loads return, in order; once empty, "v<number of the load>".
    script: Arc<Mutex<VecDeque<Result<String, String>>>>,
    cache: SwrCache<String>,
}

fn setup() -> Setup {
    let (clock, queue) = (ManualClock::new(), Queue::default());
    let loads = Arc::new(AtomicUsize::new(0));
    let script: Arc<Mutex<VecDeque<Result<String, String>>>> = Arc::default();
    let loader: Loader<String> = {
        let (loads, script) = (loads.clone(), script.clone());
        Arc::new(move |_key: &str| {
            let n = loads.fetch_add(1, Ordering::SeqCst) + 1;
            script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(format!("v{n}")))
        })
    };
    let cache = SwrCache::new(loader, clock.clone(), Box::new(queue.clone()), FRESH, STALE);
    Setup {
        clock,
        queue,
        loads,
        script,
        cache,
    }
}

impl Setup {
    fn get(&self) -> Result<String, String> {
        self.cache.get("k")
    }
    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }
}

// ---------------------------------------------------------------------------------------------
// fresh

#[test]
fn a_miss_loads_synchronously() {
    let s = setup();
    assert_eq!(s.get(), Ok("v1".into()));
    assert_eq!(
        (s.loads(), s.queue.len()),
        (1, 0),
        "(loads, queued refreshes) after a miss"
    );
}

#[test]
fn a_fresh_value_is_served_without_a_load() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH - 1);
    assert_eq!(s.get(), Ok("v1".into()));
    assert_eq!(
        (s.loads(), s.queue.len()),
        (1, 0),
        "59 s old with 60 s of freshness: just a hit"
    );
}

// ---------------------------------------------------------------------------------------------
// stale within the window

#[test]
fn at_the_end_of_freshness_the_stale_value_is_served_and_a_refresh_queued() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH);
    assert_eq!(
        s.get(),
        Ok("v1".into()),
        "stale but within the window: served at once"
    );
    assert_eq!(s.loads(), 1, "the caller must not wait for a load");
    assert_eq!(s.queue.len(), 1, "one refresh handed to the executor");
}

#[test]
fn many_stale_reads_queue_only_one_refresh() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH + 5);
    for _ in 0..50 {
        assert_eq!(s.get(), Ok("v1".into()));
    }
    assert_eq!(
        s.queue.len(),
        1,
        "50 stale reads while one refresh is pending: the entry is `refreshing`, no second one"
    );
}

#[test]
fn the_refresh_replaces_the_value_and_makes_it_fresh() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH + 5);
    s.get().unwrap();
    assert_eq!(s.queue.run_all(), 1);
    assert_eq!(s.loads(), 2, "the refresh loaded once");
    assert_eq!(s.get(), Ok("v2".into()), "the refreshed value");
    s.clock.advance(FRESH - 1);
    assert_eq!(s.get(), Ok("v2".into()));
    assert_eq!(
        (s.loads(), s.queue.len()),
        (2, 0),
        "its age counts from the refresh: 59 s later it is still fresh"
    );
}

#[test]
fn the_age_of_a_refreshed_value_counts_from_when_the_refresh_finished() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH);
    s.get().unwrap();
    s.clock.advance(20); // the refresh runs 20 s after it was queued
    s.queue.run_all();
    s.clock.advance(FRESH - 1);
    s.get().unwrap();
    assert_eq!(s.queue.len(), 0, "loaded at 80 s, read at 139 s: fresh");
    s.clock.advance(1);
    s.get().unwrap();
    assert_eq!(
        s.queue.len(),
        1,
        "at 140 s it is 60 s old: stale, a refresh is queued"
    );
}

#[test]
fn after_a_refresh_a_later_staleness_queues_a_new_one() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH);
    s.get().unwrap();
    s.queue.run_all();
    s.clock.advance(FRESH);
    assert_eq!(s.get(), Ok("v2".into()));
    assert_eq!(
        s.queue.len(),
        1,
        "`refreshing` was cleared when the first refresh landed"
    );
}

#[test]
fn a_failed_refresh_keeps_the_stale_value_and_lets_the_next_read_try_again() {
    let s = setup();
    s.get().unwrap();
    s.script
        .lock()
        .unwrap()
        .push_back(Err("database down".into()));
    s.clock.advance(FRESH);
    s.get().unwrap();
    s.queue.run_all();
    assert_eq!(
        s.get(),
        Ok("v1".into()),
        "the refresh failed: the stale value is still served"
    );
    assert_eq!(
        s.queue.len(),
        1,
        "and the read queued a new attempt: `refreshing` was cleared"
    );
    s.queue.run_all();
    assert_eq!(s.get(), Ok("v3".into()));
}

// ---------------------------------------------------------------------------------------------
// past the window

#[test]
fn one_second_before_the_window_ends_the_stale_value_is_still_served() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH + STALE - 1);
    assert_eq!(s.get(), Ok("v1".into()));
    assert_eq!((s.loads(), s.queue.len()), (1, 1));
}

#[test]
fn at_the_end_of_the_window_the_value_is_loaded_synchronously() {
    let s = setup();
    s.get().unwrap();
    s.clock.advance(FRESH + STALE);
    assert_eq!(
        s.get(),
        Ok("v2".into()),
        "90 s old with 60 s fresh + 30 s stale: too old to serve, the caller waits for a load"
    );
    assert_eq!(
        (s.loads(), s.queue.len()),
        (2, 0),
        "a synchronous load, no background refresh"
    );
    assert_eq!(s.get(), Ok("v2".into()));
    assert_eq!(s.loads(), 2, "and the loaded value is stored");
}

#[test]
fn a_failed_synchronous_load_is_returned_and_not_stored() {
    let s = setup();
    s.script
        .lock()
        .unwrap()
        .push_back(Err("database down".into()));
    assert_eq!(s.get(), Err("database down".into()));
    assert_eq!(
        s.get(),
        Ok("v2".into()),
        "the error was not cached: the next read loads"
    );
}
