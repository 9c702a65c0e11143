//! The specification of the event handler: a JSON event in, a JSON result out; malformed events
//! refused with the field named; each event id applied once however often it is delivered;
//! the expensive set-up built once, on the first valid event, and never at a cold start.

use std::sync::Arc;

use event_handler::Handler;
use serde_json::{Value, json};

const CONFIG: &str =
    "# the function's configuration\ncurrency = EUR\nledger = sqlite://ledger.db\n";

fn event(id: &str, account: &str, amount_cents: i64) -> String {
    json!({"id": id, "account": account, "amount_cents": amount_cents}).to_string()
}

/// The result as JSON, or a failure that shows the text that is not JSON.
#[track_caller]
fn parsed(result: &str) -> Value {
    serde_json::from_str(result)
        .unwrap_or_else(|e| panic!("handle must return JSON; got {result:?} ({e})"))
}

#[track_caller]
fn balance(result: &str) -> i64 {
    let value = parsed(result);
    value["balance_cents"]
        .as_i64()
        .unwrap_or_else(|| panic!("an applied event's result has balance_cents; got {value}"))
}

/// Checks that `input` is refused as an invalid event whose detail mentions `needle`.
#[track_caller]
fn assert_rejected(handler: &Handler, input: &str, needle: &str, why: &str) {
    let result = parsed(&handler.handle(input));
    assert_eq!(
        result["error"], "invalid_event",
        "the event {input} must be refused with {{\"error\": \"invalid_event\", ...}}: {why}; \
         got {result}"
    );
    let detail = result["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(needle),
        "the detail must name what is wrong ({needle:?}) so the producer can fix it: {why}; \
         got {detail:?}"
    );
    assert_eq!(
        result.as_object().map(|o| o.len()),
        Some(2),
        "a refusal has exactly the fields error and detail; got {result}"
    );
}

// ---------------------------------------------------------------------------------------------
// Applying events

#[test]
fn an_event_is_applied_and_its_result_is_json() {
    let handler = Handler::new(CONFIG);
    let result = parsed(&handler.handle(&event("e-1", "alice", 150)));
    assert_eq!(
        result,
        json!({"event_id": "e-1", "account": "alice", "balance_cents": 150, "currency": "EUR"}),
        "a deposit of 150 cents into a new account"
    );
}

#[test]
fn events_add_up_per_account() {
    let handler = Handler::new(CONFIG);
    handler.handle(&event("e-1", "alice", 150));
    handler.handle(&event("e-2", "bob", 70));
    let result = handler.handle(&event("e-3", "alice", -50));
    assert_eq!(
        balance(&result),
        100,
        "alice: +150 then -50 (bob's 70 is his own); got {result}"
    );
}

#[test]
fn the_currency_comes_from_the_configuration() {
    let handler = Handler::new("currency = SEK\n");
    let result = parsed(&handler.handle(&event("e-1", "alice", 5)));
    assert_eq!(
        result["currency"], "SEK",
        "the result's currency is the set-up's (built from the configuration given to new); \
         got {result}"
    );
}

// ---------------------------------------------------------------------------------------------
// Idempotency: at-least-once delivery, applied once

#[test]
fn a_redelivered_event_returns_its_first_result() {
    let handler = Handler::new(CONFIG);
    let first = handler.handle(&event("e-1", "alice", 150));
    let again = handler.handle(&event("e-1", "alice", 150));
    assert_eq!(
        again, first,
        "the same event id delivered twice must get the first result back, byte for byte"
    );
}

#[test]
fn a_redelivered_event_is_not_applied_again() {
    let handler = Handler::new(CONFIG);
    handler.handle(&event("e-1", "alice", 150));
    handler.handle(&event("e-1", "alice", 150));
    handler.handle(&event("e-1", "alice", 150));
    let result = handler.handle(&event("e-2", "alice", 1));
    assert_eq!(
        balance(&result),
        151,
        "e-1 (150 cents) was delivered three times and must count once, then e-2 adds 1; \
         got {result}. Applying a redelivery is a payment booked twice"
    );
}

#[test]
fn a_late_redelivery_gets_the_first_result_not_the_current_balance() {
    let handler = Handler::new(CONFIG);
    let first = handler.handle(&event("e-1", "alice", 150));
    handler.handle(&event("e-2", "alice", 50));
    let again = handler.handle(&event("e-1", "alice", 150));
    assert_eq!(
        again, first,
        "e-1 redelivered after e-2 must still get its own first result (balance 150), kept \
         from the first time, not one computed anew"
    );
}

