//! # A busy database: one writer at a time
//!
//! A web server handles requests on many threads, each with its own connection to the same
//! database file. SQLite lets any number of connections read at once, but only **one** may
//! write: a writer first takes the RESERVED lock (it intends to write), and at commit the
//! EXCLUSIVE one. A connection that wants the write lock while another holds it gets
//! **`SQLITE_BUSY`** ("database is locked").
//!
//! Two things turn that from an outage into a short wait:
//!
//! - **A busy timeout.** By default a connection gives up at once. With
//!   `Connection::busy_timeout(d)` it retries for up to `d` before it returns `SQLITE_BUSY`,
//!   so a writer that finishes within `d` only delays the next one.
//! - **`BEGIN IMMEDIATE`.** A plain `BEGIN` is *deferred*: it takes no lock until the first
//!   statement, a read lock for a `SELECT`, and tries to upgrade to the write lock at the first
//!   write. If another connection took the write lock in between, the upgrade fails with
//!   `SQLITE_BUSY` **at once, whatever the timeout**: waiting could deadlock (each holds what
//!   the other needs), and the value the transaction read may be stale anyway. A transaction
//!   that reads and then writes — a withdrawal that checks the balance first — should begin
//!   with `BEGIN IMMEDIATE`, which takes the write lock up front (waiting for it with the busy
//!   timeout) so what it reads cannot change before it writes. In rusqlite:
//!   `conn.transaction_with_behavior(TransactionBehavior::Immediate)`.
//!
//! And when the wait is over and the database is still busy, the caller should see that as
//! what it is — "try again later" (an HTTP 503), not an opaque internal error — so the API's
//! own error type has a `Busy` variant.
//!
//! Here you write the four pieces; the tests open two connections to one file in a temp
//! directory, hold the write lock with one and watch what the other does.
//!
//! Primary sources:
//! - SQLite, file locking: <https://www.sqlite.org/lockingv3.html>; `BEGIN IMMEDIATE`:
//!   <https://www.sqlite.org/lang_transaction.html>; `SQLITE_BUSY`:
//!   <https://www.sqlite.org/rescode.html#busy>; busy timeout:
//!   <https://www.sqlite.org/c3ref/busy_timeout.html>
//! - rusqlite: `Connection::busy_timeout`, `TransactionBehavior`, `ErrorCode::DatabaseBusy`:
//!   <https://docs.rs/rusqlite/0.37.0/rusqlite/>

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior};

/// Opens (creating if needed) the database file at `path`, with the given busy timeout
/// (`Duration::ZERO`: give up at once), and creates the schema if it is not there yet.
pub fn open(path: &Path, busy_timeout: Duration) -> Result<Connection, BankError> {
    let conn = Connection::open(path)?;
    // Before anything else: creating the schema may already have to wait for another writer.
    conn.busy_timeout(busy_timeout)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// A `rusqlite` error becomes a `BankError`: "database is busy" becomes `Busy`, anything else
/// stays `Sqlite`.
impl From<rusqlite::Error> for BankError {
    fn from(err: rusqlite::Error) -> Self {
        match err {
            // `code` is the primary result code, so extended ones (SQLITE_BUSY_SNAPSHOT, ...)
            // are Busy too.
            rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::DatabaseBusy => {
                BankError::Busy
            }
            other => BankError::Sqlite(other),
        }
    }
}

/// Begins a transaction that holds the write lock from its first moment (`BEGIN IMMEDIATE`),
/// waiting up to the connection's busy timeout for it.
pub fn begin_write(conn: &mut Connection) -> Result<Transaction<'_>, BankError> {
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// Takes `amount` from `account` and returns the new balance, in one write transaction:
/// read the balance, refuse if it is too small, write the new one, commit.
pub fn withdraw(conn: &mut Connection, account: &str, amount: i64) -> Result<i64, BankError> {
    // The write lock is taken before the read, so the balance cannot change before the update.
    let tx = begin_write(conn)?;
    let balance: i64 = tx
        .query_row(
            "SELECT balance FROM accounts WHERE name = ?1",
            [account],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| BankError::UnknownAccount(account.to_owned()))?;
    if amount > balance {
        // Dropping `tx` rolls back; nothing was written anyway.
        return Err(BankError::InsufficientFunds { balance, amount });
    }
    let new_balance = balance - amount;
    tx.execute(
        "UPDATE accounts SET balance = ?1 WHERE name = ?2",
        (new_balance, account),
    )?;
    tx.commit()?;
    Ok(new_balance)
}

// ---------------------------------------------------------------------------------------------
// Given: the schema and the error type.

/// One row per account; a balance never goes below zero.
pub const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS accounts (
        name    TEXT PRIMARY KEY,
        balance INTEGER NOT NULL CHECK (balance >= 0)
    );
";

/// What the bank's functions return instead of a bare `rusqlite::Error`.
#[derive(Debug)]
pub enum BankError {
    /// Another connection holds the write lock, and the busy timeout ran out: try again later.
    Busy,
    /// No account has this name.
    UnknownAccount(String),
    /// The account holds less than the amount asked for; nothing was taken.
    InsufficientFunds { balance: i64, amount: i64 },
    /// Any other database error.
    Sqlite(rusqlite::Error),
}

impl std::fmt::Display for BankError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BankError::Busy => write!(f, "the database is busy, try again later"),
            BankError::UnknownAccount(name) => write!(f, "no account named {name:?}"),
            BankError::InsufficientFunds { balance, amount } => {
                write!(f, "cannot take {amount} from a balance of {balance}")
            }
            BankError::Sqlite(err) => write!(f, "database error: {err}"),
        }
    }
}

impl std::error::Error for BankError {}
