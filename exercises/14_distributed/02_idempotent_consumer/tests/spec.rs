//! The specification of the idempotent consumer: each message's effect is applied exactly
//! once however often it is delivered, because the effect and the record of the message's id
//! commit in one SQLite transaction and the ack comes after the commit. Crashes are fail
//! points the tests arm; a restart is a new `Consumer` on the same database file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use idempotent_consumer::{
    Consumer, Delivery, Drained, FailPoint, HandleError, ManualClock, Outcome, Queue,
};
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(30);

struct World {
    _dir: TempDir,
    path: PathBuf,
    clock: ManualClock,
    queue: Queue<ManualClock>,
    consumer: Consumer,
}

/// A queue (30 s visibility timeout, 3 deliveries) and a consumer on a fresh database file.
fn world() -> World {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("consumer.db");
    let clock = ManualClock::new();
    World {
        queue: Queue::new(clock.clone(), TIMEOUT, 3),
        consumer: open(&path),
        _dir: dir,
        path,
        clock,
    }
}

#[track_caller]
fn open(path: &Path) -> Consumer {
    Consumer::open(path).unwrap_or_else(|err| panic!("Consumer::open: {err}"))
}

impl World {
    #[track_caller]
    fn receive(&mut self, what: &str) -> Delivery {
        self.queue
            .receive()
            .unwrap_or_else(|| panic!("the queue gave nothing; expected a message: {what}"))
    }

    #[track_caller]
    fn handle(&mut self, delivery: &Delivery) -> Outcome {
        self.consumer
            .handle(&mut self.queue, delivery)
            .unwrap_or_else(|err| panic!("handle({:?}) failed: {err:?}", delivery.body))
    }

    /// The process dies and starts again: the consumer's connection is dropped (whatever it
    /// had not committed is lost) and a new one opens the same file.
    fn restart(&mut self) {
        self.consumer = open(&self.path);
    }

    #[track_caller]
    fn balance(&self, name: &str) -> i64 {
        self.consumer.balance(name).unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// Once

#[test]
fn a_message_is_applied_recorded_and_acked() {
    let mut w = world();
    let id = w.queue.send("credit alice 10");
    let d = w.receive("one message was sent");
    assert_eq!(w.handle(&d), Outcome::Applied);
    assert_eq!(w.balance("alice"), 10, "credit alice 10 applied");
    assert_eq!(
        w.consumer.processed().unwrap(),
        [id.0],
        "the message's id is recorded as processed"
    );
    assert_eq!(
        w.queue.len(),
        0,
        "after the commit the message must be acked, or it comes back"
    );
}

#[test]
fn different_messages_with_the_same_body_are_each_applied() {
    let mut w = world();
    w.queue.send("credit alice 10");
    w.queue.send("credit alice 10");
    for _ in 0..2 {
        let d = w.receive("two messages were sent");
        assert_eq!(
            w.handle(&d),
            Outcome::Applied,
            "two messages, two credits: duplicates are recognised by message id, not by body"
        );
    }
    assert_eq!(w.balance("alice"), 20);
}

#[test]
fn a_failed_effect_leaves_no_record_and_no_ack() {
    let mut w = world();
    w.queue.send("credit alice ten");
    let d = w.receive("one message was sent");
    let got = w.consumer.handle(&mut w.queue, &d);
    assert!(
        matches!(got, Err(HandleError::Malformed(_))),
        "\"credit alice ten\" has no number: expected Err(Malformed), got {got:?}"
    );
    assert_eq!(
        w.consumer.processed().unwrap(),
        Vec::<u64>::new(),
        "the effect failed: recording the message as processed anyway (outside the \
         transaction, or committing after the error) would skip it forever"
    );
    assert_eq!(w.queue.len(), 1, "a message that failed must not be acked");
}

// ---------------------------------------------------------------------------------------------
// Redelivery

#[test]
fn a_redelivered_message_is_a_duplicate_and_changes_nothing() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let slow = w.receive("one message was sent");
    w.clock.advance(TIMEOUT);
    let again = w.receive("the first lease ran out: delivered again");
    assert_eq!(w.handle(&again), Outcome::Applied);
    assert_eq!(
        w.handle(&slow),
        Outcome::Duplicate,
        "the slow consumer's delivery is the same message, already applied"
    );
    assert_eq!(w.balance("alice"), 10, "credited once, not twice");
}

#[test]
fn a_duplicate_is_acked_so_that_it_stops_coming_back() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let slow = w.receive("one message was sent");
    w.clock.advance(TIMEOUT);
    let again = w.receive("delivered again");
    // The slow consumer finishes first; its ack is refused (its lease ran out).
    assert_eq!(w.handle(&slow), Outcome::Applied);
    assert_eq!(w.queue.len(), 1, "the stale receipt could not ack");
    assert_eq!(w.handle(&again), Outcome::Duplicate);
    assert_eq!(
        w.queue.len(),
        0,
        "a duplicate must be acked: unacked it comes back until it is dead-lettered"
    );
    assert_eq!(w.balance("alice"), 10);
}

