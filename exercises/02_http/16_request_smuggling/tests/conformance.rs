//! Conformance with the llhttp test fixtures (nodejs/llhttp, test/request/transfer-encoding.md
//! and content-length.md). llhttp is the HTTP/1 parser of Node.js; for each request, its log
//! says either how it framed the body (the flags and content_length of `headers complete`) or
//! that it refused the request before reaching the body (an `error` line). `body_framing` must
//! reach the same verdict. The fixtures are read at test time from shared/vectors/http1/ (or
//! $BACKLINGS_VECTORS/http1/); the test is skipped when they are missing.

use request_smuggling::{Framing, Version, body_framing};
use testkit::llhttp::{Event, REQUEST_FIXTURES, parse_fixtures};
use testkit::vectors;

/// llhttp flag bits (llhttp.h, enum llhttp_flags).
const F_CHUNKED: u32 = 0x8;
const F_CONTENT_LENGTH: u32 = 0x20;

/// What llhttp decided: `Err(())` when it refused the request at or before the end of the head
/// (errors in chunk data come later and are chunked_body's business), else the framing.
fn llhttp_verdict(log: &[Event]) -> Result<Framing, ()> {
    let headers = log.iter().find(|e| e.what.starts_with("headers complete "));
    let error = log.iter().find(|e| e.what.starts_with("error code="));
    match (headers, error) {
        (None, _) => Err(()),
        (Some(h), Some(e)) if e.off <= h.off => Err(()),
        (Some(h), _) => {
            let field = |name: &str| h.field(name).expect("headers complete has this field");
            let flags = u32::from_str_radix(field("flags"), 16).expect("hex flags");
            Ok(if flags & F_CHUNKED != 0 {
                Framing::Chunked
            } else if flags & F_CONTENT_LENGTH != 0 {
                Framing::ContentLength(field("content_length").parse().expect("a length"))
            } else {
                Framing::NoBody
            })
        }
    }
}

/// The request's version and its header fields split at the first colon, nothing trimmed;
/// `None` when a line of the head is not `name:value`. Some fixtures stop right after the header
/// line that llhttp refuses, without the empty line: their head is the whole input.
fn split_head(input: &str) -> Option<(Version, Vec<(&str, &str)>)> {
    let head = match input.split_once("\r\n\r\n") {
        Some((head, _body)) => head,
        None => input.strip_suffix("\r\n").unwrap_or(input),
    };
    let mut lines = head.split("\r\n");
    let version = match lines.next()?.rsplit(' ').next()? {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        _ => return None,
    };
    let fields = lines
        .map(|line| line.split_once(':'))
        .collect::<Option<Vec<_>>>()?;
    Some((version, fields))
}

#[test]
fn llhttp_framing_fixtures() {
    for file in ["transfer-encoding.md", "content-length.md"] {
        let Some(path) = vectors::path(&format!("{REQUEST_FIXTURES}/{file}")) else {
            continue;
        };
        let (mut ran, mut excluded) = (0, 0);
        for case in parse_fixtures(&path) {
            // Excluded: llhttp's lenient modes deliberately accept what RFC 9112 rejects.
            if case.meta["type"] != "request" {
                excluded += 1;
                continue;
            }
            // Excluded: a head line that is not `name:value` (here: a bare CR where the empty
            // line should be): that is head syntax, the business of field_lines and http_headers.
            let input = String::from_utf8_lossy(&case.input);
            let Some((version, fields)) = split_head(&input) else {
                excluded += 1;
                continue;
            };
            let expected = llhttp_verdict(&case.log);
            let actual = body_framing(version, &fields);
            assert_eq!(
                actual.map_err(|_| ()),
                expected,
                "llhttp {file} {:?}: fields {fields:?} should give {}",
                case.title,
                match expected {
                    Ok(framing) => format!("{framing:?}"),
                    Err(()) => "an error (400 and close)".to_string(),
                }
            );
            ran += 1;
        }
        assert!(ran > 0, "no case of {file} ran: is it the llhttp fixture?");
        eprintln!("llhttp {file}: {ran} cases ran, {excluded} excluded");
    }
}
