//! Drives watch mode in a pseudo-terminal as a person would: reads the screen, presses keys.
//! Shared by the watch tests and the benchmark.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Output so far, and when its last byte arrived.
#[derive(Default)]
struct Received {
    bytes: Vec<u8>,
    last_at: Option<Instant>,
}

/// A running `backlings` (watch mode) in a pseudo-terminal.
pub struct Watch {
    child: Box<dyn Child + Send + Sync>,
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
        match target_dir {
            Some(t) => cmd.env("CARGO_TARGET_DIR", t),
            None => cmd.env_remove("CARGO_TARGET_DIR"),
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let received = Arc::new(Mutex::new(Received::default()));
        let sink = received.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut r = sink.lock().unwrap();
                r.bytes.extend_from_slice(&buf[..n]);
                r.last_at = Some(Instant::now());
            }
        });
        Watch {
            child,
            received,
            writer,
            _master: pty.master,
        }
    }

    /// Resizes the terminal, as a person dragging the window would.
    pub fn resize(&self, rows: u16, cols: u16) {
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
                    if screen.contains("q:quit") && !screen.contains("Checking") && pred(&screen) {
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

/// Text without ANSI escape sequences or carriage returns.
pub fn strip_ansi(s: &str) -> String {
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
