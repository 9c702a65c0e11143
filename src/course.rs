//! The course: `info.toml` read into a model, validated, with errors that name file, line and field.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The `info.toml` format version this runner understands.
pub const FORMAT_VERSION: u32 = 1;
/// The course description file at the course root.
pub const INFO_FILE: &str = "info.toml";
/// Time limit for one exercise's tests when `info.toml` gives none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_TIMEOUT_SECS: u64 = 600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    format_version: u32,
    welcome_message: String,
    final_message: String,
    #[serde(default)]
    exercises: Vec<toml::Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    name: String,
    dir: String,
    concept: String,
    hints: Vec<String>,
    timeout_secs: Option<u64>,
    size_exception: Option<String>,
}

/// One exercise of the course, in course order.
#[derive(Debug, Clone)]
pub struct Exercise {
    /// Unique name; also the crate's package name.
    pub name: String,
    /// Path relative to `exercises/`, `NN_chapter/NN_name`.
    pub dir: String,
    /// The concept it teaches, in one line.
    pub concept: String,
    /// Hints, from a nudge to nearly the answer.
    pub hints: Vec<String>,
    /// Time limit for running its tests.
    pub timeout: Duration,
    /// Line of its `[[exercises]]` header in `info.toml`.
    pub line: usize,
    /// Why it may be over the standard's size limits (see [`crate::measure`]), if it is.
    pub size_exception: Option<String>,
}

impl Exercise {
    /// The chapter folder name, such as `02_http`.
    pub fn chapter(&self) -> &str {
        self.dir.split('/').next().unwrap_or(&self.dir)
    }
}

/// A loaded, validated course.
#[derive(Debug, Clone)]
pub struct Course {
    /// The folder holding `info.toml`.
    pub root: PathBuf,
    /// Shown when watch mode starts on a fresh course.
    pub welcome_message: String,
    /// Shown when the last exercise is done.
    pub final_message: String,
    /// All exercises, in course order.
    pub exercises: Vec<Exercise>,
}

impl Course {
    /// Finds `info.toml` in `start` or a parent folder and loads the course there.
    pub fn discover(start: &Path) -> Result<Course> {
        let root = start
            .ancestors()
            .find(|dir| dir.join(INFO_FILE).is_file())
            .with_context(|| {
                format!(
                    "no {INFO_FILE} in {} or any folder above it: run backlings from the course folder (the one you cloned)",
                    start.display()
                )
            })?;
        Course::load(root)
    }

    /// Loads and validates the course whose `info.toml` is in `root`. Exercise folders are not
    /// required to exist here: a missing one must not stop `reset`, `list` or `hint`; checks
    /// ask [`Course::check_present`] first.
    pub fn load(root: &Path) -> Result<Course> {
        let path = root.join(INFO_FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut course = parse(&text, &path)?;
        course.root = root.to_path_buf();
        Ok(course)
    }

    /// Fails with one sentence (what is missing, how to restore it) unless the exercise's
    /// crate is on disk: its folder, `Cargo.toml`, `src/lib.rs` and `tests/spec.rs`. Without
    /// it, cargo would say something about package IDs, or the exercise would "pass" with no
    /// specification to meet.
    pub fn check_present(&self, ex: &Exercise) -> Result<()> {
        let dir = self.exercise_dir(ex);
        let missing = if dir.is_dir() {
            ["Cargo.toml", "src/lib.rs", "tests/spec.rs"]
                .iter()
                .map(|file| dir.join(file))
                .find(|path| !path.is_file())
        } else {
            Some(dir)
        };
        if let Some(path) = missing {
            bail!(
                "{} is missing: restore `{}` as shipped with x in watch mode, or with `backlings reset {}`",
                path.strip_prefix(&self.root).unwrap_or(&path).display(),
                ex.name,
                ex.name
            );
        }
        Ok(())
    }

    /// The exercise's crate folder.
    pub fn exercise_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("exercises").join(&ex.dir)
    }

    /// The reference solution's folder (same relative path under `solutions/`).
    pub fn solution_dir(&self, ex: &Exercise) -> PathBuf {
        self.root.join("solutions").join(&ex.dir)
    }

