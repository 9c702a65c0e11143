//! Step 1, the recency list and `get`: your solution to `lru_cache`, given here. One change:
//! the links and the entries sit in two parallel slabs, so that a slot's entry can be taken
//! out (an `Option`) while its links stay put, and a freed slot can wait for reuse.

use std::hash::Hash;

use super::{Links, LruCache, Weigh};

impl<K: Hash + Eq + Clone + Weigh, V: Weigh> LruCache<K, V> {
    /// Unlinks the node in `slot` from the list, fixing its neighbours (or head/tail).
    pub(crate) fn detach(&mut self, slot: usize) {
        let Links { prev, next } = self.links[slot];
        match prev {
            Some(p) => self.links[p].next = next,
            None => self.head = next,
        }
        match next {
            Some(n) => self.links[n].prev = prev,
            None => self.tail = prev,
        }
        self.links[slot] = Links::default();
    }

    /// Links the (detached) node in `slot` in at the head: the most recently used.
    pub(crate) fn attach_front(&mut self, slot: usize) {
        self.links[slot] = Links {
            prev: None,
            next: self.head,
        };
        match self.head {
            Some(h) => self.links[h].prev = Some(slot),
            None => self.tail = Some(slot),
        }
        self.head = Some(slot);
    }

    /// The value of `key`, which becomes the most recently used entry; `None` on a miss.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let slot = *self.map.get(key)?;
        self.detach(slot);
        self.attach_front(slot);
        self.entries[slot].as_ref().map(|(_, value)| value)
    }

    /// The keys from the most to the least recently used, following `next` from the head.
    /// Stops after `slots()` steps, so a list with a cycle shows up as too long, not a hang.
    pub fn keys_newest_first(&self) -> Vec<K> {
        self.walk(self.head, |l| l.next)
    }

    /// The keys from the least to the most recently used, following `prev` from the tail.
    pub fn keys_oldest_first(&self) -> Vec<K> {
        self.walk(self.tail, |l| l.prev)
    }

    fn walk(&self, start: Option<usize>, step: impl Fn(&Links) -> Option<usize>) -> Vec<K> {
        let mut keys = Vec::new();
        let mut at = start;
        while let Some(slot) = at {
            if keys.len() > self.links.len() {
                break;
            }
            match &self.entries[slot] {
                Some((key, _)) => keys.push(key.clone()),
                None => panic!("slot {slot} is in the recency list but holds no entry"),
            }
            at = step(&self.links[slot]);
        }
        keys
    }
}
