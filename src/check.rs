//! Checking exercises: one cargo build of their tests, then each test binary run directly
//! with the exercise's time limit. Returns an outcome with the output worth showing.

use crate::cargo::{self, Build};
use crate::course::{Course, Exercise};
use crate::process::{self, Cancel, Exit};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Output kept from one exercise's test run.
pub const OUTPUT_CAP: usize = 64 * 1024;

/// The verdict on one exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every test passed.
    Pass,
    /// It compiled; some test failed.
    Fail,
    /// It did not compile.
    CompileError,
    /// Its tests ran past the time limit and were killed.
    Timeout,
}

impl Status {
    /// A short word for lists and summaries.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::CompileError => "compile-error",
            Status::Timeout => "timeout",
        }
    }
}

/// The result of checking one exercise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    /// The verdict.
    pub status: Status,
    /// What to show the learner (may hold ANSI colours when checked for a terminal).
    pub output: String,
}

/// Where to build and how to show output.
pub struct Checker<'a> {
    /// The workspace whose packages are built (the course, or a solutions copy of it).
    pub workspace: &'a Path,
    /// The shared target directory.
    pub target_dir: PathBuf,
    /// Colour in compiler and test output.
    pub color: bool,
}

impl<'a> Checker<'a> {
    /// A checker for the course itself.
    pub fn for_course(course: &'a Course, color: bool) -> Checker<'a> {
        Checker {
            workspace: &course.root,
            target_dir: cargo::target_dir(&course.root),
            color,
        }
    }

    /// Checks one exercise; diagnostics go to `on_diagnostic` as the compiler reports them.
    /// Returns `None` when cancelled.
    pub fn check_one(
        &self,
        ex: &Exercise,
        cancel: &Cancel,
        on_diagnostic: impl FnMut(&Path, &str),
    ) -> Result<Option<Outcome>> {
        let build = cargo::build_tests(
            self.workspace,
            &self.target_dir,
            &[&ex.name],
            self.color,
            cancel,
            on_diagnostic,
        )?;
        if build.exit == Exit::Cancelled {
            return Ok(None);
        }
        let dir = self.exercise_dir(ex);
        Ok(self.outcome(ex, &dir, &build, cancel))
    }

    /// Checks many exercises: one build, then their test binaries in parallel, bounded by the
    /// cores. `on_done` is called once per exercise as its verdict is known.
    pub fn check_many(
        &self,
        exercises: &[&Exercise],
        cancel: &Cancel,
        on_building: impl FnMut(&Path),
        on_done: impl Fn(&Exercise, &Outcome) + Sync,
    ) -> Result<Vec<Outcome>> {
        if exercises.is_empty() {
            return Ok(Vec::new());
        }
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        let mut on_building = on_building;
        let build = cargo::build_tests(
            self.workspace,
            &self.target_dir,
            &names,
            self.color,
            cancel,
            |dir, _| on_building(dir),
        )?;
        let results: Vec<Mutex<Option<Outcome>>> =
            exercises.iter().map(|_| Mutex::new(None)).collect();
        let next = Mutex::new(0usize);
        let workers = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .min(exercises.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = {
                            let mut next = next.lock().unwrap();
                            let i = *next;
                            *next += 1;
                            i
                        };
                        let Some(ex) = exercises.get(i) else { break };
                        let dir = self.exercise_dir(ex);
                        let outcome = self
                            .outcome(ex, &dir, &build, cancel)
                            .unwrap_or_else(cancelled_outcome);
                        on_done(ex, &outcome);
                        *results[i].lock().unwrap() = Some(outcome);
                    }
                });
            }
        });
        Ok(results
            .into_iter()
            .map(|r| r.into_inner().unwrap().unwrap_or_else(cancelled_outcome))
            .collect())
    }

    fn exercise_dir(&self, ex: &Exercise) -> PathBuf {
        self.workspace.join("exercises").join(&ex.dir)
    }

    /// The verdict from the build and, when it compiled, from running its tests.
    fn outcome(
        &self,
        ex: &Exercise,
        dir: &Path,
        build: &Build,
        cancel: &Cancel,
    ) -> Option<Outcome> {
        let pkg = build.packages.get(dir);
        let compiled = pkg.is_some_and(|p| !p.errored && !p.test_binaries.is_empty());
        if !compiled {
            let mut output = pkg.map(|p| p.diagnostics.clone()).unwrap_or_default();
            if output.trim().is_empty() {
                // No diagnostic of its own: a manifest error or a failed dependency.
                output = build.stderr.clone();
            }
            return Some(Outcome {
                status: Status::CompileError,
                output,
            });
        }
        let pkg = pkg.expect("compiled implies built");
        self.run_tests(ex, dir, &pkg.test_binaries, &pkg.diagnostics, cancel)
    }

    /// Runs each test binary in turn within one time limit for them all.
    fn run_tests(
        &self,
        ex: &Exercise,
        dir: &Path,
        binaries: &[(u8, PathBuf)],
        warnings: &str,
        cancel: &Cancel,
    ) -> Option<Outcome> {
        let deadline = Instant::now() + ex.timeout;
        let mut output = String::new();
        let mut status = Status::Pass;
        for (_, binary) in binaries {
            let left = deadline.saturating_duration_since(Instant::now());
            let mut cmd = Command::new(binary);
            cmd.current_dir(dir)
                .args([
                    "--quiet",
                    "--color",
                    if self.color { "always" } else { "never" },
                ])
                .env("CARGO_MANIFEST_DIR", dir)
                .env("CARGO_PKG_NAME", &ex.name)
                .env(
                    "RUST_BACKTRACE",
                    std::env::var("RUST_BACKTRACE").unwrap_or("0".into()),
                );
            let run = match process::run(
                cmd,
                Some(left.max(Duration::from_millis(1))),
                OUTPUT_CAP,
                cancel,
                |_| {},
            ) {
                Ok(run) => run,
                Err(e) => {
                    output.push_str(&format!("cannot run {}: {e}\n", binary.display()));
                    status = Status::Fail;
                    break;
                }
            };
            match run.exit {
                Exit::Cancelled => return None,
                Exit::TimedOut => {
                    status = Status::Timeout;
                    output.push_str(&String::from_utf8_lossy(&run.stdout));
                    output.push_str(&String::from_utf8_lossy(&run.stderr));
                    output.push_str(&format!(
                        "\nThe tests ran longer than {} s and were stopped. Look for a loop that never ends, a read that waits forever, or a lock never released.\n",
                        ex.timeout.as_secs()
                    ));
                    break;
                }
                Exit::Finished(s) => {
                    if !s.success() {
                        status = Status::Fail;
                        output.push_str(&failure_text(&run.stdout, &run.stderr));
                    }
                }
            }
            if run.truncated {
                output.push_str(&format!("\n(output cut at {} KiB)\n", OUTPUT_CAP / 1024));
            }
            if status != Status::Pass {
                break;
            }
        }
        if status == Status::Pass {
            // Warnings are worth seeing once the tests pass, never in the way of a failure.
            output = warnings.to_string();
        }
        Some(Outcome { status, output })
    }
}

fn cancelled_outcome() -> Outcome {
    Outcome {
        status: Status::Fail,
        output: "the check was interrupted".into(),
    }
}

/// The part of a failing test run worth reading: its failures and summary, not the dots.
fn failure_text(stdout: &[u8], stderr: &[u8]) -> String {
    let out = String::from_utf8_lossy(stdout);
    let body = match out.find("\nfailures:\n") {
        Some(start) => &out[start + 1..],
        None => &out,
    };
    let mut text = body.trim_end().to_string();
    text.push('\n');
    let err = String::from_utf8_lossy(stderr);
    if !err.trim().is_empty() {
        text.push_str(&err);
    }
    text
}
