//! The one-shot commands, run as the real binary against temporary courses.

mod common;

use common::{ADDER, BROKEN, LOOPER, TempCourse};

#[test]
fn run_reports_a_failing_test_with_its_message_and_exits_nonzero() {
    let course = TempCourse::new(&[ADDER]);
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 1, "{}", run.all());
    assert!(run.stdout().contains("2 + 3 should be 5"), "{}", run.all());
    assert!(run.stdout().contains("Some tests fail"), "{}", run.all());
    assert!(
        !course.path(".backlings-progress.toml").exists()
            || !course
                .read(".backlings-progress.toml")
                .contains("done = [\"adder\"]")
    );
}

#[test]
fn run_passes_marks_done_and_names_the_next_exercise() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let run = course.run(&["run", "adder"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.stdout().contains("adder is done"), "{}", run.all());
    assert!(
        run.stdout().contains("solutions/00_basics/01_adder"),
        "{}",
        run.all()
    );
    assert!(run.stdout().contains("Next: looper"), "{}", run.all());
    let progress = course.read(".backlings-progress.toml");
    assert!(progress.contains("current = \"looper\""), "{progress}");
    assert!(progress.contains("\"adder\""), "{progress}");
    let list = course.run(&["list"]).stdout();
    assert!(list.contains("done    adder"), "{list}");
    assert!(list.contains("▶ pending looper"), "{list}");
}

#[test]
fn run_reports_a_compile_error() {
    let course = TempCourse::new(&[BROKEN]);
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 1);
    assert!(run.stdout().contains("mismatched types"), "{}", run.all());
    assert!(run.stdout().contains("does not compile"), "{}", run.all());
}

