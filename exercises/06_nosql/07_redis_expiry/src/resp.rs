//! RESP2 frames: the parser and encoder of resp_frames. `parse` answers a frame and the bytes
//! it used, `None` for "read more", or an error for bytes that can never be a frame; `encode`
//! appends a frame's bytes.

/// Reads one frame from the start of `buf`: `Ok(Some((frame, used)))` with the number of
/// bytes it took, `Ok(None)` when `buf` stops before the frame ends (read more and call
/// again), or an error when the bytes can never be a valid frame within `limits`.
pub fn parse(buf: &[u8], limits: &Limits) -> Result<Option<(Frame, usize)>, FrameError> {
    parse_nested(buf, limits, 0)
}

/// `parse` of a frame that sits inside `depth` arrays.
fn parse_nested(
    buf: &[u8],
    limits: &Limits,
    depth: usize,
) -> Result<Option<(Frame, usize)>, FrameError> {
    let Some(&kind) = buf.first() else {
        return Ok(None);
    };
    if !b"+-:$*".contains(&kind) {
        return Err(FrameError::UnknownType(kind));
    }
    let Some((line, mut used)) = read_line(buf, limits)? else {
        return Ok(None);
    };
    let text = || String::from_utf8(line.to_vec()).map_err(|_| FrameError::BadLine);
    let frame = match kind {
        b'+' => Frame::Simple(text()?),
        b'-' => Frame::Error(text()?),
        b':' => Frame::Integer(text()?.parse().map_err(|_| FrameError::BadNumber)?),
        b'$' => match length(line)? {
            None => Frame::Null,
            Some(len) if len > limits.max_bulk => return Err(FrameError::TooLong),
            Some(len) => {
                // The body and its CRLF must all be there before we look at them.
                let Some(body) = buf.get(used..used + len + 2) else {
                    return Ok(None);
                };
                if !body.ends_with(b"\r\n") {
                    return Err(FrameError::BadBulkEnd);
                }
                used += len + 2;
                Frame::Bulk(body[..len].to_vec())
            }
        },
        _ => match length(line)? {
            None => Frame::NullArray,
            Some(count) if count > limits.max_items => return Err(FrameError::TooManyItems),
            Some(_) if depth == limits.max_depth => return Err(FrameError::TooDeep),
            Some(count) => {
                // Safe to allocate: count is within the limit.
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    let Some((item, n)) = parse_nested(&buf[used..], limits, depth + 1)? else {
                        return Ok(None);
                    };
                    items.push(item);
                    used += n;
                }
                Frame::Array(items)
            }
        },
    };
    Ok(Some((frame, used)))
}

/// The line after the type byte, without its CRLF, and the index just past the CRLF.
fn read_line<'a>(buf: &'a [u8], limits: &Limits) -> Result<Option<(&'a [u8], usize)>, FrameError> {
    let rest = &buf[1..];
    let end = rest.iter().position(|&b| b == b'\r' || b == b'\n');
    // Too long with an end in sight, or already too long without one.
    if end.unwrap_or(rest.len()) > limits.max_bulk {
        return Err(FrameError::TooLong);
    }
    let Some(end) = end else {
        return Ok(None);
    };
    match rest.get(end..end + 2) {
        Some(b"\r\n") => Ok(Some((&rest[..end], end + 3))),
        None if rest[end] == b'\r' => Ok(None),
        _ => Err(FrameError::BadLine),
    }
}

/// A bulk length or array count: ASCII digits, or `-1` for null (`None`).
fn length(line: &[u8]) -> Result<Option<usize>, FrameError> {
    if line == b"-1" {
        return Ok(None);
    }
    if line.is_empty() || !line.iter().all(u8::is_ascii_digit) {
        return Err(FrameError::BadNumber);
    }
    // All digits: only a number too big for usize fails, and that is over any limit.
    let text = std::str::from_utf8(line).expect("ASCII digits");
    text.parse().map(Some).map_err(|_| FrameError::TooLong)
}

/// Appends the bytes of `frame` to `out`.
pub fn encode(frame: &Frame, out: &mut Vec<u8>) {
    match frame {
        Frame::Simple(s) => out.extend_from_slice(format!("+{s}\r\n").as_bytes()),
        Frame::Error(s) => out.extend_from_slice(format!("-{s}\r\n").as_bytes()),
        Frame::Integer(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
        Frame::Bulk(bytes) => {
            out.extend_from_slice(format!("${}\r\n", bytes.len()).as_bytes());
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        Frame::Null => out.extend_from_slice(b"$-1\r\n"),
        Frame::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for item in items {
                encode(item, out);
            }
        }
        Frame::NullArray => out.extend_from_slice(b"*-1\r\n"),
    }
}

// The frame type, the errors and the limits.

/// One RESP2 value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// `+OK\r\n`: one line of text, no CR or LF in it.
    Simple(String),
    /// `-ERR message\r\n`: like a simple string, but the reply is an error.
    Error(String),
    /// `:42\r\n`: a signed 64-bit integer.
    Integer(i64),
    /// `$5\r\nhello\r\n`: any bytes, binary included, since the length comes first.
    Bulk(Vec<u8>),
    /// `$-1\r\n`: the null bulk string.
    Null,
    /// `*2\r\n...`: a count, then that many frames of any type.
    Array(Vec<Frame>),
    /// `*-1\r\n`: the null array.
    NullArray,
}

/// Why some bytes can never be a frame. A connection that sent them cannot be trusted to be
/// anywhere meaningful in its stream any more: a server answers with an error and closes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// The first byte is not a RESP2 type: `+`, `-`, `:`, `$` or `*`.
    UnknownType(u8),
    /// A line with a CR or LF that is not its CRLF end (`+OK\n`, `+O\rK\r\n`), or a
    /// simple string or error that is not UTF-8 text.
    BadLine,
    /// An integer that is not one (`:12x`, `:`), or a length or count that is neither ASCII
    /// digits nor `-1` (`$abc`, `$-2`, `*+1`).
    BadNumber,
    /// A bulk body not followed by CRLF: its length was wrong.
    BadBulkEnd,
    /// A bulk string, or a line, longer than `Limits::max_bulk`.
    TooLong,
    /// An array with more items than `Limits::max_items`.
    TooManyItems,
    /// Arrays nested deeper than `Limits::max_depth`.
    TooDeep,
}

impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FrameError::UnknownType(b) => write!(f, "unknown frame type {:?}", *b as char),
            FrameError::BadLine => write!(f, "a line that is not text ending in CRLF"),
            FrameError::BadNumber => write!(f, "not a valid number or length"),
            FrameError::BadBulkEnd => write!(f, "bulk string not followed by CRLF"),
            FrameError::TooLong => write!(f, "string longer than the limit"),
            FrameError::TooManyItems => write!(f, "array with more items than the limit"),
            FrameError::TooDeep => write!(f, "arrays nested deeper than the limit"),
        }
    }
}

impl std::error::Error for FrameError {}

/// What the parser accepts at most. Real Redis: 512 MB per bulk string
/// (`proto-max-bulk-len`), far more than a small server should hold per client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes in a bulk string, and in the line of any frame (without its CRLF).
    pub max_bulk: usize,
    /// Items in one array.
    pub max_items: usize,
    /// Arrays inside arrays: 1 allows `*1\r\n:1\r\n` but not `*1\r\n*0\r\n`.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk: 1024 * 1024,
            max_items: 1024,
            max_depth: 8,
        }
    }
}
