//! Given code: one line of an access log into a [`Record`].
//!
//! The format is the **Common Log Format** (CLF), the default of Apache httpd and the base of
//! nginx's `combined` format:
//!
//! ```text
//! 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
//! client    ident user [time]                     "request line"                status bytes
//! ```
//!
//! `-` stands for "no value": an anonymous user, or no response body (Apache writes `-` rather
//! than `0` when no bytes were sent). The **Combined Log Format** appends two more quoted
//! fields, the `Referer` and the `User-Agent`; this parser accepts and ignores them.
//!
//! Every step returns `Option`, so `?` gives up on the first surprise: a malformed line is
//! `None`, never a panic, and the caller decides what to do with it (count it).
//!
//! Source: Apache httpd, "Log Files" <https://httpd.apache.org/docs/2.4/logs.html#common>

/// One request, as the server logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The client's address, e.g. `127.0.0.1` or `2001:db8::1`.
    pub client: String,
    /// The authenticated user; `None` when the log says `-`.
    pub user: Option<String>,
    /// The time, as written between the brackets (not parsed).
    pub time: String,
    pub method: String,
    /// The request target as logged, query string included.
    pub path: String,
    pub protocol: String,
    pub status: u16,
    /// Size of the response body; `None` when the log says `-`.
    pub bytes: Option<u64>,
}

/// Parses one CLF (or Combined) line; `None` if it is malformed.
///
/// `client ident user [time] "method path protocol" status bytes`, fields separated by single
/// spaces, where:
/// - `client`, `user` and `time` are not empty (`ident` is ignored; `user` `-` means `None`);
/// - the request line has exactly three non-empty parts separated by single spaces (so the
///   `"-"` Apache logs for an empty request is malformed);
/// - `status` is three ASCII digits between 100 and 599 (RFC 9110 §15);
/// - `bytes` is `-` or ASCII digits that fit in a `u64`;
/// - anything after `bytes` must be separated from it by a space and is ignored (the Combined
///   format's referer and user agent).
pub fn parse_line(line: &str) -> Option<Record> {
    let (client, rest) = line.split_once(' ')?;
    let (_ident, rest) = rest.split_once(' ')?;
    let (user, rest) = rest.split_once(' ')?;
    let (time, rest) = rest.strip_prefix('[')?.split_once("] \"")?;
    let (request, rest) = rest.split_once("\" ")?;
    if client.is_empty() || user.is_empty() || time.is_empty() {
        return None;
    }

    let mut parts = request.split(' ');
    let (method, path, protocol) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [method, path, protocol].iter().any(|p| p.is_empty()) {
        return None;
    }

    // splitn(3): status, bytes, and whatever the Combined format adds after them.
    let mut fields = rest.splitn(3, ' ');
    let status = parse_status(fields.next()?)?;
    let bytes = match fields.next()? {
        "-" => None,
        digits => Some(parse_digits(digits)?),
    };

    Some(Record {
        client: client.to_string(),
        user: (user != "-").then(|| user.to_string()),
        time: time.to_string(),
        method: method.to_string(),
        path: path.to_string(),
        protocol: protocol.to_string(),
        status,
        bytes,
    })
}

fn parse_status(text: &str) -> Option<u16> {
    let status = parse_digits(text).filter(|_| text.len() == 3)?;
    let status = u16::try_from(status).ok()?;
    (100..=599).contains(&status).then_some(status)
}

/// `str::parse` also accepts a leading `+`; a log field is digits only.
fn parse_digits(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
