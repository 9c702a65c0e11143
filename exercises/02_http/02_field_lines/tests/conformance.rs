//! Conformance against the request fixtures of llhttp, the HTTP/1 parser of Node.js
//! (https://github.com/nodejs/llhttp, test/request/*.md, MIT licence).
//!
//! Each fixture is an input and the trace llhttp's callbacks produce for it. From the trace we
//! use only the verdict (did the head parse, or was there an error before it ended?) and the
//! parsed method, target, version and fields, located by their byte offsets in the input.
//! Only the first request of each input is compared.
//!
//! Cases out of scope, and why:
//! - lenient types (`request-lenient-*`): llhttp flags that deliberately accept what RFC 9112
//!   rejects; `request-finish`: tests llhttp's `llhttp_finish` C API, not HTTP;
//! - `pause` in the metadata: tests llhttp's ability to pause in a callback;
//! - RTSP and ICE requests, and HTTP/0.9: other protocols than HTTP/1.x;
//! - methods llhttp rejects because they are not in its fixed method table (MKCOLA,
//!   ANNOUNCE): any token is a method (RFC 9110 §9.1), a server answers 501 after parsing;
//! - `*` as the target of a method other than OPTIONS (M-SEARCH of SSDP, the HTTP/2 preface
//!   PRI): llhttp accepts it, RFC 9112 §3.2.4 reserves asterisk-form for OPTIONS;
//! - errors about Content-Length and Transfer-Encoding values (llhttp codes 4, 11, 15): those
//!   are framing rules (the exercises content_length, chunked_body and request_smuggling); this parser does not interpret values.
//!
//! llhttp reports a value's span up to the line end, trailing whitespace included; RFC 9112
//! §5.1 excludes that OWS from the value, so it is trimmed before comparing. A rejected case
//! passes if the parser returns an error, or `Partial` when the input ends before the head
//! does (a server at end of input then refuses the request too); both counts are printed.

use field_lines::{Parsed, Version, parse_request};
use testkit::llhttp::{Case, REQUEST_FIXTURES, parse_fixtures};
use testkit::vectors;

/// What llhttp made of the first request head of a case.
enum Verdict {
    Head {
        method: Vec<u8>,
        target: Vec<u8>,
        version: String,
        headers: Vec<(Vec<u8>, Vec<u8>)>,
        head_len: usize,
    },
    Rejected {
        code: u32,
        reason: String,
    },
}

fn verdict(case: &Case) -> Option<Verdict> {
    let (mut method, mut target) = (Vec::new(), Vec::new());
    let mut headers: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for event in &case.log {
        let bytes = |len: usize| case.input[event.off..event.off + len].to_vec();
        if let Some((kind, len)) = event.span() {
            match kind {
                "method" => method.extend(bytes(len)),
                "url" => target.extend(bytes(len)),
                "header_field" => headers.push((bytes(len), Vec::new())),
                "header_value" => headers.last_mut()?.1.extend(bytes(len)),
                _ => {}
            }
        } else if event.what.starts_with("headers complete") {
            for (_, value) in &mut headers {
                while value.last().is_some_and(|b| *b == b' ' || *b == b'\t') {
                    value.pop();
                }
            }
            return Some(Verdict::Head {
                method,
                target,
                version: event.field("v")?.to_string(),
                headers,
                head_len: event.off,
            });
        } else if event.what.starts_with("error") {
            let reason = event.what.split_once("reason=")?.1.trim_matches('"');
            return Some(Verdict::Rejected {
                code: event.field("code")?.parse().ok()?,
                reason: reason.to_string(),
            });
        }
    }
    None
}

