//! The size of each exercise against the standard (EXERCISES.md): one sitting means about 400
//! words of reading before the first line of code (700 at most) and about 50 lines to write
//! (120 at most). `dev check` prints the figures and warns past the limits; it never fails on
//! them. Every exercise is measured the same way:
//!
//! - **reading**: the words of the inner doc comment at the top of `src/lib.rs` (the leading
//!   run of `//!` lines; blank lines and `#![...]` attributes before it are skipped), up to the
//!   first line that holds `TODO` or `todo!`. A word is a whitespace-separated token with at
//!   least one letter or digit, so markdown marks (`-`, `|`, a code fence) are not words.
//!   Link reference definitions (`[§5.1]: https://...`) are not counted: nobody reads them,
//!   they are where the links in the text lead.
//! - **learner lines**: for every file the reference solution holds, the lines of the solution
//!   that a line diff (Myers) from the shipped file marks as inserted: a changed line counts
//!   once, a removed line (a `todo!()`) not at all, a blank line not at all.
//! - **tests**: the test attributes (`#[test]`, `#[tokio::test]`) in the exercise's `tests/` folder.
//! - **code before the first TODO**: lines of `src/lib.rs` above the first `TODO` or `todo!`
//!   that are neither blank, comments, `use` lines nor attributes. The learner's TODOs come
//!   first; given code stands below them. Past [`CODE_BEFORE_TODO_LIMIT`] lines it is warned.
//!
//! An exercise may be over a limit for a reason the course accepts: a one-line
//! `size_exception = "why"` in its `info.toml` entry replaces its warnings with that reason.

use crate::course::{Course, Exercise, INFO_FILE};
use anyhow::{Context, Result};
use similar::{Algorithm, DiffTag};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Words of reading the standard aims at.
pub const READING_TARGET: usize = 400;
/// Words of reading past which an exercise is too long to start.
pub const READING_LIMIT: usize = 700;
/// Lines to write the standard aims at.
pub const LINES_TARGET: usize = 50;
/// Lines to write past which a concept must be split into steps.
pub const LINES_LIMIT: usize = 120;

/// Lines of code above the first TODO past which the learner's part is not "first".
pub const CODE_BEFORE_TODO_LIMIT: usize = 60;

/// The measured size of one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Words of reading before the first TODO.
    pub reading: usize,
    /// Lines the reference solution adds or changes.
    pub learner_lines: usize,
    /// Test functions in `tests/` (`#[test]`, `#[tokio::test]`).
    pub tests: usize,
    /// Lines of code above the first TODO of `src/lib.rs`.
    pub code_before_todo: usize,
}

/// Measures one exercise of the course.
pub fn measure(course: &Course, ex: &Exercise) -> Result<Size> {
    let dir = course.exercise_dir(ex);
    let lib = read(&dir.join("src/lib.rs"))?;
    let solution_dir = course.solution_dir(ex);
    let mut learner_lines = 0;
    for rel in files_under(&solution_dir) {
        // A file the exercise does not ship is all new (dev check reports it as a problem).
        let shipped = std::fs::read_to_string(dir.join(&rel)).unwrap_or_default();
        learner_lines += changed_lines(&shipped, &read(&solution_dir.join(&rel))?);
    }
    let mut tests = 0;
    for file in files_under(&dir.join("tests")) {
        if file.extension().is_some_and(|x| x == "rs") {
            tests += count_tests(&read(&dir.join("tests").join(file))?);
        }
    }
    Ok(Size {
        reading: reading_words(&lib),
        learner_lines,
        tests,
        code_before_todo: code_before_todo(&lib),
    })
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Words of the top doc comment of `lib`, up to the first TODO (see the module doc).
pub fn reading_words(lib: &str) -> usize {
    let doc = lib
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with("#!["))
        .map_while(|l| l.strip_prefix("//!"))
        .take_while(|l| !l.contains("TODO") && !l.contains("todo!"));
    doc.filter(|l| !is_link_definition(l))
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// `[label]: target`, markdown's link reference definition.
/// Lines of code above the first line that holds `TODO` or `todo!(` (see the module doc).
pub fn code_before_todo(lib: &str) -> usize {
    lib.lines()
        .take_while(|line| !line.contains("TODO") && !line.contains("todo!("))
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("//")
                && !line.starts_with("use ")
                && !line.starts_with("#[")
                && !line.starts_with("#![")
        })
        .count()
}

