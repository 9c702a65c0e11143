//! Watch mode driven as a learner drives it: in a pseudo-terminal, with saves from "editors"
//! and key presses, reading what ends up on the screen.

mod common;

use common::{ADDER, BROKEN, Ex, TempCourse};
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
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

struct Watch {
    child: Box<dyn Child + Send + Sync>,
    output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Watch {
    fn start(course: &TempCourse) -> Watch {
        let pty = native_pty_system()
            .openpty(PtySize { rows: 50, cols: 120, pixel_width: 0, pixel_height: 0 })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_backlings"));
        cmd.cwd(course.root());
        cmd.env("RUST_BACKTRACE", "0");
        cmd.env("TERM", "xterm");
        cmd.env_remove("CARGO_TARGET_DIR");
        let child = pty.slave.spawn_command(cmd).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Watch { child, output, writer, _master: pty.master }
    }

    /// What the screen shows now: the text drawn since the last clear, without colours.
    fn screen(&self) -> String {
        let raw = String::from_utf8_lossy(&self.output.lock().unwrap()).into_owned();
        let last = raw.rfind("\x1b[2J").map(|i| i + 4).unwrap_or(0);
        strip_ansi(&raw[last..])
    }

    /// Waits until the finished screen (keys line drawn, no check running) satisfies `pred`.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains("q:quit") && !screen.contains("Checking") && pred(&screen) {
                return screen;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what}; the screen shows:\n{screen}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn press(&mut self, key: &str) {
        self.writer.write_all(key.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn quit(mut self) {
        self.press("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "watch mode should exit cleanly on q");
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "q did not quit watch mode");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}

#[test]
fn shows_the_failing_exercise_then_an_in_place_save_passes_it() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let watch = Watch::start(&course);
    let screen = watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    assert!(screen.contains("adder"), "{screen}");
    assert!(screen.contains("The concept of adder"), "{screen}");
    assert!(screen.contains("2 + 3 should be 5"), "{screen}");
    assert!(screen.contains("0/2"), "a progress bar: {screen}");

    // An in-place save: the file is truncated and written.
    std::fs::write(course.path("exercises/00_basics/01_adder/src/lib.rs"), ADDER.solution).unwrap();
    let screen = watch.wait_for("the pass", |s| s.contains("All tests pass"));
    assert!(screen.contains("adder is done"), "{screen}");
    assert!(screen.contains("solutions/00_basics/01_adder"), "{screen}");
    assert!(screen.contains("Next: broken"), "{screen}");
    assert!(course.read(".backlings-progress.toml").contains("\"adder\""));
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
    assert!(screen.contains("First hint of adder") && !screen.contains("Second hint"), "{screen}");
    watch.press("h");
    watch.wait_for("two hints", |s| s.contains("Hint 2/2") && s.contains("Second hint of adder"));
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("pending broken") && s.contains("0 of 2 done"));
    watch.press("n");
    watch.wait_for("a refusal to move on", |s| s.contains("Make the tests pass first"));

    std::fs::write(course.path("exercises/00_basics/01_adder/src/lib.rs"), ADDER.solution).unwrap();
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
    std::fs::write(course.path("exercises/00_basics/01_adder/src/lib.rs"), ADDER.solution).unwrap();
    let screen = watch.wait_for("the final message", |s| s.contains("You finished the course!"));
    assert!(screen.contains("1/1"), "{screen}");
    watch.quit();
}
