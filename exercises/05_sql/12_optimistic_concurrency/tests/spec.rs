//! The specification of optimistic concurrency on a `documents` table: `create` starts at
//! version 1, `update_if_version` writes only over the version the client read, adds exactly
//! one, and tells a conflict from a missing document.
//!
//! The race between two clients is played on two connections to one file in a temp directory,
//! on one thread: SQLite's trace hook (`sqlite3_trace_v2`, `SQLITE_TRACE_STMT`) reports the
//! moment a statement starts on one connection, and the test writes through the other one right
//! then. Nothing sleeps and nothing depends on thread timing.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use optimistic_concurrency::{Document, Fields, UpdateError, create, get, open, update_if_version};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("backlings-occ-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir can be created");
        TempDir(dir)
    }

    /// A connection to the directory's database that gives up at once when it is busy, so
    /// a solution that holds a lock fails here instead of waiting.
    fn connect(&self) -> Connection {
        let conn = open(&self.0.join("docs.db")).expect("the database file can be opened");
        conn.busy_timeout(Duration::ZERO).unwrap();
        conn
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn memory() -> Connection {
    open(Path::new(":memory:")).expect("an in-memory database opens")
}

fn fields(title: &str, body: &str) -> Fields {
    Fields {
        title: title.into(),
        body: body.into(),
    }
}

#[track_caller]
fn created(conn: &Connection, title: &str, body: &str) -> Document {
    create(conn, &fields(title, body)).unwrap_or_else(|err| panic!("create must work: {err}"))
}

#[track_caller]
fn stored(conn: &Connection, id: i64) -> Document {
    get(conn, id)
        .unwrap()
        .unwrap_or_else(|| panic!("document {id} must still exist"))
}

fn count(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM documents", [], |row| row.get(0))
        .unwrap()
}

fn describe(result: &Result<i64, UpdateError>) -> String {
    match result {
        Ok(version) => format!("Ok({version})"),
        Err(UpdateError::NotFound) => "Err(NotFound)".into(),
        Err(UpdateError::Conflict { current_version }) => {
            format!("Err(Conflict {{ current_version: {current_version} }})")
        }
        Err(UpdateError::Sqlite(err)) => format!("Err(Sqlite({err}))"),
    }
}

// ---------------------------------------------------------------------------------------------
// create

#[test]
fn create_stores_the_document_at_version_1() {
    let conn = memory();
    let doc = created(&conn, "Plan", "draft");
    assert_eq!(
        doc,
        Document {
            id: 1,
            title: "Plan".into(),
            body: "draft".into(),
            version: 1,
        },
        "a new document is at version 1, with the id SQLite gave it (last_insert_rowid)"
    );
    assert_eq!(
        stored(&conn, 1),
        doc,
        "and that is what is stored: the version column holds 1"
    );
}

#[test]
fn every_new_document_starts_at_version_1() {
    let conn = memory();
    let first = created(&conn, "one", "");
    let second = created(&conn, "two", "ünïcødé 📄");
    assert_eq!(
        (first.id, second.id),
        (1, 2),
        "each document has its own id"
    );
    assert_eq!(stored(&conn, 2), second);
    assert_eq!((first.version, stored(&conn, 2).version), (1, 1));
}

// ---------------------------------------------------------------------------------------------
// update_if_version: the winner

#[test]
fn an_update_at_the_current_version_returns_version_2() {
    let conn = memory();
    let doc = created(&conn, "Plan", "draft");
    let result = update_if_version(&conn, doc.id, 1, &fields("Plan v2", "final"));
    assert!(
        matches!(result, Ok(2)),
        "the document is at version 1 and the client says 1: the update applies and returns \
         the new version 2, got {}",
        describe(&result)
    );
    assert_eq!(
        stored(&conn, doc.id),
        Document {
            id: doc.id,
            title: "Plan v2".into(),
            body: "final".into(),
            version: 2,
        },
        "the new fields are stored, and the version column says 2 (version = version + 1)"
    );
}

#[test]
fn each_update_adds_exactly_one_to_the_version() {
    let conn = memory();
    let doc = created(&conn, "counter", "0");
    for version in 1..=5 {
        let body = version.to_string();
        let result = update_if_version(&conn, doc.id, version, &fields("counter", &body));
        assert!(
            matches!(result, Ok(v) if v == version + 1),
            "update at version {version} returns {}, got {}",
            version + 1,
            describe(&result)
        );
        assert_eq!(
            stored(&conn, doc.id).version,
            version + 1,
            "the stored version goes up by exactly one per update, so a client's copy of the \
             version names one state of the document"
        );
    }
    assert_eq!(stored(&conn, doc.id).body, "5");
}

#[test]
fn an_update_changes_that_document_only() {
    let conn = memory();
    let a = created(&conn, "a", "a");
    let b = created(&conn, "b", "b");
    update_if_version(&conn, b.id, 1, &fields("b2", "b2")).unwrap();
    assert_eq!(
        stored(&conn, a.id),
        a,
        "document {} was not asked to change: its fields and its version stay",
        a.id
    );
    assert_eq!(count(&conn), 2);
}

// ---------------------------------------------------------------------------------------------
// update_if_version: the loser

#[test]
fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let conn = memory();
    let doc = created(&conn, "Plan", "draft");
    update_if_version(&conn, doc.id, 1, &fields("Plan", "alice")).unwrap();
    let before = stored(&conn, doc.id);
    let result = update_if_version(&conn, doc.id, 1, &fields("Plan", "bob"));
    assert!(
        matches!(result, Err(UpdateError::Conflict { current_version: 2 })),
        "the client read version 1 but the document is at 2 now: Conflict with the current \
         version (so the client can re-read), got {}",
        describe(&result)
    );
    assert_eq!(
        stored(&conn, doc.id),
        before,
        "a conflicting update writes nothing, not even the version: Alice's body stays"
    );
}

