//! Step 1's solution, given: codes, URL checks, the redirect and the database handle.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderName, StatusCode};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The digits of a code, in order: `code_for(0) == "0"`, `code_for(61) == "Z"`.
pub const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The longest URL accepted, in bytes (what browsers and most proxies handle).
pub const MAX_URL: usize = 2048;

/// `GET /{code}`: `302` to the stored URL, `404` for a code that is not stored.
pub async fn follow(
    State(db): State<Db>,
    Path(code): Path<String>,
) -> Result<Redirect, StatusCode> {
    // A code that does not decode cannot be stored: no query needed.
    let id = id_for(&code).ok_or(StatusCode::NOT_FOUND)?;
    let url = db
        .run(move |conn| {
            conn.query_row("SELECT url FROM links WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
        })
        .await
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let url: String = url.ok_or(StatusCode::NOT_FOUND)?;
    Ok((StatusCode::FOUND, [(LOCATION, url)]))
}

/// Whether `url` may be stored: http or https in any case, a host, visible ASCII, at most
/// [`MAX_URL`] bytes.
pub fn valid_url(url: &str) -> bool {
    if url.len() > MAX_URL || !url.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or(lower.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.starts_with(['/', '?', '#']) && !rest.is_empty()
}

/// The code of row `id`: its digits in base 62, most significant first.
pub fn code_for(mut id: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(ALPHABET[(id % 62) as usize]);
        id /= 62;
        if id == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("the alphabet is ASCII")
}

/// The id a code stands for, or `None` for a string `code_for` never makes.
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
pub type Created = (StatusCode, [(HeaderName, String); 1], axum::Json<Link>);

/// `302 Found` with the URL in `Location`.
pub type Redirect = (StatusCode, [(HeaderName, String); 1]);

/// A refusal: its status and one sentence (plain text).
pub type Refusal = (StatusCode, String);

/// A refusal with its status and sentence.
pub fn refuse(status: StatusCode, why: &str) -> Refusal {
    (status, why.to_string())
}

/// A database error turned into a `500` that does not leak the SQL to the client.
pub fn internal(err: rusqlite::Error) -> Refusal {
    eprintln!("database error: {err}");
    refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
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
