//! The URL parsing cases of `url/urltestdata.json`, for exercises that parse URLs of the
//! special schemes one step at a time. Each step runs the cases whose input needs nothing a
//! later step teaches: [`UrlCase`] gives a step what it needs to decide (the input split into
//! its raw pieces, the expected fields), and [`run_url_cases`] runs the cases a step keeps.

use serde_json::Value;

/// The schemes the URL exercises parse (WHATWG URL §4.1, the special schemes but `file`).
pub const SPECIAL_SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];

/// The fields of the JavaScript URL API that a case expects, or that a parser produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlFields {
    pub href: String,
    /// The scheme and its `:`.
    pub protocol: String,
    pub username: String,
    pub password: String,
    /// The hostname, and `:port` when there is a port.
    pub host: String,
    pub hostname: String,
    pub port: String,
    pub pathname: String,
    /// The query with its `?`, or empty when the query is absent or empty.
    pub search: String,
    /// The fragment with its `#`, or empty when the fragment is absent or empty.
    pub hash: String,
}

impl UrlFields {
    /// `search` or `hash` as the URL API gives it: `prefix` and the part, empty if it is.
    pub fn prefixed(prefix: &str, part: Option<&str>) -> String {
        match part {
            None | Some("") => String::new(),
            Some(part) => format!("{prefix}{part}"),
        }
    }

    fn of_case(case: &Value) -> UrlFields {
        let field = |name: &str| case[name].as_str().unwrap_or_default().to_string();
        UrlFields {
            href: field("href"),
            protocol: field("protocol"),
            username: field("username"),
            password: field("password"),
            host: field("host"),
            hostname: field("hostname"),
            port: field("port"),
            pathname: field("pathname"),
            search: field("search"),
            hash: field("hash"),
        }
    }

    fn named(&self) -> [(&'static str, &str); 10] {
        [
            ("href", &self.href),
            ("protocol", &self.protocol),
            ("username", &self.username),
            ("password", &self.password),
            ("host", &self.host),
            ("hostname", &self.hostname),
            ("port", &self.port),
            ("pathname", &self.pathname),
            ("search", &self.search),
            ("hash", &self.hash),
        ]
    }
}

/// An absolute URL input cut into its pieces the way the basic URL parser (§4.4) cuts a
/// special URL, with nothing decoded, encoded or checked: what each step's parser starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawUrl {
    /// Lowercased.
    pub scheme: String,
    pub username: String,
    pub password: String,
    /// As written, between the userinfo's last `@` and the port's `:`.
    pub host: String,
    pub port: Option<String>,
    pub path: String,
    pub query: Option<String>,
    pub fragment: Option<String>,
    /// Whether `scheme:` was followed by two slashes or backslashes.
    pub two_slashes: bool,
}

impl RawUrl {
    /// Splits `input` after the input preprocessing of §4.4 (C0 controls and spaces trimmed,
    /// tabs and newlines removed); `None` when it does not start with a valid scheme.
    pub fn split(input: &str) -> Option<RawUrl> {
        let input: String = input
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        let (scheme, rest) = input.split_once(':')?;
        let mut chars = scheme.chars();
        let valid = chars.next()?.is_ascii_alphabetic()
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return None;
        }
        let two_slashes = rest
            .chars()
            .take(2)
            .filter(|c| matches!(c, '/' | '\\'))
            .count()
            == 2;
        let rest = rest.trim_start_matches(['/', '\\']);
        let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        let (userinfo, host_and_port) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let mut in_brackets = false;
        let colon = host_and_port.char_indices().find_map(|(i, c)| {
            match c {
                '[' => in_brackets = true,
                ']' => in_brackets = false,
                ':' if !in_brackets => return Some(i),
                _ => {}
            }
            None
        });
        let (host, port) = match colon {
            Some(i) => (
                &host_and_port[..i],
                Some(host_and_port[i + 1..].to_string()),
            ),
            None => (host_and_port, None),
        };
        let (rest, fragment) = match rest.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment.to_string())),
            None => (rest, None),
        };
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_string())),
            None => (rest, None),
        };
        Some(RawUrl {
            scheme: scheme.to_ascii_lowercase(),
            username: username.to_string(),
            password: password.to_string(),
            host: host.to_string(),
            port,
            path: path.to_string(),
            query,
            fragment,
            two_slashes,
        })
    }

    /// The host percent-decoded (§1.3) and ASCII-lowercased, as host parsing sees it.
    pub fn decoded_host(&self) -> String {
        String::from_utf8_lossy(&percent_decode(&self.host)).to_ascii_lowercase()
    }

    /// Whether the userinfo, path, query and fragment come out exactly as written (a path
    /// that is empty comes out as `/`): nothing to percent-encode, no dot segment, no `\`.
    pub fn copied_as_written(&self, expected: &UrlFields) -> bool {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        self.username == expected.username
            && self.password == expected.password
            && path == expected.pathname
            && UrlFields::prefixed("?", self.query.as_deref()) == expected.search
            && UrlFields::prefixed("#", self.fragment.as_deref()) == expected.hash
    }
}

