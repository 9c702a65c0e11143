//! # A mini Redis over TCP
//!
//! With frames parsed (resp_frames), a server is a loop around them. A client sends a
//! command as an array of bulk strings, `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`, and
//! gets one reply frame per command, in order. The commands here, as Redis answers them:
//!
//! | command | reply |
//! |---|---|
//! | `PING` / `PING msg` | `+PONG` / the bulk string `msg` |
//! | `ECHO msg` | the bulk string `msg` |
//! | `SET key value` | `+OK` (any other word after the value: `-ERR syntax error`) |
//! | `GET key` | the value as a bulk string, or the null bulk string `$-1` |
//! | `DEL key [key ...]` | `:n`, how many of the keys existed and were removed |
//! | `INCR key` | `:n`, the value plus one, stored back as text; a missing key counts as 0 |
//!
//! Command names are case-insensitive. Errors are replies too, and the connection goes on: an
//! unknown command, the wrong number of arguments, `INCR` of a value that is not a 64-bit
//! integer or that would overflow. Their texts are given below ([`unknown_command`],
//! [`wrong_arity`], [`NOT_AN_INTEGER`], [`OVERFLOW`]): clients match on them.
//!
//! **The connection loop.** TCP delivers bytes in pieces of its choosing. One read may hold
//! half a command (a slow client, or a big value), and another two and a half commands: a
//! client that *pipelines* sends many commands without waiting for replies, as the `redis`
//! crate does on connect (`CLIENT SETINFO`, twice; this server does not know `CLIENT`, and
//! an error reply is all the client needs). So keep a buffer per connection: append what a
//! read brings, parse as many complete frames as it holds and reply to each, keep the
//! incomplete rest for the next read. Bytes that can never be a frame get `-ERR Protocol
//! error: ...` and the connection is closed, as Redis does: nothing after them can be trusted.
//! A read of 0 bytes means the client closed: return.
//!
//! **One store, many clients.** Each connection runs on its own thread (given below), and
//! all share one [`Db`]: a `Mutex` around a `HashMap`. Hold the lock for a whole command, so
//! that two clients' `INCR` of one key never lose an increment.
//!
//! Given: `resp` (your parser), the error texts, and the [`Server`] that runs your
//! `handle_connection` per client. Primary sources: <https://redis.io/docs/latest/commands/>
//! and <https://redis.io/docs/latest/develop/reference/protocol-spec/>.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::TcpStream;

/// The reply to one command, `args[0]` its name and the rest its arguments (see
/// [`command_args`] for turning a request frame into them).
pub fn execute(db: &Db, args: &[Vec<u8>]) -> Frame {
    let name = args[0].to_ascii_uppercase();
    let mut data = db.data.lock().unwrap();
    match (name.as_slice(), args.len()) {
        (b"PING", 1) => Frame::Simple("PONG".into()),
        (b"PING", 2) | (b"ECHO", 2) => Frame::Bulk(args[1].clone()),
        (b"GET", 2) => data
            .get(&args[1])
            .map_or(Frame::Null, |v| Frame::Bulk(v.clone())),
        (b"SET", 3) => {
            data.insert(args[1].clone(), args[2].clone());
            Frame::Simple("OK".into())
        }
        (b"SET", 4..) => Frame::Error(SYNTAX_ERROR.into()),
        (b"DEL", 2..) => {
            let removed = args[1..].iter().filter(|key| data.remove(*key).is_some());
            Frame::Integer(removed.count() as i64)
        }
        (b"INCR", 2) => incr(&mut data, &args[1]),
        (b"PING" | b"ECHO" | b"GET" | b"SET" | b"DEL" | b"INCR", _) => wrong_arity(&args[0]),
        _ => unknown_command(args),
    }
}

/// INCR on the locked map: parse, add one without overflow, store back as text.
fn incr(data: &mut HashMap<Vec<u8>, Vec<u8>>, key: &[u8]) -> Frame {
    let current = match data.get(key) {
        None => 0,
        Some(value) => match std::str::from_utf8(value).ok().and_then(|s| s.parse().ok()) {
            Some(n) => n,
            None => return Frame::Error(NOT_AN_INTEGER.into()),
        },
    };
    let Some(next) = i64::checked_add(current, 1) else {
        return Frame::Error(OVERFLOW.into());
    };
    data.insert(key.to_vec(), next.to_string().into_bytes());
    Frame::Integer(next)
}

/// Serves one client until it closes the connection: reads into a buffer, replies to every
/// complete command in it (in order), and keeps the rest for the next read. Bytes that are
/// not RESP get `-ERR Protocol error: ...`, then the connection is closed.
pub fn handle_connection(mut stream: TcpStream, db: &Db) -> io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(()); // the client closed
        }
        buf.extend_from_slice(&chunk[..n]);
        // All the complete commands of this read, answered in one write.
        let mut replies = Vec::new();
        let mut used = 0;
        loop {
            match parse(&buf[used..], &LIMITS) {
                Ok(Some((request, n))) => {
                    used += n;
                    let reply = command_args(request).map_or_else(|e| e, |a| execute(db, &a));
                    encode(&reply, &mut replies);
                }
                Ok(None) => break,
                Err(err) => {
                    encode(&protocol_error(err), &mut replies);
                    return stream.write_all(&replies);
                }
            }
        }
        buf.drain(..used);
        stream.write_all(&replies)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

// Your parser and encoder of resp_frames.
mod resp;
pub use resp::{Frame, FrameError, Limits, encode, parse};

// The accept loop, one thread per connection, and shutdown.
mod server;
pub use server::Server;

/// The store all connections share: keys and values are bytes, as Redis keeps them.
#[derive(Debug, Default)]
pub struct Db {
    pub data: std::sync::Mutex<HashMap<Vec<u8>, Vec<u8>>>,
}

/// What this server accepts from a client: a command is one flat array (depth 1) of at most
/// 1024 bulk strings of at most 1 MiB each.
pub const LIMITS: Limits = Limits {
    max_bulk: 1024 * 1024,
    max_items: 1024,
    max_depth: 1,
};

/// Redis's reply to `INCR` of a value that is not a 64-bit integer.
pub const NOT_AN_INTEGER: &str = "ERR value is not an integer or out of range";
/// Redis's reply to `INCR` of `i64::MAX`.
pub const OVERFLOW: &str = "ERR increment or decrement would overflow";
/// Redis's reply to words it does not expect among a command's arguments.
pub const SYNTAX_ERROR: &str = "ERR syntax error";

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
pub fn protocol_error(err: FrameError) -> Frame {
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
