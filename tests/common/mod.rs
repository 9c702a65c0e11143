//! Temporary courses for the integration tests, and a way to run the real binary on them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A course in a temporary folder, removed when dropped.
pub struct TempCourse {
    pub dir: tempfile::TempDir,
}

/// One exercise of a temporary course.
pub struct Ex<'a> {
    pub name: &'a str,
    pub dir: &'a str,
    pub lib: &'a str,
    pub spec: &'a str,
    pub solution: &'a str,
    pub extra: &'a str,
}

/// The real exercise used by [`TempCourse::with_real_exercise`].
pub const REAL_DIR: &str = "00_warmup/01_errors_as_values";

/// An exercise whose shipped code fails and whose solution passes.
pub const ADDER: Ex = Ex {
    name: "adder",
    dir: "00_basics/01_adder",
    lib: "pub fn add(a: i32, b: i32) -> i32 {\n    a - b\n}\n",
    spec: "#[test]\nfn adds_two_numbers() {\n    assert_eq!(adder::add(2, 3), 5, \"2 + 3 should be 5\");\n}\n",
    solution: "pub fn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n",
    extra: "",
};

/// An exercise whose shipped code never ends.
pub const LOOPER: Ex = Ex {
    name: "looper",
    dir: "00_basics/02_looper",
    lib: "pub fn spin() -> u8 {\n    loop {}\n}\n",
    spec: "#[test]\nfn ends() {\n    assert_eq!(looper::spin(), 7);\n}\n",
    solution: "pub fn spin() -> u8 {\n    7\n}\n",
    extra: "timeout_secs = 1\n",
};

/// An exercise that does not compile as shipped.
pub const BROKEN: Ex = Ex {
    name: "broken",
    dir: "01_more/01_broken",
    lib: "pub fn three() -> u8 {\n    \"three\"\n}\n",
    spec: "#[test]\nfn is_three() {\n    assert_eq!(broken::three(), 3);\n}\n",
    solution: "pub fn three() -> u8 {\n    3\n}\n",
    extra: "",
};

impl TempCourse {
    /// A course of these exercises, each with a solution and its chapter's README.
    pub fn new(exercises: &[Ex]) -> TempCourse {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "Cargo.toml",
            "[workspace]\nmembers = [\"exercises/*/*\"]\nresolver = \"3\"\n",
        );
        let mut info = String::from(
            "format_version = 1\nwelcome_message = \"Welcome, learner.\"\nfinal_message = \"You finished the course!\"\n",
        );
        for ex in exercises {
            info.push_str(&format!(
                "\n[[exercises]]\nname = \"{}\"\ndir = \"{}\"\nconcept = \"The concept of {}\"\nhints = [\"First hint of {}\", \"Second hint of {}\"]\n{}",
                ex.name, ex.dir, ex.name, ex.name, ex.name, ex.extra
            ));
            let crate_dir = format!("exercises/{}", ex.dir);
            write(
                root,
                &format!("{crate_dir}/Cargo.toml"),
                &format!(
                    "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n",
                    ex.name
                ),
            );
            write(root, &format!("{crate_dir}/src/lib.rs"), ex.lib);
            write(root, &format!("{crate_dir}/tests/spec.rs"), ex.spec);
            write(
                root,
                &format!("solutions/{}/src/lib.rs", ex.dir),
                ex.solution,
            );
            let chapter = ex.dir.split('/').next().unwrap();
            write(
                root,
                &format!("exercises/{chapter}/README.md"),
                "# A chapter\n",
            );
        }
        write(root, "info.toml", &info);
        TempCourse { dir }
    }

    /// A course of one real exercise of this repository, `errors_as_values`, whose shipped
    /// files are embedded in the binary (so `reset` can restore them).
    pub fn with_real_exercise() -> TempCourse {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let course = TempCourse::new(&[ADDER]);
        let info = course
            .read("info.toml")
            .replace("00_basics/01_adder", REAL_DIR)
            .replace("\"adder\"", "\"errors_as_values\"");
        course.write("info.toml", &info);
        std::fs::remove_dir_all(course.path("exercises/00_basics")).unwrap();
        for file in ["Cargo.toml", "src/lib.rs", "tests/spec.rs"] {
            let text =
                std::fs::read_to_string(repo.join("exercises").join(REAL_DIR).join(file)).unwrap();
            course.write(&format!("exercises/{REAL_DIR}/{file}"), &text);
        }
        course
    }

    /// A course of `n` passing-when-solved exercises `ex01`, `ex02`..., five to a chapter.
    pub fn numbered(n: usize) -> TempCourse {
        let mut texts = Vec::new();
        for i in 1..=n {
            let name = format!("ex{i:02}");
            let dir = format!("{:02}_ch/{:02}_{name}", (i - 1) / 5, (i - 1) % 5 + 1);
            let spec = format!(
                "#[test]\nfn adds_two_numbers() {{\n    assert_eq!({name}::add(2, 3), 5, \"2 + 3 should be 5\");\n}}\n"
            );
            texts.push((name, dir, spec));
        }
        let exercises: Vec<Ex> = texts
            .iter()
            .map(|(name, dir, spec)| Ex {
                name,
                dir,
                lib: ADDER.lib,
                spec,
                solution: ADDER.solution,
                extra: "",
            })
            .collect();
        TempCourse::new(&exercises)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        write(self.root(), rel, text);
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    /// The real binary, run in the course folder, with no terminal.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_backlings"));
        cmd.args(args)
            .current_dir(self.root())
            .env_remove("CARGO_TARGET_DIR")
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.cmd(args).output().unwrap())
    }

    /// As `run`, but a run still going after `limit` is killed and fails the test.
    pub fn run_within(&self, args: &[&str], limit: std::time::Duration) -> Run {
        output_within(self.cmd(args), limit)
    }
}

/// Runs `cmd` to its end; one still going after `limit` is killed and fails the test. Output
/// goes through files, so nothing the command leaves behind can hold this up.
pub fn output_within(mut cmd: Command, limit: std::time::Duration) -> Run {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let read = |mut file: std::fs::File| {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        file.seek(std::io::SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut bytes).unwrap();
        bytes
    };
    let (stdout, stderr) = (read(out), read(err));
    let Some(status) = status else {
        panic!(
            "{cmd:?} still ran after {limit:?}; it printed:\n{}{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        );
    };
    Run(Output {
        status,
        stdout,
        stderr,
    })
}

/// What one run of the binary printed.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout(), self.stderr())
    }
}

pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
pub mod pty;
