//! The specification: `sha256_hex` is SHA-256 (FIPS 180-4's examples and NIST's SHAVS
//! vectors), `blob_id` is the id Git gives a blob in a SHA-256 repository, and the store
//! keeps objects under their ids and refuses bytes (or ids) that break the promise.
//!
//! The blob ids below are facts computed with git 2.47.3 in a repository made with
//! `git init --object-format=sha256`, as `printf '…' | git hash-object --stdin`.

use std::fs;
use std::path::Path;

use content_addressing::{GetError, ObjectStore, blob_id, sha256_hex};

/// The digest of the empty message (FIPS 180-4; SHAVS ShortMsg, Len = 0).
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---------------------------------------------------------------------------------------------
// SHA-256 itself

#[test]
fn sha256_of_abc_is_the_fips_example() {
    // NIST FIPS 180-2, Appendix B.1 (the one-block message "abc"), repeated in the examples
    // NIST publishes for FIPS 180-4.
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256(\"abc\") must be the FIPS 180 example, as 64 lowercase hex digits"
    );
}

#[test]
fn sha256_of_nothing_is_the_empty_digest() {
    assert_eq!(sha256_hex(b""), EMPTY_SHA256, "sha256 of no bytes");
}

/// The cases of a NIST CAVP `.rsp` file: (message, expected digest in hex).
fn shavs_cases(text: &str) -> Vec<(Vec<u8>, String)> {
    let mut cases = Vec::new();
    let mut len_bits = None;
    let mut msg = None;
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Len = ") {
            len_bits = Some(v.parse::<usize>().expect("Len is a number"));
        } else if let Some(v) = line.strip_prefix("Msg = ") {
            msg = Some(hex::decode(v).expect("Msg is hex"));
        } else if let Some(v) = line.strip_prefix("MD = ") {
            let (bits, msg) = (len_bits.take().unwrap(), msg.take().unwrap());
            // Len = 0 is written `Msg = 00`: the length in bits says how much is message.
            cases.push((msg[..bits / 8].to_vec(), v.to_string()));
        }
    }
    cases
}

fn run_shavs(file: &str, at_least: usize) {
    let Some(text) = testkit::vectors::read_to_string(&format!("crypto/nist-shavs/{file}")) else {
        return;
    };
    let cases = shavs_cases(&text);
    assert!(
        cases.len() >= at_least,
        "{file}: expected at least {at_least} cases, read {}: is the file complete?",
        cases.len()
    );
    for (i, (msg, md)) in cases.iter().enumerate() {
        assert_eq!(
            &sha256_hex(msg),
            md,
            "{file}, case {i} ({} bytes): the digest differs",
            msg.len()
        );
    }
}

#[test]
fn sha256_passes_the_nist_shavs_short_messages() {
    // NIST CAVP SHAVS, SHA256ShortMsg.rsp: 65 messages of 0 to 64 bytes.
    run_shavs("SHA256ShortMsg.rsp", 65);
}

#[test]
fn sha256_passes_the_nist_shavs_long_messages() {
    // NIST CAVP SHAVS, SHA256LongMsg.rsp: 64 messages of 111 to 6 216 bytes.
    run_shavs("SHA256LongMsg.rsp", 64);
}

// ---------------------------------------------------------------------------------------------
// Git blob ids

#[track_caller]
fn check_blob(content: &[u8], git_says: &str) {
    assert_eq!(
        blob_id(content),
        git_says,
        "blob_id({:?}) must be what `git hash-object` prints in a SHA-256 repository: \
         sha256 of \"blob {}\\0\" followed by the content",
        String::from_utf8_lossy(content),
        content.len()
    );
}

#[test]
fn blob_id_of_an_empty_file_is_gits() {
    check_blob(
        b"",
        "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
    );
}

