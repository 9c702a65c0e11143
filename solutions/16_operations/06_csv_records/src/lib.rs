//! # CSV records, by RFC 4180
//!
//! CSV is how data leaves spreadsheets and enters backends: exports, bank statements, bulk
//! imports. It looks like "split each line on commas" and is not. RFC 4180 §2:
//!
//! - Records end with CRLF; files written on Unix end them with LF. Read both. The last record
//!   may have no line break at all. (A blank line is skipped here, as most readers do.)
//! - Fields are separated by commas. Spaces belong to the field.
//! - A field may be enclosed in double quotes, and then it may hold commas, CR and LF as data:
//!   `"Anytown, WW"` is one field, and a quoted field can run over several lines. A quote in
//!   a quoted field is written twice: `"ha ""ha"""` is `ha "ha"`.
//! - §2.5 says a quote may not appear in an unquoted field, but exports write them anyway
//!   (`37°36'37.8"N`), and what they mean is plain: read such a quote as data. Text after a
//!   closing quote (`"ab"c`) is different: the field was quoted and then broken, and there is
//!   no telling what was meant. That is an error; guessing turns bad data into wrong data.
//!
//! Splitting on `\n` then on `,` breaks all of these, and silently: a quoted comma becomes an
//! extra column, an embedded newline two half-records.
//!
//! The [`Reader`] (given, below the line) streams: it pulls one physical line at a time from
//! a `BufRead` into `buf` with [`Reader::read_line`], so a file of any size is read in the
//! memory of one record, and a record longer than the limit is an error before it is stored
//! whole. You write [`Reader::next_record`]: walk the bytes of `buf` with a small state
//! machine (at the start of a field, in an unquoted field, in a quoted field, just after a
//! quote inside a quoted one). When the line ends inside quotes, the record goes on: read the
//! next line into `buf` and continue. When the input ends inside quotes, the quote was never
//! closed.
//!
//! Each record carries the number of the line it **starts** on (from 1): an import reports
//! "line 7: ...", and after a field with two newlines, records and lines no longer agree.
//! A malformed record is an error naming its line; the next call goes on at the next line.
//!
//! Fields are UTF-8 text; a field that is not is an error, not a lossy guess.
//!
//! The tests run the csv-spectrum files (`../shared/vectors/csv`) through your reader.
//!
//! Source: RFC 4180, <https://www.rfc-editor.org/rfc/rfc4180>, §2 (the format) and the ABNF
//! grammar at its end.

use std::io::{self, BufRead, Read};

impl<R: BufRead> Reader<R> {
    /// The next record, `None` at the end of the input, or why the next record is malformed.
    pub fn next_record(&mut self) -> Result<Option<Record>, CsvError> {
        // A line that is only a line break holds no record.
        loop {
            self.buf.clear();
            if !self.read_line()? {
                return Ok(None);
            }
            if !matches!(self.buf.as_slice(), b"\n" | b"\r\n") {
                break;
            }
        }
        let start = self.line;
        let mut fields = Vec::new();
        let mut field = Vec::new();
        let mut state = State::FieldStart;
        let mut i = 0;
        loop {
            let Some(&byte) = self.buf.get(i) else {
                if state != State::Quoted {
                    break; // the input ended without a line break: the record is whole
                }
                // Inside quotes a line break was data; the field goes on in the next line.
                if !self.read_line()? {
                    return Err(CsvError::UnclosedQuote { line: start });
                }
                continue;
            };
            i += 1;
            // `read_line` stops at `\n`, so a CRLF outside quotes is always at the line's end.
            let line_end = byte == b'\n' || (byte == b'\r' && self.buf[i..] == *b"\n");
            match state {
                State::Quoted if byte == b'"' => state = State::QuoteInQuoted,
                State::Quoted => field.push(byte),
                _ if line_end => break,
                _ if byte == b',' => {
                    fields.push(text(std::mem::take(&mut field), start)?);
                    state = State::FieldStart;
                }
                State::FieldStart if byte == b'"' => state = State::Quoted,
                // `""` inside quotes is one quote, and the field goes on.
                State::QuoteInQuoted if byte == b'"' => {
                    field.push(b'"');
                    state = State::Quoted;
                }
                State::QuoteInQuoted => return Err(CsvError::TextAfterQuote { line: self.line }),
                // Any other byte is data, a quote in an unquoted field included (RFC 4180
                // forbids writing one; readers accept it).
                _ => {
                    field.push(byte);
                    state = State::Unquoted;
                }
            }
        }
        fields.push(text(field, start)?);
        Ok(Some(Record {
            line: start,
            fields,
        }))
    }
}

