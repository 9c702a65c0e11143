//! # axum, step 4: errors into responses, as problem details
//!
//! In 03/04 you wrote RFC 9457 problem details by hand: an object with `type`, `title`,
//! `status` and `detail`, served as `application/problem+json`, so that every error of an API
//! has one shape a client can parse. axum gives that idea a place: a handler may return
//! `Result<T, E>` for any `E: IntoResponse`. So the service has **one error type**,
//! [`ApiError`], every handler returns `Result<_, ApiError>` and uses `?`, and one
//! `impl IntoResponse for ApiError` decides what a client sees. No handler formats an error.
//!
//! Two rules make that function safe:
//!
//! - **A 500 says nothing about why.** [`ApiError::Internal`] carries the cause (a database
//!   message, a file path, a query) for the server's log. The client gets the status and a
//!   fixed sentence, [`INTERNAL_DETAIL`]: an error message that names a table or a path is a
//!   map for an attacker (OWASP's *Improper Error Handling*). The cause goes to the given
//!   [`ErrorLog`], where operators, not clients, read it.
//! - **The framework's errors get the same shape.** axum's rejections (415, 400, 422 from
//!   `Json`, 400 from `Path`) and its 404 for no route answer in plain text. A client that
//!   parses problem details would meet a second format for exactly the errors it caused. So:
//!   a handler takes `Result<Json<T>, JsonRejection>` (an extractor wrapped in `Result` hands
//!   its rejection to the handler instead of answering for it), `From` converts the rejection
//!   into [`ApiError::Rejected`] keeping its status and text, and the router's `fallback`
//!   answers [`ApiError::NotFound`].
//!
//! The problem object: `type` is `about:blank` (the status code says it all), `title` is
//! the status's reason phrase (`Not Found`), which RFC 9457 §4.2.1 asks for with
//! `about:blank`, `status` is the response's status, `detail` the sentence for this case.
//!
//! What axum does: turn `Err(e)` into `e.into_response()`, hand rejections to handlers that
//! ask for them. What it does not: choose a format for errors, or know which messages are
//! safe to show; both are the API's contract, and yours.
//!
//! Primary sources: RFC 9457, <https://www.rfc-editor.org/rfc/rfc9457> (§3.1, §4.2.1);
//! axum, error handling, <https://docs.rs/axum/0.8/axum/error_handling/index.html>.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The problem details response: the status, `content-type: application/problem+json`, and
/// the object. A 500's detail is [`INTERNAL_DETAIL`], whatever the cause (which is logged).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match self {
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, detail),
            ApiError::Invalid(detail) => (StatusCode::UNPROCESSABLE_ENTITY, detail),
            ApiError::Rejected(status, detail) => (status, detail),
            ApiError::Internal { cause, log } => {
                // The cause is for operators: logged here, and nowhere in the response.
                log.write(&cause);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    INTERNAL_DETAIL.to_string(),
                )
            }
        };
        let problem = json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
        });
        (status, [(CONTENT_TYPE, PROBLEM_JSON)], Json(problem)).into_response()
    }
}

/// A `Json` extractor's rejection: its status (415, 400, 422...) and its text as the detail.
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

/// A `Path` extractor's rejection, the same way.
impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::Rejected(rejection.status(), rejection.body_text())
    }
}

/// `fallback` for the router: a path no route has is a problem too.
pub async fn no_route() -> ApiError {
    ApiError::NotFound("There is nothing at this path.".into())
}

// ---------------------------------------------------------------------------------------------
// Given: the error type, the app and its handlers (in `app.rs`), which already use `?`.
// ---------------------------------------------------------------------------------------------

mod app;

pub use app::{ErrorLog, app};

/// The media type of a problem details object (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `detail` of every 500: true, useless to an attacker, and the same every time.
pub const INTERNAL_DETAIL: &str = "The server failed to handle the request; it has been logged.";

/// Everything that can go wrong in this service.
#[derive(Debug)]
pub enum ApiError {
    /// 404: the detail names what was looked for.
    NotFound(String),
    /// 422: the input is well-formed but not acceptable; the detail says why.
    Invalid(String),
    /// An extractor refused the request: its status and its text.
    Rejected(StatusCode, String),
    /// 500: the cause is for the log only, never for the client. The log to write it to.
    Internal { cause: String, log: ErrorLog },
}