    /// Looks an exercise up by its name or its folder (`02_http/01_request_line`, with or
    /// without `exercises/` in front), with the closest names when there is no such exercise.
    pub fn find(&self, name: &str) -> Result<&Exercise> {
        let wanted = name.trim().trim_end_matches('/');
        let wanted = wanted.strip_prefix("./").unwrap_or(wanted);
        let wanted = wanted.strip_prefix("exercises/").unwrap_or(wanted);
        if let Some(ex) = self
            .exercises
            .iter()
            .find(|e| e.name == wanted || e.dir == wanted)
        {
            return Ok(ex);
        }
        let near = self.closest(wanted);
        if near.is_empty() {
            bail!("there is no exercise named `{name}`: `backlings list` shows them all");
        }
        bail!(
            "there is no exercise named `{name}`; the closest are {} (`backlings list` shows them all)",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    /// Up to three exercise names closest to a mistyped one, best first.
    fn closest(&self, wanted: &str) -> Vec<&str> {
        let wanted = wanted.to_lowercase();
        let mut scored: Vec<(f64, &str)> = self
            .exercises
            .iter()
            .map(|e| {
                let by_name = strsim::jaro_winkler(&wanted, &e.name);
                let by_dir = strsim::jaro_winkler(&wanted, &e.dir);
                let contains = e.name.contains(&wanted) || e.dir.contains(&wanted);
                let score = by_name.max(by_dir) + if contains { 1.0 } else { 0.0 };
                (score, e.name.as_str())
            })
            .filter(|(score, _)| *score >= 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// The position of an exercise in the course.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.exercises.iter().position(|e| e.name == name)
    }
}

/// The 1-based line on which `byte` falls in `text`.
fn line_of(text: &str, byte: usize) -> usize {
    text[..byte.min(text.len())].matches('\n').count() + 1
}

/// The line of `field = ...` in the table that starts at `table_line`, or the table's line.
fn field_line(text: &str, table_line: usize, field: &str) -> usize {
    for (i, line) in text.lines().enumerate().skip(table_line) {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix(field)
            && rest.trim_start().starts_with('=')
        {
            return i + 1;
        }
    }
    table_line
}

/// Parses and validates the text of `info.toml`; `path` is only used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Course> {
    let file = path.display();
    let raw: RawInfo = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        anyhow::anyhow!(
            "{file}:{line}: {}; fix {INFO_FILE} there (fields allowed per exercise: name, dir, concept, hints, timeout_secs, size_exception)",
            e.message().trim_end_matches('\n')
        )
    })?;
    if raw.format_version != FORMAT_VERSION {
        bail!(
            "{file}:{}: format_version = {} is not supported by this backlings (it reads version {FORMAT_VERSION}); update backlings or the course",
            field_line(text, 0, "format_version"),
            raw.format_version
        );
    }
    if raw.exercises.is_empty() {
        bail!("{file}: the course has no [[exercises]]; add at least one (backlings dev new NAME)");
    }
    let mut names = HashSet::new();
    let mut dirs = HashSet::new();
    let mut exercises = Vec::with_capacity(raw.exercises.len());
    for spanned in raw.exercises {
        let table_line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let at = |field: &str| format!("{file}:{}", field_line(text, table_line, field));
        if !is_crate_name(&raw.name) {
            bail!(
                "{}: name = \"{}\" is not a valid crate name; use lowercase letters, digits and _ (it is the exercise crate's package name)",
                at("name"),
                raw.name
            );
        }
        if !names.insert(raw.name.clone()) {
            bail!(
                "{}: the name `{}` is used by an earlier exercise; names must be unique",
                at("name"),
                raw.name
            );
        }
        if !is_exercise_dir(&raw.dir) {
            bail!(
                "{}: dir = \"{}\" should be NN_chapter/NN_name, relative to exercises/ (for example \"02_http/01_request_line\")",
                at("dir"),
                raw.dir
            );
        }
        if !dirs.insert(raw.dir.clone()) {
            bail!(
                "{}: dir = \"{}\" is used by an earlier exercise; each exercise has its own folder",
                at("dir"),
                raw.dir
            );
        }
        if raw.concept.trim().is_empty() {
            bail!(
                "{}: exercise `{}` has an empty concept; say in one line what it teaches",
                at("concept"),
                raw.name
            );
        }
        if raw.hints.is_empty() || raw.hints.iter().any(|h| h.trim().is_empty()) {
            bail!(
                "{}: exercise `{}` needs at least one hint, and no hint may be empty",
                at("hints"),
                raw.name
            );
        }
        let timeout = match raw.timeout_secs {
            None => DEFAULT_TIMEOUT,
            Some(s) if (1..=MAX_TIMEOUT_SECS).contains(&s) => Duration::from_secs(s),
            Some(s) => bail!(
                "{}: timeout_secs = {s} is out of range; give a number of seconds from 1 to {MAX_TIMEOUT_SECS}",
                at("timeout_secs")
            ),
        };
        if let Some(why) = &raw.size_exception
            && (why.trim().is_empty() || why.contains('\n'))
        {
            bail!(
                "{}: size_exception must be a one-line reason why `{}` may be over the size limits",
                at("size_exception"),
                raw.name
            );
        }
        exercises.push(Exercise {
            name: raw.name,
            dir: raw.dir,
            concept: raw.concept.trim().to_string(),
            hints: raw.hints,
            timeout,
            line: table_line,
            size_exception: raw.size_exception.map(|why| why.trim().to_string()),
        });
    }
    Ok(Course {
        root: PathBuf::new(),
        welcome_message: raw.welcome_message,
        final_message: raw.final_message,
        exercises,
    })
}

