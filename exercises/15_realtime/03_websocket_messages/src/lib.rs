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
        // TODO: by opcode: ping, pong, close (its code and reason), then data frames:
        // continuation or a new message, the limit, and on FIN the echo (text: UTF-8).
        let _ = (frame, &self.message, self.max_message);
        todo!("handle a frame")
    }
}

/// The close code for bytes that are not a valid frame.
pub fn close_code(err: FrameError) -> u16 {
    // TODO
    let _ = err;
    todo!("choose a close code")
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
