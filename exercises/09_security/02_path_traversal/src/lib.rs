//! # Path traversal: a safe join under a root
//!
//! A static file server, a download endpoint, an upload folder: each takes a name from the
//! request and opens a file under a root folder. Joined naively, `GET /files/../../etc/passwd`
//! opens `/etc/passwd`, and `GET /files/../.env` serves the database password. Path traversal
//! is old, simple and still found every year, because every layer spells the attack
//! differently: URL-encoded (`%2e%2e%2f`), with Windows separators (`..\`), as an absolute
//! path, with a NUL byte that C code stops at (`report.pdf%00.png`), or as a symlink inside the
//! root that points out of it.
//!
//! [`resolve`] turns the request's path (what follows `/files/`) into the canonical path of a
//! file under `root`, or says why it will not. Its checks, in this order:
//!
//! 1. Percent-decode the request **once**, with the given [`percent_decode_once`]; a malformed
//!    escape or bytes that are not UTF-8 are [`PathError::BadEncoding`]. Check what was decoded,
//!    never the raw text (`%2e%2e` is `..`), and never decode again (`%252e` is the name `%2e`).
//! 2. A NUL byte anywhere: [`PathError::NulByte`].
//! 3. A backslash anywhere: [`PathError::Backslash`]. Windows reads it as a separator, and a
//!    file name has no business holding one.
//! 4. A leading `/`: [`PathError::Absolute`]. Watch out: `Path::join` with an absolute path
//!    **replaces** the root, so `root.join("/etc/passwd")` is `/etc/passwd`.
//! 5. Split on `/`: a `..` segment is [`PathError::DotDot`]; empty and `.` segments are
//!    harmless and skipped; the others are joined onto the root.
//! 6. Those checks are about the request's text. The file system has the last word: a symlink
//!    under the root can point anywhere. So `canonicalize` the joined path (it follows every
//!    symlink and fails when nothing is there: [`PathError::NotFound`]; another error is
//!    [`PathError::Io`]) and also the root, and check with `Path::starts_with`, which compares
//!    whole components, that the first is inside the second: otherwise
//!    [`PathError::Escapes`]. Comparing as strings would take `/srv/public-private/key.pem`
//!    for a file under `/srv/public`.
//!
//! Primary sources: OWASP, Path Traversal, <https://owasp.org/www-community/attacks/Path_Traversal>;
//! CWE-22, <https://cwe.mitre.org/data/definitions/22.html>; RFC 3986 §2.1 (percent-encoding);
//! `std::fs::canonicalize` and `Path::starts_with` in the standard library's documentation.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Resolves `request` (the URL path under the route, still percent-encoded) to the canonical
/// path of an existing file or folder under `root`.
pub fn resolve(root: &Path, request: &str) -> Result<PathBuf, PathError> {
    // TODO: decode once; refuse NUL, backslash, a leading /, and `..` segments; join the
    //       rest onto the root; canonicalize both and check the file is under the root.
    todo!("resolve {request:?} under {root:?}")
}

// ---------------------------------------------------------------------------------------------
// Given: the errors, and percent-decoding (chapter 01 built one; this is the same, once).
// ---------------------------------------------------------------------------------------------

/// Why a request does not name a file under the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// A `%` not followed by two hex digits, or decoded bytes that are not UTF-8.
    BadEncoding,
    /// A NUL byte, which C code (and the OS) reads as the end of the name.
    NulByte,
    /// A `\`, a separator on Windows.
    Backslash,
    /// A path starting with `/`, which would replace the root.
    Absolute,
    /// A `..` segment.
    DotDot,
    /// Nothing is there.
    NotFound,
    /// The path exists but, symlinks followed, lies outside the root.
    Escapes,
    /// Another error from the file system.
    Io(ErrorKind),
}

/// Decodes each `%HH` in `s` once and reads the result as UTF-8; `None` if an escape is
/// malformed or the bytes are not UTF-8.
pub fn percent_decode_once(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
