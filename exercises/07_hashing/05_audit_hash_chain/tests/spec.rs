//! The specification: each entry's hash is SHA-256(prev || record), entries link to the one
//! before, and `verify` finds the first place a chain was edited, cut, reordered or rewritten,
//! using a checkpoint kept outside the log.

use audit_hash_chain::{AuditLog, Broken, Checkpoint, Entry, GENESIS, entry_hash, verify};
use sha2::{Digest, Sha256};

fn hx(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// A log of `n` records "event 0", "event 1", ...
fn log_of(n: usize) -> AuditLog {
    let mut log = AuditLog::new();
    for i in 0..n {
        log.append(format!("{{\"event\": {i}, \"by\": \"alice\"}}").as_bytes());
    }
    log
}

#[track_caller]
fn expect(entries: &[Entry], cp: &Checkpoint, want: Result<(), Broken>, why: &str) {
    assert_eq!(verify(entries, cp), want, "{why}");
}

// ---------------------------------------------------------------------------------------------
// Hashing and appending

#[test]
fn an_entry_hash_is_sha256_of_prev_then_record() {
    let want: [u8; 32] = Sha256::new()
        .chain_update(GENESIS)
        .chain_update(b"alice granted bob admin")
        .finalize()
        .into();
    assert_eq!(
        hx(&entry_hash(&GENESIS, b"alice granted bob admin")),
        hx(&want),
        "SHA-256 of the 32 bytes of prev, then the record's bytes"
    );
    let prev = [0xab; 32];
    let want: [u8; 32] = Sha256::digest([&prev[..], b""].concat()).into();
    assert_eq!(
        hx(&entry_hash(&prev, b"")),
        hx(&want),
        "an empty record: SHA-256(prev)"
    );
}

#[test]
fn the_first_entry_links_to_genesis() {
    let mut log = AuditLog::new();
    let hash = log.append(b"first");
    let e = &log.entries()[0];
    assert_eq!(
        hx(&e.prev),
        hx(&GENESIS),
        "the first entry's prev is GENESIS"
    );
    assert_eq!(e.record, b"first", "the record as given");
    assert_eq!(hx(&e.hash), hx(&entry_hash(&GENESIS, b"first")), "its hash");
    assert_eq!(hash, e.hash, "append returns the new entry's hash");
}

#[test]
fn each_entry_links_to_the_one_before() {
    let log = log_of(4);
    let entries = log.entries();
    assert_eq!(entries.len(), 4, "four appends, four entries");
    for i in 1..4 {
        assert_eq!(
            hx(&entries[i].prev),
            hx(&entries[i - 1].hash),
            "entry {i}'s prev is entry {}'s hash",
            i - 1
        );
        assert_eq!(
            hx(&entries[i].hash),
            hx(&entry_hash(&entries[i].prev, &entries[i].record))
        );
    }
}

#[test]
fn a_checkpoint_is_the_length_and_the_last_hash() {
    let empty = AuditLog::new();
    assert_eq!(
        empty.checkpoint(),
        Checkpoint {
            len: 0,
            head: GENESIS
        },
        "an empty log"
    );
    let mut log = log_of(2);
    let head = log.append(b"third");
    assert_eq!(
        log.checkpoint(),
        Checkpoint { len: 3, head },
        "three entries, the last hash"
    );
}

// ---------------------------------------------------------------------------------------------
// Verifying an intact log

#[test]
fn an_intact_log_verifies() {
    let log = log_of(5);
    expect(
        log.entries(),
        &log.checkpoint(),
        Ok(()),
        "nothing was changed",
    );
    let empty = AuditLog::new();
    expect(empty.entries(), &empty.checkpoint(), Ok(()), "an empty log");
}

#[test]
fn a_log_that_grew_after_the_checkpoint_verifies() {
    let mut log = log_of(3);
    let cp = log.checkpoint();
    log.append(b"later event");
    log.append(b"and another");
    expect(
        log.entries(),
        &cp,
        Ok(()),
        "appending after a checkpoint is what a log does",
    );
    let genesis = Checkpoint {
        len: 0,
        head: GENESIS,
    };
    expect(
        log.entries(),
        &genesis,
        Ok(()),
        "the checkpoint of the empty log",
    );
}

// ---------------------------------------------------------------------------------------------
// Attacks

#[test]
fn an_edited_record_is_found() {
    let log = log_of(5);
    let mut entries = log.entries().to_vec();
    entries[2].record = b"{\"event\": 2, \"by\": \"mallory\"}".to_vec();
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Edited { index: 2 }),
        "entry 2's record was changed, its hash was not",
    );
}

