//! The learner's progress: which exercises are done and which is current, kept in a small
//! file at the course root that is always written whole (temporary file, then rename).

use crate::course::Course;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Write;
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

impl Progress {
    /// Reads the progress file; returns a warning to show when it had to be recovered.
    pub fn load(course: &Course) -> (Progress, Option<String>) {
        let path = course.root.join(PROGRESS_FILE);
        let order: Vec<String> = course.exercises.iter().map(|e| e.name.clone()).collect();
        let (stored, warning) = match std::fs::read_to_string(&path) {
            Ok(text) => match toml::from_str::<Stored>(&text) {
                Ok(stored) => (stored, None),
                Err(e) => {
                    let backup = path.with_extension("toml.damaged");
                    let _ = std::fs::write(&backup, &text);
                    let salvaged = salvage(&text, &order);
                    let warning = format!(
                        "{} was damaged ({}); recovered {} done exercise(s) from it and kept the old file as {}",
                        path.display(),
                        e.message().trim(),
                        salvaged.done.len(),
                        backup.display()
                    );
                    (salvaged, Some(warning))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Stored::default(), None),
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
    pub fn mark_done(&mut self, index: usize) -> Result<()> {
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
    pub fn mark_pending(&mut self, index: usize) -> Result<()> {
        self.done.remove(&self.order[index]);
        self.undone.insert(self.order[index].clone());
        self.save()
    }

    /// Makes an exercise the current one.
    pub fn set_current(&mut self, index: usize) -> Result<()> {
        self.current = index;
        self.save()
    }

    /// Writes the file whole: a reader never sees half of it, a crash leaves the old one.
    fn save(&self) -> Result<()> {
        // Another backlings (say `run` in a second terminal) may have marked exercises
        // done since this one loaded: merge rather than overwrite its work.
        let mut done = self.done.clone();
        if let Ok(text) = std::fs::read_to_string(&self.path)
            && let Ok(theirs) = toml::from_str::<Stored>(&text)
        {
            done.extend(
                theirs
                    .done
                    .into_iter()
                    .filter(|n| self.order.contains(n) && !self.undone.contains(n)),
            );
        }
        let stored = Stored {
            current: Some(self.order[self.current].clone()),
            done: self
                .order
                .iter()
                .filter(|n| done.contains(*n))
                .cloned()
                .collect(),
        };
        let body = toml::to_string(&stored).context("cannot encode progress")?;
        let text = format!(
            "# backlings progress: exercises done and the current one. Deleting this file starts the course over.\n{body}"
        );
        write_atomically(&self.path, text.as_bytes())
            .with_context(|| format!("cannot save progress to {}", self.path.display()))
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)?;
    Ok(())
}

/// Recovers what can be read from a damaged file: names of done exercises and the current one.
fn salvage(text: &str, order: &[String]) -> Stored {
    let mut stored = Stored::default();
    for line in text.lines() {
        let quoted: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        let is_current = line.trim_start().starts_with("current");
        for name in quoted {
            if order.iter().any(|n| n == name) {
                if is_current {
                    stored.current = Some(name.to_string());
                } else {
                    stored.done.push(name.to_string());
                }
            }
        }
    }
    stored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salvage_keeps_known_names_only() {
        let order = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let s = salvage("current = \"c\"\ndone = [\"a\", \"zz\", \"b\"\n", &order);
        assert_eq!(s.current.as_deref(), Some("c"));
        assert_eq!(s.done, ["a", "b"]);
    }
}
