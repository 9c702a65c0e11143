//! The specification of the `POST /orders` body (JSON in) and the order resource (JSON out).

use serde_json::{Value, json};
use serde_json_io::{
    CreateOrder, DecodeError, LineItem, MAX_BODY_BYTES, Order, OrderStatus, Payment, decode_order,
    encode_order,
};

/// The example of the `CreateOrder` documentation.
const EXAMPLE: &str = r#"{
  "customerId": 42,
  "items": [{"sku": "TEA-01", "quantity": 2}, {"sku": "MUG-07"}],
  "giftWrap": true,
  "note": "leave at the door",
  "payment": {"method": "card", "token": "tok_visa"}
}"#;

const MINIMAL: &str = r#"{"customerId": 7, "items": [], "payment": {"method": "cashOnDelivery"}}"#;

fn decode(body: &str) -> Result<CreateOrder, DecodeError> {
    decode_order(body.as_bytes())
}

/// Decodes a body that must be refused as JSON of the wrong shape; returns the message.
fn shape_error(body: &str, why: &str) -> String {
    match decode(body) {
        Err(err @ DecodeError::Shape(_)) => {
            assert_eq!(err.status(), 422);
            err.to_string()
        }
        other => panic!(
            "{why}: expected Err(DecodeError::Shape(..)) — valid JSON, wrong shape, 422 — for \
             {body}\n got {other:?}"
        ),
    }
}

/// Decodes a body that must be refused as malformed JSON; returns the message.
fn syntax_error(body: &[u8], why: &str) -> String {
    match decode_order(body) {
        Err(err @ DecodeError::Syntax(_)) => {
            assert_eq!(err.status(), 400);
            err.to_string()
        }
        other => panic!(
            "{why}: expected Err(DecodeError::Syntax(..)) — not JSON, 400 — for {:?}\n got {other:?}",
            String::from_utf8_lossy(body)
        ),
    }
}

fn sample_order() -> Order {
    Order {
        id: 1001,
        customer_id: 42,
        status: OrderStatus::PartiallyRefunded,
        items: vec![LineItem {
            sku: "TEA-01".into(),
            quantity: 2,
        }],
        total_cents: 1598,
        gift_wrap: false,
        note: Some("leave at the door".into()),
        payment: Payment::Invoice { due_in_days: 30 },
    }
}

fn encoded(order: &Order) -> Value {
    let text = encode_order(order);
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("encode_order must produce valid JSON ({err}): {text}"))
}

// ---------------------------------------------------------------------------------------------
// JSON in: the happy path

#[test]
fn decodes_the_documented_example() {
    let order = decode(EXAMPLE).expect("the documented example is a valid order");
    assert_eq!(
        order,
        CreateOrder {
            customer_id: 42,
            items: vec![
                LineItem {
                    sku: "TEA-01".into(),
                    quantity: 2
                },
                LineItem {
                    sku: "MUG-07".into(),
                    quantity: 1
                },
            ],
            gift_wrap: true,
            note: Some("leave at the door".into()),
            payment: Payment::Card {
                token: "tok_visa".into()
            },
        },
        "JSON names are camelCase (customerId, giftWrap); a line item without quantity has \
         quantity 1"
    );
}

#[test]
fn optional_fields_may_be_left_out() {
    let order = decode(MINIMAL).expect("customerId, items and payment are all that is required");
    assert!(!order.gift_wrap, "a missing giftWrap defaults to false");
    assert_eq!(order.note, None, "a missing note is None");
    assert_eq!(order.payment, Payment::CashOnDelivery {});
}

#[test]
fn a_null_note_is_none() {
    let order = decode(
        r#"{"customerId": 7, "items": [], "note": null, "payment": {"method": "cashOnDelivery"}}"#,
    )
    .expect("note may be null");
    assert_eq!(
        order.note, None,
        "\"note\": null is None, like a missing note"
    );
}

