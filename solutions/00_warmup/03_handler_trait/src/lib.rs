//! # A trait as an interface: request handlers
//!
//! Every web framework has one central abstraction: *something that turns a request into a
//! response*. axum calls it a `Handler` (and, below it, tower's `Service`), actix-web a
//! `Handler`, Go's net/http an `http.Handler` interface with one method, `ServeHTTP`. In Rust
//! such an interface is a **trait**. Code that only needs "a handler" asks for the trait, not
//! for a particular type, so a closure, a struct serving static text, a router and an
//! authentication wrapper can all stand in the same place.
//!
//! There are two ways to use a trait:
//! - **static dispatch**, `fn serve<H: Handler>(h: H)` or a generic field `inner: H`: the
//!   compiler makes one copy of the code per concrete type, and calls are direct;
//! - **dynamic dispatch**, `Box<dyn Handler>`: one type for "any handler", calls go through a
//!   table of function pointers (a vtable). This is what a router needs, because its routes
//!   hold *different* handler types in one `Vec`. A trait can be used this way only if it is
//!   *dyn compatible* (no generic methods, no `Self` by value in its methods).
//!
//! Because a handler is just a value that implements the trait, handlers *compose*: a
//! **middleware** is a handler that holds another handler and runs code around it — checking
//! a token before, adding a header after — and a router is a handler whose job is to choose
//! another handler. Wrappers nest freely, which is how tower layers and axum middleware work.
//!
//! A real server shares its handlers between worker threads, so the trait requires
//! `Send + Sync`: a handler that mutates state must do so through a `Mutex` or an atomic.
//!
//! What goes wrong in production: a router that answers 404 where the path exists but the
//! method does not (the client should get `405 Method Not Allowed` with an `Allow` header,
//! RFC 9110 §15.5.6), or an authentication check that lets the request through to the inner
//! handler and only then decides to reject it.
//!
//! Primary sources:
//! - The Rust book, ch. 18.2 "Using Trait Objects That Allow for Values of Different Types":
//!   <https://doc.rust-lang.org/book/ch18-02-trait-objects.html>
//! - Rust reference, "Dyn compatibility": <https://doc.rust-lang.org/reference/items/traits.html#dyn-compatibility>
//! - RFC 9110 §15.5.2 (401 and `WWW-Authenticate`) and §15.5.6 (405 and `Allow`):
//!   <https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2>
//! - RFC 6750 §2.1 (`Authorization: Bearer <token>`): <https://www.rfc-editor.org/rfc/rfc6750.html#section-2.1>

/// Anything that can answer a request. `Send + Sync` because a server calls its handlers from
/// many threads at once.
pub trait Handler: Send + Sync {
    fn handle(&self, req: &Request) -> Response;
}

/// Any function or closure `Fn(&Request) -> Response` is a handler: the simplest way to write
/// one.
impl<F> Handler for F
where
    F: Fn(&Request) -> Response + Send + Sync,
{
    fn handle(&self, req: &Request) -> Response {
        self(req)
    }
}

/// A boxed handler is a handler too, so `Box<dyn Handler>` can go wherever a handler is
/// expected, including inside another wrapper. (Not `impl<H: Handler> Handler for Box<H>`:
/// that would overlap with the closure impl above, since a boxed closure is itself a closure.)
impl Handler for Box<dyn Handler> {
    fn handle(&self, req: &Request) -> Response {
        (**self).handle(req)
    }
}

/// Answers every request with `200 OK`, the given body and a `Content-Type` header.
pub struct StaticText {
    pub content_type: String,
    pub body: String,
}

impl StaticText {
    pub fn new(content_type: &str, body: &str) -> Self {
        StaticText {
            content_type: content_type.to_string(),
            body: body.to_string(),
        }
    }
}

impl Handler for StaticText {
    fn handle(&self, _req: &Request) -> Response {
        Response::new(200, &self.body).with_header("Content-Type", &self.content_type)
    }
}

/// Chooses a handler by method and path.
///
/// - A route matches when the request's method and path are exactly equal to the route's
///   (both are case-sensitive: RFC 9110 §9.1 for methods, RFC 3986 §6.2.2.1 for paths).
/// - If several routes match, the one added first wins.
/// - No route for the path at all: `404 Not Found`, body `not found`.
/// - Routes for the path, but not for this method: `405 Method Not Allowed`, body
///   `method not allowed`, and an `Allow` header listing the path's methods in the order their
///   routes were added, each once, separated by `", "` (RFC 9110 §15.5.6, §10.2.1).
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

