//! # Retries: exponential backoff, full jitter, and a retry budget
//!
//! Chapter 03's `retrying_client` doubled its wait before each retry. That spreads one
//! client's retries out; it does not spread a thousand clients. When a service blips, all of
//! them fail at the same instant, wait the same 100 ms, and retry at the same instant: the
//! retries arrive as waves, and each wave knocks the service over again.
//!
//! **Full jitter** (AWS Architecture Blog, *Exponential Backoff And Jitter*) draws each wait
//! at random between zero and the exponential ceiling:
//!
//! ```text
//! ceiling(n) = min(cap, base * 2^(n-1))      n = 1 for the first retry
//! delay(n)   = random between 0 and ceiling(n), in whole milliseconds, both included
//! ```
//!
//! The waves become a steady trickle. The ceiling must not
//! overflow: at retry 64, `2^63 * base` does not fit anything; past the cap the answer is the
//! cap. Randomness comes from a [`Random`] the retrier is given (`up_to(max)`, uniform in
//! `0..=max`): the tests script it, or seed it, and predict every delay.
//!
//! `call` runs an operation until it succeeds, and retries only what is worth retrying; the
//! error says which ([`Classify`]):
//!
//! - `Fatal` (a 400, a 404, a bad signature): return the error at once. Retrying cannot help.
//! - `Retry` (a 503, a reset connection): wait `delay(n)`, then try again.
//! - `RetryAfter(d)` (a 503 or 429 with `Retry-After`): the server said how long; wait exactly
//!   `d`, with no random draw. If `d` is longer than `cap`, give up instead: the caller would
//!   rather fail now than wait longer than the policy ever would.
//!
//! At most `max_attempts` attempts in all (the first one included); the last error is
//! returned. Waits go through a [`Sleep`]: the tests record them, and nothing really sleeps.
//!
//! Backoff bounds one caller. A **retry budget** bounds them all: when a service is down,
//! every call fails, and retries multiply its load by `max_attempts` just when it can least
//! take it. The budget, shared by every retrier of a client, holds tokens. Each call (not each
//! attempt) deposits `percent` hundredths of a token; each retry withdraws one whole token,
//! and a retrier without one gives up. The balance starts at, and never grows past,
//! `max_retries` tokens. So retries stay under `max_retries + percent% of calls`, and a burst
//! of failures cannot turn into a retry storm (Finagle's `RetryBudget`, gRPC's retry
//! throttling).
//!
//! Primary sources: Marc Brooker, *Exponential Backoff And Jitter*,
//! <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>; gRPC, *retry
//! throttling*, <https://github.com/grpc/proposal/blob/master/A6-client-retries.md>.

use std::sync::{Arc, Mutex};
use std::time::Duration;

impl Policy {
    /// The most the wait before retry `retry` (1 for the first) may be: `min(cap, base *
    /// 2^(retry-1))`, without overflow for any `retry`.
    pub fn ceiling(&self, retry: u32) -> Duration {
        2u32.checked_pow(retry.saturating_sub(1))
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(self.cap, |ceiling| ceiling.min(self.cap))
    }

    /// Full jitter: a wait drawn uniformly from 0 to `ceiling(retry)`, in whole milliseconds.
    pub fn delay(&self, retry: u32, random: &mut impl Random) -> Duration {
        let ceiling = u64::try_from(self.ceiling(retry).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(random.up_to(ceiling))
    }
}

impl RetryBudget {
    /// A call starts: deposit `percent` hundredths of a token, up to the maximum.
    pub fn deposit(&self) {
        let mut hundredths = self.hundredths.lock().unwrap();
        let max = u64::from(self.max_retries) * 100;
        *hundredths = (*hundredths + u64::from(self.percent)).min(max);
    }

