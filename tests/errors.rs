//! Bad input and a bad environment, as a learner meets them: one sentence saying what is
//! wrong, where, and what to do; exit code 1 only when the learner's code fails, 2 otherwise.

mod common;

use common::{ADDER, LOOPER, Run, TempCourse};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The error printed on stderr: one line, starting with `error:`, and nothing after it.
fn one_sentence(run: &Run) -> String {
    let err = run.stderr();
    let at = err
        .find("error: ")
        .unwrap_or_else(|| panic!("no error: {err}"));
    let lines: Vec<&str> = err[at..].trim().lines().collect();
    assert_eq!(lines.len(), 1, "one sentence on stderr: {err}");
    lines[0].to_string()
}

#[test]
fn a_missing_exercise_folder_is_named_with_how_to_restore_it_and_blocks_nothing_else() {
    let course = TempCourse::new(&[ADDER, LOOPER]);
    std::fs::remove_dir_all(course.path("exercises/00_basics/01_adder")).unwrap();
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = one_sentence(&run);
    assert!(
        err.contains("exercises/00_basics/01_adder is missing"),
        "{err}"
    );
    assert!(err.contains("x in watch mode"), "{err}");
    assert!(err.contains("`backlings reset adder`"), "{err}");

    let verify = course.run(&["verify"]);
    assert_eq!(verify.code(), 2, "{}", verify.all());
    assert!(
        one_sentence(&verify).contains("exercises/00_basics/01_adder is missing"),
        "{}",
        verify.all()
    );

    let list = course.run(&["list"]);
    assert_eq!(list.code(), 0, "list still works: {}", list.all());
    assert!(list.stdout().contains("adder"), "{}", list.all());
    let hint = course.run(&["hint", "adder"]);
    assert_eq!(hint.code(), 0, "hint still works: {}", hint.all());
    assert!(hint.stdout().contains("First hint of adder"));
}

#[test]
fn a_deleted_lib_rs_is_missing_not_a_compile_error() {
    let course = TempCourse::new(&[ADDER]);
    std::fs::remove_file(course.path("exercises/00_basics/01_adder/src/lib.rs")).unwrap();
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = one_sentence(&run);
    assert!(
        err.contains("exercises/00_basics/01_adder/src/lib.rs is missing"),
        "{err}"
    );
    assert!(err.contains("`backlings reset adder`"), "{err}");
    assert!(!run.all().contains("does not compile"), "{}", run.all());
}

#[test]
fn a_deleted_specification_is_missing_rather_than_passing() {
    let course = TempCourse::new(&[ADDER]);
    course.write("exercises/00_basics/01_adder/src/lib.rs", ADDER.solution);
    std::fs::remove_file(course.path("exercises/00_basics/01_adder/tests/spec.rs")).unwrap();
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    assert!(
        one_sentence(&run).contains("01_adder/tests/spec.rs is missing"),
        "{}",
        run.all()
    );
}

#[test]
fn reset_restores_a_deleted_exercise_folder() {
    let course = TempCourse::with_real_exercise();
    let dir = format!("exercises/{}", common::REAL_DIR);
    std::fs::remove_dir_all(course.path(&dir)).unwrap();
    let run = course.run(&["reset", "errors_as_values", "--yes"]);
    assert_eq!(run.code(), 0, "{}", run.all());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["Cargo.toml", "src/lib.rs", "tests/spec.rs"] {
        let shipped = std::fs::read_to_string(repo.join(&dir).join(file)).unwrap();
        assert_eq!(course.read(&format!("{dir}/{file}")), shipped, "{file}");
    }
}

#[test]
fn verify_json_answers_in_json_when_it_cannot_run() {
    let json_error = |run: &Run| -> String {
        assert_eq!(run.code(), 2, "{}", run.all());
        let value: serde_json::Value = serde_json::from_str(&run.stdout())
            .unwrap_or_else(|e| panic!("verify --json printed no JSON ({e}): {}", run.all()));
        assert!(value.get("exercises").is_none(), "no results: {value}");
        value["error"].as_str().expect("an error field").to_string()
    };

    let empty = tempfile::tempdir().unwrap();
    let run = Run(Command::new(env!("CARGO_BIN_EXE_backlings"))
        .args(["verify", "--json"])
        .current_dir(empty.path())
        .output()
        .unwrap());
    assert!(json_error(&run).contains("no info.toml"), "{}", run.all());

    let course = TempCourse::new(&[ADDER]);
    let info = course.read("info.toml").replace("hints = ", "hintz = ");
    course.write("info.toml", &info);
    let run = course.run(&["verify", "--json"]);
    assert!(
        json_error(&run).contains("unknown field `hintz`"),
        "{}",
        run.all()
    );

    let course = TempCourse::new(&[ADDER]);
    let run = Run(course
        .cmd(&["verify", "--json"])
        .env_remove("CARGO")
        .env("PATH", empty.path())
        .output()
        .unwrap());
    assert!(
        json_error(&run).contains("cannot start cargo"),
        "{}",
        run.all()
    );
}

