//! # A pipeline with fan-out and fan-in over bounded channels
//!
//! Much backend work is a stream: lines of an import file, messages from a queue, rows to
//! enrich. A **pipeline** splits it into stages connected by channels, each on its own
//! thread(s): a **source** reads items, several **workers** transform them in parallel
//! (**fan-out**), one **collector** gathers the results (**fan-in**). No stage shares data
//! with another: each item is *moved* down the channels, so no lock guards it.
//!
//! ```text
//!  source ──(seq, item)──▶ jobs ──▶ worker 1 ─┐
//!   (feed)    sync_channel(capacity)  worker 2 ─┼──(seq, result)──▶ results ──▶ gather ──▶ out
//!                                     worker 3 ─┘      sync_channel(capacity)   (in order)
//! ```
//!
//! Three properties make it production-worthy:
//!
//! - **Backpressure.** Both channels are `sync_channel(capacity)`. When the workers are slow,
//!   `jobs` fills up and the source's `send` waits: the pipeline never holds more than about
//!   `workers + capacity` items in flight, however long the input. An unbounded `channel()`
//!   would read a 10 GB file into memory as fast as the disk allows.
//! - **Order.** Workers finish in any order. The source numbers each item (its *sequence
//!   number*, from 0); `gather` keeps early results in a reorder buffer (a `BTreeMap` or
//!   `HashMap` keyed by sequence number) and emits each result as soon as every result before
//!   it has been emitted: not later (that would hold everything until the end), not sooner.
//! - **Shutdown by closing.** When the source ends, `feed` returns and its `SyncSender` is
//!   dropped; the workers' `recv` then fails once the queue is empty, they return and drop
//!   their `results` senders; when the last one is gone, the collector's loop ends. Nobody
//!   sends a "stop" message. This only works if every sender is dropped: `pipeline` must drop
//!   its own copy of the results sender, or the collector waits forever.
//!
//! Write `gather` first (its tests need no threads), then `feed`, `work` and `pipeline`.
//! Workers share the receiving end as `Arc<Mutex<Receiver>>`, as in `worker_pool`.
//!
//! Primary sources: `std::sync::mpsc` (`sync_channel`, "the channel is closed when all
//! senders are dropped"); the Go blog, *Go Concurrency Patterns: Pipelines and
//! cancellation* (fan-out, fan-in, bounded buffers), <https://go.dev/blog/pipelines>.

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

/// Runs `stage` on every item of `source` on `workers` threads (at least one) and returns
/// the results in the order of the source. Both channels hold at most `capacity` items.
pub fn pipeline<T, U, I, F>(source: I, workers: usize, capacity: usize, stage: F) -> Vec<U>
where
    T: Send + 'static,
    U: Send + 'static,
    I: Iterator<Item = T> + Send + 'static,
    F: Fn(T) -> U + Send + Sync + 'static,
{
    assert!(workers > 0, "a pipeline needs at least one worker");
    let (jobs_tx, jobs_rx) = mpsc::sync_channel(capacity);
    let (results_tx, results_rx) = mpsc::sync_channel(capacity);
    let mut threads = vec![thread::spawn(move || feed(source, jobs_tx))];
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let stage = Arc::new(stage);
    for _ in 0..workers {
        let (jobs, stage, results) = (Arc::clone(&jobs_rx), Arc::clone(&stage), results_tx.clone());
        threads.push(thread::spawn(move || work(jobs, &*stage, results)));
    }
    // Only the workers may hold results senders, or the collector never sees the end.
    drop(results_tx);
    let mut out = Vec::new();
    gather(results_rx, |result| out.push(result));
    for t in threads {
        t.join().expect("a pipeline thread panicked");
    }
    out
}

/// Sends each item with its sequence number (0, 1, 2...); returns when the source ends.
fn feed<T, I: Iterator<Item = T>>(source: I, jobs: SyncSender<(u64, T)>) {
    for (seq, item) in (0..).zip(source) {
        // send waits while the channel is full: backpressure reaches the source here.
        if jobs.send((seq, item)).is_err() {
            return; // every worker is gone: nobody would read more
        }
    }
}

/// A worker: takes the next job, runs `stage`, sends the result with the job's number;
/// returns when the jobs channel is closed and empty.
fn work<T, U, F: Fn(T) -> U>(
    jobs: Arc<Mutex<Receiver<(u64, T)>>>,
    stage: &F,
    results: SyncSender<(u64, U)>,
) {
    loop {
        let next = jobs.lock().unwrap().recv();
        let Ok((seq, item)) = next else {
            return; // the source ended and the queue is drained
        };
        if results.send((seq, stage(item))).is_err() {
            return; // the collector is gone
        }
    }
}

/// Calls `emit` with each result in sequence order (0, 1, 2...), each as soon as all
/// results before it have been emitted, holding early ones until then.
pub fn gather<U>(results: impl IntoIterator<Item = (u64, U)>, mut emit: impl FnMut(U)) {
    let mut next = 0;
    let mut early = HashMap::new();
    for (seq, result) in results {
        early.insert(seq, result);
        while let Some(result) = early.remove(&next) {
            emit(result);
            next += 1;
        }
    }
}
