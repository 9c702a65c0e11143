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
        let _input = input.as_ref();
        // TODO: split on '&', skip empty pieces, split each at the first '=', turn '+' into a
        // space, percent-decode, and turn the bytes into text (lossy UTF-8).
        todo!("parse the pairs of an application/x-www-form-urlencoded string")
    }

    /// Serialises the pairs as `application/x-www-form-urlencoded` (WHATWG URL §5.2).
    pub fn serialize(&self) -> String {
        // TODO: percent-encode each name and value (space as '+'), join with '=' and '&'.
        todo!("serialise the pairs")
    }
}

/// The query of a request target: everything after the first `?`, or `""` when there is none.
/// `query_of("/search?q=rust")` is `"q=rust"`.
pub fn query_of(target: &str) -> &str {
    // TODO: return the part after the first '?'.
    todo!("find the query in {target:?}")
}

/// Percent-decodes bytes (WHATWG URL §1.3): `%` followed by two hex digits (either case) becomes
/// that byte; every other byte, including a `%` that is not followed by two hex digits, is
/// copied unchanged. `+` is NOT special here.
pub fn percent_decode(input: &[u8]) -> Vec<u8> {
    // TODO: decode %XX sequences, keep everything else as is.
    todo!("percent-decode {} bytes", input.len())
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
