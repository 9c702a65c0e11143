//! The specification of step 1: a put is one record appended to the log, a get reads the
//! latest value through the keydir, a delete appends a tombstone, and reopening the log
//! rebuilds the keydir so that every write and delete is still there.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use bitcask_append::{HEADER_LEN, Store, encode};
use tempfile::TempDir;

/// A temp dir and the path of a log inside it that does not exist yet.
fn fresh() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("store.log");
    (dir, path)
}

#[track_caller]
fn open(path: &Path) -> Store {
    Store::open(path).unwrap_or_else(|err| panic!("Store::open({path:?}) failed: {err}"))
}

#[track_caller]
fn put(store: &mut Store, key: &str, value: &str) {
    store
        .put(key.as_bytes(), value.as_bytes())
        .unwrap_or_else(|err| panic!("put({key:?}, {value:?}) failed: {err}"));
}

/// The value of `key` as text (lossy), so that failures read as text.
#[track_caller]
fn get(store: &mut Store, key: &str) -> Option<String> {
    get_bytes(store, key.as_bytes()).map(|v| String::from_utf8_lossy(&v).into_owned())
}

#[track_caller]
fn get_bytes(store: &mut Store, key: &[u8]) -> Option<Vec<u8>> {
    let shown = String::from_utf8_lossy(key);
    store
        .get(key)
        .unwrap_or_else(|err| panic!("get({shown:?}) failed: {err}"))
}

fn log_len(path: &Path) -> u64 {
    fs::metadata(path).map_or(0, |m| m.len())
}

fn record(key: &str, value: Option<&str>) -> Vec<u8> {
    encode(key.as_bytes(), value.map(str::as_bytes)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// put and get

#[test]
fn a_new_store_has_no_keys_and_creates_its_log() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    assert!(
        path.exists(),
        "Store::open creates the log file when it is not there"
    );
    assert_eq!(
        get(&mut store, "missing"),
        None,
        "a key never written has no value"
    );
}

#[test]
fn get_returns_what_put_stored() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "name", "Ada");
    put(&mut store, "city", "London");
    assert_eq!(get(&mut store, "name").as_deref(), Some("Ada"));
    assert_eq!(get(&mut store, "city").as_deref(), Some("London"));
    assert_eq!(
        get(&mut store, "nope"),
        None,
        "a key never written has no value"
    );
}

#[test]
fn put_appends_one_encoded_record() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "name", "Ada");
    put(&mut store, "city", "London");
    let expected = [record("name", Some("Ada")), record("city", Some("London"))].concat();
    let log = fs::read(&path).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log),
        String::from_utf8_lossy(&expected),
        "the log is the records of the puts, in order, each as encode(key, Some(value)) \
         makes it ({} bytes expected, {} in the file)",
        expected.len(),
        log.len()
    );
}

#[test]
fn an_overwrite_returns_the_latest_value() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "first");
    put(&mut store, "k", "second, longer");
    put(&mut store, "k", "3rd");
    assert_eq!(
        get(&mut store, "k").as_deref(),
        Some("3rd"),
        "the keydir points at the latest record of a key"
    );
}

#[test]
fn an_overwrite_appends_and_never_rewrites_in_place() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "first");
    let before = fs::read(&path).unwrap();
    put(&mut store, "k", "again");
    let after = fs::read(&path).unwrap();
    let added = record("k", Some("again"));
    assert_eq!(
        after.len(),
        before.len() + added.len(),
        "an overwrite appends a whole new record ({} bytes): the log was {} bytes, now {}",
        added.len(),
        before.len(),
        after.len()
    );
    assert!(
        after.starts_with(&before),
        "an overwrite must not change the bytes already in the log: a log is only appended to"
    );
}

// ---------------------------------------------------------------------------------------------
// delete

#[test]
fn get_after_delete_is_none() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "v");
    put(&mut store, "other", "stays");
    assert!(
        store.delete(b"k").unwrap(),
        "delete of a key that is there returns true"
    );
    assert_eq!(get(&mut store, "k"), None, "a deleted key has no value");
    assert_eq!(get(&mut store, "other").as_deref(), Some("stays"));
}

#[test]
fn delete_appends_a_tombstone() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "v");
    store.delete(b"k").unwrap();
    let expected = [record("k", Some("v")), record("k", None)].concat();
    assert_eq!(
        fs::read(&path).unwrap(),
        expected,
        "a delete appends encode(key, None), a tombstone, after the record it deletes"
    );
}

#[test]
fn deleting_a_missing_key_writes_nothing() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "v");
    let len = log_len(&path);
    assert!(
        !store.delete(b"never").unwrap(),
        "delete of a key that is not there returns false"
    );
    store.delete(b"k").unwrap();
    let len2 = log_len(&path);
    assert!(
        !store.delete(b"k").unwrap(),
        "a key deleted twice: the second returns false"
    );
    assert_eq!(
        log_len(&path),
        len2,
        "deleting a key that is already gone appends nothing"
    );
    assert_eq!(len2, len + record("k", None).len() as u64);
}

#[test]
fn a_key_can_come_back_after_delete() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "k", "old");
    store.delete(b"k").unwrap();
    put(&mut store, "k", "new");
    assert_eq!(get(&mut store, "k").as_deref(), Some("new"));
}

