//! The response model: your solution to http_responses (and status_line in `status.rs`),
//! given here. `Response::text` is new: the servers' handlers answer plain text often.

use std::time::{SystemTime, UNIX_EPOCH};

mod status;

pub use status::{reason_phrase, status_line};

/// `time` as an IMF-fixdate (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
/// Fractions of a second are dropped. Times before 1970 need not be supported.
pub fn http_date(time: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, secs_of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        // 1970-01-01 was a Thursday.
        DAYS[(days % 7) as usize],
        MONTHS[month as usize - 1],
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
    )
}

/// (year, month 1..=12, day 1..=31) of the `days`-th day after 1970-01-01, in the proleptic
/// Gregorian calendar. Howard Hinnant's `civil_from_days`, counting from 0000-03-01 so that
/// the leap day is the last day of its year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// The bytes of `response`, answering a request with `request_method`, sent at `now`.
pub fn serialize(
    response: &Response,
    request_method: &str,
    now: SystemTime,
) -> Result<Vec<u8>, ResponseError> {
    let status = response.status;
    let status_line = status_line(status).ok_or(ResponseError::InvalidStatus)?;
    let mut out = status_line.into_bytes();

    let mut has_date = false;
    for (name, value) in &response.headers {
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(ResponseError::InvalidHeaderName);
        }
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(ResponseError::InvalidHeaderValue);
        }
        // The writer owns the framing: the handler's framing headers are replaced below.
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            continue;
        }
        has_date |= name.eq_ignore_ascii_case("date");
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if !has_date {
        out.extend_from_slice(format!("Date: {}\r\n", http_date(now)).as_bytes());
    }

    let never_has_content = matches!(status, 100..=199 | 204 | 304);
    if !never_has_content {
        // For HEAD too: the length the GET response would have had (RFC 9110 §9.3.2).
        out.extend_from_slice(format!("Content-Length: {}\r\n", response.body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if !never_has_content && request_method != "HEAD" {
        out.extend_from_slice(&response.body);
    }
    Ok(out)
}

/// What a handler returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Header fields in the order they will be written.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response with this status, no headers and no body.
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header field line.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A `text/plain` response with this status and body.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Response::new(status)
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_body(body.into())
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// Why a response could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseError {
    /// The status code is outside 100..=599.
    InvalidStatus,
    /// A header name is not a token.
    InvalidHeaderName,
    /// A header value contains CR, LF, NUL or another control character.
    InvalidHeaderValue,
}

/// `tchar` of RFC 9110 §5.6.2.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}
