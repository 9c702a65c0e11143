//! # Writing a response, step 2: headers, framing and the body
//!
//! Step 1 (status_line) wrote the first line; your solution is given in `src/status.rs`. Now
//! the whole response ([RFC 9112 §4]): the status line, header fields, an empty line, and
//! maybe a body.
//!
//! ```text
//! HTTP/1.1 404 Not Found\r\n
//! Content-Type: text/plain\r\n                handler's headers, in order
//! Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n     added by the writer
//! Content-Length: 9\r\n                       added by the writer
//! \r\n
//! not found
//! ```
//!
//! A handler decides the status, some headers and the body. The writer gets the rest right,
//! because the client (and every proxy on the way) relies on it:
//!
//! - **Framing is the writer's job.** The client reads the body by its Content-Length, so
//!   the writer sets it from the actual body (in bytes) and drops any Content-Length or
//!   Transfer-Encoding the handler set: a wrong length makes the client read too little, or
//!   wait forever, and puts the connection out of step for the next response.
//! - **Some responses never have a body** ([RFC 9110 §6.4.1]): 1xx, 204 and 304, and any
//!   response to HEAD. A client reading a 204 expects the next response right after the empty
//!   line. A 1xx or 204 MUST NOT carry Content-Length ([RFC 9110 §8.6]); a 304 may only repeat
//!   the 200's, so here it has none. A response to HEAD carries the Content-Length the GET
//!   would have had, but no body ([RFC 9110 §9.3.2]).
//! - **Date** ([RFC 9110 §6.6.1]): an origin server with a clock MUST send it, unless the
//!   handler did, in the *IMF-fixdate* format of [RFC 9110 §5.6.7]:
//!   `Sun, 06 Nov 1994 08:49:37 GMT`, always GMT, two-digit days, English names. Caches
//!   compute ages from it.
//! - **Header values never hold CR or LF.** If a value built from user input (a redirect URL)
//!   could, an attacker could add headers, or a whole second response, of their own:
//!   *response splitting* (CWE-113). The writer refuses the response instead.
//!
//! [RFC 9112 §4]: https://www.rfc-editor.org/rfc/rfc9112#section-4
//! [RFC 9110 §6.4.1]: https://www.rfc-editor.org/rfc/rfc9110#section-6.4.1
//! [RFC 9110 §8.6]: https://www.rfc-editor.org/rfc/rfc9110#section-8.6
//! [RFC 9110 §9.3.2]: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2
//! [RFC 9110 §6.6.1]: https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1
//! [RFC 9110 §5.6.7]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7

use std::time::{SystemTime, UNIX_EPOCH};

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

// ---------------------------------------------------------------------------------------------
// Given code: step 1, the response model and the errors. You need not change it.
// ---------------------------------------------------------------------------------------------

mod status;

pub use status::{StatusClass, reason_phrase, status_class, status_line};

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
