//! Checking exercises: one cargo build of their tests, then each test binary run directly
//! with the exercise's time limit. Returns an outcome with the output worth showing.

use crate::cargo::{self, Build, PackageBuild, TestTargets};
use crate::course::{Course, Exercise};
use crate::process::{self, Cancel, Exit};
use anyhow::{Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Output kept from one exercise's test run.
pub const OUTPUT_CAP: usize = 64 * 1024;
/// The variable naming the file where tests leave notes for the learner (see testkit::skip).
const NOTES_ENV: &str = "BACKLINGS_NOTES";

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
    /// The folder of its exercise crates, relative to it: `exercises`, or `solutions` in the
    /// copy. They must differ: cargo names a path crate's build by its path relative to the
    /// workspace, so in a shared target directory equal paths would overwrite each other.
    pub crates: &'static str,
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
            crates: "exercises",
            target_dir: cargo::target_dir(&course.root),
            color,
        }
    }

    /// Checks one exercise; diagnostics go to `on_diagnostic` as the compiler reports them.
    /// Returns `None` when cancelled, and an error (one sentence) when the check could not run
    /// for a reason other than the learner's code: a folder cargo cannot write, cargo missing,
    /// a manifest or dependency that does not build.
    pub fn check_one(
        &self,
        ex: &Exercise,
        cancel: &Cancel,
        on_diagnostic: impl FnMut(&Path, &str),
    ) -> Result<Option<Outcome>> {
        self.ensure_writable()?;
        let dir = self.exercise_dir(ex);
        let targets = if has_unit_tests(&dir.join("src")) || !has_test_files(&dir) {
            TestTargets::All
        } else {
            TestTargets::Integration
        };
        let build = cargo::build_tests(
            self.workspace,
            &self.target_dir,
            &[&ex.name],
            targets,
            self.color,
            cancel,
            on_diagnostic,
        )?;
        if build.exit == Exit::Cancelled {
            return Ok(None);
        }
        self.outcome(ex, &build, cancel)
    }

    /// Checks many exercises: one build, then their test binaries in parallel, bounded by the
    /// cores. `on_done` is called once per exercise as its verdict is known. An error means
    /// the check could not run (see [`Checker::check_one`]).
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
        self.ensure_writable()?;
        let names: Vec<&str> = exercises.iter().map(|e| e.name.as_str()).collect();
        let mut on_building = on_building;
        let build = cargo::build_tests(
            self.workspace,
            &self.target_dir,
            &names,
            TestTargets::All,
            self.color,
            cancel,
            |dir, _| on_building(dir),
        )?;
        if build.exit == Exit::Cancelled {
            return Ok(exercises.iter().map(|_| cancelled_outcome()).collect());
        }
        let failed: Vec<&Exercise> = exercises
            .iter()
            .copied()
            .filter(|ex| matches!(built(&self.exercise_dir(ex), &build), Built::Failed))
            .collect();
        if !failed.is_empty() {
            return Err(build_failure(&failed, &build));
        }
        let results: Vec<Mutex<Option<Result<Outcome>>>> =
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
                        let result = self
                            .outcome(ex, &build, cancel)
                            .map(|o| o.unwrap_or_else(cancelled_outcome));
                        if let Ok(outcome) = &result {
                            on_done(ex, outcome);
                        }
                        *results[i].lock().unwrap() = Some(result);
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|r| {
                r.into_inner()
                    .unwrap()
                    .unwrap_or_else(|| Ok(cancelled_outcome()))
            })
            .collect()
    }

    /// The verdict from the build and, when it compiled, from running its tests.
    fn outcome(&self, ex: &Exercise, build: &Build, cancel: &Cancel) -> Result<Option<Outcome>> {
        let dir = self.exercise_dir(ex);
        match built(&dir, build) {
            Built::Tests(pkg) => self.run_tests(ex, &dir, pkg, cancel),
            Built::CompileError(output) => Ok(Some(Outcome {
                status: Status::CompileError,
                output,
            })),
            Built::Failed => Err(build_failure(&[ex], build)),
        }
    }

    /// Fails with one sentence, before cargo is started, when the folders it writes to are
    /// not writable: cargo would say so in a way a learner cannot act on.
    fn ensure_writable(&self) -> Result<()> {
        if let Err(why) = probe_writable(self.workspace) {
            if self.crates == "exercises" {
                bail!(
                    "cannot write in the course folder: {why}; backlings keeps your progress there and cargo its lock file, so make it writable (chmod -R u+w {}) or clone the course into a folder you own",
                    self.workspace.display()
                );
            }
            bail!("cannot write the copy of the course that cargo builds: {why}");
        }
        if let Err(why) = probe_writable(&self.target_dir) {
            bail!(
                "cannot build in the target directory {}: {why}; make it a folder you can write, or set CARGO_TARGET_DIR to one",
                self.target_dir.display()
            );
        }
        Ok(())
    }

    /// The folder of an exercise's crate in this checker's workspace.
    pub fn exercise_dir(&self, ex: &Exercise) -> PathBuf {
        self.workspace.join(self.crates).join(&ex.dir)
    }

    /// Runs each test binary in turn within one time limit for them all.
    fn run_tests(
        &self,
        ex: &Exercise,
        dir: &Path,
        pkg: &PackageBuild,
        cancel: &Cancel,
    ) -> Result<Option<Outcome>> {
        let deadline = Instant::now() + ex.timeout;
        let mut output = String::new();
        let mut status = Status::Pass;
        // Tests append notes for the learner here (testkit's skip): libtest hides what a
        // passing test prints, and a conformance test that skipped must not pass in silence.
        let notes = tempfile::NamedTempFile::new().ok();
        for (_, binary) in &pkg.test_binaries {
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
                    NOTES_ENV,
                    notes.as_ref().map_or(Path::new(""), |n| n.path()),
                )
                // A backtrace buries the test's message; the panic's location is shown anyway.
                .env("RUST_BACKTRACE", "0");
            let run = match process::run_contained(
                cmd,
                Some(left.max(Duration::from_millis(1))),
                OUTPUT_CAP,
                cancel,
                |_| {},
            ) {
                Ok(run) => run,
                Err(e) => bail!(
                    "cannot run the tests of `{}`: {} does not start ({e}); if the target directory is on a file system that forbids running programs (noexec), set CARGO_TARGET_DIR to a folder on another",
                    ex.name,
                    binary.display()
                ),
            };
            match run.exit {
                Exit::Cancelled => return Ok(None),
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
                        output.push_str(&failure_text(
                            &run.stdout,
                            &run.stderr,
                            &test_sources(dir),
                        ));
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
            output = pkg.diagnostics.clone();
        }
        let mut notes: Vec<String> = notes
            .and_then(|n| std::fs::read_to_string(n.path()).ok())
            .map(|text| text.lines().map(|l| format!("note: {l}\n")).collect())
            .unwrap_or_default();
        notes.sort();
        if !output.is_empty() && !notes.is_empty() {
            output.push('\n');
        }
        output.extend(notes);
        Ok(Some(Outcome { status, output }))
    }
}

