//! The specification of the order figures: aggregates count what is there, skip NULLs, and
//! filter rows in WHERE and groups in HAVING.

use aggregates::{
    BIG_SPENDERS, CustomerSummary, PER_CUSTOMER, RATING_HISTOGRAM, TOTALS, Totals, big_spenders,
    customer_summaries, open, rating_histogram, totals,
};
use rusqlite::{Connection, params};

/// An order: customer, total in cents, status, rating.
type Order<'a> = (&'a str, i64, &'a str, Option<i64>);

fn with_orders(orders: &[Order]) -> Connection {
    let conn = open().unwrap();
    for (customer, cents, status, rating) in orders {
        conn.execute(
            "INSERT INTO orders (customer, total_cents, status, rating) VALUES (?1, ?2, ?3, ?4)",
            params![customer, cents, status, rating],
        )
        .unwrap();
    }
    conn
}

/// Eight orders:
/// - ada: three paid orders of 40.00, rated 5, unrated, 4 (paid 120.00 in all, none ≥ 100.00);
/// - bob: a refunded order of 150.00 rated 1, a paid one of 30.00 unrated;
/// - cy: one paid order of exactly 100.00, unrated;
/// - dee: one paid order of 99.99 rated 3;
/// - eve: one paid order of 200.00 rated 3.
fn sample() -> Connection {
    with_orders(&[
        ("ada", 4000, "paid", Some(5)),
        ("ada", 4000, "paid", None),
        ("ada", 4000, "paid", Some(4)),
        ("bob", 15000, "refunded", Some(1)),
        ("bob", 3000, "paid", None),
        ("cy", 10000, "paid", None),
        ("dee", 9999, "paid", Some(3)),
        ("eve", 20000, "paid", Some(3)),
    ])
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a.is_none() && b.is_none(),
    }
}

fn summary(conn: &Connection, customer: &str) -> CustomerSummary {
    customer_summaries(conn)
        .expect("PER_CUSTOMER runs")
        .into_iter()
        .find(|s| s.customer == customer)
        .unwrap_or_else(|| panic!("{customer} has orders, so {customer} has a summary"))
}

// ---------------------------------------------------------------------------------------------
// The SQL

