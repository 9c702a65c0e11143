//! # Cursor (keyset) pagination
//!
//! No API returns a whole collection in one response: a feed may hold millions of posts. It
//! returns a *page* and a way to ask for the next one. The obvious way is an offset —
//! `?offset=40&limit=20`, `LIMIT 20 OFFSET 40` in SQL — and it is broken for anything that
//! changes while a client reads it. Say the client has read posts 1–20 of a newest-first feed
//! and a new post arrives: everything shifts down by one, and `offset=20` now starts with the
//! post the client has already seen (a duplicate). Delete a post from the first page instead
//! and one post slides up past the offset and is never shown (a skip). Offsets are also slow:
//! the database must walk past all 40 000 rows to serve `offset=40000`.
//!
//! **Keyset pagination** remembers *where* the client is, not *how many* it has seen: the next
//! page is "the posts that come after the last one you got, in sort order". In SQL:
//! `WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 21`. Inserts and
//! deletes elsewhere cannot shift that position, and an index serves it in O(log n) however
//! deep the client pages.
//!
//! Three details make it correct:
//!
//! - **A total order.** Sorting by `created_at` alone is not enough when two posts share a
//!   timestamp: "after 12:00:00" skips the second post of 12:00:00, "at or after" repeats the
//!   first. Break ties with a unique column (the id), and put both in the cursor.
//! - **An opaque cursor.** The cursor is a token the client hands back unchanged, not a number
//!   it can edit or construct. That leaves the server free to change its encoding, and a
//!   cursor is untrusted input: it must be checked, and a forged or damaged one rejected
//!   (`400 Bad Request`), never trusted. Here a given `seal`/`unseal` pair adds a keyed
//!   checksum; a real service would use an HMAC (the hashing and integrity chapter, 07) or
//!   encryption.
//! - **Knowing when to stop.** The last page has no next cursor. Fetch `limit + 1` items: if
//!   the extra one exists there is a next page, otherwise this is the end — no empty page, no
//!   extra round trip.
//!
//! Limits are capped ([`MAX_LIMIT`]) so that `?limit=1000000` cannot make one request do the
//! work of a million.
//!
//! Sources: Markus Winand, "Paging Through Results" (keyset / seek method),
//! <https://use-the-index-luke.com/sql/partial-results/fetch-next-page>; SQLite row values,
//! <https://www.sqlite.org/rowvalue.html#scrolling_window_queries>.

use serde::Serialize;
use serde_json::json;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------------------------------------
// The feed order, the cursor and the page.
// ---------------------------------------------------------------------------------------------

/// Where a post sits in the feed. The feed is newest first: a larger `created_at` comes
/// first, and between posts with the same `created_at` the larger `id` comes first.
/// "Comes first" is `Ordering::Less`, so a `BTreeMap<SortKey, _>` iterates in feed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SortKey {
    pub created_at: i64,
    pub id: u64,
}

