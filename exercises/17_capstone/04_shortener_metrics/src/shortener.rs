//! Step 3's solution, given: the limit on link creation and the cache in front of redirects.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use rusqlite::OptionalExtension;
use token_bucket::Bucket;

use crate::App;
use crate::accounts::current_user;
use crate::links::{
    Created, Link, NewLink, Redirect, Refusal, code_for, id_for, internal, refuse, valid_url,
};

/// Takes a token from `user`'s bucket (a full one for a user not seen before), or refuses:
/// `429` with `Retry-After` in whole seconds, rounded up.
pub fn check_limit(app: &App, user: &str) -> Result<(), TooMany> {
    let (limit, now) = (app.config.limit, app.config.clock.now());
    let mut buckets = app.buckets.lock().unwrap();
    let bucket = buckets
        .entry(user.to_string())
        .or_insert_with(|| Bucket::full(limit, now));
    bucket.try_take(limit, now).map_err(|wait| {
        let seconds = wait.as_nanos().div_ceil(1_000_000_000);
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(RETRY_AFTER, seconds.to_string())],
            "too many links: slow down",
        )
    })
}

/// `POST /links`: a logged-in user within their limit; the new link goes into the cache too.
pub async fn create_link(
    State(app): State<App>,
    headers: HeaderMap,
    Json(new): Json<NewLink>,
) -> Result<Created, Refused> {
    let owner = current_user(&app, &headers)
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "log in first"))?;
    check_limit(&app, &owner).map_err(Refused::TooMany)?;
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
    // A probe may have cached this code as "no link": the new answer replaces it.
    app.cache
        .lock()
        .unwrap()
        .put(code.clone(), Some(new.url.clone()));
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
    let id = id_for(&code).ok_or(StatusCode::NOT_FOUND)?;
    let cached = app.cache.lock().unwrap().get(&code).cloned();
    let url = match cached {
        Some(answer) => answer,
        None => {
            let url: Option<String> = app
                .db
                .run(move |conn| {
                    conn.query_row("SELECT url FROM links WHERE id = ?1", [id], |row| {
                        row.get(0)
                    })
                    .optional()
                })
                .await
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
            app.cache.lock().unwrap().put(code, url.clone());
            url
        }
    };
    let url = url.ok_or(StatusCode::NOT_FOUND)?;
    Ok((StatusCode::FOUND, [(LOCATION, url)]))
}

/// `DELETE /links/{code}`: by its owner only; the cache forgets the link at once.
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
            // After the row is gone: a redirect between the two would cache the old URL.
            app.cache.lock().unwrap().put(code, None);
            Ok(StatusCode::NO_CONTENT)
        }
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
