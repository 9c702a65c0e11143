//! # An idempotent consumer: at least once in, exactly once applied
//!
//! Step 1's queue (given: `queue.rs`) delivers **at least once**: a consumer that crashes
//! before its ack, or overruns its lease, sees the message again. A consumer that applies
//! every delivery credits the same payment twice. No queue can fix that on its own (the ack
//! itself can be lost), so the consumer must make a duplicate harmless: it is **idempotent**.
//!
//! The way that survives crashes is to record, **in the same database transaction as the
//! effect**, that the message was processed:
//!
//! 1. begin a transaction;
//! 2. insert the message's id into `processed` (its primary key). If the id is already there,
//!    this delivery is a **duplicate**: apply nothing;
//! 3. otherwise apply the effect ([`apply`], given: it credits an account);
//! 4. commit: the effect and the record become durable together, or neither does;
//! 5. then, and only then, **ack**. An ack first would lose the message to a crash before
//!    the commit.
//!
//! Follow a crash through it. Between the effect and the commit: the transaction rolls back,
//! nothing is recorded, the message comes back and is applied then. Between the commit and
//! the ack: the message comes back, its id is in `processed`, it is a duplicate, and acking
//! it ends the story. A duplicate must be acked too, or it comes back until it is
//! dead-lettered.
//!
//! An ack can be refused (the lease ran out; another consumer holds the message now). After
//! the commit that is no error: the work is done and recorded, and the redelivery will be
//! recognised. `handle` then returns its outcome all the same.
//!
//! The tests crash the consumer with two **fail points**: call
//! `self.faults.check(FailPoint::AfterEffect)?` between the effect and the commit, and
//! `self.faults.check(FailPoint::AfterCommit)?` between the commit and the ack. A test arms
//! one, `check` returns `Err(HandleError::Crash)` there as if the process died, and the test
//! reopens the consumer on the same database file, as a restart would.
//!
//! `drain` is the consumer's loop: receive until the queue gives nothing, handle each
//! delivery, count the outcomes. A message that fails (a malformed body) is left unacked,
//! for the queue to deliver again and, in the end, dead-letter. A crash ends the loop.
//!
//! Primary sources: the *Idempotent Consumer* pattern,
//! <https://microservices.io/patterns/communication-style/idempotent-consumer.html>; SQLite,
//! *atomic commit*, <https://www.sqlite.org/atomiccommit.html>.

mod queue;

use std::path::Path;

use rusqlite::{Connection, Transaction};

pub use queue::{AckError, Clock, DeadLetter, Delivery, ManualClock, MessageId, Queue, Receipt};

impl Consumer {
    /// Applies `delivery` unless its message was applied already, then acks it.
    pub fn handle<C: Clock>(
        &mut self,
        queue: &mut Queue<C>,
        delivery: &Delivery,
    ) -> Result<Outcome, HandleError> {
        let tx = self.conn.transaction()?;
        // The primary key decides: the id of a message applied before changes no row. The
        // record and the effect commit together, so neither can exist without the other.
        let recorded = tx.execute(
            "INSERT OR IGNORE INTO processed (message_id) VALUES (?1)",
            [delivery.id.0],
        )?;
        let outcome = if recorded == 1 {
            apply(&tx, &delivery.body)?; // an error drops `tx`: both roll back
            Outcome::Applied
        } else {
            Outcome::Duplicate
        };
        self.faults.check(FailPoint::AfterEffect)?;
        tx.commit()?;
        self.faults.check(FailPoint::AfterCommit)?;
        // Only now is the work safe to forget. A refused ack (the lease ran out) is no
        // error: the work is committed, and the redelivery will be a duplicate.
        let _ = queue.ack(delivery.receipt);
        Ok(outcome)
    }

