//! The specification of `parse_request_line` (RFC 9112 §3, https://www.rfc-editor.org/rfc/rfc9112#section-3).
//! Lines are given without their CRLF.

use request_line::*;

#[track_caller]
fn parse_ok(line: &str) -> RequestLine {
    parse_request_line(line.as_bytes())
        .unwrap_or_else(|e| panic!("expected {line:?} to parse, got Err({e:?})"))
}

#[track_caller]
fn assert_rejected(line: &[u8], expected: ParseError, why: &str) {
    match parse_request_line(line) {
        Err(e) => assert_eq!(
            e,
            expected,
            "wrong error for {:?}. {why}",
            String::from_utf8_lossy(line)
        ),
        Ok(parsed) => panic!(
            "expected Err({expected:?}) for {:?}, got Ok({parsed:?}). {why}",
            String::from_utf8_lossy(line)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The three parts
// ---------------------------------------------------------------------------------------------

#[test]
fn parses_a_simple_get() {
    let req = parse_ok("GET /index.html HTTP/1.1");
    assert_eq!(
        req.method, "GET",
        "the method is the first part of the request line"
    );
    assert_eq!(
        req.target, "/index.html",
        "the request-target is the second"
    );
    assert_eq!(
        req.form,
        TargetForm::Origin,
        "a target starting with '/' is origin-form (RFC 9112 §3.2.1)"
    );
    assert_eq!(req.version, Version::Http11, "HTTP/1.1 is Version::Http11");
}

#[test]
fn parses_http_1_0() {
    let req = parse_ok("GET /test HTTP/1.0");
    assert_eq!(
        req.version,
        Version::Http10,
        "HTTP/1.0 is Version::Http10 (RFC 9112 §2.3)"
    );
}

#[test]
fn rejects_a_request_line_without_version() {
    assert_rejected(
        b"GET /",
        ParseError::MalformedRequestLine,
        "a request line needs all three parts; `GET /` alone is an HTTP/0.9 request, which \
         HTTP/1.1 servers do not accept",
    );
}

#[test]
fn rejects_a_request_line_without_single_spaces() {
    for line in [
        &b"GET  / HTTP/1.1"[..],
        b"GET / HTTP/1.1 ",
        b" GET / HTTP/1.1",
        b"GET /foo bar/ HTTP/1.1",
        b"GET\t/\tHTTP/1.1",
        b"",
    ] {
        assert_rejected(
            line,
            ParseError::MalformedRequestLine,
            "request-line = method SP request-target SP HTTP-version, with exactly one SP \
             between parts (RFC 9112 §3). Parsing on 'any whitespace' is what RFC 9112 §3 warns \
             can lead to request smuggling",
        );
    }
}

#[test]
fn rejects_an_empty_part() {
    for line in [&b" / HTTP/1.1"[..], b"GET  HTTP/1.1", b"GET / "] {
        assert_rejected(
            line,
            ParseError::MalformedRequestLine,
            "this line splits into three parts on SP, but one of them is empty: a method, a \
             target and a version are each at least one byte (RFC 9112 §3)",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The method (RFC 9110 §9.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn method_is_case_sensitive() {
    let req = parse_ok("get / HTTP/1.1");
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
        let line = format!("{method} /x HTTP/1.1");
        let req = parse_request_line(line.as_bytes()).unwrap_or_else(|e| {
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
    for line in [
        &b"GE(T / HTTP/1.1"[..],
        b"GET: / HTTP/1.1",
        b"G\"ET / HTTP/1.1",
        "GÉT / HTTP/1.1".as_bytes(),
        b"GE\x00T / HTTP/1.1",
    ] {
        assert_rejected(
            line,
            ParseError::InvalidMethod,
            "a method is a token: ALPHA, DIGIT and !#$%&'*+-.^_`|~ only (RFC 9110 §5.6.2, §9.1)",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The request-target (RFC 9112 §3.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn keeps_query_and_odd_characters_of_the_target() {
    let req = parse_ok("GET /test.cgi?foo=bar?baz HTTP/1.1");
    assert_eq!(
        req.target, "/test.cgi?foo=bar?baz",
        "the target is kept byte for byte (llhttp uri.md)"
    );
    let req = parse_ok("GET /with_\"lovely\"_quotes?q=| HTTP/1.1");
    assert_eq!(
        req.target, "/with_\"lovely\"_quotes?q=|",
        "real clients send '\"' and '|' unencoded; any visible ASCII byte is accepted in a target"
    );
}

#[test]
fn rejects_control_and_non_ascii_bytes_in_the_target() {
    for line in [
        "GET /δ¶/δt/pope?q=1 HTTP/1.1".as_bytes(),
        b"GET /a\x00b HTTP/1.1",
        b"GET /a\x7fb HTTP/1.1",
        b"GET /a\x0bb HTTP/1.1",
    ] {
        assert_rejected(
            line,
            ParseError::InvalidTarget,
            "a request-target is made of visible US-ASCII (RFC 9112 §3.2, RFC 3986): raw UTF-8 \
             must be percent-encoded, control bytes are never allowed (llhttp uri.md)",
        );
    }
}

#[test]
fn accepts_absolute_form() {
    for target in [
        "http://example.com/index.html",
        "http://hypnotoad.org?hail=all",
        "http://a%12:b!&*$@hypnotoad.org:1234/toto",
        "coap+tcp.v-2://h",
    ] {
        let req = parse_ok(&format!("GET {target} HTTP/1.1"));
        assert_eq!(
            req.form,
            TargetForm::Absolute,
            "{target:?} is absolute-form, used for requests to proxies; a server MUST accept it \
             (RFC 9112 §3.2.2). A scheme is a letter, then letters, digits, '+', '-', '.'"
        );
        assert_eq!(req.target, target, "the target is kept as sent");
    }
}

#[test]
fn rejects_absolute_form_without_host() {
    for target in ["http:///etc/passwd", "http://", "http://?q", "http://#f"] {
        assert_rejected(
            format!("GET {target} HTTP/1.1").as_bytes(),
            ParseError::InvalidTarget,
            "an http URI with an empty host (nothing between :// and the first / ? #) MUST be \
             rejected as invalid (RFC 9110 §4.2.1)",
        );
    }
}

#[test]
fn rejects_absolute_form_with_a_bad_scheme() {
    for target in ["1ab://h/", "://h/", "h_t://h/", "-x://h/", "ht%74p://h/"] {
        assert_rejected(
            format!("GET {target} HTTP/1.1").as_bytes(),
            ParseError::InvalidTarget,
            "scheme = ALPHA *( ALPHA / DIGIT / \"+\" / \"-\" / \".\" ) (RFC 3986 §3.1): it starts \
             with a letter and is not empty; anything else before :// is not absolute-form",
        );
    }
    assert_rejected(
        b"GET http:/h HTTP/1.1",
        ParseError::InvalidTarget,
        "absolute-form as HTTP uses it needs `://` and an authority after the scheme",
    );
}

#[test]
fn rejects_a_relative_target() {
    for target in ["index.html", "example.com:443", "h:80", "?q"] {
        assert_rejected(
            format!("GET {target} HTTP/1.1").as_bytes(),
            ParseError::InvalidTarget,
            "a target is one of the four forms of RFC 9112 §3.2; this is none of them \
             (`host:port` is authority-form, only for CONNECT, §3.2.3)",
        );
    }
}

#[test]
fn accepts_authority_form_for_connect() {
    for target in ["example.com:443", "home_0.netscape.com:443", "[::1]:8443"] {
        let req = parse_ok(&format!("CONNECT {target} HTTP/1.1"));
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
        "*",
        "example.com",
        "[::1]",
        ":443",
        "http://example.com:443/",
        "user@example.com:443",
        "example.com:https",
        "example.com:+443",
    ] {
        assert_rejected(
            format!("CONNECT {target} HTTP/1.1").as_bytes(),
            ParseError::InvalidTarget,
            "CONNECT takes only `host:port`: a non-empty host, a numeric port, no userinfo or \
             path (RFC 9112 §3.2.3, RFC 9110 §9.3.6)",
        );
    }
}

#[test]
fn accepts_asterisk_form_for_options() {
    let req = parse_ok("OPTIONS * HTTP/1.1");
    assert_eq!(
        req.form,
        TargetForm::Asterisk,
        "`OPTIONS *` asks about the server as a whole (RFC 9112 §3.2.4)"
    );
    let req = parse_ok("OPTIONS /x HTTP/1.1");
    assert_eq!(
        req.form,
        TargetForm::Origin,
        "OPTIONS may also ask about one resource, in origin-form"
    );
}

#[test]
fn asterisk_form_is_only_for_options() {
    for line in [
        &b"GET * HTTP/1.1"[..],
        b"options * HTTP/1.1",
        b"OPTIONS *x HTTP/1.1",
    ] {
        assert_rejected(
            line,
            ParseError::InvalidTarget,
            "asterisk-form is exactly `*`, and only for a server-wide OPTIONS request (RFC 9112 \
             §3.2.4; methods are case-sensitive)",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The HTTP version (RFC 9112 §2.3)
// ---------------------------------------------------------------------------------------------

#[test]
fn version_name_is_case_sensitive() {
    assert_rejected(
        b"GET / http/1.1",
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
        "HTTP/1.x",
        "HTTP/x.1",
        "HTTP/.1",
        "ICE/1.0",
        "HTTP-1.1",
    ] {
        assert_rejected(
            format!("GET / {version}").as_bytes(),
            ParseError::InvalidVersion,
            "HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT, exactly one digit on each side \
             (RFC 9112 §2.3)",
        );
    }
}

#[test]
fn rejects_other_major_versions_with_505() {
    for version in ["HTTP/2.0", "HTTP/0.9", "HTTP/5.6"] {
        assert_rejected(
            format!("GET / {version}").as_bytes(),
            ParseError::UnsupportedVersion,
            "a well-formed version of a major version the server does not speak is answered \
             with 505 HTTP Version Not Supported (RFC 9110 §15.6.6), not with 400",
        );
    }
    assert_eq!(ParseError::UnsupportedVersion.status(), 505);
    assert_eq!(ParseError::InvalidVersion.status(), 400);
}

#[test]
fn higher_minor_version_is_handled_as_http_1_1() {
    for version in ["HTTP/1.2", "HTTP/1.9"] {
        let req = parse_ok(&format!("GET / {version}"));
        assert_eq!(
            req.version,
            Version::Http11,
            "RFC 9110 §2.5: a message with a higher minor version than the recipient implements \
             is processed as if it were in the highest minor version it implements (1.1)"
        );
    }
}

#[test]
fn checks_the_method_first() {
    assert_rejected(
        b"GE(T relative HTTP/2.0",
        ParseError::InvalidMethod,
        "the method is checked first: one wrong line gives one predictable error",
    );
}
