//! The specification of cache-aside: a read is served from the cache when it can be and
//! loads from the database (one `SELECT`, counted with SQLite's trace hook) when it cannot; a
//! write changes the database and invalidates the cached copy; the hit ratio over a fixed
//! workload is exactly what cache-aside promises; and a reader's fill that lands after a
//! concurrent write (forced with the hook between load and fill) never leaves a stale value.

use std::cell::Cell;

use cache_aside::{Product, ProductCache};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

thread_local! {
    /// SELECT statements started on this thread's traced connection.
    static SELECTS: Cell<u64> = const { Cell::new(0) };
}

fn count_select(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event
        && sql.trim_start().to_ascii_uppercase().starts_with("SELECT")
    {
        SELECTS.with(|n| n.set(n.get() + 1));
    }
}

/// A cache over a fresh in-memory database with products 1 ("tea", 100) and 2 ("cake", 350),
/// its SELECTs counted from zero.
fn store() -> ProductCache {
    let store = ProductCache::open(Connection::open_in_memory().unwrap()).unwrap();
    assert_eq!(store.insert("tea", 100).unwrap(), 1);
    assert_eq!(store.insert("cake", 350).unwrap(), 2);
    store
        .db()
        .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(count_select));
    SELECTS.with(|n| n.set(0));
    store
}

/// The SELECTs that reached the database since the last call.
fn selects() -> u64 {
    SELECTS.with(|n| n.replace(0))
}

#[track_caller]
fn get(store: &ProductCache, id: i64) -> Option<Product> {
    store
        .get(id)
        .unwrap_or_else(|e| panic!("get({id}) failed: {e}"))
}

#[track_caller]
fn price(store: &ProductCache, id: i64) -> Option<i64> {
    get(store, id).map(|p| p.price)
}

// ---------------------------------------------------------------------------------------------
// reads

#[test]
fn get_loads_a_product_from_the_database() {
    let store = store();
    let tea = Product {
        id: 1,
        name: "tea".into(),
        price: 100,
        version: 1,
    };
    assert_eq!(get(&store, 1), Some(tea));
    assert_eq!(selects(), 1, "a first read is a miss: one SELECT");
}

#[test]
fn a_second_get_is_served_from_the_cache_without_a_query() {
    let store = store();
    get(&store, 1);
    selects();
    assert_eq!(price(&store, 1), Some(100));
    assert_eq!(price(&store, 1), Some(100));
    assert_eq!(
        selects(),
        0,
        "the product is cached: later reads must not reach the database"
    );
}

#[test]
fn hits_and_misses_are_counted() {
    let store = store();
    get(&store, 1);
    get(&store, 1);
    get(&store, 2);
    get(&store, 1);
    assert_eq!(
        (store.hits(), store.misses()),
        (2, 2),
        "(hits, misses) after reads 1, 1, 2, 1"
    );
}

#[test]
fn a_missing_product_is_none_and_is_not_cached() {
    let store = store();
    assert_eq!(get(&store, 99), None);
    assert_eq!(get(&store, 99), None);
    assert_eq!(
        selects(),
        2,
        "a miss that finds no row is not cached: each read asks again"
    );
    assert_eq!(store.misses(), 2);
}

// ---------------------------------------------------------------------------------------------
// writes invalidate

#[test]
fn after_an_update_the_next_get_loads_the_new_price() {
    let store = store();
    get(&store, 1);
    assert!(store.update_price(1, 120).unwrap(), "product 1 exists");
    assert_eq!(
        store.load(1).unwrap().map(|p| (p.price, p.version)),
        Some((120, 2)),
        "(price, version) in the database after the update: the version goes up by one"
    );
    selects();
    assert_eq!(
        price(&store, 1),
        Some(120),
        "the cached 100 must have been invalidated"
    );
    assert_eq!(
        selects(),
        1,
        "the read after the write is a miss, and loads once"
    );
    assert_eq!(price(&store, 1), Some(120));
    assert_eq!(selects(), 0, "and the new version is cached again");
}

#[test]
fn an_update_invalidates_only_its_own_product() {
    let store = store();
    get(&store, 1);
    get(&store, 2);
    store.update_price(1, 120).unwrap();
    selects();
    assert_eq!(price(&store, 2), Some(350));
    assert_eq!(selects(), 0, "product 2 was not written: it stays cached");
}

