//! The specification of the access-log reader: `parse_line`, the lazy `Records` iterator, and
//! the questions asked of a log.

use record_iterators::{
    Record, Records, count_by_status, parse_line, server_error_ratio, top_paths, total_bytes,
};
use std::cell::Cell;
use std::collections::BTreeMap;

/// The example line of the Apache httpd documentation, "Common Log Format".
const APACHE_CLF: &str =
    r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;

/// The example line of the Apache httpd documentation, "Combined Log Format".
const APACHE_COMBINED: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;

/// A small log: 12 good lines, 3 malformed ones, 2 blank ones. Addresses are from the
/// documentation ranges of RFC 5737 and RFC 3849.
const LOG: &str = r#"192.0.2.10 - - [01/May/2024:12:00:01 +0000] "GET /api/users HTTP/1.1" 200 512
192.0.2.11 - alice [01/May/2024:12:00:02 +0000] "POST /api/users HTTP/1.1" 201 87
192.0.2.10 - - [01/May/2024:12:00:03 +0000] "GET /api/users?page=2 HTTP/1.1" 200 498
this line was cut off by a full disk [01/May/2024:12:0
198.51.100.7 - - [01/May/2024:12:00:04 +0000] "GET /health HTTP/1.1" 200 2
198.51.100.7 - - [01/May/2024:12:00:05 +0000] "GET /api/orders HTTP/1.1" 500 -

203.0.113.9 - - [01/May/2024:12:00:06 +0000] "-" 408 -
2001:db8::1 - bob [01/May/2024:12:00:07 +0000] "GET /api/orders HTTP/2.0" 503 19
192.0.2.11 - alice [01/May/2024:12:00:08 +0000] "DELETE /api/users/7 HTTP/1.1" 204 -
192.0.2.10 - - [01/May/2024:12:00:09 +0000] "GET /health HTTP/1.1" 200 2
192.0.2.12 - - [01/May/2024:12:00:10 +0000] "GET /api/users?page=3 HTTP/1.1" 200 301
192.0.2.12 - - [01/May/2024:12:00:11 +0000] "GET /missing HTTP/1.1" 404 153
garbage
192.0.2.12 - - [01/May/2024:12:00:12 +0000] "GET /api/orders HTTP/1.1" 200 1024

192.0.2.13 - - [01/May/2024:12:00:13 +0000] "GET /health HTTP/1.1" 200 2"#;

fn records(log: &str) -> Vec<Record> {
    Records::new(log.lines()).collect()
}

// ---------------------------------------------------------------------------------------------
// parse_line

#[test]
fn parses_the_apache_common_log_format_example() {
    let record = parse_line(APACHE_CLF).expect("the Apache docs' CLF example is a valid line");
    assert_eq!(
        record,
        Record {
            client: "127.0.0.1".into(),
            user: Some("frank".into()),
            time: "10/Oct/2000:13:55:36 -0700".into(),
            method: "GET".into(),
            path: "/apache_pb.gif".into(),
            protocol: "HTTP/1.0".into(),
            status: 200,
            bytes: Some(2326),
        },
        "Apache httpd docs, Common Log Format: host ident authuser [date] \"request\" status bytes"
    );
}

#[test]
fn parses_the_apache_combined_log_format_example() {
    let record = parse_line(APACHE_COMBINED)
        .expect("the Combined format appends \"referer\" \"user-agent\": they are ignored");
    assert_eq!(
        record,
        parse_line(APACHE_CLF).unwrap(),
        "the Combined example is the CLF example plus two ignored fields (note the user agent \
         contains brackets and semicolons)"
    );
}

#[test]
fn dash_means_no_value() {
    let record =
        parse_line(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "HEAD / HTTP/1.1" 304 -"#)
            .expect("a line with '-' for user and bytes is valid");
    assert_eq!(record.user, None, "user '-' is an anonymous request: None");
    assert_eq!(
        record.bytes, None,
        "bytes '-' means no body was sent (Apache writes '-' rather than 0): None"
    );
}

#[test]
fn zero_bytes_is_not_the_same_as_dash() {
    let record = parse_line(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET / HTTP/1.1" 200 0"#)
        .expect("a byte count of 0 is valid");
    assert_eq!(record.bytes, Some(0));
}

#[test]
fn parses_ipv6_clients_and_unicode() {
    let record = parse_line(
        r#"2001:db8::42 - józef [01/May/2024:12:00:00 +0000] "GET /café/☕ HTTP/1.1" 200 7"#,
    )
    .expect("IPv6 clients and non-ASCII text are valid");
    assert_eq!(record.client, "2001:db8::42");
    assert_eq!(record.user.as_deref(), Some("józef"));
    assert_eq!(record.path, "/café/☕", "the path is kept as logged");
}

#[test]
fn keeps_the_query_string_in_the_path() {
    let record = parse_line(
        r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET /search?q=rust&page=2 HTTP/1.1" 200 10"#,
    )
    .unwrap();
    assert_eq!(
        record.path, "/search?q=rust&page=2",
        "parse_line keeps the target as logged"
    );
}

#[test]
fn rejects_an_empty_request() {
    assert_eq!(
        parse_line(r#"203.0.113.9 - - [01/May/2024:12:00:06 +0000] "-" 408 -"#),
        None,
        "Apache logs \"-\" when a client connected and sent no request (408 timeout): there \
         is no method/path/protocol, so the line is malformed"
    );
}

#[test]
fn rejects_malformed_request_lines() {
    for request in [
        "GET /",
        "GET",
        "",
        "GET / HTTP/1.1 extra",
        "GET  / HTTP/1.1",
        "GET /a b HTTP/1.1",
    ] {
        let line = format!(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "{request}" 200 1"#);
        assert_eq!(
            parse_line(&line),
            None,
            "the request line must be exactly `method path protocol`, three non-empty parts \
             separated by single spaces: {request:?} is malformed"
        );
    }
}

#[test]
fn rejects_bad_status_codes() {
    for status in ["abc", "20", "2000", "099", "600", "-1", "+200", "", "2x0"] {
        let line =
            format!(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET / HTTP/1.1" {status} 1"#);
        assert_eq!(
            parse_line(&line),
            None,
            "a status code is three digits from 100 to 599 (RFC 9110 §15): {status:?} is \
             malformed"
        );
    }
}

#[test]
fn accepts_every_status_class() {
    for status in [100_u16, 204, 301, 418, 599] {
        let line =
            format!(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET / HTTP/1.1" {status} 1"#);
        assert_eq!(
            parse_line(&line).map(|r| r.status),
            Some(status),
            "{status} is a valid status code"
        );
    }
}

#[test]
fn rejects_bad_byte_counts() {
    for bytes in ["12k", "-5", "+5", "1.5", "", "18446744073709551616", "--"] {
        let line =
            format!(r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET / HTTP/1.1" 200 {bytes}"#);
        assert_eq!(
            parse_line(&line),
            None,
            "bytes is '-' or ASCII digits that fit in a u64: {bytes:?} is malformed"
        );
    }
}

#[test]
fn rejects_truncated_and_garbled_lines() {
    let full = APACHE_CLF;
    for cut in [10, 20, 30, 50, 70, full.len() - 5] {
        let line = &full[..cut];
        assert_eq!(
            parse_line(line),
            None,
            "a line cut off after {cut} bytes is malformed: {line:?}"
        );
    }
    for line in [
        "",
        "garbage",
        "   ",
        r#"127.0.0.1 - frank 10/Oct/2000:13:55:36 -0700 "GET / HTTP/1.0" 200 2326"#,
        r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] GET / HTTP/1.0 200 2326"#,
        r#"127.0.0.1 - frank [] "GET / HTTP/1.0" 200 2326"#,
        r#" - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326"#,
        r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200"#,
        r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326x"#,
    ] {
        assert_eq!(parse_line(line), None, "{line:?} is not a CLF line");
    }
}

#[test]
fn never_panics_on_multibyte_text_anywhere() {
    // Slicing a &str at a byte offset that is not a char boundary panics: a reader that
    // indexes by position instead of splitting would crash on these.
    for line in [
        "é",
        "日本語のログ行",
        "192.0.2.1 - - [é",
        "192.0.2.1 - - [01/May/2024] \"GET /é HTTP/1.1\" 2é0 1",
        "192.0.2.1 - - [01/May/2024] \"GET /é HTTP/1.1\" 200 1é",
        "☕ ☕ ☕ [☕] \"☕ ☕ ☕\" 200 1",
    ] {
        let _ = parse_line(line);
    }
    assert!(
        parse_line("☕ ☕ ☕ [☕] \"☕ ☕ ☕\" 200 1").is_some(),
        "nothing in the format restricts fields to ASCII, except status and bytes"
    );
}

// ---------------------------------------------------------------------------------------------
// Records: skip, count, stay lazy

#[test]
fn records_skips_malformed_lines_and_counts_them() {
    let mut recs = Records::new(LOG.lines());
    let all: Vec<Record> = recs.by_ref().collect();
    assert_eq!(all.len(), 12, "LOG has 12 well-formed lines");
    assert_eq!(
        recs.malformed(),
        3,
        "LOG has 3 malformed lines (a truncated one, the \"-\" request, 'garbage'); blank \
         lines are not counted as malformed"
    );
    assert_eq!(all[0].path, "/api/users", "records come out in log order");
    assert_eq!(all[11].client, "192.0.2.13");
}

#[test]
fn malformed_is_counted_as_the_iterator_goes() {
    let mut recs =
        Records::new(["garbage", APACHE_CLF, "more garbage", "", APACHE_CLF].into_iter());
    assert_eq!(
        recs.malformed(),
        0,
        "nothing is read before the first next()"
    );
    assert!(recs.next().is_some());
    assert_eq!(
        recs.malformed(),
        1,
        "one bad line was skipped to find the first record"
    );
    assert!(recs.next().is_some());
    assert_eq!(recs.malformed(), 2);
    assert!(recs.next().is_none());
    assert_eq!(
        recs.malformed(),
        2,
        "the blank line is skipped but not counted"
    );
}

#[test]
fn records_of_an_empty_input_is_empty() {
    let mut recs = Records::new("".lines());
    assert_eq!(recs.next(), None);
    assert_eq!(recs.malformed(), 0);
    let mut recs = Records::new("\n\n   \n".lines());
    assert_eq!(recs.next(), None, "blank lines only: no records");
    assert_eq!(recs.malformed(), 0, "and nothing malformed");
}

#[test]
fn records_accepts_owned_lines_too() {
    let lines: Vec<String> = vec![APACHE_CLF.to_string(), "bad".to_string()];
    let mut recs = Records::new(lines.into_iter());
    assert_eq!(recs.by_ref().count(), 1);
    assert_eq!(recs.malformed(), 1);
}

#[test]
fn records_is_lazy() {
    let read = Cell::new(0);
    let lines = std::iter::repeat_n(APACHE_CLF, 1_000).inspect(|_| read.set(read.get() + 1));
    let first_two: Vec<Record> = Records::new(lines).take(2).collect();
    assert_eq!(first_two.len(), 2);
    assert_eq!(
        read.get(),
        2,
        "taking 2 records from good lines must read exactly 2 lines: Records::next pulls one \
         line at a time instead of reading everything up front"
    );
}

#[test]
fn records_reads_only_as_far_as_it_needs() {
    // After the three lines comes a "line" that panics when read: a lazy reader that is asked
    // for one record never gets there.
    let lines = ["garbage", "", APACHE_CLF]
        .into_iter()
        .chain(std::iter::from_fn(|| -> Option<&str> {
            panic!("Records read past the first record although only one was asked for")
        }));
    let mut recs = Records::new(lines);
    assert!(recs.next().is_some(), "the first record is the third line");
}

#[test]
fn records_streams_a_large_log() {
    let lines = (0..200_000).map(|i| {
        if i % 1000 == 999 {
            "corrupted".to_string()
        } else {
            format!(
                r#"192.0.2.{} - - [01/May/2024:12:00:00 +0000] "GET /item/{} HTTP/1.1" 200 10"#,
                i % 250,
                i % 7
            )
        }
    });
    let mut recs = Records::new(lines);
    let counts = count_by_status(recs.by_ref());
    assert_eq!(
        counts.get(&200),
        Some(&199_800),
        "200,000 lines, one in a thousand corrupted"
    );
    assert_eq!(recs.malformed(), 200);
}

// ---------------------------------------------------------------------------------------------
// Questions

#[test]
fn counts_responses_by_status() {
    let expected: BTreeMap<u16, usize> =
        [(200, 7), (201, 1), (204, 1), (404, 1), (500, 1), (503, 1)]
            .into_iter()
            .collect();
    assert_eq!(
        count_by_status(records(LOG)),
        expected,
        "one entry per status that occurs, with its count"
    );
}

#[test]
fn counting_nothing_gives_an_empty_map() {
    assert!(count_by_status(Vec::new()).is_empty());
}

#[test]
fn top_paths_ranks_by_count_then_path() {
    assert_eq!(
        top_paths(records(LOG), 3),
        [
            ("/api/users".to_string(), 4),
            ("/api/orders".to_string(), 3),
            ("/health".to_string(), 3),
        ],
        "most requested first; /api/orders and /health tie at 3 and are ordered by path; \
         /api/users?page=2 counts as /api/users (the query is not part of the path, RFC 3986 \
         §3.4); /api/users/7 is a different path"
    );
}

#[test]
fn top_paths_with_k_larger_than_the_paths_returns_all() {
    let all = top_paths(records(LOG), 100);
    assert_eq!(
        all,
        [
            ("/api/users".to_string(), 4),
            ("/api/orders".to_string(), 3),
            ("/health".to_string(), 3),
            ("/api/users/7".to_string(), 1),
            ("/missing".to_string(), 1),
        ],
        "k beyond the number of distinct paths returns them all, still ranked"
    );
}

#[test]
fn top_zero_paths_is_empty() {
    assert!(
        top_paths(records(LOG), 0).is_empty(),
        "k = 0 asks for nothing"
    );
    assert!(top_paths(Vec::new(), 5).is_empty(), "no records, no paths");
}

#[test]
fn top_paths_is_deterministic() {
    let tied: Vec<Record> = ["/b", "/c", "/a", "/d"]
        .iter()
        .map(|path| {
            parse_line(&format!(
                r#"192.0.2.1 - - [01/May/2024:12:00:00 +0000] "GET {path} HTTP/1.1" 200 1"#
            ))
            .unwrap()
        })
        .collect();
    for _ in 0..20 {
        assert_eq!(
            top_paths(tied.clone(), 2),
            [("/a".to_string(), 1), ("/b".to_string(), 1)],
            "ties are broken by path, ascending: the answer must not depend on HashMap order"
        );
    }
}

#[test]
fn total_bytes_treats_dash_as_zero() {
    assert_eq!(
        total_bytes(records(LOG)),
        512 + 87 + 498 + 2 + 19 + 2 + 301 + 153 + 1024 + 2,
        "the sum of the byte counts; the two '-' lines add nothing"
    );
    assert_eq!(total_bytes(Vec::new()), 0);
}

#[test]
fn server_error_ratio_counts_only_5xx() {
    let ratio = server_error_ratio(records(LOG)).expect("LOG has records");
    assert!(
        (ratio - 2.0 / 12.0).abs() < 1e-9,
        "2 of the 12 records are 5xx (500 and 503; 404 is a client error): expected {}, got \
         {ratio}",
        2.0 / 12.0
    );
}

#[test]
fn server_error_ratio_of_nothing_is_none() {
    assert_eq!(
        server_error_ratio(Vec::new()),
        None,
        "no records: None, not NaN and not 0.0 (an empty log is not a healthy log)"
    );
    let only_bad = Records::new(["garbage", "more garbage"].into_iter());
    assert_eq!(server_error_ratio(only_bad), None);
}

#[test]
fn server_error_ratio_bounds() {
    let ok = parse_line(APACHE_CLF).unwrap();
    let mut err = ok.clone();
    err.status = 502;
    assert_eq!(server_error_ratio(vec![ok.clone(), ok.clone()]), Some(0.0));
    assert_eq!(server_error_ratio(vec![err.clone(), err]), Some(1.0));
}