/// Percent-decoding (§1.3): `%` and two hex digits is that byte, anything else stays.
pub fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|h| bytes[i] == b'%' && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// The "ends in a number" checker of §3.5: the last label, one trailing dot ignored, is all
/// digits or `0x` and hex digits.
pub fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or_default();
    let hex = last.strip_prefix("0x").or(last.strip_prefix("0X"));
    (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()))
        || hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One case of urltestdata.json.
#[derive(Debug)]
pub struct UrlCase<'a> {
    /// The input, as the file gives it.
    pub input: &'a str,
    /// The base URL, if the case has one.
    pub base: Option<&'a str>,
    /// Whether the input must be rejected.
    pub failure: bool,
    /// The input cut into its raw pieces; `None` when it has no valid scheme.
    pub raw: Option<RawUrl>,
    /// The fields a browser gives (all empty for a failure).
    pub expected: UrlFields,
}

impl<'a> UrlCase<'a> {
    fn of(case: &'a Value) -> UrlCase<'a> {
        let input = case["input"].as_str().unwrap_or_default();
        UrlCase {
            input,
            base: case["base"].as_str(),
            failure: case["failure"].as_bool() == Some(true),
            raw: RawUrl::split(input),
            expected: UrlFields::of_case(case),
        }
    }

    /// Why the case is out of every step of the URL exercises, or `None`: relative
    /// references, `file:`, non-special schemes, and hosts that need IDNA are never taught.
    pub fn outside_the_course(&self) -> Option<&'static str> {
        let Some(raw) = &self.raw else {
            return Some("relative reference (no scheme): base URL resolution is out of scope");
        };
        if raw.scheme == "file" {
            return Some("file: URLs have their own host and Windows drive-letter rules");
        }
        if !SPECIAL_SCHEMES.contains(&raw.scheme.as_str()) {
            return Some("non-special scheme: opaque hosts and opaque paths are out of scope");
        }
        // "http:foo" against an http: base is resolved against the base; with two slashes
        // (or another scheme) the base plays no part.
        let same_scheme = self
            .base
            .and_then(RawUrl::split)
            .is_some_and(|base| base.scheme == raw.scheme);
        if same_scheme && !raw.two_slashes {
            return Some("relative to a same-scheme base URL: base URL resolution is out of scope");
        }
        let decoded = percent_decode(&raw.host);
        let ace = String::from_utf8_lossy(&decoded)
            .split('.')
            .any(|label| label.to_ascii_lowercase().starts_with("xn--"));
        if !decoded.is_ascii() || ace {
            return Some("host needs IDNA (non-ASCII or an xn-- label): UTS #46 is out of scope");
        }
        None
    }
}

