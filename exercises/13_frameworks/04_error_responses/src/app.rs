//! The service: books by id, and a report that fails inside. Every handler returns
//! `Result<_, ApiError>`; the extractors are wrapped in `Result` so that their rejections
//! come to the handler, and `?` turns them into an `ApiError` through `From`.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use crate::{ApiError, no_route};

/// Where the causes of 500s go: read by operators (and the tests), never sent to a client.
#[derive(Clone, Debug, Default)]
pub struct ErrorLog(Arc<Mutex<Vec<String>>>);

impl ErrorLog {
    /// Records a cause.
    pub fn write(&self, cause: &str) {
        self.0.lock().unwrap().push(cause.to_string());
    }

    /// Every cause recorded, in order.
    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

#[derive(Clone, Debug, Serialize)]
struct Book {
    id: u32,
    title: String,
}

#[derive(Debug, Deserialize)]
struct NewBook {
    title: String,
}

#[derive(Clone, Default)]
struct AppState {
    books: Arc<Mutex<Vec<Book>>>,
    log: ErrorLog,
}

/// `GET /books/{id}`, `POST /books`, `GET /report` (whose storage is broken), and a
/// problem-details 404 for everything else.
pub fn app(log: ErrorLog) -> Router {
    let state = AppState {
        books: Arc::new(Mutex::new(vec![Book {
            id: 1,
            title: "Kindred".into(),
        }])),
        log,
    };
    Router::new()
        .route("/books/{id}", get(get_book))
        .route("/books", post(create_book))
        .route("/report", get(report))
        .fallback(no_route)
        .with_state(state)
}

async fn get_book(
    State(state): State<AppState>,
    id: Result<Path<u32>, PathRejection>,
) -> Result<Json<Book>, ApiError> {
    let Path(id) = id?;
    let books = state.books.lock().unwrap();
    let book = books.iter().find(|b| b.id == id).cloned();
    book.map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("There is no book {id}.")))
}

async fn create_book(
    State(state): State<AppState>,
    body: Result<Json<NewBook>, JsonRejection>,
) -> Result<(StatusCode, Json<Book>), ApiError> {
    let Json(new) = body?;
    if new.title.trim().is_empty() {
        return Err(ApiError::Invalid("The title must not be empty.".into()));
    }
    let mut books = state.books.lock().unwrap();
    let book = Book {
        id: books.len() as u32 + 1,
        title: new.title,
    };
    books.push(book.clone());
    Ok((StatusCode::CREATED, Json(book)))
}

/// Fails the way a real dependency does: with a message full of internals.
async fn report(State(state): State<AppState>) -> Result<String, ApiError> {
    let cause = "SqliteFailure: disk I/O error reading /var/lib/books/books.db \
                 (query: SELECT * FROM users WHERE role = 'admin')";
    Err(ApiError::Internal {
        cause: cause.into(),
        log: state.log.clone(),
    })
}
