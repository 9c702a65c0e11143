//! # Query strings and HTML forms: `application/x-www-form-urlencoded`
//!
//! `GET /search?q=rust+web&page=2` and the body of a plain HTML form POST use one and the same
//! format: `application/x-www-form-urlencoded`. It is a list of `name=value` pairs joined by
//! `&`, where a `+` stands for a space and any byte can be written as `%` followed by two hex
//! digits (`%C3%A9` is the UTF-8 encoding of `é`). Every backend reads this format all day: search
//! boxes, filters, pagination, login forms, webhooks from payment providers.
//!
//! The format looks trivial, and that is the trap. The WHATWG URL Standard defines the one
//! parser that browsers use (§5.1), and a server that parses differently will, sooner or later,
//! read a different value than the one the user typed:
//!
//! - the input is split on `&` only (not `;`), and empty pieces (`a=1&&b=2`) are skipped;
//! - each piece is split at the FIRST `=` only: `a==b` is the name `a` with the value `=b`;
//!   a piece without `=` is a name with the empty value;
//! - `+` becomes a space BEFORE percent-decoding, so `%2B` still decodes to a literal `+`;
//! - percent-decoding works on bytes, and a `%` that is not followed by two hex digits is kept as
//!   it is (`100%` stays `100%`): the parser never fails;
//! - the decoded bytes are read as UTF-8, and invalid sequences become U+FFFD `�` (lossy);
//! - repeated names are kept, in order: `tag=a&tag=b` is two pairs, not a map that silently keeps
//!   one of them (which one is kept is exactly the kind of disagreement attackers use in
//!   "HTTP parameter pollution").
//!
//! Serialising is the reverse (§5.2): every byte except ASCII letters, digits and `*-._` is
//! percent-encoded with UPPERCASE hex, and a space is written as `+`.
//!
//! Primary source: WHATWG URL Standard, §5 "application/x-www-form-urlencoded"
//! <https://url.spec.whatwg.org/#application/x-www-form-urlencoded> and §1.3 "Percent-encoded
//! bytes" <https://url.spec.whatwg.org/#percent-encoded-bytes>. The request target of
//! RFC 9112 §3.2 (<https://www.rfc-editor.org/rfc/rfc9112#section-3.2>) carries the query after the
//! first `?`.

impl Form {
    /// Parses `application/x-www-form-urlencoded` input (a query string without its `?`, or a
    /// request body), following WHATWG URL §5.1. Never fails.
    pub fn parse(input: impl AsRef<[u8]>) -> Form {
        let pairs = input
            .as_ref()
            .split(|&b| b == b'&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| {
                // Only the first '=' separates: the rest belongs to the value.
                let (name, value) = match piece.iter().position(|&b| b == b'=') {
                    Some(i) => (&piece[..i], &piece[i + 1..]),
                    None => (piece, &[][..]),
                };
                (decode_component(name), decode_component(value))
            })
            .collect();
        Form { pairs }
    }

    /// Serialises the pairs as `application/x-www-form-urlencoded` (WHATWG URL §5.2).
    pub fn serialize(&self) -> String {
        let mut out = String::new();
        for (i, (name, value)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            encode_component(name, &mut out);
            out.push('=');
            encode_component(value, &mut out);
        }
        out
    }
}

/// The query of a request target: everything after the first `?`, or `""` when there is none.
/// `query_of("/search?q=rust")` is `"q=rust"`.
pub fn query_of(target: &str) -> &str {
    target.split_once('?').map_or("", |(_, query)| query)
}

/// Percent-decodes bytes (WHATWG URL §1.3): `%` followed by two hex digits (either case) becomes
/// that byte; every other byte, including a `%` that is not followed by two hex digits, is
/// copied unchanged. `+` is NOT special here.
pub fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%'
            && let (Some(hi), Some(lo)) = (hex_value(input.get(i + 1)), hex_value(input.get(i + 2)))
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    out
}

fn hex_value(byte: Option<&u8>) -> Option<u8> {
    char::from(*byte?).to_digit(16).map(|d| d as u8)
}

/// One name or value: '+' becomes a space first, so that "%2B" still decodes to '+'.
fn decode_component(raw: &[u8]) -> String {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    String::from_utf8_lossy(&percent_decode(&spaced)).into_owned()
}

fn encode_component(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0F)]));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the list of pairs and its plain accessors. You need not change it.
// ---------------------------------------------------------------------------------------------

/// The decoded pairs of a query string or form body, in the order they appeared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Form {
        Form::default()
    }

    /// All pairs, in input order, repeated names included.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Adds a pair at the end.
    pub fn append(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// The value of the FIRST pair with this name (names are case-sensitive), if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The values of every pair with this name, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}
