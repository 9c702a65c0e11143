//! The specification of step 3: compaction keeps exactly the live records, the store reads
//! and writes through the new file afterwards, and a compaction that crashes at any byte of
//! its new file or after any stage loses nothing: reopened, every key has its latest value
//! and every deleted key stays deleted.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use bitcask_compaction::{Failpoint, HEADER_LEN, Stage, Store, compaction_path};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The keys and values a store should hold, as text.
type Model = BTreeMap<String, String>;

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

fn log_len(path: &Path) -> u64 {
    fs::metadata(path).unwrap().len()
}

/// Every key ever written by `history`, deleted or not, and some never written.
const KEYS: &[&str] = &["a", "b", "c", "d", "clé 🦀", "gone", "never", "after"];

/// A store with overwrites, deletes, an empty value and a key deleted then written again.
/// Returns what it holds.
fn history(store: &mut Store) -> Model {
    let puts = [
        ("a", "apple"),
        ("b", "banana"),
        ("c", "cherry"),
        ("gone", "soon"),
        ("a", "apricot"),
        ("d", ""),
        ("clé 🦀", "välue ✓"),
        ("c", "coconut"),
    ];
    for (k, v) in puts {
        store.put(k.as_bytes(), v.as_bytes()).unwrap();
    }
    store.delete(b"gone").unwrap();
    store.delete(b"b").unwrap();
    store.put(b"b", b"blueberry").unwrap();
    let live = [
        ("a", "apricot"),
        ("b", "blueberry"),
        ("c", "coconut"),
        ("d", ""),
        ("clé 🦀", "välue ✓"),
    ];
    live.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

/// The bytes of a log holding only these records, one per key.
fn compacted_len(model: &Model) -> u64 {
    model
        .iter()
        .map(|(k, v)| (HEADER_LEN + k.len() + v.len()) as u64)
        .sum()
}

#[track_caller]
fn assert_holds(store: &mut Store, model: &Model, what: &str) {
    for &key in KEYS {
        let want = model.get(key).cloned();
        let got = get(store, key);
        let why = if want.is_none() {
            "a deleted key stays deleted"
        } else {
            "a key keeps its latest value"
        };
        assert_eq!(got, want, "{what}: key {key:?}: {why}");
    }
}

/// The bytes of the log `history` writes, and what it holds.
fn history_log() -> (Vec<u8>, Model) {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    drop(store);
    (fs::read(&path).unwrap(), model)
}

/// Writes `log` at `path`, opens it, compacts it with `failpoint`, which must fail, drops the
/// store as a crash would, reopens the log and checks that it holds `model`.
fn crash_and_reopen(path: &Path, log: &[u8], model: &Model, failpoint: Failpoint) {
    fs::write(path, log).unwrap();
    let mut store = open(path);
    let result = store.compact_with(failpoint);
    assert!(
        result.is_err(),
        "compact_with({failpoint:?}) returned Ok: write the new file through \
         failpoint.writer(file), and call failpoint.check(stage)? after each stage"
    );
    drop(store);
    let what = format!("a compaction crashed by {failpoint:?}, then the log reopened");
    let mut store = open(path);
    assert_holds(&mut store, model, &what);
    assert!(
        !compaction_path(path).exists(),
        "{what}: open must delete the half-written compaction file the crash left"
    );
}

// ---------------------------------------------------------------------------------------------
// Compaction

#[test]
fn compaction_keeps_the_latest_value_of_every_key() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    store.compact().expect("compact");
    assert_holds(
        &mut store,
        &model,
        "after compact, in the same store (the new keydir's offsets are into the new file: \
         after the rename, reopen the log)",
    );
}

#[test]
fn compaction_keeps_only_live_records() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    let before = log_len(&path);
    store.compact().expect("compact");
    let expected = compacted_len(&model);
    assert_eq!(
        log_len(&path),
        expected,
        "the log was {before} bytes; compacted it holds one record per live key ({} keys: \
         {expected} bytes), and no tombstones nor overwritten values",
        model.len()
    );
}

#[test]
fn compaction_leaves_no_compaction_file() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    history(&mut store);
    store.compact().expect("compact");
    assert!(
        !compaction_path(&path).exists(),
        "the compaction file is renamed over the log, not left beside it"
    );
}

#[test]
fn a_compacted_log_reopens_with_every_key() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    store.compact().expect("compact");
    drop(store);
    let mut store = open(&path);
    assert_holds(&mut store, &model, "compacted, then reopened");
    assert_eq!(
        log_len(&path),
        compacted_len(&model),
        "every record of the compacted log is valid: open cuts nothing off"
    );
}

#[test]
fn writes_after_compaction_go_to_the_new_log() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let mut model = history(&mut store);
    store.compact().expect("compact");
    store.put(b"after", b"compaction").unwrap();
    store.put(b"a", b"avocado").unwrap();
    store.delete(b"c").unwrap();
    model.insert("after".into(), "compaction".into());
    model.insert("a".into(), "avocado".into());
    model.remove("c");
    assert_holds(
        &mut store,
        &model,
        "writes after compact, in the same store",
    );
    drop(store);
    let mut store = open(&path);
    assert_holds(
        &mut store,
        &model,
        "writes after compact, then reopened: after the rename the store must reopen the log \
         (the old handle appends to the old file, which no name leads to any more)",
    );
}

