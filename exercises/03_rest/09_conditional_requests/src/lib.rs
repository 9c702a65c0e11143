//! # ETags and conditional requests
//!
//! An **entity tag** (ETag) is a short validator for one representation of a resource: the
//! server sends `ETag: "5f3c9a1e2b7d4c80"` with a document, and changes the tag whenever the
//! document's bytes change (RFC 9110 §8.8.3). A client that keeps the tag can then make its
//! next request *conditional*:
//!
//! - **`If-None-Match`** (§13.1.2) on a `GET`: "send it only if it changed". If the tag still
//!   matches, the server answers `304 Not Modified` with no body — the client's copy is good,
//!   and the bytes are not sent again. This is how caches revalidate cheaply.
//! - **`If-Match`** (§13.1.1) on a `PUT`: "apply my change only if the document is still the
//!   one I read". Alice and Bob both load version A; Alice saves B; Bob saves C *based on A*.
//!   Without a condition, Bob's save silently erases Alice's work — the **lost update**. With
//!   `If-Match: "A"`, Bob's save fails with `412 Precondition Failed` and his client can
//!   re-read, merge and retry. An API can insist on this: `428 Precondition Required`
//!   (RFC 6585 §3) answers a `PUT` that did not say which version it is based on.
//!
//! Tags and their comparison come from the previous exercise, `entity_tags`
//! (`src/entity_tags.rs`): `If-Match` guards a write, so it uses strong comparison;
//! `If-None-Match` uses weak.
//!
//! The order of evaluation is fixed by §13.2.2: `If-Match` first (false → 412), then
//! `If-None-Match` (false → 304 for `GET`, 412 for other methods). Both apply to every method:
//! a `GET` whose `If-Match` fails is a 412 too (§13.1.1), which is how a client reads
//! "exactly the version I know, or nothing". And preconditions only apply to a resource that
//! could answer 2xx: a `GET` of a missing document is a plain 404 (§13.2.1).
//!
//! Primary source: RFC 9110 §13.1.1 (If-Match), §13.1.2 (If-None-Match), §13.2.2
//! (precedence), <https://www.rfc-editor.org/rfc/rfc9110#section-13>; RFC 6585 §3 (428),
//! <https://www.rfc-editor.org/rfc/rfc6585#section-3>.

mod entity_tags;
mod http;

pub use entity_tags::{Condition, EntityTag, etag_of, parse_condition};
pub use http::{Request, Response};

use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// The resource: /docs/{name}.
// ---------------------------------------------------------------------------------------------

/// JSON documents at `/docs/{name}`, each with a strong ETag.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: HashMap<String, Vec<u8>>,
}

impl DocumentStore {
    pub fn new() -> Self {
        DocumentStore::default()
    }

    /// Stores a document directly (test setup), bypassing HTTP.
    pub fn insert(&mut self, name: &str, body: &[u8]) {
        self.docs.insert(name.to_string(), body.to_vec());
    }

    /// A document's current bytes, bypassing HTTP.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.docs.get(name).map(Vec::as_slice)
    }
}

impl DocumentStore {
    /// Handles `GET` and `PUT` on `/docs/{name}`:
    ///
    /// - Any other path → 404; any other method → 405 with `Allow: GET, PUT`.
    /// - An `If-Match` or `If-None-Match` that [`parse_condition`] refuses → 400.
    /// - `GET` of a missing document → 404, whatever the preconditions.
    /// - `If-Match` (strong comparison; never true without a document) false → 412.
    /// - `If-None-Match` (weak comparison; `*` true when a document exists) matching →
    ///   304 for `GET` (no body, with the `ETag`), 412 for `PUT`.
    /// - `GET` → 200 with `ETag`, `Content-Type: application/json` and the document.
    /// - `PUT` to an existing document without `If-Match` → 428, nothing changes.
    /// - `PUT` that passes → store the body: 201 if it created the document, 204 if it
    ///   replaced it; both with the new `ETag`.
    ///
    /// Tags are computed with [`etag_of`] and sent in the header form of [`EntityTag`]'s
    /// `Display`.
    pub fn handle(&mut self, req: &Request) -> Response {
        // Given: the routing. Only GET and PUT of one document get this far.
        let Some(name) = req.path.strip_prefix("/docs/").filter(|n| !n.is_empty()) else {
            return Response::new(404);
        };
        if req.method != "GET" && req.method != "PUT" {
            return Response::new(405).with_header("Allow", "GET, PUT");
        }

        // TODO: the rules above from the 400 on, in that order.
        todo!("handle {} {name}", req.method)
    }
}
