//! The real course, checked as a course author would: `backlings dev check`.

use std::process::Command;

#[test]
fn the_course_is_consistent_every_exercise_fails_as_shipped_and_every_solution_passes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(env!("CARGO_BIN_EXE_backlings"))
        .args(["dev", "check"])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("backlings runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "backlings dev check found problems in the course:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("The course is consistent"), "{stdout}");
}
