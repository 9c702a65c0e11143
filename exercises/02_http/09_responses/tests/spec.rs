//! The specification of `http_date` and `serialize`.
//! RFC 9110: https://www.rfc-editor.org/rfc/rfc9110 — RFC 9112 §4: https://www.rfc-editor.org/rfc/rfc9112#section-4

use http_responses::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn at(unix_secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_secs)
}

/// RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT".
const RFC_EXAMPLE_SECS: u64 = 784_111_777;

/// A written response, cut into its parts.
#[derive(Debug)]
struct Written {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Written {
    /// The body as text, for comparisons whose failure a person reads.
    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// `serialize` for a GET at the epoch, its bytes as text: what a refused response shows when
/// it was written after all.
fn serialize_text(response: &Response) -> Result<String, ResponseError> {
    serialize(response, "GET", at(0)).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

fn write(response: &Response, method: &str) -> Written {
    let bytes = serialize(response, method, at(RFC_EXAMPLE_SECS)).unwrap_or_else(|e| {
        panic!("serialize({response:?}, {method:?}) must succeed, got Err({e:?})")
    });
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "a response head ends with an empty line (CRLF CRLF), none in {:?}",
                String::from_utf8_lossy(&bytes)
            )
        });
    let head = std::str::from_utf8(&bytes[..end]).expect("the head is text");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap().to_string();
    let headers = lines
        .map(|line| {
            let (name, value) = line
                .split_once(": ")
                .unwrap_or_else(|| panic!("a header line is `Name: value`, got {line:?}"));
            (name.to_string(), value.to_string())
        })
        .collect();
    Written {
        status_line,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

// ---------------------------------------------------------------------------------------------
// IMF-fixdate (RFC 9110 §5.6.7)
// ---------------------------------------------------------------------------------------------

#[test]
fn formats_the_rfc_example_date() {
    assert_eq!(
        http_date(at(RFC_EXAMPLE_SECS)),
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "RFC 9110 §5.6.7 example: day-name \",\" SP day SP month SP year SP hour \":\" minute \":\" second SP \"GMT\""
    );
}

#[test]
fn formats_the_epoch_and_the_end_of_its_day() {
    assert_eq!(
        http_date(UNIX_EPOCH),
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "the Unix epoch was a Thursday"
    );
    assert_eq!(
        http_date(at(86_399)),
        "Thu, 01 Jan 1970 23:59:59 GMT",
        "hours, minutes and seconds are two digits each"
    );
}

#[test]
fn drops_fractions_of_a_second() {
    let time = at(RFC_EXAMPLE_SECS) + Duration::from_millis(999);
    assert_eq!(
        http_date(time),
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "IMF-fixdate has whole seconds: 37.999 s is written 37, never rounded up to 38"
    );
}

#[test]
fn names_every_month() {
    let months = [
        (1_704_067_200, "Mon, 01 Jan 2024"),
        (1_706_745_600, "Thu, 01 Feb 2024"),
        (1_709_251_200, "Fri, 01 Mar 2024"),
        (1_711_929_600, "Mon, 01 Apr 2024"),
        (1_714_521_600, "Wed, 01 May 2024"),
        (1_717_200_000, "Sat, 01 Jun 2024"),
        (1_719_792_000, "Mon, 01 Jul 2024"),
        (1_722_470_400, "Thu, 01 Aug 2024"),
        (1_725_148_800, "Sun, 01 Sep 2024"),
        (1_727_740_800, "Tue, 01 Oct 2024"),
        (1_730_419_200, "Fri, 01 Nov 2024"),
        (1_733_011_200, "Sun, 01 Dec 2024"),
    ];
    for (secs, date) in months {
        assert_eq!(
            http_date(at(secs)),
            format!("{date} 00:00:00 GMT"),
            "month = Jan / Feb / Mar / Apr / May / Jun / Jul / Aug / Sep / Oct / Nov / Dec (RFC 9110 §5.6.7)"
        );
    }
}

#[test]
fn handles_leap_years() {
    assert_eq!(
        http_date(at(951_782_400)),
        "Tue, 29 Feb 2000 00:00:00 GMT",
        "2000 is a leap year: divisible by 400"
    );
    assert_eq!(
        http_date(at(1_709_164_800)),
        "Thu, 29 Feb 2024 00:00:00 GMT",
        "2024 is a leap year: divisible by 4"
    );
    assert_eq!(
        http_date(at(4_107_456_000)),
        "Sun, 28 Feb 2100 00:00:00 GMT"
    );
    assert_eq!(
        http_date(at(4_107_542_400)),
        "Mon, 01 Mar 2100 00:00:00 GMT",
        "2100 is NOT a leap year (divisible by 100 but not by 400): 28 Feb is followed by 1 Mar"
    );
}

#[test]
fn handles_dates_after_2038() {
    assert_eq!(
        http_date(at(2_147_483_648)),
        "Tue, 19 Jan 2038 03:14:08 GMT",
        "one second past i32::MAX: a 32-bit time_t would wrap to 1901 here"
    );
    assert_eq!(
        http_date(at(253_402_300_799)),
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "the last second with a 4-digit year"
    );
}

// ---------------------------------------------------------------------------------------------
// Writing a response (RFC 9112 §4, RFC 9110 §6)
// ---------------------------------------------------------------------------------------------

#[test]
fn writes_status_line_headers_and_body() {
    let response = Response::new(200)
        .with_header("Content-Type", "text/plain")
        .with_body("hello");
    let bytes = serialize(&response, "GET", at(RFC_EXAMPLE_SECS)).expect("a valid response");
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n"),
        "a response starts with the status line: HTTP-version SP status-code SP reason-phrase \
         CRLF (RFC 9112 §4), got {text:?}"
    );
    assert!(
        text.contains("\r\nContent-Type: text/plain\r\n"),
        "each header is written `Name: value` CRLF, got {text:?}"
    );
    assert!(
        text.ends_with("\r\n\r\nhello"),
        "an empty line ends the head, then comes the body, got {text:?}"
    );
}

#[test]
fn unknown_codes_keep_the_space_before_the_empty_reason() {
    let written = write(&Response::new(299), "GET");
    assert_eq!(
        written.status_line, "HTTP/1.1 299 ",
        "status-line = HTTP-version SP status-code SP [ reason-phrase ]: the phrase may be empty, \
         the SP before it may not (RFC 9112 §4)"
    );
}

#[test]
fn keeps_the_handlers_headers_in_order() {
    let response = Response::new(200)
        .with_header("Set-Cookie", "a=1; Path=/")
        .with_header("Cache-Control", "no-store")
        .with_header("Set-Cookie", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
    let written = write(&response, "GET");
    let mine: Vec<(String, String)> = written
        .headers
        .iter()
        .filter(|(n, _)| n == "Set-Cookie" || n == "Cache-Control")
        .cloned()
        .collect();
    assert_eq!(
        mine,
        vec![
            ("Set-Cookie".to_string(), "a=1; Path=/".to_string()),
            ("Cache-Control".to_string(), "no-store".to_string()),
            (
                "Set-Cookie".to_string(),
                "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT".to_string()
            ),
        ],
        "the handler's header lines are written as given, in order, one line each: two \
         Set-Cookie lines must stay two lines (RFC 9110 §5.3)"
    );
}

#[test]
fn sets_content_length_from_the_body() {
    let written = write(&Response::new(200).with_body("héllo"), "GET");
    assert_eq!(
        written.all("Content-Length"),
        vec!["6"],
        "Content-Length is the number of OCTETS of the body (RFC 9110 §8.6): \"héllo\" is 6 \
         bytes in UTF-8, not 5 characters"
    );
    assert_eq!(
        written.body_text(),
        "héllo",
        "the body follows the head unchanged"
    );
}

#[test]
fn empty_body_has_content_length_zero() {
    let written = write(&Response::new(200), "GET");
    assert_eq!(
        written.all("Content-Length"),
        vec!["0"],
        "a 200 with an empty body says Content-Length: 0; without it the client cannot know the \
         body is empty and would read until the connection closes (RFC 9112 §6.3)"
    );
    assert_eq!(written.body_text(), "", "no body, no bytes after the head");
}

#[test]
fn body_is_binary_safe() {
    let body = vec![0u8, 13, 10, 13, 10, 255, 1];
    let written = write(&Response::new(200).with_body(body.clone()), "GET");
    assert_eq!(
        written.body, body,
        "a body is bytes: NUL, CRLF and 0xFF pass through untouched"
    );
    assert_eq!(written.all("Content-Length"), vec!["7"]);
}

#[test]
fn replaces_framing_headers_set_by_the_handler() {
    let response = Response::new(200)
        .with_header("Content-Length", "999")
        .with_header("transfer-encoding", "chunked")
        .with_body("hello");
    let written = write(&response, "GET");
    assert_eq!(
        written.all("Content-Length"),
        vec!["5"],
        "the writer frames the body it actually sends: a handler's Content-Length is replaced, \
         never repeated (two different lengths are an error to the client, RFC 9110 §8.6)"
    );
    assert!(
        written.all("Transfer-Encoding").is_empty(),
        "the body is sent with Content-Length, not chunked: a Transfer-Encoding from the handler \
         would contradict it (RFC 9112 §6.3), so it is dropped"
    );
}

#[test]
fn adds_a_date() {
    let written = write(&Response::new(404).with_body("not found"), "GET");
    assert_eq!(
        written.all("Date"),
        vec!["Sun, 06 Nov 1994 08:49:37 GMT"],
        "an origin server with a clock MUST send Date (RFC 9110 §6.6.1), formatted as \
         IMF-fixdate, from the `now` it is given"
    );
}

#[test]
fn keeps_a_date_set_by_the_handler() {
    let response = Response::new(200).with_header("date", "Mon, 01 Jan 2024 00:00:00 GMT");
    let written = write(&response, "GET");
    assert_eq!(
        written.all("Date"),
        vec!["Mon, 01 Jan 2024 00:00:00 GMT"],
        "when the handler set Date (in any case), it is kept and no second Date is added"
    );
}

#[test]
fn no_body_and_no_content_length_for_204() {
    let written = write(&Response::new(204).with_body("oops"), "DELETE");
    assert_eq!(written.status_line, "HTTP/1.1 204 No Content");
    assert_eq!(
        written.body_text(),
        "",
        "a 204 response cannot have content (RFC 9110 §15.3.5): the body is dropped"
    );
    assert!(
        written.all("Content-Length").is_empty(),
        "a server MUST NOT send Content-Length in a 204 response (RFC 9110 §8.6)"
    );
}

#[test]
fn no_body_and_no_content_length_for_1xx() {
    let response = Response::new(101)
        .with_header("Upgrade", "websocket")
        .with_header("Connection", "Upgrade");
    let written = write(&response, "GET");
    assert_eq!(
        written.body_text(),
        "",
        "a 1xx response ends with its head (RFC 9110 §15.2)"
    );
    assert!(
        written.all("Content-Length").is_empty(),
        "a server MUST NOT send Content-Length in a 1xx response (RFC 9110 §8.6)"
    );
}

#[test]
fn no_body_for_304() {
    let written = write(
        &Response::new(304)
            .with_header("ETag", "\"v1\"")
            .with_body("cached"),
        "GET",
    );
    assert_eq!(
        written.body_text(),
        "",
        "a 304 response cannot have content (RFC 9110 §15.4.5)"
    );
    assert!(
        written.all("Content-Length").is_empty(),
        "a 304 may only repeat the Content-Length of the 200 it stands for (RFC 9110 §8.6); the \
         body length here is not that, so none is sent"
    );
    assert_eq!(
        written.all("ETag"),
        vec!["\"v1\""],
        "the other headers of a 304 are sent as usual"
    );
}

#[test]
fn head_gets_the_content_length_of_get_but_no_body() {
    let response = Response::new(200).with_body("hello world");
    let written = write(&response, "HEAD");
    assert_eq!(
        written.all("Content-Length"),
        vec!["11"],
        "a response to HEAD has the header fields the GET response would have, Content-Length \
         included (RFC 9110 §9.3.2)"
    );
    assert_eq!(
        written.body_text(),
        "",
        "a server MUST NOT send content in a response to HEAD (RFC 9110 §9.3.2): the client \
         would read it as the start of the next response"
    );
    let get = write(&response, "GET");
    assert_eq!(
        get.body_text(),
        "hello world",
        "the same response to GET has its body"
    );
}

#[test]
fn rejects_invalid_status_codes() {
    for status in [0, 99, 600, 1000] {
        assert_eq!(
            serialize_text(&Response::new(status)),
            Err(ResponseError::InvalidStatus),
            "{status} is not a status code: valid ones are 100..=599 (RFC 9110 §15)"
        );
    }
}

#[test]
fn rejects_header_injection() {
    for value in [
        "/home\r\nSet-Cookie: admin=true",
        "/home\nX: y",
        "/home\rX: y",
        "a\0b",
    ] {
        let response = Response::new(302).with_header("Location", value);
        assert_eq!(
            serialize_text(&response),
            Err(ResponseError::InvalidHeaderValue),
            "{value:?}: written as is, the CR/LF would start a header line (or a whole response) \
             chosen by whoever controls the value: response splitting, CWE-113. A value must not \
             contain CR, LF or NUL (RFC 9110 §5.5)"
        );
    }
}

#[test]
fn rejects_invalid_header_names() {
    for name in ["", "Bad Name", "X:Y", "X\r\nY"] {
        let response = Response::new(200).with_header(name, "v");
        assert_eq!(
            serialize_text(&response),
            Err(ResponseError::InvalidHeaderName),
            "{name:?} is not a token, so it is not a field name (RFC 9110 §5.1)"
        );
    }
}
