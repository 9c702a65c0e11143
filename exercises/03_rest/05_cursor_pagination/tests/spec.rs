//! The specification of keyset pagination over a newest-first feed.

use cursor_pagination::{
    DEFAULT_LIMIT, Feed, MAX_LIMIT, Page, PageError, Post, Request, SortKey, decode_cursor,
    encode_cursor, handle, seal,
};
use std::cmp::Ordering;

fn post(id: u64, created_at: i64) -> Post {
    Post {
        id,
        created_at,
        title: format!("post {id}"),
    }
}

/// `n` posts with ids 1..=n, post `i` created at `1000 + i` (so the newest has the highest id).
fn feed_of(n: u64) -> Feed {
    let mut feed = Feed::new();
    for id in 1..=n {
        feed.insert(post(id, 1000 + id as i64));
    }
    feed
}

fn ids(page: &Page) -> Vec<u64> {
    page.items.iter().map(|p| p.id).collect()
}

fn page(feed: &Feed, cursor: Option<&str>, limit: usize) -> Page {
    feed.page(cursor, Some(limit))
        .unwrap_or_else(|e| panic!("page(cursor {cursor:?}, limit {limit}) failed: {e:?}"))
}

/// Follows next cursors from the first page to the end; returns every id seen, in order.
fn walk(feed: &Feed, limit: usize) -> Vec<u64> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let p = page(feed, cursor.as_deref(), limit);
        assert!(p.items.len() <= limit, "a page holds at most `limit` items");
        seen.extend(ids(&p));
        match p.next_cursor {
            Some(next) => {
                assert!(
                    !p.items.is_empty(),
                    "a page with a next cursor is never empty"
                );
                cursor = Some(next);
            }
            None => return seen,
        }
    }
    panic!("the next cursor never ran out: the walk does not terminate");
}

fn key(created_at: i64, id: u64) -> SortKey {
    SortKey { created_at, id }
}

// ----- the order ------------------------------------------------------------------------------

#[test]
fn sort_key_puts_newer_posts_first() {
    assert_eq!(
        key(200, 1).cmp(&key(100, 2)),
        Ordering::Less,
        "the feed is newest first: created_at 200 comes before (is Less than) created_at 100"
    );
    assert_eq!(key(100, 2).cmp(&key(200, 1)), Ordering::Greater);
}

#[test]
fn sort_key_breaks_ties_by_the_larger_id_first() {
    assert_eq!(
        key(100, 9).cmp(&key(100, 3)),
        Ordering::Less,
        "same created_at: the larger id comes first, so the order is total and every post has one place"
    );
    assert_eq!(key(100, 3).cmp(&key(100, 9)), Ordering::Greater);
    assert_eq!(key(100, 3).cmp(&key(100, 3)), Ordering::Equal);
}

// ----- pages ----------------------------------------------------------------------------------

#[test]
fn first_page_is_the_newest_posts() {
    let feed = feed_of(10);
    let p = page(&feed, None, 3);
    assert_eq!(
        ids(&p),
        [10, 9, 8],
        "the first page holds the 3 newest posts, newest first"
    );
    assert!(
        p.next_cursor.is_some(),
        "7 more posts follow, so there is a next cursor"
    );
}

#[test]
fn next_cursor_continues_where_the_page_ended() {
    let feed = feed_of(10);
    let first = page(&feed, None, 3);
    let second = page(&feed, first.next_cursor.as_deref(), 3);
    assert_eq!(
        ids(&second),
        [7, 6, 5],
        "the second page starts right after the last post of the first"
    );
}

#[test]
fn walking_every_page_yields_every_post_exactly_once() {
    let feed = feed_of(25);
    let expected: Vec<u64> = (1..=25).rev().collect();
    for limit in [1, 2, 7, 24, 25, 26, 100] {
        assert_eq!(
            walk(&feed, limit),
            expected,
            "with limit {limit}, following next cursors visits each post once, in feed order"
        );
    }
}

#[test]
fn last_page_has_no_next_cursor_even_when_exactly_full() {
    let feed = feed_of(10);
    let first = page(&feed, None, 5);
    let second = page(&feed, first.next_cursor.as_deref(), 5);
    assert_eq!(ids(&second), [5, 4, 3, 2, 1]);
    assert_eq!(
        second.next_cursor, None,
        "nothing follows the 10th post: no next cursor, even though the page is full (look one item ahead instead of guessing from the page size)"
    );
}

#[test]
fn short_feed_fits_one_page_without_a_cursor() {
    let feed = feed_of(3);
    let p = page(&feed, None, 20);
    assert_eq!(ids(&p), [3, 2, 1]);
    assert_eq!(p.next_cursor, None, "everything fits: no next cursor");
}

#[test]
fn empty_feed_is_an_empty_page_without_a_cursor() {
    let feed = Feed::new();
    let p = page(&feed, None, 20);
    assert!(p.items.is_empty(), "an empty feed has an empty first page");
    assert_eq!(p.next_cursor, None, "and no next page");
}

