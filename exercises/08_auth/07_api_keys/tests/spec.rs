//! The specification of API keys: the format, drawn from the CSPRNG, only the secret's
//! SHA-256 stored, authentication by prefix then hash, revocation at once, rotation with an
//! overlap that never extends a key's life.

use api_keys::{KeyStore, PREFIX_LABEL};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{CryptoRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};

const T0: u64 = 1_767_225_600;

fn store() -> KeyStore<StdRng> {
    KeyStore::new(StdRng::seed_from_u64(3))
}

/// The prefix and the secret of a key of the documented form.
fn parts(key: &str) -> (&str, &str) {
    let rest = key
        .strip_prefix("bk_")
        .unwrap_or_else(|| panic!("{key:?} should start with bk_"));
    rest.split_once('_')
        .unwrap_or_else(|| panic!("{key:?} should be bk_<prefix>_<secret>"))
}

#[track_caller]
fn owner(store: &KeyStore<StdRng>, key: &str, now: u64) -> Option<String> {
    store.authenticate(key, now).map(str::to_owned)
}

// ---------------------------------------------------------------------------------------------
// Issuing

#[test]
fn a_key_is_bk_then_8_hex_digits_then_43_base64url_characters() {
    let key = store().issue("alice");
    assert_eq!(PREFIX_LABEL, "bk_");
    let (prefix, secret) = parts(&key);
    assert!(
        prefix.len() == 8
            && prefix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "the prefix is 4 bytes in lowercase hex: {prefix:?} in {key:?}"
    );
    assert_eq!(
        secret.len(),
        43,
        "the secret is 32 bytes in base64url without padding: {key:?}"
    );
    assert!(
        URL_SAFE_NO_PAD.decode(secret).is_ok(),
        "the secret is base64url: {key:?}"
    );
}

#[test]
fn a_key_is_drawn_from_the_generator() {
    let mut rng = StdRng::seed_from_u64(3);
    let (mut id, mut secret) = ([0u8; 4], [0u8; 32]);
    rng.fill_bytes(&mut id);
    rng.fill_bytes(&mut secret);
    let want = format!("bk_{}_{}", hex::encode(id), URL_SAFE_NO_PAD.encode(secret));
    assert_eq!(
        store().issue("alice"),
        want,
        "4 bytes for the prefix, then 32 for the secret, from the store's CSPRNG"
    );
}

#[test]
fn the_store_keeps_only_the_secrets_hash() {
    let mut store = store();
    let key = store.issue("alice");
    let (prefix, secret) = parts(&key);
    let record = store
        .record(prefix)
        .expect("a record under the key's prefix");
    assert_eq!(record.owner, "alice");
    assert_eq!(
        hex::encode(record.hash),
        hex::encode(Sha256::digest(secret.as_bytes())),
        "the record holds SHA-256 of the secret part (its base64url text)"
    );
    assert_eq!(
        (record.expires, record.revoked),
        (None, false),
        "a new key has no expiry and is live"
    );
    let dump = format!("{store:?}");
    assert!(
        !dump.contains(secret),
        "the secret must not be stored anywhere: a database leak would leak every key"
    );
}

/// A generator that replays a script of bytes: only to force a prefix collision.
struct Script(Vec<u8>);

