//! Step 03's solution, given: Argon2id hashing with a random salt, and verification that
//! reads algorithm, costs and salt from the PHC string.

use argon2::password_hash::{Error, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use rand::RngCore;
use rand::rngs::OsRng;

/// RFC 9106 §3.1 and OWASP recommend 16 bytes of salt.
const SALT_LEN: usize = 16;

/// The PHC string of `password` hashed with Argon2id (version 0x13), `params` and `salt`.
pub fn hash_with_salt(password: &str, salt: &[u8], params: &Params) -> Result<String, Error> {
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::encode_b64(salt)?;
    Ok(argon2
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// The PHC string of `password` hashed with Argon2id, `params`, and a fresh random 16-byte
/// salt.
pub fn hash_password(password: &str, params: &Params) -> Result<String, Error> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.fill_bytes(&mut salt);
    hash_with_salt(password, &salt, params)
}

/// Whether `password` is the one `stored` (a PHC string) was made from: `Ok(false)` for a
/// wrong password, `Err` for a string that is not a valid hash.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, Error> {
    let hash = PasswordHash::new(stored)?;
    // The hash, not Argon2::default(), supplies algorithm, version, costs and salt.
    match Argon2::default().verify_password(password.as_bytes(), &hash) {
        Ok(()) => Ok(true),
        Err(Error::Password) => Ok(false),
        Err(e) => Err(e),
    }
}
