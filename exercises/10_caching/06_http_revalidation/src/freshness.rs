//! Step 1, freshness: your solution to `http_freshness`, given here.

use crate::Stored;
use crate::http::{MAX_DELTA, Response, directives, has, http_date, value};

/// Delta-seconds (RFC 9111 §1.2.2): ASCII digits only; values past 2^31 are held as 2^31.
pub fn delta_seconds(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for a u64 is still a valid, very large number.
    Some(value.parse::<u64>().map_or(MAX_DELTA, |n| n.min(MAX_DELTA)))
}

/// May `response` be stored by this cache (RFC 9111 §3)?
pub fn storable(response: &Response, shared: bool) -> bool {
    let cc = directives(response);
    response.status == 200 && !has(&cc, "no-store") && !(shared && has(&cc, "private"))
}

/// The freshness lifetime of a stored response, in seconds (RFC 9111 §4.2.1).
pub fn freshness_lifetime(stored: &Stored, shared: bool) -> u64 {
    let cc = directives(&stored.response);
    if shared && let Some(secs) = value(&cc, "s-maxage").and_then(delta_seconds) {
        return secs;
    }
    if let Some(secs) = value(&cc, "max-age").and_then(delta_seconds) {
        return secs;
    }
    if let Some(expires) = stored.response.header("Expires") {
        let Some(expires) = http_date(&expires) else {
            return 0; // an invalid Expires means "already expired"
        };
        return expires.saturating_sub(date_value(stored));
    }
    0
}

/// The current age of a stored response at `now`, in seconds (RFC 9111 §4.2.3).
pub fn current_age(stored: &Stored, now: u64) -> u64 {
    let age_value = stored
        .response
        .header("Age")
        .and_then(|v| {
            v.split(',')
                .next()
                .and_then(|first| delta_seconds(first.trim()))
        })
        .unwrap_or(0);
    let apparent_age = stored.response_time.saturating_sub(date_value(stored));
    let response_delay = stored.response_time - stored.request_time;
    let corrected_initial_age = apparent_age.max(age_value + response_delay);
    let resident_time = now.saturating_sub(stored.response_time);
    corrected_initial_age + resident_time
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
