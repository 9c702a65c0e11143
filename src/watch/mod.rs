//! Watch mode: file events, keys and check results meet in one event loop, which decides what
//! to run and what to draw.

mod background;
mod editor;
mod events;
mod list;
mod state;

use crate::commands;
use crate::ui;
use anyhow::{Result, bail};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::mpsc;

/// How watch mode was asked for.
pub struct Options {
    /// Start on this exercise (its name or folder) instead of the current one.
    pub name: Option<String>,
    /// Poll for changes instead of waiting for file events.
    pub poll: bool,
    /// Open each exercise that becomes current with this command.
    pub edit_cmd: Option<String>,
}

/// `backlings` / `backlings watch [NAME]`.
pub fn run(options: Options) -> Result<ExitCode> {
    let (course, mut progress) = commands::load()?;
    let start = match &options.name {
        Some(name) => Some(course.find(name)?),
        None => None,
    };
    let editor = options
        .edit_cmd
        .as_deref()
        .map(editor::Editor::parse)
        .transpose()?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "watch mode needs a terminal; use `backlings run` to check the current exercise once, or `backlings verify` to check them all"
        );
    }
    if let Some(ex) = start {
        let index = course.index_of(&ex.name).expect("found in this course");
        progress.set_current(index)?;
    }
    let (tx, rx) = mpsc::channel();
    let _watcher = events::start_watcher(&course.root, options.poll, tx.clone())?;
    // Raw mode is set once, before the key reader starts, and restored once on the way out.
    if !ui::terminal::enter_raw_mode() {
        bail!(
            "cannot set up the terminal for watch mode; use `backlings run` to check the current exercise once"
        );
    }
    events::spawn_key_reader(tx.clone());
    let _ = console::Term::stdout().hide_cursor();
    let mut watch = state::Watch::new(course, progress, editor, tx);
    let result = watch.event_loop(&rx);
    watch.stop();
    ui::restore_terminal();
    result.map(|()| ExitCode::SUCCESS)
}
