//! Finding one's way around the course in watch mode, driven in a pseudo-terminal of 80x24:
//! the list as a place to act, starting on a named exercise, following progress made by
//! another backlings, links to files, and opening each exercise in an editor.

mod common;

use common::{ADDER, BROKEN, LOOPER, TempCourse, pty};
use std::path::Path;
use std::time::Duration;

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_backlings"))
}

/// Watch mode at 80x24, the smallest terminal the course promises to fit.
fn start(course: &TempCourse, args: &[&str]) -> pty::Watch {
    pty::Watch::start_sized(bin(), course.root(), args, None, 24, 80)
}

/// The row of the list the cursor is on, as a person sees it.
fn selected_row(watch: &pty::Watch) -> String {
    watch
        .visible()
        .into_iter()
        .find(|row| row.starts_with('›'))
        .unwrap_or_default()
}

#[test]
fn the_list_scrolls_so_every_exercise_is_reachable_at_80x24() {
    let course = TempCourse::numbered(40);
    let mut watch = start(&course, &[]);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("Course list"));
    assert!(
        selected_row(&watch).contains("▶ pending ex01"),
        "the list opens on the current exercise, marked ▶: {:#?}",
        watch.visible()
    );
    watch.press("\x1b[F"); // End
    watch.wait_for("the end of the list", |s| s.contains("›  pending ex40"));
    assert!(
        selected_row(&watch).contains("ex40"),
        "End selects the last exercise and scrolls it into view: {:#?}",
        watch.visible()
    );
    assert!(
        watch.visible().last().unwrap().contains("q:quit"),
        "the key line stays on the bottom row: {:#?}",
        watch.visible()
    );
    for _ in 0..3 {
        watch.press("k");
    }
    watch.wait_for("three up", |s| s.contains("›  pending ex37"));
    assert!(
        selected_row(&watch).contains("ex37"),
        "{:#?}",
        watch.visible()
    );
    watch.press("\x1b[5~"); // PgUp
    watch.wait_for("a page up", |s| !s.contains("›  pending ex37"));
    let row = selected_row(&watch);
    let at: usize = row
        .split("ex")
        .nth(1)
        .and_then(|n| n.get(..2))
        .and_then(|n| n.parse().ok())
        .expect("an exercise row");
    // The list has 16 rows at 80x24, chapter headings among them.
    assert!(
        (21..=27).contains(&at),
        "PgUp moves about a screenful (10 to 16 exercises) up, to ex{at}: {:#?}",
        watch.visible()
    );
    watch.press("\x1b[H"); // Home
    watch.wait_for("the top", |s| s.contains("›▶ pending ex01"));
    watch.quit();
}

#[test]
fn enter_in_the_list_makes_the_selected_exercise_current_and_checks_it() {
    let course = TempCourse::new(&[ADDER, LOOPER, BROKEN]);
    let mut watch = start(&course, &[]);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("Course list"));
    watch.press("j");
    watch.press("\x1b[B"); // ↓
    watch.wait_for("broken selected", |s| s.contains("›  pending broken"));
    watch.press("\r");
    let screen = watch.wait_for("broken checked", |s| s.contains("does not compile"));
    assert!(screen.contains("[3/3] broken"), "{screen}");
    let progress = course.read(".backlings-progress.toml");
    assert!(progress.contains("current = \"broken\""), "{progress}");
    watch.quit();
}

#[test]
fn the_filter_and_the_search_narrow_the_list() {
    let course = TempCourse::new(&[ADDER, LOOPER, BROKEN]);
    course.write("exercises/00_basics/02_looper/src/lib.rs", LOOPER.solution);
    assert_eq!(course.run(&["run", "looper"]).code(), 0);
    let mut watch = start(&course, &["adder"]);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("showing all (3)"));
    watch.press("f");
    let screen = watch.wait_for("pending only", |s| s.contains("showing pending (2)"));
    assert!(!screen.contains("looper"), "{screen}");
    watch.press("f");
    let screen = watch.wait_for("done only", |s| s.contains("showing done (1)"));
    assert!(
        screen.contains("done    looper") && !screen.contains("pending adder"),
        "{screen}"
    );
    watch.press("f");
    watch.press("/");
    for key in ["b", "R", "o"] {
        watch.press(key);
    }
    let screen = watch.wait_for("the search", |s| s.contains("search: bRo"));
    assert!(
        screen.contains("broken") && !screen.contains("pending adder"),
        "{screen}"
    );
    watch.press("\x1b"); // Esc clears the search
    watch.wait_for("the whole list again", |s| {
        s.contains("showing all (3)") && !s.contains("search:")
    });
    watch.quit();
}

