//! Conformance: the web-platform-tests URL cases (url/resources/urltestdata.json), the tests
//! every browser runs, filtered to what this exercise covers. The file is read at test time
//! from `shared/vectors/url/` (or `$BACKLINGS_VECTORS/url/`); without it this test is skipped.

use serde_json::Value;
use testkit::wpt;
use url_parsing::Url;

/// The WPT URL cases, inside the vectors folder.
const URLTESTDATA: &str = "url/urltestdata.json";

const SPECIAL_SCHEMES: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];

/// The input after the first steps of the basic URL parser: trim C0 controls and spaces, drop
/// tabs and newlines.
fn preprocess(input: &str) -> String {
    input
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// `Some((lowercase scheme, rest))` if the string starts with a valid scheme and `:`.
fn scheme_of(input: &str) -> Option<(String, &str)> {
    let (scheme, rest) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme.to_ascii_lowercase(), rest))
}

/// Why a case is out of this exercise's scope, or `None` if it is in scope.
fn excluded_because(input: &str, base: Option<&str>) -> Option<&'static str> {
    let input = preprocess(input);
    let Some((scheme, rest)) = scheme_of(&input) else {
        // "/foo", "//host", "?x": only meaningful against a base URL.
        return Some("relative reference (no scheme): base URL resolution is out of scope");
    };
    if scheme == "file" {
        return Some("file: URLs have their own host and Windows drive-letter rules");
    }
    if !SPECIAL_SCHEMES.contains(&scheme.as_str()) {
        return Some("non-special scheme: opaque hosts and opaque paths are out of scope");
    }
    if let Some(base) = base {
        // "http:foo" against an http: base is resolved relative to the base; with two slashes
        // (or a different scheme) the base plays no part and the case is in scope.
        let same_scheme = scheme_of(base).is_some_and(|(b, _)| b == scheme);
        let two_slashes = rest
            .chars()
            .take(2)
            .filter(|c| matches!(c, '/' | '\\'))
            .count()
            == 2;
        if same_scheme && !two_slashes {
            return Some("relative to a same-scheme base URL: base URL resolution is out of scope");
        }
    }
    // The raw host: after the slashes, up to the path, without the userinfo.
    let authority = rest.trim_start_matches(['/', '\\']);
    let authority = authority
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let decoded = percent_decode(host);
    let ace_label = String::from_utf8_lossy(&decoded)
        .split('.')
        .any(|label| label.to_ascii_lowercase().starts_with("xn--"));
    if !decoded.is_ascii() || ace_label {
        return Some("host needs IDNA (non-ASCII or an xn-- label): UTS #46 is out of scope");
    }
    None
}

/// Percent-decoding (WHATWG URL §1.3), kept here so that the filter does not depend on the
/// code under test.
fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|_| bytes[i] == b'%')
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

fn field<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name].as_str().unwrap_or_default()
}

/// Runs `check`, turning a panic (a `todo!()`, an overflow, an out-of-bounds slice) into a
/// failure of that case, so one panic does not hide how the other cases fare.
fn check_without_panicking(case: &Value) -> Result<(), String> {
    std::panic::catch_unwind(|| check(case)).unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(format!("{:?}: panicked: {message}", field(case, "input")))
    })
}

/// Compares the parse result with the expected fields of the JavaScript URL API; returns a
/// description of the first difference.
fn check(case: &Value) -> Result<(), String> {
    let input = field(case, "input");
    let result = Url::parse(input);
    if case["failure"].as_bool() == Some(true) {
        return match result {
            Err(_) => Ok(()),
            Ok(url) => Err(format!(
                "{input:?} must be rejected (WHATWG URL: failure), but parsed as {:?}",
                url.href()
            )),
        };
    }
    let url = result.map_err(|e| {
        format!(
            "{input:?} must parse to {:?}, got Err({e:?})",
            field(case, "href")
        )
    })?;
    let hostname = url.host.to_string();
    let port = url.port.map(|p| p.to_string()).unwrap_or_default();
    let host = if port.is_empty() {
        hostname.clone()
    } else {
        format!("{hostname}:{port}")
    };
    let nonempty = |prefix: &str, part: &Option<String>| match part.as_deref() {
        None | Some("") => String::new(),
        Some(part) => format!("{prefix}{part}"),
    };
    let actual = [
        ("href", url.href()),
        ("protocol", format!("{}:", url.scheme)),
        ("username", url.username.clone()),
        ("password", url.password.clone()),
        ("host", host),
        ("hostname", hostname),
        ("port", port),
        ("pathname", url.path.clone()),
        ("search", nonempty("?", &url.query)),
        ("hash", nonempty("#", &url.fragment)),
    ];
    for (name, value) in actual {
        let expected = field(case, name);
        if value != expected {
            return Err(format!(
                "{input:?}: {name} must be {expected:?}, got {value:?} (href {:?})",
                url.href()
            ));
        }
    }
    Ok(())
}

#[test]
fn wpt_urltestdata_in_scope_cases_pass() {
    let Some(cases) = wpt::cases(URLTESTDATA) else {
        return;
    };

    let mut ran = 0;
    let mut excluded = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    // This binary runs only this test, so silencing the panic hook while the cases run hides
    // nobody else's messages; the panics are reported below, with the failures.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for case in &cases {
        if let Some(reason) = excluded_because(field(case, "input"), case["base"].as_str()) {
            *excluded.entry(reason).or_default() += 1;
            continue;
        }
        ran += 1;
        if let Err(failure) = check_without_panicking(case) {
            failures.push(failure);
        }
    }
    std::panic::set_hook(hook);

    let total_excluded: usize = excluded.values().sum();
    eprintln!("urltestdata.json: {ran} cases ran, {total_excluded} excluded:");
    for (reason, count) in &excluded {
        eprintln!("  {count:4}  {reason}");
    }
    assert!(ran > 0, "no in-scope cases found in {URLTESTDATA}");
    assert!(
        failures.is_empty(),
        "{} of {ran} WPT URL cases failed; the first ones:\n  {}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}
