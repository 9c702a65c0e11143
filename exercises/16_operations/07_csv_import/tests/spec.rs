//! The specification of the import: the header checked first; each bad row reported with its
//! line and reason, then skipped or the import stopped; good rows committed in transactions
//! of `batch_size`, counted from SQLite's own trace of the statements it runs; an import that
//! dies mid-batch leaves whole batches only; and the input streamed, not read whole first.

use std::cell::{Cell, RefCell};
use std::io::{BufReader, Read};

use csv_import::{
    BadRow, ImportError, MAX_REPORTED, OnBadRow, Policy, Product, Record, Report, create_table,
    import,
};
use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

// ---------------------------------------------------------------------------------------------
// Helpers

thread_local! {
    /// The statements SQLite ran on this test's thread (its trace callback), in order.
    static TRACE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Bytes the test's input has handed out so far.
    static SERVED: Cell<u64> = const { Cell::new(0) };
    /// SERVED at each COMMIT.
    static SERVED_AT_COMMIT: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

fn trace(event: TraceEvent<'_>) {
    let TraceEvent::Stmt(_, sql) = event else {
        return;
    };
    let sql = sql.trim().to_ascii_uppercase();
    if sql.starts_with("COMMIT") || sql.starts_with("END") {
        SERVED_AT_COMMIT.with(|s| s.borrow_mut().push(SERVED.get()));
    }
    TRACE.with(|t| t.borrow_mut().push(sql));
}

/// A new database with the products table, traced.
fn db() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    create_table(&conn).unwrap();
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, Some(trace));
    TRACE.with(|t| t.borrow_mut().clear());
    conn
}

/// How many rows each committed transaction inserted, in order.
fn inserts_per_commit() -> Vec<usize> {
    let mut batches = Vec::new();
    let mut inserts = 0;
    TRACE.with(|t| {
        for sql in t.borrow().iter() {
            if sql.starts_with("INSERT") {
                inserts += 1;
            } else if sql.starts_with("COMMIT") || sql.starts_with("END") {
                batches.push(inserts);
                inserts = 0;
            } else if sql.starts_with("ROLLBACK") {
                inserts = 0;
            }
        }
    });
    batches
}

