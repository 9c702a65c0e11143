//! The specification of `decode_chunked`. RFC 9112 §7.1: https://www.rfc-editor.org/rfc/rfc9112#section-7.1

use chunked_body::*;
use std::io::{self, BufRead, BufReader, Cursor, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Decodes `input` (max body 1 MiB) on its own thread, so that a decoder that keeps reading
/// after the end of the stream fails the test instead of hanging it.
fn decode(input: &[u8]) -> Result<Chunked, ChunkedError> {
    let input = input.to_vec();
    testkit::within(Duration::from_secs(2), move || {
        decode_chunked(&mut Cursor::new(input), 1 << 20)
    })
    .expect(
        "decode_chunked did not return within 2 s (or panicked, see above). Does it keep reading \
         after the end of the stream? A read() of Ok(0), or read_until adding no byte, means no \
         more bytes will ever come",
    )
}

/// Checks that `input` decodes to the body `expected`; shows both as text when they differ.
#[track_caller]
fn assert_body(input: &[u8], expected: &[u8], why: &str) {
    let text = String::from_utf8_lossy(input);
    match decode(input) {
        Ok(chunked) => assert_eq!(
            String::from_utf8_lossy(&chunked.body),
            String::from_utf8_lossy(expected),
            "the body of {text:?}: {why}"
        ),
        Err(e) => panic!("{text:?} is a valid chunked body, got Err({e:?}): {why}"),
    }
}

/// A decoder's result with the body and trailer values as text, for comparisons whose failure
/// messages a person reads.
type AsText = Result<(String, Vec<(String, String)>), ChunkedError>;

fn as_text(result: Result<Chunked, ChunkedError>) -> AsText {
    result.map(|chunked| {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let trailers = chunked.trailers.iter();
        (
            text(&chunked.body),
            trailers
                .map(|(name, value)| (name.clone(), text(value)))
                .collect(),
        )
    })
}

/// Trailer fields from string pairs, to compare with `as_text`.
fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[track_caller]
fn assert_rejected(input: &[u8], expected: ChunkedError, why: &str) {
    let input_text = String::from_utf8_lossy(input);
    match decode(input) {
        Err(e) => assert_eq!(e, expected, "wrong error for {input_text:?}: {why}"),
        Ok(got) => panic!(
            "expected Err({expected:?}) for {input_text:?}, got the body {:?} with trailers \
             {:?}: {why}",
            String::from_utf8_lossy(&got.body),
            got.trailers
                .iter()
                .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
                .collect::<Vec<_>>()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Chunks (RFC 9112 §7.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn decodes_a_single_chunk() {
    // llhttp test/request/transfer-encoding.md, "POST with Transfer-Encoding: chunked"
    assert_body(
        b"1e\r\nall your base are belong to us\r\n0\r\n\r\n",
        b"all your base are belong to us",
        "0x1e = 30 bytes of data, then the last chunk (size 0) and the empty trailer section",
    );
}

#[test]
fn decodes_chunks_in_order() {
    assert_body(
        b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        b"hello world",
        "the body is the chunk data concatenated, without sizes or CRLFs (RFC 9112 §7.1.3)",
    );
}

#[test]
fn an_empty_body_is_just_the_last_chunk() {
    assert_body(
        b"0\r\n\r\n",
        b"",
        "a body with no data is the last chunk and an empty trailer section",
    );
    assert_body(
        b"5\r\nhello\r\n000\r\n\r\n",
        b"hello",
        "last-chunk = 1*(\"0\") [ chunk-ext ] CRLF: several zeros are still the last chunk (llhttp)",
    );
}

#[test]
fn chunk_data_is_opaque() {
    assert_body(
        b"6\r\na\r\n0\r\n\r\n0\r\n\r\n",
        b"a\r\n0\r\n",
        "chunk data is exactly chunk-size bytes, whatever they are: CRLF or \"0\" inside the data \
         do not end anything",
    );
}

#[test]
fn stops_after_the_trailer_section() {
    let mut stream = Cursor::new(b"5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.1\r\n".to_vec());
    decode_chunked(&mut stream, 1024).expect("a valid chunked body");
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    assert_eq!(
        rest, "GET /next HTTP/1.1\r\n",
        "after the empty line that ends the trailer section comes the next request on the \
         connection: decode_chunked must leave it unread"
    );
}

// ---------------------------------------------------------------------------------------------
// Chunk extensions (RFC 9112 §7.1.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn chunk_extensions_are_ignored() {
    // llhttp transfer-encoding.md, "Chunk extensions"
    let input = b"5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue\r\nhello\r\n\
                  6;blahblah;blah\r\n world\r\n0;last=yes\r\n\r\n";
    assert_body(
        input,
        b"hello world",
        "chunk-ext = *( BWS \";\" BWS name [ BWS \"=\" BWS value ] ); no extension is defined, \
         so a recipient ignores them, but the chunk-size is only what comes before them",
    );
}

#[test]
fn quoted_extension_values_may_hold_semicolons_and_escapes() {
    // llhttp transfer-encoding.md, "Chunk extensions quoting"
    let input = b"5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"aretheseparametersfor\";blah;foo=bar\r\n\
                  hello\r\n6;blahblah;blah\r\n world\r\n0\r\n\r\n";
    assert_body(
        input,
        b"hello world",
        "a chunk-ext-val may be a quoted-string (RFC 9110 §5.6.4), in which `\\\"` is an escaped \
         quote and `;` does not start a new extension",
    );
}

#[test]
fn rejects_bad_bytes_in_quoted_extension_values() {
    for (line, what) in [
        (&b"5;a=\"x\x01y\""[..], "a control byte inside the quotes"),
        (b"5;a=\"x\x7fy\"", "DEL inside the quotes"),
        (b"5;a=\"x\\\x01\"", "a backslash escaping a control byte"),
        (b"5;a=\"x\\", "a backslash as the last byte of the line"),
    ] {
        let input = [line, b"\r\nhello\r\n0\r\n\r\n"].concat();
        assert_rejected(
            &input,
            ChunkedError::InvalidExtension,
            &format!(
                "{what}: a quoted-string holds HTAB, SP, visible ASCII and obs-text, and a \
                 backslash escapes only one of those (RFC 9110 §5.6.4: quoted-pair = \"\\\" \
                 ( HTAB / SP / VCHAR / obs-text ))"
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed chunk sizes and framing
// ---------------------------------------------------------------------------------------------

#[test]
fn passes_on_the_errors_of_the_chunk_size_line() {
    for (line, expected) in [
        ("x", ChunkedError::InvalidChunkSize),
        ("5 6", ChunkedError::InvalidChunkSize),
        ("5;", ChunkedError::InvalidExtension),
        ("5;a=\"b", ChunkedError::InvalidExtension),
    ] {
        let input = format!("{line}\r\nhello\r\n0\r\n\r\n");
        assert_rejected(
            input.as_bytes(),
            expected,
            "every chunk-size line goes through parse_chunk_size (step 1), and its error is the \
             decoder's error",
        );
    }
    assert_rejected(
        b"5\r\nhello\r\n0;bad ext\r\n\r\n",
        ChunkedError::InvalidExtension,
        "the last chunk's line is a chunk-size line too: its extensions are checked",
    );
}

#[test]
fn rejects_a_missing_last_chunk() {
    assert_rejected(
        b"3\r\nfoo\r\n\r\n",
        ChunkedError::InvalidChunkSize,
        "after a chunk comes another chunk-size line; an empty line is not the last chunk \
         (llhttp \"Missing last-chunk\")",
    );
}

#[test]
fn rejects_a_chunk_size_that_overflows() {
    assert_rejected(
        b"10000000000000000\r\nhello\r\n0\r\n\r\n",
        ChunkedError::ChunkSizeOverflow,
        "0x10000000000000000 is 2^64: it does not fit in a u64. Wrapped around it would be 0, the \
         last chunk, and \"hello\" would be read as the start of the next request (RFC 9112 \
         §7.1: recipients MUST prevent integer conversion overflows)",
    );
    assert_body(
        b"000000000000000000005\r\nhello\r\n0\r\n\r\n",
        b"hello",
        "leading zeros do not make a size large: 21 digits that mean 5 are fine",
    );
}

#[test]
fn rejects_data_not_followed_by_crlf() {
    assert_rejected(
        b"5\r\nABCDE0\r\n\r\n",
        ChunkedError::MissingCrlf,
        "chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF: the two bytes after the data must \
         be CRLF (llhttp \"Chunk data not terminated by CRLF\")",
    );
    assert_rejected(
        b"5\r\nhelloXX0\r\n\r\n",
        ChunkedError::MissingCrlf,
        "the two bytes after the 5 bytes of data are \"XX\", not CRLF: skipping them unchecked \
         would accept a body whose end a stricter parser places elsewhere",
    );
}

#[test]
fn rejects_lines_not_ending_in_crlf() {
    for input in [
        &b"5\nhello\r\n0\r\n\r\n"[..],
        b"5\r\r;ABCD\r\n34\r\nE\r\n0\r\n\r\n",
        b"5\r\nhello\r\n0\n\n",
    ] {
        assert_rejected(
            input,
            ChunkedError::MissingCrlf,
            "every line of the chunked coding ends in CRLF; a bare LF or a stray CR is how two \
             parsers come to disagree (llhttp \"Chunk header not terminated by CRLF\")",
        );
    }
}

#[test]
fn every_truncation_is_an_unexpected_end() {
    let input = b"5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nExpires: never\r\n\r\n";
    for end in 0..input.len() {
        assert_eq!(
            as_text(decode(&input[..end])),
            Err(ChunkedError::UnexpectedEof),
            "the stream ended after {:?}: the chunked body is incomplete, whatever part it was in",
            String::from_utf8_lossy(&input[..end])
        );
    }
    assert!(
        decode(input).is_ok(),
        "the whole input is a valid chunked body"
    );
}

// ---------------------------------------------------------------------------------------------
// Trailers (RFC 9112 §7.1.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn parses_trailer_fields() {
    // llhttp transfer-encoding.md, "Trailing headers"
    let input = b"5\r\nhello\r\n6\r\n world\r\n0\r\nVary: *\r\nContent-Type: text/plain\r\n\r\n";
    assert_eq!(
        as_text(decode(input)),
        Ok((
            "hello world".to_string(),
            fields(&[("Vary", "*"), ("Content-Type", "text/plain")])
        )),
        "after the last chunk come trailer fields, in order, until an empty line (RFC 9112 §7.1.2)"
    );
}

#[test]
fn trailer_values_are_trimmed() {
    assert_eq!(
        as_text(decode(b"0\r\nServer-Timing:  db;dur=53 \t\r\n\r\n")),
        Ok((String::new(), fields(&[("Server-Timing", "db;dur=53")]))),
        "a trailer is a field line: OWS around the value is not part of it (RFC 9112 §5.1)"
    );
}

#[test]
fn rejects_invalid_trailer_fields() {
    for line in [
        "Bad Name: x",
        "Name : x",
        " Folded: x",
        "NoColon",
        ": x",
        "X: a\x00b",
        "X: a\x0cb",
    ] {
        let input = format!("0\r\n{line}\r\n\r\n");
        assert_rejected(
            input.as_bytes(),
            ChunkedError::InvalidTrailer,
            "trailer fields follow the rules of header fields: a token name, a colon right after \
             it, no leading whitespace, no control bytes in the value (RFC 9112 §5, §7.1.2)",
        );
    }
}

#[test]
fn limits_the_number_of_trailers() {
    let fields = |n: usize| (0..n).map(|i| format!("X-{i}: v\r\n")).collect::<String>();
    let at_limit = format!("0\r\n{}\r\n", fields(MAX_TRAILERS));
    assert_eq!(
        decode(at_limit.as_bytes()).map(|c| c.trailers.len()),
        Ok(MAX_TRAILERS),
        "exactly MAX_TRAILERS trailer fields are allowed"
    );
    let over = format!("0\r\n{}\r\n", fields(MAX_TRAILERS + 1));
    assert_rejected(
        over.as_bytes(),
        ChunkedError::TooManyTrailers,
        "more than MAX_TRAILERS trailer fields: a client must not make the server store unbounded fields",
    );
}

// ---------------------------------------------------------------------------------------------
// Limits on what the client can make the server read
// ---------------------------------------------------------------------------------------------

/// A chunk-size line followed by a stream the decoder must not touch.
struct MustNotRead;

impl Read for MustNotRead {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        panic!(
            "decode_chunked read chunk data that is over the maximum body size: check the size first"
        )
    }
}

impl BufRead for MustNotRead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        panic!(
            "decode_chunked read chunk data that is over the maximum body size: check the size first"
        )
    }
    fn consume(&mut self, _: usize) {}
}

#[test]
fn refuses_a_body_over_the_maximum_before_reading_it() {
    let mut stream = Cursor::new(b"5\r\nhello\r\n400\r\n".to_vec()).chain(MustNotRead);
    assert_eq!(
        decode_chunked(&mut stream, 1024),
        Err(ChunkedError::TooLarge),
        "5 bytes + 0x400 (1024) bytes is over the 1024-byte maximum: refuse as soon as the size \
         is known (413 Content Too Large), before reading the data"
    );
    assert_eq!(ChunkedError::TooLarge.status(), 413);
}

#[test]
fn refuses_a_huge_chunk_size_without_allocating_it() {
    let mut stream = Cursor::new(b"ffffffffffffffff\r\n".to_vec()).chain(MustNotRead);
    assert_eq!(
        decode_chunked(&mut stream, 1 << 20),
        Err(ChunkedError::TooLarge),
        "the client chooses the chunk size; never allocate it before checking it"
    );
}

#[test]
fn accepts_a_body_of_exactly_the_maximum() {
    let input = b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
    assert_eq!(
        decode_chunked(&mut Cursor::new(input.to_vec()), 5).map(|c| c.body),
        Ok(b"abcde".to_vec()),
        "5 bytes of data with a maximum of 5: allowed"
    );
}

#[test]
fn refuses_an_endless_chunk_size_line() {
    let mut endless = b"5;".to_vec();
    endless.resize(1 << 20, b'a');
    assert_rejected(
        &endless,
        ChunkedError::LineTooLong,
        "1 MiB of chunk extension without a line end: refuse once the line passes MAX_LINE \
         instead of buffering it all (an unbounded chunk extension is a known denial of service, \
         CVE-2023-39326)",
    );
}

/// A stream that counts the bytes the decoder took from it (read, or consumed from its buffer).
struct Counting {
    inner: Cursor<Vec<u8>>,
    taken: usize,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken += n;
        Ok(n)
    }
}

impl BufRead for Counting {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.taken += n;
        self.inner.consume(n);
    }
}

#[test]
fn stops_reading_a_long_chunk_size_line_at_the_limit() {
    let mut long = b"5;".to_vec();
    long.resize(8 * MAX_LINE, b'a');
    long.extend_from_slice(b"\r\nhello\r\n0\r\n\r\n");
    let mut stream = Counting {
        inner: Cursor::new(long),
        taken: 0,
    };
    assert_eq!(
        decode_chunked(&mut stream, 1024),
        Err(ChunkedError::LineTooLong),
        "a chunk-size line of {} bytes is over MAX_LINE ({MAX_LINE})",
        8 * MAX_LINE
    );
    assert!(
        stream.taken <= MAX_LINE + 2,
        "decode_chunked took {} bytes of the line from the stream before refusing it; a line is \
         refused once MAX_LINE + 2 bytes (the line and its CRLF) came without a line end. \
         Reading the whole line first and comparing its length afterwards lets a client make \
         the server buffer as much as it sends (CVE-2023-39326): limit the read itself, e.g. \
         with `reader.by_ref().take(...)`",
        stream.taken
    );
}

#[test]
fn refuses_an_endless_trailer_line() {
    let mut endless = b"0\r\nX-Big: ".to_vec();
    endless.resize(1 << 20, b'b');
    assert_rejected(
        &endless,
        ChunkedError::LineTooLong,
        "a trailer line is limited to MAX_LINE bytes too",
    );
}

#[test]
fn a_line_of_exactly_max_line_is_accepted() {
    let mut line = b"5;x=".to_vec();
    line.resize(MAX_LINE, b'v');
    let input = [&line[..], b"\r\nhello\r\n0\r\n\r\n"].concat();
    assert_body(
        &input,
        b"hello",
        "MAX_LINE bytes (not counting CRLF) is allowed",
    );
}

#[test]
fn a_line_one_byte_over_max_line_is_refused() {
    let mut line = b"5;x=".to_vec();
    line.resize(MAX_LINE + 1, b'v');
    let input = [&line[..], b"\r\nhello\r\n0\r\n\r\n"].concat();
    assert_rejected(
        &input,
        ChunkedError::LineTooLong,
        "MAX_LINE + 1 bytes before the CRLF: one over the limit",
    );
    let mut trailer = b"X-Big: ".to_vec();
    trailer.resize(MAX_LINE + 1, b'b');
    let input = [&b"0\r\n"[..], &trailer, b"\r\n\r\n"].concat();
    assert_rejected(
        &input,
        ChunkedError::LineTooLong,
        "a trailer line of MAX_LINE + 1 bytes: one over the limit",
    );
}

#[test]
fn reports_io_errors() {
    struct Reset;
    impl Read for Reset {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::ConnectionReset.into())
        }
    }
    let mut stream = BufReader::new(Cursor::new(b"5\r\nhe".to_vec()).chain(Reset));
    assert_eq!(
        decode_chunked(&mut stream, 1024),
        Err(ChunkedError::Io(io::ErrorKind::ConnectionReset)),
        "an I/O error is reported with its kind"
    );
}

// ---------------------------------------------------------------------------------------------
// Over a real connection
// ---------------------------------------------------------------------------------------------

#[test]
fn decodes_chunks_arriving_in_pieces_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let client = thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_write_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        // Pieces cut inside the size line, the data, the CRLFs and the trailer.
        for piece in [
            &b"1"[..],
            b"0;ext=\"a;",
            b"b\"\r\n0123456",
            b"789abcdef\r",
            b"\n0\r\nX-Sum",
            b": 1\r\n\r\nNEXT",
        ] {
            stream.write_all(piece).unwrap();
            stream.flush().unwrap();
            thread::sleep(Duration::from_millis(10));
        }
    });
    let (server, _) = listener.accept().unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut reader = BufReader::new(server);
    assert_eq!(
        as_text(decode_chunked(&mut reader, 1024)),
        Ok(("0123456789abcdef".to_string(), fields(&[("X-Sum", "1")]))),
        "the message arrived in six TCP writes cut at awkward places; the decoder must not care"
    );
    let mut next = [0u8; 4];
    reader.read_exact(&mut next).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&next),
        "NEXT",
        "the bytes after the chunked body stay readable for the next request"
    );
    client.join().unwrap();
}
