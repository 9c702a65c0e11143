//! `shipped.txt`, the record of the course as shipped: every file under `exercises/` with its
//! git blob id, written by `backlings dev ship` and committed with the exercises. From it the
//! build script embeds the files as shipped, `reset` checks and restores them, and `dev check`
//! finds exercises changed since they were recorded.
//!
//! It needs only std and sha1, because build.rs includes it too (`#[path]`).

use sha1::{Digest, Sha1};
use std::path::{Component, Path};
use std::process::{Command, Stdio};

/// The manifest's name, at the course root.
pub const MANIFEST_FILE: &str = "shipped.txt";

/// One shipped file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path from the course root, with `/` between components: `exercises/...`.
    pub path: String,
    /// Its git blob id: 40 lowercase hex digits.
    pub id: String,
}

/// The git blob id of these bytes, as `git hash-object` gives it: SHA-1 of
/// `blob <length>\0` followed by the bytes.
pub fn blob_id(bytes: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// Reads the manifest's text: comment lines (`#`) and one `ID PATH` line per file. An error
/// is one sentence that names the line.
pub fn parse(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = format!("{MANIFEST_FILE}:{}", i + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((id, path)) = line.split_once(' ') else {
            return Err(format!(
                "{at}: expected a blob id and a path (`ID exercises/...`)"
            ));
        };
        if id.len() != 40
            || !id
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(format!(
                "{at}: `{id}` is not a git blob id (40 lowercase hex digits)"
            ));
        }
        if !is_safe_path(path) {
            return Err(format!(
                "{at}: `{path}` is not a path under exercises/ (relative, with no `.` or `..`)"
            ));
        }
        if entries.iter().any(|e| e.path == path) {
            return Err(format!("{at}: `{path}` is listed twice"));
        }
        entries.push(Entry {
            path: path.to_string(),
            id: id.to_string(),
        });
    }
    Ok(entries)
}

/// Whether `path` stays under `exercises/`, so nothing that reads or writes it can leave.
fn is_safe_path(path: &str) -> bool {
    path.starts_with("exercises/")
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && path.split('/').all(|part| !part.is_empty())
}

/// The manifest's text for these entries, sorted by path.
pub fn render(entries: &[Entry]) -> String {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut text = String::from(
        "# The course as shipped: every file under exercises/ and its git blob id (`git hash-object FILE`).\n\
         # `backlings reset` restores exactly these. Written by `backlings dev ship`; commit it with the exercises.\n",
    );
    for e in sorted {
        text.push_str(&format!("{} {}\n", e.id, e.path));
    }
    text
}

/// The bytes of a shipped file, from the course at `root`: the file itself while it is as
/// shipped, else git's copy of its blob (a learner's edits and commits never remove it from
/// the history), else `None`.
pub fn find_shipped(root: &Path, entry: &Entry) -> Option<Vec<u8>> {
    if let Ok(bytes) = std::fs::read(root.join(&entry.path))
        && blob_id(&bytes) == entry.id
    {
        return Some(bytes);
    }
    git_blob(root, &entry.id)
}

/// The blob `id` from the object database of the git repository at `root`, if there is one
/// and it has the blob.
pub fn git_blob(root: &Path, id: &str) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .args(["cat-file", "blob", id])
        .current_dir(root)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    (out.status.success() && blob_id(&out.stdout) == id).then_some(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and the empty blob.
        assert_eq!(
            blob_id(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(blob_id(b""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }

    #[test]
    fn render_and_parse_agree() {
        let entries = vec![
            Entry {
                path: "exercises/b/x y.rs".into(),
                id: blob_id(b"b"),
            },
            Entry {
                path: "exercises/a/lib.rs".into(),
                id: blob_id(b"a"),
            },
        ];
        let parsed = parse(&render(&entries)).unwrap();
        assert_eq!(parsed, [entries[1].clone(), entries[0].clone()]);
    }

    #[test]
    fn parse_names_the_bad_line() {
        let id = blob_id(b"a");
        for (text, expected) in [
            (format!("# c\n{id}\n"), "shipped.txt:2: expected a blob id"),
            (
                "xyz exercises/a\n".to_string(),
                "shipped.txt:1: `xyz` is not",
            ),
            (
                format!("{id} exercises/../x\n"),
                "shipped.txt:1: `exercises/../x`",
            ),
            (
                format!("{id} /etc/passwd\n"),
                "is not a path under exercises/",
            ),
            (
                format!("{id} exercises/a\n{id} exercises/a\n"),
                "shipped.txt:2: `exercises/a` is listed twice",
            ),
        ] {
            let err = parse(&text).unwrap_err();
            assert!(err.contains(expected), "{err}");
        }
    }
}