#[test]
fn a_version_the_document_never_had_is_a_conflict_too() {
    let conn = memory();
    let doc = created(&conn, "Plan", "draft");
    for expected in [2, 3, 0, -1, i64::MAX] {
        let result = update_if_version(&conn, doc.id, expected, &fields("x", "x"));
        assert!(
            matches!(result, Err(UpdateError::Conflict { current_version: 1 })),
            "the document is at version 1, the client says {expected}: only the exact version \
             may write (version = ?2, not < or >), got {}",
            describe(&result)
        );
    }
    assert_eq!(stored(&conn, doc.id), doc, "nothing was written");
}

#[test]
fn a_missing_document_is_not_found_not_a_conflict() {
    let conn = memory();
    let result = update_if_version(&conn, 1, 1, &fields("ghost", "ghost"));
    assert!(
        matches!(result, Err(UpdateError::NotFound)),
        "the table is empty: no row changed because there is no row, NotFound (a 404, not a \
         412), got {}",
        describe(&result)
    );
    let doc = created(&conn, "real", "real");
    for id in [doc.id + 1, 0, -1, i64::MAX] {
        let result = update_if_version(&conn, id, 1, &fields("ghost", "ghost"));
        assert!(
            matches!(result, Err(UpdateError::NotFound)),
            "no document {id} (though document {} is at version 1): NotFound, got {}",
            doc.id,
            describe(&result)
        );
    }
    assert_eq!(count(&conn), 1, "an UPDATE never inserts a row");
    assert_eq!(
        stored(&conn, doc.id),
        doc,
        "the other document is untouched"
    );
}

// ---------------------------------------------------------------------------------------------
// Two clients

#[test]
fn two_clients_read_version_1_and_the_first_update_wins() {
    let dir = TempDir::new();
    let (alice, bob) = (dir.connect(), dir.connect());
    let doc = created(&alice, "Plan", "draft");

    let alice_read = stored(&alice, doc.id);
    let bob_read = stored(&bob, doc.id);
    assert_eq!((alice_read.version, bob_read.version), (1, 1));

    let first = update_if_version(&alice, doc.id, alice_read.version, &fields("Plan", "alice"));
    assert!(
        matches!(first, Ok(2)),
        "Alice saves first: Ok(2), got {}",
        describe(&first)
    );
    let second = update_if_version(&bob, doc.id, bob_read.version, &fields("Plan", "bob"));
    assert!(
        matches!(second, Err(UpdateError::Conflict { current_version: 2 })),
        "Bob's edit is based on version 1, which Alice's save replaced: Conflict at version 2, \
         got {}",
        describe(&second)
    );
    assert_eq!(
        stored(&bob, doc.id).body,
        "alice",
        "Bob's save must not overwrite Alice's: that is the lost update"
    );

    let retry = update_if_version(&bob, doc.id, 2, &fields("Plan", "alice + bob"));
    assert!(
        matches!(retry, Ok(3)),
        "Bob re-reads, merges and saves on top of version 2: Ok(3), got {}",
        describe(&retry)
    );
}

