//! File helpers shared by the runner: whole-file writes that a crash cannot leave half done, and
//! the one walk over a crate's files that every part of the runner agrees on.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader sees the old file or the new one, never half of one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Whether a file name is an editor's by-product rather than the learner's work: dot-files
/// (`.x.swp`, `.#x`), backups (`x~`), swap and temporary files (`.swp`, `.swx`, `.tmp`), vim's
/// write probe (`4913`) and Emacs auto-saves (`#x#`).
pub fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
}

/// Whether the walk leaves out this entry: a build's `target` folder, or editor noise.
pub fn is_skipped(name: &str, is_dir: bool) -> bool {
    (is_dir && name == "target") || is_editor_noise(name)
}

/// Every file below `dir` that is not skipped (see [`is_skipped`]), relative to `dir` and
/// sorted. Symbolic links to files count as files; linked folders are not entered, so a link
/// cycle cannot make the walk endless.
pub fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk_into(dir, Path::new(""), &mut out)?;
    out.sort();
    Ok(out)
}

fn walk_into(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let kind = entry.file_type()?;
        let is_dir = kind.is_dir();
        if is_skipped(&name.to_string_lossy(), is_dir) {
            continue;
        }
        let rel = rel.join(&name);
        if is_dir {
            walk_into(&entry.path(), &rel, out)?;
        } else if kind.is_file() || (kind.is_symlink() && entry.path().is_file()) {
            out.push(rel);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_noise_is_recognised_and_real_files_are_not() {
        for noise in [
            ".lib.rs.swp",
            ".lib.rs.swx",
            "lib.rs~",
            "lib.rs.tmp",
            "4913",
            "#lib.rs#",
            ".#lib.rs",
            ".gitignore",
        ] {
            assert!(is_editor_noise(noise), "{noise}");
        }
        for real in ["lib.rs", "spec.rs", "Cargo.toml", "README.md", "#", "49130"] {
            assert!(!is_editor_noise(real), "{real}");
        }
    }

    #[test]
    fn walk_skips_target_dot_files_and_editor_files_and_sorts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "src/lib.rs",
            "src/.lib.rs.swp",
            "src/lib.rs~",
            "src/#lib.rs#",
            "src/4913",
            "tests/spec.rs",
            "target/debug/x",
            ".git/HEAD",
            "Cargo.toml",
            "docs/target",
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let found: Vec<String> = walk(root)
            .unwrap()
            .iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(
            found,
            ["Cargo.toml", "docs/target", "src/lib.rs", "tests/spec.rs"],
            "a file named target is kept; only a target folder is a build's"
        );
    }

    #[test]
    fn write_atomically_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        write_atomically(&path, b"a long first version").unwrap();
        write_atomically(&path, b"short").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
