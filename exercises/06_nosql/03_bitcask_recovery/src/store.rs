//! Step 1, put, get and delete: your solution to `bitcask_append`, given here.

use std::io::{self, Read, Seek, SeekFrom, Write};

use super::{HEADER_LEN, Location, Store, encode};

impl Store {
    /// Stores `value` under `key`: appends one record.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> io::Result<()> {
        let record = encode(key, Some(value))?;
        let offset = self.end + (HEADER_LEN + key.len()) as u64;
        self.append(&record)?;
        let len = value.len() as u32; // encode refused anything longer
        self.keydir.insert(key.to_vec(), Location { offset, len });
        Ok(())
    }

    /// The latest value of `key`, read from the log at the place the keydir gives.
    pub fn get(&mut self, key: &[u8]) -> io::Result<Option<Vec<u8>>> {
        let Some(&Location { offset, len }) = self.keydir.get(key) else {
            return Ok(None);
        };
        let mut value = vec![0; len as usize];
        self.file.seek(SeekFrom::Start(offset))?;
        self.file.read_exact(&mut value)?;
        Ok(Some(value))
    }

    /// Deletes `key` by appending a tombstone; `false` (and nothing written) if it was not
    /// there.
    pub fn delete(&mut self, key: &[u8]) -> io::Result<bool> {
        if !self.keydir.contains_key(key) {
            return Ok(false);
        }
        self.append(&encode(key, None)?)?;
        self.keydir.remove(key);
        Ok(true)
    }

    /// Writes a whole record at the end of the log, in one call: a crash can tear only the
    /// last record, never one that was already there.
    fn append(&mut self, record: &[u8]) -> io::Result<()> {
        self.file.write_all(record)?;
        self.end += record.len() as u64;
        Ok(())
    }
}
