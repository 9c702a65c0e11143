//! # Expiry: keys with a time to live
//!
//! A cache is a store whose entries go away on their own: a session for 30 minutes, a rate
//! limit window for a second. Redis lets any key carry an expiry:
//!
//! | command | reply |
//! |---|---|
//! | `SET key value EX s` / `PX ms` | `+OK`; the key expires `s` seconds / `ms` ms from now |
//! | `SET key value NX` | `+OK` only if the key does not exist; otherwise `$-1`, nothing set |
//! | `EXPIRE key s` | `:1` (expiry set, replacing any), `:0` if there is no such key |
//! | `TTL key` | `:-2` no key, `:-1` a key without expiry, else the seconds left, rounded |
//!
//! Options come in any order and any case (`nx ex 10`). A plain `SET` (without `EX`/`PX`)
//! clears an old expiry: the new value lives forever. `INCR` keeps it.
//!
//! **Store a deadline, not a duration.** The entry keeps `expires_at`, the clock reading at
//! which it dies (`now + s * 1000`). A key is gone once `now >= expires_at`: `EX 10` set at
//! 0 ms is there at 9 999 ms, gone at 10 000. `TTL` answers `expires_at - now` in seconds
//! rounded to the nearest, as Redis does (`(ms + 500) / 1000`).
//!
//! **Expire lazily.** Nothing wakes up when a key dies. Every command that looks a key up
//! goes through `live`, which removes an expired entry and answers `None`: to `GET`, `INCR`,
//! `DEL`, `TTL`, `EXPIRE` and `SET NX` an expired key does not exist. (Redis also samples
//! keys in the background to free memory of keys nobody reads again.)
//!
//! **Time is passed in.** Commands take `now` from the [`Clock`] in [`Db`]: the server runs
//! on the real one, the tests on a [`ManualClock`] they move forward, so no test sleeps.
//!
//! **Errors**, checked before anything is stored: an `EX`/`PX` value that is not an integer
//! is `NOT_AN_INTEGER`; zero, negative, or too large to add to the clock is
//! `invalid_expire("set")` (for EXPIRE, a seconds argument that is not an integer is
//! `NOT_AN_INTEGER`, and one that is zero or negative makes the key expire at once); an
//! unknown option, `EX` and `PX` together, or an option missing its value is `SYNTAX_ERROR`.
//!
//! Given: mini_redis whole (your parser, dispatch and connection loop), now on [`Entry`]s
//! that may carry a deadline. Primary sources: <https://redis.io/docs/latest/commands/set/>,
//! <https://redis.io/docs/latest/commands/expire/>, <https://redis.io/docs/latest/commands/ttl/>.

use std::collections::HashMap;

/// The entry under `key` if there is one that has not expired at `now`. An expired entry is
/// removed on the way: the only place keys die.
pub fn live<'a>(data: &'a mut Store, key: &[u8], now: u64) -> Option<&'a mut Entry> {
    if data.get(key)?.expires_at.is_some_and(|at| at <= now) {
        data.remove(key);
        return None;
    }
    data.get_mut(key)
}

/// `SET key value [EX seconds | PX milliseconds] [NX]`: `args` is the whole command.
pub fn set(data: &mut Store, args: &[Vec<u8>], now: u64) -> Frame {
    let (mut expires_at, mut only_if_missing) = (None, false);
    let mut options = args[3..].iter();
    while let Some(option) = options.next() {
        let ms_per_unit: i64 = match option.to_ascii_uppercase().as_slice() {
            b"NX" => {
                only_if_missing = true;
                continue;
            }
            b"EX" if expires_at.is_none() => 1000,
            b"PX" if expires_at.is_none() => 1,
            _ => return Frame::Error(SYNTAX_ERROR.into()),
        };
        let Some(amount) = options.next() else {
            return Frame::Error(SYNTAX_ERROR.into());
        };
        let Some(amount) = parse_integer(amount) else {
            return Frame::Error(NOT_AN_INTEGER.into());
        };
        // Positive, and a deadline the clock can hold: otherwise no expiry makes sense.
        let deadline = (amount > 0)
            .then(|| amount.checked_mul(ms_per_unit))
            .flatten()
            .and_then(|ms| now.checked_add(ms as u64));
        let Some(deadline) = deadline else {
            return invalid_expire("set");
        };
        expires_at = Some(deadline);
    }
    if only_if_missing && live(data, &args[1], now).is_some() {
        return Frame::Null;
    }
    let value = args[2].clone();
    data.insert(args[1].clone(), Entry { value, expires_at });
    Frame::Simple("OK".into())
}

/// `EXPIRE key seconds`: `:1` when the key exists (its deadline replaced), `:0` when not.
/// Seconds of 0 or less leave it already expired.
pub fn expire(data: &mut Store, key: &[u8], seconds: &[u8], now: u64) -> Frame {
    let Some(seconds) = parse_integer(seconds) else {
        return Frame::Error(NOT_AN_INTEGER.into());
    };
    let Some(ms) = seconds.checked_mul(1000) else {
        return invalid_expire("expire");
    };
    let Some(entry) = live(data, key, now) else {
        return Frame::Integer(0);
    };
    entry.expires_at = Some(now.saturating_add_signed(ms));
    Frame::Integer(1)
}

/// `TTL key`: `:-2` without a live key, `:-1` for a key without expiry, else the seconds
/// left, rounded to the nearest.
pub fn ttl(data: &mut Store, key: &[u8], now: u64) -> Frame {
    match live(data, key, now) {
        None => Frame::Integer(-2),
        Some(Entry {
            expires_at: None, ..
        }) => Frame::Integer(-1),
        Some(Entry {
            expires_at: Some(at),
            ..
        }) => Frame::Integer(((*at - now + 500) / 1000) as i64),
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

// Your parser and encoder of resp_frames.
mod resp;
pub use resp::{Frame, FrameError, Limits, encode, parse};

// Your dispatch of mini_redis, calling the functions above; the error texts.
mod commands;
pub use commands::{
    NOT_AN_INTEGER, OVERFLOW, SYNTAX_ERROR, command_args, execute, invalid_expire, parse_integer,
    protocol_error, unknown_command, wrong_arity,
};

// Your connection loop of mini_redis.
mod connection;
pub use connection::handle_connection;

// The accept loop, one thread per connection, and shutdown.
mod server;
pub use server::Server;

// The real clock and the one tests move.
mod clock;
pub use clock::{Clock, ManualClock, SystemClock};

/// One key's value, and the clock reading at which it expires (`None`: never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub value: Vec<u8>,
    pub expires_at: Option<u64>,
}

/// The keys and their entries.
pub type Store = HashMap<Vec<u8>, Entry>;

/// The store all connections share, and the clock its commands read.
pub struct Db {
    pub data: std::sync::Mutex<Store>,
    pub clock: std::sync::Arc<dyn Clock>,
}

impl Db {
    /// An empty store on `clock`.
    pub fn new(clock: std::sync::Arc<dyn Clock>) -> Db {
        Db {
            data: Default::default(),
            clock,
        }
    }
}

impl Default for Db {
    /// An empty store on the real clock.
    fn default() -> Db {
        Db::new(std::sync::Arc::new(SystemClock::default()))
    }
}

/// What this server accepts from a client: a command is one flat array (depth 1) of at most
/// 1024 bulk strings of at most 1 MiB each.
pub const LIMITS: Limits = Limits {
    max_bulk: 1024 * 1024,
    max_items: 1024,
    max_depth: 1,
};