/// What a build made of one package.
enum Built<'b> {
    /// Its test binaries, ready to run.
    Tests(&'b PackageBuild),
    /// Its own code did not compile; the compiler's diagnostics.
    CompileError(String),
    /// It was not built, and no diagnostic of its own says why: cargo itself failed (a
    /// manifest, a dependency, the target directory), which is not the learner's doing.
    Failed,
}

fn built<'b>(dir: &Path, build: &'b Build) -> Built<'b> {
    match build.packages.get(dir) {
        Some(pkg) if pkg.errored => Built::CompileError(pkg.diagnostics.clone()),
        Some(pkg) if !pkg.test_binaries.is_empty() => Built::Tests(pkg),
        _ => Built::Failed,
    }
}

/// One sentence for a build that failed before any of `exercises` was compiled.
fn build_failure(exercises: &[&Exercise], build: &Build) -> anyhow::Error {
    let names = match exercises {
        [one] => format!("`{}`", one.name),
        [first, rest @ ..] => format!("`{}` (and {} more)", first.name, rest.len()),
        [] => "the exercises".to_string(),
    };
    let cause = cargo::error_summary(&build.stderr);
    if cause.is_empty() {
        let how = match build.exit {
            Exit::Finished(status) => status.to_string(),
            other => format!("{other:?}"),
        };
        anyhow!(
            "cargo could not build {names} and said nothing about why ({how}); run `cargo build --tests -p {}` in the course folder to see its output",
            exercises.first().map_or("NAME", |e| e.name.as_str())
        )
    } else {
        anyhow!(
            "cargo could not build {names}, and not because of the exercise's code: {cause}; fix that, then check again"
        )
    }
}

