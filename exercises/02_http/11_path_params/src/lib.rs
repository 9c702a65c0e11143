//! # Path parameters, step 1 of a router
//!
//! A router is the table that says which code answers `GET /users/42/posts/7`. Routes are
//! written as patterns, where a segment that starts with `:` is a path parameter:
//! `/users/:id/posts/:post_id` matches that path and captures `id = "42"` and `post_id = "7"`.
//! Every web framework has one (axum, actix, Express, Rails). This step matches one path
//! against one pattern; step 2 puts patterns in a table with methods, step 3 ranks them.
//!
//! The rules:
//!
//! - **Patterns are checked once**, when a route is added: a pattern starts with `/`, every
//!   `:` segment has a name, and no name is used twice (`/a/:id/b/:id` would hide one of the
//!   two values). Anything else is an [`InvalidPattern`], a bug in the route table.
//! - **Segments.** Both pattern and path are split on `/` after the leading one:
//!   `/users/42/` is `["users", "42", ""]` and `/` is `[""]`. A path that does not start with
//!   `/` matches nothing. A static segment matches itself exactly (paths are case-sensitive,
//!   RFC 3986 §6.2.2.1); a parameter matches exactly one NON-EMPTY segment, so `/users/:id`
//!   matches neither `/users/` nor `/users/1/extra`.
//! - **Parameters are percent-decoded AFTER the path is split**, so `/files/a%2Fb` captures
//!   `a/b` in ONE parameter: a `%2F` is data, not a separator. A `%` not followed by two hex
//!   digits is kept as it is, and `+` is just a `+` (it means a space only in forms). A
//!   parameter whose bytes are not UTF-8 once decoded is [`NotUtf8`]: the router answers 400
//!   rather than guess what the client meant.
//!
//! Primary source: RFC 3986 §3.3 (path segments) and §2.1 (percent-encoding),
//! <https://www.rfc-editor.org/rfc/rfc3986#section-3.3>.

impl Pattern {
    /// Parses a pattern such as `/users/:id/posts/:post_id`.
    pub fn parse(pattern: &str) -> Result<Pattern, InvalidPattern> {
        // TODO: strip the leading '/' (none: invalid), split on '/', and turn each piece into
        //       a Segment: ":name" is a Param (the name non-empty and not seen before), anything
        //       else is Static.
        todo!("parse the pattern {pattern:?}")
    }

    /// Matches `path` (without its query string): `None` if it does not match, else the
    /// captured parameters, or the first one that is not UTF-8 once decoded.
    pub fn capture(&self, path: &str) -> Option<Result<Params, NotUtf8>> {
        // TODO: split the path like the pattern; same number of segments, static segments
        //       equal, parameter segments non-empty. Then decode each parameter's segment with
        //       `percent_decode` and `String::from_utf8`.
        todo!("match {path:?} against {} segments", self.segments.len())
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the pattern model, the captured parameters and the percent-decoder. You need not
// change it.
// ---------------------------------------------------------------------------------------------

/// A route pattern, parsed once when the route is added so that each request only compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segments: Vec<Segment>,
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Matches exactly this text.
    Static(String),
    /// `:name`: matches any one non-empty segment and captures it under `name`.
    Param(String),
}

impl Pattern {
    /// The segments, in order: the router of step 3 ranks patterns by them.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

/// Why a pattern was refused, with the pattern as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPattern(pub String);

/// A parameter that is not UTF-8 once percent-decoded (a 400 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The parameter's name, as in the pattern.
    pub name: String,
}

/// The parameters captured from the path, in pattern order, already percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The value of the parameter `name` (`"id"` for `:id`), if the pattern has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Adds a captured parameter.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// How many parameters were captured.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when the pattern had no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// WHATWG URL §1.3 percent-decode, as in `query_and_forms` but without the `+` rule of forms:
/// `%` and two hex digits is one byte, anything else (`%`, `%4`, `%zz`) is copied as it is.
pub fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%'
            && let (Some(hi), Some(lo)) = (hex_value(input.get(i + 1)), hex_value(input.get(i + 2)))
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    out
}

fn hex_value(byte: Option<&u8>) -> Option<u8> {
    char::from(*byte?).to_digit(16).map(|d| d as u8)
}
