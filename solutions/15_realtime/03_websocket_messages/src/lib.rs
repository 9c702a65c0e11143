//! # WebSocket messages: an echo server
//!
//! With the handshake (websocket_handshake) and frames (websocket_frames) given, a server is a
//! loop over frames. What the application sees are *messages*, and a message can span frames
//! (RFC 6455 §5.4): a text or binary frame without FIN opens it, continuation frames (opcode
//! 0) add to it, and the one with FIN ends it. A sender fragments to stream a message whose
//! size it does not know yet. Between those frames, **control frames** may arrive
//! (§5.5), never fragmented themselves:
//!
//! - **ping** → answer at once with a **pong** carrying the same payload (a keep-alive, and how
//!   each end learns the other is still there);
//! - **pong** → nothing to do;
//! - **close** → the closing handshake (§5.5.1, §7): echo the status code the client sent (or
//!   1000 if it sent none) in a close frame of your own, then the connection ends.
//!
//! **Failing the connection.** Anything that breaks the protocol ends the connection with a
//! close frame whose 2-byte status code says why (§7.4.1):
//!
//! | code | when |
//! |---|---|
//! | 1000 | normal closure |
//! | 1002 | protocol error: a broken frame, an unmasked client frame, a continuation with no message open, a new data frame while one is open, a close payload of 1 byte or an invalid code |
//! | 1007 | a text message (or a close reason) that is not UTF-8 |
//! | 1009 | a message too big: one frame, or the fragments added up |
//!
//! A text message is checked as a whole, once complete: a multi-byte character may be split
//! between two fragments. The limit on the total is checked *before* a fragment is added, so
//! a client cannot grow one message without bound 64 KiB at a time. Valid close codes to receive
//! are 1000-1003, 1007-1014 and 3000-4999; the rest are reserved or never sent (1005 and 1006
//! only describe a close locally).
//!
//! You write `Session::on_frame` (one frame in, one step out: send, nothing, or close with a
//! code) and `close_code`. Given: the modules of the two previous steps and the [`Server`]
//! whose loop feeds each frame to your session and sends what it says. Primary source:
//! RFC 6455 §5.4, §5.5, §7, <https://www.rfc-editor.org/rfc/rfc6455>.

use crate::frames::{Frame, FrameError, Opcode};

impl Session {
    /// What to do after `frame` (already unmasked) arrived from the client.
    pub fn on_frame(&mut self, frame: Frame) -> Step {
        let (opcode, mut payload) = match frame.opcode {
            Opcode::Ping => return Step::Send(server_frame(Opcode::Pong, frame.payload)),
            Opcode::Pong => return Step::Nothing,
            Opcode::Close => return Step::Close(close_reply(&frame.payload)),
            // A continuation needs an open message; a new message needs none open.
            Opcode::Continuation => match self.message.take() {
                Some(message) => message,
                None => return Step::Close(PROTOCOL_ERROR),
            },
            opcode if self.message.is_none() => (opcode, Vec::new()),
            _ => return Step::Close(PROTOCOL_ERROR),
        };
        // Before adding: the total, not each fragment, is what the limit is about.
        if payload.len() + frame.payload.len() > self.max_message {
            return Step::Close(TOO_BIG);
        }
        payload.extend_from_slice(&frame.payload);
        if !frame.fin {
            self.message = Some((opcode, payload));
            return Step::Nothing;
        }
        // The whole message: a character may have been split between fragments.
        if opcode == Opcode::Text && std::str::from_utf8(&payload).is_err() {
            return Step::Close(INVALID_DATA);
        }
        Step::Send(server_frame(opcode, payload))
    }
}

/// The code to answer a client's close frame with: its own, or why its frame was wrong.
fn close_reply(payload: &[u8]) -> u16 {
    match payload {
        [] => NORMAL,
        [hi, lo, reason @ ..] => match u16::from_be_bytes([*hi, *lo]) {
            _ if std::str::from_utf8(reason).is_err() => INVALID_DATA,
            code @ (1000..=1003 | 1007..=1014 | 3000..=4999) => code,
            _ => PROTOCOL_ERROR,
        },
        [_] => PROTOCOL_ERROR,
    }
}

/// A final, unmasked frame: servers never mask.
fn server_frame(opcode: Opcode, payload: Vec<u8>) -> Frame {
    Frame {
        fin: true,
        opcode,
        mask: None,
        payload,
    }
}

/// The close code for bytes that are not a valid frame.
pub fn close_code(err: FrameError) -> u16 {
    match err {
        FrameError::TooBig => TOO_BIG,
        _ => PROTOCOL_ERROR,
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

pub mod frames;
pub mod handshake;
pub mod http;
mod server;
pub use server::Server;

/// The longest message the server takes, whole or added up from its fragments.
pub const MAX_MESSAGE: usize = 64 * 1024;

/// Close status codes (RFC 6455 §7.4.1).
pub const NORMAL: u16 = 1000;
pub const PROTOCOL_ERROR: u16 = 1002;
pub const INVALID_DATA: u16 = 1007;
pub const TOO_BIG: u16 = 1009;

/// What the connection loop does after a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing to send yet (a fragment, a pong).
    Nothing,
    /// Send this frame (an echoed message, a pong).
    Send(Frame),
    /// Send a close frame with this status code, then end the connection.
    Close(u16),
}

/// One connection's state between frames.
#[derive(Debug)]
pub struct Session {
    /// The message being received in fragments: its opcode (text or binary) and its data so
    /// far. `None` between messages.
    pub message: Option<(Opcode, Vec<u8>)>,
    /// The longest message accepted, in bytes.
    pub max_message: usize,
}

impl Session {
    /// A session between messages.
    pub fn new(max_message: usize) -> Session {
        Session {
            message: None,
            max_message,
        }
    }
}
