//! Step 2, line ends and field lines (the exercise field_lines).

use super::{Header, ParseError, Request, is_tchar};

/// Takes the CRLF-terminated line starting at `*pos`, without its CRLF, and moves `*pos`
/// past it. `None` means the line has not fully arrived yet.
pub(crate) fn next_line<'a>(
    buf: &'a [u8],
    pos: &mut usize,
) -> Result<Option<&'a [u8]>, ParseError> {
    let rest = &buf[*pos..];
    let Some(lf) = rest.iter().position(|&b| b == b'\n') else {
        // A trailing CR may be the first half of the CRLF: only a CR before it is bare.
        let pending = rest.strip_suffix(b"\r").unwrap_or(rest);
        if pending.contains(&b'\r') {
            return Err(ParseError::BadLineEnding);
        }
        return Ok(None);
    };
    let line = rest[..lf]
        .strip_suffix(b"\r")
        .ok_or(ParseError::BadLineEnding)?;
    if line.contains(&b'\r') {
        return Err(ParseError::BadLineEnding);
    }
    *pos += lf + 1;
    Ok(Some(line))
}

pub(crate) fn parse_field_line(line: &[u8]) -> Result<Header, ParseError> {
    if line.starts_with(b" ") || line.starts_with(b"\t") {
        return Err(ParseError::ObsFold);
    }
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(ParseError::InvalidHeaderName)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.ends_with(b" ") || name.ends_with(b"\t") {
        return Err(ParseError::WhitespaceBeforeColon);
    }
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::InvalidHeaderName);
    }
    let value = trim_ows(value);
    // field-vchar, SP and HTAB (RFC 9110 §5.5).
    if !value
        .iter()
        .all(|&b| b == b' ' || b == b'\t' || b.is_ascii_graphic() || b >= 0x80)
    {
        return Err(ParseError::InvalidHeaderValue);
    }
    Ok(Header {
        name: String::from_utf8(name.to_vec()).expect("a token is ASCII"),
        value: value.to_vec(),
    })
}

/// Strips OWS (SP and HTAB only: a form feed is not whitespace here, it is an invalid byte).
fn trim_ows(mut value: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = value {
        value = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = value {
        value = rest;
    }
    value
}

impl Request {
    /// The value of the first field named `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_slice())
    }
}
