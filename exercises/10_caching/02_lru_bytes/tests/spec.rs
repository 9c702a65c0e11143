//! The specification of step 2: entries weigh their key's and value's lengths, the total never
//! passes `max_bytes`, a put evicts as many least recently used entries as it takes to fit, an
//! entry heavier than the budget is refused without evicting anything (and its key's old value
//! goes), and freed slots are reused.

use lru_bytes::{LruCache, weight};

type Cache = LruCache<String, Vec<u8>>;

/// A value of `n` bytes.
fn bytes(n: usize) -> Vec<u8> {
    vec![b'x'; n]
}

#[track_caller]
fn put(cache: &mut Cache, key: &str, value_len: usize) -> Vec<String> {
    match cache.put(key.to_string(), bytes(value_len)) {
        Ok(evicted) => evicted.into_iter().map(|(k, _)| k).collect(),
        Err(_) => panic!(
            "put({key:?}, {value_len} bytes) was refused, but it weighs {} bytes and fits",
            key.len() + value_len
        ),
    }
}

fn keys(cache: &Cache) -> Vec<String> {
    cache.keys_newest_first()
}

#[track_caller]
fn assert_keys(cache: &Cache, newest_first: &[&str], why: &str) {
    assert_eq!(keys(cache), newest_first, "keys, most recent first: {why}");
    let mut oldest_first: Vec<String> = newest_first.iter().map(|k| k.to_string()).collect();
    oldest_first.reverse();
    assert_eq!(
        cache.keys_oldest_first(),
        oldest_first,
        "the `prev` links mirror `next`"
    );
}

// ---------------------------------------------------------------------------------------------
// weight

#[test]
fn get_returns_what_put_stored() {
    let mut cache = Cache::new(10, 1000);
    put(&mut cache, "a", 3);
    assert_eq!(cache.get(&"a".to_string()), Some(&bytes(3)));
    assert_eq!(cache.get(&"b".to_string()), None);
}

#[test]
fn an_entry_weighs_its_key_and_value_lengths_in_bytes() {
    let mut cache = Cache::new(10, 1000);
    put(&mut cache, "key", 10);
    assert_eq!(cache.bytes(), 13, "\"key\" (3 bytes) + a 10-byte value");
    put(&mut cache, "clé", 0);
    assert_eq!(
        cache.bytes(),
        17,
        "\"clé\" is 4 bytes in UTF-8 (é takes 2), and an empty value weighs nothing"
    );
}

#[test]
fn remove_returns_the_value_and_gives_its_bytes_back() {
    let mut cache = Cache::new(10, 1000);
    put(&mut cache, "a", 5);
    put(&mut cache, "b", 7);
    assert_eq!(cache.remove(&"a".to_string()), Some(bytes(5)));
    assert_eq!(cache.bytes(), 8, "only b (1 + 7 bytes) is left");
    assert_eq!(cache.remove(&"a".to_string()), None, "a is gone already");
    assert_keys(&cache, &["b"], "a removed entry leaves the list");
    assert_eq!(cache.get(&"a".to_string()), None);
}

#[test]
fn replacing_a_value_counts_the_new_weight_not_both() {
    let mut cache = Cache::new(10, 1000);
    put(&mut cache, "a", 50);
    put(&mut cache, "a", 10);
    assert_eq!(
        cache.bytes(),
        11,
        "the old 50-byte value left when the new one came in"
    );
    assert_eq!(cache.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// eviction by bytes

#[test]
fn a_put_past_the_budget_evicts_the_least_recently_used_entry() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 9);
    put(&mut cache, "b", 9);
    put(&mut cache, "c", 9);
    let evicted = put(&mut cache, "d", 9);
    assert_eq!(
        evicted,
        ["a"],
        "40 bytes do not fit in 30: the oldest entry goes"
    );
    assert_eq!(cache.bytes(), 30);
    assert_keys(&cache, &["d", "c", "b"], "");
}

#[test]
fn a_heavy_put_evicts_several_entries_oldest_first() {
    let mut cache = Cache::new(10, 100);
    for key in ["a", "b", "c", "d", "e"] {
        put(&mut cache, key, 19); // 20 bytes each: the cache is full
    }
    let evicted = put(&mut cache, "big", 57); // 60 bytes: three entries must go
    assert_eq!(
        evicted,
        ["a", "b", "c"],
        "evicted in order, oldest first, until it fits"
    );
    assert_eq!(cache.bytes(), 100, "d and e (40) plus big (60)");
    assert_keys(&cache, &["big", "e", "d"], "");
}

#[test]
fn eviction_stops_as_soon_as_the_entry_fits() {
    let mut cache = Cache::new(10, 100);
    for key in ["a", "b", "c", "d", "e"] {
        put(&mut cache, key, 19);
    }
    let evicted = put(&mut cache, "f", 20); // 21 bytes: two entries must go, not three
    assert_eq!(evicted, ["a", "b"]);
    assert_eq!(cache.len(), 4);
}

#[test]
fn get_refreshes_recency_for_eviction_by_bytes() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 9);
    put(&mut cache, "b", 9);
    put(&mut cache, "c", 9);
    cache.get(&"a".to_string());
    assert_eq!(
        put(&mut cache, "d", 9),
        ["b"],
        "a was just read: b is the oldest"
    );
}

#[test]
fn an_entry_of_exactly_the_budget_fits_and_empties_the_cache() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 9);
    put(&mut cache, "b", 9);
    let evicted = put(&mut cache, "c", 29); // 30 bytes: exactly the budget
    assert_eq!(evicted, ["a", "b"]);
    assert_eq!(cache.bytes(), 30);
    assert_keys(&cache, &["c"], "");
}

