//! # One-time passwords: HOTP and TOTP
//!
//! The six digits of an authenticator app are a second factor: proof that the user holds
//! a device that was given a secret once, at enrolment (the QR code). Server and app share
//! the secret and compute the same code from it, without talking to each other.
//!
//! **HOTP** (RFC 4226 §5.3) makes a code from a secret and a counter `C`:
//!
//! 1. `HS = HMAC(secret, C)`, where `C` is 8 bytes, big-endian ([`hmac`] below computes it);
//! 2. *dynamic truncation*: `offset` = the low 4 bits of the **last** byte of `HS`; take the 4
//!    bytes `HS[offset..offset + 4]` as a big-endian number and clear its top bit (`& 0x7fff_ffff`,
//!    so that signed and unsigned implementations agree);
//! 3. the code is that number modulo `10^digits`, written with leading zeros (`"007081"`).
//!
//! **TOTP** (RFC 6238 §4) is HOTP with the counter `T = floor(unix_time / step)`: a new code
//! every `step` seconds (30 in practice), from the clock instead of a counter both sides
//! must keep in sync. SHA-1 is the default; RFC 6238 also allows SHA-256 and SHA-512, and its
//! test vectors use 20-, 32- and 64-byte secrets respectively. (HMAC-SHA1 is still sound
//! here: HMAC does not rely on the collision resistance that SHA-1 lost.)
//!
//! The server's check, [`TotpVerifier::verify`], is where the security is:
//!
//! - **A drift window of ±1 step**: phone clocks drift and users type slowly, so a code
//!   for step `T - 1`, `T` or `T + 1` is accepted (RFC 6238 §5.2 recommends at most one step
//!   back), and nothing further: every step of window multiplies a guesser's chances.
//! - **No code accepted twice**: once a code for step `s` is accepted, no code for a step
//!   `<= s` is ever accepted again (RFC 6238 §5.2). Otherwise a code seen over a shoulder, or
//!   phished and relayed, works again within its window.
//! - Only exactly `digits` ASCII digits are a code; the comparison is in constant time.
//!
//! Brute force: a 6-digit code is one in a million, with 3 valid at a time; the limit on
//! attempts (chapter 09) is what makes that enough.
//!
//! Primary sources: RFC 4226 §5 and App. D, <https://www.rfc-editor.org/rfc/rfc4226>;
//! RFC 6238 §4, §5.2 and App. B, <https://www.rfc-editor.org/rfc/rfc6238>.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

/// The HOTP code of `counter`: `digits` decimal digits, zero-padded (RFC 4226 §5.3).
pub fn hotp(alg: Algorithm, secret: &[u8], counter: u64, digits: u32) -> String {
    let hs = hmac(alg, secret, &counter.to_be_bytes());
    // Dynamic truncation: the last byte picks where the 4 bytes are read.
    let offset = usize::from(hs[hs.len() - 1] & 0x0f);
    let word: [u8; 4] = hs[offset..offset + 4].try_into().expect("4 bytes");
    let number = u32::from_be_bytes(word) & 0x7fff_ffff;
    let code = number % 10u32.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// The TOTP code at `unix_time` with a step of `step` seconds (RFC 6238 §4, T0 = 0).
pub fn totp(alg: Algorithm, secret: &[u8], unix_time: u64, step: u64, digits: u32) -> String {
    hotp(alg, secret, unix_time / step, digits)
}

impl TotpVerifier {
    /// Whether `code` is the user's code at `now`, within ±1 step, and not a replay;
    /// remembers the step it matched.
    pub fn verify(&mut self, code: &str, now: u64) -> bool {
        if code.len() != self.digits as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        let now_step = now / self.step;
        let window = now_step.saturating_sub(1)..=now_step + 1;
        for step in window {
            // A step already used (or older) is spent: this is what stops a replay.
            if self.last_step.is_some_and(|last| step <= last) {
                continue;
            }
            let expected = hotp(self.alg, &self.secret, step, self.digits);
            if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
                self.last_step = Some(step);
                return true;
            }
        }
        false
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the hash choice, the HMAC, and the verifier's state.
// ---------------------------------------------------------------------------------------------

/// The hash under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

/// HMAC-`alg`(key, message): 20, 32 or 64 bytes.
pub fn hmac(alg: Algorithm, key: &[u8], message: &[u8]) -> Vec<u8> {
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac =
            <M as hmac::digest::KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        Algorithm::Sha1 => mac::<Hmac<Sha1>>(key, message),
        Algorithm::Sha256 => mac::<Hmac<Sha256>>(key, message),
        Algorithm::Sha512 => mac::<Hmac<Sha512>>(key, message),
    }
}

/// One user's second factor, as the server keeps it.
#[derive(Debug, Clone)]
pub struct TotpVerifier {
    pub alg: Algorithm,
    pub secret: Vec<u8>,
    pub digits: u32,
    pub step: u64,
    /// The step of the last code accepted: codes for it and before it are spent.
    pub last_step: Option<u64>,
}

impl TotpVerifier {
    /// A verifier for a freshly enrolled secret.
    pub fn new(alg: Algorithm, secret: &[u8], digits: u32, step: u64) -> Self {
        TotpVerifier {
            alg,
            secret: secret.to_vec(),
            digits,
            step,
            last_step: None,
        }
    }
}
