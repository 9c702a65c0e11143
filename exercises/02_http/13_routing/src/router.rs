//! Step 2's solution, given: the route table (one resource per pattern, with the handlers of
//! its methods), how a resource answers a method (405 with `Allow`, HEAD served by GET), and
//! what the router can decide.

use crate::pattern::{InvalidPattern, Params, Pattern};

impl<T> Router<T> {
    /// Routes `method` requests for paths matching `pattern` (such as `/users/:id`) to
    /// `handler`.
    pub fn add(&mut self, method: &str, pattern: &str, handler: T) -> Result<(), RouteError> {
        let parsed = Pattern::parse(pattern)?;
        let index = match self.resources.iter().position(|r| r.text == pattern) {
            Some(index) => index,
            None => {
                self.resources.push(Resource {
                    text: pattern.to_string(),
                    pattern: parsed,
                    handlers: Vec::new(),
                });
                self.resources.len() - 1
            }
        };
        let resource = &mut self.resources[index];
        if resource.handlers.iter().any(|(m, _)| m == method) {
            return Err(RouteError::Duplicate {
                method: method.to_string(),
                pattern: pattern.to_string(),
            });
        }
        resource.handlers.push((method.to_string(), handler));
        Ok(())
    }
}

impl<T> Resource<T> {
    /// How this resource answers `method path`, once its pattern matched the path.
    pub(crate) fn answer(&self, method: &str, path: &str) -> Outcome<'_, T> {
        let handler = self.handler(method).or_else(|| match method {
            "HEAD" => self.handler("GET"),
            _ => None,
        });
        let Some(handler) = handler else {
            return Outcome::MethodNotAllowed {
                allow: self.allow(),
            };
        };
        match self.pattern.capture(path) {
            Some(Ok(params)) => Outcome::Found { handler, params },
            // A path that does not match is the caller's mistake; a 400 is the safe answer.
            Some(Err(_)) | None => Outcome::BadRequest,
        }
    }

    /// The value of the `Allow` header: this resource's methods, plus HEAD where GET is.
    fn allow(&self) -> String {
        let mut methods: Vec<&str> = self.handlers.iter().map(|(m, _)| m.as_str()).collect();
        if methods.contains(&"GET") {
            methods.push("HEAD");
        }
        methods.sort_unstable();
        methods.dedup();
        methods.join(", ")
    }

    fn handler(&self, method: &str) -> Option<&T> {
        self.handlers
            .iter()
            .find(|(m, _)| m == method)
            .map(|(_, h)| h)
    }
}

/// A routing table from (method, path pattern) to handlers of type `T`.
#[derive(Debug)]
pub struct Router<T> {
    /// One entry per distinct pattern, in the order they were first added.
    pub(crate) resources: Vec<Resource<T>>,
}

/// One pattern and the handlers of its methods: the pattern names the resource, the methods are
/// what it supports.
#[derive(Debug)]
pub struct Resource<T> {
    /// The pattern as written, to find the resource again when another method is added.
    text: String,
    pub(crate) pattern: Pattern,
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
