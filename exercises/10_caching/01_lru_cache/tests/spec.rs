//! The specification of step 1: a cache of at most `capacity` entries, where `get` and `put`
//! make an entry the most recently used, a full cache evicts the least recently used one, the
//! list is linked correctly both ways, and `get` and `put` compare a constant number of keys
//! however many entries the cache holds (O(1), counted, not timed).

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use lru_cache::LruCache;

fn cache(capacity: usize, keys: &[&'static str]) -> LruCache<&'static str, String> {
    let mut cache = LruCache::new(capacity);
    for &key in keys {
        let evicted = cache.put(key, format!("value of {key}"));
        assert!(
            evicted.is_none(),
            "put({key:?}) into a cache with room evicted {evicted:?}"
        );
    }
    cache
}

#[track_caller]
fn assert_order(cache: &LruCache<&'static str, String>, newest_first: &[&str], why: &str) {
    let forward = cache.keys_newest_first();
    assert_eq!(
        forward, newest_first,
        "keys from the head (most recent) along `next`: {why}"
    );
    let mut oldest_first = newest_first.to_vec();
    oldest_first.reverse();
    assert_eq!(
        cache.keys_oldest_first(),
        oldest_first,
        "keys from the tail (least recent) along `prev`: the `prev` links must mirror `next`"
    );
}

// ---------------------------------------------------------------------------------------------
// get and put

#[test]
fn a_new_cache_is_empty_and_misses() {
    let mut cache: LruCache<&str, String> = LruCache::new(4);
    assert_eq!(cache.get(&"a"), None, "a key never stored is a miss");
    assert!(cache.is_empty());
    assert_order(&cache, &[], "an empty cache has no head and no tail");
}

#[test]
fn get_returns_what_put_stored() {
    let mut cache = cache(4, &["a", "b"]);
    assert_eq!(cache.get(&"a").map(String::as_str), Some("value of a"));
    assert_eq!(cache.get(&"b").map(String::as_str), Some("value of b"));
    assert_eq!(cache.get(&"c"), None, "a key never stored is a miss");
    assert_eq!(cache.len(), 2);
}

#[test]
fn put_makes_each_new_entry_the_most_recent() {
    let cache = cache(4, &["a", "b", "c"]);
    assert_order(&cache, &["c", "b", "a"], "each put goes in at the head");
}

#[test]
fn put_over_a_stored_key_replaces_the_value_and_evicts_nothing() {
    let mut cache = cache(2, &["a", "b"]);
    let evicted = cache.put("a", "new".to_string());
    assert_eq!(
        evicted, None,
        "replacing a key's value must not evict anything"
    );
    assert_eq!(cache.len(), 2, "a replacement is not a new entry");
    assert_eq!(cache.get(&"a").map(String::as_str), Some("new"));
    assert_eq!(cache.get(&"b").map(String::as_str), Some("value of b"));
}

// ---------------------------------------------------------------------------------------------
// eviction and recency

#[test]
fn a_full_cache_evicts_the_least_recently_used_entry() {
    let mut cache = cache(3, &["a", "b", "c"]);
    let evicted = cache.put("d", "value of d".to_string());
    assert_eq!(
        evicted,
        Some(("a", "value of a".to_string())),
        "a was put first and never used since: it is the one to go"
    );
    assert_eq!(cache.get(&"a"), None, "an evicted key is a miss");
    assert_eq!(cache.len(), 3, "the cache holds at most its capacity");
    assert_order(&cache, &["d", "c", "b"], "the newcomer is at the head");
}

#[test]
fn evictions_go_in_order_of_last_use() {
    let mut cache = cache(3, &["a", "b", "c"]);
    let mut evicted = Vec::new();
    for key in ["d", "e", "f", "g"] {
        evicted.push(cache.put(key, String::new()).map(|(k, _)| k));
    }
    assert_eq!(evicted, [Some("a"), Some("b"), Some("c"), Some("d")]);
}

#[test]
fn get_makes_an_entry_the_most_recent_so_it_is_evicted_last() {
    let mut cache = cache(3, &["a", "b", "c"]);
    assert!(cache.get(&"a").is_some());
    assert_order(
        &cache,
        &["a", "c", "b"],
        "a hit moves the entry to the head",
    );
    let evicted = cache.put("d", String::new()).map(|(k, _)| k);
    assert_eq!(
        evicted,
        Some("b"),
        "a was just read, so b is now the least recently used: a get must refresh recency"
    );
}

#[test]
fn get_of_the_head_and_of_the_tail_keep_the_list_linked() {
    let mut cache = cache(3, &["a", "b", "c"]);
    cache.get(&"c");
    assert_order(&cache, &["c", "b", "a"], "getting the head changes nothing");
    cache.get(&"a");
    assert_order(
        &cache,
        &["a", "c", "b"],
        "getting the tail makes b the tail",
    );
    cache.get(&"c");
    assert_order(&cache, &["c", "a", "b"], "getting a middle node");
}

#[test]
fn put_over_a_stored_key_makes_it_the_most_recent() {
    let mut cache = cache(3, &["a", "b", "c"]);
    cache.put("a", "new".to_string());
    assert_order(&cache, &["a", "c", "b"], "a replacement is a use");
    assert_eq!(cache.put("d", String::new()).map(|(k, _)| k), Some("b"));
}

#[test]
fn a_miss_changes_nothing() {
    let mut cache = cache(3, &["a", "b", "c"]);
    assert_eq!(cache.get(&"zzz"), None);
    assert_order(&cache, &["c", "b", "a"], "a miss must not reorder the list");
}

#[test]
fn a_cache_of_one_keeps_only_the_last_entry() {
    let mut cache = cache(1, &["a"]);
    assert_eq!(cache.put("b", String::new()).map(|(k, _)| k), Some("a"));
    assert_eq!(cache.get(&"a"), None);
    assert!(cache.get(&"b").is_some());
    assert_order(&cache, &["b"], "one entry is both head and tail");
}

#[test]
fn a_cache_of_zero_stores_nothing_and_hands_the_entry_back() {
    let mut cache: LruCache<&str, String> = LruCache::new(0);
    let refused = cache.put("a", "x".to_string());
    assert_eq!(
        refused,
        Some(("a", "x".to_string())),
        "no room at all: put returns the entry itself"
    );
    assert_eq!(cache.get(&"a"), None);
    assert_eq!(cache.len(), 0);
}

#[test]
fn evicted_slots_are_reused_so_the_slab_never_outgrows_the_capacity() {
    let mut cache = LruCache::new(8);
    for i in 0..10_000u32 {
        cache.put(i, i);
    }
    assert_eq!(cache.len(), 8);
    assert!(
        cache.slots() <= 8,
        "after 10000 puts into a cache of 8 the slab holds {} slots: an evicted entry's slot \
         must take the newcomer, or memory grows without bound",
        cache.slots()
    );
    assert_eq!(
        cache.keys_newest_first(),
        (9_992..10_000).rev().collect::<Vec<u32>>()
    );
}

/// A reference model, slow and obviously right: the entries newest first.
struct Model {
    capacity: usize,
    entries: Vec<(u32, u32)>,
}

impl Model {
    fn get(&mut self, key: u32) -> Option<u32> {
        let at = self.entries.iter().position(|&(k, _)| k == key)?;
        let entry = self.entries.remove(at);
        self.entries.insert(0, entry);
        Some(entry.1)
    }

    fn put(&mut self, key: u32, value: u32) -> Option<(u32, u32)> {
        if let Some(at) = self.entries.iter().position(|&(k, _)| k == key) {
            self.entries.remove(at);
            self.entries.insert(0, (key, value));
            return None;
        }
        self.entries.insert(0, (key, value));
        (self.entries.len() > self.capacity).then(|| self.entries.pop().unwrap())
    }
}

#[test]
fn a_long_mixed_workload_matches_a_reference_model() {
    let mut cache = LruCache::new(5);
    let mut model = Model {
        capacity: 5,
        entries: Vec::new(),
    };
    // A fixed linear congruential generator: the same workload on every run.
    let mut seed: u32 = 12345;
    for step in 0..3_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let key = (seed >> 16) % 9;
        if (seed >> 8).is_multiple_of(3) {
            let (got, want) = (cache.put(key, step), model.put(key, step));
            assert_eq!(got, want, "step {step}: put({key}) evicted the wrong entry");
        } else {
            let (got, want) = (cache.get(&key).copied(), model.get(key));
            assert_eq!(got, want, "step {step}: get({key})");
        }
        let want: Vec<u32> = model.entries.iter().map(|&(k, _)| k).collect();
        assert_eq!(
            cache.keys_newest_first(),
            want,
            "step {step}: recency order"
        );
    }
    let mut want: Vec<u32> = model.entries.iter().map(|&(k, _)| k).collect();
    want.reverse();
    assert_eq!(
        cache.keys_oldest_first(),
        want,
        "the prev links after 3000 steps"
    );
}

// ---------------------------------------------------------------------------------------------
// O(1): counted, not timed

thread_local! {
    /// Key comparisons made on this thread.
    static COMPARISONS: Cell<u64> = const { Cell::new(0) };
}

/// A key that counts how often it is compared: a scan over the entries compares once per
/// entry, a hash lookup about once in all.
#[derive(Clone, Debug)]
struct CountedKey(u32);

impl PartialEq for CountedKey {
    fn eq(&self, other: &Self) -> bool {
        COMPARISONS.with(|c| c.set(c.get() + 1));
        self.0 == other.0
    }
}
impl Eq for CountedKey {}
impl Hash for CountedKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

#[test]
fn get_and_put_compare_a_constant_number_of_keys_whatever_the_size() {
    const N: u32 = 10_000;
    let mut cache = LruCache::new(N as usize);
    for i in 0..N {
        cache.put(CountedKey(i), i);
    }
    COMPARISONS.with(|c| c.set(0));
    // The oldest keys first (the far end of any list), then new keys that each evict one.
    for i in 0..1_000 {
        assert_eq!(cache.get(&CountedKey(i)), Some(&i));
    }
    for i in N..N + 1_000 {
        assert!(
            cache.put(CountedKey(i), i).is_some(),
            "a full cache evicts on a new key"
        );
    }
    let per_op = COMPARISONS.with(Cell::get) as f64 / 2_000.0;
    assert!(
        per_op <= 3.0,
        "get and put on a cache of {N} entries compared {per_op:.1} keys per call: finding an \
         entry, the least recently used one included, must be a hash lookup and a few link \
         updates, not a walk over the entries (O(1), not O(n))"
    );
}
