//! # Password hashing, step 2: verify legacy hashes, upgrade on login
//!
//! Costs that were right five years ago are too cheap today: hardware gets faster, and
//! OWASP's recommended costs rise. Many systems also carry hashes from before Argon2: PBKDF2
//! (PKCS #5, RFC 8018) was the standard for years and is still what FIPS-validated systems
//! use. A stored hash cannot be upgraded on its own: the password is needed, and the server
//! has it only at one moment, **a successful login**. So a login does three things:
//!
//! 1. Verify, with whatever made the stored record: Argon2id through step 03's
//!    `verify_password` (given, in `argon.rs`), or a legacy PBKDF2-HMAC-SHA256 record
//!    through `verify_legacy`, which you write.
//! 2. If the password is right and the record is weaker than today's policy (a legacy
//!    algorithm, or Argon2id with less memory or fewer passes than today's costs), hash the
//!    password again with today's costs and replace the record.
//! 3. Never rehash after a failed login: that would replace the account's password with the
//!    attacker's guess.
//!
//! A record with *higher* costs than today's is left alone: upgrading never means lowering.
//!
//! Legacy records are PHC strings too:
//! `$pbkdf2-sha256$i=<iterations>$<salt, B64>$<derived key, B64>`. Parse them with
//! `PasswordHash::new`; `hash.params.get_decimal("i")` gives the iteration count,
//! `hash.salt` and `hash.hash` the bytes (`decode_b64`, `as_bytes`). Derive with
//! `pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out)`, as many bytes as
//! the stored key has, and compare with `subtle::ConstantTimeEq` (`a.ct_eq(b).into()`),
//! never `==`. A record of another algorithm, or missing its `i`, salt or key, is an `Err`.
//!
//! A legacy record that is never upgraded stays weak forever (users who never log in again).
//! Real migrations also wrap the old hash: store `argon2id(pbkdf2(password))` at once, for
//! every user. That is beyond this step; the chapter README says more.
//!
//! Primary sources: OWASP *Password Storage Cheat Sheet* (upgrading legacy hashes,
//! PBKDF2 and Argon2id parameters); RFC 8018 §5.2 (PBKDF2); RFC 9106 (Argon2).

mod argon;

use std::collections::HashMap;

use argon2::password_hash::{Error, PasswordHash};
use argon2::{Algorithm, Params, Version};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use argon::{hash_password, hash_with_salt, verify_password};

/// Whether `password` is the one a legacy `$pbkdf2-sha256$i=…$salt$key` record was made from.
pub fn verify_legacy(password: &[u8], stored: &str) -> Result<bool, Error> {
    let hash = PasswordHash::new(stored)?;
    if hash.algorithm.as_str() != "pbkdf2-sha256" {
        return Err(Error::Algorithm);
    }
    let iterations = hash
        .params
        .get_decimal("i")
        .ok_or(Error::ParamNameInvalid)?;
    let mut salt = [0u8; 64];
    let salt = hash
        .salt
        .ok_or(Error::PhcStringField)?
        .decode_b64(&mut salt)?;
    let expected = hash.hash.ok_or(Error::PhcStringField)?;
    let mut derived = vec![0u8; expected.len()];
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut derived);
    // Constant time: the comparison must not reveal how many leading bytes matched.
    Ok(derived.ct_eq(expected.as_bytes()).into())
}

/// Whether `stored` should be replaced by a hash made today: not Argon2id version 0x13, or
/// with less memory (`m`) or fewer passes (`t`) than `today`.
pub fn needs_rehash(stored: &str, today: &Params) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return true;
    };
    if hash.algorithm != Algorithm::Argon2id.ident() || hash.version != Some(Version::V0x13.into())
    {
        return true;
    }
    match Params::try_from(&hash) {
        Ok(p) => p.m_cost() < today.m_cost() || p.t_cost() < today.t_cost(),
        Err(_) => true,
    }
}

impl Accounts {
    /// Whether `password` is `user`'s; on success, a weak record is replaced by a hash with
    /// today's costs.
    pub fn login(&mut self, user: &str, password: &str) -> bool {
        let Some(stored) = self.hashes.get(user) else {
            return false;
        };
        // Argon2 first; a record it cannot verify may be a legacy one.
        let verified = match verify_password(password, stored) {
            Ok(verified) => verified,
            Err(_) => verify_legacy(password.as_bytes(), stored).unwrap_or(false),
        };
        // Only a verified password may replace the record: else a wrong guess would.
        if verified && needs_rehash(stored, &self.params) {
            let upgraded = hash_password(password, &self.params).expect("valid Argon2 parameters");
            self.hashes.insert(user.to_string(), upgraded);
        }
        verified
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the user table of step 03, with a way to import records from an older system.
// ---------------------------------------------------------------------------------------------

/// A user table: user name -> PHC string (Argon2id, or legacy PBKDF2). Never a password.
pub struct Accounts {
    params: Params,
    hashes: HashMap<String, String>,
}

impl Accounts {
    /// An empty table whose new hashes use `params`: today's Argon2id costs.
    pub fn new(params: Params) -> Accounts {
        Accounts {
            params,
            hashes: HashMap::new(),
        }
    }

    /// Registers `user` with `password` hashed with today's costs; `false` if the name is
    /// taken.
    pub fn register(&mut self, user: &str, password: &str) -> bool {
        if self.hashes.contains_key(user) {
            return false;
        }
        let hash = hash_password(password, &self.params).expect("valid Argon2 parameters");
        self.hashes.insert(user.to_string(), hash);
        true
    }

    /// Loads a record as an older system stored it (a data migration).
    pub fn import(&mut self, user: &str, stored: &str) {
        self.hashes.insert(user.to_string(), stored.to_string());
    }

    /// What is stored for `user`.
    pub fn stored(&self, user: &str) -> Option<&str> {
        self.hashes.get(user).map(String::as_str)
    }
}
