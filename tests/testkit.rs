//! The exercises' shared test code as the runner meets it: a course whose workspace has a path
//! dependency (the `testkit` crate), and notes that tests leave for the learner's screen.

mod common;

use common::{ADDER, Run, TempCourse};
use std::path::Path;

const ADDER_MANIFEST: &str = "exercises/00_basics/01_adder/Cargo.toml";

/// A test that reads vectors through the real testkit, and so skips where there are none.
const SKIPPING_TEST: &str = "#[test]\nfn official_sums() {\n    let Some(_cases) = testkit::vectors::read_to_string(\"sums/cases.txt\") else {\n        return;\n    };\n    panic!(\"this course ships no vectors\");\n}\n";

/// ADDER, with [`SKIPPING_TEST`] added to its test file `file`.
fn course_with_testkit(file: &str) -> TempCourse {
    let course = TempCourse::new(&[ADDER]);
    let testkit = Path::new(env!("CARGO_MANIFEST_DIR")).join("testkit");
    course.write(
        "Cargo.toml",
        &format!(
            "[workspace]\nmembers = [\"exercises/*/*\"]\nresolver = \"3\"\n\n[workspace.dependencies]\ntestkit = {{ path = {:?} }}\n",
            testkit.display().to_string()
        ),
    );
    let manifest = course.read(ADDER_MANIFEST);
    course.write(
        ADDER_MANIFEST,
        &format!("{manifest}\n[dev-dependencies]\ntestkit = {{ workspace = true }}\n"),
    );
    let path = format!("exercises/00_basics/01_adder/tests/{file}");
    let before = std::fs::read_to_string(course.path(&path)).unwrap_or_default();
    course.write(&path, &format!("{before}\n{SKIPPING_TEST}"));
    course
}

/// `backlings run adder` with an empty vectors folder.
fn run_without_vectors(course: &TempCourse) -> Run {
    let empty = tempfile::tempdir().unwrap();
    Run(course
        .cmd(&["run", "adder"])
        .env("BACKLINGS_VECTORS", empty.path())
        .output()
        .unwrap())
}

#[test]
fn a_test_that_skips_says_so_in_the_output_of_a_passing_run() {
    // In a test binary of its own, run after spec.rs: libtest hides a passing test's output.
    let course = course_with_testkit("conformance.rs");
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let run = run_without_vectors(&course);
    assert_eq!(run.code(), 0, "{}", run.all());
    let out = run.stdout();
    let note = out
        .lines()
        .find(|l| l.starts_with("note: skipped official_sums: "))
        .unwrap_or_else(|| panic!("no note of the skipped test in:\n{out}"));
    assert!(note.contains("sums/cases.txt not found"), "{note}");
    assert!(out.contains("adder is done"), "{out}");
}

#[test]
fn a_skip_note_also_follows_a_failure() {
    let course = course_with_testkit("spec.rs");
    let run = run_without_vectors(&course);
    assert_eq!(run.code(), 1, "{}", run.all());
    let out = run.stdout();
    assert!(out.contains("2 + 3 should be 5"), "{out}");
    assert!(out.contains("note: skipped official_sums: "), "{out}");
}

/// ADDER, whose test takes the expected sum from `helper`, a path dependency of the workspace
/// (as the exercises take `testkit`).
fn course_with_helper() -> TempCourse {
    let course = TempCourse::new(&[ADDER]);
    course.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"exercises/*/*\"]\nresolver = \"3\"\n\n[workspace.dependencies]\nhelper = { path = \"helper\" }\n",
    );
    course.write(
        "helper/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"0.0.0\"\nedition = \"2024\"\n",
    );
    course.write("helper/src/lib.rs", "pub fn five() -> i32 {\n    5\n}\n");
    let manifest = course.read(ADDER_MANIFEST);
    course.write(
        ADDER_MANIFEST,
        &format!("{manifest}\n[dev-dependencies]\nhelper = {{ workspace = true }}\n"),
    );
    course.write(
        "exercises/00_basics/01_adder/tests/spec.rs",
        "#[test]\nfn adds_two_numbers() {\n    assert_eq!(adder::add(2, 3), helper::five(), \"2 + 3 should be 5\");\n}\n",
    );
    course
}

#[test]
fn a_change_to_a_path_dependency_of_the_workspace_is_never_answered_from_the_cache() {
    let course = course_with_helper();
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let first = course.run(&["verify", "--json"]);
    assert_eq!(first.code(), 0, "{}", first.all());
    course.write("helper/src/lib.rs", "pub fn five() -> i32 {\n    6\n}\n");
    let second = course.run(&["verify", "--json"]);
    assert!(
        second.stdout().contains("\"cached\": false"),
        "{}",
        second.all()
    );
    assert_eq!(second.code(), 1, "the test now expects 6: {}", second.all());
}

#[test]
fn dev_check_builds_solutions_with_a_relative_path_dependency_of_the_workspace() {
    let course = course_with_helper();
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        run.stdout()
            .contains("The course is consistent: 1 exercises"),
        "{}",
        run.all()
    );
}
