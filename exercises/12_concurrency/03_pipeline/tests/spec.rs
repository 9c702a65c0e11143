//! The specification: `gather` restores the source's order as early as it can; `pipeline`
//! runs a stage on every item on several workers, returns the results in order, reads the
//! source no further ahead than its bounded channels hold, and ends when the source ends.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use pipeline::{gather, pipeline};

/// How long a test waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(2);
/// How long a test watches for something that must not happen.
const GLANCE: Duration = Duration::from_millis(100);

fn gathered(results: Vec<(u64, &'static str)>) -> Vec<&'static str> {
    let mut out = Vec::new();
    gather(results, |r| out.push(r));
    out
}

/// Runs `pipeline` on a thread of its own and fails (instead of hanging) if it does not
/// return within PATIENCE.
#[track_caller]
fn run<T, U>(
    source: impl Iterator<Item = T> + Send + 'static,
    workers: usize,
    capacity: usize,
    stage: impl Fn(T) -> U + Send + Sync + 'static,
) -> Vec<U>
where
    T: Send + 'static,
    U: Send + 'static,
{
    testkit::within(PATIENCE, move || pipeline(source, workers, capacity, stage)).expect(
        "pipeline did not return within 2 s (or panicked, see above). It ends only when every \
         results sender is dropped: the workers' when they return, and pipeline's own copy \
         before gathering. A worker that holds the jobs lock while its stage runs can also \
         stop the others",
    )
}

// ---------------------------------------------------------------------------------------------
// gather: the reorder buffer

#[test]
fn gather_passes_results_already_in_order() {
    assert_eq!(
        gathered(vec![(0, "a"), (1, "b"), (2, "c")]),
        ["a", "b", "c"]
    );
}

#[test]
fn gather_of_nothing_emits_nothing() {
    assert_eq!(gathered(vec![]), Vec::<&str>::new());
}

#[test]
fn gather_puts_results_back_in_sequence_order() {
    assert_eq!(
        gathered(vec![(2, "c"), (0, "a"), (3, "d"), (1, "b")]),
        ["a", "b", "c", "d"],
        "results arrived as 2, 0, 3, 1: emit them by sequence number"
    );
}

#[test]
fn gather_emits_each_result_as_soon_as_its_turn_comes() {
    let arrived = Cell::new(0);
    let results = [(1, "b"), (0, "a"), (3, "d"), (2, "c"), (4, "e")]
        .into_iter()
        .inspect(|_| arrived.set(arrived.get() + 1));
    let mut emitted = Vec::new();
    gather(results, |r| emitted.push((r, arrived.get())));
    assert_eq!(
        emitted,
        [("a", 2), ("b", 2), ("c", 4), ("d", 4), ("e", 5)],
        "(result, results arrived when it was emitted), for arrivals 1, 0, 3, 2, 4: a result \
         goes out as soon as all before it have, not at the end (that would hold a whole \
         stream in memory) and never before its turn"
    );
}

// ---------------------------------------------------------------------------------------------
// pipeline: fan-out, fan-in, backpressure, shutdown

#[test]
fn pipeline_runs_the_stage_on_every_item_in_order() {
    let got = run(0..1000u64, 4, 8, |x| x * 2);
    let expected: Vec<u64> = (0..1000).map(|x| x * 2).collect();
    assert!(
        got == expected,
        "1000 items on 4 workers: every item doubled, in source order; got {} results starting {:?}",
        got.len(),
        &got[..got.len().min(10)]
    );
}

#[test]
fn pipeline_of_an_empty_source_returns_nothing() {
    assert_eq!(
        run(std::iter::empty::<u64>(), 3, 2, |x| x),
        Vec::<u64>::new()
    );
}

#[test]
fn pipeline_with_one_worker_and_no_buffer() {
    // sync_channel(0) is a rendezvous: each send waits for its recv.
    let got = run("café ☕ 東京".split(' ').map(String::from), 1, 0, |s| {
        s.chars().count()
    });
    assert_eq!(
        got,
        [4, 1, 2],
        "the number of characters of each word, in order"
    );
}

#[test]
fn the_first_item_finishing_last_still_comes_out_first() {
    const N: usize = 20;
    // Item 0 waits until the 19 others are done: it is certainly the last to finish.
    let done = Arc::new((Mutex::new(0), Condvar::new()));
    let got = run(0..N, 2, 2, move |x| {
        let (count, changed) = &*done;
        let mut count = count.lock().unwrap();
        if x == 0 {
            drop(changed.wait_while(count, |n| *n < N - 1));
        } else {
            *count += 1;
            changed.notify_all();
        }
        x
    });
    assert_eq!(
        got,
        (0..N).collect::<Vec<_>>(),
        "item 0 finished after items 1 to 19; the results must still be in source order \
         (gather by sequence number)"
    );
}

#[test]
fn the_source_is_read_no_further_ahead_than_the_channels_hold() {
    const WORKERS: usize = 3;
    const CAPACITY: usize = 2;
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let source = (0..1000u32).inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    // Every stage call waits for the gate, which the test holds closed.
    let gate = Arc::new(Mutex::new(()));
    let closed = gate.lock().unwrap();
    let stage_gate = Arc::clone(&gate);
    let (finished, result) = mpsc::channel();
    thread::spawn(move || {
        let got = pipeline(source, WORKERS, CAPACITY, move |x| {
            drop(stage_gate.lock().unwrap());
            x
        });
        finished.send(got).unwrap();
    });
    // 3 items in the workers' hands, 2 in the jobs channel, 1 in the source's blocked send.
    let most = WORKERS + CAPACITY + 1;
    let deadline = Instant::now() + PATIENCE;
    while pulled.load(Ordering::SeqCst) < most && Instant::now() < deadline {
        thread::yield_now();
    }
    thread::sleep(GLANCE); // time for a pipeline without backpressure to read on
    let read = pulled.load(Ordering::SeqCst);
    drop(closed);
    let got = result
        .recv_timeout(PATIENCE)
        .expect("the pipeline did not return within 2 s of the gate opening (or panicked)");
    assert_eq!(
        read, most,
        "with the stage blocked, 3 workers and channels of capacity 2, the source must be read \
         exactly {most} items ahead (3 in the workers, 2 queued, 1 waiting in send), not \
         more: bounded channels (sync_channel) are the pipeline's backpressure"
    );
    assert_eq!(
        got.len(),
        1000,
        "once the gate opened, all 1000 items came through"
    );
}
