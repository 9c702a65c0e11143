//! # HTTP caching, step 2: revalidation with ETag and 304 (RFC 9111 §4.3)
//!
//! Step 1 threw a stale response away and fetched it whole again. Often nothing changed: the
//! origin sends the same 200 KB for the tenth time. **Revalidation** asks instead. If the
//! stored response has a **validator**, an `ETag` (an opaque version tag the origin chose),
//! the cache sends a *conditional request* with `If-None-Match: <that etag>`, meaning "send
//! the body only if your current version is not this one". An origin whose version has not
//! changed answers `304 Not Modified`, with headers and no body, and the cache:
//!
//! - **updates the stored headers** with the 304's (§4.3.4): each header field the 304
//!   carries replaces every stored line of that name; the others are kept. A new
//!   `Cache-Control` or `Date` gives the response a new lifetime. `Content-Length` is never
//!   taken from a 304: it describes the 304's (empty) body, not the stored one;
//! - makes the stored response fresh again: the request and response times of the stored
//!   entry become those of the revalidation, so its age starts over;
//! - answers the client with the stored response: status 200 and the stored body, with the
//!   updated headers. The client asked a plain GET; the 304 was between cache and origin.
//!
//! An answer other than 304 is a new response: it replaces the stored one as in step 1 (if it
//! may be stored) and goes to the client. A stale response without an `ETag` is fetched
//! unconditionally, as before.
//!
//! **`no-cache`** (§5.2.2.4) is the directive whose name misleads: it does *not* forbid
//! storing (that is `no-store`). It forbids *reusing without revalidating*: a stored
//! `no-cache` response is never served fresh, and with an `ETag` every request becomes a cheap
//! conditional one. It is how an origin says "always check, but don't resend what you have".
//!
//! Your part: the new `get` and `update_headers`. Step 1's freshness functions are given in
//! `freshness.rs` (your solution), and requests, responses, directives, dates and the clock
//! in `http.rs`. The origin now receives a [`Request`], whose headers are what the cache adds.
//!
//! Primary source: RFC 9111 §4.3 (validation) and §5.2.2.4 (`no-cache`),
//! <https://www.rfc-editor.org/rfc/rfc9111#section-4.3>; RFC 9110 §8.8.3 (`ETag`) and §13.1.2
//! (`If-None-Match`).

mod freshness;
mod http;

use std::collections::HashMap;

pub use freshness::{current_age, date_value, delta_seconds, freshness_lifetime, storable};
pub use http::{
    Clock, Directive, MAX_DELTA, ManualClock, Request, Response, directives, has, http_date, value,
};

impl<C: Clock> HttpCache<C> {
    /// Answers a GET of `url`: from the cache while the stored response is fresh (and not
    /// `no-cache`); else from the origin, conditionally if the stored response has an ETag.
    pub fn get(&mut self, url: &str, origin: impl FnOnce(&Request) -> Response) -> Response {
        let now = self.clock.now();
        let mut request = Request {
            url: url.to_string(),
            headers: Vec::new(),
        };
        if let Some(stored) = self.entries.get(url) {
            let age = current_age(stored, now);
            let must_revalidate = has(&directives(&stored.response), "no-cache");
            if !must_revalidate && freshness_lifetime(stored, self.shared) > age {
                let mut response = stored.response.clone();
                response.set_header("Age", &age.to_string());
                return response;
            }
            if let Some(etag) = stored.response.header("ETag") {
                request.headers.push(("If-None-Match".to_string(), etag));
            }
        }
        let request_time = now;
        let response = origin(&request);
        let response_time = self.clock.now();
        if response.status == 304
            && let Some(stored) = self.entries.get_mut(url)
        {
            update_headers(&mut stored.response, &response);
            stored.request_time = request_time;
            stored.response_time = response_time;
            return stored.response.clone();
        }
        if storable(&response, self.shared) {
            let stored = Stored {
                response: response.clone(),
                request_time,
                response_time,
            };
            self.entries.insert(url.to_string(), stored);
        }
        response
    }
}

/// Updates a stored response with the header fields of a 304 (RFC 9111 §4.3.4): each field
/// the 304 carries replaces all stored lines of that name, except `Content-Length`.
pub fn update_headers(stored: &mut Response, not_modified: &Response) {
    let updated = |name: &str| {
        !name.eq_ignore_ascii_case("content-length")
            && not_modified
                .headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    stored.headers.retain(|(name, _)| !updated(name));
    for (name, value) in &not_modified.headers {
        if !name.eq_ignore_ascii_case("content-length") {
            stored.headers.push((name.clone(), value.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the cache's state.
// ---------------------------------------------------------------------------------------------

/// A stored response and when the cache sent the request and received the response.
#[derive(Debug, Clone)]
pub struct Stored {
    pub response: Response,
    pub request_time: u64,
    pub response_time: u64,
}

/// An HTTP cache in one process: shared (a proxy, a CDN) or private (a browser).
#[derive(Debug)]
pub struct HttpCache<C> {
    shared: bool,
    clock: C,
    entries: HashMap<String, Stored>,
}

impl<C: Clock> HttpCache<C> {
    /// An empty cache; `shared` for a proxy or a CDN, `false` for a browser's cache.
    pub fn new(shared: bool, clock: C) -> Self {
        HttpCache {
            shared,
            clock,
            entries: HashMap::new(),
        }
    }
}
