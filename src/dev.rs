//! Course-author tools: `dev check` (the course is consistent, every exercise fails as
//! shipped, every solution passes the same tests, `shipped.txt` records exercises/ as it is),
//! `dev ship` (record it) and `dev new` (scaffold an exercise).

use crate::cargo;
use crate::check::{Checker, Status};
use crate::course::{self, Course, Exercise, INFO_FILE};
use crate::files;
use crate::manifest::{self, Entry, MANIFEST_FILE};
use crate::ui;
use crate::verify::check_all;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `backlings dev check`.
pub fn check(no_cache: bool) -> Result<ExitCode> {
    let here = std::env::current_dir()?;
    let course = Course::discover(&here)?;
    let mut problems = layout_problems(&course)?;
    // Found before anything is built, reported after the builds' problems.
    let unrecorded = manifest_problems(&course);
    if !problems.is_empty() {
        problems.extend(unrecorded);
        return report(&problems);
    }
    let all: Vec<&Exercise> = course.exercises.iter().collect();

    let shipped_checker = Checker::for_course(&course, false);
    let shipped = check_all(
        &shipped_checker,
        &all,
        no_cache,
        Some("exercises as shipped"),
    )?;
    for v in &shipped {
        match v.status {
            Status::Fail => {}
            Status::Pass => problems.push(format!(
                "{}: passes as shipped; the learner must have something to do (make the tests fail on the shipped code)",
                v.name
            )),
            Status::CompileError => problems.push(format!(
                "{}: does not compile as shipped; exercises ship compiling, with todo!() where the learner works:\n{}",
                v.name,
                indent(&v.output)
            )),
            Status::Timeout => problems.push(format!(
                "{}: times out as shipped; a todo!() should fail fast:\n{}",
                v.name,
                indent(&v.output)
            )),
        }
    }

    let mirror = build_solution_workspace(&course)?;
    let solution_checker = Checker {
        workspace: &mirror,
        crates: MIRROR_CRATES,
        target_dir: cargo::target_dir(&course.root),
        color: false,
    };
    let solved = check_all(&solution_checker, &all, no_cache, Some("solutions"))?;
    for v in &solved {
        if v.status != Status::Pass {
            problems.push(format!(
                "{}: the solution in solutions/{} does not pass ({}):\n{}",
                v.name,
                v.dir,
                v.status.label(),
                indent(&v.output)
            ));
        }
    }
    problems.extend(unrecorded);
    print!("{}", crate::measure::report(&course));
    if problems.is_empty() {
        println!(
            "The course is consistent: {} exercises, each fails as shipped and passes with its solution.",
            course.exercises.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        report(&problems)
    }
}

fn report(problems: &[String]) -> Result<ExitCode> {
    for p in problems {
        println!("{} {p}", console::style("problem:").red().bold());
    }
    println!("\n{} problem(s) in the course.", problems.len());
    Ok(ExitCode::FAILURE)
}

fn indent(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let shown = &lines[lines.len().saturating_sub(40)..];
    shown.iter().map(|l| format!("    {l}\n")).collect()
}

/// Everything about the folders that can be wrong before anything is built.
fn layout_problems(course: &Course) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let exercises_dir = course.root.join("exercises");
    let listed: BTreeSet<&str> = course.exercises.iter().map(|e| e.dir.as_str()).collect();
    let mut chapters = BTreeSet::new();
    for ex in &course.exercises {
        chapters.insert(ex.chapter().to_string());
        let dir = course.exercise_dir(ex);
        match package_name(&dir.join("Cargo.toml")) {
            Ok(name) if name == ex.name => {}
            Ok(name) => problems.push(format!(
                "{INFO_FILE}:{}: exercise `{}` is in exercises/{}, whose Cargo.toml names the package `{name}`; the two names must be the same",
                ex.line, ex.name, ex.dir
            )),
            Err(e) => problems.push(format!("exercises/{}/Cargo.toml: {e:#}", ex.dir)),
        }
        if !dir.join("src").is_dir() {
            problems.push(format!(
                "exercises/{}: has no src/ for the learner to edit",
                ex.dir
            ));
        }
        let has_tests = std::fs::read_dir(dir.join("tests"))
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.path().extension().is_some_and(|x| x == "rs"))
            })
            .unwrap_or(false);
        if !has_tests {
            problems.push(format!(
                "exercises/{}: has no tests/*.rs; the tests are the exercise's specification",
                ex.dir
            ));
        }
        let solution = course.solution_dir(ex);
        let files = files_under(&solution);
        if files.is_empty() {
            problems.push(format!(
                "{INFO_FILE}:{}: exercise `{}` has no reference solution in solutions/{}",
                ex.line, ex.name, ex.dir
            ));
        }
        for rel in files {
            if !dir.join(&rel).is_file() {
                problems.push(format!(
                    "solutions/{}/{}: has no counterpart in exercises/{}; solutions hold only the files a learner edits",
                    ex.dir,
                    rel.display(),
                    ex.dir
                ));
            } else if rel.starts_with("tests") {
                problems.push(format!(
                    "solutions/{}/{}: solutions must not hold tests; they are checked against the exercise's own",
                    ex.dir,
                    rel.display()
                ));
            }
        }
    }
    for chapter in &chapters {
        if !exercises_dir.join(chapter).join("README.md").is_file() {
            problems.push(format!(
                "exercises/{chapter}: has no README.md explaining the chapter's concepts"
            ));
        }
    }
    for chapter in read_dirs(&exercises_dir) {
        for crate_dir in read_dirs(&exercises_dir.join(&chapter)) {
            let rel = format!("{chapter}/{crate_dir}");
            let is_crate = exercises_dir.join(&rel).join("Cargo.toml").is_file();
            if is_crate && !listed.contains(rel.as_str()) {
                problems.push(format!(
                    "exercises/{rel}: is a crate that {INFO_FILE} does not list; add an [[exercises]] entry with dir = \"{rel}\" or remove the folder"
                ));
            }
        }
    }
    Ok(problems)
}