/// Runs the cases of `url/urltestdata.json` that `excluded` keeps (it returns why a case is
/// left out, or `None`) through `parse` (the fields, or the error as text), prints how many ran
/// and why the others did not, and fails if fewer than `at_least` ran or any case failed. A
/// panic fails its own case only. Skips with a note when the file is absent.
pub fn run_url_cases(
    excluded: impl Fn(&UrlCase) -> Option<&'static str>,
    parse: impl Fn(&str) -> Result<UrlFields, String> + std::panic::RefUnwindSafe,
    at_least: usize,
) {
    let Some(cases) = super::cases("url/urltestdata.json") else {
        return;
    };
    let mut ran = 0;
    let mut left_out = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    // A panic (a todo!(), an overflow) fails its case; silence the hook while they run so the
    // report below says it once.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for value in &cases {
        let case = UrlCase::of(value);
        if let Some(reason) = case.outside_the_course().or_else(|| excluded(&case)) {
            *left_out.entry(reason).or_default() += 1;
            continue;
        }
        ran += 1;
        let outcome = std::panic::catch_unwind(|| parse(case.input)).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        });
        if let Err(failure) = compare(&case, outcome) {
            failures.push(failure);
        }
    }
    std::panic::set_hook(hook);
    let total_left_out: usize = left_out.values().sum();
    eprintln!("urltestdata.json: {ran} cases ran, {total_left_out} left out:");
    for (reason, count) in &left_out {
        eprintln!("  {count:4}  {reason}");
    }
    assert!(
        ran >= at_least,
        "only {ran} WPT URL cases are in this step's scope, expected at least {at_least}: is \
         the scope filter broken?"
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} WPT URL cases failed; the first ones:\n  {}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n  ")
    );
}

/// The first difference between what a case expects and what the parser gave.
fn compare(case: &UrlCase, outcome: Result<UrlFields, String>) -> Result<(), String> {
    let input = case.input;
    match outcome {
        Err(_) if case.failure => Ok(()),
        Ok(url) if case.failure => Err(format!(
            "{input:?} must be rejected (WHATWG URL: failure), but parsed as {:?}",
            url.href
        )),
        Err(e) => Err(format!(
            "{input:?} must parse to {:?}, got {e}",
            case.expected.href
        )),
        Ok(url) => {
            for ((name, got), (_, expected)) in url.named().into_iter().zip(case.expected.named()) {
                if got != expected {
                    return Err(format!(
                        "{input:?}: {name} must be {expected:?}, got {got:?} (href {:?})",
                        url.href
                    ));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cuts_the_authority_at_the_last_at_and_the_port_outside_brackets() {
        let raw = RawUrl::split(" HTTP:\\\\a@b:c@[::1]:81\\p/q?x#y?z ").unwrap();
        assert_eq!(raw.scheme, "http");
        assert_eq!((raw.username.as_str(), raw.password.as_str()), ("a@b", "c"));
        assert_eq!(raw.host, "[::1]");
        assert_eq!(raw.port.as_deref(), Some("81"));
        assert_eq!(raw.path, "\\p/q");
        assert_eq!(raw.query.as_deref(), Some("x"));
        assert_eq!(raw.fragment.as_deref(), Some("y?z"));
        assert!(raw.two_slashes);
    }

    #[test]
    fn split_needs_a_scheme() {
        assert_eq!(RawUrl::split("//host/"), None);
        assert_eq!(RawUrl::split("1a:b"), None);
        assert!(!RawUrl::split("http:host").unwrap().two_slashes);
    }

    #[test]
    fn decoded_host_is_decoded_and_lowercased() {
        let raw = RawUrl::split("http://%41b%zz/").unwrap();
        assert_eq!(raw.decoded_host(), "ab%zz");
    }

    #[test]
    fn ends_in_a_number_as_in_the_standard() {
        for host in ["1.2.3.4", "a.0x", "a.0X1f", "a.09", "1.2.3.4."] {
            assert!(ends_in_a_number(host), "{host}");
        }
        for host in ["a", "1.a", "a.0xg", "1.2.3.4..", "", "."] {
            assert!(!ends_in_a_number(host), "{host}");
        }
    }

    #[test]
    fn copied_as_written_compares_every_piece_but_the_host() {
        let raw = RawUrl::split("http://u:p@h/a?q#f").unwrap();
        let mut expected = UrlFields {
            username: "u".into(),
            password: "p".into(),
            pathname: "/a".into(),
            search: "?q".into(),
            hash: "#f".into(),
            ..UrlFields::default()
        };
        assert!(raw.copied_as_written(&expected));
        expected.pathname = "/b".into();
        assert!(!raw.copied_as_written(&expected));
        let bare = RawUrl::split("http://h?#").unwrap();
        let slash = UrlFields {
            pathname: "/".into(),
            ..UrlFields::default()
        };
        assert!(bare.copied_as_written(&slash));
    }
}