#[test]
fn quantity_defaults_to_one() {
    let order = decode(
        r#"{"customerId": 7, "items": [{"sku": "A"}, {"sku": "B", "quantity": 5}], "payment": {"method": "cashOnDelivery"}}"#,
    )
    .expect("quantity may be left out");
    let quantities: Vec<u32> = order.items.iter().map(|item| item.quantity).collect();
    assert_eq!(
        quantities,
        [1, 5],
        "a missing quantity is 1 (a default function, not u32's default 0)"
    );
}

#[test]
fn decodes_every_payment_method() {
    for (json, payment) in [
        (
            r#"{"method": "card", "token": "tok_1"}"#,
            Payment::Card {
                token: "tok_1".into(),
            },
        ),
        (
            r#"{"method": "invoice", "dueInDays": 30}"#,
            Payment::Invoice { due_in_days: 30 },
        ),
        (
            r#"{"method": "cashOnDelivery"}"#,
            Payment::CashOnDelivery {},
        ),
        (
            r#"{"dueInDays": 14, "method": "invoice"}"#,
            Payment::Invoice { due_in_days: 14 },
        ),
    ] {
        let body = format!(r#"{{"customerId": 1, "items": [], "payment": {json}}}"#);
        let order = decode(&body).unwrap_or_else(|err| {
            panic!("payment {json} is valid (tag \"method\", camelCase names; the tag may come anywhere in the object): {err}")
        });
        assert_eq!(order.payment, payment);
    }
}

#[test]
fn decodes_escapes_and_unicode() {
    let order = decode(
        r#"{"customerId": 1, "items": [{"sku": "TÉ-☕"}], "note": "caf\u00e9 \ud83d\ude00 \"ring twice\"\n", "payment": {"method": "cashOnDelivery"}}"#,
    )
    .expect("escapes and non-ASCII text are valid JSON strings (RFC 8259 §7)");
    assert_eq!(
        order.note.as_deref(),
        Some("café 😀 \"ring twice\"\n"),
        "\\u00e9 is é; \\ud83d\\ude00 is a surrogate pair for U+1F600 (RFC 8259 §7)"
    );
    assert_eq!(order.items[0].sku, "TÉ-☕");
}

#[test]
fn whitespace_around_the_document_is_fine() {
    let body = format!(" \n\t{MINIMAL}\r\n ");
    assert!(
        decode(&body).is_ok(),
        "RFC 8259 §2: insignificant whitespace is allowed before and after the value"
    );
}

// ---------------------------------------------------------------------------------------------
// JSON in: too large (413)

#[test]
fn refuses_a_body_over_the_limit() {
    let body = format!(
        "{MINIMAL}{}",
        " ".repeat(MAX_BODY_BYTES + 1 - MINIMAL.len())
    );
    assert_eq!(body.len(), MAX_BODY_BYTES + 1);
    match decode(&body) {
        Err(err @ DecodeError::TooLarge { size, limit }) => {
            assert_eq!((size, limit), (MAX_BODY_BYTES + 1, MAX_BODY_BYTES));
            assert_eq!(
                err.status(),
                413,
                "413 Content Too Large (RFC 9110 §15.5.14)"
            );
        }
        other => panic!(
            "a body of MAX_BODY_BYTES + 1 bytes is refused as TooLarge, even if it is a valid \
             order: got {other:?}"
        ),
    }
}

#[test]
fn accepts_a_body_of_exactly_the_limit() {
    let body = format!("{MINIMAL}{}", " ".repeat(MAX_BODY_BYTES - MINIMAL.len()));
    assert_eq!(body.len(), MAX_BODY_BYTES);
    assert!(
        decode(&body).is_ok(),
        "the limit is inclusive: a body of exactly MAX_BODY_BYTES is parsed"
    );
}

#[test]
fn the_size_is_checked_before_parsing() {
    let body = vec![b'['; 10 * MAX_BODY_BYTES];
    assert!(
        matches!(decode_order(&body), Err(DecodeError::TooLarge { .. })),
        "an oversized body is refused by its size alone, before any parsing — it is not \
         reported as broken JSON"
    );
}

// ---------------------------------------------------------------------------------------------
// JSON in: not JSON (400)

#[test]
fn an_empty_body_is_malformed() {
    syntax_error(b"", "an empty body is not a JSON document (RFC 8259 §2)");
    syntax_error(b"   \n", "whitespace alone is not a JSON document");
}

#[test]
fn a_form_body_is_malformed_and_says_where() {
    let message = syntax_error(
        b"customerId=42&items=TEA-01",
        "a form-encoded body is not JSON",
    );
    assert!(
        message.contains("line 1 column 1"),
        "the message keeps serde_json's position so the client can find the problem: {message}"
    );
}

#[test]
fn javascript_is_not_json() {
    for body in [
        r#"{customerId: 42}"#,
        r#"{'customerId': 42}"#,
        r#"{"customerId": 42,}"#,
        r#"{"customerId": 42 /* the usual */}"#,
        r#"{"customerId": 0x2A}"#,
        r#"{"customerId": NaN}"#,
        r#"{"note": undefined}"#,
    ] {
        syntax_error(
            body.as_bytes(),
            "RFC 8259 is stricter than JavaScript: no unquoted or single-quoted names, no \
             trailing commas, no comments, no hex, NaN or undefined",
        );
    }
}

#[test]
fn truncated_and_trailing_garbage_are_malformed() {
    for body in [
        &MINIMAL[..MINIMAL.len() - 1],
        &MINIMAL[..20],
        "{",
        "[",
        r#"{"customerId": 7, "items": [], "payment": {"method": "cashOnDelivery"}} extra"#,
        r#"{"customerId": 7, "items": [], "payment": {"method": "cashOnDelivery"}}{}"#,
    ] {
        syntax_error(
            body.as_bytes(),
            "a cut-off document, or anything after the document, is not JSON",
        );
    }
}

#[test]
fn invalid_utf8_is_malformed() {
    syntax_error(
        b"{\"customerId\": 7, \"items\": [], \"note\": \"caf\xe9\", \"payment\": {\"method\": \"cashOnDelivery\"}}",
        "RFC 8259 §8.1: JSON text exchanged between systems MUST be UTF-8; a Latin-1 byte is not",
    );
    syntax_error(
        b"\xef\xbb\xbf{}",
        "RFC 8259 §8.1: implementations MUST NOT add a byte order mark; this one refuses it",
    );
}

#[test]
fn malformed_json_wins_over_a_wrong_shape() {
    for body in [
        r#"{"customerId": "abc", }"#,
        r#"{"giftwrap": true, "customerId": 1,"#,
        r#"{"customerId": 1, "items": [{"sku": 5}] oops"#,
        r#"["not", "an", "object""#,
    ] {
        syntax_error(
            body.as_bytes(),
            "this body has a shape problem early on AND is not well-formed JSON; broken JSON \
             is reported as Syntax (400) whatever else is wrong with it",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// JSON in: JSON of the wrong shape (422)

#[test]
fn json_that_is_not_an_object_has_the_wrong_shape() {
    for body in ["null", "42", r#""order""#, "true", "{}"] {
        shape_error(
            body,
            "RFC 8259 §2: any value is a valid JSON text; it just is not an order",
        );
    }
}

#[test]
fn a_missing_required_field_is_named_in_camel_case() {
    let message = shape_error(
        r#"{"items": [], "payment": {"method": "cashOnDelivery"}}"#,
        "customerId is required",
    );
    assert!(
        message.contains("missing field `customerId`"),
        "the error names the field as the client writes it (camelCase): {message}"
    );
    let message = shape_error(r#"{"customerId": 1, "items": []}"#, "payment is required");
    assert!(message.contains("missing field `payment`"), "{message}");
    let message = shape_error(
        r#"{"customerId": 1, "payment": {"method": "cashOnDelivery"}}"#,
        "items is required (an empty list is fine, a missing one is not)",
    );
    assert!(message.contains("missing field `items`"), "{message}");
}

#[test]
fn snake_case_names_are_not_accepted() {
    let message = shape_error(
        r#"{"customer_id": 1, "items": [], "payment": {"method": "cashOnDelivery"}}"#,
        "the API's names are camelCase: customer_id is not customerId",
    );
    assert!(message.contains("customer_id"), "{message}");
}

#[test]
fn an_unknown_field_is_an_error_not_ignored() {
    let message = shape_error(
        r#"{"customerId": 1, "items": [], "giftwrap": true, "payment": {"method": "cashOnDelivery"}}"#,
        "'giftwrap' is a typo for 'giftWrap'; silently dropping it would ship the order unwrapped",
    );
    assert!(
        message.contains("unknown field `giftwrap`"),
        "the message names the unknown field: {message}"
    );
}

#[test]
fn unknown_fields_are_errors_at_every_level() {
    shape_error(
        r#"{"customerId": 1, "items": [{"sku": "A", "qty": 2}], "payment": {"method": "cashOnDelivery"}}"#,
        "an unknown field inside a line item ('qty') is an error too",
    );
    shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "card", "token": "t", "cvv": "123"}}"#,
        "an unknown field inside a payment is an error (and a card's CVV must never be accepted \
         by accident)",
    );
    shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "cashOnDelivery", "tip": 5}}"#,
        "cashOnDelivery has no fields, so any field next to its tag is unknown",
    );
    shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "invoice", "due_in_days": 30}}"#,
        "the fields of a payment are camelCase too: due_in_days is not dueInDays",
    );
}

