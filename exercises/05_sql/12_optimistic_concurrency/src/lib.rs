//! # Optimistic concurrency: a version column
//!
//! Two people open the same document. Alice saves her edit; a minute later Bob saves his, made
//! on the copy he loaded *before* Alice's save. If the server simply writes what it is sent,
//! Alice's work is gone without a trace: the **lost update**. Chapter 03's `If-Match` stops it
//! at the HTTP layer; here is the database side of the same idea, and the ETag an API sends can
//! simply be this version number.
//!
//! Every row carries a `version`. A client reads it along with the data and sends it back with
//! its change: "apply this only if the row is still at version 1". The server must make the
//! check and the write **one statement**:
//!
//! ```text
//! UPDATE documents SET ..., version = version + 1 WHERE id = ?1 AND version = ?2
//! ```
//!
//! The tempting alternative — `SELECT` the version, compare it in Rust, then `UPDATE ... WHERE
//! id = ?1` — has a gap between the read and the write, and under load another request lands
//! in it: both checks pass, the second write overwrites the first. In one statement SQLite does
//! the comparison and the write under its write lock, so nothing fits between them. This is
//! *optimistic*: nobody holds a lock while a user edits for minutes; the loser finds out at
//! save time and re-reads, merges or asks (an HTTP 412 or 409).
//!
//! The `UPDATE` reports how many rows it changed (`Connection::execute` returns it). One: it
//! won, and the new version is `expected_version + 1`. Zero: either the row is at another
//! version (`Conflict`, and the caller wants to know which one) or there is no such row
//! (`NotFound`) — only then does a second query tell the two apart.
//!
//! The tests play two clients on two connections to one database file, and slip the other
//! client's write in at the worst moment: just as your update starts.
//!
//! Primary sources: SQLite `UPDATE`: <https://www.sqlite.org/lang_update.html>;
//! `sqlite3_changes`: <https://www.sqlite.org/c3ref/changes.html>; rusqlite
//! `Connection::execute`: <https://docs.rs/rusqlite/0.37.0/rusqlite/struct.Connection.html>.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

/// Inserts a new document at version 1 and returns it.
pub fn create(conn: &Connection, fields: &Fields) -> Result<Document, rusqlite::Error> {
    // TODO: INSERT the title, body and version 1 (the column has no default); the new id is
    // conn.last_insert_rowid().
    let _ = (conn, fields);
    todo!("create")
}

/// Replaces the document's fields if it is still at `expected_version`, and returns its new
/// version (`expected_version + 1`).
pub fn update_if_version(
    conn: &Connection,
    id: i64,
    expected_version: i64,
    new_fields: &Fields,
) -> Result<i64, UpdateError> {
    // TODO: one UPDATE that checks the version in its WHERE and increments it in its SET.
    // One row changed: Ok(new version). None: find out whether the document exists, and at
    // which version (Conflict { current_version }), or not (NotFound).
    let _ = (conn, id, expected_version, new_fields);
    todo!("update_if_version")
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the types, opening a database and reading a document.

/// One row per document; `version` starts at 1 and only ever goes up.
pub const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS documents (
        id      INTEGER PRIMARY KEY,
        title   TEXT NOT NULL,
        body    TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1)
    );
";

/// What a client sends to create or replace a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub title: String,
    pub body: String,
}

/// A stored document with the version a client must send back to change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub version: i64,
}

/// Why `update_if_version` changed nothing.
#[derive(Debug)]
pub enum UpdateError {
    /// No document has this id (an HTTP 404).
    NotFound,
    /// The document exists but is at another version: someone else changed it since the
    /// client read it (an HTTP 412 or 409). The client re-reads `current_version`.
    Conflict { current_version: i64 },
    /// Any other database error.
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for UpdateError {
    fn from(err: rusqlite::Error) -> Self {
        UpdateError::Sqlite(err)
    }
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UpdateError::NotFound => write!(f, "no such document"),
            UpdateError::Conflict { current_version } => {
                write!(
                    f,
                    "the document was changed: it is at version {current_version}"
                )
            }
            UpdateError::Sqlite(err) => write!(f, "database error: {err}"),
        }
    }
}

impl std::error::Error for UpdateError {}

/// Opens (creating if needed) the database file at `path` and creates the schema.
pub fn open(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open(path)?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// Reads one document, `None` if there is no such id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Document>, rusqlite::Error> {
    conn.query_row(
        "SELECT id, title, body, version FROM documents WHERE id = ?1",
        params![id],
        |row| {
            Ok(Document {
                id: row.get(0)?,
                title: row.get(1)?,
                body: row.get(2)?,
                version: row.get(3)?,
            })
        },
    )
    .optional()
}
