//! The specification: Argon2id hashes as PHC strings with the given costs and a fresh salt
//! each time, checked against the RFC 9106-style vectors pyca/cryptography publishes;
//! verification that reads everything from the stored string; and a user table that keeps
//! only those strings.
//!
//! Costs here are tiny (256 KiB, 1 pass) so that the tests run in milliseconds in a debug
//! build; production costs are in the chapter README (OWASP: m=19456, t=2, p=1 at least).

use std::collections::HashSet;

use argon2::password_hash::{Error, PasswordHash};
use argon2::{Params, PasswordHasher};
use password_hashing::{Accounts, hash_password, hash_with_salt, verify_password};

/// Test costs: m = 256 KiB, t = 1, p = 1. Small on purpose: speed, not security.
fn params() -> Params {
    Params::new(256, 1, 1, None).unwrap()
}

#[track_caller]
fn hash(password: &str) -> String {
    hash_password(password, &params()).unwrap_or_else(|e| panic!("hash_password failed: {e}"))
}

#[track_caller]
fn parse(phc: &str) -> PasswordHash<'_> {
    PasswordHash::new(phc).unwrap_or_else(|e| panic!("{phc:?} is not a PHC string: {e}"))
}

/// The raw salt bytes of a PHC string.
fn salt_bytes(phc: &PasswordHash<'_>) -> Vec<u8> {
    let mut buf = [0u8; 64];
    phc.salt
        .expect("a salt")
        .decode_b64(&mut buf)
        .expect("B64 salt")
        .to_vec()
}

// ---------------------------------------------------------------------------------------------
// Hashing

#[test]
fn a_hash_is_an_argon2id_phc_string_with_the_given_costs() {
    let phc = hash("correct horse battery staple");
    let parsed = parse(&phc);
    assert_eq!(
        parsed.algorithm.as_str(),
        "argon2id",
        "the algorithm in {phc:?}"
    );
    assert_eq!(
        parsed.version,
        Some(0x13),
        "Argon2 version 1.3 (v=19) in {phc:?}"
    );
    let p = Params::try_from(&parsed).expect("costs in the string");
    assert_eq!(
        (p.m_cost(), p.t_cost(), p.p_cost()),
        (256, 1, 1),
        "the costs given (m=256,t=1,p=1), not the crate's defaults, in {phc:?}"
    );
    assert_eq!(parsed.hash.expect("a hash").len(), 32, "a 32-byte hash");
}

#[test]
fn the_salt_is_16_random_bytes() {
    let phc = hash("pw");
    let salt = salt_bytes(&parse(&phc));
    assert_eq!(
        salt.len(),
        16,
        "16 bytes of salt (RFC 9106 §3.1), in {phc:?}"
    );
    assert_ne!(salt, [0u8; 16], "an all-zero salt is not random");
}

#[test]
fn the_same_password_hashed_twice_gets_two_salts_and_two_hashes() {
    let mut salts = HashSet::new();
    let mut hashes = HashSet::new();
    for _ in 0..20 {
        let phc = hash("123456");
        let parsed = parse(&phc);
        salts.insert(salt_bytes(&parsed));
        hashes.insert(parsed.hash.unwrap().as_bytes().to_vec());
    }
    assert_eq!(
        salts.len(),
        20,
        "20 hashes of one password must have 20 different salts"
    );
    assert_eq!(
        hashes.len(),
        20,
        "and so 20 different hashes: no rainbow table applies"
    );
}

#[test]
fn the_hash_does_not_contain_the_password() {
    let phc = hash("hunter2-hunter2");
    assert!(
        !phc.contains("hunter2"),
        "the password is in the stored string: {phc:?}"
    );
}

#[test]
fn hash_with_salt_is_deterministic_and_uses_the_salt() {
    let a = hash_with_salt("password", b"somesalt", &params()).unwrap();
    let b = hash_with_salt("password", b"somesalt", &params()).unwrap();
    let c = hash_with_salt("password", b"othersalt", &params()).unwrap();
    assert_eq!(a, b, "same password, salt and costs: the same string");
    assert_ne!(a, c, "another salt: another hash");
    // What the argon2 crate itself makes of the same input.
    let argon2 = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        params(),
    );
    let salt = argon2::password_hash::SaltString::encode_b64(b"somesalt").unwrap();
    let want = argon2
        .hash_password(b"password", &salt)
        .unwrap()
        .to_string();
    assert_eq!(a, want, "Argon2id v=19 with the given costs and salt");
}

