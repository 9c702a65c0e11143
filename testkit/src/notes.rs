//! Notes from a test to the learner's screen.
//!
//! libtest shows a passing test's output only under `--nocapture`, so a test that skips (its
//! vectors are absent) would pass in silence. When the backlings runner runs a test binary it
//! names a file in `$BACKLINGS_NOTES`; a note appended there is shown with the outcome, for a
//! pass too. Under plain `cargo test` the variable is unset and the note goes to stderr only.

use std::io::Write;

/// The variable holding the path of the notes file.
pub const NOTES_ENV: &str = "BACKLINGS_NOTES";

/// Says that the calling test skips part of its work, and why. Call it, then return.
pub fn skip(reason: &str) {
    let note = match std::thread::current().name() {
        // libtest names each test's thread after the test.
        Some(test) if test != "main" => format!("skipped {test}: {reason}"),
        _ => format!("skipped: {reason}"),
    };
    eprintln!("{note}");
    if let Some(path) = std::env::var_os(NOTES_ENV).filter(|p| !p.is_empty()) {
        // One write per note, in append mode: tests on parallel threads (or binaries run one
        // after the other) never interleave inside a line.
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut file| file.write_all(format!("{note}\n").as_bytes()));
        if let Err(e) = written {
            eprintln!(
                "(could not add this note to {}: {e})",
                path.to_string_lossy()
            );
        }
    }
}
