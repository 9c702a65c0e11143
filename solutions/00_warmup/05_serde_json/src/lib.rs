//! # serde: JSON in and out
//!
//! Almost every backend speaks JSON (RFC 8259) at its edges: request bodies come in as bytes,
//! responses go out as bytes, and in between the program wants typed Rust values. `serde` is
//! the bridge: `#[derive(Deserialize)]` writes the code that turns JSON into your struct,
//! `#[derive(Serialize)]` the code that turns your struct into JSON, and *attributes* adjust the
//! mapping without hand-written code:
//!
//! - `#[serde(rename_all = "camelCase")]`: Rust fields are `snake_case`, JSON APIs are usually
//!   `camelCase` (`customer_id` ⇄ `"customerId"`);
//! - `Option<T>`: a field that may be absent (or `null`) becomes `None`;
//!   `#[serde(skip_serializing_if = "Option::is_none")]` leaves it out of the output;
//! - `#[serde(default)]` / `#[serde(default = "path::to_fn")]`: a missing field takes a default;
//! - `#[serde(tag = "method")]`: an *internally tagged* enum, the usual JSON shape for "one of
//!   several kinds": `{"method": "card", "token": "tok_1"}`;
//! - `#[serde(deny_unknown_fields)]`: a field the type does not know is an error, not silently
//!   dropped — a client that sends `"giftwrap": true` learns about its typo instead of wondering
//!   why the gift was never wrapped.
//!
//! Bad input must produce an error the client can act on, with the right status code. Three
//! different things can be wrong with a body, and a good API tells them apart:
//!
//! 1. it is too large to even look at (`413 Content Too Large`, RFC 9110 §15.5.14) — check the
//!    size *before* parsing, or one client can make the server allocate gigabytes;
//! 2. it is not JSON at all (`400 Bad Request`): serde_json says where, "at line 1 column 17";
//! 3. it is JSON, but not the shape the API expects — a missing field, a string where a number
//!    belongs, an unknown variant (`422 Unprocessable Content`, RFC 9110 §15.5.21).
//!
//! serde_json parses and checks the shape in the same pass, so a body that is broken JSON *and*
//! has a wrong value early on would be reported as (3). Here the rule is stricter: broken JSON
//! is always (2), whatever else is wrong — the client must first send JSON at all.
//! [`serde_json::Error::classify`] tells the two kinds of error apart.
//!
//! Primary sources:
//! - serde attributes: <https://serde.rs/attributes.html> (container, variant and field
//!   attributes), enum representations: <https://serde.rs/enum-representations.html>
//! - RFC 8259, "The JavaScript Object Notation (JSON) Data Interchange Format":
//!   <https://www.rfc-editor.org/rfc/rfc8259>
//! - RFC 9110 §15.5.1 (400), §15.5.14 (413), §15.5.21 (422):
//!   <https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5>

use serde::{Deserialize, Serialize};
use std::fmt;

/// Request bodies larger than this are refused without being parsed.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The body of `POST /orders`:
///
/// ```json
/// {
///   "customerId": 42,
///   "items": [{"sku": "TEA-01", "quantity": 2}, {"sku": "MUG-07"}],
///   "giftWrap": true,
///   "note": "leave at the door",
///   "payment": {"method": "card", "token": "tok_visa"}
/// }
/// ```
///
/// - JSON names are the camelCase form of the field names;
/// - `customerId`, `items` and `payment` are required;
/// - `giftWrap` may be left out (then `false`), `note` may be left out or `null` (then `None`);
/// - any field not listed here is an error, at every level (order, items, payment).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateOrder {
    pub customer_id: u64,
    pub items: Vec<LineItem>,
    #[serde(default)]
    pub gift_wrap: bool,
    pub note: Option<String>,
    pub payment: Payment,
}

