//! The specification of `transfer`: money moves entirely or not at all. After every failure the
//! tests look at the database itself: both balances, the ledger, and whether a transaction was
//! left open.

use rusqlite::{Connection, ErrorCode};
use transfer::{TransferError, balance, open, open_account, transfer};

const ADA: i64 = 1;
const BOB: i64 = 2;
const CY: i64 = 3;
const NOBODY: i64 = 99;

/// ada has 100.00, bob 50.00, cy 9,990.00 (10.00 under the 10,000.00 limit).
fn bank() -> Connection {
    let conn = open().unwrap();
    assert_eq!(open_account(&conn, "ada", 10_000).unwrap(), ADA);
    assert_eq!(open_account(&conn, "bob", 5_000).unwrap(), BOB);
    assert_eq!(open_account(&conn, "cy", 999_000).unwrap(), CY);
    conn
}

fn balances(conn: &Connection) -> [i64; 3] {
    [ADA, BOB, CY].map(|id| balance(conn, id).unwrap().unwrap())
}

fn ledger(conn: &Connection) -> Vec<(i64, i64, i64, i64)> {
    let mut stmt = conn
        .prepare("SELECT id, from_id, to_id, amount_cents FROM transfers ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// After a failed transfer: nothing changed, and the connection is not stuck in a transaction.
#[track_caller]
fn assert_untouched(conn: &Connection, what: &str) {
    assert!(
        conn.is_autocommit(),
        "after {what}, a transaction is still open on the connection: its changes are neither \
         committed nor rolled back, and the next statements would join it. Use \
         rusqlite::Transaction, which rolls back when dropped, instead of running BEGIN by hand"
    );
    assert_eq!(
        balances(conn),
        [10_000, 5_000, 999_000],
        "after {what}, every balance must be as it was (ada, bob, cy): a failed transfer leaves \
         no trace. If ada's balance changed, the debit was committed on its own: run the debit \
         and the credit on the same Transaction and commit only at the end"
    );
    assert!(
        ledger(conn).is_empty(),
        "after {what}, the ledger must be empty: a failed transfer is not recorded"
    );
}

// ---------------------------------------------------------------------------------------------
// The transfer that works

#[test]
fn a_transfer_moves_the_money() {
    let mut conn = bank();
    transfer(&mut conn, ADA, BOB, 3_000).expect("ada has 100.00 and sends 30.00 to bob");
    assert_eq!(
        balances(&conn),
        [7_000, 8_000, 999_000],
        "30.00 leave ada and reach bob; cy is untouched. If nothing moved, the transaction was \
         dropped without tx.commit(), which rolls it back"
    );
    assert!(
        conn.is_autocommit(),
        "the transaction is committed, not left open"
    );
}

#[test]
fn a_transfer_is_recorded_in_the_ledger() {
    let mut conn = bank();
    let first = transfer(&mut conn, ADA, BOB, 3_000).unwrap();
    let second = transfer(&mut conn, BOB, CY, 1_000).unwrap();
    assert_eq!(
        ledger(&conn),
        [(1, ADA, BOB, 3_000), (2, BOB, CY, 1_000)],
        "each transfer inserts (from_id, to_id, amount_cents) into transfers"
    );
    assert_eq!(
        (first, second),
        (1, 2),
        "transfer returns the id of its row in transfers (last_insert_rowid)"
    );
}

#[test]
fn the_whole_balance_can_be_sent() {
    let mut conn = bank();
    transfer(&mut conn, ADA, BOB, 10_000)
        .expect("ada has exactly 100.00, so she can send 100.00: a balance of 0 is fine");
    assert_eq!(balances(&conn), [0, 15_000, 999_000]);
}

#[test]
fn a_payee_can_reach_the_limit_exactly() {
    let mut conn = bank();
    transfer(&mut conn, ADA, CY, 1_000)
        .expect("cy has 9,990.00: 10.00 more makes exactly the 10,000.00 limit, allowed");
    assert_eq!(balances(&conn), [9_000, 5_000, 1_000_000]);
}

// ---------------------------------------------------------------------------------------------
// Failures leave no trace

#[test]
fn one_cent_too_much_is_insufficient_funds() {
    let mut conn = bank();
    let result = transfer(&mut conn, ADA, BOB, 10_001);
    assert!(
        matches!(
            result,
            Err(TransferError::InsufficientFunds {
                balance_cents: 10_000
            })
        ),
        "ada has 100.00 and sends 100.01: InsufficientFunds with her balance before the \
         transfer (10000), got {result:?}"
    );
    assert_untouched(&conn, "a transfer ada cannot afford");
}

#[test]
fn an_unknown_payer_is_no_such_account() {
    let mut conn = bank();
    let result = transfer(&mut conn, NOBODY, BOB, 100);
    assert!(
        matches!(result, Err(TransferError::NoSuchAccount(NOBODY))),
        "there is no account {NOBODY}: the debit changes no row, NoSuchAccount({NOBODY}), got \
         {result:?}"
    );
    assert_untouched(&conn, "a transfer from an unknown account");
}

#[test]
fn an_unknown_payee_undoes_the_debit() {
    let mut conn = bank();
    let result = transfer(&mut conn, ADA, NOBODY, 3_000);
    assert!(
        matches!(result, Err(TransferError::NoSuchAccount(NOBODY))),
        "there is no account {NOBODY}: the credit changes no row (execute returns 0), \
         NoSuchAccount({NOBODY}), got {result:?}"
    );
    assert_untouched(
        &conn,
        "a transfer to an unknown account (the debit had already run)",
    );
}

#[test]
fn a_credit_over_the_limit_undoes_the_debit() {
    let mut conn = bank();
    let result = transfer(&mut conn, ADA, CY, 1_001);
    assert!(
        matches!(
            &result,
            Err(TransferError::Db(rusqlite::Error::SqliteFailure(err, _)))
                if err.code == ErrorCode::ConstraintViolation
        ),
        "cy's balance would be 10,000.01, over the limit: the CHECK constraint fails the \
         credit, and the error comes back as TransferError::Db, got {result:?}"
    );
    assert_untouched(&conn, "a credit the CHECK constraint refused");
}

#[test]
fn a_non_positive_amount_is_refused_by_the_ledger() {
    for amount in [0, -500] {
        let mut conn = bank();
        let result = transfer(&mut conn, ADA, BOB, amount);
        assert!(
            matches!(
                &result,
                Err(TransferError::Db(rusqlite::Error::SqliteFailure(err, _)))
                    if err.code == ErrorCode::ConstraintViolation
            ),
            "an amount of {amount}: the ledger's CHECK (amount_cents > 0) refuses the record, \
             the last step, got {result:?}"
        );
        assert_untouched(
            &conn,
            &format!("a transfer of {amount} (debit and credit had already run)"),
        );
    }
}

#[test]
fn a_failure_at_the_last_step_undoes_the_first_two() {
    let mut conn = bank();
    // Stands for what no check beforehand can rule out: a full disk, a lost connection.
    conn.execute_batch(
        "CREATE TRIGGER ledger_fails BEFORE INSERT ON transfers
         BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;",
    )
    .unwrap();
    let result = transfer(&mut conn, ADA, BOB, 3_000);
    assert!(
        matches!(result, Err(TransferError::Db(_))),
        "recording the transfer failed: the database's error comes back as TransferError::Db, \
         got {result:?}"
    );
    assert_untouched(
        &conn,
        "a failure while recording the transfer (checking everything beforehand cannot prevent \
         that one)",
    );
}

#[test]
fn a_failed_transfer_leaves_the_connection_usable() {
    let mut conn = bank();
    assert!(transfer(&mut conn, ADA, NOBODY, 3_000).is_err());
    assert!(transfer(&mut conn, ADA, BOB, 99_999).is_err());
    let id = transfer(&mut conn, ADA, BOB, 3_000).unwrap_or_else(|err| {
        panic!(
            "after two failed transfers, a good one must work, got {err:?}: was a transaction \
             left open (\"cannot start a transaction within a transaction\")?"
        )
    });
    assert_eq!(id, 1, "the failed transfers left no row in the ledger");
    assert_eq!(balances(&conn), [7_000, 8_000, 999_000]);
}
