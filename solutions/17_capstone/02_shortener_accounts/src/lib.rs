//! # Capstone, step 2: accounts, on your password hashing and sessions
//!
//! Step 1's links (given: `links.rs`) can be made by anyone. Now a link belongs to an
//! account, and only its owner may delete it. Two of your crates do the work:
//! **password_hashing** (07_hashing/03) stores each password as an Argon2id PHC string, and
//! **sessions** (08_auth/01) turns a login into a `__Host-sid` cookie with server-side expiry.
//!
//! - `POST /signup` `{"user", "password"}`: `201`. A name is 1 to 32 bytes of ASCII letters,
//!   digits, `_` or `-`; a password 8 to 64 **characters** (NIST SP 800-63B §3.1.1.2: at
//!   least 8, and at least 64 allowed; counted with `chars()`, so `é` is one). Else `422`.
//!   A taken name is `409`. Do not check "is it taken?" and then insert: two requests can
//!   both pass the check. Insert, and let the `UNIQUE` constraint refuse the second
//!   (`rusqlite::Error::SqliteFailure` whose `code` is `ErrorCode::ConstraintViolation`).
//! - `POST /login`: `204` with `Set-Cookie` from `SessionStore::login` and `set_cookie`
//!   (passing the cookie the request came with, if any: login must not keep an old id).
//!   An unknown name and a wrong password get the **same** `401` and body: a different
//!   answer tells an attacker which names exist.
//! - `POST /links` needs a logged-in session (`401` without one) and records its owner.
//! - `DELETE /links/{code}`: `401` without a session, `404` for no such link, `403` for
//!   someone else's (or an ownerless one from step 1), else `204`.
//!
//! Argon2 takes tens of milliseconds of CPU on purpose: hash and verify inside
//! `tokio::task::spawn_blocking`, as [`Db::run`] does for queries. Time comes from the
//! injected [`Clock`], so the tests can expire a session without waiting.
//!
//! The schema grows by a **second migration**: a released one is never edited, because
//! databases out there have run it. Step 1's databases open with their links kept.
//!
//! Primary sources: OWASP *Authentication*, *Password Storage* and *Session Management*
//! cheat sheets; RFC 9110 §15.5.2 (401), §15.5.4 (403).

mod links;

use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use migrations::{Migration, MigrationError};
use password_hashing::{hash_password, verify_password};
use rand::rngs::OsRng;
use rusqlite::{Connection, ErrorCode, OptionalExtension};
use serde::Deserialize;
use sessions::SessionStore;

pub use links::*;

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

/// `POST /links`, for a logged-in user, who owns the link.
pub async fn create_link(
    State(app): State<App>,
    headers: HeaderMap,
    Json(new): Json<NewLink>,
) -> Result<Created, Refusal> {
    let owner = current_user(&app, &headers)
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "log in first"))?;
    if !valid_url(&new.url) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the url must be http:// or https:// with a host, visible ASCII, at most 2048 bytes",
        ));
    }
    let url = new.url.clone();
    let id = app
        .db
        .run(move |conn| {
            conn.execute(
                "INSERT INTO links (url, owner) VALUES (?1, ?2)",
                [&url, &owner],
            )?;
            Ok(conn.last_insert_rowid())
        })
        .await
        .map_err(internal)?;
    let code = code_for(id as u64);
    let link = Link {
        code: code.clone(),
        url: new.url,
    };
    Ok((
        StatusCode::CREATED,
        [(LOCATION, format!("/{code}"))],
        Json(link),
    ))
}

/// `DELETE /links/{code}`: by its owner only.
pub async fn delete_link(
    State(app): State<App>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<StatusCode, Refusal> {
    let user = current_user(&app, &headers)
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "log in first"))?;
    let id = id_for(&code).ok_or_else(|| refuse(StatusCode::NOT_FOUND, "no such link"))?;
    let owner: Option<Option<String>> = app
        .db
        .run(move |conn| {
            conn.query_row("SELECT owner FROM links WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
        })
        .await
        .map_err(internal)?;
    match owner {
        None => Err(refuse(StatusCode::NOT_FOUND, "no such link")),
        Some(owner) if owner.as_deref() != Some(user.as_str()) => {
            Err(refuse(StatusCode::FORBIDDEN, "this link is not yours"))
        }
        Some(_) => {
            app.db
                .run(move |conn| conn.execute("DELETE FROM links WHERE id = ?1", [id]))
                .await
                .map_err(internal)?;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the routes, logout, the app's state and configuration, the clock.
// ---------------------------------------------------------------------------------------------

/// The routes.
pub fn app(db: Db, config: Config) -> Router {
    let state = App {
        db,
        sessions: Arc::new(Mutex::new(SessionStore::new(
            OsRng,
            config.idle,
            config.absolute,
        ))),
        config,
    };
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/links", post(create_link))
        .route("/links/{code}", delete(delete_link))
        .route("/{code}", get(follow))
        .with_state(state)
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

/// What the app is told at start.
#[derive(Clone)]
pub struct Config {
    /// Argon2id's costs for new hashes (small in tests, OWASP's in production).
    pub argon2: argon2::Params,
    /// Session timeouts, in seconds (see your sessions crate).
    pub idle: u64,
    pub absolute: u64,
    /// Where the time comes from.
    pub clock: Clock,
}

/// The state every handler shares.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub sessions: Arc<Mutex<SessionStore<OsRng>>>,
    pub config: Config,
}

impl App {
    /// Seconds on the configured clock, as your session store counts them.
    pub fn now(&self) -> u64 {
        self.config.clock.now().as_secs()
    }
}

/// Step 1's `follow` takes `State<Db>`: axum finds the database inside the app's state.
impl FromRef<App> for Db {
    fn from_ref(app: &App) -> Db {
        app.db.clone()
    }
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
