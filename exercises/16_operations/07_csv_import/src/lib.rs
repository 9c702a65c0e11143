//! # CSV import into SQLite, step 2: validated rows, committed in batches
//!
//! Step 1's reader (given: `csv.rs`) turns bytes into records. An import turns records into
//! rows of a table, and a real file is large and partly wrong: a price of `12.50` in a cents
//! column, a row with a field missing, a name left empty. Three decisions make an import
//! something operations can run on a 2 GB file at 3 a.m.:
//!
//! - **Validate into a type, report, go on.** The header must be exactly [`HEADER`], or the
//!   file is refused before anything is written (columns in another order would load prices
//!   as quantities). Each row becomes a [`Product`] or a reason naming the field and the
//!   value: `line 7: price_cents: "12.50" is not a whole number`. The line is the record's
//!   own, from the reader: a name with a line break in it makes rows and lines disagree, and
//!   whoever fixes the file opens it at that line. Under [`OnBadRow::Skip`] the bad row is
//!   reported and skipped; under [`OnBadRow::Stop`] the import stops there with
//!   [`ImportError::Stopped`]. A CSV error on one record (say, text after a closing quote) is
//!   a bad row too; an I/O error is not: the input is gone, so the import ends with it.
//! - **Commit in batches.** One transaction per row makes SQLite sync the disk per row,
//!   hundreds of times slower. One transaction for the whole file holds its locks and its
//!   journal for the whole import, and a failure at row 9 million throws away the 8,999,999
//!   before it. So: a transaction per [`Policy::batch_size`] inserted rows (bad rows do not
//!   count), committed as it fills; the last, partial batch committed at the end. If the
//!   import dies mid-batch (an I/O error, a stop), that batch rolls back: the table holds
//!   whole batches only, and the report or the error says how many rows made it in.
//! - **Stream.** Read a record, insert it, forget it. Memory stays the same for any file size;
//!   the report keeps only the first bad rows it is given ([`Report::bad_row`], given).
//!
//! `conn.transaction()?` begins one; `tx.commit()?` commits it (consuming it); a transaction
//! dropped without a commit rolls back, which is what an early return with `?` does.
//! [`insert`] (given) writes one product. The tests count the `COMMIT`s SQLite runs.
//!
//! Sources: RFC 4180; SQLite, "Atomic Commit" (<https://www.sqlite.org/atomiccommit.html>)
//! and the FAQ on why many INSERTs are slow outside a transaction
//! (<https://www.sqlite.org/faq.html#q19>).

pub mod csv;

use std::io::{self, BufRead};

use rusqlite::{Connection, Transaction, params};

pub use csv::{CsvError, Reader, Record};

impl Product {
    /// The product a record holds, or why the row is bad, naming the field and its value.
    pub fn from_record(record: &Record) -> Result<Product, String> {
        // TODO: exactly four fields; sku and name not empty; price_cents and quantity whole
        //       numbers (i64), price_cents not negative.
        todo!("validate {record:?}")
    }
}

/// Imports the CSV in `input` into the products table: the header checked, each row
/// validated, bad rows reported (or the import stopped, per the policy), good rows inserted
/// in one transaction per `policy.batch_size` of them.
pub fn import(
    conn: &mut Connection,
    input: impl BufRead,
    policy: &Policy,
) -> Result<Report, ImportError> {
    // TODO: read the header; then for each record: a Product or a BadRow; insert the good
    //       ones in the open transaction; commit and begin anew every batch_size rows.
    let _ = (conn, Reader::new(input), policy);
    todo!("import")
}

// ---------------------------------------------------------------------------------------------
// Given: the table, the policy, the report and the errors.
// ---------------------------------------------------------------------------------------------

/// The columns an import file starts with, in this order.
pub const HEADER: [&str; 4] = ["sku", "name", "price_cents", "quantity"];

/// One row of the products table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub quantity: i64,
}

/// Creates the products table.
pub fn create_table(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE products (
             id INTEGER PRIMARY KEY,
             sku TEXT NOT NULL,
             name TEXT NOT NULL,
             price_cents INTEGER NOT NULL,
             quantity INTEGER NOT NULL
         )",
    )
}

/// Inserts one product, inside the transaction `tx`.
pub fn insert(tx: &Transaction<'_>, product: &Product) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO products (sku, name, price_cents, quantity) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        product.sku,
        product.name,
        product.price_cents,
        product.quantity
    ])?;
    Ok(())
}

/// What to do with a row that is not a valid product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnBadRow {
    /// Report it and go on with the next row.
    Skip,
    /// Stop the import there: [`ImportError::Stopped`].
    Stop,
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Good rows per transaction (at least 1).
    pub batch_size: usize,
    pub on_bad_row: OnBadRow,
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// The line its record starts on.
    pub line: u64,
    pub reason: String,
}

/// How many bad rows a report keeps; the rest are only counted, so memory stays bounded.
pub const MAX_REPORTED: usize = 100;

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Rows inserted and committed.
    pub inserted: usize,
    /// Transactions committed.
    pub batches: usize,
    /// The first [`MAX_REPORTED`] bad rows.
    pub bad_rows: Vec<BadRow>,
    /// Every bad row, reported or not.
    pub bad_count: usize,
}

impl Report {
    /// Counts a bad row, and keeps it if fewer than [`MAX_REPORTED`] are kept.
    pub fn bad_row(&mut self, bad: BadRow) {
        self.bad_count += 1;
        if self.bad_rows.len() < MAX_REPORTED {
            self.bad_rows.push(bad);
        }
    }
}

/// Why an import ended early. Whatever was committed before stays committed.
#[derive(Debug)]
pub enum ImportError {
    /// The first record is not [`HEADER`] (`got` is what it is; empty for an empty file).
    Header {
        got: Vec<String>,
    },
    /// [`OnBadRow::Stop`] met `bad`; `inserted` rows were committed before it.
    Stopped {
        bad: BadRow,
        inserted: usize,
    },
    /// The header's own record is malformed.
    Csv(CsvError),
    Io(io::Error),
    Db(rusqlite::Error),
}

impl From<CsvError> for ImportError {
    fn from(e: CsvError) -> Self {
        match e {
            CsvError::Io(e) => ImportError::Io(e),
            e => ImportError::Csv(e),
        }
    }
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Db(e)
    }
}

impl From<io::Error> for ImportError {
    fn from(e: io::Error) -> Self {
        ImportError::Io(e)
    }
}
