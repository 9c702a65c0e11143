//! The specification: legacy PBKDF2-HMAC-SHA256 records verify (RFC 7914's example and
//! Wycheproof's vectors), `needs_rehash` says which records are weaker than today's policy,
//! and a successful login, only a successful one, replaces a weak record with Argon2id at
//! today's costs.
//!
//! Costs are tiny (Argon2id m=256 KiB, PBKDF2 a few thousand iterations) so that the tests
//! run fast in a debug build; they are not the costs to use (see the chapter README).

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, Version};
use password_upgrade::{Accounts, hash_with_salt, needs_rehash, verify_legacy};
use sha2::Sha256;

/// Today's costs in these tests: m = 256 KiB, t = 2, p = 1.
fn today() -> Params {
    Params::new(256, 2, 1, None).unwrap()
}

fn params(m: u32, t: u32) -> Params {
    Params::new(m, t, 1, None).unwrap()
}

/// A legacy record, made here with the pbkdf2 crate directly.
fn legacy(password: &[u8], salt: &[u8], iterations: u32, key_len: usize) -> String {
    let mut key = vec![0u8; key_len];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut key);
    format!(
        "$pbkdf2-sha256$i={iterations}${}${}",
        SaltString::encode_b64(salt).unwrap().as_str(),
        Output::new(&key).unwrap()
    )
}

