//! Child processes: each in its own process group, with a time limit, capped output, and a
//! cancel handle. When one ends, what it started ends with it: its process group is killed,
//! and a contained child (a test) is watched by a reaper of its own that also kills what left
//! the group. A pipe still held open by something that escaped never keeps a run waiting.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long output may still arrive once a child has exited; a pipe held open longer than this
/// (by a process that escaped the kill) is abandoned, with its reader thread.
const OUTPUT_GRACE: Duration = Duration::from_millis(150);

/// Children alive right now, stopped if backlings itself is interrupted.
static LIVE: Mutex<Vec<Tree>> = Mutex::new(Vec::new());

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited by itself.
    Finished(ExitStatus),
    /// It ran past its time limit and was killed.
    TimedOut,
    /// It was cancelled (a newer save made its result stale).
    Cancelled,
}

/// What a finished child left behind.
#[derive(Debug)]
pub struct Output {
    /// How it ended.
    pub exit: Exit,
    /// Standard output, at most the cap.
    pub stdout: Vec<u8>,
    /// Standard error, at most the cap.
    pub stderr: Vec<u8>,
    /// Whether either stream went past the cap.
    pub truncated: bool,
}

/// A child's processes, and how to stop them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tree {
    /// A process group, killed as one.
    Group(i32),
    /// A reaper (see `reaper`), told to kill everything under it.
    Reaped(i32),
}

impl Tree {
    fn stop(self) {
        // SAFETY: kill(2) touches no memory. A pid here is never reaped yet (see `run_tree`),
        // so it cannot have been reused.
        unsafe {
            match self {
                Tree::Group(group) => libc::kill(-group, libc::SIGKILL),
                #[cfg(target_os = "linux")]
                Tree::Reaped(reaper) => libc::kill(reaper, crate::reaper::STOP),
                #[cfg(not(target_os = "linux"))]
                Tree::Reaped(reaper) => libc::kill(-reaper, libc::SIGKILL),
            };
        }
    }
}

/// A handle that kills the processes started under it, from any thread.
#[derive(Clone, Default)]
pub struct Cancel(Arc<Mutex<CancelState>>);

#[derive(Default)]
struct CancelState {
    cancelled: bool,
    trees: Vec<Tree>,
}

impl Cancel {
    /// Kills everything started under this handle, now and from now on.
    pub fn cancel(&self) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.cancelled = true;
        for &tree in &state.trees {
            tree.stop();
        }
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).cancelled
    }

    fn register(&self, tree: Tree) -> bool {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.trees.push(tree);
        !state.cancelled
    }

    fn unregister(&self, tree: Tree) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.trees.retain(|&t| t != tree);
    }
}

/// On Ctrl-C or SIGTERM outside raw mode, stop every live child before exiting, so no test
/// server or compiler outlives backlings. `on_exit` restores the terminal.
pub fn kill_children_on_signal(on_exit: fn()) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            for &tree in LIVE.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                tree.stop();
            }
            on_exit();
            std::process::exit(128 + signal);
        }
    });
}

/// Runs `cmd` to the end, the time limit, or cancellation. Each line of standard output is
/// also handed to `on_line` as it arrives, so callers can show progress while it runs.
/// Its process group is killed when it ends; what left the group is not (a build may start
/// a server meant to outlive it, like sccache's).
pub fn run(
    cmd: Command,
    time_limit: Option<Duration>,
    cap: usize,
    cancel: &Cancel,
    on_line: impl FnMut(&[u8]),
) -> io::Result<Output> {
    run_tree(cmd, false, time_limit, cap, cancel, on_line)
}

/// Runs `cmd` as [`run`] does, and when it ends kills everything it started, even processes
/// that left its process group or session (a test's daemon). Linux only; elsewhere as `run`.
pub fn run_contained(
    cmd: Command,
    time_limit: Option<Duration>,
    cap: usize,
    cancel: &Cancel,
    on_line: impl FnMut(&[u8]),
) -> io::Result<Output> {
    run_tree(
        cmd,
        cfg!(target_os = "linux"),
        time_limit,
        cap,
        cancel,
        on_line,
    )
}

/// A message to the thread running a child.
enum Msg {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
    /// One of the two streams reached its end.
    Closed,
    /// The child exited (it is not reaped yet).
    Exited,
}

