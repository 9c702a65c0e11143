//! # Structured JSON logs, with a request id on every line
//!
//! A log line like `order 42 not found for alice` is written for a human and read by a
//! program: the log pipeline (Loki, Elasticsearch, CloudWatch) has to guess which word is the
//! order id. A **structured** log writes each event as one JSON object per line, with the
//! fields named: a query for `fields.order_id = 42` finds every line about that order.
//!
//! One JSON object per line has a consequence: a line break inside a message must never
//! reach the output as a line break. A message with user input in it
//! (`note received: hello\n{"level":"error",...}`) written with `format!` becomes two lines,
//! the second a forged event: that is **log injection** (OWASP). `serde_json` escapes `\n`,
//! `"` and control characters by construction; never build JSON by hand.
//!
//! The other half is the **request id**. The lines of one request are scattered among those
//! of hundreds of others; a request id on each of them ties them together. Chapter 13's
//! middleware chose the id; here it is carried **into the handler's own log lines**: the
//! middleware makes a [`Logger`] bound to the id ([`Logger::for_request`]) and puts it in the
//! request's extensions, where handlers take it (`Extension<Logger>`). Whatever a handler
//! logs then carries the id without the handler knowing it.
//!
//! Write:
//!
//! - [`Logger::log`]: one line into the sink, a JSON object ending in `\n`:
//!   `{"timestamp":"2026-11-29T14:32:08.123Z","level":"info","message":"...",
//!   "request_id":"req-1","fields":{"order_id":42}}`. The timestamp is the injected clock's
//!   `now()` through [`timestamp`]; `level` is [`Level::as_str`]; `request_id` is there only
//!   for a logger bound to one; `fields` is always there, an object (`{}` if none).
//! - [`Logger::for_request`]: a copy of the logger, bound to that request id.
//! - [`request_context`], the middleware: the id is the `x-request-id` header if
//!   [`valid_request_id`] accepts it, else the next of [`IdGen`]. Log `request started`
//!   (fields `method` and `path`) before the handler and `request finished` (field `status`,
//!   a number) after it, both through the bound logger; echo the id in the response's
//!   `x-request-id`.
//!
//! The routes and their handlers are given ([`app`]).
//!
//! Primary sources: OWASP Logging Cheat Sheet (event attributes; log injection),
//! <https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html>; JSON Lines,
//! <https://jsonlines.org/>.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{Map, Value, json};

impl Logger {
    /// Writes one JSON line: timestamp, level, message, the request id if bound, fields.
    pub fn log(&self, level: Level, message: &str, fields: &[(&str, Value)]) {
        let fields: Map<String, Value> = fields
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect();
        let mut line = json!({
            "timestamp": timestamp(self.clock.now()),
            "level": level.as_str(),
            "message": message,
            "fields": fields,
        });
        if let Some(id) = &self.request_id {
            line["request_id"] = json!(id);
        }
        // serde_json escapes the message: whatever it holds, this stays one line.
        let mut text = line.to_string();
        text.push('\n');
        self.sink.write(text.as_bytes());
    }

    /// This logger, bound to a request id that every line it writes will carry.
    pub fn for_request(&self, id: &str) -> Logger {
        Logger {
            request_id: Some(id.to_string()),
            ..self.clone()
        }
    }
}

/// Chooses the request id, hands handlers a logger bound to it, logs the start and the end
/// of the request, and echoes the id.
pub async fn request_context(State(ctx): State<Context>, mut req: Request, next: Next) -> Response {
    let incoming = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok());
    let id = match incoming {
        Some(id) if valid_request_id(id) => id.to_string(),
        _ => ctx.ids.next(),
    };
    let log = ctx.logger.for_request(&id);
    log.log(
        Level::Info,
        "request started",
        &[
            ("method", json!(req.method().as_str())),
            ("path", json!(req.uri().path())),
        ],
    );
    req.extensions_mut().insert(log.clone());
    let mut response = next.run(req).await;
    log.log(
        Level::Info,
        "request finished",
        &[("status", json!(response.status().as_u16()))],
    );
    // valid_request_id or IdGen: visible ASCII either way, so a valid header value.
    let value = HeaderValue::from_str(&id).expect("a request id is visible ASCII");
    response.headers_mut().insert(REQUEST_ID, value);
    response
}

