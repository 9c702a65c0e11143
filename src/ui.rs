//! Everything drawn for the learner: headers, progress, outcomes, lists, hints, keys.
//! Functions return text; callers decide where it goes, so any terminal size is safe.

use crate::check::{Outcome, Status};
use crate::course::{Course, Exercise};
use crate::progress::Progress;
use console::style;
use std::sync::Mutex;

/// The terminal settings found when watch mode started, put back on the way out.
static SAVED_TERMIOS: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Remembers the terminal's settings so `restore_terminal` can put them back.
pub fn save_terminal() {
    // SAFETY: tcgetattr only writes the termios struct we own.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) == 0 {
            *SAVED_TERMIOS.lock().unwrap_or_else(|e| e.into_inner()) = Some(t);
        }
    }
}

/// Leaves the terminal as watch mode found it: settings, cursor, no half-drawn line.
pub fn restore_terminal() {
    if let Some(t) = SAVED_TERMIOS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        // SAFETY: tcsetattr reads the termios saved from this same terminal.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSADRAIN, &t);
        }
        let _ = console::Term::stdout().show_cursor();
    }
}

/// The terminal's height in rows, never less than 10.
pub fn height() -> usize {
    let (rows, _) = console::Term::stdout().size();
    (rows as usize).max(10)
}

/// How many terminal rows `text` takes at `cols` columns, wrapped lines counted.
pub fn rows_of(text: &str, cols: usize) -> usize {
    text.lines()
        .map(|line| {
            console::measure_text_width(line)
                .div_ceil(cols.max(1))
                .max(1)
        })
        .sum()
}

/// The first lines of `text` that fit in `rows` rows, with a note of what was left out, so
/// the header above and the keys below always stay on screen.
pub fn fit(text: &str, rows: usize, cols: usize) -> String {
    if rows_of(text, cols) <= rows {
        return text.to_string();
    }
    let mut kept = String::new();
    let mut used = 1; // the note at the end
    let mut lines = text.lines();
    let mut left = 0;
    for line in lines.by_ref() {
        let need = console::measure_text_width(line)
            .div_ceil(cols.max(1))
            .max(1);
        if used + need > rows {
            left = 1;
            break;
        }
        used += need;
        kept.push_str(line);
        kept.push('\n');
    }
    left += lines.count();
    // A cut may fall inside coloured text: reset the colour before the note.
    kept.push_str(&format!(
        "\x1b[0m{}\n",
        style(format!(
            "… {left} more lines (a taller terminal, or `backlings run`, shows them all)"
        ))
        .dim()
    ));
    kept
}

/// The terminal's width in columns, never less than 20.
pub fn width() -> usize {
    let (_, cols) = console::Term::stdout().size();
    (cols as usize).max(20)
}

/// A progress bar over the course, `width` columns wide at most.
pub fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let label = format!(" {done}/{total}");
    let inner = width.saturating_sub(label.len() + 2).clamp(1, 60);
    let filled = (inner * done).checked_div(total).unwrap_or(0);
    format!(
        "[{}{}]{label}",
        style("#".repeat(filled)).green(),
        "-".repeat(inner - filled)
    )
}

/// The chapter folder as a title: `02_http` → `02 http`.
pub fn chapter_title(chapter: &str) -> String {
    chapter.replacen('_', " ", 1).replace('_', " ")
}

/// The top of the watch screen: which exercise, what it teaches, how far along.
pub fn header(course: &Course, progress: &Progress, ex: &Exercise) -> String {
    let index = course.index_of(&ex.name).unwrap_or(0);
    format!(
        "{} {}  {}\n{}\n{}\n",
        style(format!("[{}/{}]", index + 1, course.exercises.len())).dim(),
        style(&ex.name).bold().cyan(),
        style(format!("chapter {}", chapter_title(ex.chapter()))).dim(),
        ex.concept,
        progress_bar(progress.done_count(), course.exercises.len(), width()),
    )
}

/// What a check said, for the screen: the output that explains it, then a verdict line.
pub fn outcome(course: &Course, ex: &Exercise, outcome: &Outcome) -> String {
    let mut text = outcome_output(outcome);
    text.push_str(&verdict(course, ex, outcome));
    text
}

