//! # A log-structured key-value store, step 3: compaction
//!
//! The log only grows. A key written a thousand times has a thousand records and one live
//! value; a deleted key has its records and a tombstone. **Compaction** (Bitcask calls it
//! merging) writes the live records, one per live key with its latest value and no
//! tombstones, to a new file, and puts that file in the log's place.
//!
//! "In the log's place" is where data gets lost. Writing the new records over the old log
//! destroys it before the new one is whole: a crash halfway leaves neither. The order that
//! loses nothing, in [`Store::compact_with`]:
//!
//! 1. Write the live records to a separate file, [`compaction_path`] beside the log, each
//!    as [`encode`] makes it, noting where each value lands: the new keydir.
//! 2. **Sync** it (`sync_all`): until then its bytes may sit in the OS's memory only, and a
//!    power cut after the rename could leave a log full of holes.
//! 3. **Rename** it over the log (`fs::rename`). On POSIX a rename within a directory is
//!    atomic: every later open sees the whole old log or the whole new one, never a mix.
//!    [`sync_dir`] (given) then makes the rename itself durable.
//! 4. Switch the store to the new file: reopen it (the old handle still points to the old,
//!    now unlinked file, where an append would be lost) and swap in the new keydir and end.
//!
//! A compaction that fails before the rename changes nothing the store uses: it carries on
//! with the old log and the old keydir. A crash before the rename leaves a half-written
//! compaction file; the log is untouched, so [`Store::open`] just deletes the leftover.
//!
//! The tests make compaction fail at every byte of the new file and after every stage,
//! through a [`Failpoint`] (given, `failpoint.rs`): write the new file through
//! `failpoint.writer(file)` and call `failpoint.check(Stage::...)?` after each stage. After
//! each crash they reopen the log and check every key: its latest value, or still deleted.
//!
//! Real Bitcask keeps many files and merges the closed ones while the active one takes
//! writes; here the whole log is one file, compacted while nothing else writes (`&mut self`).
//!
//! Primary sources: the Bitcask paper, section "merge",
//! <https://riak.com/assets/bitcask-intro.pdf>; `rename(2)`, atomic replacement,
//! <https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html>.

mod failpoint;
mod record;
mod recovery;
mod store;

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, ErrorKind, Write};
use std::path::{Path, PathBuf};

pub use failpoint::{FailingWriter, Failpoint, Stage};
pub use record::{HEADER_LEN, Header, TOMBSTONE, encode};
use recovery::read_record;
use store::read_value;

impl Store {
    /// Rewrites the log with only the live records, in the order that loses nothing
    /// whichever step a crash interrupts, reporting each stage to `failpoint`.
    pub fn compact_with(&mut self, failpoint: Failpoint) -> io::Result<()> {
        let temp = compaction_path(&self.path);
        let mut out = failpoint.writer(File::create(&temp)?);
        // Built aside: until the rename, the store keeps using the old log and keydir.
        let mut keydir = HashMap::new();
        let mut end = 0;
        for (key, &location) in &self.keydir {
            let value = read_value(&mut self.file, location)?;
            let record = encode(key, Some(&value))?;
            out.write_all(&record)?;
            let offset = end + (HEADER_LEN + key.len()) as u64;
            keydir.insert(key.clone(), Location { offset, ..location });
            end += record.len() as u64;
        }
        failpoint.check(Stage::Written)?;
        out.file().sync_all()?;
        failpoint.check(Stage::Synced)?;
        fs::rename(&temp, &self.path)?;
        sync_dir(&self.path)?;
        failpoint.check(Stage::Renamed)?;
        // The old handle reads the old, unlinked file: appends there would be lost.
        self.file = open_log(&self.path)?;
        self.keydir = keydir;
        self.end = end;
        Ok(())
    }

    /// Opens the log at `path` (creating it if needed), deletes a compaction file a crash
    /// left, and rebuilds the keydir from the log's valid records; cuts off what follows them.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Store> {
        let path = path.as_ref();
        // A crash during a compaction leaves its file; the log itself is whole.
        match fs::remove_file(compaction_path(path)) {
            Err(err) if err.kind() == ErrorKind::NotFound => {}
            result => result?,
        }
        let file = open_log(path)?;
        let file_len = file.metadata()?.len();
        let mut keydir = HashMap::new();
        let mut reader = BufReader::new(&file);
        let mut end = 0; // where the records read so far end
        while let Some((header, key)) = read_record(&mut reader, file_len - end)? {
            let offset = end + (HEADER_LEN + key.len()) as u64;
            match header.value_len {
                Some(len) => {
                    keydir.insert(key, Location { offset, len });
                }
                None => {
                    keydir.remove(&key);
                }
            }
            end += HEADER_LEN as u64 + header.body_len();
        }
        // What follows the last valid record is a write that never returned: cut it off, so
        // that the next record is appended right after a valid one.
        file.set_len(end)?;
        let path = path.to_path_buf();
        Ok(Store {
            path,
            file,
            keydir,
            end,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the store's state and file helpers. The record format is in `record.rs`; put, get
// and delete are in `store.rs`; reading a record that may be torn is in `recovery.rs`.
// ---------------------------------------------------------------------------------------------

impl Store {
    /// Compacts the log (see [`Store::compact_with`]), with no failpoint.
    pub fn compact(&mut self) -> io::Result<()> {
        self.compact_with(Failpoint::Never)
    }
}

/// Where a value sits in the log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Offset of the value's first byte (after the header and the key).
    pub offset: u64,
    /// Length of the value in bytes.
    pub len: u32,
}

/// A key-value store kept in one append-only log file.
#[derive(Debug)]
pub struct Store {
    /// Where the log is: compaction writes its new file beside it.
    path: PathBuf,
    /// The log, opened to read and to append.
    file: File,
    /// Every live key and where its latest value is.
    keydir: HashMap<Vec<u8>, Location>,
    /// The length of the log: where the next record will land.
    end: u64,
}

/// Opens the log at `path` to read and to append, creating it if it is not there.
fn open_log(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
}

/// The file a compaction of the log at `log` writes before renaming it over the log:
/// `store.log` compacts into `store.log.compact`.
pub fn compaction_path(log: &Path) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(".compact");
    PathBuf::from(name)
}

/// Makes a rename of `path` durable: on Unix, by syncing the directory that holds it (a
/// directory is a file listing names; the rename changed it). Elsewhere it does nothing.
pub fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
