//! The terminal's mode and size. Watch mode puts the terminal in raw mode once, before any
//! thread reads keys, and puts the saved settings back on every way out (q, Ctrl-C, SIGTERM,
//! an error). Nothing else touches the terminal's settings, so no thread can switch raw mode
//! back on after the restore.

use std::sync::Mutex;

/// The terminal settings found when watch mode started, put back on the way out.
static SAVED_TERMIOS: Mutex<Option<libc::termios>> = Mutex::new(None);

/// Saves the terminal's settings, then switches it to raw input: keys arrive one at a time,
/// unechoed, Ctrl-C as a key. Output processing stays on, so `\n` still starts a new line.
/// Returns `false` if standard input is not a terminal.
pub fn enter_raw_mode() -> bool {
    // SAFETY: tcgetattr/tcsetattr only read and write the termios structs we own.
    unsafe {
        let mut saved: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
            return false;
        }
        *SAVED_TERMIOS.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved);
        let mut raw = saved;
        raw.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
        raw.c_iflag &= !(libc::IXON | libc::ICRNL | libc::BRKINT | libc::INPCK | libc::ISTRIP);
        raw.c_cc[libc::VMIN] = 1;
        raw.c_cc[libc::VTIME] = 0;
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw) == 0
    }
}

/// Leaves the terminal as watch mode found it: settings, cursor, colours. Safe to call more
/// than once and from a signal-handling thread.
pub fn restore_terminal() {
    if let Some(t) = SAVED_TERMIOS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        // SAFETY: tcsetattr reads the termios saved from this same terminal.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t);
        }
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"\x1b[0m\x1b[?25h\n");
        let _ = out.flush();
    }
}

/// The terminal's height in rows, never less than 10.
pub fn height() -> usize {
    let (rows, _) = console::Term::stdout().size();
    (rows as usize).max(10)
}

/// The terminal's width in columns, never less than 20.
pub fn width() -> usize {
    let (_, cols) = console::Term::stdout().size();
    (cols as usize).max(20)
}
