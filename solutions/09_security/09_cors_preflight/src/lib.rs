//! # CORS: answering a browser's preflight
//!
//! A browser keeps each origin's data from the others (the same-origin policy): a script on
//! `https://evil.example` may send a request to your API, but may not read the answer.
//! **CORS** is how a server opts in: its response names the origins that may read it. It is
//! a rule the browser enforces, so it protects users' browsers, not your server; and it only
//! relaxes: a wrong header gives every site on the web your users' data.
//!
//! A **simple** request (GET, HEAD or POST with only safelisted headers, such as a form post)
//! is sent as it is: the server runs the handler and its response carries
//! `Access-Control-Allow-Origin`, or the browser hides it from the script. Any other request
//! (a PUT, a JSON body, an `Authorization` header) is **preflighted**: first an `OPTIONS` with
//! `Origin`, `Access-Control-Request-Method` and maybe `Access-Control-Request-Headers`, and
//! the real request only if the answer allows all three.
//!
//! [`Policy::preflight`] answers a preflight: `204` with
//! - `Access-Control-Allow-Origin`: the request's origin, if it is in `origins` **exactly**
//!   (byte for byte: scheme, host and port). `"null"` (sandboxed frames, `file:` pages) is an
//!   origin like any other: allowed only if listed. `"*"` in `origins` means any origin, but
//!   only **without credentials**: the Fetch standard refuses `*` with cookies, and echoing
//!   any origin back instead would hand every site your users' sessions;
//! - `Access-Control-Allow-Credentials: true` when the policy allows credentials;
//! - `Access-Control-Allow-Methods` and `-Headers`: the policy's lists, joined with `", "`;
//! - `Access-Control-Max-Age` when the policy sets one (how long the browser may cache this).
//!
//! The requested method must be in `methods` (compared **case-sensitively**, as Fetch does:
//! browsers upper-case only the six standard methods) or be GET, HEAD or POST; each requested
//! header must be in `headers`, compared **case-insensitively**. Anything not allowed: `403`
//! and no `Access-Control-*` header at all.
//!
//! [`Policy::decorate`] adds `Access-Control-Allow-Origin` (and `-Credentials`) to the
//! response of an actual request from an allowed origin.
//!
//! Every response whose headers depend on `Origin` carries `Vary: Origin`, whether allowed,
//! refused or sent without an `Origin`: else a cache between you and the browsers serves one
//! origin's answer to another. Only a policy that answers `*` does not depend on the origin.
//!
//! Primary source: WHATWG Fetch, §3.2 "CORS protocol", <https://fetch.spec.whatwg.org/#http-cors-protocol>.

mod http;

pub use http::{Request, Response, handle};

impl Policy {
    /// The `Access-Control-Allow-Origin` value for a request from `origin`, if it may read.
    pub fn allow_origin(&self, origin: &str) -> Option<String> {
        if self.origins.iter().any(|o| o == origin) {
            Some(origin.to_string())
        } else if !self.credentials && self.origins.iter().any(|o| o == "*") {
            Some("*".to_string())
        } else {
            None
        }
    }

    /// Does the answer depend on the request's `Origin`? Only `*` without credentials does not.
    pub fn varies_by_origin(&self) -> bool {
        self.credentials || !self.origins.iter().any(|o| o == "*")
    }

    /// The answer to a preflight request.
    pub fn preflight(&self, request: &Request) -> Response {
        let mut response = Response::new(403);
        if self.varies_by_origin() {
            response.add("Vary", "Origin");
        }
        let origin = request.header("Origin").and_then(|o| self.allow_origin(o));
        let method = request
            .header("Access-Control-Request-Method")
            .unwrap_or_default();
        let method_ok =
            SAFELISTED_METHODS.contains(&method) || self.methods.iter().any(|m| m == method);
        let headers_ok = request
            .header("Access-Control-Request-Headers")
            .unwrap_or_default()
            .split(',')
            .map(|name| name.trim_matches([' ', '\t']))
            .filter(|name| !name.is_empty())
            .all(|name| self.headers.iter().any(|h| h.eq_ignore_ascii_case(name)));
        let (Some(origin), true, true) = (origin, method_ok, headers_ok) else {
            return response;
        };
        response.status = 204;
        response.add("Access-Control-Allow-Origin", &origin);
        if self.credentials {
            response.add("Access-Control-Allow-Credentials", "true");
        }
        response.add("Access-Control-Allow-Methods", &self.methods.join(", "));
        response.add("Access-Control-Allow-Headers", &self.headers.join(", "));
        if let Some(seconds) = self.max_age {
            response.add("Access-Control-Max-Age", &seconds.to_string());
        }
        response
    }

    /// Adds the CORS headers to the response of an actual (not preflight) request.
    pub fn decorate(&self, request: &Request, response: &mut Response) {
        if self.varies_by_origin() {
            response.add("Vary", "Origin");
        }
        if let Some(origin) = request.header("Origin").and_then(|o| self.allow_origin(o)) {
            response.add("Access-Control-Allow-Origin", &origin);
            if self.credentials {
                response.add("Access-Control-Allow-Credentials", "true");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the policy. The request, the response and the dispatch are in `http.rs`.
// ---------------------------------------------------------------------------------------------

/// The methods a browser sends without a preflight (Fetch §2.2.1, CORS-safelisted methods).
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Who may read this server's responses from a browser, and how.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Serialized origins (`https://app.example.com`, `http://localhost:3000`), `"null"`, or
    /// `"*"` for any origin (ignored when `credentials` is true).
    pub origins: Vec<String>,
    /// Methods a preflight may ask for, besides GET, HEAD and POST (`"PUT"`, `"DELETE"`).
    pub methods: Vec<String>,
    /// Request header names a preflight may ask for (`"Content-Type"`, `"Authorization"`).
    pub headers: Vec<String>,
    /// May requests carry cookies and HTTP authentication, and may the script read the answer?
    pub credentials: bool,
    /// How many seconds a browser may cache a preflight's answer.
    pub max_age: Option<u32>,
}
