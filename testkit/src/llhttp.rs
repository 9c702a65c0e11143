//! The request fixtures of llhttp, the HTTP/1 parser of Node.js (github.com/nodejs/llhttp,
//! `test/request/*.md`, MIT licence), read from the vectors folder (`http1/llhttp/...`).
//!
//! A fixture file is markdown: each case is a heading, a `<!-- meta={...} -->` comment, an
//! ```` ```http ```` block (the input, escaped) and a ```` ```log ```` block (the callbacks
//! llhttp made, one `off=N ...` line each). Which parts of the trace a test uses, and which
//! cases are out of its scope, is each exercise's business.

use std::path::Path;

/// The folder of llhttp's request fixtures, inside the vectors folder.
pub const REQUEST_FIXTURES: &str = "http1/llhttp/test/request";

/// One fixture.
pub struct Case {
    /// `file.md: heading`, to name the case in a failure.
    pub name: String,
    /// The heading above it.
    pub title: String,
    /// The metadata comment: `type` (`request`, or a lenient mode), `pause`, `skipBody`...
    pub meta: serde_json::Value,
    /// The bytes sent to the parser, unescaped as llhttp's test runner does ([`unescape`]).
    pub input: Vec<u8>,
    /// The expected callback trace.
    pub log: Vec<Event>,
}

/// One line of the expected callback trace, `off=N what`.
pub struct Event {
    /// The input offset at which the callback happened.
    pub off: usize,
    /// The rest of the line: `headers complete method=1 v=1/1 flags=0 content_length=0`...
    pub what: String,
}

impl Event {
    /// `len=L span[kind]=...` → `(kind, L)`: the span of the input that a callback reported.
    pub fn span(&self) -> Option<(&str, usize)> {
        let rest = self.what.strip_prefix("len=")?;
        let (len, rest) = rest.split_once(' ')?;
        let kind = rest.strip_prefix("span[")?.split(']').next()?;
        Some((kind, len.parse().ok()?))
    }

    /// The value of a `key=value` word of the line.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.what
            .split(' ')
            .find_map(|part| part.strip_prefix(key)?.strip_prefix('='))
    }
}

/// Every case of one fixture file, in order. Panics on a file that is not an llhttp fixture.
pub fn parse_fixtures(file: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(file).expect("readable fixture");
    let file_name = file.file_name().unwrap().to_string_lossy();
    let lines: Vec<&str> = text.lines().collect();
    let mut cases = Vec::new();
    let mut title = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with('#') {
            title = line.trim_start_matches('#').trim().to_string();
        }
        if let Some(meta) = line.trim().strip_prefix("<!-- meta=") {
            let meta = meta.trim_end_matches("-->").trim();
            let meta: serde_json::Value = serde_json::from_str(meta).expect("meta is JSON");
            let (http, after) = code_block(&lines, i + 1, "```http");
            let (log, after) = code_block(&lines, after, "```log");
            cases.push(Case {
                name: format!("{file_name}: {title}"),
                title: title.clone(),
                meta,
                input: unescape(&http.join("\n")),
                log: log.iter().filter_map(|l| parse_event(l)).collect(),
            });
            i = after;
            continue;
        }
        i += 1;
    }
    cases
}

/// The lines of the next block fenced by `fence` from line `from`, and the line after it.
fn code_block<'a>(lines: &[&'a str], from: usize, fence: &str) -> (Vec<&'a str>, usize) {
    let start = (from..lines.len())
        .find(|&i| lines[i].trim_end() == fence)
        .expect("code block");
    let end = (start + 1..lines.len())
        .find(|&i| lines[i].trim_end() == "```")
        .expect("end of code block");
    (lines[start + 1..end].to_vec(), end + 1)
}

fn parse_event(line: &str) -> Option<Event> {
    let rest = line.strip_prefix("off=")?;
    let (off, what) = rest.split_once(' ')?;
    Some(Event {
        off: off.parse().ok()?,
        what: what.to_string(),
    })
}

/// The input preprocessing of llhttp's test/md-test.ts: drop escaped newlines, make every
/// newline CRLF, then unescape \r \n \t \f \xHH and octal \NNN (as code points, UTF-8 encoded).
pub fn unescape(raw: &str) -> Vec<u8> {
    let joined = raw.replace("\\\n", "").replace('\n', "\r\n");
    let chars: Vec<char> = joined.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\\' || i + 1 == chars.len() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let next = chars[i + 1];
        let simple = match next {
            'r' => Some('\r'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'f' => Some('\u{c}'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            i += 2;
        } else if next == 'x' && chars.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()) {
            let digits: String = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .collect();
            out.push(char::from_u32(u32::from_str_radix(&digits, 16).unwrap()).unwrap());
            i += 2 + digits.len();
        } else if ('0'..='7').contains(&next) {
            let digits: String = chars[i + 1..]
                .iter()
                .take(3)
                .take_while(|c| ('0'..='7').contains(c))
                .collect();
            out.push(char::from_u32(u32::from_str_radix(&digits, 8).unwrap()).unwrap());
            i += 1 + digits.len();
        } else {
            out.push('\\');
            i += 1;
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_makes_lines_crlf_and_decodes_escapes() {
        assert_eq!(
            unescape("GET / HTTP/1.1\nA: b\\\nc\n"),
            b"GET / HTTP/1.1\r\nA: bc\r\n"
        );
        assert_eq!(unescape(r"\r\n\t\f"), b"\r\n\t\x0c");
        assert_eq!(unescape(r"\x41\101\0"), b"AA\0");
        assert_eq!(
            unescape(r"\xff"),
            "\u{ff}".as_bytes(),
            "a code point, UTF-8 encoded"
        );
        assert_eq!(unescape(r"\q \"), br"\q \");
    }

    #[test]
    fn reads_cases_with_their_meta_input_and_trace() {
        let dir = std::env::temp_dir().join(format!("testkit-llhttp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("sample.md");
        std::fs::write(
            &file,
            "# Sample\n\n## Simple GET\n\n<!-- meta={\"type\": \"request\"} -->\n```http\nGET / HTTP/1.1\n\n\n```\n\n```log\noff=0 message begin\noff=0 len=3 span[method]=\"GET\"\noff=18 headers complete method=1 v=1/1 flags=0 content_length=0\n```\n",
        )
        .unwrap();
        let cases = parse_fixtures(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(cases.len(), 1);
        let case = &cases[0];
        assert_eq!(case.name, "sample.md: Simple GET");
        assert_eq!(case.meta["type"], "request");
        assert_eq!(case.input, b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(case.log.len(), 3);
        assert_eq!(case.log[1].span(), Some(("method", 3)));
        assert_eq!(case.log[2].off, 18);
        assert_eq!(case.log[2].field("v"), Some("1/1"));
        assert_eq!(case.log[2].field("flags"), Some("0"));
    }
}
