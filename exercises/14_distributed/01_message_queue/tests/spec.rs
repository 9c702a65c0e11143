//! The specification of the queue: a received message is invisible until it is acked or its
//! visibility timeout passes (checked one millisecond before and exactly at, on a manual
//! clock), then delivered again with a higher receive count; an ack needs the latest receipt
//! within its lease; after `max_receives` deliveries a message goes to the dead letters.

use std::time::Duration;

use message_queue::{AckError, Delivery, ManualClock, MessageId, Queue};

const TIMEOUT: Duration = Duration::from_secs(30);

fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

/// A queue with a 30 s visibility timeout and 3 deliveries before the dead letters.
fn queue() -> (ManualClock, Queue<ManualClock>) {
    let clock = ManualClock::new();
    (clock.clone(), Queue::new(clock, TIMEOUT, 3))
}

#[track_caller]
fn receive(queue: &mut Queue<ManualClock>, what: &str) -> Delivery {
    queue.receive().unwrap_or_else(|| {
        panic!(
            "receive gave nothing; expected a message: {what} (a message is visible \
                 from its visible_at on: visible_at <= now)"
        )
    })
}

#[track_caller]
fn assert_nothing(queue: &mut Queue<ManualClock>, what: &str) {
    if let Some(d) = queue.receive() {
        panic!(
            "receive gave message {} ({:?}, receive count {}); expected nothing: {what}",
            d.id.0, d.body, d.receive_count
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Receive

#[test]
fn an_empty_queue_receives_nothing() {
    let (_clock, mut queue) = queue();
    assert_nothing(&mut queue, "nothing was sent");
}

#[test]
fn a_sent_message_is_received_with_its_body_and_a_receive_count_of_one() {
    let (_clock, mut queue) = queue();
    let id = queue.send("charge order 7 ✓");
    let d = receive(&mut queue, "one message was sent");
    assert_eq!(d.id, id);
    assert_eq!(d.body, "charge order 7 ✓");
    assert_eq!(d.receive_count, 1, "the first delivery counts 1");
}

#[test]
fn messages_are_received_in_the_order_they_were_sent() {
    let (_clock, mut queue) = queue();
    for body in ["a", "b", "c"] {
        queue.send(body);
    }
    let got: Vec<String> = (0..3).map(|_| receive(&mut queue, "3 sent").body).collect();
    assert_eq!(
        got,
        ["a", "b", "c"],
        "the oldest visible message comes first"
    );
}

#[test]
fn a_received_message_is_invisible_to_the_next_receive() {
    let (_clock, mut queue) = queue();
    queue.send("only");
    receive(&mut queue, "one message was sent");
    assert_nothing(
        &mut queue,
        "the only message is in flight: giving it to a second consumer at the same time \
         would do the work twice",
    );
    assert_eq!(
        queue.len(),
        1,
        "in flight is not gone: it is still in the queue"
    );
}

#[test]
fn a_received_message_stays_invisible_until_one_millisecond_before_its_timeout() {
    let (clock, mut queue) = queue();
    queue.send("m");
    receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT - ms(1));
    assert_nothing(
        &mut queue,
        "received at 0 s with a 30 s timeout, read at 29.999 s",
    );
}

// ---------------------------------------------------------------------------------------------
// Redelivery

#[test]
fn an_unacked_message_is_delivered_again_exactly_at_its_timeout() {
    let (clock, mut queue) = queue();
    queue.send("m");
    let first = receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT);
    let again = receive(
        &mut queue,
        "at 30 s the 30 s lease has run out (visible_at <= now): the consumer that took it \
         never acked, so it must have crashed, and the message must not be lost",
    );
    assert_eq!(again.id, first.id);
    assert_eq!(again.body, "m");
    assert_eq!(again.receive_count, 2, "the second delivery counts 2");
    assert_ne!(
        again.receipt, first.receipt,
        "each delivery has its own receipt"
    );
}

#[test]
fn the_visibility_timeout_counts_from_each_receive() {
    let (clock, mut queue) = queue();
    clock.advance(ms(100_000));
    queue.send("m");
    clock.advance(ms(5_000));
    receive(&mut queue, "sent at 100 s, received at 105 s");
    clock.advance(TIMEOUT - ms(1));
    assert_nothing(
        &mut queue,
        "received at 105 s: hidden until 135 s, now 134.999 s",
    );
    clock.advance(ms(1));
    let again = receive(&mut queue, "received at 105 s: visible again at 135 s");
    assert_eq!(again.receive_count, 2);
    clock.advance(TIMEOUT - ms(1));
    assert_nothing(
        &mut queue,
        "redelivered at 135 s: hidden again until 165 s, now 164.999 s",
    );
}

#[test]
fn a_message_visible_again_comes_before_newer_messages() {
    let (clock, mut queue) = queue();
    queue.send("old");
    receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT);
    queue.send("new");
    assert_eq!(
        receive(&mut queue, "two visible").body,
        "old",
        "both are visible: the one sent first comes first"
    );
    assert_eq!(receive(&mut queue, "one visible").body, "new");
}

