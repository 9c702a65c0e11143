//! Watch mode's state and how each event changes it: which exercise is shown, the check that
//! runs or ended, the screen, the hints, the list. A save during a check cancels it and starts
//! a new one, so the screen always ends on the result of the files as they are on disk.

use super::background::Background;
use super::editor::Editor;
use super::events::{Event, Key, is_relevant};
use super::list::{Action, ListState};
use crate::cache::{content_digest, crate_dirs};
use crate::check::{Checker, Outcome, Status};
use crate::course::Course;
use crate::process::Cancel;
use crate::progress::Progress;
use crate::ui::screen::{self, Check, ExerciseScreen, ListScreen, Size};
use crate::verify::check_all;
use crate::{record, ui};
use anyhow::Result;
use std::io::Write;
use std::sync::mpsc::{Receiver, Sender};
use std::thread;

/// What the screen shows below the header.
#[derive(PartialEq)]
enum Screen {
    /// The shown exercise's result (or its check running).
    Exercise,
    /// The course list.
    List,
    /// Reset asks y/n about exercise `index`; then back to the list or the exercise.
    ConfirmReset { index: usize, from_list: bool },
    /// The summary of a check of the whole course.
    All,
}

/// The check of the shown exercise.
#[derive(Default)]
struct CheckRun {
    /// Which check this is; events of an older one are ignored.
    id: u64,
    /// Set while it runs.
    running: Option<Cancel>,
    /// Diagnostics reported so far by the running check.
    streamed: String,
    /// How the last check ended.
    outcome: Option<Outcome>,
    /// The exercise's files are missing: the sentence that says how to restore them.
    missing: Option<String>,
}

/// Watch mode.
pub struct Watch {
    course: Course,
    progress: Progress,
    /// The exercise on screen (stays on a finished one until `n`).
    shown: usize,
    check: CheckRun,
    checking_all: bool,
    /// A save arrived during check-all: check the exercise once it ends.
    rerun_after_all: bool,
    hints_shown: usize,
    screen: Screen,
    list: ListState,
    all: Vec<(String, Status)>,
    /// A note answering the last key or event.
    note: Option<String>,
    note_is_welcome: bool,
    background: Background,
    editor: Option<Editor>,
    tx: Sender<Event>,
}

impl Watch {
    /// Watch mode on the current exercise; the welcome message shows on a fresh course.
    pub fn new(
        course: Course,
        progress: Progress,
        editor: Option<Editor>,
        tx: Sender<Event>,
    ) -> Watch {
        let fresh = progress.done_count() == 0;
        let shown = progress.current();
        let note = fresh.then(|| course.welcome_message.trim_end().to_string());
        Watch {
            list: ListState::new(shown),
            course,
            progress,
            shown,
            check: CheckRun::default(),
            checking_all: false,
            rerun_after_all: false,
            hints_shown: 0,
            screen: Screen::Exercise,
            all: Vec::new(),
            note,
            note_is_welcome: fresh,
            background: Background::default(),
            editor,
            tx,
        }
    }

    /// Runs until the learner quits or the channel closes.
    pub fn event_loop(&mut self, rx: &Receiver<Event>) -> Result<()> {
        self.became_current();
        self.start_check();
        while let Ok(event) = rx.recv() {
            let keep_going = match event {
                Event::Files(paths) => {
                    // A save in a crate the exercise depends on (the capstone's earlier
                    // exercises) changes its outcome as much as a save in its own.
                    let dirs =
                        crate_dirs(&self.course.exercise_dir(&self.course.exercises[self.shown]));
                    let relevant_to =
                        |p: &std::path::PathBuf| dirs.iter().any(|d| is_relevant(d, p));
                    let mut relevant = paths.iter().any(relevant_to);
                    // Take the rest of a burst (a rename save is several events) in one go.
                    let mut keep_going = true;
                    for event in rx.try_iter().collect::<Vec<_>>() {
                        match event {
                            Event::Files(more) => relevant |= more.iter().any(relevant_to),
                            other => keep_going &= self.handle(other)?,
                        }
                    }
                    if relevant {
                        self.saved();
                    }
                    keep_going
                }
                other => self.handle(other)?,
            };
            if !keep_going {
                break;
            }
        }
        Ok(())
    }

