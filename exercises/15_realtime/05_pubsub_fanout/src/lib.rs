//! # Pub/sub fan-out with slow subscribers
//!
//! Behind every chat room, live dashboard or event stream sits a **broker**: one publisher's
//! message goes to every subscriber. The previous exercise wrote to each client in turn, with
//! blocking writes, so one client that stops reading (a phone in a tunnel, a stuck browser
//! tab) stopped the publisher, and with it every other client. That is the bug this exercise
//! exists to prevent: **no publisher may ever wait for a reader.**
//!
//! So each subscriber gets its own **bounded** queue (a mailbox), and `publish` only puts the
//! message into each mailbox and returns. An unbounded queue would not block either, but a
//! subscriber that never reads would grow it until the server runs out of memory. When a
//! mailbox is full, a **policy** decides:
//!
//! - [`Policy::DropOldest`]: forget the oldest message and count it. The subscriber's next
//!   receive reports `Lagged(n)` (how many it missed) before the messages that remain, so it
//!   knows to resynchronise (reload the page, ask for a snapshot). tokio's `broadcast` channel
//!   works this way. Right for a dashboard: only the latest state matters.
//! - [`Policy::Disconnect`]: close the subscription. It still receives what its mailbox holds,
//!   then `Closed`, and the broker forgets it. Right where a gap is worse than a reconnect (a
//!   client that must see every event reconnects and resumes from its last id).
//!
//! Either way the publisher's work per subscriber is bounded, whatever the subscriber does.
//!
//! **The mailbox** is a `Mutex<Mailbox>` and a `Condvar` ([`Shared`]): `publish` locks, pushes,
//! unlocks and calls `notify_one`; a receiver that finds the mailbox empty waits on the
//! condvar, which releases the lock while it sleeps (`Condvar::wait` in a loop, because a
//! wakeup does not promise a message). Messages are `Arc<str>`: one allocation, shared by every
//! subscriber's copy.
//!
//! You write `Broker::publish`, `Subscription::try_recv` and `Subscription::recv`. Given: the
//! types, `subscribe`, and the bookkeeping that closes a mailbox when its subscription or the
//! broker is dropped. Further reading: the chapter's README; tokio's `sync::broadcast` docs.

use std::sync::Arc;

impl Broker {
    /// Puts `message` into every open subscriber's mailbox, applying the policy to full ones,
    /// and forgets the closed ones. Never waits for a reader.
    pub fn publish(&self, message: &str) {
        // TODO: one Arc<str> for all; for each mailbox: skip and forget it if closed, else
        // make room by the policy, push, notify.
        let _ = (message, &self.subscribers, self.capacity, self.policy);
        todo!("publish a message")
    }
}

impl Subscription {
    /// The next thing to report without waiting: `Lagged(n)` if messages were dropped since
    /// the last report, else the oldest message, else `Closed` once closed and empty; `None`
    /// when the mailbox is empty and open.
    pub fn try_recv(&self) -> Option<Recv> {
        // TODO
        todo!("receive without waiting")
    }

    /// Like `try_recv`, but waits for something to report.
    pub fn recv(&self) -> Recv {
        // TODO: lock, then wait on the condvar until there is something.
        let _ = take_next;
        todo!("receive")
    }
}

/// What `try_recv` reports from a locked mailbox, if anything.
fn take_next(mailbox: &mut Mailbox) -> Option<Recv> {
    // TODO
    let _ = mailbox;
    todo!("take the next report")
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// What to do with a subscriber whose mailbox is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Drop its oldest message and count it; it receives `Lagged(n)`.
    DropOldest,
    /// Close its subscription: it receives what is queued, then `Closed`.
    Disconnect,
}

/// What a subscriber receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recv {
    /// The next message, oldest first.
    Message(Arc<str>),
    /// This many messages were dropped since the last report (only with `DropOldest`).
    Lagged(u64),
    /// The subscription is closed and its mailbox empty: nothing more will come.
    Closed,
}

/// One subscriber's queue.
#[derive(Debug, Default)]
pub struct Mailbox {
    /// Oldest first, at most the broker's capacity.
    pub messages: VecDeque<Arc<str>>,
    /// Messages dropped since the last `Lagged` report.
    pub lagged: u64,
    /// No more messages will be added.
    pub closed: bool,
}

/// A mailbox and the condvar its receiver waits on, shared by the broker and the subscription.
#[derive(Debug, Default)]
pub struct Shared {
    pub mailbox: Mutex<Mailbox>,
    pub ready: Condvar,
}

impl Shared {
    /// Closes the mailbox and wakes its receiver.
    fn close(&self) {
        self.mailbox.lock().unwrap().closed = true;
        self.ready.notify_all();
    }
}

/// Sends each published message to every subscriber.
#[derive(Debug)]
pub struct Broker {
    pub subscribers: Mutex<Vec<Arc<Shared>>>,
    /// Messages each mailbox holds at most (at least 1).
    pub capacity: usize,
    pub policy: Policy,
}

/// One subscriber's end. Dropping it unsubscribes (the broker forgets it on its next publish).
#[derive(Debug)]
pub struct Subscription {
    shared: Arc<Shared>,
}

impl Broker {
    /// A broker whose subscribers each hold at most `capacity` messages (at least 1).
    pub fn new(capacity: usize, policy: Policy) -> Broker {
        let capacity = capacity.max(1);
        Broker {
            subscribers: Mutex::new(Vec::new()),
            capacity,
            policy,
        }
    }

    /// A new subscriber, which receives the messages published from now on.
    pub fn subscribe(&self) -> Subscription {
        let shared = Arc::new(Shared::default());
        self.subscribers.lock().unwrap().push(shared.clone());
        Subscription { shared }
    }

    /// How many subscribers the broker still sends to.
    pub fn subscriber_count(&self) -> usize {
        self.subscribers.lock().unwrap().len()
    }
}

impl Drop for Broker {
    /// Closes every subscription: receivers get what is queued, then `Closed`.
    fn drop(&mut self) {
        for shared in self.subscribers.lock().unwrap().drain(..) {
            shared.close();
        }
    }
}

impl Subscription {
    /// How many messages wait in the mailbox.
    pub fn queued(&self) -> usize {
        self.shared.mailbox.lock().unwrap().messages.len()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.shared.close();
    }
}