// ----- ties -----------------------------------------------------------------------------------

#[test]
fn posts_with_the_same_timestamp_are_neither_skipped_nor_repeated() {
    let mut feed = Feed::new();
    for id in 1..=10 {
        feed.insert(post(id, 5000));
    }
    assert_eq!(
        walk(&feed, 3),
        (1..=10).rev().collect::<Vec<_>>(),
        "10 posts share one created_at and a page boundary falls between them: a cursor with only created_at skips (<) or repeats (<=) them — the id must be in the cursor too"
    );
}

#[test]
fn ties_mixed_with_distinct_timestamps() {
    let mut feed = Feed::new();
    let spec = [
        (1, 100),
        (2, 300),
        (3, 200),
        (4, 300),
        (5, 100),
        (6, 200),
        (7, 300),
        (8, 100),
    ];
    for (id, at) in spec {
        feed.insert(post(id, at));
    }
    assert_eq!(
        walk(&feed, 2),
        [7, 4, 2, 6, 3, 8, 5, 1],
        "created_at descending, and id descending within the same created_at"
    );
}

// ----- stable under writes between pages ------------------------------------------------------

#[test]
fn a_new_post_between_pages_causes_no_duplicate() {
    let mut feed = feed_of(10);
    let first = page(&feed, None, 4);
    assert_eq!(ids(&first), [10, 9, 8, 7]);
    feed.insert(post(11, 9999));
    let second = page(&feed, first.next_cursor.as_deref(), 4);
    assert_eq!(
        ids(&second),
        [6, 5, 4, 3],
        "a post added at the top does not shift the next page: with OFFSET 4 this page would repeat post 7"
    );
}

#[test]
fn deleted_posts_before_the_cursor_cause_no_skip() {
    let mut feed = feed_of(10);
    let first = page(&feed, None, 4);
    feed.delete(10);
    feed.delete(9);
    let second = page(&feed, first.next_cursor.as_deref(), 4);
    assert_eq!(
        ids(&second),
        [6, 5, 4, 3],
        "deleting posts already seen does not pull unseen posts past the cursor: with OFFSET 4 posts 6 and 5 would be skipped"
    );
}

#[test]
fn deleting_the_post_the_cursor_points_at_does_not_break_the_next_page() {
    let mut feed = feed_of(10);
    let first = page(&feed, None, 4);
    assert!(feed.delete(7), "post 7 ends the first page");
    let second = feed
        .page(first.next_cursor.as_deref(), Some(4))
        .expect("the cursor stays valid after its post is deleted: it holds the position, not a reference to a row");
    assert_eq!(ids(&second), [6, 5, 4, 3]);
}

#[test]
fn posts_inserted_further_down_show_up_in_later_pages() {
    let mut feed = feed_of(10);
    let first = page(&feed, None, 4);
    feed.insert(post(50, 1001)); // sorts just above post 1 (created at 1001 too, larger id)
    let rest = {
        let mut seen = Vec::new();
        let mut cursor = first.next_cursor;
        while let Some(c) = cursor {
            let p = page(&feed, Some(&c), 4);
            seen.extend(ids(&p));
            cursor = p.next_cursor;
        }
        seen
    };
    assert_eq!(
        rest,
        [6, 5, 4, 3, 2, 50, 1],
        "a post inserted below the cursor is reached in order"
    );
}

#[test]
fn a_cursor_past_every_remaining_post_gives_an_empty_last_page() {
    let mut feed = feed_of(6);
    let first = page(&feed, None, 3);
    for id in 1..=3 {
        feed.delete(id);
    }
    let second = page(&feed, first.next_cursor.as_deref(), 3);
    assert!(
        second.items.is_empty(),
        "all the posts after the cursor were deleted"
    );
    assert_eq!(second.next_cursor, None, "and the walk ends here");
}

// ----- limits ---------------------------------------------------------------------------------

#[test]
fn no_limit_means_the_default() {
    let feed = feed_of(50);
    let p = feed.page(None, None).expect("no limit is fine");
    assert_eq!(
        p.items.len(),
        DEFAULT_LIMIT,
        "without a limit a page holds DEFAULT_LIMIT posts"
    );
}

#[test]
fn limits_above_the_maximum_are_capped() {
    let feed = feed_of(250);
    let p = feed
        .page(None, Some(1_000_000))
        .expect("a huge limit is capped, not refused");
    assert_eq!(
        p.items.len(),
        MAX_LIMIT,
        "one request may not fetch more than MAX_LIMIT posts, whatever it asks for"
    );
    assert!(p.next_cursor.is_some(), "and the rest is one cursor away");
    let p = feed
        .page(None, Some(usize::MAX))
        .expect("usize::MAX is capped too");
    assert_eq!(p.items.len(), MAX_LIMIT, "limit + 1 must not overflow");
}

