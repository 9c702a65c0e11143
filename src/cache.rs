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

/// A digest of every file of an exercise crate as it is now, and of the crates it depends on
/// by path (an exercise may build on the learner's earlier ones, as the capstone does: their
/// code decides its outcome too). Taken before a check, so that an edit during the check can
/// never be remembered with the older file's outcome.
pub fn content_digest(exercise_dir: &Path) -> Option<Vec<u8>> {
    let mut h = Sha256::new();
    // Folders named below the course's exercises folder, so a moved course keeps its cache.
    let exercises = exercise_dir.ancestors().nth(2).unwrap_or(exercise_dir);
    for dir in crate_dirs(exercise_dir) {
        let name = dir.strip_prefix(exercises).unwrap_or(&dir);
        h.update(name.to_string_lossy().as_bytes());
        h.update([0]);
        for rel in files::walk(&dir).ok()? {
            let bytes = std::fs::read(dir.join(&rel)).ok()?;
            h.update(rel.to_string_lossy().as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(&bytes);
        }
    }
    Some(h.finalize().to_vec())
}

/// The exercise's crate folder and those of the crates it depends on by path, transitively:
/// every folder whose files decide its outcome (besides the workspace's shared ones).
pub fn crate_dirs(exercise_dir: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![exercise_dir.to_path_buf()];
    let mut at = 0;
    while at < dirs.len() {
        for dep in crate_path_dependencies(&dirs[at]) {
            let dep = normalize(&dirs[at].join(dep));
            if !dirs.contains(&dep) {
                dirs.push(dep);
            }
        }
        at += 1;
    }
    dirs
}

/// `a/b/../c` as `a/c`, without touching the file system (file events name paths as given).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The `path` values of a crate's own dependency tables (not the workspace's: those are in
/// every key already), as written in its Cargo.toml.
fn crate_path_dependencies(dir: &Path) -> Vec<PathBuf> {
    let manifest: Option<toml::Table> = std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|text| toml::from_str(&text).ok());
    let Some(manifest) = manifest else {
        return Vec::new();
    };
    ["dependencies", "dev-dependencies", "build-dependencies"]
        .iter()
        .filter_map(|table| manifest.get(*table)?.as_table())
        .flat_map(|deps| deps.values())
        .filter_map(|dep| Some(PathBuf::from(dep.get("path")?.as_str()?)))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn crate_dirs_are_the_exercise_and_its_path_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        let capstone = dir.path().join("17_capstone/01_app");
        write(
            &capstone.join("Cargo.toml"),
            "[package]\nname = \"app\"\n\n[dependencies]\n\
             migrations = { path = \"../../05_sql/08_migrations\" }\n",
        );
        assert_eq!(
            crate_dirs(&capstone),
            [capstone.clone(), dir.path().join("05_sql/08_migrations")]
        );
    }

    #[test]
    fn a_change_in_a_crate_the_exercise_depends_on_by_path_changes_its_digest() {
        let dir = tempfile::tempdir().unwrap();
        let capstone = dir.path().join("17_capstone/01_app");
        let earlier = dir.path().join("05_sql/08_migrations");
        write(
            &capstone.join("Cargo.toml"),
            "[package]\nname = \"app\"\n\n[dependencies]\n\
             migrations = { path = \"../../05_sql/08_migrations\" }\n",
        );
        write(&capstone.join("src/lib.rs"), "pub fn app() {}\n");
        write(
            &earlier.join("Cargo.toml"),
            "[package]\nname = \"migrations\"\n",
        );
        write(
            &earlier.join("src/lib.rs"),
            "pub fn migrate() { todo!() }\n",
        );
        let before = content_digest(&capstone).unwrap();
        write(&earlier.join("src/lib.rs"), "pub fn migrate() {}\n");
        assert_ne!(
            content_digest(&capstone).unwrap(),
            before,
            "solving the earlier exercise must not leave the capstone's old outcome cached"
        );
    }
}
