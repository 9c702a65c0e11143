//! # A document store on SQLite
//!
//! A relational table fixes its columns up front; a **document store** (MongoDB, CouchDB,
//! Firestore, a `jsonb` column in PostgreSQL) keeps each record as one JSON document and lets
//! every document have its own shape. The application adds a field by writing it, with no
//! migration, and reads nested data (an address, a list of tags) without a join.
//!
//! SQLite has what it takes: documents are JSON text in one table, `json_valid(doc)` checks
//! they parse, and `json_extract(doc, '$.address.city')` reads a field by a **JSON path**
//! (`$` is the document, `.key` a member, `[0]` an array element). A JSON string comes back
//! as TEXT, a number as INTEGER or REAL, `true`/`false` as 1/0, and `null` (or a missing
//! field) as NULL.
//!
//! A field query, "the documents whose `$.city` is `"Oslo"`", binds **both** the path and the
//! value as parameters: `json_extract(doc, ?1) = ?2`. A path is data from the caller like any
//! other: pasted into the SQL with `format!`, a path such as `$.x') IS NULL OR 1=1 --` is
//! SQL injection again, and a field named `it's` breaks the query.
//!
//! A query with a bound path cannot use an index: SQLite does not know which field it reads
//! until it runs. An **index on an expression**, `CREATE INDEX ... ON docs
//! (json_extract(doc, '$.email'))`, serves the queries that spell the *same* expression, with
//! the path written in the SQL (a constant, never user input). `EXPLAIN QUERY PLAN` shows it:
//! `SEARCH docs USING INDEX ... (<expr>=?)` instead of `SCAN docs`.
//!
//! **The trade-off against a schema.** The database checks that a document is JSON and nothing
//! more. No `NOT NULL`, `UNIQUE`, `CHECK` or type per field: a user without an email, or with
//! the email `42`, is stored without complaint. A typo in a field name is silent: a query on
//! `$.emial` is not an error, it just finds nothing, and a document written with `emial`
//! is never found again. Every rule a schema would enforce now lives in application code, on
//! every code path that writes. Use documents for data whose shape truly varies; keep what
//! you query and rely on in columns.
//!
//! Here you write the schema, insert, get and the field queries. The chapter README has more.
//!
//! Primary sources:
//! - SQLite JSON functions, `json_extract` and JSON paths: <https://www.sqlite.org/json1.html>
//! - Indexes on expressions: <https://www.sqlite.org/expridx.html>

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// The table `docs` (`id INTEGER PRIMARY KEY`, `doc` the JSON text: never NULL, always valid
/// JSON) and an index on the expression `json_extract(doc, '$.email')`.
pub const SCHEMA: &str = "
    -- NOT NULL as well as the CHECK: json_valid(NULL) is NULL, and a NULL CHECK passes.
    CREATE TABLE docs (
        id  INTEGER PRIMARY KEY,
        doc TEXT NOT NULL CHECK (json_valid(doc))
    );
    CREATE INDEX docs_by_email ON docs (json_extract(doc, '$.email'));
";

/// The documents whose `$.email` equals `?1`, in id order, as `id, doc`: written so that it
/// uses the index of SCHEMA.
// The expression is spelled exactly as in the index, path included: that is how the planner
// recognises it.
pub const FIND_BY_EMAIL: &str =
    "SELECT id, doc FROM docs WHERE json_extract(doc, '$.email') = ?1 ORDER BY id";

/// Stores `doc` (serialized with serde_json) and returns its new id.
pub fn insert(conn: &Connection, doc: &Value) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO docs (doc) VALUES (?1)",
        [serde_json::to_string(doc)?],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The document with this id, or `None`.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Value>, StoreError> {
    let text: Option<String> = conn
        .query_row("SELECT doc FROM docs WHERE id = ?1", [id], |row| row.get(0))
        .optional()?;
    match text {
        Some(text) => Ok(Some(serde_json::from_str(&text)?)),
        None => Ok(None),
    }
}

/// The documents whose field at the JSON `path` (`$.name`, `$.address.city`, `$.tags[0]`)
/// equals `value`, in id order. The path and the value are both bound as parameters.
///
/// `value` is compared as SQLite sees JSON: a string as TEXT, an integer as INTEGER, any other
/// number as REAL, `true`/`false` as 1/0. `null`, arrays and objects match nothing (bind
/// NULL: `NULL = NULL` is not true in SQL). A malformed path is an error.
pub fn find(conn: &Connection, path: &str, value: &Value) -> Result<Vec<Doc>, StoreError> {
    // The path is a parameter like the value: no caller's text ever becomes SQL.
    let sql = "SELECT id, doc FROM docs WHERE json_extract(doc, ?1) = ?2 ORDER BY id";
    query_docs(conn, sql, params![path, sql_value(value)])
}

/// The documents with this `$.email`, through FIND_BY_EMAIL, in id order.
pub fn find_by_email(conn: &Connection, email: &str) -> Result<Vec<Doc>, StoreError> {
    query_docs(conn, FIND_BY_EMAIL, params![email])
}

/// A JSON value as the SQL value `json_extract` would return for it.
fn sql_value(value: &Value) -> SqlValue {
    match value {
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        // JSON has one number type; SQLite keeps integers and reals apart, and 30 = 30.0
        // holds across them, so either is right for an integer that fits.
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        // json_extract gives arrays and objects as JSON text in its own key order: no
        // reliable match, so they match nothing, like null.
        Value::Null | Value::Array(_) | Value::Object(_) => SqlValue::Null,
    }
}

/// Runs a query whose rows are `id, doc` and parses each document.
fn query_docs(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Doc>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, |row| Ok((row.get(0)?, row.get::<_, String>(1)?)))?;
    let mut docs = Vec::new();
    for row in rows {
        let (id, text) = row?;
        docs.push(Doc {
            id,
            doc: serde_json::from_str(&text)?,
        });
    }
    Ok(docs)
}

// ---------------------------------------------------------------------------------------------
// Given: the document type, the error type and opening a database.

/// A stored document and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub id: i64,
    pub doc: Value,
}

/// What can go wrong: the database, or a stored text that is not the JSON we wrote.
#[derive(Debug)]
pub enum StoreError {
    Sqlite(rusqlite::Error),
    Json(serde_json::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sqlite(err) => write!(f, "database error: {err}"),
            StoreError::Json(err) => write!(f, "stored document is not JSON: {err}"),
        }
    }
}

impl std::error::Error for StoreError {}

// The `From` impls let `?` convert both kinds of error.
impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Sqlite(err)
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(err: serde_json::Error) -> Self {
        StoreError::Json(err)
    }
}

/// Opens a fresh in-memory database with SCHEMA.
pub fn open() -> Result<Connection, StoreError> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}
