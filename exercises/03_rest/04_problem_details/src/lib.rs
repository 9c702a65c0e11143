//! # Problem details for HTTP APIs (RFC 9457)
//!
//! A status code tells a client *that* something went wrong; it does not say *what*. Every API
//! used to invent its own error body (`{"error": ...}`, `{"message": ...}`, `{"errors": [...]}`),
//! so every client needed bespoke parsing. RFC 9457 standardises one shape, served with the
//! media type `application/problem+json`:
//!
//! ```json
//! {
//!   "type": "https://example.net/validation-error",
//!   "title": "Your request is not valid.",
//!   "status": 422,
//!   "detail": "2 fields are invalid",
//!   "instance": "/accounts",
//!   "errors": [
//!     { "pointer": "#/age", "detail": "must be a positive integer" },
//!     { "pointer": "#/profile/color", "detail": "must be 'green', 'red' or 'blue'" }
//!   ]
//! }
//! ```
//!
//! - `type` (§3.1.1) is a URI naming the *kind* of problem; clients branch on it. The special
//!   value `about:blank` (§4.2.1) means "nothing more than the status code", and then `title`
//!   SHOULD be the status code's reason phrase (`Not Found`).
//! - `status` (§3.1.2) is the HTTP status code as a JSON *number*; it MUST match the status
//!   of the response that carries it (proxies may rewrite one but not the other, so a mismatch
//!   is how a client notices).
//! - `title` (§3.1.3) is a short summary of the problem type, the same every time; `detail`
//!   (§3.1.4) explains *this* occurrence and helps the client fix its request — it is not a
//!   place for stack traces or SQL (§5, security considerations).
//! - `instance` (§3.1.5) identifies this occurrence; here, the request path.
//! - Anything else is an *extension member* (§3.2). The RFC's own example (§3) lists invalid
//!   fields in `errors`, each with a JSON Pointer (RFC 6901) in URI-fragment form: `#/age`,
//!   `#/profile/color`, and `#` for the whole document.
//!
//! Two habits separate a good validation error from a frustrating one. Report **every**
//! invalid field at once, not just the first, so a form can mark them all and a developer does
//! not play fix-one-resubmit-find-the-next. And never let bad input crash the handler: a
//! truncated body, invalid UTF-8 or ten thousand nested `[` is a `400 Bad Request` problem,
//! not a panic (which would drop the connection and tell the client nothing).
//!
//! Members that have no value are left out, not sent as `null`: §3.1 tells consumers to ignore
//! members whose value has the wrong type.
//!
//! Primary source: RFC 9457, Problem Details for HTTP APIs,
//! <https://www.rfc-editor.org/rfc/rfc9457>.

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Given: the request/response model. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// An HTTP request, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Self {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` and `Content-Type` to `application/json`.
    pub fn with_json(self, value: &Value) -> Self {
        self.with_header("Content-Type", "application/json")
            .with_body(value.to_string())
    }

    /// The value of the first header called `name` (header names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An HTTP response, before serialisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Is this `Content-Type` value `application/json` (any case, parameters allowed)?
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The reason phrase of a status code (RFC 9110 §15), used as the `title` of `about:blank`.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown Status",
    }
}

/// The media type of a problem details document (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The `type` of a validation problem, and its `title` (both from the example in RFC 9457 §3).
pub const VALIDATION_ERROR: &str = "https://example.net/validation-error";
pub const VALIDATION_TITLE: &str = "Your request is not valid.";

// ---------------------------------------------------------------------------------------------
// Problem details.
// ---------------------------------------------------------------------------------------------

/// One invalid field: where it is (a JSON Pointer in URI-fragment form) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `#/age`, `#/profile/color`, or `#` for the whole document.
    pub pointer: String,
    /// What the client should send instead, e.g. "must be a positive integer".
    pub detail: String,
}

impl FieldError {
    pub fn new(pointer: &str, detail: &str) -> Self {
        FieldError {
            pointer: pointer.to_string(),
            detail: detail.to_string(),
        }
    }
}

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
    /// reason phrase as title (RFC 9457 §4.2.1); no detail, no instance, no errors.
    pub fn about_blank(status: u16) -> Problem {
        // TODO: type about:blank, the reason phrase as title, nothing else.
        todo!("Problem::about_blank({status})")
    }

    /// The HTTP response carrying this problem: the same status as the `status` member,
    /// `Content-Type: application/problem+json`, and the problem as a JSON object whose
    /// absent members (`None`, empty `errors`) are left out rather than sent as `null`.
    pub fn to_response(&self) -> Response {
        // TODO: the status, the problem+json media type, and the members as a JSON object.
        todo!("Problem::to_response for status {}", self.status)
    }
}

// ---------------------------------------------------------------------------------------------
// The endpoint: POST /accounts.
// ---------------------------------------------------------------------------------------------

/// A valid sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub email: String,
    pub age: u64,
    /// `profile.color`, when a profile was sent.
    pub color: Option<String>,
}

/// Checks a sign-up document and returns the account, or EVERY invalid field, in this order:
///
/// | pointer | rule |
/// |---|---|
/// | `#` | the document is a JSON object (if it is not, that is the only error) |
/// | `#/username` | required; a string of 3 to 20 characters, each `a`-`z`, `0`-`9` or `_` |
/// | `#/email` | required; a string with exactly one `@` and at least one character on each side |
/// | `#/age` | required; a positive integer (`42.3`, `0`, `-1`, `"42"` are not) |
/// | `#/profile` | optional; if present, a JSON object |
/// | `#/profile/color` | required inside a profile; `"green"`, `"red"` or `"blue"` |
///
/// Other members are ignored.
pub fn validate_account(doc: &Value) -> Result<Account, Vec<FieldError>> {
    // TODO: check every rule above and collect ALL the failures before returning.
    todo!("validate_account({doc})")
}

/// `POST /accounts` with a JSON sign-up document.
///
/// | situation | status | problem `type` |
/// |---|---|---|
/// | valid | 201, `application/json` body `{"username", "email", "age", "color"}` | — |
/// | path is not `/accounts` | 404 | `about:blank` |
/// | method is not `POST` | 405, with `Allow: POST` | `about:blank` |
/// | `Content-Type` is not JSON | 415 | `about:blank` |
/// | body is not JSON (syntax) | 400, `detail` says what is broken | `about:blank` |
/// | JSON that fails [`validate_account`] | 422, all fields in `errors` | [`VALIDATION_ERROR`], title [`VALIDATION_TITLE`] |
///
/// Every problem has `instance` set to the request path.
pub fn handle(req: &Request) -> Response {
    // TODO: answer every failure with a problem (see the table), and a valid sign-up with 201.
    todo!("handle {} {}", req.method, req.path)
}
