//! The specification of the migration runner: every database ends at the latest version, no
//! migration runs twice, a failure leaves the previous version whole, and a database newer than
//! the code is refused.

use std::cell::RefCell;

use migrations::{MIGRATIONS, Migration, MigrationError, current_version, migrate};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

fn fresh() -> Connection {
    Connection::open_in_memory().unwrap()
}

fn set_version(conn: &Connection, version: u32) {
    conn.pragma_update(None, "user_version", version).unwrap();
}

/// The stored version, read directly (not through the learner's `current_version`).
fn stored_version(conn: &Connection) -> u32 {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap()
}

fn table_exists(conn: &Connection, name: &str) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
        [name],
        |row| row.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .unwrap()
}

#[track_caller]
fn migrated(conn: &mut Connection, migrations: &[Migration]) -> u32 {
    migrate(conn, migrations).unwrap_or_else(|err| panic!("migrate must succeed, got: {err}"))
}

/// Three migrations; the second seeds a row, so running it twice is visible in the data.
const SEEDED: &[Migration] = &[
    Migration {
        name: "create_plans",
        sql: "CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    },
    Migration {
        name: "seed_free_plan",
        sql: "INSERT INTO plans (name) VALUES ('free');",
    },
    Migration {
        name: "add_price",
        sql: "ALTER TABLE plans ADD COLUMN price INTEGER NOT NULL DEFAULT 0;",
    },
];

/// Migration 2 creates a table, inserts a row, then fails on its last statement.
const BROKEN: &[Migration] = &[
    Migration {
        name: "create_a",
        sql: "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);",
    },
    Migration {
        name: "create_b_badly",
        sql: "CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1); INSERT INTO no_such_table VALUES (1);",
    },
    Migration {
        name: "create_c",
        sql: "CREATE TABLE c (x INTEGER);",
    },
];

/// Migrations that fail whenever they run: for databases that must not run them.
const MUST_NOT_RUN: &[Migration] = &[
    Migration {
        name: "one",
        sql: "INSERT INTO no_such_table VALUES (1);",
    },
    Migration {
        name: "two",
        sql: "INSERT INTO no_such_table VALUES (2);",
    },
];

// ---------------------------------------------------------------------------------------------
// Reading the version

#[test]
fn a_fresh_database_is_at_version_zero() {
    assert_eq!(
        current_version(&fresh()).expect("reading the version works"),
        0,
        "a new database's PRAGMA user_version is 0"
    );
}

#[test]
fn current_version_reads_user_version() {
    let conn = fresh();
    for version in [1, 7, 65_535] {
        set_version(&conn, version);
        assert_eq!(
            current_version(&conn).unwrap(),
            version,
            "current_version reads PRAGMA user_version (here set to {version})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Migrating up

#[test]
fn migrate_brings_a_fresh_database_to_the_latest_version() {
    let mut conn = fresh();
    assert_eq!(
        migrated(&mut conn, MIGRATIONS),
        3,
        "migrate returns the version reached"
    );
    assert_eq!(
        stored_version(&conn),
        3,
        "after 3 migrations, PRAGMA user_version says 3: the next run reads it to know \
         what is done"
    );
    conn.execute(
        "INSERT INTO users (name, email) VALUES ('ada', 'ada@example.com')",
        [],
    )
    .expect("migrations 1 and 2 made users(id, name, email)");
    assert!(
        conn.execute(
            "INSERT INTO users (name, email) VALUES ('eve', 'ada@example.com')",
            []
        )
        .is_err(),
        "migration 3 made email unique"
    );
}

#[test]
fn no_migrations_leave_a_fresh_database_at_zero() {
    let mut conn = fresh();
    assert_eq!(migrated(&mut conn, &[]), 0);
    assert_eq!(stored_version(&conn), 0);
}

#[test]
fn migrations_run_in_order() {
    let mut conn = fresh();
    // add_price alters the table create_plans makes: out of order, it fails.
    assert_eq!(migrated(&mut conn, SEEDED), 3);
    let (name, price): (String, i64) = conn
        .query_row("SELECT name, price FROM plans", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .unwrap();
    assert_eq!((name.as_str(), price), ("free", 0));
}

// ---------------------------------------------------------------------------------------------
// Idempotent: nothing applied twice

#[test]
fn a_second_run_applies_nothing() {
    let mut conn = fresh();
    migrated(&mut conn, SEEDED);
    let again = migrate(&mut conn, SEEDED).unwrap_or_else(|err| {
        panic!(
            "every deploy runs migrate, so a second run must succeed, got: {err}. Apply only \
             the migrations above the stored version"
        )
    });
    assert_eq!(again, 3, "still at version 3");
    assert_eq!(
        count(&conn, "plans"),
        1,
        "seed_free_plan ran twice: the second run must skip every migration at or below \
         PRAGMA user_version"
    );
}

#[test]
fn an_older_database_gets_only_the_missing_migrations() {
    let mut conn = fresh();
    assert_eq!(migrated(&mut conn, &SEEDED[..2]), 2, "release 2 knew two");
    conn.execute("INSERT INTO plans (name) VALUES ('pro')", [])
        .unwrap();
    assert_eq!(
        migrated(&mut conn, SEEDED),
        3,
        "release 3 adds one migration"
    );
    assert_eq!(
        count(&conn, "plans"),
        2,
        "only add_price ran: the seed is not repeated and the data written in between is kept"
    );
}

#[test]
fn the_stored_version_decides_what_is_skipped() {
    let mut conn = fresh();
    set_version(&conn, 1);
    let result = migrate(&mut conn, MUST_NOT_RUN);
    assert!(
        matches!(
            result,
            Err(MigrationError::Failed {
                version: 2,
                name: "two",
                ..
            })
        ),
        "at version 1, only migration 2 ('two') may run, and it fails here: expected \
         Failed {{ version: 2, name: \"two\" }}, got {result:?}"
    );
}

#[test]
fn a_database_exactly_at_the_latest_version_runs_nothing() {
    let mut conn = fresh();
    set_version(&conn, 2);
    let result = migrate(&mut conn, MUST_NOT_RUN);
    assert!(
        matches!(result, Ok(2)),
        "the database is at 2 and the code knows 2 migrations: nothing to do, Ok(2), got \
         {result:?}"
    );
}

#[test]
fn the_version_is_stored_in_the_database_file() {
    let path = std::env::temp_dir().join(format!(
        "backlings-migrations-{}.sqlite",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    {
        let mut conn = Connection::open(&path).unwrap();
        migrated(&mut conn, &SEEDED[..2]);
    }
    let mut conn = Connection::open(&path).unwrap();
    assert_eq!(
        current_version(&conn).unwrap(),
        2,
        "user_version lives in the file's header"
    );
    assert_eq!(migrated(&mut conn, SEEDED), 3);
    assert_eq!(
        count(&conn, "plans"),
        1,
        "the reopened database skips 1 and 2"
    );
    drop(conn);
    std::fs::remove_file(&path).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Each migration in its own transaction, with its version bump

thread_local! {
    static STATEMENTS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn record(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event {
        STATEMENTS.with(|log| log.borrow_mut().push(sql.to_string()));
    }
}

/// For each statement run, the transaction it ran in (numbered from 1), or None outside one.
fn transactions_of(log: &[String]) -> Vec<(String, Option<usize>)> {
    let mut current = None;
    let mut begun = 0;
    let mut out = Vec::new();
    for sql in log {
        let s: String = sql
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.starts_with("begin") {
            begun += 1;
            current = Some(begun);
        } else if ["commit", "end", "rollback"]
            .iter()
            .any(|k| s.starts_with(k))
            && !s.starts_with("rollbackto")
        {
            current = None;
        } else {
            out.push((s, current));
        }
    }
    out
}

#[test]
fn each_migration_commits_together_with_its_version_bump() {
    let mut conn = fresh();
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(record));
    migrated(&mut conn, SEEDED);
    conn.trace_v2(TraceEventCodes::empty(), None);
    let log = STATEMENTS.with(|log| log.take());
    let ran = transactions_of(&log);
    let tx_of = |needle: &str| {
        ran.iter()
            .find(|(s, _)| s.contains(needle))
            .map(|(_, tx)| *tx)
            .unwrap_or_else(|| panic!("no statement containing {needle:?} ran; ran: {log:#?}"))
    };
    let mut seen = Vec::new();
    for (version, needle) in [
        (1, "createtableplans"),
        (2, "insertintoplans"),
        (3, "altertableplans"),
    ] {
        let migration = tx_of(needle);
        let bump = tx_of(&format!("user_version={version}"));
        assert!(
            migration.is_some() && migration == bump,
            "migration {version} ran in transaction {migration:?} and `PRAGMA user_version = \
             {version}` in {bump:?} (None = outside any transaction): both belong in one \
             transaction, so a crash between them cannot leave the schema changed and the \
             version old (the next run would apply the migration again). Statements run: \
             {log:#?}"
        );
        seen.push(migration);
    }
    seen.dedup();
    assert_eq!(
        seen.len(),
        3,
        "each migration gets its own transaction, so a failure in one keeps the ones before \
         it; got transactions {seen:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A failing migration

#[test]
fn a_failing_migration_is_reported_by_number_and_name() {
    let mut conn = fresh();
    let result = migrate(&mut conn, BROKEN);
    match &result {
        Err(MigrationError::Failed {
            version,
            name,
            source,
        }) => {
            assert_eq!(
                (*version, *name),
                (2, "create_b_badly"),
                "the error names the migration that failed, so the person on call knows \
                 where to look"
            );
            assert!(
                source.to_string().contains("no_such_table"),
                "the source is SQLite's own error, got: {source}"
            );
        }
        other => panic!(
            "migration 2 fails (no_such_table): expected Err(MigrationError::Failed {{ \
             version: 2, name: \"create_b_badly\", .. }}), got {other:?}"
        ),
    }
}

#[test]
fn a_failing_migration_leaves_the_previous_version_intact() {
    let mut conn = fresh();
    assert!(migrate(&mut conn, BROKEN).is_err(), "migration 2 fails");
    assert!(
        conn.is_autocommit(),
        "migrate left a transaction open: roll back (drop the Transaction) on failure"
    );
    assert_eq!(
        stored_version(&conn),
        1,
        "migration 1 succeeded and stays committed; migration 2 failed, so the version stays \
         at 1"
    );
    assert_eq!(count(&conn, "a"), 1, "migration 1's table and row are kept");
    assert!(
        !table_exists(&conn, "b"),
        "migration 2's first statements (CREATE TABLE b, INSERT) ran before its last one \
         failed: they must be rolled back with it, or the schema is half-migrated at version 1"
    );
    assert!(
        !table_exists(&conn, "c"),
        "migration 3 must not run after 2 failed: it may depend on 2"
    );
}

#[test]
fn after_a_fix_the_next_run_continues_where_it_stopped() {
    let mut conn = fresh();
    assert!(migrate(&mut conn, BROKEN).is_err());
    let mut fixed = BROKEN.to_vec();
    fixed[1].sql = "CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1);";
    assert_eq!(migrated(&mut conn, &fixed), 3);
    assert_eq!(
        (count(&conn, "a"), count(&conn, "b"), count(&conn, "c")),
        (1, 1, 0),
        "migration 1 is not repeated; 2 and 3 run once"
    );
}

#[test]
fn a_failing_first_migration_leaves_a_fresh_database() {
    let mut conn = fresh();
    let result = migrate(&mut conn, MUST_NOT_RUN);
    assert!(
        matches!(
            result,
            Err(MigrationError::Failed {
                version: 1,
                name: "one",
                ..
            })
        ),
        "expected Failed {{ version: 1, name: \"one\" }}, got {result:?}"
    );
    assert_eq!(stored_version(&conn), 0);
}

// ---------------------------------------------------------------------------------------------
// A database newer than the code

#[test]
fn a_database_newer_than_the_code_is_refused() {
    let mut conn = fresh();
    set_version(&conn, 4);
    let result = migrate(&mut conn, MIGRATIONS);
    assert!(
        matches!(result, Err(MigrationError::TooNew { found: 4, known: 3 })),
        "the database is at version 4 and the code knows 3 migrations: it does not know this \
         schema, so it must refuse with TooNew {{ found: 4, known: 3 }}, got {result:?}"
    );
    assert_eq!(stored_version(&conn), 4, "and the version is left alone");
    assert!(
        !table_exists(&conn, "users"),
        "nothing may run against a newer database"
    );
}

#[test]
fn a_much_newer_database_is_refused_too() {
    let mut conn = fresh();
    set_version(&conn, 1000);
    let result = migrate(&mut conn, &[]);
    assert!(
        matches!(
            result,
            Err(MigrationError::TooNew {
                found: 1000,
                known: 0
            })
        ),
        "got {result:?}"
    );
}