#[test]
fn every_query_is_valid_sql_with_its_parameters() {
    let conn = open().unwrap();
    for (sql, what, expected) in [
        (TOTALS, "TOTALS", 0),
        (PER_CUSTOMER, "PER_CUSTOMER", 0),
        (BIG_SPENDERS, "BIG_SPENDERS", 1),
        (RATING_HISTOGRAM, "RATING_HISTOGRAM", 0),
    ] {
        assert!(
            !sql.trim().is_empty(),
            "{what} is still empty: write its SQL"
        );
        let stmt = conn
            .prepare(sql)
            .unwrap_or_else(|err| panic!("{what} must be valid SQLite SQL: {err}\n{sql}"));
        assert_eq!(
            stmt.parameter_count(),
            expected,
            "{what} takes {expected} parameter(s)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Totals: one row over the whole table

#[test]
fn totals_count_every_order_and_the_rated_ones() {
    let t = totals(&sample()).expect("TOTALS runs");
    assert_eq!(
        t.orders, 8,
        "count(*) counts every row, refunded and unrated ones included; a WHERE clause would \
         drop rows from every aggregate of the query"
    );
    assert_eq!(
        t.rated, 5,
        "count(rating) counts the non-NULL ratings only (3 of the 8 orders are unrated); \
         count(*) counts rows whatever their columns hold"
    );
}

#[test]
fn totals_average_only_the_ratings_given() {
    let t = totals(&sample()).unwrap();
    assert!(
        close(t.average_rating, Some(3.2)),
        "the ratings are 5, 4, 1, 3, 3: average 16 / 5 = 3.2, got {:?}. avg(rating) skips \
         NULLs (16 / 8 = 2.0 counts unrated orders as zeros) and returns a REAL (integer \
         division would give 3)",
        t.average_rating
    );
}

#[test]
fn totals_revenue_counts_paid_orders_only() {
    let t = totals(&sample()).unwrap();
    assert_eq!(
        t.revenue_cents, 54_999,
        "revenue is the sum of the paid orders: 3 × 4000 + 3000 + 10000 + 9999 + 20000; the \
         refunded 15000 is not revenue (69,999 includes it). Narrow just this aggregate, e.g. \
         sum(total_cents) FILTER (WHERE status = 'paid'), not the whole query"
    );
    assert_eq!(t.orders, 8, "while orders still counts every order");
}

#[test]
fn totals_of_an_empty_table_are_zero_and_none() {
    let t = totals(&open().unwrap()).unwrap_or_else(|err| {
        panic!(
            "an aggregate query without GROUP BY returns exactly one row, even from an empty \
             table, and avg / sum of no rows are NULL (read them as Option, or coalesce): {err}"
        )
    });
    assert_eq!(
        t,
        Totals {
            orders: 0,
            rated: 0,
            average_rating: None,
            revenue_cents: 0,
        },
        "count of nothing is 0, avg of nothing is NULL (None, not 0.0: no rating is not a \
         rating of zero), and revenue of nothing is 0: sum of nothing is NULL, so \
         coalesce(sum(...), 0)"
    );
}

#[test]
fn totals_with_only_refunds_and_no_ratings() {
    let conn = with_orders(&[
        ("bob", 15000, "refunded", None),
        ("bob", 500, "refunded", None),
    ]);
    let t = totals(&conn).unwrap_or_else(|err| {
        panic!("sum over no paid orders is NULL: coalesce it to 0 in the SQL: {err}")
    });
    assert_eq!(
        t,
        Totals {
            orders: 2,
            rated: 0,
            average_rating: None,
            revenue_cents: 0,
        },
        "two orders, none rated (avg of only NULLs is NULL), none paid (revenue 0)"
    );
}

// ---------------------------------------------------------------------------------------------
// Per customer: GROUP BY

#[test]
fn per_customer_has_one_row_per_customer_in_order() {
    let all = customer_summaries(&sample()).expect("PER_CUSTOMER runs");
    let names: Vec<&str> = all.iter().map(|s| s.customer.as_str()).collect();
    assert_eq!(
        names,
        ["ada", "bob", "cy", "dee", "eve"],
        "GROUP BY customer gives one row per customer, not per order; ORDER BY customer"
    );
    let orders: Vec<i64> = all.iter().map(|s| s.orders).collect();
    assert_eq!(orders, [3, 2, 1, 1, 1], "count(*) per group: every order");
}

#[test]
fn per_customer_counts_ratings_skipping_nulls() {
    let conn = sample();
    let rated: Vec<(String, i64)> = customer_summaries(&conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.customer, s.rated))
        .collect();
    let expected: Vec<(String, i64)> = [("ada", 2), ("bob", 1), ("cy", 0), ("dee", 1), ("eve", 1)]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect();
    assert_eq!(
        rated, expected,
        "rated is count(rating), which skips NULLs: ada rated 2 of her 3 orders, cy none of \
         hers. count(*) would count every order"
    );
}

#[test]
fn per_customer_average_is_fractional() {
    let ada = summary(&sample(), "ada");
    assert!(
        close(ada.average_rating, Some(4.5)),
        "ada rated 5 and 4 (and left one order unrated): avg 4.5, got {:?}. avg skips the \
         NULL (3.0 would count it as 0) and is a REAL (integer division gives 4)",
        ada.average_rating
    );
}

#[test]
fn per_customer_average_is_none_without_ratings() {
    let cy = summary(&sample(), "cy");
    assert_eq!(
        cy,
        CustomerSummary {
            customer: "cy".into(),
            orders: 1,
            rated: 0,
            average_rating: None,
        },
        "cy rated nothing: avg of only NULLs is NULL, read as None — not 0.0, which would \
         drag a dashboard's average down as if cy had rated 0"
    );
}

#[test]
fn per_customer_of_an_empty_table_is_empty() {
    assert!(
        customer_summaries(&open().unwrap()).unwrap().is_empty(),
        "with GROUP BY, no rows means no groups, so no row at all (unlike the totals)"
    );
}

// ---------------------------------------------------------------------------------------------
// Big spenders: WHERE filters rows, HAVING filters groups

#[test]
fn big_spenders_add_up_all_paid_orders_of_a_customer() {
    let found = big_spenders(&sample(), 10_000).expect("BIG_SPENDERS runs");
    assert!(
        found.contains(&("ada".to_string(), 12_000)),
        "ada's three paid orders of 4000 add up to 12000 ≥ 10000, so she is a big spender, \
         got {found:?}. A condition on the sum of a group goes in HAVING (sum(total_cents) >= \
         ?1); in WHERE, total_cents >= ?1 asks for single orders of 10000"
    );
}

#[test]
fn big_spenders_ignore_refunded_orders() {
    let found = big_spenders(&sample(), 10_000).unwrap();
    assert!(
        !found.iter().any(|(c, _)| c == "bob"),
        "bob paid 3000; his 15000 order was refunded, got {found:?}. Which rows count is a \
         condition on each row: WHERE status = 'paid', before grouping"
    );
}

#[test]
fn big_spenders_include_exactly_the_limit() {
    let found = big_spenders(&sample(), 10_000).unwrap();
    assert!(
        found.contains(&("cy".to_string(), 10_000)),
        "cy paid exactly 10000: at least 10000 includes it (>=, not >), got {found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| c == "dee"),
        "dee paid 9999, one under: not a big spender, got {found:?}"
    );
}

#[test]
fn big_spenders_are_listed_biggest_first() {
    assert_eq!(
        big_spenders(&sample(), 10_000).unwrap(),
        [
            ("eve".to_string(), 20_000),
            ("ada".to_string(), 12_000),
            ("cy".to_string(), 10_000),
        ],
        "exactly eve, ada, cy, ordered by the sum, biggest first (ORDER BY sum DESC)"
    );
}

#[test]
fn big_spenders_ties_are_in_customer_order() {
    let conn = with_orders(&[
        ("zoe", 500, "paid", None),
        ("amy", 300, "paid", None),
        ("amy", 200, "paid", None),
        ("max", 700, "paid", None),
    ]);
    assert_eq!(
        big_spenders(&conn, 0).unwrap(),
        [
            ("max".to_string(), 700),
            ("amy".to_string(), 500),
            ("zoe".to_string(), 500),
        ],
        "amy and zoe both paid 500: equal sums in customer order (ORDER BY ..., customer)"
    );
}

#[test]
fn big_spenders_never_list_a_customer_with_nothing_paid() {
    let conn = with_orders(&[("fay", 9000, "refunded", None), ("gus", 1, "paid", None)]);
    assert_eq!(
        big_spenders(&conn, 0).unwrap(),
        [("gus".to_string(), 1)],
        "fay paid nothing (only a refund): with WHERE status = 'paid' she has no rows, so no \
         group, even for a limit of 0"
    );
    assert!(big_spenders(&open().unwrap(), 0).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Rating histogram: NULLs form one group

#[test]
fn rating_histogram_counts_each_rating() {
    let histogram = rating_histogram(&sample()).expect("RATING_HISTOGRAM runs");
    let rated: Vec<(Option<i64>, i64)> =
        histogram.into_iter().filter(|(r, _)| r.is_some()).collect();
    assert_eq!(
        rated,
        [(Some(1), 1), (Some(3), 2), (Some(4), 1), (Some(5), 1)],
        "one row per rating that occurs (GROUP BY rating), in rating order; 2 occurs nowhere"
    );
}

#[test]
fn rating_histogram_puts_unrated_orders_in_one_group() {
    let histogram = rating_histogram(&sample()).unwrap();
    assert_eq!(
        histogram.first(),
        Some(&(None, 3)),
        "the three unrated orders form one group, NULL = NULL notwithstanding, and it sorts \
         first. Its count is 3 with count(*); count(rating) counts non-NULL ratings, 0 here. \
         Got {histogram:?}"
    );
    assert_eq!(histogram.len(), 5);
}

#[test]
fn rating_histogram_of_an_empty_table_is_empty() {
    assert!(rating_histogram(&open().unwrap()).unwrap().is_empty());
}
