//! # Server-sent events
//!
//! WebSockets are two-way. Much real-time traffic is one-way: prices, notifications, build
//! logs, a chat's incoming messages. For those, a plain HTTP response that never ends will do:
//! `Content-Type: text/event-stream`, and the server writes events into it as they happen. A
//! browser reads it with `new EventSource(url)`, which also reconnects by itself when the
//! connection drops. Proxies and load balancers already understand it: it is only HTTP.
//!
//! **The format** (WHATWG HTML §9.2.6) is UTF-8 lines of `field: value`, and a blank line ends
//! each event:
//!
//! ```text
//! id: 7
//! event: price
//! retry: 5000
//! data: {"symbol": "ACME",
//! data:  "price": 12.5}
//!
//! ```
//!
//! - `data` may appear many times: the client joins the values with `\n`. So data with line
//!   breaks becomes one `data:` line per line; a CR, an LF or a CRLF all end a line.
//! - `event` names the event type (a client listens per type; none means `message`).
//! - `id` is the event's id; `retry` tells the client how many milliseconds to wait before
//!   reconnecting.
//! - A line starting with `:` is a comment, ignored by the client: servers send one now and then
//!   as a **keep-alive**, so that proxies do not close a quiet connection.
//! - One space after the colon is removed by the client, so write exactly one: `data:  x`
//!   is the value ` x`. Write the fields in the order id, event, retry, data, leaving out the
//!   ones that are `None`.
//!
//! **Resumption.** A client that reconnects sends the last id it saw as `Last-Event-ID`. The
//! server keeps a bounded [`History`] of recent events, numbered 1, 2, 3..., and sends the ones
//! after that id before the live ones. Bounded, because memory is: with capacity 100, a client
//! gone for 1000 events gets the last 100, and can tell from the ids that it missed some. An
//! id that is not a number, or that is not one this server gave, replays nothing.
//!
//! You write `encode`, `comment`, and `History::push` and `History::after`. Given: the
//! [`Server`], whose `publish` sends each event to every client. Its writes block: a client
//! that stops reading stops them all; the next exercise fixes that. Primary source: WHATWG
//! HTML §9.2, <https://html.spec.whatwg.org/multipage/server-sent-events.html>.

use std::collections::VecDeque;

/// The event as text/event-stream lines, ended by a blank line.
pub fn encode(event: &Event) -> String {
    let mut out = String::new();
    if let Some(id) = event.id {
        out += &format!("id: {id}\n");
    }
    if let Some(name) = &event.event {
        out += &format!("event: {name}\n");
    }
    if let Some(retry) = event.retry {
        out += &format!("retry: {retry}\n");
    }
    // CRLF first, so that it counts as one line break and not two.
    for line in event.data.replace("\r\n", "\n").split(['\n', '\r']) {
        out += &format!("data: {line}\n");
    }
    out + "\n"
}

/// A comment: each line of `text` after `: `, for the client to ignore.
pub fn comment(text: &str) -> String {
    let lines = text.replace("\r\n", "\n");
    lines
        .split(['\n', '\r'])
        .map(|line| format!(": {line}\n"))
        .collect()
}

impl History {
    /// Records a new event with the next id (1 for the first), forgetting the oldest when
    /// more than `capacity` are kept, and returns it.
    pub fn push(&mut self, event: Option<String>, data: String) -> Event {
        self.last_id += 1;
        let event = Event {
            id: Some(self.last_id),
            event,
            retry: None,
            data,
        };
        self.events.push_back(event.clone());
        if self.events.len() > self.capacity {
            self.events.pop_front();
        }
        event
    }

    /// The kept events whose id comes after `last_event_id`, oldest first.
    pub fn after(&self, last_event_id: &str) -> Vec<Event> {
        let Ok(last) = last_event_id.parse::<u64>() else {
            return Vec::new(); // not an id of ours: nothing to replay
        };
        self.events
            .iter()
            .filter(|e| e.id > Some(last))
            .cloned()
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

mod http;
mod server;
pub use server::{HEAD, Server};

/// One event of the stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub id: Option<u64>,
    /// The event type; `None` is the default type, `message`. No line breaks in it.
    pub event: Option<String>,
    /// The client's reconnection delay, in milliseconds.
    pub retry: Option<u64>,
    /// The data, which may hold line breaks.
    pub data: String,
}

/// The last events published, for clients that reconnect.
#[derive(Debug)]
pub struct History {
    /// Oldest first, at most `capacity`.
    pub events: VecDeque<Event>,
    /// The id of the newest event ever pushed (0 before the first).
    pub last_id: u64,
    pub capacity: usize,
}

impl History {
    /// An empty history keeping at most `capacity` events.
    pub fn new(capacity: usize) -> History {
        History {
            events: VecDeque::new(),
            last_id: 0,
            capacity,
        }
    }
}
