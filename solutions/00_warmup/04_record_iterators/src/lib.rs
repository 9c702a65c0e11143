//! # Iterators over records: reading an access log
//!
//! Backends produce and consume streams of records: access-log lines, rows from a query, events
//! from a queue, lines of a CSV import. The file may be gigabytes long, so the code that reads
//! it must not load it whole: it should pull one record at a time, keep only what the question
//! needs (a counter, a map of counts), and stop as soon as it has the answer. Rust's
//! [`Iterator`] trait is exactly this: `next()` hands out one item at a time, and adaptors
//! such as `filter`, `map`, `filter_map`, `take` and `fold` describe a pipeline that does
//! nothing until something pulls on it — iterators are *lazy*.
//!
//! Real input is dirty. A log contains truncated lines (the disk filled up mid-write), lines
//! from a misconfigured proxy, the `"-"` request Apache writes when a client connected and sent
//! nothing. A production reader skips such lines instead of crashing on them — and *counts*
//! them, because "0.01% malformed" is normal and "40% malformed" means the format changed and
//! every number on the dashboard is wrong.
//!
//! The format here is the **Common Log Format** (CLF), the default of Apache httpd and the
//! base of nginx's `combined` format:
//!
//! ```text
//! 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
//! client    ident user [time]                     "request line"                status bytes
//! ```
//!
//! `-` stands for "no value": an anonymous user, or no response body (Apache writes `-`
//! rather than `0` when no bytes were sent). The **Combined Log Format** appends two more
//! quoted fields, the `Referer` and the `User-Agent`; this reader accepts and ignores them.
//!
//! You write the line parser, an iterator that turns lines into records (skipping and counting
//! the malformed ones), and a few questions an operator asks of a log.
//!
//! Primary sources:
//! - Apache httpd, "Log Files", Common Log Format and Combined Log Format:
//!   <https://httpd.apache.org/docs/2.4/logs.html#common>
//! - The Rust book, ch. 13.2 "Processing a Series of Items with Iterators":
//!   <https://doc.rust-lang.org/book/ch13-02-iterators.html>
//! - `std::iter` (the adaptors, and laziness): <https://doc.rust-lang.org/std/iter/index.html>

use std::collections::{BTreeMap, HashMap};

/// One request, as the server logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The client's address, e.g. `127.0.0.1` or `2001:db8::1`.
    pub client: String,
    /// The authenticated user; `None` when the log says `-`.
    pub user: Option<String>,
    /// The time, as written between the brackets (not parsed).
    pub time: String,
    pub method: String,
    /// The request target as logged, query string included.
    pub path: String,
    pub protocol: String,
    pub status: u16,
    /// Size of the response body; `None` when the log says `-`.
    pub bytes: Option<u64>,
}

/// Parses one CLF (or Combined) line; `None` if it is malformed.
///
/// `client ident user [time] "method path protocol" status bytes`, fields separated by single
/// spaces, where:
/// - `client`, `user` and `time` are not empty (`ident` is ignored; `user` `-` means `None`);
/// - the request line has exactly three non-empty parts separated by single spaces (so the
///   `"-"` Apache logs for an empty request is malformed);
/// - `status` is three ASCII digits between 100 and 599 (RFC 9110 §15);
/// - `bytes` is `-` or ASCII digits that fit in a `u64`;
/// - anything after `bytes` must be separated from it by a space and is ignored (the Combined
///   format's referer and user agent).
pub fn parse_line(line: &str) -> Option<Record> {
    let (client, rest) = line.split_once(' ')?;
    let (_ident, rest) = rest.split_once(' ')?;
    let (user, rest) = rest.split_once(' ')?;
    let (time, rest) = rest.strip_prefix('[')?.split_once("] \"")?;
    let (request, rest) = rest.split_once("\" ")?;
    if client.is_empty() || user.is_empty() || time.is_empty() {
        return None;
    }

    let mut parts = request.split(' ');
    let (method, path, protocol) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [method, path, protocol].iter().any(|p| p.is_empty()) {
        return None;
    }

    // splitn(3): status, bytes, and whatever the Combined format adds after them.
    let mut fields = rest.splitn(3, ' ');
    let status = parse_status(fields.next()?)?;
    let bytes = match fields.next()? {
        "-" => None,
        digits => Some(parse_digits(digits)?),
    };

    Some(Record {
        client: client.to_string(),
        user: (user != "-").then(|| user.to_string()),
        time: time.to_string(),
        method: method.to_string(),
        path: path.to_string(),
        protocol: protocol.to_string(),
        status,
        bytes,
    })
}

fn parse_status(text: &str) -> Option<u16> {
    let status = parse_digits(text).filter(|_| text.len() == 3)?;
    let status = u16::try_from(status).ok()?;
    (100..=599).contains(&status).then_some(status)
}

/// `str::parse` also accepts a leading `+`; a log field is digits only.
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

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
