//! The build of the whole course that runs at low priority while the learner works, so that
//! dependencies (SQLite, tokio...) are ready before an exercise needs them. It steps aside for
//! every check: a stopped cargo would keep the build-directory lock, so it is ended instead;
//! cargo keeps every crate it finished, and the next start resumes from there.

use super::events::Event;
use crate::cargo;
use crate::course::Course;
use crate::process::Cancel;
use std::sync::mpsc::Sender;
use std::thread;

/// The background build's state.
#[derive(Default)]
pub struct Background {
    /// Which run this is; events of an older run are ignored.
    run_id: u64,
    /// Set while it runs.
    running: Option<Cancel>,
    /// Crates built so far.
    built: u64,
    /// Nothing left to build.
    done: bool,
}

impl Background {
    /// Crates built so far, while it runs and has work left.
    pub fn status(&self) -> Option<u64> {
        (self.running.is_some() && !self.done).then_some(self.built)
    }

    /// Stops it, if it runs.
    pub fn pause(&mut self) {
        if let Some(cancel) = self.running.take() {
            cancel.cancel();
            self.run_id += 1;
        }
    }

    /// Starts it again unless it is running or has nothing left to build.
    pub fn resume(&mut self, course: &Course, tx: &Sender<Event>) {
        if self.done || self.running.is_some() {
            return;
        }
        self.run_id += 1;
        let run_id = self.run_id;
        let cancel = Cancel::default();
        self.running = Some(cancel.clone());
        let course = course.clone();
        let tx = tx.clone();
        thread::spawn(move || {
            let names: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
            let progress_tx = tx.clone();
            let complete = cargo::build_in_background(&course.root, &names, &cancel, || {
                let _ = progress_tx.send(Event::BackgroundProgress(run_id));
            });
            let _ = tx.send(Event::BackgroundEnded(run_id, complete));
        });
    }

    /// One more crate built by run `run_id`; `true` if the status line should be redrawn.
    pub fn built_one(&mut self, run_id: u64) -> bool {
        if run_id != self.run_id {
            return false;
        }
        self.built += 1;
        self.built.is_multiple_of(5)
    }

    /// Run `run_id` ended; `true` if it was the current run.
    pub fn ended(&mut self, run_id: u64, complete: bool) -> bool {
        if run_id != self.run_id {
            return false;
        }
        self.running = None;
        self.done = complete;
        true
    }
}
