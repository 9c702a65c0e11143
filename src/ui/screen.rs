//! The screens of watch mode, laid out for a terminal of a given size. The header, the verdict
//! and the key line always stay on screen; what does not fit gives way in a fixed order: the
//! compiler or test output first, then notes and status lines, then the earliest hints.

use super::layout::{fit, rows_of, wrap, wrap_lines};
use crate::check::{Outcome, Status};
use crate::course::{Course, Exercise};
use crate::progress::Progress;
use console::style;

/// The size of the terminal drawn on.
#[derive(Clone, Copy)]
pub struct Size {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
}

/// What the exercise screen shows about the last check.
pub enum Check<'a> {
    /// A check is running; `streamed` holds the diagnostics reported so far.
    Running { streamed: &'a str },
    /// The last check ended with this outcome.
    Done(&'a Outcome),
    /// The exercise's files are missing; the sentence says how to restore them.
    Missing(&'a str),
    /// Nothing to show yet.
    Idle,
}

/// Everything the exercise screen shows.
pub struct ExerciseScreen<'a> {
    /// The course.
    pub course: &'a Course,
    /// The learner's progress.
    pub progress: &'a Progress,
    /// The exercise on screen.
    pub ex: &'a Exercise,
    /// A note answering the last key or event.
    pub note: Option<&'a str>,
    /// The state of its check.
    pub check: Check<'a>,
    /// How many hints are shown.
    pub hints_shown: usize,
    /// Crates built so far by a running background build.
    pub background: Option<u64>,
}

/// The whole-screen text: clear, then the lines, with no newline after the last (a newline on
/// the bottom row would scroll the header away).
fn frame(body: String) -> String {
    let mut text = String::from("\x1b[H\x1b[2J");
    text.push_str(body.trim_end_matches('\n'));
    text
}

/// The exercise screen: header, note, output, verdict, success, hints, status, keys.
pub fn exercise(s: &ExerciseScreen, size: Size) -> String {
    let Size { rows, cols } = size;
    let course = s.course;
    let ex = s.ex;
    let done = s.progress.is_done(&ex.name);
    let mut header = super::header(course, s.progress, ex, cols);
    let keys = super::keys(done && !s.progress.all_done());

    // What the check contributes: output above the verdict, and the verdict line itself.
    let (output, verdict, passed) = match &s.check {
        Check::Running { streamed } => (
            streamed.to_string(),
            format!("{}\n", style("Checking…").dim()),
            false,
        ),
        Check::Done(outcome) => (
            super::outcome_output(outcome),
            super::verdict_wrapped(course, ex, outcome, cols),
            outcome.status == Status::Pass,
        ),
        Check::Missing(sentence) => (
            String::new(),
            format!(
                "{}\n",
                style(wrap(&format!("✗ {sentence}"), cols).trim_end())
                    .red()
                    .bold()
            ),
            false,
        ),
        Check::Idle => (String::new(), String::new(), false),
    };

    // The header, the verdict and the keys line (with the blank line above it) always stay.
    let must = |header: &str| {
        rows_of(header, cols) + 1 + rows_of(&verdict, cols) + 1 + rows_of(&keys, cols)
    };
    if must(&header) > rows {
        // A terminal this small keeps the first line of the header only.
        header = header
            .lines()
            .next()
            .map(|l| format!("{l}\n"))
            .unwrap_or_default();
    }
    let mut room = rows.saturating_sub(must(&header));

    // Optional parts, from the one that gives way last to the one that gives way first.
    let mut hints: Vec<String> = (0..s.hints_shown)
        .map(|n| super::hint(ex, n, cols))
        .collect();
    let mut kept_hints = Vec::new();
    let mut hints_left_out = 0;
    while let Some(hint) = hints.pop() {
        let need = rows_of(&hint, cols);
        // Keep a row for the line that says earlier hints were left out.
        let reserve = usize::from(!hints.is_empty());
        if need + reserve <= room {
            room -= need;
            kept_hints.insert(0, hint);
        } else {
            hints_left_out = hints.len() + 1;
            break;
        }
    }
    let hints_note = if hints_left_out > 0 && room > 0 {
        room -= 1;
        format!(
            "{}\n",
            style(console::truncate_str(
                &format!(
                    "… {hints_left_out} earlier hint(s) left out: a taller terminal shows them"
                ),
                cols,
                "…"
            ))
            .dim()
        )
    } else {
        String::new()
    };

    let mut success = String::new();
    if passed {
        let next = s
            .progress
            .first_pending_from(course.index_of(&ex.name).unwrap_or(0) + 1)
            .filter(|&i| course.exercises[i].name != ex.name)
            .map(|i| &course.exercises[i]);
        success = format!("\n{}", wrap_lines(&super::success(course, ex, next), cols));
        if s.progress.all_done() {
            success.push('\n');
            success.push_str(&wrap(&course.final_message, cols));
        }
        success = if_room(&mut room, success, cols);
    }

    let mut note = String::new();
    if let Some(text) = s.note.filter(|n| !n.trim().is_empty()) {
        note = if_room(&mut room, format!("{}\n", wrap(text, cols)), cols);
    }

    let status = match s.background {
        Some(built) => if_room(
            &mut room,
            format!(
                "{}\n",
                console::truncate_str(&super::background_status(built), cols, "…")
            ),
            cols,
        ),
        None => String::new(),
    };

    let mut body = header;
    body.push('\n');
    body.push_str(&note);
    body.push_str(&fit(&output, room, cols));
    body.push_str(&verdict);
    body.push_str(&success);
    body.push_str(&hints_note);
    for hint in kept_hints {
        body.push_str(&hint);
    }
    body.push('\n');
    body.push_str(&status);
    body.push_str(&keys);
    frame(body)
}

/// `text` if it fits in the rows left, which it then takes; nothing if it does not.
fn if_room(room: &mut usize, text: String, cols: usize) -> String {
    let need = rows_of(&text, cols);
    if need <= *room {
        *room -= need;
        text
    } else {
        String::new()
    }
}

/// Asks whether to reset an exercise.
pub fn confirm_reset(
    course: &Course,
    progress: &Progress,
    shown: &Exercise,
    target: &Exercise,
    size: Size,
) -> String {
    let mut body = super::header(course, progress, shown, size.cols);
    body.push('\n');
    body.push_str(&wrap(
        &format!(
            "Reset {} to how it was shipped? Your changes to its files will be lost. [y/N]",
            target.name
        ),
        size.cols,
    ));
    body.push('\n');
    body.push_str(&format!(
        "{}",
        style("y:reset   any other key:keep my work").dim()
    ));
    frame(body)
}

/// The summary of a check of the whole course: what does not pass first.
pub fn all(
    course: &Course,
    progress: &Progress,
    shown: &Exercise,
    verdicts: &[(String, Status)],
    size: Size,
) -> String {
    let mut body = super::header(course, progress, shown, size.cols);
    body.push('\n');
    let passed = verdicts.iter().filter(|(_, s)| *s == Status::Pass).count();
    let summary = format!("{passed} of {} exercises pass.\n", verdicts.len());
    let keys = format!(
        "{}",
        style("any key: back to the exercise   l:list   q:quit").dim()
    );
    let mut lines = String::new();
    let failing = verdicts.iter().filter(|(_, s)| *s != Status::Pass);
    let passing = verdicts.iter().filter(|(_, s)| *s == Status::Pass);
    for (name, status) in failing.chain(passing) {
        let label = match status {
            Status::Pass => style(status.label()).green(),
            _ => style(status.label()).red(),
        };
        lines.push_str(&format!("{label:>14}  {name}\n"));
    }
    let room = size
        .rows
        .saturating_sub(rows_of(&body, size.cols) + rows_of(&summary, size.cols) + 2);
    body.push_str(&fit(&lines, room, size.cols));
    body.push('\n');
    body.push_str(&summary);
    body.push_str(&keys);
    frame(body)
}

/// One row of the course list.
pub enum ListRow<'a> {
    /// A chapter heading.
    Chapter(&'a str),
    /// An exercise.
    Exercise {
        /// The exercise.
        ex: &'a Exercise,
        /// Whether it is done.
        done: bool,
        /// Whether it is the current exercise.
        current: bool,
        /// Whether the cursor is on it.
        selected: bool,
    },
}

/// Everything the list screen shows.
pub struct ListScreen<'a> {
    /// The course.
    pub course: &'a Course,
    /// The learner's progress.
    pub progress: &'a Progress,
    /// The exercise being worked on, for the header.
    pub shown: &'a Exercise,
    /// The line above the list: filter, search, counts.
    pub title: String,
    /// The rows in view.
    pub rows: Vec<ListRow<'a>>,
    /// The selected exercise's concept, shown whole below the list.
    pub selected: Option<&'a Exercise>,
    /// Whether the learner is typing a search.
    pub typing: bool,
    /// A note answering the last key.
    pub note: Option<&'a str>,
}