#[test]
fn blob_id_of_a_line_is_gits() {
    check_blob(
        b"hello\n",
        "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4",
    );
    check_blob(
        b"what is up, doc?",
        "7561bda2ad0a17be8fee9d1815a0896b80ebafddaf26cf30c228e9b320513033",
    );
}

#[test]
fn blob_id_is_not_the_hash_of_the_bare_content() {
    assert_ne!(
        blob_id(b"hello\n"),
        sha256_hex(b"hello\n"),
        "a blob id hashes the header `blob <len>\\0` before the content"
    );
}

#[test]
fn blob_id_counts_bytes_not_characters() {
    // "héllo wörld\n": 12 characters, 14 bytes in UTF-8, so the header says `blob 14`.
    check_blob(
        "héllo wörld\n".as_bytes(),
        "29714203630d867b80d41cf8d2bedc6addfa649f6eac663ce0921ffd678af05c",
    );
}

#[test]
fn blob_id_hashes_nul_bytes_in_the_content() {
    check_blob(
        b"a\0b",
        "156f8d6ce2159c6f8d083e1e0386671ea6672a4af651e5998b11d02697a40647",
    );
}

// ---------------------------------------------------------------------------------------------
// The object store

fn store() -> (tempfile::TempDir, ObjectStore) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let store = ObjectStore::new(dir.path().join("objects"));
    (dir, store)
}

