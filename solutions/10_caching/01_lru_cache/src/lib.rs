//! # An LRU cache, step 1: O(1) get and put, bounded by entries
//!
//! A cache keeps the answers a backend computed or fetched recently, so that the next request
//! for the same thing costs a memory lookup instead of a database query. Memory is finite, so
//! a cache has a **bound**, and when it is full something must go. *Least recently used*
//! (LRU) eviction throws out the entry nobody has asked for the longest: what was used a
//! moment ago is likely to be used again (temporal locality), what has not been touched for
//! a while is not.
//!
//! A cache sits on the hot path of every request, so `get` and `put` must cost the same with
//! ten entries or ten million: **O(1)**. Scanning all entries to find the oldest, or shifting
//! a `Vec` of keys on every hit, works in a demo and falls over under load: the cache that was
//! added to save time becomes the slow part, and it gets slower the more it holds.
//!
//! The classic design has two parts:
//!
//! - a `HashMap` from key to the **slot** where the entry lives: finding an entry is one hash;
//! - a **doubly linked list** through the entries in recency order, most recent at the head.
//!   Moving an entry to the head, or dropping the tail, is a few link updates.
//!
//! In Rust the list lives in a `Vec` (a *slab*): each `Node` holds its key, its value and
//! the *indices* of its neighbours instead of pointers. No `unsafe`, no `Rc<RefCell<..>>`,
//! and a node never moves, so the map can keep its index. When the cache is full, the tail's
//! slot is reused for the newcomer: the slab never grows past the capacity.
//!
//! Your part: `detach` and `attach_front` (the two list operations everything else is made
//! of), then `get` (a hit moves the entry to the head) and `put` (insert or replace, evicting
//! the tail when full). The state and two walks over the list, which the tests use to check
//! your links both ways, are given below the line.
//!
//! A capacity of 0 stores nothing: `put` hands the entry straight back, as it hands back an
//! evicted entry.
//!
//! Primary source: the LRU policy as Redis documents it (and approximates),
//! <https://redis.io/docs/latest/develop/reference/eviction/>; the design is in the chapter
//! README.

use std::collections::HashMap;
use std::hash::Hash;

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// Unlinks the node in `slot` from the list, fixing its neighbours (or head/tail).
    fn detach(&mut self, slot: usize) {
        let (prev, next) = (self.nodes[slot].prev, self.nodes[slot].next);
        match prev {
            Some(p) => self.nodes[p].next = next,
            None => self.head = next,
        }
        match next {
            Some(n) => self.nodes[n].prev = prev,
            None => self.tail = prev,
        }
        self.nodes[slot].prev = None;
        self.nodes[slot].next = None;
    }

    /// Links the (detached) node in `slot` in at the head: the most recently used.
    fn attach_front(&mut self, slot: usize) {
        self.nodes[slot].prev = None;
        self.nodes[slot].next = self.head;
        match self.head {
            Some(h) => self.nodes[h].prev = Some(slot),
            None => self.tail = Some(slot),
        }
        self.head = Some(slot);
    }

    /// The value of `key`, which becomes the most recently used entry; `None` on a miss.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let slot = *self.map.get(key)?;
        self.detach(slot);
        self.attach_front(slot);
        Some(&self.nodes[slot].value)
    }

    /// Stores `value` under `key` as the most recently used entry. Returns the entry evicted
    /// to make room (the least recently used), or the entry itself if the capacity is 0.
    pub fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(&slot) = self.map.get(&key) {
            // A replacement: same slot, new value, and it is now the most recent.
            self.nodes[slot].value = value;
            self.detach(slot);
            self.attach_front(slot);
            return None;
        }
        if self.capacity == 0 {
            return Some((key, value));
        }
        if self.map.len() < self.capacity {
            self.nodes.push(Node {
                key: key.clone(),
                value,
                prev: None,
                next: None,
            });
            let slot = self.nodes.len() - 1;
            self.attach_front(slot);
            self.map.insert(key, slot);
            return None;
        }
        // Full: the tail goes, and its slot takes the newcomer.
        let slot = self
            .tail
            .expect("a full cache with capacity > 0 has a tail");
        self.detach(slot);
        self.map.remove(&self.nodes[slot].key);
        let old_key = std::mem::replace(&mut self.nodes[slot].key, key.clone());
        let old_value = std::mem::replace(&mut self.nodes[slot].value, value);
        self.attach_front(slot);
        self.map.insert(key, slot);
        Some((old_key, old_value))
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the cache's state, and walks over the list for the tests (and for debugging).
// ---------------------------------------------------------------------------------------------

/// One entry, and its neighbours in recency order as slot indices.
#[derive(Debug)]
struct Node<K, V> {
    key: K,
    value: V,
    /// The next more recently used entry (towards the head); `None` at the head.
    prev: Option<usize>,
    /// The next less recently used entry (towards the tail); `None` at the tail.
    next: Option<usize>,
}

/// A cache of at most `capacity` entries that evicts the least recently used one.
#[derive(Debug)]
pub struct LruCache<K, V> {
    capacity: usize,
    /// Each key's slot in `nodes`.
    map: HashMap<K, usize>,
    /// The slab: every node ever allocated; never longer than `capacity`.
    nodes: Vec<Node<K, V>>,
    /// The most recently used entry.
    head: Option<usize>,
    /// The least recently used entry: the next to be evicted.
    tail: Option<usize>,
}

impl<K: Hash + Eq + Clone, V> LruCache<K, V> {
    /// An empty cache that holds at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        LruCache {
            capacity,
            map: HashMap::with_capacity(capacity),
            nodes: Vec::with_capacity(capacity),
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

    /// The number of slots the slab has allocated (never more than the capacity).
    pub fn slots(&self) -> usize {
        self.nodes.len()
    }

    /// The keys from the most to the least recently used, following `next` from the head.
    /// Stops after `slots()` steps, so a list with a cycle shows up as too long, not a hang.
    pub fn keys_newest_first(&self) -> Vec<K> {
        self.walk(self.head, |n| n.next)
    }

    /// The keys from the least to the most recently used, following `prev` from the tail.
    pub fn keys_oldest_first(&self) -> Vec<K> {
        self.walk(self.tail, |n| n.prev)
    }

    fn walk(&self, start: Option<usize>, step: impl Fn(&Node<K, V>) -> Option<usize>) -> Vec<K> {
        let mut keys = Vec::new();
        let mut at = start;
        while let Some(slot) = at {
            if keys.len() > self.nodes.len() {
                break;
            }
            keys.push(self.nodes[slot].key.clone());
            at = step(&self.nodes[slot]);
        }
        keys
    }
}
