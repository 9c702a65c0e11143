//! The specification of the customer and order reports: an inner join keeps only matching
//! pairs, a left join keeps every customer, and counts over a left join count orders, not rows.

use joins::{
    CustomerOrder, OrderCount, OrderLine, customers_with_orders, open, order_counts,
    orders_with_customer, paid_order_counts,
};
use rusqlite::Connection;

/// Customers 1 zoe (two orders, one paid), 2 bob (none), 3 ada (one open), 4 zoe again
/// (one paid: same name, another customer); order 3 is a guest checkout (no customer).
/// Ids follow neither the names nor the insertion order of the orders.
fn shop() -> Connection {
    let conn = open().unwrap();
    conn.execute_batch(
        "INSERT INTO customers (id, name) VALUES (1, 'zoe'), (2, 'bob'), (3, 'ada'), (4, 'zoe');
         INSERT INTO orders (id, customer_id, total_cents, status) VALUES
             (5, 1, 1500, 'paid'),
             (2, 3, 700, 'open'),
             (3, NULL, 999, 'paid'),
             (1, 1, 0, 'open'),
             (4, 4, 2500, 'paid');",
    )
    .unwrap();
    conn
}

fn line(order_id: i64, customer: &str, total_cents: i64) -> OrderLine {
    OrderLine {
        order_id,
        customer: customer.into(),
        total_cents,
    }
}

fn pair(customer_id: i64, customer: &str, order: Option<(i64, i64)>) -> CustomerOrder {
    CustomerOrder {
        customer_id,
        customer: customer.into(),
        order_id: order.map(|(id, _)| id),
        total_cents: order.map(|(_, total)| total),
    }
}

fn count(customer_id: i64, customer: &str, orders: i64) -> OrderCount {
    OrderCount {
        customer_id,
        customer: customer.into(),
        orders,
    }
}

/// Runs a report, failing with the likely cause.
#[track_caller]
fn run<T>(what: &str, result: rusqlite::Result<T>) -> T {
    result.unwrap_or_else(|err| {
        panic!(
            "{what} must work, got: {err}. An 'ambiguous column name' means a column both \
             tables have (id) is not named by its table (c.id, o.id); an 'Invalid column type \
             Null' means a NULL from the outer side of a LEFT JOIN was read into a plain value, \
             not an Option (or an inner join was meant)"
        )
    })
}

// ---------------------------------------------------------------------------------------------
// Inner join: matching pairs only

#[test]
fn inner_join_pairs_each_order_with_its_customer() {
    let conn = open().unwrap();
    conn.execute_batch(
        "INSERT INTO customers (id, name) VALUES (1, 'ada'), (2, 'bob');
         INSERT INTO orders (id, customer_id, total_cents, status) VALUES
             (1, 2, 300, 'open'), (2, 1, 450, 'paid');",
    )
    .unwrap();
    assert_eq!(
        run("orders_with_customer", orders_with_customer(&conn)),
        [line(1, "bob", 300), line(2, "ada", 450)],
        "each order with the name of the customer whose id is its customer_id, in order id \
         order (JOIN customers c ON c.id = o.customer_id ... ORDER BY o.id)"
    );
}

#[test]
fn inner_join_leaves_out_what_has_no_match() {
    let conn = shop();
    assert_eq!(
        run("orders_with_customer", orders_with_customer(&conn)),
        [
            line(1, "zoe", 0),
            line(2, "ada", 700),
            line(4, "zoe", 2500),
            line(5, "zoe", 1500)
        ],
        "guest order 3 has no customer and bob has no order: an inner join keeps neither, \
         each order appears once, in order id order"
    );
}

#[test]
fn inner_join_of_no_orders_is_empty() {
    let conn = open().unwrap();
    conn.execute("INSERT INTO customers (name) VALUES ('ada')", [])
        .unwrap();
    assert_eq!(
        run("orders_with_customer", orders_with_customer(&conn)),
        [],
        "no orders, no pairs: a customer alone is not an order line"
    );
}

// ---------------------------------------------------------------------------------------------
// Left join: every customer, None where nothing matched

#[test]
fn left_join_lists_each_customer_with_each_order() {
    let conn = shop();
    let rows = run("customers_with_orders", customers_with_orders(&conn));
    assert_eq!(
        rows.iter()
            .filter(|r| r.customer_id == 1)
            .cloned()
            .collect::<Vec<_>>(),
        [
            pair(1, "zoe", Some((1, 0))),
            pair(1, "zoe", Some((5, 1500)))
        ],
        "customer 1 has orders 1 and 5: one row each, in order id order. A total of 0 is \
         Some(0), a value, not None"
    );
}

