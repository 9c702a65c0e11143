//! # DNS messages, step 2: names on the wire
//!
//! A domain name travels as a sequence of labels (RFC 1035 §3.1,
//! <https://www.rfc-editor.org/rfc/rfc1035#section-3.1>): each label is one length byte and
//! that many bytes, and a zero length byte (the root) ends the name. `www.example.com` is
//! `3 www 7 example 3 com 0`. Two limits keep names small (§2.3.4): a label is at most 63
//! bytes, so the two top bits of a length byte are 00; a whole name, as encoded (length bytes,
//! labels and the final zero), is at most 255 bytes.
//!
//! A decoder must treat every byte as hostile. The message may end anywhere, even inside a
//! label or before the final zero (`Truncated`). A length byte may claim more bytes than there
//! are. A name may grow past 255 bytes: check the length as it grows, counted as encoded,
//! rather than trusting the sender to stop. A length byte whose top bits are not 00 is not a
//! label length: 11 starts a compression pointer, the next step; 01 and 10 are reserved. Here
//! all three are `LabelTooLong`.
//!
//! This exercise writes names as dotted text (`"www.example.com"`, no trailing dot; the root
//! is `"."`) and keeps their case as it is (DNS compares names case-insensitively, RFC 4343,
//! but preserves case). It limits labels to printable ASCII other than `.`, which every host
//! name fits in (internationalised names travel as `xn--` labels, RFC 5890), because a label
//! containing a `.` could not be told apart from two labels in the dotted form.
//!
//! Below the line: the limits, `label_text` and `dotted` for the text side of a name, and
//! step 1's header, as given code.

/// Why a message could not be encoded or decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsError {
    /// The message ends before the header or a name does.
    Truncated,
    /// A label longer than 63 bytes, or (decoding) a length byte whose top bits are not 00.
    LabelTooLong,
    /// A name longer than 255 bytes as encoded.
    NameTooLong,
    /// (Encoding) an empty label: `"a..b"`, `".a"`, `""`.
    EmptyLabel,
    /// A label byte that is not printable ASCII (0x21..=0x7E), or (decoding) a `.`.
    InvalidLabel,
}

/// Appends `name` in wire format (RFC 1035 §3.1) to `out`, without compression.
pub fn encode_name(name: &str, out: &mut Vec<u8>) -> Result<(), DnsError> {
    if name == "." {
        out.push(0);
        return Ok(());
    }
    let name = name.strip_suffix('.').unwrap_or(name);
    let mut encoded = Vec::with_capacity(name.len() + 2);
    for label in name.split('.') {
        if label.is_empty() {
            return Err(DnsError::EmptyLabel);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DnsError::LabelTooLong);
        }
        label_text(label.as_bytes())?;
        encoded.push(label.len() as u8);
        encoded.extend_from_slice(label.as_bytes());
    }
    encoded.push(0);
    if encoded.len() > MAX_NAME_LEN {
        return Err(DnsError::NameTooLong);
    }
    out.extend_from_slice(&encoded);
    Ok(())
}