thread_local! {
    /// Alice's connection and document, used by the hook on Bob's connection.
    static ALICE: RefCell<Option<(Connection, i64)>> = const { RefCell::new(None) };
    /// What Alice's write returned, once the hook has made it.
    static ALICE_WROTE: RefCell<Option<Result<usize, String>>> = const { RefCell::new(None) };
    /// The SQL of every statement started on the traced connection.
    static STATEMENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn is_write(sql: &str) -> bool {
    let sql = sql.trim_start().to_ascii_uppercase();
    ["UPDATE", "INSERT", "REPLACE"]
        .iter()
        .any(|keyword| sql.starts_with(keyword))
}

/// Trace hook on Bob's connection: the moment his first write statement starts (before it
/// reads or locks anything), Alice saves her edit at version 1.
fn alice_saves_first(event: TraceEvent<'_>) {
    let TraceEvent::Stmt(_, sql) = event else {
        return;
    };
    if !is_write(sql) || ALICE_WROTE.with(|w| w.borrow().is_some()) {
        return;
    }
    let wrote = ALICE.with(|alice| {
        let alice = alice.borrow();
        let (conn, id) = alice.as_ref().expect("the test set Alice up");
        conn.execute(
            "UPDATE documents SET body = 'alice', version = version + 1 \
             WHERE id = ?1 AND version = 1",
            [id],
        )
        .map_err(|err| err.to_string())
    });
    ALICE_WROTE.with(|w| *w.borrow_mut() = Some(wrote));
}

#[test]
fn the_version_check_and_the_write_are_one_statement() {
    let dir = TempDir::new();
    let (alice, bob) = (dir.connect(), dir.connect());
    let doc = created(&alice, "Plan", "draft");
    assert_eq!(
        stored(&bob, doc.id).version,
        1,
        "both clients read version 1"
    );

    ALICE_WROTE.with(|w| *w.borrow_mut() = None);
    ALICE.with(|a| *a.borrow_mut() = Some((alice, doc.id)));
    bob.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(alice_saves_first));
    let result = update_if_version(&bob, doc.id, 1, &fields("Plan", "bob"));
    bob.trace_v2(TraceEventCodes::empty(), None);
    let alice = ALICE.with(|a| a.borrow_mut().take()).unwrap().0;

    match ALICE_WROTE.with(|w| w.borrow_mut().take()) {
        None => panic!(
            "update_if_version never ran an UPDATE, got {}",
            describe(&result)
        ),
        Some(Err(err)) => panic!(
            "Alice's save, made just as Bob's UPDATE started, failed: {err}. Bob's \
             update_if_version held a lock across a read and a write (a transaction around \
             SELECT-then-UPDATE). No lock is needed: put the version check in the UPDATE's \
             WHERE (AND version = ?2), one statement"
        ),
        Some(Ok(rows)) => assert_eq!(rows, 1, "Alice's save applies"),
    }
    assert!(
        matches!(result, Err(UpdateError::Conflict { current_version: 2 })),
        "Alice saved version 2 after Bob's function started but before its write: Bob's update \
         must come back as Conflict at version 2, got {}. If your code SELECTs the version, \
         compares it in Rust, then UPDATEs ... WHERE id = ?1, Alice's save falls into the gap \
         between the check and the write: the lost update. Check in the WHERE instead \
         (WHERE id = ?1 AND version = ?2)",
        describe(&result)
    );
    assert_eq!(
        stored(&alice, doc.id),
        Document {
            id: doc.id,
            title: "Plan".into(),
            body: "alice".into(),
            version: 2,
        },
        "Alice's save must survive Bob's stale one untouched"
    );
}

fn record_statement(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event
        && COUNTING.with(Cell::get)
    {
        STATEMENTS.with(|s| s.borrow_mut().push(sql.trim().to_string()));
    }
}

/// Runs `update_if_version` on a traced connection and returns its result and its statements.
fn traced(conn: &Connection, id: i64, version: i64) -> (Result<i64, UpdateError>, Vec<String>) {
    STATEMENTS.with(|s| s.borrow_mut().clear());
    COUNTING.with(|c| c.set(true));
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record_statement));
    let result = update_if_version(conn, id, version, &fields("t", "b"));
    conn.trace_v2(TraceEventCodes::empty(), None);
    COUNTING.with(|c| c.set(false));
    (result, STATEMENTS.with(|s| s.borrow_mut().split_off(0)))
}

#[test]
fn a_successful_update_is_one_statement_and_a_failed_one_at_most_two() {
    let conn = memory();
    let doc = created(&conn, "Plan", "draft");
    let (result, statements) = traced(&conn, doc.id, 1);
    assert!(matches!(result, Ok(2)), "got {}", describe(&result));
    assert_eq!(
        statements.len(),
        1,
        "the winning update is one UPDATE that checks and writes at once; a read before it is \
         the gap another client's write falls into. Statements run: {statements:#?}"
    );
    for (id, version, what) in [(doc.id, 1, "a conflict"), (doc.id + 1, 1, "a missing id")] {
        let (result, statements) = traced(&conn, id, version);
        assert!(
            result.is_err(),
            "{what} is an error, got {}",
            describe(&result)
        );
        assert!(
            statements.len() <= 2,
            "{what}: the UPDATE, then one query to tell a conflict from a missing document. \
             Statements run: {statements:#?}"
        );
    }
}
