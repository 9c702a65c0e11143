//! `--edit-cmd`: opens the current exercise's file in the learner's editor whenever an
//! exercise becomes current, so moving on never means hunting for the next file.

use anyhow::{Result, bail};
use std::path::Path;
use std::process::{Command, Stdio};

/// An editor command, such as `code -r` or `zed`, to which the file's path is appended.
pub struct Editor {
    program: String,
    args: Vec<String>,
}

impl Editor {
    /// Parses the command as words separated by spaces.
    pub fn parse(cmd: &str) -> Result<Editor> {
        let mut words = cmd.split_whitespace().map(str::to_string);
        let Some(program) = words.next() else {
            bail!(
                "--edit-cmd is empty: give the command that opens a file in your editor, e.g. --edit-cmd code"
            );
        };
        Ok(Editor {
            program,
            args: words.collect(),
        })
    }

    /// Opens `file`; returns a sentence to show if the editor could not be started. The
    /// editor runs on its own (a GUI editor, or a client that hands the file to one): its
    /// output would draw over the screen, so it goes nowhere.
    pub fn open(&self, file: &Path) -> Option<String> {
        let spawned = Command::new(&self.program)
            .args(&self.args)
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                // Reaped on a thread of its own, so no zombie is left behind.
                std::thread::spawn(move || child.wait());
                None
            }
            Err(e) => Some(format!(
                "--edit-cmd could not start `{}` ({e}); check that it is on your PATH.",
                self.program
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_split_into_program_and_arguments() {
        let editor = Editor::parse("  code   -r ").unwrap();
        assert_eq!(editor.program, "code");
        assert_eq!(editor.args, ["-r"]);
        assert!(Editor::parse("   ").is_err());
    }

    #[test]
    fn a_missing_editor_is_one_sentence() {
        let editor = Editor::parse("no-such-editor-backlings").unwrap();
        let said = editor.open(Path::new("/tmp/x")).expect("cannot start");
        assert!(said.contains("no-such-editor-backlings"), "{said}");
    }
}
