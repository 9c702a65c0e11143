//! Given: requests and responses, Cache-Control directives, HTTP dates and the clock, as in
//! step 1, plus the `Request` the cache now sends (it carries `If-None-Match`).

use std::sync::{Arc, Mutex};

/// 2^31 seconds: the largest delta-seconds a cache needs to hold (RFC 9111 §1.2.2).
pub const MAX_DELTA: u64 = 1 << 31;

/// A request the cache sends to the origin: the URL and the header fields it adds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The field value of `name` (all its lines joined), the name case-insensitive.
    pub fn header(&self, name: &str) -> Option<String> {
        field(&self.headers, name)
    }
}

/// An HTTP response: status, header field lines in order, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// A `200 OK` with these headers and body.
    pub fn ok(headers: &[(&str, &str)], body: &str) -> Response {
        let headers = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Response {
            status: 200,
            headers,
            body: body.to_string(),
        }
    }

    /// The field value of `name`: all its lines joined with ", ", as RFC 9110 §5.3 allows;
    /// the name compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<String> {
        field(&self.headers, name)
    }

    /// Replaces every line of `name` with one line `name: value`.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

/// One Cache-Control directive: its name lowercased, its value unquoted if it had one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: Option<String>,
}

/// The Cache-Control directives of `response`, from all its Cache-Control lines, in order.
/// Commas inside a quoted string do not split (`a="x, y"` is one directive).
pub fn directives(response: &Response) -> Vec<Directive> {
    let Some(field) = response.header("Cache-Control") else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let (mut current, mut in_quotes) = (String::new(), false);
    for c in field.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            ',' if !in_quotes => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((name, value)) => Directive {
                name: name.to_ascii_lowercase(),
                value: Some(
                    value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(value)
                        .to_string(),
                ),
            },
            None => Directive {
                name: p.to_ascii_lowercase(),
                value: None,
            },
        })
        .collect()
}

/// Whether directive `name` is present (its first occurrence counts).
pub fn has(directives: &[Directive], name: &str) -> bool {
    directives.iter().any(|d| d.name == name)
}

/// The value of the first directive `name`, if it has one.
pub fn value<'a>(directives: &'a [Directive], name: &str) -> Option<&'a str> {
    directives.iter().find(|d| d.name == name)?.value.as_deref()
}

/// An HTTP date (RFC 9110 §5.6.7) as seconds since the Unix epoch; `None` if invalid.
/// Names are read case-insensitively (`THU`, `aug`, `gmt`), as caches do in practice.
pub fn http_date(value: &str) -> Option<u64> {
    let mut canonical = String::with_capacity(value.len());
    let mut word_start = true;
    for c in value.trim().chars() {
        canonical.push(if word_start {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        word_start = !c.is_ascii_alphabetic();
    }
    let time = httpdate::parse_http_date(&canonical.replace("Gmt", "GMT")).ok()?;
    Some(time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs())
}

/// Where the cache reads the time: seconds since the Unix epoch.
pub trait Clock {
    /// The current time.
    fn now(&self) -> u64;
}

/// A clock that moves only when told to; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<u64>>);

impl ManualClock {
    /// A clock at `secs` seconds since the Unix epoch.
    pub fn at(secs: u64) -> Self {
        ManualClock(Arc::new(Mutex::new(secs)))
    }

    /// Moves the time forward.
    pub fn advance(&self, secs: u64) {
        *self.0.lock().unwrap() += secs;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        *self.0.lock().unwrap()
    }
}

/// The field value of `name` in `headers`: all its lines joined with ", ".
fn field(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}
