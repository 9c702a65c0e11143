//! # The N+1 query problem: one query per row is one round trip per row
//!
//! A page lists authors, each with their books. The obvious code asks for the authors, then,
//! for each author, asks for that author's books:
//!
//! ```text
//! SELECT id, name FROM authors ORDER BY id;                 -- 1 query
//! SELECT title FROM books WHERE author_id = ?1 ORDER BY id; -- N queries, one per author
//! ```
//!
//! With 100 authors that is 101 queries. Each one is cheap for the database, but against a
//! database server each is also a network round trip, typically 0.2 to 1 ms in one data
//! centre: 101 round trips make a page take 100 ms where 2 would do, and the cost grows with
//! the data, so the page that was fast in development is slow in production. ORMs make it easy
//! to write by accident (touch `author.books` in a loop and each touch is a query), which is
//! why it has a name, the **N+1 problem**, and why it is among the first things looked for
//! when a list endpoint is slow.
//!
//! The fix asks for all the data in a constant number of queries, whatever N is:
//!
//! - **Two queries**: the authors, then all their books at once (`ORDER BY author_id, id`, or
//!   `WHERE author_id IN (...)` for a page of authors), grouped in Rust by `author_id`.
//! - **One join**: `authors LEFT JOIN books`, ordered by author then book, folded into one
//!   `AuthorWithBooks` per author. It must be a `LEFT` join: an inner join drops the authors
//!   without books, and with a left join those authors come back once, with a NULL title that
//!   means "no book", not a book without a title.
//!
//! Either way the result must be exactly what the naive code returns: authors in id order,
//! each author's books in id order, an empty list for an author without books.
//!
//! SQLite is embedded, so its queries cost no round trip, and its documentation says that
//! many small queries are fine there (the chapter README links the page). The tests count
//! statements anyway, the way an N+1 detector in a test suite does (Rails' Bullet, Django's
//! `assertNumQueries`): by hooking the connection, here with rusqlite's `trace_v2`, which
//! SQLite calls once for every statement that starts to run.
//!
//! You write `authors_with_books`; the schema and the naive version are given below the line.
//!
//! rusqlite: `Connection::prepare`, `Statement::query_map`, `Row::get` into an `Option` for a
//! column that may be NULL: <https://docs.rs/rusqlite/0.37.0/rusqlite/>

use rusqlite::{Connection, Result};

/// Every author in id order, each with the titles of their books in id order, in at most two
/// queries, whatever the number of authors.
pub fn authors_with_books(conn: &Connection) -> Result<Vec<AuthorWithBooks>> {
    // TODO: the same result as `authors_with_books_naive`, in one or two statements.
    let _ = conn;
    todo!("authors_with_books")
}

// ---------------------------------------------------------------------------------------------
// Given code: the schema, the result type and the naive version to replace.

/// An author and the titles of their books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorWithBooks {
    pub id: i64,
    pub name: String,
    pub books: Vec<String>,
}

/// The schema: each book belongs to one author.
pub const SCHEMA: &str = "
    CREATE TABLE authors (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL
    );
    CREATE TABLE books (
        id        INTEGER PRIMARY KEY,
        author_id INTEGER NOT NULL REFERENCES authors (id),
        title     TEXT NOT NULL
    );
    -- Without this index each per-author query of the naive version scans all the books.
    CREATE INDEX books_author ON books (author_id);
";

/// Opens a fresh in-memory database with the schema.
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// The naive version: 1 query for the authors, then 1 per author for the books.
pub fn authors_with_books_naive(conn: &Connection) -> Result<Vec<AuthorWithBooks>> {
    let mut authors_stmt = conn.prepare("SELECT id, name FROM authors ORDER BY id")?;
    let authors = authors_stmt
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<Vec<(i64, String)>>>()?;
    // A prepared statement is compiled once, but each run is still one query: one round trip
    // to a database server. Reusing it saves parsing, not round trips.
    let mut books_stmt =
        conn.prepare("SELECT title FROM books WHERE author_id = ?1 ORDER BY id")?;
    let mut result = Vec::with_capacity(authors.len());
    for (id, name) in authors {
        let books = books_stmt
            .query_map([id], |row| row.get(0))?
            .collect::<Result<Vec<String>>>()?;
        result.push(AuthorWithBooks { id, name, books });
    }
    Ok(result)
}