// ---------------------------------------------------------------------------------------------
// Ack

#[test]
fn an_acked_message_is_never_delivered_again() {
    let (clock, mut queue) = queue();
    queue.send("m");
    let d = receive(&mut queue, "one message was sent");
    assert_eq!(queue.ack(d.receipt), Ok(()));
    assert_eq!(queue.len(), 0, "an acked message leaves the queue");
    clock.advance(TIMEOUT * 10);
    assert_nothing(&mut queue, "the message was acked: its work is done");
}

#[test]
fn an_ack_removes_only_its_own_message() {
    let (clock, mut queue) = queue();
    queue.send("a");
    queue.send("b");
    let a = receive(&mut queue, "a");
    receive(&mut queue, "b");
    queue.ack(a.receipt).unwrap();
    clock.advance(TIMEOUT);
    let d = receive(&mut queue, "b was never acked");
    assert_eq!(d.body, "b");
    assert_nothing(&mut queue, "a was acked");
}

#[test]
fn an_ack_one_millisecond_before_the_timeout_is_accepted() {
    let (clock, mut queue) = queue();
    queue.send("m");
    let d = receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT - ms(1));
    assert_eq!(queue.ack(d.receipt), Ok(()), "the lease runs until 30 s");
}

#[test]
fn an_ack_after_the_timeout_is_refused_as_expired() {
    let (clock, mut queue) = queue();
    queue.send("m");
    let d = receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT);
    assert_eq!(
        queue.ack(d.receipt),
        Err(AckError::Expired),
        "at 30 s the lease has run out: the message is visible again and may be on its way \
         to another consumer, so the slow one must learn its work may be done twice"
    );
    assert_eq!(
        receive(&mut queue, "a refused ack removes nothing").receive_count,
        2
    );
}

#[test]
fn an_ack_with_the_receipt_of_an_earlier_delivery_is_refused_as_stale() {
    let (clock, mut queue) = queue();
    queue.send("m");
    let first = receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT);
    let second = receive(&mut queue, "visible again at 30 s");
    assert_eq!(
        queue.ack(first.receipt),
        Err(AckError::Stale),
        "the first consumer's receipt is from delivery 1; delivery 2 belongs to another \
         consumer now, and acking it would drop the message under that consumer's feet"
    );
    assert_eq!(
        queue.ack(second.receipt),
        Ok(()),
        "the latest receipt still acks"
    );
}

#[test]
fn a_second_ack_of_the_same_delivery_is_refused_as_stale() {
    let (_clock, mut queue) = queue();
    queue.send("m");
    let d = receive(&mut queue, "one message was sent");
    queue.ack(d.receipt).unwrap();
    assert_eq!(
        queue.ack(d.receipt),
        Err(AckError::Stale),
        "the message is gone: there is nothing to ack"
    );
}

// ---------------------------------------------------------------------------------------------
// Dead letters

