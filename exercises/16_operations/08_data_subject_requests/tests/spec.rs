//! The specification of the data-subject requests: the export holds every personal value
//! stored about the user (and no session token, and nothing of anyone else); the erasure
//! leaves none of the user's personal values in any column of any table, keeps the orders and
//! the audit trail the law requires, leaves other users byte for byte as they were, and
//! happens in one transaction.

use data_subject_requests::{SCHEMA, erase, export, pseudonym};
use rusqlite::{Connection, params};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The data: Alice (1), whose requests these are, and Bob (2), who must not be touched.

const ALICE: i64 = 1;
const BOB: i64 = 2;

/// Every personal value stored about Alice, wherever it sits.
const ALICE_PERSONAL: &[&str] = &[
    "alice@example.com",
    "Alice Liddell",
    "7 Rabbit Hole Lane",
    "Oxford",
    "OX1 1AA",
    "Wonderland Road 1, 10115 Berlin",
    "203.0.113.7",
    "198.51.100.23",
    "Mozilla/5.0 (Alice's Laptop)",
    "tok-alice-9f2c",
    "tok-alice-1b7e",
];

const BOB_PERSONAL: &[&str] = &[
    "bob@example.org",
    "Bob Builder",
    "1 Yard Street",
    "Leeds",
    "LS1 4AP",
    "192.0.2.55",
    "curl/8.5",
    "tok-bob-77aa",
];

fn seeded() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
    conn.execute_batch(SCHEMA).unwrap();
    conn.execute_batch(
        "INSERT INTO users VALUES (1, 'alice@example.com', 'Alice Liddell', '2024-01-05');
         INSERT INTO users VALUES (2, 'bob@example.org', 'Bob Builder', '2024-02-11');
         INSERT INTO addresses VALUES (10, 1, '7 Rabbit Hole Lane', 'Oxford', 'OX1 1AA');
         INSERT INTO addresses VALUES (11, 2, '1 Yard Street', 'Leeds', 'LS1 4AP');
         INSERT INTO orders VALUES (100, 1, 4599, '7 Rabbit Hole Lane, Oxford OX1 1AA', '2024-03-01');
         INSERT INTO orders VALUES (101, 1, 1250, 'Wonderland Road 1, 10115 Berlin', '2024-04-12');
         INSERT INTO orders VALUES (102, 2, 999, '1 Yard Street, Leeds LS1 4AP', '2024-04-13');
         INSERT INTO sessions VALUES ('tok-alice-9f2c', 1, '203.0.113.7', 'Mozilla/5.0 (Alice''s Laptop)', '2024-05-01T09:00:00Z');
         INSERT INTO sessions VALUES ('tok-alice-1b7e', 1, '198.51.100.23', 'Mozilla/5.0 (Alice''s Laptop)', '2024-05-02T18:30:00Z');
         INSERT INTO sessions VALUES ('tok-bob-77aa', 2, '192.0.2.55', 'curl/8.5', '2024-05-03T07:15:00Z');
         INSERT INTO audit_log VALUES (1000, '2024-05-01T09:00:00Z', 1, 'alice@example.com', 'login', '203.0.113.7', NULL);
         INSERT INTO audit_log VALUES (1001, '2024-05-01T09:05:00Z', 2, 'bob@example.org', 'login', '192.0.2.55', NULL);
         INSERT INTO audit_log VALUES (1002, '2024-05-02T18:30:00Z', 1, 'alice@example.com', 'password_reset', '198.51.100.23', 'reset link sent to alice@example.com (Alice Liddell)');",
    )
    .unwrap();
    conn
}

/// Every table and column where `value` appears, in any row (as `table.column`).
fn places(conn: &Connection, value: &str) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for column in columns {
            let sql = format!(
                "SELECT count(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), ?1) > 0"
            );
            let n: i64 = conn.query_row(&sql, [value], |r| r.get(0)).unwrap();
            if n > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
    }
    found
}

