//! # Backpressure: a bounded queue that says 503
//!
//! A server takes requests faster than it finishes them: a traffic spike, a slow database.
//! If every request it cannot start yet waits in an unbounded queue, the queue grows without
//! limit. Each new request waits behind all the others, so it times out at the client, which
//! retries and adds more; memory grows until the process dies. The server still works as hard
//! as before, but every answer comes too late to be of use to anybody.
//!
//! **Backpressure** is the fix: a queue with a fixed capacity in front of a fixed number of
//! workers. Work that fits is accepted and will be done; work that does not is **refused at
//! once** with **503 Service Unavailable** and a `Retry-After` (RFC 9110 §15.6.4), which costs
//! almost nothing, tells the client the truth, and keeps the latency of accepted work bounded
//! (at most `capacity / workers` jobs ahead of it).
//!
//! The standard library has the bounded queue: `std::sync::mpsc::sync_channel(capacity)`. Its
//! `try_send` never waits: `Ok` when there is room, `Err(TrySendError::Full(job))` when
//! `capacity` jobs are already waiting. (`send` would block the caller until there is room:
//! backpressure for a producer that may wait, not for a server with a client on the line.)
//!
//! `Pool::new` starts `workers` threads that share the receiving end (an
//! `Arc<Mutex<Receiver<Job>>>`: one worker at a time takes the next job) and run each job
//! they take; a worker ends when the channel is closed and empty. `try_submit` offers a job;
//! `shutdown` closes the queue by dropping the sender and joins the workers, so every job
//! accepted before it is run to completion: nothing accepted is ever dropped. `admit` is the
//! HTTP face: 202 Accepted, or 503 with `Retry-After: 1`.
//!
//! With `workers` busy, the pool holds exactly `workers + capacity` jobs: the tests block the
//! workers on channels they control, fill the queue to exactly `capacity` (accepted) and one
//! more (refused), then let everything run and count what completed.
//!
//! Primary sources: RFC 9110 §15.6.4 (503) and §10.2.3 (Retry-After); `std::sync::mpsc`
//! (`sync_channel`, `SyncSender::try_send`); the chapter README on queueing and Little's law.

use std::sync::mpsc;
use std::thread;

impl Pool {
    /// Starts `workers` threads behind a queue holding at most `capacity` waiting jobs.
    pub fn new(workers: usize, capacity: usize) -> Pool {
        // TODO: a sync_channel of `capacity`; the receiver in an Arc<Mutex<..>>; `workers`
        // threads that each loop: take the next job (lock, recv), run it, stop on Err.
        let _ = (workers, capacity);
        todo!("Pool::new")
    }

    /// Queues `job` if there is room, without waiting.
    pub fn try_submit(&self, job: Job) -> Result<(), Overloaded> {
        // TODO: try_send on the sender; a full queue is Overloaded.
        let _ = job;
        todo!("Pool::try_submit")
    }

    /// Closes the queue, lets the workers finish every accepted job, and waits for them.
    pub fn shutdown(mut self) {
        // TODO: drop the sender (take it out of its Option), then join every worker.
        let _ = (&mut self.sender, &mut self.workers);
        todo!("Pool::shutdown")
    }
}

/// The HTTP answer to offering `job` to `pool`: 202, or 503 with `Retry-After: 1`.
pub fn admit(pool: &Pool, job: Job) -> Response {
    // TODO: try_submit, and the response for each outcome.
    let _ = (pool, job);
    todo!("admit")
}

// ---------------------------------------------------------------------------------------------
// Given: the job type, the pool's fields, the refusal and the response.
// ---------------------------------------------------------------------------------------------

/// A unit of work a worker runs.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads behind a bounded queue.
pub struct Pool {
    /// The sending end of the queue; `None` once shut down.
    pub sender: Option<mpsc::SyncSender<Job>>,
    /// The worker threads.
    pub workers: Vec<thread::JoinHandle<()>>,
}

/// The queue is full: the job was not accepted (it is dropped, never run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overloaded;

impl std::fmt::Display for Overloaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the work queue is full: try again later")
    }
}

impl std::error::Error for Overloaded {}

/// An HTTP response, reduced to its status and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// 202 or 503.
    pub status: u16,
    /// Header fields, in order.
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// A response with no header.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
        }
    }

    /// The same response with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