#[track_caller]
fn put(store: &ObjectStore, content: &[u8]) -> String {
    store
        .put(content)
        .unwrap_or_else(|e| panic!("put({:?}) failed: {e}", String::from_utf8_lossy(content)))
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn put_returns_the_blob_id_and_get_gives_the_bytes_back() {
    let (_dir, store) = store();
    let id = put(&store, b"hello\n");
    assert_eq!(id, blob_id(b"hello\n"), "put returns the content's blob id");
    let got = store
        .get(&id)
        .unwrap_or_else(|e| panic!("get({id}) failed: {e}"));
    assert_eq!(
        got.as_deref(),
        Some(&b"hello\n"[..]),
        "get(id) gives back the bytes put under it"
    );
}

#[test]
fn put_lays_objects_out_as_git_does() {
    let (_dir, store) = store();
    let id = put(&store, b"what is up, doc?");
    let path = store.root().join(&id[..2]).join(&id[2..]);
    let on_disk = fs::read(&path)
        .unwrap_or_else(|e| panic!("the object should be a file at {}: {e}", path.display()));
    assert_eq!(
        String::from_utf8_lossy(&on_disk),
        "what is up, doc?",
        "the file holds the content itself (no header, not compressed)"
    );
}

#[test]
fn the_same_content_is_stored_once() {
    let (_dir, store) = store();
    let first = put(&store, b"same bytes");
    let second = put(&store, b"same bytes");
    put(&store, b"other bytes");
    assert_eq!(first, second, "the same bytes always get the same id");
    assert_eq!(
        files_under(store.root()).len(),
        2,
        "two distinct contents make two files, however often each is put"
    );
}

#[test]
fn an_empty_object_can_be_stored() {
    let (_dir, store) = store();
    let id = put(&store, b"");
    assert_eq!(store.get(&id).unwrap().as_deref(), Some(&b""[..]));
}

#[test]
fn get_of_an_unknown_id_is_none() {
    let (_dir, store) = store();
    put(&store, b"something");
    let unknown = blob_id(b"never stored");
    match store.get(&unknown) {
        Ok(None) => {}
        other => panic!("get of an id never stored must be Ok(None), got {other:?}"),
    }
}

#[track_caller]
fn expect_corrupt(store: &ObjectStore, id: &str, found: &[u8], why: &str) {
    match store.get(id) {
        Err(GetError::Corrupt { expected, actual }) => {
            assert_eq!(expected, id, "Corrupt.expected is the id asked for");
            assert_eq!(
                actual,
                blob_id(found),
                "Corrupt.actual is the blob id of the bytes found"
            );
        }
        other => panic!(
            "{why}: get must return GetError::Corrupt, got {:?}",
            other.map(|o| o.map(|b| String::from_utf8_lossy(&b).into_owned()))
        ),
    }
}

#[test]
fn get_refuses_bytes_changed_on_disk() {
    let (_dir, store) = store();
    let id = put(&store, b"amount=100");
    fs::write(store.path_of(&id), b"amount=900").unwrap();
    expect_corrupt(
        &store,
        &id,
        b"amount=900",
        "the file was edited behind the store's back",
    );
}

#[test]
fn get_refuses_an_object_swapped_for_another() {
    let (_dir, store) = store();
    let good = put(&store, b"release 1.0, signed off");
    let evil = put(&store, b"release 1.0, with a backdoor");
    fs::copy(store.path_of(&evil), store.path_of(&good)).unwrap();
    expect_corrupt(
        &store,
        &good,
        b"release 1.0, with a backdoor",
        "a valid object was copied over another: valid bytes, wrong id",
    );
}

#[test]
fn get_refuses_a_truncated_object() {
    let (_dir, store) = store();
    let id = put(&store, b"a longer object, cut short");
    fs::write(store.path_of(&id), b"a longer").unwrap();
    expect_corrupt(&store, &id, b"a longer", "the file lost its end");
}

#[track_caller]
fn expect_bad_id(store: &ObjectStore, id: &str, why: &str) {
    match store.get(id) {
        Err(GetError::BadId(bad)) => assert_eq!(bad, id, "BadId carries the id refused"),
        other => panic!(
            "get({id:?}) must return GetError::BadId ({why}), got {:?}",
            other.map(|o| o.map(|b| String::from_utf8_lossy(&b).into_owned()))
        ),
    }
}

#[test]
fn get_refuses_an_id_that_is_a_path() {
    let (dir, store) = store();
    put(&store, b"something");
    fs::write(dir.path().join("secret"), b"password=hunter2").unwrap();
    expect_bad_id(
        &store,
        "../secret",
        "an id is checked before it becomes a path, or `..` reads files outside the store",
    );
}

#[test]
fn get_refuses_ids_of_the_wrong_length() {
    let (_dir, store) = store();
    let id = put(&store, b"something");
    expect_bad_id(&store, &id[..63], "63 hex digits is not an id");
    expect_bad_id(&store, &format!("{id}0"), "65 hex digits is not an id");
    expect_bad_id(&store, "", "the empty string is not an id");
    // 40 digits is a SHA-1 id: another object format, not this store's.
    expect_bad_id(
        &store,
        "ce013625030ba8dba906f756967f9e9ca394464a",
        "SHA-1 length",
    );
}

#[test]
fn get_refuses_ids_that_are_not_lowercase_hex() {
    let (_dir, store) = store();
    let id = put(&store, b"something");
    expect_bad_id(
        &store,
        &id.to_uppercase(),
        "ids are lowercase, as Git prints them",
    );
    let g = format!("g{}", &id[1..]);
    expect_bad_id(&store, &g, "g is not a hex digit");
    let slash = format!("{}/{}", &id[..2], &id[3..]);
    expect_bad_id(&store, &slash, "a slash is not a hex digit");
    // 32 two-byte characters: 64 bytes long, but not hex (and not cut on a char boundary).
    expect_bad_id(&store, &"é".repeat(32), "non-ASCII is not hex");
}

#[test]
fn get_reports_a_read_error_rather_than_absence() {
    let (_dir, store) = store();
    let id = blob_id(b"unreadable");
    // A folder where the object's file should be: reading it fails, and not with NotFound.
    fs::create_dir_all(store.path_of(&id)).unwrap();
    match store.get(&id) {
        Err(GetError::Io(_)) => {}
        other => panic!(
            "a read that fails for another reason than NotFound is GetError::Io: \
             an object that exists but cannot be read is not an absent object; got {other:?}"
        ),
    }
}
