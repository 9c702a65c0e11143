//! # A bounded worker pool with a graceful drop
//!
//! A thread per request (chapter 02) is simple and has no ceiling: a burst of 10 000
//! requests starts 10 000 threads. A **worker pool** starts a fixed number of threads once;
//! work reaches them through a queue, and each worker loops: take the next job, run it, take
//! the next. The queue is **bounded** (`mpsc::sync_channel(capacity)`): when `capacity` jobs
//! are already waiting, `execute` blocks the caller until a worker takes one. A caller that
//! can wait is slowed down to the pool's pace instead of filling memory (chapter 11's
//! `backpressure` refuses at once instead; both are backpressure).
//!
//! The receiving end of a channel has one owner, so the workers share it as an
//! `Arc<Mutex<Receiver<Job>>>`: one worker at a time holds the lock while it waits for a job.
//! Take the job out with the lock held, then **release it before running the job**, or the
//! pool runs one job at a time whatever its size.
//!
//! Two things make a pool safe to use in a server:
//!
//! - **A graceful drop.** Dropping the pool closes the queue (drop the `SyncSender`), which
//!   lets each worker's `recv` return the jobs still queued and then `Err`; the worker then
//!   ends. `Drop` joins every worker, so when the pool is gone, every job given to it has
//!   run: nothing accepted is lost at shutdown, and no thread is left behind. (A `Drop` that
//!   only drops the sender returns while jobs are still running.)
//! - **A panicking job does not kill the pool.** A panic unwinds the worker's thread; a
//!   worker without protection is gone for good, and after a few bad requests no worker is
//!   left and every job waits forever. Run each job inside `std::panic::catch_unwind` and
//!   count the panic in `panics` instead. (`AssertUnwindSafe(job)` tells the compiler that
//!   the job's state is not used after a panic; the lock is not held while a job runs, so it
//!   is not poisoned either.)
//!
//! The pool's fields are given (below the line). `sender` is an `Option` so that `Drop` can
//! `take()` it and drop it before joining.
//!
//! Primary sources: the Rust book, chapter 21.2–21.3 (a thread pool with a graceful
//! shutdown); `std::sync::mpsc::sync_channel`; `std::panic::catch_unwind`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;

impl Pool {
    /// Starts `workers` threads (at least one) behind a queue of at most `capacity` jobs.
    pub fn new(workers: usize, capacity: usize) -> Pool {
        assert!(workers > 0, "a pool needs at least one worker");
        // TODO: a sync_channel(capacity); the receiver in an Arc<Mutex<..>>; `workers`
        //       threads, each running `work` with clones of the receiver and `panics`.
        let _ = (capacity, work);
        todo!("Pool::new")
    }

    /// Queues `job`; waits while the queue is full.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) {
        // TODO: send Box::new(job) on the sender.
        let _ = (job, &self.sender);
        todo!("Pool::execute")
    }
}

/// A worker's loop: run jobs until the queue is closed and empty; survive panicking jobs.
fn work(receiver: Arc<Mutex<Receiver<Job>>>, panics: Arc<AtomicUsize>) {
    // TODO: loop { take the next job with the lock held only for recv; on Err, return;
    //       run it under catch_unwind(AssertUnwindSafe(job)); count an Err in `panics` }
    let _ = (receiver, panics);
    todo!("work")
}

impl Drop for Pool {
    /// Closes the queue, then waits until every worker has run every queued job and ended.
    fn drop(&mut self) {
        // TODO: drop the sender (take it out of its Option), then join every worker.
        let _ = (&mut self.sender, &mut self.workers);
        todo!("Pool::drop")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the pool's state.
// ---------------------------------------------------------------------------------------------

/// A job: any closure that runs once and can move to a worker thread.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads behind a bounded queue.
pub struct Pool {
    /// The queue's sending end; `None` once `drop` has closed it.
    sender: Option<mpsc::SyncSender<Job>>,
    /// The workers, joined by `drop`.
    workers: Vec<thread::JoinHandle<()>>,
    /// How many jobs have panicked so far, counted by the workers.
    panics: Arc<AtomicUsize>,
}

impl Pool {
    /// How many jobs have panicked so far.
    pub fn panics(&self) -> usize {
        self.panics.load(Ordering::SeqCst)
    }
}
