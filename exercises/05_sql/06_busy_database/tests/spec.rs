//! The specification of a bank on one SQLite file shared by several connections: one writer at
//! a time, `BEGIN IMMEDIATE` for read-then-write, a busy timeout, and `Busy` as its own error.
//!
//! Each test works in its own temp directory. Where a test needs the other connection to be
//! *waiting*, it installs its own busy handler that reports each retry, and acts only once the
//! handler has been called: nothing here sleeps to wait for something it could observe.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::time::{Duration, Instant};

use busy_database::{BankError, begin_write, open, withdraw};
use rusqlite::{Connection, ErrorCode};

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("backlings-busy-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir can be created");
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("bank.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `open`, failing with the error.
#[track_caller]
fn open_ok(path: &Path, timeout: Duration) -> Connection {
    open(path, timeout).unwrap_or_else(|err| panic!("open({path:?}, {timeout:?}) must work: {err}"))
}

/// A database with ada: 100 and grace: 50, and the test's own connection to it (the "other
/// writer"), which gives up at once when the database is busy.
fn bank(dir: &TempDir) -> Connection {
    let other = open_ok(&dir.db(), Duration::ZERO);
    other
        .execute_batch("INSERT INTO accounts (name, balance) VALUES ('ada', 100), ('grace', 50);")
        .expect("the accounts table exists after open");
    other
}

fn balance(conn: &Connection, name: &str) -> i64 {
    conn.query_row(
        "SELECT balance FROM accounts WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .unwrap()
}

fn is_sqlite_busy(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::DatabaseBusy)
}

/// The test's connection takes the write lock (`BEGIN IMMEDIATE`) and holds it.
fn hold_write_lock(other: &Connection) {
    other
        .execute_batch("BEGIN IMMEDIATE")
        .expect("nobody else holds the write lock yet");
}

// ---------------------------------------------------------------------------------------------
// open

#[test]
fn open_sets_the_busy_timeout() {
    let dir = TempDir::new();
    for ms in [0, 250, 5000] {
        let conn = open_ok(&dir.db(), Duration::from_millis(ms));
        let set: u64 = conn
            .query_row("PRAGMA busy_timeout", [], |row| row.get(0))
            .unwrap();
        assert_eq!(
            set, ms,
            "open(.., {ms} ms) sets the connection's busy timeout (Connection::busy_timeout); \
             PRAGMA busy_timeout reads {set} (rusqlite's default is 5000 ms; SQLite's own is 0, \
             giving up at the first sign of another writer)"
        );
    }
}

#[test]
fn open_creates_the_schema_once_in_a_file_both_connections_share() {
    let dir = TempDir::new();
    let first = bank(&dir);
    let second = open(&dir.db(), Duration::ZERO).unwrap_or_else(|err| {
        panic!("opening an existing database must work (CREATE TABLE IF NOT EXISTS): {err}")
    });
    assert!(
        dir.db().exists(),
        "the database lives in the file at the path given"
    );
    assert_eq!(
        balance(&second, "ada"),
        100,
        "a second connection to the same file sees what the first wrote, and reopening did \
         not recreate (empty) the table"
    );
    drop(first);
}

// ---------------------------------------------------------------------------------------------
// withdraw on its own

#[test]
fn withdraw_takes_the_amount_and_returns_the_new_balance() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    assert_eq!(withdraw(&mut conn, "ada", 30).expect("ada has 100"), 70);
    assert_eq!(withdraw(&mut conn, "ada", 20).expect("ada has 70"), 50);
    assert_eq!(
        balance(&other, "ada"),
        50,
        "the withdrawal is committed: another connection sees it"
    );
    assert_eq!(balance(&other, "grace"), 50, "only ada's account changed");
}

