//! # Capstone, step 1: a URL shortener on your own migrations
//!
//! The last chapter builds one service from the parts you wrote: a URL shortener with
//! accounts. `POST /links` with `{"url": "https://..."}` stores the URL under a short code
//! and answers where it lives; `GET /{code}` sends the browser on to the URL. Step 2 adds
//! accounts (your password hashing and sessions), step 3 limits and a cache (your token
//! bucket and LRU cache), step 4 metrics. This crate depends on those crates by path: the
//! service you run is made of your own code.
//!
//! This step uses your **migrations** crate (05_sql/08_migrations): the schema is a list of
//! migrations, and `open` brings any database file up to date, so step 2 can add a table
//! without losing step 1's links.
//!
//! What a shortener must get right:
//!
//! - **Only web URLs.** A shortener turns any URL into a trusted-looking link. Stored as is,
//!   `javascript:alert(document.cookie)` becomes a link that runs script; `file:` and
//!   `data:` ones are phishing tools. Accept only `http://` and `https://` (the scheme in any
//!   case, RFC 3986 §3.1) followed by a host: at least one byte before the first `/`, `?`
//!   or `#`. Refuse with `422` anything else, anything longer than [`MAX_URL`] bytes, and
//!   any byte that is not visible ASCII (`!` to `~`): a space or a line break in a
//!   `Location` header is header injection, and non-ASCII must be percent-encoded by the
//!   client (RFC 3986 §2.1).
//! - **Short codes.** A code is the row's id in base 62 ([`ALPHABET`]: id 0 is `"0"`, 61 is
//!   `"Z"`, 62 is `"10"`): five characters cover 916 million links.
//! - **The right redirect.** `301 Moved Permanently` is cached by browsers with no expiry:
//!   they never ask again, so the link can never be changed or deleted and no visit is ever
//!   counted. Answer `302 Found` (RFC 9110 §15.4.3) with the URL in `Location`. A code that
//!   is not stored is `404`.
//!
//! `POST /links` answers `201 Created`, `Location: /{code}`, and the [`Link`] as JSON.
//!
//! Given below the line: [`Db`] (a connection behind a mutex, queried on tokio's blocking
//! pool as in 13/02) and the request and response types.
//!
//! Primary sources: RFC 9110 §15.4 (redirects), RFC 3986 §3 (URI syntax); OWASP
//! *Unvalidated Redirects and Forwards Cheat Sheet*.

use std::path::Path as FsPath;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::routing::{get, post};
use migrations::{Migration, MigrationError};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// The schema, one migration per release: version 1 is the `links` table.
// TODO: one Migration, "create_links": a table `links` with an `id INTEGER PRIMARY KEY` (the
//       row id your codes are made of) and a `url TEXT NOT NULL`.
pub const MIGRATIONS: &[Migration] = &[];

/// Opens (or creates) the database at `path` and brings it up to date with [`MIGRATIONS`].
pub fn open(path: &FsPath) -> Result<Db, MigrationError> {
    // TODO: Connection::open(path)? (a rusqlite::Error becomes a MigrationError), then
    //       migrations::migrate(&mut conn, MIGRATIONS)?, then Db::new(conn).
    let _ = (path, Connection::open_in_memory, migrations::migrate);
    todo!("open")
}

/// The routes: `POST /links` and `GET /{code}`.
pub fn app(db: Db) -> Router {
    // TODO: Router::new() with .route("/links", post(create_link)) and
    //       .route("/{code}", get(follow)), then .with_state(db).
    let _ = (db, get(follow), post(create_link));
    todo!("app")
}

/// `POST /links`: stores a valid URL and answers `201` with its code.
pub async fn create_link(
    State(db): State<Db>,
    Json(new): Json<NewLink>,
) -> Result<Created, Refusal> {
    // TODO: refuse an invalid URL with 422 and a sentence; INSERT it (db.run(move |conn| ..),
    //       conn.last_insert_rowid(); map a database error with `internal`); answer 201 with
    //       Location: /{code} and Json(Link { code, url }).
    let _ = (db, new, LOCATION, internal);
    todo!("create_link")
}

/// `GET /{code}`: `302` to the stored URL, `404` for a code that is not stored.
pub async fn follow(
    State(db): State<Db>,
    Path(code): Path<String>,
) -> Result<Redirect, StatusCode> {
    // TODO: id_for(&code) (None: 404); SELECT the url of that id (.optional() from
    //       rusqlite::OptionalExtension); none: 404; else 302 with Location: url.
    let _ = (
        db,
        code,
        <rusqlite::Result<()> as OptionalExtension<()>>::optional,
    );
    todo!("follow")
}

/// Whether `url` may be stored: see the doc comment at the top.
pub fn valid_url(url: &str) -> bool {
    // TODO: length and bytes first (u8::is_ascii_graphic); then the scheme, in any case
    //       (to_ascii_lowercase, strip_prefix); then a host: something before any / ? #.
    let _ = url;
    todo!("valid_url")
}

/// The code of row `id`: its digits in base 62, most significant first.
pub fn code_for(id: u64) -> String {
    // TODO: push ALPHABET[id % 62], divide by 62, until id is 0 (do it once for 0 itself);
    //       the digits come out least significant first.
    let _ = id;
    todo!("code_for")
}

// ---------------------------------------------------------------------------------------------
// Given: the code's way back to an id, the database handle, and the API's types.
// ---------------------------------------------------------------------------------------------

/// The digits of a code, in order: `code_for(0) == "0"`, `code_for(61) == "Z"`.
pub const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The longest URL accepted, in bytes (what browsers and most proxies handle).
pub const MAX_URL: usize = 2048;

/// The id a code stands for, or `None` for a string `code_for` never makes (empty, a
/// character outside the alphabet, a leading `0` before other digits, too big for an i64).
pub fn id_for(code: &str) -> Option<i64> {
    if code.is_empty() || (code.len() > 1 && code.starts_with('0')) {
        return None;
    }
    let mut id: i64 = 0;
    for b in code.bytes() {
        let digit = ALPHABET.iter().position(|&a| a == b)? as i64;
        id = id.checked_mul(62)?.checked_add(digit)?;
    }
    Some(id)
}

/// The body of `POST /links`.
#[derive(Debug, Deserialize)]
pub struct NewLink {
    pub url: String,
}

/// A stored link, as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub code: String,
    pub url: String,
}

/// `201 Created`, `Location: /{code}`, the link as JSON.
pub type Created = (
    StatusCode,
    [(axum::http::HeaderName, String); 1],
    Json<Link>,
);

/// `302 Found` with the URL in `Location`.
pub type Redirect = (StatusCode, [(axum::http::HeaderName, String); 1]);

/// A refusal: its status and one sentence (plain text).
pub type Refusal = (StatusCode, String);

/// A database error turned into a `500` that does not leak the SQL to the client.
pub fn internal(err: rusqlite::Error) -> Refusal {
    eprintln!("database error: {err}");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error".to_string(),
    )
}

/// The database, shared by every request. SQLite calls block, so [`Db::run`] runs them on
/// tokio's blocking pool, never on the threads that serve other requests.
#[derive(Clone, Debug)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    /// Wraps an open, migrated connection.
    pub fn new(conn: Connection) -> Db {
        Db(Arc::new(Mutex::new(conn)))
    }

    /// Runs `f` with the connection on the blocking pool and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> rusqlite::Result<T> {
        let db = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || f(&db.lock().unwrap_or_else(|e| e.into_inner())))
            .await
            .expect("a database closure panicked")
    }
}
