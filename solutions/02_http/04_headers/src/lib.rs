//! # A header map done right
//!
//! Headers look like a `HashMap<String, String>`. They are not, in three ways that each have
//! caused real outages and security holes:
//!
//! 1. **Names are case-insensitive** ([RFC 9110 §5.1]): `Content-Type`, `content-type` and
//!    `CONTENT-TYPE` are the same field. HTTP/2 and HTTP/3 even send them all lower-case.
//!    A map keyed by the exact string finds nothing when the client spelled it differently.
//! 2. **A name can appear on several lines.** A recipient may combine them into one value by
//!    joining them, in order, with `", "` ([RFC 9110 §5.3]): `Accept-Encoding: gzip` and
//!    `Accept-Encoding: br` mean `Accept-Encoding: gzip, br`. One exception: `Set-Cookie`
//!    does not use the list syntax and a cookie's `Expires=Wed, 21 Oct 2026 07:28:00 GMT`
//!    holds a comma of its own, so joined cookies can no longer be told apart. Its lines are
//!    kept apart. A map that keeps only the last value of each name loses data; one that
//!    joins Set-Cookie breaks logins.
//! 3. **Not every string is a header.** A name is a *token* ([RFC 9110 §5.6.2]). A value must
//!    not contain CR, LF or NUL ([RFC 9110 §5.5]), nor other control characters: if a value
//!    taken from user input (a redirect URL, a file name) could hold `\r\n`, an attacker
//!    could add headers of their own, or a whole response (*response splitting*, CWE-113).
//!    The map refuses such values when they are inserted, so no later code can write them.
//!
//! A map of untrusted headers also needs **limits**: a client may send thousands of fields
//! or megabytes of them to exhaust the server's memory. This map counts the field lines and
//! the bytes they take on the wire (`name: value\r\n`), and refuses to grow past its limits.
//!
//! Finally, a **list accessor** applies the list rules in one place: the elements of a
//! list-based field (`#rule`, [RFC 9110 §5.6.1]) over all its lines, empty elements ignored,
//! and no split at a comma inside a quoted string (`"a, b"`, where `\"` is an escaped quote).
//!
//! [RFC 9110 §5.1]: https://www.rfc-editor.org/rfc/rfc9110#section-5.1
//! [RFC 9110 §5.3]: https://www.rfc-editor.org/rfc/rfc9110#section-5.3
//! [RFC 9110 §5.5]: https://www.rfc-editor.org/rfc/rfc9110#section-5.5
//! [RFC 9110 §5.6.1]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.1
//! [RFC 9110 §5.6.2]: https://www.rfc-editor.org/rfc/rfc9110#section-5.6.2

impl HeaderMap {
    /// Adds a field line, after the lines already there. The value is stored without
    /// surrounding whitespace. On error the map is unchanged.
    pub fn append(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let value = checked(name, value)?;
        if self.fields.len() >= self.limits.max_fields {
            return Err(HeaderError::TooManyFields);
        }
        if self.size() + line_size(name, value) > self.limits.max_size {
            return Err(HeaderError::TooLarge);
        }
        self.fields.push((name.to_string(), value.to_string()));
        Ok(())
    }

    /// Replaces every line named `name` with one line. On error the map is unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let value = checked(name, value)?;
        let mut without = self.clone();
        without.remove(name);
        without.append(name, value)?;
        *self = without;
        Ok(())
    }

    /// Removes every line named `name`; returns how many there were.
    pub fn remove(&mut self, name: &str) -> usize {
        let before = self.fields.len();
        self.fields.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        before - self.fields.len()
    }

    /// Whether a line named `name` exists.
    pub fn contains(&self, name: &str) -> bool {
        self.values(name).next().is_some()
    }

    /// The field's value: all lines named `name`, in order, joined with ", " (RFC 9110 §5.3).
    /// Set-Cookie lines are never joined: this returns the first; see [`HeaderMap::get_all`].
    pub fn get(&self, name: &str) -> Option<String> {
        if name.eq_ignore_ascii_case("set-cookie") {
            return self.values(name).next().map(str::to_string);
        }
        let values: Vec<&str> = self.values(name).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The value of each line named `name`, in order.
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.values(name).collect()
    }

    /// The elements of a list-based field (RFC 9110 §5.6.1) over all its lines: split on
    /// commas outside quoted strings, OWS trimmed, empty elements skipped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.values(name).flat_map(split_list).collect()
    }

    fn values<'s>(&'s self, name: &str) -> impl Iterator<Item = &'s str> {
        self.fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Validates a field line and returns the value without its surrounding OWS.
fn checked<'v>(name: &str, value: &'v str) -> Result<&'v str, HeaderError> {
    if name.is_empty() || !name.bytes().all(is_tchar) {
        return Err(HeaderError::InvalidName);
    }
    let value = value.trim_matches([' ', '\t']);
    // field-vchar (visible ASCII or obs-text), SP and HTAB: every other byte is a control.
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(HeaderError::InvalidValue);
    }
    Ok(value)
}

/// Splits one list-based field value on the commas that are not inside a quoted string.
fn split_list(value: &str) -> Vec<String> {
    let mut elements = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in value.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                elements.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    elements.push(current);
    elements
        .into_iter()
        .map(|e| e.trim_matches([' ', '\t']).to_string())
        .filter(|e| !e.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Given code: the errors, the limits, the token rule and the map's plain accessors. You need
// not change it.
// ---------------------------------------------------------------------------------------------

/// Why a header could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// The name is empty or not a token.
    InvalidName,
    /// The value contains CR, LF, NUL or another control character.
    InvalidValue,
    /// Storing the field would exceed [`Limits::max_fields`].
    TooManyFields,
    /// Storing the field would exceed [`Limits::max_size`].
    TooLarge,
}

/// How much a header map may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most field lines.
    pub max_fields: usize,
    /// Most bytes, counting each field line as it is sent: `name: value\r\n`.
    pub max_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_fields: 100,
            max_size: 16 * 1024,
        }
    }
}

/// `tchar` of RFC 9110 §5.6.2.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The bytes one field line takes on the wire: `name: value\r\n`.
pub fn line_size(name: &str, value: &str) -> usize {
    name.len() + 2 + value.len() + 2
}

/// Field lines in the order they were added, names spelled as they were given.
#[derive(Debug, Clone, Default)]
pub struct HeaderMap {
    fields: Vec<(String, String)>,
    limits: Limits,
}

impl HeaderMap {
    /// An empty map with the default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty map with the given limits.
    pub fn with_limits(limits: Limits) -> Self {
        HeaderMap {
            fields: Vec::new(),
            limits,
        }
    }

    /// The limits this map enforces.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Number of field lines.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the map has no field lines.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Bytes the field lines take on the wire (see [`line_size`]).
    pub fn size(&self) -> usize {
        self.fields.iter().map(|(n, v)| line_size(n, v)).sum()
    }

    /// The field lines in order, names as they were given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}
