//! Step 1's solution, given: a route pattern parsed into segments, and matching one path against
//! it, capturing the percent-decoded parameters.

impl Pattern {
    /// Parses a pattern such as `/users/:id/posts/:post_id`.
    pub fn parse(pattern: &str) -> Result<Pattern, InvalidPattern> {
        let invalid = || InvalidPattern(pattern.to_string());
        let pieces = split_path(pattern).ok_or_else(invalid)?;
        let mut segments = Vec::with_capacity(pieces.len());
        for piece in pieces {
            let segment = match piece.strip_prefix(':') {
                Some("") => return Err(invalid()),
                Some(name) if segments.contains(&Segment::Param(name.to_string())) => {
                    return Err(invalid());
                }
                Some(name) => Segment::Param(name.to_string()),
                None => Segment::Static(piece.to_string()),
            };
            segments.push(segment);
        }
        Ok(Pattern { segments })
    }

    /// Matches `path` (without its query string): `None` if it does not match, else the
    /// captured parameters, or the first one that is not UTF-8 once decoded.
    pub fn capture(&self, path: &str) -> Option<Result<Params, NotUtf8>> {
        let pieces = split_path(path)?;
        if pieces.len() != self.segments.len() {
            return None;
        }
        // Match on the raw text first: decoding before the split would turn %2F into a '/'.
        let matches = self
            .segments
            .iter()
            .zip(&pieces)
            .all(|(segment, piece)| match segment {
                Segment::Static(text) => text == piece,
                Segment::Param(_) => !piece.is_empty(),
            });
        if !matches {
            return None;
        }
        let mut params = Params::default();
        for (segment, piece) in self.segments.iter().zip(pieces) {
            if let Segment::Param(name) = segment {
                match String::from_utf8(percent_decode(piece.as_bytes())) {
                    Ok(value) => params.push(name.as_str(), value),
                    Err(_) => return Some(Err(NotUtf8 { name: name.clone() })),
                }
            }
        }
        Some(Ok(params))
    }
}

/// `/users/42/` is `["users", "42", ""]`; `/` is `[""]`; no leading '/' is no path at all.
fn split_path(path: &str) -> Option<Vec<&str>> {
    Some(path.strip_prefix('/')?.split('/').collect())
}

/// A route pattern, parsed once when the route is added so that each request only compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segments: Vec<Segment>,
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Matches exactly this text.
    Static(String),
    /// `:name`: matches any one non-empty segment and captures it under `name`.
    Param(String),
}

impl Pattern {
    /// The segments, in order: the router of step 3 ranks patterns by them.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
}

/// Why a pattern was refused, with the pattern as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPattern(pub String);

/// A parameter that is not UTF-8 once percent-decoded (a 400 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotUtf8 {
    /// The parameter's name, as in the pattern.
    pub name: String,
}

/// The parameters captured from the path, in pattern order, already percent-decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// The value of the parameter `name` (`"id"` for `:id`), if the pattern has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Adds a captured parameter.
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((name.into(), value.into()));
    }

    /// How many parameters were captured.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when the pattern had no parameters.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// WHATWG URL §1.3 percent-decode, as in `query_and_forms` but without the `+` rule of forms:
/// `%` and two hex digits is one byte, anything else (`%`, `%4`, `%zz`) is copied as it is.
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
