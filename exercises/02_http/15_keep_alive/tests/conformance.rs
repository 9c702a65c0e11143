//! Conformance with the llhttp test fixtures (nodejs/llhttp, test/request/connection.md): for
//! each request, llhttp records its version and its `Connection` flags when the head is
//! complete; from those, llhttp_should_keep_alive() decides persistence exactly as RFC 9112 §9.3
//! does. `wants_keep_alive` must agree. The fixture is read at test time from
//! shared/vectors/http1/ (or $BACKLINGS_VECTORS/http1/); the test is skipped when it is missing.

use keep_alive::{Limits, Parsed, parse_request, wants_keep_alive};
use testkit::llhttp::{Event, REQUEST_FIXTURES, parse_fixtures};
use testkit::vectors;

/// llhttp flag bits (llhttp.h, enum llhttp_flags).
const F_CONNECTION_KEEP_ALIVE: u32 = 0x1;
const F_CONNECTION_CLOSE: u32 = 0x2;

/// `v=1/1 flags=22` from the first `headers complete` line.
fn version_and_flags(log: &[Event]) -> Option<(String, u32)> {
    let event = log
        .iter()
        .find(|e| e.what.starts_with("headers complete "))?;
    let version = event.field("v")?.to_string();
    let flags = u32::from_str_radix(event.field("flags")?, 16).ok()?;
    Some((version, flags))
}

#[test]
fn llhttp_connection_fixtures() {
    let Some(path) = vectors::path(&format!("{REQUEST_FIXTURES}/connection.md")) else {
        return;
    };

    let (mut ran, mut excluded) = (0, 0);
    for case in parse_fixtures(&path) {
        // Excluded: llhttp's lenient modes deliberately accept what RFC 9112 rejects.
        if case.meta["type"] != "request" {
            excluded += 1;
            continue;
        }
        // Excluded: llhttp rejects the head itself (bad characters, bare CR), so there is no
        // keep-alive decision to compare.
        let Some((version, flags)) = version_and_flags(&case.log) else {
            excluded += 1;
            continue;
        };
        let input = String::from_utf8_lossy(&case.input);
        let head = input.split("\r\n\r\n").next().unwrap_or_default();
        // Excluded: obsolete line folding, which the given parser rejects as RFC 9112 §5.2
        // allows.
        if head.contains("\r\n ") || head.contains("\r\n\t") {
            excluded += 1;
            continue;
        }

        let Ok(Parsed::Complete { request, .. }) = parse_request(&case.input, &Limits::default())
        else {
            panic!(
                "llhttp {:?}: the given head parser did not parse it",
                case.title
            );
        };
        let expected = match version.as_str() {
            "1/1" => flags & F_CONNECTION_CLOSE == 0,
            _ => flags & F_CONNECTION_KEEP_ALIVE != 0,
        };
        assert_eq!(
            wants_keep_alive(&request),
            expected,
            "llhttp connection.md {:?} (HTTP {version}, Connection: {:?}): keep-alive should be {expected}",
            case.title,
            request.header("Connection"),
        );
        ran += 1;
    }
    assert!(
        ran > 0,
        "no llhttp case ran: is {} the llhttp fixture?",
        path.display()
    );
    eprintln!("llhttp connection.md: {ran} cases ran, {excluded} excluded");
}
