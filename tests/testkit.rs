//! The exercises' shared test code as the runner meets it: a course whose workspace has a path
//! dependency (the `testkit` crate), and notes that tests leave for the learner's screen.

mod common;

use common::{ADDER, TempCourse};

const ADDER_MANIFEST: &str = "exercises/00_basics/01_adder/Cargo.toml";

#[test]
fn dev_check_builds_solutions_with_a_relative_path_dependency_of_the_workspace() {
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
    let run = course.run(&["dev", "check"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(
        run.stdout()
            .contains("The course is consistent: 1 exercises"),
        "{}",
        run.all()
    );
}
