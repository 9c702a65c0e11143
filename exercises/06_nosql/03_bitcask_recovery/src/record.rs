//! The record format of the log, given. Every record is a header and then the key and value:
//!
//! ```text
//! +----------+-----------+-------------+-----+-------+
//! | crc: u32 | key_len:  | value_len:  | key | value |
//! |          | u32       | u32         |     |       |
//! +----------+-----------+-------------+-----+-------+
//!  <------------ HEADER_LEN = 12 ------->
//! ```
//!
//! Integers are little-endian. `crc` is the CRC-32 of everything after it (the two lengths,
//! the key and the value), so a torn or damaged record can be recognised. A `value_len` of
//! [`TOMBSTONE`] marks a delete: the record has a key and no value. An empty value is a
//! `value_len` of 0, which is not a delete.

use std::io;

/// Bytes in a record header: crc, key length, value length.
pub const HEADER_LEN: usize = 12;

/// The `value_len` of a tombstone, the record a delete appends.
pub const TOMBSTONE: u32 = u32::MAX;

/// A record header, read from the first [`HEADER_LEN`] bytes of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The CRC-32 the writer computed over the record after this field.
    pub crc: u32,
    pub key_len: u32,
    /// The value's length, or `None` for a tombstone.
    pub value_len: Option<u32>,
}

impl Header {
    /// Reads a header. Any 12 bytes are *a* header: whether it is true is for the CRC to say.
    pub fn parse(bytes: &[u8; HEADER_LEN]) -> Header {
        let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap());
        let value_len = u32_at(8);
        Header {
            crc: u32_at(0),
            key_len: u32_at(4),
            value_len: (value_len != TOMBSTONE).then_some(value_len),
        }
    }

    /// Bytes after the header: the key and the value (if any).
    pub fn body_len(&self) -> u64 {
        u64::from(self.key_len) + u64::from(self.value_len.unwrap_or(0))
    }
}

/// The bytes of one record: `value` `None` is a tombstone. Built in one buffer so that the
/// store writes it with one call, and a crash can tear at most this record.
pub fn encode(key: &[u8], value: Option<&[u8]>) -> io::Result<Vec<u8>> {
    let too_long = || io::Error::new(io::ErrorKind::InvalidInput, "key or value over 4 GiB");
    let key_len = u32::try_from(key.len()).map_err(|_| too_long())?;
    let value_len = match value {
        Some(value) => u32::try_from(value.len())
            .ok()
            .filter(|&len| len != TOMBSTONE)
            .ok_or_else(too_long)?,
        None => TOMBSTONE,
    };
    let mut record = Vec::with_capacity(HEADER_LEN + key.len() + value.map_or(0, <[u8]>::len));
    record.extend_from_slice(&[0; 4]); // the crc, filled in below
    record.extend_from_slice(&key_len.to_le_bytes());
    record.extend_from_slice(&value_len.to_le_bytes());
    record.extend_from_slice(key);
    record.extend_from_slice(value.unwrap_or_default());
    let crc = crc32fast::hash(&record[4..]);
    record[..4].copy_from_slice(&crc.to_le_bytes());
    Ok(record)
}
