//! The one-shot commands: `run`, `hint`, `list`, `reset`.

use crate::cache::content_digest;
use crate::check::{Checker, Status};
use crate::course::{Course, Exercise};
use crate::process::Cancel;
use crate::progress::Progress;
use crate::{record, shipped, ui};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Loads the course from the working folder, and the learner's progress in it.
pub fn load() -> Result<(Course, Progress)> {
    let here = std::env::current_dir().context("cannot read the current folder")?;
    let course = Course::discover(&here)?;
    let (progress, warning) = Progress::load(&course);
    if let Some(warning) = warning {
        eprintln!("{} {warning}", console::style("warning:").yellow().bold());
    }
    Ok((course, progress))
}

/// The named exercise, or the current one.
fn pick<'a>(course: &'a Course, progress: &Progress, name: Option<&str>) -> Result<&'a Exercise> {
    match name {
        Some(name) => course.find(name),
        None => Ok(&course.exercises[progress.current()]),
    }
}

/// `backlings run [NAME]`: check once; exit 0 on a pass, which marks the exercise done.
pub fn run(name: Option<&str>) -> Result<ExitCode> {
    let (course, mut progress) = load()?;
    let ex = pick(&course, &progress, name)?.clone();
    course.check_present(&ex)?;
    let color = console::colors_enabled();
    let checker = Checker::for_course(&course, color);
    eprintln!("Checking {}...", ex.name);
    let content = content_digest(&course.exercise_dir(&ex));
    let outcome = checker
        .check_one(&ex, &Cancel::default(), |_, _| {})?
        .context("the check was interrupted")?;
    record::remember(&course, content.as_deref(), color, &outcome);
    if outcome.status != Status::Pass {
        print!("{}", ui::outcome(&course, &ex, &outcome));
        return Ok(ExitCode::FAILURE);
    }
    print!("{}", ui::outcome_output(&outcome));
    let index = course.index_of(&ex.name).expect("found by name");
    if let Err(e) = record::mark_if_passed(&course, &mut progress, index, outcome.status) {
        // The pass and the failure to record it belong in one sentence: a bare OS error after
        // "All tests pass" reads as if the learner's code had failed.
        eprintln!(
            "{} but your progress could not be saved to {} ({}): {}, then run `backlings run {}` again to mark it done.",
            console::style("✓ All tests pass,").green().bold(),
            e.path.display(),
            e.cause_text(),
            e.advice(),
            ex.name
        );
        return Ok(ExitCode::from(2));
    }
    print!("{}", ui::verdict(&course, &ex, &outcome));
    let next = progress
        .first_pending_from(index + 1)
        .map(|i| &course.exercises[i]);
    print!("{}", ui::success(&course, &ex, next));
    if progress.all_done() {
        println!("\n{}", course.final_message.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

/// `backlings hint [NAME]`: every hint of the exercise.
pub fn hint(name: Option<&str>) -> Result<ExitCode> {
    let (course, progress) = load()?;
    let ex = pick(&course, &progress, name)?;
    println!("{}", console::style(&ex.name).bold().cyan());
    for n in 0..ex.hints.len() {
        print!("{}", ui::hint(ex, n, ui::width()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `backlings list`: chapters and exercises with their state.
pub fn list() -> Result<ExitCode> {
    let (course, progress) = load()?;
    print!("{}", ui::list(&course, &progress));
    Ok(ExitCode::SUCCESS)
}

/// `backlings reset NAME`: restore the shipped files, after confirmation on a terminal.
pub fn reset(name: &str, yes: bool) -> Result<ExitCode> {
    let (course, mut progress) = load()?;
    let ex = course.find(name)?.clone();
    let changed = shipped::changed_files(&course, &ex)?;
    if changed.is_empty() {
        println!("{} is as shipped; nothing to reset.", ex.name);
        return Ok(ExitCode::SUCCESS);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "reset overwrites your work in {} and needs confirmation: run it in a terminal, or add --yes",
                ex.name
            );
        }
        print!(
            "Reset {} to how it was shipped? Your changes to {} file(s) will be lost. [y/N] ",
            ex.name,
            changed.len()
        );
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            println!("Nothing was changed.");
            // Not done, but not the learner's code failing either (that is what 1 means).
            return Ok(ExitCode::from(2));
        }
    }
    let index = course.index_of(&ex.name).expect("found by name");
    let reset = record::reset(&course, &mut progress, index)?;
    for path in &reset.restored {
        let shown = path.strip_prefix(&course.root).unwrap_or(path);
        println!("restored {}", shown.display());
    }
    if let Some(e) = reset.unsaved {
        bail!("{} was reset, but {e}", ex.name);
    }
    Ok(ExitCode::SUCCESS)
}