/// The rows the list screen has for its exercises at this size.
pub fn list_room(
    course: &Course,
    progress: &Progress,
    shown: &Exercise,
    selected: Option<&Exercise>,
    size: Size,
) -> usize {
    let header = rows_of(
        &super::header(course, progress, shown, size.cols),
        size.cols,
    );
    let concept = selected.map_or(0, |ex| {
        rows_of(&wrap(&ex.concept, size.cols.saturating_sub(2)), size.cols)
    });
    // Header, blank, title, ..., blank, concept, keys.
    size.rows
        .saturating_sub(header + 1 + 1 + 1 + concept + 1)
        .max(1)
}

/// The course list: a cursor to move, the current exercise marked, a filter and a search.
pub fn list(s: &ListScreen, size: Size) -> String {
    let cols = size.cols;
    let mut body = super::header(s.course, s.progress, s.shown, cols);
    body.push('\n');
    body.push_str(&format!(
        "{}\n",
        style(console::truncate_str(&s.title, cols, "…")).bold()
    ));
    if s.rows.is_empty() {
        body.push_str(&format!("{}\n", style("No exercise matches.").dim()));
    }
    for row in &s.rows {
        let line = match row {
            ListRow::Chapter(chapter) => format!("{}", style(super::chapter_title(chapter)).bold()),
            ListRow::Exercise {
                ex,
                done,
                current,
                selected,
            } => {
                let pointer = match (selected, current) {
                    (true, true) => "›▶",
                    (true, false) => "› ",
                    (false, true) => " ▶",
                    (false, false) => "  ",
                };
                let line = super::list_line(ex, *done, pointer, cols);
                if *selected {
                    format!("{}", style(console::strip_ansi_codes(&line)).reverse())
                } else {
                    line
                }
            }
        };
        body.push_str(&console::truncate_str(&line, cols, "…"));
        body.push('\n');
    }
    // The row above the concept holds a note answering the last key, if there is one.
    if let Some(note) = s.note {
        body.push_str(&format!(
            "{}",
            style(console::truncate_str(note, cols, "…")).yellow()
        ));
    }
    body.push('\n');
    if let Some(ex) = s.selected {
        for line in wrap(&ex.concept, cols.saturating_sub(2)).lines() {
            body.push_str(&format!("  {}\n", style(line).dim()));
        }
    }
    let keys = if s.typing {
        "type to search names and concepts   ⏎:done   esc:clear"
    } else {
        "↑↓ jk:move  ⏎:work on it  x:reset  f:filter  /:search  l:back  q:quit"
    };
    body.push_str(&format!(
        "{}",
        style(console::truncate_str(keys, cols, "…")).dim()
    ));
    frame(body)
}