#[test]
fn withdraw_of_the_whole_balance_works_and_one_more_is_refused() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    match withdraw(&mut conn, "grace", 51) {
        Err(BankError::InsufficientFunds {
            balance: 50,
            amount: 51,
        }) => {}
        other => panic!(
            "grace has 50, so 51 is refused with InsufficientFunds {{ balance: 50, amount: 51 \
             }}, got {other:?}"
        ),
    }
    assert_eq!(
        balance(&other, "grace"),
        50,
        "a refused withdrawal changes nothing"
    );
    assert_eq!(
        withdraw(&mut conn, "grace", 50).expect("exactly the balance may be taken"),
        0
    );
    assert_eq!(balance(&other, "grace"), 0);
    assert!(
        matches!(
            withdraw(&mut conn, "grace", 1),
            Err(BankError::InsufficientFunds {
                balance: 0,
                amount: 1
            })
        ),
        "an empty account refuses even 1"
    );
}

#[test]
fn withdraw_from_an_unknown_account_says_so() {
    let dir = TempDir::new();
    let _other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    match withdraw(&mut conn, "linus", 1) {
        Err(BankError::UnknownAccount(name)) => assert_eq!(name, "linus"),
        other => panic!(
            "there is no account 'linus': Err(UnknownAccount(\"linus\")), got {other:?} \
             (query_row(..).optional() turns 'no row' into None)"
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// SQLITE_BUSY is the API's own error

#[test]
fn a_busy_error_becomes_busy_and_others_stay_sqlite() {
    for code in [
        rusqlite::ffi::SQLITE_BUSY,
        rusqlite::ffi::SQLITE_BUSY_SNAPSHOT,
        rusqlite::ffi::SQLITE_BUSY_TIMEOUT,
    ] {
        let err = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        assert!(
            matches!(BankError::from(err), BankError::Busy),
            "extended result code {code} is a kind of SQLITE_BUSY (its ErrorCode is \
             DatabaseBusy): BankError::Busy, so the caller can answer 'try again later'"
        );
    }
    for code in [
        rusqlite::ffi::SQLITE_LOCKED,
        rusqlite::ffi::SQLITE_CONSTRAINT_CHECK,
        rusqlite::ffi::SQLITE_CANTOPEN,
    ] {
        let err = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        assert!(
            matches!(BankError::from(err), BankError::Sqlite(_)),
            "result code {code} is not SQLITE_BUSY: it stays BankError::Sqlite"
        );
    }
    assert!(
        matches!(
            BankError::from(rusqlite::Error::QueryReturnedNoRows),
            BankError::Sqlite(rusqlite::Error::QueryReturnedNoRows)
        ),
        "errors that are not SQLite failures stay Sqlite, unchanged"
    );
}

#[test]
fn a_locked_database_with_no_timeout_is_busy_at_once() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    hold_write_lock(&other);
    other
        .execute("UPDATE accounts SET balance = 90 WHERE name = 'ada'", [])
        .unwrap();
    match withdraw(&mut conn, "ada", 10) {
        Err(BankError::Busy) => {}
        got => panic!(
            "another connection holds the write lock and the busy timeout is zero: \
             Err(BankError::Busy), got {got:?}"
        ),
    }
    other.execute_batch("COMMIT").unwrap_or_else(|err| {
        panic!(
            "the other writer must still be able to commit after the refused withdrawal, got \
             {err}: the failed withdrawal left a lock behind (is its transaction still open?)"
        )
    });
    assert_eq!(
        balance(&other, "ada"),
        90,
        "only the other writer's change is there"
    );
}

// ---------------------------------------------------------------------------------------------
// BEGIN IMMEDIATE

#[test]
fn begin_write_takes_the_write_lock_at_once() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    let tx = begin_write(&mut conn).expect("nobody else writes");
    let result = other.execute_batch("BEGIN IMMEDIATE");
    assert!(
        matches!(&result, Err(err) if is_sqlite_busy(err)),
        "while begin_write's transaction is open, nobody else may take the write lock, got \
         {result:?}: a plain (deferred) BEGIN takes no lock until its first statement; BEGIN \
         IMMEDIATE takes the write lock up front (TransactionBehavior::Immediate)"
    );
    drop(tx);
    other
        .execute_batch("BEGIN IMMEDIATE; ROLLBACK")
        .expect("once the transaction is dropped (rolled back), the lock is free again");
}

#[test]
fn begin_write_while_another_writes_is_busy() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let mut conn = open_ok(&dir.db(), Duration::ZERO);
    hold_write_lock(&other);
    match begin_write(&mut conn) {
        Err(BankError::Busy) => {}
        Ok(_) => panic!(
            "begin_write succeeded while another connection holds the write lock: it did not \
             take the lock (a deferred BEGIN takes none). Use BEGIN IMMEDIATE"
        ),
        Err(err) => panic!("expected BankError::Busy, got {err:?}"),
    }
}

