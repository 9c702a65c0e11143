//! # A log-structured key-value store, step 2: crash recovery
//!
//! Step 1's store (given: `store.rs`) trusts its log. A real log meets crashes: the process
//! is killed, or the machine loses power, in the middle of an append. Since records are only
//! ever appended, the damage has one shape: the **last record is torn**. Its first bytes made
//! it to the file and the rest did not, or the disk wrote its blocks out of order and some
//! of them hold stale bytes. Every record before it is whole, because it was written and the
//! write returned before this one began.
//!
//! Step 1's `open` (below, ready to change) fails on such a log, and the store never opens
//! again. It has to find where the valid log ends instead, and that is what the header was
//! made for. A record is valid only when:
//!
//! - the file still holds a whole header ([`HEADER_LEN`] bytes) after the record's start;
//! - the file still holds the `key_len + value_len` bytes the header claims, counted by
//!   what is left in the file **before** allocating anything: a torn header can claim 4 GiB,
//!   and believing it is an out-of-memory crash on every restart;
//! - the CRC-32 of everything after the `crc` field (the header's other 8 bytes, the key and
//!   the value) equals `crc`. A length can look fine while the bytes are wrong; one flipped
//!   bit changes the checksum.
//!
//! The first record that fails any check ends the log. Everything before it is kept;
//! everything from it on is a write that never returned, so it is dropped, and never
//! returned by `get`. Then the file is **truncated** to the end of the last valid record:
//! the store appends, and a record appended after garbage would be lost at the next open,
//! whose scan stops at the garbage.
//!
//! The tests crash the store the deterministic way: they cut the log at every byte of its
//! last record, flip each of its bytes, and append a header that lies about its lengths.
//!
//! `crc32fast::Hasher` computes the CRC in pieces (`update` with the header's last 8 bytes,
//! then with the body, then `finalize`); `crc32fast::hash(bytes)` in one go.
//!
//! Primary sources: the Bitcask paper, <https://riak.com/assets/bitcask-intro.pdf> (its
//! record has a CRC for the same reason); SQLite on what a crash does to a write,
//! <https://www.sqlite.org/atomiccommit.html>.

mod record;
mod store;

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, ErrorKind, Read};
use std::path::Path;

pub use record::{HEADER_LEN, Header, TOMBSTONE, encode};

impl Store {
    /// Opens the log at `path` (creating it if needed) and rebuilds the keydir from its valid
    /// records; cuts off whatever follows the last one.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Store> {
        // TODO: stop at the first record that is short or whose CRC is wrong (check its
        //       lengths against what is left in the file before reading its body), then
        //       truncate the file to the end of the last valid record.
        let file = open_log(path.as_ref())?;
        let mut keydir = HashMap::new();
        let mut reader = BufReader::new(&file);
        let mut end = 0; // where the records read so far end
        loop {
            let mut head = [0; HEADER_LEN];
            match reader.read_exact(&mut head) {
                Err(err) if err.kind() == ErrorKind::UnexpectedEof => break,
                result => result?,
            }
            let header = Header::parse(&head);
            let mut key = vec![0; header.key_len as usize];
            reader.read_exact(&mut key)?;
            let offset = end + (HEADER_LEN + key.len()) as u64;
            match header.value_len {
                Some(len) => {
                    // The value is not needed to build the index: skip it.
                    reader.seek_relative(i64::from(len))?;
                    keydir.insert(key, Location { offset, len });
                }
                None => {
                    keydir.remove(&key);
                }
            }
            end += HEADER_LEN as u64 + header.body_len();
        }
        Ok(Store { file, keydir, end })
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the store's state. The record format is in `record.rs`; put, get and delete are in
// `store.rs`.
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
