//! Step 1, the chunk-size line: your solution to `chunk_size_line`, given here.

use super::ChunkedError;

/// The chunk size a chunk-size line announces, given the line without its CRLF.
pub fn parse_chunk_size(line: &[u8]) -> Result<u64, ChunkedError> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(ChunkedError::InvalidChunkSize);
    }
    let mut size: u64 = 0;
    for &b in &line[..digits] {
        let digit = (b as char).to_digit(16).expect("a hex digit") as u64;
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(digit))
            .ok_or(ChunkedError::ChunkSizeOverflow)?;
    }
    let rest = &line[digits..];
    if rest.is_empty() {
        return Ok(size);
    }
    // Only an extension may follow the size (BWS is allowed before its ';').
    if skip_bws(rest).first() != Some(&b';') {
        return Err(ChunkedError::InvalidChunkSize);
    }
    check_extensions(rest)?;
    Ok(size)
}

/// The length of the quoted-string at the start of `bytes`, both quotes included
/// (`"a\"b"; x` gives 6).
pub fn quoted_string_len(bytes: &[u8]) -> Result<usize, ChunkedError> {
    if bytes.first() != Some(&b'"') {
        return Err(ChunkedError::InvalidExtension);
    }
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Ok(i + 1),
            // quoted-pair: the backslash and the byte it escapes.
            b'\\' if i + 1 < bytes.len() && is_text(bytes[i + 1]) => i += 2,
            b if is_text(b) && b != b'\\' => i += 1,
            _ => return Err(ChunkedError::InvalidExtension),
        }
    }
    // The line ended inside the quotes.
    Err(ChunkedError::InvalidExtension)
}

/// Checks `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`.
fn check_extensions(mut rest: &[u8]) -> Result<(), ChunkedError> {
    while !rest.is_empty() {
        let Some(after) = skip_bws(rest).strip_prefix(b";") else {
            return Err(ChunkedError::InvalidExtension);
        };
        let after = skip_bws(after);
        let name_len = token_len(after);
        if name_len == 0 {
            return Err(ChunkedError::InvalidExtension);
        }
        rest = &after[name_len..];
        if let Some(value) = skip_bws(rest).strip_prefix(b"=") {
            let value = skip_bws(value);
            let value_len = match value.first() {
                Some(b'"') => quoted_string_len(value)?,
                _ => token_len(value),
            };
            if value_len == 0 {
                return Err(ChunkedError::InvalidExtension);
            }
            rest = &value[value_len..];
        }
    }
    Ok(())
}

/// `tchar` of RFC 9110 §5.6.2: the bytes of a token (extension names and unquoted values).
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// HTAB, SP, visible ASCII and obs-text: what a quoted-string may hold, and what a backslash
/// may escape in it (RFC 9110 §5.6.4).
pub fn is_text(b: u8) -> bool {
    b == b'\t' || b == b' ' || b.is_ascii_graphic() || b >= 0x80
}

/// The number of tchar bytes at the start of `bytes`.
pub fn token_len(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| is_tchar(b)).count()
}

/// `bytes` without the SP and HTAB at its start (BWS, "bad" whitespace: a sender must not
/// send it, a recipient must accept it where the grammar allows it).
pub fn skip_bws(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &bytes[n..]
}