    /// Receives and handles messages until the queue gives nothing. A failed message is
    /// counted and left for redelivery; a crash ends the loop with its error.
    pub fn drain<C: Clock>(&mut self, queue: &mut Queue<C>) -> Result<Drained, HandleError> {
        let mut drained = Drained::default();
        while let Some(delivery) = queue.receive() {
            match self.handle(queue, &delivery) {
                Ok(Outcome::Applied) => drained.applied += 1,
                Ok(Outcome::Duplicate) => drained.duplicates += 1,
                // Unacked, it comes back after its lease, and ends in the dead letters.
                Err(HandleError::Malformed(_)) => drained.failed += 1,
                Err(err) => return Err(err),
            }
        }
        Ok(drained)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the consumer's database, its effect, and the fail points.
// ---------------------------------------------------------------------------------------------

/// What `handle` did with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The message was new: its effect is applied and recorded.
    Applied,
    /// The message was applied before: nothing changed.
    Duplicate,
}

/// What `drain` did, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drained {
    pub applied: usize,
    pub duplicates: usize,
    /// Deliveries that failed (malformed) and were left unacked.
    pub failed: usize,
}

/// Where a test can crash the consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    /// After the effect, before the commit.
    AfterEffect,
    /// After the commit, before the ack.
    AfterCommit,
}

/// Why a delivery was not handled.
#[derive(Debug)]
pub enum HandleError {
    /// An armed fail point: the process "died" here.
    Crash(FailPoint),
    /// The body is not `credit NAME AMOUNT`.
    Malformed(String),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for HandleError {
    fn from(err: rusqlite::Error) -> Self {
        HandleError::Db(err)
    }
}

/// The armed fail point, if any. It fires once: the restarted consumer runs normally.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Option<FailPoint>,
}

impl Faults {
    /// `Err(Crash)` if `here` is the armed point (and disarms it); `Ok` otherwise.
    pub fn check(&mut self, here: FailPoint) -> Result<(), HandleError> {
        if self.armed == Some(here) {
            self.armed = None;
            return Err(HandleError::Crash(here));
        }
        Ok(())
    }
}

/// A consumer that credits accounts in a SQLite database.
#[derive(Debug)]
pub struct Consumer {
    conn: Connection,
    faults: Faults,
}

impl Consumer {
    /// Opens (or creates) the consumer's database at `path`.
    pub fn open(path: impl AsRef<Path>) -> rusqlite::Result<Consumer> {
        let conn = Connection::open(path)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS accounts (
                 name    TEXT PRIMARY KEY,
                 balance INTEGER NOT NULL
             );
             -- The primary key makes a second record of the same message impossible.
             CREATE TABLE IF NOT EXISTS processed (message_id INTEGER PRIMARY KEY);",
        )?;
        Ok(Consumer {
            conn,
            faults: Faults::default(),
        })
    }

    /// Arms a fail point: the next time `handle` reaches it, it returns `Err(Crash)`.
    pub fn fail_at(&mut self, point: FailPoint) {
        self.faults.armed = Some(point);
    }

    /// An account's balance (0 if it was never credited).
    pub fn balance(&self, name: &str) -> rusqlite::Result<i64> {
        self.conn.query_row(
            "SELECT COALESCE((SELECT balance FROM accounts WHERE name = ?1), 0)",
            [name],
            |row| row.get(0),
        )
    }

    /// The ids recorded in `processed`, in order.
    pub fn processed(&self) -> rusqlite::Result<Vec<u64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT message_id FROM processed ORDER BY message_id")?;
        let ids = stmt.query_map([], |row| row.get(0))?;
        ids.collect()
    }
}

/// The effect of a message `credit NAME AMOUNT`: adds AMOUNT to NAME's balance, inside `tx`.
pub fn apply(tx: &Transaction, body: &str) -> Result<(), HandleError> {
    let malformed = || HandleError::Malformed(body.to_string());
    let mut words = body.split(' ');
    let (Some("credit"), Some(name), Some(amount), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(malformed());
    };
    let amount: i64 = amount.parse().map_err(|_| malformed())?;
    tx.execute(
        "INSERT INTO accounts (name, balance) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET balance = balance + excluded.balance",
        (name, amount),
    )?;
    Ok(())
}