#[test]
fn zero_limit_is_rejected() {
    let feed = feed_of(5);
    assert_eq!(
        feed.page(None, Some(0)),
        Err(PageError::InvalidLimit),
        "a page of 0 posts can never make progress: InvalidLimit"
    );
}

// ----- cursors --------------------------------------------------------------------------------

#[test]
fn cursor_round_trips_any_key() {
    for k in [
        key(0, 0),
        key(1_700_000_000, 42),
        key(-1, 1),
        key(i64::MIN, u64::MAX),
        key(i64::MAX, 0),
    ] {
        let c = encode_cursor(&k);
        assert_eq!(
            decode_cursor(&c),
            Ok(k),
            "decode_cursor(encode_cursor(k)) == k for {k:?}"
        );
    }
}

#[test]
fn cursor_is_opaque() {
    let c = encode_cursor(&key(1_700_000_123, 98_765));
    assert!(
        !c.contains("1700000123") && !c.contains("98765"),
        "a cursor is not a readable position clients could edit or build themselves: {c}"
    );
    assert!(
        c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b)),
        "a cursor travels in a query string, so it uses URL-safe characters only: {c}"
    );
}

#[test]
fn every_single_character_change_to_a_cursor_is_rejected() {
    let c = encode_cursor(&key(1_700_000_000, 7));
    for i in 0..c.len() {
        let original = c.as_bytes()[i];
        for replacement in [b'0', b'7', b'a', b'f', b'A', b'z'] {
            if replacement == original {
                continue;
            }
            let mut tampered = c.clone().into_bytes();
            tampered[i] = replacement;
            let tampered = String::from_utf8(tampered).unwrap();
            assert_eq!(
                decode_cursor(&tampered),
                Err(PageError::InvalidCursor),
                "{tampered:?} is {c:?} with character {i} changed: a modified cursor must be rejected, not silently read as another position"
            );
        }
    }
}

#[test]
fn malformed_cursors_are_rejected() {
    let good = encode_cursor(&key(1_700_000_000, 7));
    let cases = [
        String::new(),
        "abc".into(),
        "zz".into(),
        "1700000000:7".into(),
        "😀".repeat(10),
        "%00".into(),
        "0".repeat(10_000),
        good[..good.len() - 2].to_string(),
        format!("{good}00"),
        good.to_uppercase(),
        format!(" {good}"),
    ];
    for bad in cases {
        assert_eq!(
            decode_cursor(&bad),
            Err(PageError::InvalidCursor),
            "{:?} was not made by encode_cursor: InvalidCursor",
            if bad.len() > 40 { &bad[..40] } else { &bad }
        );
    }
}

#[test]
fn a_sealed_payload_of_another_size_is_invalid() {
    // Authentic (the server sealed it) but not a cursor of this format: a payload from an
    // older cursor version, or another token type sealed with the same key.
    for len in [0, 8, 15, 17, 32] {
        let payload = vec![1u8; len];
        assert_eq!(
            decode_cursor(&seal(&payload)),
            Err(PageError::InvalidCursor),
            "a sealed payload of {len} bytes is not the 16 bytes encode_cursor seals: InvalidCursor, not a key read from part of it"
        );
    }
}

#[test]
fn page_rejects_an_invalid_cursor() {
    let feed = feed_of(5);
    assert_eq!(
        feed.page(Some("not-a-cursor"), Some(2)),
        Err(PageError::InvalidCursor),
        "a bad cursor is an error (400), not silently the first page"
    );
}

// ----- over HTTP (the handler is given) -------------------------------------------------------

#[test]
fn http_pages_and_errors() {
    let feed = feed_of(5);
    let first = handle(&feed, &Request::get("/posts?limit=2"));
    assert_eq!(first.status, 200);
    assert_eq!(
        first.body["items"][0]["id"], 5,
        "newest first over HTTP too"
    );
    let next = first.body["next_cursor"]
        .as_str()
        .expect("a next_cursor on page 1")
        .to_string();
    let second = handle(
        &feed,
        &Request::get(&format!("/posts?limit=2&cursor={next}")),
    );
    assert_eq!(second.body["items"][0]["id"], 3);
    let bad = handle(&feed, &Request::get("/posts?cursor=forged"));
    assert_eq!(bad.status, 400, "an invalid cursor is 400 Bad Request");
    let zero = handle(&feed, &Request::get("/posts?limit=0"));
    assert_eq!(zero.status, 400, "limit=0 is 400 Bad Request");
}

#[test]
fn deep_pages_of_a_large_feed() {
    let feed = feed_of(20_000);
    let all = walk(&feed, MAX_LIMIT);
    assert_eq!(all.len(), 20_000, "200 pages of 100 reach every post");
    assert_eq!(all.first(), Some(&20_000));
    assert_eq!(all.last(), Some(&1));
}
