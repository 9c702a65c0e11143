//! The specification of the shop's schema: bad rows are refused by the database itself, and
//! each refusal reaches the caller as the StoreError that says why.

use rusqlite::Connection;
use schema_constraints::{StoreError, add_customer, add_order, delete_customer, set_up};

/// A fresh connection as a stock SQLite opens it (foreign keys off: rusqlite's bundled build
/// turns them on by default, the sqlite3 shell and system builds do not), then `set_up`.
fn db() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    set_up(&conn).expect("set_up creates the schema: is SCHEMA valid SQL?");
    conn
}

/// A database with ada (customer 1) and grace (customer 2); ada has one order (order 1).
fn sample() -> Connection {
    let conn = db();
    add_customer(&conn, "ada@example.com", "Ada").expect("a plain customer goes in");
    add_customer(&conn, "grace@example.com", "Grace").expect("a plain customer goes in");
    add_order(&conn, 1, 3).expect("a plain order goes in");
    conn
}

/// Runs SQL the API does not offer (NULLs, explicit ids) and maps its error like the API does.
fn raw(conn: &Connection, sql: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(sql, [])?)
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .unwrap()
}

fn variant(err: &StoreError) -> &'static str {
    match err {
        StoreError::Duplicate => "Duplicate",
        StoreError::Missing => "Missing",
        StoreError::Invalid => "Invalid",
        StoreError::BadReference => "BadReference",
        StoreError::Database(_) => "Database",
    }
}

