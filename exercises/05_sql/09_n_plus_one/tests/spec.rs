//! The specification of `authors_with_books`: the naive version's result, in at most two
//! statements whatever the number of authors. Statements are counted with SQLite's trace hook
//! (`sqlite3_trace_v2`, `SQLITE_TRACE_STMT`: once per statement that starts running).

use std::cell::Cell;

use n_plus_one::{AuthorWithBooks, authors_with_books, authors_with_books_naive, open};
use rusqlite::trace::{TraceEvent, TraceEventCodes};
use rusqlite::{Connection, Result};

thread_local! {
    /// Statements started on this thread's traced connection (the hook runs synchronously).
    static STATEMENTS: Cell<usize> = const { Cell::new(0) };
}

fn count_statement(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(..) = event {
        STATEMENTS.with(|n| n.set(n.get() + 1));
    }
}

/// Runs `f` and returns its result with the number of statements it ran on `conn`.
fn counted<T>(conn: &Connection, f: impl FnOnce(&Connection) -> T) -> (T, usize) {
    STATEMENTS.with(|n| n.set(0));
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(count_statement));
    let result = f(conn);
    conn.trace_v2(TraceEventCodes::empty(), None);
    (result, STATEMENTS.with(Cell::get))
}

#[track_caller]
fn learner(conn: &Connection) -> Vec<AuthorWithBooks> {
    authors_with_books(conn).unwrap_or_else(|err| {
        panic!(
            "authors_with_books failed: {err}. (A LEFT JOIN gives NULL columns for an author \
             without books: read them into an Option.)"
        )
    })
}

fn author(conn: &Connection, name: &str) -> i64 {
    conn.execute("INSERT INTO authors (name) VALUES (?1)", [name])
        .unwrap();
    conn.last_insert_rowid()
}

fn book(conn: &Connection, author_id: i64, title: &str) {
    conn.execute(
        "INSERT INTO books (author_id, title) VALUES (?1, ?2)",
        (author_id, title),
    )
    .unwrap();
}

/// `authors` authors, author i with i % 4 books (so every fourth has none), the books of
/// different authors interleaved in id order, as they are when written over time.
fn library(authors: usize) -> Connection {
    let conn = open().unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    let ids: Vec<i64> = (0..authors)
        .map(|i| author(&tx, &format!("Author {i:04}")))
        .collect();
    for round in 0..3 {
        for (i, &id) in ids.iter().enumerate() {
            if round < i % 4 {
                book(&tx, id, &format!("Book {round} of author {i:04}"));
            }
        }
    }
    tx.commit().unwrap();
    conn
}

