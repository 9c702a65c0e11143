//! The benchmark of backlings' feedback loop; run it with `bench/run.sh`.
//!
//! It copies the course to a temporary folder and measures, each beside its floor taken in the
//! same run: save-to-feedback in watch mode (from the write to the last byte of the new screen)
//! against a bare `cargo test -p` after the same edit, for a std-only exercise and the SQL one;
//! a compile error on screen against a bare `cargo test --no-run -p`; a check during the
//! background dependency build; rapid saves (none may be lost); `verify` warm and cold;
//! start-up to the first result; the target directory's size; the runner's memory and wake-ups.
//!
//! Other work on the machine moves every absolute time, so each figure that has a floor is
//! measured in rounds, one watch trial then one bare trial: the ratio is what to compare.

#[path = "../tests/common/pty.rs"]
mod pty;
#[path = "../src/ui/words.rs"]
mod words;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const STD_EXERCISE: (&str, &str) = ("errors_as_values", "00_warmup/01_errors_as_values");
const SQL_EXERCISE: (&str, &str) = ("parameterised_queries", "05_sql/01_parameterised_queries");
const AXUM_EXERCISE: (&str, &str) = ("routing_extractors", "13_frameworks/01_routing_extractors");
const LONG: Duration = Duration::from_secs(600);
/// The figures `--only` can pick.
const SECTIONS: [&str; 7] = [
    "verify",
    "std",
    "sql",
    "axum",
    "compile-error",
    "rapid",
    "memory",
];

struct Bench {
    bin: PathBuf,
    /// The course copy; removed at the end unless given with `--work`.
    work: PathBuf,
    _temp: Option<tempfile::TempDir>,
    target: PathBuf,
    trials: usize,
    rapid: usize,
    report: Vec<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut trials = 15;
    let mut rapid = 100;
    let mut cold = true;
    let mut only: Option<Vec<String>> = None;
    let mut work_dir: Option<PathBuf> = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--trials" => {
                trials = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("--trials N")
            }
            "--rapid" => rapid = args.next().and_then(|n| n.parse().ok()).expect("--rapid N"),
            "--no-cold" => cold = false,
            "--work" => work_dir = Some(args.next().expect("--work DIR").into()),
            "--only" => {
                let list = args.next().expect("--only SECTION[,SECTION]");
                only = Some(list.split(',').map(str::to_string).collect());
            }
            other => panic!(
                "unknown argument {other}; use --trials N, --rapid N, --no-cold, --work DIR, --only {}",
                SECTIONS.join(",")
            ),
        }
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = std::env::var_os("BACKLINGS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/debug/backlings"));
    assert!(
        bin.is_file(),
        "build the runner first (bench/run.sh does): {}",
        bin.display()
    );
    // A course copy given with --work keeps its target directory between runs.
    let temp = work_dir.is_none().then(|| tempfile::tempdir().unwrap());
    let work = match work_dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).unwrap();
            dir.canonicalize().unwrap()
        }
        None => temp.as_ref().unwrap().path().to_path_buf(),
    };
    for item in [
        "Cargo.toml",
        "Cargo.lock",
        "info.toml",
        "build.rs",
        "src",
        "exercises",
        "solutions",
        "testkit",
    ] {
        copy(&repo.join(item), &work.join(item));
    }
    let target = work.join("target");
    let mut b = Bench {
        bin,
        work,
        _temp: temp,
        target,
        trials,
        rapid,
        report: Vec::new(),
    };
    println!(
        "course copied to {}; {} trials per figure",
        b.work.display(),
        b.trials
    );

    if cold {
        b.cold();
    } else {
        b.cargo(&[
            "build",
            "--tests",
            "--workspace",
            "--exclude",
            "backlings",
            "-q",
        ]);
    }
    let wanted = |section: &str| {
        assert!(SECTIONS.contains(&section));
        only.as_ref().is_none_or(|o| o.iter().any(|s| s == section))
    };
    if wanted("verify") {
        b.verify_warm();
    }
    if wanted("std") {
        b.hot(STD_EXERCISE, "std-only exercise");
    }
    if wanted("sql") {
        b.hot(SQL_EXERCISE, "SQL exercise (rusqlite, bundled SQLite)");
    }
    if wanted("axum") {
        b.hot(AXUM_EXERCISE, "axum exercise (tokio, axum, ureq over TCP)");
    }
    if wanted("compile-error") {
        b.compile_error(STD_EXERCISE);
    }
    if wanted("rapid") {
        b.rapid_saves(STD_EXERCISE);
    }
    if wanted("memory") {
        b.memory(STD_EXERCISE);
    }
    let size = dir_size(&b.target);
    b.line(format!(
        "target directory after the whole course is built: {:.0} MB",
        size as f64 / 1e6
    ));

    println!("\n== backlings benchmark ==");
    for line in &b.report {
        println!("{line}");
    }
}

