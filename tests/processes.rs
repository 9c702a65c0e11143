//! Nothing a test starts outlives its check: not even a daemon that left the test's process
//! group and session (setsid, double fork) while holding its output pipes and a port.

mod common;

use common::{ADDER, Ex, TempCourse};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

/// An exercise whose test starts a daemon: the test binary, started again through `sh` and
/// `setsid`, so that it runs in a session of its own and, once `sh` has exited, is no child of
/// the test. It inherits the test's stdout and stderr, listens on a port, and appends
/// "PID PORT" to `daemons.txt` in the exercise's folder. With `DAEMON_HOLD` set, the test then
/// waits (for the time limit, or for backlings to be stopped).
const DAEMON: Ex = Ex {
    name: "daemon",
    dir: "00_basics/03_daemon",
    lib: "pub fn answer() -> u32 {\n    42\n}\n",
    spec: r#"use std::io::Write;
use std::time::{Duration, Instant};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/daemons.txt");

fn started() -> usize {
    std::fs::read_to_string(FILE).map_or(0, |t| t.lines().count())
}

/// The daemon itself, when this binary is started as one; a no-op otherwise.
#[test]
fn daemon_body() {
    if std::env::var_os("BE_THE_DAEMON").is_none() {
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let line = format!("{} {}\n", std::process::id(), listener.local_addr().unwrap().port());
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(FILE).unwrap();
    file.write_all(line.as_bytes()).unwrap();
    drop(file);
    loop {
        let _ = listener.accept();
    }
}

#[test]
fn starts_a_daemon() {
    let before = started();
    let status = std::process::Command::new("sh")
        .args(["-c", "setsid \"$0\" daemon_body --exact --nocapture &"])
        .arg(std::env::current_exe().unwrap())
        .env("BE_THE_DAEMON", "1")
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while started() == before {
        assert!(Instant::now() < deadline, "the daemon never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    if std::env::var_os("DAEMON_HOLD").is_some() {
        std::thread::sleep(Duration::from_secs(120));
    }
    assert_eq!(daemon::answer(), 42);
}
"#,
    solution: "pub fn answer() -> u32 {\n    42\n}\n",
    extra: "timeout_secs = 5\n",
};

/// How long a command may take here before it counts as hanging (it builds the exercise).
const HANG: Duration = Duration::from_secs(120);

fn daemons_file(course: &TempCourse) -> PathBuf {
    course.path(&format!("exercises/{}/daemons.txt", DAEMON.dir))
}

/// Every daemon the exercise's test started: pid and port.
fn daemons(course: &TempCourse) -> Vec<(i32, u16)> {
    let text = std::fs::read_to_string(daemons_file(course)).unwrap_or_default();
    text.lines()
        .map(|line| {
            let (pid, port) = line.split_once(' ').expect("PID PORT");
            (pid.parse().unwrap(), port.parse().unwrap())
        })
        .collect()
}

/// Whether the process is gone, or dead and waiting to be reaped.
fn is_dead(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')),
    }
}

fn refuses(port: u16) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err()
}

/// A course with the daemon exercise; any daemon still alive when it is dropped is killed, so
/// that not even a failing test leaves one behind.
struct DaemonCourse(TempCourse);

impl DaemonCourse {
    fn new(exercises: &[Ex]) -> DaemonCourse {
        DaemonCourse(TempCourse::new(exercises))
    }
}

impl std::ops::Deref for DaemonCourse {
    type Target = TempCourse;
    fn deref(&self) -> &TempCourse {
        &self.0
    }
}

impl Drop for DaemonCourse {
    fn drop(&mut self) {
        for (pid, _) in daemons(self) {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains("daemon_body") {
                // SAFETY: kill(2) touches no memory; the pid is one of our daemons.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

/// Asserts that at least one daemon was started, and that each is dead and its port closed
/// (allowing a few seconds for the kill to land).
fn assert_no_daemon_left(course: &TempCourse) {
    let daemons = daemons(course);
    assert!(!daemons.is_empty(), "the exercise's test started no daemon");
    let deadline = Instant::now() + Duration::from_secs(5);
    for &(pid, port) in &daemons {
        while !(is_dead(pid) && refuses(port)) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
    }
    let survivors: Vec<_> = daemons
        .iter()
        .filter(|&&(pid, port)| !is_dead(pid) || !refuses(port))
        .collect();
    assert!(
        survivors.is_empty(),
        "daemons (pid, port) outlived the check: {survivors:?}"
    );
}

#[test]
fn run_returns_and_leaves_no_daemon_behind() {
    let course = DaemonCourse::new(&[DAEMON]);
    let run = course.run_within(&["run", "daemon"], HANG);
    assert_eq!(run.code(), 0, "{}", run.all());
    assert!(run.stdout().contains("daemon is done"), "{}", run.all());
    assert_no_daemon_left(&course);
}

#[test]
fn verify_json_returns_and_leaves_no_daemon_behind() {
    let course = DaemonCourse::new(&[ADDER, DAEMON]);
    let run = course.run_within(&["verify", "--json"], HANG);
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout()).expect("verify --json prints JSON");
    let daemon = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "daemon")
        .expect("the daemon exercise is reported");
    assert_eq!(daemon["status"], "pass", "{}", run.all());
    assert_no_daemon_left(&course);
}

#[test]
fn the_time_limit_kills_the_daemon_too() {
    let course = DaemonCourse::new(&[DAEMON]);
    let mut cmd = course.cmd(&["run", "daemon"]);
    cmd.env("DAEMON_HOLD", "1");
    let run = common::output_within(cmd, HANG);
    assert!(
        run.stdout().contains("ran longer than 5 s"),
        "{}",
        run.all()
    );
    assert_no_daemon_left(&course);
}

/// Starts `backlings run` on a test that holds, waits for its daemon, then sends `signal` to
/// backlings and waits for it to end.
fn signal_backlings_during_a_check(signal: i32) -> DaemonCourse {
    let course = DaemonCourse::new(&[DAEMON]);
    let mut child = course
        .cmd(&["run", "daemon"])
        .env("DAEMON_HOLD", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + HANG;
    while daemons(&course).is_empty() {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("the daemon never started");
        }
        thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: kill(2) touches no memory; the pid is our unreaped child.
    unsafe { libc::kill(child.id() as i32, signal) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("backlings did not end on signal {signal}");
        }
        thread::sleep(Duration::from_millis(20));
    }
    course
}

#[test]
fn sigterm_to_backlings_kills_the_daemon() {
    let course = signal_backlings_during_a_check(libc::SIGTERM);
    assert_no_daemon_left(&course);
}

#[test]
fn sigkill_to_backlings_kills_the_daemon() {
    let course = signal_backlings_during_a_check(libc::SIGKILL);
    assert_no_daemon_left(&course);
}