#[test]
fn wrong_types_are_not_coerced() {
    for (body, why) in [
        (
            r#"{"customerId": "42", "items": [], "payment": {"method": "cashOnDelivery"}}"#,
            "a number in a string is a string: customerId must be a JSON number",
        ),
        (
            r#"{"customerId": 4.2, "items": [], "payment": {"method": "cashOnDelivery"}}"#,
            "customerId is a whole number",
        ),
        (
            r#"{"customerId": -1, "items": [], "payment": {"method": "cashOnDelivery"}}"#,
            "customerId is unsigned",
        ),
        (
            r#"{"customerId": 1, "items": {}, "payment": {"method": "cashOnDelivery"}}"#,
            "items is a list",
        ),
        (
            r#"{"customerId": 1, "items": [], "giftWrap": "yes", "payment": {"method": "cashOnDelivery"}}"#,
            "giftWrap is a JSON boolean",
        ),
        (
            r#"{"customerId": 1, "items": [{"sku": "A", "quantity": 4294967296}], "payment": {"method": "cashOnDelivery"}}"#,
            "quantity is a u32: 2^32 does not fit",
        ),
    ] {
        shape_error(body, why);
    }
}

#[test]
fn an_unknown_payment_method_is_an_error() {
    let message = shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "bitcoin"}}"#,
        "bitcoin is not a payment method of this API",
    );
    assert!(
        message.contains("unknown variant `bitcoin`"),
        "the message names the unknown method: {message}"
    );
    shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "Card", "token": "t"}}"#,
        "variant names are exact: 'Card' is not 'card'",
    );
    shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "cash_on_delivery"}}"#,
        "variant names are camelCase: 'cash_on_delivery' is not 'cashOnDelivery'",
    );
}

