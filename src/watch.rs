//! Watch mode: file events, keys and check results meet in one event loop, which decides what
//! to run and what to draw. A save during a check cancels it and starts a new one, so the
//! screen always ends on the result of the files as they are on disk.

use crate::cargo;
use crate::check::{Checker, Outcome, Status};
use crate::commands;
use crate::course::Course;
use crate::process::Cancel;
use crate::progress::Progress;
use crate::verify::{Verdict, check_all};
use crate::{shipped, ui};
use anyhow::{Context, Result, bail};
use console::{Key, Term};
use notify::{EventKind, RecursiveMode, Watcher};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

/// Everything the loop reacts to.
enum Event {
    /// Files changed on disk.
    Files(Vec<PathBuf>),
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

/// What the screen shows below the header.
#[derive(PartialEq)]
enum Screen {
    /// The current exercise's result (or its check running).
    Exercise,
    /// The course list.
    List,
    /// Reset asks y/n.
    ConfirmReset,
    /// The summary of a check of the whole course.
    All,
}

struct Watch {
    course: Course,
    progress: Progress,
    /// The exercise on screen (stays on a finished one until `n`).
    shown: usize,
    run_id: u64,
    running: Option<Cancel>,
    checking_all: bool,
    /// A save arrived during check-all: check the exercise once it ends.
    rerun_after_all: bool,
    outcome: Option<Outcome>,
    streamed: String,
    hints_shown: usize,
    screen: Screen,
    all: Vec<Verdict>,
    note: Option<String>,
    note_is_welcome: bool,
    background: Background,
    tx: Sender<Event>,
    term: Term,
}

/// The build of the whole course that runs at low priority while the learner works, so that
/// dependencies (SQLite, tokio...) are ready before an exercise needs them.
#[derive(Default)]
struct Background {
    /// Which run this is; events of an older run are ignored.
    run_id: u64,
    /// Set while it runs.
    running: Option<Cancel>,
    /// Crates built so far.
    built: u64,
    /// Nothing left to build.
    done: bool,
}

/// `backlings` / `backlings watch`.
pub fn run(poll: bool) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "watch mode needs a terminal; use `backlings run` to check the current exercise once, or `backlings verify` to check them all"
        );
    }
    let (course, progress) = commands::load()?;
    let (tx, rx) = mpsc::channel();
    let _watcher = start_watcher(&course.root.join("exercises"), poll, tx.clone())?;
    spawn_key_reader(tx.clone());
    spawn_resize_listener(tx.clone());
    ui::save_terminal();
    let term = Term::stdout();
    let _ = term.hide_cursor();
    let fresh = progress.done_count() == 0;
    let shown = progress.current();
    let mut watch = Watch {
        course,
        progress,
        shown,
        run_id: 0,
        running: None,
        checking_all: false,
        rerun_after_all: false,
        outcome: None,
        streamed: String::new(),
        hints_shown: 0,
        screen: Screen::Exercise,
        all: Vec::new(),
        note: None,
        note_is_welcome: fresh,
        background: Background::default(),
        tx,
        term,
    };
    if fresh {
        watch.note = Some(watch.course.welcome_message.trim_end().to_string());
    }
    let result = watch.event_loop(&rx);
    if let Some(cancel) = watch.running.take() {
        cancel.cancel();
    }
    if let Some(cancel) = watch.background.running.take() {
        cancel.cancel();
    }
    ui::restore_terminal();
    result.map(|()| ExitCode::SUCCESS)
}

