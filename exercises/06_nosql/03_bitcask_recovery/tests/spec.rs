//! The specification of step 2: after a crash tore the last record of the log, open keeps
//! every record before it, never returns the torn one, and cuts it off so that new records
//! follow a valid one. The crash is simulated byte by byte: the log is cut at every offset of
//! its last record, and each of that record's bytes is flipped in turn.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use bitcask_recovery::{HEADER_LEN, Store, encode};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The keys and values a store should hold, as text.
type Model = BTreeMap<String, String>;

/// One write to the store.
#[derive(Clone, Copy, Debug)]
enum Op {
    Put(&'static str, &'static str),
    Delete(&'static str),
}

fn fresh() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join("store.log");
    (dir, path)
}

#[track_caller]
fn open(path: &Path) -> Store {
    Store::open(path).unwrap_or_else(|err| panic!("Store::open failed: {err}"))
}

#[track_caller]
fn get(store: &mut Store, key: &str) -> Option<String> {
    store
        .get(key.as_bytes())
        .unwrap_or_else(|err| panic!("get({key:?}) failed: {err}"))
        .map(|v| String::from_utf8_lossy(&v).into_owned())
}

fn apply(store: &mut Store, model: &mut Model, op: Op) {
    match op {
        Op::Put(k, v) => {
            store.put(k.as_bytes(), v.as_bytes()).unwrap();
            model.insert(k.into(), v.into());
        }
        Op::Delete(k) => {
            store.delete(k.as_bytes()).unwrap();
            model.remove(k);
        }
    }
}

/// Writes `ops` to a new log; returns its bytes, the state before the last op, the state
/// after it, and where the last record starts.
fn write_log(ops: &[Op]) -> (Vec<u8>, Model, Model, usize) {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let mut model = Model::new();
    let (last, first) = ops.split_last().unwrap();
    for &op in first {
        apply(&mut store, &mut model, op);
    }
    let before = model.clone();
    let last_start = fs::metadata(&path).unwrap().len() as usize;
    apply(&mut store, &mut model, *last);
    drop(store);
    (fs::read(&path).unwrap(), before, model, last_start)
}

/// Checks that the store holds exactly `model`, among the keys `keys`.
#[track_caller]
fn assert_holds(store: &mut Store, model: &Model, keys: &[&str], what: &str) {
    for &key in keys {
        let got = get(store, key);
        let want = model.get(key).cloned();
        assert_eq!(got, want, "{what}: key {key:?}");
    }
}

const OPS: &[Op] = &[
    Op::Put("a", "apple"),
    Op::Put("b", "banana"),
    Op::Put("c", "cherry"),
    Op::Delete("c"),
    Op::Put("a", "apricot"),
];
const KEYS: &[&str] = &["a", "b", "c", "new", "after"];

/// Cuts the log at every offset of its last record; each cut must open to the state before
/// the last write, with the file cut back to where that record started, and take a new put
/// that survives another reopen.
fn torn_at_every_byte(last: Op) {
    let ops = [OPS, &[last]].concat();
    let (log, before, after, last_start) = write_log(&ops);
    for cut in last_start..log.len() {
        let (_dir, path) = fresh();
        fs::write(&path, &log[..cut]).unwrap();
        let what = format!(
            "the log cut at byte {cut} ({} of the last record's {} bytes written), then \
             reopened: every earlier write is there, the torn {last:?} is not",
            cut - last_start,
            log.len() - last_start
        );
        let mut store = open(&path);
        assert_holds(&mut store, &before, KEYS, &what);
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            last_start as u64,
            "{what}; open must truncate the file to the end of the last valid record \
             (byte {last_start}), so that new records do not follow the torn bytes"
        );
        store.put(b"after", b"crash").unwrap();
        drop(store);
        let mut store = open(&path);
        let mut expected = before.clone();
        expected.insert("after".into(), "crash".into());
        assert_holds(
            &mut store,
            &expected,
            KEYS,
            &format!("{what}; then a put, and reopened again: the put must be there"),
        );
    }
    // The whole record, not a byte short: it is valid and counts.
    let (_dir, path) = fresh();
    fs::write(&path, &log).unwrap();
    let mut store = open(&path);
    assert_holds(
        &mut store,
        &after,
        KEYS,
        "the last record whole (its lengths exactly fill the file): it is kept",
    );
}

// ---------------------------------------------------------------------------------------------
// A log that is whole

#[test]
fn a_whole_log_opens_with_every_write() {
    let (log, _, after, _) = write_log(OPS);
    let (_dir, path) = fresh();
    fs::write(&path, &log).unwrap();
    let mut store = open(&path);
    assert_holds(&mut store, &after, KEYS, "a log with no damage");
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        log.len() as u64,
        "open must not cut a log whose records are all valid"
    );
}

#[test]
fn an_empty_file_opens_as_an_empty_store() {
    let (_dir, path) = fresh();
    fs::write(&path, b"").unwrap();
    let mut store = open(&path);
    assert_eq!(get(&mut store, "a"), None);
    store.put(b"a", b"1").unwrap();
    drop(store);
    let mut store = open(&path);
    assert_eq!(get(&mut store, "a").as_deref(), Some("1"));
}

#[test]
fn a_record_of_only_a_header_is_whole() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    store.put(b"", b"").unwrap();
    drop(store);
    let mut store = open(&path);
    assert_eq!(
        get(&mut store, "").as_deref(),
        Some(""),
        "the empty key with an empty value is a record of exactly HEADER_LEN bytes: when \
         exactly HEADER_LEN bytes are left, a whole header is there"
    );
    assert_eq!(fs::metadata(&path).unwrap().len(), HEADER_LEN as u64);
}

