//! # DNS messages: header, question, and names on the wire
//!
//! Before a backend can call `api.example.com` it has to resolve the name, and before a DNS
//! server answers, it has to parse a packet that anyone on the internet can send it. DNS is
//! the classic binary protocol: fixed-size big-endian fields, bit flags, length-prefixed
//! strings, and one trick, compression pointers, that has produced a long line of parser bugs
//! (infinite loops, out-of-bounds reads, stack overflows, in resolvers and in tools; RFC 9267,
//! <https://www.rfc-editor.org/rfc/rfc9267>, catalogues them).
//!
//! RFC 1035 §4.1 (<https://www.rfc-editor.org/rfc/rfc1035#section-4.1>) defines the message:
//!
//! - **Header** (§4.1.1), 12 bytes: ID (16 bits, copied into the reply so the client can match
//!   it); a 16-bit flags word, from the most significant bit: QR (1 bit: 0 query, 1 response),
//!   OPCODE (4 bits), AA, TC, RD, RA (1 bit each), Z (3 bits, reserved), RCODE (4 bits); then
//!   QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT (16 bits each). All integers are big-endian ("network
//!   byte order").
//! - **Question** (§4.1.2): QNAME, a domain name; QTYPE and QCLASS, 16 bits each.
//! - **Names** (§3.1): a sequence of labels, each one length byte and that many bytes, ended by
//!   a zero length byte (the root). `www.example.com` is `3 www 7 example 3 com 0`. A label is
//!   at most 63 bytes, so the two top bits of a length byte are 00 (§2.3.4); a whole name, as
//!   encoded, is at most 255 bytes.
//! - **Compression** (§4.1.4): a length byte whose two top bits are 11 starts a two-byte
//!   *pointer*; its other 14 bits are an offset from the start of the message, where the rest
//!   of the name continues. `FOO.F.ISI.ARPA` may be written as `3 FOO` and a pointer to where
//!   `F.ISI.ARPA` already is. The top bits 01 and 10 are reserved.
//!
//! A decoder must treat every byte as hostile. The message may end anywhere (Truncated). A
//! length byte may claim more bytes than there are. A pointer may point to itself, to a later
//! pointer that points back, or past the end. The rules that keep a decoder safe here:
//!
//! - a pointer must point strictly *before* the pointer itself: §4.1.4 says it points to a
//!   *prior* occurrence. That forbids forward pointers and pointers to self;
//! - the decoded name, counted as encoded (length bytes, labels, the final zero), must stay
//!   within 255 bytes, also when it is assembled through pointers. Together with the first
//!   rule this ends every loop: a loop that goes only backwards must read labels to come round
//!   again, and the labels make the name grow past 255.
//!
//! This exercise writes names as dotted text (`"www.example.com"`, no trailing dot; the root is
//! `"."`) and keeps their case as it is (DNS compares names case-insensitively, RFC 4343, but
//! preserves case). It limits labels to printable ASCII other than `.`, which every host name
//! fits in (RFC 1123 allows letters, digits and hyphens; internationalised names travel as
//! `xn--` labels, RFC 5890), because a label containing a `.` could not be told apart from two
//! labels in the dotted form.

/// QTYPE of an IPv4 address record (RFC 1035 §3.2.2).
pub const TYPE_A: u16 = 1;
/// QTYPE of a name server record.
pub const TYPE_NS: u16 = 2;
/// QTYPE of a canonical name (alias) record.
pub const TYPE_CNAME: u16 = 5;
/// QTYPE of a mail exchange record.
pub const TYPE_MX: u16 = 15;
/// QTYPE of a text record.
pub const TYPE_TXT: u16 = 16;
/// QTYPE of an IPv6 address record (RFC 3596 §2.1).
pub const TYPE_AAAA: u16 = 28;
/// QCLASS of the Internet (RFC 1035 §3.2.4).
pub const CLASS_IN: u16 = 1;

/// Why a message could not be encoded or decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsError {
    /// The message ends before the header, a name, or a question does.
    Truncated,
    /// A label longer than 63 bytes, or (decoding) a length byte whose top bits are 01 or 10.
    LabelTooLong,
    /// A name longer than 255 bytes as encoded, pointers followed.
    NameTooLong,
    /// (Encoding) an empty label: `"a..b"`, `".a"`, `""`.
    EmptyLabel,
    /// A label byte that is not printable ASCII (0x21..=0x7E), or (decoding) a `.`.
    InvalidLabel,
    /// A compression pointer that does not point strictly before itself.
    BadPointer,
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
        // TODO: ID, the flags word (QR is its most significant bit), then the four counts,
        // each as 16 bits big-endian.
        todo!("encode {self:?}")
    }

    /// Decodes the header at the start of `msg`.
    pub fn decode(msg: &[u8]) -> Result<Header, DnsError> {
        // TODO: the reverse of `encode`; fewer than 12 bytes is `Truncated`.
        todo!("decode a header from {} bytes", msg.len())
    }
}

/// Appends `name` in wire format (RFC 1035 §3.1) to `out`, without compression.
pub fn encode_name(name: &str, out: &mut Vec<u8>) -> Result<(), DnsError> {
    // TODO: "." is the root, one trailing dot is allowed; every label must be 1..=63 bytes of
    // printable ASCII and the whole name at most 255 bytes as encoded. On error, leave `out`
    // as it was.
    todo!("encode {name:?} after {} bytes", out.len())
}

/// Decodes the name that starts at `offset` in `msg`, following compression pointers
/// (RFC 1035 §4.1.4). Returns the dotted name and the offset just after the name *where it
/// started*: after its first pointer, if it has one.
pub fn decode_name(msg: &[u8], offset: usize) -> Result<(String, usize), DnsError> {
    // TODO: read length bytes and labels until the zero byte; the top two bits of a length
    // byte tell a label (00) from a pointer (11) and reserved values (01, 10). Check every
    // index against the message, every pointer against the rule in the doc comment, and the
    // length of the name as it grows.
    todo!(
        "decode the name at offset {offset} of a {}-byte message",
        msg.len()
    )
}

/// One entry of the question section (RFC 1035 §4.1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: u16,
    pub qclass: u16,
}

impl Question {
    /// Appends the question in wire format to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), DnsError> {
        // TODO: QNAME, QTYPE, QCLASS.
        todo!("encode {self:?} after {} bytes", out.len())
    }

    /// Decodes the question at `offset`; returns it and the offset just after it.
    pub fn decode(msg: &[u8], offset: usize) -> Result<(Question, usize), DnsError> {
        // TODO: a name, then two 16-bit fields.
        todo!(
            "decode the question at offset {offset} of a {}-byte message",
            msg.len()
        )
    }
}

/// A query as a stub resolver sends it: the given ID, recursion desired, one question of
/// class IN.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Result<Vec<u8>, DnsError> {
    // TODO: a header and one question.
    todo!("build a query {id} for {name:?} type {qtype}")
}

/// The header and the question section of a message. (The answer, authority and additional
/// sections that may follow are not decoded here.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    pub questions: Vec<Question>,
}

impl Message {
    /// Decodes the header and the QDCOUNT questions after it.
    pub fn decode(msg: &[u8]) -> Result<Message, DnsError> {
        // TODO: the header, then QDCOUNT questions one after the other.
        todo!("decode a {}-byte message", msg.len())
    }
}