/// Every row of every table, as text, for comparing a database before and after.
fn snapshot(conn: &Connection, only_user: Option<i64>) -> Vec<String> {
    let queries = [
        (
            "users",
            "SELECT * FROM users WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        ),
        (
            "addresses",
            "SELECT * FROM addresses WHERE ?1 IS NULL OR user_id = ?1 ORDER BY id",
        ),
        (
            "orders",
            "SELECT * FROM orders WHERE ?1 IS NULL OR user_id = ?1 ORDER BY id",
        ),
        (
            "sessions",
            "SELECT * FROM sessions WHERE ?1 IS NULL OR user_id = ?1 ORDER BY token",
        ),
        (
            "audit_log",
            "SELECT * FROM audit_log WHERE ?1 IS NULL OR user_id = ?1 ORDER BY id",
        ),
    ];
    let mut rows = Vec::new();
    for (table, sql) in queries {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let mut query = stmt.query(params![only_user]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            rows.push(format!("{table}: {}", values.join(", ")));
        }
    }
    rows
}

/// An order: id, user_id, total_cents, shipping_address, placed_at.
type Order = (i64, Option<i64>, i64, Option<String>, String);
/// An audit entry: id, actor, event, ip, detail.
type Entry = (i64, String, String, Option<String>, Option<String>);
/// An audit entry: at, user_id, actor, event, ip, detail.
type LastEntry = (
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
);

#[track_caller]
fn exported(conn: &Connection, user: i64) -> Value {
    export(conn, user)
        .unwrap_or_else(|e| panic!("export({user}) failed: {e}"))
        .unwrap_or_else(|| panic!("export({user}) found no user, but user {user} exists"))
}

#[track_caller]
fn erased(conn: &mut Connection, user: i64) {
    let found = erase(conn, user, "2024-06-01T12:00:00Z")
        .unwrap_or_else(|e| panic!("erase({user}) failed: {e}"));
    assert!(found, "erase({user}) must return true: the user exists");
}

// ---------------------------------------------------------------------------------------------
// Access (Art. 15)

#[test]
fn the_export_has_a_section_per_table() {
    let conn = seeded();
    let doc = exported(&conn, ALICE);
    let keys: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut keys = keys;
    keys.sort();
    assert_eq!(
        keys,
        ["addresses", "audit_log", "orders", "sessions", "user"],
        "the export is one JSON object with a key per kind of data; got {doc}"
    );
    assert_eq!(doc["user"]["email"], "alice@example.com", "got {doc}");
    assert_eq!(
        doc["orders"].as_array().map(Vec::len),
        Some(2),
        "Alice has two orders; got {doc}"
    );
    assert_eq!(doc["audit_log"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_export_holds_every_personal_value_about_the_user() {
    let conn = seeded();
    let text = exported(&conn, ALICE).to_string();
    for value in ALICE_PERSONAL.iter().filter(|v| !v.starts_with("tok-")) {
        let json_value = serde_json::to_string(value).unwrap();
        assert!(
            text.contains(&json_value),
            "{value:?} is stored about Alice, so her export must contain it (Art. 15: all \
             the personal data); export: {text}"
        );
    }
}

#[test]
fn the_export_holds_no_session_token() {
    let conn = seeded();
    let text = exported(&conn, ALICE).to_string();
    for token in ["tok-alice-9f2c", "tok-alice-1b7e"] {
        assert!(
            !text.contains(token),
            "the export contains the session token {token}: a live credential in a file \
             mailed to the user lets anyone who reads it log in as them; export: {text}"
        );
    }
}

#[test]
fn the_export_holds_nothing_about_anyone_else() {
    let conn = seeded();
    let text = exported(&conn, ALICE).to_string();
    for value in BOB_PERSONAL {
        assert!(
            !text.contains(value),
            "Alice's export contains Bob's {value:?}: a data breach in an access request; \
             export: {text}"
        );
    }
}

#[test]
fn an_unknown_user_has_no_export() {
    let conn = seeded();
    assert_eq!(export(&conn, 99).unwrap(), None, "there is no user 99");
}

// ---------------------------------------------------------------------------------------------
// Erasure (Art. 17)

#[test]
fn after_erasure_no_personal_value_remains_anywhere() {
    let mut conn = seeded();
    erased(&mut conn, ALICE);
    for value in ALICE_PERSONAL {
        let found = places(&conn, value);
        assert!(
            found.is_empty(),
            "after erasing Alice, {value:?} is still in {found:?} (every column of every \
             table was scanned)"
        );
    }
}

#[test]
fn erasure_leaves_other_users_untouched() {
    let mut conn = seeded();
    let before = snapshot(&conn, Some(BOB));
    erased(&mut conn, ALICE);
    assert_eq!(
        snapshot(&conn, Some(BOB)),
        before,
        "Bob's rows must be exactly as they were"
    );
}

#[test]
fn orders_are_kept_for_the_accounts_without_who_and_where() {
    let mut conn = seeded();
    erased(&mut conn, ALICE);
    let orders: Vec<Order> = conn
        .prepare("SELECT id, user_id, total_cents, shipping_address, placed_at FROM orders WHERE id IN (100, 101) ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        orders,
        [
            (100, None, 4599, None, "2024-03-01".to_string()),
            (101, None, 1250, None, "2024-04-12".to_string()),
        ],
        "tax law requires the orders to be kept (Art. 17(3)(b)): the row, its total and date \
         stay; user_id and shipping_address become NULL"
    );
}

#[test]
fn the_audit_log_keeps_the_events_under_a_pseudonym() {
    let mut conn = seeded();
    erased(&mut conn, ALICE);
    let entries: Vec<Entry> = conn
        .prepare("SELECT id, actor, event, ip, detail FROM audit_log WHERE id IN (1000, 1002) ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let who = pseudonym(ALICE);
    assert_eq!(
        entries,
        [
            (1000, who.clone(), "login".to_string(), None, None),
            (1002, who, "password_reset".to_string(), None, None),
        ],
        "Alice's audit entries stay (the proof of what happened, Art. 5(2)) with their event, \
         the actor replaced by pseudonym(1), the IP and detail gone"
    );
}

#[test]
fn the_erasure_itself_is_recorded() {
    let mut conn = seeded();
    erased(&mut conn, ALICE);
    let last: LastEntry = conn
        .query_row(
            "SELECT at, user_id, actor, event, ip, detail FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        last,
        (
            "2024-06-01T12:00:00Z".to_string(),
            Some(ALICE),
            pseudonym(ALICE),
            "erasure".to_string(),
            None,
            None
        ),
        "the last audit entry records the erasure: at the time given, under the pseudonym"
    );
}

#[test]
fn the_user_sessions_and_addresses_are_gone() {
    let mut conn = seeded();
    erased(&mut conn, ALICE);
    let left: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM users WHERE id = 1)
                  + (SELECT count(*) FROM sessions WHERE user_id = 1)
                  + (SELECT count(*) FROM addresses WHERE user_id = 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        left, 0,
        "Alice's user row, sessions and addresses are deleted"
    );
    assert_eq!(
        export(&conn, ALICE).unwrap(),
        None,
        "nothing left to export"
    );
}

#[test]
fn erasing_an_unknown_user_changes_nothing() {
    let mut conn = seeded();
    let before = snapshot(&conn, None);
    let found = erase(&mut conn, 99, "2024-06-01T12:00:00Z").unwrap();
    assert!(!found, "there is no user 99: erase returns false");
    assert_eq!(
        snapshot(&conn, None),
        before,
        "and writes nothing, not even an audit entry for an erasure that did not happen"
    );
}

#[test]
fn an_erasure_that_fails_halfway_changes_nothing() {
    let mut conn = seeded();
    // The last step fails, as a constraint or a full disk would.
    conn.execute_batch(
        "CREATE TRIGGER fail_erasure BEFORE DELETE ON users
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    let before = snapshot(&conn, None);
    let result = erase(&mut conn, ALICE, "2024-06-01T12:00:00Z");
    assert!(
        result.is_err(),
        "deleting the user row fails, so erase must return the error; got {result:?}"
    );
    assert_eq!(
        snapshot(&conn, None),
        before,
        "every step of an erasure is in one transaction: when one fails, nothing is changed \
         (not half a person's data erased, and no record of an erasure that did not happen)"
    );
}