impl Bench {
    fn line(&mut self, text: String) {
        println!("{text}");
        self.report.push(text);
    }

    fn root(&self) -> &Path {
        &self.work
    }

    fn cargo(&self, args: &[&str]) -> Duration {
        let start = Instant::now();
        Command::new("cargo")
            .args(args)
            .current_dir(self.root())
            .env("CARGO_TARGET_DIR", &self.target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("cargo runs");
        start.elapsed()
    }

    fn backlings(&self, args: &[&str]) -> Duration {
        let start = Instant::now();
        Command::new(&self.bin)
            .args(args)
            .current_dir(self.root())
            .env("CARGO_TARGET_DIR", &self.target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("backlings runs");
        start.elapsed()
    }

    fn set_current(&self, name: &str) {
        std::fs::write(
            self.root().join(".backlings-progress.toml"),
            format!("current = \"{name}\"\n"),
        )
        .unwrap();
    }

    fn watch(&self) -> pty::Watch {
        pty::Watch::start(&self.bin, self.root(), &[], Some(&self.target))
    }

    /// Watch mode on exercise `name`, once its first check and the background build are
    /// over, so that a trial measures the save alone.
    fn watch_idle(&self, name: &str) -> pty::Watch {
        // A pass in the last round moved the current exercise on.
        self.set_current(name);
        let w = self.watch();
        w.wait_for("the first result", |s| s.contains("q:quit"));
        let pid = w.pid();
        let mut idle_since = Instant::now();
        let start = Instant::now();
        while idle_since.elapsed() < Duration::from_millis(300) {
            if has_children(pid) {
                idle_since = Instant::now();
            }
            assert!(start.elapsed() < LONG, "watch mode never became idle");
            std::thread::sleep(Duration::from_millis(10));
        }
        w
    }

    /// Runs cargo; returns when `marker` first appeared in its output, and when it ended.
    fn cargo_until(&self, args: &[&str], marker: &str) -> (Duration, Duration) {
        use std::io::Read;
        let start = Instant::now();
        let mut child = Command::new("cargo")
            .args(args)
            .current_dir(self.root())
            .env("CARGO_TARGET_DIR", &self.target)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cargo runs");
        let mut stderr = child.stderr.take().expect("piped");
        let (mut seen, mut first, mut buf) = (Vec::new(), None, [0u8; 8192]);
        while let Ok(n) = stderr.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if first.is_none() && String::from_utf8_lossy(&seen).contains(marker) {
                first = Some(start.elapsed());
            }
        }
        child.wait().expect("cargo ends");
        let exit = start.elapsed();
        (first.expect("cargo reported the error"), exit)
    }

    fn lib(&self, dir: &str) -> PathBuf {
        self.root().join("exercises").join(dir).join("src/lib.rs")
    }

    fn solution(&self, dir: &str) -> String {
        std::fs::read_to_string(self.root().join("solutions").join(dir).join("src/lib.rs")).unwrap()
    }

    /// Writes `text` to the exercise and returns when the new result's last byte arrived.
    fn save_and_wait(
        &self,
        w: &pty::Watch,
        dir: &str,
        text: &str,
        what: &str,
        pred: impl Fn(&str) -> bool,
    ) -> Duration {
        let since = w.received_len();
        let start = Instant::now();
        std::fs::write(self.lib(dir), text).unwrap();
        let (_, last) = w.wait_for_since(since, what, LONG, pred);
        last - start
    }

    /// Empty target directory: the floor, backlings' start-up, a check during the background
    /// build, and `verify` cold.
    fn cold(&mut self) {
        let _ = std::fs::remove_dir_all(&self.target);
        let bare = self.cargo(&[
            "test",
            "--workspace",
            "--exclude",
            "backlings",
            "--tests",
            "--no-fail-fast",
            "-q",
        ]);
        let _ = std::fs::remove_dir_all(&self.target);
        let verify = self.backlings(&["verify", "--no-cache"]);
        self.line(format!(
            "verify, cold (empty target dir): {:.1} s; bare `cargo test --workspace --tests` cold: {:.1} s; ratio {:.2}",
            verify.as_secs_f64(),
            bare.as_secs_f64(),
            verify.as_secs_f64() / bare.as_secs_f64()
        ));

        let _ = std::fs::remove_dir_all(&self.target);
        let (name, dir) = STD_EXERCISE;
        self.set_current(name);
        let start = Instant::now();
        let w = self.watch();
        let (_, last) = w.wait_for_since(0, "the first result", LONG, |s| {
            s.contains("tests fail") || s.contains("All tests pass")
        });
        self.line(format!(
            "start-up to the first exercise's result, dependencies not built: {:.2} s",
            (last - start).as_secs_f64()
        ));
        // Checks while the background build is running.
        let solution = self.solution(dir);
        let mut during = Vec::new();
        for i in 0..self.trials.min(5) {
            let since = w.received_len();
            if !w.screen().contains(words::BACKGROUND_BUILD) {
                let _ = w.wait_for_since(
                    since,
                    "the background build",
                    Duration::from_secs(30),
                    |s| s.contains(words::BACKGROUND_BUILD),
                );
            }
            during.push(self.save_and_wait(
                &w,
                dir,
                &format!("{solution}\n// during {i}\n"),
                "a pass",
                |s| s.contains("All tests pass"),
            ));
            std::thread::sleep(Duration::from_millis(1500));
        }
        let since = w.received_len();
        let bg = Instant::now();
        w.wait_for_since(since, "the background build to end", LONG, |s| {
            !s.contains(words::BACKGROUND_BUILD)
        });
        let mut after = Vec::new();
        for i in 0..self.trials.min(5) {
            after.push(self.save_and_wait(
                &w,
                dir,
                &format!("{solution}\n// after {i}\n"),
                "a pass",
                |s| s.contains("All tests pass"),
            ));
        }
        self.line(format!(
            "check while the background dependency build runs: median {:.3} s; with no background build: {:.3} s (background build took {:.0} s more)",
            median(&mut during),
            median(&mut after),
            bg.elapsed().as_secs_f64()
        ));
        w.quit();
    }

    fn verify_warm(&mut self) {
        self.backlings(&["verify"]);
        let mut times: Vec<Duration> = (0..5).map(|_| self.backlings(&["verify"])).collect();
        self.line(format!(
            "verify, unchanged course (from the cache): median {:.3} s",
            median(&mut times)
        ));
    }

    /// Save-to-feedback on a passing exercise, beside bare cargo after the same edit, in rounds.
    fn hot(&mut self, (name, dir): (&str, &str), label: &str) {
        let solution = self.solution(dir);
        self.set_current(name);
        let (mut watch, mut bare, mut bare_tests) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..self.trials {
            let w = self.watch_idle(name);
            watch.push(self.save_and_wait(
                &w,
                dir,
                &format!("{solution}\n// watch edit {i}\n"),
                "a pass",
                |s| s.contains("All tests pass"),
            ));
            w.quit();
            std::fs::write(self.lib(dir), format!("{solution}\n// bare edit {i}\n")).unwrap();
            bare.push(self.cargo(&["test", "-q", "-p", name]));
            std::fs::write(
                self.lib(dir),
                format!("{solution}\n// bare tests-only edit {i}\n"),
            )
            .unwrap();
            bare_tests.push(self.cargo(&["test", "-q", "-p", name, "--tests"]));
        }
        let (w, b, t) = (
            median(&mut watch),
            median(&mut bare),
            median(&mut bare_tests),
        );
        self.line(format!(
            "save-to-feedback, {label}: watch median {w:.3} s; bare `cargo test -p` {b:.3} s (ratio {:.2}); bare `cargo test -p --tests` (no doctests) {t:.3} s (ratio {:.2})",
            w / b,
            w / t
        ));
    }

    /// A compile error on screen, beside its floor: a bare `cargo test --no-run -p` after the
    /// same edit, from the write to its exit. Both also give the time to their first error line.
    fn compile_error(&mut self, (name, dir): (&str, &str)) {
        let solution = self.solution(dir);
        self.set_current(name);
        std::fs::write(self.lib(dir), &solution).unwrap();
        let (mut watch, mut watch_first) = (Vec::new(), Vec::new());
        let (mut bare, mut bare_first) = (Vec::new(), Vec::new());
        for i in 0..self.trials {
            let w = self.watch_idle(name);
            let marker = format!("bench_{i}");
            let text = format!("{solution}\npub fn {marker}() -> u32 {{ \"not a number\" }}\n");
            let since = w.received_len();
            let start = Instant::now();
            std::fs::write(self.lib(dir), text).unwrap();
            // The diagnostic streams in while the check runs; the verdict comes after.
            // Look at the screen only when bytes arrived: the bench must not steal the CPU.
            let mut seen = since;
            loop {
                let len = w.received_len();
                if len != seen {
                    seen = len;
                    if w.screen().contains(&marker) {
                        break;
                    }
                }
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "the compile error never showed; the screen shows:\n{}",
                    w.screen()
                );
                std::thread::sleep(Duration::from_millis(1));
            }
            watch_first.push(start.elapsed());
            let (_, last) = w.wait_for_since(since, "a compile error", LONG, |s| {
                s.contains("does not compile") && s.contains(&marker)
            });
            watch.push(last - start);
            w.quit();

            let marker = format!("bare_{i}");
            let text = format!("{solution}\npub fn {marker}() -> u32 {{ \"not a number\" }}\n");
            std::fs::write(self.lib(dir), text).unwrap();
            let (first, exit) = self.cargo_until(&["test", "--no-run", "-q", "-p", name], &marker);
            bare_first.push(first);
            bare.push(exit);
        }
        std::fs::write(self.lib(dir), &solution).unwrap();
        let (w, wf) = (median(&mut watch), median(&mut watch_first));
        let (b, bf) = (median(&mut bare), median(&mut bare_first));
        self.line(format!(
            "compile error on screen (write to last byte): watch median {w:.3} s; floor, bare `cargo test --no-run -p` to its exit: {b:.3} s; ratio {:.2} (first error line: watch {wf:.3} s, bare {bf:.3} s)",
            w / b
        ));
    }

