//! The learner's progress: which exercises are done and which is current, kept in a small
//! file at the course root. It is always written whole (temporary file, then rename), and
//! every read-merge-write holds a lock, so processes saving at once lose no mark.

use crate::course::Course;
use crate::files;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The progress file's name, at the course root (git-ignored).
pub const PROGRESS_FILE: &str = ".backlings-progress.toml";

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Stored {
    current: Option<String>,
    #[serde(default)]
    done: Vec<String>,
}

/// Progress through one course, always consistent with its exercise list.
#[derive(Debug, Clone)]
pub struct Progress {
    path: PathBuf,
    order: Vec<String>,
    done: BTreeSet<String>,
    /// Made pending again by this process: not to be merged back from the file.
    undone: BTreeSet<String>,
    current: usize,
}

/// The progress file could not be written: where, and the system's reason.
#[derive(Debug)]
pub struct SaveError {
    /// The progress file.
    pub path: PathBuf,
    /// What the system said.
    pub cause: std::io::Error,
}

impl SaveError {
    /// The system's reason, without the error number.
    pub fn cause_text(&self) -> String {
        let text = self.cause.to_string();
        match text.find(" (os error") {
            Some(at) => text[..at].to_string(),
            None => text,
        }
    }

    /// What the learner can do about it, as an imperative clause.
    pub fn advice(&self) -> String {
        match self.cause.kind() {
            ErrorKind::IsADirectory | ErrorKind::AlreadyExists => {
                "move the folder that is in its place out of the way".to_string()
            }
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
                "make the course folder writable".to_string()
            }
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "free some disk space".to_string(),
            _ => "make sure the course folder can be written to".to_string(),
        }
    }
}

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot save your progress to {} ({}): {}",
            self.path.display(),
            self.cause_text(),
            self.advice()
        )
    }
}

impl std::error::Error for SaveError {}

impl Progress {
    /// Reads the progress file; returns a warning to show when it had to be recovered.
    pub fn load(course: &Course) -> (Progress, Option<String>) {
        let path = course.root.join(PROGRESS_FILE);
        let order: Vec<String> = course.exercises.iter().map(|e| e.name.clone()).collect();
        let (stored, warning) = match std::fs::read(&path) {
            Ok(bytes) => match parse(&bytes) {
                Ok(stored) => (stored, None),
                Err(why) => {
                    let salvaged = salvage(&bytes, &order);
                    let kept = match back_up(&path, &bytes) {
                        Ok(backup) => format!("kept the old file as {}", backup.display()),
                        Err(e) => format!("could not keep a copy of the old file ({e})"),
                    };
                    let warning = format!(
                        "{} was damaged ({why}); recovered {} done exercise(s) from it and {kept}",
                        path.display(),
                        salvaged.done.len(),
                    );
                    (salvaged, Some(warning))
                }
            },
            Err(e) if e.kind() == ErrorKind::NotFound => (Stored::default(), None),
            Err(e) => (
                Stored::default(),
                Some(format!(
                    "cannot read {} ({e}); starting from the first exercise",
                    path.display()
                )),
            ),
        };
        let mut progress = Progress {
            path,
            order,
            done: BTreeSet::new(),
            undone: BTreeSet::new(),
            current: 0,
        };
        progress.adopt(stored);
        (progress, warning)
    }

    /// Takes what was stored, dropping exercises the course no longer has.
    fn adopt(&mut self, stored: Stored) {
        self.done = stored
            .done
            .into_iter()
            .filter(|n| self.order.contains(n))
            .collect();
        self.current = stored
            .current
            .and_then(|c| self.order.iter().position(|n| *n == c))
            .unwrap_or_else(|| self.first_pending_from(0).unwrap_or(0));
    }

    /// The current exercise's index in course order.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Whether the named exercise is done.
    pub fn is_done(&self, name: &str) -> bool {
        self.done.contains(name)
    }

    /// How many exercises are done.
    pub fn done_count(&self) -> usize {
        self.done.len()
    }

    /// Whether every exercise is done.
    pub fn all_done(&self) -> bool {
        self.done.len() == self.order.len()
    }

    /// The first pending exercise at or after `from`, wrapping around to the start.
    pub fn first_pending_from(&self, from: usize) -> Option<usize> {
        let n = self.order.len();
        (0..n)
            .map(|i| (from + i) % n)
            .find(|&i| !self.done.contains(&self.order[i]))
    }

    /// Marks an exercise done and moves the current pointer to the next pending one.
    pub fn mark_done(&mut self, index: usize) -> Result<(), SaveError> {
        self.done.insert(self.order[index].clone());
        self.undone.remove(&self.order[index]);
        if self.current == index
            && let Some(next) = self.first_pending_from(index + 1)
        {
            self.current = next;
        }
        self.save()
    }

    /// Marks an exercise pending again (after a reset).
    pub fn mark_pending(&mut self, index: usize) -> Result<(), SaveError> {
        self.done.remove(&self.order[index]);
        self.undone.insert(self.order[index].clone());
        self.save()
    }

    /// Makes an exercise the current one.
    pub fn set_current(&mut self, index: usize) -> Result<(), SaveError> {
        self.current = index;
        self.save()
    }

