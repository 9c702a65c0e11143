//! # Configuration from the environment: typed, with defaults, every problem named at start
//!
//! The twelve-factor app keeps its configuration in **environment variables**: the same
//! build runs in development, staging and production, and only the environment differs.
//! Chapter 09 (`secrets_from_env`) loaded the secrets that way. The rest of the configuration
//! is a harder kind of input: a port, a timeout, a log level, each a string that must become
//! a typed value, or a default when absent. A service that parses `APP_REQUEST_TIMEOUT` only
//! at the first slow request fails at 3 a.m., an hour after the deploy looked green. So parse
//! every setting **once, at start**, into a typed [`Config`], and refuse to start if
//! anything is wrong, naming **every** problem at once, each with the value that was given.
//!
//! Write [`from_env`] over an injected map of variables (the tests never touch the process
//! environment; `main` would pass [`process_env`]):
//!
//! | variable | type | default |
//! |---|---|---|
//! | `APP_PORT` | a port, 0 to 65535 | `8080` |
//! | `APP_REQUEST_TIMEOUT` | a duration, see [`parse_duration`] | `30s` |
//! | `APP_LOG_LEVEL` | a [`LogLevel`] | `info` |
//! | `APP_DATABASE_URL` | text | required |
//! | `APP_API_KEY` | a [`Secret`] of at least [`MIN_KEY_LEN`] characters | required |
//!
//! - An **empty** value counts as not set (`APP_PORT=` in a compose file means "the default").
//! - Each bad or missing setting is one [`Problem`], in the order of the table, all returned
//!   together in a [`ConfigError`]. A bad value is quoted ([`Problem::Invalid`], with
//!   [`EXPECT_PORT`] and its siblings), so the operator sees the typo;
//!   a secret's never is ([`Problem::TooShort`]).
//! - An `APP_` variable that is none of the above is most likely a typo (`APP_PROT`): the
//!   config still loads, with a [`Warning::Unknown`] for it, in name order. Other variables
//!   (`PATH`, `HOME`) are not ours and are ignored.
//!
//! [`parse_duration`] reads a whole number followed by a unit, `ms`, `s`, `m` or `h`
//! (`500ms`, `30s`, `5m`, `1h`), and nothing else: no spaces, no sign, no fraction, no
//! upper case, and no number so large that it overflows.
//!
//! Primary source: The Twelve-Factor App, III. Config, <https://12factor.net/config>.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// Reads every setting from `env`: the config and its warnings, or every problem found.
pub fn from_env(env: &BTreeMap<String, String>) -> Result<Loaded, ConfigError> {
    // An empty value is the same as no value.
    let get = |name: &str| env.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let mut problems = Vec::new();
    let mut invalid = |name: &'static str, value: &str, expected: &'static str| {
        problems.push(Problem::Invalid {
            name,
            value: value.to_string(),
            expected,
        })
    };

    let port = match get("APP_PORT") {
        None => 8080,
        Some(v) => v.parse().unwrap_or_else(|_| {
            invalid("APP_PORT", v, EXPECT_PORT);
            0
        }),
    };
    let request_timeout = match get("APP_REQUEST_TIMEOUT") {
        None => Duration::from_secs(30),
        Some(v) => parse_duration(v).unwrap_or_else(|| {
            invalid("APP_REQUEST_TIMEOUT", v, EXPECT_DURATION);
            Duration::ZERO
        }),
    };
    let log_level = match get("APP_LOG_LEVEL") {
        None => LogLevel::Info,
        Some(v) => LogLevel::parse(v).unwrap_or_else(|| {
            invalid("APP_LOG_LEVEL", v, EXPECT_LEVEL);
            LogLevel::Info
        }),
    };
    let database_url = get("APP_DATABASE_URL").unwrap_or_else(|| {
        problems.push(Problem::Missing("APP_DATABASE_URL"));
        ""
    });
    let api_key = match get("APP_API_KEY") {
        None => {
            problems.push(Problem::Missing("APP_API_KEY"));
            ""
        }
        // Counted in characters, and the value stays out of the problem.
        Some(v) if v.chars().count() < MIN_KEY_LEN => {
            problems.push(Problem::TooShort("APP_API_KEY"));
            ""
        }
        Some(v) => v,
    };
    if !problems.is_empty() {
        return Err(ConfigError(problems));
    }

    let warnings = env
        .keys()
        .filter(|name| name.starts_with("APP_") && !KNOWN.contains(&name.as_str()))
        .map(|name| Warning::Unknown(name.clone()))
        .collect();
    let config = Config {
        port,
        request_timeout,
        log_level,
        database_url: database_url.to_string(),
        api_key: Secret(api_key.to_string()),
    };
    Ok(Loaded { config, warnings })
}

