//! # W3C Trace Context: `traceparent` and `tracestate`
//!
//! One click in a shop becomes a request to the gateway, which calls the order service, which
//! calls payments and inventory. When that click is slow, the trace shows where the time went:
//! every service records its part as a *span*, and all the spans of one request share a
//! **trace id**. For that, each service must pass the id on to the next, in a format every
//! tracing tool understands. W3C Trace Context defines it: two HTTP headers.
//!
//! ```text
//! traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01
//!              version-trace-id (16 bytes)-parent-id (8 bytes)-trace-flags
//! tracestate:  rojo=00f067aa0ba902b7,congo=t61rcWkgMzE
//! ```
//!
//! `traceparent` (§3.2) is four fields of lowercase hex joined by dashes. An all-zero trace id
//! or parent id is invalid, and so is version `ff`. The flags are a bit field: bit 0 is
//! *sampled* (the caller may record this trace); mask it, do not compare the byte (`09` is
//! sampled too). A version higher than `00` is parsed as `00` is (§3.2.4), on the condition
//! that the header is at least 55 characters and that anything after them starts with a
//! dash; version `00` itself has no room for anything after. An invalid `traceparent` is
//! ignored: the service starts a new trace, and drops `tracestate` unread (§3.3).
//!
//! `tracestate` (§3.3) carries each tracing vendor's own data as a list of `key=value`
//! members, at most 32, separated by commas with optional spaces or tabs around them; empty
//! members are allowed, a key appears once, and the keys and values have a grammar (§3.3.1.3:
//! see [`valid_key`]). A header that breaks any of these is discarded whole. Several
//! `tracestate` header fields are one list, joined in order with commas.
//!
//! When a service forwards a request (§3.4, §3.5, §4.3), the trace id stays, the parent id
//! becomes the id of the service's own span, the sampled flag is carried, the version is
//! `00`, and the service's own `tracestate` entry moves to the front (replacing its old one).
//!
//! Your part: [`parse_traceparent`], [`valid_key`], [`parse_tracestate`],
//! [`TraceState::with_entry`] and [`outgoing`].
//!
//! Primary source: W3C, *Trace Context*, Recommendation, 23 November 2021,
//! <https://www.w3.org/TR/trace-context/>.

/// Parses a `traceparent` header value (spaces and tabs around it are allowed); `None` if it is
/// invalid.
pub fn parse_traceparent(header: &str) -> Option<TraceParent> {
    let h = header.trim_matches([' ', '\t']);
    let version = h.get(..2)?;
    if lower_hex(version).is_none() || version == "ff" || h.get(2..3) != Some("-") {
        return None;
    }
    // Version 00 is exactly 55 characters. A later version may append fields (§3.2.4): parse
    // the first 55 the same way, and require that whatever follows starts with a dash.
    let fits = match version {
        "00" => h.len() == 55,
        _ => h.len() == 55 || h.as_bytes().get(55) == Some(&b'-'),
    };
    // `get` rather than `[]`: a slice through a multi-byte character would panic.
    if !fits || h.get(35..36) != Some("-") || h.get(52..53) != Some("-") {
        return None;
    }
    let trace_id = lower_hex(h.get(3..35)?).filter(|&id| id != 0)?;
    let parent_id = lower_hex(h.get(36..52)?).filter(|&id| id != 0)?;
    let flags = lower_hex(h.get(53..55)?)?;
    Some(TraceParent {
        trace_id,
        parent_id: parent_id as u64,
        sampled: flags & 1 == 1, // a bit field: mask, never compare the whole byte
    })
}

/// Whether `key` is a `tracestate` key (§3.3.1.3.1):
/// ```text
/// key = simple-key / multi-tenant-key
/// simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
/// multi-tenant-key = tenant-id "@" system-id
/// tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
/// system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
/// ```
pub fn valid_key(key: &str) -> bool {
    /// A first character `first` accepts, then at most `more` of a-z 0-9 _ - * /.
    fn part(s: &str, first: fn(u8) -> bool, more: usize) -> bool {
        let rest = |b: u8| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'*' | b'/');
        match s.as_bytes().split_first() {
            Some((&head, tail)) => {
                first(head) && tail.len() <= more && tail.iter().all(|&b| rest(b))
            }
            None => false,
        }
    }
    let lower = |b: u8| b.is_ascii_lowercase();
    let lower_or_digit = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match key.split_once('@') {
        None => part(key, lower, 255),
        Some((tenant, system)) => part(tenant, lower_or_digit, 240) && part(system, lower, 13),
    }
}

