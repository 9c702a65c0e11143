//! # Every invalid field, at once
//!
//! A sign-up form sends four fields and three are wrong. A validator that stops at the first
//! error makes the client fix one field per round trip: submit, read "username is invalid",
//! fix it, submit, read "email is invalid"... A good API checks **every** field and reports
//! them all in one answer, each with *where* it is and *what* is wrong, so a form can mark every
//! bad input at once and a developer fixes the whole request in one go.
//!
//! *Where* is a JSON Pointer (RFC 6901): `/age` names the member `age` of the document,
//! `/profile/color` the member `color` inside `profile`, and the empty pointer the whole
//! document. APIs write it in its URI-fragment form (RFC 6901 §6), with a leading `#`: `#/age`,
//! `#/profile/color`, and `#` for the whole document. That is the form RFC 9457's example of
//! an error response uses, and the next exercise, `problem_details`, sends these errors in
//! exactly that shape:
//!
//! ```json
//! "errors": [
//!   { "pointer": "#/age", "detail": "must be a positive integer" },
//!   { "pointer": "#/profile/color", "detail": "must be 'green', 'red' or 'blue'" }
//! ]
//! ```
//!
//! Two traps. An "integer" in JSON is a number without a fraction: `42.3`, `-1`, `"42"` (a
//! string) and `1e400` are not positive integers, and `serde_json::Value::as_u64` already
//! returns `None` for exactly those. And the errors come in a fixed order (the table on
//! [`validate_account`]), so that the same request always gets the same answer: clients and
//! tests compare them.
//!
//! The body has already been parsed: broken JSON was answered before this function is called.
//! Here everything is well-formed JSON, and every refusal is a value to correct (a 422).
//!
//! Primary sources: RFC 6901, JSON Pointer, <https://www.rfc-editor.org/rfc/rfc6901>; the
//! example in RFC 9457 §3, <https://www.rfc-editor.org/rfc/rfc9457#section-3>.

use serde_json::Value;

/// One invalid field: where it is (a JSON Pointer in URI-fragment form) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `#/age`, `#/profile/color`, or `#` for the whole document.
    pub pointer: String,
    /// What the client should send instead, e.g. "must be a positive integer".
    pub detail: String,
}

impl FieldError {
    pub fn new(pointer: &str, detail: &str) -> Self {
        FieldError {
            pointer: pointer.to_string(),
            detail: detail.to_string(),
        }
    }
}

/// A valid sign-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub username: String,
    pub email: String,
    pub age: u64,
    /// `profile.color`, when a profile was sent.
    pub color: Option<String>,
}

/// Checks a sign-up document and returns the account, or EVERY invalid field, in this order:
///
/// | pointer | rule |
/// |---|---|
/// | `#` | the document is a JSON object (if it is not, that is the only error) |
/// | `#/username` | required; a string of 3 to 20 characters, each `a`-`z`, `0`-`9` or `_` |
/// | `#/email` | required; a string with exactly one `@` and at least one character on each side |
/// | `#/age` | required; a positive integer (`42.3`, `0`, `-1`, `"42"` are not) |
/// | `#/profile` | optional; if present, a JSON object |
/// | `#/profile/color` | required inside a profile; `"green"`, `"red"` or `"blue"` |
///
/// At most one error per field, each with a non-empty `detail`. Other members are ignored.
pub fn validate_account(doc: &Value) -> Result<Account, Vec<FieldError>> {
    // TODO: check every field, collect one FieldError per invalid field, then decide. The
    // checks of `username` and `email` are given at the end of this file: check `age` and
    // the profile in the same style.
    todo!("validate_account({doc})")
}

// ---------------------------------------------------------------------------------------------
// Given: the checks of two string fields, one function per field. Nothing to do here.
// ---------------------------------------------------------------------------------------------

/// The `username` member, checked: the string, or what is wrong with it.
pub fn username(value: Option<&Value>) -> Result<String, &'static str> {
    let s = value.ok_or("is required")?;
    let s = s.as_str().ok_or("must be a string")?;
    let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_';
    // Every byte is ASCII once `allowed` holds, so len() counts characters here.
    if (3..=20).contains(&s.len()) && s.bytes().all(allowed) {
        Ok(s.to_string())
    } else {
        Err("must be 3 to 20 characters from a-z, 0-9 and _")
    }
}

/// The `email` member, checked: the string, or what is wrong with it.
pub fn email(value: Option<&Value>) -> Result<String, &'static str> {
    let s = value.ok_or("is required")?;
    let s = s.as_str().ok_or("must be a string")?;
    match s.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@') =>
        {
            Ok(s.to_string())
        }
        _ => Err("must be an email address like name@example.com"),
    }
}
