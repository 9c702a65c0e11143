//! The specification of the event stream: the text/event-stream format as the WHATWG HTML
//! standard (§9.2.6) has a client read it, the bounded history and `Last-Event-ID` resumption,
//! and the server over real TCP, read incrementally with ureq and as raw bytes.

use server_sent_events::{Event, HEAD, History, Server, comment, encode};
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;

/// An event as a client sees it after parsing.
#[derive(Debug, PartialEq, Eq, Default)]
struct Received {
    id: Option<String>,
    event: Option<String>,
    retry: Option<String>,
    data: String,
}

/// Reads the next event the way WHATWG HTML §9.2.6 tells a client to: `field: value` lines
/// (one space after the colon removed), comments skipped, `data` values joined with LF, a
/// blank line dispatching the event (unless it had no data).
fn next_event(reader: &mut impl BufRead) -> Received {
    let mut got = Received::default();
    let mut data: Option<String> = None;
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("reading the stream");
        assert!(n > 0, "the stream ended in the middle of an event");
        let line = line.strip_suffix('\n').unwrap_or(&line);
        if line.is_empty() {
            match data.take() {
                Some(d) => {
                    got.data = d.strip_suffix('\n').unwrap_or(&d).to_string();
                    return got;
                }
                None => continue, // an event without data is not dispatched
            }
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value).to_string();
        match field {
            "data" => *data.get_or_insert_with(String::new) += &(value + "\n"),
            "id" => got.id = Some(value),
            "event" => got.event = Some(value),
            "retry" => got.retry = Some(value),
            _ => {}
        }
    }
}

/// What a client reads from `encode(event)`.
fn round_trip(event: &Event) -> Received {
    let text = encode(event);
    next_event(&mut text.as_bytes())
}

fn data(text: &str) -> Event {
    Event {
        data: text.to_string(),
        ..Event::default()
    }
}

#[test]
fn an_event_with_data_only() {
    assert_eq!(
        encode(&data("hello")),
        "data: hello\n\n",
        "one data line, then a blank line"
    );
}

#[test]
fn all_fields_in_order() {
    let event = Event {
        id: Some(7),
        event: Some("price".into()),
        retry: Some(5000),
        data: "x".into(),
    };
    assert_eq!(
        encode(&event),
        "id: 7\nevent: price\nretry: 5000\ndata: x\n\n"
    );
}

#[test]
fn multi_line_data_is_one_data_line_per_line() {
    assert_eq!(encode(&data("a\nb\nc")), "data: a\ndata: b\ndata: c\n\n");
    assert_eq!(
        round_trip(&data("a\nb\nc")).data,
        "a\nb\nc",
        "the client joins them with LF"
    );
}

#[test]
fn crlf_and_cr_are_line_breaks_too() {
    assert_eq!(
        encode(&data("a\r\nb\rc")),
        "data: a\ndata: b\ndata: c\n\n",
        "a client ends a line at CRLF, LF or CR: a CR left inside a data line would end it \
         there, and what follows would be read as a field of its own; CRLF is one break, not two"
    );
}

#[test]
fn empty_data_and_a_trailing_line_break() {
    assert_eq!(
        encode(&data("")),
        "data: \n\n",
        "an event with empty data is still an event"
    );
    assert_eq!(round_trip(&data("")).data, "");
    assert_eq!(
        round_trip(&data("a\n")).data,
        "a\n",
        "a trailing line break survives"
    );
}

#[test]
fn leading_spaces_and_unicode_survive() {
    for text in [
        "  two spaces",
        " one",
        "☃ héllo 日本",
        "tab\there",
        "colon: inside",
    ] {
        assert_eq!(
            round_trip(&data(text)).data,
            text,
            "the client removes exactly one space after the colon"
        );
    }
}

#[test]
fn a_client_reads_back_every_field() {
    let event = Event {
        id: Some(42),
        event: Some("tick".into()),
        retry: Some(3000),
        data: "1\n2".into(),
    };
    assert_eq!(
        round_trip(&event),
        Received {
            id: Some("42".into()),
            event: Some("tick".into()),
            retry: Some("3000".into()),
            data: "1\n2".into()
        }
    );
}

#[test]
fn a_comment_is_lines_after_a_colon() {
    assert_eq!(comment("keep-alive"), ": keep-alive\n");
    assert_eq!(
        comment("a\nb\r\nc"),
        ": a\n: b\n: c\n",
        "every line of a comment starts with a colon"
    );
    let stream = comment("x\ny") + &encode(&data("after"));
    assert_eq!(
        next_event(&mut stream.as_bytes()).data,
        "after",
        "a client skips comments"
    );
}

#[test]
fn ids_start_at_1_and_increase() {
    let mut history = History::new(10);
    let ids: Vec<_> = (0..3)
        .map(|i| history.push(None, format!("e{i}")).id)
        .collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    assert_eq!(
        history.push(Some("t".into()), "d".into()),
        Event {
            id: Some(4),
            event: Some("t".into()),
            retry: None,
            data: "d".into()
        }
    );
}

