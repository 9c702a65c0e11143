//! The specification of keyset pagination: following the `next` keys from the first page
//! shows every post exactly once, newest first, ties on `created_at` in id order; posts
//! published or deleted between two pages make no later page repeat or skip a post (what
//! `OFFSET` gets wrong); and `NEXT_PAGE` is a SEARCH in an index, so the last page costs what
//! the first does.

use keyset_pagination::{INDEXES, Key, NEXT_PAGE, Page, Post, open, page, publish};
use rusqlite::{Connection, StatementStatus};

/// Publishes posts with these `created_at` values, in this order; returns their ids.
fn publish_all(conn: &Connection, times: &[i64]) -> Vec<i64> {
    times
        .iter()
        .map(|&t| publish(conn, t, &format!("post at {t}")).unwrap())
        .collect()
}

fn ids(posts: &[Post]) -> Vec<i64> {
    posts.iter().map(|post| post.id).collect()
}

fn next_page(conn: &Connection, after: Option<&Key>, limit: u32) -> Page {
    page(conn, after, limit)
        .unwrap_or_else(|err| panic!("page failed: {err}\nNEXT_PAGE:{NEXT_PAGE}"))
}

/// Reads the whole feed page by page, calling `between(conn, n)` after page n (from 1), and
/// returns the pages' ids. Stops after 100 pages: a key that never ends is a bug too.
fn read_feed(
    conn: &Connection,
    limit: u32,
    mut between: impl FnMut(&Connection, usize),
) -> Vec<Vec<i64>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let page = next_page(conn, after.as_ref(), limit);
        pages.push(ids(&page.posts));
        assert!(
            page.posts.len() <= limit as usize,
            "a page must hold at most {limit} posts, got {}",
            page.posts.len()
        );
        match page.next {
            None => return pages,
            Some(key) => after = Some(key),
        }
        assert!(
            pages.len() < 100,
            "100 pages and `next` still is not None: {pages:?}"
        );
        between(conn, pages.len());
    }
}

/// The ids of the posts in feed order (newest first, ties by higher id first), as the tests
/// compute it.
fn feed_order(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn
        .prepare("SELECT id FROM posts ORDER BY created_at DESC, id DESC")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn the_first_page_is_the_newest_posts_newest_first() {
    let conn = open().unwrap();
    let ids_by_time = publish_all(&conn, &[100, 300, 200, 500, 400]);
    let first = next_page(&conn, None, 3);
    assert_eq!(
        ids(&first.posts),
        vec![ids_by_time[3], ids_by_time[4], ids_by_time[1]],
        "the first page holds the 3 newest posts (created_at 500, 400, 300), newest first"
    );
    assert_eq!(
        first.posts[0].body, "post at 500",
        "each post comes back with its body"
    );
    assert!(
        first.next.is_some(),
        "2 posts follow the first page, so `next` must be Some"
    );
}

#[test]
fn following_the_keys_shows_every_post_once_in_order() {
    let conn = open().unwrap();
    publish_all(&conn, &(1..=25).map(|n| (n * 37) % 101).collect::<Vec<_>>());
    let pages = read_feed(&conn, 10, |_, _| {});
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(
        sizes,
        vec![10, 10, 5],
        "25 posts, 10 a page: pages of 10, 10 and 5"
    );
    assert_eq!(
        pages.concat(),
        feed_order(&conn),
        "the pages, one after the other, must be the whole feed, newest first"
    );
}

#[test]
fn an_empty_feed_is_one_empty_page_with_no_next() {
    let conn = open().unwrap();
    let first = next_page(&conn, None, 10);
    assert_eq!(
        first,
        Page {
            posts: vec![],
            next: None
        },
        "no posts: an empty page, no next key"
    );
}

#[test]
fn no_empty_page_when_the_posts_fill_the_last_page_exactly() {
    let conn = open().unwrap();
    publish_all(&conn, &(1..=20).collect::<Vec<_>>());
    let pages = read_feed(&conn, 10, |_, _| {});
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![10, 10],
        "20 posts, 10 a page: the second page is the last, so its `next` is None (a client \
         that follows a key to an empty page has made a request for nothing)"
    );
}

#[test]
fn a_page_of_one_post_at_a_time_still_shows_them_all() {
    let conn = open().unwrap();
    publish_all(&conn, &[5, 5, 3, 9]);
    let pages = read_feed(&conn, 1, |_, _| {});
    assert_eq!(
        pages.concat(),
        feed_order(&conn),
        "limit 1: one post a page, in feed order"
    );
    assert_eq!(
        pages.len(),
        4,
        "4 posts, 1 a page: 4 pages, the last with no next"
    );
}

#[test]
fn posts_with_the_same_created_at_are_neither_skipped_nor_repeated_across_pages() {
    let conn = open().unwrap();
    // 2 newer posts, then 7 in the same second: pages of 4 cut the tie in the middle, twice.
    publish_all(&conn, &[900, 900, 900, 900, 900, 900, 900, 950, 990]);
    let pages = read_feed(&conn, 4, |_, _| {});
    assert_eq!(
        pages.concat(),
        feed_order(&conn),
        "the 7 posts of second 900 must come in id order (highest first), each once: with \
         `created_at < ?1` alone the rest of the tie is skipped, with `<=` it is repeated; the \
         key and the comparison need the id too"
    );
}

