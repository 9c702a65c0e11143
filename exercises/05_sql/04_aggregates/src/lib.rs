//! # Aggregates: GROUP BY, HAVING, and the NULLs they skip
//!
//! A dashboard rarely shows rows; it shows *summaries*: orders per customer, revenue, the
//! average rating. The database computes them with **aggregate functions** (`count`, `sum`,
//! `avg`, `min`, `max`), over the whole table or, with `GROUP BY customer`, once per group, so
//! one row comes back per customer, not per order. Summing in Rust instead means fetching every
//! row over the network to throw most of it away.
//!
//! Four rules decide whether the numbers are right:
//!
//! - **`WHERE` filters rows, before grouping; `HAVING` filters groups, after.** "Customers who
//!   spent at least 100 €" is a condition on `sum(total_cents)`, a property of the group: it
//!   goes in `HAVING`. Put `total_cents >= 10000` in `WHERE` and you ask "customers with one
//!   order of at least 100 €", a different question with a plausible-looking answer.
//! - **Aggregates skip NULL.** `count(*)` counts rows; `count(rating)` counts the rows whose
//!   rating is not NULL; `avg(rating)` averages only those. An unrated order is not a zero.
//! - **An aggregate of no values is NULL**, except `count`, which is 0. `avg` and `sum` over
//!   no rows (or only NULLs) return NULL, so in Rust they are an `Option`; when "nothing" means
//!   0, say so with `coalesce(sum(x), 0)`. Without `GROUP BY`, an aggregate query returns
//!   exactly one row even from an empty table; with it, an empty table has no groups, no rows.
//! - **`GROUP BY` puts all NULLs in one group**, even though `NULL = NULL` is not true.
//!
//! Also: `avg` always returns a floating-point number, while `sum` of integers stays an
//! integer; `sum(x) / count(x)` with integers is integer division.
//!
//! Here the table is `orders`, with a nullable `rating`; you write four SQL constants and the
//! functions that run them. The chapter README has more.
//!
//! Primary sources:
//! - SQLite, aggregate functions: <https://www.sqlite.org/lang_aggfunc.html>
//! - SQLite, SELECT (GROUP BY, HAVING, "the processing of simple aggregate queries"):
//!   <https://www.sqlite.org/lang_select.html#resultset>
//! - rusqlite: `query_row`, `prepare`, `query_map`: <https://docs.rs/rusqlite/0.37.0/rusqlite/>

use rusqlite::{Connection, Result};

/// The schema: every order has a customer, a total in cents and a status; `rating` (1 to 5) is
/// NULL until the customer rates the order.
pub const SCHEMA: &str = "
    CREATE TABLE orders (
        id          INTEGER PRIMARY KEY,
        customer    TEXT NOT NULL,
        total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
        status      TEXT NOT NULL CHECK (status IN ('paid', 'refunded')),
        rating      INTEGER CHECK (rating BETWEEN 1 AND 5)
    );
";

/// Opens a fresh in-memory database with the schema.
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Figures over the whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Every order, whatever its rating or status.
    pub orders: i64,
    /// The orders that have a rating.
    pub rated: i64,
    /// The mean of the ratings given; `None` when there are none.
    pub average_rating: Option<f64>,
    /// The sum of `total_cents` of the *paid* orders; 0 when there are none.
    pub revenue_cents: i64,
}

/// Figures for one customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    pub customer: String,
    /// The customer's orders.
    pub orders: i64,
    /// Those of them that have a rating.
    pub rated: i64,
    /// The mean of the customer's ratings; `None` when they rated nothing.
    pub average_rating: Option<f64>,
}

/// One row over the whole table, no parameters: the number of orders, of rated orders, the
/// average rating, and the revenue of the paid orders (0, not NULL, when there are none).
pub const TOTALS: &str = ""; // TODO: write this SQL

/// One row per customer, in customer order, no parameters: the customer, their number of
/// orders, of rated orders, and their average rating.
pub const PER_CUSTOMER: &str = ""; // TODO: write this SQL

/// The customers whose *paid* orders add up to at least `?1` cents, with that sum; the biggest
/// spender first, ties in customer order. One parameter.
pub const BIG_SPENDERS: &str = ""; // TODO: write this SQL

/// How many orders have each rating, unrated (NULL) first, then 1 to 5; only the ratings that
/// occur. No parameters.
pub const RATING_HISTOGRAM: &str = ""; // TODO: write this SQL

/// The figures over the whole table (an empty table included).
pub fn totals(conn: &Connection) -> Result<Totals> {
    // TODO: run TOTALS; it always returns exactly one row.
    let _ = conn;
    todo!("totals")
}

/// One summary per customer who has orders, in customer order.
pub fn customer_summaries(conn: &Connection) -> Result<Vec<CustomerSummary>> {
    // TODO: run PER_CUSTOMER and collect a CustomerSummary per row.
    let _ = conn;
    todo!("customer_summaries")
}

/// `(customer, paid cents)` for each customer whose paid orders add up to `min_cents` or more.
pub fn big_spenders(conn: &Connection, min_cents: i64) -> Result<Vec<(String, i64)>> {
    // TODO: run BIG_SPENDERS with min_cents as its parameter.
    let _ = conn;
    todo!("big_spenders({min_cents})")
}

/// `(rating, number of orders)`, `None` standing for the unrated orders.
pub fn rating_histogram(conn: &Connection) -> Result<Vec<(Option<i64>, i64)>> {
    // TODO: run RATING_HISTOGRAM and collect the pairs.
    let _ = conn;
    todo!("rating_histogram")
}
