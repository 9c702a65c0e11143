//! Conformance against the request fixtures of llhttp, the HTTP/1 parser of Node.js
//! (https://github.com/nodejs/llhttp, test/request/*.md, MIT licence), for the requests whose
//! body is framed by Content-Length.
//!
//! From each fixture's callback trace we use the verdict (was the Content-Length accepted,
//! with which value, or rejected?) and the body bytes llhttp delivered, located by their
//! offsets in the input. Only the first request of each input is compared. The header
//! fields are read from the raw input with a minimal splitter (field_lines does it properly).
//!
//! Cases out of scope, and why:
//! - lenient types (`request-lenient-*`): llhttp flags that deliberately accept what RFC 9112
//!   rejects; `request-finish`: tests llhttp's `llhttp_finish` C API, not HTTP;
//! - `pause` or `skipBody` in the metadata: llhttp callback features, not HTTP;
//! - requests without Content-Length: nothing to frame here (`body_length` would say 0, which
//!   llhttp agrees with, but they test nothing of this exercise);
//! - requests with Transfer-Encoding: chunked framing is chunked_body, TE + CL request_smuggling;
//! - CONNECT: its content has no defined meaning and the connection becomes a tunnel
//!   (RFC 9110 §9.3.6); llhttp stops at the head;
//! - heads that llhttp rejects for other reasons than Content-Length (a bad field name, a bare
//!   CR...): field_lines.
//!
//! When the input ends before the body does, llhttp waits for more bytes; at the end of the
//! input `read_body` must then report `Incomplete`.

use content_length::{BodyError, body_length, read_body};
use testkit::llhttp::{Case, REQUEST_FIXTURES, parse_fixtures};
use testkit::vectors;

/// The header fields of the first head of `input`: its complete field lines, up to the empty
/// line or, when llhttp rejected the head before it ended, up to the end of the input.
fn raw_fields(input: &[u8]) -> Vec<(String, String)> {
    let mut start = 0;
    while input[start..].starts_with(b"\r\n") {
        start += 2;
    }
    let text = String::from_utf8_lossy(&input[start..]);
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    let mut lines: Vec<&str> = head.split("\r\n").collect();
    if !text.contains("\r\n\r\n") {
        lines.pop(); // the last line has not ended
    }
    lines
        .iter()
        .skip(1)
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((
                name.to_string(),
                value.trim_matches([' ', '\t']).to_string(),
            ))
        })
        .collect()
}

/// What llhttp made of the first request of a case.
enum Verdict {
    /// The head was accepted with this Content-Length; the body llhttp delivered, and whether
    /// the message completed (else the input ended first).
    Framed {
        head_len: usize,
        length: u64,
        body: Vec<u8>,
        complete: bool,
    },
    Rejected {
        code: u32,
    },
}

fn verdict(case: &Case) -> Option<Verdict> {
    let mut framed: Option<Verdict> = None;
    for event in &case.log {
        match (&mut framed, event) {
            (None, e) if e.what.starts_with("headers complete") => {
                framed = Some(Verdict::Framed {
                    head_len: e.off,
                    length: e.field("content_length")?.parse().ok()?,
                    body: Vec::new(),
                    complete: false,
                });
            }
            (None, e) if e.what.starts_with("error") => {
                return Some(Verdict::Rejected {
                    code: e.field("code")?.parse().ok()?,
                });
            }
            (Some(Verdict::Framed { body, .. }), e)
                if e.span().is_some_and(|(k, _)| k == "body") =>
            {
                let (_, len) = e.span()?;
                body.extend_from_slice(&case.input[e.off..e.off + len]);
            }
            (Some(Verdict::Framed { complete, .. }), e) if e.what == "message complete" => {
                *complete = true;
                break;
            }
            (Some(_), e) if e.what.starts_with("error") => break,
            _ => {}
        }
    }
    framed
}

/// Why a case is out of scope, or None if it is in scope.
fn exclusion(case: &Case, fields: &[(String, String)], verdict: &Verdict) -> Option<&'static str> {
    let has = |name: &str| fields.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if case.meta.get("pause").is_some() || case.meta.get("skipBody").is_some() {
        return Some("llhttp pause / skipBody API");
    }
    if !has("content-length") {
        return Some("no Content-Length");
    }
    if has("transfer-encoding") {
        return Some("Transfer-Encoding (chunked_body and request_smuggling)");
    }
    if case.input.starts_with(b"CONNECT ") {
        return Some("CONNECT");
    }
    match verdict {
        Verdict::Rejected { code: 4 | 11 } | Verdict::Framed { .. } => None,
        Verdict::Rejected { .. } => {
            Some("head rejected for another reason (the exercise field_lines)")
        }
    }
}

/// `read_body` over `input` (max u64::MAX), on its own thread: a read_body that keeps calling
/// read() after the end of the stream must fail this test, not hang it.
fn read_body_within_two_seconds(input: Vec<u8>, length: u64) -> Result<Vec<u8>, BodyError> {
    testkit::within(std::time::Duration::from_secs(2), move || {
        read_body(&mut input.as_slice(), length, u64::MAX)
    })
    .expect(
        "read_body did not return within 2 s: does it keep reading after read() returned Ok(0)?",
    )
}

#[test]
fn llhttp_content_length_fixtures() {
    let Some(files) = vectors::files(REQUEST_FIXTURES, "md") else {
        return;
    };

    let (mut bodies, mut incomplete, mut rejected) = (0, 0, 0);
    let mut excluded: Vec<&str> = Vec::new();
    let mut failures = Vec::new();
    for case in files.iter().flat_map(|f| parse_fixtures(f)) {
        if case.meta["type"] != "request" {
            excluded.push("lenient or llhttp_finish type");
            continue;
        }
        let verdict = verdict(&case)
            .unwrap_or_else(|| panic!("{}: no verdict in the llhttp trace", case.name));
        let fields = raw_fields(&case.input);
        if let Some(why) = exclusion(&case, &fields, &verdict) {
            excluded.push(why);
            continue;
        }
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let got = body_length(&fields);
        match verdict {
            Verdict::Rejected { .. } => {
                rejected += 1;
                if got != Err(BodyError::InvalidContentLength) {
                    failures.push(format!(
                        "{}: llhttp rejects the Content-Length of {fields:?}, body_length returned {got:?}",
                        case.name
                    ));
                }
            }
            Verdict::Framed {
                head_len,
                length,
                body,
                complete,
            } => {
                if got != Ok(length) {
                    failures.push(format!(
                        "{}: llhttp frames {fields:?} as {length} bytes, body_length returned {got:?}",
                        case.name
                    ));
                    continue;
                }
                let read = read_body_within_two_seconds(case.input[head_len..].to_vec(), length);
                let expected = if complete {
                    bodies += 1;
                    Ok(body)
                } else {
                    incomplete += 1;
                    Err(BodyError::Incomplete {
                        expected: length,
                        received: body.len() as u64,
                    })
                };
                if read != expected {
                    failures.push(format!(
                        "{}: expected read_body to give {:?}, got {:?}",
                        case.name,
                        expected
                            .as_ref()
                            .map(|b| String::from_utf8_lossy(b).into_owned()),
                        read.as_ref()
                            .map(|b| String::from_utf8_lossy(b).into_owned()),
                    ));
                }
            }
        }
    }
    let ran = bodies + incomplete + rejected;
    eprintln!(
        "llhttp Content-Length fixtures: {ran} in scope ({bodies} bodies read, {incomplete} \
         incomplete at end of input, {rejected} lengths rejected), {} excluded",
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
