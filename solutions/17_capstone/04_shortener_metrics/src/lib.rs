//! # Capstone, step 4: metrics, in the Prometheus text format
//!
//! Step 3's service (given: `links.rs`, `accounts.rs`, `shortener.rs`) works; now it must say
//! how it works, to the monitoring that pages someone at 3 a.m. A Prometheus server scrapes
//! `GET /metrics` every few seconds and stores each line as a time series. Two of the
//! "golden signals" are enough to start: **traffic and errors** (a counter of requests by
//! method, route and status) and **latency** (a histogram of how long requests take).
//!
//! - **A counter per label set.** `http_requests_total{method="GET",route="/{code}",status="302"} 7`.
//!   The `route` is the route **template** axum matched (`MatchedPath`), never the path:
//!   one series per link code would grow without end (Prometheus calls it a cardinality
//!   explosion) and take the monitoring down. A request no route matched is
//!   `route="unmatched"`.
//! - **A histogram** counts observations per bucket: bucket `le="0.025"` holds every request
//!   that took **at most** 25 ms (`<=`, so a value exactly on a bound is in it). Buckets are
//!   cumulative (each includes the ones below), and the last, `le="+Inf"`, holds all of them
//!   and equals `_count`. `_sum` is the total of the values, in seconds.
//!
//! Measure in a middleware around every route (`axum::middleware::from_fn_with_state`,
//! 13/03): read the [`Config::timer`] before and after `next.run(request)`. Counting in a
//! middleware sees every status, including the ones a handler never returns itself (axum's
//! rejections, a 404 for no route).
//!
//! The text format 0.0.4: for each metric a `# HELP name text` line and a `# TYPE name
//! counter|histogram` line, then its samples, one per line: the name, the labels in braces
//! as `name="value"` separated by commas, a space, the value. Serve it with
//! `content-type: text/plain; version=0.0.4`. Label values are escaped in general (`\\`,
//! `\"`, `\n`); yours are route templates and method names, which hold none of those, and
//! chapter 16 covers the full format.
//!
//! Primary sources: Prometheus, *Exposition formats* (text format 0.0.4) and *Metric types*
//! and *Instrumentation* best practices, <https://prometheus.io/docs/>; Google SRE book, ch. 6
//! (the four golden signals).

mod accounts;
mod links;
mod shortener;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use lru_cache::LruCache;
use rand::rngs::OsRng;
use sessions::SessionStore;
use token_bucket::{Bucket, Limit};

pub use accounts::*;
pub use links::*;
pub use shortener::*;

impl Histogram {
    /// Counts one observation of `seconds`: in every bucket whose bound is at least it, in
    /// the sum and in the count.
    pub fn observe(&mut self, seconds: f64) {
        for (bound, count) in BUCKETS.iter().zip(self.buckets.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }
}

/// The middleware: runs the request, then counts it by method, matched route and status, and
/// observes how long it took on the timer.
pub async fn track(State(app): State<App>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_string(), |p| p.as_str().to_string());
    let start = app.config.timer.now();
    let response = next.run(request).await;
    let seconds = app.config.timer.now().saturating_sub(start).as_secs_f64();
    let status = response.status().as_u16();
    let mut metrics = app.metrics.lock().unwrap();
    *metrics.requests.entry((method, route, status)).or_insert(0) += 1;
    metrics.latency.observe(seconds);
    response
}

/// The metrics in the text format 0.0.4: the counter's samples in key order, then the
/// histogram's buckets, `+Inf`, `_sum` and `_count`.
pub fn render(metrics: &Metrics) -> String {
    let mut out = String::new();
    out.push_str("# HELP http_requests_total Requests answered, by method, route and status.\n");
    out.push_str("# TYPE http_requests_total counter\n");
    for ((method, route, status), n) in &metrics.requests {
        let _ = writeln!(
            out,
            "http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
        );
    }
    out.push_str("# HELP http_request_duration_seconds Time to answer a request.\n");
    out.push_str("# TYPE http_request_duration_seconds histogram\n");
    let latency = &metrics.latency;
    for (bound, n) in BUCKETS.iter().zip(&latency.buckets) {
        let _ = writeln!(
            out,
            "http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
        );
    }
    let _ = writeln!(
        out,
        "http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
        latency.count
    );
    let _ = writeln!(out, "http_request_duration_seconds_sum {}", latency.sum);
    let _ = writeln!(out, "http_request_duration_seconds_count {}", latency.count);
    out
}

/// `GET /metrics`: what has been counted so far (this scrape is counted after it answers).
pub async fn metrics(State(app): State<App>) -> impl IntoResponse {
    let text = render(&app.metrics.lock().unwrap());
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
}

// ---------------------------------------------------------------------------------------------
// Given: the metrics' types, the routes, the app's state and configuration.
// ---------------------------------------------------------------------------------------------

/// The histogram's upper bounds, in seconds: Prometheus's default buckets.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A latency histogram: cumulative counts per bound of [`BUCKETS`], a sum and a count.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Histogram {
    /// `buckets[i]`: the observations `<= BUCKETS[i]`.
    pub buckets: [u64; BUCKETS.len()],
    /// The total of the observations, in seconds.
    pub sum: f64,
    /// How many observations.
    pub count: u64,
}

/// Everything counted: requests by (method, route, status), in key order, and the latency.
#[derive(Debug, Default)]
pub struct Metrics {
    pub requests: BTreeMap<(String, String, u16), u64>,
    pub latency: Histogram,
}

/// The routes, every one measured by [`track`].
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
        metrics: Arc::default(),
        config,
    };
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
    /// What [`track`] has counted.
    pub metrics: Arc<Mutex<Metrics>>,
    pub config: Config,
}

impl App {
    /// Seconds on the configured clock, as your session store counts them.
    pub fn now(&self) -> u64 {
        self.config.clock.now().as_secs()
    }
}
