//! # CRUD with the right status codes
//!
//! A REST API exposes *resources* at URLs and lets clients act on them with the standard
//! methods: `POST /books` creates, `GET /books` and `GET /books/{id}` read, `PUT /books/{id}`
//! replaces, `DELETE /books/{id}` deletes. The method says *what* the client wants; the
//! **status code** says *what happened*. Clients, SDKs and monitoring branch on the code before
//! they look at a body, so a wrong code is a real bug: a `200` on a failed create makes a retry
//! loop stop too early, a `404` instead of a `405` sends a developer hunting for a typo in a
//! URL that is perfectly fine.
//!
//! The codes of a CRUD resource (RFC 9110 §15):
//!
//! | code | meaning | here |
//! |---|---|---|
//! | `200 OK` | success, here is the representation | GET, PUT |
//! | `201 Created` | a new resource exists; `Location` names its URL (§15.3.2, §10.2.2) | POST |
//! | `204 No Content` | success, nothing to send back: the body is empty (§15.3.5) | DELETE |
//! | `404 Not Found` | no resource at this URL (§15.5.5) | `/bookz`, `/books/99` |
//! | `405 Method Not Allowed` | the URL exists, the method does not; the `Allow` header MUST list the methods that work (§15.5.6) | `PATCH /books` |
//! | `409 Conflict` | the request collides with the current state (§15.5.10) | an ISBN another book has |
//!
//! `400`, `415` and `422` come from the previous exercise: `read_input` (in
//! `src/book_input.rs`) gives you the book or the response to send instead.
//!
//! Two rules make the collection trustworthy. Ids are assigned by the server, start at 1 and are
//! never reused: an old link to `/books/3` must not quietly show a different book after book 3
//! was deleted. And a refused request changes nothing: a 404, 405, 409 or 422 leaves every book
//! as it was.
//!
//! Primary source: RFC 9110, HTTP Semantics, §9.3 (methods) and §15 (status codes),
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15>.

mod book_input;
mod http;

pub use book_input::{
    BookInput, InputError, MAX_TITLE_CHARS, is_json, parse_book_input, read_input,
};
pub use http::{Request, Response, error};

use serde::Serialize;

/// A stored book: what `GET /books/{id}` returns as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Book {
    pub id: u64,
    pub isbn: String,
    pub title: String,
    pub author: String,
}

/// An in-memory book collection behind a REST interface.
#[derive(Debug)]
pub struct Library {
    // TODO: the stored books, and the next id to hand out.
}

impl Default for Library {
    fn default() -> Self {
        Self::new()
    }
}

impl Library {
    pub fn new() -> Self {
        // TODO: an empty library whose first book gets id 1.
        Library {}
    }

    /// Handles one request:
    ///
    /// | route | method | success |
    /// |---|---|---|
    /// | `/books` | `GET` | 200, JSON array of all books in id order |
    /// | `/books` | `POST` | 201, `Location: /books/{id}`, the new book as JSON |
    /// | `/books/{id}` | `GET` | 200, the book |
    /// | `/books/{id}` | `PUT` | 200, the replaced book (an unknown id is 404: ids are the server's) |
    /// | `/books/{id}` | `DELETE` | 204, empty body |
    ///
    /// Any other method is 405 with `Allow: GET, POST` on `/books` and `Allow: GET, PUT,
    /// DELETE` on `/books/{id}`. A path [`route`] does not know is 404. An ISBN that ANOTHER
    /// book already has is 409 (a book may keep its own on PUT). Bodies go through
    /// [`read_input`]. Error responses are [`error`]`(status, why)`.
    pub fn handle(&mut self, req: &Request) -> Response {
        // TODO: route the request, then answer with the status codes above.
        todo!("handle {} {}", req.method, req.path)
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the router. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// Where a path points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/books`
    Collection,
    /// `/books/{id}` with a decimal id
    Item(u64),
}

/// `/books` and `/books/{id}`; anything else is `None` (a 404).
pub fn route(path: &str) -> Option<Route> {
    match path.strip_prefix("/books") {
        Some("") => Some(Route::Collection),
        Some(rest) => {
            // Digits only: u64's parser would also take "+7", a second spelling of one URL.
            let id = rest.strip_prefix('/')?;
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            id.parse().ok().map(Route::Item)
        }
        None => None,
    }
}
