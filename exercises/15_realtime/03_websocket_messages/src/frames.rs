//! Frames: your solution to websocket_frames.

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
