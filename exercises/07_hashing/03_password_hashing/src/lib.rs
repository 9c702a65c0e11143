//! # Password hashing: Argon2id, a salt per user, a PHC string
//!
//! A backend must check passwords without keeping them. It stores a **hash** of each
//! password and, at login, hashes what was typed and compares. The day the database leaks
//! (and databases leak: backups, logs, a SQL injection), the attacker has the hashes and
//! tries billions of guesses against them, offline, on GPUs. The hash decides how long
//! that takes.
//!
//! - **Not a fast hash.** SHA-256 is built to be fast: a GPU computes billions a second, so
//!   every 8-character password falls in hours. A password hash is slow on purpose and
//!   **memory-hard**: each guess needs its own block of memory, which GPUs and ASICs cannot
//!   multiply cheaply. Argon2id (RFC 9106, winner of the Password Hashing Competition) is
//!   OWASP's first choice; its costs are memory `m` (KiB), iterations `t`, and lanes `p`.
//! - **A random salt per user.** Hashing `hash(salt, password)` with a fresh 16-byte salt
//!   per hash makes two users with the same password get different hashes, and makes a
//!   precomputed table (a rainbow table) useless: each guess must be made per user.
//! - **A self-describing record.** The stored string says how it was made, in the PHC string
//!   format: `$argon2id$v=19$m=19456,t=2,p=1$<salt, base64>$<hash, base64>`. Verifying reads
//!   the algorithm, the parameters and the salt from it, so users hashed under old parameters
//!   still log in after the parameters change (step 04 then upgrades them).
//!
//! You write this with the `argon2` crate: `Argon2::new(Algorithm::Argon2id, Version::V0x13,
//! params)`, `SaltString::generate(&mut OsRng)` (rand's `OsRng`: the operating system's
//! secure randomness, never a seeded or thread-local generator for a salt), and the
//! `PasswordHasher` / `PasswordVerifier` traits. `hash_with_salt` exists so that tests can
//! check your hashing against the published vectors, which fix the salt; production code
//! calls `hash_password`, whose salt is random.
//!
//! [`Accounts`] is a user table: it keeps, per user name, the PHC string and nothing else.
//! Registering a name that is taken must fail without touching the existing account; a
//! login under an unknown name or a damaged record is simply refused.
//!
//! Primary sources: RFC 9106 (Argon2), <https://www.rfc-editor.org/rfc/rfc9106>; OWASP
//! *Password Storage Cheat Sheet*; the PHC string format,
//! <https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md>.

use std::collections::HashMap;

use argon2::Params;
use argon2::password_hash::Error;

/// The PHC string of `password` hashed with Argon2id (version 0x13), `params` and `salt`.
pub fn hash_with_salt(password: &str, salt: &[u8], params: &Params) -> Result<String, Error> {
    // TODO: an Argon2 for Argon2id, V0x13 and params.clone(); SaltString::encode_b64(salt);
    //       hash_password(password.as_bytes(), &salt), then .to_string() for the PHC string.
    let _ = (password, salt, params);
    todo!("hash_with_salt")
}

/// The PHC string of `password` hashed with Argon2id, `params`, and a fresh random 16-byte
/// salt.
pub fn hash_password(password: &str, params: &Params) -> Result<String, Error> {
    // TODO: 16 bytes from rand::rngs::OsRng (RngCore::fill_bytes), then hash_with_salt.
    let _ = (password, params);
    todo!("hash_password")
}

/// Whether `password` is the one `stored` (a PHC string) was made from: `Ok(false)` for a
/// wrong password, `Err` for a string that is not a valid hash.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, Error> {
    // TODO: PasswordHash::new(stored)?, then Argon2::default().verify_password: it takes the
    //       algorithm, version, parameters and salt from the hash. Error::Password is a wrong
    //       password (Ok(false)); any other error is an error.
    let _ = (password, stored);
    todo!("verify_password")
}

impl Accounts {
    /// Registers `user` with `password`, hashed with the table's parameters. `false` (and
    /// nothing changed) if the name is taken.
    pub fn register(&mut self, user: &str, password: &str) -> bool {
        // TODO: refuse a taken name first; store hash_password(password, &self.params).
        let _ = (user, password, &self.params);
        todo!("register")
    }

    /// Whether `password` is `user`'s. An unknown user or a damaged record is `false`.
    pub fn login(&self, user: &str, password: &str) -> bool {
        // TODO: look the record up, verify_password; an Err is a refusal too.
        let _ = (user, password);
        todo!("login")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the user table.
// ---------------------------------------------------------------------------------------------

/// A user table: user name -> PHC string. It never holds a password.
pub struct Accounts {
    params: Params,
    hashes: HashMap<String, String>,
}

impl Accounts {
    /// An empty table whose new hashes use `params` (today's Argon2id costs).
    pub fn new(params: Params) -> Accounts {
        Accounts {
            params,
            hashes: HashMap::new(),
        }
    }

    /// What is stored for `user`: the PHC string, as a database column would hold it.
    pub fn stored(&self, user: &str) -> Option<&str> {
        self.hashes.get(user).map(String::as_str)
    }

    /// Replaces what is stored for `user`, as an attacker (or a bad migration) with write
    /// access to the database could.
    pub fn overwrite(&mut self, user: &str, stored: &str) {
        self.hashes.insert(user.to_string(), stored.to_string());
    }
}
