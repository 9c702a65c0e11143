//! The specification of a bounded connection pool over one SQLite file: connections in WAL
//! mode, lent out by a guard that gives them back on drop (and on panic), never more than
//! `max_size` at once, and a checkout that waits for a connection to come back or gives up with
//! `PoolError::Timeout`.
//!
//! Each test works in its own temp directory. Where a thread must be *waiting*, the test only
//! checks that it has not finished yet and then lets it go: nothing sleeps to wait for
//! something it could observe. The bounds on time are generous.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use connection_pool::{Pool, PoolError, PooledConnection, open_connection};

/// Long enough that a correct pool never reaches it in these tests.
const GENEROUS: Duration = Duration::from_secs(10);

/// A fresh directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("backlings-pool-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temp dir can be created");
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("app.db")
    }

    /// A pool of `max_size` over this directory's database, with a table `items`.
    fn pool(&self, max_size: usize) -> Pool {
        let pool = Pool::new(self.db(), max_size, GENEROUS);
        get(&pool)
            .execute_batch("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY)")
            .expect("the table can be created");
        pool
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `pool.get_timeout(GENEROUS)`, failing with the error.
#[track_caller]
fn get(pool: &Pool) -> PooledConnection {
    pool.get_timeout(GENEROUS).unwrap_or_else(|err| {
        panic!(
            "every guard this test took before was dropped, so a connection is free, yet \
                 get_timeout(10 s) gave up with {err:?}: does Drop for PooledConnection put \
                 the connection back in the idle list and notify a waiter?"
        )
    })
}

/// Marks a connection: a TEMP table lives in one connection only, as long as it is open.
fn mark(conn: &PooledConnection, name: &str) {
    conn.execute_batch(&format!("CREATE TEMP TABLE {name} (x)"))
        .unwrap();
}

/// The marks (TEMP tables) this connection carries.
fn marks(conn: &PooledConnection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM temp.sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn count_items(conn: &PooledConnection) -> i64 {
    conn.query_row("SELECT count(*) FROM items", [], |row| row.get(0))
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Opening connections

#[test]
fn open_connection_opens_the_file_in_wal_mode() {
    let dir = TempDir::new();
    let conn = open_connection(&dir.db()).expect("the temp dir is writable");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        mode, "wal",
        "open_connection switches the database to write-ahead logging (PRAGMA \
         journal_mode=WAL), so readers need not block the writer; its journal mode is {mode:?}"
    );
    assert!(
        dir.db().exists(),
        "the database lives in the file at the path given"
    );
}

#[test]
fn the_pool_lends_connections_to_its_file() {
    let dir = TempDir::new();
    let pool = dir.pool(2);
    get(&pool)
        .execute("INSERT INTO items DEFAULT VALUES", [])
        .unwrap();
    let other = rusqlite::Connection::open(dir.db()).unwrap();
    let n: i64 = other
        .query_row("SELECT count(*) FROM items", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        n, 1,
        "what a pooled connection writes is in the pool's database file"
    );
    let mode: String = get(&pool)
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .unwrap();
    assert_eq!(
        mode, "wal",
        "the pool's connections come from open_connection: WAL mode"
    );
}

#[test]
fn a_connection_that_cannot_be_opened_is_an_error_and_is_not_counted() {
    let dir = TempDir::new();
    let pool = Pool::new(dir.0.join("no-such-dir").join("app.db"), 1, GENEROUS);
    for attempt in 1..=2 {
        match pool.get_timeout(Duration::from_millis(50)) {
            Err(PoolError::Sqlite(_)) => {}
            other => panic!(
                "attempt {attempt}: the database's directory does not exist, so opening fails: \
                 Err(PoolError::Sqlite(..)), got {:?}{}",
                other.as_ref().map(|_| "a connection"),
                if attempt == 2 {
                    " — the failed first attempt was counted as an open connection, so the \
                     pool thinks it is full: count a connection only once it is open"
                } else {
                    ""
                }
            ),
        }
    }
    assert_eq!(pool.open_connections(), 0, "no connection was opened");
}

// ---------------------------------------------------------------------------------------------
// The guard gives the connection back

#[test]
fn a_dropped_connection_goes_back_and_is_lent_again() {
    let dir = TempDir::new();
    let pool = dir.pool(1);
    mark(&get(&pool), "first_borrower");
    assert_eq!(
        pool.idle_connections(),
        1,
        "once the guard is dropped, its connection waits in the pool (Drop for \
         PooledConnection puts it in the idle list)"
    );
    for _ in 0..3 {
        let conn = pool.get_timeout(Duration::ZERO).unwrap_or_else(|err| {
            panic!(
                "the pool's one connection is idle, so even get_timeout(0) hands it out at \
                 once, got {err:?}: look for an idle connection before looking at the clock, \
                 and make sure drop gives the connection back"
            )
        });
        assert_eq!(
            marks(&conn),
            ["first_borrower"],
            "the connection lent is the one given back (its TEMP table is there), not a new one"
        );
    }
    assert_eq!(
        pool.open_connections(),
        1,
        "one connection, lent four times"
    );
}

#[test]
fn a_connection_goes_back_when_its_thread_panics() {
    let dir = TempDir::new();
    let pool = dir.pool(1);
    let borrower = pool.clone();
    let result = thread::spawn(move || {
        let conn = borrower.get().unwrap();
        mark(&conn, "panicked");
        panic!("the request handler panics while it holds the connection");
    })
    .join();
    assert!(result.is_err(), "the borrowing thread panicked");
    let conn = pool
        .get_timeout(Duration::from_secs(2))
        .unwrap_or_else(|err| {
            panic!(
                "a thread that panics while holding a connection drops the guard as it unwinds, \
             which gives the connection back; got {err:?}: the connection leaked"
            )
        });
    assert_eq!(marks(&conn), ["panicked"], "and it is the same connection");
}

// ---------------------------------------------------------------------------------------------
// The bound

#[test]
fn at_most_max_size_connections_exist() {
    let dir = TempDir::new();
    let pool = dir.pool(3);
    let held: Vec<PooledConnection> = (0..3).map(|_| get(&pool)).collect();
    for (i, conn) in held.iter().enumerate() {
        mark(conn, &format!("c{i}"));
    }
    for conn in &held {
        assert_eq!(
            marks(conn).len(),
            1,
            "three guards held at once are three different connections"
        );
    }
    assert_eq!(pool.open_connections(), 3);
    match pool.get_timeout(Duration::from_millis(20)) {
        Err(PoolError::Timeout) => {}
        Ok(_) => panic!(
            "all 3 connections of a pool of 3 are lent out, yet get_timeout handed out a \
             fourth: a pool opens a new connection only while fewer than max_size exist"
        ),
        Err(err) => panic!("expected Err(PoolError::Timeout), got {err:?}"),
    }
    assert_eq!(pool.open_connections(), 3, "still 3 connections, not 4");
}

#[test]
fn get_timeout_gives_up_after_the_timeout() {
    let dir = TempDir::new();
    let pool = dir.pool(1);
    let _held = get(&pool);
    let start = Instant::now();
    let result = pool.get_timeout(Duration::from_millis(100));
    let waited = start.elapsed();
    assert!(
        matches!(result, Err(PoolError::Timeout)),
        "the only connection is never given back: Err(PoolError::Timeout), got {:?}",
        result.as_ref().map(|_| "a connection")
    );
    assert!(
        waited >= Duration::from_millis(90),
        "get_timeout(100 ms) waits about 100 ms for a connection before it gives up, but it \
         gave up after {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "get_timeout(100 ms) waited {waited:?}: wait only for what is left of the timeout"
    );
}

#[test]
fn get_uses_the_pools_checkout_timeout() {
    let dir = TempDir::new();
    let pool = Pool::new(dir.db(), 1, Duration::from_millis(50));
    let _held = pool
        .get()
        .expect("the pool is empty, so get opens a connection");
    let start = Instant::now();
    assert!(matches!(pool.get(), Err(PoolError::Timeout)));
    assert!(start.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------------------------
// Waiting for a connection to come back

#[test]
fn a_waiting_thread_gets_the_connection_as_soon_as_it_comes_back() {
    let dir = TempDir::new();
    let pool = dir.pool(1);
    let held = get(&pool);
    mark(&held, "shared");

    let (started_tx, started) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    let waiter = pool.clone();
    let worker = thread::spawn(move || {
        started_tx.send(()).unwrap();
        // Far longer than the test waits: only a wake-up can end this wait in time.
        let result = waiter
            .get_timeout(Duration::from_secs(60))
            .map(|conn| marks(&conn));
        done_tx.send(result).unwrap();
    });

    started.recv().unwrap();
    if let Ok(result) = done.recv_timeout(Duration::from_millis(50)) {
        panic!(
            "the pool's one connection is lent out, yet the waiting thread's get_timeout \
             returned at once with {result:?}: it must wait for the connection to come back"
        );
    }
    drop(held);
    match done.recv_timeout(GENEROUS) {
        Ok(Ok(marks)) => assert_eq!(
            marks,
            ["shared"],
            "the waiter gets the connection given back"
        ),
        Ok(Err(err)) => panic!("the connection came back, yet the waiter got {err:?}"),
        Err(_) => panic!(
            "the connection was given back 10 s ago and the waiting thread still waits: \
             dropping the guard must wake a waiter (Condvar::notify_one) — a waiter that is \
             never notified sleeps until its own timeout"
        ),
    }
    worker.join().unwrap();
}

#[test]
fn many_threads_share_a_small_pool_and_never_exceed_it() {
    let dir = TempDir::new();
    let pool = dir.pool(2);
    let holding = std::sync::Arc::new(AtomicUsize::new(0));
    let most = std::sync::Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let (pool, holding, most) = (pool.clone(), holding.clone(), most.clone());
            thread::spawn(move || {
                for _ in 0..10 {
                    let conn = pool.get_timeout(GENEROUS).unwrap_or_else(|err| {
                        panic!(
                            "thread {t}: connections keep coming back, yet it waited 10 s \
                             and got {err:?}: does dropping a guard notify a waiter?"
                        )
                    });
                    let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    conn.execute("INSERT INTO items DEFAULT VALUES", [])
                        .unwrap();
                    holding.fetch_sub(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("no thread failed to get a connection");
    }
    let most = most.load(Ordering::SeqCst);
    assert!(
        most <= 2,
        "a pool of 2 lent {most} connections at once: after a wait, check again in a loop \
         (another thread may have been quicker, and wake-ups can be spurious)"
    );
    assert!(
        pool.open_connections() <= 2,
        "a pool of 2 opened {}",
        pool.open_connections()
    );
    assert_eq!(
        count_items(&get(&pool)),
        80,
        "every insert of 8 threads x 10 went in"
    );
}

// ---------------------------------------------------------------------------------------------
// WAL: readers beside a writer

#[test]
fn a_reader_keeps_its_snapshot_while_a_writer_commits() {
    let dir = TempDir::new();
    let pool = dir.pool(2);
    let reader = get(&pool);
    reader.execute_batch("BEGIN").unwrap();
    assert_eq!(
        count_items(&reader),
        0,
        "the reader's transaction sees an empty table"
    );

    let writer = get(&pool);
    writer.busy_timeout(Duration::ZERO).unwrap();
    writer
        .execute("INSERT INTO items DEFAULT VALUES", [])
        .unwrap_or_else(|err| {
            panic!(
                "a reader is in the middle of a read transaction, and the writer's commit \
                 failed with {err}: in the default rollback-journal mode a commit must wait \
                 for every reader to finish. In WAL mode (PRAGMA journal_mode=WAL) the writer \
                 appends to the log and commits beside the reader"
            )
        });
    assert_eq!(
        count_items(&reader),
        0,
        "the reader's transaction still reads the snapshot it started with"
    );
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(
        count_items(&reader),
        1,
        "a new read sees the writer's commit"
    );
}
