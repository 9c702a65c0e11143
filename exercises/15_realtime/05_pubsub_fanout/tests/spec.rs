//! The specification of the broker: every subscriber gets every message in order; a full
//! mailbox drops its oldest message and reports the lag, or disconnects its subscriber; and a
//! subscriber that never reads never holds up the publisher nor the other subscribers. No
//! test sleeps: threads meet through the broker itself, and a publisher that would block is
//! caught by a time limit that only a hang reaches.

use pubsub_fanout::{Broker, Policy, Recv, Subscription};
use std::sync::Arc;
use std::time::Duration;

fn msg(text: &str) -> Recv {
    Recv::Message(Arc::from(text))
}

/// Everything a subscription holds now, without waiting.
fn drain(sub: &Subscription) -> Vec<Recv> {
    let mut got = Vec::new();
    while let Some(next) = sub.try_recv() {
        assert!(
            got.len() < 5000,
            "try_recv keeps returning {next:?}: a report is given once (reset the lag count)"
        );
        let closed = next == Recv::Closed;
        got.push(next);
        if closed {
            break;
        }
    }
    got
}

/// Publishes to a broker whose mailboxes may be full, failing (not hanging) the test if the
/// publisher waits for a reader.
#[track_caller]
fn publish_to_full(broker: &Arc<Broker>, text: &str) {
    let (broker, owned) = (broker.clone(), text.to_string());
    testkit::within(Duration::from_secs(5), move || broker.publish(&owned)).unwrap_or_else(|_| {
        panic!(
            "publish({text:?}) did not return: a full mailbox must never make the publisher wait"
        )
    });
}

#[test]
fn a_subscriber_receives_a_published_message() {
    let broker = Broker::new(8, Policy::DropOldest);
    let sub = broker.subscribe();
    broker.publish("hello");
    assert_eq!(sub.try_recv(), Some(msg("hello")));
}

#[test]
fn an_empty_mailbox_has_nothing_yet() {
    let broker = Broker::new(8, Policy::DropOldest);
    let sub = broker.subscribe();
    assert_eq!(sub.try_recv(), None, "open and empty: None, not Closed");
}

#[test]
fn every_subscriber_gets_every_message_in_order() {
    let broker = Broker::new(8, Policy::DropOldest);
    let subs = [broker.subscribe(), broker.subscribe(), broker.subscribe()];
    for text in ["a", "b", "c"] {
        broker.publish(text);
    }
    for sub in &subs {
        assert_eq!(drain(sub), [msg("a"), msg("b"), msg("c")]);
    }
}

#[test]
fn a_late_subscriber_gets_only_later_messages() {
    let broker = Broker::new(8, Policy::DropOldest);
    broker.publish("before");
    let sub = broker.subscribe();
    broker.publish("after");
    assert_eq!(drain(&sub), [msg("after")]);
}

#[test]
fn the_message_is_shared_not_copied() {
    let broker = Broker::new(8, Policy::DropOldest);
    let (one, two) = (broker.subscribe(), broker.subscribe());
    broker.publish("big");
    match (one.try_recv(), two.try_recv()) {
        (Some(Recv::Message(a)), Some(Recv::Message(b))) => assert!(
            Arc::ptr_eq(&a, &b),
            "make one Arc<str> per publish and clone the Arc for each subscriber"
        ),
        other => panic!("both should get the message, got {other:?}"),
    }
}

#[test]
fn a_dropped_subscription_is_forgotten() {
    let broker = Broker::new(8, Policy::DropOldest);
    let keep = broker.subscribe();
    drop(broker.subscribe());
    broker.publish("x");
    assert_eq!(
        broker.subscriber_count(),
        1,
        "publish forgets the closed mailbox"
    );
    assert_eq!(drain(&keep), [msg("x")]);
}

#[test]
fn drop_oldest_keeps_the_newest_and_reports_the_lag_first() {
    let broker = Arc::new(Broker::new(3, Policy::DropOldest));
    let sub = broker.subscribe();
    for i in 1..=5 {
        publish_to_full(&broker, &format!("m{i}"));
        assert!(
            sub.queued() <= 3,
            "after message {i} the mailbox holds {}, over its capacity 3",
            sub.queued()
        );
    }
    assert_eq!(
        drain(&sub),
        [Recv::Lagged(2), msg("m3"), msg("m4"), msg("m5")],
        "capacity 3 after 5 messages: m1 and m2 dropped, reported as Lagged(2) before the rest"
    );
}

#[test]
fn the_lag_count_starts_again_after_each_report() {
    let broker = Arc::new(Broker::new(1, Policy::DropOldest));
    let sub = broker.subscribe();
    publish_to_full(&broker, "a");
    publish_to_full(&broker, "b");
    publish_to_full(&broker, "c");
    assert_eq!(drain(&sub), [Recv::Lagged(2), msg("c")]);
    publish_to_full(&broker, "d");
    publish_to_full(&broker, "e");
    assert_eq!(
        drain(&sub),
        [Recv::Lagged(1), msg("e")],
        "only what was dropped since the last report"
    );
}

#[test]
fn exactly_at_capacity_nothing_is_dropped() {
    let broker = Broker::new(3, Policy::DropOldest);
    let sub = broker.subscribe();
    for text in ["a", "b", "c"] {
        broker.publish(text);
    }
    assert_eq!(
        drain(&sub),
        [msg("a"), msg("b"), msg("c")],
        "3 messages fit a capacity of 3"
    );
}

