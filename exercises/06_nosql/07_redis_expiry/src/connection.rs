//! One client's connection: your handle_connection of mini_redis.

use crate::{Db, Frame, LIMITS, command_args, encode, execute, parse, protocol_error};
use std::io::{self, Read, Write};
use std::net::TcpStream;

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
                    let reply: Frame =
                        command_args(request).map_or_else(|e| e, |a| execute(db, &a));
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