#[test]
fn a_busy_timeout_waits_before_giving_up() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let timeout = Duration::from_millis(100);
    let mut conn = open_ok(&dir.db(), timeout);
    hold_write_lock(&other);
    let start = Instant::now();
    let result = withdraw(&mut conn, "ada", 10);
    let waited = start.elapsed();
    assert!(
        matches!(result, Err(BankError::Busy)),
        "the other writer never lets go, so after the timeout: Err(Busy), got {result:?}"
    );
    assert!(
        waited < Duration::from_secs(3),
        "the busy timeout is 100 ms, yet withdraw waited {waited:?}: open must set the timeout \
         it is given (rusqlite's default is 5 s)"
    );
    assert!(
        waited >= Duration::from_millis(90),
        "with a 100 ms busy timeout, withdraw retries for about 100 ms before it gives up, but \
         it gave up after {waited:?}. A deferred transaction that has already read cannot wait \
         for the write lock (SQLite returns SQLITE_BUSY at once, to avoid a deadlock): take \
         the write lock first, with BEGIN IMMEDIATE"
    );
}

// The one test that installs its own busy handler: where the withdrawing thread reports that it
// is waiting for the lock (or that it is done).
enum Event {
    Waiting,
    Done(Result<i64, BankError>),
}

static EVENTS: Mutex<Option<Sender<Event>>> = Mutex::new(None);

/// A busy handler that reports each retry and keeps retrying: it stands in for the busy
/// timeout, so the test knows when the other connection is waiting.
fn report_and_retry(_retries: i32) -> bool {
    if let Some(events) = EVENTS.lock().unwrap().as_ref() {
        let _ = events.send(Event::Waiting);
    }
    std::thread::sleep(Duration::from_millis(1));
    true
}

#[test]
fn withdraw_waits_for_the_other_writer_and_sees_its_change() {
    let dir = TempDir::new();
    let other = bank(&dir);
    let (events, received) = mpsc::channel();
    *EVENTS.lock().unwrap() = Some(events.clone());

    hold_write_lock(&other);
    other
        .execute("UPDATE accounts SET balance = 70 WHERE name = 'ada'", [])
        .unwrap();

    let path = dir.db();
    let worker = std::thread::spawn(move || {
        let mut conn = open_ok(&path, Duration::from_secs(10));
        conn.busy_handler(Some(report_and_retry)).unwrap();
        let result = withdraw(&mut conn, "ada", 10);
        let _ = events.send(Event::Done(result));
    });

    match received.recv_timeout(Duration::from_secs(10)) {
        Ok(Event::Waiting) => {}
        Ok(Event::Done(result)) => panic!(
            "while the other writer held the lock, withdraw returned {result:?} without ever \
             waiting for it. A deferred transaction reads first and then cannot upgrade to the \
             write lock: SQLite returns SQLITE_BUSY at once, busy timeout or not. Begin with \
             BEGIN IMMEDIATE, which waits for the write lock before reading"
        ),
        Err(_) => panic!("withdraw neither waited nor finished within 10 s"),
    }
    other
        .execute_batch("COMMIT")
        .expect("a connection waiting for the write lock holds no lock that blocks the commit");

    let result = loop {
        match received.recv_timeout(Duration::from_secs(10)) {
            Ok(Event::Waiting) => continue,
            Ok(Event::Done(result)) => break result,
            Err(_) => panic!("withdraw did not finish within 10 s of the other commit"),
        }
    };
    worker.join().unwrap();
    *EVENTS.lock().unwrap() = None;
    match result {
        Ok(60) => {}
        got => panic!(
            "the other writer committed 100 -> 70 while withdraw waited; withdraw then takes \
             10 from 70: Ok(60), got {got:?}. Ok(90) is a lost update: the balance was read \
             before the write lock was held (outside the transaction, or in a deferred one)"
        ),
    }
    assert_eq!(balance(&other, "ada"), 60);
}
