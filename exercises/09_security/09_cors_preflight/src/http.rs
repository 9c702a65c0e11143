//! Given: a request and a response reduced to what CORS looks at, and the dispatch a server
//! framework (or a CORS middleware in it) does in front of the handlers.

use crate::Policy;

/// An HTTP request: its method and its headers (names in any case, as on the wire).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// A request with `method` and `headers`.
    pub fn new(method: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.to_string(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// The value of the first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// A preflight is an OPTIONS request with an `Origin` and an
    /// `Access-Control-Request-Method` (Fetch §3.2.2); any other OPTIONS goes to the handler.
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
            && self.header("Origin").is_some()
            && self.header("Access-Control-Request-Method").is_some()
    }
}

/// An HTTP response: a status and headers, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// A response with `status` and no headers.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
        }
    }

    /// Appends a header.
    pub fn add(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// The value of the first header called `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What a CORS middleware does with each request: a preflight is answered by the policy and
/// never reaches `handler`; any other request runs `handler`, whose response the policy then
/// decorates. CORS decides who may *read* a response, not who may *send* a request: a simple
/// cross-origin POST runs the handler whatever its origin (CSRF is another defence).
pub fn handle(
    policy: &Policy,
    request: &Request,
    handler: impl FnOnce(&Request) -> Response,
) -> Response {
    if request.is_preflight() {
        return policy.preflight(request);
    }
    let mut response = handler(request);
    policy.decorate(request, &mut response);
    response
}