/// Where the parser is inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the first byte of a field: a quote here opens a quoted field.
    FieldStart,
    Unquoted,
    Quoted,
    /// Just after a quote inside a quoted field: a second one is data, else it closed it.
    QuoteInQuoted,
}

/// The field's bytes as text.
fn text(field: Vec<u8>, line: u64) -> Result<String, CsvError> {
    String::from_utf8(field).map_err(|_| CsvError::NotUtf8 { line })
}

// ---------------------------------------------------------------------------------------------
// Given: the record, the errors, and the reader that pulls lines from the input.
// ---------------------------------------------------------------------------------------------

/// One record: its fields, and the line of the input it starts on (the first is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub fields: Vec<String>,
}

/// Why a record could not be read. `line` is where the problem is (for an unclosed quote:
/// where its record starts).
#[derive(Debug)]
pub enum CsvError {
    Io(io::Error),
    /// The input ended inside a quoted field.
    UnclosedQuote {
        line: u64,
    },
    /// Something other than a comma or the end of the line after a closing quote: `"ab"c`.
    TextAfterQuote {
        line: u64,
    },
    /// A field whose bytes are not UTF-8.
    NotUtf8 {
        line: u64,
    },
    /// The record is longer than the reader's limit (counted in bytes, line breaks included).
    TooLong {
        line: u64,
        limit: usize,
    },
}

impl std::fmt::Display for CsvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CsvError::Io(e) => write!(f, "cannot read the input: {e}"),
            CsvError::UnclosedQuote { line } => {
                write!(f, "line {line}: a quoted field is never closed")
            }
            CsvError::TextAfterQuote { line } => {
                write!(f, "line {line}: text after a closing quote")
            }
            CsvError::NotUtf8 { line } => write!(f, "line {line}: a field is not UTF-8"),
            CsvError::TooLong { line, limit } => {
                write!(f, "line {line}: a record longer than {limit} bytes")
            }
        }
    }
}

impl std::error::Error for CsvError {}

impl From<io::Error> for CsvError {
    fn from(e: io::Error) -> Self {
        CsvError::Io(e)
    }
}

/// The default limit on one record: far above any sane row, far below running out of memory.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Reads records from `input`, one physical line at a time.
pub struct Reader<R> {
    input: R,
    /// The bytes of the record being read: one line, or several when a quoted field spans them.
    buf: Vec<u8>,
    /// How many lines have been read so far: the number of the last line in `buf`.
    line: u64,
    limit: usize,
}

impl<R: BufRead> Reader<R> {
    /// A reader with the default record limit.
    pub fn new(input: R) -> Reader<R> {
        Reader::with_limit(input, MAX_RECORD_BYTES)
    }

    /// A reader that refuses records longer than `limit` bytes.
    pub fn with_limit(input: R, limit: usize) -> Reader<R> {
        Reader {
            input,
            buf: Vec::new(),
            line: 0,
            limit,
        }
    }

    /// Appends the next line of the input (with its `\n`, if it has one) to `buf` and counts
    /// it. `Ok(false)` at the end of the input. A record that grows past the limit is an error,
    /// and the rest of that line is skipped unread into memory, so reading resumes after it.
    pub fn read_line(&mut self) -> Result<bool, CsvError> {
        // One byte more than the room left: reading it proves the record is too long.
        let room = (self.limit - self.buf.len().min(self.limit)) as u64 + 1;
        let n = self
            .input
            .by_ref()
            .take(room)
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buf.len() > self.limit {
            if self.buf.last() != Some(&b'\n') {
                self.skip_rest_of_line()?;
            }
            self.buf.clear();
            return Err(CsvError::TooLong {
                line: self.line,
                limit: self.limit,
            });
        }
        Ok(true)
    }

    /// Consumes the input up to and including the next `\n`, without keeping it.
    fn skip_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.input.consume(at + 1);
                    return Ok(());
                }
                None => {
                    let len = chunk.len();
                    self.input.consume(len);
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Result<Record, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}