#[test]
fn hash_with_salt_passes_the_argon2id_vectors() {
    // pyca/cryptography's vectors/cryptography_vectors/KDF/argon2id.txt: outputs of the
    // reference argon2 CLI (COUNT 1, 2: RFC 9106 §5.3's inputs without secret and data).
    // Run: the cases without `secret`/`ad` (this API has neither), with memcost <= 1024 KiB
    // (COUNT 3 takes 128 MiB: seconds in a debug build) and an output of at least 10 bytes
    // (the PHC format's minimum; COUNT 4 and 5 have 8 and 4).
    let Some(text) = testkit::vectors::read_to_string("crypto/pyca/argon2id.txt") else {
        return;
    };
    let mut run = 0;
    for block in text.split("\n\n") {
        let field = |key: &str| {
            block.lines().find_map(|l| {
                let (k, v) = l.split_once(" =")?;
                (k.trim() == key).then(|| v.trim().to_string())
            })
        };
        let Some(output) = field("output") else {
            continue;
        };
        if field("secret").is_some() || field("ad").is_some() {
            continue;
        }
        let num = |key: &str| field(key).unwrap().parse::<u32>().unwrap();
        if num("memcost") > 1024 || num("length") < 10 {
            continue;
        }
        let params = Params::new(
            num("memcost"),
            num("iter"),
            num("lanes"),
            Some(num("length") as usize),
        )
        .unwrap();
        let password = hex::decode(field("pass").unwrap_or_default()).unwrap();
        let password = String::from_utf8(password).expect("the vectors' passwords are UTF-8");
        let salt = hex::decode(field("salt").unwrap()).unwrap();
        let phc = hash_with_salt(&password, &salt, &params)
            .unwrap_or_else(|e| panic!("hash_with_salt failed: {e}"));
        let got = hex::encode(parse(&phc).hash.expect("a hash").as_bytes());
        assert_eq!(
            got,
            output,
            "argon2id.txt COUNT {}: the hash in {phc:?}",
            field("COUNT").unwrap()
        );
        run += 1;
    }
    assert!(
        run >= 2,
        "expected at least 2 Argon2id vectors to run, ran {run}"
    );
}

// ---------------------------------------------------------------------------------------------
// Verifying

#[test]
fn the_right_password_verifies() {
    let phc = hash("correct horse battery staple");
    assert_eq!(
        verify_password("correct horse battery staple", &phc).ok(),
        Some(true)
    );
}

#[test]
fn a_wrong_password_is_false_not_an_error() {
    let phc = hash("correct horse battery staple");
    for wrong in [
        "correct horse battery stapl",
        "Correct horse battery staple",
        "",
        "x",
    ] {
        match verify_password(wrong, &phc) {
            Ok(false) => {}
            other => panic!("verify_password({wrong:?}) must be Ok(false), got {other:?}"),
        }
    }
}

#[test]
fn empty_and_unicode_passwords_verify() {
    for password in ["", "пароль", "🔑 mot de passe é"] {
        let phc = hash(password);
        assert_eq!(
            verify_password(password, &phc).ok(),
            Some(true),
            "{password:?}"
        );
    }
    // Unicode is hashed as its UTF-8 bytes: a differently normalised "é" is another password.
    let phc = hash("caf\u{e9}");
    assert_eq!(verify_password("cafe\u{301}", &phc).ok(), Some(false));
}

#[test]
fn verification_uses_the_costs_and_salt_of_the_stored_string() {
    // Made with other costs than today's: it must still verify, read from the string.
    let old = hash_with_salt("pw", b"saltsalt", &Params::new(128, 2, 2, None).unwrap()).unwrap();
    assert_eq!(
        verify_password("pw", &old).ok(),
        Some(true),
        "a hash made with m=128,t=2,p=2 verifies: the costs come from {old:?}"
    );
}

#[test]
fn a_malformed_stored_string_is_an_error() {
    for stored in [
        "",
        "hunter2",
        "$argon2id$v=19$m=x$c2FsdHNhbHQ$aGFzaA",
        "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
    ] {
        assert!(
            verify_password("hunter2", stored).is_err(),
            "{stored:?} is not a PHC hash: an error, not a yes or no"
        );
    }
}