fn is_link_definition(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('[')
        && line
            .split_once("]:")
            .is_some_and(|(label, _)| !label.contains(']'))
}

/// Lines of `solution` that a line diff from `shipped` marks as inserted, blank ones aside.
pub fn changed_lines(shipped: &str, solution: &str) -> usize {
    let old: Vec<&str> = shipped.lines().collect();
    let new: Vec<&str> = solution.lines().collect();
    similar::capture_diff_slices(Algorithm::Myers, &old, &new)
        .iter()
        .map(|op| op.as_tag_tuple())
        .filter(|(tag, _, _)| matches!(tag, DiffTag::Insert | DiffTag::Replace))
        .flat_map(|(_, _, added)| &new[added])
        .filter(|line| !line.trim().is_empty())
        .count()
}

/// The test attributes in a test file: `#[test]`, and async runtimes' own (`#[tokio::test]`,
/// `#[tokio::test(start_paused = true)]`), which mark tests just as well.
pub fn count_tests(source: &str) -> usize {
    source
        .lines()
        .map(str::trim)
        .filter(|l| {
            *l == "#[test]"
                || (l.starts_with("#[")
                    && l.ends_with(']')
                    && (l.contains("::test]") || l.contains("::test(")))
        })
        .count()
}

/// Files below `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The middle value (the mean of the two middle ones for an even count, rounded down).
fn median(mut values: Vec<usize>) -> usize {
    values.sort_unstable();
    match values.len() {
        0 => 0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

/// A figure with its mark: `!` past the limit, `~` past the target.
fn marked(value: usize, target: usize, limit: usize) -> String {
    let mark = if value > limit {
        '!'
    } else if value > target {
        '~'
    } else {
        ' '
    };
    format!("{value}{mark}")
}

/// The size table of the whole course, its medians, and a warning per limit passed (or the
/// exception's reason instead), ready to print.
pub fn report(course: &Course) -> String {
    let width = course
        .exercises
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0)
        .max("exercise".len());
    let mut table = format!(
        "Exercise sizes against the standard:\n  reading = words before the first TODO (target {READING_TARGET}, limit {READING_LIMIT})\n  lines   = lines the solution adds or changes (target {LINES_TARGET}, limit {LINES_LIMIT})\n\n  {:width$}  reading   lines  tests\n",
        "exercise"
    );
    let mut notes = String::new();
    let (mut readings, mut lines) = (Vec::new(), Vec::new());
    for ex in &course.exercises {
        let size = match measure(course, ex) {
            Ok(size) => size,
            Err(e) => {
                let _ = writeln!(notes, "{} {}: cannot measure it: {e:#}", warning(), ex.name);
                continue;
            }
        };
        readings.push(size.reading);
        lines.push(size.learner_lines);
        let _ = writeln!(
            table,
            "  {:width$}  {:>7}  {:>6}  {:>5}",
            ex.name,
            marked(size.reading, READING_TARGET, READING_LIMIT),
            marked(size.learner_lines, LINES_TARGET, LINES_LIMIT),
            size.tests
        );
        let mut over = Vec::new();
        if size.reading > READING_LIMIT {
            over.push(format!(
                "{} words of reading before the first TODO (limit {READING_LIMIT}): move background to the chapter's README.md",
                size.reading
            ));
        }
        if size.learner_lines > LINES_LIMIT {
            over.push(format!(
                "the solution adds or changes {} lines (limit {LINES_LIMIT}): split the concept into steps, one crate each",
                size.learner_lines
            ));
        }
        if size.code_before_todo > CODE_BEFORE_TODO_LIMIT {
            over.push(format!(
                "{} lines of code stand above the first TODO (limit {CODE_BEFORE_TODO_LIMIT}): the learner's TODOs come first, move the given code below them",
                size.code_before_todo
            ));
        }
        match (&ex.size_exception, over.is_empty()) {
            (_, true) => {}
            (Some(why), false) => {
                let _ = writeln!(
                    notes,
                    "note: {} is over a limit by exception ({INFO_FILE}:{}): {why}",
                    ex.name, ex.line
                );
            }
            (None, false) => {
                for what in over {
                    let _ = writeln!(notes, "{} {}: {what}", warning(), ex.name);
                }
            }
        }
    }
    let _ = writeln!(
        table,
        "  {:width$}  {:>6}   {:>5}\n  (~ over the target, ! over the limit)",
        "median",
        median(readings),
        median(lines)
    );
    table + &notes
}

fn warning() -> console::StyledObject<&'static str> {
    console::style("warning:").yellow().bold()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_counts_the_top_doc_comment_up_to_the_first_todo() {
        let lib = "#![allow(dead_code)]\n\n//! # Two words\n//!\n//! Three more words.\n//! TODO: not this\n//! nor this\npub fn f() {}\n";
        assert_eq!(reading_words(lib), 5);
        let lib = "//! One two.\n//! Then `todo!()` here.\n";
        assert_eq!(reading_words(lib), 2);
    }

    #[test]
    fn reading_stops_at_the_end_of_the_doc_comment() {
        let lib = "//! Four words of doc.\n\n/// An item's doc is not counted.\npub fn f() {\n    todo!()\n}\n";
        assert_eq!(reading_words(lib), 4);
        assert_eq!(reading_words("pub fn f() {}\n"), 0);
    }

    #[test]
    fn reading_skips_markdown_marks_and_link_definitions() {
        let lib = "//! - a **bold** item\n//! | x | y |\n//! ```text\n//! GET / HTTP/1.1\n//! ```\n//! See [§5.1] and [the RFC][rfc].\n//!\n//! [§5.1]: https://www.rfc-editor.org/rfc/rfc9112#section-5.1\n//! [rfc]: https://example.com\n";
        // a bold item x y text GET / HTTP/1.1 See [§5.1] and [the RFC][rfc].
        assert_eq!(reading_words(lib), 3 + 2 + 1 + 2 + 5);
    }

    #[test]
    fn changed_lines_count_insertions_and_changes_not_removals_or_blanks() {
        let shipped = "fn a() -> u8 {\n    todo!()\n}\n\nfn b() {}\n";
        let solution = "fn a() -> u8 {\n    let x = 1;\n\n    x + 1\n}\n\nfn b() {}\n";
        assert_eq!(changed_lines(shipped, solution), 2);
        assert_eq!(changed_lines(shipped, shipped), 0);
        assert_eq!(changed_lines("a\nb\nc\n", "a\nc\n"), 0);
        assert_eq!(changed_lines("a\nb\nc\n", "a\nB\nc"), 1);
        assert_eq!(changed_lines("", "x\ny\n"), 2);
    }

    #[test]
    fn tests_are_the_test_attributes() {
        let source = "#[test]\nfn a() {}\n\n    #[test]\n    fn b() {}\n\nfn helper() {}\n// #[test] in a comment\n";
        assert_eq!(count_tests(source), 2);
    }

    #[test]
    fn async_runtimes_test_attributes_are_tests_too() {
        let source = "#[tokio::test]\nasync fn a() {}\n#[tokio::test(start_paused = true)]\nasync fn b() {}\n// #[tokio::test] in a comment\n#[cfg(test)]\nmod m {}\n";
        assert_eq!(count_tests(source), 2);
    }

    #[test]
    fn code_before_the_first_todo_skips_docs_uses_and_attributes() {
        let lib = "//! Doc.\nuse std::fmt;\n\n/// A type.\n#[derive(Debug)]\npub struct A {\n    x: u8,\n}\n\npub fn f() {\n    todo!()\n}\nstruct B;\n";
        assert_eq!(
            code_before_todo(lib),
            4,
            "struct A's three lines and `pub fn f() {{`"
        );
        assert_eq!(
            code_before_todo("pub fn f() {}\n"),
            1,
            "no TODO: every line counts"
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![5, 1, 3]), 3);
        assert_eq!(median(vec![4, 1, 3, 10]), 3);
        assert_eq!(median(vec![]), 0);
    }

    #[test]
    fn marks_say_over_the_target_or_over_the_limit() {
        assert_eq!(marked(400, 400, 700), "400 ");
        assert_eq!(marked(401, 400, 700), "401~");
        assert_eq!(marked(700, 400, 700), "700~");
        assert_eq!(marked(701, 400, 700), "701!");
    }
}