#[test]
fn posts_published_between_pages_do_not_make_a_later_page_repeat_a_post() {
    let conn = open().unwrap();
    publish_all(&conn, &(1..=30).map(|n| n * 10).collect::<Vec<_>>());
    let before = feed_order(&conn);
    // After each page, 3 posts are published: newer ones, and one in the same second as the
    // newest post (a higher id in the same second sorts first).
    let pages = read_feed(&conn, 10, |conn, _| {
        publish_all(conn, &[1000, 1001, 300]);
    });
    let seen = pages.concat();
    assert_eq!(
        seen, before,
        "new posts sort before the key, so the pages after the first must carry on where the \
         previous one stopped: each of the 30 original posts once, in order. (With OFFSET, \
         every post published meanwhile pushes one already-seen post onto the next page.)"
    );
}

#[test]
fn a_post_deleted_between_pages_does_not_make_the_next_page_skip_one() {
    let conn = open().unwrap();
    publish_all(&conn, &(1..=30).map(|n| n * 10).collect::<Vec<_>>());
    let before = feed_order(&conn);
    let first = next_page(&conn, None, 10);
    // The reader deletes the newest post of the page they just read.
    conn.execute("DELETE FROM posts WHERE id = ?1", [first.posts[0].id])
        .unwrap();
    let second = next_page(&conn, first.next.as_ref(), 10);
    assert_eq!(
        ids(&second.posts),
        before[10..20].to_vec(),
        "the second page starts right after the last post of the first, whatever was deleted \
         above it (with OFFSET 10 the rows move up by one and post 11 is never shown)"
    );
}

/// 2,000 posts, a few per second, with the index.
fn big_feed() -> Connection {
    let conn = open().unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    for n in 0..2000_i64 {
        publish(&tx, 1_700_000_000 + n / 3, "a post").unwrap();
    }
    tx.commit().unwrap();
    conn
}

/// The `detail` column of `EXPLAIN QUERY PLAN NEXT_PAGE`.
fn plan_of_next_page(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {NEXT_PAGE}"))
        .unwrap_or_else(|err| panic!("NEXT_PAGE must be valid SQL: {err}\n{NEXT_PAGE}"));
    let mut rows = stmt.raw_query();
    let mut details = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        details.push(row.get(3).unwrap());
    }
    details
}

#[test]
fn next_page_is_a_search_in_an_index_already_in_order() {
    let conn = big_feed();
    let plan = plan_of_next_page(&conn);
    assert!(
        plan.iter()
            .any(|step| step.starts_with("SEARCH posts USING") && step.contains("INDEX")),
        "NEXT_PAGE must be a SEARCH in an index on (created_at, id), found with the key; the \
         plan is {plan:?}.\nINDEXES:{INDEXES}"
    );
    assert!(
        !plan
            .iter()
            .any(|step| step.starts_with("SCAN") || step.contains("TEMP B-TREE")),
        "NEXT_PAGE must neither read the whole table (SCAN) nor sort afterwards (TEMP B-TREE): \
         the index gives the rows in ORDER BY order; the plan is {plan:?}"
    );
}

/// The steps SQLite's virtual machine takes to read the whole page after (created_at, id).
fn cost_of_page_after(conn: &Connection, created_at: i64, id: i64, limit: i64) -> (i32, usize) {
    let mut stmt = conn.prepare(NEXT_PAGE).unwrap();
    let rows = stmt
        .query_map((created_at, id, limit), |row| row.get::<_, i64>(0))
        .unwrap()
        .count();
    (stmt.get_status(StatementStatus::VmStep), rows)
}

#[test]
fn the_last_page_costs_about_as_much_as_the_first() {
    let conn = big_feed();
    let order = feed_order(&conn);
    let key_of = |id: i64| -> (i64, i64) {
        conn.query_row(
            "SELECT created_at, id FROM posts WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
    };
    let (t, id) = key_of(order[0]);
    let (first_cost, first_rows) = cost_of_page_after(&conn, t, id, 20);
    let (t, id) = key_of(order[order.len() - 21]);
    let (last_cost, last_rows) = cost_of_page_after(&conn, t, id, 20);
    assert_eq!(
        (first_rows, last_rows),
        (20, 20),
        "both pages hold 20 posts"
    );
    assert!(
        last_cost < 2000,
        "reading the page after post 1,979 of 2,000 took {last_cost} VM steps, more than there \
         are posts: the query visits rows that are not on the page (a SCAN of the table, an \
         OFFSET, a sort) where a SEARCH in an index on (created_at, id) goes straight to the key"
    );
    assert!(
        last_cost <= first_cost * 2,
        "the page after post 1,979 of 2,000 took {last_cost} VM steps, the page after post 1 \
         {first_cost}: a keyset page starts with a SEARCH for the key, so the last page must \
         cost about what the first does (OFFSET, or a SCAN, reads every row before it)"
    );
}
