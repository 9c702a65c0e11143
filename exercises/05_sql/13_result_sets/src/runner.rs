//! Given code: the rest of a sqllogictest runner, which reads a `.test` file and runs it
//! against a rusqlite `Connection`, comparing results with your functions in `lib.rs`.
//! It follows the original runner, `src/sqllogictest.c` of SQLite's sqllogictest
//! (<https://sqlite.org/sqllogictest/doc/trunk/about.wiki>), in what it accepts and checks.
//!
//! A file is a list of *records* separated by blank lines; lines starting with `#` are
//! comments, ignored wherever they are. The first line of a record says what it is:
//!
//! ```text
//! statement ok                    SQL follows; it must succeed (`error`: it must fail)
//! query IIT rowsort [label]       SQL, then `----`, then the expected values, one a line
//! hash-threshold 8                results with more values than this are compared by hash
//! halt                            stop reading the file
//! skipif ENGINE / onlyif ENGINE   before any of these: run it only on the right engine
//! ```

use crate::{SortMode, md5_hex, render, result_lines, sort_values};
use rusqlite::Connection;
use std::collections::HashMap;

/// The engine name this runner answers to in `skipif` and `onlyif` (compared ignoring case,
/// as the original does with the name of its SQLite engine).
pub const ENGINE: &str = "sqlite";

/// The original's threshold until a `hash-threshold` record changes it.
pub const DEFAULT_HASH_THRESHOLD: usize = 8;

/// One record of a test file.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The line its first line is on (after any `skipif`/`onlyif`), 1-based, for messages.
    pub line: usize,
    /// Whether `skipif`/`onlyif` lines before it exclude SQLite.
    pub skipped: bool,
    pub kind: Kind,
}

/// What a record asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Statement { sql: String, expect_error: bool },
    Query(Query),
    HashThreshold(usize),
    Halt,
}

/// A `query` record.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// One letter per column: `I`, `T` or `R`.
    pub types: Vec<char>,
    pub sort: SortMode,
    /// Queries with the same label must give the same result (compared by hash).
    pub label: Option<String>,
    pub sql: String,
    /// The lines after `----`.
    pub expected: Vec<String>,
}

/// Splits a test file into records. A malformed record is an error naming its line.
pub fn parse(text: &str) -> Result<Vec<Record>, String> {
    // Lines with their 1-based numbers, comments dropped (they never end a record), lines
    // of spaces made empty (they do end one), and a `\r` before the `\n` removed.
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, if l.trim().is_empty() { "" } else { l }))
        .filter(|(_, l)| !l.starts_with('#'))
        .collect();
    let mut records = Vec::new();
    // Each chunk of consecutive non-empty lines is one record.
    for chunk in lines.split(|(_, l)| l.is_empty()).filter(|c| !c.is_empty()) {
        let mut rest = chunk;
        let mut skipped = false;
        // `skipif x` skips on engine x; `onlyif x` skips on every other engine. Several may
        // stack up (the original loops), and any of them can skip.
        while let Some(((_, first), tail)) = rest.split_first() {
            let words: Vec<&str> = first.split_whitespace().collect();
            let matches = words.get(1).is_some_and(|e| e.eq_ignore_ascii_case(ENGINE));
            match words[0] {
                "skipif" => skipped |= matches,
                "onlyif" => skipped |= !matches,
                _ => break,
            }
            rest = tail;
        }
        let Some(((line, first), body)) = rest.split_first() else {
            return Err(format!(
                "line {}: skipif/onlyif with no record after it",
                chunk[0].0
            ));
        };
        let kind = parse_kind(first, body).map_err(|e| format!("line {line}: {e}"))?;
        records.push(Record {
            line: *line,
            skipped,
            kind,
        });
    }
    Ok(records)
}

fn parse_kind(first: &str, body: &[(usize, &str)]) -> Result<Kind, String> {
    let words: Vec<&str> = first.split_whitespace().collect();
    let body: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
    match words[0] {
        "statement" => Ok(Kind::Statement {
            sql: body.join("\n"),
            expect_error: match words.get(1) {
                Some(&"ok") => false,
                Some(&"error") => true,
                _ => return Err("statement must be followed by `ok` or `error`".into()),
            },
        }),
        "query" => {
            let types: Vec<char> = words.get(1).unwrap_or(&"").chars().collect();
            if types.is_empty() || types.iter().any(|c| !"ITR".contains(*c)) {
                return Err(format!(
                    "query types must be letters I, T, R, not {types:?}"
                ));
            }
            let sort = match words.get(2).copied().unwrap_or("nosort") {
                "nosort" => SortMode::NoSort,
                "rowsort" => SortMode::RowSort,
                "valuesort" => SortMode::ValueSort,
                other => return Err(format!("unknown sort mode {other:?}")),
            };
            // The SQL runs up to `----`; a query with no `----` expects no rows.
            let split = body.iter().position(|l| *l == "----");
            let (sql, expected) = match split {
                Some(i) => (&body[..i], &body[i + 1..]),
                None => (&body[..], &[][..]),
            };
            Ok(Kind::Query(Query {
                types,
                sort,
                label: words.get(3).map(|l| l.to_string()),
                sql: sql.join("\n"),
                expected: expected.iter().map(|l| l.to_string()).collect(),
            }))
        }
        "hash-threshold" => words
            .get(1)
            .and_then(|n| n.parse().ok())
            .map(Kind::HashThreshold)
            .ok_or_else(|| "hash-threshold needs a number".into()),
        "halt" => Ok(Kind::Halt),
        other => Err(format!("unknown record type {other:?}")),
    }
}