/// Asserts that `what` was refused with `StoreError::{want}`.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    result: Result<T, StoreError>,
    want: &str,
    what: &str,
    schema: &str,
) {
    match result {
        Ok(value) => panic!(
            "{what}: the database allowed it (got Ok({value:?})), so bad data gets in. The \
             schema needs {schema}"
        ),
        Err(err) => assert_eq!(
            variant(&err),
            want,
            "{what} was refused, but as {err:?}: the schema constraint is right, the mapping in \
             From<rusqlite::Error> is not. Match err.sqlite_error()'s extended_code \
             (rusqlite::ffi::SQLITE_CONSTRAINT_...), not the message"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The schema and the connection

#[test]
fn good_rows_go_in() {
    let conn = db();
    assert_eq!(add_customer(&conn, "ada@example.com", "Ada").unwrap(), 1);
    assert_eq!(add_order(&conn, 1, 1).unwrap(), 1);
    assert_eq!(
        add_order(&conn, 1, 100).unwrap(),
        2,
        "1 and 100 are both allowed"
    );
    assert_eq!((count(&conn, "customers"), count(&conn, "orders")), (1, 2));
}

#[test]
fn set_up_turns_foreign_keys_on() {
    let conn = db();
    let on: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        on, 1,
        "SQLite enforces foreign keys only on connections that ran PRAGMA foreign_keys = ON \
         (off by default, https://www.sqlite.org/foreignkeys.html#fk_enable). rusqlite's bundled \
         build turns them on, but this connection started with them off, as in a stock SQLite"
    );
}

// ---------------------------------------------------------------------------------------------
// UNIQUE and PRIMARY KEY

#[test]
fn a_taken_email_is_a_duplicate() {
    let conn = sample();
    refused(
        add_customer(&conn, "ada@example.com", "Impostor"),
        "Duplicate",
        "a second customer with ada@example.com",
        "UNIQUE on customers.email",
    );
    assert_eq!(
        count(&conn, "customers"),
        2,
        "the refused row left nothing behind"
    );
}

#[test]
fn an_email_differing_only_in_case_is_a_duplicate() {
    let conn = sample();
    refused(
        add_customer(&conn, "ADA@Example.COM", "Impostor"),
        "Duplicate",
        "ADA@Example.COM beside ada@example.com",
        "the email compared without ASCII case: COLLATE NOCASE on the column",
    );
}

#[test]
fn a_taken_id_is_a_duplicate() {
    let conn = sample();
    refused(
        raw(
            &conn,
            "INSERT INTO customers (id, email, name) VALUES (1, 'x@example.com', 'X')",
        ),
        "Duplicate",
        "a second customer with id 1",
        "id INTEGER PRIMARY KEY (its violation is SQLITE_CONSTRAINT_PRIMARYKEY, a duplicate too)",
    );
}

// ---------------------------------------------------------------------------------------------
// NOT NULL

#[test]
fn a_null_in_a_required_column_is_missing() {
    let conn = sample();
    for (sql, what) in [
        (
            "INSERT INTO customers (email, name) VALUES (NULL, 'X')",
            "a customer without email",
        ),
        (
            "INSERT INTO customers (email, name) VALUES ('x@example.com', NULL)",
            "a customer without name",
        ),
        (
            "INSERT INTO orders (customer_id, quantity) VALUES (NULL, 1)",
            "an order without customer",
        ),
    ] {
        refused(raw(&conn, sql), "Missing", what, "NOT NULL on that column");
    }
    assert_eq!((count(&conn, "customers"), count(&conn, "orders")), (2, 1));
}

#[test]
fn a_null_quantity_is_missing_because_check_lets_null_through() {
    let conn = sample();
    refused(
        raw(
            &conn,
            "INSERT INTO orders (customer_id, quantity) VALUES (1, NULL)",
        ),
        "Missing",
        "an order without quantity",
        "NOT NULL on quantity as well as the CHECK: a CHECK whose expression is NULL passes \
         (only false fails), and NULL BETWEEN 1 AND 100 is NULL",
    );
}

// ---------------------------------------------------------------------------------------------
// CHECK

#[test]
fn an_empty_name_is_invalid() {
    let conn = sample();
    refused(
        add_customer(&conn, "x@example.com", ""),
        "Invalid",
        "a customer named ''",
        "CHECK (name <> ''): NOT NULL does not refuse the empty string, which is a value",
    );
}

#[test]
fn a_quantity_just_outside_1_to_100_is_invalid() {
    let conn = sample();
    for quantity in [0, 101, -1, i64::MIN, i64::MAX] {
        refused(
            add_order(&conn, 1, quantity),
            "Invalid",
            &format!("an order of {quantity} items"),
            "CHECK (quantity BETWEEN 1 AND 100), both ends included",
        );
    }
    assert_eq!(
        count(&conn, "orders"),
        1,
        "only the sample's order is there"
    );
}

#[test]
fn a_text_quantity_is_invalid() {
    let conn = sample();
    refused(
        raw(
            &conn,
            "INSERT INTO orders (customer_id, quantity) VALUES (1, 'many')",
        ),
        "Invalid",
        "an order of 'many' items",
        "a CHECK with an upper bound: an INTEGER column of an ordinary table stores text it \
         cannot convert as text (type affinity, https://www.sqlite.org/datatype3.html), and \
         text sorts after every number, so 'many' > 0 is true but 'many' <= 100 is false",
    );
}

// ---------------------------------------------------------------------------------------------
// FOREIGN KEY

#[test]
fn an_order_for_a_missing_customer_is_a_bad_reference() {
    let conn = sample();
    for customer_id in [99, 0, -1] {
        refused(
            add_order(&conn, customer_id, 1),
            "BadReference",
            &format!("an order for customer {customer_id}, who does not exist"),
            "customer_id INTEGER REFERENCES customers (id), and PRAGMA foreign_keys = ON on \
             the connection (without the pragma SQLite ignores REFERENCES)",
        );
    }
    assert_eq!(count(&conn, "orders"), 1, "no orphan order went in");
}

#[test]
fn a_customer_with_orders_cannot_be_deleted() {
    let conn = sample();
    refused(
        delete_customer(&conn, 1),
        "BadReference",
        "deleting ada, who has an order",
        "the foreign key from orders.customer_id, enforced (PRAGMA foreign_keys = ON)",
    );
    assert_eq!(count(&conn, "customers"), 2, "ada is still there");
}

#[test]
fn a_customer_without_orders_can_be_deleted() {
    let conn = sample();
    assert!(delete_customer(&conn, 2).expect("grace has no orders"));
    assert!(!delete_customer(&conn, 2).unwrap(), "and is gone");
    assert_eq!(count(&conn, "customers"), 1);
}

// ---------------------------------------------------------------------------------------------
// Everything else is not the caller's fault

#[test]
fn errors_that_are_not_these_constraints_stay_database_errors() {
    let conn = sample();
    conn.execute_batch(
        "CREATE TRIGGER no_big_orders BEFORE INSERT ON orders WHEN NEW.quantity > 50
         BEGIN SELECT RAISE(ABORT, 'too big'); END;",
    )
    .unwrap();
    let cases: [(&str, StoreError); 3] = [
        (
            "a syntax error",
            raw(&conn, "INSRT INTO orders VALUES (1)").unwrap_err(),
        ),
        (
            "a missing row (QueryReturnedNoRows)",
            conn.query_row("SELECT id FROM orders WHERE id = 99", [], |row| {
                row.get::<_, i64>(0)
            })
            .map_err(StoreError::from)
            .unwrap_err(),
        ),
        (
            "a trigger's RAISE(ABORT), a constraint violation of another kind \
             (SQLITE_CONSTRAINT_TRIGGER)",
            add_order(&conn, 1, 60).unwrap_err(),
        ),
    ];
    for (what, err) in cases {
        assert_eq!(
            variant(&err),
            "Database",
            "{what} must stay StoreError::Database, got {err:?}: only the four constraints \
             the schema declares are the caller's fault; map by extended code and let every \
             other error through"
        );
    }
}