    /// Merges with the file and writes it whole, under the lock: a reader never sees half of
    /// it, a crash leaves the old one, and a mark saved by another process meanwhile is kept.
    fn save(&self) -> Result<(), SaveError> {
        let fail = |cause| SaveError {
            path: self.path.clone(),
            cause,
        };
        let _lock = lock_beside(&self.path).map_err(fail)?;
        // Another backlings (say `run` in a second terminal) may have marked exercises
        // done since this one loaded: merge rather than overwrite its work.
        let theirs = match std::fs::read(&self.path) {
            Ok(bytes) => parse(&bytes).unwrap_or_else(|_| {
                let _ = back_up(&self.path, &bytes);
                salvage(&bytes, &self.order)
            }),
            Err(e) if e.kind() == ErrorKind::NotFound => Stored::default(),
            Err(e) => return Err(fail(e)),
        };
        let mut done = self.done.clone();
        done.extend(
            theirs
                .done
                .into_iter()
                .filter(|n| self.order.contains(n) && !self.undone.contains(n)),
        );
        let stored = Stored {
            current: Some(self.order[self.current].clone()),
            done: self
                .order
                .iter()
                .filter(|n| done.contains(*n))
                .cloned()
                .collect(),
        };
        let body = toml::to_string(&stored).expect("names and a list of names encode as TOML");
        let text = format!(
            "# backlings progress: exercises done and the current one. Deleting this file starts the course over.\n{body}"
        );
        files::write_atomically(&self.path, text.as_bytes()).map_err(fail)
    }
}

/// Takes the lock for a read-merge-write of `path`. The lock is on a file of its own beside
/// it, because `path` itself is replaced by a rename on every save. Released when dropped; a
/// file system without locks gets no lock rather than no progress.
fn lock_beside(path: &Path) -> std::io::Result<Option<File>> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.with_file_name(name))?;
    match file.lock() {
        Ok(()) => Ok(Some(file)),
        Err(e) if e.kind() == ErrorKind::Unsupported => Ok(None),
        Err(e) => Err(e),
    }
}

/// The stored progress, or why it cannot be read as such.
fn parse(bytes: &[u8]) -> Result<Stored, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("byte {} is not UTF-8 text", e.valid_up_to()))?;
    toml::from_str(text).map_err(|e| e.message().trim().to_string())
}

/// Keeps a damaged file's bytes beside it: `NAME.damaged`, or the first free `NAME.damaged.N`
/// so an older backup is never overwritten; a backup with the same bytes is reused.
fn back_up(path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let base = format!(
        "{}.damaged",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    for n in 0..1000 {
        let candidate = match n {
            0 => dir.join(&base),
            n => dir.join(format!("{base}.{n}")),
        };
        match std::fs::read(&candidate) {
            Ok(existing) if existing == bytes => return Ok(candidate),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, bytes)?;
        match tmp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            // Another process took this name first: look at the next one.
            Err(e) if e.error.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.error),
        }
    }
    Err(std::io::Error::other(format!(
        "{base} to {base}.999 are all taken"
    )))
}

/// Recovers what can be read from a damaged file: every known exercise name in it, as the
/// current one on the `current` line and as done anywhere else. Bytes that are not UTF-8
/// cost only the name they fall in.
fn salvage(bytes: &[u8], order: &[String]) -> Stored {
    let text = String::from_utf8_lossy(bytes);
    let mut stored = Stored::default();
    for line in text.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let (key, values) = line.split_once('=').unwrap_or(("", line));
        let is_current = key.trim() == "current";
        let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        for token in values.split(|c: char| !is_name_char(c)) {
            if let Some(name) = order.iter().find(|n| *n == token) {
                if is_current {
                    stored.current = Some(name.clone());
                } else if !stored.done.contains(name) {
                    stored.done.push(name.clone());
                }
            }
        }
    }
    stored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Vec<String> {
        ["a", "b", "c", "d_e"].map(String::from).to_vec()
    }

    #[test]
    fn salvage_keeps_known_names_only() {
        let s = salvage(b"current = \"c\"\ndone = [\"a\", \"zz\", \"b\"\n", &order());
        assert_eq!(s.current.as_deref(), Some("c"));
        assert_eq!(s.done, ["a", "b"]);
    }

    #[test]
    fn salvage_reads_past_bytes_that_are_not_utf8_and_broken_quotes() {
        let s = salvage(
            b"# comment naming a\ncurrent = \"d_e\"\ndone = [\"a\", \xff\xfe\"b, c\"\n",
            &order(),
        );
        assert_eq!(s.current.as_deref(), Some("d_e"));
        assert_eq!(s.done, ["a", "b", "c"]);
    }

    #[test]
    fn parse_names_the_first_byte_that_is_not_utf8() {
        let err = parse(b"done = [\"a\xff\"]").err().unwrap();
        assert_eq!(err, "byte 10 is not UTF-8 text");
    }

    #[test]
    fn back_up_never_overwrites_an_older_backup_and_reuses_an_equal_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.toml");
        assert_eq!(
            back_up(&path, b"one").unwrap(),
            dir.path().join("p.toml.damaged")
        );
        assert_eq!(
            back_up(&path, b"two").unwrap(),
            dir.path().join("p.toml.damaged.1")
        );
        assert_eq!(
            back_up(&path, b"one").unwrap(),
            dir.path().join("p.toml.damaged")
        );
        assert_eq!(
            std::fs::read(dir.path().join("p.toml.damaged")).unwrap(),
            b"one"
        );
        assert_eq!(
            std::fs::read(dir.path().join("p.toml.damaged.1")).unwrap(),
            b"two"
        );
    }
}