/// Decodes the name that starts at `offset` in `msg` (without compression: the next step).
/// Returns the dotted name and the offset just after its final zero byte.
pub fn decode_name(msg: &[u8], offset: usize) -> Result<(String, usize), DnsError> {
    let mut labels: Vec<&str> = Vec::new();
    // The root's zero byte counts too.
    let mut encoded_len = 1;
    let mut pos = offset;
    loop {
        let len = usize::from(*msg.get(pos).ok_or(DnsError::Truncated)?);
        if len == 0 {
            return Ok((dotted(&labels), pos + 1));
        }
        // Top bits 01, 10 (reserved) or 11 (a pointer, not handled yet).
        if len > MAX_LABEL_LEN {
            return Err(DnsError::LabelTooLong);
        }
        let label = msg.get(pos + 1..pos + 1 + len).ok_or(DnsError::Truncated)?;
        encoded_len += 1 + len;
        if encoded_len > MAX_NAME_LEN {
            return Err(DnsError::NameTooLong);
        }
        labels.push(label_text(label)?);
        pos += 1 + len;
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: the limits, two small helpers for the text side of a name, and step 1's solution,
// the header.

const MAX_LABEL_LEN: usize = 63;
const MAX_NAME_LEN: usize = 255;

/// The label's bytes as text, if every one is printable ASCII other than `.` (see the module
/// doc); `InvalidLabel` otherwise. Used both ways: on the encoder's input, the decoder's bytes.
fn label_text(label: &[u8]) -> Result<&str, DnsError> {
    if !label
        .iter()
        .all(|&byte| (0x21..=0x7E).contains(&byte) && byte != b'.')
    {
        return Err(DnsError::InvalidLabel);
    }
    // Printable ASCII, so always valid UTF-8.
    std::str::from_utf8(label).map_err(|_| DnsError::InvalidLabel)
}

/// Decoded labels as dotted text: `["www", "example"]` is `"www.example"`; no labels at all is
/// the root, `"."`.
fn dotted(labels: &[&str]) -> String {
    if labels.is_empty() {
        ".".to_string()
    } else {
        labels.join(".")
    }
}

/// The 12-byte message header (RFC 1035 §4.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Header {
    pub id: u16,
    /// QR: false for a query, true for a response.
    pub is_response: bool,
    /// OPCODE, 4 bits: 0 is a standard query.
    pub opcode: u8,
    /// AA: the answer comes from an authoritative server.
    pub authoritative: bool,
    /// TC: the message was truncated to fit (retry over TCP).
    pub truncated: bool,
    /// RD: the client asks the server to resolve recursively.
    pub recursion_desired: bool,
    /// RA: the server offers recursion.
    pub recursion_available: bool,
    /// Z, 3 bits, reserved (later used by DNSSEC, RFC 4035): carried as it is.
    pub z: u8,
    /// RCODE, 4 bits: 0 no error, 2 server failure, 3 name error (NXDOMAIN)...
    pub rcode: u8,
    pub qdcount: u16,
    pub ancount: u16,
    pub nscount: u16,
    pub arcount: u16,
}

impl Header {
    /// The length of a header on the wire.
    pub const LEN: usize = 12;

    /// The header in wire format. Fields wider than their bits (opcode, z, rcode) are masked.
    pub fn encode(&self) -> [u8; 12] {
        let flags = u16::from(self.is_response) << 15
            | u16::from(self.opcode & 0x0F) << 11
            | u16::from(self.authoritative) << 10
            | u16::from(self.truncated) << 9
            | u16::from(self.recursion_desired) << 8
            | u16::from(self.recursion_available) << 7
            | u16::from(self.z & 0x07) << 4
            | u16::from(self.rcode & 0x0F);
        let mut out = [0; 12];
        for (i, word) in [
            self.id,
            flags,
            self.qdcount,
            self.ancount,
            self.nscount,
            self.arcount,
        ]
        .into_iter()
        .enumerate()
        {
            out[2 * i..2 * i + 2].copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// Decodes the header at the start of `msg`.
    pub fn decode(msg: &[u8]) -> Result<Header, DnsError> {
        if msg.len() < Self::LEN {
            return Err(DnsError::Truncated);
        }
        let word = |i: usize| u16::from_be_bytes([msg[2 * i], msg[2 * i + 1]]);
        let flags = word(1);
        let bit = |n: u16| flags & (1 << n) != 0;
        Ok(Header {
            id: word(0),
            is_response: bit(15),
            opcode: (flags >> 11 & 0x0F) as u8,
            authoritative: bit(10),
            truncated: bit(9),
            recursion_desired: bit(8),
            recursion_available: bit(7),
            z: (flags >> 4 & 0x07) as u8,
            rcode: (flags & 0x0F) as u8,
            qdcount: word(2),
            ancount: word(3),
            nscount: word(4),
            arcount: word(5),
        })
    }
}