impl SortKey {
    pub fn of(post: &Post) -> SortKey {
        SortKey {
            created_at: post.created_at,
            id: post.id,
        }
    }
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        // TODO: feed order — newest first, and the larger id first between equal timestamps.
        todo!("SortKey::cmp({self:?}, {other:?})")
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Why a page could not be served (both become `400 Bad Request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageError {
    /// The cursor was not made by [`encode_cursor`], or was altered.
    InvalidCursor,
    /// A limit of 0.
    InvalidLimit,
}

/// One page of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub items: Vec<Post>,
    /// Pass this back to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// The cursor that points just after `key`: an opaque string that [`decode_cursor`] turns
/// back into the same key.
pub fn encode_cursor(key: &SortKey) -> String {
    // TODO: turn the key into bytes and seal them.
    todo!("encode_cursor({key:?})")
}

/// The key inside a cursor made by [`encode_cursor`]; `InvalidCursor` for anything else.
pub fn decode_cursor(cursor: &str) -> Result<SortKey, PageError> {
    // TODO: unseal, and accept only what encode_cursor produces.
    todo!("decode_cursor({cursor:?})")
}

impl Feed {
    /// The page after `cursor` (the first page when `None`), newest first.
    ///
    /// `limit`: `None` means [`DEFAULT_LIMIT`], more than [`MAX_LIMIT`] is served as
    /// `MAX_LIMIT`, `0` is `InvalidLimit`. `next_cursor` is `Some` exactly when more posts
    /// follow this page.
    pub fn page(&self, cursor: Option<&str>, limit: Option<usize>) -> Result<Page, PageError> {
        // TODO: the posts strictly after the cursor's key, at most `limit` of them, and a
        // next cursor only when more posts follow.
        todo!("page after {cursor:?}, limit {limit:?}")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the request/response model, the cursor seal, the feed storage and the HTTP handler.
// ---------------------------------------------------------------------------------------------

/// An HTTP request, already parsed; `path` may carry a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
}

impl Request {
    pub fn get(path: &str) -> Self {
        Request {
            method: "GET".to_string(),
            path: path.to_string(),
        }
    }
}

/// An HTTP response with a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    pub body: serde_json::Value,
}

/// A post in the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Post {
    pub id: u64,
    /// Seconds since the Unix epoch; many posts may share one.
    pub created_at: i64,
    pub title: String,
}

/// The most items a page may hold, whatever the client asks for.
pub const MAX_LIMIT: usize = 100;
/// The page size when the client does not say.
pub const DEFAULT_LIMIT: usize = 20;

/// Demo key for the cursor checksum. A real service keeps a secret out of the source code.
const CURSOR_KEY: &[u8] = b"backlings cursor key: not a secret, use HMAC and a real key";

/// Keyed FNV-1a: detects any change to the payload (each byte step is a bijection), but it
/// is NOT a MAC — an attacker who reads this code can forge tags. The hashing and integrity
/// chapter (07) does it properly.
fn tag(payload: &[u8]) -> u64 {
    CURSOR_KEY
        .iter()
        .chain(payload)
        .fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

/// Wraps bytes into a URL-safe token: lowercase hex of the payload followed by a checksum.
pub fn seal(payload: &[u8]) -> String {
    let mut token: String = payload.iter().map(|b| format!("{b:02x}")).collect();
    token.push_str(&format!("{:016x}", tag(payload)));
    token
}

/// The payload of a token made by [`seal`], or `None` if the token was not made by `seal`
/// or has been changed in any way.
pub fn unseal(token: &str) -> Option<Vec<u8>> {
    let valid = token.len() >= 16
        && token.len().is_multiple_of(2)
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return None;
    }
    let bytes: Vec<u8> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&token[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .ok()?;
    let (payload, checksum) = bytes.split_at(bytes.len() - 8);
    let checksum = u64::from_be_bytes(checksum.try_into().ok()?);
    (checksum == tag(payload)).then(|| payload.to_vec())
}

/// A feed of posts kept in feed order (the order of [`SortKey`]), like a database index.
#[derive(Debug, Default)]
pub struct Feed {
    posts: BTreeMap<SortKey, Post>,
    keys: HashMap<u64, SortKey>,
}

impl Feed {
    pub fn new() -> Self {
        Feed::default()
    }

    /// Adds a post. Ids are unique: a post with an existing id replaces it.
    pub fn insert(&mut self, post: Post) {
        self.delete(post.id);
        let key = SortKey::of(&post);
        self.keys.insert(post.id, key);
        self.posts.insert(key, post);
    }

    /// Removes the post with this id; `false` if there was none.
    pub fn delete(&mut self, id: u64) -> bool {
        match self.keys.remove(&id) {
            Some(key) => self.posts.remove(&key).is_some(),
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.posts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.posts.is_empty()
    }
}

/// `GET /posts?limit=N&cursor=C`: 200 with `{"items": [...], "next_cursor": "..."}`
/// (`next_cursor` left out on the last page), 400 for a bad limit or cursor.
pub fn handle(feed: &Feed, req: &Request) -> Response {
    let bad_request = |detail: &str| Response {
        status: 400,
        body: json!({ "title": "Bad Request", "status": 400, "detail": detail }),
    };
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    if req.method != "GET" || path != "/posts" {
        return Response {
            status: 404,
            body: json!({ "title": "Not Found", "status": 404 }),
        };
    }
    let (mut limit, mut cursor) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("limit", n) => match n.parse::<usize>() {
                Ok(n) => limit = Some(n),
                Err(_) => return bad_request("limit must be a whole number"),
            },
            // Sealed cursors are lowercase hex, so they need no percent-decoding.
            ("cursor", c) => cursor = Some(c),
            _ => {}
        }
    }
    match feed.page(cursor, limit) {
        Ok(page) => {
            let mut body = json!({ "items": page.items });
            if let Some(next) = page.next_cursor {
                body["next_cursor"] = json!(next);
            }
            Response { status: 200, body }
        }
        Err(PageError::InvalidCursor) => bad_request("invalid cursor"),
        Err(PageError::InvalidLimit) => bad_request("limit must be at least 1"),
    }
}
