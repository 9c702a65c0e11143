//! # CRUD with the right status codes
//!
//! A REST API exposes *resources* (here: books) at URLs and lets clients act on them with the
//! standard HTTP methods: `POST /books` creates, `GET /books` and `GET /books/{id}` read,
//! `PUT /books/{id}` replaces, `DELETE /books/{id}` deletes. The method says *what* the client
//! wants; the **status code** says *what happened*. Clients, proxies, SDKs and monitoring all
//! branch on the status code before they ever look at a body, so a wrong code is a real bug:
//! a `200` on a failed create makes a retry loop stop too early, a `500` for bad input pages
//! the on-call engineer at night, a `404` instead of a `405` sends a developer hunting for a
//! typo in a URL that is perfectly fine.
//!
//! The codes this exercise uses, all defined in RFC 9110 §15:
//!
//! | code | meaning | when |
//! |---|---|---|
//! | `200 OK` | success, here is the representation | GET, PUT |
//! | `201 Created` | a new resource exists; `Location` names its URL (§15.3.2, §10.2.2) | POST |
//! | `204 No Content` | success, and there is nothing to send back (§15.3.5) | DELETE |
//! | `400 Bad Request` | the request cannot even be parsed: broken JSON (§15.5.1) | |
//! | `404 Not Found` | no resource at this URL (§15.5.5) | |
//! | `405 Method Not Allowed` | the URL exists but not with this method; the response MUST carry an `Allow` header listing the methods that work (§15.5.6) | |
//! | `409 Conflict` | the request conflicts with the current state: a duplicate ISBN (§15.5.10) | |
//! | `415 Unsupported Media Type` | the content is not in a format this endpoint accepts (§15.5.16) | |
//! | `422 Unprocessable Content` | well-formed JSON, but the values are invalid (§15.5.21) | |
//!
//! Two distinctions trip people up. `400` vs `422`: `{"title": ` is broken *syntax* (400);
//! `{"title": ""}` is fine JSON with an unacceptable *value* (422). `404` vs `405`: `/books/7`
//! with `POST` is a real URL used with the wrong method (405), `/bookz` is no URL at all (404).
//! And media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1):
//! `Application/JSON; charset=utf-8` is JSON, `application/jsonx` is not.
//!
//! Routing and the request/response model are given (chapter 02 built them); you write the
//! content-type check, the input validation and the handler.
//!
//! Primary source: RFC 9110, HTTP Semantics, §9.3 (methods) and §15 (status codes),
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15>.

use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Given: the request/response model. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// An HTTP request, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path: &str) -> Self {
        Request {
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` and `Content-Type` to `application/json`.
    pub fn with_json(self, value: &Value) -> Self {
        self.with_header("Content-Type", "application/json")
            .with_body(value.to_string())
    }

    /// The value of the first header called `name` (header names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// An HTTP response, before serialisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A response with a JSON body and `Content-Type: application/json`.
    pub fn json(status: u16, value: &Value) -> Self {
        let mut response = Response::new(status).with_header("Content-Type", "application/json");
        response.body = value.to_string().into_bytes();
        response
    }

    /// The value of the first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// An error response: `{"error": message}` as JSON.
pub fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

/// Where a path points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/books`
    Collection,
    /// `/books/{id}` with a decimal id
    Item(u64),
}

/// Given router: `/books` and `/books/{id}`; anything else is `None` (404).
pub fn route(path: &str) -> Option<Route> {
    match path.strip_prefix("/books") {
        Some("") => Some(Route::Collection),
        Some(rest) => {
            let id = rest.strip_prefix('/')?;
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            id.parse().ok().map(Route::Item)
        }
        None => None,
    }
}

// ---------------------------------------------------------------------------------------------
// The resource.
// ---------------------------------------------------------------------------------------------

/// A stored book: what `GET /books/{id}` returns as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Book {
    pub id: u64,
    pub isbn: String,
    pub title: String,
    pub author: String,
}

/// What a client sends to create or replace a book (the server assigns the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookInput {
    pub isbn: String,
    pub title: String,
    pub author: String,
}

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Not JSON at all (→ 400 Bad Request).
    Malformed(String),
    /// JSON, but not an acceptable book (→ 422 Unprocessable Content).
    Invalid(String),
}

/// The longest title accepted, in characters (not bytes).
pub const MAX_TITLE_CHARS: usize = 200;

