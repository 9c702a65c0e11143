//! # The transactional outbox
//!
//! An order service must do two things when an order is placed: store the order, and tell the
//! rest of the system (shipping, billing, email) with an `order.placed` event on a message
//! broker. Done as two writes to two systems, one of them will one day fail after the other
//! succeeded: the database commits and the process dies before the publish (an order nobody
//! ships), or the event goes out and the commit fails (a shipment for an order that does not
//! exist). There is no transaction across a database and a broker; this is the *dual write*
//! problem.
//!
//! The **transactional outbox** turns the two writes into one. The event is written into an
//! `outbox` table of the same database, in the same transaction as the order: both rows commit
//! or neither does. A separate **relay** then reads the outbox rows not yet published, oldest
//! first, hands each to the broker, and marks it published once the broker has it.
//!
//! The relay can still die between the publish and the mark. On restart it finds the row
//! unmarked and publishes it again: delivery is **at least once**, never at most once. That is
//! the trade: an event may arrive twice, and consumers dedupe it by its id (exercise 02), but
//! an event is never lost. Marking *before* publishing would turn a crash into a lost event.
//!
//! Your part:
//! - [`place_order`]: the order row and its outbox row in one `rusqlite` transaction. The
//!   event's payload is JSON: `{"order_id": 7, "customer": "ada", "total_cents": 1250}`
//!   (build it with `serde_json::json!`, so a name with quotes stays valid JSON).
//! - [`relay_once`]: up to `limit` unpublished events in id order, each published then marked
//!   at once (so a crash re-sends at most one), stopping at the first error.
//!
//! The schema is given below ([`open`]); the `published` column is 0 until the relay marks it.
//!
//! Primary source: Chris Richardson, *Pattern: Transactional outbox*,
//! <https://microservices.io/patterns/data/transactional-outbox.html>.

use rusqlite::Connection;

/// The topic of the event [`place_order`] writes.
pub const ORDER_PLACED: &str = "order.placed";

/// Stores an order for `customer` and its `order.placed` event, in one transaction; returns
/// the new order's id. On any error, nothing is stored.
pub fn place_order(
    conn: &mut Connection,
    customer: &str,
    total_cents: i64,
) -> rusqlite::Result<i64> {
    // TODO: open a transaction (`conn.transaction()?`), insert the order, take its id
    //       (`last_insert_rowid`), insert the outbox row (topic ORDER_PLACED, the JSON payload),
    //       commit. Returning early with `?` drops the transaction, which rolls it back.
    let _ = (conn, customer, total_cents);
    todo!("place_order")
}

/// Publishes up to `limit` unpublished events, oldest first, marking each as published right
/// after the broker accepted it. Returns how many were published; stops at the first error.
pub fn relay_once(
    conn: &Connection,
    broker: &mut dyn Broker,
    limit: usize,
) -> Result<usize, RelayError> {
    // TODO: select id, topic, payload of the rows with published = 0, ORDER BY id, LIMIT limit,
    //       into a Vec<Event>. Then for each: broker.publish(&event)?, then the UPDATE that
    //       marks that id (its error too is returned), then count it.
    let _ = (conn, broker, limit);
    todo!("relay_once")
}

// ---------------------------------------------------------------------------------------------
// Given: the schema, the event, the broker it is published to, and the relay's error.
// ---------------------------------------------------------------------------------------------

/// Opens (or creates) the database at `path` with the orders and outbox tables.
pub fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS orders (
             id          INTEGER PRIMARY KEY,
             customer    TEXT NOT NULL,
             -- an order is for something: a zero or negative total is refused by the database
             total_cents INTEGER NOT NULL CHECK (total_cents > 0)
         );
         CREATE TABLE IF NOT EXISTS outbox (
             -- AUTOINCREMENT: ids only grow, even after deletes, so id order is write order
             id        INTEGER PRIMARY KEY AUTOINCREMENT,
             topic     TEXT NOT NULL,
             payload   TEXT NOT NULL,
             published INTEGER NOT NULL DEFAULT 0
         );",
    )?;
    Ok(conn)
}

/// One outbox row, as the relay hands it to the broker. Its `id` lets consumers dedupe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The outbox row's id: unique, growing in the order the events were written.
    pub id: i64,
    /// What happened, such as `order.placed`.
    pub topic: String,
    /// The event's body, JSON.
    pub payload: String,
}

/// A message broker (Kafka, RabbitMQ, NATS...) as the relay sees it.
pub trait Broker {
    /// Hands one event to the broker. `Ok` means the broker has it and will keep it.
    fn publish(&mut self, event: &Event) -> Result<(), BrokerError>;
}

/// The broker refused or did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerError(pub String);

/// Why a relay run stopped early.
#[derive(Debug)]
pub enum RelayError {
    /// The broker did not take an event.
    Broker(BrokerError),
    /// Reading or marking the outbox failed.
    Db(rusqlite::Error),
}

impl From<BrokerError> for RelayError {
    fn from(err: BrokerError) -> Self {
        RelayError::Broker(err)
    }
}

impl From<rusqlite::Error> for RelayError {
    fn from(err: rusqlite::Error) -> Self {
        RelayError::Db(err)
    }
}