#[test]
fn after_a_delete_the_product_is_gone() {
    let store = store();
    get(&store, 1);
    assert!(store.delete(1).unwrap());
    assert_eq!(
        store.load(1).unwrap(),
        None,
        "the row is deleted from the database"
    );
    assert_eq!(
        get(&store, 1),
        None,
        "the cached copy must be invalidated too"
    );
}

#[test]
fn writing_a_missing_product_is_false() {
    let store = store();
    assert!(
        !store.update_price(99, 1).unwrap(),
        "no product 99 to update"
    );
    assert!(!store.delete(99).unwrap(), "no product 99 to delete");
    assert!(store.delete(2).unwrap());
    assert!(!store.delete(2).unwrap(), "deleted already");
}

// ---------------------------------------------------------------------------------------------
// a workload

#[test]
fn the_hit_ratio_over_a_fixed_workload() {
    let store = ProductCache::open(Connection::open_in_memory().unwrap()).unwrap();
    for i in 0..20 {
        store.insert(&format!("p{i}"), 100 + i).unwrap();
    }
    store
        .db()
        .trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(count_select));
    selects();
    // 1000 reads over 20 products, a fixed skew (low ids are popular), a write every 100.
    let mut cached = [false; 21];
    let mut want_selects = 0;
    let mut seed: u32 = 99;
    for step in 1..=1000u32 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let r = (seed >> 16) % 400;
        let id = 1 + ((r * r) / 8_000) as usize; // 1..=20, skewed towards 1
        if !cached[id] {
            want_selects += 1;
            cached[id] = true;
        }
        assert!(get(&store, id as i64).is_some());
        if step % 100 == 0 {
            let written = 1 + (step / 100) as usize % 3;
            store.update_price(written as i64, step as i64).unwrap();
            cached[written] = false;
        }
    }
    let got = selects();
    assert_eq!(
        got, want_selects,
        "SELECTs reaching the database over 1000 reads: one per first read of a product and \
         one per first read after a write, no more"
    );
    assert_eq!(store.misses(), want_selects, "every miss is one SELECT");
    assert_eq!(store.hits() + store.misses(), 1000);
    let ratio = store.hits() as f64 / 1000.0;
    assert!(
        ratio > 0.95,
        "hit ratio {ratio:.3}: the database sees under 5% of the reads"
    );
}

// ---------------------------------------------------------------------------------------------
// the stale fill

#[test]
fn a_fill_after_a_concurrent_update_is_not_kept() {
    let store = store();
    // The reader misses and loads price 100; the writer's update and invalidation land
    // between that load and the reader's fill.
    let read = store
        .get_with(1, || assert!(store.update_price(1, 200).unwrap()))
        .unwrap();
    assert_eq!(
        read.map(|p| p.price),
        Some(100),
        "the reader returns what it loaded: it was true when it read it"
    );
    assert_eq!(
        price(&store, 1),
        Some(200),
        "the reader's fill of version 1 landed after the update to version 2 was invalidated: \
         the cache must refuse it (its version is older), or it serves 100 from now on"
    );
}

#[test]
fn a_fill_after_a_concurrent_delete_is_not_kept() {
    let store = store();
    let read = store
        .get_with(1, || assert!(store.delete(1).unwrap()))
        .unwrap();
    assert_eq!(read.map(|p| p.price), Some(100));
    assert_eq!(
        get(&store, 1),
        None,
        "product 1 was deleted between the reader's load and its fill: the cache must not \
         bring it back to life"
    );
}

#[test]
fn after_a_refused_fill_the_new_version_is_loaded_and_cached() {
    let store = store();
    store
        .get_with(1, || {
            store.update_price(1, 200).unwrap();
        })
        .unwrap();
    selects();
    assert_eq!(price(&store, 1), Some(200));
    assert_eq!(selects(), 1, "the invalidated product is a miss");
    assert_eq!(price(&store, 1), Some(200));
    assert_eq!(
        selects(),
        0,
        "version 2 was loaded after the invalidation marked versions below 2 stale: it is \
         current, and must be cached"
    );
}

#[test]
fn a_fill_racing_a_write_to_another_product_is_kept() {
    let store = store();
    store
        .get_with(1, || {
            store.update_price(2, 1).unwrap();
        })
        .unwrap();
    selects();
    assert_eq!(price(&store, 1), Some(100));
    assert_eq!(
        selects(),
        0,
        "the write was to product 2: product 1's fill stands"
    );
}
