//! Conformance against the request fixtures of llhttp, the HTTP/1 parser of Node.js
//! (https://github.com/nodejs/llhttp, test/request/*.md, MIT licence), for the requests whose
//! body is chunked (most of them in transfer-encoding.md).
//!
//! From each fixture's callback trace we use where llhttp's head ended, whether the chunked
//! body then completed or failed, and the body bytes and trailer fields it delivered, located
//! by their offsets in the input. Only the first request of each input is compared.
//!
//! Cases out of scope, and why:
//! - lenient types (`request-lenient-*`): llhttp flags that deliberately accept what RFC 9112
//!   rejects (a bare CR after a chunk size, spaces after it, data without CRLF...);
//!   `request-finish`: tests llhttp's `llhttp_finish` C API, not HTTP;
//! - `pause` in the metadata: tests llhttp's ability to pause in a callback;
//! - requests whose body is not chunked, or whose head llhttp rejects (field_lines, content_length, request_smuggling).
//!
//! When the input ends before the chunked body does, llhttp waits for more bytes; at the end
//! of the input `decode_chunked` must then report `UnexpectedEof`. llhttp reports a trailer
//! value's span up to the line end, trailing whitespace included; RFC 9112 §5.1 excludes that
//! OWS from the value, so it is trimmed before comparing.

use chunked_body::{Chunked, ChunkedError, decode_chunked};
use testkit::llhttp::{Case, REQUEST_FIXTURES, parse_fixtures};
use testkit::vectors;

/// What llhttp made of the chunked body of the first request of a case.
enum Verdict {
    /// The body completed; the next request starts at `end`.
    Decoded {
        start: usize,
        end: usize,
        chunked: Chunked,
    },
    /// llhttp rejected the body.
    Rejected { start: usize, reason: String },
    /// The input ended inside the body.
    Incomplete { start: usize },
}

/// `None` when the first request is out of scope: its head was rejected or its body is not chunked.
fn verdict(case: &Case) -> Option<Verdict> {
    let mut events = case.log.iter();
    let head = events
        .by_ref()
        .find(|e| e.what.starts_with("headers complete") || e.what.starts_with("error"))?;
    let flags = u32::from_str_radix(head.field("flags")?, 16).ok()?;
    const F_CHUNKED: u32 = 0x8;
    if !head.what.starts_with("headers complete") || flags & F_CHUNKED == 0 {
        return None;
    }
    let start = head.off;
    let mut chunked = Chunked {
        body: Vec::new(),
        trailers: Vec::new(),
    };
    let mut last_chunk_seen = false;
    for event in events {
        let bytes = |len: usize| case.input[event.off..event.off + len].to_vec();
        match event.span() {
            Some(("body", len)) => chunked.body.extend(bytes(len)),
            Some(("header_field", len)) if last_chunk_seen => {
                let name = String::from_utf8(bytes(len)).ok()?;
                chunked.trailers.push((name, Vec::new()));
            }
            Some(("header_value", len)) if last_chunk_seen => {
                chunked.trailers.last_mut()?.1.extend(bytes(len));
            }
            _ => {}
        }
        if event.what == "chunk header len=0" {
            last_chunk_seen = true;
        } else if event.what == "message complete" {
            for (_, value) in &mut chunked.trailers {
                while value.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
                    value.pop();
                }
            }
            return Some(Verdict::Decoded {
                start,
                end: event.off,
                chunked,
            });
        } else if event.what.starts_with("error") {
            let reason = event
                .what
                .split_once("reason=")?
                .1
                .trim_matches('"')
                .to_string();
            return Some(Verdict::Rejected { start, reason });
        }
    }
    Some(Verdict::Incomplete { start })
}

fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

/// `decode_chunked` over `input` (max u64::MAX), on its own thread: a decoder that keeps
/// reading after the end of the stream must fail this test, not hang it. Returns the result
/// and the bytes left unread.
fn decode_within_two_seconds(input: Vec<u8>) -> (Result<Chunked, ChunkedError>, Vec<u8>) {
    testkit::within(std::time::Duration::from_secs(2), move || {
        let mut rest = input.as_slice();
        let got = decode_chunked(&mut rest, u64::MAX);
        (got, rest.to_vec())
    })
    .expect("decode_chunked did not return within 2 s: does it keep reading after the end of the stream?")
}

#[test]
fn llhttp_chunked_fixtures() {
    let Some(files) = vectors::files(REQUEST_FIXTURES, "md") else {
        return;
    };

    let (mut decoded, mut rejected, mut incomplete) = (0, 0, 0);
    let mut excluded: Vec<&str> = Vec::new();
    let mut failures = Vec::new();
    for case in files.iter().flat_map(|f| parse_fixtures(f)) {
        if case.meta["type"] != "request" {
            excluded.push("lenient or llhttp_finish type");
            continue;
        }
        if case.meta.get("pause").is_some() {
            excluded.push("llhttp pause API");
            continue;
        }
        let Some(verdict) = verdict(&case) else {
            excluded.push("body not chunked, or head rejected");
            continue;
        };
        match verdict {
            Verdict::Decoded {
                start,
                end,
                chunked,
            } => {
                decoded += 1;
                let (got, rest) = decode_within_two_seconds(case.input[start..].to_vec());
                if got.as_ref() != Ok(&chunked) {
                    failures.push(format!(
                        "{}: llhttp decodes {} as body {} with trailers {:?}; decode_chunked returned {got:?}",
                        case.name,
                        show(&case.input[start..end]),
                        show(&chunked.body),
                        chunked.trailers.iter().map(|(n, v)| (n, show(v))).collect::<Vec<_>>(),
                    ));
                } else if rest != case.input[end..] {
                    failures.push(format!(
                        "{}: decode_chunked must stop at the end of the chunked body and leave {} unread, it left {}",
                        case.name,
                        show(&case.input[end..]),
                        show(&rest)
                    ));
                }
            }
            Verdict::Rejected { start, reason } => {
                rejected += 1;
                let (got, _) = decode_within_two_seconds(case.input[start..].to_vec());
                if got.is_ok() {
                    failures.push(format!(
                        "{}: llhttp rejects {} ({reason}), decode_chunked returned {got:?}",
                        case.name,
                        show(&case.input[start..])
                    ));
                }
            }
            Verdict::Incomplete { start } => {
                incomplete += 1;
                let (got, _) = decode_within_two_seconds(case.input[start..].to_vec());
                if got != Err(ChunkedError::UnexpectedEof) {
                    failures.push(format!(
                        "{}: {} ends inside the chunked body, so decode_chunked must return \
                         UnexpectedEof, it returned {got:?}",
                        case.name,
                        show(&case.input[start..])
                    ));
                }
            }
        }
    }
    let ran = decoded + rejected + incomplete;
    eprintln!(
        "llhttp chunked fixtures: {ran} in scope ({decoded} decoded, {rejected} rejected, \
         {incomplete} incomplete at end of input), {} excluded",
        excluded.len()
    );
    let mut reasons = excluded.clone();
    reasons.sort();
    reasons.dedup();
    for why in reasons {
        let n = excluded.iter().filter(|w| **w == why).count();
        eprintln!("  excluded {n:>3}: {why}");
    }
    assert!(
        ran > 0,
        "no llhttp fixture was in scope: is {REQUEST_FIXTURES} in the vectors folder complete?"
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} llhttp cases disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
