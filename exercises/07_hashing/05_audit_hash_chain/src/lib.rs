//! # A tamper-evident audit log: a hash chain
//!
//! An audit log records who did what: "alice granted bob admin", "refund of 4200 to
//! card …1234". Its readers are auditors and incident responders, and its enemy is someone
//! with access to the database (an insider, an attacker who got in) who wants to edit or
//! delete the entry that shows what they did. A database row can be changed silently; the
//! log should make every change **evident**.
//!
//! A **hash chain** does that. Each entry stores the hash of the entry before it, and its own
//! hash covers that link and its record:
//!
//! ```text
//! hash[0] = SHA-256(GENESIS   || record[0])       GENESIS = 32 zero bytes
//! hash[i] = SHA-256(hash[i-1] || record[i])
//! ```
//!
//! Editing a record changes its hash, which no longer matches what the next entry links to;
//! removing or reordering entries breaks a link too. The previous hash has a fixed length
//! (32 bytes), so `prev || record` can be split only one way.
//!
//! The chain alone is not enough: whoever can edit the log can also recompute every hash after
//! the edit, and the new chain is as consistent as the old. So the head (the latest hash) is
//! also kept **outside** the log: printed in a daily report, sent to another system, signed,
//! published. A [`Checkpoint`] is such a copy: the log's length and head at some moment. A log
//! may grow after a checkpoint; it may not change or lose anything before it.
//!
//! `verify` walks the entries in order and reports the **first** place where the chain breaks:
//! at entry `i`, a `prev` that is not the hash of entry `i - 1` (or GENESIS for entry 0) is
//! `Unlinked`, and a stored `hash` that is not the hash of `prev || record` is `Edited` (check
//! the link first). Then, against the checkpoint: fewer entries than it counted is
//! `Truncated`; an entry at its position with another hash than its head is `Rewritten`.
//!
//! This is the idea behind Certificate Transparency, Git's commit history and blockchains;
//! exercise 06 replaces the chain by a Merkle tree, which proves one entry without the rest.
//!
//! Primary sources: Schneier and Kelsey, *Secure Audit Logs to Support Computer Forensics*
//! (ACM TISSEC, 1999); Crosby and Wallach, *Efficient Data Structures for Tamper-Evident
//! Logging* (USENIX Security 2009); OWASP *Logging Cheat Sheet* (log integrity).

/// The `prev` of the first entry: 32 zero bytes.
pub const GENESIS: [u8; 32] = [0; 32];

/// The hash of an entry: SHA-256 of `prev` (32 bytes) followed by `record`.
pub fn entry_hash(prev: &[u8; 32], record: &[u8]) -> [u8; 32] {
    // TODO: sha2::Sha256: update with prev, then record; finalize().into().
    let _ = (prev, record);
    todo!("entry_hash")
}

impl AuditLog {
    /// Appends `record`, linked to the current head; returns the new entry's hash.
    pub fn append(&mut self, record: &[u8]) -> [u8; 32] {
        // TODO: prev is the last entry's hash (GENESIS for an empty log).
        let _ = record;
        todo!("append")
    }

    /// The log's length and head now, to be kept somewhere else.
    pub fn checkpoint(&self) -> Checkpoint {
        // TODO: the head of an empty log is GENESIS.
        todo!("checkpoint")
    }
}

/// Checks `entries` from the first, then against `checkpoint`; the first break found.
pub fn verify(entries: &[Entry], checkpoint: &Checkpoint) -> Result<(), Broken> {
    // TODO: for each entry i: link (Unlinked { index: i }), then hash (Edited { index: i });
    //       then Truncated if there are fewer than checkpoint.len entries; then Rewritten if
    //       the entry at checkpoint.len - 1 does not have the checkpoint's head (a checkpoint of
    //       an empty log has len 0 and head GENESIS).
    let _ = (entries, checkpoint);
    todo!("verify")
}

// ---------------------------------------------------------------------------------------------
// Given: entries, the log, checkpoints, and what verify reports.
// ---------------------------------------------------------------------------------------------

/// One audit record and its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The hash of the entry before (GENESIS for the first).
    pub prev: [u8; 32],
    /// What happened, as bytes (JSON, in practice).
    pub record: Vec<u8>,
    /// `entry_hash(&prev, &record)`.
    pub hash: [u8; 32],
}

/// An append-only audit log, in memory.
#[derive(Debug, Default)]
pub struct AuditLog {
    entries: Vec<Entry>,
}

/// The length and head of a log at some moment, kept outside the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// How many entries the log had.
    pub len: usize,
    /// The hash of its last entry (GENESIS if it had none).
    pub head: [u8; 32],
}

/// Where and how a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// The entry's `prev` is not the previous entry's hash: one was removed, inserted or moved.
    Unlinked { index: usize },
    /// The entry's `hash` is not the hash of its `prev` and `record`: it was edited.
    Edited { index: usize },
    /// The log is shorter than the checkpoint: entries at its end were removed.
    Truncated { len: usize },
    /// The log is consistent but not the one checkpointed: it was rewritten and rehashed.
    Rewritten,
}

impl AuditLog {
    /// An empty log.
    pub fn new() -> AuditLog {
        AuditLog::default()
    }

    /// The entries, oldest first (what a database table would hand out).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}
