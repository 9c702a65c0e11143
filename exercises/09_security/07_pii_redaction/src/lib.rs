//! # PII redaction in structured logs
//!
//! Logs are copied everywhere: to a log service, to a laptop that debugs an incident, into
//! backups kept for years. Whatever personal data a log line carries goes with it, and under
//! the GDPR an email address in a log is personal data like any other: it needs a purpose,
//! a retention limit and a way to erase it. Card numbers in logs break PCI DSS outright, and a
//! bearer token in a log is a login for whoever reads it. The cheapest fix is at the source:
//! redact before the line is written.
//!
//! [`redact`] walks a JSON log event (objects and arrays, nested to any depth) and changes it
//! in place:
//!
//! - a field whose **name** says it holds a secret (the given [`is_secret_field`]:
//!   `password`, `apiKey`, `Authorization`...) has its whole value replaced by
//!   `"[REDACTED]"`, whatever its type;
//! - every other **string**, wherever it sits, goes through the given [`redact_text`], which
//!   replaces by **shape**: card numbers by `[CARD]` (the spans your [`card_spans`] finds),
//!   emails by `[EMAIL]` and tokens by `[TOKEN]` (the word after `Bearer`, and words that
//!   start with a known API key prefix);
//! - a JSON **number** whose digits make a card number becomes the string `"[CARD]"`.
//!
//! A card number is 13 to 19 digits, maybe in groups separated by single spaces or dashes
//! (`4111 1111 1111 1111`, `4111-1111-1111-1111`): [`card_spans`] takes each maximal run of
//! that shape and keeps it only if its digit count fits **and** its Luhn check digit is right.
//! Most 16-digit numbers are not cards: order numbers, ids and timestamps must survive, and
//! the Luhn check is what tells a card from them nine times in ten.
//!
//! Everything else is left alone, **byte for byte**: other numbers, booleans, keys, the text
//! around a redacted span (a redactor that mangles what it does not redact makes logs useless,
//! and people turn it off). The given [`replace_spans`] puts the markers in.
//!
//! Primary sources: GDPR Art. 4(1) and Art. 5(1)(c), <https://eur-lex.europa.eu/eli/reg/2016/679/oj>;
//! OWASP Logging Cheat Sheet, "Data to exclude",
//! <https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html>; the Luhn check,
//! ISO/IEC 7812-1 Annex B.

use std::ops::Range;

use serde_json::Value;

/// Redacts a log event in place: secret fields by name, PII in every other string by shape.
pub fn redact(value: &mut Value) {
    // TODO: match on the value. A string becomes `redact_text` of itself; an array's items
    //       and an object's fields are redacted in turn, except that a field whose name
    //       `is_secret_field` gets `Value::String(REDACTED.into())` whatever it held.
    //       A number whose text (`n.to_string()`) is all one card number (`card_spans`)
    //       becomes `Value::String(CARD.into())`; other numbers, booleans and null stay.
    let _ = value;
    todo!("redact")
}

/// The byte ranges of the card numbers in `text`: maximal runs of digits joined by single
/// spaces or dashes, with 13 to 19 digits and a valid Luhn check digit.
pub fn card_spans(text: &str) -> Vec<Range<usize>> {
    // TODO: walk the bytes. From a digit, extend the run over digits, and over one ' ' or
    //       '-' only when a digit follows it; collect the digits' values. Keep the run's
    //       range if it has 13..=19 digits and passes luhn_valid; go on after the run.
    let _ = text;
    todo!("card_spans")
}

/// The Luhn check (ISO/IEC 7812-1 Annex B) over digit values 0-9, check digit last: from the
/// right, every second digit is doubled (9 subtracted if that passes 9); the sum must end in 0.
pub fn luhn_valid(digits: &[u8]) -> bool {
    // TODO: the sum described above, over `digits.iter().rev()`.
    let _ = digits;
    todo!("luhn_valid")
}

