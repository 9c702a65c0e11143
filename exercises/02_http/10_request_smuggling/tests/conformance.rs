//! Conformance with the llhttp test fixtures (nodejs/llhttp, test/request/transfer-encoding.md
//! and content-length.md). llhttp is the HTTP/1 parser of Node.js; for each request, its log
//! says either how it framed the body (the flags and content_length of `headers complete`) or
//! that it refused the request before reaching the body (an `error` line). `body_framing` must
//! reach the same verdict. The fixtures are read at test time from shared/vectors/http1/ (or
//! $BACKLINGS_VECTORS/http1/); the test is skipped when they are missing.

use request_smuggling::{Framing, Version, body_framing};

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
const F_CHUNKED: u32 = 0x8;
const F_CONTENT_LENGTH: u32 = 0x20;

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

/// The offset (`off=N`) of a log line.
fn offset(line: &str) -> usize {
    line.strip_prefix("off=")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("every log line starts with off=N")
}

/// What llhttp decided: `Err(())` when it refused the request at or before the end of the head
/// (errors in chunk data come later and are exercise 04's business), else the framing.
fn llhttp_verdict(log: &[String]) -> Result<Framing, ()> {
    let headers = log.iter().find(|l| l.contains(" headers complete "));
    let error = log.iter().find(|l| l.contains(" error code="));
    match (headers, error) {
        (None, _) => Err(()),
        (Some(h), Some(e)) if offset(e) <= offset(h) => Err(()),
        (Some(h), _) => {
            let field = |name: &str| {
                h.split(' ')
                    .find_map(|f| f.strip_prefix(name))
                    .expect("headers complete has this field")
            };
            let flags = u32::from_str_radix(field("flags="), 16).expect("hex flags");
            Ok(if flags & F_CHUNKED != 0 {
                Framing::Chunked
            } else if flags & F_CONTENT_LENGTH != 0 {
                Framing::ContentLength(field("content_length=").parse().expect("a length"))
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
    let Some(dir) = vectors_dir().map(|d| d.join("http1/llhttp/test/request")) else {
        eprintln!("skipped: no shared/vectors directory found (set BACKLINGS_VECTORS)");
        return;
    };
    for file in ["transfer-encoding.md", "content-length.md"] {
        let Ok(markdown) = std::fs::read_to_string(dir.join(file)) else {
            eprintln!("skipped: {} not found", dir.join(file).display());
            continue;
        };
        let (mut ran, mut excluded) = (0, 0);
        for case in cases(&markdown) {
            // Excluded: llhttp's lenient modes deliberately accept what RFC 9112 rejects.
            if case.kind != "request" {
                excluded += 1;
                continue;
            }
            // Excluded: a head line that is not `name:value` (here: a bare CR where the empty
            // line should be): that is head syntax, the business of exercises 01 and 02.
            let input = unescape(&case.input);
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