    /// Ends what runs in the background: the check and the dependency build.
    pub fn stop(&mut self) {
        if let Some(cancel) = self.check.running.take() {
            cancel.cancel();
        }
        self.background.pause();
    }

    /// A file of the shown exercise changed.
    fn saved(&mut self) {
        if self.checking_all {
            self.rerun_after_all = true;
            return;
        }
        if self.screen == Screen::Exercise || self.screen == Screen::All {
            self.screen = Screen::Exercise;
        }
        // The welcome has been read once the learner saves; other notes (a reset's report,
        // a watcher warning) stay until a key.
        if self.note_is_welcome {
            self.note = None;
            self.note_is_welcome = false;
        }
        self.start_check();
    }

    /// Handles one event; `false` means quit.
    fn handle(&mut self, event: Event) -> Result<bool> {
        match event {
            Event::Files(_) => {}
            Event::Progress => self.progress_changed(),
            Event::WatchError(e) => {
                self.note = Some(format!(
                    "Watching files failed ({e}); saves may go unnoticed. Restart with `backlings watch --poll`."
                ));
                self.draw();
            }
            Event::Resize => self.draw(),
            Event::Diagnostic(id, text) if id == self.check.id => {
                // Compile errors reach the screen as the compiler reports them.
                self.check.streamed.push_str(&text);
                self.draw();
            }
            Event::Diagnostic(..) => {}
            Event::Checked(id, result) if id == self.check.id => {
                self.check.running = None;
                match result {
                    Ok(Some(outcome)) => self.finished(outcome)?,
                    Ok(None) => {}
                    Err(e) => {
                        self.check.outcome = None;
                        self.note = Some(format!("The check could not run: {e}"));
                    }
                }
                self.draw();
                self.resume_background();
            }
            Event::Checked(..) => {}
            Event::BackgroundProgress(id) => {
                // Only the status line changes: redraw when nothing else is in motion.
                if self.background.built_one(id) && self.check.running.is_none() {
                    self.draw();
                }
            }
            Event::BackgroundEnded(id, complete) => {
                if self.background.ended(id, complete) && self.check.running.is_none() {
                    self.draw();
                }
            }
            Event::CheckedAll(result) => self.checked_all(result)?,
            Event::Key(key) => return self.key(key),
        }
        Ok(true)
    }

    /// Another backlings (or this one) rewrote the progress file: follow what it says.
    fn progress_changed(&mut self) {
        let (fresh, _) = Progress::load(&self.course);
        let marks = |p: &Progress| {
            let done: Vec<bool> = self
                .course
                .exercises
                .iter()
                .map(|e| p.is_done(&e.name))
                .collect();
            (p.current(), done)
        };
        if marks(&fresh) != marks(&self.progress) {
            self.progress = fresh;
            self.draw();
        }
    }

