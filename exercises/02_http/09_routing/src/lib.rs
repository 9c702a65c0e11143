//! # Routing: from method and path to a handler
//!
//! A router is the table that says which code answers `GET /users/42/posts/7`. Routes are
//! written as patterns, where a segment that starts with `:` is a path parameter:
//! `/users/:id/posts/:post_id` matches that path and captures `id = "42"` and `post_id = "7"`.
//! Every web framework has one (axum, actix, Express, Rails); this exercise builds a small one
//! with the rules that decide what a client actually gets back.
//!
//! The rules of this router:
//!
//! - **Segments.** A path is split on `/`. A static segment matches itself exactly; a parameter
//!   matches exactly one NON-EMPTY segment, so `/users/:id` matches neither `/users/` nor
//!   `/users/1/extra`.
//! - **Static beats parameter.** `/users/me` and `/users/:id` can both match `/users/me`. Compare
//!   the matching patterns segment by segment from the left; at the first segment where they
//!   differ, the static one wins, whatever the order in which the routes were added.
//! - **Parameters are percent-decoded** AFTER the path is split, so `/files/a%2Fb` captures
//!   `a/b` in ONE parameter. In a path `+` is just a `+` (it means space only in forms). A
//!   parameter that does not decode to valid UTF-8 is a 400 Bad Request.
//! - **Trailing slash.** `/docs` and `/docs/` are different paths. When a path matches no
//!   pattern but the same path with the trailing slash added or removed does, answer with
//!   a 308 Permanent Redirect to that path (RFC 9110 §15.4.9) instead of a 404, so old links keep
//!   working and every resource still has exactly one URL.
//! - **404 vs 405.** The path decides the resource: the most specific matching pattern is
//!   chosen first, then the method. If no pattern matches, it is 404 Not Found. If the pattern
//!   matches but has no handler for the method, it is 405 Method Not Allowed, and RFC 9110
//!   §15.5.6 says the response MUST carry an `Allow` header listing the methods the resource does
//!   support. Here that list is sorted alphabetically and joined with `", "`.
//! - **HEAD.** Method names are case-sensitive (`get` is not `GET`, RFC 9110 §9.1). A `HEAD`
//!   request is answered by the `GET` handler when the route has no `HEAD` handler of its own
//!   (a server MUST support HEAD wherever it supports GET, RFC 9110 §9.3.2), so `HEAD` belongs in
//!   `Allow` wherever `GET` is.
//!
//! Primary sources: RFC 9110 §9.1, §9.3.2, §15.4.9, §15.5.5, §15.5.6
//! (<https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6>), and RFC 3986 §3.3 for path
//! segments (<https://www.rfc-editor.org/rfc/rfc3986#section-3.3>).

use std::fmt;

/// The parameters captured from the path, in pattern order, already percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The value of the parameter `name` (`"id"` for `:id`), if the pattern has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Adds a captured parameter.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// How many parameters were captured.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when the pattern had no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// What the router decided for one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'r, T> {
    /// A handler answers: 2xx is up to it.
    Found { handler: &'r T, params: Params },
    /// 308 Permanent Redirect: the same path with the trailing slash added or removed matches.
    Redirect { location: String },
    /// 400 Bad Request: a parameter is not valid UTF-8 once percent-decoded.
    BadRequest,
    /// 404 Not Found: no pattern matches the path.
    NotFound,
    /// 405 Method Not Allowed, with the value of the `Allow` header: `"GET, HEAD, POST"`.
    MethodNotAllowed { allow: String },
}

impl<T> Outcome<'_, T> {
    /// The HTTP status code this outcome is answered with (`Found` handlers decide their own
    /// status; 200 is the usual one).
    pub fn status(&self) -> u16 {
        match self {
            Outcome::Found { .. } => 200,
            Outcome::Redirect { .. } => 308,
            Outcome::BadRequest => 400,
            Outcome::NotFound => 404,
            Outcome::MethodNotAllowed { .. } => 405,
        }
    }
}

/// Why a route could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The pattern does not start with `/`, has an empty parameter name (`/users/:`), or uses
    /// the same parameter name twice (`/a/:id/b/:id`).
    InvalidPattern(String),
    /// This method is already routed for this pattern.
    Duplicate { method: String, pattern: String },
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::InvalidPattern(pattern) => write!(f, "invalid route pattern {pattern:?}"),
            RouteError::Duplicate { method, pattern } => {
                write!(f, "{method} {pattern} is already routed")
            }
        }
    }
}

impl std::error::Error for RouteError {}

/// A routing table from (method, path pattern) to handlers of type `T`.
#[derive(Debug)]
pub struct Router<T> {
    // TODO: choose how to store the routes (you may change this field).
    routes: Vec<(String, String, T)>,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router { routes: Vec::new() }
    }
}

impl<T> Router<T> {
    /// An empty router: every path is 404.
    pub fn new() -> Router<T> {
        Router::default()
    }

    /// Routes `method` requests for paths matching `pattern` (such as `/users/:id`) to
    /// `handler`.
    pub fn add(&mut self, method: &str, pattern: &str, handler: T) -> Result<(), RouteError> {
        // TODO: validate the pattern, refuse duplicates, and store the route.
        let _ = &self.routes;
        let _ = handler;
        todo!("add the route {method} {pattern}")
    }

    /// Decides who answers `method path` (the path without its query string).
    pub fn route(&self, method: &str, path: &str) -> Outcome<'_, T> {
        // TODO: find the most specific pattern matching the path, then the handler for the
        // method; otherwise decide between 308, 400, 404 and 405 as described above.
        todo!("route {method} {path}")
    }
}
