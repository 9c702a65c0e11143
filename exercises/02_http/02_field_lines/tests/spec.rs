//! The specification of `parse_request`, `Request::header` and `validate_host`.
//! RFC 9112: https://www.rfc-editor.org/rfc/rfc9112 — RFC 9110: https://www.rfc-editor.org/rfc/rfc9110

use field_lines::*;

/// Parses a complete head with the default limits.
fn parse(head: &[u8]) -> Result<Request, ParseError> {
    match parse_request(head) {
        Ok(Parsed::Complete { request, head_len }) => {
            assert_eq!(
                head_len,
                head.len(),
                "head_len must count every byte of the head, up to and including the empty line \
                 that ends it, for {:?}",
                String::from_utf8_lossy(head)
            );
            Ok(request)
        }
        Ok(Parsed::Partial) => panic!(
            "parse_request returned Partial, but this head is complete (it ends with an empty \
             line): {:?}",
            String::from_utf8_lossy(head)
        ),
        Err(e) => Err(e),
    }
}

fn parse_ok(head: &[u8]) -> Request {
    parse(head).unwrap_or_else(|e| {
        panic!(
            "expected {:?} to parse, got Err({e:?})",
            String::from_utf8_lossy(head)
        )
    })
}

#[track_caller]
fn assert_rejected(head: &[u8], expected: ParseError, why: &str) {
    match parse_request(head) {
        Err(e) => assert_eq!(
            e,
            expected,
            "wrong error for {:?}. {why}",
            String::from_utf8_lossy(head)
        ),
        Ok(parsed) => panic!(
            "expected Err({expected:?}) for {:?}, got Ok({parsed:?}). {why}",
            String::from_utf8_lossy(head)
        ),
    }
}

fn value(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

#[test]
fn parses_a_simple_get() {
    let req = parse_ok(b"GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(
        req.method, "GET",
        "the method is the first word of the request line"
    );
    assert_eq!(
        req.target, "/index.html",
        "the request-target is the second word"
    );
    assert_eq!(
        req.form,
        TargetForm::Origin,
        "a target starting with '/' is origin-form (RFC 9112 §3.2.1)"
    );
    assert_eq!(req.version, Version::Http11, "HTTP/1.1 is Version::Http11");
    assert_eq!(req.headers.len(), 1, "one field line was sent");
}

#[test]
fn parses_a_head_without_headers() {
    let req = parse_ok(b"GET /get_no_headers_no_body/world HTTP/1.1\r\n\r\n");
    assert!(
        req.headers.is_empty(),
        "a head may have no field lines at all (RFC 9112 §2.1: *( field-line CRLF ))"
    );
}

#[test]
fn rejects_a_bare_lf_after_the_request_line() {
    assert_rejected(
        b"GET / HTTP/1.1\nHost: a\n\n",
        ParseError::BadLineEnding,
        "lines end in CRLF. RFC 9112 §2.2 allows a recipient to accept a bare LF, but parsers \
         that disagree on line ends are how requests get smuggled: this parser rejects it",
    );
}

#[test]
fn rejects_a_bare_lf_between_headers() {
    // llhttp test/request/invalid.md, "Missing CR between headers": to a parser that accepts
    // bare LF this head carries a Content-Length; to one that does not, `Content-Length: 23`
    // is part of the Dummy value. One request, two readings: request smuggling.
    assert_rejected(
        b"GET / HTTP/1.1\r\nHost: localhost\r\nDummy: x\nContent-Length: 23\r\n\r\n",
        ParseError::BadLineEnding,
        "a bare LF inside the header section must be rejected, not read as a line end",
    );
}

#[test]
fn rejects_a_bare_cr() {
    for head in [
        &b"GET / HTTP/1.1\rHost: a\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nFoo: 1\rBar: 2\r\n\r\n",
        b"GET / HTTP/1.1\r\nConnection: keep\ralive\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: a\r\n\rZGET /evil: HTTP/1.1\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::BadLineEnding,
            "a CR not followed by LF MUST be treated as invalid (RFC 9112 §2.2)",
        );
    }
}

#[test]
fn ignores_empty_lines_before_the_request_line() {
    let head = b"\r\n\r\nGET /url HTTP/1.1\r\nHeader1: Value1\r\n\r\n";
    let req = parse(head).unwrap_or_else(|e| {
        panic!(
            "a server SHOULD ignore empty lines (CRLF) received before the request line \
             (RFC 9112 §2.2), got Err({e:?})"
        )
    });
    assert_eq!(req.method, "GET");
    assert_eq!(req.target, "/url");
}

