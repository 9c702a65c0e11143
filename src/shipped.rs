//! The exercise files as shipped, embedded in the binary by build.rs from `shipped.txt`, for
//! `reset`: which files differ from how they were shipped, and putting them back.

use crate::course::{Course, Exercise};
use crate::manifest::{self, Entry, MANIFEST_FILE};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

include!(concat!(env!("OUT_DIR"), "/shipped.rs"));

/// One embedded file: its entry in `shipped.txt`, and its bytes if the build found them.
struct Shipped {
    entry: Entry,
    bytes: Option<&'static [u8]>,
}

/// The embedded files of one exercise.
fn files_of(ex: &Exercise) -> Vec<Shipped> {
    let prefix = format!("exercises/{}/", ex.dir);
    let mut files: Vec<Shipped> = SHIPPED
        .iter()
        .filter(|(path, _, _)| path.starts_with(&prefix))
        .map(|(path, id, bytes)| Shipped {
            entry: Entry {
                path: path.to_string(),
                id: id.to_string(),
            },
            bytes: *bytes,
        })
        .collect();
    files.sort_by(|a, b| a.entry.path.cmp(&b.entry.path));
    files
}

/// The files of an exercise that differ from how they were shipped (or are missing), each
/// with its bytes as shipped. Fails, naming the files, if some cannot be restored.
pub fn plan(course: &Course, ex: &Exercise) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    plan_from(course, ex, files_of(ex))
}

fn plan_from(
    course: &Course,
    ex: &Exercise,
    shipped: Vec<Shipped>,
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    if shipped.is_empty() {
        bail!(
            "this build of backlings has no shipped copy of `{}` ({MANIFEST_FILE} did not list its files when it was built): rebuild it (`cargo run` does; `cargo install --path .` for an installed one), or restore the files with git",
            ex.name
        );
    }
    check_built_from(course, ex, &shipped)?;
    let mut plan = Vec::new();
    let mut unavailable = Vec::new();
    for file in shipped {
        let path = course.root.join(&file.entry.path);
        let now = std::fs::read(&path).ok();
        if now.as_deref().map(manifest::blob_id).as_ref() == Some(&file.entry.id) {
            continue;
        }
        // Not embedded: the build found the file edited and no git history; git may have the
        // blob by now (a fetch, a clone moved in).
        match file
            .bytes
            .map(<[u8]>::to_vec)
            .or_else(|| manifest::find_shipped(&course.root, &file.entry))
        {
            Some(bytes) => plan.push((path, bytes)),
            None => unavailable.push(file.entry.path),
        }
    }
    if !unavailable.is_empty() {
        let (it_was, it) = match unavailable.len() {
            1 => ("it was", "it"),
            _ => ("they were", "them"),
        };
        bail!(
            "cannot restore {} as shipped: {it_was} edited before this backlings was built, and git's history here has no copy of {it} as shipped; restore {it} with `git checkout <the course's commit> -- {}` (origin/main in a clone) or copy {it} from a fresh download of the course",
            unavailable.join(", "),
            unavailable.join(" ")
        );
    }
    Ok(plan)
}

/// Refuses to restore from a binary built from another `shipped.txt` than the course's (an
/// installed backlings after a course update): it would put back an older exercise.
fn check_built_from(course: &Course, ex: &Exercise, shipped: &[Shipped]) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(course.root.join(MANIFEST_FILE)) else {
        return Ok(());
    };
    let Ok(entries) = manifest::parse(&text) else {
        return Ok(());
    };
    let prefix = format!("exercises/{}/", ex.dir);
    let mut recorded: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.path.starts_with(&prefix))
        .collect();
    recorded.sort_by(|a, b| a.path.cmp(&b.path));
    let embedded: Vec<&Entry> = shipped.iter().map(|s| &s.entry).collect();
    if recorded != embedded {
        bail!(
            "this build of backlings embeds another version of `{}` than the course's {MANIFEST_FILE} records: rebuild it (`cargo run` does; `cargo install --path .` again for an installed one), then reset",
            ex.name
        );
    }
    Ok(())
}

/// The files of an exercise that differ from how they were shipped (or are missing).
pub fn changed_files(course: &Course, ex: &Exercise) -> Result<Vec<PathBuf>> {
    Ok(plan(course, ex)?
        .into_iter()
        .map(|(path, _)| path)
        .collect())
}

/// Writes every changed file of the exercise back as shipped; returns the files it wrote.
pub fn restore(course: &Course, ex: &Exercise) -> Result<Vec<PathBuf>> {
    let plan = plan(course, ex)?;
    for (path, bytes) in &plan {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        crate::files::write_atomically(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(plan.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "exercises/00_a/01_one/src/lib.rs";

    /// A course of one exercise whose src/lib.rs holds `lib`.
    fn course(lib: &str) -> (tempfile::TempDir, Course) {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            (
                "info.toml",
                "format_version = 1\nwelcome_message = \"w\"\nfinal_message = \"f\"\n\n[[exercises]]\nname = \"one\"\ndir = \"00_a/01_one\"\nconcept = \"c\"\nhints = [\"h\"]\n",
            ),
            (
                "exercises/00_a/01_one/Cargo.toml",
                "[package]\nname = \"one\"\n",
            ),
            (LIB, lib),
        ];
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let course = Course::load(dir.path()).unwrap();
        (dir, course)
    }

    /// The lib.rs shipped as `shipped`, which the build could not find.
    fn unavailable(shipped: &str) -> Vec<Shipped> {
        vec![Shipped {
            entry: Entry {
                path: LIB.to_string(),
                id: manifest::blob_id(shipped.as_bytes()),
            },
            bytes: None,
        }]
    }

    #[test]
    fn a_file_the_build_could_not_find_is_named_with_what_to_do_in_one_sentence() {
        let (_dir, course) = course("// the learner's work\n");
        let ex = &course.exercises[0];
        let err = plan_from(&course, ex, unavailable("todo!()\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "cannot restore {LIB} as shipped: it was edited before"
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("`git checkout <the course's commit> -- {LIB}`")),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }

    #[test]
    fn a_file_the_build_could_not_find_needs_nothing_once_it_is_as_shipped_again() {
        let (_dir, course) = course("todo!()\n");
        let ex = &course.exercises[0];
        assert!(
            plan_from(&course, ex, unavailable("todo!()\n"))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn only_changed_files_are_planned_with_their_shipped_bytes() {
        let (_dir, course) = course("// edited\n");
        let ex = &course.exercises[0];
        let shipped = vec![Shipped {
            entry: Entry {
                path: LIB.to_string(),
                id: manifest::blob_id(b"todo!()\n"),
            },
            bytes: Some(b"todo!()\n"),
        }];
        let plan = plan_from(&course, ex, shipped).unwrap();
        assert_eq!(plan, [(course.root.join(LIB), b"todo!()\n".to_vec())]);
    }
}
