//! # Result sets: a bag of rows, compared the way SQLite's own test suite does
//!
//! A test of database code runs a query and compares what comes back with what it expects.
//! Done naively (`assert_eq!(rows, vec![...])`) it fails for reasons that are not bugs:
//!
//! - **Without `ORDER BY`, the order of rows is unspecified.** SQLite returns them in whatever
//!   order its plan visits them, and a new index, an `ANALYZE` or another engine changes it.
//!   A result is a *bag* (a multiset) of rows; to compare bags, sort both sides first.
//! - **NULL is not the empty string**, nor 0: a comparison that prints both as `""` hides the
//!   difference between "no email" and "an empty email".
//! - **How a value prints depends on the column's type.** `avg` of integers is the real `2.0`,
//!   and the last digits of a sum of reals depend on the order it added them in: fix the
//!   number of decimals.
//!
//! SQLite is tested against millions of such queries with **sqllogictest**, whose files also
//! run on other engines. A record reads:
//!
//! ```text
//! query IT rowsort
//! SELECT id, name FROM t
//! ----
//! 1
//! alice
//! ```
//!
//! `IT`: one type letter per column; then a sort mode; then the expected values, one per line,
//! row after row. Here you write the normalisation part of its runner, as the original does
//! (`src/slt_sqlite.c`, `src/sqllogictest.c`); the file parser and the loop that runs records
//! are given, in `runner.rs`. Rendering a value for its column's letter:
//!
//! - NULL is `NULL` in any column;
//! - `I`: the integer, read as SQLite's `sqlite3_column_int` reads it: 32 bits (the low ones),
//!   a real truncated toward zero, text as the integer it starts with (`12ab` → 12, `ab` → 0);
//! - `R`: the number with three decimals (`%.3f`), text read as the number it starts with;
//! - `T`: the text, `(empty)` if empty, every byte outside `' '..='~'` as `@`; an integer or a
//!   real as SQLite writes it as text (`7`, `2.0`, `0.5`: Rust's `{:?}` for such reals).
//!
//! Then the sort mode: `nosort` keeps the order, `rowsort` sorts the rows (comparing value by
//! value, each as a string of bytes), `valuesort` sorts all the values as one list. And last,
//! a result of more values than the *hash threshold* is written as one line,
//! `N values hashing to H`, where H is the MD5 (lowercase hex) of every value followed by `\n`.
//!
//! Primary source: <https://sqlite.org/sqllogictest/doc/trunk/about.wiki>. The chapter
//! README says more.

use rusqlite::types::ValueRef;

pub mod printf;
pub mod runner;

/// How a query's values are ordered before they are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    /// The query has an `ORDER BY` (or one row): keep the order.
    NoSort,
    /// Sort the rows, each compared value by value.
    RowSort,
    /// Sort all the values as one list, ignoring rows.
    ValueSort,
}

/// One value as sqllogictest writes it in a column of type `column_type` (`'I'`, `'T'`, `'R'`).
pub fn render(value: ValueRef<'_>, column_type: char) -> String {
    // TODO: match on (column_type, value), with the rules above. For R use the given
    // `printf::fixed3`, SQLite's own %.3f (Rust's `{:.3}` differs past 16 digits).
    todo!("render({value:?}, {column_type:?})")
}

/// `values` (row after row, `columns` per row) in the order `mode` asks for.
pub fn sort_values(values: Vec<String>, columns: usize, mode: SortMode) -> Vec<String> {
    // TODO: nosort, rowsort (whole rows, compared value by value), valuesort.
    todo!("sort_values({values:?}, {columns}, {mode:?})")
}

/// The MD5, in lowercase hex, of every value followed by a newline.
pub fn md5_hex(values: &[String]) -> String {
    // TODO: `md5::Md5` (crate md-5) with `md5::Digest`'s `new`, `update` and `finalize`.
    todo!("md5_hex({values:?})")
}

/// The lines a result is compared with: the values themselves, or, when there are more of them
/// than `threshold` (0: no threshold), the one line `N values hashing to H`.
pub fn result_lines(values: Vec<String>, threshold: usize) -> Vec<String> {
    // TODO: the values, or one line `N values hashing to H`.
    todo!("result_lines({values:?}, {threshold})")
}
