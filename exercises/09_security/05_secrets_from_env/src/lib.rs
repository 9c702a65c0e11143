//! # Secrets from the environment, never in the logs
//!
//! A service needs secrets to start: a database URL with its password, a key to sign
//! sessions, an SMTP password. In the source code they end up on every laptop and in git
//! history forever. The twelve-factor convention is to read them from the **environment**,
//! where the platform (Kubernetes secrets, a vault agent, systemd credentials) puts them at
//! start, so code and configuration are deployed separately.
//!
//! Two things go wrong in production, and this exercise prevents both by design:
//!
//! - **Secrets leak into logs.** Somebody writes `info!("starting with {config:?}")`, or an
//!   error report prints the struct, and the password is now in the log pipeline, the support
//!   ticket and the third-party log service. The fix is a type: a [`Secret`] whose `Debug`
//!   prints `Secret([REDACTED])` and whose `Display` prints `[REDACTED]`, whatever it holds.
//!   Then `#[derive(Debug)]` on the whole [`Config`] is safe, and the value comes out only
//!   through [`Secret::expose`], a call that is easy to find in a code review.
//! - **Missing secrets are found one at a time.** The service starts, fails on the first
//!   missing variable, is redeployed, fails on the second... or worse, starts with an empty
//!   password and fails at 3 a.m. on the first email. The fix: check everything at start and
//!   fail once, naming **every** problem.
//!
//! [`load`] reads the variables from a map (the tests pass their own; `main` passes the
//! process's, see [`process_env`]), checking them in this order:
//!
//! - `DATABASE_URL`, `SESSION_KEY`, `SMTP_PASSWORD` are required. Absent, empty, or only
//!   whitespace: its name goes into [`ConfigError::missing`].
//! - `SESSION_KEY` must be at least [`MIN_KEY_LEN`] bytes, or it goes into
//!   [`ConfigError::invalid`] with the reason [`TOO_SHORT`]: a weak key must stop the start
//!   as surely as a missing one.
//! - `PORT` is optional: absent or blank means [`DEFAULT_PORT`]; otherwise a number from 1 to
//!   65535, or `("PORT", NOT_A_PORT)` goes into `invalid`.
//!
//! If anything is missing or invalid, return one [`ConfigError`] holding all of it, in the
//! order above. An error never quotes a value: the bad value may be a real secret pasted into
//! the wrong variable.
//!
//! Primary sources: The Twelve-Factor App, III. Config, <https://12factor.net/config>; OWASP
//! Secrets Management Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html>; OWASP
//! Logging Cheat Sheet (what never to log).

use std::collections::HashMap;
use std::fmt;

/// A value that must not be printed: redacted in `Debug` and `Display`.
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value itself, for the one place that needs it (a connection, a signature).
    pub fn expose(&self) -> &str {
        // TODO: the value.
        todo!("expose the secret")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write Secret([REDACTED]), never the value.
        todo!("redacted Debug")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // TODO: write [REDACTED].
        todo!("redacted Display")
    }
}

/// Reads and checks the whole configuration from `env`.
pub fn load(env: &HashMap<String, String>) -> Result<Config, ConfigError> {
    // TODO: collect every missing or blank required name and every invalid value (in the
    //       order of the list above) before deciding; build the Config only if there are none.
    todo!("load the configuration from {} variables", env.len())
}

// ---------------------------------------------------------------------------------------------
// Given: the configuration, its error, the limits, and the process's environment as a map.
// ---------------------------------------------------------------------------------------------

/// The shortest `SESSION_KEY` accepted, in bytes: 256 bits.
pub const MIN_KEY_LEN: usize = 32;
/// The port when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 8080;
/// Why a `SESSION_KEY` is refused when it is too short.
pub const TOO_SHORT: &str = "shorter than 32 bytes";
/// Why a `PORT` is refused.
pub const NOT_A_PORT: &str = "not a port number from 1 to 65535";

/// The service's configuration. Deriving `Debug` is safe because every secret is a [`Secret`].
#[derive(Debug)]
pub struct Config {
    /// Where the database is, with its credentials.
    pub database_url: Secret,
    /// The key that signs session cookies.
    pub session_key: Secret,
    /// The mail server's password.
    pub smtp_password: Secret,
    /// The port to listen on.
    pub port: u16,
}

/// Everything wrong with the environment, found in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Required variables that are absent or blank.
    pub missing: Vec<&'static str>,
    /// Variables that are set but unusable, each with why (never with its value).
    pub invalid: Vec<(&'static str, &'static str)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot start: the configuration is incomplete")?;
        if !self.missing.is_empty() {
            write!(f, "; missing or empty: {}", self.missing.join(", "))?;
        }
        for (name, why) in &self.invalid {
            write!(f, "; {name}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The process's environment as a map, for `main`: `load(&process_env())`. Variables whose
/// name or value is not UTF-8 are left out (and so reported missing if required).
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}
