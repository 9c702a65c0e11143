//! # Request bodies: 415, 400 or 422
//!
//! Before a handler can create a book, it must decide whether the request carries one. Three
//! different things can be wrong, each with a different fix on the client's side, so each has
//! its own status code (RFC 9110 §15.5):
//!
//! | code | the client sent | its fix |
//! |---|---|---|
//! | `415 Unsupported Media Type` (§15.5.16) | no `Content-Type`, or not JSON | label the body `application/json` |
//! | `400 Bad Request` (§15.5.1) | bytes that are not JSON at all: `{"title": ` | fix its serialiser |
//! | `422 Unprocessable Content` (§15.5.21) | fine JSON with unacceptable values: `{"title": ""}` | fix the data |
//!
//! The split between 400 and 422 is *syntax* versus *meaning*. A 400 says "your program writes
//! broken JSON"; a 422 says "this form has a field to correct". A client that gets the wrong
//! one shows the wrong message, or retries what can never succeed. And a body the server cannot
//! parse must never crash the handler: it is answered, like any other input.
//!
//! The label is checked before the bytes. Media types are case-insensitive and may carry
//! parameters after a `;` (RFC 9110 §8.3.1): `Application/JSON; charset=utf-8` is JSON;
//! `application/jsonx` and `text/json` are not. A body that happens to parse as JSON under
//! `text/plain` is still a 415: the label is the contract, not a guess from the content.
//!
//! A limit "in characters" counts characters: `"é"` is one character and two UTF-8 bytes.
//!
//! The request/response model is given in `src/http.rs`. The next exercise,
//! `crud_status_codes`, builds the `/books` resource on what you write here.
//!
//! Primary source: RFC 9110 §15.5, <https://www.rfc-editor.org/rfc/rfc9110#section-15.5>.

mod http;

use serde_json::Value;

pub use http::{Request, Response, error};

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
    /// Not JSON at all (→ 400 Bad Request). The text says what is broken.
    Malformed(String),
    /// JSON, but not an acceptable book (→ 422 Unprocessable Content). The text names the field.
    Invalid(String),
}

/// The longest title accepted, in characters (not bytes).
pub const MAX_TITLE_CHARS: usize = 200;

/// Is this `Content-Type` header value JSON?
///
/// `application/json`, in any letter case, with optional spaces around it and optional
/// parameters after a `;` (`application/json; charset=utf-8`). Anything else, or no header at
/// all, is not.
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
/// - `isbn`: a string of exactly 13 ASCII digits `0`-`9` → otherwise `Invalid`
/// - other members (including a client-sent `id`) are ignored
pub fn parse_book_input(body: &[u8]) -> Result<BookInput, InputError> {
    // Parse into an untyped Value first: only a syntax error may become Malformed.
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
    // Bytes, not chars: full-width digits like '９' are numeric but not ASCII.
    if isbn.len() != 13 || !isbn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InputError::Invalid("isbn must be 13 digits".into()));
    }
    Ok(BookInput {
        isbn,
        title,
        author,
    })
}

/// Reads the book a `POST` or `PUT` carries, or the error response to send instead:
///
/// 1. `Content-Type` is not JSON ([`is_json`]) → 415, whatever the body;
/// 2. [`parse_book_input`] says `Malformed` → 400, `Invalid` → 422.
///
/// Each error response is [`error`]`(status, why)`, with the reason from `InputError`.
pub fn read_input(req: &Request) -> Result<BookInput, Response> {
    if !is_json(req.header("Content-Type")) {
        return Err(error(415, "send the book as application/json"));
    }
    parse_book_input(&req.body).map_err(|e| match e {
        InputError::Malformed(why) => error(400, &why),
        InputError::Invalid(why) => error(422, &why),
    })
}
