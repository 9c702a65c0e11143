//! Checking the whole course: answered from the result cache where nothing changed, the rest
//! built in one cargo invocation and tested in parallel; a progress bar or plain lines.

use crate::cache::{ResultCache, content_digest};
use crate::check::{Checker, Outcome, Status};
use crate::commands;
use crate::course::Exercise;
use crate::process::Cancel;
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;

/// One exercise's verdict in a verify run.
#[derive(Serialize)]
pub struct Verdict {
    /// The exercise's name.
    pub name: String,
    /// Its folder relative to `exercises/`.
    pub dir: String,
    /// pass / fail / compile-error / timeout.
    pub status: Status,
    /// Whether it came from the result cache.
    pub cached: bool,
    /// The output that explains the verdict.
    pub output: String,
}

/// Checks `exercises` in the workspace the checker builds, using the cache unless `no_cache`.
/// With a label, shows progress on stderr: a bar on a terminal, plain lines otherwise.
pub fn check_all(
    checker: &Checker,
    exercises: &[&Exercise],
    no_cache: bool,
    label: Option<&str>,
) -> Result<Vec<Verdict>> {
    let what = label.unwrap_or_default();
    let cache = ResultCache::open(checker.workspace, &checker.target_dir);
    let contents: Vec<Option<Vec<u8>>> = exercises
        .iter()
        .map(|ex| content_digest(&checker.exercise_dir(ex)))
        .collect();
    let keys: Vec<Option<String>> = contents
        .iter()
        .map(|c| c.as_deref().map(|c| cache.key(c, checker.color)))
        .collect();
    let mut verdicts: Vec<Option<Verdict>> = exercises.iter().map(|_| None).collect();
    let mut todo = Vec::new();
    for (i, ex) in exercises.iter().enumerate() {
        let hit = (!no_cache)
            .then(|| keys[i].as_deref().and_then(|k| cache.get(k)))
            .flatten();
        match hit {
            Some(outcome) => verdicts[i] = Some(verdict(ex, outcome, true)),
            None => todo.push(i),
        }
    }
    let bar = if label.is_some() && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(exercises.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{prefix} [{bar:30.green/dim}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("#>-"),
        );
        bar.set_prefix(what.to_string());
        bar.set_position((exercises.len() - todo.len()) as u64);
        bar.set_message("building");
        bar
    } else {
        ProgressBar::hidden()
    };
    if !todo.is_empty() {
        let plain = label.is_some() && bar.is_hidden();
        if plain {
            eprintln!(
                "{what}: {} of {} answered from the cache; building the other {}",
                exercises.len() - todo.len(),
                exercises.len(),
                todo.len()
            );
        }
        let pending: Vec<&Exercise> = todo.iter().map(|&i| exercises[i]).collect();
        let done = Mutex::new(());
        let outcomes = checker.check_many(
            &pending,
            &Cancel::default(),
            |_| {},
            |ex, outcome| {
                let _guard = done.lock();
                bar.inc(1);
                bar.set_message(format!("{} {}", ex.name, outcome.status.label()));
                if plain {
                    eprintln!("{what}: {} {}", ex.name, outcome.status.label());
                }
            },
        )?;
        // The build may have written the lock file: key what was built by how it was built.
        let cache = ResultCache::open(checker.workspace, &checker.target_dir);
        for (&i, outcome) in todo.iter().zip(outcomes) {
            if let Some(content) = &contents[i] {
                cache.put(&cache.key(content, checker.color), &outcome);
            }
            verdicts[i] = Some(verdict(exercises[i], outcome, false));
        }
    }
    bar.finish_and_clear();
    Ok(verdicts
        .into_iter()
        .map(|v| v.expect("every exercise has a verdict"))
        .collect())
}

fn verdict(ex: &Exercise, outcome: Outcome, cached: bool) -> Verdict {
    Verdict {
        name: ex.name.clone(),
        dir: ex.dir.clone(),
        status: outcome.status,
        cached,
        output: outcome.output,
    }
}

/// `backlings verify`: check every exercise; exit 0 only if all pass, 1 if some fail, 2 if
/// the check could not run. With `--json` the answer is JSON even then: `{"error": "..."}`.
pub fn run(json: bool, no_cache: bool) -> Result<ExitCode> {
    let result = verify(json, no_cache);
    if json && let Err(e) = &result {
        #[derive(Serialize)]
        struct Failure {
            error: String,
        }
        let failure = Failure {
            error: format!("{e:#}"),
        };
        println!("{}", serde_json::to_string_pretty(&failure)?);
    }
    result
}

fn verify(json: bool, no_cache: bool) -> Result<ExitCode> {
    let (course, mut progress) = commands::load()?;
    for ex in &course.exercises {
        course.check_present(ex)?;
    }
    let color = !json && console::colors_enabled();
    let checker = Checker::for_course(&course, color);
    let all: Vec<&Exercise> = course.exercises.iter().collect();
    let verdicts = check_all(&checker, &all, no_cache, Some("verify"))?;
    let passed = verdicts.iter().filter(|v| v.status == Status::Pass).count();
    crate::record::mark_all_passed(&course, &mut progress, &verdicts)?;
    if json {
        #[derive(Serialize)]
        struct Report<'a> {
            passed: usize,
            total: usize,
            exercises: &'a [Verdict],
        }
        let report = Report {
            passed,
            total: verdicts.len(),
            exercises: &verdicts,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for v in &verdicts {
            let label = match v.status {
                Status::Pass => console::style(v.status.label()).green(),
                _ => console::style(v.status.label()).red(),
            };
            println!("{label:>14}  {}", v.name);
        }
        println!(
            "\n{passed} of {} exercises pass.{}",
            verdicts.len(),
            if passed == verdicts.len() {
                ""
            } else {
                " `backlings run NAME` shows why one fails."
            }
        );
    }
    Ok(if passed == verdicts.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
