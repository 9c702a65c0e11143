//! # Errors as values
//!
//! A backend spends most of its life reading input that someone else wrote: config files,
//! request bodies, rows from a database, replies from other services. Some of it will be
//! wrong. In Rust a failure is not an exception that flies past the caller: it is a *value*,
//! the `Err` half of a [`Result`], and the function's signature says so. The caller must look
//! at it, and the `?` operator makes "give the error back to my own caller" a single character.
//!
//! A good error type is an `enum` with one variant per way things can go wrong. The caller can
//! `match` on it (a missing key is the operator's mistake; an unreadable disk is not), and the
//! variants carry the context a human needs: *which* line, *which* key, *what* value. Two
//! traits turn such a value into something the rest of the ecosystem understands:
//!
//! - [`std::fmt::Display`] is the message for humans: short, lowercase, no trailing period
//!   ("line 3: unknown key `prot`").
//! - [`std::error::Error`] marks the type as an error and, through [`Error::source`], links it
//!   to the lower-level error that caused it. A logger or `main` can walk that chain and print
//!   `line 2: invalid port: port is not a number: invalid digit found in string`. The Rust error
//!   handling project group's rule of thumb: a wrapping error either returns its cause from
//!   `source()` **or** includes the cause's message in its own `Display`, never both — or the
//!   report repeats itself.
//!
//! Finally, `impl From<LowLevel> for MyError` lets `?` convert errors on the way up: after
//! `impl From<io::Error> for ConfigError`, a `line?` inside a function returning
//! `Result<_, ConfigError>` wraps an I/O failure into `ConfigError::Io` by itself.
//!
//! What goes wrong in production without this: a config loader that `unwrap()`s takes the
//! whole service down with `called Result::unwrap() on an Err value: ParseIntError { kind:
//! InvalidDigit }` and no hint of which file, line or key; an error type that is a bare
//! `String` cannot be matched on, so callers end up comparing message texts.
//!
//! Here you write a loader for a tiny `key = value` config file with two keys, `host` and
//! `port`, and the error types that describe every way it can fail.
//!
//! Primary sources:
//! - The Rust book, ch. 9.2 "Recoverable Errors with Result":
//!   <https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html>
//! - `std::error::Error` (message style, `source`): <https://doc.rust-lang.org/std/error/trait.Error.html>
//! - Error handling project group, "What the error handling project group is working towards"
//!   (Display vs source): <https://blog.rust-lang.org/inside-rust/2021/07/01/What-the-error-handling-project-group-is-working-towards.html>

use std::error::Error;
use std::fmt;
use std::io::{self, BufRead};
use std::num::{IntErrorKind, ParseIntError};

/// Why a port number was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortError {
    /// The text is empty. Message: `port is empty`
    Empty,
    /// The text is not a whole number (letters, a minus sign, spaces...).
    /// Message: `port is not a number`; `source()` is the `ParseIntError`.
    NotANumber(ParseIntError),
    /// The number is larger than 65535. Message: `port is larger than 65535`
    TooLarge,
    /// The number is 0, which asks the OS for "any free port": not something a config
    /// should say. Message: `port 0 is not allowed`
    Zero,
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortError::Empty => f.write_str("port is empty"),
            // The ParseIntError's own text is reachable through source(), so not repeated here.
            PortError::NotANumber(_) => f.write_str("port is not a number"),
            PortError::TooLarge => f.write_str("port is larger than 65535"),
            PortError::Zero => f.write_str("port 0 is not allowed"),
        }
    }
}

impl Error for PortError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            PortError::NotANumber(err) => Some(err),
            _ => None,
        }
    }
}

/// Sorts a failed integer parse into the port error that explains it, so that `?` can do
/// the conversion in [`parse_port`].
impl From<ParseIntError> for PortError {
    fn from(err: ParseIntError) -> Self {
        match err.kind() {
            IntErrorKind::Empty => PortError::Empty,
            IntErrorKind::PosOverflow => PortError::TooLarge,
            _ => PortError::NotANumber(err),
        }
    }
}