/// Parses the `tracestate` header fields of a request, in order, as one list; `None` if the
/// list is invalid and must be discarded.
pub fn parse_tracestate(fields: &[&str]) -> Option<TraceState> {
    let joined = fields.join(",");
    let mut members: Vec<(String, String)> = Vec::new();
    for member in joined.split(',') {
        let member = member.trim_matches([' ', '\t']);
        if member.is_empty() {
            continue; // empty and whitespace-only members are allowed (§3.3.1.1)
        }
        let (key, value) = member.split_once('=')?;
        if !valid_key(key) || !valid_value(value) || members.iter().any(|(k, _)| k == key) {
            return None;
        }
        members.push((key.to_string(), value.to_string()));
        if members.len() > MAX_MEMBERS {
            return None;
        }
    }
    Some(TraceState { members })
}

impl TraceState {
    /// This list with `key=value` at the front, replacing any entry `key` had; if that makes
    /// more than MAX_MEMBERS, the rightmost entries are dropped.
    pub fn with_entry(&self, key: &str, value: &str) -> TraceState {
        let mut members = vec![(key.to_string(), value.to_string())];
        members.extend(self.members.iter().filter(|(k, _)| k != key).cloned());
        members.truncate(MAX_MEMBERS);
        TraceState { members }
    }
}

/// The trace context headers of a request this service sends while handling one it received
/// with `incoming`, as `span` (§4.2, §4.3).
pub fn outgoing(incoming: &Incoming, span: &Span) -> Outgoing {
    let (trace_id, sampled, state) = match incoming.traceparent.and_then(parse_traceparent) {
        Some(parent) => {
            let state = parse_tracestate(incoming.tracestate).unwrap_or_default();
            (parent.trace_id, parent.sampled, state)
        }
        // No valid parent: a new trace, and tracestate is not even read (§3.3).
        None => (span.new_trace_id, false, TraceState::default()),
    };
    let child = TraceParent {
        trace_id,
        parent_id: span.span_id,
        sampled,
    };
    Outgoing {
        traceparent: child.to_header(),
        tracestate: state.with_entry(span.vendor, span.vendor_value).to_header(),
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the parsed headers, their serialisation, and the value grammar.
// ---------------------------------------------------------------------------------------------

/// At most this many members in a `tracestate` list (§3.3.1.1).
pub const MAX_MEMBERS: usize = 32;

/// A parsed `traceparent`. Only the `sampled` flag is kept: the other flags are undefined in
/// version 00, and a vendor sends them as zero (§3.2.2.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace's id: the same in every span of the trace. Never zero.
    pub trace_id: u128,
    /// The id of the caller's span. Never zero.
    pub parent_id: u64,
    /// Bit 0 of trace-flags: the caller may have recorded this trace.
    pub sampled: bool,
}

impl TraceParent {
    /// The header value, in version 00 (the only version this code knows how to write).
    pub fn to_header(&self) -> String {
        let flags = u8::from(self.sampled);
        format!(
            "00-{:032x}-{:016x}-{flags:02x}",
            self.trace_id, self.parent_id
        )
    }
}

/// A parsed `tracestate`: its members in order, keys unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceState {
    /// `(key, value)` pairs, leftmost first.
    pub members: Vec<(String, String)>,
}

impl TraceState {
    /// The header value: the members joined with commas, no spaces.
    pub fn to_header(&self) -> String {
        let members: Vec<String> = self
            .members
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        members.join(",")
    }

    /// The value of `key`, if the list has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.members
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The trace context headers a request came with.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// The `traceparent` header, if there was one (exactly one: two are invalid).
    pub traceparent: Option<&'a str>,
    /// Every `tracestate` header field, in the order received.
    pub tracestate: &'a [&'a str],
}

/// This service's span, as it forwards the request.
#[derive(Debug, Clone, Copy)]
pub struct Span<'a> {
    /// The id of this span: the outgoing parent id. (Random in production.)
    pub span_id: u64,
    /// The trace id to use if this request starts a new trace. (Random in production.)
    pub new_trace_id: u128,
    /// This service's tracing vendor key in `tracestate`, such as `rojo`.
    pub vendor: &'a str,
    /// Its value for this span, such as the span id in hex.
    pub vendor_value: &'a str,
}

/// The trace context headers of an outgoing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The `traceparent` value.
    pub traceparent: String,
    /// The `tracestate` value.
    pub tracestate: String,
}

/// `s` as a number, if it is all lowercase hex digits (`0-9a-f`) and not empty. (Rust's
/// `from_str_radix` alone would take `A-F` and a leading `+`, which the header forbids.)
pub fn lower_hex(s: &str) -> Option<u128> {
    let ok = !s.is_empty() && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if ok {
        u128::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// Whether `value` is a `tracestate` value (§3.3.1.3.2): 1 to 256 printable ASCII characters
/// (0x20 to 0x7E) other than `,` and `=`, the last one not a space.
pub fn valid_value(value: &str) -> bool {
    let printable = |b: u8| (0x20..=0x7e).contains(&b) && b != b',' && b != b'=';
    (1..=256).contains(&value.len()) && value.bytes().all(printable) && !value.ends_with(' ')
}
