//! A driver for http-tests/cache-tests (`http-cache/cache-tests.json` in the vectors folder):
//! the suites that every HTTP cache (browsers, CDNs, proxies) is run against. Upstream runs
//! them over the network with real pauses; this driver runs them against an in-process cache
//! with a manual clock, which the test wraps in a [`Harness`].
//!
//! For each test, the driver resets the cache (shared, or private for `browser_only` tests),
//! then plays its requests in order. The origin is a stub: for request N it answers with the
//! response headers of request N (a number for `Date`, `Expires` or `Last-Modified` is that
//! many seconds from now, as upstream does), adds `Date: now` when none is given, and answers
//! `304 Not Modified` when the request carries an `If-None-Match` that matches its `ETag`.
//! `pause_after` advances the clock by 3 s (upstream waits 3 s). `expected_type` is checked by
//! what reached the origin: `cached` means nothing did, `not_cached` means the request did,
//! `etag_validated` means it did with an `If-None-Match`.
//!
//! A test is not applicable, and counted as such, when it is a `check` (upstream's tests
//! with no required answer), or uses what the harness does not model: other methods, request
//! headers from the client, other status codes, `Vary`, `Last-Modified` validation, CDN-only
//! or browser-only request modes.

use serde_json::Value;

/// The vectors file, relative to the vectors folder.
pub const FILE: &str = "http-cache/cache-tests.json";

/// Upstream's pause: `pause_after` waits this many seconds.
pub const PAUSE_SECS: u64 = 3;

/// The clock's start, in seconds since the Unix epoch (2023-11-14): a plausible "now".
pub const START: u64 = 1_700_000_000;

/// A response as the origin stub sends it.
#[derive(Debug, Clone)]
pub struct OriginResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the cache under test answered the client.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

/// The origin as the cache sees it: given the request headers the cache sends, a response.
pub type Origin<'a> = dyn FnMut(&[(String, String)]) -> OriginResponse + 'a;

/// The cache under test, as the driver drives it.
pub trait Harness {
    /// Starts over with an empty cache, shared or private, its clock at [`START`].
    fn reset(&mut self, shared: bool);
    /// Moves the cache's clock forward.
    fn advance(&mut self, secs: u64);
    /// The cache's clock, in seconds since the Unix epoch.
    fn now(&self) -> u64;
    /// A client's GET of `url` through the cache. `origin` answers each request the cache
    /// sends on, given the request headers the cache sent.
    fn get(&mut self, url: &str, origin: &mut Origin) -> Answer;
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Tests run (applicable).
    pub run: usize,
    /// Tests that passed.
    pub passed: usize,
    /// Tests of the chosen suites that do not apply to this cache.
    pub not_applicable: usize,
    /// One line per failed test: its id and what went wrong.
    pub failures: Vec<String>,
}

/// Runs the tests of `suites` that apply; `validation` says whether the cache revalidates
/// (so that `etag_validated` tests apply); the tests named in `skip` are counted as not
/// applicable (the caller says why, next to the list). `None` (after a skip note) without the
/// vectors.
pub fn run(
    harness: &mut dyn Harness,
    suites: &[&str],
    validation: bool,
    skip: &[&str],
) -> Option<Report> {
    let text = crate::vectors::read_to_string(FILE)?;
    let all: Vec<Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{FILE} is not valid JSON: {e}"));
    let mut report = Report::default();
    for suite in all
        .iter()
        .filter(|s| suites.contains(&s["id"].as_str().unwrap_or("")))
    {
        for test in suite["tests"].as_array().into_iter().flatten() {
            let skipped = skip.contains(&test["id"].as_str().unwrap_or(""));
            if skipped || !applies(test, validation) {
                report.not_applicable += 1;
                continue;
            }
            report.run += 1;
            match run_one(harness, test) {
                Ok(()) => report.passed += 1,
                Err(why) => report.failures.push(format!("{}: {why}", test["id"])),
            }
        }
    }
    Some(report)
}

const KNOWN_KEYS: &[&str] = &[
    "setup",
    "pause_after",
    "expected_type",
    "response_headers",
    "expected_response_headers",
    "expected_response_headers_missing",
    "expected_status",
    "expected_request_headers",
    "setup_tests",
    "check_body",
];

fn applies(test: &Value, validation: bool) -> bool {
    if test["kind"] == "check" || test.get("cdn_only").is_some() {
        return false;
    }
    let requests = test["requests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    requests.iter().all(|r| {
        let keys_known = r
            .as_object()
            .is_some_and(|o| o.keys().all(|k| KNOWN_KEYS.contains(&k.as_str())));
        let expected = match r["expected_type"].as_str() {
            None | Some("cached") | Some("not_cached") => true,
            Some("etag_validated") => validation,
            Some(_) => false,
        };
        let no_vary = !headers_of(r)
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("vary"));
        let validation_keys = validation || r.get("expected_request_headers").is_none();
        keys_known && expected && no_vary && validation_keys
    })
}

