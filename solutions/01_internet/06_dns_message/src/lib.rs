//! # DNS messages, step 3: compression pointers, and whole messages
//!
//! To save space, a name may end in a *pointer* to an earlier name in the same message (RFC
//! 1035 §4.1.4, <https://www.rfc-editor.org/rfc/rfc1035#section-4.1.4>): a length byte whose
//! two top bits are 11 starts a two-byte pointer, and its other 14 bits are an offset from the
//! start of the message, where the rest of the name continues. `FOO.F.ISI.ARPA` may be written
//! as `3 FOO` and a pointer to where `F.ISI.ARPA` already is. Every real response uses them:
//! the answer's name points back at the question's.
//!
//! Pointers are where decoders break: infinite loops, out-of-bounds reads, stack overflows, in
//! resolvers and in tools (RFC 9267, <https://www.rfc-editor.org/rfc/rfc9267>, catalogues
//! them). A pointer may point to itself, to a later pointer that points back, or past the end.
//! Two rules keep a decoder safe:
//!
//! - a pointer must point strictly *before* the pointer itself: §4.1.4 says it points to a
//!   *prior* occurrence. That forbids forward pointers and pointers to self;
//! - the decoded name, counted as encoded, must stay within 255 bytes also when it is
//!   assembled through pointers. Together with the first rule this ends every loop: a loop
//!   that goes only backwards must read labels to come round again, and they make the name
//!   grow past 255.
//!
//! With names done, the question section follows (§4.1.2): each question is a name, then
//! QTYPE and QCLASS, 16 bits each. A message is the header and QDCOUNT questions; the count
//! is the sender's claim, so the bytes must be there to back it.
//!
//! Step 2's `decode_name` is yours to extend; below the line are the header and names, as
//! given code, and `build_query`, a stub resolver's query built from your `Question`.

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

/// Decodes the name that starts at `offset` in `msg`, following compression pointers
/// (RFC 1035 §4.1.4). Returns the dotted name and the offset just after the name *where it
/// started*: after its first pointer, if it has one.
pub fn decode_name(msg: &[u8], offset: usize) -> Result<(String, usize), DnsError> {
    let mut labels: Vec<&str> = Vec::new();
    // The root's zero byte counts too.
    let mut encoded_len = 1;
    let mut pos = offset;
    // Where the name ends in the message: after its first pointer, if it has one.
    let mut end = None;
    loop {
        let len = usize::from(*msg.get(pos).ok_or(DnsError::Truncated)?);
        if len == 0 {
            return Ok((dotted(&labels), end.unwrap_or(pos + 1)));
        }
        if len >> 6 == 0b11 {
            let low = *msg.get(pos + 1).ok_or(DnsError::Truncated)?;
            let target = (len & 0x3F) << 8 | usize::from(low);
            // Only backwards: this rules out pointers to self and forward loops, and
            // anything past the end of the message.
            if target >= pos {
                return Err(DnsError::BadPointer);
            }
            end.get_or_insert(pos + 2);
            pos = target;
            continue;
        }
        // Top bits 01 or 10: reserved.
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
        encode_name(&self.name, out)?;
        out.extend_from_slice(&self.qtype.to_be_bytes());
        out.extend_from_slice(&self.qclass.to_be_bytes());
        Ok(())
    }

    /// Decodes the question at `offset`; returns it and the offset just after it.
    pub fn decode(msg: &[u8], offset: usize) -> Result<(Question, usize), DnsError> {
        let (name, pos) = decode_name(msg, offset)?;
        let fields = msg.get(pos..pos + 4).ok_or(DnsError::Truncated)?;
        let question = Question {
            name,
            qtype: u16::from_be_bytes([fields[0], fields[1]]),
            qclass: u16::from_be_bytes([fields[2], fields[3]]),
        };
        Ok((question, pos + 4))
    }
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
        let header = Header::decode(msg)?;
        // No `with_capacity(qdcount)`: the count is the sender's claim, not a fact.
        let mut questions = Vec::new();
        let mut pos = Header::LEN;
        for _ in 0..header.qdcount {
            let (question, next) = Question::decode(msg, pos)?;
            questions.push(question);
            pos = next;
        }
        Ok(Message { header, questions })
    }
}

// ---------------------------------------------------------------------------------------------
// Given code: steps 1 and 2, the header and the encoding of names, and `build_query`, which
// puts a header and one of your questions together.

/// A query as a stub resolver sends it: the given ID, recursion desired, one question of
/// class IN, whose bytes come from your `Question::encode`.
pub fn build_query(id: u16, name: &str, qtype: u16) -> Result<Vec<u8>, DnsError> {
    let header = Header {
        id,
        recursion_desired: true,
        qdcount: 1,
        ..Header::default()
    };
    let mut msg = header.encode().to_vec();
    Question {
        name: name.to_string(),
        qtype,
        qclass: CLASS_IN,
    }
    .encode(&mut msg)?;
    Ok(msg)
}

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
