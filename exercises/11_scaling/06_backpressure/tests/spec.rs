//! The specification: a pool of `workers` threads behind a queue of `capacity` jobs accepts
//! exactly `workers + capacity` jobs while its workers are busy, refuses the next at once
//! (503, `Retry-After`), and runs every job it accepted, also through shutdown. The workers
//! are blocked on channels the test holds, so each count is the same on every run: nothing
//! sleeps, and every wait has a time limit so that a hang fails instead of stalling.

use backpressure::{Job, Overloaded, Pool, admit};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(2);

/// Jobs the test controls: each says when it starts and then waits for its gate.
struct Jobs {
    started_tx: Sender<usize>,
    started: Receiver<usize>,
    /// How many jobs have run to their end.
    done: Arc<AtomicUsize>,
}

impl Jobs {
    fn new() -> Jobs {
        let (started_tx, started) = mpsc::channel();
        Jobs {
            started_tx,
            started,
            done: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A job that reports `id` when it starts and ends when its gate is opened (a send) or
    /// dropped.
    fn blocking(&self, id: usize) -> (Job, Sender<()>) {
        let (gate, wait) = mpsc::channel::<()>();
        let (started, done) = (self.started_tx.clone(), Arc::clone(&self.done));
        let job: Job = Box::new(move || {
            started.send(id).unwrap();
            let _ = wait.recv();
            done.fetch_add(1, Ordering::SeqCst);
        });
        (job, gate)
    }

    /// A job that only counts itself.
    fn quick(&self) -> Job {
        let done = Arc::clone(&self.done);
        Box::new(move || {
            done.fetch_add(1, Ordering::SeqCst);
        })
    }

    /// Waits for the next job to start and returns its id.
    fn next_started(&self, why: &str) -> usize {
        self.started.recv_timeout(LIMIT).unwrap_or_else(|_| {
            panic!("no job started within 2 s ({why}): does each worker take jobs and run them?")
        })
    }

    fn done(&self) -> usize {
        self.done.load(Ordering::SeqCst)
    }
}

/// Submits blocking jobs one at a time, each once the last has started, until `workers` of
/// them run: every worker is then busy and the queue is empty.
fn occupy(pool: &Arc<Pool>, jobs: &Jobs, workers: usize) -> Vec<Sender<()>> {
    let mut gates = Vec::new();
    for id in 0..workers {
        let (job, gate) = jobs.blocking(id);
        offer(pool, job).expect("a pool with an idle worker and an empty queue accepts a job");
        gates.push(gate);
        jobs.next_started("each of `workers` threads should take a job while the others run");
    }
    gates
}

/// Offers each job in turn, failing the test instead of hanging if an offer waits for room.
fn offer_all(pool: &Arc<Pool>, offers: Vec<Job>) -> Vec<Result<(), Overloaded>> {
    let pool = Arc::clone(pool);
    testkit::within(LIMIT, move || {
        offers.into_iter().map(|job| pool.try_submit(job)).collect()
    })
    .expect(
        "try_submit did not answer within 2 s: on a full queue it must refuse at once \
         (try_send), not wait for room (send)",
    )
}

/// Offers one job, with the same time limit.
fn offer(pool: &Arc<Pool>, job: Job) -> Result<(), Overloaded> {
    offer_all(pool, vec![job]).pop().unwrap()
}

/// `shutdown`, failing the test instead of hanging if it never returns.
fn shutdown(pool: Arc<Pool>) {
    let pool = Arc::try_unwrap(pool)
        .ok()
        .expect("the test holds the only handle");
    testkit::within(LIMIT, move || pool.shutdown()).expect(
        "shutdown did not return within 2 s: drop the sender so the workers' recv ends, \
         then join them",
    );
}

// ---------------------------------------------------------------------------------------------
// Running jobs

#[test]
fn an_accepted_job_runs_on_a_worker() {
    let pool = Arc::new(Pool::new(1, 1));
    let (tx, rx) = mpsc::channel();
    offer(&pool, Box::new(move || tx.send(42).unwrap())).expect("an idle pool accepts a job");
    assert_eq!(rx.recv_timeout(LIMIT), Ok(42), "the job should run");
    shutdown(pool);
}

#[test]
fn workers_run_jobs_at_the_same_time() {
    let pool = Arc::new(Pool::new(3, 1));
    let jobs = Jobs::new();
    let gates = occupy(&pool, &jobs, 3); // fails unless 3 jobs run at once
    drop(gates);
    shutdown(pool);
    assert_eq!(jobs.done(), 3);
}

#[test]
fn one_worker_takes_jobs_in_the_order_accepted() {
    let pool = Arc::new(Pool::new(1, 5));
    let jobs = Jobs::new();
    let order = Arc::new(Mutex::new(Vec::new()));
    let gates = occupy(&pool, &jobs, 1);
    for id in 1..=5 {
        let order = Arc::clone(&order);
        offer(&pool, Box::new(move || order.lock().unwrap().push(id))).expect("room for 5");
    }
    drop(gates);
    shutdown(pool);
    assert_eq!(
        *order.lock().unwrap(),
        [1, 2, 3, 4, 5],
        "a queue is first in, first out"
    );
}

// ---------------------------------------------------------------------------------------------
// The bound

#[test]
fn a_queue_exactly_at_capacity_accepts_and_one_more_is_refused() {
    let pool = Arc::new(Pool::new(2, 3));
    let jobs = Jobs::new();
    let gates = occupy(&pool, &jobs, 2);
    for i in 1..=3 {
        assert_eq!(
            offer(&pool, jobs.quick()),
            Ok(()),
            "both workers busy, job {i} of a queue of 3 must be accepted (capacity 3 means 3 \
             waiting jobs)"
        );
    }
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&ran);
    let overflow: Job = Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(
        offer(&pool, overflow),
        Err(Overloaded),
        "the 4th waiting job is one over capacity"
    );
    drop(gates);
    shutdown(pool);
    assert_eq!(
        jobs.done(),
        5,
        "2 running + 3 queued, all accepted, all run"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0, "a refused job never runs");
}

#[test]
fn a_saturated_pool_accepts_only_its_capacity_of_ten_thousand_offers() {
    let pool = Arc::new(Pool::new(2, 5));
    let jobs = Jobs::new();
    let gates = occupy(&pool, &jobs, 2);
    let offers = (0..10_000).map(|_| jobs.quick()).collect();
    let accepted = offer_all(&pool, offers)
        .iter()
        .filter(|r| r.is_ok())
        .count();
    assert_eq!(
        accepted, 5,
        "with every worker busy only the 5 places of the queue take work: the queue must not \
         grow with the load"
    );
    drop(gates);
    shutdown(pool);
    assert_eq!(
        jobs.done(),
        7,
        "the 2 running and the 5 accepted jobs, nothing else"
    );
}

#[test]
fn a_finished_job_makes_room_for_exactly_one_more() {
    let pool = Arc::new(Pool::new(1, 1));
    let jobs = Jobs::new();
    let mut gates = occupy(&pool, &jobs, 1);
    let (queued, gate) = jobs.blocking(1);
    offer(&pool, queued).expect("the queue has 1 place");
    gates.push(gate);
    assert_eq!(
        offer(&pool, jobs.quick()),
        Err(Overloaded),
        "1 running, 1 queued: full"
    );
    gates[0].send(()).unwrap(); // job 0 ends; the worker takes job 1 from the queue
    assert_eq!(jobs.next_started("job 1 leaves the queue"), 1);
    assert_eq!(
        offer(&pool, jobs.quick()),
        Ok(()),
        "its place is free again"
    );
    assert_eq!(
        offer(&pool, jobs.quick()),
        Err(Overloaded),
        "and only one place"
    );
    drop(gates);
    shutdown(pool);
    assert_eq!(jobs.done(), 3);
}

// ---------------------------------------------------------------------------------------------
// Shutdown

#[test]
fn shutdown_runs_every_accepted_job_first() {
    let pool = Arc::new(Pool::new(2, 10));
    let jobs = Jobs::new();
    let gates = occupy(&pool, &jobs, 2);
    for _ in 0..10 {
        offer(&pool, jobs.quick()).expect("room for 10");
    }
    drop(gates);
    shutdown(pool);
    assert_eq!(
        jobs.done(),
        12,
        "when shutdown returns, every accepted job has run: workers drain the queue before \
         they stop, and shutdown joins them"
    );
}

#[test]
fn shutdown_of_an_idle_pool_returns() {
    shutdown(Arc::new(Pool::new(4, 2)));
}

// ---------------------------------------------------------------------------------------------
// HTTP

#[test]
fn admit_answers_202_then_503_with_retry_after() {
    let pool = Arc::new(Pool::new(1, 1));
    let jobs = Jobs::new();
    let gates = occupy(&pool, &jobs, 1);
    let accepted = admit(&pool, jobs.quick());
    assert_eq!(accepted.status, 202, "queued: 202 Accepted");
    assert_eq!(accepted.header("Retry-After"), None);
    let (handle, job) = (Arc::clone(&pool), jobs.quick());
    let refused = testkit::within(LIMIT, move || admit(&handle, job))
        .expect("admit did not answer within 2 s: a full queue must refuse at once");
    assert_eq!(
        refused.status, 503,
        "full: 503 Service Unavailable, at once (RFC 9110 §15.6.4)"
    );
    assert_eq!(
        refused.header("Retry-After"),
        Some("1"),
        "503 says when to come back (RFC 9110 §10.2.3)"
    );
    drop(gates);
    shutdown(pool);
    assert_eq!(jobs.done(), 2);
}