#[test]
fn parses_fields_in_order_with_names_as_sent() {
    let req = parse_ok(
        b"GET /favicon.ico HTTP/1.1\r\nHost: 0.0.0.0=5000\r\nAccept-Language: en-us,en;q=0.5\r\n\
          conTENT-Length: 0\r\n\r\n",
    );
    let got: Vec<(&str, String)> = req
        .headers
        .iter()
        .map(|h| (h.name.as_str(), value(&h.value)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Host", "0.0.0.0=5000".to_string()),
            ("Accept-Language", "en-us,en;q=0.5".to_string()),
            ("conTENT-Length", "0".to_string()),
        ],
        "headers keep their order and the name exactly as the client spelled it"
    );
}

#[test]
fn value_may_contain_colons() {
    let req = parse_ok(b"GET / HTTP/1.1\r\nHost: example.com:8080\r\nX-Time: 12:30:00\r\n\r\n");
    assert_eq!(
        value(&req.headers[0].value),
        "example.com:8080",
        "the name ends at the FIRST colon"
    );
    assert_eq!(
        value(&req.headers[1].value),
        "12:30:00",
        "the name ends at the FIRST colon"
    );
}

#[test]
fn trims_optional_whitespace_around_values() {
    let req = parse_ok(b"OPTIONS /url HTTP/1.1\r\nHeader1: Value1\r\nHeader2:\t Value2 \t\r\nSpaced:   a  b   \r\n\r\n");
    assert_eq!(value(&req.headers[0].value), "Value1");
    assert_eq!(
        value(&req.headers[1].value),
        "Value2",
        "OWS (SP and HTAB) before and after the value is not part of it (RFC 9112 §5.1)"
    );
    assert_eq!(
        value(&req.headers[2].value),
        "a  b",
        "whitespace INSIDE a value is part of the value and must be kept"
    );
}

#[test]
fn accepts_an_empty_value() {
    let req = parse_ok(b"GET / HTTP/1.1\r\nX-Empty:\r\nX-Blank:   \r\n\r\n");
    assert_eq!(req.headers.len(), 2);
    assert!(
        req.headers[0].value.is_empty(),
        "field-value = *field-content: it may be empty (RFC 9110 §5.5)"
    );
    assert!(
        req.headers[1].value.is_empty(),
        "a value of only OWS is empty once the OWS is removed"
    );
}

#[test]
fn accepts_obs_text_in_values_as_bytes() {
    let req = parse_ok("GET / HTTP/1.1\r\nTest: Düsseldorf\r\n\r\n".as_bytes());
    assert_eq!(
        req.headers[0].value,
        "Düsseldorf".as_bytes(),
        "bytes >= 0x80 (obs-text) are allowed in values (RFC 9110 §5.5)"
    );
    let req = parse_ok(b"OPTIONS /url HTTP/1.1\r\nHeader2: \xffValue2\r\n\r\n");
    assert_eq!(
        req.headers[0].value, b"\xffValue2",
        "obs-text need not be UTF-8: a recipient treats it as opaque data (RFC 9110 §5.5, llhttp sample.md)"
    );
}

#[test]
fn header_lookup_is_case_insensitive() {
    let req = parse_ok(b"POST / HTTP/1.1\r\nContent-Type: text/plain\r\nHost: a\r\n\r\n");
    assert_eq!(
        req.header("content-type"),
        Some(&b"text/plain"[..]),
        "field names are case-insensitive (RFC 9110 §5.1)"
    );
    assert_eq!(
        req.header("CONTENT-TYPE"),
        Some(&b"text/plain"[..]),
        "field names are case-insensitive"
    );
    assert_eq!(req.header("Host"), Some(&b"a"[..]));
}

#[test]
fn header_lookup_returns_none_when_absent() {
    let req = parse_ok(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_eq!(req.header("Accept"), None, "no Accept field was sent");
    assert_eq!(
        req.header("Hos"),
        None,
        "names are compared whole, not by prefix"
    );
}

#[test]
fn rejects_whitespace_between_name_and_colon() {
    for head in [
        &b"PUT /url HTTP/1.1\r\nContent-Length : 4\r\n\r\n"[..],
        b"PUT /url HTTP/1.1\r\nConnection\t: upgrade\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::WhitespaceBeforeColon,
            "RFC 9112 §5.1: no whitespace is allowed between the field name and colon; a \
             server MUST reject such a request with 400 (proxies that strip the space and \
             proxies that keep it would disagree on the name)",
        );
    }
}

#[test]
fn rejects_obs_fold() {
    assert_rejected(
        b"GET / HTTP/1.1\r\nX-Long: first part\r\n  second part\r\n\r\n",
        ParseError::ObsFold,
        "a line starting with SP or HTAB continues the previous value (obs-fold); it is \
         deprecated and a server must reject it or replace it; this parser rejects (RFC 9112 §5.2)",
    );
}

#[test]
fn rejects_whitespace_before_the_first_field() {
    assert_rejected(
        b"GET / HTTP/1.1\r\n Host: foo\r\n\r\n",
        ParseError::ObsFold,
        "whitespace between the request line and the first field MUST be rejected or the line \
         ignored (RFC 9112 §2.2); this parser rejects it",
    );
}

