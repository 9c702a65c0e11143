//! # Timeouts and cancellation with `select!`; cancellation safety
//!
//! A connection handler waits for several things at once: the client's next line, a
//! heartbeat to send, the moment the client has been idle too long, the server's shutdown.
//! `tokio::select!` awaits several futures and runs the branch of the **first** to finish;
//! the others are **dropped**. Dropping a future is how async Rust cancels: no exception,
//! no flag, the future simply stops at its last `.await` and never resumes.
//!
//! That is powerful and has one trap. A future dropped halfway through may have done part of
//! its work. A read of `"hello\n"` may have taken `"hel"` off the socket when the heartbeat
//! branch wins; if those bytes were only inside the dropped future, they are gone, and the
//! next read returns `"lo\n"`: data lost, silently. tokio documents each method's **cancel
//! safety**. `read_line` is *not* cancel safe (a cancelled `read_line` leaves its `String`
//! empty). `read_until(b'\n', &mut buf)` is: what it has read stays in `buf`, so it is safe
//! **if `buf` lives outside the loop** and is cleared only after a whole line was handled. A
//! `Vec` made anew inside the loop loses the bytes just the same. (`read_exact` and
//! `write_all` are not cancel safe; `recv` on a channel, `tick`, `sleep`, `accept` are.)
//!
//! `session` runs one connection with this loop:
//!
//! - a whole line (ending in `\n`): reply with `reply_to` (the bytes as text:
//!   `String::from_utf8_lossy`); the idle deadline moves to `idle` from now. A partial line
//!   is not activity: a client that trickles one byte at a time (slowloris) is still idle.
//! - the heartbeat (`tokio::time::interval`, first tick one period from now): send `PING\n`.
//! - the idle deadline (`sleep_until`, one `Instant` kept across iterations): send
//!   `BYE idle\n`, return `End::Idle`.
//! - the shutdown signal (a `oneshot`; await `&mut shutdown` so it is not moved into the
//!   loop): send `BYE shutdown\n`, return `End::Shutdown`.
//! - end of input (`read_line` returns 0): return `End::ClientClosed`.
//!
//! Every write goes through `send`, which gives up after `write_limit` with
//! `tokio::time::timeout`: a client that never reads fills the connection's buffers and would
//! otherwise hold the task forever. A write that times out ends the session with
//! `End::SlowClient`.
//!
//! The tests run on tokio's **paused clock**: time jumps to the next timer when every task
//! waits, so a 35 s idle limit is checked to the second at once.
//!
//! Primary sources: `tokio::select!` (its "Cancellation safety" section); tokio's
//! `AsyncBufReadExt::read_until` and `read_line` ("Cancel safety"); `tokio::time::timeout`.

use std::io;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::time::{self, Instant};

/// Runs one connection until the client leaves, idles, reads too slowly, or shutdown.
pub async fn session(
    mut reader: impl AsyncBufRead + Unpin,
    mut writer: impl AsyncWrite + Unpin,
    timing: Timing,
    mut shutdown: oneshot::Receiver<()>,
) -> io::Result<End> {
    // Outside the loop: a read_until cancelled by another branch leaves its bytes here.
    let mut line = Vec::new();
    let mut heartbeat = time::interval_at(Instant::now() + timing.heartbeat, timing.heartbeat);
    let mut deadline = Instant::now() + timing.idle;
    loop {
        let (reply, end) = tokio::select! {
            read = reader.read_until(b'\n', &mut line) => {
                if read? == 0 {
                    return Ok(End::ClientClosed);
                }
                let reply = reply_to(&String::from_utf8_lossy(&line));
                line.clear();
                deadline = Instant::now() + timing.idle;
                (reply, None)
            }
            _ = heartbeat.tick() => ("PING\n".to_string(), None),
            _ = time::sleep_until(deadline) => ("BYE idle\n".to_string(), Some(End::Idle)),
            _ = &mut shutdown => ("BYE shutdown\n".to_string(), Some(End::Shutdown)),
        };
        if !send(&mut writer, &reply, timing.write_limit).await? {
            return Ok(End::SlowClient);
        }
        if let Some(end) = end {
            return Ok(end);
        }
    }
}

/// Writes `text` within `limit`: `Ok(false)` if the client did not take it in time.
async fn send(
    writer: &mut (impl AsyncWrite + Unpin),
    text: &str,
    limit: Duration,
) -> io::Result<bool> {
    match time::timeout(limit, writer.write_all(text.as_bytes())).await {
        Ok(written) => written.map(|()| true),
        Err(_elapsed) => Ok(false),
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the session's settings, how it ends, and what it answers.
// ---------------------------------------------------------------------------------------------

/// The session's clocks.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Period of the `PING` heartbeat.
    pub heartbeat: Duration,
    /// How long without a whole line before the session ends.
    pub idle: Duration,
    /// How long one write may wait for the client to read.
    pub write_limit: Duration,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The client closed its side.
    ClientClosed,
    /// No whole line for `idle`.
    Idle,
    /// The shutdown signal came.
    Shutdown,
    /// A write waited longer than `write_limit`.
    SlowClient,
}

/// The reply to one line (its `\n` included): the line in capitals.
pub fn reply_to(line: &str) -> String {
    format!("{}\n", line.trim_end().to_uppercase())
}
