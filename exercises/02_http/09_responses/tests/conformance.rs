//! Conformance against the HTTP-date example of RFC 9110 §5.6.7, as transcribed in
//! shared/vectors/rfc/rfc_vectors.json (key `rfc9110_section5_6_7_http_date`, whose three
//! forms were cross-checked with Python's email.utils). Only the IMF-fixdate form is in
//! scope: a server generates IMF-fixdate only; the obsolete RFC 850 and asctime forms are
//! for recipients parsing old dates, which this exercise does not do.

use http_responses::http_date;
use std::time::{Duration, UNIX_EPOCH};
use testkit::vectors;

#[test]
fn rfc_9110_http_date_example() {
    let Some(text) = vectors::read_to_string("rfc/rfc_vectors.json") else {
        return;
    };
    let vectors: serde_json::Value = serde_json::from_str(&text).expect("rfc_vectors.json is JSON");
    let case = &vectors["rfc9110_section5_6_7_http_date"];
    let secs = case["unix_time"].as_u64().expect("unix_time");
    let expected = case["imf_fixdate"].as_str().expect("imf_fixdate");
    assert_eq!(
        http_date(UNIX_EPOCH + Duration::from_secs(secs)),
        expected,
        "RFC 9110 §5.6.7: {secs} seconds after the epoch is {expected:?}"
    );
    eprintln!(
        "RFC 9110 §5.6.7 HTTP-date: 1 case ran (IMF-fixdate), 2 excluded (obsolete RFC 850 and asctime forms: parsing only)"
    );
}