#[test]
fn a_payment_without_its_tag_or_fields_is_an_error() {
    let message = shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"token": "t"}}"#,
        "an internally tagged payment needs its \"method\" tag",
    );
    assert!(message.contains("missing field `method`"), "{message}");
    let message = shape_error(
        r#"{"customerId": 1, "items": [], "payment": {"method": "card"}}"#,
        "a card payment needs its token",
    );
    assert!(message.contains("missing field `token`"), "{message}");
}

#[test]
fn duplicate_keys_are_rejected() {
    let message = shape_error(
        r#"{"customerId": 1, "customerId": 2, "items": [], "payment": {"method": "cashOnDelivery"}}"#,
        "RFC 8259 §4: names SHOULD be unique, and parsers disagree on which duplicate wins \
         (first? last?), which attackers use to slip one value past a validator and another \
         into the application; refuse them",
    );
    assert!(
        message.contains("duplicate field `customerId`"),
        "{message}"
    );
}

// ---------------------------------------------------------------------------------------------
// JSON out

#[test]
fn encodes_the_documented_example() {
    assert_eq!(
        encoded(&sample_order()),
        json!({
            "id": 1001,
            "customerId": 42,
            "status": "partially_refunded",
            "items": [{"sku": "TEA-01", "quantity": 2}],
            "totalCents": 1598,
            "giftWrap": false,
            "note": "leave at the door",
            "payment": {"method": "invoice", "dueInDays": 30}
        }),
        "the documented response body: camelCase names, snake_case status, tagged payment"
    );
}

