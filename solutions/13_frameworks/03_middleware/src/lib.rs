//! # axum, step 3: middleware as tower layers
//!
//! Some work belongs to every request, not to one handler: give it an id, log it, check who
//! sent it. Written in each handler, it is forgotten in one. Written once as **middleware**,
//! it wraps the handlers: it sees the request first, calls the rest (`next.run(req).await`),
//! then sees the response. axum's middleware is tower's: a `Layer` wraps a `Service` in
//! another `Service`, and `axum::middleware::from_fn_with_state(state, f)` makes a layer of
//! an async function `f(State<S>, Request, Next) -> Response`.
//!
//! Order matters. `router.layer(a).layer(b)` makes `b` the outermost: it runs first on the way
//! in and last on the way out. `.layer` wraps every route (and the 404 of no route);
//! `.route_layer` wraps only the routes already added, so authentication on one sub-router
//! leaves the others public.
//!
//! Write three middlewares and wire them:
//!
//! - [`request_id`]: a request keeps the `x-request-id` it came with, so one id follows it
//!   through every service of a call chain; one without a usable id gets a new one from the
//!   given [`IdGen`]. The id goes into the request's extensions ([`RequestId`], for the
//!   handlers and the logger) and back in the response's `x-request-id`. A client's header
//!   is input: an id that is empty, longer than [`MAX_ID_LEN`], or has anything but visible
//!   ASCII is replaced, or a client could forge lines into your logs.
//! - [`log_requests`]: one structured [`LogLine`] per request into the [`LogSink`], written
//!   after the response: method, path, status, request id. The path only: a query string
//!   carries tokens often enough that logging it leaks them.
//! - [`require_bearer`]: RFC 6750's bearer token. `Authorization: Bearer <token>` (the
//!   scheme is case-insensitive, RFC 9110 §11.1) with the configured token goes on; no
//!   credentials is `401` with `WWW-Authenticate: Bearer realm="admin"`; a wrong token (or
//!   another scheme) is `401` with `Bearer realm="admin", error="invalid_token"`.
//!
//! The routes are given: `GET /public`, `GET /whoami` (answers the request id it sees) and
//! `GET /admin/stats`, the only one behind the token. Every request is logged, a `401` and a
//! `404` too, and every response carries its id.
//!
//! What axum does: run layers in order, carry extensions from middleware to handler. What it
//! does not: it has no request id, no logger and no authentication of its own (the
//! `tower-http` crate has ready-made ones; writing them once shows what they do).
//!
//! Primary sources: axum, middleware, <https://docs.rs/axum/0.8/axum/middleware/index.html>;
//! RFC 6750 §2.1 and §3, <https://www.rfc-editor.org/rfc/rfc6750#section-3>.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The routes, `/admin/stats` behind [`require_bearer`]; every route (and the 404) inside
/// [`log_requests`], inside [`request_id`].
pub fn app(config: Config) -> Router {
    let admin = Router::new()
        .route("/admin/stats", get(stats))
        // route_layer: the token guards these routes only, not the 404 of a path no route has.
        .route_layer(from_fn_with_state(config.token, require_bearer));
    Router::new()
        .route("/public", get(public))
        .route("/whoami", get(whoami))
        .merge(admin)
        // The last layer is the outermost: the id is set before the logger reads it.
        .layer(from_fn_with_state(config.sink, log_requests))
        .layer(from_fn_with_state(config.ids, request_id))
}

/// Keeps a valid incoming `x-request-id` or makes one; stores it as [`RequestId`] in the
/// request's extensions and sets it on the response.
pub async fn request_id(State(ids): State<IdGen>, mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_usable_id(id))
        .map(str::to_owned)
        .unwrap_or_else(|| ids.next());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    // Visible ASCII only, checked above or made by IdGen: always a valid header value.
    let value = HeaderValue::from_str(&id).expect("a request id is visible ASCII");
    res.headers_mut().insert(REQUEST_ID, value);
    res
}

/// Whether a client's request id is safe to keep: it ends up in logs and other services.
fn is_usable_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Pushes one [`LogLine`] per request, after the response is made.
pub async fn log_requests(State(sink): State<LogSink>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let res = next.run(req).await;
    sink.push(LogLine {
        method,
        path,
        status: res.status().as_u16(),
        request_id,
    });
    res
}

/// Lets a request with the right bearer token through; `401` with `WWW-Authenticate` else.
pub async fn require_bearer(State(token): State<Arc<str>>, req: Request, next: Next) -> Response {
    let Some(credentials) = req.headers().get(AUTHORIZATION) else {
        return unauthorized(false);
    };
    let presented = credentials
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, token)| token.trim());
    // A real service compares in constant time (chapter 07): `subtle::ConstantTimeEq`.
    if presented == Some(&*token) {
        next.run(req).await
    } else {
        unauthorized(true)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the configuration, the log sink, the id generator and the handlers.
// ---------------------------------------------------------------------------------------------

/// The request id header (a convention, not a standard; the most common spelling).
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming request id kept, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// What the app is built from.
#[derive(Clone, Debug)]
pub struct Config {
    /// The bearer token `/admin` routes require.
    pub token: Arc<str>,
    /// Where the log lines go.
    pub sink: LogSink,
    /// Where new request ids come from.
    pub ids: IdGen,
}

/// The id of the request being served, put in its extensions by [`request_id`].
#[derive(Clone, Debug, PartialEq)]
pub struct RequestId(pub String);

/// One structured log line: fields, not a formatted string, so that they can be searched.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub method: String,
    pub path: String,
    pub status: u16,
    pub request_id: String,
}

/// The log: a list the tests read (a real service writes JSON lines to stdout).
#[derive(Clone, Debug, Default)]
pub struct LogSink(Arc<Mutex<Vec<LogLine>>>);

impl LogSink {
    /// Appends a line.
    pub fn push(&self, line: LogLine) {
        self.0.lock().unwrap().push(line);
    }

    /// Every line so far, in order.
    pub fn lines(&self) -> Vec<LogLine> {
        self.0.lock().unwrap().clone()
    }
}

/// New request ids, `req-1`, `req-2`...: predictable, so that tests can name them (a real
/// service uses a random UUID).
#[derive(Clone, Debug, Default)]
pub struct IdGen(Arc<AtomicU64>);

impl IdGen {
    /// The next id.
    pub fn next(&self) -> String {
        format!("req-{}", self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// A `401` with its `WWW-Authenticate` challenge; `invalid` adds RFC 6750's `invalid_token`.
pub fn unauthorized(invalid: bool) -> Response {
    let challenge = if invalid {
        r#"Bearer realm="admin", error="invalid_token""#
    } else {
        r#"Bearer realm="admin""#
    };
    let challenge = HeaderValue::from_static(challenge);
    (StatusCode::UNAUTHORIZED, [(WWW_AUTHENTICATE, challenge)]).into_response()
}

/// `GET /public`.
pub async fn public() -> &'static str {
    "hello"
}

/// `GET /whoami`: the request id this handler sees in its extensions.
pub async fn whoami(req: Request) -> String {
    match req.extensions().get::<RequestId>() {
        Some(RequestId(id)) => id.clone(),
        None => "no request id".to_string(),
    }
}

/// `GET /admin/stats`.
pub async fn stats() -> &'static str {
    "42 books"
}
