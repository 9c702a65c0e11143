//! The progress file: marks made by processes running at once are all kept, a damaged file is
//! backed up and salvaged, and a pass whose mark cannot be saved says so in one sentence.

mod common;

use common::{ADDER, Ex, LOOPER, TempCourse};

const PROGRESS: &str = ".backlings-progress.toml";

/// `count` tiny exercises, each already solved.
fn solved_course(count: usize) -> (TempCourse, Vec<String>) {
    let names: Vec<String> = (1..=count).map(|i| format!("solved_{i:02}")).collect();
    let dirs: Vec<String> = (1..=count)
        .map(|i| format!("00_basics/{i:02}_solved_{i:02}"))
        .collect();
    let specs: Vec<String> = names
        .iter()
        .map(|n| format!("#[test]\nfn is_one() {{\n    assert_eq!({n}::one(), 1);\n}}\n"))
        .collect();
    let lib = "pub fn one() -> u8 {\n    1\n}\n";
    let exercises: Vec<Ex> = (0..count)
        .map(|i| Ex {
            name: &names[i],
            dir: &dirs[i],
            lib,
            spec: &specs[i],
            solution: lib,
            extra: "",
        })
        .collect();
    (TempCourse::new(&exercises), names)
}

/// The names listed as done in the progress file.
fn done_in(course: &TempCourse) -> Vec<String> {
    let text = course.read(PROGRESS);
    let table: toml::Table = toml::from_str(&text).expect("the progress file is valid TOML");
    table["done"]
        .as_array()
        .expect("done is a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn thirteen_runs_at_once_lose_no_mark() {
    let (course, names) = solved_course(13);
    // Build everything once, so that the runs below finish close together and their saves race.
    let warm = course.run(&["verify"]);
    assert_eq!(warm.code(), 0, "{}", warm.all());
    for round in 1..=4 {
        std::fs::remove_file(course.path(PROGRESS)).unwrap();
        let children: Vec<_> = names
            .iter()
            .map(|name| {
                course
                    .cmd(&["run", name])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut done = done_in(&course);
        done.sort();
        assert_eq!(
            done, names,
            "round {round}: every run's mark is in the progress file"
        );
    }
}

#[test]
fn a_progress_file_with_a_non_utf8_byte_is_backed_up_and_salvaged() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    let mut damaged = b"current = \"looper\"\ndone = [\"adder\", \"loo\xffper\"]\n".to_vec();
    std::fs::write(course.path(PROGRESS), &damaged).unwrap();
    let run = course.run(&["list"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.stderr().contains("was damaged"), "{}", run.all());
    assert!(
        run.stderr().contains(".backlings-progress.toml.damaged"),
        "the warning names the backup: {}",
        run.all()
    );
    assert!(run.stdout().contains("done    adder"), "{}", run.all());
    assert!(run.stdout().contains("▶ pending looper"), "{}", run.all());
    assert_eq!(
        std::fs::read(course.path(".backlings-progress.toml.damaged")).unwrap(),
        damaged,
        "the backup holds the damaged bytes as they were"
    );

    // A second, different damage keeps the first backup and makes another.
    damaged[0] = 0xfe;
    std::fs::write(course.path(PROGRESS), &damaged).unwrap();
    let run = course.run(&["list"]);
    assert!(run.stdout().contains("done    adder"), "{}", run.all());
    assert!(
        run.stderr().contains(".backlings-progress.toml.damaged.1"),
        "{}",
        run.all()
    );
    assert_ne!(
        std::fs::read(course.path(".backlings-progress.toml.damaged")).unwrap(),
        damaged,
        "the older backup is not overwritten"
    );
    assert_eq!(
        std::fs::read(course.path(".backlings-progress.toml.damaged.1")).unwrap(),
        damaged
    );

    // The same damage seen again makes no third copy.
    course.run(&["list"]);
    assert!(!course.path(".backlings-progress.toml.damaged.2").exists());
}

#[test]
fn a_pass_whose_progress_cannot_be_saved_says_both_in_one_sentence() {
    let course = TempCourse::new(&[ADDER]);
    course.write(
        &format!("exercises/{}/src/lib.rs", ADDER.dir),
        ADDER.solution,
    );
    // Something in the way: the progress path is a folder. (Tests run as root in CI, where a
    // read-only folder would not stop a write.)
    std::fs::create_dir(course.path(PROGRESS)).unwrap();
    let run = course.run(&["run", "adder"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    let all = run.all();
    let line = all
        .lines()
        .find(|l| l.contains("All tests pass"))
        .unwrap_or_else(|| panic!("the pass is reported: {all}"));
    assert!(
        line.contains("but your progress could not be saved to")
            && line.contains(PROGRESS)
            && line.contains("run `backlings run adder` again"),
        "one sentence says the pass, the failure to save, and what to do: {all}"
    );
    assert!(
        !all.contains("error:"),
        "no bare error after the pass: {all}"
    );
    assert!(!all.contains("adder is done"), "{all}");
}
