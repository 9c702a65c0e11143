//! Deterministic crashes for compaction, given. A real crash cannot be scheduled for "after
//! byte 37 of the new file"; a failpoint can. Compaction writes its new file through
//! [`Failpoint::writer`] and calls [`Failpoint::check`] after each stage; a test picks where
//! it fails, drops the store as a crashed process would leave it, and reopens the log.

use std::fs::File;
use std::io::{self, Write};

/// The stages a compaction reports to its failpoint, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every live record is written to the compaction file, which is not yet synced.
    Written,
    /// The compaction file is synced: its bytes are on disk.
    Synced,
    /// The compaction file has been renamed over the log.
    Renamed,
}

/// Where a compaction is made to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Failpoint {
    /// Nowhere: a normal compaction.
    #[default]
    Never,
    /// Writes to the compaction file fail once this many bytes have been written: the write
    /// that crosses the line writes only the bytes up to it, as a crash would leave them.
    AfterBytes(u64),
    /// [`Failpoint::check`] fails at this stage.
    At(Stage),
}

impl Failpoint {
    /// Fails if this is the stage the compaction is to crash at.
    pub fn check(self, stage: Stage) -> io::Result<()> {
        if self == Failpoint::At(stage) {
            return Err(crash(&format!("at stage {stage:?}")));
        }
        Ok(())
    }

    /// Wraps the compaction file: write the new log through this.
    pub fn writer(self, file: File) -> FailingWriter {
        let left = match self {
            Failpoint::AfterBytes(n) => Some(n),
            _ => None,
        };
        FailingWriter { file, left }
    }
}

/// A file whose writes fail after a number of bytes (see [`Failpoint::AfterBytes`]).
#[derive(Debug)]
pub struct FailingWriter {
    file: File,
    /// Bytes that may still be written, if limited.
    left: Option<u64>,
}

impl FailingWriter {
    /// The file underneath, to sync it.
    pub fn file(&self) -> &File {
        &self.file
    }
}

impl Write for FailingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let allowed = match self.left {
            Some(0) if !buf.is_empty() => return Err(crash("while writing the new file")),
            Some(left) => buf.len().min(usize::try_from(left).unwrap_or(usize::MAX)),
            None => buf.len(),
        };
        let written = self.file.write(&buf[..allowed])?;
        if let Some(left) = &mut self.left {
            *left -= written as u64;
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

fn crash(when: &str) -> io::Error {
    io::Error::other(format!("simulated crash {when}"))
}
