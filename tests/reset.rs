//! `reset` restores exactly what was shipped: the files recorded in shipped.txt, found in the
//! working tree while unchanged, else in git's history, however the runner was rebuilt and
//! whatever the learner committed.

mod common;
#[allow(dead_code)]
#[path = "../src/manifest.rs"]
mod manifest;

use common::{REAL_DIR, TempCourse};
use manifest::{Entry, MANIFEST_FILE, find_shipped};
use std::path::{Path, PathBuf};
use std::process::Command;

const SHIPPED_LIB: &str =
    "//! The exercise, as shipped.\npub fn answer() -> u32 {\n    todo!()\n}\n";
const SHIPPED_SPEC: &str = "#[test]\nfn answers() {\n    assert_eq!(ex::answer(), 42);\n}\n";
const SHIPPED_README: &str = "# A chapter\n";
const LIB: &str = "exercises/01_ch/01_ex/src/lib.rs";
const SPEC: &str = "exercises/01_ch/01_ex/tests/spec.rs";
const README: &str = "exercises/01_ch/README.md";

/// A folder with the shipped exercise files, and their manifest entries.
struct Course {
    dir: tempfile::TempDir,
    entries: Vec<Entry>,
}

impl Course {
    fn new() -> Course {
        let course = Course {
            dir: tempfile::tempdir().unwrap(),
            entries: [
                (LIB, SHIPPED_LIB),
                (SPEC, SHIPPED_SPEC),
                (README, SHIPPED_README),
            ]
            .iter()
            .map(|(path, text)| Entry {
                path: path.to_string(),
                id: manifest::blob_id(text.as_bytes()),
            })
            .collect(),
        };
        course.write(LIB, SHIPPED_LIB);
        course.write(SPEC, SHIPPED_SPEC);
        course.write(README, SHIPPED_README);
        course.write(MANIFEST_FILE, &manifest::render(&course.entries));
        course
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        common::write(self.root(), rel, text);
    }

    /// Makes it a git repository with everything committed, as the course is cloned.
    fn commit_as_upstream(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.commit("the course as shipped");
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=Learner",
                "-c",
                "user.email=learner@example.com",
            ])
            .args(args)
            .current_dir(self.root())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }

    /// What every manifest entry resolves to, as text.
    fn resolved(&self) -> Vec<(String, Option<String>)> {
        self.entries
            .iter()
            .map(|e| {
                let bytes = find_shipped(self.root(), e);
                (e.path.clone(), bytes.map(|b| String::from_utf8(b).unwrap()))
            })
            .collect()
    }

    fn learner_edits_everything(&self, round: u32) {
        self.write(
            LIB,
            &format!("pub fn answer() -> u32 {{\n    {round}\n}}\n"),
        );
        self.write(
            SPEC,
            &format!("// the learner edited the spec too ({round})\n"),
        );
        let _ = std::fs::remove_file(self.root().join(README));
    }
}

fn as_shipped() -> Vec<(String, Option<String>)> {
    [
        (LIB, SHIPPED_LIB),
        (SPEC, SHIPPED_SPEC),
        (README, SHIPPED_README),
    ]
    .iter()
    .map(|(p, t)| (p.to_string(), Some(t.to_string())))
    .collect()
}

#[test]
fn a_build_from_a_tree_full_of_edits_finds_every_file_as_shipped() {
    let course = Course::new();
    course.commit_as_upstream();
    course.learner_edits_everything(1);
    assert_eq!(course.resolved(), as_shipped());
}

#[test]
fn after_the_learner_commits_their_edits_git_still_has_the_files_as_shipped() {
    let course = Course::new();
    course.commit_as_upstream();
    course.learner_edits_everything(1);
    course.commit("my work");
    course.write(README, "# notes of mine\n");
    course.commit("more of my work");
    // Packed objects are found as well as loose ones.
    course.git(&["gc", "-q"]);
    course.learner_edits_everything(2);
    assert_eq!(course.resolved(), as_shipped());
}

#[test]
fn without_git_an_unchanged_file_is_found_and_an_edited_one_is_not() {
    let course = Course::new();
    course.write(LIB, "pub fn answer() -> u32 {\n    42\n}\n");
    let resolved = course.resolved();
    assert_eq!(
        resolved[0],
        (LIB.to_string(), None),
        "edited, and no history"
    );
    assert_eq!(resolved[1..], as_shipped()[1..]);
}

