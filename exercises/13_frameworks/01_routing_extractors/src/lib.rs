//! # axum, step 1: routing, extractors and the rejections for bad input
//!
//! In chapter 02 you parsed a request line, split a query string, matched paths against a
//! route table and answered 404 or 405 by hand. A framework does that part for you, and this
//! chapter uses the most used one in Rust, **axum** (on tokio and hyper). Here is what it now
//! does, so that you know what you no longer write and what you still must:
//!
//! - **Routing.** `Router::new().route("/books/{id}", get(handler))` matches the path
//!   (static segments beat parameters), then the method. No route is `404`; a route without
//!   that method is `405` with an `Allow` header; HEAD is served wherever GET is.
//! - **Extractors.** A handler's arguments say what it needs from the request, and axum
//!   parses it before the handler runs: `Path<u32>` (percent-decoded, then parsed),
//!   `Query<T>` (the form-urlencoded query of 02/10, into a serde struct), `Json<T>` (the
//!   body). `Json` must be the **last** argument: it consumes the body.
//! - **Rejections.** When an extractor fails, the handler never runs and the client gets a
//!   status that says whose fault it is: a body that is not declared `application/json` is
//!   `415`, bytes that are not JSON are `400`, JSON of the wrong shape (a missing field, a
//!   string for a number) is `422`, a path or query parameter that does not parse is `400`.
//!   A body over 2 MiB is `413`.
//! - **Responses.** A handler returns anything that implements `IntoResponse`: `Json(value)`
//!   (200 with `content-type: application/json`), a `StatusCode`, a tuple such as
//!   `(StatusCode::CREATED, [(LOCATION, url)], Json(book))`, or a `Result` of two of them.
//!
//! What it does **not** do: decide what your API means. It does not know that a title must
//! not be empty (you answer `422` yourself), that a missing book is `404` (your handler
//! returns it), or where a created resource lives (your `Location`). Its rejection bodies are
//! plain text, not the problem details of 03/04 (step 4 maps them). It has no conditional
//! requests: the ETags and `If-Match` of 03/09 stay yours. It redirects no trailing slash:
//! `/books/` is not `/books`.
//!
//! Write the route table and three handlers over the given [`Catalog`]:
//! `GET /books?author=&limit=`, `POST /books`, `GET /books/{id}`. The tests start your app
//! on `127.0.0.1:0` and call it over TCP with a real HTTP client (ureq) and with raw bytes.
//!
//! Primary sources: the axum docs, <https://docs.rs/axum/0.8/axum/>, its `extract` module
//! (rejections); RFC 9110 §15.5.16 (415), §15.5.21 (422).

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderName;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// The route table: `GET` and `POST` on `/books`, `GET` on `/books/{id}`, with the catalog as
/// the router's state.
pub fn app(catalog: Catalog) -> Router {
    // TODO: Router::new(), two .route(...) calls (axum::routing::get and post; a MethodRouter
    //       chains: get(a).post(b)), then .with_state(catalog).
    let _ = catalog;
    todo!("app")
}

/// `GET /books?author=...&limit=...`: the books by that author (all books without one), at
/// most `limit` of them ([`DEFAULT_LIMIT`] without one), in catalog order.
pub async fn list_books(
    State(catalog): State<Catalog>,
    Query(params): Query<ListParams>,
) -> Json<Vec<Book>> {
    // TODO: filter catalog.all() by params.author when it is Some, take the limit.
    let _ = (catalog, params);
    todo!("list_books")
}

/// `GET /books/{id}`: the book, or `404 Not Found`.
pub async fn get_book(
    State(catalog): State<Catalog>,
    Path(id): Path<u32>,
) -> Result<Json<Book>, StatusCode> {
    // TODO: catalog.get(id), Json if found, else StatusCode::NOT_FOUND.
    let _ = (catalog, id);
    todo!("get_book")
}

/// `POST /books`: `201 Created` with `Location: /books/{id}` and the stored book as JSON; a
/// title or author that is empty (or only spaces) is `422` with a one-sentence message.
pub async fn create_book(
    State(catalog): State<Catalog>,
    Json(new): Json<NewBook>,
) -> Result<Created, Invalid> {
    // TODO: check the two fields (str::trim), then catalog.add(new), then the 201 tuple.
    let _ = (catalog, new, LOCATION);
    todo!("create_book")
}

// ---------------------------------------------------------------------------------------------
// Given: the data. serde's derives are what `Json` and `Query` read and write.
// ---------------------------------------------------------------------------------------------

/// A `201 Created` response: the status, the `Location` header, the book as JSON.
pub type Created = (StatusCode, [(HeaderName, String); 1], Json<Book>);

/// A request the handler refuses: its status and a one-sentence message (plain text).
pub type Invalid = (StatusCode, String);

/// How many books a list returns when the query sets no `limit`.
pub const DEFAULT_LIMIT: usize = 10;

/// A stored book, as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Book {
    pub id: u32,
    pub title: String,
    pub author: String,
}

/// The body of `POST /books`: both fields are required (a missing one is a `422` from `Json`).
#[derive(Debug, Deserialize)]
pub struct NewBook {
    pub title: String,
    pub author: String,
}

/// The query of `GET /books`: both optional; `limit` must parse as a `usize` (else `400`).
#[derive(Debug, Deserialize)]
pub struct ListParams {
    pub author: Option<String>,
    pub limit: Option<usize>,
}

/// The books, shared by every request: axum clones the state into each handler, so it is an
/// `Arc` (step 2 puts a database here instead).
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    books: Arc<Mutex<Vec<Book>>>,
}

impl Catalog {
    /// A catalog holding these books, given ids 1, 2, 3... in order.
    pub fn with_books(books: &[(&str, &str)]) -> Catalog {
        let catalog = Catalog::default();
        for (title, author) in books {
            catalog.add(NewBook {
                title: title.to_string(),
                author: author.to_string(),
            });
        }
        catalog
    }

    /// Every book, in the order they were added.
    pub fn all(&self) -> Vec<Book> {
        self.books.lock().unwrap().clone()
    }

    /// The book with this id.
    pub fn get(&self, id: u32) -> Option<Book> {
        self.books
            .lock()
            .unwrap()
            .iter()
            .find(|b| b.id == id)
            .cloned()
    }

    /// Stores a new book under the next id and returns it.
    pub fn add(&self, new: NewBook) -> Book {
        let mut books = self.books.lock().unwrap();
        let book = Book {
            id: books.len() as u32 + 1,
            title: new.title,
            author: new.author,
        };
        books.push(book.clone());
        book
    }
}