#[test]
fn a_tampered_hash_does_not_verify() {
    let phc = hash("pw");
    // Replace the last character of the hash with another valid B64 character.
    let mut tampered = phc.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    match verify_password("pw", &tampered) {
        Ok(false) | Err(Error::Password) => {}
        Err(_) => {} // an encoding error on the last character is a refusal too
        Ok(true) => panic!("{tampered:?} is not the hash of \"pw\""),
    }
}

// ---------------------------------------------------------------------------------------------
// The user table

#[test]
fn a_registered_user_logs_in_with_their_password_only() {
    let mut accounts = Accounts::new(params());
    assert!(
        accounts.register("alice", "s3cret!"),
        "a free name registers"
    );
    assert!(
        accounts.login("alice", "s3cret!"),
        "the right password logs in"
    );
    assert!(
        !accounts.login("alice", "s3cret"),
        "a wrong password does not"
    );
}

#[test]
fn an_unknown_user_does_not_log_in() {
    let mut accounts = Accounts::new(params());
    accounts.register("alice", "s3cret!");
    assert!(!accounts.login("bob", "s3cret!"), "bob has no account");
    assert!(!accounts.login("", ""), "nor has the empty name");
}

#[test]
fn the_table_stores_an_argon2id_string_with_todays_costs() {
    let mut accounts = Accounts::new(Params::new(512, 1, 1, None).unwrap());
    accounts.register("alice", "s3cret!");
    let stored = accounts.stored("alice").expect("alice's record");
    let parsed = parse(stored);
    assert_eq!(parsed.algorithm.as_str(), "argon2id", "{stored:?}");
    let p = Params::try_from(&parsed).unwrap();
    assert_eq!(p.m_cost(), 512, "the table's costs (m=512), in {stored:?}");
    assert!(
        !stored.contains("s3cret"),
        "the password is stored: {stored:?}"
    );
}

#[test]
fn two_users_with_one_password_have_different_records() {
    let mut accounts = Accounts::new(params());
    accounts.register("alice", "123456");
    accounts.register("bob", "123456");
    assert_ne!(
        accounts.stored("alice"),
        accounts.stored("bob"),
        "the same password for two users must not give the same record: one cracked \
         record would give away the other"
    );
}

#[test]
fn registering_a_taken_name_fails_and_keeps_the_account() {
    let mut accounts = Accounts::new(params());
    accounts.register("alice", "alice's password");
    let before = accounts.stored("alice").unwrap().to_string();
    assert!(
        !accounts.register("alice", "attacker's password"),
        "the name is taken"
    );
    assert_eq!(
        accounts.stored("alice"),
        Some(before.as_str()),
        "alice's record unchanged"
    );
    assert!(
        !accounts.login("alice", "attacker's password"),
        "no takeover by re-registering"
    );
    assert!(accounts.login("alice", "alice's password"));
}

#[test]
fn a_damaged_record_refuses_the_login() {
    let mut accounts = Accounts::new(params());
    accounts.register("alice", "pw");
    accounts.overwrite("alice", "pw");
    assert!(
        !accounts.login("alice", "pw"),
        "a record that is not a PHC string (here the password itself) never logs anyone in"
    );
}

#[test]
fn a_hash_of_another_algorithm_is_an_error_not_a_wrong_password() {
    // Valid PHC strings that Argon2 cannot verify: a legacy PBKDF2 hash (step 04 verifies
    // those), and Argon2id costs below the minimum. "Wrong password" would be a lie: the
    // caller must learn that this record needs another verifier, or is broken.
    let pbkdf2 = "$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$LGsGnAnwRRmp0VJ+hEeP9VSp1+GYnHT9s9FYkQ4WUJ4";
    let too_cheap =
        "$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$LGsGnAnwRRmp0VJ+hEeP9VSp1+GYnHT9s9FYkQ4WUJ4";
    for stored in [pbkdf2, too_cheap] {
        match verify_password("pw", stored) {
            Err(_) => {}
            other => panic!("verify_password(\"pw\", {stored:?}) must be an Err, got {other:?}"),
        }
    }
}
