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

#[test]
fn the_readme_counts_the_exercises_of_each_chapter_as_info_toml_lists_them() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let info: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("info.toml")).unwrap()).unwrap();
    let mut counted: Vec<(String, usize)> = Vec::new();
    for ex in info["exercises"].as_array().unwrap() {
        let dir = ex["dir"].as_str().unwrap();
        let chapter = dir.split('/').next().unwrap().replacen('_', " ", 1);
        match counted.last_mut() {
            Some((c, n)) if *c == chapter => *n += 1,
            _ => counted.push((chapter, 1)),
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let section = readme
        .split("## What the course covers today")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README.md has a section `## What the course covers today`");
    let listed: Vec<(String, usize)> = section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let n = cells.get(1)?.parse().ok()?;
            Some((cells[0].to_string(), n))
        })
        .collect();
    assert_eq!(
        listed, counted,
        "README.md's table of chapters and exercise counts must match info.toml; update the table"
    );
}