/// An Argon2 record with the given algorithm, version and costs.
fn argon(alg: Algorithm, version: Version, p: Params, password: &str) -> String {
    let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
    Argon2::new(alg, version, p)
        .hash_password(password.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

fn argon2id(p: Params, password: &str) -> String {
    argon(Algorithm::Argon2id, Version::V0x13, p, password)
}

// ---------------------------------------------------------------------------------------------
// Legacy verification

#[test]
fn a_legacy_record_verifies_its_password_only() {
    let record = legacy(b"hunter2", b"pepper-free-salt", 1000, 32);
    assert_eq!(
        verify_legacy(b"hunter2", &record).ok(),
        Some(true),
        "{record}"
    );
    assert_eq!(
        verify_legacy(b"hunter3", &record).ok(),
        Some(false),
        "a wrong password"
    );
    assert_eq!(
        verify_legacy(b"", &record).ok(),
        Some(false),
        "an empty password"
    );
}

#[test]
fn legacy_verification_matches_rfc_7914_section_11() {
    // RFC 7914 §11: PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1, dkLen=64).
    let dk = hex::decode(
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc\
         49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    )
    .unwrap();
    let record = format!(
        "$pbkdf2-sha256$i=1${}${}",
        SaltString::encode_b64(b"salt").unwrap().as_str(),
        Output::new(&dk).unwrap()
    );
    assert_eq!(
        verify_legacy(b"passwd", &record).ok(),
        Some(true),
        "RFC 7914 §11, {record}"
    );
}

#[test]
fn legacy_verification_passes_wycheproof_pbkdf2_hmacsha256() {
    // C2SP Wycheproof pbkdf2_hmacsha256_test.json, as legacy records. Run: the cases that
    // carry a comment (RFC 7914's example, the empty password, passwords longer than
    // SHA-256's 64-byte block, which HMAC hashes first, special characters) and fit a PHC
    // string (salt 4..=48 bytes, key 10..=64 bytes, at most 4096 iterations). Left out: the
    // uncommented 4096-iteration bulk, seconds of PBKDF2 in a debug build.
    let Some(text) =
        testkit::vectors::read_to_string("crypto/wycheproof/pbkdf2_hmacsha256_test.json")
    else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut run = 0;
    for case in all["testGroups"][0]["tests"].as_array().unwrap() {
        let bytes = |k: &str| hex::decode(case[k].as_str().unwrap()).unwrap();
        let (password, salt, dk) = (bytes("password"), bytes("salt"), bytes("dk"));
        let iterations = case["iterationCount"].as_u64().unwrap() as u32;
        let fits = (4..=48).contains(&salt.len()) && (10..=64).contains(&dk.len());
        if case["comment"] == "" || !fits || iterations > 4096 {
            continue;
        }
        let record = format!(
            "$pbkdf2-sha256$i={iterations}${}${}",
            SaltString::encode_b64(&salt).unwrap().as_str(),
            Output::new(&dk).unwrap()
        );
        assert_eq!(
            verify_legacy(&password, &record).ok(),
            Some(true),
            "Wycheproof pbkdf2_hmacsha256 tcId {} ({}): {record}",
            case["tcId"],
            case["comment"]
        );
        run += 1;
    }
    assert!(
        run >= 6,
        "expected at least 6 Wycheproof cases to run, ran {run}"
    );
}

#[test]
fn every_byte_of_a_legacy_key_is_compared() {
    let record = legacy(b"pw", b"saltsalt", 1, 32);
    let key = PasswordHash::new(&record).unwrap().hash.unwrap();
    for i in [0, 15, 31] {
        let mut wrong = key.as_bytes().to_vec();
        wrong[i] ^= 1;
        let wrong = record.replace(&key.to_string(), &Output::new(&wrong).unwrap().to_string());
        assert_eq!(
            verify_legacy(b"pw", &wrong).ok(),
            Some(false),
            "byte {i} of the stored key flipped: not a match ({wrong})"
        );
    }
    let short = legacy(b"pw", b"saltsalt", 1, 16);
    assert_eq!(
        verify_legacy(b"pw", &short).ok(),
        Some(true),
        "a 16-byte key is compared with a 16-byte derivation: {short}"
    );
}

#[test]
fn legacy_verification_uses_the_stored_iterations_and_length() {
    let record = legacy(b"pw", b"saltsalt", 3, 20);
    assert_eq!(
        verify_legacy(b"pw", &record).ok(),
        Some(true),
        "i=3, a 20-byte key: {record}"
    );
    let record = legacy(b"pw", b"saltsalt", 2, 48);
    assert_eq!(
        verify_legacy(b"pw", &record).ok(),
        Some(true),
        "i=2, a 48-byte key: {record}"
    );
}

#[test]
fn records_legacy_verification_cannot_check_are_errors() {
    let good = legacy(b"pw", b"saltsalt", 10, 32);
    let key = good.rsplit('$').next().unwrap();
    for (record, why) in [
        (argon2id(today(), "pw"), "an Argon2id record"),
        (
            good.replace("pbkdf2-sha256", "pbkdf2-sha512"),
            "another PRF",
        ),
        (good.replace("i=10", "r=10"), "no iteration count"),
        ("$pbkdf2-sha256$i=10$c2FsdHNhbHQ".to_string(), "no key"),
        (format!("$pbkdf2-sha256$i=10${key}x"), "a key but no salt"),
        ("pw".to_string(), "not a PHC string"),
    ] {
        assert!(
            verify_legacy(b"pw", &record).is_err(),
            "{why}: {record:?} must be an Err, got {:?}",
            verify_legacy(b"pw", &record)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Which records need a rehash

#[track_caller]
fn check_rehash(stored: &str, want: bool, why: &str) {
    assert_eq!(
        needs_rehash(stored, &today()),
        want,
        "needs_rehash({stored:?}) with today's m=256,t=2: {why}"
    );
}

#[test]
fn an_argon2id_record_with_todays_costs_needs_no_rehash() {
    check_rehash(&argon2id(today(), "pw"), false, "it is today's policy");
}

#[test]
fn less_memory_or_fewer_passes_need_a_rehash() {
    check_rehash(
        &argon2id(params(128, 2), "pw"),
        true,
        "m=128 is less memory than today's",
    );
    check_rehash(
        &argon2id(params(256, 1), "pw"),
        true,
        "t=1 is fewer passes than today's",
    );
}

#[test]
fn stronger_costs_are_never_lowered() {
    check_rehash(
        &argon2id(params(512, 2), "pw"),
        false,
        "m=512 is above today's",
    );
    check_rehash(
        &argon2id(params(256, 3), "pw"),
        false,
        "t=3 is above today's",
    );
}

#[test]
fn other_algorithms_and_versions_need_a_rehash() {
    check_rehash(
        &legacy(b"pw", b"saltsalt", 10, 32),
        true,
        "PBKDF2 is legacy",
    );
    check_rehash(
        &argon(Algorithm::Argon2i, Version::V0x13, today(), "pw"),
        true,
        "Argon2i",
    );
    check_rehash(
        &argon(Algorithm::Argon2d, Version::V0x13, today(), "pw"),
        true,
        "Argon2d",
    );
    check_rehash(
        &argon(Algorithm::Argon2id, Version::V0x10, today(), "pw"),
        true,
        "v=16",
    );
    check_rehash("not a hash", true, "a record that does not parse");
}

// ---------------------------------------------------------------------------------------------
// Login and upgrade

/// The algorithm and costs of a stored record.
fn shape(stored: &str) -> (String, u32, u32) {
    let hash = PasswordHash::new(stored).unwrap();
    let p = Params::try_from(&hash)
        .map(|p| (p.m_cost(), p.t_cost()))
        .unwrap_or((0, 0));
    (hash.algorithm.to_string(), p.0, p.1)
}

#[test]
fn a_current_record_logs_in_and_is_kept() {
    let mut accounts = Accounts::new(today());
    accounts.register("alice", "s3cret!");
    let before = accounts.stored("alice").unwrap().to_string();
    assert!(
        accounts.login("alice", "s3cret!"),
        "the right password logs in"
    );
    assert_eq!(
        accounts.stored("alice"),
        Some(before.as_str()),
        "a current record is not rehashed"
    );
    assert!(!accounts.login("alice", "wrong"), "a wrong one does not");
}

#[test]
fn a_legacy_record_logs_in_and_is_upgraded() {
    let mut accounts = Accounts::new(today());
    let old = legacy(b"s3cret!", b"legacy-salt", 1000, 32);
    accounts.import("alice", &old);
    assert!(
        accounts.login("alice", "s3cret!"),
        "the legacy record verifies: {old}"
    );
    let now = accounts.stored("alice").unwrap().to_string();
    assert_eq!(
        shape(&now),
        ("argon2id".to_string(), 256, 2),
        "after a successful login the record is Argon2id with today's costs: {now}"
    );
    assert!(
        accounts.login("alice", "s3cret!"),
        "and the upgraded record verifies"
    );
    assert!(
        !now.contains("s3cret"),
        "the password is not in the record: {now}"
    );
}

#[test]
fn a_weak_argon2id_record_is_upgraded_on_login() {
    let mut accounts = Accounts::new(today());
    accounts.import("bob", &argon2id(params(128, 1), "hunter2"));
    assert!(accounts.login("bob", "hunter2"));
    let now = accounts.stored("bob").unwrap();
    assert_eq!(
        shape(now),
        ("argon2id".to_string(), 256, 2),
        "upgraded to today's costs: {now}"
    );
}

#[test]
fn a_stronger_record_is_kept_on_login() {
    let mut accounts = Accounts::new(today());
    let strong = argon2id(params(512, 3), "hunter2");
    accounts.import("bob", &strong);
    assert!(accounts.login("bob", "hunter2"));
    assert_eq!(
        accounts.stored("bob"),
        Some(strong.as_str()),
        "never downgraded"
    );
}

#[test]
fn a_failed_login_never_replaces_the_record() {
    let mut accounts = Accounts::new(today());
    let old = legacy(b"alice's password", b"legacy-salt", 1000, 32);
    accounts.import("alice", &old);
    assert!(
        !accounts.login("alice", "attacker's guess"),
        "a wrong password"
    );
    assert_eq!(
        accounts.stored("alice"),
        Some(old.as_str()),
        "a failed login must not rehash: the record would become the attacker's guess"
    );
    assert!(
        !accounts.login("alice", "attacker's guess"),
        "still refused"
    );
    assert!(
        accounts.login("alice", "alice's password"),
        "and alice still gets in"
    );

    let weak = argon2id(params(128, 1), "bob's password");
    accounts.import("bob", &weak);
    assert!(!accounts.login("bob", "guess"));
    assert_eq!(
        accounts.stored("bob"),
        Some(weak.as_str()),
        "nor a weak Argon2id record"
    );
}

#[test]
fn unknown_users_and_damaged_records_do_not_log_in() {
    let mut accounts = Accounts::new(today());
    assert!(!accounts.login("nobody", "pw"), "no such user");
    accounts.import("carol", "pw");
    assert!(
        !accounts.login("carol", "pw"),
        "a record that is the password itself"
    );
    assert_eq!(
        accounts.stored("carol"),
        Some("pw"),
        "and a refused login changes nothing"
    );
}

#[test]
fn hash_with_salt_is_step_03s() {
    // The given code is step 03's solution: same input, same string as the argon2 crate.
    let ours = hash_with_salt("pw", b"0123456789abcdef", &today()).unwrap();
    assert_eq!(ours, argon2id(today(), "pw"));
}
