//! # Problem details for HTTP APIs (RFC 9457)
//!
//! A status code tells a client *that* something went wrong; it does not say *what*. Every API
//! used to invent its own error body (`{"error": ...}`, `{"message": ...}`), so every client
//! needed bespoke parsing. RFC 9457 standardises one shape, served with the media type
//! `application/problem+json`:
//!
//! ```json
//! {
//!   "type": "https://example.net/validation-error",
//!   "title": "Your request is not valid.",
//!   "status": 422,
//!   "detail": "2 fields are invalid",
//!   "instance": "/accounts",
//!   "errors": [ { "pointer": "#/age", "detail": "must be a positive integer" }, ... ]
//! }
//! ```
//!
//! - `type` (§3.1.1) is a URI naming the *kind* of problem; clients branch on it. The special
//!   value `about:blank` (§4.2.1) means "nothing more than the status code", and then `title`
//!   SHOULD be the status code's reason phrase (`Not Found`).
//! - `status` (§3.1.2) is the HTTP status code as a JSON *number*; it MUST match the status of
//!   the response that carries it (a proxy may rewrite one but not the other).
//! - `title` (§3.1.3) summarises the problem type, the same every time; `detail` (§3.1.4)
//!   explains *this* occurrence so the client can fix its request — never a stack trace (§5).
//! - `instance` (§3.1.5) identifies this occurrence; here, the request path.
//! - Anything else is an *extension member* (§3.2), such as the RFC's own `errors` list, which
//!   the previous exercise, `field_errors`, computes for you (`src/field_errors.rs`).
//!
//! Members that have no value are left out, not sent as `null`: §3.1 tells consumers to ignore
//! a member whose value has the wrong type. And bad input never crashes the handler: a
//! truncated body, invalid UTF-8 or ten thousand nested `[` is a `400` problem, not a panic
//! (which would drop the connection and tell the client nothing).
//!
//! Primary source: RFC 9457, Problem Details for HTTP APIs,
//! <https://www.rfc-editor.org/rfc/rfc9457>.

mod field_errors;
mod http;

pub use field_errors::{Account, FieldError, validate_account};
pub use http::{Request, Response, is_json, reason_phrase};

use serde_json::json;

/// The media type of a problem details document (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `type` of a validation problem, and its `title` (both from the example in RFC 9457 §3).
pub const VALIDATION_ERROR: &str = "https://example.net/validation-error";
pub const VALIDATION_TITLE: &str = "Your request is not valid.";

/// A problem details object (RFC 9457 §3.1), plus the `errors` extension member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The problem type URI; `about:blank` when the status code says it all.
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: Option<String>,
    pub instance: Option<String>,
    /// Extension member `errors`; left out of the JSON when empty.
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem with no more meaning than its status code: type `about:blank` and the
    /// [`reason_phrase`] as title (RFC 9457 §4.2.1); no detail, no instance, no errors.
    pub fn about_blank(status: u16) -> Problem {
        // TODO: type about:blank, the reason phrase as title, nothing else.
        todo!("Problem::about_blank({status})")
    }

    /// The HTTP response carrying this problem: the same status as the `status` member,
    /// `Content-Type: application/problem+json`, and the problem as a JSON object with the
    /// members `type`, `title`, `status` (a number), `detail`, `instance` and `errors` (an
    /// array of `{"pointer", "detail"}` objects). Absent members (`None`, empty `errors`) are
    /// left out rather than sent as `null`.
    pub fn to_response(&self) -> Response {
        // TODO: the status, the problem+json media type, and the members as a JSON object.
        todo!("Problem::to_response for status {}", self.status)
    }
}

/// `POST /accounts` with a JSON sign-up document.
///
/// | situation | status | problem |
/// |---|---|---|
/// | valid | 201, [`created`]`(account)` | — |
/// | path is not `/accounts` | 404 | `about:blank` |
/// | method is not `POST` | 405, with `Allow: POST` on the response | `about:blank` |
/// | `Content-Type` is not JSON ([`is_json`]) | 415 | `about:blank` |
/// | body is not JSON (syntax) | 400, `detail` says what is broken | `about:blank` |
/// | JSON that fails [`validate_account`] | 422, `detail` says how many fields are invalid, all of them in `errors` | type [`VALIDATION_ERROR`], title [`VALIDATION_TITLE`] |
///
/// Every problem has `instance` set to the request path.
pub fn handle(req: &Request) -> Response {
    // TODO: answer every failure with a problem (see the table), and a valid sign-up with 201.
    todo!("handle {} {}", req.method, req.path)
}

// ---------------------------------------------------------------------------------------------
// Given: the success response. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// `201 Created` with the account as plain `application/json`: success is not a problem.
pub fn created(account: &Account) -> Response {
    let body = json!({
        "username": account.username,
        "email": account.email,
        "age": account.age,
        "color": account.color,
    });
    let mut response = Response::new(201).with_header("Content-Type", "application/json");
    response.body = body.to_string().into_bytes();
    response
}
