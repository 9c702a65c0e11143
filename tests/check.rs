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