#[test]
fn a_target_directory_that_is_a_file_is_named() {
    let course = TempCourse::new(&[ADDER]);
    course.write("blocker", "not a folder\n");
    let blocker = course.path("blocker");
    for target in [blocker.clone(), blocker.join("target")] {
        let run = Run(course
            .cmd(&["run"])
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .unwrap());
        assert_eq!(run.code(), 2, "{}", run.all());
        let err = one_sentence(&run);
        assert!(
            err.contains(&format!("target directory {}", target.display())),
            "{err}"
        );
        assert!(
            err.contains(&format!("{} is a file, not a folder", blocker.display())),
            "{err}"
        );
        assert!(err.contains("CARGO_TARGET_DIR"), "{err}");
    }
}

#[test]
fn a_broken_exercise_manifest_is_not_the_learners_compile_error() {
    let course = TempCourse::new(&[ADDER]);
    course.write(
        "exercises/00_basics/01_adder/Cargo.toml",
        "[package\nname = \"adder\"\n",
    );
    let run = course.run(&["run"]);
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = one_sentence(&run);
    assert!(
        err.contains("exercises/00_basics/01_adder/Cargo.toml"),
        "{err}"
    );
    assert!(err.contains("not because of the exercise's code"), "{err}");
    assert!(!run.all().contains("does not compile"), "{}", run.all());
}

/// Runs `cmd` without the power to write where the permission bits forbid it. Tests run as
/// root here, and root ignores permission bits; in a new user namespace it is an ordinary
/// user for files outside it, while it can still read the toolchain under /root. `None` when
/// that is impossible (root, and user namespaces disabled).
fn without_root_powers(mut cmd: Command) -> Option<Run> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // SAFETY: unshare(2) in the forked child before exec; it touches no memory.
        unsafe {
            cmd.pre_exec(|| {
                if libc::unshare(libc::CLONE_NEWUSER) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    match cmd.output() {
        Ok(out) => Some(Run(out)),
        Err(e) => {
            eprintln!("skipped: cannot drop root's powers here ({e})");
            None
        }
    }
}

fn chmod_tree(path: &Path, dir_mode: u32, file_mode: u32) {
    let mode = if path.is_dir() { dir_mode } else { file_mode };
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            chmod_tree(&entry.unwrap().path(), dir_mode, file_mode);
        }
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_course_folder_is_named() {
    let course = TempCourse::new(&[ADDER]);
    chmod_tree(course.root(), 0o555, 0o444);
    let run = without_root_powers(course.cmd(&["run"]));
    chmod_tree(course.root(), 0o755, 0o644);
    let Some(run) = run else { return };
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = one_sentence(&run);
    assert!(
        err.contains(&format!(
            "cannot write in the course folder: {} is not writable (Permission denied",
            course.root().display()
        )),
        "{err}"
    );
    assert!(err.contains("chmod -R u+w"), "{err}");
}

#[test]
fn a_read_only_target_directory_is_named() {
    let course = TempCourse::new(&[ADDER]);
    let target = course.path("target");
    std::fs::create_dir(&target).unwrap();
    chmod_tree(&target, 0o555, 0o444);
    let run = without_root_powers(course.cmd(&["run"]));
    chmod_tree(&target, 0o755, 0o644);
    let Some(run) = run else { return };
    assert_eq!(run.code(), 2, "{}", run.all());
    let err = one_sentence(&run);
    assert!(
        err.contains(&format!(
            "cannot build in the target directory {0}: {0} is not writable (Permission denied",
            target.display()
        )),
        "{err}"
    );
}

#[test]
fn a_cancelled_reset_changes_nothing_and_exits_2() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};

    let course = TempCourse::with_real_exercise();
    let lib = format!("exercises/{}/src/lib.rs", common::REAL_DIR);
    course.write(&lib, "// the learner's work\n");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_backlings"));
    cmd.args(["reset", "errors_as_values"]);
    cmd.cwd(course.root());
    cmd.env("NO_COLOR", "1");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = seen.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let start = Instant::now();
    while !seen.lock().unwrap().contains("[y/N]") {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no prompt: {}",
            seen.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    writer.write_all(b"n\r").unwrap();
    writer.flush().unwrap();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "reset did not end"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.exit_code(), 2, "{}", seen.lock().unwrap());
    assert_eq!(course.read(&lib), "// the learner's work\n");
}

#[test]
fn an_unknown_exercise_name_exits_2_for_every_command() {
    let course = TempCourse::new(&[ADDER]);
    for args in [["run", "nope"], ["hint", "nope"], ["reset", "nope"]] {
        let run = course.run(&args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.all());
        assert!(
            one_sentence(&run).contains("no exercise named `nope`"),
            "{args:?}: {}",
            run.all()
        );
    }
    let run = course.run(&["list", "nope"]);
    assert_eq!(run.code(), 2, "list takes no name: {}", run.all());
}
