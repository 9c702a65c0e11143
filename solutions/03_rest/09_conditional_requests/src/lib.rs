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

/// Whether `condition` matches the current tag (`None`: no document), compared by `same`.
fn matches(
    condition: &Condition,
    current: Option<&EntityTag>,
    same: fn(&EntityTag, &EntityTag) -> bool,
) -> bool {
    match (condition, current) {
        (_, None) => false,
        (Condition::Any, Some(_)) => true,
        (Condition::Tags(tags), Some(current)) => tags.iter().any(|tag| same(tag, current)),
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

        let condition = |field: &str| req.header_list(field).map(|v| parse_condition(&v));
        let (if_match, if_none_match) = match (condition("If-Match"), condition("If-None-Match")) {
            (Some(None), _) | (_, Some(None)) => return Response::new(400),
            (if_match, if_none_match) => (if_match.flatten(), if_none_match.flatten()),
        };

        let current = self.docs.get(name).map(|body| etag_of(body));
        if req.method == "GET" && current.is_none() {
            // Preconditions only apply where the response would otherwise be 2xx (§13.2.1).
            return Response::new(404);
        }
        // RFC 9110 §13.2.2, steps 1 and 3.
        if let Some(c) = &if_match
            && !matches(c, current.as_ref(), EntityTag::strong_eq)
        {
            return Response::new(412);
        }
        if let Some(c) = &if_none_match
            && matches(c, current.as_ref(), EntityTag::weak_eq)
        {
            return match (req.method.as_str(), current) {
                ("GET", Some(tag)) => Response::new(304).with_header("ETag", &tag.to_string()),
                _ => Response::new(412),
            };
        }

        match current {
            Some(tag) if req.method == "GET" => Response::new(200)
                .with_header("ETag", &tag.to_string())
                .with_header("Content-Type", "application/json")
                .with_body(self.docs[name].clone()),
            // Updating without saying which version it is based on risks a lost update.
            Some(_) if if_match.is_none() => Response::new(428),
            // A PUT (a GET of a missing document was answered 404 above).
            existing => {
                let status = if existing.is_some() { 204 } else { 201 };
                self.docs.insert(name.to_string(), req.body.clone());
                Response::new(status).with_header("ETag", &etag_of(&req.body).to_string())
            }
        }
    }
}