fn is_crate_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `NN_something/NN_something`: two numbered path components.
pub fn is_exercise_dir(dir: &str) -> bool {
    let parts: Vec<&str> = dir.split('/').collect();
    parts.len() == 2 && parts.iter().all(|p| is_numbered(p))
}

fn is_numbered(part: &str) -> bool {
    let bytes = part.as_bytes();
    bytes.len() > 3
        && bytes[0].is_ascii_digit()
        && bytes[1].is_ascii_digit()
        && bytes[2] == b'_'
        && part[3..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format_version = 1
welcome_message = "hi"
final_message = "bye"

[[exercises]]
name = "first"
dir = "00_intro/01_first"
concept = "one"
hints = ["a"]

[[exercises]]
name = "second"
dir = "00_intro/02_second"
concept = "two"
hints = ["a", "b"]
timeout_secs = 3
"#;

    fn err(text: &str) -> String {
        parse(text, Path::new("info.toml")).unwrap_err().to_string()
    }

    #[test]
    fn parses_exercises_in_order_with_defaults() {
        let course = parse(GOOD, Path::new("info.toml")).unwrap();
        let names: Vec<_> = course.exercises.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
        assert_eq!(course.exercises[0].timeout, DEFAULT_TIMEOUT);
        assert_eq!(course.exercises[1].timeout, Duration::from_secs(3));
        assert_eq!(course.exercises[1].line, 11);
        assert_eq!(course.exercises[0].chapter(), "00_intro");
    }

    #[test]
    fn unknown_key_names_its_line() {
        let text = GOOD.replace("hints = [\"a\", \"b\"]", "hints = [\"a\"]\nhint = \"b\"");
        let e = err(&text);
        assert!(e.starts_with("info.toml:16:"), "{e}");
        assert!(e.contains("unknown field `hint`"), "{e}");
    }

    #[test]
    fn duplicate_name_names_the_line_of_the_second() {
        let text = GOOD.replace("name = \"second\"", "name = \"first\"");
        let e = err(&text);
        assert!(e.starts_with("info.toml:12:"), "{e}");
        assert!(e.contains("`first` is used by an earlier exercise"), "{e}");
    }

    #[test]
    fn bad_dir_and_empty_hints_and_timeout_are_reported() {
        assert!(err(&GOOD.replace("00_intro/02_second", "second")).contains("NN_chapter/NN_name"));
        assert!(err(&GOOD.replace("[\"a\", \"b\"]", "[]")).contains("at least one hint"));
        assert!(err(&GOOD.replace("= 3", "= 0")).contains("out of range"));
        assert!(
            err(&GOOD.replace("format_version = 1", "format_version = 9"))
                .contains("not supported")
        );
    }

    #[test]
    fn find_takes_a_name_or_a_folder_and_suggests_the_closest_names() {
        let course = parse(GOOD, Path::new("info.toml")).unwrap();
        assert_eq!(course.find("second").unwrap().name, "second");
        assert_eq!(course.find("00_intro/02_second").unwrap().name, "second");
        assert_eq!(
            course.find("exercises/00_intro/01_first/").unwrap().name,
            "first"
        );
        let e = course.find("secnd").unwrap_err().to_string();
        assert!(e.contains("the closest are `second`"), "{e}");
        assert!(
            !e.contains("`first`"),
            "only close names are suggested: {e}"
        );
        let e = course.find("zzzzzz").unwrap_err().to_string();
        assert!(e.contains("`backlings list` shows them all"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
    }

    #[test]
    fn missing_field_is_reported_with_file() {
        let e = err(&GOOD.replace("concept = \"two\"\n", ""));
        assert!(e.contains("missing field `concept`"), "{e}");
        assert!(e.starts_with("info.toml:"), "{e}");
    }
}
