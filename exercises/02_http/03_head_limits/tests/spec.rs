//! The specification of the limits of `parse_request`, and of `validate_host`.
//! RFC 9112: https://www.rfc-editor.org/rfc/rfc9112 — RFC 9110: https://www.rfc-editor.org/rfc/rfc9110

use head_limits::*;

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
fn an_unfinished_request_line_at_the_limit_is_partial() {
    let line = request_line_of(64);
    for received in [line.clone(), format!("{line}\r")] {
        assert_eq!(
            parse_request(received.as_bytes(), &small_limits()),
            Ok(Parsed::Partial),
            "{received:?} is a request line of exactly max_request_line (64) bytes whose CRLF has \
             not (fully) arrived: it may still end right there, so it is Partial, not an error. \
             A final CR does not count: it may be the first half of the CRLF"
        );
    }
    let over = request_line_of(65);
    assert_eq!(
        parse_request(over.as_bytes(), &small_limits()),
        Err(ParseError::RequestLineTooLong),
        "65 bytes of request line have arrived, without a CRLF: it can only end up over the \
         64-byte limit, so it is refused now, without waiting for the rest"
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
fn an_unfinished_header_line_at_the_limit_is_partial() {
    let field = format!("X-Big: {}", "b".repeat(64 - "X-Big: ".len()));
    for pending in [field.clone(), format!("{field}\r")] {
        let received = format!("GET / HTTP/1.1\r\n{pending}");
        assert_eq!(
            parse_request(received.as_bytes(), &small_limits()),
            Ok(Parsed::Partial),
            "the field line {pending:?} is exactly max_header_line (64) bytes and its CRLF has not \
             (fully) arrived: Partial, not an error"
        );
    }
    let received = format!("GET / HTTP/1.1\r\n{field}b");
    assert_eq!(
        parse_request(received.as_bytes(), &small_limits()),
        Err(ParseError::HeaderLineTooLong),
        "65 bytes of a field line have arrived: over the limit before its end, refused now"
    );
    let complete = format!("GET / HTTP/1.1\r\n{field}\r\n\r\n");
    assert!(
        matches!(
            parse_request(complete.as_bytes(), &small_limits()),
            Ok(Parsed::Complete { .. })
        ),
        "a field line of exactly max_header_line bytes, not counting its CRLF, is allowed"
    );
}

#[test]
fn the_request_line_and_field_lines_have_their_own_limits() {
    let limits = Limits {
        max_request_line: 20,
        max_header_line: 40,
        max_headers: 4,
    };
    let field = format!("X: {}", "v".repeat(30));
    let head = format!("GET / HTTP/1.1\r\n{field}\r\n\r\n");
    assert!(
        matches!(
            parse_request(head.as_bytes(), &limits),
            Ok(Parsed::Complete { .. })
        ),
        "a {}-byte field line is within max_header_line (40), even though it is longer than \
         max_request_line (20): each kind of line has its own limit",
        field.len()
    );
    let line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20));
    assert_eq!(
        parse_request(line.as_bytes(), &limits),
        Err(ParseError::RequestLineTooLong),
        "a 30-byte request line is over max_request_line (20), whatever max_header_line is"
    );
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

#[test]
fn accepts_a_valid_host() {
    for host in [
        "example.com",
        "example.com:8080",
        "[::1]:8080",
        "[::1]",
        "127.0.0.1",
        "h:80",
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
        "h:+80",
        "h:-1",
        "h:99999",
        "[::1]x",
        "exa mple.com",
    ] {
        let req = parse_ok(format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes());
        assert_eq!(
            validate_host(&req),
            Err(ParseError::InvalidHost),
            "Host: {host:?} is not uri-host [\":\" port]; a server MUST answer 400 (RFC 9112 §3.2)"
        );
    }
}

#[test]
fn rejects_http_1_0_with_two_hosts() {
    let req = parse_ok(b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n");
    assert_eq!(
        validate_host(&req),
        Err(ParseError::InvalidHost),
        "HTTP/1.0 may omit Host, but two Host fields are as ambiguous as in HTTP/1.1"
    );
}

#[test]
fn validates_an_http_1_0_host_too() {
    let req = parse_ok(b"GET / HTTP/1.0\r\nHost: a/b\r\n\r\n");
    assert_eq!(
        validate_host(&req),
        Err(ParseError::InvalidHost),
        "an HTTP/1.0 request may omit Host, but a Host it sends must still be valid"
    );
}