// ---------------------------------------------------------------------------------------------
// Given: the logger's parts, the clock, the sink, the request ids, and the service.
// ---------------------------------------------------------------------------------------------

/// A logger: where lines go, what time it is, and the request it is bound to, if any.
/// Cloning is cheap (two `Arc`s and the id).
#[derive(Clone)]
pub struct Logger {
    sink: LogSink,
    clock: Arc<dyn Clock>,
    request_id: Option<String>,
}

impl Logger {
    /// A logger bound to no request.
    pub fn new(sink: LogSink, clock: Arc<dyn Clock>) -> Logger {
        Logger {
            sink,
            clock,
            request_id: None,
        }
    }

    /// Shorthand for an `info` line.
    pub fn info(&self, message: &str, fields: &[(&str, Value)]) {
        self.log(Level::Info, message, fields);
    }
}

/// How severe a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    /// The name in a log line: `error`, `warn`, `info`, `debug`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// What time it is: the system clock in a service, a fixed one in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> SystemTime;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// RFC 3339 in UTC with milliseconds, `2026-11-29T14:32:08.123Z`: sortable as text, and
/// read by every log pipeline.
pub fn timestamp(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date: Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Where lines go: bytes in memory that tests read (a service writes to stdout, and the
/// platform collects it). One `write` per line, under one lock, so that lines logged at the
/// same time by two requests never interleave.
#[derive(Clone, Default)]
pub struct LogSink(Arc<Mutex<Vec<u8>>>);

impl LogSink {
    /// Appends bytes as they are.
    pub fn write(&self, bytes: &[u8]) {
        self.0.lock().unwrap().extend_from_slice(bytes);
    }

    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The request id header (a convention, not a standard; the most common spelling).
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Whether a client's request id may be kept: 1 to 64 bytes of visible ASCII (chapter 13,
/// `middleware`). Anything else is replaced, so a client cannot write what it likes into
/// every log line.
pub fn valid_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic())
}

/// New request ids, `req-1`, `req-2`...: predictable, so that tests can name them (a real
/// service uses a random UUID).
#[derive(Clone, Default)]
pub struct IdGen(Arc<AtomicU64>);

impl IdGen {
    /// The next id.
    pub fn next(&self) -> String {
        format!("req-{}", self.0.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

/// What the middleware needs: the root logger and the id generator.
#[derive(Clone)]
pub struct Context {
    pub logger: Logger,
    pub ids: IdGen,
}

/// The service: `GET /orders/{id}` and `POST /notes`, every route (and the 404) inside
/// [`request_context`].
pub fn app(ctx: Context) -> Router {
    Router::new()
        .route("/orders/{id}", get(order))
        .route("/notes", post(note))
        .layer(from_fn_with_state(ctx, request_context))
}

/// `GET /orders/{id}`: order 0 does not exist; the others do.
async fn order(Extension(log): Extension<Logger>, Path(id): Path<u64>) -> (StatusCode, String) {
    log.info("loading order", &[("order_id", json!(id))]);
    // A real handler awaits its database here; other requests run meanwhile.
    tokio::task::yield_now().await;
    if id == 0 {
        log.log(Level::Warn, "order not found", &[("order_id", json!(id))]);
        return (StatusCode::NOT_FOUND, "no such order".into());
    }
    (StatusCode::OK, format!("order {id}"))
}

/// `POST /notes`: logs the note it was sent, user input inside a message.
async fn note(Extension(log): Extension<Logger>, body: String) -> StatusCode {
    log.info(
        &format!("note received: {body}"),
        &[("bytes", json!(body.len()))],
    );
    StatusCode::ACCEPTED
}
