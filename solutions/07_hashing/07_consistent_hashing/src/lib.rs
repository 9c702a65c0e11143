//! # Consistent hashing: jump hash, and what moves when a cluster grows
//!
//! A cache or a database too big for one machine is split into **shards**, and every key
//! must land on the same shard every time, from every server: the shard is a function of the
//! key. The obvious function, `hash(key) % n`, breaks the day `n` changes: going from 10 to
//! 11 shards moves about 10 keys in 11 to another shard. For a cache that is a cold start
//! and a stampede on the database; for a database, moving almost all the data.
//!
//! A **consistent** hash moves only what it must. Growing from `n` to `n + 1` shards, the new
//! shard should take its fair share, about `1 / (n + 1)` of the keys, and every key that
//! moves should move *to the new shard*: no key moves between two old shards.
//!
//! **Jump consistent hash** (Lamping and Veach, Google, 2014) does this in a few lines, with
//! no memory and perfect balance. Think of a key following a random walk through bucket
//! numbers: seeded by the key, it "jumps" forward to ever larger buckets, and its bucket for
//! `n` shards is the last jump below `n`. Growing to `n + 1` changes the answer only for the
//! keys whose next jump lands exactly on `n`. The paper's code (a 64-bit linear congruential
//! generator draws the jumps):
//!
//! ```text
//! int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
//!     int64_t b = -1, j = 0;
//!     while (j < num_buckets) {
//!         b = j;
//!         key = key * 2862933555777941757ULL + 1;
//!         j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
//!     }
//!     return b;
//! }
//! ```
//!
//! In Rust: `wrapping_mul` and `wrapping_add` for the unsigned overflow C relies on, `f64`
//! for the doubles, and `as i64` to truncate `j` as C's conversion does. Its limit: shards
//! are numbered, and only the last one can be removed (a data store, not a set of servers
//! that fail at random; the chapter README compares it with the hash ring).
//!
//! Keys are strings; jump hash wants a well-mixed `u64`. `key_of` takes the first 8 bytes of
//! SHA-256 of the key, big-endian. Not `std::hash::DefaultHasher`: its output is not promised
//! to stay the same across Rust releases, and placement must be stable across every process
//! and version that will ever read the data.
//!
//! Primary source: John Lamping and Eric Veach, *A Fast, Minimal Memory, Consistent Hash
//! Algorithm*, 2014, <https://arxiv.org/abs/1406.2294>.

use sha2::{Digest, Sha256};

/// The bucket of `key` among `buckets` (0..buckets), by jump consistent hash; `None` for 0
/// buckets.
pub fn jump_hash(key: u64, buckets: u32) -> Option<u32> {
    if buckets == 0 {
        return None;
    }
    let (mut key, mut b, mut j) = (key, -1i64, 0i64);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2862933555777941757).wrapping_add(1);
        // The distance to the next jump, drawn from the top 31 bits of the generator.
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    Some(b as u32)
}

/// The 64-bit key of a string: the first 8 bytes of its SHA-256, big-endian.
pub fn key_of(name: &str) -> u64 {
    let digest = Sha256::digest(name.as_bytes());
    u64::from_be_bytes(
        digest[..8]
            .try_into()
            .expect("a SHA-256 digest has 32 bytes"),
    )
}

/// The shard of `name` in a cluster of `shards` shards (at least 1).
pub fn shard_of(name: &str, shards: u32) -> u32 {
    jump_hash(key_of(name), shards).expect("a cluster has at least one shard")
}

/// The keys that change shard when the cluster goes from `from` to `to` shards, in the order
/// given, each with its old and new shard.
pub fn plan_moves<'a>(names: &[&'a str], from: u32, to: u32) -> Vec<Move<'a>> {
    names
        .iter()
        .filter_map(|&name| {
            let (before, after) = (shard_of(name, from), shard_of(name, to));
            (before != after).then_some(Move {
                name,
                from: before,
                to: after,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Given
// ---------------------------------------------------------------------------------------------

/// A key that must be copied from one shard to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move<'a> {
    /// The key.
    pub name: &'a str,
    /// Its shard before.
    pub from: u32,
    /// Its shard after.
    pub to: u32,
}
