//! The specification: an order and its event are written together or not at all, and the relay
//! publishes every event, in order, at least once — a crash between publish and mark sends an
//! event again, never loses it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use rusqlite::Connection;
use serde_json::Value;
use tempfile::TempDir;
use transactional_outbox::{
    Broker, BrokerError, Event, ORDER_PLACED, RelayError, open, place_order, relay_once,
};

/// A database in a fresh temp dir, so a test can close it and open it again (a restart).
fn fresh() -> (TempDir, PathBuf, Connection) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("orders.db");
    let conn = open(&path).expect("open the database");
    (dir, path, conn)
}

#[track_caller]
fn order(conn: &mut Connection, customer: &str, total_cents: i64) -> i64 {
    place_order(conn, customer, total_cents)
        .unwrap_or_else(|err| panic!("place_order({customer:?}, {total_cents}) failed: {err}"))
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).expect(sql)
}

fn orders(conn: &Connection) -> i64 {
    count(conn, "SELECT count(*) FROM orders")
}

fn events(conn: &Connection) -> i64 {
    count(conn, "SELECT count(*) FROM outbox")
}

fn unpublished(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn
        .prepare("SELECT id FROM outbox WHERE published = 0 ORDER BY id")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A broker that keeps what it is given; it can refuse an event, or take one and then crash the
/// relay's process (a panic) before the relay gets to mark it.
#[derive(Default)]
struct Recorder {
    got: Vec<Event>,
    refuse: Option<i64>,
    crash_after: Option<i64>,
}

impl Recorder {
    fn ids(&self) -> Vec<i64> {
        self.got.iter().map(|e| e.id).collect()
    }
}

impl Broker for Recorder {
    fn publish(&mut self, event: &Event) -> Result<(), BrokerError> {
        if self.refuse == Some(event.id) {
            return Err(BrokerError(format!("broker down for event {}", event.id)));
        }
        self.got.push(event.clone());
        if self.crash_after == Some(event.id) {
            self.crash_after = None;
            panic!(
                "simulated crash (expected by the test): the relay dies after the broker took event {}",
                event.id
            );
        }
        Ok(())
    }
}

#[track_caller]
fn relay(conn: &Connection, broker: &mut Recorder, limit: usize) -> usize {
    relay_once(conn, broker, limit)
        .unwrap_or_else(|err| panic!("relay_once(limit {limit}) failed: {err:?}"))
}

fn payload(event: &Event) -> Value {
    serde_json::from_str(&event.payload).unwrap_or_else(|err| {
        panic!(
            "the payload should be JSON, got {:?} ({err})",
            event.payload
        )
    })
}

// ---------------------------------------------------------------------------------------------
// place_order: the state change and its event, in one transaction

#[test]
fn place_order_stores_the_order_and_returns_its_id() {
    let (_dir, _path, mut conn) = fresh();
    let id = order(&mut conn, "ada", 1250);
    let (customer, total): (String, i64) = conn
        .query_row(
            "SELECT customer, total_cents FROM orders WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap_or_else(|err| panic!("no order row with the id {id} place_order returned: {err}"));
    assert_eq!((customer.as_str(), total), ("ada", 1250));
}

#[test]
fn place_order_writes_one_unpublished_event_for_the_order() {
    let (_dir, _path, mut conn) = fresh();
    let id = order(&mut conn, "ada", 1250);
    assert_eq!(events(&conn), 1, "one order, one outbox row");
    let (topic, body, published): (String, String, i64) = conn
        .query_row("SELECT topic, payload, published FROM outbox", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    assert_eq!(topic, ORDER_PLACED);
    assert_eq!(
        published, 0,
        "a new event is not published yet: the relay does that"
    );
    let body: Value = serde_json::from_str(&body)
        .unwrap_or_else(|err| panic!("the payload should be JSON, got {body:?} ({err})"));
    assert_eq!(
        body,
        serde_json::json!({"order_id": id, "customer": "ada", "total_cents": 1250}),
        "the event names the order it is about, by the id place_order returned"
    );
}

#[test]
fn the_payload_stays_json_for_a_name_with_quotes_and_unicode() {
    let (_dir, _path, mut conn) = fresh();
    let name = "Zoë \"the\" coder \\ 東京";
    order(&mut conn, name, 99);
    let body: String = conn
        .query_row("SELECT payload FROM outbox", [], |row| row.get(0))
        .unwrap();
    let parsed: Value = serde_json::from_str(&body).unwrap_or_else(|err| {
        panic!("a payload built by hand breaks on quotes: got {body:?}, not JSON ({err})")
    });
    assert_eq!(parsed["customer"], name);
}

#[test]
fn each_order_gets_its_own_event() {
    let (_dir, _path, mut conn) = fresh();
    let a = order(&mut conn, "ada", 100);
    let b = order(&mut conn, "bob", 200);
    assert_ne!(a, b, "two orders, two ids");
    assert_eq!((orders(&conn), events(&conn)), (2, 2));
}

#[test]
fn a_failed_state_change_writes_no_event() {
    let (_dir, _path, mut conn) = fresh();
    // The schema refuses a zero total (CHECK total_cents > 0).
    let result = place_order(&mut conn, "ada", 0);
    assert!(
        result.is_err(),
        "an order the database refuses is an error, got {result:?}"
    );
    assert_eq!(orders(&conn), 0);
    assert_eq!(
        events(&conn),
        0,
        "an event for an order that was never stored: consumers would ship nothing, or worse"
    );
}

#[test]
fn a_failed_event_write_rolls_back_the_state_change() {
    let (_dir, _path, mut conn) = fresh();
    // The outbox write fails (as a full disk or a lock would), after the order was inserted.
    conn.execute_batch(
        "CREATE TRIGGER outbox_down BEFORE INSERT ON outbox
         BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END;",
    )
    .unwrap();
    let result = place_order(&mut conn, "ada", 1250);
    assert!(
        result.is_err(),
        "the failed outbox insert is an error, got {result:?}"
    );
    assert_eq!(
        orders(&conn),
        0,
        "the order was stored without its event: nobody will ever hear of it. Insert both in one \
         transaction, so the failure rolls the order back"
    );
}

// ---------------------------------------------------------------------------------------------
// relay_once: publish, then mark

#[test]
fn relay_with_nothing_pending_publishes_nothing() {
    let (_dir, _path, conn) = fresh();
    let mut broker = Recorder::default();
    assert_eq!(relay(&conn, &mut broker, 10), 0);
    assert!(broker.got.is_empty());
}

#[test]
fn relay_publishes_pending_events_in_order_and_marks_them() {
    let (_dir, _path, mut conn) = fresh();
    let ids: Vec<i64> = ["ada", "bob", "cy"]
        .iter()
        .map(|name| order(&mut conn, name, 100))
        .collect();
    let mut broker = Recorder::default();
    assert_eq!(
        relay(&conn, &mut broker, 10),
        3,
        "three events were pending"
    );
    assert_eq!(
        broker.ids(),
        vec![1, 2, 3],
        "the broker gets the events in the order they were written"
    );
    let customers: Vec<Value> = broker
        .got
        .iter()
        .map(|e| payload(e)["customer"].clone())
        .collect();
    assert_eq!(customers, vec!["ada", "bob", "cy"]);
    assert!(broker.got.iter().all(|e| e.topic == ORDER_PLACED));
    for (event, id) in broker.got.iter().zip(&ids) {
        assert_eq!(payload(event)["order_id"], *id);
    }
    assert_eq!(
        unpublished(&conn),
        Vec::<i64>::new(),
        "every published event is marked"
    );
}

#[test]
fn a_second_relay_run_does_not_publish_again() {
    let (_dir, _path, mut conn) = fresh();
    order(&mut conn, "ada", 100);
    let mut broker = Recorder::default();
    relay(&conn, &mut broker, 10);
    assert_eq!(
        relay(&conn, &mut broker, 10),
        0,
        "nothing new since the last run"
    );
    order(&mut conn, "bob", 100);
    assert_eq!(relay(&conn, &mut broker, 10), 1);
    assert_eq!(
        broker.ids(),
        vec![1, 2],
        "each event once when nothing fails"
    );
}

#[test]
fn relay_publishes_at_most_limit_events_per_run() {
    let (_dir, _path, mut conn) = fresh();
    for name in ["a", "b", "c"] {
        order(&mut conn, name, 100);
    }
    let mut broker = Recorder::default();
    assert_eq!(relay(&conn, &mut broker, 0), 0, "limit 0 publishes nothing");
    assert_eq!(relay(&conn, &mut broker, 2), 2, "limit 2 with 3 pending");
    assert_eq!(broker.ids(), vec![1, 2], "the oldest two first");
    assert_eq!(unpublished(&conn), vec![3]);
    assert_eq!(relay(&conn, &mut broker, 2), 1, "the one left");
    assert_eq!(broker.ids(), vec![1, 2, 3]);
}

#[test]
fn a_broker_failure_stops_the_relay_and_keeps_the_event() {
    let (_dir, _path, mut conn) = fresh();
    for name in ["a", "b", "c"] {
        order(&mut conn, name, 100);
    }
    let mut broker = Recorder {
        refuse: Some(2),
        ..Recorder::default()
    };
    let result = relay_once(&conn, &mut broker, 10);
    assert!(
        matches!(result, Err(RelayError::Broker(_))),
        "the broker refused event 2: expected Err(RelayError::Broker), got {result:?}"
    );
    assert_eq!(
        broker.ids(),
        vec![1],
        "after a refused event the relay stops: publishing event 3 before 2 breaks their order"
    );
    assert_eq!(
        unpublished(&conn),
        vec![2, 3],
        "the refused event stays in the outbox"
    );
    broker.refuse = None;
    assert_eq!(
        relay(&conn, &mut broker, 10),
        2,
        "the broker is back: 2 and 3 go out"
    );
    assert_eq!(broker.ids(), vec![1, 2, 3]);
}

#[test]
fn a_crash_between_publish_and_mark_publishes_the_event_again() {
    let (_dir, path, mut conn) = fresh();
    order(&mut conn, "ada", 100);
    let mut broker = Recorder {
        crash_after: Some(1),
        ..Recorder::default()
    };
    let crashed = catch_unwind(AssertUnwindSafe(|| relay_once(&conn, &mut broker, 10)));
    assert!(
        crashed.is_err(),
        "the test's broker crashes the relay after taking event 1"
    );
    drop(conn);

    // The relay restarts, on a new connection.
    let conn = open(&path).unwrap();
    assert_eq!(
        unpublished(&conn),
        vec![1],
        "event 1 was marked published before the broker took it for good: the crash lost it. \
         Publish first, then mark"
    );
    assert_eq!(
        relay(&conn, &mut broker, 10),
        1,
        "the restarted relay sends event 1 again"
    );
    assert_eq!(
        broker.ids(),
        vec![1, 1],
        "at least once: a duplicate, never a loss"
    );
    assert!(unpublished(&conn).is_empty());
}

#[test]
fn each_event_is_marked_as_soon_as_the_broker_has_it() {
    let (_dir, path, mut conn) = fresh();
    for name in ["a", "b", "c"] {
        order(&mut conn, name, 100);
    }
    let mut broker = Recorder {
        crash_after: Some(2),
        ..Recorder::default()
    };
    let crashed = catch_unwind(AssertUnwindSafe(|| relay_once(&conn, &mut broker, 10)));
    assert!(
        crashed.is_err(),
        "the test's broker crashes the relay after taking event 2"
    );
    drop(conn);

    let conn = open(&path).unwrap();
    assert_eq!(
        unpublished(&conn),
        vec![2, 3],
        "event 1 went out before the crash and should be marked: marking the batch only at the \
         end re-sends every event of it after a crash"
    );
    relay(&conn, &mut broker, 10);
    assert_eq!(
        broker.ids(),
        vec![1, 2, 2, 3],
        "only the event in flight is sent twice"
    );
}

#[test]
fn a_failed_mark_is_an_error_and_the_event_goes_out_again() {
    let (_dir, _path, mut conn) = fresh();
    order(&mut conn, "ada", 100);
    order(&mut conn, "bob", 100);
    conn.execute_batch(
        "CREATE TRIGGER mark_fails BEFORE UPDATE ON outbox
         BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
    )
    .unwrap();
    let mut broker = Recorder::default();
    let result = relay_once(&conn, &mut broker, 10);
    assert!(
        matches!(result, Err(RelayError::Db(_))),
        "marking event 1 failed: expected Err(RelayError::Db), got {result:?}"
    );
    assert_eq!(broker.ids(), vec![1], "the relay stops at the failed mark");
    conn.execute_batch("DROP TRIGGER mark_fails").unwrap();
    assert_eq!(relay(&conn, &mut broker, 10), 2);
    assert_eq!(
        broker.ids(),
        vec![1, 1, 2],
        "event 1 again, since its mark never landed"
    );
}