/// Is this `Content-Type` header value JSON?
///
/// `application/json`, with any letter case and optional parameters after a `;`
/// (`application/json; charset=utf-8`). Anything else, or no header at all, is not.
pub fn is_json(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return false;
    };
    // Parameters follow the first ';' (RFC 9110 §8.3.1); only the type/subtype decides.
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Parses and validates a book from a request body.
///
/// - not valid JSON → `Malformed`
/// - not a JSON object → `Invalid`
/// - `title` and `author`: strings that are not empty or only whitespace; `title` at most
///   [`MAX_TITLE_CHARS`] characters → otherwise `Invalid`
/// - `isbn`: a string of exactly 13 ASCII digits → otherwise `Invalid`
/// - other members (including a client-sent `id`) are ignored
pub fn parse_book_input(body: &[u8]) -> Result<BookInput, InputError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| InputError::Malformed(e.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| InputError::Invalid("the body must be a JSON object".into()))?;

    let text = |name: &str| -> Result<String, InputError> {
        match object.get(name) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(Value::String(_)) => Err(InputError::Invalid(format!("{name} must not be blank"))),
            Some(_) => Err(InputError::Invalid(format!("{name} must be a string"))),
            None => Err(InputError::Invalid(format!("{name} is required"))),
        }
    };

    let title = text("title")?;
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(InputError::Invalid(format!(
            "title must be at most {MAX_TITLE_CHARS} characters"
        )));
    }
    let author = text("author")?;
    let isbn = text("isbn")?;
    if isbn.len() != 13 || !isbn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::Invalid("isbn must be 13 digits".into()));
    }
    Ok(BookInput {
        isbn,
        title,
        author,
    })
}

/// An in-memory book collection behind a REST interface.
#[derive(Debug)]
pub struct Library {
    books: BTreeMap<u64, Book>,
    next_id: u64,
}

impl Default for Library {
    fn default() -> Self {
        Self::new()
    }
}

impl Library {
    pub fn new() -> Self {
        Library {
            books: BTreeMap::new(),
            next_id: 1,
        }
    }

    /// Handles one request:
    ///
    /// | route | method | success |
    /// |---|---|---|
    /// | `/books` | `GET` | 200, JSON array of all books in id order |
    /// | `/books` | `POST` | 201, `Location: /books/{id}`, the new book as JSON |
    /// | `/books/{id}` | `GET` | 200, the book |
    /// | `/books/{id}` | `PUT` | 200, the replaced book |
    /// | `/books/{id}` | `DELETE` | 204, empty body |
    ///
    /// Ids start at 1 and are never reused. Errors: 400, 404, 405 (with `Allow`), 409 (ISBN
    /// already used by another book), 415, 422 — see the module documentation.
    pub fn handle(&mut self, req: &Request) -> Response {
        let Some(route) = route(&req.path) else {
            return error(404, "no such resource");
        };
        match (route, req.method.as_str()) {
            (Route::Collection, "GET") => {
                let books: Vec<&Book> = self.books.values().collect();
                Response::json(200, &json!(books))
            }
            (Route::Collection, "POST") => self.create(req),
            (Route::Item(id), "GET") => match self.books.get(&id) {
                Some(book) => Response::json(200, &json!(book)),
                None => error(404, "no such book"),
            },
            (Route::Item(id), "PUT") => self.replace(id, req),
            (Route::Item(id), "DELETE") => match self.books.remove(&id) {
                Some(_) => Response::new(204),
                None => error(404, "no such book"),
            },
            (Route::Collection, _) => {
                error(405, "use GET or POST").with_header("Allow", "GET, POST")
            }
            (Route::Item(_), _) => {
                error(405, "use GET, PUT or DELETE").with_header("Allow", "GET, PUT, DELETE")
            }
        }
    }

    fn create(&mut self, req: &Request) -> Response {
        let input = match read_input(req) {
            Ok(input) => input,
            Err(response) => return response,
        };
        if self.isbn_taken(&input.isbn, None) {
            return error(409, "a book with this isbn already exists");
        }
        let id = self.next_id;
        self.next_id += 1;
        let book = Book {
            id,
            isbn: input.isbn,
            title: input.title,
            author: input.author,
        };
        let response =
            Response::json(201, &json!(book)).with_header("Location", &format!("/books/{id}"));
        self.books.insert(id, book);
        response
    }

    fn replace(&mut self, id: u64, req: &Request) -> Response {
        if !self.books.contains_key(&id) {
            return error(404, "no such book");
        }
        let input = match read_input(req) {
            Ok(input) => input,
            Err(response) => return response,
        };
        // The book may keep its own ISBN; it may not take another book's.
        if self.isbn_taken(&input.isbn, Some(id)) {
            return error(409, "another book has this isbn");
        }
        let book = Book {
            id,
            isbn: input.isbn,
            title: input.title,
            author: input.author,
        };
        let response = Response::json(200, &json!(book));
        self.books.insert(id, book);
        response
    }

    fn isbn_taken(&self, isbn: &str, except: Option<u64>) -> bool {
        self.books
            .values()
            .any(|b| b.isbn == isbn && Some(b.id) != except)
    }
}

/// Content-type check and body validation shared by POST and PUT.
fn read_input(req: &Request) -> Result<BookInput, Response> {
    if !is_json(req.header("Content-Type")) {
        return Err(error(415, "send application/json"));
    }
    parse_book_input(&req.body).map_err(|e| match e {
        InputError::Malformed(why) => error(400, &why),
        InputError::Invalid(why) => error(422, &why),
    })
}
