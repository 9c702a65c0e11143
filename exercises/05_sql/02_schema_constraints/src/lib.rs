//! # Schema and constraints: let the database say no
//!
//! Every code path that writes to a table — today's handler, next year's batch job, a
//! colleague's one-off script — must keep the same rules: an email is present and unique, a
//! quantity is positive, an order belongs to a customer who exists. Checks in application
//! code guard one path; **constraints** in the schema guard them all, and they hold under
//! concurrency, where "SELECT to see if the email is taken, then INSERT" lets two requests
//! both pass the check.
//!
//! SQLite has four you will use daily, each written in `CREATE TABLE`:
//!
//! - `NOT NULL`: the column must have a value.
//! - `UNIQUE` (and `PRIMARY KEY`): no two rows share the value. `COLLATE NOCASE` makes
//!   `Ada@Example.com` the same email as `ada@example.com`.
//! - `CHECK (expr)`: the row is rejected unless `expr` holds, e.g. `CHECK (quantity > 0)`.
//! - `REFERENCES other(id)`, a **foreign key**: the value must be the id of an existing row,
//!   and that row cannot be deleted while something refers to it. **SQLite does not enforce
//!   foreign keys unless the connection says `PRAGMA foreign_keys = ON`** (off by default,
//!   for backwards compatibility, per connection): forget it and orphan orders go in silently.
//!   rusqlite's `bundled` build happens to turn them on; the `sqlite3` shell, your system's
//!   SQLite and most drivers do not, so say it yourself. The tests hand you a connection with
//!   them off, as a stock SQLite opens it.
//!
//! A violated constraint is an error, not a panic, and the API should hand its caller
//! something it can act on: "email taken" becomes a 409, "bad quantity" a 422. rusqlite
//! returns `Error::SqliteFailure(err, message)`; `err.code` is
//! `ErrorCode::ConstraintViolation` for all four, and `err.extended_code` says which one:
//! `ffi::SQLITE_CONSTRAINT_UNIQUE`, `_PRIMARYKEY`, `_NOTNULL`, `_CHECK`, `_FOREIGNKEY`.
//! Match on those codes, never on the message text, which is for humans and may change.
//!
//! You write the schema, the connection set-up and the mapping from rusqlite's error to
//! `StoreError`. The functions below the line use them.
//!
//! Primary sources: CREATE TABLE <https://www.sqlite.org/lang_createtable.html>, foreign keys
//! <https://www.sqlite.org/foreignkeys.html>, result codes <https://www.sqlite.org/rescode.html>.

use rusqlite::Connection;

/// The schema, two tables:
///
/// `customers`: `id` INTEGER PRIMARY KEY; `email` TEXT, required, unique ignoring ASCII case;
/// `name` TEXT, required and not the empty string.
///
/// `orders`: `id` INTEGER PRIMARY KEY; `customer_id` INTEGER, required, the id of a customer;
/// `quantity` INTEGER, required, from 1 to 100 inclusive.
pub const SCHEMA: &str = ""; // TODO: write the two CREATE TABLE statements

/// Makes a fresh connection ready to use: foreign keys enforced, schema created.
pub fn set_up(conn: &Connection) -> rusqlite::Result<()> {
    // TODO: turn foreign keys on, then run SCHEMA.
    let _ = conn;
    todo!("set_up")
}

/// What went wrong, in the API's terms.
#[derive(Debug)]
pub enum StoreError {
    /// A value that must be unique is taken (UNIQUE or PRIMARY KEY).
    Duplicate,
    /// A required value is missing (NOT NULL).
    Missing,
    /// A value is outside what the schema allows (CHECK).
    Invalid,
    /// A reference to a row that does not exist, or a delete of a row still referred to
    /// (FOREIGN KEY).
    BadReference,
    /// Anything else: not the caller's fault, passed on as it came.
    Database(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        // TODO: a constraint violation (rusqlite::ErrorCode::ConstraintViolation) becomes the
        // matching variant, by its extended code (rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE...);
        // everything else, other kinds of constraint included, is Database(err).
        StoreError::Database(err)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the store's API. Each `?` turns a rusqlite::Error into a StoreError through `From`.

/// Opens a fresh in-memory database, set up.
pub fn open() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    set_up(&conn)?;
    Ok(conn)
}

/// Adds a customer and returns its id.
pub fn add_customer(conn: &Connection, email: &str, name: &str) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO customers (email, name) VALUES (?1, ?2)",
        (email, name),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Adds an order of `quantity` items for customer `customer_id` and returns its id.
pub fn add_order(conn: &Connection, customer_id: i64, quantity: i64) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO orders (customer_id, quantity) VALUES (?1, ?2)",
        (customer_id, quantity),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Deletes a customer; returns whether there was one. Fails while the customer has orders.
pub fn delete_customer(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn.execute("DELETE FROM customers WHERE id = ?1", [id])? == 1)
}