/// Why a case is out of scope, or None if it is in scope.
fn exclusion(case: &Case, verdict: &Verdict) -> Option<&'static str> {
    if case.meta.get("pause").is_some() {
        return Some("llhttp pause API");
    }
    let protocol = case.log.iter().find_map(|e| match e.span() {
        Some(("protocol", len)) => Some(&case.input[e.off..e.off + len]),
        _ => None,
    });
    if matches!(protocol, Some(b"RTSP" | b"ICE")) {
        return Some("RTSP/ICE protocol");
    }
    match verdict {
        Verdict::Head { version, .. } if version == "0/9" => Some("HTTP/0.9"),
        Verdict::Head { method, target, .. } if target == b"*" && method != b"OPTIONS" => {
            Some("asterisk-form for a method other than OPTIONS")
        }
        Verdict::Rejected { code: 21..=23, .. } => Some("llhttp pause API"),
        Verdict::Rejected { code: 6, .. } => Some("llhttp's fixed method table"),
        Verdict::Rejected { reason, .. } if reason.starts_with("Invalid method for") => {
            Some("llhttp's fixed method table")
        }
        Verdict::Rejected {
            code: 4 | 11 | 15, ..
        } => Some(
            "Content-Length / Transfer-Encoding framing (content_length, chunked_body, request_smuggling)",
        ),
        _ => None,
    }
}

fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

#[test]
fn llhttp_request_fixtures() {
    let Some(files) = vectors::files(REQUEST_FIXTURES, "md") else {
        return;
    };

    let (mut accepted, mut rejected, mut rejected_at_eof) = (0, 0, 0);
    let mut excluded: Vec<(&str, String)> = Vec::new();
    let mut failures = Vec::new();
    for case in files.iter().flat_map(|f| parse_fixtures(f)) {
        if case.meta["type"] != "request" {
            excluded.push(("lenient or llhttp_finish type", case.name));
            continue;
        }
        let verdict = verdict(&case)
            .unwrap_or_else(|| panic!("{}: no verdict in the llhttp trace", case.name));
        if let Some(why) = exclusion(&case, &verdict) {
            excluded.push((why, case.name));
            continue;
        }
        let got = parse_request(&case.input);
        match (&verdict, &got) {
            (
                Verdict::Head {
                    method,
                    target,
                    version,
                    headers,
                    head_len,
                },
                Ok(Parsed::Complete {
                    request,
                    head_len: len,
                }),
            ) => {
                accepted += 1;
                let version_ok = matches!(
                    (version.as_str(), request.version),
                    ("1/0", Version::Http10) | ("1/1", Version::Http11)
                );
                let got_headers: Vec<(Vec<u8>, Vec<u8>)> = request
                    .headers
                    .iter()
                    .map(|h| (h.name.as_bytes().to_vec(), h.value.clone()))
                    .collect();
                if request.method.as_bytes() != method.as_slice()
                    || request.target.as_bytes() != target.as_slice()
                    || !version_ok
                    || &got_headers != headers
                    || len != head_len
                {
                    failures.push(format!(
                        "{}: expected {} {} v={version} headers={:?} head_len={head_len}, got {request:?} head_len={len}",
                        case.name,
                        show(method),
                        show(target),
                        headers.iter().map(|(n, v)| (show(n), show(v))).collect::<Vec<_>>(),
                    ));
                }
            }
            (Verdict::Rejected { .. }, Err(_)) => rejected += 1,
            (Verdict::Rejected { .. }, Ok(Parsed::Partial)) => rejected_at_eof += 1,
            (Verdict::Head { .. }, other) => failures.push(format!(
                "{}: llhttp parsed this head, parse_request returned {other:?} for {}",
                case.name,
                show(&case.input)
            )),
            (Verdict::Rejected { reason, .. }, other) => failures.push(format!(
                "{}: llhttp rejects this head ({reason}), parse_request returned {other:?} for {}",
                case.name,
                show(&case.input)
            )),
        }
    }
    let ran = accepted + rejected + rejected_at_eof;
    eprintln!(
        "llhttp request fixtures: {ran} in scope ({accepted} heads parsed, {rejected} rejected \
         with an error, {rejected_at_eof} incomplete at end of input), {} excluded",
        excluded.len()
    );
    let mut reasons: Vec<&str> = excluded.iter().map(|(why, _)| *why).collect();
    reasons.sort();
    reasons.dedup();
    for why in reasons {
        let n = excluded.iter().filter(|(w, _)| *w == why).count();
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
