//! Everything watch mode reacts to, gathered into one channel: file changes in the course,
//! changes to the progress file by another backlings, keys and resizes, and the results of the
//! checks and builds it started.

use crate::check::Outcome;
use crate::progress::PROGRESS_FILE;
use crate::verify::Verdict;
use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

/// Everything the loop reacts to.
pub enum Event {
    /// Files changed on disk under `exercises/`.
    Files(Vec<PathBuf>),
    /// The progress file changed (maybe by another backlings process).
    Progress,
    /// The watcher itself failed.
    WatchError(String),
    /// A key was pressed.
    Key(Key),
    /// The terminal was resized.
    Resize,
    /// A compiler diagnostic from check number `run_id`.
    Diagnostic(u64, String),
    /// Check number `run_id` ended (`None`: it was cancelled).
    Checked(u64, Result<Option<Outcome>, String>),
    /// `c`: the whole course was checked.
    CheckedAll(Result<Vec<Verdict>, String>),
    /// The background build finished one more crate.
    BackgroundProgress(u64),
    /// The background build ended: `true` if it built everything it could.
    BackgroundEnded(u64, bool),
}

/// The keys watch mode knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// ↑
    Up,
    /// ↓
    Down,
    /// Page Up
    PageUp,
    /// Page Down
    PageDown,
    /// Home
    Home,
    /// End
    End,
    /// Enter
    Enter,
    /// Escape
    Esc,
    /// Backspace
    Backspace,
    /// Ctrl-C (raw mode delivers it as a key, not a signal)
    CtrlC,
    /// Anything else.
    Other,
}

impl Key {
    fn from_crossterm(event: crossterm::event::KeyEvent) -> Option<Key> {
        use crossterm::event::{KeyCode, KeyEventKind, KeyModifiers};
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        Some(match event.code {
            KeyCode::Char('c') | KeyCode::Char('C') if ctrl => Key::CtrlC,
            KeyCode::Char(_) if ctrl => Key::Other,
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::Enter => Key::Enter,
            KeyCode::Esc => Key::Esc,
            KeyCode::Backspace => Key::Backspace,
            _ => Key::Other,
        })
    }
}

const POLL_ADVICE: &str =
    "try `backlings watch --poll` (for network mounts, WSL's /mnt, or a full inotify table)";

/// Watches the exercises (recursively) and the progress file; the watcher stops when dropped.
pub fn start_watcher(root: &Path, poll: bool, tx: Sender<Event>) -> Result<Box<dyn Watcher>> {
    let progress_file = root.join(PROGRESS_FILE);
    let exercises = root.join("exercises");
    let handler = move |res: notify::Result<notify::Event>| {
        let event = match res {
            Ok(ev) if is_change(&ev.kind) => {
                if ev.paths.contains(&progress_file) {
                    Event::Progress
                } else if ev.paths.iter().any(|p| p.starts_with(&exercises)) {
                    Event::Files(ev.paths)
                } else {
                    return;
                }
            }
            Ok(_) => return,
            Err(e) => Event::WatchError(e.to_string()),
        };
        let _ = tx.send(event);
    };
    let mut watcher: Box<dyn Watcher> = if poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(200))
            .with_compare_contents(true);
        Box::new(notify::PollWatcher::new(handler, config)?)
    } else {
        Box::new(
            notify::recommended_watcher(handler)
                .with_context(|| format!("cannot watch files here; {POLL_ADVICE}"))?,
        )
    };
    let exercises = root.join("exercises");
    watcher
        .watch(&exercises, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch {}; {POLL_ADVICE}", exercises.display()))?;
    // The progress file is replaced by a rename, so its folder is watched, not the file; only
    // the folder's own entries, not the target directory's churn below it.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}; {POLL_ADVICE}", root.display()))?;
    Ok(watcher)
}

fn is_change(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// Whether a changed path can change the exercise's result: a file of its crate, not an
/// editor's swap, backup or probe file.
pub fn is_relevant(exercise_dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(exercise_dir) else {
        return false;
    };
    // Any folder on the way (`.git`, a `target` of its own) can hold noise too.
    !rel.iter().any(|part| {
        let part = part.to_string_lossy();
        part == "target" || crate::files::is_editor_noise(&part)
    })
}

/// Reads keys and resizes on a thread of its own. It only reads: the terminal's mode was set
/// once before it started, so it can never put raw mode back after the restore.
pub fn spawn_key_reader(tx: Sender<Event>) {
    thread::spawn(move || {
        use crossterm::event::{Event as Term, read};
        while let Ok(event) = read() {
            let event = match event {
                Term::Key(key) => match Key::from_crossterm(key) {
                    Some(key) => Event::Key(key),
                    None => continue,
                },
                Term::Resize(..) => Event::Resize,
                _ => continue,
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exercises_own_files_are_relevant() {
        let dir = Path::new("/c/exercises/00_a/01_b");
        assert!(is_relevant(dir, &dir.join("src/lib.rs")));
        assert!(is_relevant(dir, &dir.join("Cargo.toml")));
        assert!(
            is_relevant(dir, dir),
            "the folder itself (deleted, created)"
        );
        for noise in [
            "src/.lib.rs.swp",
            "src/lib.rs~",
            "src/4913",
            "src/#lib.rs#",
            "target/x",
            ".git/index",
        ] {
            assert!(!is_relevant(dir, &dir.join(noise)), "{noise}");
        }
        assert!(!is_relevant(
            dir,
            Path::new("/c/exercises/00_a/02_c/src/lib.rs")
        ));
    }
}
