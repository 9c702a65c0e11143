//! # Data-subject requests: access and erasure (GDPR)
//!
//! Under the GDPR a person may ask a service what it stores about them (the right of access,
//! Art. 15, with a copy in a machine-readable format, Art. 20) and to have it erased (Art. 17),
//! and the service must answer within a month. Both are easy to get almost right, and
//! "almost" is the finding in the audit: personal data is never in one table. Here it is in
//! five ([`SCHEMA`], given):
//!
//! - `users`: email, name;
//! - `addresses`: street, city, postcode;
//! - `orders`: a total, a date, and a copy of the shipping address taken when the order was
//!   placed;
//! - `sessions`: a session token, the IP address and the browser's user agent;
//! - `audit_log`: security events (`login`, `password_reset`...), each written with the actor's
//!   email in `actor`, the IP in `ip`, and free text in `detail` that may quote anything.
//!
//! **Access** ([`export`]): everything stored about the user, as one JSON document with the
//! keys `user`, `addresses`, `orders`, `sessions` and `audit_log`, each table's rows as objects
//! ([`rows_as_json`], given, does the mapping for a query). One exception: a session's token.
//! It is a live credential, not information about the person; an export file that holds it
//! lets whoever reads the file log in as them.
//!
//! **Erasure** ([`erase`]): everything that identifies the user goes, in **one transaction**,
//! so a failure halfway leaves the data as it was rather than half a person. Erasure is not
//! "delete every row", though; the law keeps two kinds of record:
//!
//! - orders are accounting records that tax law makes the service keep for years (Art.
//!   17(3)(b), a legal obligation). Keep the row, its total and its date; drop who (`user_id`)
//!   and where (`shipping_address`).
//! - the audit log is the service's proof of what happened (Art. 5(2), accountability). Keep
//!   each entry's time, event and `user_id`; the actor becomes [`pseudonym`]`(user_id)`, and
//!   the IP and detail go. Then append one entry recording the erasure itself: event
//!   `erasure`, actor the pseudonym, at the time given.
//!
//! Sessions, addresses and the user row are deleted. The tests then scan every column of
//! every table for each of the user's personal values, and check that another user's data is
//! untouched, byte for byte.
//!
//! Sources: GDPR (Regulation (EU) 2016/679), Art. 4(5) (pseudonymisation), 5, 15, 17, 20,
//! <https://eur-lex.europa.eu/eli/reg/2016/679/oj>; the ICO's guidance on the right of access
//! and on the right to erasure.

use rusqlite::Connection;
use serde_json::Value;

/// Everything stored about user `user_id` as one JSON document, or `None` if there is no such
/// user.
pub fn export(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<Value>> {
    // TODO: the user row (None if absent), then each table's rows about the user.
    let _ = (conn, user_id);
    todo!("export")
}

/// Erases user `user_id` in one transaction; `at` is the time recorded for the erasure.
/// `Ok(false)`, changing nothing, if there is no such user.
pub fn erase(conn: &mut Connection, user_id: i64, at: &str) -> rusqlite::Result<bool> {
    // TODO: delete sessions, addresses and the user; keep orders and audit entries without
    //       what identifies the user; record the erasure.
    let _ = (conn, user_id, at);
    todo!("erase")
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the pseudonym, and rows as JSON.
// ---------------------------------------------------------------------------------------------

/// The service's tables.
pub const SCHEMA: &str = "
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE addresses (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        street TEXT NOT NULL,
        city TEXT NOT NULL,
        postcode TEXT NOT NULL
    );
    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id),
        total_cents INTEGER NOT NULL,
        shipping_address TEXT,
        placed_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        ip TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        actor TEXT NOT NULL,
        event TEXT NOT NULL,
        ip TEXT,
        detail TEXT
    );
";

/// What stands for an erased user in the audit log: it says which entries belong together,
/// and nothing about who they were.
pub fn pseudonym(user_id: i64) -> String {
    format!("erased-user-{user_id}")
}

/// The rows `sql` returns with `?1` bound to `user_id`, each as a JSON object keyed by its
/// column names (`SELECT street, city ...` gives `{"street": ..., "city": ...}`).
pub fn rows_as_json(conn: &Connection, sql: &str, user_id: i64) -> rusqlite::Result<Vec<Value>> {
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let rows = stmt.query_map([user_id], |row| {
        let mut object = serde_json::Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(x) => x.into(),
                ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into(),
            };
            object.insert(name.clone(), value);
        }
        Ok(Value::Object(object))
    })?;
    rows.collect()
}