/// The target directory of this test run (`target/debug/deps/reset-HASH` is this binary).
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .ancestors()
        .nth(3)
        .expect("target/debug/deps/reset-HASH")
        .to_path_buf()
}

/// `cargo ARGS` in the probe crate, built in a target directory kept between test runs, so
/// only the first run compiles sha1 for its build script (a few seconds).
fn cargo(course: &Course, args: &[&str]) -> std::process::Output {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .arg("--offline")
        .current_dir(course.root())
        .env("CARGO_TARGET_DIR", target_dir().join("reset-probe"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_fresh_build_like_cargo_install_embeds_the_files_as_shipped_and_an_edit_rebuilds_nothing() {
    // A crate built by the runner's own build.rs, that prints what it embedded.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let course = Course::new();
    course.write(
        "Cargo.toml",
        "[package]\nname = \"shipped_probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[build-dependencies]\nsha1 = \"0.10\"\n\n[workspace]\n",
    );
    for file in ["build.rs", "src/manifest.rs", "Cargo.lock"] {
        let text = std::fs::read_to_string(repo.join(file)).unwrap();
        course.write(file, &text);
    }
    course.write(
        "src/main.rs",
        "include!(concat!(env!(\"OUT_DIR\"), \"/shipped.rs\"));\n\nfn main() {\n    for (path, _, bytes) in SHIPPED {\n        println!(\"{path}: {:?}\", bytes.map(String::from_utf8_lossy));\n    }\n}\n",
    );
    course.write(".gitignore", "/target\n");
    course.commit_as_upstream();
    course.learner_edits_everything(1);
    course.commit("my work");
    course.learner_edits_everything(2);

    let expected: String = as_shipped()
        .iter()
        .map(|(path, text)| format!("{path}: {:?}\n", text.as_deref()))
        .collect();
    // As after `cargo clean`, a toolchain update or `cargo install --path .`: nothing built yet.
    cargo(&course, &["clean", "-p", "shipped_probe"]);
    let run = cargo(&course, &["run", "-q"]);
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected);

    // An edit to an exercise does not rebuild the runner: no exercise file is in its dep-info.
    course.write(LIB, "pub fn answer() -> u32 {\n    3\n}\n");
    let build = cargo(&course, &["build", "-v"]);
    let log = String::from_utf8_lossy(&build.stderr);
    assert!(log.contains("Fresh shipped_probe"), "{log}");
    let run = cargo(&course, &["run", "-q"]);
    assert_eq!(String::from_utf8_lossy(&run.stdout), expected);
}

/// The real course's shipped.txt entries for the real exercise used by the temporary course.
fn real_entries() -> Vec<Entry> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join(MANIFEST_FILE)).unwrap();
    manifest::parse(&text)
        .unwrap()
        .into_iter()
        .filter(|e| e.path.starts_with(&format!("exercises/{REAL_DIR}/")))
        .collect()
}

