//! Drives watch mode in a pseudo-terminal as a person would: reads the screen, presses keys.
//! Shared by the watch tests and the benchmark.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Output so far, when its last byte arrived, and the screen it makes.
struct Received {
    bytes: Vec<u8>,
    last_at: Option<Instant>,
    /// The terminal as a person sees it: rows and columns after every escape and scroll.
    terminal: vt100::Parser,
}

/// A running `backlings` (watch mode) in a pseudo-terminal.
pub struct Watch {
    child: Box<dyn Child + Send + Sync>,
    /// The terminal's local modes before the program started.
    pub initial_local_modes: libc::tcflag_t,
    received: Arc<Mutex<Received>>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Watch {
    /// Starts `binary` with `args` in `dir`; `target_dir` is passed on if given.
    pub fn start(binary: &Path, dir: &Path, args: &[&str], target_dir: Option<&Path>) -> Watch {
        Watch::start_sized(binary, dir, args, target_dir, 50, 120)
    }

    /// Starts it in a terminal of `rows` by `cols`.
    pub fn start_sized(
        binary: &Path,
        dir: &Path,
        args: &[&str],
        target_dir: Option<&Path>,
        rows: u16,
        cols: u16,
    ) -> Watch {
        Watch::start_with_env(binary, dir, args, target_dir, rows, cols, &[])
    }

    /// Starts it in a terminal of `rows` by `cols`, with more environment variables.
    pub fn start_with_env(
        binary: &Path,
        dir: &Path,
        args: &[&str],
        target_dir: Option<&Path>,
        rows: u16,
        cols: u16,
        env: &[(&str, &str)],
    ) -> Watch {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(binary);
        cmd.args(args);
        cmd.cwd(dir);
        cmd.env("RUST_BACKTRACE", "0");
        cmd.env("TERM", "xterm");
        // The guess of hyperlink support reads these; a test sets them when it wants links.
        for name in [
            "TERM_PROGRAM",
            "VTE_VERSION",
            "KITTY_WINDOW_ID",
            "WT_SESSION",
            "BACKLINGS_HYPERLINKS",
        ] {
            cmd.env_remove(name);
        }
        for (name, value) in env {
            cmd.env(name, value);
        }
        match target_dir {
            Some(t) => cmd.env("CARGO_TARGET_DIR", t),
            None => cmd.env_remove("CARGO_TARGET_DIR"),
        }
        let initial_local_modes = local_modes_of(pty.master.as_ref());
        let child = pty.slave.spawn_command(cmd).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let received = Arc::new(Mutex::new(Received {
            bytes: Vec::new(),
            last_at: None,
            terminal: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
        }));
        let sink = received.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut r = sink.lock().unwrap();
                r.bytes.extend_from_slice(&buf[..n]);
                r.terminal.process(&buf[..n]);
                r.last_at = Some(Instant::now());
            }
        });
        Watch {
            child,
            initial_local_modes,
            received,
            writer,
            _master: pty.master,
        }
    }

    /// Resizes the terminal, as a person dragging the window would.
    pub fn resize(&self, rows: u16, cols: u16) {
        self.received
            .lock()
            .unwrap()
            .terminal
            .set_size(nonzero(rows), nonzero(cols));
        self._master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The process id, to read its memory and CPU use.
    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// What the screen shows now: the text drawn since the last clear, without colours.
    pub fn screen(&self) -> String {
        let r = self.received.lock().unwrap();
        let raw = String::from_utf8_lossy(&r.bytes);
        let last = raw.rfind("\x1b[2J").map(|i| i + 4).unwrap_or(0);
        strip_ansi(&raw[last..])
    }

    /// The rows the terminal shows now, as a person sees them (what scrolled off is gone).
    pub fn visible(&self) -> Vec<String> {
        let r = self.received.lock().unwrap();
        let (_, cols) = r.terminal.screen().size();
        r.terminal.screen().rows(0, cols.get()).collect()
    }

    /// The raw bytes received so far, escapes included.
    pub fn raw(&self) -> Vec<u8> {
        self.received.lock().unwrap().bytes.clone()
    }

    /// The terminal's local modes (ICANON, ECHO, ISIG...) as the program left them.
    pub fn local_modes(&self) -> libc::tcflag_t {
        local_modes_of(self._master.as_ref())
    }

    /// Waits for the process to exit by itself; its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<u32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status.exit_code());
            }
            if start.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// How many bytes have arrived so far.
    pub fn received_len(&self) -> usize {
        self.received.lock().unwrap().bytes.len()
    }

    /// Waits until a finished screen (keys drawn, no check running), drawn after byte
    /// `since`, satisfies `pred`; returns it and when its last byte arrived.
    pub fn wait_for_since(
        &self,
        since: usize,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> (String, Instant) {
        let start = Instant::now();
        loop {
            {
                let r = self.received.lock().unwrap();
                let raw =
                    String::from_utf8_lossy(&r.bytes[since.min(r.bytes.len())..]).into_owned();
                if let Some(i) = raw.rfind("\x1b[2J") {
                    let screen = strip_ansi(&raw[i + 4..]);
                    if is_finished(&screen) && pred(&screen) {
                        return (screen, r.last_at.unwrap());
                    }
                }
            }
            if start.elapsed() > timeout {
                panic!(
                    "timed out waiting for {what}; the screen shows:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits until the finished screen satisfies `pred`.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        self.wait_for_since(0, what, Duration::from_secs(60), pred)
            .0
    }

    /// Types a key.
    pub fn press(&mut self, key: &str) {
        self.writer.write_all(key.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Presses q and waits for a clean exit.
    pub fn quit(mut self) {
        self.press("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "watch mode should exit cleanly on q");
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "q did not quit watch mode"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn local_modes_of(master: &dyn portable_pty::MasterPty) -> libc::tcflag_t {
    let fd = master.as_raw_fd().expect("a unix pty");
    // SAFETY: tcgetattr writes only into the zeroed struct we own.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(fd, &mut t), 0, "tcgetattr on the pty");
        t.c_lflag
    }
}

/// Whether a screen was drawn to its end (every screen ends with its key line) and shows
/// no check in progress.
fn is_finished(screen: &str) -> bool {
    ["q:quit", "keep my work", "esc:clear"]
        .iter()
        .any(|keys| screen.contains(keys))
        && !screen.contains("Checking")
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n.max(1)).unwrap()
}

/// Text without ANSI escape sequences (CSI, and OSC such as hyperlinks) or carriage returns.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    for c in chars.by_ref() {
                        if c.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                Some(']') => {
                    // OSC: up to BEL or ST (ESC \).
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if c != '\r' {
            out.push(c);
        }
    }
    out
}