#[test]
fn x_in_the_list_resets_the_selected_exercise_after_y() {
    let course = TempCourse::with_real_exercise();
    let lib = format!("exercises/{}/src/lib.rs", common::REAL_DIR);
    let shipped = course.read(&lib);
    course.write(&lib, "pub fn broken( {}\n");
    let mut watch = start(&course, &[]);
    watch.wait_for("the compile error", |s| s.contains("does not compile"));
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("Course list"));
    watch.press("x");
    watch.wait_for("the question", |s| {
        s.contains("Reset errors_as_values") && s.contains("[y/N]")
    });
    watch.press("y");
    watch.wait_for("the list with a note", |s| {
        s.contains("was reset") && s.contains("Course list")
    });
    assert_eq!(course.read(&lib), shipped, "the shipped file is back");
    watch.quit();
}

#[test]
fn watch_name_starts_on_that_exercise_by_name_or_folder() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let watch = start(&course, &["watch", "broken"]);
    let screen = watch.wait_for("broken", |s| s.contains("does not compile"));
    assert!(screen.contains("[2/2] broken"), "{screen}");
    watch.quit();
    let watch = start(&course, &["00_basics/01_adder"]);
    let screen = watch.wait_for("adder", |s| s.contains("Some tests fail"));
    assert!(screen.contains("[1/2] adder"), "{screen}");
    watch.quit();
}

#[test]
fn an_unknown_name_is_one_sentence_with_the_closest_names() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    for args in [&["watch", "brokn"][..], &["brokn"]] {
        let run = course.run(args);
        assert_eq!(run.code(), 2, "{}", run.all());
        let err = run.stderr();
        assert!(err.contains("no exercise named `brokn`"), "{err}");
        assert!(
            err.contains("`broken`"),
            "the closest name is offered: {err}"
        );
        assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    }
}

#[test]
fn progress_made_by_another_backlings_shows_up() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    let mut watch = start(&course, &[]);
    watch.wait_for("the first result", |s| {
        s.contains("] 0/2") && s.contains("Some tests fail")
    });
    // A second terminal solves and runs the other exercise.
    course.write("exercises/00_basics/02_looper/src/lib.rs", LOOPER.solution);
    let run = course.run(&["run", "looper"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    // The bar's count, not the header's "[1/2]" (the exercise's position).
    watch.wait_for("the bar to follow", |s| s.contains("] 1/2"));
    watch.press("l");
    let screen = watch.wait_for("the list", |s| s.contains("Course list"));
    assert!(screen.contains("done    looper"), "{screen}");
    assert!(screen.contains("1 of 2 done"), "{screen}");
    watch.quit();
}

#[test]
fn paths_are_hyperlinks_where_the_terminal_supports_them() {
    let course = TempCourse::new(&[ADDER]);
    let root = course.root().canonicalize().unwrap();
    let lib = root.join("exercises/00_basics/01_adder/src/lib.rs");
    let linked = pty::Watch::start_with_env(
        bin(),
        &root,
        &[],
        None,
        24,
        80,
        &[("TERM_PROGRAM", "vscode")],
    );
    linked.wait_for("the first result", |s| s.contains("Some tests fail"));
    let raw = String::from_utf8_lossy(&linked.raw()).into_owned();
    let url = format!("\x1b]8;;file://{}\x1b\\", lib.display());
    assert!(
        raw.contains(&url),
        "an OSC 8 link to {}: {raw:?}",
        lib.display()
    );
    linked.quit();

    let plain = start(&course, &[]);
    plain.wait_for("the first result", |s| s.contains("Some tests fail"));
    let raw = String::from_utf8_lossy(&plain.raw()).into_owned();
    assert!(
        !raw.contains("\x1b]8;"),
        "no links for an unknown terminal: {raw:?}"
    );
    plain.quit();
}

#[test]
fn edit_cmd_opens_each_exercise_that_becomes_current() {
    let course = TempCourse::new(&[ADDER, BROKEN]);
    let log = course.path("opened.log");
    course.write(
        "editor.sh",
        &format!("#!/bin/sh\necho \"$1\" >> {}\n", log.display()),
    );
    let editor = format!("sh {}", course.path("editor.sh").display());
    let mut watch = start(&course, &["--edit-cmd", &editor]);
    watch.wait_for("the first result", |s| s.contains("Some tests fail"));
    let opened = wait_for_lines(&log, 1);
    assert!(
        opened[0].ends_with("exercises/00_basics/01_adder/src/lib.rs"),
        "{opened:?}"
    );
    watch.press("l");
    watch.wait_for("the list", |s| s.contains("Course list"));
    watch.press("j");
    watch.press("\r");
    watch.wait_for("broken", |s| s.contains("does not compile"));
    let opened = wait_for_lines(&log, 2);
    assert!(
        opened[1].ends_with("exercises/01_more/01_broken/src/lib.rs"),
        "{opened:?}"
    );
    watch.quit();
}

/// The file's lines once it has at least `n` (the editor runs on its own, so it may lag).
fn wait_for_lines(path: &Path, n: usize) -> Vec<String> {
    let start = std::time::Instant::now();
    loop {
        let lines: Vec<String> = std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        if lines.len() >= n {
            return lines;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the editor command was run {} time(s), expected {n}",
            lines.len()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
