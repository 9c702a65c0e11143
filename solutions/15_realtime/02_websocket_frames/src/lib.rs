//! # WebSocket frames
//!
//! After the 101, a WebSocket connection carries *frames* both ways (RFC 6455 §5.2):
//!
//! ```text
//! byte 0:  FIN | RSV1 RSV2 RSV3 | opcode (4 bits)
//! byte 1:  MASK | payload length (7 bits)
//! then:    16-bit or 64-bit length (big-endian), if the 7 bits say 126 or 127
//! then:    4-byte masking key, if MASK is set
//! then:    the payload
//! ```
//!
//! `81 05 48 65 6c 6c 6f` is a final (`FIN`) text frame (opcode 1) of 5 bytes, "Hello".
//!
//! **Lengths.** 0 to 125 fit in the 7 bits. 126 means a 16-bit length follows, 127 a 64-bit one
//! (whose top bit must be 0). The *minimal* encoding is required: 125 in 16 bits, or 65535
//! in 64, is a protocol error, so 125/126 and 65535/65536 are the edges to get right.
//!
//! **Masking.** Every frame a client sends is masked, every frame a server sends is not; a
//! frame the wrong way round is a protocol error (§5.1). Masked, payload byte `i` is XORed with
//! `key[i % 4]`; XOR again with the same key gives it back. It protects proxies, not data: a
//! page's script cannot choose the bytes on the wire, so it cannot make them look like an
//! HTTP request to a cache in between (§10.3).
//!
//! **Opcodes.** Data frames: 0 continuation, 1 text, 2 binary. Control frames: 8 close, 9
//! ping, 10 pong; a control frame is never fragmented (FIN set) and its payload is at most 125
//! bytes (§5.5). Other opcodes, and RSV bits set without an extension agreed, are errors.
//!
//! **Parsing from a socket**, as in chapter 06's RESP frames: `parse` gets the bytes received so
//! far and answers a frame and how many bytes it used, `None` for "incomplete, read more", or
//! an error. **A length is a promise the peer makes**: a header announcing more than
//! `max_payload` bytes is an error as soon as the length is read, before any payload arrives
//! and before anything is allocated. A 64-bit length can announce 8 EiB.
//!
//! You write `parse` and `encode`. Given: [`Frame`], [`Opcode`], [`Sender`], [`FrameError`].
//! Primary source: RFC 6455 §5, <https://www.rfc-editor.org/rfc/rfc6455#section-5>; the
//! examples of §5.7 are in the tests.

/// Reads one frame sent by `sender` from the start of `buf`: `Ok(Some((frame, used)))` with
/// the payload unmasked, `Ok(None)` when `buf` stops before the frame ends, or the error that
/// makes these bytes never a valid frame (checked as soon as the bytes for it are there).
pub fn parse(
    buf: &[u8],
    sender: Sender,
    max_payload: u64,
) -> Result<Option<(Frame, usize)>, FrameError> {
    let [b0, b1, ..] = *buf else {
        return Ok(None);
    };
    let (fin, masked, len7) = (b0 & 0x80 != 0, b1 & 0x80 != 0, b1 & 0x7F);
    if b0 & 0x70 != 0 {
        return Err(FrameError::ReservedBits);
    }
    let opcode = Opcode::from_u8(b0 & 0x0F).ok_or(FrameError::UnknownOpcode(b0 & 0x0F))?;
    match (sender, masked) {
        (Sender::Client, false) => return Err(FrameError::NotMasked),
        (Sender::Server, true) => return Err(FrameError::Masked),
        _ => {}
    }
    if opcode.is_control() && !fin {
        return Err(FrameError::FragmentedControl);
    }
    if opcode.is_control() && len7 > 125 {
        return Err(FrameError::ControlTooLong);
    }
    let (len, mut used) = match (len7, buf.get(2..4), buf.get(2..10)) {
        (126, Some(b), _) => (u16::from_be_bytes([b[0], b[1]]) as u64, 4),
        (127, _, Some(b)) => (u64::from_be_bytes(b.try_into().unwrap()), 10),
        (126 | 127, _, _) => return Ok(None),
        (n, _, _) => (n as u64, 2),
    };
    // The shortest form only (RFC 6455 §5.2), and a 64-bit length's top bit is 0.
    if (len7 == 126 && len < 126) || (len7 == 127 && (len <= 0xFFFF || len >> 63 != 0)) {
        return Err(FrameError::BadLength);
    }
    // Before reading or allocating anything for the payload.
    if len > max_payload {
        return Err(FrameError::TooBig);
    }
    let mut mask = None;
    if masked {
        let Some(key) = buf.get(used..used + 4) else {
            return Ok(None);
        };
        mask = Some([key[0], key[1], key[2], key[3]]);
        used += 4;
    }
    let end = used + len as usize;
    let Some(body) = buf.get(used..end) else {
        return Ok(None);
    };
    // XOR with a zero key changes nothing: one path for masked and unmasked.
    let key = mask.unwrap_or_default();
    let payload = body
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ key[i % 4])
        .collect();
    Ok(Some((
        Frame {
            fin,
            opcode,
            mask,
            payload,
        },
        end,
    )))
}

