//! The specification of the CSV reader: RFC 4180 §2 rule by rule, then the malformed records
//! with their lines, then streaming and the record limit counted by the bytes read, then the
//! csv-spectrum files (`../shared/vectors/csv`).

use std::cell::Cell;
use std::io::{BufReader, Read};
use std::rc::Rc;

use csv_records::{CsvError, Reader, Record};

/// Every record of `input` (each with its line), or the first error.
#[track_caller]
fn records(input: &str) -> Vec<Record> {
    Reader::new(input.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("reading {input:?} failed: {e} ({e:?})"))
}

/// The fields of every record of `input`.
#[track_caller]
fn fields(input: &str) -> Vec<Vec<String>> {
    records(input).into_iter().map(|r| r.fields).collect()
}

fn rows(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|f| f.to_string()).collect())
        .collect()
}

#[track_caller]
fn check(input: &str, expected: &[&[&str]], why: &str) {
    assert_eq!(fields(input), rows(expected), "reading {input:?}: {why}");
}

/// The first error reading `input`, after the records before it.
#[track_caller]
fn first_error(input: &str) -> CsvError {
    match Reader::new(input.as_bytes()).find_map(Result::err) {
        Some(e) => e,
        None => panic!("reading {input:?} must fail, but every record was accepted"),
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 4180 §2, rule by rule

#[test]
fn fields_are_separated_by_commas() {
    check("a,b,c\n", &[&["a", "b", "c"]], "RFC 4180 §2.4");
    check("one\n", &[&["one"]], "a record of one field");
}

#[test]
fn records_end_with_lf_or_crlf() {
    check(
        "a,b\r\n1,2\r\n",
        &[&["a", "b"], &["1", "2"]],
        "RFC 4180 §2.1: CRLF ends a record, and the CR is not part of the last field",
    );
    check(
        "a,b\n1,2\n",
        &[&["a", "b"], &["1", "2"]],
        "files written on Unix end records with LF",
    );
}

#[test]
fn the_last_record_needs_no_line_break() {
    check(
        "a,b\n1,2",
        &[&["a", "b"], &["1", "2"]],
        "RFC 4180 §2.2: the last record may lack a line break",
    );
}

#[test]
fn empty_input_has_no_records() {
    check("", &[], "nothing in, nothing out");
}

#[test]
fn blank_lines_are_skipped() {
    check(
        "a\n\n\r\nb\n\n",
        &[&["a"], &["b"]],
        "a line that is only a line break holds no record",
    );
}

#[test]
fn empty_fields_are_kept() {
    check(
        ",a,,\n",
        &[&["", "a", "", ""]],
        "a comma at either end and two in a row each add an empty field",
    );
    check(
        "1,\"\",\"\"\n",
        &[&["1", "", ""]],
        "\"\" is an empty field (csv-spectrum empty.csv)",
    );
}

#[test]
fn spaces_belong_to_the_field() {
    check(
        " a , b \n",
        &[&[" a ", " b "]],
        "RFC 4180 §2.4: spaces are part of a field and must not be ignored",
    );
}

#[test]
fn a_quoted_field_holds_commas() {
    check(
        "John,\"Anytown, WW\",08123\n",
        &[&["John", "Anytown, WW", "08123"]],
        "RFC 4180 §2.6 (csv-spectrum comma_in_quotes.csv): the comma is data; splitting on \
         every comma makes four fields of three",
    );
}

#[test]
fn a_doubled_quote_in_a_quoted_field_is_one_quote() {
    check(
        "1,\"ha \"\"ha\"\" ha\"\n",
        &[&["1", "ha \"ha\" ha"]],
        "RFC 4180 §2.7 (csv-spectrum escaped_quotes.csv)",
    );
    check(
        "\"\"\"\"\n",
        &[&["\""]],
        "a field that is one quote: \"\"\"\"",
    );
}

#[test]
fn a_quoted_field_runs_over_lines() {
    check(
        "\"Once upon \na time\",5,6\n7,8,9\n",
        &[&["Once upon \na time", "5", "6"], &["7", "8", "9"]],
        "RFC 4180 §2.6: a line break inside quotes is data (csv-spectrum newlines.csv)",
    );
    check(
        "\"Once upon \r\na time\",5\r\n7,8\r\n",
        &[&["Once upon \r\na time", "5"], &["7", "8"]],
        "a CRLF inside quotes is kept as it is, CR and all",
    );
    check(
        "\"a\n\n\nb\"\n",
        &[&["a\n\n\nb"]],
        "empty lines inside quotes are data, not blank lines to skip",
    );
}

#[test]
fn unicode_fields_are_text() {
    check(
        "4,5,ʤ\n\"naïve, café\",日本\n",
        &[&["4", "5", "ʤ"], &["naïve, café", "日本"]],
        "UTF-8 fields come back as they are (csv-spectrum utf8.csv)",
    );
}

// ---------------------------------------------------------------------------------------------
// Line numbers

#[test]
fn each_record_knows_the_line_it_starts_on() {
    let input = "a,b\n\"x\ny\nz\",1\n\n3,\"p\r\nq\"\r\nlast,1";
    let lines: Vec<(u64, String)> = records(input)
        .into_iter()
        .map(|r| (r.line, r.fields[0].clone()))
        .collect();
    let expected: Vec<(u64, String)> = [(1, "a"), (2, "x\ny\nz"), (6, "3"), (8, "last")]
        .into_iter()
        .map(|(l, f)| (l, f.to_string()))
        .collect();
    assert_eq!(
        lines, expected,
        "reading {input:?}: a record's line is where it starts (the first is 1); the lines \
         inside a quoted field and blank lines count"
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed records

#[test]
fn a_quote_inside_an_unquoted_field_is_data() {
    check(
        "a,37°36'37.8\"N,x\"\"y\n",
        &[&["a", "37°36'37.8\"N", "x\"\"y"]],
        "RFC 4180 §2.5 says not to write one, but exports do (csv-spectrum \
         location_coordinates.csv): a field that does not start with a quote is unquoted, \
         and its quotes are data, each as it is",
    );
}

#[test]
fn text_after_a_closing_quote_is_an_error() {
    let e = first_error("a\n\"ab\"c,d\n");
    assert!(
        matches!(e, CsvError::TextAfterQuote { line: 2 }),
        "after a closing quote only a comma or the end of the record may come; line 2 has \
         \"ab\"c; got {e:?}"
    );
    let e = first_error("\"a\nb\" x\n");
    assert!(
        matches!(e, CsvError::TextAfterQuote { line: 2 }),
        "the error names the line it is on (2), not the record's first line; got {e:?}"
    );
}

#[test]
fn an_unclosed_quote_is_an_error_naming_where_its_record_starts() {
    let e = first_error("a,b\n1,\"open\n2,3\n4,5\n");
    assert!(
        matches!(e, CsvError::UnclosedQuote { line: 2 }),
        "the quote opened on line 2 is never closed, so the rest of the input is one field \
         that never ends; got {e:?}"
    );
}

#[test]
fn a_field_that_is_not_utf8_is_an_error() {
    let mut reader = Reader::new(&b"a\n\xff\xfe,b\n"[..]);
    assert!(matches!(reader.next(), Some(Ok(_))), "line 1 is fine");
    let got = reader.next();
    assert!(
        matches!(got, Some(Err(CsvError::NotUtf8 { line: 2 }))),
        "bytes ff fe on line 2 are not UTF-8: an error, not replacement characters; got {got:?}"
    );
}

#[test]
fn reading_goes_on_at_the_next_line_after_an_error() {
    let results: Vec<String> = Reader::new("1,\"a\"b\n2,\"c\"d\n3,ok\n".as_bytes())
        .map(|r| match r {
            Ok(record) => format!("{}: {}", record.line, record.fields.join("|")),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    assert_eq!(
        results,
        [
            "error: line 1: text after a closing quote",
            "error: line 2: text after a closing quote",
            "3: 3|ok",
        ],
        "an import reports a bad record and carries on with the next line"
    );
}

// ---------------------------------------------------------------------------------------------
// Streaming, and the limit on a record

/// An input of `head` and then `pattern` forever, counting the bytes handed out.
struct Endless {
    data: Vec<u8>,
    pattern: Vec<u8>,
    at: usize,
    served: Rc<Cell<u64>>,
}

impl Endless {
    fn new(head: &str, pattern: &str) -> (Endless, Rc<Cell<u64>>) {
        let served = Rc::new(Cell::new(0));
        let endless = Endless {
            data: head.as_bytes().to_vec(),
            pattern: pattern.as_bytes().to_vec(),
            at: 0,
            served: Rc::clone(&served),
        };
        (endless, served)
    }
}

impl Read for Endless {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if self.at == self.data.len() {
                self.data = self.pattern.clone();
                self.at = 0;
            }
            out[n] = self.data[self.at];
            self.at += 1;
            n += 1;
        }
        self.served.set(self.served.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn records_stream_without_reading_the_whole_input() {
    let (input, served) = Endless::new("id,name\n", "1,x\n");
    let mut reader = Reader::new(BufReader::with_capacity(64, input));
    let first: Vec<Record> = (0..3).map(|_| reader.next().unwrap().unwrap()).collect();
    assert_eq!(first[0].fields, ["id", "name"]);
    assert_eq!(first[2].line, 3);
    assert!(
        served.get() <= 64,
        "three short records need one 64-byte buffer of input, but {} bytes were read: the \
         reader must pull a line at a time, not the whole (here endless) input",
        served.get()
    );
}

#[test]
fn a_record_of_exactly_the_limit_is_read() {
    // 8 bytes with the line break: "abc,def\n".
    let mut reader = Reader::with_limit("abc,def\nx\n".as_bytes(), 8);
    let got = reader.next();
    assert!(
        matches!(&got, Some(Ok(r)) if r.fields == ["abc", "def"]),
        "a record of exactly the limit (8 bytes, its LF included) is allowed; got {got:?}"
    );
}

#[test]
fn a_record_one_byte_over_the_limit_is_refused() {
    let mut reader = Reader::with_limit("abc,defg\nx\n".as_bytes(), 8);
    let got = reader.next();
    assert!(
        matches!(got, Some(Err(CsvError::TooLong { line: 1, limit: 8 }))),
        "9 bytes with a limit of 8; got {got:?}"
    );
    let next = reader.next();
    assert!(
        matches!(&next, Some(Ok(r)) if r.fields == ["x"] && r.line == 2),
        "after a record too long, reading goes on at the next line; got {next:?}"
    );
}

#[test]
fn an_unclosed_quote_in_a_huge_input_stops_at_the_limit() {
    let limit = 1000;
    let (input, served) = Endless::new("a,\"", "more text inside the quotes\n");
    let mut reader = Reader::with_limit(BufReader::with_capacity(64, input), limit);
    let got = reader.next();
    assert!(
        matches!(got, Some(Err(CsvError::TooLong { limit: 1000, .. }))),
        "a quote that never closes in an endless input must hit the limit of {limit} bytes; \
         got {got:?}"
    );
    assert!(
        served.get() <= limit as u64 + 64 + 64,
        "{} bytes were read for a record limited to {limit}: a quoted field spanning lines \
         must count all its lines against the limit",
        served.get()
    );
}

// ---------------------------------------------------------------------------------------------
// The csv-spectrum files (github.com/max-mapper/csv-spectrum), in ../shared/vectors/csv

/// The records of a csv-spectrum file as the JSON objects its json/ twin holds (keyed by the
/// header row).
fn as_objects(records: &[Record]) -> Vec<serde_json::Value> {
    let (header, rows) = records.split_first().expect("a header row");
    rows.iter()
        .map(|r| {
            assert_eq!(
                r.fields.len(),
                header.fields.len(),
                "line {}: as many fields as the header",
                r.line
            );
            let object = header.fields.iter().cloned().zip(
                r.fields
                    .iter()
                    .map(|f| serde_json::Value::String(f.clone())),
            );
            serde_json::Value::Object(object.collect())
        })
        .collect()
}

#[test]
fn csv_spectrum() {
    let Some(files) = testkit::vectors::files("csv/csv-spectrum/csvs", "csv") else {
        return;
    };
    let mut run = 0;
    for path in &files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut bytes = std::fs::read(path).unwrap();
        if name.ends_with("_crlf") && !bytes.contains(&b'\r') {
            // Upstream's .gitattributes says `*_crlf.csv eol=crlf`: a checkout that did not
            // apply it has LF; these files are meant to have CRLF (their JSON says so).
            bytes = String::from_utf8(bytes)
                .unwrap()
                .replace('\n', "\r\n")
                .into_bytes();
        }
        let json_path = path.with_extension("json");
        let json_path = json_path
            .parent()
            .unwrap()
            .with_file_name("json")
            .join(json_path.file_name().unwrap());
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        let records: Vec<Record> = Reader::new(&bytes[..])
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("csv-spectrum {name}.csv: {e}"));
        let got = as_objects(&records);
        if name == "location_coordinates" {
            // Upstream's JSON for this file is one object, not an array, and its phone number
            // (1234567890) is not the CSV's (2095257564): compare the other fields.
            let mut want = expected.clone();
            let mut got = got[0].clone();
            want["Contact Phone Number"] = serde_json::Value::Null;
            got["Contact Phone Number"] = serde_json::Value::Null;
            assert_eq!(got, want, "csv-spectrum {name}.csv (bar the phone number)");
        } else {
            assert_eq!(
                serde_json::Value::Array(got),
                expected,
                "csv-spectrum {name}.csv against json/{name}.json"
            );
        }
        run += 1;
    }
    assert_eq!(run, 12, "csv-spectrum has 12 files; ran {run}");
}
