//! # Error propagation: `From`, `?` and a chain of causes
//!
//! The previous step gave a port its own error type. A real loader sits one layer up: it
//! reads a file line by line (which can fail with an `io::Error`), parses values (which can
//! fail with a `PortError`) and checks the file's own rules. Its caller wants one error type
//! back, `ConfigError`, that still keeps every lower-level cause.
//!
//! Three tools carry a failure up without losing it:
//!
//! - `?` returns early with the error, converting it through [`From`] on the way: after
//!   `impl From<io::Error> for ConfigError`, `let line = line?;` inside a function returning
//!   `Result<_, ConfigError>` turns a failed read into `ConfigError::Io` by itself.
//! - [`Result::map_err`] converts where `From` cannot, because the new error needs context
//!   the old one lacks: `parse_port(value)` knows nothing of line numbers, so
//!   `.map_err(|source| ConfigError::InvalidPort { line, source })?` adds it.
//! - [`Option::ok_or`] turns a missing value into an error, ready for `?`.
//!
//! Each wrapping variant returns its cause from [`std::error::Error::source`], so the logger
//! prints the whole story, each layer adding its own words once:
//! `line 2: invalid port: port is not a number: invalid digit found in string`.
//!
//! What goes wrong in production without this: a loader that `unwrap()`s takes the service
//! down without saying which line; one that turns every error into a `String` loses the
//! cause, and its callers end up comparing message texts.
//!
//! You write `source()` and `From<io::Error>` for `ConfigError`, and `load_config`, whose
//! rules are in its doc comment. Given below the line: `ConfigError`'s `Display` (you wrote
//! one like it in the previous step) and `check_entry`, the file's rules for one entry; the
//! port parser is in `src/port.rs`.
//!
//! Sources: the Rust book, ch. 9.2, "Propagating Errors" and "The `?` Operator"
//! <https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html#propagating-errors>;
//! `std::error::Error` <https://doc.rust-lang.org/std/error/trait.Error.html>

use std::error::Error;
use std::fmt;
use std::io::{self, BufRead};

mod port;
pub use port::{PortError, parse_port};

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

impl Error for ConfigError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        // TODO: return the cause of `Io` and `InvalidPort`; the other variants have none.
        todo!("ConfigError::source: the io::Error or PortError inside, None otherwise")
    }
}

impl From<io::Error> for ConfigError {
    fn from(_err: io::Error) -> Self {
        // TODO: wrap the I/O error, so that `?` on a failed read gives a ConfigError.
        todo!("From<io::Error> for ConfigError")
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
/// - `host` and `port` are the only keys, each must appear exactly once, neither may be empty
///   (the given [`check_entry`] checks an entry against these rules);
/// - the first problem found is the one reported; missing keys are checked at the end of the
///   input, `host` before `port`.
pub fn load_config(input: impl BufRead) -> Result<Config, ConfigError> {
    // TODO: read the input line by line, skip blanks and comments, split each entry into key
    // and value, check it with `check_entry`, remember host and port, and return the first
    // problem as a ConfigError.
    let _lines = input.lines();
    todo!("load_config")
}

// ---------------------------------------------------------------------------------------------
// Given code below this line.

/// The file's rules for one entry on line `line`, in the order they are reported: the key is
/// `host` or `port` (else `UnknownKey`), it was not set on an earlier line (`host_set`,
/// `port_set`; else `DuplicateKey`), and its value is not empty (else `EmptyValue`).
///
/// Given code: these rules are the file format's, not error propagation. Note how it returns
/// `Result<(), ConfigError>`, so the caller's `check_entry(...)?` needs no conversion.
pub fn check_entry(
    line: usize,
    key: &str,
    value: &str,
    host_set: bool,
    port_set: bool,
) -> Result<(), ConfigError> {
    let already_set = match key {
        "host" => host_set,
        "port" => port_set,
        _ => {
            return Err(ConfigError::UnknownKey {
                line,
                key: key.to_string(),
            });
        }
    };
    if already_set {
        return Err(ConfigError::DuplicateKey {
            line,
            key: key.to_string(),
        });
    }
    if value.is_empty() {
        return Err(ConfigError::EmptyValue {
            line,
            key: key.to_string(),
        });
    }
    Ok(())
}

// The messages, one `write!` per variant, as in the previous step. The cause's own text is not
// repeated here; whoever prints the error reaches it through `source()`.

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
