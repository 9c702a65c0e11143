//! Just enough HTTP/1.1 for a handshake: read a request head off a socket and split it into
//! its request line and header fields (chapter 02 built this properly).

use std::io::{self, Read};

/// The longest request head read: a handshake is a few hundred bytes.
pub const MAX_HEAD: usize = 8 * 1024;

/// A request head: `GET /chat HTTP/1.1` and its header fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// `HTTP/1.1`, as written on the request line.
    pub version: String,
    /// Each field's name as sent and its value with surrounding whitespace removed.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of the first field named `name`, compared case-insensitively (RFC 9110 §5.1:
    /// field names are case-insensitive; `upgrade` and `Upgrade` are one field).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Parses a request head (without its final empty line), or `None` when it is not one.
    pub fn parse(head: &[u8]) -> Option<Request> {
        let text = std::str::from_utf8(head).ok()?;
        let mut lines = text.split("\r\n");
        let mut request_line = lines.next()?.split(' ');
        let (method, target, version) = (
            request_line.next()?,
            request_line.next()?,
            request_line.next()?,
        );
        if request_line.next().is_some() {
            return None;
        }
        let headers = lines
            .filter(|line| !line.is_empty())
            .map(|line| {
                let (name, value) = line.split_once(':')?;
                Some((name.to_string(), value.trim().to_string()))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Request {
            method: method.to_string(),
            target: target.to_string(),
            version: version.to_string(),
            headers,
        })
    }
}

/// Reads up to the end of a request head (`\r\n\r\n`) and returns the head before it. `None`
/// when the client closes first or the head grows past [`MAX_HEAD`]. A client must wait for
/// the 101 before sending frames, so nothing after the head is lost.
pub fn read_head(stream: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte: slow, but it never reads past the head. Fine for one short head.
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD || stream.read(&mut byte)? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    head.truncate(head.len() - 4);
    Ok(Some(head))
}