#[test]
fn the_history_keeps_at_most_its_capacity() {
    let mut history = History::new(3);
    for i in 1..=5 {
        history.push(None, format!("e{i}"));
    }
    let kept: Vec<_> = history.events.iter().map(|e| e.id.unwrap()).collect();
    assert_eq!(
        kept,
        [3, 4, 5],
        "capacity 3 after 5 events: the newest 3, the oldest forgotten"
    );
}

fn history_of(capacity: usize, count: u64) -> History {
    let mut history = History::new(capacity);
    for i in 1..=count {
        history.push(None, format!("e{i}"));
    }
    history
}

fn ids(events: Vec<Event>) -> Vec<u64> {
    events.into_iter().map(|e| e.id.unwrap()).collect()
}

#[test]
fn after_an_id_come_the_events_the_client_missed() {
    let history = history_of(10, 5);
    assert_eq!(ids(history.after("2")), [3, 4, 5]);
    assert_eq!(ids(history.after("4")), [5]);
    assert_eq!(
        ids(history.after("5")),
        Vec::<u64>::new(),
        "the newest: nothing missed"
    );
    assert_eq!(ids(history.after("0")), [1, 2, 3, 4, 5]);
}

#[test]
fn after_a_forgotten_id_come_all_the_kept_events() {
    let history = history_of(3, 5);
    assert_eq!(
        ids(history.after("1")),
        [3, 4, 5],
        "event 2 is gone: send what is kept; the client sees from the ids that it missed some"
    );
}

#[test]
fn an_unknown_id_replays_nothing() {
    let history = history_of(10, 5);
    for id in ["abc", "", "-1", "2.5", "99"] {
        assert_eq!(
            ids(history.after(id)),
            Vec::<u64>::new(),
            "Last-Event-ID {id:?} is not an id this server gave"
        );
    }
}

// Over real TCP.

fn agent() -> ureq::Agent {
    // A client that gives up after 2 s, so a server that never sends fails the test.
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into()
}

/// A streaming GET of the server's events, with `Last-Event-ID` if given.
fn subscribe(server: &Server, last_event_id: Option<&str>) -> BufReader<impl Read> {
    let mut request = agent().get(format!("http://{}/events", server.addr()));
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let response = request.call().expect("GET /events");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("text/event-stream")
    );
    BufReader::new(response.into_body().into_reader())
}

#[test]
fn raw_the_stream_starts_with_its_head_and_carries_comments_and_events() {
    let server = Server::start(10).unwrap();
    let mut client = testkit::tcp::connect(server.addr());
    client
        .write_all(b"GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut head = vec![0; HEAD.len()];
    client.read_exact(&mut head).unwrap();
    assert_eq!(String::from_utf8_lossy(&head), HEAD);
    server.keep_alive();
    server.publish(Some("greeting"), "hi");
    let mut rest = vec![0; ": keep-alive\nid: 1\nevent: greeting\ndata: hi\n\n".len()];
    let read = client.read_exact(&mut rest);
    server.shutdown();
    read.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&rest),
        ": keep-alive\nid: 1\nevent: greeting\ndata: hi\n\n"
    );
}

#[test]
fn ureq_reads_each_event_as_it_is_published() {
    let server = Server::start(10).unwrap();
    let mut stream = subscribe(&server, None);
    server.publish(None, "first");
    let first = next_event(&mut stream);
    server.publish(None, "second\nline");
    let second = next_event(&mut stream);
    drop(stream);
    server.shutdown();
    assert_eq!(
        (first.id.as_deref(), first.data.as_str()),
        (Some("1"), "first")
    );
    assert_eq!(
        (second.id.as_deref(), second.data.as_str()),
        (Some("2"), "second\nline")
    );
}

#[test]
fn ureq_resumes_after_its_last_event_id() {
    let server = Server::start(10).unwrap();
    for i in 1..=5 {
        server.publish(None, &format!("e{i}"));
    }
    let mut stream = subscribe(&server, Some("3"));
    let replayed = [next_event(&mut stream).data, next_event(&mut stream).data];
    server.publish(None, "e6");
    let live = next_event(&mut stream).data;
    drop(stream);
    server.shutdown();
    assert_eq!(
        replayed,
        ["e4", "e5"],
        "Last-Event-ID: 3 gets the events after 3 first"
    );
    assert_eq!(live, "e6", "then the live ones");
}

#[test]
fn ureq_after_a_long_absence_gets_what_is_kept() {
    let server = Server::start(2).unwrap();
    for i in 1..=5 {
        server.publish(None, &format!("e{i}"));
    }
    let mut stream = subscribe(&server, Some("1"));
    let replayed = [next_event(&mut stream), next_event(&mut stream)];
    drop(stream);
    server.shutdown();
    let ids: Vec<_> = replayed.iter().map(|e| e.id.clone().unwrap()).collect();
    assert_eq!(ids, ["4", "5"], "capacity 2: events 2 and 3 are gone");
}

#[test]
fn every_client_gets_every_event() {
    let server = Server::start(10).unwrap();
    let mut one = subscribe(&server, None);
    let mut two = subscribe(&server, None);
    server.publish(Some("news"), "for all");
    let got = [next_event(&mut one), next_event(&mut two)];
    drop((one, two));
    server.shutdown();
    for event in got {
        assert_eq!(
            (event.event.as_deref(), event.data.as_str()),
            (Some("news"), "for all")
        );
    }
}