impl RngCore for Script {
    fn next_u32(&mut self) -> u32 {
        unimplemented!()
    }
    fn next_u64(&mut self) -> u64 {
        unimplemented!()
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert!(
            self.0.len() >= dest.len(),
            "the script ran out: issue drew more than expected"
        );
        let rest = self.0.split_off(dest.len());
        dest.copy_from_slice(&self.0);
        self.0 = rest;
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for Script {}

#[test]
fn a_taken_prefix_is_drawn_again() {
    let draw = |id: u8, secret: u8| [vec![id; 4], vec![secret; 32]].concat();
    let script = [draw(1, 10), draw(1, 11), draw(2, 12)].concat();
    let mut store = KeyStore::new(Script(script));
    let first = store.issue("alice");
    let second = store.issue("bob");
    assert_eq!(parts(&first).0, "01010101");
    assert_eq!(
        parts(&second).0,
        "02020202",
        "prefix 01010101 is alice's: bob's key must be drawn again (prefix and secret), not overwrite hers"
    );
    assert_eq!(parts(&second).1, URL_SAFE_NO_PAD.encode([12; 32]));
    assert_eq!(
        store.authenticate(&first, T0),
        Some("alice"),
        "alice's key still works"
    );
    assert_eq!(store.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Authenticating

#[test]
fn a_key_authenticates_its_owner() {
    let mut store = store();
    let alice = store.issue("alice");
    let bob = store.issue("bob");
    assert_eq!(owner(&store, &alice, T0), Some("alice".into()));
    assert_eq!(owner(&store, &bob, T0), Some("bob".into()));
}

#[test]
fn the_prefix_alone_is_not_the_credential() {
    let mut store = store();
    let alice = store.issue("alice");
    let bob = store.issue("bob");
    let (prefix, secret) = parts(&alice);
    let (_, bobs_secret) = parts(&bob);
    let mut flipped = secret.to_owned().into_bytes();
    flipped[42] = if flipped[42] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).unwrap();
    for (key, why) in [
        (
            format!("bk_{prefix}_{bobs_secret}"),
            "alice's prefix with bob's secret",
        ),
        (
            format!("bk_{prefix}_{flipped}"),
            "one character of the secret changed",
        ),
        (format!("bk_{prefix}_"), "the prefix with no secret"),
        (format!("bk_{prefix}"), "the prefix alone"),
        (
            format!("bk_{prefix}_{}", &secret[..42]),
            "a secret one character short",
        ),
        (
            format!("bk_{prefix}_{secret}x"),
            "a secret one character long",
        ),
        (format!("bk_{prefix}_{secret}\n"), "a trailing newline"),
    ] {
        assert_eq!(
            owner(&store, &key, T0),
            None,
            "{why}: {key:?} must not authenticate"
        );
    }
}

#[test]
fn malformed_keys_are_refused() {
    let mut store = store();
    let key = store.issue("alice");
    let (prefix, secret) = parts(&key);
    for bad in [
        String::new(),
        "bk_".into(),
        "bk__".into(),
        key.to_uppercase(),
        key[3..].to_owned(),
        format!("sk_{prefix}_{secret}"),
        format!(" {key}"),
        format!("bk_{}_{secret}", &prefix[..7]),
        format!("Bearer {key}"),
    ] {
        assert_eq!(
            owner(&store, &bad, T0),
            None,
            "{bad:?} is not a key of this store"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Revocation

#[test]
fn a_revoked_key_stops_at_once() {
    let mut store = store();
    let alice = store.issue("alice");
    let bob = store.issue("bob");
    assert!(
        store.revoke(parts(&alice).0),
        "revoke says it found the key"
    );
    assert_eq!(
        owner(&store, &alice, T0),
        None,
        "a revoked key (leaked, say) must stop working now"
    );
    assert_eq!(
        owner(&store, &bob, T0),
        Some("bob".into()),
        "other keys are untouched"
    );
    assert!(
        store.record(parts(&alice).0).is_some_and(|r| r.revoked),
        "the record stays, marked revoked (for the audit trail)"
    );
}

#[test]
fn revoking_an_unknown_prefix_does_nothing() {
    let mut store = store();
    let alice = store.issue("alice");
    assert!(!store.revoke("00000000"));
    assert!(!store.revoke(""));
    assert_eq!(owner(&store, &alice, T0), Some("alice".into()));
}

// ---------------------------------------------------------------------------------------------
// Rotation

#[test]
fn rotation_gives_a_new_key_for_the_same_owner() {
    let mut store = store();
    let old = store.issue("alice");
    let new = store
        .rotate(parts(&old).0, T0, 3600)
        .expect("a live key can be rotated");
    assert_ne!(parts(&new).0, parts(&old).0, "a new key has its own prefix");
    assert_eq!(owner(&store, &new, T0), Some("alice".into()));
    assert_eq!(store.len(), 2);
}

#[test]
fn the_old_key_works_until_the_overlap_ends() {
    let mut store = store();
    let old = store.issue("alice");
    let new = store.rotate(parts(&old).0, T0, 3600).unwrap();
    assert_eq!(
        owner(&store, &old, T0 + 3599),
        Some("alice".into()),
        "within the overlap both keys work"
    );
    assert_eq!(
        owner(&store, &old, T0 + 3600),
        None,
        "at now + overlap the old key is dead"
    );
    assert_eq!(
        owner(&store, &new, T0 + 3600),
        Some("alice".into()),
        "the new key lives on"
    );
    assert_eq!(
        owner(&store, &new, u64::MAX),
        Some("alice".into()),
        "the new key has no expiry of its own"
    );
}

#[test]
fn rotation_never_extends_a_keys_life() {
    let mut store = store();
    let old = store.issue("alice");
    store.rotate(parts(&old).0, T0, 100).unwrap();
    store
        .rotate(parts(&old).0, T0 + 10, 1000)
        .expect("still live at T0 + 10");
    assert_eq!(
        store.record(parts(&old).0).and_then(|r| r.expires),
        Some(T0 + 100),
        "a second rotation must not push the old key's expiry from T0 + 100 to T0 + 1010"
    );
    store.rotate(parts(&old).0, T0 + 20, 5).unwrap();
    assert_eq!(
        store.record(parts(&old).0).and_then(|r| r.expires),
        Some(T0 + 25),
        "but it may shorten it"
    );
}

#[test]
fn a_dead_key_cannot_be_rotated() {
    let mut store = store();
    let revoked = store.issue("alice");
    store.revoke(parts(&revoked).0);
    let expired = store.issue("bob");
    store.rotate(parts(&expired).0, T0, 60).unwrap();
    let before = store.len();
    assert_eq!(
        store.rotate(parts(&revoked).0, T0, 60),
        None,
        "a revoked key must not buy a fresh one"
    );
    assert_eq!(
        store.rotate(parts(&expired).0, T0 + 60, 60),
        None,
        "an expired key must not buy a fresh one"
    );
    assert_eq!(
        store.rotate("00000000", T0, 60),
        None,
        "nor an unknown prefix"
    );
    assert_eq!(store.len(), before, "no key was issued");
}

#[test]
fn revocation_during_the_overlap_stops_the_old_key() {
    let mut store = store();
    let old = store.issue("alice");
    let new = store.rotate(parts(&old).0, T0, 3600).unwrap();
    store.revoke(parts(&old).0);
    assert_eq!(owner(&store, &old, T0 + 1), None);
    assert_eq!(owner(&store, &new, T0 + 1), Some("alice".into()));
}