// ---------------------------------------------------------------------------------------------
// reopen: the keydir is rebuilt from the log

#[test]
fn reopen_sees_every_put() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "a", "1");
    put(&mut store, "b", "22");
    put(&mut store, "c", "333");
    drop(store);
    let mut store = open(&path);
    for (k, v) in [("a", "1"), ("b", "22"), ("c", "333")] {
        assert_eq!(
            get(&mut store, k).as_deref(),
            Some(v),
            "after reopening, open must rebuild the keydir from the records in the log"
        );
    }
}

#[test]
fn reopen_sees_the_latest_of_each_overwrite() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "a", "old a");
    put(&mut store, "b", "b");
    put(&mut store, "a", "new a");
    drop(store);
    let mut store = open(&path);
    assert_eq!(
        get(&mut store, "a").as_deref(),
        Some("new a"),
        "reading the log from the start, a later record of a key replaces the earlier"
    );
    assert_eq!(get(&mut store, "b").as_deref(), Some("b"));
}

#[test]
fn reopen_sees_every_delete() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "gone", "x");
    put(&mut store, "back", "1");
    put(&mut store, "kept", "yes");
    store.delete(b"gone").unwrap();
    store.delete(b"back").unwrap();
    put(&mut store, "back", "2");
    drop(store);
    let mut store = open(&path);
    assert_eq!(
        get(&mut store, "gone"),
        None,
        "a tombstone in the log removes its key from the keydir when the log is read"
    );
    assert_eq!(
        get(&mut store, "back").as_deref(),
        Some("2"),
        "a put after a delete wins"
    );
    assert_eq!(get(&mut store, "kept").as_deref(), Some("yes"));
}

#[test]
fn writes_after_reopen_land_at_the_end() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "a", "1");
    store.delete(b"a").unwrap();
    put(&mut store, "b", "22");
    drop(store);
    let mut store = open(&path);
    put(&mut store, "c", "333");
    put(&mut store, "b", "new b");
    assert_eq!(
        get(&mut store, "c").as_deref(),
        Some("333"),
        "after open, the store's end is the length of the log: a new record's value is \
         found at end + HEADER_LEN + key length"
    );
    assert_eq!(get(&mut store, "b").as_deref(), Some("new b"));
    drop(store);
    let mut store = open(&path);
    assert_eq!(get(&mut store, "c").as_deref(), Some("333"));
    assert_eq!(get(&mut store, "b").as_deref(), Some("new b"));
    assert_eq!(get(&mut store, "a"), None);
}

// ---------------------------------------------------------------------------------------------
// any bytes

#[test]
fn an_empty_value_is_a_value_not_a_delete() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "empty", "");
    assert_eq!(get(&mut store, "empty").as_deref(), Some(""));
    drop(store);
    let mut store = open(&path);
    assert_eq!(
        get(&mut store, "empty").as_deref(),
        Some(""),
        "a record with value_len 0 stores an empty value: only value_len TOMBSTONE deletes"
    );
}

#[test]
fn keys_and_values_are_any_bytes() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let binary: Vec<u8> = (0..=255).collect();
    let big = vec![b'x'; 100_000];
    store.put(&binary, &binary).unwrap();
    store
        .put("clé 🦀".as_bytes(), "välue ✓".as_bytes())
        .unwrap();
    store.put(b"", b"the empty key").unwrap();
    store.put(b"big", &big).unwrap();
    for reopened in [false, true] {
        if reopened {
            drop(store);
            store = open(&path);
        }
        assert_eq!(
            get_bytes(&mut store, &binary),
            Some(binary.clone()),
            "binary key/value"
        );
        assert_eq!(get(&mut store, "clé 🦀").as_deref(), Some("välue ✓"));
        assert_eq!(get(&mut store, "").as_deref(), Some("the empty key"));
        assert_eq!(
            get_bytes(&mut store, b"big").map(|v| v.len()),
            Some(big.len()),
            "a 100 kB value comes back whole"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// get goes through the keydir

#[test]
fn get_reads_the_value_from_the_log_at_its_location() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    put(&mut store, "a", "1");
    put(&mut store, "b", "hello");
    // Behind the store's back: spoil the header of the first record (its key length now
    // points past the end of the file) and change b's value on disk, same length.
    let b_value = (2 * HEADER_LEN + 2 + 1) as u64;
    let mut file = OpenOptions::new().write(true).open(&path).unwrap();
    file.write_all(&[0, 0, 0, 0, 0xe8, 0x03, 0, 0]).unwrap();
    file.seek(SeekFrom::Start(b_value)).unwrap();
    file.write_all(b"HELLO").unwrap();
    drop(file);
    let got = store
        .get(b"b")
        .map(|v| v.map(|v| String::from_utf8_lossy(&v).into_owned()));
    assert!(
        matches!(&got, Ok(Some(v)) if v == "HELLO"),
        "get(\"b\") must seek to the offset the keydir holds and read the value from the \
         file there (the test changed it to HELLO on disk): got {got:?}. A scan from the \
         start would trip on the first record; a value kept in memory would be stale"
    );
}