#[test]
fn disconnect_closes_a_full_subscriber_after_what_it_holds() {
    let broker = Arc::new(Broker::new(2, Policy::Disconnect));
    let slow = broker.subscribe();
    let fast = broker.subscribe();
    publish_to_full(&broker, "a");
    publish_to_full(&broker, "b");
    assert_eq!(drain(&fast), [msg("a"), msg("b")]);
    publish_to_full(&broker, "c");
    assert_eq!(
        drain(&slow),
        [msg("a"), msg("b"), Recv::Closed],
        "a third message for a full mailbox of 2: the subscriber gets what it holds, then Closed"
    );
    assert_eq!(
        broker.subscriber_count(),
        1,
        "the broker forgets the disconnected subscriber"
    );
    publish_to_full(&broker, "d");
    assert_eq!(
        drain(&fast),
        [msg("c"), msg("d")],
        "the other subscriber goes on"
    );
    assert_eq!(slow.try_recv(), Some(Recv::Closed), "closed stays closed");
}

#[test]
fn a_subscriber_that_never_reads_does_not_block_the_publisher() {
    for policy in [Policy::DropOldest, Policy::Disconnect] {
        let broker = Arc::new(Broker::new(4, policy));
        let never_reads = broker.subscribe();
        let publisher = {
            let broker = broker.clone();
            move || {
                for i in 0..100_000 {
                    broker.publish(&format!("m{i}"));
                }
            }
        };
        // A publisher that waits for room in a mailbox would wait forever here; only such a
        // hang reaches the limit.
        let done = testkit::within(Duration::from_secs(5), publisher);
        assert!(
            done.is_ok(),
            "{policy:?}: 100000 messages to a subscriber that never reads did not finish: the \
             publisher must never wait for a reader"
        );
        assert!(
            never_reads.queued() <= 4,
            "{policy:?}: the mailbox grew to {}",
            never_reads.queued()
        );
    }
}

#[test]
fn a_fast_subscriber_gets_everything_beside_a_slow_one() {
    let broker = Arc::new(Broker::new(4, Policy::DropOldest));
    let slow = broker.subscribe();
    let fast = broker.subscribe();
    // The fast one reads on its own thread while the publisher runs.
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        loop {
            match fast.recv() {
                Recv::Message(m) if &*m == "end" => return got,
                other => got.push(other),
            }
        }
    });
    for i in 0..3 {
        broker.publish(&format!("m{i}"));
    }
    broker.publish("end");
    let got = testkit::within(Duration::from_secs(5), move || reader.join().unwrap())
        .expect("the reader ends");
    assert_eq!(got, [msg("m0"), msg("m1"), msg("m2")]);
    assert_eq!(drain(&slow), [msg("m0"), msg("m1"), msg("m2"), msg("end")]);
}

#[test]
fn recv_waits_for_a_message_and_wakes_when_one_comes() {
    // Two threads passing a ball 200 times through two brokers: each recv may start waiting
    // before or after the publish, and must return either way.
    let ping = Arc::new(Broker::new(1, Policy::DropOldest));
    let pong = Arc::new(Broker::new(1, Policy::DropOldest));
    let (ping_sub, pong_sub) = (ping.subscribe(), pong.subscribe());
    let other = {
        let pong = pong.clone();
        std::thread::spawn(move || {
            for _ in 0..200 {
                let ball = ping_sub.recv();
                assert!(matches!(ball, Recv::Message(_)), "{ball:?}");
                pong.publish("back");
            }
        })
    };
    let rally = testkit::within(Duration::from_secs(5), move || {
        for _ in 0..200 {
            ping.publish("ball");
            assert_eq!(pong_sub.recv(), msg("back"));
        }
        other.join().unwrap();
    });
    assert!(
        rally.is_ok(),
        "a recv never woke: notify the condvar after each push, and wait in a loop"
    );
}

#[test]
fn recv_returns_closed_when_the_broker_goes_away() {
    let broker = Broker::new(4, Policy::DropOldest);
    let sub = broker.subscribe();
    broker.publish("last");
    let waiter = std::thread::spawn(move || (sub.recv(), sub.recv()));
    drop(broker);
    let got = testkit::within(Duration::from_secs(5), move || waiter.join().unwrap());
    assert_eq!(
        got,
        Ok((msg("last"), Recv::Closed)),
        "the queued message, then Closed"
    );
}

#[test]
fn concurrent_publishers_lose_nothing_with_room() {
    let broker = Arc::new(Broker::new(10_000, Policy::DropOldest));
    let sub = broker.subscribe();
    let publishers: Vec<_> = (0..4)
        .map(|p| {
            let broker = broker.clone();
            std::thread::spawn(move || (0..1000).for_each(|i| broker.publish(&format!("{p}:{i}"))))
        })
        .collect();
    for p in publishers {
        p.join().unwrap();
    }
    let got = drain(&sub);
    assert_eq!(
        got.len(),
        4000,
        "4 publishers x 1000 messages, room for all"
    );
    for p in 0..4 {
        let mine: Vec<_> = got
            .iter()
            .filter_map(|r| match r {
                Recv::Message(m) if m.starts_with(&format!("{p}:")) => Some(m.to_string()),
                _ => None,
            })
            .collect();
        let expected: Vec<_> = (0..1000).map(|i| format!("{p}:{i}")).collect();
        assert_eq!(
            mine, expected,
            "each publisher's messages arrive in its order"
        );
    }
}
