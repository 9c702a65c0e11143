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

use md5::{Digest, Md5};
use printf::fixed3;
use rusqlite::types::ValueRef;
use std::str::FromStr;

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
    match (column_type, value) {
        (_, ValueRef::Null) => "NULL".to_string(),
        // sqlite3_column_int: an int of 32 bits; `as` truncates a real toward zero.
        ('I', ValueRef::Integer(i)) => (i as i32).to_string(),
        ('I', ValueRef::Real(r)) => (r as i64 as i32).to_string(),
        ('I', ValueRef::Text(t) | ValueRef::Blob(t)) => (leading::<i64>(t) as i32).to_string(),
        ('R', ValueRef::Integer(i)) => fixed3(i as f64),
        ('R', ValueRef::Real(r)) => fixed3(r),
        ('R', ValueRef::Text(t) | ValueRef::Blob(t)) => fixed3(leading(t)),
        (_, ValueRef::Integer(i)) => i.to_string(),
        (_, ValueRef::Real(r)) => format!("{r:?}"),
        (_, ValueRef::Text([]) | ValueRef::Blob([])) => "(empty)".to_string(),
        // Byte by byte, as the C does: a character of several UTF-8 bytes is several `@`.
        (_, ValueRef::Text(t) | ValueRef::Blob(t)) => t
            .iter()
            .map(|&b| if (b' '..=b'~').contains(&b) { b as char } else { '@' })
            .collect(),
    }
}

/// The number that `text` starts with (after spaces), or 0: the longest prefix that parses.
fn leading<T: FromStr + Default>(text: &[u8]) -> T {
    let text = String::from_utf8_lossy(text);
    let text = text.trim_start();
    (1..=text.len())
        .rev()
        .find_map(|n| text.get(..n)?.parse().ok())
        .unwrap_or_default()
}

/// `values` (row after row, `columns` per row) in the order `mode` asks for.
pub fn sort_values(mut values: Vec<String>, columns: usize, mode: SortMode) -> Vec<String> {
    match mode {
        SortMode::NoSort => values,
        SortMode::ValueSort => {
            values.sort();
            values
        }
        SortMode::RowSort => {
            // A Vec<String> compares value by value, and a String byte by byte: strcmp's order.
            let mut rows: Vec<&[String]> = values.chunks(columns).collect();
            rows.sort();
            rows.concat()
        }
    }
}

/// The MD5, in lowercase hex, of every value followed by a newline.
pub fn md5_hex(values: &[String]) -> String {
    let mut md5 = Md5::new();
    for value in values {
        md5.update(value.as_bytes());
        md5.update(b"\n");
    }
    format!("{:x}", md5.finalize())
}

/// The lines a result is compared with: the values themselves, or, when there are more of them
/// than `threshold` (0: no threshold), the one line `N values hashing to H`.
pub fn result_lines(values: Vec<String>, threshold: usize) -> Vec<String> {
    if threshold > 0 && values.len() > threshold {
        vec![format!("{} values hashing to {}", values.len(), md5_hex(&values))]
    } else {
        values
    }
}