/// The output worth showing above the verdict (compiler errors, failing tests, warnings).
pub fn outcome_output(outcome: &Outcome) -> String {
    if outcome.output.trim().is_empty() {
        return String::new();
    }
    format!("{}\n\n", outcome.output.trim_end())
}

/// One line: passed, or what failed and which file to edit.
pub fn verdict(course: &Course, ex: &Exercise, outcome: &Outcome) -> String {
    let file = course.exercise_dir(ex).join("src/lib.rs");
    let file = file
        .strip_prefix(&course.root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let verdict = match outcome.status {
        Status::Pass => style("✓ All tests pass.".to_string()).green().bold(),
        Status::Fail => style(format!("✗ Some tests fail. Edit {file} and save."))
            .red()
            .bold(),
        Status::CompileError => style(format!("✗ It does not compile. Edit {file} and save."))
            .red()
            .bold(),
        Status::Timeout => style("✗ The tests timed out.".to_string()).red().bold(),
    };
    format!("{verdict}\n")
}

/// The success screen after an exercise passes.
pub fn success(course: &Course, ex: &Exercise, next: Option<&Exercise>) -> String {
    let solution = course.solution_dir(ex);
    let solution = solution.strip_prefix(&course.root).unwrap_or(&solution);
    let mut text = format!(
        "{}\nCompare with the reference solution: {}\n",
        style(format!("✓ {} is done.", ex.name)).green().bold(),
        solution.display()
    );
    if let Some(next) = next {
        text.push_str(&format!(
            "Next: {} — {}\n",
            style(&next.name).bold().cyan(),
            next.concept
        ));
    }
    text
}

/// One hint, numbered, with how many remain.
pub fn hint(ex: &Exercise, n: usize) -> String {
    let n = n.min(ex.hints.len() - 1);
    let more = if n + 1 < ex.hints.len() {
        " (press h again for the next)"
    } else {
        " (the last one)"
    };
    format!(
        "{} {}\n{}\n",
        style(format!("Hint {}/{}", n + 1, ex.hints.len()))
            .yellow()
            .bold(),
        style(more).dim(),
        ex.hints[n].trim()
    )
}

/// The course by chapter: done or pending, the current one marked.
pub fn list(course: &Course, progress: &Progress) -> String {
    let mut text = String::new();
    let mut chapter = "";
    for (i, ex) in course.exercises.iter().enumerate() {
        if ex.chapter() != chapter {
            chapter = ex.chapter();
            text.push_str(&format!("{}\n", style(chapter_title(chapter)).bold()));
        }
        let mark = if progress.is_done(&ex.name) {
            style("done   ").green()
        } else {
            style("pending").yellow()
        };
        let pointer = if i == progress.current() { "▶" } else { " " };
        // One line per exercise: the concept is cut to the terminal's width.
        let room = width().saturating_sub(36).max(10);
        let concept = console::truncate_str(&ex.concept, room, "…");
        text.push_str(&format!(
            "{pointer} {mark} {:<24} {}\n",
            ex.name,
            style(concept).dim()
        ));
    }
    text.push_str(&format!(
        "{} of {} done\n",
        progress.done_count(),
        course.exercises.len()
    ));
    text
}

/// The keys line at the bottom of the watch screen.
pub fn keys(done: bool) -> String {
    let next = if done { "n:next  " } else { "" };
    format!(
        "{}",
        style(format!(
            "{next}h:hint  l:list  r:re-run  c:check all  x:reset  q:quit"
        ))
        .dim()
    )
}

/// The one quiet line about the background build of the course's dependencies.
pub fn background_status(built: u64) -> String {
    format!(
        "{}",
        style(format!(
            "Preparing the course's dependencies in the background ({built} crates built); your checks go first."
        ))
        .dim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_what_fits_and_counts_wrapped_lines() {
        let text = "one\ntwo\nthree\nfour\n";
        assert_eq!(fit(text, 10, 80), text);
        let cut = fit(text, 3, 80);
        assert!(cut.starts_with("one\ntwo\n"), "{cut}");
        assert!(cut.contains("2 more lines"), "{cut}");
        assert_eq!(
            rows_of("abcdefghij\nx", 4),
            4,
            "10 columns wrap to 3 rows at width 4"
        );
        assert!(
            fit("x\n", 0, 1).contains("more lines"),
            "never panics on a tiny terminal"
        );
    }
}
