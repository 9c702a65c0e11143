//! The specification of the indexes: `EXPLAIN QUERY PLAN` of each query the application runs
//! shows a SEARCH through an index, never a SCAN of the table or a sort after the fact; the
//! dashboard query is answered from a covering index; and the results are the same as without
//! any index.
//!
//! The plans are read here with the tests' own reader (`plan_of`), so that the tests of the
//! indexes do not depend on your `query_plan`; `query_plan` has tests of its own first.

use indexes::{
    CUSTOMER_BY_EMAIL, INDEXES, ORDER_TOTALS_BY_STATUS, ORDERS_BY_EMAIL, ORDERS_OF_CUSTOMER, open,
    query_plan,
};
use rusqlite::types::Value;
use rusqlite::{Connection, params};

/// The `detail` column of `EXPLAIN QUERY PLAN sql`, placeholders left unbound (NULL).
fn plan_of(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let mut rows = stmt.raw_query();
    let mut details = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        details.push(row.get(3).unwrap());
    }
    details
}

/// 200 customers with 10 orders each, in an order unlike any index: enough rows that a SCAN is
/// a real cost, few enough to build in a few milliseconds.
fn fill(conn: &Connection) {
    let tx = conn.unchecked_transaction().unwrap();
    for c in 1..=200_i64 {
        tx.execute(
            "INSERT INTO customers (id, email, name) VALUES (?1, ?2, ?3)",
            params![c, format!("user{c}@example.com"), format!("User {c}")],
        )
        .unwrap();
    }
    let statuses = ["new", "paid", "shipped", "cancelled"];
    for n in 0..2000_i64 {
        let customer = (n * 37) % 200 + 1;
        let day = (n * 7919) % 365;
        tx.execute(
            "INSERT INTO orders (customer_id, status, created_at, total_cents) \
             VALUES (?1, ?2, date('2025-01-01', ?3), ?4)",
            params![
                customer,
                statuses[(n % 4) as usize],
                format!("+{day} days"),
                (n * 613) % 10_000
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

/// A database with data and no index.
fn unindexed() -> Connection {
    let conn = open().unwrap();
    fill(&conn);
    conn
}

/// A database with data and your INDEXES.
fn indexed() -> Connection {
    let conn = unindexed();
    conn.execute_batch(INDEXES)
        .unwrap_or_else(|err| panic!("INDEXES must be valid SQL: {err}\n{INDEXES}"));
    conn
}

fn index_names(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every row of a query's result, as SQL values, for one bound parameter.
fn rows_of(conn: &Connection, sql: &str, param: &str) -> Vec<Vec<Value>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let columns = stmt.column_count();
    stmt.query_map([param], |row| (0..columns).map(|i| row.get(i)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Reading a plan

#[test]
fn query_plan_of_a_query_on_a_table_without_index_is_a_scan() {
    let conn = unindexed();
    assert_eq!(
        query_plan(&conn, "SELECT name FROM customers WHERE name = 'ada'").unwrap(),
        ["SCAN customers"],
        "query_plan returns the `detail` column (the 4th) of each row of EXPLAIN QUERY PLAN"
    );
}

#[test]
fn query_plan_accepts_placeholders() {
    let conn = unindexed();
    let plan = query_plan(&conn, "SELECT * FROM orders WHERE id = ?1").unwrap_or_else(|err| {
        panic!(
            "a query with placeholders has a plan too (the plan does not depend on the \
             values): bind NULL to each placeholder, or use Statement::raw_query, got {err}"
        )
    });
    assert_eq!(
        plan,
        ["SEARCH orders USING INTEGER PRIMARY KEY (rowid=?)"],
        "a lookup by INTEGER PRIMARY KEY (the rowid) is a SEARCH with no index to create"
    );
}

#[test]
fn query_plan_returns_every_row_in_order() {
    let conn = unindexed();
    assert_eq!(
        query_plan(&conn, ORDERS_BY_EMAIL).expect("ORDERS_BY_EMAIL has a plan"),
        [
            "SCAN orders",
            "SEARCH customers USING INTEGER PRIMARY KEY (rowid=?)",
            "USE TEMP B-TREE FOR ORDER BY",
        ],
        "without indexes the join scans every order, looks up each one's customer, and sorts \
         what is left: one plan row per step, in SQLite's order"
    );
    assert_eq!(
        query_plan(&conn, ORDERS_OF_CUSTOMER).expect("ORDERS_OF_CUSTOMER has a plan"),
        ["SCAN orders", "USE TEMP B-TREE FOR ORDER BY"]
    );
}

#[test]
fn query_plan_of_bad_sql_is_an_error() {
    let conn = unindexed();
    assert!(
        query_plan(&conn, "SELECT * FROM no_such_table").is_err(),
        "a query that does not compile has no plan: return the error"
    );
}

// ---------------------------------------------------------------------------------------------
// The indexes

#[test]
fn indexes_are_created() {
    let conn = indexed();
    let names = index_names(&conn);
    assert!(
        !names.is_empty(),
        "INDEXES created no index: write CREATE INDEX statements (sqlite.org/lang_createindex.html)"
    );
    assert!(
        names.len() <= 4,
        "INDEXES created {} indexes ({names:?}): every index is updated on every write. \
         Three serve these four queries",
        names.len()
    );
}

const SORT_IN_INDEX: &str = "put the ORDER BY column in the index right after the '=' \
    column, so the rows come out of the index already sorted";

/// The plan of `sql` with your indexes, failing if any step scans a table or sorts.
#[track_caller]
fn assert_searches_only(conn: &Connection, sql: &str, what: &str, why_sorted: &str) -> Vec<String> {
    let plan = plan_of(conn, sql);
    for step in &plan {
        assert!(
            !step.starts_with("SCAN"),
            "{what} still reads a whole table or index ({step:?}, the plan is {plan:?}): \
             index the column its WHERE compares with '=', first in the index"
        );
        assert!(
            !step.contains("TEMP B-TREE"),
            "{what} finds its rows and then sorts them ({step:?}, the plan is {plan:?}): \
             {why_sorted}"
        );
    }
    plan
}

#[test]
fn customer_by_email_is_a_search() {
    let conn = indexed();
    let plan = assert_searches_only(&conn, CUSTOMER_BY_EMAIL, "CUSTOMER_BY_EMAIL", SORT_IN_INDEX);
    assert!(
        plan.len() == 1
            && plan[0].starts_with("SEARCH customers USING")
            && plan[0].ends_with("(email=?)"),
        "CUSTOMER_BY_EMAIL searches customers by an index on email, got {plan:?}"
    );
}

#[test]
fn orders_of_customer_is_a_search_without_a_sort() {
    let conn = indexed();
    let plan = assert_searches_only(
        &conn,
        ORDERS_OF_CUSTOMER,
        "ORDERS_OF_CUSTOMER",
        SORT_IN_INDEX,
    );
    assert!(
        plan.len() == 1 && plan[0].starts_with("SEARCH orders USING INDEX"),
        "ORDERS_OF_CUSTOMER searches orders by an index on (customer_id, created_at), got \
         {plan:?}"
    );
    assert!(
        plan[0].ends_with("(customer_id=?)"),
        "the search is by customer_id, got {plan:?}"
    );
}

#[test]
fn order_totals_by_status_come_from_a_covering_index() {
    let conn = indexed();
    let plan = assert_searches_only(
        &conn,
        ORDER_TOTALS_BY_STATUS,
        "ORDER_TOTALS_BY_STATUS",
        SORT_IN_INDEX,
    );
    assert!(
        plan.len() == 1 && plan[0].starts_with("SEARCH orders USING COVERING INDEX"),
        "ORDER_TOTALS_BY_STATUS needs status (to search) and total_cents (to sum): an index \
         on both answers it without reading the table — a covering index. Got {plan:?}, \
         where 'USING INDEX' without COVERING reads each order's row from the table too"
    );
    assert!(
        plan[0].ends_with("(status=?)"),
        "the search is by status, got {plan:?}"
    );
}

#[test]
fn orders_by_email_searches_both_tables_without_a_sort() {
    let conn = indexed();
    let plan = assert_searches_only(
        &conn,
        ORDERS_BY_EMAIL,
        "ORDERS_BY_EMAIL",
        "each customer's orders come out of orders_by_customer sorted, but if several \
         customers could share the email, their orders would interleave and need sorting. \
         Tell the planner an email is one customer at most: make its index UNIQUE",
    );
    assert_eq!(plan.len(), 2, "one search per table, got {plan:?}");
    assert!(
        plan[0].starts_with("SEARCH customers USING") && plan[0].ends_with("(email=?)"),
        "the join starts from the one customer with the email, got {plan:?}"
    );
    assert!(
        plan[1].starts_with("SEARCH orders USING INDEX") && plan[1].ends_with("(customer_id=?)"),
        "then it searches that customer's orders, got {plan:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// An index changes the plan, never the answer

#[test]
fn results_are_the_same_with_and_without_the_indexes() {
    let before = unindexed();
    let after = indexed();
    for (sql, what, params) in [
        (
            CUSTOMER_BY_EMAIL,
            "CUSTOMER_BY_EMAIL",
            &["user7@example.com", "nobody@example.com"][..],
        ),
        (
            ORDERS_OF_CUSTOMER,
            "ORDERS_OF_CUSTOMER",
            &["1", "42", "200", "999"][..],
        ),
        (
            ORDER_TOTALS_BY_STATUS,
            "ORDER_TOTALS_BY_STATUS",
            &["paid", "cancelled", "lost"][..],
        ),
        (
            ORDERS_BY_EMAIL,
            "ORDERS_BY_EMAIL",
            &["user42@example.com", "nobody@example.com"][..],
        ),
    ] {
        for param in params {
            assert_eq!(
                rows_of(&after, sql, param),
                rows_of(&before, sql, param),
                "{what} with {param:?} returns other rows once the indexes exist: an index \
                 must change how rows are found, never which ones"
            );
        }
    }
}

#[test]
fn a_unique_email_index_refuses_a_second_customer_with_the_same_email() {
    let conn = indexed();
    let result = conn.execute(
        "INSERT INTO customers (email, name) VALUES ('user1@example.com', 'Impostor')",
        [],
    );
    assert!(
        result.is_err(),
        "the index on email is UNIQUE (customers log in by email): besides speed, it is a \
         constraint, and it tells the planner an email matches one customer at most"
    );
}
