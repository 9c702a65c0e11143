//! The specification of field encryption: AES-256-GCM as Wycheproof checks it, a fresh nonce
//! for every record, the row id as associated data (a record moved to another row, or with one
//! bit changed, does not open), and key rotation through the key id each record carries.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use encryption_at_rest::{CryptoError, Keyring, Sealed, decrypt, encrypt, open, reencrypt, seal};
use rand::SeedableRng;
use rand::rngs::StdRng;
use std::collections::HashSet;

const KEY_1: [u8; 32] = [0x11; 32];
const KEY_2: [u8; 32] = [0x22; 32];

/// A seeded generator: the tests are the same on every run.
fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn keyring() -> Keyring {
    Keyring::new(1, KEY_1)
}

#[track_caller]
fn opens(keys: &Keyring, row: u64, record: &Sealed) -> Vec<u8> {
    open(keys, row, record).unwrap_or_else(|e| panic!("the record of row {row} must open: {e:?}"))
}

// ---------------------------------------------------------------------------------------------
// AES-256-GCM itself: Wycheproof's vectors through encrypt and decrypt

#[test]
fn encrypt_and_decrypt_agree_with_wycheproof() {
    let Some(text) = testkit::vectors::read_to_string("crypto/wycheproof/aes_gcm_test.json") else {
        return;
    };
    let doc: serde_json::Value = serde_json::from_str(&text).expect("aes_gcm_test.json is JSON");
    let bytes = |v: &serde_json::Value| hex::decode(v.as_str().unwrap()).unwrap();
    let (mut run, mut valid, mut invalid) = (0, 0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        // This exercise's cipher: 256-bit keys, 96-bit nonces, 128-bit tags.
        if group["keySize"] != 256 || group["ivSize"] != 96 || group["tagSize"] != 128 {
            continue;
        }
        for case in group["tests"].as_array().unwrap() {
            let id = &case["tcId"];
            let key: [u8; 32] = bytes(&case["key"]).try_into().unwrap();
            let nonce: [u8; 12] = bytes(&case["iv"]).try_into().unwrap();
            let (aad, msg) = (bytes(&case["aad"]), bytes(&case["msg"]));
            let mut sealed = bytes(&case["ct"]);
            sealed.extend(bytes(&case["tag"]));
            let got = decrypt(&key, &nonce, &aad, &sealed);
            run += 1;
            if case["result"] == "valid" {
                valid += 1;
                assert_eq!(
                    got,
                    Ok(msg.clone()),
                    "Wycheproof aes_gcm tcId {id} ({}): decrypt must give the message",
                    case["comment"]
                );
                assert_eq!(
                    hex::encode(encrypt(&key, &nonce, &aad, &msg)),
                    hex::encode(&sealed),
                    "Wycheproof aes_gcm tcId {id}: encrypt must give the ciphertext, then the tag"
                );
            } else {
                invalid += 1;
                assert_eq!(
                    got,
                    Err(CryptoError::Decrypt),
                    "Wycheproof aes_gcm tcId {id} ({:?}, {}): the tag is wrong, decrypt must fail",
                    case["flags"],
                    case["comment"]
                );
            }
        }
    }
    // Measured on the Wycheproof commit in shared/vectors: 66 cases, 39 valid and 27 invalid.
    assert!(
        run >= 66,
        "only {run} Wycheproof cases ran; expected at least 66"
    );
    assert!(
        valid >= 39 && invalid >= 27,
        "{valid} valid, {invalid} invalid cases"
    );
}

