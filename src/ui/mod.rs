//! Everything drawn for the learner: headers, progress, outcomes, lists, hints, keys, and the
//! watch-mode screens built from them. Functions return text; callers decide where it goes.

pub mod layout;
pub mod link;
pub mod screen;
pub mod terminal;
pub mod words;

pub use terminal::{height, restore_terminal, width};

use crate::check::{Outcome, Status};
use crate::course::{Course, Exercise};
use crate::progress::Progress;
use console::style;

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

/// The top of the watch screen: which exercise, what it teaches (wrapped), how far along.
pub fn header(course: &Course, progress: &Progress, ex: &Exercise, cols: usize) -> String {
    let index = course.index_of(&ex.name).unwrap_or(0);
    format!(
        "{} {}  {}\n{}{}\n",
        style(format!("[{}/{}]", index + 1, course.exercises.len())).dim(),
        style(&ex.name).bold().cyan(),
        style(format!("chapter {}", chapter_title(ex.chapter()))).dim(),
        layout::wrap(&ex.concept, cols),
        progress_bar(progress.done_count(), course.exercises.len(), cols),
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

/// A path under the course, shown relative to its root, linked to the file where the terminal
/// supports it.
pub fn path(course: &Course, path: &std::path::Path) -> String {
    let shown = path.strip_prefix(&course.root).unwrap_or(path);
    link::to_path(path, &shown.display().to_string())
}

/// One line: passed, or what failed and which file to edit.
pub fn verdict(course: &Course, ex: &Exercise, outcome: &Outcome) -> String {
    verdict_wrapped(course, ex, outcome, usize::MAX)
}

/// The verdict wrapped at word boundaries to `cols` columns, the file's path linked.
pub fn verdict_wrapped(course: &Course, ex: &Exercise, outcome: &Outcome, cols: usize) -> String {
    let file = course.exercise_dir(ex).join("src/lib.rs");
    let shown = file
        .strip_prefix(&course.root)
        .unwrap_or(&file)
        .display()
        .to_string();
    let (sentence, ok) = match outcome.status {
        Status::Pass => ("✓ All tests pass.".to_string(), true),
        Status::Fail => (format!("✗ Some tests fail. Edit {shown} and save."), false),
        Status::CompileError => (
            format!("✗ It does not compile. Edit {shown} and save."),
            false,
        ),
        Status::Timeout => ("✗ The tests timed out.".to_string(), false),
    };
    let mut text = String::new();
    for line in textwrap::wrap(&sentence, cols.clamp(1, 10_000)) {
        let styled = |part: &str| {
            let part = style(part.to_string()).bold();
            format!("{}", if ok { part.green() } else { part.red() })
        };
        // The path is linked where a line holds it whole.
        match line.split_once(shown.as_str()) {
            Some((before, after)) => text.push_str(&format!(
                "{}{}{}",
                styled(before),
                link::to_path(&file, &shown),
                styled(after)
            )),
            None => text.push_str(&styled(&line)),
        }
        text.push('\n');
    }
    text
}

/// The success screen after an exercise passes.
pub fn success(course: &Course, ex: &Exercise, next: Option<&Exercise>) -> String {
    let solution = path(course, &course.solution_dir(ex));
    let mut text = format!(
        "{}\nCompare with the reference solution: {solution}\n",
        style(format!("✓ {} is done.", ex.name)).green().bold(),
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

/// One hint, numbered (`Hint 2/4`, so the learner knows how many remain), wrapped to `cols`
/// columns. No blank line or footer of its own: on a small screen every row counts.
pub fn hint(ex: &Exercise, n: usize, cols: usize) -> String {
    let n = n.min(ex.hints.len() - 1);
    let label = format!("Hint {}/{}", n + 1, ex.hints.len());
    // Wrapped with a placeholder of the label's width, then the label is styled in place.
    let text = layout::wrap(&format!("{label}  {}", ex.hints[n].trim()), cols);
    text.replacen(&label, &format!("{}", style(&label).yellow().bold()), 1)
}

/// The state word of an exercise in lists.
pub fn state_word(done: bool) -> String {
    if done {
        format!("{}", style("done   ").green())
    } else {
        format!("{}", style("pending").yellow())
    }
}

/// One exercise on one line: pointer, state, name, and the concept cut to the width.
pub fn list_line(ex: &Exercise, done: bool, pointer: &str, cols: usize) -> String {
    let room = cols.saturating_sub(37).max(10);
    let concept = console::truncate_str(&ex.concept, room, "…");
    format!(
        "{pointer} {} {:<24} {}",
        state_word(done),
        ex.name,
        style(concept).dim()
    )
}

/// The course by chapter: done or pending, the current one marked (`backlings list`).
pub fn list(course: &Course, progress: &Progress) -> String {
    let mut text = String::new();
    let mut chapter = "";
    for (i, ex) in course.exercises.iter().enumerate() {
        if ex.chapter() != chapter {
            chapter = ex.chapter();
            text.push_str(&format!("{}\n", style(chapter_title(chapter)).bold()));
        }
        let pointer = if i == progress.current() { "▶" } else { " " };
        text.push_str(&list_line(ex, progress.is_done(&ex.name), pointer, width()));
        text.push('\n');
    }
    text.push_str(&format!(
        "{} of {} done\n",
        progress.done_count(),
        course.exercises.len()
    ));
    text
}

/// The keys line at the bottom of the exercise screen.
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
            "{} ({built} crates so far); your checks go first.",
            words::BACKGROUND_BUILD
        ))
        .dim()
    )
}
