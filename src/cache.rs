//! Remembered outcomes, keyed by everything that decides them: the exercise's files, the
//! workspace manifest and lock file, its path dependencies, the toolchain, and this runner's
//! version. Kept under the target directory; an entry that cannot be read is ignored, never
//! trusted.

use crate::check::Outcome;
use crate::files::{self, write_atomically};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The result cache of one target directory.
pub struct ResultCache {
    dir: PathBuf,
    /// Hash of what every key shares: toolchain, runner, workspace manifest and lock file.
    common: Vec<u8>,
}

impl ResultCache {
    /// Opens the cache for the workspace at `root` building into `target_dir`.
    pub fn open(root: &Path, target_dir: &Path) -> ResultCache {
        let mut h = Sha256::new();
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(toolchain_version(root));
        for file in ["Cargo.toml", "Cargo.lock"] {
            h.update(std::fs::read(root.join(file)).unwrap_or_default());
        }
        // Code every exercise may build with (the shared `testkit`) decides outcomes too.
        for dir in path_dependencies(root) {
            h.update(content_digest(&dir).unwrap_or_default());
        }
        // Conformance tests skip, with a note, where the official vectors are absent: a result
        // taken without them must not answer for a run that has them, or the other way round.
        h.update(
            vectors_dir(root)
                .unwrap_or_default()
                .to_string_lossy()
                .as_bytes(),
        );
        ResultCache {
            dir: target_dir.join("backlings").join("results"),
            common: h.finalize().to_vec(),
        }
    }

    /// The key of an exercise whose files had `content` (see [`content_digest`]).
    pub fn key(&self, content: &[u8], color: bool) -> String {
        let mut h = Sha256::new();
        h.update(&self.common);
        h.update([color as u8]);
        h.update(content);
        format!("{:x}", h.finalize())
    }

    /// The remembered outcome for `key`, if there is a readable one.
    pub fn get(&self, key: &str) -> Option<Outcome> {
        let bytes = std::fs::read(self.dir.join(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Remembers an outcome; a failure to write only costs a later rebuild.
    pub fn put(&self, key: &str, outcome: &Outcome) {
        if std::fs::create_dir_all(&self.dir).is_ok()
            && let Ok(bytes) = serde_json::to_vec(outcome)
        {
            let _ = write_atomically(&self.dir.join(key), &bytes);
        }
    }
}

/// A digest of every file of an exercise crate as it is now. Taken before a check, so that an
/// edit during the check can never be remembered with the older file's outcome.
pub fn content_digest(exercise_dir: &Path) -> Option<Vec<u8>> {
    let mut h = Sha256::new();
    for rel in files::walk(exercise_dir).ok()? {
        let bytes = std::fs::read(exercise_dir.join(&rel)).ok()?;
        h.update(rel.to_string_lossy().as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Some(h.finalize().to_vec())
}

/// The folders of the `path` entries of the workspace's `[workspace.dependencies]`.
fn path_dependencies(root: &Path) -> Vec<PathBuf> {
    let manifest: Option<toml::Table> = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|text| toml::from_str(&text).ok());
    let deps = manifest
        .as_ref()
        .and_then(|m| m.get("workspace")?.get("dependencies")?.as_table().cloned())
        .unwrap_or_default();
    deps.values()
        .filter_map(|dep| Some(root.join(dep.get("path")?.as_str()?)))
        .collect()
}

/// The official vectors folder the exercises' tests will read, found as `testkit` finds it:
/// `$BACKLINGS_VECTORS`, else a `shared/vectors` beside the course or a folder above it.
fn vectors_dir(root: &Path) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("BACKLINGS_VECTORS") {
        return Some(dir.into());
    }
    root.ancestors()
        .map(|a| a.join("shared/vectors"))
        .find(|p| p.is_dir())
}

/// `rustc -vV` as run in the course (so a rust-toolchain file is honoured).
fn toolchain_version(root: &Path) -> Vec<u8> {
    Command::new("rustc")
        .arg("-vV")
        .current_dir(root)
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default()
}