#[test]
fn run_kills_a_test_that_runs_past_its_time_limit() {
    let course = TempCourse::new(&[LOOPER]);
    let started = std::time::Instant::now();
    let run = course.run(&["run", "looper"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stdout().contains("ran longer than 1 s"),
        "{}",
        run.all()
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn verify_checks_everything_and_json_gives_each_status() {
    let course = TempCourse::new(&[ADDER, LOOPER, BROKEN]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let run = course.run(&["verify", "--json"]);
    assert_eq!(
        run.code(),
        1,
        "not all pass, so verify fails: {}",
        run.all()
    );
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout()).expect("verify --json prints JSON");
    let statuses: Vec<(&str, &str)> = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("adder", "pass"),
            ("looper", "timeout"),
            ("broken", "compile-error")
        ]
    );
    assert_eq!(report["passed"], 1);
    let plain = course.run(&["verify"]);
    assert!(
        plain.stdout().contains("1 of 3 exercises pass"),
        "{}",
        plain.all()
    );
}

#[test]
fn verify_answers_an_unchanged_course_from_the_cache_and_notices_a_change() {
    let course = TempCourse::new(&[ADDER]);
    let first = course.run(&["verify", "--json"]).stdout();
    assert!(first.contains("\"cached\": false"), "{first}");
    let second = course.run(&["verify", "--json"]).stdout();
    assert!(second.contains("\"cached\": true"), "{second}");
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let third = course.run(&["verify", "--json"]);
    assert!(
        third.stdout().contains("\"cached\": false"),
        "{}",
        third.all()
    );
    assert_eq!(third.code(), 0, "{}", third.all());
    let forced = course.run(&["verify", "--json", "--no-cache"]).stdout();
    assert!(forced.contains("\"cached\": false"), "{forced}");
}

#[test]
fn a_damaged_cache_entry_is_ignored() {
    let course = TempCourse::new(&[ADDER]);
    course.run(&["verify"]);
    let results = course.path("target/backlings/results");
    for entry in std::fs::read_dir(&results).unwrap() {
        std::fs::write(entry.unwrap().path(), "{not json").unwrap();
    }
    let run = course.run(&["verify", "--json"]);
    assert!(run.stdout().contains("\"cached\": false"), "{}", run.all());
    assert!(
        run.stdout().contains("\"status\": \"fail\""),
        "{}",
        run.all()
    );
}

#[test]
fn a_broken_info_toml_is_one_sentence_naming_file_line_and_field() {
    let course = TempCourse::new(&[ADDER]);
    let info = course.read("info.toml").replace("hints = ", "hintz = ");
    course.write("info.toml", &info);
    let run = course.run(&["list"]);
    assert_eq!(run.code(), 2);
    let err = run.stderr();
    assert!(err.contains("info.toml:9:"), "{err}");
    assert!(err.contains("unknown field `hintz`"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
}

#[test]
fn a_missing_exercise_folder_is_reported_clearly() {
    let course = TempCourse::new(&[ADDER]);
    std::fs::remove_dir_all(course.path("exercises/00_basics/01_adder")).unwrap();
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr()
            .contains("exercises/00_basics/01_adder is missing"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_damaged_progress_file_is_reported_and_recovered() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    course.write(
        ".backlings-progress.toml",
        "current = \"looper\"\ndone = [\"adder\", \"gone\"\n",
    );
    let run = course.run(&["list"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.stderr().contains("was damaged"), "{}", run.all());
    assert!(
        run.stdout().contains("done    adder"),
        "recovered from the damaged file: {}",
        run.all()
    );
    assert!(run.stdout().contains("▶ pending looper"), "{}", run.all());
    assert!(course.path(".backlings-progress.toml.damaged").exists());
}

#[test]
fn progress_drops_removed_exercises() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    course.write(
        ".backlings-progress.toml",
        "current = \"gone\"\ndone = [\"gone\", \"adder\"]\n",
    );
    let run = course.run(&["list"]);
    assert!(run.stderr().is_empty(), "{}", run.stderr());
    assert!(run.stdout().contains("1 of 2 done"), "{}", run.stdout());
    assert!(
        run.stdout().contains("▶ pending looper"),
        "{}",
        run.stdout()
    );
}

#[test]
fn hint_prints_every_hint_in_order() {
    let course = TempCourse::new(&[ADDER]);
    let out = course.run(&["hint"]).stdout();
    let first = out.find("First hint of adder").expect("first hint");
    let second = out.find("Second hint of adder").expect("second hint");
    assert!(first < second, "{out}");
    let unknown = course.run(&["hint", "nope"]);
    assert_eq!(unknown.code(), 2);
    assert!(
        unknown.stderr().contains("no exercise named `nope`"),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn reset_without_a_terminal_needs_yes_and_restores_the_shipped_file() {
    let course = TempCourse::with_real_exercise();
    let dir = common::REAL_DIR;
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = format!("exercises/{dir}/src/lib.rs");
    let shipped = std::fs::read_to_string(repo.join(&lib)).unwrap();
    course.write(&lib, "// the learner's half-done work\n");

    let refused = course.run(&["reset", "errors_as_values"]);
    assert_eq!(refused.code(), 2);
    assert!(refused.stderr().contains("--yes"), "{}", refused.stderr());
    assert_eq!(
        course.read(&lib),
        "// the learner's half-done work\n",
        "nothing changes without confirmation"
    );

    course.write(
        ".backlings-progress.toml",
        "current = \"errors_as_values\"\ndone = [\"errors_as_values\"]\n",
    );
    let done = course.run(&["reset", "errors_as_values", "--yes"]);
    assert_eq!(done.code(), 0, "{}", done.all());
    assert!(done.stdout().contains("restored"), "{}", done.all());
    assert_eq!(course.read(&lib), shipped);
    let list = course.run(&["list"]).stdout();
    assert!(
        list.contains("pending errors_as_values"),
        "a reset exercise is pending again: {list}"
    );
}

#[test]
fn dev_check_accepts_a_good_course() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    course.write(
        &format!("exercises/{}/src/lib.rs", BROKEN.dir),
        "pub fn three() -> u8 {\n    todo!()\n}\n",
    );
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        run.stdout()
            .contains("The course is consistent: 2 exercises"),
        "{}",
        run.all()
    );
}

#[test]
fn dev_check_finds_every_kind_of_problem() {
    let course = TempCourse::new(&[ADDER, LOOPER, BROKEN]);
    // LOOPER times out as shipped, BROKEN does not compile as shipped; make ADDER's solution wrong.
    course.write(
        "solutions/00_basics/01_adder/src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    a * b\n}\n",
    );
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 1, "{}", run.all());
    let out = run.stdout();
    assert!(out.contains("looper: times out as shipped"), "{out}");
    assert!(out.contains("broken: does not compile as shipped"), "{out}");
    assert!(
        out.contains("adder: the solution in solutions/00_basics/01_adder does not pass"),
        "{out}"
    );

    // Layout problems are found before anything is built.
    let course = TempCourse::new(&[ADDER]);
    common::write(
        course.root(),
        "exercises/00_basics/09_stray/Cargo.toml",
        "[package]\nname = \"stray\"\nversion = \"0.0.0\"\nedition = \"2024\"\n",
    );
    std::fs::remove_dir_all(course.path("solutions")).unwrap();
    let out = course.run(&["dev", "check"]).stdout();
    assert!(
        out.contains("exercises/00_basics/09_stray: is a crate that info.toml does not list"),
        "{out}"
    );
    assert!(out.contains("has no reference solution"), "{out}");
}

#[test]
fn checking_the_solutions_never_makes_the_shipped_exercise_pass() {
    // The solutions are built in the same target directory as the exercises: their builds
    // must never be mistaken for each other.
    let course = TempCourse::new(&[ADDER]);
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    assert_eq!(course.run(&["dev", "check"]).code(), 0);
    let run = course.run(&["run", "adder"]);
    assert_eq!(
        run.code(),
        1,
        "the shipped exercise still fails after dev check: {}",
        run.all()
    );
    assert!(run.stdout().contains("2 + 3 should be 5"), "{}", run.all());
    assert_eq!(
        course.run(&["dev", "check"]).code(),
        0,
        "and a second dev check agrees"
    );
}

#[test]
fn an_empty_cargo_target_dir_means_the_default() {
    let course = TempCourse::new(&[ADDER]);
    let run = course
        .cmd(&["run"])
        .env("CARGO_TARGET_DIR", "")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(course.path("target/debug").is_dir());
    assert!(
        !course.path("debug").exists(),
        "nothing is built into the course root"
    );
}

#[test]
fn dev_check_rejects_an_exercise_that_passes_as_shipped() {
    let course = TempCourse::new(&[ADDER]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let out = course.run(&["dev", "check"]).stdout();
    assert!(out.contains("adder: passes as shipped"), "{out}");
}

#[test]
fn dev_new_scaffolds_an_exercise_in_course_order() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let run = course.run(&["dev", "new", "00_basics/05_fresh"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        course
            .path("exercises/00_basics/05_fresh/src/lib.rs")
            .is_file()
    );
    assert!(
        course
            .path("exercises/00_basics/05_fresh/tests/spec.rs")
            .is_file()
    );
    assert!(
        course
            .path("solutions/00_basics/05_fresh/src/lib.rs")
            .is_file()
    );
    let list = course.run(&["list"]).stdout();
    let fresh = list.find("fresh").expect("listed");
    assert!(
        list.find("adder").unwrap() < fresh && fresh < list.find("broken").unwrap(),
        "{list}"
    );
    let again = course.run(&["dev", "new", "00_basics/05_fresh"]);
    assert_eq!(again.code(), 2);
    let bad = course.run(&["dev", "new", "fresh"]);
    assert!(
        bad.stderr().contains("NN_chapter/NN_name"),
        "{}",
        bad.stderr()
    );
}

#[test]
fn watch_without_a_terminal_says_so_in_one_sentence() {
    let course = TempCourse::new(&[ADDER]);
    let run = course.run(&[]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("watch mode needs a terminal"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("backlings run"), "{}", run.stderr());
}

#[test]
fn outside_a_course_the_error_says_where_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_backlings"))
        .arg("list")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no info.toml"));
}

#[test]
fn a_result_taken_without_the_vectors_does_not_answer_for_a_run_with_them() {
    let course = TempCourse::new(&[ADDER]);
    let vectors = course.path("vectors");
    std::fs::create_dir_all(&vectors).unwrap();
    let without = course
        .cmd(&["verify", "--json"])
        .env_remove("BACKLINGS_VECTORS")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&without.stdout).contains("\"cached\": false"));
    let with = course
        .cmd(&["verify", "--json"])
        .env("BACKLINGS_VECTORS", &vectors)
        .output()
        .unwrap();
    let with = String::from_utf8_lossy(&with.stdout).into_owned();
    assert!(
        with.contains("\"cached\": false"),
        "conformance tests that skipped without the vectors must run again with them: {with}"
    );
    let again = course
        .cmd(&["verify", "--json"])
        .env("BACKLINGS_VECTORS", &vectors)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"cached\": true"));
}
