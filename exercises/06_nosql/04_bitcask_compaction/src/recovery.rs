//! Step 2, reading a record that may be torn: your solution to `bitcask_recovery`, given
//! here.

use std::io::{self, Read};

use super::{HEADER_LEN, Header};

/// The next record's header and key, if the `left` bytes that remain in the log start with
/// a whole record whose checksum matches; `None` where the valid log ends.
pub(crate) fn read_record(
    reader: &mut impl Read,
    left: u64,
) -> io::Result<Option<(Header, Vec<u8>)>> {
    if left < HEADER_LEN as u64 {
        return Ok(None);
    }
    let mut head = [0; HEADER_LEN];
    reader.read_exact(&mut head)?;
    let header = Header::parse(&head);
    // Lengths from a torn header are garbage: believe them only as far as the file goes.
    if header.body_len() > left - HEADER_LEN as u64 {
        return Ok(None);
    }
    let mut body = vec![0; header.body_len() as usize];
    reader.read_exact(&mut body)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(&head[4..]);
    crc.update(&body);
    if crc.finalize() != header.crc {
        return Ok(None);
    }
    body.truncate(header.key_len as usize);
    Ok(Some((header, body)))
}
