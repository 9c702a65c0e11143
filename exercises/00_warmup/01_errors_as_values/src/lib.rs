//! # Errors as values
//!
//! A backend spends its life reading input that someone else wrote: config files, request
//! bodies, replies from other services. Some of it is wrong. In Rust a failure is a *value*,
//! the `Err` half of a [`Result`]: the signature says a function can fail, and the caller
//! has to look.
//!
//! A good error type is an `enum` with one variant per way things go wrong, so that a caller
//! can `match` on it instead of comparing message texts. Two traits make it an error the rest
//! of the ecosystem understands:
//!
//! - [`std::fmt::Display`] is the message for humans: short, lowercase, no trailing period
//!   (`port is larger than 65535`).
//! - [`std::error::Error`] marks the type as an error, and its [`Error::source`] returns the
//!   lower-level error that caused this one, if there is one. A logger walks that chain and
//!   prints `port is not a number: invalid digit found in string`. Each layer says its own
//!   part once: the cause's text comes from `source()`, not repeated in `Display`.
//!
//! Without this, a service that `unwrap()`s a bad port dies with `ParseIntError { kind:
//! InvalidDigit }` and no word of what it was parsing.
//!
//! You write the error type of a port parser (its messages and its cause) and `parse_port`,
//! which picks the variant. `text.parse::<u16>()` does the number; when it fails,
//! [`ParseIntError::kind`] says why. The chapter's README has more background.
//!
//! Sources: the Rust book, ch. 9.2
//! <https://doc.rust-lang.org/book/ch09-02-recoverable-errors-with-result.html>;
//! `std::error::Error` <https://doc.rust-lang.org/std/error/trait.Error.html>

use std::error::Error;
use std::fmt;
use std::num::ParseIntError;

/// Why a text is not a TCP port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortError {
    /// The text is empty. Message: `port is empty`
    Empty,
    /// The text is not a whole number (letters, a sign, spaces...).
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
        // TODO: replace this Debug text with the message documented on each variant.
        write!(f, "{self:?}")
    }
}

impl Error for PortError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        // TODO: return the cause of `NotANumber`; the other variants have none.
        todo!("PortError::source: the ParseIntError inside NotANumber, None otherwise")
    }
}

/// Parses a TCP port: a whole number from 1 to 65535. The text is taken as it is (no trimming).
pub fn parse_port(text: &str) -> Result<u16, PortError> {
    // TODO: return the port, or the PortError that says why the text is not one.
    todo!("parse_port({text:?})")
}
