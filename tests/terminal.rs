//! Watch mode and the terminal it draws on, as a person sees it (an emulated 80x24 screen):
//! what must stay on screen at any size, a terminal left as it was found on every quit, and
//! the sentences shown when the exercise's files or the progress file cannot be used.

mod common;

use common::{ADDER, Ex, TempCourse, pty};
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_backlings"))
}

fn start(course: &TempCourse) -> pty::Watch {
    pty::Watch::start_sized(bin(), course.root(), &[], None, 24, 80)
}

/// An exercise with a long concept, many failing tests and four long hints.
const WORDY: Ex = Ex {
    name: "wordy",
    dir: "00_basics/01_wordy",
    lib: "pub fn value() -> u32 {\n    1\n}\n",
    spec: "macro_rules! many { ($($name:ident),*) => { $(#[test]\nfn $name() {\n    assert_eq!(wordy::value(), 2, \"value() should be 2:\\nline one of the explanation\\nline two of the explanation\\nline three\");\n})* } }\nmany!(t01, t02, t03, t04, t05, t06, t07, t08, t09, t10);\n",
    solution: "pub fn value() -> u32 {\n    2\n}\n",
    extra: "",
};

const HINT: &str = "A hint long enough to wrap over several rows of an 80-column terminal, as the course's real hints do: it names the function to read, the RFC section that says what to do, and the edge case that hurried solutions forget, in a few sentences.";

#[test]
fn at_80x24_header_verdict_keys_and_every_hint_stay_on_screen() {
    let course = TempCourse::new(&[WORDY]);
    let info = course.read("info.toml").replace(
        "hints = [\"First hint of wordy\", \"Second hint of wordy\"]",
        &format!("hints = [\"1: {HINT}\", \"2: {HINT}\", \"3: {HINT}\", \"4: {HINT}\"]"),
    );
    let info = info.replace(
        "concept = \"The concept of wordy\"",
        "concept = \"The concept of wordy, said at length so that it needs more than one row of the screen to be read whole\"",
    );
    course.write("info.toml", &info);
    let mut watch = start(&course);
    watch.wait_for("the failures", |s| s.contains("Some tests fail"));
    for n in 1..=4 {
        watch.press("h");
        let screen = watch.wait_for("a hint", |s| s.contains(&format!("Hint {n}/4")));
        if n == 2 {
            assert!(
                // Any failure: tests made by a macro have no `fn tNN(` for the runner to order
                // them by, so which comes first is libtest's finishing order.
                screen.contains("---- t") && screen.contains("more lines"),
                "with two hints, the output gives way first, and says so:\n{screen}"
            );
        }
    }
    let rows = watch.visible();
    let screen = rows.join("\n");
    assert!(
        rows[0].starts_with("[1/1] wordy"),
        "the header's first row stays on top:\n{screen}"
    );
    assert!(
        screen.contains("more than one row of"),
        "the concept is shown whole:\n{screen}"
    );
    assert!(
        screen.contains("Some tests fail"),
        "the verdict stays:\n{screen}"
    );
    for n in 1..=4 {
        assert!(
            screen.contains(&format!("Hint {n}/4")),
            "hint {n} is shown:\n{screen}"
        );
    }
    assert!(
        screen.contains("the edge case that"),
        "hints are shown whole:\n{screen}"
    );
    assert!(
        rows.last().unwrap().contains("q:quit"),
        "the key line is on the bottom row:\n{screen}"
    );
    for row in &rows {
        assert!(
            !row.ends_with("th") && !row.ends_with("wra"),
            "prose is wrapped at word boundaries, not cut mid-word: {row:?}\n{screen}"
        );
    }
    watch.quit();
}

/// Two processes that keep both cores busy for as long as they live.
struct Load(Vec<Child>);

impl Load {
    fn start() -> Load {
        Load(
            (0..2)
                .map(|_| {
                    Command::new("sh")
                        .args(["-c", "while :; do :; done"])
                        .spawn()
                        .unwrap()
                })
                .collect(),
        )
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn quitting_restores_the_terminal_every_time_even_with_both_cores_busy() {
    let course = TempCourse::new(&[ADDER]);
    // Build once, so each start below is quick and the quits land at many moments.
    assert_eq!(course.run(&["run"]).code(), 1);
    let _load = Load::start();
    for round in 0..20 {
        let mut watch = start(&course);
        let before = watch.initial_local_modes;
        if round % 2 == 0 {
            watch.wait_for("the result", |s| s.contains("Some tests fail"));
        } else {
            // Quit while the first screen is being drawn and the check runs.
            while watch.received_len() == 0 {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let key = if round % 4 < 2 { "q" } else { "\x03" };
        watch.press(key);
        assert_eq!(
            watch.wait_exit(Duration::from_secs(20)),
            Some(0),
            "round {round}: watch mode exits cleanly on {key:?}"
        );
        let after = watch.local_modes();
        for (flag, name) in [
            (libc::ICANON, "ICANON (line editing)"),
            (libc::ECHO, "ECHO"),
            (libc::ISIG, "ISIG (Ctrl-C)"),
        ] {
            assert_eq!(
                after & flag,
                before & flag,
                "round {round}: {name} is not as it was before watch mode started"
            );
        }
    }
}

#[test]
fn a_deleted_exercise_file_is_one_sentence_and_x_brings_it_back() {
    let course = TempCourse::with_real_exercise();
    let lib = course.path(&format!("exercises/{}/src/lib.rs", common::REAL_DIR));
    let shipped = std::fs::read_to_string(&lib).unwrap();
    let mut watch = start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    std::fs::remove_file(&lib).unwrap();
    let screen = watch.wait_for("the missing file", |s| s.contains("is missing"));
    // The sentence is wrapped at word boundaries: read it as one line.
    let screen = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(screen.contains("src/lib.rs is missing"), "{screen}");
    assert!(screen.contains("with x in watch mode"), "{screen}");
    assert!(
        screen.contains("backlings reset errors_as_values"),
        "{screen}"
    );
    assert!(!screen.contains("does not compile"), "{screen}");
    watch.press("x");
    watch.wait_for("the question", |s| s.contains("[y/N]"));
    watch.press("y");
    watch.wait_for("the check of the restored file", |s| {
        s.contains("was reset") && s.contains("Some tests fail")
    });
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), shipped);

    let dir = lib.parent().unwrap().parent().unwrap().to_path_buf();
    std::fs::remove_dir_all(&dir).unwrap();
    // The folder's files go one by one: the screen ends on the folder itself.
    let folder_missing = format!("exercises/{} is missing", common::REAL_DIR);
    watch.wait_for("the missing folder", |s| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&folder_missing)
    });
    watch.quit();
}

#[test]
fn a_pass_that_cannot_be_saved_says_both_and_watch_mode_goes_on() {
    let course = TempCourse::new(&[ADDER]);
    let mut watch = start(&course);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    std::fs::create_dir_all(course.path(".backlings-progress.toml")).unwrap();
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    let screen = watch.wait_for("the pass", |s| s.contains("All tests pass"));
    assert!(
        screen.contains("but your progress could not be saved"),
        "{screen}"
    );
    assert!(screen.contains(".backlings-progress.toml"), "{screen}");
    watch.press("h");
    watch.wait_for("a hint: still running", |s| s.contains("Hint 1/2"));
    watch.quit();
}
