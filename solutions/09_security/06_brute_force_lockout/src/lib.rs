//! # Brute-force protection: lockout with exponential backoff
//!
//! A login form is an oracle: each attempt tells whoever asks whether a password is right.
//! Without a limit, an attacker tries a list of common passwords against one account
//! (**guessing**, often spread over many addresses so that no single address stands out),
//! or the leaked email/password pairs of another site against many accounts from one address
//! (**credential stuffing**). The defence counts failures, and after a few makes the next
//! attempt wait.
//!
//! [`Guard::login`] runs one attempt and keeps two counts of consecutive failures: one per
//! **account** (it stops guessing spread over many addresses) and one per **source address**
//! (it stops stuffing spread over many accounts). Either count at or past
//! [`Policy::threshold`] locks its key. OWASP's Authentication Cheat Sheet recommends counting
//! on the account, and an **exponential lockout** rather than a fixed one: the first lock is
//! short and each further failure doubles it, so a person who mistyped waits a second while a
//! script slows to a crawl. The catch of every lockout is that an attacker can use it to lock
//! the real user out; three rules keep that bounded here:
//!
//! - the delay **caps** at [`Policy::max`], whatever the count (and never overflows);
//! - an attempt refused because of a lock is not a failure: it does not count, does not
//!   extend the lock, and **does not check the password** (else the lock would still answer
//!   "right" or "wrong" to an attacker who keeps asking);
//! - a lock on an address is that address's alone: the victim's own address still gets in.
//!
//! A success resets the account's count. It does not reset the address's: a stuffing run
//! that hits a valid pair now and then must not wipe its address's record by doing so.
//!
//! Time is injected: `now` is the time since an arbitrary start, as the tests choose it.
//! A key is locked while `now < locked_until`, so the lock ends exactly at `retry_after`.
//!
//! Primary source: OWASP Authentication Cheat Sheet, "Account Lockout",
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html>.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

impl Policy {
    /// How long a key stays locked after its `failures`-th consecutive failure: nothing below
    /// the threshold, then `base`, doubling with each failure, never more than `max`.
    pub fn delay(&self, failures: u32) -> Duration {
        if failures < self.threshold {
            return Duration::ZERO;
        }
        // The attacker decides the count: a factor past u32 (2^32 s is over a century) or a
        // product past Duration's range is simply "the cap", not a panic.
        1u32.checked_shl(failures - self.threshold)
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(self.max, |delay| delay.min(self.max))
    }
}

impl Guard {
    /// One login attempt for `account` from `addr` at `now`. `verify` checks the password; it
    /// is called only when neither the account nor the address is locked.
    pub fn login(
        &mut self,
        account: &str,
        addr: IpAddr,
        now: Duration,
        verify: impl FnOnce() -> bool,
    ) -> Outcome {
        let by_account = self.accounts.get(account).copied().unwrap_or_default();
        let by_address = self.addresses.get(&addr).copied().unwrap_or_default();
        // Locked: refuse before looking at the password, and record nothing, so that hammering
        // a lock neither learns anything nor makes the lock longer.
        let until = by_account.locked_until.max(by_address.locked_until);
        if now < until {
            return Outcome::Locked {
                retry_after: until - now,
            };
        }
        if verify() {
            // The address keeps its record: see the doc comment.
            self.accounts.remove(account);
            return Outcome::LoggedIn;
        }
        let policy = self.policy;
        let fail = |record: &mut Record| {
            record.failures = record.failures.saturating_add(1);
            record.locked_until = now + policy.delay(record.failures);
        };
        fail(self.accounts.entry(account.to_string()).or_default());
        fail(self.addresses.entry(addr).or_default());
        Outcome::WrongPassword
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the policy, the outcome of an attempt, and the guard's state.
// ---------------------------------------------------------------------------------------------

/// When to lock and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The consecutive failure that first locks (5: four mistakes are free).
    pub threshold: u32,
    /// The first lock; each further failure doubles it.
    pub base: Duration,
    /// The longest lock, however many failures: what bounds an attacker's hold on a victim.
    pub max: Duration,
}

impl Default for Policy {
    /// Five free attempts, then 1 s, 2 s, 4 s... up to 15 minutes (AWS Cognito's numbers).
    fn default() -> Policy {
        Policy {
            threshold: 5,
            base: Duration::from_secs(1),
            max: Duration::from_secs(15 * 60),
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    LoggedIn,
    /// The password was checked and was wrong: counted as a failure.
    WrongPassword,
    /// Refused without checking the password; try again in `retry_after`.
    Locked {
        retry_after: Duration,
    },
}

/// The consecutive failures of one key (an account or an address).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    pub failures: u32,
    /// The key is locked while `now < locked_until`.
    pub locked_until: Duration,
}

/// Counts failures per account and per source address.
#[derive(Debug, Default)]
pub struct Guard {
    policy: Policy,
    accounts: HashMap<String, Record>,
    addresses: HashMap<IpAddr, Record>,
}

impl Guard {
    /// A guard with no failures recorded.
    pub fn new(policy: Policy) -> Guard {
        Guard {
            policy,
            ..Guard::default()
        }
    }
}
