//! Step 2's solution, given: the schema, sign-up, log-in, log-out, the session cookie and the
//! clock.

use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use migrations::{Migration, MigrationError};
use password_hashing::{hash_password, verify_password};
use rusqlite::{Connection, ErrorCode, OptionalExtension};
use serde::Deserialize;

use crate::App;
use crate::links::{Db, Refusal, internal, refuse};

/// The schema: step 1's migration, then this step's.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "create_links",
        sql: "CREATE TABLE links (id INTEGER PRIMARY KEY, url TEXT NOT NULL);",
    },
    Migration {
        name: "accounts",
        sql: "CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT NOT NULL);
              ALTER TABLE links ADD COLUMN owner TEXT REFERENCES users (name);",
    },
];

/// `POST /signup`: a new account, its password hashed by your password_hashing crate.
pub async fn signup(
    State(app): State<App>,
    Json(who): Json<Credentials>,
) -> Result<StatusCode, Refusal> {
    let name_ok = (1..=32).contains(&who.user.len())
        && who
            .user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !name_ok || !(8..=64).contains(&who.password.chars().count()) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "a name is 1 to 32 letters, digits, _ or -; a password 8 to 64 characters",
        ));
    }
    let params = app.config.argon2.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&who.password, &params))
        .await
        .expect("hashing panicked")
        .map_err(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))?;
    let inserted = app
        .db
        .run(move |conn| {
            conn.execute(
                "INSERT INTO users (name, hash) VALUES (?1, ?2)",
                [&who.user, &hash],
            )
        })
        .await;
    match inserted {
        Ok(_) => Ok(StatusCode::CREATED),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Err(refuse(StatusCode::CONFLICT, "this name is taken"))
        }
        Err(e) => Err(internal(e)),
    }
}

/// `POST /login`: `204` and a fresh session cookie, or the same `401` for any failure.
pub async fn login(
    State(app): State<App>,
    headers: HeaderMap,
    Json(who): Json<Credentials>,
) -> Result<Response, Refusal> {
    let user = who.user.clone();
    let stored: Option<String> = app
        .db
        .run(move |conn| {
            conn.query_row("SELECT hash FROM users WHERE name = ?1", [&user], |row| {
                row.get(0)
            })
            .optional()
        })
        .await
        .map_err(internal)?;
    let password = who.password;
    let ok = match stored {
        Some(hash) => tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .expect("verifying panicked")
            .unwrap_or(false),
        None => false,
    };
    if !ok {
        return Err(refuse(StatusCode::UNAUTHORIZED, "wrong name or password"));
    }
    let now = app.now();
    let mut store = app.sessions.lock().unwrap();
    let id = store.login(session_cookie(&headers), &who.user, now);
    let cookie = store
        .set_cookie(&id, now)
        .expect("a session just made is live");
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// The user of the request's session, if it has a live, logged-in one.
pub fn current_user(app: &App, headers: &HeaderMap) -> Option<String> {
    let id = session_cookie(headers)?;
    let now = app.now();
    app.sessions.lock().unwrap().get(id, now)?.user.clone()
}

/// Opens (or creates) the database at `path` and brings it up to date with [`MIGRATIONS`].
pub fn open(path: &FsPath) -> Result<Db, MigrationError> {
    let mut conn = Connection::open(path)?;
    migrations::migrate(&mut conn, MIGRATIONS)?;
    Ok(Db::new(conn))
}

/// `POST /logout`: the session is deleted on the server and the cookie cleared.
pub async fn logout(State(app): State<App>, headers: HeaderMap) -> impl IntoResponse {
    if let Some(id) = session_cookie(&headers) {
        app.sessions.lock().unwrap().logout(id);
    }
    (
        StatusCode::NO_CONTENT,
        [(SET_COOKIE, sessions::CLEAR_COOKIE)],
    )
}

/// The value of the session cookie in the request's `Cookie` headers (RFC 6265 §5.4:
/// `name=value` pairs separated by `"; "`).
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == sessions::COOKIE_NAME)
        .map(|(_, value)| value)
}

/// `{"user": ..., "password": ...}`, the body of signup and login.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

/// The time: the system's (since the Unix epoch), or one that moves only when a test says.
#[derive(Clone, Debug)]
pub enum Clock {
    System,
    Manual(Arc<Mutex<Duration>>),
}

impl Clock {
    /// A clock that stands at `start` until advanced (clones share it).
    pub fn manual(start: Duration) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(start)))
    }

    /// The time now.
    pub fn now(&self) -> Duration {
        match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default(),
            Clock::Manual(at) => *at.lock().unwrap(),
        }
    }

    /// Moves a manual clock forward (a system clock moves by itself).
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(at) = self {
            *at.lock().unwrap() += by;
        }
    }
}
