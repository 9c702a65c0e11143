//! # DNS messages, step 1: the header
//!
//! Before a backend can call `api.example.com` it has to resolve the name, and before a DNS
//! server answers, it has to parse a packet that anyone on the internet can send it. DNS is
//! the classic binary protocol: fixed-size big-endian fields, bit flags, length-prefixed
//! strings, and one trick, compression pointers, that has produced a long line of parser bugs.
//! This exercise and the next two build a DNS message codec a field at a time: the header
//! here, names next (`dns_names`), then compression and whole messages (`dns_message`).
//!
//! Every message starts with a 12-byte header (RFC 1035 §4.1.1,
//! <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.1>), six 16-bit words:
//!
//! - ID, copied into the reply so that the client can match it to its query;
//! - a flags word, from the most significant bit: QR (1 bit: 0 query, 1 response), OPCODE
//!   (4 bits), AA, TC, RD, RA (1 bit each), Z (3 bits, reserved), RCODE (4 bits);
//! - QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT: how many entries each section holds.
//!
//! All integers are big-endian ("network byte order"): the most significant byte first. A bit
//! field is read with a shift and a mask, and written with a shift and an OR; a field wider
//! than its bits in Rust (`opcode: u8` for 4 bits) is masked, so that a stray high bit cannot
//! spill into its neighbour. A message shorter than 12 bytes has no header: that is an error,
//! never a panic, since anyone can send you any bytes.
//!
//! The test messages are the DNS-over-HTTPS examples of RFC 8484 §4.1.1 and §4.2.2
//! (<https://www.rfc-editor.org/rfc/rfc8484#section-4.1.1>).

/// Why a message could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsError {
    /// The message ends before the header does.
    Truncated,
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