fn start_watcher(dir: &Path, poll: bool, tx: Sender<Event>) -> Result<Box<dyn Watcher>> {
    let handler = move |res: notify::Result<notify::Event>| {
        let event = match res {
            Ok(ev) if is_change(&ev.kind) => Event::Files(ev.paths),
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
        Box::new(notify::recommended_watcher(handler).context(
            "cannot watch files here; try `backlings watch --poll` (for network mounts, WSL's /mnt, or a full inotify table)",
        )?)
    };
    watcher.watch(dir, RecursiveMode::Recursive).with_context(|| {
        format!(
            "cannot watch {}; try `backlings watch --poll` (for network mounts, WSL's /mnt, or a full inotify table)",
            dir.display()
        )
    })?;
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
fn is_relevant(exercise_dir: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(exercise_dir) else {
        return false;
    };
    if rel.starts_with("target") {
        return false;
    }
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let editor_noise = name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || name.starts_with("#");
    !editor_noise
}

fn spawn_key_reader(tx: Sender<Event>) {
    thread::spawn(move || {
        let term = Term::stdout();
        while let Ok(key) = term.read_key_raw() {
            if tx.send(Event::Key(key)).is_err() {
                break;
            }
        }
    });
}

fn spawn_resize_listener(tx: Sender<Event>) {
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH]) {
        thread::spawn(move || {
            for _ in signals.forever() {
                if tx.send(Event::Resize).is_err() {
                    break;
                }
            }
        });
    }
}

