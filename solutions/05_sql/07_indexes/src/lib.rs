//! # Indexes and `EXPLAIN QUERY PLAN`
//!
//! A table without an index is a heap of rows in rowid order. To find the orders of customer
//! 42, SQLite has to read **every** row and keep the ones that match: a **SCAN**. That is
//! fine for a thousand rows and an outage for fifty million, and it is the most common reason
//! a backend gets slow as its data grows: the query did not change, the table did.
//!
//! An **index** is a second B-tree, sorted by the indexed columns, that holds each row's
//! values of those columns and its rowid. With an index on `orders(customer_id)` SQLite goes
//! straight to the entries for 42 (a **SEARCH**, O(log n)) and fetches just those rows by
//! rowid. Three things decide what an index can do:
//!
//! - **Column order.** An index on `(customer_id, created_at)` serves `WHERE customer_id = ?`
//!   and, since the entries for one customer are already sorted by `created_at`, also
//!   `ORDER BY created_at` without sorting. An index on `(created_at, customer_id)` serves
//!   neither: like a phone book sorted by first name, it cannot find a surname.
//! - **Covering.** When every column a query needs is in the index, SQLite answers from the
//!   index alone and never reads the table: a **covering index**.
//! - **Cost.** Every index is updated on every write and takes space: index what the queries
//!   need, not every column.
//!
//! You never guess which one a query gets. `EXPLAIN QUERY PLAN <query>` returns one row per
//! step of the plan, each with a `detail` text such as
//!
//! ```text
//! SCAN orders
//! SEARCH orders USING INDEX orders_by_customer (customer_id=?)
//! SEARCH orders USING COVERING INDEX orders_by_status (status=?)
//! USE TEMP B-TREE FOR ORDER BY
//! ```
//!
//! (the last: the rows had to be sorted after they were found). Check the plan of every query
//! that runs on a big table, in a test, as here: it fails the day a change makes it a SCAN.
//!
//! Here you write the function that reads a plan, and the indexes that turn the SCANs of the
//! given queries (below the line) into SEARCHes, one of them covering.
//!
//! Primary sources:
//! - SQLite, `EXPLAIN QUERY PLAN`: <https://www.sqlite.org/eqp.html>; the query planner:
//!   <https://www.sqlite.org/queryplanner.html>; covering indexes:
//!   <https://www.sqlite.org/queryplanner.html#covidx>; `CREATE INDEX`:
//!   <https://www.sqlite.org/lang_createindex.html>

use rusqlite::types::Null;
use rusqlite::{Connection, Result, params_from_iter};

/// The `detail` text of each row of the plan of `sql`, in the order SQLite gives them.
/// `sql` may have placeholders: a plan does not depend on the values.
pub fn query_plan(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    // rusqlite insists on a value per placeholder; NULL will do, the plan ignores values.
    let nulls = std::iter::repeat_n(Null, stmt.parameter_count());
    let details = stmt.query_map(params_from_iter(nulls), |row| row.get("detail"))?;
    details.collect()
}

/// The indexes that make every query below a SEARCH (no SCAN, no temporary B-tree for
/// ORDER BY) and answer `ORDER_TOTALS_BY_STATUS` from a covering index. Several statements,
/// each ending in `;`. (`CREATE UNIQUE INDEX` is also a constraint, and a promise the planner
/// uses: at most one row per value.)
pub const INDEXES: &str = "
    -- Unique, so the planner knows an email matches at most one customer: the join below
    -- then reads that one customer's orders already in order, with no sort.
    CREATE UNIQUE INDEX customers_by_email ON customers (email);
    -- Equality column first, then the ORDER BY column: found and sorted in one search.
    CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
    -- Covering: status to search, total_cents to sum, so the table is never read.
    CREATE INDEX orders_by_status ON orders (status, total_cents);
";

// ---------------------------------------------------------------------------------------------
// Given: the schema and the queries the application runs.

/// Customers and their orders. (`id INTEGER PRIMARY KEY` is the rowid: lookups by id are
/// already a SEARCH, with no index to create.)
pub const SCHEMA: &str = "
    CREATE TABLE customers (
        id    INTEGER PRIMARY KEY,
        email TEXT NOT NULL,
        name  TEXT NOT NULL
    );
    CREATE TABLE orders (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id),
        status      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        total_cents INTEGER NOT NULL
    );
";

/// The login page: one customer by email.
pub const CUSTOMER_BY_EMAIL: &str = "SELECT id, name FROM customers WHERE email = ?1";

/// A customer's order history, oldest first.
pub const ORDERS_OF_CUSTOMER: &str = "
    SELECT id, created_at, total_cents FROM orders
    WHERE customer_id = ?1
    ORDER BY created_at, id";

/// The dashboard: how many orders have a status, and their total.
pub const ORDER_TOTALS_BY_STATUS: &str = "
    SELECT count(*), coalesce(sum(total_cents), 0) FROM orders WHERE status = ?1";

/// The orders of the customer with this email, newest first.
pub const ORDERS_BY_EMAIL: &str = "
    SELECT orders.id, orders.total_cents FROM customers
    JOIN orders ON orders.customer_id = customers.id
    WHERE customers.email = ?1
    ORDER BY orders.created_at DESC, orders.id DESC";

/// Opens an in-memory database with the schema (and no index yet).
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}
