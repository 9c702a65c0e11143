//! # Transactions: a transfer happens entirely or not at all
//!
//! Moving money is two writes: take it from one account, add it to the other. Run them as two
//! separate statements and every failure between them loses money: the payee does not exist,
//! the payee's balance would break a limit, the disk is full, the process is killed. The debit
//! is already saved; the credit never happens.
//!
//! A **transaction** groups statements so that they take effect together or not at all
//! (atomicity, the A of ACID). `BEGIN` starts one, `COMMIT` makes its changes durable and
//! visible, `ROLLBACK` discards them. Until the commit, nothing is final: a failure at any step
//! is undone by rolling back, and a crash before the commit leaves the database as it was.
//!
//! rusqlite wraps this in [`rusqlite::Transaction`]: `conn.transaction()?` begins, and the
//! value derefs to a `Connection`, so you run statements on it as usual. `tx.commit()?` commits;
//! **dropping it without a commit rolls back**. So the idiom is: begin, run every step with
//! `?`, commit at the end. Any `?` that returns early drops the transaction, and the rollback
//! happens by itself.
//!
//! The check that the payer can afford it belongs *inside* the transaction, after the debit:
//! `UPDATE ... SET balance_cents = balance_cents - ?2 WHERE id = ?1 RETURNING balance_cents`
//! gives the new balance, and a negative one means the money was not there: return the error
//! and let the rollback undo the debit. Reading the balance first and debiting afterwards, in
//! two steps, races with another transfer made between them.
//!
//! Here you write `transfer`: in one transaction, debit the payer, credit the payee, record the
//! transfer in the `transfers` ledger, commit. The schema, the error type and the helpers are
//! given below the line. The chapter README has more.
//!
//! Primary sources:
//! - SQLite, transactions: <https://www.sqlite.org/lang_transaction.html>; atomic commit:
//!   <https://www.sqlite.org/atomiccommit.html>; RETURNING: <https://www.sqlite.org/lang_returning.html>
//! - rusqlite `Transaction`: <https://docs.rs/rusqlite/0.37.0/rusqlite/struct.Transaction.html>

use rusqlite::{Connection, OptionalExtension, params};

/// Moves `amount_cents` from account `from` to account `to`, all or nothing, and returns the
/// id of the row recorded in `transfers`.
///
/// In one transaction, in this order:
/// 1. debit `from`; no such account is `NoSuchAccount(from)`; a new balance below zero is
///    `InsufficientFunds` with the balance before the debit;
/// 2. credit `to`; no such account is `NoSuchAccount(to)`;
/// 3. insert `(from_id, to_id, amount_cents)` into `transfers`;
/// 4. commit.
///
/// A database error at any step (the balance limit, a non-positive amount) is `Db`. On every
/// error, both balances and the ledger are as they were, and no transaction is left open.
pub fn transfer(
    conn: &mut Connection,
    from: i64,
    to: i64,
    amount_cents: i64,
) -> Result<i64, TransferError> {
    // TODO: begin a transaction (conn.transaction()), run the three steps on it, commit.
    let _ = conn;
    todo!("transfer({from} -> {to}, {amount_cents})")
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the error type and the helpers.

/// The schema. A balance may not exceed 10,000.00 (a limit e-money wallets have), which the
/// database enforces with a CHECK; that it may not go below zero is `transfer`'s rule. Every
/// transfer is recorded in `transfers`, whose CHECK refuses an amount that is not positive.
pub const SCHEMA: &str = "
    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        owner         TEXT NOT NULL,
        balance_cents INTEGER NOT NULL CHECK (balance_cents <= 1000000)
    );
    CREATE TABLE transfers (
        id           INTEGER PRIMARY KEY,
        from_id      INTEGER NOT NULL REFERENCES accounts (id),
        to_id        INTEGER NOT NULL REFERENCES accounts (id),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0)
    );
";

/// Opens a fresh in-memory database with the schema.
pub fn open() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Opens an account and returns its id.
pub fn open_account(conn: &Connection, owner: &str, balance_cents: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO accounts (owner, balance_cents) VALUES (?1, ?2)",
        params![owner, balance_cents],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The balance of an account, `None` if there is no such account.
pub fn balance(conn: &Connection, id: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT balance_cents FROM accounts WHERE id = ?1",
        [id],
        |row| row.get(0),
    )
    .optional()
}

/// Why a transfer did not happen.
#[derive(Debug)]
pub enum TransferError {
    /// No account has this id.
    NoSuchAccount(i64),
    /// The payer's balance, before the transfer, is less than the amount.
    InsufficientFunds { balance_cents: i64 },
    /// The database refused a step (a CHECK constraint, for one) or failed.
    Db(rusqlite::Error),
}

/// Lets `?` turn a database error into `TransferError::Db`.
impl From<rusqlite::Error> for TransferError {
    fn from(err: rusqlite::Error) -> Self {
        TransferError::Db(err)
    }
}