impl Watch {
    fn event_loop(&mut self, rx: &Receiver<Event>) -> Result<()> {
        self.start_check();
        while let Ok(event) = rx.recv() {
            match event {
                Event::Files(paths) => {
                    let dir = self.course.exercise_dir(&self.course.exercises[self.shown]);
                    let mut relevant = paths.iter().any(|p| is_relevant(&dir, p));
                    // Take the rest of a burst (a rename save is several events) in one go.
                    for event in rx.try_iter().collect::<Vec<_>>() {
                        match event {
                            Event::Files(more) => {
                                relevant |= more.iter().any(|p| is_relevant(&dir, p))
                            }
                            other => {
                                if !self.handle(other)? {
                                    return Ok(());
                                }
                            }
                        }
                    }
                    if relevant {
                        if self.checking_all {
                            self.rerun_after_all = true;
                        } else {
                            self.screen = Screen::Exercise;
                            // The welcome has been read once the learner saves; other notes
                            // (a reset's report, a watcher warning) stay until a key.
                            if self.note_is_welcome {
                                self.note = None;
                                self.note_is_welcome = false;
                            }
                            self.start_check();
                        }
                    }
                }
                other => {
                    if !self.handle(other)? {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    /// Handles one event; `false` means quit.
    fn handle(&mut self, event: Event) -> Result<bool> {
        match event {
            Event::Files(_) => {}
            Event::WatchError(e) => {
                self.note = Some(format!(
                    "Watching files failed ({e}); saves may go unnoticed. Restart with `backlings watch --poll`."
                ));
                self.draw();
            }
            Event::Resize => self.draw(),
            Event::Diagnostic(run_id, text) if run_id == self.run_id => {
                // Compile errors reach the screen as the compiler reports them.
                self.streamed.push_str(&text);
                let _ = self.term.write_str(&text);
            }
            Event::Diagnostic(..) => {}
            Event::Checked(run_id, result) if run_id == self.run_id => {
                self.running = None;
                match result {
                    Ok(Some(outcome)) => self.finished(outcome)?,
                    Ok(None) => {}
                    Err(e) => {
                        self.outcome = None;
                        self.note = Some(format!("The check could not run: {e}"));
                    }
                }
                self.draw();
                self.resume_background();
            }
            Event::Checked(..) => {}
            Event::BackgroundProgress(run_id) if run_id == self.background.run_id => {
                self.background.built += 1;
                // Only the status line changes: redraw when nothing else is in motion.
                if self.running.is_none() && self.background.built.is_multiple_of(5) {
                    self.draw();
                }
            }
            Event::BackgroundProgress(_) => {}
            Event::BackgroundEnded(run_id, complete) if run_id == self.background.run_id => {
                self.background.running = None;
                self.background.done = complete;
                if self.running.is_none() {
                    self.draw();
                }
            }
            Event::BackgroundEnded(..) => {}
            Event::CheckedAll(result) => {
                self.checking_all = false;
                self.note = None;
                match result {
                    Ok(verdicts) => {
                        for (i, v) in verdicts.iter().enumerate() {
                            if v.status == Status::Pass && !self.progress.is_done(&v.name) {
                                self.progress.mark_done(i)?;
                            }
                        }
                        self.all = verdicts;
                        self.screen = Screen::All;
                    }
                    Err(e) => self.note = Some(format!("Checking the course failed: {e}")),
                }
                if std::mem::take(&mut self.rerun_after_all) {
                    self.screen = Screen::Exercise;
                    self.start_check();
                }
                self.draw();
                self.resume_background();
            }
            Event::Key(key) => return self.key(key),
        }
        Ok(true)
    }

    fn key(&mut self, key: Key) -> Result<bool> {
        if self.screen == Screen::ConfirmReset {
            self.screen = Screen::Exercise;
            if matches!(key, Key::Char('y') | Key::Char('Y')) {
                let ex = self.course.exercises[self.shown].clone();
                let restored = shipped::restore(&self.course, &ex);
                self.progress.mark_pending(self.shown)?;
                self.note = Some(match restored {
                    Ok(files) => {
                        format!("{} was reset ({} file(s) restored).", ex.name, files.len())
                    }
                    Err(e) => format!("Reset failed: {e:#}"),
                });
                self.start_check();
            } else {
                self.note = Some("Reset cancelled; nothing changed.".into());
                self.draw();
            }
            return Ok(true);
        }
        // A note answers the last key or event; the next key replaces it.
        self.note = None;
        self.note_is_welcome = false;
        match key {
            Key::Char('q') | Key::CtrlC => return Ok(false),
            Key::Char('h') => {
                self.screen = Screen::Exercise;
                let n = self.course.exercises[self.shown].hints.len();
                self.hints_shown = (self.hints_shown + 1).min(n);
                self.draw();
            }
            Key::Char('l') => {
                self.screen = if self.screen == Screen::List {
                    Screen::Exercise
                } else {
                    Screen::List
                };
                self.draw();
            }
            Key::Char('r') => {
                self.screen = Screen::Exercise;
                self.note = None;
                self.start_check();
            }
            Key::Char('c') if !self.checking_all => self.check_all(),
            Key::Char('x') => {
                self.screen = Screen::ConfirmReset;
                self.draw();
            }
            Key::Char('n') => {
                let done = self
                    .progress
                    .is_done(&self.course.exercises[self.shown].name);
                if done && !self.progress.all_done() {
                    let next = self.progress.current();
                    let next = if next == self.shown {
                        self.progress
                            .first_pending_from(self.shown + 1)
                            .unwrap_or(next)
                    } else {
                        next
                    };
                    self.progress.set_current(next)?;
                    self.shown = next;
                    self.hints_shown = 0;
                    self.note = None;
                    self.screen = Screen::Exercise;
                    self.start_check();
                } else {
                    self.note = Some(if done {
                        "Every exercise is done.".into()
                    } else {
                        "Make the tests pass first; then n moves on.".into()
                    });
                    self.draw();
                }
            }
            Key::Escape | Key::Enter => {
                self.screen = Screen::Exercise;
                self.draw();
            }
            _ => {}
        }
        Ok(true)
    }

    /// Starts a check of the shown exercise, cancelling one that is running.
    fn start_check(&mut self) {
        if let Some(cancel) = self.running.take() {
            cancel.cancel();
        }
        // The learner's check goes first. A stopped cargo would keep the build-directory
        // lock, so the background build is ended instead; cargo keeps every crate it
        // finished, and it resumes from there after the check.
        self.pause_background();
        self.run_id += 1;
        let run_id = self.run_id;
        let cancel = Cancel::default();
        self.running = Some(cancel.clone());
        self.streamed.clear();
        self.draw();
        let course = self.course.clone();
        let ex = course.exercises[self.shown].clone();
        let tx = self.tx.clone();
        thread::spawn(move || {
            let checker = Checker::for_course(&course, true);
            let diag_tx = tx.clone();
            let result = checker
                .check_one(&ex, &cancel, |_, text| {
                    let _ = diag_tx.send(Event::Diagnostic(run_id, text.to_string()));
                })
                .map_err(|e| format!("{e:#}"));
            let _ = tx.send(Event::Checked(run_id, result));
        });
    }

    fn pause_background(&mut self) {
        if let Some(cancel) = self.background.running.take() {
            cancel.cancel();
            self.background.run_id += 1;
        }
    }

    fn resume_background(&mut self) {
        if self.background.done
            || self.background.running.is_some()
            || self.running.is_some()
            || self.checking_all
        {
            return;
        }
        self.background.run_id += 1;
        let run_id = self.background.run_id;
        let cancel = Cancel::default();
        self.background.running = Some(cancel.clone());
        let course = self.course.clone();
        let tx = self.tx.clone();
        thread::spawn(move || {
            let names: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
            let progress_tx = tx.clone();
            let complete = cargo::build_in_background(&course.root, &names, &cancel, || {
                let _ = progress_tx.send(Event::BackgroundProgress(run_id));
            });
            let _ = tx.send(Event::BackgroundEnded(run_id, complete));
        });
    }

    fn check_all(&mut self) {
        self.pause_background();
        self.checking_all = true;
        self.note = Some("Checking every exercise...".into());
        self.draw();
        let course = self.course.clone();
        let tx = self.tx.clone();
        thread::spawn(move || {
            let checker = Checker::for_course(&course, true);
            let all: Vec<_> = course.exercises.iter().collect();
            let result = check_all(&checker, &all, false, None).map_err(|e| format!("{e:#}"));
            let _ = tx.send(Event::CheckedAll(result));
        });
    }

    fn finished(&mut self, outcome: Outcome) -> Result<()> {
        let ex = &self.course.exercises[self.shown];
        if outcome.status == Status::Pass && !self.progress.is_done(&ex.name) {
            self.progress.mark_done(self.shown)?;
        }
        self.outcome = Some(outcome);
        Ok(())
    }

    fn draw(&mut self) {
        let ex = &self.course.exercises[self.shown];
        let mut screen = String::from("\x1b[H\x1b[2J");
        screen.push_str(&ui::header(&self.course, &self.progress, ex));
        screen.push('\n');
        if let Some(note) = &self.note
            && !note.is_empty()
        {
            screen.push_str(note);
            screen.push_str("\n\n");
        }
        match self.screen {
            Screen::List => screen.push_str(&ui::list(&self.course, &self.progress)),
            Screen::All => {
                for v in &self.all {
                    screen.push_str(&format!("{:>14}  {}\n", v.status.label(), v.name));
                }
                let passed = self.all.iter().filter(|v| v.status == Status::Pass).count();
                screen.push_str(&format!(
                    "\n{passed} of {} exercises pass.\n",
                    self.all.len()
                ));
            }
            Screen::ConfirmReset => screen.push_str(&format!(
                "Reset {} to how it was shipped? Your changes will be lost. [y/N]\n",
                ex.name
            )),
            Screen::Exercise => {
                // What must stay on screen below the output: verdict, success, hints.
                let mut tail = String::new();
                let output = if self.running.is_some() {
                    format!("{}\n{}", console::style("Checking…").dim(), self.streamed)
                } else if let Some(outcome) = &self.outcome {
                    tail.push_str(&ui::verdict(&self.course, ex, outcome));
                    if outcome.status == Status::Pass {
                        let next = self
                            .progress
                            .first_pending_from(self.shown + 1)
                            .filter(|&i| i != self.shown)
                            .map(|i| &self.course.exercises[i]);
                        tail.push('\n');
                        tail.push_str(&ui::success(&self.course, ex, next));
                        if self.progress.all_done() {
                            tail.push('\n');
                            tail.push_str(self.course.final_message.trim_end());
                            tail.push('\n');
                        }
                    }
                    ui::outcome_output(outcome)
                } else {
                    String::new()
                };
                for n in 0..self.hints_shown {
                    tail.push('\n');
                    tail.push_str(&ui::hint(ex, n));
                }
                // The header above and the keys below stay visible: the output gets the rows
                // in between (the footer is a blank line, a status line and the keys).
                let cols = ui::width();
                let room = ui::height()
                    .saturating_sub(ui::rows_of(&screen, cols) + ui::rows_of(&tail, cols) + 3);
                screen.push_str(&ui::fit(&output, room, cols));
                screen.push_str(&tail);
            }
        }
        let done = self.progress.is_done(&ex.name);
        screen.push('\n');
        if self.background.running.is_some() && !self.background.done {
            screen.push_str(&ui::background_status(self.background.built));
            screen.push('\n');
        }
        screen.push_str(&ui::keys(done && !self.progress.all_done()));
        screen.push('\n');
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(screen.as_bytes());
        let _ = out.flush();
    }
}
