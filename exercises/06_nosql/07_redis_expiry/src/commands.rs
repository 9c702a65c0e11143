//! The command dispatch of mini_redis, now on entries that may expire: every command that
//! reads a key goes through your `live`, and SET, EXPIRE and TTL are yours.

use crate::{Db, Entry, Frame, Store, expire, live, set, ttl};

/// The reply to one command, `args[0]` its name and the rest its arguments (see
/// [`command_args`] for turning a request frame into them).
pub fn execute(db: &Db, args: &[Vec<u8>]) -> Frame {
    let name = args[0].to_ascii_uppercase();
    // One reading of the clock per command: the whole command sees one instant.
    let now = db.clock.now_ms();
    let mut data = db.data.lock().unwrap();
    match (name.as_slice(), args.len()) {
        (b"PING", 1) => Frame::Simple("PONG".into()),
        (b"PING", 2) | (b"ECHO", 2) => Frame::Bulk(args[1].clone()),
        (b"GET", 2) => live(&mut data, &args[1], now)
            .map_or(Frame::Null, |entry| Frame::Bulk(entry.value.clone())),
        (b"SET", 3..) => set(&mut data, args, now),
        (b"DEL", 2..) => {
            // An expired key is not there to delete: `live` removes it and says None.
            let removed = args[1..]
                .iter()
                .filter(|key| live(&mut data, key, now).is_some() && data.remove(*key).is_some());
            Frame::Integer(removed.count() as i64)
        }
        (b"INCR", 2) => incr(&mut data, &args[1], now),
        (b"EXPIRE", 3) => expire(&mut data, &args[1], &args[2], now),
        (b"TTL", 2) => ttl(&mut data, &args[1], now),
        (b"PING" | b"ECHO" | b"GET" | b"SET" | b"DEL" | b"INCR" | b"EXPIRE" | b"TTL", _) => {
            wrong_arity(&args[0])
        }
        _ => unknown_command(args),
    }
}

/// INCR: parse, add one without overflow, store back as text. A key that lives on keeps its
/// expiry (Redis's INCR does not touch the TTL); a missing or expired one starts at 0.
fn incr(data: &mut Store, key: &[u8], now: u64) -> Frame {
    if live(data, key, now).is_none() {
        let value = b"0".to_vec();
        data.insert(
            key.to_vec(),
            Entry {
                value,
                expires_at: None,
            },
        );
    }
    let entry = data.get_mut(key).expect("live or inserted above");
    let Some(current) = parse_integer(&entry.value) else {
        return Frame::Error(NOT_AN_INTEGER.into());
    };
    let Some(next) = current.checked_add(1) else {
        return Frame::Error(OVERFLOW.into());
    };
    entry.value = next.to_string().into_bytes();
    Frame::Integer(next)
}

/// The 64-bit integer these bytes spell in decimal, as INCR, EX, PX and EXPIRE read them.
pub fn parse_integer(bytes: &[u8]) -> Option<i64> {
    std::str::from_utf8(bytes).ok()?.parse().ok()
}

/// Redis's reply to a value that is not a 64-bit integer (INCR's value, an EX or PX
/// argument, EXPIRE's seconds).
pub const NOT_AN_INTEGER: &str = "ERR value is not an integer or out of range";
/// Redis's reply to `INCR` of `i64::MAX`.
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
/// Redis's reply to words it does not expect among a command's arguments.
pub const SYNTAX_ERROR: &str = "ERR syntax error";

/// Redis's reply to an expire time that is not positive, or too large to add to the clock:
/// `invalid_expire("set")` is `-ERR invalid expire time in 'set' command`.
pub fn invalid_expire(command: &str) -> Frame {
    Frame::Error(format!("ERR invalid expire time in '{command}' command"))
}

/// Redis's reply to a command it does not know, `args[0]`:
/// `-ERR unknown command 'FOO', with args beginning with: 'a' 'b' `.
pub fn unknown_command(args: &[Vec<u8>]) -> Frame {
    let quoted = |arg: &Vec<u8>| format!("'{}' ", String::from_utf8_lossy(arg));
    let rest: String = args[1..].iter().map(quoted).collect();
    Frame::Error(format!(
        "ERR unknown command '{}', with args beginning with: {rest}",
        String::from_utf8_lossy(&args[0])
    ))
}

/// Redis's reply to a known command with too many or too few arguments:
/// `-ERR wrong number of arguments for 'get' command`.
pub fn wrong_arity(name: &[u8]) -> Frame {
    Frame::Error(format!(
        "ERR wrong number of arguments for '{}' command",
        String::from_utf8_lossy(name).to_lowercase()
    ))
}

/// The reply before closing a connection that sent bytes that are not RESP.
pub fn protocol_error(err: crate::FrameError) -> Frame {
    Frame::Error(format!("ERR Protocol error: {err}"))
}

/// A request's command and arguments: a request is a non-empty array of bulk strings. For
/// anything else, the error reply to send instead (the connection goes on).
pub fn command_args(request: Frame) -> Result<Vec<Vec<u8>>, Frame> {
    let invalid = || Frame::Error("ERR Protocol error: expected an array of bulk strings".into());
    let Frame::Array(items) = request else {
        return Err(invalid());
    };
    if items.is_empty() {
        return Err(invalid());
    }
    items
        .into_iter()
        .map(|item| match item {
            Frame::Bulk(bytes) => Ok(bytes),
            _ => Err(invalid()),
        })
        .collect()
}