/// `shipped.txt` against exercises/ as it is: missing, unreadable, or a file added, removed or
/// changed since it was recorded.
fn manifest_problems(course: &Course) -> Vec<String> {
    let fix = format!(
        "if exercises/ holds what learners should get, run `backlings dev ship` to record it, then commit {MANIFEST_FILE}"
    );
    let recorded = match read_manifest(course) {
        Ok(Some(entries)) => entries,
        Ok(None) => {
            return vec![format!(
                "{MANIFEST_FILE} is missing, so `reset` has nothing to restore: run `backlings dev ship` to record exercises/ as shipped, then commit it"
            )];
        }
        Err(e) => return vec![format!("{e:#}; run `backlings dev ship` to write it again")],
    };
    let actual = match record(course) {
        Ok(entries) => entries,
        Err(e) => return vec![format!("{e:#}")],
    };
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for e in &actual {
        match recorded.iter().find(|r| r.path == e.path) {
            None => added.push(e.path.as_str()),
            Some(r) if r.id != e.id => changed.push(e.path.as_str()),
            Some(_) => {}
        }
    }
    for r in &recorded {
        if !actual.iter().any(|e| e.path == r.path) {
            removed.push(r.path.as_str());
        }
    }
    let mut differences = Vec::new();
    for (what, paths) in [("changed", changed), ("added", added), ("removed", removed)] {
        if !paths.is_empty() {
            differences.push(format!("{what}: {}", shorten(&paths)));
        }
    }
    if differences.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "{MANIFEST_FILE} does not record exercises/ as it is ({}), so `reset` would restore other files; {fix}",
        differences.join("; ")
    )]
}

/// Up to five paths, then how many more.
fn shorten(paths: &[&str]) -> String {
    let mut text = paths.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if paths.len() > 5 {
        text.push_str(&format!(" and {} more", paths.len() - 5));
    }
    text
}

