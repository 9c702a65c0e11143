//! The specification of `parse_request`, `Request::header` and `validate_host`.
//! RFC 9112: https://www.rfc-editor.org/rfc/rfc9112 — RFC 9110: https://www.rfc-editor.org/rfc/rfc9110

use request_line::*;

/// Parses a complete head with the default limits.
fn parse(head: &[u8]) -> Result<Request, ParseError> {
    match parse_request(head, &Limits::default()) {
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
    match parse_request(head, &Limits::default()) {
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

// ---------------------------------------------------------------------------------------------
// The request line (RFC 9112 §3)
// ---------------------------------------------------------------------------------------------

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
fn parses_http_1_0() {
    let req = parse_ok(b"GET /test HTTP/1.0\r\nUser-Agent: ApacheBench/2.3\r\n\r\n");
    assert_eq!(
        req.version,
        Version::Http10,
        "HTTP/1.0 is Version::Http10 (RFC 9112 §2.3)"
    );
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
fn method_is_case_sensitive() {
    let req = parse_ok(b"get / HTTP/1.1\r\n\r\n");
    assert_eq!(
        req.method, "get",
        "RFC 9110 §9.1: the method token is case-sensitive. `get` is a valid token but not the \
         GET method: keep it as sent (the server will answer 501), never upper-case it"
    );
}

#[test]
fn accepts_any_token_as_method() {
    for method in [
        "PURGE",
        "PROPFIND",
        "MKCOLA",
        "X-Custom_1.0",
        "Q~'|!#$%&*+^`",
    ] {
        let head = format!("{method} /x HTTP/1.1\r\n\r\n");
        let req = parse(head.as_bytes()).unwrap_or_else(|e| {
            panic!(
                "{method:?} is a token (RFC 9110 §5.6.2), so it is a syntactically valid method \
                 (RFC 9110 §9.1); parsing must accept it (got Err({e:?})). Whether the server \
                 implements it is another question, answered with 501 later"
            )
        });
        assert_eq!(
            req.method, method,
            "the method must be kept exactly as sent"
        );
    }
}

#[test]
fn rejects_a_method_that_is_not_a_token() {
    for head in [
        &b"GE(T / HTTP/1.1\r\n\r\n"[..],
        b"GET: / HTTP/1.1\r\n\r\n",
        b"G\"ET / HTTP/1.1\r\n\r\n",
        "GÉT / HTTP/1.1\r\n\r\n".as_bytes(),
        b"GE\x00T / HTTP/1.1\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::InvalidMethod,
            "a method is a token: ALPHA, DIGIT and !#$%&'*+-.^_`|~ only (RFC 9110 §5.6.2, §9.1)",
        );
    }
}

#[test]
fn rejects_a_request_line_without_single_spaces() {
    for head in [
        &b"GET  / HTTP/1.1\r\n\r\n"[..],
        b"GET / HTTP/1.1 \r\n\r\n",
        b" GET / HTTP/1.1\r\n\r\n",
        b"GET /foo bar/ HTTP/1.1\r\n\r\n",
        b"GET\t/\tHTTP/1.1\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::MalformedRequestLine,
            "request-line = method SP request-target SP HTTP-version, with exactly one SP \
             between parts (RFC 9112 §3). Parsing on 'any whitespace' is what RFC 9112 §3 warns \
             can lead to request smuggling",
        );
    }
}

#[test]
fn rejects_a_request_line_without_version() {
    assert_rejected(
        b"GET /\r\n\r\n",
        ParseError::MalformedRequestLine,
        "a request line needs all three parts; `GET /` alone is an HTTP/0.9 request, which \
         HTTP/1.1 servers do not accept",
    );
}

#[test]
fn keeps_query_and_odd_characters_of_the_target() {
    let req = parse_ok(b"GET /test.cgi?foo=bar?baz HTTP/1.1\r\n\r\n");
    assert_eq!(
        req.target, "/test.cgi?foo=bar?baz",
        "the target is kept byte for byte (llhttp uri.md)"
    );
    let req = parse_ok(b"GET /with_\"lovely\"_quotes?q=| HTTP/1.1\r\n\r\n");
    assert_eq!(
        req.target, "/with_\"lovely\"_quotes?q=|",
        "real clients send '\"' and '|' unencoded; any visible ASCII byte is accepted in a target"
    );
}

#[test]
fn accepts_absolute_form() {
    for target in [
        "http://example.com/index.html",
        "http://hypnotoad.org?hail=all",
        "http://a%12:b!&*$@hypnotoad.org:1234/toto",
    ] {
        let req = parse_ok(format!("GET {target} HTTP/1.1\r\n\r\n").as_bytes());
        assert_eq!(
            req.form,
            TargetForm::Absolute,
            "{target:?} is absolute-form, used for requests to proxies; a server MUST accept it \
             (RFC 9112 §3.2.2)"
        );
        assert_eq!(req.target, target, "the target is kept as sent");
    }
}

#[test]
fn rejects_absolute_form_without_host() {
    assert_rejected(
        b"GET http:///etc/passwd HTTP/1.1\r\n\r\n",
        ParseError::InvalidTarget,
        "an http URI with an empty host MUST be rejected as invalid (RFC 9110 §4.2.1)",
    );
}

#[test]
fn accepts_authority_form_for_connect() {
    for target in ["example.com:443", "home_0.netscape.com:443", "[::1]:8443"] {
        let req = parse_ok(format!("CONNECT {target} HTTP/1.1\r\n\r\n").as_bytes());
        assert_eq!(
            req.form,
            TargetForm::Authority,
            "CONNECT {target} is authority-form: host and port (RFC 9112 §3.2.3)"
        );
    }
}

#[test]
fn connect_requires_authority_form() {
    for target in [
        "/",
        "example.com",
        "http://example.com:443/",
        "user@example.com:443",
        "example.com:https",
    ] {
        assert_rejected(
            format!("CONNECT {target} HTTP/1.1\r\n\r\n").as_bytes(),
            ParseError::InvalidTarget,
            "CONNECT takes only `host:port`, with a numeric port and no userinfo or path \
             (RFC 9112 §3.2.3, RFC 9110 §9.3.6)",
        );
    }
}

#[test]
fn authority_form_is_only_for_connect() {
    assert_rejected(
        b"GET example.com:443 HTTP/1.1\r\n\r\n",
        ParseError::InvalidTarget,
        "authority-form is only used for CONNECT requests (RFC 9112 §3.2.3)",
    );
}

#[test]
fn accepts_asterisk_form_for_options() {
    let req = parse_ok(b"OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n");
    assert_eq!(
        req.form,
        TargetForm::Asterisk,
        "`OPTIONS *` asks about the server as a whole (RFC 9112 §3.2.4)"
    );
}

#[test]
fn asterisk_form_is_only_for_options() {
    assert_rejected(
        b"GET * HTTP/1.1\r\n\r\n",
        ParseError::InvalidTarget,
        "asterisk-form is only used for a server-wide OPTIONS request (RFC 9112 §3.2.4)",
    );
}

#[test]
fn rejects_a_relative_target() {
    assert_rejected(
        b"GET index.html HTTP/1.1\r\n\r\n",
        ParseError::InvalidTarget,
        "a target is one of the four forms of RFC 9112 §3.2; `index.html` is none of them",
    );
}

#[test]
fn rejects_control_and_non_ascii_bytes_in_the_target() {
    for head in [
        "GET /δ¶/δt/pope?q=1 HTTP/1.1\r\n\r\n".as_bytes(),
        b"GET /a\x00b HTTP/1.1\r\n\r\n",
        b"GET /a\x7fb HTTP/1.1\r\n\r\n",
        b"GET /a\x0bb HTTP/1.1\r\n\r\n",
    ] {
        assert_rejected(
            head,
            ParseError::InvalidTarget,
            "a request-target is made of visible US-ASCII (RFC 9112 §3.2, RFC 3986): raw UTF-8 \
             must be percent-encoded, control bytes are never allowed (llhttp uri.md)",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The HTTP version (RFC 9112 §2.3)
// ---------------------------------------------------------------------------------------------

#[test]
fn version_name_is_case_sensitive() {
    assert_rejected(
        b"GET / http/1.1\r\n\r\n",
        ParseError::InvalidVersion,
        "HTTP-name is %s\"HTTP\": case-sensitive (RFC 9112 §2.3)",
    );
}

#[test]
fn rejects_malformed_versions() {
    for version in [
        "HTTP/1",
        "HTTP/1.",
        "HTTP/1.10",
        "HTTP/11",
        "HTTP/1,1",
        "HTTPS/1.1",
        "HTTP/a.b",
        "ICE/1.0",
    ] {
        assert_rejected(
            format!("GET / {version}\r\n\r\n").as_bytes(),
            ParseError::InvalidVersion,
            "HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT, exactly one digit on each side \
             (RFC 9112 §2.3)",
        );
    }
}

#[test]
fn rejects_other_major_versions_with_505() {
    for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/5.6"] {
        let head = format!("GET / {version}\r\n\r\n");
        assert_rejected(
            head.as_bytes(),
            ParseError::UnsupportedVersion,
            "a well-formed version of a major version the server does not speak is answered \
             with 505 HTTP Version Not Supported (RFC 9110 §15.6.6), not with 400",
        );
        assert_eq!(ParseError::UnsupportedVersion.status(), 505);
    }
}

#[test]
fn higher_minor_version_is_handled_as_http_1_1() {
    let req = parse_ok(b"GET / HTTP/1.2\r\n\r\n");
    assert_eq!(
        req.version,
        Version::Http11,
        "RFC 9110 §2.5: a message with a higher minor version than the recipient implements is \
         processed as if it were in the highest minor version it implements (1.1)"
    );
}

// ---------------------------------------------------------------------------------------------
// Line endings (RFC 9112 §2.2)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Field lines (RFC 9112 §5, RFC 9110 §5)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Bytes arriving in pieces
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_input_is_partial() {
    assert_eq!(
        parse_request(b"", &Limits::default()),
        Ok(Parsed::Partial),
        "no bytes yet is not an error: the client has not spoken yet"
    );
}

#[test]
fn every_prefix_of_a_head_is_partial() {
    let head = b"POST /post HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\n\r\n";
    for end in 0..head.len() {
        let got = parse_request(&head[..end], &Limits::default());
        assert_eq!(
            got,
            Ok(Parsed::Partial),
            "after receiving only {:?} the head is not complete yet but nothing is wrong: \
             the answer must be Partial (including when the buffer ends in the CR of a CRLF)",
            String::from_utf8_lossy(&head[..end])
        );
    }
    assert!(
        matches!(
            parse_request(head, &Limits::default()),
            Ok(Parsed::Complete { .. })
        ),
        "once the empty line has arrived, the head is Complete"
    );
}

#[test]
fn head_len_stops_at_the_empty_line() {
    let buf = b"POST /aaa HTTP/1.1\r\nContent-Length: 3\r\n\r\nAAAPUT /bbb HTTP/1.1\r\n";
    let Ok(Parsed::Complete { request, head_len }) = parse_request(buf, &Limits::default()) else {
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

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

fn small_limits() -> Limits {
    Limits {
        max_request_line: 64,
        max_header_line: 64,
        max_headers: 4,
    }
}

/// A request line of exactly `len` bytes.
fn request_line_of(len: usize) -> String {
    let fixed = "GET / HTTP/1.1".len();
    format!("GET /{} HTTP/1.1", "a".repeat(len - fixed))
}

#[test]
fn request_line_at_the_limit_is_accepted() {
    let head = format!("{}\r\n\r\n", request_line_of(64));
    assert!(
        matches!(
            parse_request(head.as_bytes(), &small_limits()),
            Ok(Parsed::Complete { .. })
        ),
        "a request line of exactly max_request_line bytes (not counting CRLF) is allowed"
    );
}

#[test]
fn rejects_a_request_line_over_the_limit_with_414() {
    let head = format!("{}\r\n\r\n", request_line_of(65));
    assert_eq!(
        parse_request(head.as_bytes(), &small_limits()),
        Err(ParseError::RequestLineTooLong),
        "a request line longer than max_request_line is refused; a server receiving a target \
         longer than it wishes to parse MUST answer 414 URI Too Long (RFC 9112 §3)"
    );
    assert_eq!(ParseError::RequestLineTooLong.status(), 414);
}

#[test]
fn rejects_an_endless_request_line_without_waiting_for_its_end() {
    let buf = format!("GET /{}", "a".repeat(100_000));
    assert_eq!(
        parse_request(buf.as_bytes(), &Limits::default()),
        Err(ParseError::RequestLineTooLong),
        "100 kB without a CRLF: the line is already over the limit, so it can never be \
         accepted. Answering Partial here would let one client make the server buffer forever"
    );
}

#[test]
fn rejects_a_header_line_over_the_limit_with_431() {
    let long = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "b".repeat(100));
    assert_eq!(
        parse_request(long.as_bytes(), &small_limits()),
        Err(ParseError::HeaderLineTooLong),
        "a field line longer than max_header_line is refused with 431 Request Header Fields \
         Too Large (RFC 6585 §5)"
    );
    let endless = format!("GET / HTTP/1.1\r\nX-Big: {}", "b".repeat(100_000));
    assert_eq!(
        parse_request(endless.as_bytes(), &Limits::default()),
        Err(ParseError::HeaderLineTooLong),
        "an unfinished field line already over the limit is refused without waiting for its CRLF"
    );
    assert_eq!(ParseError::HeaderLineTooLong.status(), 431);
}

#[test]
fn header_count_limit() {
    let four = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    assert!(
        matches!(
            parse_request(four.as_bytes(), &small_limits()),
            Ok(Parsed::Complete { .. })
        ),
        "exactly max_headers field lines are allowed"
    );
    let five = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n";
    assert_eq!(
        parse_request(five.as_bytes(), &small_limits()),
        Err(ParseError::TooManyHeaders),
        "one field line more than max_headers is refused with 431 (RFC 6585 §5)"
    );
    assert_eq!(ParseError::TooManyHeaders.status(), 431);
}

// ---------------------------------------------------------------------------------------------
// Host (RFC 9112 §3.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn accepts_a_valid_host() {
    for host in [
        "example.com",
        "example.com:8080",
        "[::1]:8080",
        "127.0.0.1",
        "",
    ] {
        let req = parse_ok(format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(
            validate_host(&req),
            Ok(()),
            "Host: {host:?} is uri-host [\":\" port] (RFC 9110 §7.2); an empty value is allowed \
             when the target has no authority"
        );
    }
}

#[test]
fn rejects_http_1_1_without_host() {
    let req = parse_ok(b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    assert_eq!(
        validate_host(&req),
        Err(ParseError::InvalidHost),
        "a server MUST respond 400 to an HTTP/1.1 request without a Host field (RFC 9112 §3.2)"
    );
}

#[test]
fn accepts_http_1_0_without_host() {
    let req = parse_ok(b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(
        validate_host(&req),
        Ok(()),
        "Host is only required from HTTP/1.1 on"
    );
}

#[test]
fn rejects_more_than_one_host() {
    let req = parse_ok(b"GET / HTTP/1.1\r\nHost: good.example\r\nhost: evil.example\r\n\r\n");
    assert_eq!(
        validate_host(&req),
        Err(ParseError::InvalidHost),
        "a server MUST respond 400 to a request with more than one Host field line (RFC 9112 \
         §3.2): which one a proxy and a server each pick is how cache poisoning happens"
    );
}

#[test]
fn rejects_an_invalid_host_value() {
    for host in [
        "example.com/evil",
        "user@example.com",
        "a.example, b.example",
        "example.com:80a",
    ] {
        let req = parse_ok(format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(
            validate_host(&req),
            Err(ParseError::InvalidHost),
            "Host: {host:?} is not uri-host [\":\" port]; a server MUST answer 400 (RFC 9112 §3.2)"
        );
    }
}
