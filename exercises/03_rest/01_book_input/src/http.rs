//! Given: the request/response model of this chapter. Nothing to do here.
//!
//! Parsing and framing were chapter 02's work; here a request arrives already parsed, so the
//! exercises are about what it *means*. Bodies are bytes (`Vec<u8>`), not strings: a client
//! may send anything, including invalid UTF-8, and the handler must answer it.

use serde_json::{Value, json};

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

/// An error response: `{"error": message}` as JSON, so the client learns what to fix.
pub fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}