/// The course's `shipped.txt`, or `None` if it has none.
fn read_manifest(course: &Course) -> Result<Option<Vec<Entry>>> {
    let path = course.root.join(MANIFEST_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(manifest::parse(&text).map_err(anyhow::Error::msg)?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Every file under exercises/ as it is now, as manifest entries.
fn record(course: &Course) -> Result<Vec<Entry>> {
    record_under(course, "exercises")
}

/// Every file under `rel` (a folder of the course, `/`-separated) as manifest entries.
fn record_under(course: &Course, rel: &str) -> Result<Vec<Entry>> {
    let dir = course.root.join(rel);
    let mut entries = Vec::new();
    for file in files::walk(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let Some(name) = file.to_str().filter(|n| !n.contains('\n')) else {
            bail!(
                "{rel}/{}: the name cannot be recorded in {MANIFEST_FILE} (it must be UTF-8, on one line); rename it",
                file.display()
            );
        };
        let bytes =
            std::fs::read(dir.join(&file)).with_context(|| format!("cannot read {rel}/{name}"))?;
        entries.push(Entry {
            path: format!("{rel}/{}", name.replace(std::path::MAIN_SEPARATOR, "/")),
            id: manifest::blob_id(&bytes),
        });
    }
    Ok(entries)
}

/// Writes `shipped.txt` whole.
fn write_manifest(course: &Course, entries: &[Entry]) -> Result<()> {
    let path = course.root.join(MANIFEST_FILE);
    files::write_atomically(&path, manifest::render(entries).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `backlings dev ship`: record every file under exercises/ as shipped, in `shipped.txt`.
pub fn ship() -> Result<ExitCode> {
    let here = std::env::current_dir()?;
    let course = Course::discover(&here)?;
    let before = read_manifest(&course)?.unwrap_or_default();
    let now = record(&course)?;
    let changed = now.iter().filter(|e| !before.contains(e)).count();
    let removed = before
        .iter()
        .filter(|b| !now.iter().any(|e| e.path == b.path))
        .count();
    write_manifest(&course, &now)?;
    println!(
        "Recorded {} files of exercises/ in {MANIFEST_FILE} ({changed} new or changed, {removed} removed). Commit it with the exercises: `reset` restores exactly these files.",
        now.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn package_name(manifest: &Path) -> Result<String> {
    let text = std::fs::read_to_string(manifest)?;
    let table: toml::Table = toml::from_str(&text)?;
    table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_string)
        .context("no [package] name")
}

fn read_dirs(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Files below `dir`, relative to it (none if it cannot be read), as [`files::walk`] sees them.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    files::walk(dir).unwrap_or_default()
}

/// Where the solutions copy keeps its crates. Not `exercises`: see [`Checker::crates`].
const MIRROR_CRATES: &str = "solutions";

/// A copy of the course's workspace under the target directory with each solution laid over
/// its exercise, so solutions run against the very same test files. Files are written only
/// when they differ, so cargo rebuilds only what changed since the last check.
fn build_solution_workspace(course: &Course) -> Result<PathBuf> {
    let mirror = cargo::target_dir(&course.root)
        .join("backlings")
        .join("solutions");
    let root_manifest: toml::Table = toml::from_str(
        &std::fs::read_to_string(course.root.join("Cargo.toml"))
            .context("cannot read Cargo.toml")?,
    )
    .context("cannot parse Cargo.toml")?;
    let mut workspace = toml::Table::new();
    workspace.insert(
        "members".into(),
        toml::Value::Array(vec![format!("{MIRROR_CRATES}/*/*").into()]),
    );
    workspace.insert("resolver".into(), "3".into());
    if let Some(deps) = root_manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
    {
        workspace.insert(
            "dependencies".into(),
            with_absolute_paths(deps, &course.root),
        );
    }
    let mut manifest = toml::Table::new();
    manifest.insert("workspace".into(), toml::Value::Table(workspace));
    let mut profile = root_manifest
        .get("profile")
        .and_then(|p| p.as_table())
        .cloned()
        .unwrap_or_default();
    // The copy is built once per change and never edited, so incremental state would only
    // fill the target directory (with 86 exercises, about 0.7 GB of the 2.5 GB a check left).
    if let Some(dev) = profile
        .entry("dev")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        .as_table_mut()
    {
        dev.insert("incremental".into(), false.into());
    }
    manifest.insert("profile".into(), toml::Value::Table(profile));
    std::fs::create_dir_all(&mirror)?;
    sync_file(
        &mirror.join("Cargo.toml"),
        toml::to_string(&manifest)?.as_bytes(),
    )?;
    if let Ok(lock) = std::fs::read(course.root.join("Cargo.lock")) {
        sync_file(&mirror.join("Cargo.lock"), &lock)?;
    }
    let mut wanted = BTreeSet::new();
    for ex in &course.exercises {
        let dest = mirror.join(MIRROR_CRATES).join(&ex.dir);
        let src = course.exercise_dir(ex);
        let solution = course.solution_dir(ex);
        let mut files = BTreeSet::new();
        files.extend(files_under(&src));
        files.extend(files_under(&solution));
        for rel in &files {
            let from = if solution.join(rel).is_file() {
                solution.join(rel)
            } else {
                src.join(rel)
            };
            sync_file(&dest.join(rel), &std::fs::read(&from)?)?;
            wanted.insert(dest.join(rel));
        }
        for stale in files_under(&dest) {
            let path = dest.join(&stale);
            if !wanted.contains(&path) {
                let _ = std::fs::remove_file(path);
            }
        }
    }
    // Exercises removed from the course leave the mirror too.
    let _ = std::fs::remove_dir_all(mirror.join("exercises"));
    let mirror_ex = mirror.join(MIRROR_CRATES);
    for chapter in read_dirs(&mirror_ex) {
        for crate_dir in read_dirs(&mirror_ex.join(&chapter)) {
            let rel = format!("{chapter}/{crate_dir}");
            if !course.exercises.iter().any(|e| e.dir == rel) {
                let _ = std::fs::remove_dir_all(mirror_ex.join(&rel));
            }
        }
    }
    Ok(mirror)
}

/// Workspace dependencies with each `path` made absolute: relative to the course root, they
/// would point nowhere from the copy (the exercises' shared `testkit` is one).
fn with_absolute_paths(deps: &toml::Value, root: &Path) -> toml::Value {
    let mut deps = deps.clone();
    for dep in deps
        .as_table_mut()
        .into_iter()
        .flat_map(|t| t.iter_mut().map(|(_, dep)| dep))
    {
        if let Some(path) = dep.get_mut("path")
            && let Some(rel) = path.as_str()
        {
            *path = root.join(rel).to_string_lossy().into_owned().into();
        }
    }
    deps
}

fn sync_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// `backlings dev new NN_chapter/NN_name`: a new exercise crate, its solution, its entry.
pub fn new(dir: &str) -> Result<ExitCode> {
    let dir = dir.trim_matches('/');
    if !course::is_exercise_dir(dir) {
        bail!(
            "`{dir}` is not of the form NN_chapter/NN_name (for example 02_http/17_cookies): give the folder under exercises/"
        );
    }
    let here = std::env::current_dir()?;
    let course = Course::discover(&here)?;
    let (chapter, leaf) = dir.split_once('/').expect("checked form");
    let name = leaf[3..].to_string();
    if course.exercises.iter().any(|e| e.name == name) {
        bail!("an exercise named `{name}` exists already; pick another name for the folder");
    }
    let crate_dir = course.root.join("exercises").join(dir);
    if crate_dir.exists() {
        bail!("exercises/{dir} exists already");
    }
    let mut shipped = read_manifest(&course)?.unwrap_or_default();
    let lib = "//! TODO: explain the concept in a few short paragraphs: what it is, why a backend needs\n//! it, what goes wrong in production, and where the primary source is (an RFC section...).\n\n/// TODO: the learner's task.\npub fn answer() -> u32 {\n    todo!(\"return the answer\")\n}\n";
    let solution =
        "//! Reference solution.\n\n/// The answer.\npub fn answer() -> u32 {\n    42\n}\n";
    let spec = format!(
        "use {name}::answer;\n\n#[test]\nfn gives_the_answer() {{\n    assert_eq!(answer(), 42, \"the answer should be 42 because...\");\n}}\n"
    );
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n"
    );
    let write = |path: PathBuf, text: &str| -> Result<()> {
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write(crate_dir.join("Cargo.toml"), &manifest)?;
    write(crate_dir.join("src/lib.rs"), lib)?;
    write(crate_dir.join("tests/spec.rs"), &spec)?;
    write(
        course.root.join("solutions").join(dir).join("src/lib.rs"),
        solution,
    )?;
    let readme = course
        .root
        .join("exercises")
        .join(chapter)
        .join("README.md");
    let new_readme = !readme.exists();
    if new_readme {
        write(
            readme,
            &format!(
                "# {}\n\nTODO: the chapter's concepts and their primary sources.\n",
                ui::chapter_title(chapter)
            ),
        )?;
    }
    let entry = format!(
        "[[exercises]]\nname = \"{name}\"\ndir = \"{dir}\"\nconcept = \"TODO: what it teaches, in one line\"\nhints = [\n  \"TODO: a nudge\",\n  \"TODO: nearly the answer\",\n]\n\n"
    );
    let info_path = course.root.join(INFO_FILE);
    let text = std::fs::read_to_string(&info_path)?;
    // Keep course order: the entry goes before the first exercise whose folder sorts after it.
    let at_line = course
        .exercises
        .iter()
        .find(|e| e.dir.as_str() > dir)
        .map(|e| e.line);
    let new_text = match at_line {
        Some(line) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            lines.insert(line - 1, &entry);
            lines.concat()
        }
        None => format!("{}\n\n{entry}", text.trim_end()),
    };
    files::write_atomically(&info_path, format!("{}\n", new_text.trim_end()).as_bytes())?;
    // What was scaffolded is what ships until the author records the written exercise.
    let mut scaffolded = record_under(&course, &format!("exercises/{dir}"))?;
    if new_readme {
        let path = format!("exercises/{chapter}/README.md");
        let bytes = std::fs::read(course.root.join(&path))?;
        scaffolded.push(Entry {
            id: manifest::blob_id(&bytes),
            path,
        });
    }
    shipped.retain(|e| !scaffolded.iter().any(|n| n.path == e.path));
    shipped.extend(scaffolded);
    write_manifest(&course, &shipped)?;
    println!(
        "Created exercises/{dir} (package `{name}`), solutions/{dir}/src/lib.rs, its entry in {INFO_FILE}, and recorded its files in {MANIFEST_FILE}.\nWrite the exercise, its tests and solution, fill in the concept and hints, run `backlings dev ship` to record them as shipped, then `backlings dev check`."
    );
    Ok(ExitCode::SUCCESS)
}
