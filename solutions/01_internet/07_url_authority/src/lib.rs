//! # URL parsing, step 1: scheme, authority and port
//!
//! A backend reads URLs it did not write: redirect targets, webhook endpoints, OAuth
//! `redirect_uri`s. Where two parsers read one URL differently, a filter checks one host while
//! the client connects to another (the chapter's README tells how). The defence is to parse
//! exactly as the WHATWG URL Standard (<https://url.spec.whatwg.org/>) says, as browsers do,
//! and then check the parsed result, never the raw string. Over four steps you write that
//! parser for the special schemes `http`, `https`, `ws`, `wss` and `ftp`, without a base URL.
//!
//! This step cuts a URL into its pieces (§4.4, the basic URL parser):
//!
//! 1. Strip leading and trailing C0 controls and spaces; remove every tab, LF and CR (given:
//!    `preprocess`).
//! 2. **Scheme**: an ASCII letter, then letters, digits, `+`, `-`, `.`, up to the first `:`;
//!    lowercased. No valid scheme is [`ParseError::MissingScheme`]; a valid one other than
//!    the five is [`ParseError::UnsupportedScheme`].
//! 3. Skip any number of `/` and `\`: for special schemes a backslash is a slash.
//! 4. **Authority**: everything up to the next `/`, `\`, `?` or `#`. If it holds an `@`, the
//!    part before the *last* `@` is the userinfo, `username[:password]`, split at its first
//!    `:`.
//! 5. **Host and port**: the port starts at the first `:` that is not inside `[...]` (an IPv6
//!    address has colons of its own). An empty host is [`ParseError::EmptyHost`].
//! 6. **Port**: ASCII digits only, at most 65535, else [`ParseError::InvalidPort`]; empty
//!    means no port; the scheme's default port (http and ws 80, https and wss 443, ftp 21)
//!    is stored as no port, so that `http://h:80/` and `http://h/` are one URL.
//! 7. The rest is the path, the query after the first `?` and the fragment after the first
//!    `#` (given: `split_path_query_fragment`).
//!
//! Each piece then goes to its own parser: [`parse_host`], [`parse_path`], and
//! [`percent_encode`] with the component's [`EncodeSet`]. Here they are stand-ins
//! (src/stand_ins.rs): hosts are taken as lowercase domain names and the rest is copied as
//! written. The next three steps replace them.
//!
//! Conformance (tests/conformance.rs): the web-platform-tests cases of urltestdata.json whose
//! host is ASCII letters, digits, `-` and `.`, not ending in a number, and whose userinfo,
//! path, query and fragment come out as written: 128 cases.

mod model;
mod stand_ins;

pub use model::{Host, ParseError, Url};
pub use stand_ins::{EncodeSet, parse_host, parse_path, percent_encode};

/// The default port of a special scheme, or `None` if the scheme is not one this parser
/// supports.
pub fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

impl Url {
    /// Parses an absolute URL of a special scheme (§4.4 basic URL parser, no base URL).
    pub fn parse(input: &str) -> Result<Url, ParseError> {
        let input = preprocess(input);
        let (scheme, rest) = split_scheme(&input)?;
        let default =
            default_port(&scheme).ok_or_else(|| ParseError::UnsupportedScheme(scheme.clone()))?;

        let rest = rest.trim_start_matches(['/', '\\']);
        let authority_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(authority_end);

        // The last '@' ends the userinfo: earlier ones are data (and get percent-encoded).
        let (userinfo, host_and_port) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));

        let (host, port) = split_host_and_port(host_and_port);
        if host.is_empty() {
            return Err(ParseError::EmptyHost);
        }
        let host = parse_host(host)?;
        let port = parse_port(port)?.filter(|&port| port != default);

        let (path, query, fragment) = split_path_query_fragment(rest);
        Ok(Url {
            scheme,
            username: percent_encode(username, EncodeSet::Userinfo),
            password: percent_encode(password, EncodeSet::Userinfo),
            host,
            port,
            path: parse_path(path),
            query: query.map(|query| percent_encode(query, EncodeSet::SpecialQuery)),
            fragment: fragment.map(|fragment| percent_encode(fragment, EncodeSet::Fragment)),
        })
    }
}

/// Splits `scheme:rest`, lowercasing the scheme.
fn split_scheme(input: &str) -> Result<(String, &str), ParseError> {
    let (scheme, rest) = input.split_once(':').ok_or(ParseError::MissingScheme)?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return Err(ParseError::MissingScheme);
    }
    Ok((scheme.to_ascii_lowercase(), rest))
}

/// Splits at the first `:` that is not inside `[...]`.
fn split_host_and_port(input: &str) -> (&str, Option<&str>) {
    let mut in_brackets = false;
    for (i, c) in input.char_indices() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => return (&input[..i], Some(&input[i + 1..])),
            _ => {}
        }
    }
    (input, None)
}

/// ASCII digits only (`str::parse::<u16>` would take "+80"), at most 65535; empty is none.
fn parse_port(port: Option<&str>) -> Result<Option<u16>, ParseError> {
    match port {
        None | Some("") => Ok(None),
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            // Digit by digit, so that "99999999999999999999" is an error, not an overflow.
            let value = digits.bytes().try_fold(0u32, |acc, b| {
                let next = acc * 10 + u32::from(b - b'0');
                (next <= u32::from(u16::MAX)).then_some(next)
            });
            value.map(|v| Some(v as u16)).ok_or(ParseError::InvalidPort)
        }
        Some(_) => Err(ParseError::InvalidPort),
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the first and the last cut of the basic URL parser.

/// Input preprocessing (§4.4): strip leading and trailing C0 controls and spaces, and remove
/// every tab, LF and CR, wherever it is (a URL pasted across lines still parses).
fn preprocess(input: &str) -> String {
    input
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// Cuts what follows the authority into the path, the query after the first `?` and the
/// fragment after the first `#`. The `#` is looked for first: a `?` in the fragment is data.
fn split_path_query_fragment(rest: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    (path, query, fragment)
}
