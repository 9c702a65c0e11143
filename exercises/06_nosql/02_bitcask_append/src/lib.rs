//! # A log-structured key-value store, step 1: append and an index
//!
//! The simplest storage engine that survives a restart is a **log**: one file that is only
//! ever appended to. A write does not look for the old value to overwrite it; it appends a
//! new *record* (key and value) at the end. Appending is the fastest thing a disk does, and a
//! write can never damage data already on disk, because it never touches it.
//!
//! A log alone makes reads slow: the latest value of a key is in the last record for that
//! key, anywhere in the file. Bitcask (the storage engine of the Riak database) keeps a hash
//! table in memory, the **keydir**: each key maps to the [`Location`] of its latest value in
//! the file. A read is then one seek and one read, whatever the size of the log; the price is
//! that every key, though not every value, lives in memory.
//!
//! - `put` appends a record and points the keydir at its value.
//! - `get` looks the key up in the keydir and reads the value from the file. No scan.
//! - `delete` cannot erase anything, so it appends a **tombstone**, a record that says "this
//!   key is gone", and drops the key from the keydir.
//! - `open` rebuilds the keydir by reading the log from the start: each record sets its key
//!   to its value, each tombstone removes its key, so the last record for a key wins.
//!
//! The log grows with every overwrite and every delete; step 3 compacts it. A record's bytes
//! come from the given [`encode`] (`record.rs` shows the format: a header with a CRC-32 and
//! the two lengths, then the key and the value), and [`Header::parse`] reads a header back.
//! The CRC is for step 2, where a crash tears the last record; here every record is whole.
//!
//! The file is opened in append mode: every write goes to its end, whatever a read did to
//! the position. Keep the store's `end` (the file's length) up to date to know where a record
//! lands. Keys and values are bytes, any bytes: an empty value is a value, not a delete.
//!
//! Primary source: Sheehy and Smith, *Bitcask: A Log-Structured Hash Table for Fast
//! Key/Value Data* (Basho, 2010), <https://riak.com/assets/bitcask-intro.pdf>.

mod record;

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

pub use record::{HEADER_LEN, Header, TOMBSTONE, encode};

impl Store {
    /// Opens the log at `path` (creating it if needed) and rebuilds the keydir from it.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Store> {
        let file = open_log(path.as_ref())?;
        // TODO: read the records from the start of the file, header then key then value
        //       (or skip the value), and build the keydir: a record sets its key's Location,
        //       a tombstone removes the key. `end` is where the last record ends.
        let _ = file;
        todo!("open")
    }

    /// Stores `value` under `key`: appends one record.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        // TODO: append encode(key, Some(value)), point the keydir at the new value.
        let _ = (key, value, &mut self.file, &mut self.keydir, &mut self.end);
        todo!("put")
    }

    /// The latest value of `key`, read from the log at the place the keydir gives.
    pub fn get(&mut self, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        // TODO: one lookup in the keydir, one seek, one read.
        let _ = key;
        todo!("get")
    }

    /// Deletes `key` by appending a tombstone; `false` (and nothing written) if it was not
    /// there.
    pub fn delete(&mut self, key: &[u8]) -> io::Result<bool> {
        // TODO: append encode(key, None), drop the key from the keydir.
        let _ = key;
        todo!("delete")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the store's state. The record format is in `record.rs`.
// ---------------------------------------------------------------------------------------------

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
