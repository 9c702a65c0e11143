//! Test-only code that many exercises need, kept once: the exercises take this crate as a
//! dev-dependency (`testkit = { workspace = true }`), never as a dependency of what the learner
//! writes.
//!
//! - [`vectors`]: the official test material beside the course (`../shared/vectors`, or
//!   `$BACKLINGS_VECTORS`), and [`skip`] for a test that cannot run without it;
//! - [`llhttp`] (feature `llhttp`): the request fixtures of llhttp, Node.js's HTTP/1 parser;
//! - [`wpt`] (feature `wpt`): the web-platform-tests URL data files;
//! - [`cache_tests`] (feature `cache-tests`): a driver for the HTTP caching tests of
//!   http-tests/cache-tests, run against an in-process cache on a manual clock;
//! - [`tcp`]: a client socket whose every operation has a time limit;
//! - [`within`]: run code on its own thread with a time limit, so a hang fails a test.

#[cfg(feature = "cache-tests")]
pub mod cache_tests;
#[cfg(feature = "llhttp")]
pub mod llhttp;
mod notes;
pub mod tcp;
mod time_limit;
pub mod vectors;
#[cfg(feature = "wpt")]
pub mod wpt;

pub use notes::{NOTES_ENV, skip};
pub use time_limit::within;
