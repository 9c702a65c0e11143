//! The specification of `reason_phrase`, `status_class` and `status_line`.
//! RFC 9110 §15: https://www.rfc-editor.org/rfc/rfc9110#section-15 — RFC 9112 §4: https://www.rfc-editor.org/rfc/rfc9112#section-4

use status_line::*;

// ---------------------------------------------------------------------------------------------
// Status codes and reason phrases (RFC 9110 §15)
// ---------------------------------------------------------------------------------------------

#[test]
fn reason_phrases_of_rfc_9110() {
    let table = [
        (100, "Continue"),
        (101, "Switching Protocols"),
        (200, "OK"),
        (201, "Created"),
        (202, "Accepted"),
        (203, "Non-Authoritative Information"),
        (204, "No Content"),
        (205, "Reset Content"),
        (206, "Partial Content"),
        (300, "Multiple Choices"),
        (301, "Moved Permanently"),
        (302, "Found"),
        (303, "See Other"),
        (304, "Not Modified"),
        (305, "Use Proxy"),
        (307, "Temporary Redirect"),
        (308, "Permanent Redirect"),
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (402, "Payment Required"),
        (403, "Forbidden"),
        (404, "Not Found"),
        (405, "Method Not Allowed"),
        (406, "Not Acceptable"),
        (407, "Proxy Authentication Required"),
        (408, "Request Timeout"),
        (409, "Conflict"),
        (410, "Gone"),
        (411, "Length Required"),
        (412, "Precondition Failed"),
        (414, "URI Too Long"),
        (415, "Unsupported Media Type"),
        (416, "Range Not Satisfiable"),
        (417, "Expectation Failed"),
        (421, "Misdirected Request"),
        (426, "Upgrade Required"),
        (500, "Internal Server Error"),
        (501, "Not Implemented"),
        (502, "Bad Gateway"),
        (503, "Service Unavailable"),
        (504, "Gateway Timeout"),
        (505, "HTTP Version Not Supported"),
    ];
    for (code, phrase) in table {
        assert_eq!(
            reason_phrase(code),
            Some(phrase),
            "RFC 9110 §15 names status {code} {phrase:?}"
        );
    }
}

#[test]
fn reason_phrases_use_the_current_names() {
    assert_eq!(
        reason_phrase(413),
        Some("Content Too Large"),
        "RFC 9110 §15.5.14 renamed 413 (formerly \"Payload Too Large\", before that \"Request \
         Entity Too Large\")"
    );
    assert_eq!(
        reason_phrase(422),
        Some("Unprocessable Content"),
        "RFC 9110 §15.5.21 brought 422 into HTTP as \"Unprocessable Content\" (WebDAV called it \
         \"Unprocessable Entity\")"
    );
}

#[test]
fn reason_phrases_of_rfc_6585() {
    for (code, phrase) in [
        (428, "Precondition Required"),
        (429, "Too Many Requests"),
        (431, "Request Header Fields Too Large"),
        (511, "Network Authentication Required"),
    ] {
        assert_eq!(
            reason_phrase(code),
            Some(phrase),
            "RFC 6585 names status {code} {phrase:?}"
        );
    }
}

#[test]
fn unknown_codes_have_no_reason_phrase() {
    for code in [299, 306, 418, 420, 499, 599] {
        assert_eq!(
            reason_phrase(code),
            None,
            "{code} is not defined by RFC 9110 or RFC 6585 (306 and 418 are marked \"(Unused)\" \
             in RFC 9110 §15.4.7 and §15.5.19)"
        );
    }
}

#[test]
fn status_class_is_the_first_digit() {
    for (code, class) in [
        (100, StatusClass::Informational),
        (199, StatusClass::Informational),
        (200, StatusClass::Successful),
        (299, StatusClass::Successful),
        (304, StatusClass::Redirection),
        (404, StatusClass::ClientError),
        (300, StatusClass::Redirection),
        (399, StatusClass::Redirection),
        (400, StatusClass::ClientError),
        (451, StatusClass::ClientError),
        (499, StatusClass::ClientError),
        (500, StatusClass::ServerError),
        (599, StatusClass::ServerError),
    ] {
        assert_eq!(
            status_class(code),
            Some(class),
            "the first digit of {code} defines its class (RFC 9110 §15); a client treats an \
             unknown code as the x00 of its class, so even unregistered codes have one"
        );
    }
}

#[test]
fn codes_outside_100_to_599_have_no_class() {
    for code in [0, 99, 600, 999, 1000] {
        assert_eq!(
            status_class(code),
            None,
            "{code} is not a valid status code: valid ones are 100..=599 (RFC 9110 §15)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The status line (RFC 9112 §4)
// ---------------------------------------------------------------------------------------------

#[test]
fn writes_the_status_line() {
    for (status, line) in [
        (200, "HTTP/1.1 200 OK\r\n"),
        (404, "HTTP/1.1 404 Not Found\r\n"),
        (413, "HTTP/1.1 413 Content Too Large\r\n"),
        (100, "HTTP/1.1 100 Continue\r\n"),
        (599, "HTTP/1.1 599 \r\n"),
    ] {
        assert_eq!(
            status_line(status).as_deref(),
            Some(line),
            "status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF (RFC 9112 §4)"
        );
    }
}

#[test]
fn unknown_codes_keep_the_space_before_the_empty_reason() {
    for status in [299, 306, 418] {
        assert_eq!(
            status_line(status),
            Some(format!("HTTP/1.1 {status} \r\n")),
            "{status} has no registered phrase: the phrase is empty, but the SP before it is not \
             optional (RFC 9112 §4), and a client needs the code, not the phrase"
        );
    }
}

#[test]
fn codes_outside_100_to_599_have_no_status_line() {
    for status in [0, 99, 600, 1000, u16::MAX] {
        assert_eq!(
            status_line(status),
            None,
            "{status} is not a status code (valid ones are 100..=599, RFC 9110 §15): writing it \
             would send a response no client can read"
        );
    }
}