#[test]
fn the_event_id_alone_decides_a_redelivery() {
    let handler = Handler::new(CONFIG);
    handler.handle(&event("e-1", "alice", 150));
    let result = handler.handle(&event("e-2", "alice", 150));
    assert_eq!(
        balance(&result),
        300,
        "e-2 has the same account and amount as e-1 but another id: it is a second payment; \
         got {result}"
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed events

#[test]
fn text_that_is_not_json_is_an_invalid_event() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        "{\"id\": \"e-1\", ",
        "EOF",
        "serde's message says where the JSON ends",
    );
    assert_rejected(&handler, "", "EOF", "an empty body is not an event");
}

#[test]
fn a_missing_field_is_named() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        r#"{"id": "e-1", "amount_cents": 5}"#,
        "missing field `account`",
        "account is required",
    );
}

#[test]
fn a_field_of_the_wrong_type_is_named() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        r#"{"id": "e-1", "account": "alice", "amount_cents": "5"}"#,
        "invalid type: string \"5\", expected i64",
        "amount_cents is a number, and \"5\" is not parsed into one behind the producer's back",
    );
    assert_rejected(
        &handler,
        r#"{"id": "e-1", "account": "alice", "amount_cents": 2.5}"#,
        "expected i64",
        "cents are whole",
    );
}

#[test]
fn an_unknown_field_is_refused() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        r#"{"id": "e-1", "account": "alice", "amount_cents": 5, "currency": "USD"}"#,
        "unknown field `currency`",
        "the handler knows no currency field; applying 5 USD as 5 EUR would be wrong \
         (serde's deny_unknown_fields)",
    );
}

#[test]
fn an_empty_id_is_refused() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        &event("", "alice", 5),
        "id",
        "without an id no redelivery can be recognised",
    );
    assert_rejected(&handler, &event("  ", "alice", 5), "id", "blank is empty");
}

#[test]
fn an_empty_account_is_refused() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        &event("e-1", "", 5),
        "account",
        "an amount needs an account",
    );
    assert_rejected(&handler, &event("e-1", " ", 5), "account", "blank is empty");
}

#[test]
fn a_zero_amount_is_refused() {
    let handler = Handler::new(CONFIG);
    assert_rejected(
        &handler,
        &event("e-1", "alice", 0),
        "amount_cents",
        "an event that moves nothing is a producer's bug",
    );
}

#[test]
fn a_refused_event_changes_nothing() {
    let handler = Handler::new(CONFIG);
    handler.handle(&event("e-1", "alice", 100));
    handler.handle(r#"{"id": "e-2", "account": "alice", "amount_cents": 5, "extra": 1}"#);
    handler.handle(&event("e-3", "alice", 0));
    let result = handler.handle(&event("e-4", "alice", 1));
    assert_eq!(
        balance(&result),
        101,
        "only e-1 and e-4 were valid; got {result}"
    );
}

// ---------------------------------------------------------------------------------------------
// Cold start: the set-up built once, lazily

#[test]
fn a_cold_start_builds_nothing() {
    let handler = Handler::new(CONFIG);
    assert_eq!(
        handler.builds(),
        0,
        "Handler::new must not build the set-up: an instance pays for it on its first event"
    );
}

#[test]
fn the_set_up_is_built_once_across_many_events() {
    let handler = Handler::new(CONFIG);
    for i in 0..100 {
        handler.handle(&event(&format!("e-{i}"), "alice", 1));
    }
    assert_eq!(
        handler.builds(),
        1,
        "100 events on one warm instance must share one set-up (a connection per event \
         exhausts the database)"
    );
}

#[test]
fn an_invalid_event_does_not_build_the_set_up() {
    let handler = Handler::new(CONFIG);
    handler.handle("not json");
    handler.handle(&event("e-1", "alice", 0));
    assert_eq!(
        handler.builds(),
        0,
        "refuse a bad event before paying for the set-up"
    );
    handler.handle(&event("e-2", "alice", 1));
    assert_eq!(handler.builds(), 1, "the first valid event builds it");
}

#[test]
fn concurrent_events_on_one_instance_share_one_set_up_and_apply_once() {
    fn is_sync<T: Sync + Send>() {}
    is_sync::<Handler>();
    let handler = Arc::new(Handler::new(CONFIG));
    // Four invocations at once, each delivering the same twenty events: every event counts
    // once whichever thread got it first.
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let handler = Arc::clone(&handler);
            std::thread::spawn(move || {
                for i in 0..20 {
                    handler.handle(&event(&format!("e-{i}"), "alice", 1));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("a handler thread panicked");
    }
    assert_eq!(
        handler.builds(),
        1,
        "one instance, one set-up, even under a race"
    );
    let result = handler.handle(&event("last", "alice", 1));
    assert_eq!(
        balance(&result),
        21,
        "20 distinct events each delivered 4 times at once, then one more: 21; got {result}"
    );
}