/// Appends `frame` to `out`: the shortest length encoding, the key if `frame.mask` has one,
/// and the payload masked with it.
pub fn encode(frame: &Frame, out: &mut Vec<u8>) {
    out.push(u8::from(frame.fin) << 7 | frame.opcode.as_u8());
    let mask_bit = u8::from(frame.mask.is_some()) << 7;
    match frame.payload.len() {
        len @ 0..=125 => out.push(mask_bit | len as u8),
        len @ 126..=0xFFFF => {
            out.push(mask_bit | 126);
            out.extend((len as u16).to_be_bytes());
        }
        len => {
            out.push(mask_bit | 127);
            out.extend((len as u64).to_be_bytes());
        }
    }
    let key = frame.mask.unwrap_or_default();
    if frame.mask.is_some() {
        out.extend(key);
    }
    out.extend(
        frame
            .payload
            .iter()
            .enumerate()
            .map(|(i, b)| b ^ key[i % 4]),
    );
}

// ---------------------------------------------------------------------------------------------
// Given code: you do not need to change anything below this line.
// ---------------------------------------------------------------------------------------------

/// One frame, its payload unmasked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The last frame of its message (a message of one frame has it set).
    pub fin: bool,
    pub opcode: Opcode,
    /// The masking key: `Some` in every frame a client sends, `None` in a server's.
    pub mask: Option<[u8; 4]>,
    /// The application data, unmasked.
    pub payload: Vec<u8>,
}

/// What a frame carries (RFC 6455 §5.2, §11.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opcode {
    Continuation,
    Text,
    Binary,
    Close,
    Ping,
    Pong,
}

impl Opcode {
    /// The opcode of its 4-bit value, or `None` for a reserved one (3-7, 11-15).
    pub fn from_u8(value: u8) -> Option<Opcode> {
        Some(match value {
            0 => Opcode::Continuation,
            1 => Opcode::Text,
            2 => Opcode::Binary,
            8 => Opcode::Close,
            9 => Opcode::Ping,
            10 => Opcode::Pong,
            _ => return None,
        })
    }

    /// Its 4-bit value.
    pub fn as_u8(self) -> u8 {
        match self {
            Opcode::Continuation => 0,
            Opcode::Text => 1,
            Opcode::Binary => 2,
            Opcode::Close => 8,
            Opcode::Ping => 9,
            Opcode::Pong => 10,
        }
    }

    /// Close, ping and pong: never fragmented, at most 125 bytes of payload (§5.5).
    pub fn is_control(self) -> bool {
        self.as_u8() >= 8
    }
}

/// Which end sent the bytes being parsed: clients mask, servers do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Client,
    Server,
}

/// Why some bytes can never be a valid frame. The connection is failed (§7.1.7): a server
/// sends a close frame with status 1002 (protocol error) or 1009 (too big) and closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// An RSV bit is set, and no extension was agreed that gives it a meaning.
    ReservedBits,
    /// A reserved opcode.
    UnknownOpcode(u8),
    /// A client's frame without a mask (§5.1).
    NotMasked,
    /// A server's frame with a mask (§5.1).
    Masked,
    /// A control frame without FIN.
    FragmentedControl,
    /// A control frame announcing more than 125 bytes.
    ControlTooLong,
    /// A length not in its shortest form, or a 64-bit length with its top bit set.
    BadLength,
    /// A payload longer than the limit.
    TooBig,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::ReservedBits => write!(f, "reserved bits set"),
            FrameError::UnknownOpcode(op) => write!(f, "reserved opcode {op}"),
            FrameError::NotMasked => write!(f, "client frame not masked"),
            FrameError::Masked => write!(f, "server frame masked"),
            FrameError::FragmentedControl => write!(f, "fragmented control frame"),
            FrameError::ControlTooLong => write!(f, "control frame longer than 125 bytes"),
            FrameError::BadLength => write!(f, "length not in its shortest form"),
            FrameError::TooBig => write!(f, "payload longer than the limit"),
        }
    }
}

impl std::error::Error for FrameError {}
