//! # Migrations: changing a live schema, one numbered step at a time
//!
//! The schema changes with the code: release 2 adds an `email` column, release 3 a unique
//! index on it. The databases out there (production, staging, every developer's laptop) are
//! each at some older state, and each must be brought to the current one, step by step, in
//! order, without losing data. That is what a **migration** runner does, and most frameworks
//! have one (Flyway, Alembic, Rails, `sqlx migrate`, `refinery`).
//!
//! The runner needs to know where each database stands. SQLite keeps a free integer in the
//! database file's header for exactly this: `PRAGMA user_version` reads it (a fresh database
//! says 0) and `PRAGMA user_version = 3` writes it. Migration 1 takes the database from
//! version 0 to 1, migration 2 from 1 to 2, and so on; a database at version 2 needs only
//! migration 3 and later.
//!
//! What goes wrong in production, and what the runner must therefore guarantee:
//!
//! - **Applied twice.** Every deploy runs the runner; a migration that runs again fails
//!   (`table users already exists`) or, worse, succeeds and inserts its rows twice. Apply only
//!   the migrations above the stored version.
//! - **Half applied.** A migration of two statements whose second fails leaves the first one
//!   done, and the stored version no longer describes the schema. Run each migration **in its
//!   own transaction together with its version bump**: SQLite's DDL (`CREATE`, `ALTER`) is
//!   transactional, and so is `user_version`, so either both happen or neither. A failure in
//!   migration 3 leaves migrations 1 and 2 committed, the version at 2, and an error that names
//!   migration 3, so whoever is paged at 3 a.m. knows where to look.
//! - **Old code, new database.** After a rollback of the code, a database at version 4 meets
//!   code that knows 3 migrations. That code does not know the schema it is looking at:
//!   refuse to start rather than write into it.
//!
//! You write `current_version` and `migrate`. The app's own migrations (`MIGRATIONS`), the
//! `Migration` type and the error type are given below the line. The chapter README has links
//! to the SQLite documentation of `user_version`, `ALTER TABLE` and transactions.
//!
//! rusqlite: `Connection::pragma_query_value`, `pragma_update`, `Connection::transaction`,
//! `Transaction::execute_batch` and `commit` (a `Transaction` dropped without `commit` rolls
//! back): <https://docs.rs/rusqlite/0.37.0/rusqlite/>

use rusqlite::Connection;

/// The database's schema version, as stored in `PRAGMA user_version` (0 for a fresh database).
pub fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database up to date: applies, in order, each migration above the stored version
/// (`migrations[i]` is version `i + 1`), each in its own transaction together with the bump of
/// `user_version` to its number. Returns the version the database is at afterwards.
///
/// Errors: `TooNew` (and nothing changed) when the database's version is above
/// `migrations.len()`; `Failed` naming the migration when one fails, after which the database
/// is at the version before it, schema and data included.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<u32, MigrationError> {
    let known = u32::try_from(migrations.len()).expect("fewer than 2^32 migrations");
    let found = current_version(conn)?;
    if found > known {
        // Old code must not write into a schema it does not know.
        return Err(MigrationError::TooNew { found, known });
    }
    for (version, migration) in (1..).zip(migrations).skip(found as usize) {
        let failed = |source| MigrationError::Failed {
            version,
            name: migration.name,
            source,
        };
        // The migration and its version bump commit together or not at all: a failure
        // anywhere drops `tx`, which rolls both back.
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(known)
}

// ---------------------------------------------------------------------------------------------
// Given code: the migration type, the error type and the app's migrations.

/// One step of the schema. Its version is its position in the list, counted from 1.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// A short name, for error messages and logs.
    pub name: &'static str,
    /// One or more SQL statements (run with `execute_batch`).
    pub sql: &'static str,
}

/// Why `migrate` stopped.
#[derive(Debug)]
pub enum MigrationError {
    /// Migration `version` (`name`) failed; the database is still at `version - 1`.
    Failed {
        version: u32,
        name: &'static str,
        source: rusqlite::Error,
    },
    /// The database is at `found`, but this code knows only `known` migrations.
    TooNew { found: u32, known: u32 },
    /// Any other database error (reading the version, starting a transaction...).
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrationError {
    fn from(err: rusqlite::Error) -> Self {
        MigrationError::Sqlite(err)
    }
}

impl std::fmt::Display for MigrationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrationError::Failed {
                version,
                name,
                source,
            } => write!(
                f,
                "migration {version} ({name}) failed, the database stays at version {}: {source}",
                version - 1
            ),
            MigrationError::TooNew { found, known } => write!(
                f,
                "the database is at schema version {found}, but this code knows only \
                 {known} migrations: deploy a newer release"
            ),
            MigrationError::Sqlite(err) => write!(f, "database error: {err}"),
        }
    }
}

impl std::error::Error for MigrationError {}

/// The app's schema history. New migrations go at the end; a released one is never edited
/// (databases out there have already run it).
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "create_users",
        sql: "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
    },
    Migration {
        name: "add_email",
        sql: "ALTER TABLE users ADD COLUMN email TEXT;",
    },
    Migration {
        name: "unique_email",
        sql: "CREATE UNIQUE INDEX users_email ON users (email);",
    },
];