// ---------------------------------------------------------------------------------------------
// A torn last record

#[test]
fn a_log_shorter_than_a_header_opens_empty() {
    let (_dir, path) = fresh();
    let record = encode(b"k", Some(b"v")).unwrap();
    for cut in 1..HEADER_LEN {
        fs::write(&path, &record[..cut]).unwrap();
        let mut store = open(&path);
        assert_eq!(
            get(&mut store, "k"),
            None,
            "a log of {cut} bytes holds no record"
        );
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            0,
            "a log of {cut} bytes (less than a header) is cut to 0 bytes"
        );
    }
}

#[test]
fn a_torn_put_of_a_new_key_is_never_returned() {
    torn_at_every_byte(Op::Put("new", "value of the torn put"));
}

#[test]
fn a_torn_overwrite_leaves_the_previous_value() {
    torn_at_every_byte(Op::Put("b", "blueberry, the torn overwrite"));
}

#[test]
fn a_torn_delete_leaves_the_key() {
    torn_at_every_byte(Op::Delete("b"));
}

#[test]
fn a_torn_empty_value_is_never_returned() {
    torn_at_every_byte(Op::Put("new", ""));
}

// ---------------------------------------------------------------------------------------------
// Damaged bytes: the checksum

#[test]
fn a_flipped_byte_in_the_last_record_is_caught_by_the_checksum() {
    let ops = [OPS, &[Op::Put("b", "blueberry")]].concat();
    let (log, before, _, last_start) = write_log(&ops);
    for i in last_start..log.len() {
        let mut damaged = log.clone();
        damaged[i] ^= 0x01;
        let (_dir, path) = fresh();
        fs::write(&path, &damaged).unwrap();
        let part = match i - last_start {
            0..4 => "crc",
            4..8 => "key_len",
            8..12 => "value_len",
            12 => "key",
            _ => "value",
        };
        let what = format!(
            "one bit flipped in byte {} of the last record (its {part}): the CRC-32 over the \
             record no longer matches, so the record is dropped",
            i - last_start
        );
        let mut store = open(&path);
        assert_holds(&mut store, &before, KEYS, &what);
        assert_eq!(
            fs::metadata(&path).unwrap().len(),
            last_start as u64,
            "{what}, and cut off"
        );
    }
}

#[test]
fn a_damaged_record_ends_the_log_there() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    store.put(b"a", b"1").unwrap();
    let first_end = fs::metadata(&path).unwrap().len();
    store.put(b"b", b"2").unwrap();
    store.put(b"c", b"3").unwrap();
    drop(store);
    let mut log = fs::read(&path).unwrap();
    let b_value = first_end as usize + HEADER_LEN + 1;
    log[b_value] = b'X';
    fs::write(&path, &log).unwrap();
    let mut store = open(&path);
    assert_eq!(get(&mut store, "a").as_deref(), Some("1"));
    assert_eq!(
        (get(&mut store, "b"), get(&mut store, "c")),
        (None, None),
        "b's record fails its checksum: its lengths cannot be trusted to find c, so the log \
         ends at a, and neither b nor what follows it is read"
    );
    assert_eq!(fs::metadata(&path).unwrap().len(), first_end);
}

// ---------------------------------------------------------------------------------------------
// Lying lengths: checked against the file before allocating

thread_local! {
    /// The largest single allocation made on this thread since it was last reset.
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

/// The system allocator, noting the size of each allocation.
struct Counting;

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Appends a header that claims `key_len` and `value_len`, and a few bytes, to a valid log.
fn lying_header(key_len: u32, value_len: u32) {
    let (log, _, after, _) = write_log(OPS);
    let mut damaged = log.clone();
    damaged.extend_from_slice(&0xdead_beef_u32.to_le_bytes());
    damaged.extend_from_slice(&key_len.to_le_bytes());
    damaged.extend_from_slice(&value_len.to_le_bytes());
    damaged.extend_from_slice(b"a few bytes");
    let (_dir, path) = fresh();
    fs::write(&path, &damaged).unwrap();
    LARGEST.with(|l| l.set(0));
    let store = Store::open(&path);
    let largest = LARGEST.with(Cell::get);
    let mut store = store.unwrap_or_else(|err| panic!("Store::open failed: {err}"));
    assert!(
        largest < 1 << 20,
        "a header at the end of a {}-byte log claims a key of {key_len} and a value of \
         {value_len} bytes, and open allocated {largest} bytes at once: compare the lengths \
         with what is left in the file before allocating a buffer for them",
        damaged.len()
    );
    assert_holds(
        &mut store,
        &after,
        KEYS,
        "a lying header after valid records",
    );
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        log.len() as u64,
        "the lying header and what follows it are cut off"
    );
}

#[test]
fn a_header_claiming_a_huge_key_is_refused_before_allocating() {
    lying_header(64 << 20, 0);
}

#[test]
fn a_header_claiming_a_huge_value_is_refused_before_allocating() {
    lying_header(1, 64 << 20);
}

#[test]
fn a_header_claiming_one_byte_more_than_the_file_holds_is_torn() {
    let record = encode(b"k", Some(b"value")).unwrap();
    let mut long = record.clone();
    long[8] += 1; // value_len 6, for 5 bytes in the file
    let (_dir, path) = fresh();
    fs::write(&path, &long).unwrap();
    let mut store = open(&path);
    assert_eq!(
        get(&mut store, "k"),
        None,
        "a value_len one more than the bytes left in the file: the record is torn"
    );
    assert_eq!(fs::metadata(&path).unwrap().len(), 0);
}