#[test]
fn a_missing_note_is_left_out_not_null() {
    let order = Order {
        note: None,
        ..sample_order()
    };
    let value = encoded(&order);
    assert!(
        value.get("note").is_none(),
        "with note None the key is absent (not \"note\": null): {value}"
    );
    assert_eq!(
        value["giftWrap"],
        json!(false),
        "giftWrap is always written"
    );
}

#[test]
fn encodes_every_status_in_snake_case() {
    for (status, text) in [
        (OrderStatus::Pending, "pending"),
        (OrderStatus::Paid, "paid"),
        (OrderStatus::Shipped, "shipped"),
        (OrderStatus::PartiallyRefunded, "partially_refunded"),
    ] {
        let order = Order {
            status,
            ..sample_order()
        };
        assert_eq!(encoded(&order)["status"], json!(text));
    }
}

#[test]
fn encodes_every_payment_method_tagged() {
    for (payment, value) in [
        (
            Payment::Card {
                token: "tok_1".into(),
            },
            json!({"method": "card", "token": "tok_1"}),
        ),
        (
            Payment::Invoice { due_in_days: 7 },
            json!({"method": "invoice", "dueInDays": 7}),
        ),
        (
            Payment::CashOnDelivery {},
            json!({"method": "cashOnDelivery"}),
        ),
    ] {
        let order = Order {
            payment,
            ..sample_order()
        };
        assert_eq!(
            encoded(&order)["payment"],
            value,
            "payments are written as they are read: an object tagged by \"method\""
        );
    }
}

#[test]
fn encodes_strings_safely() {
    let tricky = "say \"hi\" \\ to José 😀\n\t\u{0}</script>";
    let order = Order {
        note: Some(tricky.into()),
        ..sample_order()
    };
    assert_eq!(
        encoded(&order)["note"],
        json!(tricky),
        "quotes, backslashes, control characters and unicode must survive the trip: let \
         serde_json write the JSON, never format!()"
    );
}

#[test]
fn large_numbers_are_written_exactly() {
    let order = Order {
        id: u64::MAX,
        total_cents: 9_007_199_254_740_993,
        ..sample_order()
    };
    let text = encode_order(&order);
    assert!(
        text.contains("18446744073709551615") && text.contains("9007199254740993"),
        "u64 values are written exactly (beware: a JavaScript client reads numbers above 2^53 \
         inexactly): {text}"
    );
}

#[test]
fn what_goes_out_comes_back_in() {
    let order = Order {
        items: vec![
            LineItem {
                sku: "A".into(),
                quantity: 3,
            },
            LineItem {
                sku: "B".into(),
                quantity: 1,
            },
        ],
        payment: Payment::Card {
            token: "tok_2".into(),
        },
        gift_wrap: true,
        ..sample_order()
    };
    let out = encoded(&order);
    let body = json!({
        "customerId": out["customerId"],
        "items": out["items"],
        "giftWrap": out["giftWrap"],
        "note": out["note"],
        "payment": out["payment"],
    });
    let back = decode(&body.to_string())
        .unwrap_or_else(|err| panic!("the encoded fields decode again: {err}\n{body}"));
    assert_eq!(back.items, order.items, "items survive out and in");
    assert_eq!(back.payment, order.payment, "payment survives out and in");
    assert_eq!(back.note, order.note);
    assert!(back.gift_wrap);
}
