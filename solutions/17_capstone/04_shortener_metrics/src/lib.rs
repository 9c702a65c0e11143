//! # Capstone, step 4: metrics, on your Prometheus registry
//!
//! Step 3's service (given: `links.rs`, `accounts.rs`, `shortener.rs`) works; now it must say
//! how it works, to the monitoring that pages someone at 3 a.m. A Prometheus server scrapes
//! `GET /metrics` every few seconds and stores each line as a time series. Two of the
//! "golden signals" are enough to start: **traffic and errors** (a counter of requests by
//! method, route and status) and **latency** (a histogram of how long requests take).
//!
//! The registry is yours, from chapter 16 (`16_operations/03_prometheus_metrics`): its
//! counters, histograms and text format do the counting and the writing. What is left is the
//! part every service writes for itself, deciding what to measure and where:
//!
//! - [`Metrics::register`]: on the registry, a counter `http_requests_total` labelled
//!   `method`, `route`, `status`, and a histogram `http_request_duration_seconds` without
//!   labels, on the bounds of [`BUCKETS`] (Prometheus's defaults, in seconds).
//! - [`track`], a middleware: read the [`Config::timer`] before and after
//!   `next.run(request)`, count the request and observe the seconds. The `route` is the
//!   route **template** axum matched (`MatchedPath`), never the path: a series per link code
//!   would grow without end (Prometheus calls it a cardinality explosion) and take the
//!   monitoring down. A request no route matched is `route="unmatched"`.
//! - In [`app`], wrap **every** route in `track` (`axum::middleware::from_fn_with_state`,
//!   13/03), including the requests no route matches. Counting in a middleware sees every
//!   status, including the ones a handler never returns itself (axum's rejections, a 404).
//! - [`metrics`], `GET /metrics`: the registry's page, with
//!   `content-type: text/plain; version=0.0.4`, which tells Prometheus how to parse it.
//!
//! If chapter 16's exercise still has a `todo!()`, the tests stop first and say so.
//!
//! Primary sources: Prometheus, *Exposition formats* (text format 0.0.4), *Metric types* and
//! *Instrumentation* best practices, <https://prometheus.io/docs/>; Google SRE book, ch. 6
//! (the four golden signals).

mod accounts;
mod links;
mod shortener;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use lru_cache::LruCache;
use prometheus_metrics::{Counter, Histogram, Registry};
use rand::rngs::OsRng;
use sessions::SessionStore;
use token_bucket::{Bucket, Limit};

pub use accounts::*;
pub use links::*;
pub use shortener::*;

impl Metrics {
    /// Registers the service's metrics on `registry` and returns the handles that update them.
    pub fn register(registry: &Registry) -> Metrics {
        Metrics {
            requests: registry.counter(
                "http_requests_total",
                "Requests answered, by method, route and status.",
                &["method", "route", "status"],
            ),
            latency: registry.histogram(
                "http_request_duration_seconds",
                "Time to answer a request.",
                &[],
                &BUCKETS,
            ),
        }
    }
}

/// The middleware: runs the request, then counts it by method, matched route and status, and
/// observes how long it took on the timer.
pub async fn track(State(app): State<App>, request: Request, next: Next) -> Response {
    // Read before next.run, which takes the request. The template, never the path: a label
    // value per link code would be a series per link code.
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_string(), |p| p.as_str().to_string());
    let start = app.config.timer.now();
    let response = next.run(request).await;
    let seconds = app.config.timer.now().saturating_sub(start).as_secs_f64();
    let status = response.status();
    app.metrics
        .requests
        .inc(&[&method, &route, status.as_str()]);
    app.metrics.latency.observe(&[], seconds);
    response
}

/// `GET /metrics`: what has been counted so far (this scrape is counted after it answers).
pub async fn metrics(State(app): State<App>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.registry.render(),
    )
        .into_response()
}

/// The routes, every one measured by [`track`].
pub fn app(db: Db, config: Config) -> Router {
    let state = App::new(db, config);
    // `layer`, not `route_layer`: it also wraps the fallback, so a 404 for no route is counted.
    Router::new()
        .route("/signup", post(signup))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/metrics", get(metrics))
        .route("/links", post(create_link))
        .route("/links/{code}", delete(delete_link))
        .route("/{code}", get(follow))
        .layer(axum::middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Given: the metrics' handles, the app's state and configuration.
// ---------------------------------------------------------------------------------------------

/// The histogram's upper bounds, in seconds: Prometheus's default buckets.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The handles [`track`] updates; the registry they were registered on renders them.
#[derive(Clone)]
pub struct Metrics {
    /// `http_requests_total`, by method, route and status.
    pub requests: Counter,
    /// `http_request_duration_seconds`, without labels.
    pub latency: Histogram,
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
    /// What request durations are measured with (in production, the same clock).
    pub timer: Clock,
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
    /// Your registry from chapter 16: every metric of the service, for `GET /metrics`.
    pub registry: Arc<Registry>,
    /// What [`track`] counts on.
    pub metrics: Metrics,
    pub config: Config,
}

impl App {
    /// The state at start: no sessions, no buckets, an empty cache, metrics at zero.
    pub fn new(db: Db, config: Config) -> App {
        let registry = Registry::new();
        let metrics = Metrics::register(&registry);
        App {
            db,
            sessions: Arc::new(Mutex::new(SessionStore::new(
                OsRng,
                config.idle,
                config.absolute,
            ))),
            buckets: Arc::default(),
            cache: Arc::new(Mutex::new(LruCache::new(config.cache_capacity))),
            registry: Arc::new(registry),
            metrics,
            config,
        }
    }

    /// Seconds on the configured clock, as your session store counts them.
    pub fn now(&self) -> u64 {
        self.config.clock.now().as_secs()
    }
}