#[test]
fn rejects_a_field_line_without_colon() {
    assert_rejected(
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection\r\n\r\n",
        ParseError::InvalidHeaderName,
        "field-line = field-name \":\" OWS field-value OWS: the colon is required (RFC 9112 §5)",
    );
}

#[test]
fn rejects_an_empty_field_name() {
    assert_rejected(
        b"GET / HTTP/1.1\r\n: Bar\r\n\r\n",
        ParseError::InvalidHeaderName,
        "a field name is a token: at least one tchar (RFC 9110 §5.1)",
    );
}

#[test]
fn rejects_field_names_that_are_not_tokens() {
    for head in [
        &b"GET / HTTP/1.1\r\nFo@: Failure\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nFoo\x01\test: Bar\r\n\r\n",
        b"GET / HTTP/1.1\r\nX Forwarded: a\r\n\r\n",
        "GET / HTTP/1.1\r\nCafé: a\r\n\r\n".as_bytes(),
        b"GET / HTTP/1.1\r\nA(b): c\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::InvalidHeaderName,
            "field-name = token: ALPHA, DIGIT and !#$%&'*+-.^_`|~ only (RFC 9110 §5.1, §5.6.2)",
        );
    }
}

#[test]
fn rejects_control_bytes_in_values() {
    for head in [
        &b"GET /url HTTP/1.1\r\nHeader1: hello\x0cworld\r\n\r\n"[..],
        b"GET /url HTTP/1.1\r\nHeader1: \x0c\r\n\r\n",
        b"GET /url HTTP/1.1\r\nHeader1: a\x00b\r\n\r\n",
        b"GET /url HTTP/1.1\r\nHeader1: a\x7fb\r\n\r\n",
        b"GET /url HTTP/1.1\r\nHeader1: a\x1bb\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::InvalidHeaderValue,
            "a field value holds visible ASCII, SP, HTAB and obs-text only; NUL and the other \
             control bytes (here form feed, NUL, DEL or ESC) are invalid (RFC 9110 §5.5, llhttp \
             lenient-header-value-relaxed.md)",
        );
    }
}

#[test]
fn empty_input_is_partial() {
    assert_eq!(
        parse_request(b""),
        Ok(Parsed::Partial),
        "no bytes yet is not an error: the client has not spoken yet"
    );
}

#[test]
fn every_prefix_of_a_head_is_partial() {
    let head = b"POST /post HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n\r\n";
    for end in 0..head.len() {
        let got = parse_request(&head[..end]);
        assert_eq!(
            got,
            Ok(Parsed::Partial),
            "after receiving only {:?} the head is not complete yet but nothing is wrong: \
             the answer must be Partial (including when the buffer ends in the CR of a CRLF)",
            String::from_utf8_lossy(&head[..end])
        );
    }
    assert!(
        matches!(parse_request(head), Ok(Parsed::Complete { .. })),
        "once the empty line has arrived, the head is Complete"
    );
}

#[test]
fn head_len_stops_at_the_empty_line() {
    let buf = b"POST /aaa HTTP/1.1\r\nContent-Length: 3\r\n\r\nAAAPUT /bbb HTTP/1.1\r\n";
    let Ok(Parsed::Complete { request, head_len }) = parse_request(buf) else {
        panic!("the head of this buffer is complete (llhttp pipelining.md)");
    };
    assert_eq!(
        head_len, 41,
        "head_len covers the request line, the field lines and the empty line; the body \
         (\"AAA\") and the next pipelined request are not part of the head"
    );
    assert_eq!(&buf[head_len..head_len + 3], b"AAA");
    assert_eq!(request.target, "/aaa");
}

#[test]
fn reports_errors_before_the_head_is_complete() {
    assert_rejected(
        b"GET / HTTP/1.1\r\nHost : a\r\n",
        ParseError::WhitespaceBeforeColon,
        "a complete line that is invalid is an error right away; waiting for the rest of the \
         head would only waste the server's memory",
    );
}

#[test]
fn request_line_errors_come_from_step_1() {
    assert_rejected(
        b"GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        ParseError::UnsupportedVersion,
        "the request line is parsed by parse_request_line (step 1): pass its error on",
    );
    assert_rejected(
        b"GE(T / HTTP/1.1\r\n",
        ParseError::InvalidMethod,
        "a complete request line that is invalid is an error right away, before the fields",
    );
}

#[test]
fn rejects_a_bare_cr_before_the_line_is_complete() {
    assert_rejected(
        b"GET / HTTP/1.1\r\nFoo: 1\rBar",
        ParseError::BadLineEnding,
        "a CR followed by anything but LF is already invalid; only a CR that is the last byte \
         received may still be the first half of a CRLF",
    );
}