fn run_tree(
    mut cmd: Command,
    contained: bool,
    time_limit: Option<Duration>,
    cap: usize,
    cancel: &Cancel,
    mut on_line: impl FnMut(&[u8]),
) -> io::Result<Output> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    #[cfg(target_os = "linux")]
    if contained {
        // The reaper sets its own PR_SET_PDEATHSIG: it cleans up when backlings dies.
        crate::reaper::contain(&mut cmd);
    } else {
        // SAFETY: prctl is async-signal-safe; it makes the kernel kill this child if
        // backlings dies without a chance to clean up (SIGKILL, a crash).
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let tree = if contained {
        Tree::Reaped(pid as i32)
    } else {
        Tree::Group(pid as i32)
    };
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(tree);
    if !cancel.register(tree) {
        tree.stop();
    }

    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out_tx = tx.clone();
    thread::spawn(move || pump(stdout, &out_tx, Msg::Stdout));
    let err_tx = tx.clone();
    thread::spawn(move || pump(stderr, &err_tx, Msg::Stderr));
    thread::spawn(move || {
        wait_without_reaping(pid);
        let _ = tx.send(Msg::Exited);
    });

    let mut out = Capped::new(cap);
    let mut err = Capped::new(cap);
    let mut open_streams = 2;
    let deadline = time_limit.map(|limit| Instant::now() + limit);
    let mut timed_out = false;
    let mut status = None;
    let mut grace_end = None;
    while status.is_none() || open_streams > 0 {
        // Wake for the time limit while the child runs, then for the end of the grace.
        let wake = match status {
            None if !timed_out => deadline,
            None => None,
            Some(_) => grace_end,
        };
        let msg = match wake {
            Some(wake) => match rx.recv_timeout(wake.saturating_duration_since(Instant::now())) {
                Ok(msg) => msg,
                Err(mpsc::RecvTimeoutError::Timeout) if status.is_none() => {
                    timed_out = true;
                    tree.stop();
                    continue;
                }
                // Past the grace: whatever still holds a pipe open is left with it.
                Err(_) => break,
            },
            None => match rx.recv() {
                Ok(msg) => msg,
                Err(_) => break,
            },
        };
        match msg {
            Msg::Stdout(chunk) => out.push(&chunk, &mut on_line),
            Msg::Stderr(chunk) => err.push(&chunk, &mut |_| {}),
            Msg::Closed => open_streams -= 1,
            Msg::Exited => {
                if matches!(tree, Tree::Group(_)) {
                    // The leader has exited but is not reaped yet, so its pid cannot be
                    // reused: killing the group now reaches only what it left behind.
                    tree.stop();
                }
                // A reaper exits only once everything under it is dead and reaped.
                cancel.unregister(tree);
                LIVE.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .retain(|&t| t != tree);
                status = Some(child.wait()?);
                grace_end = Some(Instant::now() + OUTPUT_GRACE);
            }
        }
    }
    out.finish(&mut on_line);
    // The channel ends only after the waiter's message, so the loop always saw the exit.
    let status = status.expect("the exit is reported before the channel ends");
    let exit = if cancel.is_cancelled() {
        Exit::Cancelled
    } else if timed_out {
        Exit::TimedOut
    } else {
        Exit::Finished(status)
    };
    Ok(Output {
        exit,
        truncated: out.truncated || err.truncated,
        stdout: out.kept,
        stderr: err.kept,
    })
}