/// One line of an order: `{"sku": "TEA-01", "quantity": 2}`. `quantity` may be left out, and
/// then it is 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineItem {
    pub sku: String,
    #[serde(default = "one")]
    pub quantity: u32,
}

fn one() -> u32 {
    1
}

/// How the customer pays, tagged by `"method"`, variant names and their fields in camelCase:
///
/// - `{"method": "card", "token": "tok_visa"}`
/// - `{"method": "invoice", "dueInDays": 30}`
/// - `{"method": "cashOnDelivery"}`
///
/// Unknown fields are errors here too. (`CashOnDelivery {}` is an empty *struct* variant on
/// purpose: in an internally tagged enum, serde ignores extra fields next to a unit variant.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum Payment {
    Card { token: String },
    Invoice { due_in_days: u32 },
    CashOnDelivery {},
}

/// Where an order is in its life, written in snake_case: `"pending"`, `"paid"`, `"shipped"`,
/// `"partially_refunded"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    PartiallyRefunded,
}

/// The response body of `GET /orders/{id}`:
///
/// ```json
/// {
///   "id": 1001,
///   "customerId": 42,
///   "status": "partially_refunded",
///   "items": [{"sku": "TEA-01", "quantity": 2}],
///   "totalCents": 1598,
///   "giftWrap": false,
///   "note": "leave at the door",
///   "payment": {"method": "invoice", "dueInDays": 30}
/// }
/// ```
///
/// Names in camelCase; `note` is left out entirely when it is `None` (not `"note": null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: u64,
    pub customer_id: u64,
    pub status: OrderStatus,
    pub items: Vec<LineItem>,
    pub total_cents: u64,
    pub gift_wrap: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub payment: Payment,
}

/// Why a request body was refused.
#[derive(Debug)]
pub enum DecodeError {
    /// The body is larger than [`MAX_BODY_BYTES`]; it was not parsed.
    TooLarge { size: usize, limit: usize },
    /// The body is not well-formed JSON (includes an empty body and invalid UTF-8).
    Syntax(serde_json::Error),
    /// The body is JSON, but not a valid order.
    Shape(serde_json::Error),
}

impl DecodeError {
    /// The HTTP status code to answer with.
    pub fn status(&self) -> u16 {
        match self {
            DecodeError::TooLarge { .. } => 413,
            DecodeError::Syntax(_) => 400,
            DecodeError::Shape(_) => 422,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TooLarge { size, limit } => {
                write!(f, "body is {size} bytes, the limit is {limit}")
            }
            DecodeError::Syntax(err) => write!(f, "malformed JSON: {err}"),
            DecodeError::Shape(err) => write!(f, "invalid order: {err}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes the body of `POST /orders`.
///
/// In this order: a body over [`MAX_BODY_BYTES`] is `TooLarge`; a body that is not well-formed
/// JSON is `Syntax`, even if its shape is also wrong; a JSON body that is not a valid
/// [`CreateOrder`] is `Shape`.
pub fn decode_order(body: &[u8]) -> Result<CreateOrder, DecodeError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(DecodeError::TooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    // First pass: syntax only. IgnoredAny reads the whole document without building anything,
    // so a syntax error anywhere is found before any shape error.
    serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(classify)?;
    // Second pass, typed. Not through serde_json::Value: a Value silently keeps only the last
    // of two duplicate keys, while the derived code rejects them.
    serde_json::from_slice(body).map_err(classify)
}

fn classify(err: serde_json::Error) -> DecodeError {
    use serde_json::error::Category;
    match err.classify() {
        Category::Data => DecodeError::Shape(err),
        // Io cannot happen when reading from a slice.
        Category::Syntax | Category::Eof | Category::Io => DecodeError::Syntax(err),
    }
}

/// Encodes an order as the JSON body of a response.
pub fn encode_order(order: &Order) -> String {
    // Cannot fail: every field is a string, number, bool, sequence or struct with string keys.
    serde_json::to_string(order).expect("an Order always serializes")
}
