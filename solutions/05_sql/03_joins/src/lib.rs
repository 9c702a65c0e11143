//! # Joins: inner, left, and the row that disappears
//!
//! Related facts live in different tables: a customer in `customers`, their orders in
//! `orders`, linked by `orders.customer_id`. A **join** puts them back together, one output
//! row per matching pair:
//!
//! ```text
//! SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id
//! ```
//!
//! That is an **inner join**: only pairs that match. A customer with no orders matches
//! nothing, so **the customer disappears** from the result. For "orders with their customer"
//! that is right; for "every customer and what they bought" it is the classic bug: the report
//! silently omits everyone who has not bought yet, and nobody notices, because no row says
//! it is missing.
//!
//! A **left join** (`LEFT JOIN orders o ON ...`) keeps every row of the left table; where
//! nothing matches, the right table's columns are NULL. In Rust, those columns read as
//! `Option`. Two traps follow:
//!
//! - **Counting.** Grouped by customer, a customer without orders is one row of NULLs, so
//!   `COUNT(*)` (rows) says 1. `COUNT(o.id)` counts the non-NULL values: 0.
//! - **Filtering the right side.** `LEFT JOIN orders o ON o.customer_id = c.id
//!   WHERE o.status = 'paid'` throws away the NULL rows (NULL = 'paid' is not true), and the
//!   left join has become an inner one again. A condition on the right table that must keep
//!   the unmatched rows belongs in the `ON` clause.
//!
//! Both tables have an `id`: name every column by its table (`c.id`, `o.id`), or SQLite
//! reports an ambiguous column. Group by the key (`c.id`), not by the name: two customers may
//! share a name.
//!
//! You write four queries and the functions that run them; the schema and types are given.
//! The chapter README has more on joins.
//!
//! Primary sources: SQLite SELECT, the FROM clause and joins
//! <https://www.sqlite.org/lang_select.html#fromclause>; aggregate functions
//! <https://www.sqlite.org/lang_aggfunc.html>.

use rusqlite::{Connection, Result};

/// Every order that has a customer, with the customer's name, in order id order.
pub const ORDERS_WITH_CUSTOMER: &str = "
    SELECT o.id, c.name, o.total_cents
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    ORDER BY o.id";

/// Every customer with each of their orders, in customer id then order id order; a customer
/// without orders appears once, with NULL order columns.
pub const CUSTOMERS_WITH_ORDERS: &str = "
    SELECT c.id, c.name, o.id, o.total_cents
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id
    ORDER BY c.id, o.id";

/// Every customer with their number of orders (0 included), in customer id order.
pub const ORDER_COUNTS: &str = "
    SELECT c.id, c.name, count(o.id)
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id
    GROUP BY c.id
    ORDER BY c.id";

/// Every customer with their number of *paid* orders (0 included), in customer id order.
pub const PAID_ORDER_COUNTS: &str = "
    SELECT c.id, c.name, count(o.id)
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'paid'
    GROUP BY c.id
    ORDER BY c.id";

/// Orders with their customer: an inner join.
pub fn orders_with_customer(conn: &Connection) -> Result<Vec<OrderLine>> {
    let mut stmt = conn.prepare(ORDERS_WITH_CUSTOMER)?;
    let rows = stmt.query_map([], |row| {
        Ok(OrderLine {
            order_id: row.get(0)?,
            customer: row.get(1)?,
            total_cents: row.get(2)?,
        })
    })?;
    rows.collect()
}

/// Customers with their orders: a left join; no orders reads as `None`.
pub fn customers_with_orders(conn: &Connection) -> Result<Vec<CustomerOrder>> {
    let mut stmt = conn.prepare(CUSTOMERS_WITH_ORDERS)?;
    let rows = stmt.query_map([], |row| {
        Ok(CustomerOrder {
            customer_id: row.get(0)?,
            customer: row.get(1)?,
            // NULL when the left join found no order: Option, or the read fails.
            order_id: row.get(2)?,
            total_cents: row.get(3)?,
        })
    })?;
    rows.collect()
}

/// How many orders each customer has.
pub fn order_counts(conn: &Connection) -> Result<Vec<OrderCount>> {
    counts(conn, ORDER_COUNTS)
}

/// How many paid orders each customer has.
pub fn paid_order_counts(conn: &Connection) -> Result<Vec<OrderCount>> {
    counts(conn, PAID_ORDER_COUNTS)
}

fn counts(conn: &Connection, sql: &str) -> Result<Vec<OrderCount>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |row| {
        Ok(OrderCount {
            customer_id: row.get(0)?,
            customer: row.get(1)?,
            orders: row.get(2)?,
        })
    })?;
    rows.collect()
}

// ---------------------------------------------------------------------------------------------
// Given: the schema and the row types.

/// The schema. `customer_id` is NULL for a guest checkout (an order without a customer).
pub const SCHEMA: &str = "
    CREATE TABLE customers (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL
    );
    CREATE TABLE orders (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER REFERENCES customers (id),
        total_cents INTEGER NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('open', 'paid'))
    );
";

/// Opens a fresh in-memory database with the schema.
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// An order and the name of its customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub order_id: i64,
    pub customer: String,
    pub total_cents: i64,
}

/// A customer and one of their orders, or no order (`None`s) for a customer without any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerOrder {
    pub customer_id: i64,
    pub customer: String,
    pub order_id: Option<i64>,
    pub total_cents: Option<i64>,
}

/// A customer and a number of orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCount {
    pub customer_id: i64,
    pub customer: String,
    pub orders: i64,
}