    /// A retry wants to happen: withdraw one token (100 hundredths) if there is one.
    pub fn try_withdraw(&self) -> bool {
        // Checked and spent under one lock: between a check and a spend under two, another
        // thread could spend the same token.
        let mut hundredths = self.hundredths.lock().unwrap();
        if *hundredths < 100 {
            return false;
        }
        *hundredths -= 100;
        true
    }
}

impl<R: Random, S: Sleep> Retrier<R, S> {
    /// Runs `op` until it succeeds, it fails with a fatal error, the attempts run out, a
    /// Retry-After is too long, or the budget says no. Returns the result of the last attempt.
    pub fn call<T, E: Classify>(&mut self, mut op: impl FnMut() -> Result<T, E>) -> Result<T, E> {
        self.budget.deposit();
        let mut attempts = 0;
        loop {
            let err = match op() {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            attempts += 1;
            let asked = match err.verdict() {
                Verdict::Fatal => return Err(err),
                Verdict::Retry => None,
                Verdict::RetryAfter(wait) if wait <= self.policy.cap => Some(wait),
                Verdict::RetryAfter(_) => return Err(err),
            };
            // The attempt limit first: a retry that will not happen must not spend a token.
            if attempts >= self.policy.max_attempts || !self.budget.try_withdraw() {
                return Err(err);
            }
            // The server knows its own load: its wait replaces the jitter, with no draw.
            let wait = asked.unwrap_or_else(|| self.policy.delay(attempts, &mut self.random));
            self.sleep.sleep(wait);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the policy, the budget's state, and what the retrier is made of.
// ---------------------------------------------------------------------------------------------

/// How an operation failed, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Retrying cannot help (a 4xx other than 429, a malformed request).
    Fatal,
    /// Transient (a 503, a reset connection): retry after a jittered backoff.
    Retry,
    /// The server asked for this wait (`Retry-After`).
    RetryAfter(Duration),
}

/// An error that knows whether it is worth retrying.
pub trait Classify {
    fn verdict(&self) -> Verdict;
}

/// A source of random numbers.
pub trait Random {
    /// A uniformly random `u64`.
    fn next_u64(&mut self) -> u64;

    /// A uniformly random number in `0..=max`: the top bits of `next_u64() * (max + 1)`,
    /// which has no modulo bias and no overflow, even for `max = u64::MAX`.
    fn up_to(&mut self, max: u64) -> u64 {
        ((u128::from(self.next_u64()) * (u128::from(max) + 1)) >> 64) as u64
    }
}

/// SplitMix64: a small, fast, seeded generator; the same seed gives the same numbers.
/// (Good enough for jitter, never for secrets.)
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl Random for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Where the retrier waits.
pub trait Sleep {
    fn sleep(&mut self, duration: Duration);
}

/// The real thing, for production: blocks the thread.
#[derive(Debug, Default)]
pub struct ThreadSleep;

impl Sleep for ThreadSleep {
    fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How long to wait between attempts, and how many to make.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The ceiling of the first retry's wait; it doubles for each retry after that.
    pub base: Duration,
    /// No wait is longer: neither a backoff nor a server's Retry-After.
    pub cap: Duration,
    /// Attempts in all, the first one included (1: never retry).
    pub max_attempts: u32,
}

/// Tokens for retries, shared by every retrier of a client.
#[derive(Debug)]
pub struct RetryBudget {
    /// The balance, in hundredths of a token.
    hundredths: Mutex<u64>,
    /// Hundredths of a token each call deposits: retries allowed per 100 calls.
    percent: u32,
    /// The balance to start with, and its maximum, in whole tokens.
    max_retries: u32,
}

impl RetryBudget {
    /// A full budget: `max_retries` tokens, and `percent` more retries per 100 calls.
    pub fn new(percent: u32, max_retries: u32) -> Arc<RetryBudget> {
        Arc::new(RetryBudget {
            hundredths: Mutex::new(u64::from(max_retries) * 100),
            percent,
            max_retries,
        })
    }

    /// The whole tokens in the budget now.
    pub fn tokens(&self) -> u64 {
        *self.hundredths.lock().unwrap() / 100
    }
}

/// Runs operations with a policy, a shared budget, jitter and a sleep.
#[derive(Debug)]
pub struct Retrier<R, S> {
    pub policy: Policy,
    pub budget: Arc<RetryBudget>,
    pub random: R,
    pub sleep: S,
}