#[test]
fn an_entry_one_byte_over_the_budget_is_refused_and_evicts_nothing() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 9);
    put(&mut cache, "b", 9);
    let result = cache.put("c".to_string(), bytes(30)); // 31 bytes: can never fit
    match result {
        Err((key, value)) => {
            assert_eq!(key, "c", "the refused entry comes back");
            assert_eq!(value.len(), 30);
        }
        Ok(evicted) => panic!(
            "an entry of 31 bytes in a 30-byte cache must be refused, got Ok({} evicted)",
            evicted.len()
        ),
    }
    assert_keys(
        &cache,
        &["b", "a"],
        "a refused entry must not evict anything on its way",
    );
    assert_eq!(cache.bytes(), 20);
}

#[test]
fn a_refused_replacement_removes_the_stale_value() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 5);
    put(&mut cache, "b", 5);
    assert!(
        cache.put("a".to_string(), bytes(40)).is_err(),
        "41 bytes in 30 is refused"
    );
    assert_eq!(
        cache.get(&"a".to_string()).map(Vec::len),
        None,
        "(value lengths shown) the caller replaced a's value: serving the old one now would be serving stale data"
    );
    assert_eq!(cache.bytes(), 6, "only b is left");
}

#[test]
fn a_heavier_replacement_evicts_others_and_never_itself() {
    let mut cache = Cache::new(10, 30);
    put(&mut cache, "a", 9);
    put(&mut cache, "b", 9);
    put(&mut cache, "c", 9);
    let evicted = put(&mut cache, "a", 19); // a grows to 20 bytes
    assert_eq!(
        evicted,
        ["b"],
        "a is replaced, not evicted; b is then the oldest"
    );
    assert_eq!(cache.get(&"a".to_string()).map(Vec::len), Some(19));
    assert_eq!(cache.bytes(), 30);
}

// ---------------------------------------------------------------------------------------------
// the entry limit, slots

#[test]
fn the_entry_limit_still_holds() {
    let mut cache = Cache::new(2, 1000);
    put(&mut cache, "a", 1);
    put(&mut cache, "b", 1);
    assert_eq!(
        put(&mut cache, "c", 1),
        ["a"],
        "a third entry in a cache of 2 entries"
    );
    assert_eq!(cache.len(), 2);
}

#[test]
fn a_cache_of_zero_entries_refuses_everything() {
    let mut cache = Cache::new(0, 1000);
    assert!(cache.put("a".to_string(), bytes(1)).is_err());
    assert!(cache.is_empty());
}

#[test]
fn freed_slots_are_reused_before_the_slab_grows() {
    let mut cache = Cache::new(100, 100);
    for i in 0..10_000 {
        // 10-byte entries: never more than 10 live at once.
        put(&mut cache, &format!("k{:04}", i % 50), 5);
    }
    assert!(
        cache.slots() <= 10,
        "at most 10 entries were ever live, but the slab has {} slots: a freed slot must be \
         reused (the free list) before pushing a new one",
        cache.slots()
    );
}

#[test]
fn a_long_mixed_workload_keeps_the_byte_count_exact_and_under_the_budget() {
    let mut cache = Cache::new(6, 64);
    // Reference model: (key, value length), newest first.
    let mut model: Vec<(String, usize)> = Vec::new();
    let mut seed: u32 = 7;
    for step in 0..3_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let key = format!("k{}", (seed >> 16) % 11);
        let len = ((seed >> 4) % 40) as usize;
        match (seed >> 10) % 4 {
            0 => {
                let got = cache.remove(&key).map(|v| v.len());
                let want = model
                    .iter()
                    .position(|(k, _)| *k == key)
                    .map(|at| model.remove(at).1);
                assert_eq!(got, want, "step {step}: remove({key})");
            }
            1 => {
                let got = cache.get(&key).map(Vec::len);
                let want = model.iter().position(|(k, _)| *k == key).map(|at| {
                    let entry = model.remove(at);
                    model.insert(0, entry.clone());
                    entry.1
                });
                assert_eq!(got, want, "step {step}: get({key})");
            }
            _ => {
                model.retain(|(k, _)| *k != key);
                let w = key.len() + len;
                let result = cache.put(key.clone(), bytes(len));
                if w > 64 {
                    assert!(result.is_err(), "step {step}: {w} bytes must be refused");
                } else {
                    model.insert(0, (key.clone(), len));
                    let mut evicted = Vec::new();
                    while model.iter().map(|(k, l)| k.len() + l).sum::<usize>() > 64
                        || model.len() > 6
                    {
                        evicted.push(model.pop().unwrap().0);
                    }
                    let got: Vec<String> = result.unwrap().into_iter().map(|(k, _)| k).collect();
                    assert_eq!(got, evicted, "step {step}: put({key}, {len} bytes) evicted");
                }
            }
        }
        let want: usize = model.iter().map(|(k, l)| weight(k, &bytes(*l))).sum();
        assert_eq!(
            cache.bytes(),
            want,
            "step {step}: bytes() must be the entries' total"
        );
        assert!(
            cache.bytes() <= 64,
            "step {step}: {} bytes in a 64-byte cache",
            cache.bytes()
        );
        let order: Vec<String> = model.iter().map(|(k, _)| k.clone()).collect();
        assert_eq!(keys(&cache), order, "step {step}: recency order");
    }
}
