//! The real course, checked as a course author would: `backlings dev check`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
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
    let chapters = format!("in {} chapters", counted.len());
    assert!(
        section.contains(&chapters),
        "README.md's course section must say the course is {chapters:?}, as info.toml has it"
    );
}

/// The chapter numbers of the course (`"04"` for `04_graphql/...`), from info.toml.
fn chapters_in_info_toml(root: &Path) -> BTreeSet<String> {
    let info: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("info.toml")).unwrap()).unwrap();
    info["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ex| ex["dir"].as_str().unwrap()[..2].to_string())
        .collect()
}

#[test]
fn every_chapter_of_the_curriculum_has_exercises_and_the_course_has_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(curriculum) = std::fs::read_to_string(root.join("../shared/CURRICULUM.md")) else {
        eprintln!("note: ../shared/CURRICULUM.md is absent, so the chapters were not compared");
        return;
    };
    // The curriculum's table: `| 04 | GraphQL | ... |`.
    let planned: BTreeSet<String> = curriculum
        .lines()
        .filter_map(|line| {
            let first = line.trim().strip_prefix('|')?.split('|').next()?.trim();
            (first.len() == 2 && first.bytes().all(|b| b.is_ascii_digit()))
                .then(|| first.to_string())
        })
        .collect();
    assert!(
        !planned.is_empty(),
        "CURRICULUM.md's chapter table was not found"
    );
    let have = chapters_in_info_toml(root);
    assert_eq!(
        have, planned,
        "the course's chapters (left, from info.toml) must be the curriculum's (right): a chapter \
         missing on the left has no exercise yet"
    );
}

#[test]
fn the_course_documents_refer_only_to_chapters_that_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let have = chapters_in_info_toml(root);
    let mut files = vec![root.join("README.md"), root.join("info.toml")];
    for dir in ["exercises", "solutions"] {
        collect_text_files(&root.join(dir), &mut files);
    }
    let mut dangling = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // One line, so that "chapter\n14" is found too.
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // ASCII lowercase keeps byte offsets the same as `flat`'s.
        let lower = flat.to_ascii_lowercase();
        for (at, _) in lower.match_indices("chapter") {
            let rest = lower[at + "chapter".len()..].trim_start_matches(['s', ',', ' ']);
            let number: String = rest.chars().take_while(char::is_ascii_digit).collect();
            // Books have chapters too ("the Rust book, chapter 16").
            let before = &lower[lower[..at]
                .char_indices()
                .rev()
                .nth(24)
                .map_or(0, |(i, _)| i)..at];
            if number.len() != 2 || before.contains("book") || have.contains(&number) {
                continue;
            }
            let line = line_of_word(&text, lower[..at].matches(' ').count());
            dangling.push(format!(
                "{} (near line {line}): chapter {number}",
                file.strip_prefix(root).unwrap().display()
            ));
        }
    }
    assert!(
        dangling.is_empty(),
        "these documents refer to chapters the course does not have; point them at an existing \
         chapter or remove the reference:\n{}",
        dangling.join("\n")
    );
}

/// The line (from 1) of `text` on which its `n`th whitespace-separated word (from 0) stands.
fn line_of_word(text: &str, n: usize) -> usize {
    let mut words = 0;
    for (i, line) in text.lines().enumerate() {
        words += line.split_whitespace().count();
        if words > n {
            return i + 1;
        }
    }
    text.lines().count()
}

/// Every `.md`, `.rs` and `.toml` file under `dir`.
fn collect_text_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_text_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "rs" || e == "toml")
        {
            out.push(path);
        }
    }
}