#[test]
fn compaction_twice_in_a_row_changes_nothing_more() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    store.compact().expect("compact");
    store.compact().expect("a second compact");
    assert_eq!(log_len(&path), compacted_len(&model));
    assert_holds(&mut store, &model, "compacted twice");
}

#[test]
fn compacting_an_empty_store() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    store.compact().expect("compact of an empty store");
    assert_eq!(log_len(&path), 0, "an empty store compacts to an empty log");
    store.put(b"a", b"1").unwrap();
    drop(store);
    let mut store = open(&path);
    assert_eq!(get(&mut store, "a").as_deref(), Some("1"));
}

#[test]
fn compacting_a_store_whose_keys_are_all_deleted() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    store.put(b"a", b"1").unwrap();
    store.put(b"b", b"2").unwrap();
    store.delete(b"a").unwrap();
    store.delete(b"b").unwrap();
    store.compact().expect("compact");
    assert_eq!(
        log_len(&path),
        0,
        "with every key deleted, no record is live: the tombstones go too"
    );
    drop(store);
    let mut store = open(&path);
    assert_eq!((get(&mut store, "a"), get(&mut store, "b")), (None, None));
}

// ---------------------------------------------------------------------------------------------
// Crashes

#[test]
fn a_crash_at_every_byte_of_the_compaction_file_loses_nothing() {
    let (log, model) = history_log();
    let (_dir, path) = fresh();
    for n in 0..compacted_len(&model) {
        crash_and_reopen(&path, &log, &model, Failpoint::AfterBytes(n));
        assert_eq!(
            log_len(&path),
            log.len() as u64,
            "a crash while the compaction file is written must leave the log as it was"
        );
    }
}

#[test]
fn a_compaction_after_a_crashed_one_completes() {
    let (log, model) = history_log();
    let (_dir, path) = fresh();
    crash_and_reopen(
        &path,
        &log,
        &model,
        Failpoint::AfterBytes(HEADER_LEN as u64 + 3),
    );
    let mut store = open(&path);
    store.compact().expect("a compaction after the crash");
    assert_holds(&mut store, &model, "a crashed compaction, then a whole one");
    assert_eq!(log_len(&path), compacted_len(&model));
}

#[test]
fn a_crash_after_writing_or_syncing_leaves_the_old_log() {
    let (log, model) = history_log();
    let (_dir, path) = fresh();
    for stage in [Stage::Written, Stage::Synced] {
        crash_and_reopen(&path, &log, &model, Failpoint::At(stage));
        assert_eq!(
            log_len(&path),
            log.len() as u64,
            "a crash at {stage:?}, before the rename: the log must be the old one, untouched"
        );
    }
}

#[test]
fn a_crash_after_the_rename_leaves_the_compacted_log() {
    let (log, model) = history_log();
    let (_dir, path) = fresh();
    crash_and_reopen(&path, &log, &model, Failpoint::At(Stage::Renamed));
    assert_eq!(
        log_len(&path),
        compacted_len(&model),
        "a crash after the rename: the log is the compacted file, whole"
    );
}

#[test]
fn a_failed_compaction_leaves_the_store_working() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    let failpoints = [
        Failpoint::AfterBytes(0),
        Failpoint::AfterBytes(HEADER_LEN as u64 + 3),
        Failpoint::At(Stage::Written),
        Failpoint::At(Stage::Synced),
    ];
    for (i, failpoint) in failpoints.into_iter().enumerate() {
        assert!(store.compact_with(failpoint).is_err());
        let what = format!(
            "compact_with({failpoint:?}) failed before the rename, and the store carried \
             on: it must still use the old log and the old keydir"
        );
        assert_holds(&mut store, &model, &what);
        let key = format!("later {i}");
        store.put(key.as_bytes(), b"written").unwrap();
        assert_eq!(get(&mut store, &key).as_deref(), Some("written"), "{what}");
    }
    drop(store);
    let mut store = open(&path);
    assert_holds(&mut store, &model, "failed compactions, then reopened");
    for i in 0..failpoints.len() {
        assert_eq!(
            get(&mut store, &format!("later {i}")).as_deref(),
            Some("written")
        );
    }
}

#[test]
fn open_deletes_a_leftover_compaction_file() {
    let (_dir, path) = fresh();
    let mut store = open(&path);
    let model = history(&mut store);
    drop(store);
    fs::write(compaction_path(&path), b"half a compaction").unwrap();
    let mut store = open(&path);
    assert!(
        !compaction_path(&path).exists(),
        "open must delete a compaction file a crash left behind"
    );
    assert_holds(
        &mut store,
        &model,
        "a leftover compaction file, then reopened",
    );
}

#[test]
fn open_reports_a_compaction_file_it_cannot_delete() {
    let (_dir, path) = fresh();
    fs::create_dir(compaction_path(&path)).unwrap();
    assert!(
        Store::open(&path).is_err(),
        "a directory stands where the compaction file goes, and remove_file fails on it: \
         only NotFound means there is nothing to clean up; any other error is reported, or \
         every later compaction would fail to create its file"
    );
}
