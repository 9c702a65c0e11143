//! Given code: the port parser of the previous step, `errors_as_values`, as its solution
//! wrote it. `PortError` is the lower layer of this step's error chain: `ConfigError::InvalidPort`
//! wraps it, and its own `source()` leads on to the `ParseIntError`.

use std::error::Error;
use std::fmt;
use std::num::{IntErrorKind, ParseIntError};

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
        let message = match self {
            PortError::Empty => "port is empty",
            // The ParseIntError's own text is reachable through source(), so not repeated here.
            PortError::NotANumber(_) => "port is not a number",
            PortError::TooLarge => "port is larger than 65535",
            PortError::Zero => "port 0 is not allowed",
        };
        f.write_str(message)
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

/// Parses a TCP port: a whole number from 1 to 65535. The text is taken as it is (no trimming).
pub fn parse_port(text: &str) -> Result<u16, PortError> {
    match text.parse::<u16>() {
        // 0 parses as a u16 and has to be refused afterwards.
        Ok(0) => Err(PortError::Zero),
        Ok(port) => Ok(port),
        Err(err) => Err(match err.kind() {
            IntErrorKind::Empty => PortError::Empty,
            IntErrorKind::PosOverflow => PortError::TooLarge,
            // A sign, a letter, a space: the parse error itself is the cause worth keeping.
            _ => PortError::NotANumber(err),
        }),
    }
}
