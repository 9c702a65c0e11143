//! # HTTP caching, step 1: freshness (RFC 9111)
//!
//! HTTP has caching built in: browsers, CDNs and reverse proxies keep responses and answer
//! later requests themselves, as the origin's headers allow. A backend that sends the right
//! headers has its load cut by every cache on the way; one that sends the wrong ones has
//! private pages served to the wrong users. This step is a **shared** cache (a CDN or a
//! proxy) or a **private** one (a browser), deciding when a stored response may be reused.
//!
//! A stored response is **fresh** while its *freshness lifetime* is greater than its
//! *current age*, both in seconds (§4.2):
//!
//! - **Lifetime** (§4.2.1), the first that applies: in a shared cache, `s-maxage`; then
//!   `max-age`; then `Expires` minus `Date` (an `Expires` that does not parse means "already
//!   expired": 0). Nothing of those: 0 here (real caches may guess a *heuristic* lifetime).
//! - **Age** (§4.2.3): how old the response was when it arrived (the `Age` header from caches
//!   upstream, or `now - Date` at arrival if that is larger: the *apparent age*), plus how long
//!   it has been stored (`now - response_time`). An upstream cache's 50 s count: `max-age=60`
//!   with `Age: 50` is fresh for 10 more seconds only.
//!
//! Delta-seconds (§1.2.2), in `max-age`, `s-maxage` and `Age`, are ASCII digits only (no sign,
//! no decimal point, no quotes); anything else is invalid and ignored. A value too large for
//! the cache is held as 2^31 seconds (68 years), not an error. A field sent twice is one value
//! (`Age: 7200, 0`): its first member counts.
//!
//! Some responses must never be stored (§3): `no-store`, and in a **shared** cache `private`
//! (a page with one user's data). Directive names are case-insensitive. This cache stores only
//! `200` responses.
//!
//! A response served from the cache carries an `Age` header with its current age (§5.1).
//!
//! Given below the line: `Response`, the parsed `Cache-Control` directives (quoted strings
//! handled, names lowercased), HTTP dates as seconds since the epoch, and a manual clock.
//!
//! Primary source: RFC 9111, *HTTP Caching*, §3, §4.2 and §5.2,
//! <https://www.rfc-editor.org/rfc/rfc9111>.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

impl<C: Clock> HttpCache<C> {
    /// Answers a GET of `url`: from the cache while the stored response is fresh, else from
    /// `origin`, storing what it returns if it may be stored.
    pub fn get(&mut self, url: &str, origin: impl FnOnce(&str) -> Response) -> Response {
        // TODO: a stored response whose lifetime is greater than its current age is served:
        //       a clone, with `Age` set to that age. Otherwise call the origin (note the time
        //       before and after: request_time, response_time) and store what it returns if
        //       it is storable. Return it.
        let _ = (url, origin, &self.clock, self.shared, &mut self.entries);
        todo!("get")
    }
}

/// Delta-seconds (RFC 9111 §1.2.2): ASCII digits only; values past 2^31 are held as 2^31.
pub fn delta_seconds(value: &str) -> Option<u64> {
    // TODO: refuse the empty string and any byte that is not a digit; a number too big for
    //       a u64 is still valid (hold it as MAX_DELTA).
    let _ = value;
    todo!("delta_seconds")
}

/// May `response` be stored by this cache (RFC 9111 §3)?
pub fn storable(response: &Response, shared: bool) -> bool {
    // TODO: a 200, without `no-store`, and without `private` if the cache is shared.
    let _ = (response, shared);
    todo!("storable")
}

/// The freshness lifetime of a stored response, in seconds (RFC 9111 §4.2.1).
pub fn freshness_lifetime(stored: &Stored, shared: bool) -> u64 {
    // TODO: s-maxage (shared caches only), else max-age, else Expires - date_value (0 if
    //       Expires does not parse, never negative), else 0. An invalid value falls through.
    let _ = (stored, shared);
    todo!("freshness_lifetime")
}

/// The current age of a stored response at `now`, in seconds (RFC 9111 §4.2.3).
pub fn current_age(stored: &Stored, now: u64) -> u64 {
    // TODO: age_value (first member of Age, 0 if invalid or absent); apparent_age =
    //       response_time - date_value (not below 0); response_delay = response_time -
    //       request_time; corrected_initial_age = max(apparent_age, age_value +
    //       response_delay); plus resident_time = now - response_time.
    let _ = (stored, now);
    todo!("current_age")
}

// ---------------------------------------------------------------------------------------------
// Given: responses, Cache-Control directives, HTTP dates, the clock and the cache's state.
// ---------------------------------------------------------------------------------------------

/// 2^31 seconds: the largest delta-seconds a cache needs to hold (RFC 9111 §1.2.2).
pub const MAX_DELTA: u64 = 1 << 31;

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
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
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

/// The response's `Date` in seconds, or the time it was received if it has none that
/// parses (RFC 9110 §6.6.1).
pub fn date_value(stored: &Stored) -> u64 {
    stored
        .response
        .header("Date")
        .and_then(|d| http_date(&d))
        .unwrap_or(stored.response_time)
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

/// A stored response and when the cache sent the request and received the response.
#[derive(Debug, Clone)]
pub struct Stored {
    pub response: Response,
    pub request_time: u64,
    pub response_time: u64,
}

/// An HTTP cache in one process: shared (a proxy, a CDN) or private (a browser).
#[derive(Debug)]
pub struct HttpCache<C> {
    shared: bool,
    clock: C,
    entries: HashMap<String, Stored>,
}

impl<C: Clock> HttpCache<C> {
    /// An empty cache; `shared` for a proxy or a CDN, `false` for a browser's cache.
    pub fn new(shared: bool, clock: C) -> Self {
        HttpCache {
            shared,
            clock,
            entries: HashMap::new(),
        }
    }
}