#[test]
fn a_refused_ack_after_the_commit_is_not_an_error() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let d = w.receive("one message was sent");
    w.clock.advance(TIMEOUT);
    let got = w.consumer.handle(&mut w.queue, &d);
    assert!(
        matches!(got, Ok(Outcome::Applied)),
        "the lease ran out, so the ack is refused; but the credit is committed and the \
         redelivery will be a duplicate: expected Ok(Applied), got {got:?}"
    );
    assert_eq!(w.balance("alice"), 10);
}

// ---------------------------------------------------------------------------------------------
// Crashes

#[test]
fn a_crash_between_commit_and_ack_is_recognised_after_the_restart() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let d = w.receive("one message was sent");
    w.consumer.fail_at(FailPoint::AfterCommit);
    let got = w.consumer.handle(&mut w.queue, &d);
    assert!(
        matches!(got, Err(HandleError::Crash(FailPoint::AfterCommit))),
        "armed AfterCommit: handle must call `self.faults.check(FailPoint::AfterCommit)?` \
         between the commit and the ack; got {got:?}"
    );
    assert_eq!(
        w.queue.len(),
        1,
        "the crash came before the ack, so the message must still be in the queue"
    );
    w.restart();
    assert_eq!(w.balance("alice"), 10, "the commit came before the crash");
    w.clock.advance(TIMEOUT);
    let again = w.receive("never acked: delivered again");
    assert_eq!(again.receive_count, 2);
    assert_eq!(
        w.handle(&again),
        Outcome::Duplicate,
        "its id was committed with its effect"
    );
    assert_eq!(w.balance("alice"), 10, "credited once, not twice");
    assert_eq!(w.queue.len(), 0, "the duplicate is acked");
}

#[test]
fn a_crash_between_effect_and_commit_loses_nothing() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let d = w.receive("one message was sent");
    w.consumer.fail_at(FailPoint::AfterEffect);
    let got = w.consumer.handle(&mut w.queue, &d);
    assert!(
        matches!(got, Err(HandleError::Crash(FailPoint::AfterEffect))),
        "armed AfterEffect: handle must call `self.faults.check(FailPoint::AfterEffect)?` \
         between the effect and the commit; got {got:?}"
    );
    assert_eq!(
        w.queue.len(),
        1,
        "the crash came before the commit, so the message must not be acked yet: an ack \
         before the commit loses the message"
    );
    w.restart();
    assert_eq!(
        w.balance("alice"),
        0,
        "nothing was committed: the effect must be inside the transaction"
    );
    assert_eq!(
        w.consumer.processed().unwrap(),
        Vec::<u64>::new(),
        "nothing was committed: the record must be inside the same transaction"
    );
    w.clock.advance(TIMEOUT);
    let again = w.receive("never acked: delivered again");
    assert_eq!(
        w.handle(&again),
        Outcome::Applied,
        "nothing was recorded, so the redelivery is the one that applies it"
    );
    assert_eq!(w.balance("alice"), 10, "credited exactly once");
    assert_eq!(w.queue.len(), 0);
}