/// The response headers configured for request `r`, dates still as numbers.
fn headers_of(r: &Value) -> Vec<(String, Value)> {
    r["response_headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| Some((h[0].as_str()?.to_string(), h[1].clone())))
        .collect()
}

/// Request `r`'s response as the origin sends it at time `now`.
fn origin_response(r: &Value, now: u64, n: usize) -> OriginResponse {
    let mut headers: Vec<(String, String)> = headers_of(r)
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Number(delta) => http_date(now as i64 + delta.as_i64().unwrap_or(0)),
                Value::String(s) => s,
                other => other.to_string(),
            };
            (name, value)
        })
        .collect();
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("date")) {
        headers.push(("Date".into(), http_date(now as i64)));
    }
    OriginResponse {
        status: 200,
        headers,
        body: format!("response {n}"),
    }
}

fn http_date(secs: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs.max(0) as u64);
    httpdate_fmt(t)
}

/// IMF-fixdate (RFC 9110 §5.6.7), computed here so that testkit needs no date crate.
fn httpdate_fmt(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days to civil date: Howard Hinnant's algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[month as usize - 1],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn run_one(harness: &mut dyn Harness, test: &Value) -> Result<(), String> {
    harness.reset(!test["browser_only"].as_bool().unwrap_or(false));
    let url = format!("/{}", test["id"].as_str().unwrap_or("test"));
    let requests = test["requests"].as_array().cloned().unwrap_or_default();
    for (i, r) in requests.iter().enumerate() {
        let now = harness.now();
        // Every request the cache sends on, with the headers it sent.
        let mut sent: Vec<Vec<(String, String)>> = Vec::new();
        let mut origin = |headers: &[(String, String)]| {
            sent.push(headers.to_vec());
            let mut response = origin_response(r, now, i + 1);
            let inm = header(headers, "if-none-match");
            let etag = header(&response.headers, "etag");
            if let (Some(inm), Some(etag)) = (inm, etag)
                && inm.split(',').any(|t| weak_eq(t.trim(), &etag))
            {
                response.status = 304;
                response.body.clear();
            }
            response
        };
        let answer = harness.get(&url, &mut origin);
        let at = format!("request {}", i + 1);
        let conditional = sent.iter().any(|h| header(h, "if-none-match").is_some());
        match r["expected_type"].as_str() {
            Some("cached") if !sent.is_empty() => {
                return Err(format!(
                    "{at}: expected from the cache, but it went to the origin"
                ));
            }
            Some("not_cached") if sent.is_empty() => {
                return Err(format!(
                    "{at}: expected to reach the origin, but the cache answered"
                ));
            }
            Some("etag_validated") if !conditional => {
                return Err(format!(
                    "{at}: expected a revalidation with If-None-Match, the origin saw {sent:?}"
                ));
            }
            _ => {}
        }
        if let Some(status) = r["expected_status"].as_u64()
            && u64::from(answer.status) != status
        {
            return Err(format!(
                "{at}: status {} instead of {status}",
                answer.status
            ));
        }
        for h in r["expected_response_headers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let (name, want) = (h[0].as_str().unwrap_or(""), h[1].as_str().unwrap_or(""));
            let got = header(&answer.headers, name);
            if got.as_deref() != Some(want) {
                return Err(format!("{at}: header {name}: {got:?} instead of {want:?}"));
            }
        }
        for name in r["expected_response_headers_missing"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or("");
            if header(&answer.headers, name).is_some() {
                return Err(format!("{at}: header {name} should be missing"));
            }
        }
        for h in r["expected_request_headers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let (name, want) = (h[0].as_str().unwrap_or(""), h[1].as_str().unwrap_or(""));
            let got = sent.last().and_then(|s| header(s, name));
            if got.as_deref() != Some(want) {
                return Err(format!(
                    "{at}: the origin saw {name}: {got:?} instead of {want:?}"
                ));
            }
        }
        if r["pause_after"].as_bool().unwrap_or(false) {
            harness.advance(PAUSE_SECS);
        }
    }
    Ok(())
}

/// The field value of `name` (all its lines, joined with ", "), case-insensitively.
fn header(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// Weak comparison of two entity tags (RFC 9110 §8.8.3.2): equal opaque tags, W/ aside.
fn weak_eq(a: &str, b: &str) -> bool {
    a.trim_start_matches("W/") == b.trim_start_matches("W/")
}