    /// Bursts of saves a few milliseconds apart; the screen must end on the last one.
    fn rapid_saves(&mut self, (name, dir): (&str, &str)) {
        let solution = self.solution(dir);
        self.set_current(name);
        let w = self.watch();
        w.wait_for("the first result", |s| s.contains("q:quit"));
        let mut seed = 0x2545_f491_u32;
        let mut lost = 0;
        for trial in 0..self.rapid {
            let since = w.received_len();
            let saves = 2 + (next(&mut seed) % 4) as usize;
            for s in 0..saves {
                std::fs::write(
                    self.lib(dir),
                    format!("{solution}\n// trial {trial} save {s}\n"),
                )
                .unwrap();
                std::thread::sleep(Duration::from_millis((next(&mut seed) % 25) as u64));
            }
            // Odd trials end broken, even ones passing, so a lost last save shows.
            let (last, marker) = if trial % 2 == 1 {
                (
                    format!("{solution}\ncompile_error!(\"trial {trial} broken\");\n"),
                    format!("trial {trial} broken"),
                )
            } else {
                (
                    format!("{solution}\n// trial {trial} final\n"),
                    "All tests pass".to_string(),
                )
            };
            std::fs::write(self.lib(dir), last).unwrap();
            let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                w.wait_for_since(
                    since,
                    "the last save's result",
                    Duration::from_secs(30),
                    |s| s.contains(&marker),
                );
            }));
            if ok.is_err() {
                lost += 1;
            }
        }
        w.quit();
        std::fs::write(self.lib(dir), &solution).unwrap();
        let rapid = self.rapid;
        self.line(format!(
            "rapid saves: {lost} lost in {rapid} bursts of 2-5 saves 0-25 ms apart"
        ));
    }

    fn memory(&mut self, (name, _dir): (&str, &str)) {
        self.set_current(name);
        let w = self.watch();
        w.wait_for("the first result", |s| {
            s.contains("q:quit") && !s.contains(words::BACKGROUND_BUILD)
        });
        std::thread::sleep(Duration::from_secs(2));
        let pid = w.pid();
        let (switches_before, cpu_before) = (context_switches(pid), cpu_ticks(pid));
        std::thread::sleep(Duration::from_secs(10));
        let (switches_after, cpu_after) = (context_switches(pid), cpu_ticks(pid));
        let rss = status_kb(pid, "VmRSS:");
        let peak = status_kb(pid, "VmHWM:");
        self.line(format!(
            "idle watch mode: {:.1} MB resident (peak {:.1} MB); in 10 s idle: {} context switches, {} CPU ticks",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0,
            switches_after - switches_before,
            cpu_after - cpu_before
        ));
        w.quit();
    }
}

/// Whether process `pid` has a child (a check or a build running).
fn has_children(pid: u32) -> bool {
    let parent = pid.to_string();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .any(|e| {
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            // The parent's pid is the second field after the command name.
            let after = stat.rsplit(')').next().unwrap_or("");
            after.split_whitespace().nth(1) == Some(parent.as_str())
        })
}

fn next(seed: &mut u32) -> u32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    *seed
}

fn median(times: &mut [Duration]) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64()
}

fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Context switches of every thread: each is a wake-up.
fn context_switches(pid: u32) -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
        for line in status.lines() {
            if line.starts_with("voluntary_ctxt_switches:")
                || line.starts_with("nonvoluntary_ctxt_switches:")
            {
                total += line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    total
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after the command name.
    fields
        .get(11)
        .and_then(|u| u.parse::<u64>().ok())
        .unwrap_or(0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
}

fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(_) => continue,
        };
        if meta.is_dir() {
            total += dir_size(&entry.path());
        } else {
            total += meta.len();
        }
    }
    total
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            if entry.file_name() == "target" {
                continue;
            }
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else if from.is_file() {
        std::fs::copy(from, to).unwrap();
    }
}