#[test]
fn a_crash_on_a_duplicate_still_changes_nothing() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let slow = w.receive("one message was sent");
    w.clock.advance(TIMEOUT);
    let again = w.receive("delivered again");
    w.handle(&slow);
    w.consumer.fail_at(FailPoint::AfterCommit);
    let got = w.consumer.handle(&mut w.queue, &again);
    assert!(
        matches!(got, Err(HandleError::Crash(FailPoint::AfterCommit))),
        "armed AfterCommit on a duplicate: the fail point is on every path; got {got:?}"
    );
    w.restart();
    w.clock.advance(TIMEOUT);
    let third = w.receive("never acked: a third delivery");
    assert_eq!(w.handle(&third), Outcome::Duplicate);
    assert_eq!(w.balance("alice"), 10, "three deliveries, one credit");
}

// ---------------------------------------------------------------------------------------------
// The loop

#[test]
fn drain_handles_every_message_and_counts_them() {
    let mut w = world();
    for body in ["credit alice 10", "credit bob 5", "credit alice 1"] {
        w.queue.send(body);
    }
    let got = w.consumer.drain(&mut w.queue).unwrap();
    assert_eq!(
        got,
        Drained {
            applied: 3,
            duplicates: 0,
            failed: 0
        }
    );
    assert_eq!((w.balance("alice"), w.balance("bob")), (11, 5));
    assert_eq!(w.queue.len(), 0);
}

#[test]
fn drain_on_an_empty_queue_does_nothing() {
    let mut w = world();
    assert_eq!(w.consumer.drain(&mut w.queue).unwrap(), Drained::default());
}

#[test]
fn drain_counts_duplicates() {
    let mut w = world();
    w.queue.send("credit alice 10");
    let slow = w.receive("one message was sent");
    w.handle(&slow); // applied; its ack is accepted, so make a duplicate another way:
    w.queue.send("credit bob 1");
    let lost = w.receive("bob's message");
    w.consumer.fail_at(FailPoint::AfterCommit);
    assert!(w.consumer.handle(&mut w.queue, &lost).is_err());
    w.clock.advance(TIMEOUT);
    let got = w.consumer.drain(&mut w.queue).unwrap();
    assert_eq!(
        got,
        Drained {
            applied: 0,
            duplicates: 1,
            failed: 0
        },
        "bob's message was committed before the crash: the redelivery is a duplicate"
    );
    assert_eq!(w.balance("bob"), 1);
}

#[test]
fn drain_leaves_a_malformed_message_for_redelivery_and_goes_on() {
    let mut w = world();
    w.queue.send("credit alice 10");
    w.queue.send("debit alice 5");
    w.queue.send("credit bob 5");
    let got = w.consumer.drain(&mut w.queue).unwrap();
    assert_eq!(
        got,
        Drained {
            applied: 2,
            duplicates: 0,
            failed: 1
        },
        "a malformed message is counted as failed, and the messages after it are handled"
    );
    assert_eq!(w.queue.len(), 1, "the malformed one is not acked");
}

#[test]
fn a_malformed_message_ends_in_the_dead_letters() {
    let mut w = world();
    w.queue.send("credit alice ten");
    for n in 1..=3 {
        let got = w.consumer.drain(&mut w.queue).unwrap();
        assert_eq!(got.failed, 1, "delivery {n} of 3 fails");
        w.clock.advance(TIMEOUT);
    }
    assert_eq!(w.consumer.drain(&mut w.queue).unwrap(), Drained::default());
    assert_eq!(
        w.queue.dead_letters().len(),
        1,
        "left unacked, it is dead-lettered after 3 deliveries"
    );
}

#[test]
fn a_crash_ends_drain_with_its_error() {
    let mut w = world();
    w.queue.send("credit alice 10");
    w.queue.send("credit bob 5");
    w.consumer.fail_at(FailPoint::AfterEffect);
    let got = w.consumer.drain(&mut w.queue);
    assert!(
        matches!(got, Err(HandleError::Crash(FailPoint::AfterEffect))),
        "a crash is not a bad message: drain must stop and return it; got {got:?}"
    );
    w.restart();
    assert_eq!(
        (w.balance("alice"), w.balance("bob")),
        (0, 0),
        "the process died on the first message: nothing was applied, and bob's message \
         was never touched"
    );
    w.clock.advance(TIMEOUT);
    let got = w.consumer.drain(&mut w.queue).unwrap();
    assert_eq!(
        got.applied, 2,
        "after the restart both messages are applied: the crash rolled alice's back"
    );
    assert_eq!((w.balance("alice"), w.balance("bob")), (10, 5));
}