/// Parses a TCP port: a whole number from 1 to 65535. The text is taken as it is (no trimming).
pub fn parse_port(text: &str) -> Result<u16, PortError> {
    match text.parse::<u16>()? {
        0 => Err(PortError::Zero),
        port => Ok(port),
    }
}

/// The loaded configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub host: String,
    pub port: u16,
}

/// Everything that can go wrong while loading a config. Line numbers count from 1 and count
/// every line of the input, comments and blank lines included.
#[derive(Debug)]
pub enum ConfigError {
    /// Reading the input failed (including input that is not valid UTF-8).
    /// Message: `cannot read config`; `source()` is the `io::Error`.
    Io(io::Error),
    /// A line that is not blank, not a comment and has no `=`.
    /// Message: ``line 3: expected `key = value` ``
    MissingEquals { line: usize },
    /// A key other than `host` and `port`. Message: ``line 3: unknown key `prot` ``
    UnknownKey { line: usize, key: String },
    /// A key that was already set on an earlier line.
    /// Message: ``line 5: key `port` is set twice``
    DuplicateKey { line: usize, key: String },
    /// A known key with nothing after the `=`. Message: ``line 2: key `host` has no value``
    EmptyValue { line: usize, key: String },
    /// The value of `port` is not a valid port.
    /// Message: `line 2: invalid port`; `source()` is the [`PortError`].
    InvalidPort { line: usize, source: PortError },
    /// A required key never appeared. Message: ``missing key `port` ``
    MissingKey(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Io(_) => f.write_str("cannot read config"),
            ConfigError::MissingEquals { line } => write!(f, "line {line}: expected `key = value`"),
            ConfigError::UnknownKey { line, key } => write!(f, "line {line}: unknown key `{key}`"),
            ConfigError::DuplicateKey { line, key } => {
                write!(f, "line {line}: key `{key}` is set twice")
            }
            ConfigError::EmptyValue { line, key } => {
                write!(f, "line {line}: key `{key}` has no value")
            }
            ConfigError::InvalidPort { line, .. } => write!(f, "line {line}: invalid port"),
            ConfigError::MissingKey(key) => write!(f, "missing key `{key}`"),
        }
    }
}

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            ConfigError::Io(err) => Some(err),
            ConfigError::InvalidPort { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<io::Error> for ConfigError {
    fn from(err: io::Error) -> Self {
        ConfigError::Io(err)
    }
}

/// Loads a config from `input`.
///
/// The format, one entry per line:
/// ```text
/// # comments start with '#'
/// host = 127.0.0.1
/// port = 8080
/// ```
/// - blank lines and lines whose first non-blank character is `#` are skipped;
/// - otherwise the line is split at its first `=`; key and value are trimmed of whitespace;
/// - `host` and `port` are the only keys, each must appear exactly once, neither may be empty;
/// - the first problem found is the one reported; missing keys are checked at the end of the
///   input, `host` before `port`.
pub fn load_config(input: impl BufRead) -> Result<Config, ConfigError> {
    let mut host = None;
    let mut port = None;

    for (index, line) in input.lines().enumerate() {
        let line = line?;
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, value) = trimmed
            .split_once('=')
            .ok_or(ConfigError::MissingEquals { line: number })?;
        let (key, value) = (key.trim(), value.trim());

        let slot_is_set = match key {
            "host" => host.is_some(),
            "port" => port.is_some(),
            _ => {
                return Err(ConfigError::UnknownKey {
                    line: number,
                    key: key.to_string(),
                });
            }
        };
        if slot_is_set {
            return Err(ConfigError::DuplicateKey {
                line: number,
                key: key.to_string(),
            });
        }
        if value.is_empty() {
            return Err(ConfigError::EmptyValue {
                line: number,
                key: key.to_string(),
            });
        }

        if key == "host" {
            host = Some(value.to_string());
        } else {
            let parsed = parse_port(value).map_err(|source| ConfigError::InvalidPort {
                line: number,
                source,
            })?;
            port = Some(parsed);
        }
    }

    Ok(Config {
        host: host.ok_or(ConfigError::MissingKey("host"))?,
        port: port.ok_or(ConfigError::MissingKey("port"))?,
    })
}
