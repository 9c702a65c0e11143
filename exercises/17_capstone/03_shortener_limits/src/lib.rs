//! # Capstone, step 3: a rate limit and a cache, on your token bucket and LRU cache
//!
//! Step 2's service (given: `links.rs`, `accounts.rs`) does whatever it is asked, as often
//! as it is asked. Two more of your crates make it last in public:
//!
//! - **token_bucket** (11_scaling/01): each account may create [`Config::limit`] links in a
//!   burst, then one per `every`. A request over the limit is `429 Too Many Requests` with
//!   `Retry-After`: the wait your `Bucket::try_take` returns, in whole seconds **rounded
//!   up** (RFC 9110 §10.2.3). Check the limit first, before the URL is even looked at: a
//!   refused request must cost nothing, and an invalid one still costs a token (or a script
//!   could probe for free). Your crate's `RateLimiter` cannot be shared between axum's
//!   threads (its boxed clock is not `Send`), so keep a `Bucket` per user in
//!   [`App::buckets`] and pass it the app's clock.
//! - **lru_cache** (10_caching/01): redirects are most of the traffic, and a few links get
//!   most of the visits. [`App::cache`] keeps the answer for a code: `Some(url)`, or `None`
//!   for a code with no link (so a scan of unknown codes does not reach the database
//!   either). A hit answers without a query; a miss queries and remembers the answer.
//!
//! A cache is a copy, and every write must keep the copy true. Your `LruCache` has no
//! `remove`, and needs none: a write **puts** the new answer. `create_link` puts
//! `Some(url)` (its code may be cached as "no link" by an earlier probe), `delete_link` puts
//! `None` after the row is gone. Forget either, and a link that exists answers `404`, or a
//! deleted one keeps redirecting.
//!
//! The handlers `create_link`, `follow` and `delete_link` are steps 1 and 2's, ready to
//! change. [`Db::queries`] counts the queries, so the tests can see what the cache saves.
//!
//! Primary sources: RFC 6585 §4 (429), RFC 9110 §10.2.3 (Retry-After); the chapter READMEs
//! of 10_caching (invalidation) and 11_scaling (token buckets).

mod accounts;
mod links;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::routing::{delete, get, post};
use lru_cache::LruCache;
use rand::rngs::OsRng;
use rusqlite::OptionalExtension;
use sessions::SessionStore;
use token_bucket::{Bucket, Limit};

pub use accounts::*;
pub use links::*;

/// Takes a token from `user`'s bucket (a full one for a user not seen before), or refuses:
/// `429` with `Retry-After` in whole seconds, rounded up.
pub fn check_limit(app: &App, user: &str) -> Result<(), TooMany> {
    // TODO: the limit and the time (app.config.clock.now()); the user's bucket from
    //       app.buckets (entry(..).or_insert_with(|| Bucket::full(..))); try_take; on
    //       Err(wait): (429, [(RETRY_AFTER, seconds rounded up)], a sentence).
    let _ = (app, user, RETRY_AFTER, Bucket::full, Bucket::try_take);
    todo!("check_limit")
}

/// `POST /links`: a logged-in user within their limit; the new link goes into the cache too.
pub async fn create_link(
    State(app): State<App>,
    headers: HeaderMap,
    Json(new): Json<NewLink>,
) -> Result<Created, Refused> {
    let owner = current_user(&app, &headers)
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "log in first"))?;
    // TODO: check_limit for the owner before anything else (map_err(Refused::TooMany)?), and
    //       once the link is stored, put Some(url) under its code into app.cache.
    if !valid_url(&new.url) {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the url must be http:// or https:// with a host, visible ASCII, at most 2048 bytes",
        )
        .into());
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

/// `GET /{code}`: from the cache when it knows the code, else from the database (and the
/// answer, link or none, is cached).
pub async fn follow(
    State(app): State<App>,
    Path(code): Path<String>,
) -> Result<Redirect, StatusCode> {
    // TODO: step 1's handler, ready to change: look the code up in app.cache first
    //       (get(&code).cloned(): a hit is the answer, Some(url) or None); on a miss, query
    //       and put the answer (Some or None) under the code.
    let id = id_for(&code).ok_or(StatusCode::NOT_FOUND)?;
    let url = app
        .db
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

/// `DELETE /links/{code}`: by its owner only; the cache forgets the link at once.
pub async fn delete_link(
    State(app): State<App>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<StatusCode, Refusal> {
    // TODO: step 2's handler, ready to change (see below).
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
            // TODO: the cache must not keep redirecting: put None under the code, after
            //       the row is gone.
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the routes, the app's state and configuration, the 429 response.
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
        buckets: Arc::default(),
        cache: Arc::new(Mutex::new(LruCache::new(config.cache_capacity))),
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

/// What the app is told at start.
#[derive(Clone)]
pub struct Config {
    /// Argon2id's costs for new hashes (small in tests, OWASP's in production).
    pub argon2: argon2::Params,
    /// Session timeouts, in seconds (see your sessions crate).
    pub idle: u64,
    pub absolute: u64,
    /// Links an account may create: a burst of `capacity`, then one per `every`.
    pub limit: Limit,
    /// How many codes the redirect cache remembers.
    pub cache_capacity: usize,
    /// Where the time comes from.
    pub clock: Clock,
}

/// The state every handler shares.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub sessions: Arc<Mutex<SessionStore<OsRng>>>,
    /// Each account's token bucket, by user name.
    pub buckets: Arc<Mutex<HashMap<String, Bucket>>>,
    /// What each recently followed code leads to: `Some(url)`, or `None` for no link.
    pub cache: Arc<Mutex<LruCache<String, Option<String>>>>,
    pub config: Config,
}

impl App {
    /// Seconds on the configured clock, as your session store counts them.
    pub fn now(&self) -> u64 {
        self.config.clock.now().as_secs()
    }
}

/// `429 Too Many Requests` with `Retry-After` and a sentence.
pub type TooMany = (StatusCode, [(HeaderName, String); 1], &'static str);

/// Why `POST /links` was refused: a limit, or any other reason.
pub enum Refused {
    TooMany(TooMany),
    Other(Refusal),
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Refused {
        Refused::Other(refusal)
    }
}

impl axum::response::IntoResponse for Refused {
    fn into_response(self) -> axum::response::Response {
        match self {
            Refused::TooMany(too_many) => too_many.into_response(),
            Refused::Other(refusal) => refusal.into_response(),
        }
    }
}