#[test]
fn decrypt_refuses_a_ciphertext_shorter_than_a_tag() {
    for len in [0, 1, 15] {
        assert_eq!(
            decrypt(&KEY_1, &[0; 12], b"", &vec![0; len]),
            Err(CryptoError::Decrypt),
            "{len} bytes cannot even hold the 16-byte tag: Decrypt, and no panic"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Sealing and opening a record

#[test]
fn a_sealed_record_opens_to_its_plaintext() {
    let keys = keyring();
    for plaintext in [
        &b"123-45-6789"[..],
        b"",
        "Zoë 日本".as_bytes(),
        &[0u8; 4096],
    ] {
        let record = seal(&keys, 42, plaintext, &mut rng(1));
        assert_eq!(opens(&keys, 42, &record), plaintext);
    }
}

#[test]
fn the_record_names_the_current_key_and_hides_the_plaintext() {
    let keys = keyring();
    let plaintext = b"national id 123-45-6789";
    let record = seal(&keys, 42, plaintext, &mut rng(1));
    assert_eq!(
        record.key_id, 1,
        "the record must carry the id of the key that sealed it"
    );
    assert_eq!(
        record.ciphertext.len(),
        plaintext.len() + 16,
        "GCM's ciphertext is as long as the plaintext, then comes the 16-byte tag"
    );
    assert!(
        !record.ciphertext.windows(11).any(|w| w == &plaintext[12..]),
        "the plaintext shows through the ciphertext"
    );
}

#[test]
fn the_row_id_is_the_associated_data() {
    let keys = keyring();
    let record = seal(&keys, 42, b"secret", &mut rng(1));
    let got = Aes256Gcm::new(&KEY_1.into()).decrypt(
        &record.nonce.into(),
        Payload {
            msg: &record.ciphertext,
            aad: &42u64.to_be_bytes(),
        },
    );
    assert_eq!(
        got.ok().as_deref(),
        Some(&b"secret"[..]),
        "the record must be AES-256-GCM under the current key and its own nonce, with \
         42u64.to_be_bytes() as associated data"
    );
}

#[test]
fn every_record_gets_a_fresh_nonce() {
    let keys = keyring();
    let mut rng = rng(7);
    let mut nonces = HashSet::new();
    let mut ciphertexts = HashSet::new();
    for _ in 0..1000 {
        let record = seal(&keys, 42, b"same row, same value", &mut rng);
        assert!(
            nonces.insert(record.nonce),
            "nonce {} came back: a nonce reused under one key leaks the XOR of two \
             plaintexts and lets anyone forge tags",
            hex::encode(record.nonce)
        );
        ciphertexts.insert(record.ciphertext);
    }
    assert_eq!(
        ciphertexts.len(),
        1000,
        "the same value sealed twice must not look the same"
    );
}

#[test]
fn the_nonce_comes_from_the_rng_given() {
    let keys = keyring();
    let a = seal(&keys, 42, b"x", &mut rng(1));
    let b = seal(&keys, 42, b"x", &mut rng(1));
    let c = seal(&keys, 42, b"x", &mut rng(2));
    assert_eq!(
        a, b,
        "the same seed must give the same record: draw the nonce from `rng`"
    );
    assert_ne!(a.nonce, c.nonce, "another seed must give another nonce");
    assert_ne!(
        a.nonce, [0; 12],
        "the nonce must be drawn, not left at zero"
    );
}

// ---------------------------------------------------------------------------------------------
// Attacks on the stored record

#[test]
fn a_record_moved_to_another_row_does_not_open() {
    let keys = keyring();
    let admins = seal(&keys, 1, b"admin's recovery code", &mut rng(1));
    for row in [2, 0, u64::MAX, 1 << 32, 256] {
        assert_eq!(
            open(&keys, row, &admins),
            Err(CryptoError::Decrypt),
            "row 1's record copied into row {row} must not open there: the row id is \
             authenticated as associated data"
        );
    }
}

#[test]
fn a_flipped_bit_anywhere_is_detected() {
    let keys = keyring();
    let record = seal(&keys, 42, b"balance: 100", &mut rng(1));
    for byte in 0..record.ciphertext.len() {
        for bit in 0..8 {
            let mut bad = record.clone();
            bad.ciphertext[byte] ^= 1 << bit;
            assert_eq!(
                open(&keys, 42, &bad),
                Err(CryptoError::Decrypt),
                "ciphertext byte {byte} bit {bit} flipped: GCM's tag must catch it"
            );
        }
    }
    for byte in 0..12 {
        let mut bad = record.clone();
        bad.nonce[byte] ^= 1;
        assert_eq!(
            open(&keys, 42, &bad),
            Err(CryptoError::Decrypt),
            "nonce byte {byte} changed"
        );
    }
}

#[test]
fn a_truncated_record_does_not_open() {
    let keys = keyring();
    let record = seal(&keys, 42, b"balance: 100", &mut rng(1));
    for len in [0, 1, 15, 16, record.ciphertext.len() - 1] {
        let mut bad = record.clone();
        bad.ciphertext.truncate(len);
        assert_eq!(
            open(&keys, 42, &bad),
            Err(CryptoError::Decrypt),
            "cut to {len} bytes"
        );
    }
}

#[test]
fn a_record_naming_an_unknown_key_is_refused() {
    let keys = keyring();
    let mut record = seal(&keys, 42, b"x", &mut rng(1));
    record.key_id = 99;
    assert_eq!(open(&keys, 42, &record), Err(CryptoError::UnknownKey(99)));
}

#[test]
fn a_record_relabelled_with_another_key_does_not_open() {
    let mut keys = keyring();
    let mut record = seal(&keys, 42, b"x", &mut rng(1));
    keys.rotate_to(2, KEY_2);
    record.key_id = 2;
    assert_eq!(
        open(&keys, 42, &record),
        Err(CryptoError::Decrypt),
        "sealed with key 1, labelled key 2: the record must be opened with the key it names"
    );
}

// ---------------------------------------------------------------------------------------------
// Key rotation

#[test]
fn after_rotation_new_records_use_the_new_key_and_old_ones_still_open() {
    let mut keys = keyring();
    let old = seal(&keys, 7, b"before", &mut rng(1));
    keys.rotate_to(2, KEY_2);
    let new = seal(&keys, 8, b"after", &mut rng(2));
    assert_eq!(
        new.key_id, 2,
        "after rotate_to(2, ..) records are sealed with key 2"
    );
    assert_eq!(
        opens(&keys, 7, &old),
        b"before",
        "key 1 must still open older records"
    );
    assert_eq!(opens(&keys, 8, &new), b"after");
}

#[test]
fn reencrypt_moves_an_old_record_to_the_current_key() {
    let mut keys = keyring();
    let old = seal(&keys, 7, b"ssn 123-45-6789", &mut rng(1));
    keys.rotate_to(2, KEY_2);
    let new = reencrypt(&keys, 7, &old, &mut rng(2))
        .expect("an old record re-encrypts")
        .expect("a record under key 1 must be sealed again, under key 2");
    assert_eq!(new.key_id, 2, "re-encrypted under the current key");
    assert_ne!(new.nonce, old.nonce, "with a fresh nonce");
    keys.retire(1);
    assert_eq!(
        opens(&keys, 7, &new),
        b"ssn 123-45-6789",
        "once re-encrypted, the record opens without the retired key"
    );
    assert_eq!(
        open(&keys, 7, &old),
        Err(CryptoError::UnknownKey(1)),
        "a record left under a retired key no longer opens"
    );
}

#[test]
fn reencrypt_leaves_a_current_record_alone() {
    let keys = keyring();
    let record = seal(&keys, 7, b"x", &mut rng(1));
    assert_eq!(
        reencrypt(&keys, 7, &record, &mut rng(2)),
        Ok(None),
        "a record already under the current key needs no write"
    );
}

#[test]
fn reencrypt_never_launders_a_record_that_does_not_open() {
    let mut keys = keyring();
    let other_row = seal(&keys, 1, b"admin's", &mut rng(1));
    keys.rotate_to(2, KEY_2);
    assert_eq!(
        reencrypt(&keys, 2, &other_row, &mut rng(2)),
        Err(CryptoError::Decrypt),
        "row 1's record offered as row 2's must fail, not come back sealed for row 2"
    );
    let mut unknown = other_row.clone();
    unknown.key_id = 9;
    assert_eq!(
        reencrypt(&keys, 1, &unknown, &mut rng(2)),
        Err(CryptoError::UnknownKey(9))
    );
}
