//! The official test material (llhttp fixtures, WPT data, JSONTestSuite...) lives outside the
//! repository, in a `shared/vectors` folder beside it, or wherever `$BACKLINGS_VECTORS` points.
//! Tests that use it skip with a note when it is absent; a learner without it loses only those.

use std::path::{Path, PathBuf};

/// The variable that names the vectors folder, overriding the search.
pub const VECTORS_ENV: &str = "BACKLINGS_VECTORS";

/// The vectors folder: `$BACKLINGS_VECTORS` if set, else the first `shared/vectors` found in
/// a folder above the course.
pub fn dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(VECTORS_ENV) {
        return Some(dir.into());
    }
    // This crate sits at the course root, so its ancestors are the course's.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/vectors"))
        .find(|p| p.is_dir())
}

/// `rel` inside the vectors folder if it exists there (file or folder); otherwise the calling
/// test is [skipped](crate::skip) with a note saying what is missing, and this is `None`.
pub fn path(rel: &str) -> Option<PathBuf> {
    let Some(dir) = dir() else {
        crate::skip(&format!(
            "no shared/vectors folder beside the course, so {rel} is missing (set {VECTORS_ENV} to run it)"
        ));
        return None;
    };
    let path = dir.join(rel);
    if path.exists() {
        Some(path)
    } else {
        crate::skip(&format!("{} not found", path.display()));
        None
    }
}

/// The text of the file `rel` inside the vectors folder, or `None` after a skip note.
pub fn read_to_string(rel: &str) -> Option<String> {
    let path = path(rel)?;
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            crate::skip(&format!("cannot read {}: {e}", path.display()));
            None
        }
    }
}

/// The files directly in the folder `rel` whose extension is `ext`, sorted, or `None` after a
/// skip note.
pub fn files(rel: &str, ext: &str) -> Option<Vec<PathBuf>> {
    let dir = path(rel)?;
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            crate::skip(&format!("cannot list {}: {e}", dir.display()));
            return None;
        }
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    Some(files)
}