#[test]
fn a_message_is_delivered_max_receives_times_then_dead_lettered() {
    let (clock, mut queue) = queue();
    let id = queue.send("poison");
    for n in 1..=3 {
        let d = receive(&mut queue, &format!("delivery {n} of max_receives 3"));
        assert_eq!(d.receive_count, n);
        clock.advance(TIMEOUT);
    }
    assert_nothing(
        &mut queue,
        "delivered 3 times with max_receives 3 and never acked: the 4th receive must move it \
         to the dead letters, not deliver it a 4th time",
    );
    assert_eq!(queue.len(), 0, "a dead letter is no longer in the queue");
    let dead: Vec<(MessageId, &str, u32)> = queue
        .dead_letters()
        .iter()
        .map(|d| (d.id, d.body.as_str(), d.receive_count))
        .collect();
    assert_eq!(dead, [(id, "poison", 3)]);
}

#[test]
fn a_message_is_dead_lettered_only_once_its_last_lease_runs_out() {
    let (clock, mut queue) = queue();
    queue.send("poison");
    for _ in 1..=3 {
        receive(&mut queue, "3 deliveries");
        clock.advance(TIMEOUT - ms(1));
        assert!(
            queue.dead_letters().is_empty(),
            "the delivery's lease runs until 30 s: it may still be acked"
        );
        clock.advance(ms(1));
    }
}

#[test]
fn the_last_delivery_can_still_be_acked_in_time() {
    let (clock, mut queue) = queue();
    queue.send("m");
    receive(&mut queue, "1");
    clock.advance(TIMEOUT);
    receive(&mut queue, "2");
    clock.advance(TIMEOUT);
    let third = receive(&mut queue, "3");
    assert_eq!(
        queue.ack(third.receipt),
        Ok(()),
        "the 3rd delivery is in its lease"
    );
    clock.advance(TIMEOUT);
    assert_nothing(&mut queue, "acked");
    assert!(
        queue.dead_letters().is_empty(),
        "an acked message is not dead"
    );
}

#[test]
fn a_dead_letter_makes_way_for_the_next_message_in_the_same_receive() {
    let (clock, mut queue) = queue();
    queue.send("poison");
    for _ in 0..3 {
        receive(&mut queue, "the poison message's 3 deliveries");
        clock.advance(TIMEOUT);
    }
    queue.send("good");
    let d = receive(
        &mut queue,
        "the poison message goes to the dead letters and the same receive carries on to \
         the next visible message",
    );
    assert_eq!(
        d.body, "good",
        "after 3 deliveries the poison message must not be delivered a 4th time"
    );
    assert_eq!(queue.dead_letters().len(), 1);
}

#[test]
fn the_receipt_of_a_dead_letter_is_stale() {
    let (clock, mut queue) = queue();
    queue.send("poison");
    let mut last = None;
    for _ in 0..3 {
        last = Some(receive(&mut queue, "3 deliveries"));
        clock.advance(TIMEOUT);
    }
    assert_nothing(&mut queue, "dead-lettered");
    assert_eq!(
        queue.ack(last.unwrap().receipt),
        Err(AckError::Stale),
        "the message is no longer in the queue"
    );
}

#[test]
fn with_max_receives_one_a_message_is_never_redelivered() {
    let clock = ManualClock::new();
    let mut queue = Queue::new(clock.clone(), TIMEOUT, 1);
    queue.send("once");
    receive(&mut queue, "one message was sent");
    clock.advance(TIMEOUT);
    assert_nothing(
        &mut queue,
        "max_receives 1: one delivery, then the dead letters",
    );
    assert_eq!(queue.dead_letters().len(), 1);
}

#[test]
fn many_messages_each_delivered_once_while_in_flight() {
    let (clock, mut queue) = queue();
    for i in 0..1000 {
        queue.send(&format!("m{i}"));
    }
    let mut seen = Vec::new();
    while let Some(d) = queue.receive() {
        assert_eq!(d.receive_count, 1, "no lease has run out yet");
        seen.push(d);
    }
    assert_eq!(seen.len(), 1000, "each of the 1000 messages delivered once");
    for d in seen.iter().step_by(2) {
        queue.ack(d.receipt).unwrap();
    }
    clock.advance(TIMEOUT);
    let mut again = 0;
    while let Some(d) = queue.receive() {
        assert_eq!(d.receive_count, 2);
        again += 1;
    }
    assert_eq!(
        again, 500,
        "the 500 unacked messages come back, the acked ones do not"
    );
}