#[test]
fn reset_restores_every_file_of_a_real_exercise_byte_for_byte() {
    let course = TempCourse::with_real_exercise();
    let entries = real_entries();
    assert!(entries.len() >= 3, "{entries:?}");
    course.write(MANIFEST_FILE, &manifest::render(&entries));
    let dir = format!("exercises/{REAL_DIR}");
    course.write(&format!("{dir}/src/lib.rs"), "// the learner's work\n");
    course.write(
        &format!("{dir}/Cargo.toml"),
        &course
            .read(&format!("{dir}/Cargo.toml"))
            .replace('\n', "\r\n"),
    );
    std::fs::remove_file(course.path(&format!("{dir}/tests/spec.rs"))).unwrap();

    let run = course.run(&["reset", "errors_as_values", "--yes"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    for entry in &entries {
        let bytes = std::fs::read(course.path(&entry.path)).unwrap();
        assert_eq!(
            manifest::blob_id(&bytes),
            entry.id,
            "{} is restored byte for byte",
            entry.path
        );
        assert!(run.stdout().contains(&entry.path), "{}", run.all());
    }
    let again = course.run(&["reset", "errors_as_values", "--yes"]);
    assert!(
        again.stdout().contains("nothing to reset"),
        "{}",
        again.all()
    );
}

#[test]
fn reset_refuses_when_the_binary_embeds_another_version_of_the_exercise() {
    // As an installed backlings after the course was updated.
    let course = TempCourse::with_real_exercise();
    let mut entries = real_entries();
    entries[0].id = manifest::blob_id(b"a newer version");
    course.write(MANIFEST_FILE, &manifest::render(&entries));
    let lib = format!("exercises/{REAL_DIR}/src/lib.rs");
    course.write(&lib, "// the learner's work\n");
    let run = course.run(&["reset", "errors_as_values", "--yes"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    assert!(
        run.stderr()
            .contains("embeds another version of `errors_as_values`")
            && run.stderr().contains("cargo install --path ."),
        "{}",
        run.all()
    );
    assert_eq!(
        course.read(&lib),
        "// the learner's work\n",
        "nothing restored"
    );
}

#[test]
fn dev_check_reports_files_changed_added_or_removed_since_dev_ship_recorded_them() {
    let course = TempCourse::new(&[common::ADDER]);
    let missing = course.run(&["dev", "check"]);
    assert_eq!(missing.code(), 1, "{}", missing.all());
    assert!(
        missing.stdout().contains(
            "shipped.txt is missing, so `reset` has nothing to restore: run `backlings dev ship`"
        ),
        "{}",
        missing.all()
    );

    let dir = format!("exercises/{}", common::ADDER.dir);
    course.write(&format!("{dir}/notes.md"), "notes\n");
    let ship = course.run(&["dev", "ship"]);
    assert_eq!(ship.code(), 0, "{}", ship.all());
    assert!(
        ship.stdout()
            .contains("Recorded 5 files of exercises/ in shipped.txt"),
        "{}",
        ship.all()
    );
    let recorded = manifest::parse(&course.read(MANIFEST_FILE)).unwrap();
    for entry in &recorded {
        let bytes = std::fs::read(course.path(&entry.path)).unwrap();
        assert_eq!(manifest::blob_id(&bytes), entry.id, "{}", entry.path);
    }
    let check = course.run(&["dev", "check"]);
    assert_eq!(check.code(), 0, "{}", check.all());

    std::fs::remove_file(course.path(&format!("{dir}/notes.md"))).unwrap();
    course.write(
        &format!("{dir}/src/lib.rs"),
        &format!("// a better doc comment\n{}", common::ADDER.lib),
    );
    course.write(&format!("{dir}/src/extra.rs"), "\n");
    // Editor files are no part of the course.
    course.write(&format!("{dir}/src/.lib.rs.swp"), "swap");
    course.write(&format!("{dir}/src/lib.rs~"), "backup");
    course.write(&format!("{dir}/src/#lib.rs#"), "autosave");
    let check = course.run(&["dev", "check"]);
    assert_eq!(check.code(), 1, "{}", check.all());
    let expected = format!(
        "shipped.txt does not record exercises/ as it is (changed: {dir}/src/lib.rs; added: {dir}/src/extra.rs; removed: {dir}/notes.md)"
    );
    assert!(check.stdout().contains(&expected), "{}", check.all());
    assert!(
        check.stdout().contains("run `backlings dev ship`"),
        "{}",
        check.all()
    );
    assert!(!check.all().contains(".swp"), "{}", check.all());

    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let check = course.run(&["dev", "check"]);
    assert_eq!(check.code(), 0, "{}", check.all());
}

#[test]
fn dev_new_records_the_files_it_scaffolds() {
    let course = TempCourse::new(&[common::ADDER]);
    assert_eq!(course.run(&["dev", "ship"]).code(), 0);
    let run = course.run(&["dev", "new", "01_more/01_fresh"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    let recorded = manifest::parse(&course.read(MANIFEST_FILE)).unwrap();
    let paths: Vec<&str> = recorded.iter().map(|e| e.path.as_str()).collect();
    for path in [
        "exercises/01_more/01_fresh/Cargo.toml",
        "exercises/01_more/01_fresh/src/lib.rs",
        "exercises/01_more/01_fresh/tests/spec.rs",
        "exercises/01_more/README.md",
        "exercises/00_basics/01_adder/src/lib.rs",
    ] {
        assert!(paths.contains(&path), "{path} in {paths:?}");
    }
    for entry in &recorded {
        let bytes = std::fs::read(course.path(&entry.path)).unwrap();
        assert_eq!(manifest::blob_id(&bytes), entry.id, "{}", entry.path);
    }
}
