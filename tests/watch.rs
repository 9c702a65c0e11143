//! Watch mode driven as a learner drives it: in a pseudo-terminal, with saves from "editors"
//! and key presses, reading what ends up on the screen.

mod common;

use common::{ADDER, BROKEN, Ex, TempCourse, pty};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(60);

/// An exercise whose test takes a while, so a save can land while it runs.
const SLOW: Ex = Ex {
    name: "slow",
    dir: "00_basics/01_slow",
    lib: "pub fn value() -> u32 {\n    1\n}\n",
    spec: "#[test]\nfn value_is_three() {\n    std::thread::sleep(std::time::Duration::from_millis(700));\n    assert_eq!(slow::value(), 3, \"value should be 3\");\n}\n",
    solution: "pub fn value() -> u32 {\n    3\n}\n",
    extra: "",
};

struct Watch;

impl Watch {
    fn start(course: &TempCourse) -> pty::Watch {
        pty::Watch::start(
            std::path::Path::new(env!("CARGO_BIN_EXE_backlings")),
            course.root(),
            &[],
            None,
        )
    }
}

#[test]
fn shows_the_failing_exercise_then_an_in_place_save_passes_it() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let watch = Watch::start(&course);
    let screen = watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    assert!(screen.contains("adder"), "{screen}");
    assert!(screen.contains("The concept of adder"), "{screen}");
    assert!(screen.contains("2 + 3 should be 5"), "{screen}");
    assert!(screen.contains("] 0/2"), "a progress bar: {screen}");

    // An in-place save: the file is truncated and written.
    std::fs::write(
        course.path("exercises/00_basics/01_adder/src/lib.rs"),
        ADDER.solution,
    )
    .unwrap();
    let screen = watch.wait_for("the pass", |s| s.contains("All tests pass"));
    assert!(screen.contains("adder is done"), "{screen}");
    assert!(screen.contains("solutions/00_basics/01_adder"), "{screen}");
    assert!(screen.contains("Next: broken"), "{screen}");
    assert!(
        course
            .read(".backlings-progress.toml")
            .contains("\"adder\"")
    );
    watch.quit();
}

#[test]
fn a_rename_save_is_seen() {
    let course = TempCourse::new(&[ADDER]);
    let watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    // vim / JetBrains style: write a temporary file beside it, then rename it over the original.
    let tmp = course.path("exercises/00_basics/01_adder/src/.lib.rs.swp");
    std::fs::write(&tmp, ADDER.solution).unwrap();
    std::fs::rename(&tmp, course.path("exercises/00_basics/01_adder/src/lib.rs")).unwrap();
    watch.wait_for("the pass", |s| s.contains("All tests pass"));
    watch.quit();
}

#[test]
fn a_delete_and_create_save_is_seen() {
    let course = TempCourse::new(&[ADDER]);
    let watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    let lib = course.path("exercises/00_basics/01_adder/src/lib.rs");
    std::fs::remove_file(&lib).unwrap();
    std::fs::write(&lib, ADDER.solution).unwrap();
    watch.wait_for("the pass", |s| s.contains("All tests pass"));
    watch.quit();
}

#[test]
fn a_save_during_a_running_check_ends_with_the_result_of_the_last_save() {
    let course = TempCourse::new(&[SLOW]);
    let watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("value should be 3"));
    let lib = course.path("exercises/00_basics/01_slow/src/lib.rs");
    // A wrong answer starts a check; the right one lands while that check is running.
    std::fs::write(&lib, "pub fn value() -> u32 {\n    2\n}\n").unwrap();
    let start = Instant::now();
    while !watch.screen().contains("Checking") {
        assert!(start.elapsed() < WAIT, "the save did not start a check");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(150));
    std::fs::write(&lib, SLOW.solution).unwrap();
    watch.wait_for("the pass", |s| s.contains("All tests pass"));
    // And it stays there: no stale result arrives afterwards.
    std::thread::sleep(Duration::from_millis(1500));
    let screen = watch.screen();
    assert!(screen.contains("All tests pass"), "{screen}");
    watch.quit();
}

#[test]
fn keys_show_hints_one_at_a_time_list_and_move_on() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let mut watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    watch.press("h");
    let screen = watch.wait_for("one hint", |s| s.contains("Hint 1/2"));
    assert!(
        screen.contains("First hint of adder") && !screen.contains("Second hint"),
        "{screen}"
    );
    watch.press("h");
    watch.wait_for("two hints", |s| {
        s.contains("Hint 2/2") && s.contains("Second hint of adder")
    });
    watch.press("l");
    watch.wait_for("the list", |s| {
        s.contains("pending broken") && s.contains("0 of 2 done")
    });
    watch.press("l");
    watch.wait_for("the exercise again", |s| s.contains("Hint 2/2"));
    watch.press("n");
    watch.wait_for("a refusal to move on", |s| {
        s.contains("Make the tests pass first")
    });

    std::fs::write(
        course.path("exercises/00_basics/01_adder/src/lib.rs"),
        ADDER.solution,
    )
    .unwrap();
    watch.wait_for("the pass", |s| s.contains("adder is done"));
    watch.press("n");
    let screen = watch.wait_for("the next exercise", |s| s.contains("does not compile"));
    assert!(screen.contains("The concept of broken"), "{screen}");
    assert!(screen.contains("mismatched types"), "{screen}");
    watch.quit();
}

#[test]
fn the_last_exercise_shows_the_final_message() {
    let course = TempCourse::new(&[ADDER]);
    let watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    std::fs::write(
        course.path("exercises/00_basics/01_adder/src/lib.rs"),
        ADDER.solution,
    )
    .unwrap();
    let screen = watch.wait_for("the final message", |s| {
        s.contains("You finished the course!")
    });
    assert!(screen.contains("] 1/1"), "{screen}");
    watch.quit();
}

