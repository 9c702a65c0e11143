//! Given: the previous exercise's key parser. Nothing to do here.

use crate::MAX_KEY_LEN;

/// Parses an `Idempotency-Key` header value: a Structured Field String (RFC 9651 §4.2.5).
///
/// Surrounding spaces are ignored. The value must be `"` + characters + `"`, where each
/// character is printable ASCII (0x20..=0x7E) other than `"` and `\`, or one of the escapes
/// `\"` and `\\`. Returns the unescaped key; `None` if the syntax is wrong, the key is empty,
/// or it is longer than [`MAX_KEY_LEN`].
pub fn parse_key(value: &str) -> Option<String> {
    let inner = value.trim_matches(' ').strip_prefix('"')?;
    let mut key = String::new();
    let mut chars = inner.chars();
    loop {
        match chars.next()? {
            '\\' => match chars.next()? {
                c @ ('"' | '\\') => key.push(c),
                _ => return None,
            },
            // The closing quote must be the last character.
            '"' => break,
            c @ ' '..='~' => key.push(c),
            _ => return None,
        }
    }
    let well_formed = chars.next().is_none() && !key.is_empty() && key.len() <= MAX_KEY_LEN;
    well_formed.then_some(key)
}