/// `500ms`, `30s`, `5m`, `1h`: a whole number and a unit; `None` for anything else.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    if number.is_empty() {
        return None;
    }
    let n: u64 = number.parse().ok()?;
    match unit {
        "ms" => Some(Duration::from_millis(n)),
        "s" => Some(Duration::from_secs(n)),
        // checked_mul: "99999999999999999h" is an error, not a wrapped-around small number.
        "m" => n.checked_mul(60).map(Duration::from_secs),
        "h" => n.checked_mul(3600).map(Duration::from_secs),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the config, the secret wrapper, the problems and warnings, and the process environment.
// ---------------------------------------------------------------------------------------------

/// Every variable this service reads, in the order problems are reported.
pub const KNOWN: [&str; 5] = [
    "APP_PORT",
    "APP_REQUEST_TIMEOUT",
    "APP_LOG_LEVEL",
    "APP_DATABASE_URL",
    "APP_API_KEY",
];

/// What [`Problem::Invalid`] says was expected, for each setting that is parsed.
pub const EXPECT_PORT: &str = "a port number (0–65535)";
pub const EXPECT_DURATION: &str = "a duration (like 500ms, 30s, 5m, 1h)";
pub const EXPECT_LEVEL: &str = "a log level (error, warn, info, debug, trace)";

/// The shortest API key accepted, in characters.
pub const MIN_KEY_LEN: usize = 16;

/// The service's settings, typed: nothing downstream parses a string again.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub port: u16,
    pub request_timeout: Duration,
    pub log_level: LogLevel,
    pub database_url: String,
    pub api_key: Secret,
}

/// A value that must not be printed: no `Display`, and a `Debug` that hides it.
#[derive(Clone, PartialEq)]
pub struct Secret(String);

impl Secret {
    /// The value itself, for the one place that needs it (the code that sends the key).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Debug output that says a secret is there, never what it is (chapter 09's `Secret`).
impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"[redacted]\")")
    }
}

/// How much the service logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// `error`, `warn`, `info`, `debug` or `trace` (lower case, as written in configs).
    pub fn parse(text: &str) -> Option<LogLevel> {
        match text {
            "error" => Some(LogLevel::Error),
            "warn" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        }
    }
}

/// A config that loaded, and what an operator should look at anyway.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<Warning>,
}

/// Something wrong with one setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required variable is not set (or is empty).
    Missing(&'static str),
    /// A value that does not parse; `expected` says what would.
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A secret shorter than [`MIN_KEY_LEN`]; its value is not kept.
    TooShort(&'static str),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing(name) => write!(f, "{name}: required, but not set"),
            Problem::Invalid {
                name,
                value,
                expected,
            } => write!(f, "{name}: '{value}' is not {expected}"),
            Problem::TooShort(name) => write!(
                f,
                "{name}: too short, at least {MIN_KEY_LEN} characters (the value is not shown)"
            ),
        }
    }
}

/// Every problem found, in the order of [`KNOWN`]; its `Display` is the message to print
/// before exiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<Problem>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the configuration has {} problem(s):", self.0.len())?;
        for problem in &self.0 {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Something that does not stop the service but that an operator should see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// An `APP_` variable the service does not read: probably a typo.
    Unknown(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Unknown(name) => write!(
                f,
                "{name}: not a setting of this service, ignored (a typo? known: {})",
                KNOWN.join(", ")
            ),
        }
    }
}

/// The process's environment, for `main` (variables that are not UTF-8 are left out: none of
/// ours can be). Tests pass their own map instead.
pub fn process_env() -> BTreeMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}