fn expected(conn: &Connection) -> Vec<AuthorWithBooks> {
    authors_with_books_naive(conn).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The same result as the naive version

#[test]
fn one_author_with_two_books() {
    let conn = open().unwrap();
    let ada = author(&conn, "Ada");
    book(&conn, ada, "Notes on the Analytical Engine");
    book(&conn, ada, "Sketch of the Engine");
    assert_eq!(
        learner(&conn),
        [AuthorWithBooks {
            id: ada,
            name: "Ada".into(),
            books: vec![
                "Notes on the Analytical Engine".into(),
                "Sketch of the Engine".into()
            ],
        }]
    );
}

#[test]
fn an_empty_database_has_no_authors() {
    let conn = open().unwrap();
    assert_eq!(learner(&conn), []);
}

#[test]
fn an_author_without_books_has_an_empty_list() {
    let conn = open().unwrap();
    let ada = author(&conn, "Ada");
    author(&conn, "Grace");
    book(&conn, ada, "Notes");
    let got = learner(&conn);
    assert_eq!(
        got,
        expected(&conn),
        "Grace has no books and must still be listed, with an empty list: an inner JOIN drops \
         her; a LEFT JOIN keeps her with one row whose title is NULL, which means 'no book' \
         (read it as Option<String>), not a book"
    );
}

#[test]
fn each_author_gets_their_own_books_in_id_order() {
    let conn = open().unwrap();
    let ada = author(&conn, "Ada");
    let grace = author(&conn, "Grace");
    // Written over time: the two authors' books interleave.
    book(&conn, grace, "Z: first written");
    book(&conn, ada, "Y: Ada's first");
    book(&conn, grace, "A: second written");
    book(&conn, ada, "B: Ada's second");
    let got = learner(&conn);
    assert_eq!(
        got,
        expected(&conn),
        "each author's books, in book id order (the order they were written), not by title \
         and not mixed between authors"
    );
}

#[test]
fn authors_are_in_id_order_and_same_names_stay_apart() {
    let conn = open().unwrap();
    let zed = author(&conn, "Zed");
    let first = author(&conn, "Anne");
    let second = author(&conn, "Anne");
    book(&conn, second, "the second Anne's book");
    book(&conn, zed, "Zed's book");
    book(&conn, first, "the first Anne's book");
    let got = learner(&conn);
    assert_eq!(
        got,
        expected(&conn),
        "authors in id order (not by name); two authors called Anne are two authors: group \
         books by author id, never by name"
    );
}

#[test]
fn text_comes_back_unchanged() {
    let conn = open().unwrap();
    let a = author(&conn, "José Saramago");
    book(&conn, a, "Ensaio sobre a cegueira");
    let b = author(&conn, "魯迅");
    book(&conn, b, "狂人日記");
    book(&conn, b, "");
    assert_eq!(
        learner(&conn),
        expected(&conn),
        "an empty title is still a book"
    );
}

#[test]
fn a_hundred_authors_give_the_naive_result() {
    let conn = library(100);
    let want = expected(&conn);
    assert_eq!(want.iter().filter(|a| a.books.is_empty()).count(), 25);
    assert_eq!(
        learner(&conn),
        want,
        "all 100 authors in id order, the 25 without books included, each with their own \
         books in id order"
    );
}

// ---------------------------------------------------------------------------------------------
// Counting the queries

#[test]
fn the_naive_version_runs_one_query_per_author() {
    let conn = library(100);
    let (_, ran) = counted(&conn, authors_with_books_naive);
    assert_eq!(
        ran, 101,
        "the given naive version is 1 + N: 1 for the authors, 1 per author for the books"
    );
}

#[test]
fn a_hundred_authors_take_at_most_two_queries() {
    let conn = library(100);
    let want = expected(&conn);
    let (got, ran) = counted(&conn, authors_with_books);
    let got = got.unwrap_or_else(|err| panic!("authors_with_books failed: {err}"));
    assert!(
        ran <= 2,
        "{ran} statements ran for 100 authors; at most 2 may. Against a database server each \
         statement is a network round trip (0.2-1 ms), so 1 + N queries makes the page slower \
         with every author added: fetch all the books in one query (or join them to the \
         authors) and group them in Rust"
    );
    assert_eq!(got, want, "and the result is the naive version's");
}

#[test]
fn the_number_of_queries_does_not_grow_with_the_authors() {
    for authors in [0, 1, 7, 1000] {
        let conn = library(authors);
        let want = expected(&conn);
        let (got, ran) = counted(&conn, authors_with_books);
        assert!(
            ran <= 2,
            "{ran} statements ran for {authors} authors: the count must stay at 2 or fewer \
             whatever N is, or the N+1 problem is only hidden (batches of 100 are still \
             N/100 + 1 round trips)"
        );
        assert_eq!(got.unwrap(), want, "{authors} authors");
    }
}

#[test]
fn the_hook_counts_every_statement() {
    // Checks the counter itself, so a count of 2 above can be trusted.
    let conn = library(3);
    let (_, ran) = counted(&conn, |c| -> Result<()> {
        c.query_row("SELECT count(*) FROM authors", [], |_| Ok(()))?;
        c.execute_batch("SELECT 1; SELECT 2;")
    });
    assert_eq!(ran, 3);
}
