//! Child processes: each in its own process group, with a time limit, capped output, and a
//! cancel handle; the whole group is killed when it ends, so nothing is ever left running.

use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Process groups alive right now, killed if backlings itself is interrupted.
static LIVE_GROUPS: Mutex<Vec<i32>> = Mutex::new(Vec::new());

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

/// A handle that kills the processes started under it, from any thread.
#[derive(Clone, Default)]
pub struct Cancel(Arc<Mutex<CancelState>>);

#[derive(Default)]
struct CancelState {
    cancelled: bool,
    groups: Vec<i32>,
}

impl Cancel {
    /// Kills everything started under this handle, now and from now on.
    pub fn cancel(&self) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.cancelled = true;
        for &group in &state.groups {
            kill_group(group);
        }
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).cancelled
    }

    fn register(&self, group: i32) -> bool {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.groups.push(group);
        !state.cancelled
    }

    fn unregister(&self, group: i32) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.groups.retain(|&g| g != group);
    }
}

fn kill_group(group: i32) {
    // SAFETY: kill(2) with a negative pid signals a process group; no memory is touched.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

/// On Ctrl-C or SIGTERM outside raw mode, kill every live child group before exiting, so no
/// test server or compiler outlives backlings. `on_exit` restores the terminal.
pub fn kill_children_on_signal(on_exit: fn()) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            for &group in LIVE_GROUPS.lock().unwrap_or_else(|e| e.into_inner()).iter() {
                kill_group(group);
            }
            on_exit();
            std::process::exit(128 + signal);
        }
    });
}

/// Runs `cmd` to the end, the time limit, or cancellation. Each line of standard output is
/// also handed to `on_line` as it arrives, so callers can show progress while it runs.
pub fn run(
    mut cmd: Command,
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
    // SAFETY: prctl is async-signal-safe; it makes the kernel kill this child if backlings
    // dies without a chance to clean up (SIGKILL, a crash).
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    let group = child.id() as i32;
    LIVE_GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(group);
    if !cancel.register(group) {
        kill_group(group);
    }

    enum Msg {
        Line(Vec<u8>),
        Exited,
    }
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let line_tx = tx.clone();
    let out_reader = thread::spawn(move || {
        read_capped(stdout, cap, |line| {
            let _ = line_tx.send(Msg::Line(line.to_vec()));
        })
    });
    let err_reader = thread::spawn(move || read_capped(stderr, cap, |_| {}));
    let pid = child.id();
    let waiter = thread::spawn(move || {
        wait_without_reaping(pid);
        let _ = tx.send(Msg::Exited);
    });

    let deadline = time_limit.map(|limit| Instant::now() + limit);
    let mut timed_out = false;
    loop {
        let msg = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(msg) => msg,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        timed_out = true;
                        kill_group(group);
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(msg) => msg,
                Err(_) => break,
            },
        };
        match msg {
            Msg::Line(line) => on_line(&line),
            Msg::Exited => break,
        }
    }
    // The leader has exited (or been killed) but is not reaped yet, so its pid cannot be
    // reused: killing the group now reaches only what it left behind.
    kill_group(group);
    let _ = waiter.join();
    let status = child.wait()?;
    cancel.unregister(group);
    LIVE_GROUPS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|&g| g != group);
    // The group is dead, so both pipes are closed and the readers end; only then is every
    // line they read in the channel, and the lines still queued belong to the caller too.
    let (stdout, out_cut) = out_reader.join().unwrap_or_default();
    let (stderr, err_cut) = err_reader.join().unwrap_or_default();
    for msg in rx.try_iter() {
        if let Msg::Line(line) = msg {
            on_line(&line);
        }
    }
    let exit = if cancel.is_cancelled() {
        Exit::Cancelled
    } else if timed_out {
        Exit::TimedOut
    } else {
        Exit::Finished(status)
    };
    Ok(Output {
        exit,
        stdout,
        stderr,
        truncated: out_cut || err_cut,
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

/// Reads a stream to its end, keeping at most `cap` bytes and calling `on_line` per line kept.
fn read_capped(
    mut stream: impl Read,
    cap: usize,
    mut on_line: impl FnMut(&[u8]),
) -> (Vec<u8>, bool) {
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut line_start = 0;
    let mut buf = [0u8; 8192];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let room = cap.saturating_sub(kept.len());
        if room < n {
            truncated = true;
        }
        kept.extend_from_slice(&buf[..n.min(room)]);
        while let Some(pos) = kept[line_start..].iter().position(|&b| b == b'\n') {
            on_line(&kept[line_start..line_start + pos]);
            line_start += pos + 1;
        }
    }
    if line_start < kept.len() {
        on_line(&kept[line_start..]);
    }
    (kept, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