/// The skus in the table, in insertion order.
fn skus(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT sku FROM products ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const SKIP: Policy = Policy {
    batch_size: 100,
    on_bad_row: OnBadRow::Skip,
};

fn skip_in_batches_of(batch_size: usize) -> Policy {
    Policy {
        batch_size,
        on_bad_row: OnBadRow::Skip,
    }
}

/// A file of `n` good rows, sku-1 to sku-n.
fn good_rows(n: usize) -> String {
    let mut csv = String::from("sku,name,price_cents,quantity\n");
    for i in 1..=n {
        csv.push_str(&format!("sku-{i},Item {i},{i}00,{i}\n"));
    }
    csv
}

#[track_caller]
fn run(conn: &mut Connection, csv: &str, policy: &Policy) -> Result<Report, ImportError> {
    import(conn, csv.as_bytes(), policy)
}

#[track_caller]
fn run_ok(conn: &mut Connection, csv: &str, policy: &Policy) -> Report {
    run(conn, csv, policy).unwrap_or_else(|e| panic!("importing {csv:?} failed: {e:?}"))
}

fn record(fields: &[&str]) -> Record {
    Record {
        line: 7,
        fields: fields.iter().map(|f| f.to_string()).collect(),
    }
}

/// Checks that `fields` are refused with a reason containing each of `needles`.
#[track_caller]
fn assert_bad(fields: &[&str], needles: &[&str], why: &str) {
    match Product::from_record(&record(fields)) {
        Ok(p) => panic!("{fields:?} must be a bad row ({why}), but became {p:?}"),
        Err(reason) => {
            for needle in needles {
                assert!(
                    reason.contains(needle),
                    "{fields:?} is a bad row ({why}); its reason must name {needle:?} so \
                     the file can be fixed; got {reason:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows into products

#[test]
fn a_valid_row_becomes_a_product() {
    assert_eq!(
        Product::from_record(&record(&["A-1", "Mug, blue", "1250", "3"])),
        Ok(Product {
            sku: "A-1".into(),
            name: "Mug, blue".into(),
            price_cents: 1250,
            quantity: 3,
        })
    );
    assert_eq!(
        Product::from_record(&record(&["A-2", "Free sample", "0", "-2"])).map(|p| p.quantity),
        Ok(-2),
        "a price of 0 is allowed, and a quantity may be negative (a correction)"
    );
}

#[test]
fn a_row_with_too_few_or_too_many_fields_is_bad() {
    assert_bad(
        &["A-1", "Mug", "1250"],
        &["4", "3"],
        "4 fields expected, 3 given",
    );
    assert_bad(
        &["A-1", "Mug", "1250", "3", "extra"],
        &["4", "5"],
        "4 fields expected, 5 given",
    );
}

#[test]
fn an_empty_sku_or_name_is_bad() {
    assert_bad(
        &["", "Mug", "1250", "3"],
        &["sku"],
        "every product has a sku",
    );
    assert_bad(
        &["A-1", "", "1250", "3"],
        &["name"],
        "every product has a name",
    );
}

#[test]
fn a_price_that_is_not_whole_cents_is_bad() {
    assert_bad(
        &["A-1", "Mug", "12.50", "3"],
        &["price_cents", "12.50"],
        "cents are whole; 12.50 is a price in euros in the wrong column",
    );
    assert_bad(
        &["A-1", "Mug", "", "3"],
        &["price_cents"],
        "empty is no number",
    );
    assert_bad(
        &["A-1", "Mug", "99999999999999999999", "3"],
        &["price_cents"],
        "past i64",
    );
}

#[test]
fn a_negative_price_is_bad() {
    assert_bad(
        &["A-1", "Mug", "-5", "3"],
        &["price_cents", "-5"],
        "nothing costs less than nothing",
    );
}

#[test]
fn a_quantity_that_is_not_whole_is_bad() {
    assert_bad(
        &["A-1", "Mug", "1250", "three"],
        &["quantity", "three"],
        "a quantity is a whole number",
    );
}

// ---------------------------------------------------------------------------------------------
// The header

#[test]
fn a_file_of_good_rows_is_imported() {
    let mut conn = db();
    let report = run_ok(&mut conn, &good_rows(3), &SKIP);
    assert_eq!(skus(&conn), ["sku-1", "sku-2", "sku-3"]);
    assert_eq!(report.inserted, 3, "the report counts the rows inserted");
    assert_eq!(report.bad_count, 0);
}

#[track_caller]
fn assert_header_refused(csv: &str, got: &[&str], why: &str) {
    let mut conn = db();
    match run(&mut conn, csv, &SKIP) {
        Err(ImportError::Header { got: g }) => assert_eq!(g, got, "{why}"),
        other => {
            panic!("importing {csv:?} must fail with ImportError::Header ({why}); got {other:?}")
        }
    }
    assert_eq!(
        skus(&conn),
        Vec::<String>::new(),
        "{why}: nothing is written"
    );
    assert_eq!(
        inserts_per_commit(),
        Vec::<usize>::new(),
        "{why}: nothing is committed"
    );
}

#[test]
fn a_header_in_another_order_is_refused_before_anything_is_written() {
    assert_header_refused(
        "sku,name,quantity,price_cents\nA-1,Mug,3,1250\n",
        &["sku", "name", "quantity", "price_cents"],
        "quantity and price_cents swapped: loading it would make 1250 mugs at 3 cents",
    );
}

#[test]
fn a_header_missing_a_column_is_refused() {
    assert_header_refused(
        "sku,name,price_cents\nA-1,Mug,1250\n",
        &["sku", "name", "price_cents"],
        "no quantity column",
    );
}

#[test]
fn a_file_without_a_header_is_refused() {
    assert_header_refused(
        "A-1,Mug,1250,3\n",
        &["A-1", "Mug", "1250", "3"],
        "the first record is a row",
    );
    assert_header_refused("", &[], "an empty file has no header");
}

// ---------------------------------------------------------------------------------------------
// Bad rows

#[test]
fn bad_rows_are_reported_with_their_line_and_skipped() {
    let csv = "sku,name,price_cents,quantity\n\
               A-1,Mug,1250,3\n\
               A-2,Plate,12.50,1\n\
               A-3,Bowl,800,2\n\
               ,Cup,100,1\n";
    let mut conn = db();
    let report = run_ok(&mut conn, csv, &SKIP);
    assert_eq!(skus(&conn), ["A-1", "A-3"], "the good rows are imported");
    assert_eq!(report.inserted, 2);
    let lines: Vec<u64> = report.bad_rows.iter().map(|b| b.line).collect();
    assert_eq!(
        lines,
        [3, 5],
        "the bad rows are on lines 3 and 5 (the header is line 1); got {:?}",
        report.bad_rows
    );
    assert!(
        report.bad_rows[0].reason.contains("price_cents"),
        "line 3's reason names the field; got {:?}",
        report.bad_rows[0]
    );
    assert_eq!(report.bad_count, 2);
}

#[test]
fn a_malformed_record_is_a_bad_row_with_its_line() {
    let csv = "sku,name,price_cents,quantity\nA-1,\"Mug\" blue,1250,3\nA-2,Plate,900,1\n";
    let mut conn = db();
    let report = run_ok(&mut conn, csv, &SKIP);
    assert_eq!(
        skus(&conn),
        ["A-2"],
        "the record after the malformed one is read"
    );
    assert_eq!(
        report.bad_rows.iter().map(|b| b.line).collect::<Vec<_>>(),
        [2],
        "text after a closing quote on line 2 is a bad row, not the end of the import; got {:?}",
        report.bad_rows
    );
}

#[test]
fn a_bad_row_is_reported_at_the_line_its_record_starts_on() {
    let csv = "sku,name,price_cents,quantity\n\
               A-1,\"Mug\nwith a\nlong name\",1250,3\n\
               A-2,Plate,x,1\n";
    let mut conn = db();
    let report = run_ok(&mut conn, csv, &SKIP);
    let lines: Vec<u64> = report.bad_rows.iter().map(|b: &BadRow| b.line).collect();
    assert_eq!(
        lines,
        [5],
        "A-2 is the file's third record but starts on line 5: A-1's name spans lines 2-4; \
         got {:?}",
        report.bad_rows
    );
}

#[test]
fn the_report_keeps_the_first_bad_rows_and_counts_them_all() {
    let mut csv = String::from("sku,name,price_cents,quantity\n");
    for _ in 0..MAX_REPORTED + 50 {
        csv.push_str("A-1,Mug,bad,1\n");
    }
    let mut conn = db();
    let report = run_ok(&mut conn, &csv, &SKIP);
    assert_eq!(
        (report.bad_rows.len(), report.bad_count),
        (MAX_REPORTED, MAX_REPORTED + 50),
        "Report::bad_row keeps the first {MAX_REPORTED} and counts every one: a file of a \
         million bad rows must not become a million reasons in memory"
    );
}

// ---------------------------------------------------------------------------------------------
// Batches

#[test]
fn rows_are_committed_in_batches_of_batch_size() {
    let mut conn = db();
    let report = run_ok(&mut conn, &good_rows(10), &skip_in_batches_of(4));
    assert_eq!(
        inserts_per_commit(),
        [4, 4, 2],
        "10 rows in batches of 4: two full transactions, then the last 2 rows committed at \
         the end (SQLite's trace shows each INSERT and COMMIT)"
    );
    assert_eq!((report.inserted, report.batches), (10, 3));
    assert_eq!(skus(&conn).len(), 10);
}

#[test]
fn a_file_that_fills_its_last_batch_exactly_commits_no_empty_one() {
    let mut conn = db();
    let report = run_ok(&mut conn, &good_rows(8), &skip_in_batches_of(4));
    assert_eq!(inserts_per_commit(), [4, 4]);
    assert_eq!(
        report.batches, 2,
        "two transactions were committed, not three"
    );
}

#[test]
fn bad_rows_do_not_count_toward_a_batch() {
    let csv = "sku,name,price_cents,quantity\n\
               A-1,Mug,100,1\nbad\nA-2,Mug,100,1\nbad\nA-3,Mug,100,1\nA-4,Mug,100,1\n";
    let mut conn = db();
    run_ok(&mut conn, csv, &skip_in_batches_of(2));
    assert_eq!(
        inserts_per_commit(),
        [2, 2],
        "a batch is batch_size inserted rows; the bad rows between them take no place"
    );
}

#[test]
fn the_stop_policy_stops_at_the_first_bad_row_and_keeps_whole_batches() {
    let csv = "sku,name,price_cents,quantity\n\
               A-1,Mug,100,1\nA-2,Mug,100,1\nA-3,Mug,100,1\nA-4,Mug,100,1\nA-5,Mug,100,1\n\
               A-6,Mug,oops,1\nA-7,Mug,100,1\n";
    let mut conn = db();
    let policy = Policy {
        batch_size: 2,
        on_bad_row: OnBadRow::Stop,
    };
    match run(&mut conn, csv, &policy) {
        Err(ImportError::Stopped { bad, inserted }) => {
            assert_eq!(bad.line, 7, "A-6 is on line 7; got {bad:?}");
            assert_eq!(
                inserted, 4,
                "two batches of 2 were committed before the stop"
            );
        }
        other => panic!("a bad row under OnBadRow::Stop must end in Stopped; got {other:?}"),
    }
    assert_eq!(
        skus(&conn),
        ["A-1", "A-2", "A-3", "A-4"],
        "A-5 was in the open batch when A-6 stopped the import: it rolls back, so the table \
         holds whole batches only, and A-7 is never read"
    );
}

/// An input that hands out `data` up to `fail_at`, then fails once (as a dropped connection
/// does), then ends.
struct DiesAfter {
    data: Vec<u8>,
    at: usize,
    fail_at: usize,
}

impl Read for DiesAfter {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.fail_at {
            self.at = self.data.len();
            return Err(std::io::Error::other("the input died"));
        }
        let n = out
            .len()
            .min(self.fail_at.saturating_sub(self.at))
            .min(self.data.len() - self.at);
        out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        SERVED.set(SERVED.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn an_import_that_dies_mid_batch_leaves_only_whole_batches() {
    let csv = good_rows(10);
    // Cut inside the line of sku-7: batches of 3 committed sku-1..6, sku-7 never arrives.
    let fail_at = csv.find("sku-7,").unwrap() + 3;
    let input = DiesAfter {
        data: csv.into_bytes(),
        at: 0,
        fail_at,
    };
    let mut conn = db();
    let result = import(&mut conn, BufReader::new(input), &skip_in_batches_of(4));
    assert!(
        matches!(result, Err(ImportError::Io(_))),
        "an I/O error ends the import with ImportError::Io; got {result:?}"
    );
    assert_eq!(
        skus(&conn),
        ["sku-1", "sku-2", "sku-3", "sku-4"],
        "sku-5 and sku-6 were in the open batch when the input died: they roll back; the \
         table holds whole batches only, so a rerun can start after row 4"
    );
}

#[test]
fn the_input_is_streamed_not_read_whole_first() {
    let rows = 5000;
    let csv = good_rows(rows);
    let total = csv.len();
    let input = DiesAfter {
        data: csv.into_bytes(),
        at: 0,
        fail_at: usize::MAX, // never
    };
    let mut conn = db();
    SERVED.set(0);
    SERVED_AT_COMMIT.with(|s| s.borrow_mut().clear());
    let input = BufReader::with_capacity(1024, input);
    let report = import(&mut conn, input, &skip_in_batches_of(100));
    let report = report.unwrap_or_else(|e| panic!("import failed: {e:?}"));
    assert_eq!(report.inserted, rows);
    let first = SERVED_AT_COMMIT.with(|s| s.borrow().first().copied());
    assert!(
        first.is_some_and(|served| served < 8 * 1024),
        "the first batch (100 rows, ~2.5 KB) must be committed after reading about that much \
         of the {total}-byte file; {first:?} bytes had been read: an import that reads the \
         whole file first needs memory for any file size"
    );
}
