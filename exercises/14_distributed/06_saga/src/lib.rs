//! # A saga: a distributed transaction made of compensations
//!
//! Placing an order touches three services: inventory reserves the stock, payments charges the
//! card, shipping books a courier. Each has its own database; there is no transaction across
//! them, and a two-phase commit would block all three on the slowest. When shipping fails after
//! the card was charged, nothing rolls the charge back by itself.
//!
//! A **saga** is a sequence of local steps, each paired with a **compensation** that undoes it
//! semantically: release the stock, refund the charge. When step *k* fails, the steps before it
//! are compensated in **reverse order** (refund, then release), which leaves the system as if
//! the order had never been placed. The failed step itself is not compensated: it did nothing.
//!
//! An *orchestrated* saga has one coordinator that runs the steps and keeps a **saga log**: it
//! appends an entry after each step completes, fails, or is compensated. The log is what makes
//! the coordinator safe to crash. On restart it replays the log and carries on where it was: it
//! never re-runs a step logged done, never compensates one twice, and finishes a compensation
//! that a crash cut short.
//!
//! Compensations must succeed in the end, so they are **retried** (here up to `max_attempts`
//! times in a row). A crash between a compensation and its log entry runs it again on restart,
//! so a compensation must also be **idempotent**: a second refund of the same charge refunds
//! nothing. A compensation that keeps failing leaves the saga [`Outcome::Stuck`]: its log keeps
//! the place, and a later run (once someone fixed the payment service) continues from it.
//!
//! Your part is [`run_saga`], which both starts a saga (an empty log) and resumes one:
//! 1. replay the log: which steps are done, which compensated, which failed;
//! 2. if no step failed, run the steps not yet done, in order, logging each `Done` or `Failed`;
//! 3. after a failure, compensate the done steps not yet compensated, last first, each retried
//!    up to `max_attempts` times and logged `Compensated` once it succeeds.
//!
//! Primary sources: Garcia-Molina and Salem, *Sagas* (SIGMOD 1987),
//! <https://www.cs.cornell.edu/andru/cs711/2002fa/reading/sagas.pdf>; Chris Richardson,
//! *Pattern: Saga*, <https://microservices.io/patterns/data/saga.html>.

/// Runs the saga's `steps` from where `log` says it is (an empty log: from the start), and
/// appends to `log` what happens. Compensations are tried up to `max_attempts` times each.
pub fn run_saga(steps: &mut [Box<dyn Step>], log: &mut SagaLog, max_attempts: u32) -> Outcome {
    // TODO 1: replay log.entries(): a Vec<bool> of done steps, one of compensated steps, and
    //         the index of the failed step if there is one.
    // TODO 2: no failure yet: for each step not done, in order, call action(): Ok logs
    //         Entry::Done(i); Err logs Entry::Failed(i) and stops. All done: Outcome::Completed.
    // TODO 3: compensate the done, not yet compensated steps in reverse order: up to
    //         max_attempts calls of compensate() until one is Ok, then log Entry::Compensated(i).
    //         Every attempt failed: Outcome::Stuck { step: i }. All done: Outcome::Compensated.
    let _ = (steps, log, max_attempts);
    todo!("run_saga")
}

// ---------------------------------------------------------------------------------------------
// Given: a step, the saga log, and how a run ended.
// ---------------------------------------------------------------------------------------------

/// One step of a saga: a local transaction in one service, and the action that undoes it.
pub trait Step {
    /// Does the step's work (reserve the stock, charge the card...).
    fn action(&mut self) -> Result<(), StepError>;
    /// Undoes a completed action (release the stock, refund the charge). May be called again
    /// after a crash or a retry: it must be idempotent.
    fn compensate(&mut self) -> Result<(), StepError>;
}

/// A step's action or compensation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepError(pub String);

/// One line of the saga log; the number is the step's index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The step's action succeeded.
    Done(usize),
    /// The step's action failed: the saga now compensates.
    Failed(usize),
    /// The step's compensation succeeded.
    Compensated(usize),
}

/// The saga's durable log: only ever appended to. (A real one is a table or a file written
/// before the coordinator moves on; this one lives as long as the test keeps it.)
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SagaLog {
    entries: Vec<Entry>,
}

impl SagaLog {
    /// An empty log: a saga not started yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A log with these entries, as a restarted coordinator reads it back.
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        SagaLog { entries }
    }

    /// Appends one entry.
    pub fn append(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// How a run of the saga ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every step's action succeeded.
    Completed,
    /// Step `failed` failed and every step before it was compensated.
    Compensated {
        /// The index of the step whose action failed.
        failed: usize,
    },
    /// The compensation of step `step` failed `max_attempts` times: run the saga again later.
    Stuck {
        /// The index of the step still to compensate.
        step: usize,
    },
}