    fn checked_all(&mut self, result: Result<Vec<crate::verify::Verdict>, String>) -> Result<()> {
        self.checking_all = false;
        self.note = None;
        match result {
            Ok(verdicts) => {
                if let Err(e) = record::mark_all_passed(&self.course, &mut self.progress, &verdicts)
                {
                    self.note = Some(unsaved(&e));
                }
                self.all = verdicts.into_iter().map(|v| (v.name, v.status)).collect();
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
        Ok(())
    }

    fn key(&mut self, key: Key) -> Result<bool> {
        match self.screen {
            Screen::ConfirmReset { index, from_list } => {
                self.screen = if from_list {
                    Screen::List
                } else {
                    Screen::Exercise
                };
                if matches!(key, Key::Char('y') | Key::Char('Y')) {
                    self.reset(index)?;
                } else {
                    self.note = Some("Reset cancelled; nothing changed.".into());
                    self.draw();
                }
                return Ok(true);
            }
            Screen::List => return self.list_key(key),
            Screen::Exercise | Screen::All => {}
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
                self.list.open_at(self.progress.current());
                self.screen = Screen::List;
                self.draw();
            }
            Key::Char('r') => {
                self.screen = Screen::Exercise;
                self.start_check();
            }
            Key::Char('c') if !self.checking_all => self.check_all(),
            Key::Char('x') => {
                self.screen = Screen::ConfirmReset {
                    index: self.shown,
                    from_list: false,
                };
                self.draw();
            }
            Key::Char('n') => self.next()?,
            _ => {
                self.screen = Screen::Exercise;
                self.draw();
            }
        }
        Ok(true)
    }

    fn list_key(&mut self, key: Key) -> Result<bool> {
        self.note = None;
        match self.list.key(key, &self.course, &self.progress) {
            Action::Redraw => self.draw(),
            Action::Nothing => {}
            Action::Open(index) => self.work_on(index)?,
            Action::Reset(index) => {
                self.screen = Screen::ConfirmReset {
                    index,
                    from_list: true,
                };
                self.draw();
            }
            Action::Close => {
                self.screen = Screen::Exercise;
                self.draw();
            }
            Action::Quit => return Ok(false),
        }
        Ok(true)
    }

    /// `n`: on to the next pending exercise, once the shown one is done.
    fn next(&mut self) -> Result<()> {
        let done = self
            .progress
            .is_done(&self.course.exercises[self.shown].name);
        if !done || self.progress.all_done() {
            self.note = Some(if done {
                "Every exercise is done.".into()
            } else {
                "Make the tests pass first; then n moves on.".into()
            });
            self.screen = Screen::Exercise;
            self.draw();
            return Ok(());
        }
        let current = self.progress.current();
        let next = if current == self.shown {
            self.progress
                .first_pending_from(self.shown + 1)
                .unwrap_or(current)
        } else {
            current
        };
        self.work_on(next)
    }

    /// Makes exercise `index` current and checks it.
    fn work_on(&mut self, index: usize) -> Result<()> {
        if let Err(e) = self.progress.set_current(index) {
            // Moving on still works; only where to start next time is not remembered.
            self.note = Some(format!(
                "{} is current for now, but {e}.",
                self.course.exercises[index].name
            ));
        }
        self.shown = index;
        self.hints_shown = 0;
        self.check.outcome = None;
        self.screen = Screen::Exercise;
        self.became_current();
        self.start_check();
        Ok(())
    }

    /// The shown exercise just became current: open it in the learner's editor.
    fn became_current(&mut self) {
        if let Some(editor) = &self.editor {
            let file = self
                .course
                .exercise_dir(&self.course.exercises[self.shown])
                .join("src/lib.rs");
            if let Some(problem) = editor.open(&file) {
                self.note = Some(problem);
            }
        }
    }

    /// Restores exercise `index` as shipped; it is pending again only if that worked.
    fn reset(&mut self, index: usize) -> Result<()> {
        let name = self.course.exercises[index].name.clone();
        self.note = Some(
            match record::reset(&self.course, &mut self.progress, index) {
                Ok(record::Reset {
                    restored,
                    unsaved: None,
                }) => format!("{name} was reset ({} file(s) restored).", restored.len()),
                Ok(record::Reset {
                    unsaved: Some(e), ..
                }) => format!("{name} was reset, but {e}."),
                Err(e) => format!("Reset failed: {e:#}"),
            },
        );
        if index == self.shown {
            self.start_check();
        } else {
            self.draw();
        }
        Ok(())
    }

    /// Starts a check of the shown exercise, cancelling one that is running.
    fn start_check(&mut self) {
        if let Some(cancel) = self.check.running.take() {
            cancel.cancel();
        }
        // The learner's check goes first.
        self.background.pause();
        self.check.id += 1;
        self.check.streamed.clear();
        let ex = self.course.exercises[self.shown].clone();
        self.check.missing = self
            .course
            .check_present(&ex)
            .err()
            .map(|e| format!("{e:#}."));
        if self.check.missing.is_some() {
            self.check.outcome = None;
            self.draw();
            return;
        }
        let id = self.check.id;
        let cancel = Cancel::default();
        self.check.running = Some(cancel.clone());
        self.draw();
        let course = self.course.clone();
        let tx = self.tx.clone();
        thread::spawn(move || {
            let checker = Checker::for_course(&course, true);
            let content = content_digest(&course.exercise_dir(&ex));
            let diag_tx = tx.clone();
            let result = checker.check_one(&ex, &cancel, |_, text| {
                let _ = diag_tx.send(Event::Diagnostic(id, text.to_string()));
            });
            let outcome = result.as_ref().ok().and_then(Option::as_ref).cloned();
            let _ = tx.send(Event::Checked(id, result.map_err(|e| format!("{e:#}"))));
            // Remembered after the screen has its result, off the learner's path: a later
            // `verify` or `c` answers this exercise from the cache.
            if let Some(outcome) = outcome {
                record::remember(&course, content.as_deref(), true, &outcome);
            }
        });
    }

    fn resume_background(&mut self) {
        if self.check.running.is_none() && !self.checking_all {
            self.background.resume(&self.course, &self.tx);
        }
    }

    fn check_all(&mut self) {
        // One missing folder would fail the whole build with cargo's words, not ours.
        if let Some(e) = self
            .course
            .exercises
            .iter()
            .find_map(|ex| self.course.check_present(ex).err())
        {
            self.note = Some(format!("Cannot check every exercise: {e:#}."));
            self.draw();
            return;
        }
        self.background.pause();
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
        if let Err(e) =
            record::mark_if_passed(&self.course, &mut self.progress, self.shown, outcome.status)
        {
            self.note = Some(unsaved(&e));
        }
        self.check.outcome = Some(outcome);
        Ok(())
    }

    fn draw(&mut self) {
        let size = Size {
            rows: ui::height(),
            cols: ui::width(),
        };
        let shown = &self.course.exercises[self.shown];
        let text = match self.screen {
            Screen::Exercise => {
                let check = if let Some(sentence) = &self.check.missing {
                    Check::Missing(sentence)
                } else if self.check.running.is_some() {
                    Check::Running {
                        streamed: &self.check.streamed,
                    }
                } else if let Some(outcome) = &self.check.outcome {
                    Check::Done(outcome)
                } else {
                    Check::Idle
                };
                screen::exercise(
                    &ExerciseScreen {
                        course: &self.course,
                        progress: &self.progress,
                        ex: shown,
                        note: self.note.as_deref(),
                        check,
                        hints_shown: self.hints_shown,
                        background: self.background.status(),
                    },
                    size,
                )
            }
            Screen::List => {
                let selected = &self.course.exercises[self.list.selected];
                let room =
                    screen::list_room(&self.course, &self.progress, shown, Some(selected), size);
                let rows = self.list.rows(&self.course, &self.progress, room);
                let selected = &self.course.exercises[self.list.selected];
                screen::list(
                    &ListScreen {
                        course: &self.course,
                        progress: &self.progress,
                        shown,
                        title: self.list.title(&self.course, &self.progress),
                        rows,
                        selected: Some(selected),
                        typing: self.list.typing(),
                        note: self.note.as_deref(),
                    },
                    size,
                )
            }
            Screen::ConfirmReset { index, .. } => screen::confirm_reset(
                &self.course,
                &self.progress,
                shown,
                &self.course.exercises[index],
                size,
            ),
            Screen::All => screen::all(&self.course, &self.progress, shown, &self.all, size),
        };
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

/// A pass that could not be recorded, in one sentence.
fn unsaved(e: &crate::progress::SaveError) -> String {
    format!(
        "✓ All tests pass, but your progress could not be saved to {} ({}): {}; the next pass records it.",
        e.path.display(),
        e.cause_text(),
        e.advice()
    )
}
