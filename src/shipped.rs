//! The exercise files as shipped, embedded in the binary, for `reset`.

use crate::course::{Course, Exercise};
use anyhow::{Result, bail};
use std::path::PathBuf;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// The shipped files of one exercise: path relative to its folder, and contents.
pub fn files_of(ex: &Exercise) -> Vec<(&'static str, &'static [u8])> {
    let prefix = format!("{}/", ex.dir);
    SHIPPED
        .iter()
        .filter_map(|(path, bytes)| path.strip_prefix(prefix.as_str()).map(|rel| (rel, *bytes)))
        .collect()
}

/// The files of an exercise that differ from how they were shipped (or are missing).
pub fn changed_files(course: &Course, ex: &Exercise) -> Result<Vec<PathBuf>> {
    let shipped = files_of(ex);
    if shipped.is_empty() {
        bail!(
            "this build of backlings has no shipped copy of `{}` (added after it was built?): rebuild it with `cargo build` after touching info.toml, or restore the files with git",
            ex.name
        );
    }
    let dir = course.exercise_dir(ex);
    Ok(shipped
        .into_iter()
        .filter(|(rel, bytes)| std::fs::read(dir.join(rel)).ok().as_deref() != Some(*bytes))
        .map(|(rel, _)| dir.join(rel))
        .collect())
}

/// Writes every shipped file of the exercise back; returns the files that changed.
pub fn restore(course: &Course, ex: &Exercise) -> Result<Vec<PathBuf>> {
    let changed = changed_files(course, ex)?;
    let dir = course.exercise_dir(ex);
    for (rel, bytes) in files_of(ex) {
        let path = dir.join(rel);
        if changed.contains(&path) {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            crate::files::write_atomically(&path, bytes)?;
        }
    }
    Ok(changed)
}
