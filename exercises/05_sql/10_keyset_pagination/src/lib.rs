//! # Keyset pagination: "the rows after the last one I saw", not "skip N rows"
//!
//! A feed shows posts newest first, 20 at a time. The obvious query for page 6 is
//!
//! ```text
//! SELECT ... FROM posts ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 100
//! ```
//!
//! and it has two faults. It is **wrong while data changes**: if 3 posts are published while
//! the reader is on page 5, every row moves 3 places down, so page 6 starts with 3 posts they
//! have already seen (a delete does the opposite: rows move up and one is never shown). And it
//! is **slow deep down**: to skip 100,000 rows SQLite reads 100,000 rows and throws them away,
//! so the last page of a big table costs a full scan.
//!
//! **Keyset pagination** remembers the sort key of the
//! last row of the page, and asks for the rows that come after it in the sort order:
//!
//! ```text
//! SELECT ... FROM posts
//! WHERE (created_at, id) < (?1, ?2)
//! ORDER BY created_at DESC, id DESC
//! LIMIT ?3
//! ```
//!
//! New posts sort before the key, so they push nothing into the next page; a deleted row
//! leaves the key where it was. Two details:
//!
//! - **The key must be unique.** Many posts share a `created_at` (the same second):
//!   with `WHERE created_at < ?1` the rest of a tie is skipped, with `<=` it is shown twice. So
//!   the order ends with the primary key, and the comparison is on the pair.
//! - **Row values.** `(a, b) < (x, y)` means `a < x OR (a = x AND b < y)`: the pair compared
//!   the way `ORDER BY a, b` sorts. SQLite (3.15+) and PostgreSQL understand it, and with an
//!   index on `(created_at, id)` it is one **SEARCH** into the index: the last page reads
//!   about as many rows as the first (checked here with `EXPLAIN QUERY PLAN`, and by counting
//!   the steps SQLite's virtual machine takes).
//!
//! Chapter 03's `cursor_pagination` wrapped such a key in an opaque cursor for the client;
//! this exercise is the SQL underneath. The price: no "jump to page 37", only next
//! (and, with the order reversed, previous).
//!
//! You write the index, the page query and `page`, which runs it and returns the posts with
//! the key of the next page. The schema and helpers are given below the line.
//!
//! Primary sources: SQLite, row values and "scrolling window queries":
//! <https://www.sqlite.org/rowvalue.html#scrolling_window_queries>; Markus Winand, "We need
//! tool support for keyset pagination": <https://use-the-index-luke.com/no-offset>

use rusqlite::{Connection, Result};

/// The index that lets `NEXT_PAGE` find its first row with a SEARCH and read the rows already
/// in order (no SCAN, no temporary B-tree for ORDER BY).
pub const INDEXES: &str = "
    -- TODO: CREATE INDEX ... ON posts (...);
";

/// The posts after the key (`?1` = its created_at, `?2` = its id), newest first, ties on
/// created_at broken by id (higher id first), at most `?3` of them. Columns: id,
/// created_at, body.
pub const NEXT_PAGE: &str = "
    -- TODO: SELECT ... FROM posts WHERE ... ORDER BY ... LIMIT ?3
";

/// Where the next page starts. The tests never look inside: they only hand back the key that
/// `page` returned, as a client hands back a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    // TODO: what identifies the last post of a page in the sort order.
}

/// Up to `limit` posts (`limit` ≥ 1), newest first: the first page when `after` is `None`,
/// else the posts that come after the key. `next` is the key to ask for the page after this
/// one, or `None` when no post follows this page (never a key that leads to an empty page).
pub fn page(conn: &Connection, after: Option<&Key>, limit: u32) -> Result<Page> {
    // TODO: run NEXT_PAGE (the first page is the page after a key that sorts before every
    // post), read the rows with `post_from_row`, and set `next` from the last post.
    let _ = (conn, after, limit, post_from_row);
    todo!("page")
}

// ---------------------------------------------------------------------------------------------
// Given code: the schema, the row type and helpers.

/// A feed: each post has the second it was published (many posts may share one).
pub const SCHEMA: &str = "
    CREATE TABLE posts (
        id         INTEGER PRIMARY KEY,
        created_at INTEGER NOT NULL,
        body       TEXT NOT NULL
    );
";

/// One post of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: i64,
    pub created_at: i64,
    pub body: String,
}

/// One page of the feed, and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub posts: Vec<Post>,
    pub next: Option<Key>,
}

/// Reads a row of `id, created_at, body`.
pub fn post_from_row(row: &rusqlite::Row<'_>) -> Result<Post> {
    Ok(Post {
        id: row.get(0)?,
        created_at: row.get(1)?,
        body: row.get(2)?,
    })
}

/// Opens an in-memory database with the schema and your `INDEXES`.
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    conn.execute_batch(INDEXES)?;
    Ok(conn)
}

/// Publishes a post and returns its id.
pub fn publish(conn: &Connection, created_at: i64, body: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO posts (created_at, body) VALUES (?1, ?2)",
        (created_at, body),
    )?;
    Ok(conn.last_insert_rowid())
}