/// Whether the crate's sources hold unit tests (`#[test]`, `#[cfg(test)]`, `#[tokio::test]`...):
/// any attribute that mentions `test`. A false "yes" only costs a compile of an empty harness.
fn has_unit_tests(src: &Path) -> bool {
    fn walk(dir: &Path) -> io::Result<bool> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                if walk(&path)? {
                    return Ok(true);
                }
            } else if path.extension().is_some_and(|x| x == "rs")
                && attributes_mention_test(&std::fs::read_to_string(&path)?)
            {
                return Ok(true);
            }
        }
        Ok(false)
    }
    // Unreadable sources: build everything and let the compiler say what is wrong.
    walk(src).unwrap_or(true)
}

fn attributes_mention_test(code: &str) -> bool {
    code.match_indices('#').any(|(i, _)| {
        let rest = code[i + 1..].trim_start_matches('!');
        rest.starts_with('[') && rest[..rest.find(']').unwrap_or(rest.len())].contains("test")
    })
}

/// Whether the crate has integration tests (`tests/*.rs`).
fn has_test_files(dir: &Path) -> bool {
    std::fs::read_dir(dir.join("tests"))
        .map(|rd| {
            rd.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
        })
        .unwrap_or(false)
}

/// `Ok` if a folder could be made and written at `path`; else what is in the way, naming it.
/// Asks the kernel (access(2)) rather than writing a probe file, so nothing appears in the
/// learner's folders; it honours read-only mounts and ACLs as a write would.
fn probe_writable(path: &Path) -> Result<(), String> {
    use std::os::unix::ffi::OsStrExt;
    let Some(existing) = path.ancestors().find(|p| p.symlink_metadata().is_ok()) else {
        return Ok(());
    };
    let shown = existing.display();
    match std::fs::metadata(existing) {
        Err(e) => return Err(format!("{shown} cannot be read ({e})")),
        Ok(meta) if !meta.is_dir() => return Err(format!("{shown} is a file, not a folder")),
        Ok(_) => {}
    }
    let Ok(c_path) = std::ffi::CString::new(existing.as_os_str().as_bytes()) else {
        return Ok(());
    };
    // SAFETY: access(2) only reads the NUL-terminated path we own.
    if unsafe { libc::access(c_path.as_ptr(), libc::W_OK | libc::X_OK) } != 0 {
        return Err(format!(
            "{shown} is not writable ({})",
            io::Error::last_os_error()
        ));
    }
    Ok(())
}

fn cancelled_outcome() -> Outcome {
    Outcome {
        status: Status::Fail,
        output: "the check was interrupted".into(),
    }
}

/// How many failing tests are shown in full; the rest are named.
const FAILURES_SHOWN: usize = 3;
/// How many more failing tests are named after those.
const NAMES_SHOWN: usize = 6;

/// The part of a failing test run worth reading: the first failures in full, the others by
/// name, and the summary line — never a screenful of dots or every panic at once.
fn failure_text(stdout: &[u8], stderr: &[u8], sources: &str) -> String {
    let out = String::from_utf8_lossy(stdout);
    let mut text = match out.find("\nfailures:\n") {
        Some(start) => condense(&out[start + 1..], sources),
        None => out.trim().to_string(),
    };
    text.push('\n');
    let err = String::from_utf8_lossy(stderr);
    if !err.trim().is_empty() {
        text.push_str(&err);
    }
    text
}

