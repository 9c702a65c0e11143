//! The specification: secret fields redacted by name, emails, Luhn-valid card numbers and
//! tokens redacted by shape in every string of a nested event, and everything else kept byte
//! for byte.

use pii_redaction::{card_spans, is_secret_field, luhn_valid, redact, redact_text, token_spans};
use serde_json::{Value, json};

fn digits(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

#[track_caller]
fn text_becomes(input: &str, expected: &str, why: &str) {
    let got = redact_text(input);
    assert_eq!(got, expected, "redact_text({input:?}): {why}");
}

#[track_caller]
fn event_becomes(mut event: Value, expected: Value, why: &str) {
    let before = event.to_string();
    redact(&mut event);
    assert_eq!(event, expected, "redact({before}): {why}");
}

// ---------------------------------------------------------------------------------------------
// The Luhn check

#[test]
fn luhn_accepts_the_well_known_test_card_numbers() {
    // The numbers card networks publish for testing: Visa (16 and 13 digits), Mastercard,
    // American Express (15), Discover, Diners Club (14).
    for card in [
        "4111111111111111",
        "4012888888881881",
        "4222222222222",
        "5555555555554444",
        "378282246310005",
        "6011111111111117",
        "30569309025904",
    ] {
        assert!(luhn_valid(&digits(card)), "{card} passes the Luhn check");
    }
}

#[test]
fn luhn_catches_every_single_digit_error() {
    let card = digits("4111111111111111");
    for pos in 0..card.len() {
        for d in 0..10 {
            if d == card[pos] {
                continue;
            }
            let mut typo = card.clone();
            typo[pos] = d;
            let shown: String = typo.iter().map(|d| char::from(b'0' + d)).collect();
            assert!(
                !luhn_valid(&typo),
                "{shown} differs from 4111111111111111 in one digit (position {pos}): the \
                 Luhn check catches every such error"
            );
        }
    }
}

#[test]
fn luhn_doubles_every_second_digit_from_the_right() {
    assert!(luhn_valid(&digits("18")), "1*2 + 8 = 10");
    assert!(
        !luhn_valid(&digits("81")),
        "8*2 - 9 + 1 = 8: doubled from the left instead"
    );
    assert!(
        luhn_valid(&digits("59")),
        "5*2 - 9 + 9 = 10: a doubled digit over 9 loses 9"
    );
    assert!(luhn_valid(&digits("0")), "an all-zero sum ends in 0");
}

// ---------------------------------------------------------------------------------------------
// Card numbers in text

#[test]
fn a_card_number_is_redacted() {
    text_becomes(
        "paid with 4111111111111111",
        "paid with [CARD]",
        "16 digits, Luhn-valid",
    );
}

#[test]
fn a_card_number_with_spaces_or_dashes_is_redacted() {
    text_becomes(
        "card 4111 1111 1111 1111 ok",
        "card [CARD] ok",
        "groups of 4 with spaces",
    );
    text_becomes(
        "card 4111-1111-1111-1111 ok",
        "card [CARD] ok",
        "groups of 4 with dashes",
    );
    text_becomes("amex 3782 822463 10005", "amex [CARD]", "Amex groups 4-6-5");
}

#[test]
fn an_order_number_that_fails_luhn_survives() {
    text_becomes(
        "order 4111111111111112 shipped",
        "order 4111111111111112 shipped",
        "16 digits but the check digit is wrong: an order number, an id, not a card; \
         redacting it would blind the logs",
    );
}

#[test]
fn thirteen_and_nineteen_digits_are_cards() {
    text_becomes("a 4000000000006 b", "a [CARD] b", "13 digits, Luhn-valid");
    text_becomes(
        "a 4111111111111111110 b",
        "a [CARD] b",
        "19 digits, Luhn-valid",
    );
}

#[test]
fn twelve_and_twenty_digits_are_not_cards() {
    for n in ["123456789015", "41111111111111111115"] {
        let text = format!("id {n} end");
        text_becomes(
            &text,
            &text,
            "Luhn-valid, but a card number has 13 to 19 digits: outside that it is some \
             other number",
        );
    }
}

#[test]
fn a_card_inside_a_longer_run_of_digits_is_not_cut_out() {
    // 4111111111111111 followed by 4 more digits: 20 digits, one number.
    let text = "trace 41111111111111111234";
    text_becomes(
        text,
        text,
        "the run of 20 digits is one number, not a card plus digits",
    );
}

#[test]
fn a_double_separator_ends_the_run() {
    text_becomes(
        "codes 4111111111111111  5555555555554444",
        "codes [CARD]  [CARD]",
        "two spaces are not a separator inside a card number: two cards",
    );
    text_becomes(
        "ref 4111 1111--1111 1111",
        "ref 4111 1111--1111 1111",
        "a double dash splits the run into two 8-digit numbers, neither a card",
    );
}

#[test]
fn a_trailing_separator_is_not_part_of_the_card() {
    text_becomes(
        "4111111111111111- end",
        "[CARD]- end",
        "a dash with no digit after it",
    );
    text_becomes("is 4111 1111 1111 1111.", "is [CARD].", "a full stop");
}

#[test]
fn card_spans_are_byte_ranges() {
    let text = "n° 4111111111111111 ✓";
    let start = "n° ".len();
    assert_eq!(
        card_spans(text),
        vec![start..start + 16],
        "card_spans({text:?}): byte offsets (n° takes 3 bytes, ° is 2 of them)"
    );
}

#[test]
fn text_around_a_card_is_kept_byte_for_byte() {
    text_becomes(
        "Zahlung für 4111111111111111 ✓ — danke",
        "Zahlung für [CARD] ✓ — danke",
        "only the span changes; unicode around it is copied as it is",
    );
}

// ---------------------------------------------------------------------------------------------
// Emails and tokens

#[test]
fn an_email_is_redacted() {
    text_becomes(
        "login failed for ada.lovelace+test@example.co.uk.",
        "login failed for [EMAIL].",
        "an email address is personal data (GDPR Art. 4(1))",
    );
}

#[test]
fn a_bearer_token_is_redacted() {
    text_becomes(
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
        "Authorization: Bearer [TOKEN]",
        "the word after Bearer is a credential",
    );
    text_becomes(
        "bearer abc123",
        "bearer [TOKEN]",
        "the scheme name is case-insensitive",
    );
    text_becomes(
        "sent Bearer",
        "sent Bearer",
        "nothing after Bearer: nothing to redact",
    );
}

#[test]
fn only_the_word_right_after_bearer_is_a_token() {
    assert_eq!(
        token_spans("Bearer abc then more"),
        vec![7..10],
        "token_spans: the token is 'abc' at 7..10; 'then more' is text"
    );
}

#[test]
fn api_keys_are_recognised_by_their_prefix() {
    text_becomes(
        "retry with sk_live_51HxYz and ghp_a1B2c3 from AKIAIOSFODNN7EXAMPLE",
        "retry with [TOKEN] and [TOKEN] from [TOKEN]",
        "Stripe, GitHub and AWS keys start with a prefix so that they can be found anywhere",
    );
    text_becomes(
        "the task is done",
        "the task is done",
        "'task' contains 'sk' but does not start with a key prefix",
    );
}

#[test]
fn overlapping_finds_are_redacted_once() {
    let got = redact_text("Bearer 4111111111111111");
    assert!(
        got == "Bearer [TOKEN]" || got == "Bearer [CARD]",
        "redact_text(\"Bearer 4111111111111111\") gave {got:?}: the token and the card are \
         the same span, so one marker (either) and no digit left over"
    );
}

// ---------------------------------------------------------------------------------------------
// Field names

#[test]
fn secret_field_names_are_recognised_in_any_spelling() {
    for name in [
        "password",
        "Password",
        "api_key",
        "apiKey",
        "API-Key",
        "access_token",
        "Authorization",
        "set-cookie",
        "client_secret",
    ] {
        assert!(is_secret_field(name), "{name:?} names a secret");
    }
}

#[test]
fn other_field_names_are_not_secret() {
    for name in [
        "user",
        "password_changed_at",
        "token_count",
        "keyboard",
        "path",
        "",
    ] {
        assert!(
            !is_secret_field(name),
            "{name:?} is not a secret field: the whole name must match, else the logs lose \
             fields that only mention a secret"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Whole events

#[test]
fn a_secret_field_is_redacted_whatever_its_value() {
    event_becomes(
        json!({"password": "hunter2", "pin": 1234, "apiKey": 42, "token": {"raw": "x"},
               "secret": ["a", "b"], "cookie": null}),
        json!({"password": "[REDACTED]", "pin": 1234, "apiKey": "[REDACTED]",
               "token": "[REDACTED]", "secret": "[REDACTED]", "cookie": "[REDACTED]"}),
        "a secret field's value goes, whatever its type; 'pin' is not in the list",
    );
}

#[test]
fn pii_in_nested_objects_and_arrays_is_redacted() {
    event_becomes(
        json!({
            "event": "checkout",
            "user": {"contact": {"emails": ["ada@example.com", "not an email"]}},
            "items": [{"note": "gift for bob@example.org"}, {"qty": 2}],
            "headers": [{"name": "x", "authorization": "Bearer abc"}]
        }),
        json!({
            "event": "checkout",
            "user": {"contact": {"emails": ["[EMAIL]", "not an email"]}},
            "items": [{"note": "gift for [EMAIL]"}, {"qty": 2}],
            "headers": [{"name": "x", "authorization": "[REDACTED]"}]
        }),
        "strings are redacted at any depth, in objects and in arrays",
    );
}

#[test]
fn a_card_number_stored_as_a_json_number_is_redacted() {
    event_becomes(
        json!({"card": 4111111111111111_u64, "order": 4111111111111112_u64, "n": 7}),
        json!({"card": "[CARD]", "order": 4111111111111112_u64, "n": 7}),
        "a Luhn-valid number of 13-19 digits is a card number, string or not",
    );
}

#[test]
fn an_event_without_pii_is_unchanged() {
    let event = json!({
        "ts": "2026-11-29T12:00:00Z", "level": "info", "latency_ms": 12.5, "ok": true,
        "order": "4111111111111112", "path": "/v1/users/42", "msg": "naïve café ✓", "n": null,
        "trace": [1, 2, {"span": "a@b"}]
    });
    event_becomes(
        event.clone(),
        event,
        "nothing here is PII ('a@b' has no dot in its domain): every value must come back as \
         it went in",
    );
}

#[test]
fn field_names_are_kept() {
    let mut event = json!({"ada@example.com": "x", "email": "ada@example.com"});
    redact(&mut event);
    let keys: Vec<&String> = event.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["ada@example.com", "email"],
        "keys are the event's schema: kept as they are (a key that is PII is a logging bug \
         to fix at the source)"
    );
    assert_eq!(event["email"], "[EMAIL]");
}
