//! Conformance with the llhttp test fixtures (nodejs/llhttp, test/request/connection.md): for
//! each request, llhttp records its version and its `Connection` flags when the head is
//! complete; from those, llhttp_should_keep_alive() decides persistence exactly as RFC 9112 §9.3
//! does. `wants_keep_alive` must agree. The fixture is read at test time from
//! shared/vectors/http1/ (or $BACKLINGS_VECTORS/http1/); the test is skipped when it is missing.

use std::io::Cursor;

use keep_alive::{read_request, wants_keep_alive};

fn vectors_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("BACKLINGS_VECTORS") {
        return Some(dir.into());
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/vectors"))
        .find(|p| p.is_dir())
}

/// llhttp flag bits (llhttp.h, enum llhttp_flags).
const F_CONNECTION_KEEP_ALIVE: u32 = 0x1;
const F_CONNECTION_CLOSE: u32 = 0x2;

struct Case {
    title: String,
    kind: String,
    input: String,
    log: Vec<String>,
}

/// Splits an llhttp markdown fixture into cases: a heading, a `<!-- meta=... -->` comment, an
/// ```http block (the input) and a ```log block (the expected parser events).
fn cases(markdown: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut title = String::new();
    let mut kind = None::<String>;
    let mut input = None::<String>;
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('#') {
            title = line.trim_start_matches('#').trim().to_string();
        } else if let Some(meta) = line.strip_prefix("<!-- meta=") {
            let json = meta.trim_end().trim_end_matches("-->").trim();
            let meta: serde_json::Value = serde_json::from_str(json).expect("meta is JSON");
            kind = meta["type"].as_str().map(str::to_string);
        } else if line == "```http" || line == "```log" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            if line == "```http" {
                input = Some(block.join("\n"));
            } else if let (Some(kind), Some(input)) = (kind.take(), input.take()) {
                let log = block.iter().map(|l| l.to_string()).collect();
                cases.push(Case {
                    title: title.clone(),
                    kind,
                    input,
                    log,
                });
            }
        }
    }
    cases
}

/// The input preprocessing of llhttp's test/md-test.ts: backslash-newline joins lines, every
/// newline becomes CRLF, then \r \n \t \f \xHH and octal \NNN escapes are unescaped.
fn unescape(raw: &str) -> String {
    let joined = raw.replace("\\\n", "").replace('\n', "\r\n");
    let mut out = String::new();
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('f') => out.push('\u{c}'),
            Some('x') => {
                chars.next();
                let mut hex = String::new();
                while let Some(h) = chars.peek().filter(|h| h.is_ascii_hexdigit()) {
                    hex.push(*h);
                    chars.next();
                }
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                continue;
            }
            Some(d) if ('0'..='7').contains(&d) => {
                let mut octal = String::new();
                while let Some(o) = chars
                    .peek()
                    .filter(|o| ('0'..='7').contains(*o) && octal.len() < 3)
                {
                    octal.push(*o);
                    chars.next();
                }
                out.push(char::from_u32(u32::from_str_radix(&octal, 8).unwrap()).unwrap());
                continue;
            }
            _ => {
                out.push('\\');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// `v=1/1 flags=22` from the first `headers complete` line.
fn version_and_flags(log: &[String]) -> Option<(String, u32)> {
    let line = log.iter().find(|l| l.contains(" headers complete "))?;
    let field = |name: &str| {
        line.split(' ')
            .find_map(|f| f.strip_prefix(name))
            .map(str::to_string)
    };
    let version = field("v=")?;
    let flags = u32::from_str_radix(&field("flags=")?, 16).ok()?;
    Some((version, flags))
}

#[test]
fn llhttp_connection_fixtures() {
    let Some(path) = vectors_dir().map(|d| d.join("http1/llhttp/test/request/connection.md"))
    else {
        eprintln!("skipped: no shared/vectors directory found (set BACKLINGS_VECTORS)");
        return;
    };
    let Ok(markdown) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };

    let (mut ran, mut excluded) = (0, 0);
    for case in cases(&markdown) {
        // Excluded: llhttp's lenient modes deliberately accept what RFC 9112 rejects.
        if case.kind != "request" {
            excluded += 1;
            continue;
        }
        // Excluded: llhttp rejects the head itself (bad characters, bare CR), so there is no
        // keep-alive decision to compare.
        let Some((version, flags)) = version_and_flags(&case.log) else {
            excluded += 1;
            continue;
        };
        let input = unescape(&case.input);
        let head = input.split("\r\n\r\n").next().unwrap_or_default();
        // Excluded: obsolete line folding, which the given parser rejects as RFC 9112 §5.2
        // allows.
        if head.contains("\r\n ") || head.contains("\r\n\t") {
            excluded += 1;
            continue;
        }

        let request = read_request(&mut Cursor::new(input.as_bytes()))
            .unwrap_or_else(|e| panic!("llhttp {:?}: the given parser failed: {e:?}", case.title));
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