/// Condenses libtest's failure report, which starts at its first `failures:` line.
/// The exercise's test files, `spec.rs` first: their order is the order failures are shown in.
fn test_sources(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("tests"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort_by_key(|p| (p.file_stem() != Some("spec".as_ref()), p.clone()));
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Condenses libtest's failure report, which starts at its first `failures:` line. Failures
/// are shown in the order their tests stand in `sources` (authors order a spec from the basics
/// up; libtest reports in the order tests happened to finish).
fn condense(report: &str, sources: &str) -> String {
    // Each failing test's captured output starts with a `---- name stdout ----` line; the
    // report ends with a list of names and the `test result:` summary.
    let (details, tail) = match report[1..].find("\nfailures:\n") {
        Some(i) => report.split_at(i + 1),
        None => (report, ""),
    };
    let mut sections: Vec<(&str, String)> = Vec::new();
    for chunk in details.split("\n---- ").skip(1) {
        let (title, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        let name = title.trim_end_matches(" ----").trim_end_matches(" stdout");
        // Backtraces are off on purpose: libtest's advice to turn them on is noise here.
        let body: Vec<&str> = body
            .lines()
            .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE=1`"))
            .collect();
        sections.push((name, body.join("\n").trim().to_string()));
    }
    let position = |name: &str| {
        let short = name.rsplit("::").next().unwrap_or(name);
        sources.find(&format!("fn {short}(")).unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|(name, _)| position(name));
    if sections.is_empty() {
        return report.trim().to_string();
    }
    let mut text = String::new();
    for (name, body) in sections.iter().take(FAILURES_SHOWN) {
        text.push_str(&format!("---- {name} ----\n{body}\n\n"));
    }
    if sections.len() > FAILURES_SHOWN {
        let rest: Vec<&str> = sections[FAILURES_SHOWN..].iter().map(|(n, _)| *n).collect();
        let named = rest.len().min(NAMES_SHOWN);
        let more = if rest.len() > named { ", …" } else { "" };
        text.push_str(&format!(
            "…and {} more failing: {}{more}\n\n",
            rest.len(),
            rest[..named].join(", ")
        ));
    }
    if let Some(summary) = tail.lines().find(|l| l.starts_with("test result:")) {
        text.push_str(summary);
    }
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "running 4 tests\n.FFF\nfailures:\n\n---- a stdout ----\n\nthread 'a' panicked at tests/spec.rs:3:5:\nexpected 5\nnote: run with `RUST_BACKTRACE=1`\n\n---- b stdout ----\nboom b\n\n---- c stdout ----\nboom c\n\n---- d stdout ----\nboom d\n\n\nfailures:\n    a\n    b\n    c\n    d\n\ntest result: FAILED. 0 passed; 4 failed; 0 ignored\n";

    #[test]
    fn shows_the_first_failures_in_full_and_names_the_rest() {
        let text = failure_text(REPORT.as_bytes(), b"", "");
        assert!(text.starts_with("---- a ----\n"), "{text}");
        assert!(text.contains("expected 5"), "{text}");
        assert!(text.contains("boom c"), "{text}");
        assert!(!text.contains("boom d"), "{text}");
        assert!(text.contains("…and 1 more failing: d"), "{text}");
        assert!(text.trim_end().ends_with("4 failed; 0 ignored"), "{text}");
        assert!(!text.contains(".FFF"), "{text}");
    }

    #[test]
    fn failures_are_shown_in_the_order_of_the_spec_and_without_backtrace_advice() {
        let sources = "#[test]\nfn d() {}\n#[test]\nfn b() {}\n#[test]\nfn c() {}\nfn a() {}\n";
        let text = failure_text(REPORT.as_bytes(), b"", sources);
        let (d, b, c) = (
            text.find("boom d"),
            text.find("boom b"),
            text.find("boom c"),
        );
        assert!(d.is_some() && d < b && b < c, "{text}");
        assert!(text.contains("more failing: a"), "{text}");
        assert!(!text.contains("RUST_BACKTRACE"), "{text}");
    }

    #[test]
    fn any_attribute_that_mentions_test_means_unit_tests() {
        assert!(attributes_mention_test("#[cfg(test)]\nmod tests {}"));
        assert!(attributes_mention_test("#[test]\nfn a() {}"));
        assert!(attributes_mention_test("#[tokio::test]\nasync fn a() {}"));
        assert!(attributes_mention_test("#![cfg(test)]\n"));
        assert!(!attributes_mention_test(
            "#[derive(Debug)]\nstruct Test;\n// #test\nfn test() {}\n"
        ));
    }

    #[test]
    fn output_without_a_failure_report_is_kept_whole() {
        let text = failure_text(
            b"thread 'main' panicked: before the harness\n",
            b"error: x\n",
            "",
        );
        assert!(
            text.contains("before the harness") && text.contains("error: x"),
            "{text}"
        );
    }
}
