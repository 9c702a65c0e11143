//! # An LRU cache, step 2: bounded by bytes
//!
//! Step 1 bounded the cache by its number of entries. Production caches are bounded by
//! **memory**: a thousand entries of 50 bytes and a thousand entries of 5 MB are not the same
//! cache, and a bound by count lets a few huge values take the process down. Memcached and
//! Redis (`maxmemory`) both bound by bytes; so does this step, with both limits at once.
//!
//! Each entry **weighs** the length of its key plus the length of its value (the [`Weigh`]
//! trait, given; a real cache adds its per-entry overhead too). The cache keeps the running
//! total in `bytes` and never lets it pass `max_bytes`. That changes three things:
//!
//! - **One put may evict several entries.** A 900-byte value arriving in a full 1 KB cache of
//!   100-byte entries pushes out the nine least recently used, oldest first, until it fits.
//!   `put` returns them all, in eviction order.
//! - **An entry heavier than the whole budget is refused**, before anything is evicted: it
//!   could never fit, and evicting everything on the way to finding that out would empty the
//!   cache for nothing. `put` hands it back as `Err`. If the key was stored, its old value is
//!   removed: the caller wanted it replaced, and serving the old value would be serving a
//!   stale one.
//! - **Slots are freed one by one**, so a slot is no longer simply taken over by the
//!   newcomer. Freed slots go on a free list (`free`) and the next insert takes one from it
//!   before growing the slab.
//!
//! A put over a key already stored is simplest as a `remove` then an insert: the old weight
//! leaves, the new one comes in, and the key cannot evict itself.
//!
//! Your part: `remove`, `evict_lru` and the new `put`. Step 1's list and `get` are given in
//! `list.rs`, adapted: links and entries sit in two parallel slabs, and a free slot's entry
//! is `None`.
//!
//! Primary source: Memcached's memory management, <https://docs.memcached.org/serverguide/performance/>
//! and Redis's `maxmemory`, <https://redis.io/docs/latest/develop/reference/eviction/>.

mod list;

use std::collections::HashMap;
use std::hash::Hash;

impl<K: Hash + Eq + Clone + Weigh, V: Weigh> LruCache<K, V> {
    /// Removes `key`, returning its value; its slot goes on the free list.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        // TODO: forget the key in the map, then free its slot.
        let _ = key;
        todo!("remove")
    }

    /// Evicts the least recently used entry (the tail) and returns it; `None` when empty.
    fn evict_lru(&mut self) -> Option<(K, V)> {
        // TODO: free the tail's slot and forget its key in the map.
        todo!("evict_lru")
    }

    /// Unlinks `slot`, takes its entry out, puts the slot on the free list and takes the
    /// entry's weight off the total. The caller keeps the map in step.
    fn free_slot(&mut self, slot: usize) -> (K, V) {
        // TODO: detach, `take()` the entry, push the slot on `free`, subtract its weight.
        let _ = (slot, &mut self.free, &mut self.bytes);
        todo!("free_slot")
    }

    /// Stores `value` under `key` as the most recently used entry, evicting least recently
    /// used entries until both limits hold. `Ok` with the evicted entries, oldest first;
    /// `Err` with the entry itself if it weighs more than `max_bytes` (or `max_entries` is 0).
    pub fn put(&mut self, key: K, value: V) -> Result<Vec<(K, V)>, (K, V)> {
        // TODO: remove the key's old value first, whatever happens next.
        //       Refuse an entry that can never fit, before evicting anything.
        //       Evict from the tail while the new weight would pass max_bytes or the
        //       entries would pass max_entries.
        //       Take a slot from `free`, or grow both slabs by one; store the entry, add
        //       its weight, map the key, attach it at the head.
        let _ = (key, value, self.max_bytes, self.max_entries, &self.free);
        let _ = (Self::evict_lru, Self::free_slot);
        todo!("put")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the cache's state and the weight of an entry. The list and `get` are in `list.rs`.
// ---------------------------------------------------------------------------------------------

/// What a key or a value weighs, in bytes.
pub trait Weigh {
    /// The number of bytes this key or value counts for.
    fn weight(&self) -> usize;
}

impl Weigh for String {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weigh for &str {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weigh for Vec<u8> {
    fn weight(&self) -> usize {
        self.len()
    }
}

/// The weight of an entry: its key's plus its value's.
pub fn weight<K: Weigh, V: Weigh>(key: &K, value: &V) -> usize {
    key.weight() + value.weight()
}

/// A slot's neighbours in recency order (towards the head, towards the tail).
#[derive(Debug, Clone, Copy, Default)]
struct Links {
    prev: Option<usize>,
    next: Option<usize>,
}

/// A cache of at most `max_entries` entries weighing at most `max_bytes` in all, that evicts
/// the least recently used entries.
#[derive(Debug)]
pub struct LruCache<K, V> {
    max_entries: usize,
    max_bytes: usize,
    /// The total weight of the entries stored.
    bytes: usize,
    /// Each key's slot.
    map: HashMap<K, usize>,
    /// The links of each slot (parallel to `entries`).
    links: Vec<Links>,
    /// The entry of each slot; `None` for a free slot.
    entries: Vec<Option<(K, V)>>,
    /// Free slots, ready for the next insert.
    free: Vec<usize>,
    head: Option<usize>,
    tail: Option<usize>,
}

impl<K: Hash + Eq + Clone + Weigh, V: Weigh> LruCache<K, V> {
    /// An empty cache of at most `max_entries` entries and `max_bytes` bytes.
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        LruCache {
            max_entries,
            max_bytes,
            bytes: 0,
            map: HashMap::new(),
            links: Vec::new(),
            entries: Vec::new(),
            free: Vec::new(),
            head: None,
            tail: None,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// `true` when the cache holds no entry.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The total weight of the entries, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The number of slots the slab has allocated, free ones included.
    pub fn slots(&self) -> usize {
        self.links.len()
    }
}
