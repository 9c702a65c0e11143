//! Given: just enough HTTP/1.1 (RFC 9112) for this server, so that a real HTTP client can
//! talk to it. Chapter 02 taught parsing; here it is out of the way of the concurrency.
//!
//! A request is a head (request line, header lines, an empty line) and, when it has a
//! `Content-Length`, a body of exactly that many bytes (RFC 9112 §6.3). The connection then
//! stays open for the next request (persistent connections, §9.3), until either side closes it.

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Longest request head accepted, in bytes; a longer one is malformed.
pub const MAX_HEAD: usize = 8 * 1024;
/// Longest body accepted, in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// One request: what this server looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`...
    pub method: String,
    /// The request target, as sent: `/pay`.
    pub path: String,
    /// The body as text (empty without `Content-Length`).
    pub body: String,
}

/// Reads the next request from the connection. `Ok(None)`: the client closed it between two
/// requests. An error: the connection broke or the request is malformed, and the connection
/// cannot go on (where the next request starts is unknown).
pub async fn read_request<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Option<Request>> {
    let mut head_len = 0;
    let Some(request_line) = read_line(reader, &mut head_len).await? else {
        return Ok(None);
    };
    let mut words = request_line.split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(malformed("a request line is METHOD TARGET HTTP/1.1"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !path.starts_with('/') {
        return Err(malformed("a request line is METHOD TARGET HTTP/1.1"));
    }

    let mut content_length = 0;
    loop {
        let line = read_line(reader, &mut head_len)
            .await?
            .ok_or_else(|| malformed("the connection ended inside the request head"))?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("a header line is Name: value"))?;
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value
                .trim()
                .parse()
                .map_err(|_| malformed("Content-Length is not a number"))?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(malformed("chunked bodies are not supported here"));
        }
    }
    if content_length > MAX_BODY {
        return Err(malformed("the body is too large"));
    }

    let mut body = vec![0; content_length];
    reader.read_exact(&mut body).await?;
    let body = String::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
    Ok(Some(Request {
        method: method.to_string(),
        path: path.to_string(),
        body,
    }))
}

/// Writes a 200 response with a text body. With `close`, it says `connection: close`
/// (RFC 9112 §9.6): the server closes the connection after it, so the client must send no
/// further request on it.
pub async fn write_response<W: AsyncWrite + Unpin>(
    writer: &mut W,
    body: &str,
    close: bool,
) -> io::Result<()> {
    let connection = if close { "connection: close\r\n" } else { "" };
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n{connection}\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    writer.write_all(response.as_bytes()).await
}

/// One line of the head without its line end (CRLF, or a bare LF as RFC 9112 §2.2 allows);
/// `None` if the connection ended before its first byte.
async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    head_len: &mut usize,
) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let limit = (MAX_HEAD - *head_len) as u64;
    let n = (&mut *reader)
        .take(limit)
        .read_until(b'\n', &mut line)
        .await?;
    *head_len += n;
    if n == 0 {
        return if limit == 0 {
            Err(malformed("the request head is too large"))
        } else {
            Ok(None)
        };
    }
    if line.pop() != Some(b'\n') {
        return Err(malformed("the request head is too large or cut short"));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| malformed("the request head is not text"))
}

fn malformed(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}
