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

use serde_json::{Map, Value, json};

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
        Problem {
            type_uri: "about:blank".to_string(),
            title: reason_phrase(status).to_string(),
            status,
            detail: None,
            instance: None,
            errors: Vec::new(),
        }
    }

    /// The HTTP response carrying this problem: the same status as the `status` member,
    /// `Content-Type: application/problem+json`, and the problem as a JSON object whose
    /// absent members (`None`, empty `errors`) are left out rather than sent as `null`.
    pub fn to_response(&self) -> Response {
        let mut body = Map::new();
        body.insert("type".into(), json!(self.type_uri));
        body.insert("title".into(), json!(self.title));
        body.insert("status".into(), json!(self.status));
        if let Some(detail) = &self.detail {
            body.insert("detail".into(), json!(detail));
        }
        if let Some(instance) = &self.instance {
            body.insert("instance".into(), json!(instance));
        }
        if !self.errors.is_empty() {
            let errors: Vec<Value> = self
                .errors
                .iter()
                .map(|e| json!({ "pointer": e.pointer, "detail": e.detail }))
                .collect();
            body.insert("errors".into(), Value::Array(errors));
        }
        let mut response = Response::new(self.status).with_header("Content-Type", PROBLEM_JSON);
        response.body = Value::Object(body).to_string().into_bytes();
        response
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
    let Some(object) = doc.as_object() else {
        return Err(vec![FieldError::new("#", "must be a JSON object")]);
    };
    // Check every field before deciding, so the client gets the whole list at once.
    let mut errors = Vec::new();
    let username = keep(&mut errors, "#/username", username(object.get("username")));
    let email = keep(&mut errors, "#/email", email(object.get("email")));
    let age = keep(&mut errors, "#/age", age(object.get("age")));
    let color = match object.get("profile") {
        None => Some(None),
        Some(Value::Object(profile)) => {
            keep(&mut errors, "#/profile/color", color(profile.get("color"))).map(Some)
        }
        Some(_) => keep(&mut errors, "#/profile", Err("must be an object")),
    };
    match (username, email, age, color) {
        (Some(username), Some(email), Some(age), Some(color)) => Ok(Account {
            username,
            email,
            age,
            color,
        }),
        _ => Err(errors),
    }
}

/// Records a failed check under `pointer` and turns the result into an `Option`.
fn keep<T>(errors: &mut Vec<FieldError>, pointer: &str, checked: Result<T, &str>) -> Option<T> {
    checked
        .map_err(|detail| errors.push(FieldError::new(pointer, detail)))
        .ok()
}

fn username(value: Option<&Value>) -> Result<String, &'static str> {
    let s = value.ok_or("is required")?;
    let s = s.as_str().ok_or("must be a string")?;
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
    if (3..=20).contains(&s.len()) && s.bytes().all(allowed) {
        Ok(s.to_string())
    } else {
        Err("must be 3 to 20 characters from a-z, 0-9 and _")
    }
}

fn email(value: Option<&Value>) -> Result<String, &'static str> {
    let s = value.ok_or("is required")?;
    let s = s.as_str().ok_or("must be a string")?;
    match s.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(s.to_string())
        }
        _ => Err("must be an email address like name@example.com"),
    }
}

fn age(value: Option<&Value>) -> Result<u64, &'static str> {
    let n = value.ok_or("is required")?;
    // as_u64 is None for floats, negatives, strings and numbers beyond u64.
    n.as_u64()
        .filter(|&n| n > 0)
        .ok_or("must be a positive integer")
}

fn color(value: Option<&Value>) -> Result<String, &'static str> {
    match value.and_then(Value::as_str) {
        Some(c @ ("green" | "red" | "blue")) => Ok(c.to_string()),
        _ => Err("must be 'green', 'red' or 'blue'"),
    }
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
    let problem = |status: u16| Problem {
        instance: Some(req.path.clone()),
        ..Problem::about_blank(status)
    };
    if req.path != "/accounts" {
        return problem(404).to_response();
    }
    if req.method != "POST" {
        return problem(405).to_response().with_header("Allow", "POST");
    }
    if !is_json(req.header("Content-Type")) {
        return Problem {
            detail: Some("send the account as application/json".into()),
            ..problem(415)
        }
        .to_response();
    }
    // serde_json bounds nesting depth, so hostile input is an Err, never a stack overflow.
    let doc: Value = match serde_json::from_slice(&req.body) {
        Ok(doc) => doc,
        Err(e) => {
            return Problem {
                detail: Some(format!("the body is not valid JSON: {e}")),
                ..problem(400)
            }
            .to_response();
        }
    };
    match validate_account(&doc) {
        Ok(account) => {
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
        Err(errors) => Problem {
            type_uri: VALIDATION_ERROR.to_string(),
            title: VALIDATION_TITLE.to_string(),
            detail: Some(match errors.len() {
                1 => "1 field is invalid".to_string(),
                n => format!("{n} fields are invalid"),
            }),
            errors,
            ..problem(422)
        }
        .to_response(),
    }
}
