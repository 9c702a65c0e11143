//! # axum, step 2: shared state with a database, blocking work off the runtime
//!
//! A service keeps its data in a database, and every request needs it: the handlers share
//! one handle to it through axum's **state**. `Router::with_state(db)` stores it, and a
//! handler that takes `State(db): State<Db>` gets a clone; so the state is an `Arc`, and a
//! clone is a reference count, not a copy of the database.
//!
//! SQLite through rusqlite is **blocking**: `execute` and `query_row` return when the disk
//! has answered. An async handler must not block. tokio runs many requests on few threads
//! (here: one), switching between them only at an `.await`; a handler that blocks for 50 ms
//! stops every other request on its thread for 50 ms: a health check times out, the load
//! balancer of chapter 11 ejects a server that was only busy. So blocking work goes to
//! tokio's **blocking pool**: `tokio::task::spawn_blocking(move || ...)` runs a closure on a
//! thread made for waiting, and the handler awaits its result, which frees the runtime
//! thread to serve others meanwhile.
//!
//! Write [`with_db`] once, and every handler uses it: clone the `Arc`, and in
//! `spawn_blocking` lock the connection, run the closure, hand back its result. Two things
//! fail there, and a handler must answer both with `500`, never a panic (a panic in a
//! handler drops the connection: the client sees no response at all): the query's
//! `rusqlite::Error`, and the `JoinError` of a closure that panicked. A `std::sync::Mutex`
//! is right here because it is only held inside the blocking closure; a guard held across an
//! `.await` would not compile (it is not `Send`), and that is axum protecting you.
//!
//! One `Mutex<Connection>` runs one query at a time: a slow query makes other *database*
//! requests wait their turn (chapter 05's connection pool is the fix), but requests that do
//! not need the database are not stalled. The tests check exactly that, with a gate they
//! hold a query behind.
//!
//! What axum does not do here: it has no database layer, no connection pool, and it cannot
//! see that a handler blocks. The SQL is given below the line (chapter 05 taught it); the
//! statuses are yours: `201` with `Location`, `200`, `204` for a delete, `404` for a row that
//! is not there (a `None` from the given functions), `500` for a database that fails.
//!
//! Primary sources: axum, sharing state, <https://docs.rs/axum/0.8/axum/#sharing-state-with-handlers>;
//! tokio, `spawn_blocking`, <https://docs.rs/tokio/1/tokio/task/fn.spawn_blocking.html>.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderName;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// Runs `f` with the connection on tokio's blocking pool: its value, or `500` when the query
/// fails or the closure panics.
pub async fn with_db<T: Send + 'static>(
    db: &Db,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
) -> Result<T, StatusCode> {
    // TODO: let db = Arc::clone(db); tokio::task::spawn_blocking(move || f(&db.lock()...))
    //       .await; map both errors (the JoinError, the rusqlite::Error) to 500.
    let _ = (db, f);
    todo!("with_db")
}

/// The routes: `GET /health`; `POST /books`; `GET`, `PUT` and `DELETE` on `/books/{id}`.
pub fn app(db: Db) -> Router {
    // TODO: the route table, then .with_state(db).
    let _ = db;
    todo!("app")
}

/// `GET /health`: `200` with the body `ok`. It needs no database.
pub async fn health() -> &'static str {
    todo!("health")
}

/// `POST /books`: `201 Created`, `Location: /books/{id}`, the stored book as JSON.
pub async fn create_book(
    State(db): State<Db>,
    Json(new): Json<NewBook>,
) -> Result<Created, StatusCode> {
    // TODO: with_db(&db, move |conn| insert_book(conn, &new)).await?, then the 201 tuple.
    let _ = (db, new, LOCATION);
    todo!("create_book")
}

/// `GET /books/{id}`: the book, or `404`.
pub async fn get_book(State(db): State<Db>, Path(id): Path<i64>) -> Result<Json<Book>, StatusCode> {
    let _ = (db, id);
    todo!("get_book")
}

/// `PUT /books/{id}`: replaces title and author; `200` with the book, or `404`.
pub async fn put_book(
    State(db): State<Db>,
    Path(id): Path<i64>,
    Json(new): Json<NewBook>,
) -> Result<Json<Book>, StatusCode> {
    let _ = (db, id, new);
    todo!("put_book")
}

/// `DELETE /books/{id}`: `204 No Content`, or `404`.
pub async fn delete_book(State(db): State<Db>, Path(id): Path<i64>) -> StatusCode {
    // TODO: with_db gives a Result<bool, StatusCode>: 204 if true, 404 if false, else the 500.
    let _ = (db, id);
    todo!("delete_book")
}

// ---------------------------------------------------------------------------------------------
// Given: the state and the SQL (chapter 05). Each function is blocking: call it in `with_db`.
// ---------------------------------------------------------------------------------------------

/// The shared database handle: one connection, one query at a time.
pub type Db = Arc<Mutex<Connection>>;

/// A `201 Created` response: the status, the `Location` header, the book as JSON.
pub type Created = (StatusCode, [(HeaderName, String); 1], Json<Book>);

/// A stored book, as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Book {
    pub id: i64,
    pub title: String,
    pub author: String,
}

/// The body of `POST` and `PUT`.
#[derive(Clone, Debug, Deserialize)]
pub struct NewBook {
    pub title: String,
    pub author: String,
}

/// Creates the `books` table if it is not there, and wraps the connection as the state.
pub fn open(conn: Connection) -> rusqlite::Result<Db> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS books (
             id     INTEGER PRIMARY KEY,
             title  TEXT NOT NULL,
             author TEXT NOT NULL
         );",
    )?;
    Ok(Arc::new(Mutex::new(conn)))
}

/// Inserts a book; SQLite picks its id.
pub fn insert_book(conn: &Connection, new: &NewBook) -> rusqlite::Result<Book> {
    conn.execute(
        "INSERT INTO books (title, author) VALUES (?1, ?2)",
        (&new.title, &new.author),
    )?;
    let id = conn.last_insert_rowid();
    Ok(Book {
        id,
        title: new.title.clone(),
        author: new.author.clone(),
    })
}

/// The book with this id, if there is one.
pub fn find_book(conn: &Connection, id: i64) -> rusqlite::Result<Option<Book>> {
    let mut stmt = conn.prepare("SELECT id, title, author FROM books WHERE id = ?1")?;
    let mut rows = stmt.query_map([id], |row| {
        Ok(Book {
            id: row.get(0)?,
            title: row.get(1)?,
            author: row.get(2)?,
        })
    })?;
    rows.next().transpose()
}

/// Replaces a book's fields; `None` when no book has this id.
pub fn update_book(conn: &Connection, id: i64, new: &NewBook) -> rusqlite::Result<Option<Book>> {
    let changed = conn.execute(
        "UPDATE books SET title = ?1, author = ?2 WHERE id = ?3",
        (&new.title, &new.author, id),
    )?;
    Ok((changed == 1).then(|| Book {
        id,
        title: new.title.clone(),
        author: new.author.clone(),
    }))
}

/// Deletes a book; `false` when no book had this id.
pub fn remove_book(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM books WHERE id = ?1", [id])? == 1)
}
