//! # Liveness and readiness: dependency checks bounded by timeouts
//!
//! An orchestrator (Kubernetes, a load balancer) polls two endpoints and acts on them:
//!
//! - **`/livez`**: is the process alive? If not, it is **restarted**. So liveness checks
//!   nothing but that the process answers. A liveness probe that checks the database restarts
//!   every replica the moment the database blips, and the restarts then stampede the database
//!   as it comes back.
//! - **`/readyz`**: can it serve traffic now? If not, it is **taken out of rotation** (no
//!   restart) until it is ready again. Readiness runs a check per dependency (the database,
//!   the cache, a downstream API) and is ready only if every check passes.
//!
//! A dependency that fails is easy. One that **hangs** (a half-open connection, an exhausted
//! pool) is the trap: a probe that waits for it hangs too, the orchestrator's probe times out
//! with no detail, and a single stuck check makes the whole report late. So each check runs
//! under its own **timeout**, and the checks run **concurrently**, so `/readyz` answers within
//! one timeout however many dependencies hang, naming each check's result.
//!
//! Write:
//!
//! - [`run_checks`]: start every check at once (`tokio::spawn`, so that a panicking check is
//!   a `JoinError`, not a crashed probe), each inside `tokio::time::timeout(limit, ..)`, then
//!   collect the results **in the order of `checks`**. A check that times out is dropped
//!   (cancelled) there, inside its task: not left running in the background.
//!   A panicked check is `Fail("check panicked")`.
//! - [`livez`]: `200` with the body `{"status":"pass"}`; it runs no check.
//! - [`readyz`]: run the checks with the app's timeout; `200` if all pass, else `503 Service
//!   Unavailable`, with a body that names each result:
//!   `{"status":"fail","checks":{"db":{"status":"pass"},"cache":{"status":"fail","output":"refused"}}}`
//!   where `output` is the failure's text, or `timed out after 2s` ([`Outcome::output`]).
//!
//! Both answer with [`HEALTH_JSON`] as `Content-Type`, through [`health_response`].
//!
//! The tests check [`run_checks`] on tokio's **paused clock** (a 10 s timeout passes at
//! once, to the millisecond) and the endpoints over real TCP with ureq.
//!
//! Primary sources: Kubernetes, Liveness, Readiness, and Startup Probes,
//! <https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/>;
//! Health Check Response Format for HTTP APIs (IETF draft),
//! <https://datatracker.ietf.org/doc/html/draft-inadarei-api-health-check>.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

/// Runs every check concurrently, each bounded by `limit`: their outcomes, in order.
pub async fn run_checks(checks: &[Check], limit: Duration) -> Vec<(&'static str, Outcome)> {
    // All started before any is awaited: the slowest check sets the time, not their sum.
    // The timeout is inside the task, so a check that runs out of time is dropped there.
    let tasks: Vec<_> = checks
        .iter()
        .map(|check| tokio::spawn(tokio::time::timeout(limit, check.start())))
        .collect();
    let mut outcomes = Vec::with_capacity(checks.len());
    for (check, task) in checks.iter().zip(tasks) {
        let outcome = match task.await {
            Ok(Ok(Ok(()))) => Outcome::Pass,
            Ok(Ok(Err(why))) => Outcome::Fail(why),
            Ok(Err(_elapsed)) => Outcome::TimedOut(limit),
            Err(_join_error) => Outcome::Fail("check panicked".into()),
        };
        outcomes.push((check.name, outcome));
    }
    outcomes
}

/// `GET /livez`: the process answers; nothing else is checked.
pub async fn livez() -> Response {
    health_response(StatusCode::OK, json!({ "status": "pass" }))
}

/// `GET /readyz`: every dependency check, 200 if all pass, 503 if any does not.
pub async fn readyz(State(health): State<Health>) -> Response {
    let outcomes = run_checks(&health.checks, health.timeout).await;
    let ready = outcomes
        .iter()
        .all(|(_, outcome)| *outcome == Outcome::Pass);
    let mut checks = Map::new();
    for (name, outcome) in outcomes {
        let mut result = json!({ "status": outcome.status() });
        if let Some(output) = outcome.output() {
            result["output"] = json!(output);
        }
        checks.insert(name.to_string(), result);
    }
    let (status, word) = if ready {
        (StatusCode::OK, "pass")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "fail")
    };
    health_response(status, json!({ "status": word, "checks": checks }))
}

// ---------------------------------------------------------------------------------------------
// Given: checks, outcomes, the app's state and routes, and the response format.
// ---------------------------------------------------------------------------------------------

/// What a check returns: `Ok(())` when the dependency is usable, `Err(why)` when not.
pub type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A named dependency check: each call of [`Check::start`] is a fresh attempt.
#[derive(Clone)]
pub struct Check {
    pub name: &'static str,
    run: Arc<dyn Fn() -> CheckFuture + Send + Sync>,
}

impl Check {
    /// A check from an async closure, such as `Check::new("db", || async { ping().await })`.
    pub fn new<F, Fut>(name: &'static str, f: F) -> Check
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        Check {
            name,
            run: Arc::new(move || Box::pin(f())),
        }
    }

    /// A new attempt of this check, not yet started (a future does nothing until polled).
    pub fn start(&self) -> CheckFuture {
        (self.run)()
    }
}

/// How one check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// The check answered that the dependency is not usable, or panicked.
    Fail(String),
    /// The check gave no answer within the limit.
    TimedOut(Duration),
}

impl Outcome {
    /// `pass` or `fail`, as in the health check format.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail(_) | Outcome::TimedOut(_) => "fail",
        }
    }

    /// What went wrong, for the `output` member: none for a pass.
    pub fn output(&self) -> Option<String> {
        match self {
            Outcome::Pass => None,
            Outcome::Fail(why) => Some(why.clone()),
            Outcome::TimedOut(limit) => Some(format!("timed out after {limit:?}")),
        }
    }
}

/// The app's state: its dependency checks and the time each may take.
#[derive(Clone)]
pub struct Health {
    pub checks: Arc<Vec<Check>>,
    pub timeout: Duration,
}

/// The media type of the IETF draft's health responses.
pub const HEALTH_JSON: &str = "application/health+json";

/// A response with this status and JSON body, as [`HEALTH_JSON`].
pub fn health_response(status: StatusCode, body: Value) -> Response {
    (status, [(CONTENT_TYPE, HEALTH_JSON)], body.to_string()).into_response()
}

/// The two probe endpoints.
pub fn app(health: Health) -> Router {
    Router::new()
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .with_state(health)
}
