//! # Encryption at rest with AES-256-GCM
//!
//! Backups get copied, disks get resold, a read-only SQL injection dumps a table. Fields that
//! must survive that (national ids, health data, OAuth refresh tokens, anything GDPR calls
//! special) are encrypted by the application before they reach the database, with a key the
//! database never sees.
//!
//! AES-256-GCM is an AEAD: it encrypts and **authenticates**. Decryption checks a 16-byte tag
//! and fails if one bit of the ciphertext, the nonce or the *associated data* changed. Three
//! rules make it safe to use, and the tests check each:
//!
//! - **A unique nonce per encryption.** GCM's nonce is 12 bytes and must never repeat under
//!   one key: two records with the same nonce leak the XOR of their plaintexts and let an
//!   attacker forge tags. Draw 12 random bytes from the `rng` given (a test passes a seeded one)
//!   for every record, and store the nonce beside the ciphertext; it is not secret.
//! - **Associated data that binds the ciphertext to its row.** Without it, an attacker who can
//!   write to the table copies the admin's encrypted field into their own row and the app
//!   decrypts it for them. Authenticate the row id, as its 8 bytes big-endian
//!   (`row_id.to_be_bytes()`): the record then opens only in its own row.
//! - **Key rotation.** Keys are retired (on a schedule, after a leak). Each record stores the
//!   id of the key that sealed it; [`Keyring`] (given) keeps the current key and the old ones.
//!   [`open`] uses the record's key; [`reencrypt`] opens an old record and seals it again under
//!   the current key with a fresh nonce, and leaves a current one alone (`None`: nothing to
//!   write). Once every record is current, the old key can be retired.
//!
//! Write [`encrypt`] and [`decrypt`] first, thin wrappers over the `aes-gcm` crate: the tests
//! run Wycheproof's AES-GCM vectors through them. The ciphertext they handle is the
//! ciphertext followed by its 16-byte tag, as the crate returns it. Any failure to decrypt is
//! [`CryptoError::Decrypt`], whatever the cause: telling an attacker *why* helps them.
//!
//! ```ignore
//! let cipher = Aes256Gcm::new(key.into());            // key: &[u8; 32]
//! cipher.encrypt(nonce.into(), Payload { msg, aad })  // nonce: &[u8; 12]
//! ```
//!
//! Primary sources: NIST SP 800-38D (GCM; §8 on nonce uniqueness),
//! <https://csrc.nist.gov/pubs/sp/800/38/d/final>; OWASP Cryptographic Storage Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html>;
//! Project Wycheproof, <https://github.com/C2SP/wycheproof>.

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use rand::{CryptoRng, RngCore};
use std::collections::HashMap;
use std::fmt;

/// Encrypts `plaintext` under `key` and `nonce`, authenticating `aad` too; returns the
/// ciphertext followed by the 16-byte tag.
pub fn encrypt(key: &[u8; 32], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    Aes256Gcm::new(key.into())
        .encrypt(
            nonce.into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        // Fails only for a plaintext over 64 GiB, which no database field is.
        .expect("AES-GCM encrypts any plaintext under 64 GiB")
}

/// Checks the tag and decrypts `ciphertext` (ciphertext then tag).
pub fn decrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    Aes256Gcm::new(key.into())
        .decrypt(
            nonce.into(),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Decrypt)
}

/// Seals `plaintext` for the row `row_id` under the keyring's current key, with a fresh nonce.
pub fn seal(
    keys: &Keyring,
    row_id: u64,
    plaintext: &[u8],
    rng: &mut (impl RngCore + CryptoRng),
) -> Sealed {
    let (key_id, key) = keys.current();
    let mut nonce = [0u8; 12];
    rng.fill_bytes(&mut nonce);
    let ciphertext = encrypt(key, &nonce, &row_id.to_be_bytes(), plaintext);
    Sealed {
        key_id,
        nonce,
        ciphertext,
    }
}

/// Opens a record of the row `row_id` with the key it names.
pub fn open(keys: &Keyring, row_id: u64, record: &Sealed) -> Result<Vec<u8>, CryptoError> {
    let key = keys
        .get(record.key_id)
        .ok_or(CryptoError::UnknownKey(record.key_id))?;
    decrypt(
        key,
        &record.nonce,
        &row_id.to_be_bytes(),
        &record.ciphertext,
    )
}

/// Seals the record again under the current key if an older key sealed it; `None` if it is
/// already current.
pub fn reencrypt(
    keys: &Keyring,
    row_id: u64,
    record: &Sealed,
    rng: &mut (impl RngCore + CryptoRng),
) -> Result<Option<Sealed>, CryptoError> {
    if record.key_id == keys.current().0 {
        return Ok(None);
    }
    let plaintext = open(keys, row_id, record)?;
    Ok(Some(seal(keys, row_id, &plaintext, rng)))
}

// ---------------------------------------------------------------------------------------------
// Given: the record, the errors, the keyring.
// ---------------------------------------------------------------------------------------------

/// An encrypted field as stored: which key, which nonce, and the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The id of the key that sealed it, in the [`Keyring`].
    pub key_id: u32,
    /// The 12-byte nonce drawn for this record alone.
    pub nonce: [u8; 12],
    /// The ciphertext followed by the 16-byte tag.
    pub ciphertext: Vec<u8>,
}

/// Why a record does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The record names a key the keyring does not hold (retired, or never known).
    UnknownKey(u32),
    /// The tag does not match: wrong key, wrong row, or changed bytes.
    Decrypt,
}

/// The keys: one current, used to seal, and old ones kept to open older records.
pub struct Keyring {
    current: u32,
    keys: HashMap<u32, [u8; 32]>,
}

impl Keyring {
    /// A keyring whose current key is `key`, with the id `id`.
    pub fn new(id: u32, key: [u8; 32]) -> Keyring {
        Keyring {
            current: id,
            keys: HashMap::from([(id, key)]),
        }
    }

    /// Makes `key` (id `id`) the current key; the previous ones stay, to open old records.
    pub fn rotate_to(&mut self, id: u32, key: [u8; 32]) {
        self.keys.insert(id, key);
        self.current = id;
    }

    /// Drops an old key, once no record uses it. The current key cannot be retired.
    pub fn retire(&mut self, id: u32) {
        if id != self.current {
            self.keys.remove(&id);
        }
    }

    /// The current key and its id.
    pub fn current(&self) -> (u32, &[u8; 32]) {
        (self.current, &self.keys[&self.current])
    }

    /// The key with the id `id`, if the keyring holds it.
    pub fn get(&self, id: u32) -> Option<&[u8; 32]> {
        self.keys.get(&id)
    }
}

/// Key ids only: a keyring printed in a log must not print the keys.
impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<_> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field("key_ids", &ids)
            .finish_non_exhaustive()
    }
}
