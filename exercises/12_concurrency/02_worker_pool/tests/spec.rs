//! The specification: jobs run on the pool's threads, several at once; the queue is bounded;
//! dropping the pool runs every queued job and joins every worker; a panicking job costs
//! one job, not a worker.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use worker_pool::Pool;

/// How long a test waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(2);
/// How long a test watches for something that must not happen (a return that should block).
const GLANCE: Duration = Duration::from_millis(100);

/// A job that waits until the returned sender sends (or is dropped): it keeps a worker busy.
fn gate() -> (mpsc::Sender<()>, impl FnOnce() + Send + 'static) {
    let (open, wait) = mpsc::channel::<()>();
    (open, move || {
        let _ = wait.recv();
    })
}

/// Drops the pool on another thread and fails (instead of hanging) if drop does not return.
#[track_caller]
fn shut_down(pool: Pool) {
    let got = testkit::within(PATIENCE, move || drop(pool));
    assert_eq!(
        got,
        Ok(()),
        "dropping the pool did not return within 2 s: close the queue (drop the sender) \
         before joining the workers, or each worker waits in recv forever"
    );
}

/// Gives the pool `n` jobs that each wait until the test lets them go, and counts how many
/// are running at the same time; then lets them all go.
fn running_at_once(pool: &Pool, n: usize) -> usize {
    let (started_tx, started) = mpsc::channel();
    let mut gates = Vec::new();
    for _ in 0..n {
        let (open, busy) = gate();
        let started_tx = started_tx.clone();
        pool.execute(move || {
            started_tx.send(()).unwrap();
            busy();
        });
        gates.push(open);
    }
    let running = (0..n)
        .take_while(|_| started.recv_timeout(PATIENCE).is_ok())
        .count();
    drop(gates); // lets every job finish, so that the pool can be dropped
    running
}

/// Silences the panic messages of the jobs that panic on purpose.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains("on purpose") {
            eprintln!("{info}");
        }
    }));
}

#[test]
fn a_job_runs_on_a_worker_thread() {
    let pool = Pool::new(1, 4);
    let (tx, rx) = mpsc::channel();
    pool.execute(move || tx.send(thread::current().id()).unwrap());
    let ran_on = rx.recv_timeout(PATIENCE).expect("the job never ran");
    shut_down(pool);
    assert_ne!(
        ran_on,
        thread::current().id(),
        "execute must hand the job to a worker thread, not run it"
    );
}

#[test]
fn dropping_the_pool_runs_every_job_given_to_it() {
    let done = Arc::new(AtomicUsize::new(0));
    let pool = Pool::new(3, 2);
    for _ in 0..50 {
        let done = Arc::clone(&done);
        pool.execute(move || {
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    shut_down(pool);
    assert_eq!(
        done.load(Ordering::SeqCst),
        50,
        "when drop returns, all 50 jobs must have run: drop closes the queue and joins the workers"
    );
}

#[test]
fn the_workers_run_jobs_at_the_same_time() {
    let pool = Pool::new(3, 3);
    assert_eq!(
        running_at_once(&pool, 3),
        3,
        "3 jobs that wait on 3 workers: all 3 must be running at the same time. A worker \
         that holds the queue's lock while its job runs (`while let Ok(job) = \
         rx.lock().unwrap().recv()` keeps the guard for the whole loop body) stops the others"
    );
    shut_down(pool);
}

#[test]
fn execute_waits_while_the_queue_is_full() {
    let pool = Pool::new(1, 2);
    let (open, busy) = gate();
    pool.execute(busy); // the worker is busy with this one
    pool.execute(|| {}); // queued: 1 of 2
    pool.execute(|| {}); // queued: 2 of 2
    thread::scope(|s| {
        let (returned_tx, returned) = mpsc::channel();
        let pool = &pool;
        s.spawn(move || {
            pool.execute(|| {}); // the queue is full: this must wait
            returned_tx.send(()).unwrap();
        });
        assert_eq!(
            returned.recv_timeout(GLANCE),
            Err(RecvTimeoutError::Timeout),
            "execute returned with the worker busy and 2 jobs already queued in a queue of \
             capacity 2: the queue must be bounded (sync_channel) so a fast caller waits"
        );
        open.send(()).unwrap();
        assert_eq!(
            returned.recv_timeout(PATIENCE),
            Ok(()),
            "execute must return once the worker has taken a job from the full queue"
        );
    });
    shut_down(pool);
}

#[test]
fn drop_waits_for_the_running_and_the_queued_jobs() {
    let pool = Pool::new(1, 4);
    let (open, busy) = gate();
    pool.execute(busy);
    let ran = Arc::new(Mutex::new(Vec::new()));
    for i in 0..4 {
        let ran = Arc::clone(&ran);
        pool.execute(move || ran.lock().unwrap().push(i));
    }
    let (dropped_tx, dropped) = mpsc::channel();
    let dropper = thread::spawn(move || {
        drop(pool);
        dropped_tx.send(()).unwrap();
    });
    assert_eq!(
        dropped.recv_timeout(GLANCE),
        Err(RecvTimeoutError::Timeout),
        "drop returned while a job was still running and 4 were queued: drop must join \
         the workers, or the program ends (or the server stops) in the middle of the work"
    );
    open.send(()).unwrap();
    assert_eq!(
        dropped.recv_timeout(PATIENCE),
        Ok(()),
        "drop must return once the work is done"
    );
    dropper.join().unwrap();
    assert_eq!(
        *ran.lock().unwrap(),
        vec![0, 1, 2, 3],
        "the 4 queued jobs must all have run, in order, before drop returned"
    );
}

#[test]
fn a_panicking_job_does_not_kill_its_worker() {
    quiet_panics();
    let pool = Pool::new(1, 4);
    pool.execute(|| panic!("a bad job, on purpose"));
    let (tx, rx) = mpsc::channel();
    pool.execute(move || tx.send("ran").unwrap());
    assert_eq!(
        rx.recv_timeout(PATIENCE),
        Ok("ran"),
        "the pool's only worker must run the next job after one panicked: run jobs under \
         catch_unwind, or every panic costs a worker for good"
    );
    assert_eq!(pool.panics(), 1, "the panic must be counted");
    shut_down(pool);
}

#[test]
fn many_panics_leave_every_worker_alive() {
    quiet_panics();
    let pool = Pool::new(2, 4);
    let done = Arc::new(AtomicUsize::new(0));
    for i in 0..20 {
        let done = Arc::clone(&done);
        pool.execute(move || {
            if i % 2 == 0 {
                panic!("job {i} fails on purpose");
            }
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert_eq!(
        running_at_once(&pool, 2),
        2,
        "after 10 panicking jobs both workers must still be alive to run 2 jobs at once"
    );
    assert_eq!(pool.panics(), 10, "10 jobs panicked");
    shut_down(pool);
    assert_eq!(done.load(Ordering::SeqCst), 10, "the 10 good jobs all ran");
}

#[test]
fn dropping_an_idle_pool_returns() {
    shut_down(Pool::new(4, 1));
}
