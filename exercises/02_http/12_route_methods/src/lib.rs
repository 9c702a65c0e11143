//! # Methods: 404, 405 and `Allow`, step 2 of a router
//!
//! Step 1 matched a path against one pattern (given now, in `pattern.rs`). A router holds many
//! routes, each a method, a pattern and a handler: `GET /users/:id` answered by `show_user`. It
//! decides in two stages, the way RFC 9110 sees a request: the path names a resource, then the
//! method says what to do with it.
//!
//! - **A resource** is one pattern with the handlers of its methods: [`Router::add`] puts a
//!   second method for the same pattern (the same text) into the same [`Resource`]. The same
//!   method twice is [`RouteError::Duplicate`], a bad pattern [`RouteError::InvalidPattern`].
//! - **The path first.** [`Router::route`] takes the first resource, in the order they were
//!   added, whose pattern matches the path (step 3 picks the most specific one instead). None:
//!   [`Outcome::NotFound`], a 404, whatever the method.
//! - **Then the method.** Method names are case-sensitive (`get` is not `GET`, RFC 9110 §9.1).
//!   A resource with no handler for the method is a 405 Method Not Allowed, and that response
//!   MUST carry an `Allow` header listing the methods the resource supports (§15.5.6): here
//!   each once, sorted alphabetically, joined with `", "`.
//! - **HEAD** is answered by the `GET` handler when the resource has no `HEAD` handler of its
//!   own: a server MUST support HEAD wherever it supports GET (§9.3.2). So `HEAD` is in `Allow`
//!   wherever `GET` is.
//! - **Parameters** are captured once a handler is found; one that is not UTF-8 makes the
//!   request an [`Outcome::BadRequest`].
//!
//! Primary source: RFC 9110 §9.1, §9.3.2, §15.5.5 and §15.5.6,
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6>.

mod pattern;

pub use pattern::{InvalidPattern, NotUtf8, Params, Pattern, Segment, percent_decode};

impl<T> Router<T> {
    /// Routes `method` requests for paths matching `pattern` (such as `/users/:id`) to
    /// `handler`.
    pub fn add(&mut self, method: &str, pattern: &str, handler: T) -> Result<(), RouteError> {
        // TODO: parse the pattern (`?` turns its error into a RouteError), find the resource
        //       with the same text or push a new one, refuse a method it already has, and
        //       store (method, handler).
        let _ = handler;
        todo!("add the route {method} {pattern}")
    }

    /// Decides who answers `method path` (the path without its query string).
    pub fn route(&self, method: &str, path: &str) -> Outcome<'_, T> {
        // TODO: the first resource whose pattern captures the path answers; none is NotFound.
        todo!(
            "route {method} {path} among {} resources",
            self.resources.len()
        )
    }
}

impl<T> Resource<T> {
    /// How this resource answers `method path`, once its pattern matched the path.
    fn answer(&self, method: &str, path: &str) -> Outcome<'_, T> {
        // TODO: the handler of `method`, else of GET for a HEAD; none is MethodNotAllowed with
        //       `self.allow()`. Then the parameters: Found, or BadRequest.
        todo!("answer {method} {path} from {}", self.text)
    }

    /// The value of the `Allow` header: this resource's methods, plus HEAD where GET is.
    fn allow(&self) -> String {
        // TODO: collect the methods, add HEAD if GET is there, sort, deduplicate, join.
        todo!("Allow for {} methods", self.handlers.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the route table's types and what the router answers. You need not change it.
// ---------------------------------------------------------------------------------------------

/// A routing table from (method, path pattern) to handlers of type `T`.
#[derive(Debug)]
pub struct Router<T> {
    /// One entry per distinct pattern, in the order they were first added.
    resources: Vec<Resource<T>>,
}

/// One pattern and the handlers of its methods: the pattern names the resource, the methods are
/// what it supports.
#[derive(Debug)]
pub struct Resource<T> {
    /// The pattern as written, to find the resource again when another method is added.
    text: String,
    pattern: Pattern,
    /// (method, handler), in the order they were added.
    handlers: Vec<(String, T)>,
}

impl<T> Default for Router<T> {
    fn default() -> Self {
        Router {
            resources: Vec::new(),
        }
    }
}

impl<T> Router<T> {
    /// An empty router: every path is 404.
    pub fn new() -> Router<T> {
        Router::default()
    }
}

/// What the router decided for one request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'r, T> {
    /// A handler answers: 2xx is up to it.
    Found { handler: &'r T, params: Params },
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
            Outcome::BadRequest => 400,
            Outcome::NotFound => 404,
            Outcome::MethodNotAllowed { .. } => 405,
        }
    }
}

/// Why a route could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The pattern is not valid (see [`Pattern::parse`]).
    InvalidPattern(String),
    /// This method is already routed for this pattern.
    Duplicate { method: String, pattern: String },
}

impl From<InvalidPattern> for RouteError {
    fn from(InvalidPattern(pattern): InvalidPattern) -> Self {
        RouteError::InvalidPattern(pattern)
    }
}

impl std::fmt::Display for RouteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteError::InvalidPattern(pattern) => write!(f, "invalid route pattern {pattern:?}"),
            RouteError::Duplicate { method, pattern } => {
                write!(f, "{method} {pattern} is already routed")
            }
        }
    }
}

impl std::error::Error for RouteError {}
