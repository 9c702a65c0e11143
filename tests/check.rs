//! What a check builds: a library's own unit tests are built and run when it has some, even
//! though a library without them is compiled only once (see `TestTargets`).

mod common;

use common::{ADDER, TempCourse};

#[test]
fn a_librarys_own_unit_tests_still_run_and_fail_the_check() {
    let course = TempCourse::new(&[ADDER]);
    course.write(
        "exercises/00_basics/01_adder/src/lib.rs",
        &format!(
            "{}\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn learners_own_test() {{\n        assert_eq!(super::add(1, 1), 3, \"the learner's unit test ran\");\n    }}\n}}\n",
            ADDER.solution
        ),
    );
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 1, "{}", run.all());
    assert!(
        run.stdout().contains("the learner's unit test ran"),
        "{}",
        run.all()
    );
}

#[test]
fn a_compile_error_in_test_only_code_is_a_compile_error() {
    let course = TempCourse::new(&[ADDER]);
    course.write(
        "exercises/00_basics/01_adder/src/lib.rs",
        &format!(
            "{}\n#[cfg(test)]\nmod tests {{\n    #[test]\n    fn typo() {{\n        let n: u8 = \"not a number\";\n    }}\n}}\n",
            ADDER.solution
        ),
    );
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 1, "{}", run.all());
    assert!(run.stdout().contains("mismatched types"), "{}", run.all());
    assert!(run.stdout().contains("does not compile"), "{}", run.all());
}

#[test]
fn a_library_without_unit_tests_passes_on_its_integration_tests() {
    let course = TempCourse::new(&[ADDER]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.stdout().contains("adder is done"), "{}", run.all());
}

/// Incremental state for each crate of a target directory, by crate name.
fn incremental_dirs(course: &TempCourse, krate: &str) -> usize {
    std::fs::read_dir(course.path("target/debug/incremental"))
        .map(|dirs| {
            dirs.filter_map(Result::ok)
                .filter(|d| {
                    d.file_name()
                        .to_string_lossy()
                        .starts_with(&format!("{krate}-"))
                })
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn dev_check_keeps_no_incremental_state_for_the_solutions_copy() {
    // The copy is rebuilt only when a solution changes; its incremental state is dead weight.
    let course = TempCourse::new(&[ADDER]);
    assert_eq!(course.run(&["run"]).code(), 1);
    let shipped = incremental_dirs(&course, "adder");
    assert!(
        shipped > 0,
        "the exercise as shipped is built incrementally, for quick rebuilds on each save"
    );
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert_eq!(
        incremental_dirs(&course, "adder"),
        shipped,
        "dev check built the solutions copy with incremental state: it is never edited, so \
         that state only doubles the target directory"
    );
}