#[test]
fn an_edit_with_a_recomputed_hash_breaks_the_next_link() {
    let log = log_of(5);
    let mut entries = log.entries().to_vec();
    entries[2].record = b"nothing happened".to_vec();
    entries[2].hash = entry_hash(&entries[2].prev, &entries[2].record);
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Unlinked { index: 3 }),
        "entry 2 is self-consistent now, but entry 3 still links to its old hash",
    );
}

#[test]
fn a_removed_entry_is_found() {
    let log = log_of(5);
    let mut entries = log.entries().to_vec();
    entries.remove(1);
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Unlinked { index: 1 }),
        "entry 1 was deleted: the entry now at index 1 links to a hash no entry has",
    );
}

#[test]
fn reordered_entries_are_found() {
    let log = log_of(5);
    let mut entries = log.entries().to_vec();
    entries.swap(2, 3);
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Unlinked { index: 2 }),
        "entries 2 and 3 were swapped",
    );
}

#[test]
fn an_inserted_entry_is_found() {
    let log = log_of(4);
    let mut entries = log.entries().to_vec();
    let prev = entries[1].hash;
    let record = b"{\"event\": \"backdated\"}".to_vec();
    let hash = entry_hash(&prev, &record);
    entries.insert(2, Entry { prev, record, hash });
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Unlinked { index: 3 }),
        "a well-formed entry inserted after entry 1: the old entry 2, now 3, no longer links",
    );
}

#[test]
fn a_first_entry_not_linked_to_genesis_is_found() {
    let log = log_of(3);
    let mut entries = log.entries().to_vec();
    entries[0].prev = [1; 32];
    entries[0].hash = entry_hash(&entries[0].prev, &entries[0].record);
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Unlinked { index: 0 }),
        "entry 0's prev",
    );
}

#[test]
fn the_first_break_is_reported() {
    let log = log_of(6);
    let mut entries = log.entries().to_vec();
    entries[4].record = b"edited later in the log".to_vec();
    entries[1].record = b"edited earlier in the log".to_vec();
    expect(
        &entries,
        &log.checkpoint(),
        Err(Broken::Edited { index: 1 }),
        "two edits: the first one, in log order, is reported",
    );
}

#[test]
fn removed_entries_at_the_end_are_found_by_the_checkpoint() {
    let log = log_of(5);
    let cp = log.checkpoint();
    let entries = &log.entries()[..3];
    expect(
        entries,
        &cp,
        Err(Broken::Truncated { len: 3 }),
        "the last two entries were deleted: the chain that is left is intact, only the \
         checkpoint (5 entries) shows what is missing",
    );
    expect(
        &[],
        &cp,
        Err(Broken::Truncated { len: 0 }),
        "every entry deleted",
    );
}

#[test]
fn a_rewritten_log_is_found_by_the_checkpoint() {
    let log = log_of(5);
    let cp = log.checkpoint();
    // The attacker edits entry 1 and recomputes every hash after it: a consistent chain.
    let mut forged = AuditLog::new();
    for (i, e) in log.entries().iter().enumerate() {
        forged.append(if i == 1 { b"nothing to see" } else { &e.record });
    }
    expect(
        forged.entries(),
        &cp,
        Err(Broken::Rewritten),
        "every link and hash is right, but the head is not the one checkpointed",
    );
}

#[test]
fn a_rewrite_before_an_older_checkpoint_is_found() {
    let mut log = log_of(3);
    let cp = log.checkpoint();
    log.append(b"event 3");
    let mut forged = AuditLog::new();
    forged.append(b"forged event 0");
    for e in &log.entries()[1..] {
        forged.append(&e.record);
    }
    expect(
        forged.entries(),
        &cp,
        Err(Broken::Rewritten),
        "the checkpoint was taken at 3 entries: entry 2 must still have that head",
    );
}

#[test]
fn a_checkpoint_of_the_empty_log_with_another_head_is_refused() {
    let log = log_of(2);
    let bogus = Checkpoint {
        len: 0,
        head: [7; 32],
    };
    expect(
        log.entries(),
        &bogus,
        Err(Broken::Rewritten),
        "an empty log's head is GENESIS: a checkpoint saying otherwise does not match",
    );
}
