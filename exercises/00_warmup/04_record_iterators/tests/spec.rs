//! The specification of the access-log reader: the lazy `Records` iterator, and the questions
//! asked of a log. (`parse_line` is given code; these tests use it to build records.)

use record_iterators::{
    Record, Records, count_by_status, parse_line, server_error_ratio, top_paths, total_bytes,
};
use std::cell::Cell;
use std::collections::BTreeMap;

/// The example line of the Apache httpd documentation, "Common Log Format".
const APACHE_CLF: &str =
    r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;

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
    assert!(
        recs.next().is_some(),
        "a malformed line does not end the log: next() skips it and keeps reading until a \
         line parses"
    );
    assert_eq!(
        recs.malformed(),
        1,
        "one bad line was skipped to find the first record"
    );
    assert!(recs.next().is_some(), "the second record is the last line");
    assert_eq!(
        recs.malformed(),
        2,
        "\"more garbage\" was skipped and counted; the blank line was skipped, not counted"
    );
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
    let lines = (0..50_000).map(|i| {
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
        Some(&49_950),
        "50,000 lines, one in a thousand corrupted"
    );
    assert_eq!(recs.malformed(), 50);
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
    for (status, is_5xx) in [(499, false), (500, true), (599, true)] {
        let mut record = ok.clone();
        record.status = status;
        assert_eq!(
            server_error_ratio(vec![record, ok.clone()]),
            Some(if is_5xx { 0.5 } else { 0.0 }),
            "5xx means 500 to 599: status {status} is {}a server error",
            if is_5xx { "" } else { "not " }
        );
    }
}
