//! # Iterators over records: reading an access log
//!
//! Backends produce and consume streams of records: access-log lines, rows from a query, events
//! from a queue, lines of a CSV import. The file may be gigabytes long, so the code that reads
//! it must not load it whole: it pulls one record at a time, keeps only what the question needs
//! (a counter, a map of counts), and stops as soon as it has the answer. Rust's [`Iterator`]
//! trait is exactly this: `next()` hands out one item at a time, and adaptors such as `filter`,
//! `map`, `filter_map`, `take` and `fold` describe a pipeline that does nothing until something
//! pulls on it: iterators are *lazy*.
//!
//! Real input is dirty. A log holds truncated lines (the disk filled up mid-write), lines from
//! a misconfigured proxy, the `"-"` request Apache writes when a client connected and sent
//! nothing. A production reader skips such lines instead of crashing on them, and *counts*
//! them: "0.01% malformed" is normal, "40% malformed" means the format changed and every
//! number on the dashboard is wrong.
//!
//! The line parser is given, in `src/clf.rs`: [`parse_line`] turns one line of Apache's Common
//! Log Format into a [`Record`], or `None` when the line is malformed. You write the iterator
//! that turns lines into records (skipping and counting the bad ones), and four questions an
//! operator asks of a log, each one pass over an iterator.
//!
//! Primary sources:
//! - The Rust book, ch. 13.2 "Processing a Series of Items with Iterators":
//!   <https://doc.rust-lang.org/book/ch13-02-iterators.html>
//! - `std::iter` (the adaptors, and laziness): <https://doc.rust-lang.org/std/iter/index.html>
//! - Apache httpd, "Log Files", Common Log Format:
//!   <https://httpd.apache.org/docs/2.4/logs.html#common>

use std::collections::{BTreeMap, HashMap};

mod clf;
pub use clf::{Record, parse_line};

/// An iterator of the records in a sequence of lines. Blank lines are skipped silently;
/// malformed lines are skipped and counted. It reads the lines lazily: one `next()` reads only
/// as many lines as it needs to find the next record.
pub struct Records<I> {
    lines: I,
    malformed: usize,
}

impl<I> Records<I>
where
    I: Iterator,
    I::Item: AsRef<str>,
{
    /// Wraps the lines (`&str` from `str::lines()`, or `String`s); reads none of them yet.
    pub fn new(lines: I) -> Self {
        Records {
            lines,
            malformed: 0,
        }
    }

    /// How many malformed lines were skipped so far.
    pub fn malformed(&self) -> usize {
        self.malformed
    }
}

impl<I> Iterator for Records<I>
where
    I: Iterator,
    I::Item: AsRef<str>,
{
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        for line in self.lines.by_ref() {
            let line = line.as_ref();
            if line.trim().is_empty() {
                continue;
            }
            match parse_line(line) {
                Some(record) => return Some(record),
                None => self.malformed += 1,
            }
        }
        None
    }
}

/// How many responses had each status code, in ascending order of status.
pub fn count_by_status(records: impl IntoIterator<Item = Record>) -> BTreeMap<u16, usize> {
    records
        .into_iter()
        .fold(BTreeMap::new(), |mut counts, record| {
            *counts.entry(record.status).or_insert(0) += 1;
            counts
        })
}

/// The `k` most requested paths with their request counts: most requested first, ties in
/// ascending order of path. The query string is not part of the path (`/search?q=a` counts as
/// `/search`, RFC 3986 §3.4).
pub fn top_paths(records: impl IntoIterator<Item = Record>, k: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for record in records {
        let path = record.path.split('?').next().unwrap_or_default();
        *counts.entry(path.to_string()).or_insert(0) += 1;
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    // The path as tie-breaker makes the answer deterministic; HashMap order is random.
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(k);
    ranked
}

/// Total response bytes; records with `-` count as 0.
pub fn total_bytes(records: impl IntoIterator<Item = Record>) -> u64 {
    records.into_iter().filter_map(|record| record.bytes).sum()
}

/// The share of responses that were server errors (5xx), from 0.0 to 1.0; `None` when there
/// are no records at all (there is no error rate of nothing, and 0/0 would be NaN).
pub fn server_error_ratio(records: impl IntoIterator<Item = Record>) -> Option<f64> {
    let (total, errors) =
        records
            .into_iter()
            .fold((0_usize, 0_usize), |(total, errors), record| {
                let is_server_error = (500..=599).contains(&record.status);
                (total + 1, errors + usize::from(is_server_error))
            });
    (total > 0).then(|| errors as f64 / total as f64)
}
