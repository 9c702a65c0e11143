//! # A message queue: ack, visibility timeout and redelivery
//!
//! Services hand work to each other through a queue: the sender does not wait, and the work
//! survives a consumer that is slow, busy or restarting. The hard part is the hand-over. A
//! queue that deletes a message as soon as it gives it out loses it when the consumer
//! crashes halfway. So a queue like Amazon SQS does not delete on receive. It **leases**:
//!
//! - `receive` gives out the oldest visible message and makes it **invisible** for the
//!   visibility timeout: no other consumer gets it meanwhile. Its `receive_count` goes up by
//!   one, and the delivery carries a fresh **receipt** handle.
//! - `ack(receipt)` (SQS calls it `DeleteMessage`) removes it for good, once the work is done.
//! - A consumer that crashes never acks. At `received + timeout` (at that instant, not after)
//!   the message is visible again and the next `receive` delivers it again, with a new
//!   receipt and a higher count. Nothing is lost, but a message can arrive **more than once**:
//!   delivery is *at least once*, and the next exercise deals with the duplicates.
//!
//! A receipt belongs to one delivery. An ack with an **old receipt** is refused with
//! `AckError::Stale`: the message was delivered again since (or is already gone), and the
//! consumer that holds it now must not lose it under its feet. An ack with the latest receipt
//! once the timeout has passed is refused with `AckError::Expired`: the lease ran out, the
//! message is visible again and may already be on its way to someone else. Either way the
//! late consumer learns that its work may be done twice.
//!
//! A message that makes its consumer crash every time (a **poison message**) would be
//! delivered forever. After `max_receives` deliveries, the receive that finds it visible
//! again moves it to the **dead letters** instead, for a human to look at, and carries on with
//! the next visible message. With `max_receives` 3 it is delivered 3 times, never a 4th.
//!
//! Time comes from a [`Clock`]; the tests move a [`ManualClock`] to the millisecond. The
//! messages sit in a `BTreeMap` by id, so iterating it is the order they were sent in.
//!
//! Primary source: Amazon SQS, *visibility timeout*,
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html>,
//! and *dead-letter queues* (`maxReceiveCount`), in the same guide.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

impl<C: Clock> Queue<C> {
    /// Delivers the oldest visible message, or `None`; it stays invisible for the visibility
    /// timeout. A visible message already delivered `max_receives` times is dead-lettered.
    pub fn receive(&mut self) -> Option<Delivery> {
        let now = self.clock.now();
        loop {
            let (&id, message) = self
                .messages
                .iter_mut()
                .find(|(_, message)| message.visible_at <= now)?;
            if message.receive_count >= self.max_receives {
                // A poison message: every lease so far ran out. Move it aside, so that it
                // stops taking turns from the messages behind it.
                let message = self.messages.remove(&id).expect("found just now");
                self.dead_letters.push(DeadLetter {
                    id,
                    body: message.body,
                    receive_count: message.receive_count,
                });
                continue;
            }
            message.receive_count += 1;
            message.visible_at = now + self.visibility_timeout;
            return Some(Delivery {
                id,
                body: message.body.clone(),
                receive_count: message.receive_count,
                receipt: Receipt {
                    id,
                    receive: message.receive_count,
                },
            });
        }
    }

    /// Removes the message of `receipt` for good.
    pub fn ack(&mut self, receipt: Receipt) -> Result<(), AckError> {
        let message = self.messages.get(&receipt.id).ok_or(AckError::Stale)?;
        if message.receive_count != receipt.receive {
            return Err(AckError::Stale);
        }
        // The lease ends at visible_at: from that instant the message is anyone's again.
        if message.visible_at <= self.clock.now() {
            return Err(AckError::Expired);
        }
        self.messages.remove(&receipt.id);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the clock, what the queue hands out, and its state.
// ---------------------------------------------------------------------------------------------

/// Where the queue reads the time: the time elapsed since some fixed start.
pub trait Clock {
    /// The current time.
    fn now(&self) -> Duration;
}

/// A clock that moves only when told to. Clones share the same time, so a test keeps one
/// and gives the queue another.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<Mutex<Duration>>);

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.0.lock().unwrap()
    }
}

/// A message's id, given by `send`: ids grow in the order messages are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u64);

/// The handle of one delivery, needed to ack it: which message, and which of its receives.
/// Only the queue makes receipts, so a consumer cannot ack a delivery it was not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    id: MessageId,
    /// The message's receive count at this delivery: 1 for the first.
    receive: u32,
}

/// A message as `receive` hands it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: MessageId,
    pub body: String,
    /// How many times the message has been received, this time included.
    pub receive_count: u32,
    /// What `ack` needs.
    pub receipt: Receipt,
}

/// A message received `max_receives` times and never acked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub id: MessageId,
    pub body: String,
    pub receive_count: u32,
}

/// Why an ack was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckError {
    /// The receipt is not the message's latest delivery, or the message is gone (acked
    /// already, or dead-lettered).
    Stale,
    /// The receipt is the latest, but its visibility timeout has passed: the message is
    /// visible again.
    Expired,
}

/// A message in the queue, visible or in flight.
#[derive(Debug)]
struct Stored {
    body: String,
    receive_count: u32,
    /// When it can be received (again): the time it was sent, then `received + timeout`.
    visible_at: Duration,
}

/// An in-memory queue with leases, redelivery and dead letters.
#[derive(Debug)]
pub struct Queue<C> {
    clock: C,
    visibility_timeout: Duration,
    /// How many deliveries a message gets before it is dead-lettered.
    max_receives: u32,
    /// Every message not yet acked nor dead-lettered, by id: the order they were sent in.
    messages: BTreeMap<MessageId, Stored>,
    dead_letters: Vec<DeadLetter>,
    next_id: u64,
}

impl<C: Clock> Queue<C> {
    /// An empty queue; `max_receives` must be at least 1.
    pub fn new(clock: C, visibility_timeout: Duration, max_receives: u32) -> Self {
        assert!(
            max_receives >= 1,
            "a message must be delivered at least once"
        );
        Queue {
            clock,
            visibility_timeout,
            max_receives,
            messages: BTreeMap::new(),
            dead_letters: Vec::new(),
            next_id: 1,
        }
    }

    /// Adds a message, visible at once; returns its id.
    pub fn send(&mut self, body: &str) -> MessageId {
        let id = MessageId(self.next_id);
        self.next_id += 1;
        let stored = Stored {
            body: body.to_string(),
            receive_count: 0,
            visible_at: self.clock.now(),
        };
        self.messages.insert(id, stored);
        id
    }

    /// How many messages are in the queue, visible or in flight.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    /// Whether the queue holds no message at all.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// The messages moved aside after `max_receives` deliveries, oldest first.
    pub fn dead_letters(&self) -> &[DeadLetter] {
        &self.dead_letters
    }
}