// ---------------------------------------------------------------------------------------------
// Given: the markers, the lists, the field-name and token checks, and the helpers that
// find emails, split words and rewrite.
// ---------------------------------------------------------------------------------------------

/// What a secret field's value becomes.
pub const REDACTED: &str = "[REDACTED]";
/// What an email address in a string becomes.
pub const EMAIL: &str = "[EMAIL]";
/// What a card number in a string becomes.
pub const CARD: &str = "[CARD]";
/// What a bearer token or an API key in a string becomes.
pub const TOKEN: &str = "[TOKEN]";

/// Field names whose values are secrets, lowercase, without `_` and `-`.
pub const SECRET_FIELDS: [&str; 12] = [
    "password",
    "passwd",
    "secret",
    "clientsecret",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "apikey",
    "authorization",
    "cookie",
    "setcookie",
];

/// How the API keys of some well-known services begin (Stripe, GitHub, Slack, AWS): a key is
/// recognisable wherever it is pasted, which is why these services chose prefixes.
pub const KEY_PREFIXES: [&str; 6] = [
    "sk_live_",
    "sk_test_",
    "ghp_",
    "github_pat_",
    "xoxb-",
    "AKIA",
];

/// The byte ranges of the email addresses in `text`: a local part, `@`, and a domain with a
/// dot (a shape check, not RFC 5322: a log redactor errs on the side of redacting).
pub fn email_spans(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (at, _) in text.match_indices('@') {
        let start = (0..at)
            .rev()
            .take_while(|&i| local(bytes[i]))
            .last()
            .unwrap_or(at);
        let mut end = (at + 1..bytes.len())
            .take_while(|&i| domain(bytes[i]))
            .last()
            .map_or(at + 1, |i| i + 1);
        // A sentence's full stop is not part of the domain.
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let host = &text[at + 1..end];
        let overlaps = spans.last().is_some_and(|last| start < last.end);
        if start < at && host.contains('.') && !host.starts_with('.') && !overlaps {
            spans.push(start..end);
        }
    }
    spans
}

/// `text` with its emails, card numbers and tokens replaced by their markers.
pub fn redact_text(text: &str) -> String {
    let mut spans: Vec<(Range<usize>, &str)> = Vec::new();
    spans.extend(email_spans(text).into_iter().map(|s| (s, EMAIL)));
    spans.extend(card_spans(text).into_iter().map(|s| (s, CARD)));
    spans.extend(token_spans(text).into_iter().map(|s| (s, TOKEN)));
    replace_spans(text, spans)
}

/// Does this field name say its value is a secret? `API-Key`, `api_key` and `apiKey` all do.
pub fn is_secret_field(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_FIELDS.contains(&name.as_str())
}

/// The byte ranges of tokens in `text`: the word after a word `Bearer` (any case), and every
/// word that starts with one of [`KEY_PREFIXES`].
pub fn token_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut after_bearer = false;
    for word in words(text) {
        let w = &text[word.clone()];
        if after_bearer || KEY_PREFIXES.iter().any(|p| w.starts_with(p)) {
            spans.push(word);
        }
        after_bearer = w.eq_ignore_ascii_case("bearer");
    }
    spans
}

/// The byte ranges of the words of `text`: runs of characters between whitespace.
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    text.split_whitespace().map(move |w| {
        let start = w.as_ptr() as usize - text.as_ptr() as usize;
        start..start + w.len()
    })
}

/// `text` with each span replaced by its marker; overlapping spans merge into the first's
/// marker. Bytes outside every span are copied unchanged.
pub fn replace_spans(text: &str, mut spans: Vec<(Range<usize>, &str)>) -> String {
    spans.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (span, marker) in spans {
        if span.start < copied {
            // Inside (or overlapping) a span already replaced: extend over it.
            copied = copied.max(span.end);
            continue;
        }
        out.push_str(&text[copied..span.start]);
        out.push_str(marker);
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}