/// What running a file gave.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Statements and queries run.
    pub run: usize,
    /// Those that gave what the file expects.
    pub passed: usize,
    /// Statements and queries not run because of `skipif`/`onlyif`.
    pub skipped: usize,
    /// Those that did not, in file order.
    pub mismatches: Vec<Mismatch>,
}

impl Outcome {
    /// The first statement or query that did not give what the file expects.
    pub fn first_mismatch(&self) -> Option<&Mismatch> {
        self.mismatches.first()
    }
}

/// A statement or query whose result was not the expected one.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// `file:line` of the record.
    pub place: String,
    pub sql: String,
    pub expected: Vec<String>,
    pub got: Vec<String>,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:\n{}\nexpected {:?}\n     got {:?}",
            self.place, self.sql, self.expected, self.got
        )
    }
}

/// Runs the records of the file `name` (used in messages) on `conn`, in order, and counts.
pub fn run(conn: &Connection, name: &str, records: &[Record]) -> Outcome {
    let mut outcome = Outcome::default();
    let mut threshold = DEFAULT_HASH_THRESHOLD;
    // label -> the hash of the first result seen under it.
    let mut labels: HashMap<String, String> = HashMap::new();
    for record in records {
        let (sql, expected, got) = match &record.kind {
            Kind::HashThreshold(n) => {
                threshold = *n;
                continue;
            }
            Kind::Halt if !record.skipped => break,
            Kind::Halt => continue,
            Kind::Statement { .. } | Kind::Query(_) if record.skipped => {
                outcome.skipped += 1;
                continue;
            }
            Kind::Statement { sql, expect_error } => {
                let failed = conn.execute_batch(sql).is_err();
                let word = |err: bool| if err { "error" } else { "ok" }.to_string();
                (sql, vec![word(*expect_error)], vec![word(failed)])
            }
            Kind::Query(q) => {
                let got = match query(conn, q) {
                    Err(e) => vec![format!("query failed: {e}")],
                    Ok(values) => {
                        // A label names a result that other queries must reproduce: the
                        // original checks that by hash whatever the threshold.
                        if let Some(label) = &q.label {
                            let hash = md5_hex(&values);
                            let first = labels.entry(label.clone()).or_insert(hash.clone());
                            if *first != hash {
                                vec![format!(
                                    "label {label} hashed to {first} before, now {hash}"
                                )]
                            } else {
                                result_lines(values, threshold)
                            }
                        } else {
                            result_lines(values, threshold)
                        }
                    }
                };
                (&q.sql, q.expected.clone(), got)
            }
        };
        outcome.run += 1;
        if expected == got {
            outcome.passed += 1;
        } else {
            outcome.mismatches.push(Mismatch {
                place: format!("{name}:{}", record.line),
                sql: sql.clone(),
                expected,
                got,
            });
        }
    }
    outcome
}

/// Runs a query and returns its values as the file writes them: rendered for their column's
/// type, row after row, then sorted as the record asks.
pub fn query(conn: &Connection, q: &Query) -> Result<Vec<String>, String> {
    let mut stmt = conn.prepare(&q.sql).map_err(|e| e.to_string())?;
    // The original refuses a result whose width is not the number of type letters.
    if stmt.column_count() != q.types.len() {
        let n = stmt.column_count();
        return Err(format!("{n} columns, but {} type letters", q.types.len()));
    }
    let mut values = Vec::new();
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        for (i, ty) in q.types.iter().enumerate() {
            values.push(render(row.get_ref(i).map_err(|e| e.to_string())?, *ty));
        }
    }
    Ok(sort_values(values, q.types.len(), q.sort))
}

/// Reads, parses and runs a test file on a fresh in-memory database.
pub fn run_file(path: &std::path::Path) -> Result<Outcome, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let records = parse(&text).map_err(|e| format!("{name}: {e}"))?;
    let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    Ok(run(&conn, &name, &records))
}