struct Route {
    method: String,
    path: String,
    handler: Box<dyn Handler>,
}

impl Router {
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds a route; returns the router so that calls can be chained.
    pub fn route(mut self, method: &str, path: &str, handler: impl Handler + 'static) -> Self {
        self.routes.push(Route {
            method: method.to_string(),
            path: path.to_string(),
            handler: Box::new(handler),
        });
        self
    }
}

impl Handler for Router {
    fn handle(&self, req: &Request) -> Response {
        let mut allowed: Vec<&str> = Vec::new();
        for route in self.routes.iter().filter(|r| r.path == req.path) {
            if route.method == req.method {
                return route.handler.handle(req);
            }
            if !allowed.contains(&route.method.as_str()) {
                allowed.push(&route.method);
            }
        }
        if allowed.is_empty() {
            Response::new(404, "not found")
        } else {
            Response::new(405, "method not allowed").with_header("Allow", &allowed.join(", "))
        }
    }
}

/// Middleware: lets a request through to `inner` only if it carries
/// `Authorization: Bearer <token>` with exactly the expected token (RFC 6750 §2.1).
///
/// [`Request::bearer_token`] reads the header; the token is compared exactly. Anything else
/// (no header, another scheme, a wrong token) gets `401 Unauthorized`, body `unauthorized`,
/// and a `WWW-Authenticate: Bearer` header (RFC 9110 §15.5.2 requires the challenge) — and
/// `inner` is never called.
///
/// (A real service compares secrets in constant time, so that response times do not leak how
/// much of a guess was right; the hashing and integrity chapter (07) does that. Plain `==` is
/// fine for this warm-up.)
pub struct RequireBearer<H> {
    pub token: String,
    pub inner: H,
}

impl<H: Handler> RequireBearer<H> {
    pub fn new(token: &str, inner: H) -> Self {
        RequireBearer {
            token: token.to_string(),
            inner,
        }
    }
}

impl<H: Handler> Handler for RequireBearer<H> {
    fn handle(&self, req: &Request) -> Response {
        if req.bearer_token() == Some(self.token.as_str()) {
            self.inner.handle(req)
        } else {
            Response::new(401, "unauthorized").with_header("WWW-Authenticate", "Bearer")
        }
    }
}

/// Middleware: sets a header on every response of `inner`, error responses included. A header
/// of the same name (compared case-insensitively) that `inner` already set is replaced, so the
/// response carries the header exactly once.
pub struct SetHeader<H> {
    pub name: String,
    pub value: String,
    pub inner: H,
}

impl<H: Handler> SetHeader<H> {
    pub fn new(name: &str, value: &str, inner: H) -> Self {
        SetHeader {
            name: name.to_string(),
            value: value.to_string(),
            inner,
        }
    }
}

impl<H: Handler> Handler for SetHeader<H> {
    fn handle(&self, req: &Request) -> Response {
        let mut response = self.inner.handle(req);
        response.set_header(&self.name, &self.value);
        response
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the request and response types the handlers above work with, and their helpers.
// ---------------------------------------------------------------------------------------------

/// A request, already parsed (chapter 02 shows how to parse one off the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Self {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: String::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: &str) -> Self {
        self.body = body.to_string();
        self
    }

    /// The value of the first header called `name`. Header names are case-insensitive
    /// (RFC 9110 §5.1).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), if the request
    /// carries one. The scheme name is case-insensitive (RFC 9110 §11.1) and is followed by one
    /// or more spaces (`"Bearer" 1*SP b64token`); the token is returned as sent.
    pub fn bearer_token(&self) -> Option<&str> {
        let (scheme, token) = self.header("Authorization")?.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("Bearer")
            .then(|| token.trim_start_matches(' '))
    }
}

/// A response, to be written to the wire by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn new(status: u16, body: &str) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// The value of the first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Sets header `name` to `value`, replacing every header of that name (compared
    /// case-insensitively) already there, so that the response carries it exactly once.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}
