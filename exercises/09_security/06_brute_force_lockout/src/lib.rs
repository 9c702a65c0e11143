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
        // TODO: ZERO below `threshold`; at it `base`, then `base * 2`, `base * 4`...
        //       capped at `max`. A count of 1000 must give `max`, not a panic: the
        //       multiplication overflows long before.
        let _ = failures;
        todo!("delay")
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
        // TODO: 1. the account's and the address's records (`self.accounts`, `self.addresses`;
        //          a key never seen has `Record::default()`). If either is locked at `now`,
        //          `Outcome::Locked` with the time until the later lock ends. Nothing else:
        //          no `verify`, no count.
        //       2. `verify()` true: forget the account's record (not the address's), LoggedIn.
        //       3. false: one more failure on both records, each locked until
        //          `now + self.policy.delay(failures)`; WrongPassword.
        let _ = (account, addr, now, verify, self.policy);
        let _ = (&mut self.accounts, &mut self.addresses);
        todo!("login")
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