/// Blocks until the child exits, leaving it a zombie so its pid stays reserved.
fn wait_without_reaping(pid: u32) {
    loop {
        // SAFETY: waitid writes only into the zeroed siginfo we own.
        let rc = unsafe {
            let mut info: libc::siginfo_t = std::mem::zeroed();
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Sends a stream's chunks as they are read, then `Closed`. Stops early once nobody listens.
fn pump(mut stream: impl Read, tx: &mpsc::Sender<Msg>, wrap: fn(Vec<u8>) -> Msg) {
    let mut buf = [0u8; 8192];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if tx.send(wrap(buf[..n].to_vec())).is_err() {
            return;
        }
    }
    let _ = tx.send(Msg::Closed);
}

/// A stream's output, kept up to a cap, and cut into lines as it comes.
struct Capped {
    kept: Vec<u8>,
    cap: usize,
    truncated: bool,
    line_start: usize,
}

impl Capped {
    fn new(cap: usize) -> Capped {
        Capped {
            kept: Vec::new(),
            cap,
            truncated: false,
            line_start: 0,
        }
    }

    /// Keeps what fits of `chunk`, calling `on_line` per complete line kept.
    fn push(&mut self, chunk: &[u8], on_line: &mut impl FnMut(&[u8])) {
        let room = self.cap.saturating_sub(self.kept.len());
        if room < chunk.len() {
            self.truncated = true;
        }
        self.kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        while let Some(pos) = self.kept[self.line_start..]
            .iter()
            .position(|&b| b == b'\n')
        {
            on_line(&self.kept[self.line_start..self.line_start + pos]);
            self.line_start += pos + 1;
        }
    }

    /// Hands on the last line, if it had no newline.
    fn finish(&mut self, on_line: &mut impl FnMut(&[u8])) {
        if self.line_start < self.kept.len() {
            on_line(&self.kept[self.line_start..]);
            self.line_start = self.kept.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn collects_output_and_status() {
        let mut lines = Vec::new();
        let out = run(
            sh("echo one; echo two >&2; echo three; exit 3"),
            None,
            1024,
            &Cancel::default(),
            |l| lines.push(String::from_utf8_lossy(l).into_owned()),
        )
        .unwrap();
        assert_eq!(lines, ["one", "three"]);
        assert_eq!(out.stderr, b"two\n");
        assert!(matches!(out.exit, Exit::Finished(s) if s.code() == Some(3)));
    }

    #[test]
    fn time_limit_kills_the_whole_group() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("survivor");
        // A grandchild that would write the marker after the limit, unless it is killed too.
        let script = format!("(sleep 1; touch {}) & sleep 30", marker.display());
        let started = Instant::now();
        let out = run(
            sh(&script),
            Some(Duration::from_millis(200)),
            1024,
            &Cancel::default(),
            |_| {},
        )
        .unwrap();
        assert_eq!(out.exit, Exit::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
        thread::sleep(Duration::from_millis(1300));
        assert!(!marker.exists(), "the grandchild outlived the time limit");
    }

    #[test]
    fn output_is_capped() {
        let out = run(
            sh("yes | head -c 100000"),
            None,
            1000,
            &Cancel::default(),
            |_| {},
        )
        .unwrap();
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
    }

    #[test]
    fn cancel_from_another_thread_stops_it() {
        let cancel = Cancel::default();
        let remote = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(100));
            remote.cancel();
        });
        let out = run(sh("sleep 30"), None, 1024, &cancel, |_| {}).unwrap();
        assert_eq!(out.exit, Exit::Cancelled);
    }

    /// A script that starts a daemon in a session of its own, re-parented once its shell
    /// ends, holding the inherited stdout and stderr open; it waits until the daemon has
    /// written its pid to $PIDFILE, then runs `then`.
    fn with_daemon(dir: &tempfile::TempDir, daemon: &str, then: &str) -> (Command, PathBuf) {
        let pidfile = dir.path().join("daemon.pid");
        let script = format!(
            "setsid sh -c '{daemon}' & while [ ! -s \"$PIDFILE\" ]; do sleep 0.01; done; {then}"
        );
        let mut cmd = sh(&script);
        cmd.env("PIDFILE", &pidfile).env("DIR", dir.path());
        (cmd, pidfile)
    }

    /// A daemon that records its pid and sleeps.
    const SLEEPER: &str = "echo $$ > \"$PIDFILE\"; exec sleep 30";

    fn read_pid(path: &Path) -> i32 {
        let text = std::fs::read_to_string(path).unwrap();
        text.trim()
            .parse()
            .unwrap_or_else(|_| panic!("no pid in {text:?}"))
    }

    /// Whether a process is gone (or dead and waiting to be reaped), within a few seconds.
    fn dies(pid: i32) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"));
            let dead = match stat {
                Err(_) => true,
                Ok(stat) => stat.rsplit(") ").next().is_some_and(|s| s.starts_with('Z')),
            };
            if dead {
                return true;
            }
            if Instant::now() > deadline {
                // Leave nothing behind, even when the test fails.
                // SAFETY: kill(2) touches no memory.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                return false;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_daemon_that_left_the_group_dies_when_the_test_ends() {
        let dir = tempfile::tempdir().unwrap();
        let (cmd, pidfile) = with_daemon(&dir, SLEEPER, "echo started");
        let started = Instant::now();
        let out = run_contained(cmd, None, 1024, &Cancel::default(), |_| {}).unwrap();
        let elapsed = started.elapsed();
        let pid = read_pid(&pidfile);
        assert!(dies(pid), "the daemon {pid} outlived the run");
        assert!(
            elapsed < Duration::from_secs(10),
            "run waited {elapsed:?} for the daemon's pipes"
        );
        assert_eq!(out.stdout, b"started\n");
        assert!(matches!(out.exit, Exit::Finished(s) if s.success()));
    }

    #[test]
    fn a_daemon_dies_at_the_time_limit() {
        let dir = tempfile::tempdir().unwrap();
        let (cmd, pidfile) = with_daemon(&dir, SLEEPER, "sleep 30");
        let started = Instant::now();
        let limit = Some(Duration::from_secs(2));
        let out = run_contained(cmd, limit, 1024, &Cancel::default(), |_| {}).unwrap();
        let elapsed = started.elapsed();
        let pid = read_pid(&pidfile);
        assert!(dies(pid), "the daemon {pid} outlived the time limit");
        assert_eq!(out.exit, Exit::TimedOut);
        assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    }

    #[test]
    fn a_daemon_dies_on_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let (cmd, pidfile) = with_daemon(&dir, SLEEPER, "sleep 30");
        let cancel = Cancel::default();
        let remote = cancel.clone();
        let watched = pidfile.clone();
        thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::fs::metadata(&watched).map_or(true, |m| m.len() == 0)
                && Instant::now() < deadline
            {
                thread::sleep(Duration::from_millis(10));
            }
            remote.cancel();
        });
        let started = Instant::now();
        let out = run_contained(cmd, None, 1024, &cancel, |_| {}).unwrap();
        let elapsed = started.elapsed();
        let pid = read_pid(&pidfile);
        assert!(dies(pid), "the daemon {pid} outlived the cancel");
        assert_eq!(out.exit, Exit::Cancelled);
        assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    }

    #[test]
    fn what_a_daemon_started_dies_too() {
        let dir = tempfile::tempdir().unwrap();
        // The daemon's own child, in the daemon's group and session, outlives the daemon's
        // pipes: it is found only once the daemon is dead and it is handed to the reaper.
        let daemon = "sleep 60 >/dev/null 2>&1 & echo $! > \"$DIR/child.pid\"; echo $$ > \"$PIDFILE\"; exec sleep 30";
        let (cmd, pidfile) = with_daemon(&dir, daemon, "exit 0");
        run_contained(cmd, None, 1024, &Cancel::default(), |_| {}).unwrap();
        let (pid, child) = (read_pid(&pidfile), read_pid(&dir.path().join("child.pid")));
        assert!(dies(child), "the daemon's child {child} outlived the run");
        assert!(dies(pid), "the daemon {pid} outlived the run");
    }

    #[test]
    fn a_pipe_held_by_an_escaped_process_does_not_hold_up_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let (cmd, pidfile) = with_daemon(&dir, SLEEPER, "echo done");
        let started = Instant::now();
        // Not contained: the daemon survives (as a build's sccache server would), and the run
        // ends anyway, with the output written before the leader exited.
        let out = run(cmd, None, 1024, &Cancel::default(), |_| {});
        let elapsed = started.elapsed();
        let pid = read_pid(&pidfile);
        // SAFETY: kill(2) touches no memory; the daemon is ours to end.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        let out = out.unwrap();
        assert!(
            elapsed < Duration::from_secs(10),
            "run waited {elapsed:?} for the daemon's pipes"
        );
        assert_eq!(out.stdout, b"done\n");
    }

    #[test]
    fn a_contained_run_reports_output_exit_code_and_signal() {
        let mut lines = Vec::new();
        let out = run_contained(
            sh("echo one; echo two >&2; echo three; exit 3"),
            None,
            1024,
            &Cancel::default(),
            |l| lines.push(String::from_utf8_lossy(l).into_owned()),
        )
        .unwrap();
        assert_eq!(lines, ["one", "three"]);
        assert_eq!(out.stderr, b"two\n");
        assert!(matches!(out.exit, Exit::Finished(s) if s.code() == Some(3)));

        use std::os::unix::process::ExitStatusExt;
        let out = run_contained(sh("kill -TERM $$"), None, 1024, &Cancel::default(), |_| {});
        let exit = out.unwrap().exit;
        assert!(
            matches!(exit, Exit::Finished(s) if s.signal() == Some(libc::SIGTERM)),
            "{exit:?}"
        );
    }

    #[test]
    fn a_contained_command_that_cannot_start_is_an_error() {
        let cmd = Command::new("/nonexistent/backlings-test-binary");
        let err = run_contained(cmd, None, 1024, &Cancel::default(), |_| {}).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound, "{err}");
    }
}