#[test]
fn c_checks_the_whole_course() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let mut watch = Watch::start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    watch.press("c");
    let screen = watch.wait_for("the summary", |s| s.contains("0 of 2 exercises pass"));
    assert!(screen.contains("fail  adder"), "{screen}");
    assert!(screen.contains("compile-error  broken"), "{screen}");
    watch.quit();
}

#[test]
fn x_resets_only_after_y() {
    let course = TempCourse::with_real_exercise();
    let dir = common::REAL_DIR;
    let lib = format!("exercises/{dir}/src/lib.rs");
    let shipped = course.read(&lib);
    course.write(&lib, "pub fn broken( {}\n");
    let mut watch = Watch::start(&course);
    watch.wait_for("the compile error", |s| s.contains("does not compile"));
    watch.press("x");
    watch.wait_for("the question", |s| s.contains("[y/N]"));
    watch.press("n");
    watch.wait_for("the refusal", |s| s.contains("Reset cancelled"));
    assert_eq!(
        course.read(&lib),
        "pub fn broken( {}\n",
        "n changes nothing"
    );
    watch.press("x");
    watch.wait_for("the question", |s| s.contains("[y/N]"));
    watch.press("y");
    watch.wait_for("the shipped exercise's result", |s| {
        s.contains("was reset") && s.contains("Some tests fail")
    });
    assert_eq!(course.read(&lib), shipped);
    watch.quit();
}

#[test]
fn a_tiny_terminal_and_resizes_do_not_break_it() {
    let course = TempCourse::new(&[ADDER]);
    let mut watch = pty::Watch::start_sized(
        std::path::Path::new(env!("CARGO_BIN_EXE_backlings")),
        course.root(),
        &[],
        None,
        3,
        8,
    );
    watch.wait_for("the first result", |s| s.contains("quit"));
    for (rows, cols) in [(1, 1), (200, 400), (2, 10), (24, 80)] {
        watch.resize(rows, cols);
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            watch.is_running(),
            "watch mode died on a resize to {rows}x{cols}"
        );
    }
    std::fs::write(
        course.path("exercises/00_basics/01_adder/src/lib.rs"),
        ADDER.solution,
    )
    .unwrap();
    watch.wait_for("the pass", |s| s.contains("All tests pass"));
    watch.quit();
}

#[test]
fn poll_mode_sees_a_save_too() {
    let course = TempCourse::new(&[ADDER]);
    let watch = pty::Watch::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_backlings")),
        course.root(),
        &["watch", "--poll"],
        None,
    );
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    std::fs::write(
        course.path("exercises/00_basics/01_adder/src/lib.rs"),
        ADDER.solution,
    )
    .unwrap();
    watch.wait_for("the pass", |s| s.contains("All tests pass"));
    watch.quit();
}

#[test]
fn a_reset_that_fails_leaves_the_exercise_done() {
    // A course made here has no shipped copy in this binary: restoring it fails.
    let course = TempCourse::new(&[ADDER]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let mut watch = Watch::start(&course);
    watch.wait_for("the pass", |s| s.contains("adder is done"));
    watch.press("x");
    watch.wait_for("the question", |s| s.contains("[y/N]"));
    watch.press("y");
    let screen = watch.wait_for("the failure", |s| s.contains("Reset failed"));
    assert!(screen.contains("] 1/1"), "still done on screen: {screen}");
    let progress = course.read(".backlings-progress.toml");
    assert!(
        progress.contains("\"adder\""),
        "a reset that restored nothing must not mark the exercise pending: {progress}"
    );
    watch.quit();
}

/// A crate that an exercise further on uses by path, as the capstone uses earlier exercises.
const DEP: Ex = Ex {
    name: "dep",
    dir: "00_basics/01_dep",
    lib: "pub fn double(n: u32) -> u32 {\n    n + 2\n}\n",
    spec: "#[test]\nfn doubles() {\n    assert_eq!(dep::double(4), 8);\n}\n",
    solution: "pub fn double(n: u32) -> u32 {\n    n * 2\n}\n",
    extra: "",
};

/// The current exercise: right as shipped, wrong only because of what `dep` returns.
const APP: Ex = Ex {
    name: "app",
    dir: "01_more/01_app",
    lib: "pub fn quadruple(n: u32) -> u32 {\n    dep::double(dep::double(n))\n}\n",
    spec: "#[test]\nfn quadruples() {\n    assert_eq!(app::quadruple(3), 12, \"quadruple(3) should be 12\");\n}\n",
    solution: "pub fn quadruple(n: u32) -> u32 {\n    dep::double(dep::double(n))\n}\n",
    extra: "",
};

#[test]
fn a_save_in_a_crate_the_exercise_depends_on_by_path_rechecks_it() {
    let course = TempCourse::new(&[DEP, APP]);
    course.write(
        "exercises/01_more/01_app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\ndep = { path = \"../../00_basics/01_dep\" }\n",
    );
    course.write(
        ".backlings-progress.toml",
        "current = \"app\"\ndone = [\"dep\"]\n",
    );
    let watch = Watch::start(&course);
    let screen = watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    assert!(screen.contains("The concept of app"), "{screen}");
    assert!(screen.contains("quadruple(3) should be 12"), "{screen}");

    // The fix lands in the dependency only; the exercise's own folder is untouched.
    std::fs::write(
        course.path("exercises/00_basics/01_dep/src/lib.rs"),
        DEP.solution,
    )
    .unwrap();
    let screen = watch.wait_for("the pass", |s| s.contains("All tests pass"));
    assert!(screen.contains("app is done"), "{screen}");
    watch.quit();
}