#[test]
fn a_customer_without_orders_appears_once_with_none() {
    let conn = shop();
    let rows = run("customers_with_orders", customers_with_orders(&conn));
    assert_eq!(
        rows.iter()
            .filter(|r| r.customer_id == 2)
            .cloned()
            .collect::<Vec<_>>(),
        [pair(2, "bob", None)],
        "bob has no orders. An inner join drops him (the row that disappears); a LEFT JOIN \
         from customers keeps him once, with NULL order columns, read as None"
    );
}

#[test]
fn left_join_keeps_every_customer_in_order() {
    let conn = shop();
    assert_eq!(
        run("customers_with_orders", customers_with_orders(&conn)),
        [
            pair(1, "zoe", Some((1, 0))),
            pair(1, "zoe", Some((5, 1500))),
            pair(2, "bob", None),
            pair(3, "ada", Some((2, 700))),
            pair(4, "zoe", Some((4, 2500))),
        ],
        "every customer, each with their orders, by customer id then order id (ORDER BY c.id, \
         o.id); guest order 3 belongs to no customer, so it is not here: the left table is \
         customers"
    );
}

#[test]
fn left_join_with_no_orders_lists_every_customer_with_none() {
    let conn = open().unwrap();
    conn.execute_batch("INSERT INTO customers (id, name) VALUES (1, 'ada'), (2, 'bob');")
        .unwrap();
    assert_eq!(
        run("customers_with_orders", customers_with_orders(&conn)),
        [pair(1, "ada", None), pair(2, "bob", None)],
        "no orders at all: every customer still appears, once, with None"
    );
    let empty = open().unwrap();
    assert_eq!(
        run("customers_with_orders", customers_with_orders(&empty)),
        [],
        "no customers, no rows"
    );
}

// ---------------------------------------------------------------------------------------------
// Counting over a left join

#[test]
fn order_counts_count_each_customers_orders() {
    let conn = shop();
    let counts = run("order_counts", order_counts(&conn));
    assert_eq!(
        counts.iter().find(|c| c.customer_id == 1),
        Some(&count(1, "zoe", 2)),
        "customer 1 has 2 orders: one row per customer (GROUP BY c.id), got {counts:?}"
    );
}

#[test]
fn a_customer_without_orders_counts_zero() {
    let conn = shop();
    let counts = run("order_counts", order_counts(&conn));
    assert_eq!(
        counts.iter().find(|c| c.customer_id == 2),
        Some(&count(2, "bob", 0)),
        "bob has no orders: 0. Missing means an inner join dropped him; 1 means COUNT(*), \
         which counts his one row of NULLs: COUNT(o.id) counts only the orders that exist"
    );
}

#[test]
fn customers_sharing_a_name_are_counted_apart() {
    let conn = shop();
    assert_eq!(
        run("order_counts", order_counts(&conn)),
        [
            count(1, "zoe", 2),
            count(2, "bob", 0),
            count(3, "ada", 1),
            count(4, "zoe", 1)
        ],
        "every customer once, in customer id order; the two zoes are different customers: \
         group by the key (c.id), not by the name"
    );
}

#[test]
fn order_counts_of_customers_without_any_order_are_all_zero() {
    let conn = open().unwrap();
    conn.execute_batch(
        "INSERT INTO customers (id, name) VALUES (1, 'ada'), (2, 'bob');
         INSERT INTO orders (customer_id, total_cents, status) VALUES (NULL, 100, 'paid');",
    )
    .unwrap();
    assert_eq!(
        run("order_counts", order_counts(&conn)),
        [count(1, "ada", 0), count(2, "bob", 0)],
        "a guest order is nobody's"
    );
    assert_eq!(
        run("order_counts", order_counts(&open().unwrap())),
        [],
        "no customers, no counts"
    );
}

// ---------------------------------------------------------------------------------------------
// A condition on the outer side: ON, not WHERE

#[test]
fn paid_order_counts_count_only_paid_orders() {
    let conn = shop();
    let counts = run("paid_order_counts", paid_order_counts(&conn));
    assert_eq!(
        counts.iter().find(|c| c.customer_id == 1),
        Some(&count(1, "zoe", 1)),
        "customer 1 has two orders, one of them paid: 1, got {counts:?}"
    );
}

#[test]
fn paid_order_counts_keep_customers_without_paid_orders() {
    let conn = shop();
    assert_eq!(
        run("paid_order_counts", paid_order_counts(&conn)),
        [
            count(1, "zoe", 1),
            count(2, "bob", 0),
            count(3, "ada", 0),
            count(4, "zoe", 1)
        ],
        "every customer, 0 for bob (no orders) and ada (an open one). If they are missing, \
         `WHERE o.status = 'paid'` threw away their NULL rows and made the left join an inner \
         one: put the condition in the ON clause (LEFT JOIN orders o ON o.customer_id = c.id \
         AND o.status = 'paid')"
    );
}
