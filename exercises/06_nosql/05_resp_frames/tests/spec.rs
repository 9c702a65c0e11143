//! The specification of the RESP2 parser and encoder: each frame type as the Redis protocol
//! spec writes it, every prefix of a frame is "incomplete" and never an error, malformed bytes
//! are errors, limits hold exactly at and refuse one over before the body arrives, and
//! encoding is parsing's inverse.
//!
//! Examples marked "spec" are from the Redis serialization protocol specification,
//! <https://redis.io/docs/latest/develop/reference/protocol-spec/>.

use resp_frames::{Frame, FrameError, Limits, encode, parse};

/// Bytes as text, with CR and LF visible: what a failure shows.
fn show(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn bulk(text: &str) -> Frame {
    Frame::Bulk(text.as_bytes().to_vec())
}

/// Parses `bytes`, which hold exactly one frame, with `limits`, and returns that frame.
#[track_caller]
fn frame_with(bytes: &[u8], limits: &Limits) -> Frame {
    match parse(bytes, limits) {
        Ok(Some((frame, used))) => {
            assert_eq!(
                used,
                bytes.len(),
                "parse({}) returned {frame:?} and said it used {used} bytes: the frame is all \
                 {} bytes, and the count tells the caller where the next frame starts",
                show(bytes),
                bytes.len()
            );
            frame
        }
        Ok(None) => panic!(
            "parse({}) said incomplete, but that is a whole frame",
            show(bytes)
        ),
        Err(err) => panic!(
            "parse({}) failed with {err:?}, but that is a valid frame",
            show(bytes)
        ),
    }
}

#[track_caller]
fn frame(bytes: &[u8]) -> Frame {
    frame_with(bytes, &Limits::default())
}

#[track_caller]
fn error_with(bytes: &[u8], limits: &Limits) -> FrameError {
    match parse(bytes, limits) {
        Err(err) => err,
        other => panic!(
            "parse({}) returned {other:?}: those bytes can never be a valid frame{}, so they \
             are an error (waiting for more would wait forever)",
            show(bytes),
            if *limits == Limits::default() {
                String::new()
            } else {
                format!(" within {limits:?}")
            }
        ),
    }
}

#[track_caller]
fn error(bytes: &[u8]) -> FrameError {
    error_with(bytes, &Limits::default())
}

#[track_caller]
fn assert_error(bytes: &[u8], expected: FrameError, why: &str) {
    assert_eq!(error(bytes), expected, "parse({}): {why}", show(bytes));
}

fn small(max_bulk: usize, max_items: usize, max_depth: usize) -> Limits {
    Limits {
        max_bulk,
        max_items,
        max_depth,
    }
}

// ---------------------------------------------------------------------------------------------
// One frame of each type

#[test]
fn parses_a_simple_string() {
    // spec: "+OK\r\n"
    assert_eq!(frame(b"+OK\r\n"), Frame::Simple("OK".into()));
    assert_eq!(
        frame(b"+\r\n"),
        Frame::Simple(String::new()),
        "an empty line"
    );
}

#[test]
fn parses_an_error() {
    // spec: "-Error message\r\n"
    assert_eq!(
        frame(b"-Error message\r\n"),
        Frame::Error("Error message".into())
    );
}

#[test]
fn parses_integers_with_an_optional_sign() {
    // spec: ":[<+|->]<value>\r\n", e.g. ":0\r\n" and ":1000\r\n"
    assert_eq!(frame(b":0\r\n"), Frame::Integer(0));
    assert_eq!(frame(b":1000\r\n"), Frame::Integer(1000));
    assert_eq!(frame(b":-1000\r\n"), Frame::Integer(-1000));
    assert_eq!(frame(b":+7\r\n"), Frame::Integer(7));
    assert_eq!(
        frame(b":-9223372036854775808\r\n"),
        Frame::Integer(i64::MIN),
        "a RESP integer is a signed 64-bit number"
    );
}

#[test]
fn parses_a_bulk_string() {
    // spec: "$5\r\nhello\r\n", and the empty string "$0\r\n\r\n"
    assert_eq!(frame(b"$5\r\nhello\r\n"), bulk("hello"));
    assert_eq!(frame(b"$0\r\n\r\n"), bulk(""));
}

#[test]
fn a_bulk_string_holds_any_bytes_crlf_included() {
    assert_eq!(
        frame(b"$4\r\na\r\nb\r\n"),
        bulk("a\r\nb"),
        "the length says where the body ends: a CRLF inside it is data"
    );
    assert_eq!(
        frame("$4\r\n🦀\r\n".as_bytes()),
        bulk("🦀"),
        "4 bytes, 1 char"
    );
    assert_eq!(frame(b"$2\r\n\xff\x00\r\n"), Frame::Bulk(vec![0xff, 0]));
}

#[test]
fn parses_the_null_bulk_string() {
    // spec: "$-1\r\n", RESP2's null bulk string
    assert_eq!(frame(b"$-1\r\n"), Frame::Null);
}

#[test]
fn parses_an_array_of_bulk_strings() {
    // spec: "*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n", and the empty array "*0\r\n"
    assert_eq!(
        frame(b"*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n"),
        Frame::Array(vec![bulk("hello"), bulk("world")])
    );
    assert_eq!(frame(b"*0\r\n"), Frame::Array(vec![]));
}

#[test]
fn parses_nested_arrays_of_mixed_types() {
    // spec: "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n"
    assert_eq!(
        frame(b"*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n"),
        Frame::Array(vec![
            Frame::Array(vec![
                Frame::Integer(1),
                Frame::Integer(2),
                Frame::Integer(3)
            ]),
            Frame::Array(vec![
                Frame::Simple("Hello".into()),
                Frame::Error("World".into())
            ]),
        ])
    );
}

#[test]
fn parses_the_null_array_and_nulls_inside_arrays() {
    // spec: "*-1\r\n", and "*3\r\n$5\r\nhello\r\n$-1\r\n$5\r\nworld\r\n"
    assert_eq!(frame(b"*-1\r\n"), Frame::NullArray);
    assert_eq!(
        frame(b"*3\r\n$5\r\nhello\r\n$-1\r\n$5\r\nworld\r\n"),
        Frame::Array(vec![bulk("hello"), Frame::Null, bulk("world")])
    );
}

#[test]
fn reads_only_the_first_frame_and_counts_its_bytes() {
    let bytes = b"$3\r\nGET\r\n+OK\r\n";
    assert_eq!(
        parse(bytes, &Limits::default()),
        Ok(Some((bulk("GET"), 9))),
        "parse({}) returns the first frame and the 9 bytes it used; the rest is the next frame",
        show(bytes)
    );
}

// ---------------------------------------------------------------------------------------------
// Incomplete input: a read can stop anywhere

/// Valid frames of every type, to be cut at every byte.
const VALID: &[&[u8]] = &[
    b"+OK\r\n",
    b"-ERR unknown command 'FOO'\r\n",
    b":-1000\r\n",
    b"$5\r\nhello\r\n",
    b"$0\r\n\r\n",
    b"$-1\r\n",
    b"*-1\r\n",
    b"*0\r\n",
    b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n",
    b"*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n",
    b"*3\r\n$5\r\nhello\r\n$-1\r\n$4\r\na\r\nb\r\n",
];

#[test]
fn an_empty_buffer_is_incomplete() {
    assert_eq!(parse(b"", &Limits::default()), Ok(None));
}

#[test]
fn every_prefix_of_a_valid_frame_is_incomplete() {
    for bytes in VALID {
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            assert_eq!(
                parse(prefix, &Limits::default()),
                Ok(None),
                "parse({}), the first {cut} bytes of {}, must say incomplete (None): the rest \
                 may be in the next read, so this is neither a frame nor an error",
                show(prefix),
                show(bytes)
            );
        }
    }
}

#[test]
fn a_bulk_string_shorter_than_its_length_is_incomplete() {
    assert_eq!(
        parse(b"$10\r\nhi\r\n", &Limits::default()),
        Ok(None),
        "$10 promises 10 bytes: \"hi\\r\\n\" is 4 of them, so read more"
    );
}

#[test]
fn every_valid_frame_parses_whole_with_bytes_after_it() {
    for bytes in VALID {
        let mut more = bytes.to_vec();
        more.extend_from_slice(b"+NEXT\r\n");
        match parse(&more, &Limits::default()) {
            Ok(Some((_, used))) => assert_eq!(
                used,
                bytes.len(),
                "parse({}) used {used} bytes: the first frame is {} bytes",
                show(&more),
                bytes.len()
            ),
            other => panic!("parse({}) returned {other:?}", show(&more)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed input

#[test]
fn an_unknown_type_byte_is_an_error() {
    assert_error(b"?x\r\n", FrameError::UnknownType(b'?'), "'?' is no type");
    assert_error(
        b"GET key\r\n",
        FrameError::UnknownType(b'G'),
        "an inline command (plain text) is not RESP: only frames are accepted here",
    );
    assert_error(
        b"_\r\n",
        FrameError::UnknownType(b'_'),
        "'_' is RESP3's null, which this RESP2 parser does not speak",
    );
}

#[test]
fn an_unknown_type_byte_is_an_error_on_its_own() {
    assert_error(
        b"?",
        FrameError::UnknownType(b'?'),
        "the first byte is enough to know: no need to wait for the line",
    );
}

#[test]
fn a_line_ending_in_a_bare_lf_is_an_error() {
    assert_error(b"+OK\nmore", FrameError::BadLine, "a line ends in CRLF");
    assert_error(b":1\n", FrameError::BadLine, "a line ends in CRLF");
    assert_error(b"$3\n", FrameError::BadLine, "a length line ends in CRLF");
}

#[test]
fn a_cr_inside_a_line_is_an_error() {
    assert_error(
        b"+O\rK\r\n",
        FrameError::BadLine,
        "a CR not followed by LF: a simple string has no CR or LF in it",
    );
}

#[test]
fn a_simple_string_that_is_not_utf8_is_an_error() {
    assert_error(b"+\xff\r\n", FrameError::BadLine, "simple strings are text");
    assert_error(b"-\xc3\r\n", FrameError::BadLine, "errors are text");
}

#[test]
fn an_integer_that_is_not_a_number_is_an_error() {
    assert_error(b":12x\r\n", FrameError::BadNumber, "12x is not a number");
    assert_error(b":\r\n", FrameError::BadNumber, "an empty integer");
    assert_error(
        b":9223372036854775808\r\n",
        FrameError::BadNumber,
        "one past i64::MAX does not fit a RESP integer",
    );
}

#[test]
fn a_length_that_is_not_a_number_is_an_error() {
    assert_error(b"$abc\r\n", FrameError::BadNumber, "abc is no length");
    assert_error(b"$\r\n", FrameError::BadNumber, "an empty length");
    assert_error(b"*x\r\n", FrameError::BadNumber, "x is no count");
    assert_error(
        b"$+5\r\n",
        FrameError::BadNumber,
        "a length is digits, no sign (str::parse would take +5)",
    );
    assert_error(b"$ 5\r\n", FrameError::BadNumber, "a length is digits only");
}

#[test]
fn a_negative_length_other_than_minus_one_is_an_error() {
    assert_error(
        b"$-2\r\n",
        FrameError::BadNumber,
        "only -1 (null) is negative",
    );
    assert_error(
        b"*-5\r\n",
        FrameError::BadNumber,
        "only -1 (null) is negative",
    );
    assert_error(b"$-0\r\n", FrameError::BadNumber, "-0 is not -1 nor digits");
}

#[test]
fn a_bulk_body_not_followed_by_crlf_is_an_error() {
    assert_error(
        b"$3\r\nhello\r\n",
        FrameError::BadBulkEnd,
        "$3 takes \"hel\", then \"lo\" stands where its CRLF should be",
    );
    assert_error(
        b"$2\r\nhi\n\r",
        FrameError::BadBulkEnd,
        "after the 2 bytes comes \"\\n\\r\", not CRLF",
    );
}

#[test]
fn an_error_inside_an_array_is_an_error() {
    assert_error(
        b"*2\r\n:1\r\n?\r\n",
        FrameError::UnknownType(b'?'),
        "the second item of the array is malformed",
    );
}

// ---------------------------------------------------------------------------------------------
// Limits: exactly at passes, one over fails at once

#[test]
fn a_bulk_string_at_the_length_limit_parses() {
    assert_eq!(
        frame_with(b"$8\r\n12345678\r\n", &small(8, 4, 4)),
        bulk("12345678")
    );
}

#[test]
fn a_bulk_length_over_the_limit_is_refused_before_its_body() {
    assert_eq!(
        error_with(b"$9\r\n", &small(8, 4, 4)),
        FrameError::TooLong,
        "max_bulk is 8 and $9 promises 9 bytes: refuse it now, without waiting for the body"
    );
}

#[test]
fn a_huge_bulk_length_is_refused_at_once() {
    assert_eq!(
        error(b"$999999999999\r\n"),
        FrameError::TooLong,
        "a 1 TB promise: an error now, not \"incomplete\" forever nor an allocation"
    );
    assert_eq!(
        error(b"$99999999999999999999999\r\n"),
        FrameError::TooLong,
        "a length too big for usize is over any limit"
    );
}

#[test]
fn a_line_at_the_length_limit_parses() {
    assert_eq!(
        frame_with(b"+12345678\r\n", &small(8, 4, 4)),
        Frame::Simple("12345678".into())
    );
    assert_eq!(
        parse(b"+12345678", &small(8, 4, 4)),
        Ok(None),
        "max_bulk is 8 and 8 bytes came: the CRLF may come next"
    );
    assert_eq!(
        parse(b"+12345678\r", &small(8, 4, 4)),
        Ok(None),
        "8 bytes and a CR: the LF may come next"
    );
}

#[test]
fn a_line_over_the_length_limit_is_refused_before_its_end() {
    assert_eq!(
        error_with(b"+123456789", &small(8, 4, 4)),
        FrameError::TooLong,
        "max_bulk is 8 and 9 bytes came without a CRLF: a peer that never ends its line must \
         not make the buffer grow forever"
    );
    assert_eq!(
        error_with(b"-123456789\r\n", &small(8, 4, 4)),
        FrameError::TooLong,
        "an error line of 9 bytes is over max_bulk 8 too"
    );
}

#[test]
fn an_array_at_the_item_limit_parses() {
    assert_eq!(
        frame_with(b"*3\r\n:1\r\n:2\r\n:3\r\n", &small(8, 3, 4)),
        Frame::Array(vec![
            Frame::Integer(1),
            Frame::Integer(2),
            Frame::Integer(3)
        ])
    );
}

#[test]
fn an_array_count_over_the_limit_is_refused_before_its_items() {
    assert_eq!(
        error_with(b"*4\r\n", &small(8, 3, 4)),
        FrameError::TooManyItems,
        "max_items is 3 and *4 promises 4 items: refuse it now"
    );
    assert_eq!(
        error(b"*4294967296\r\n"),
        FrameError::TooManyItems,
        "Vec::with_capacity(4294967296) would ask for 4 G frames: check the count first"
    );
}

#[test]
fn arrays_nested_at_the_depth_limit_parse() {
    assert_eq!(
        frame_with(b"*1\r\n*1\r\n*1\r\n:1\r\n", &small(8, 4, 3)),
        Frame::Array(vec![Frame::Array(vec![Frame::Array(vec![
            Frame::Integer(1)
        ])])]),
        "max_depth 3 allows 3 arrays, one in another"
    );
}

#[test]
fn arrays_nested_over_the_depth_limit_are_refused_at_once() {
    assert_eq!(
        error_with(b"*1\r\n*1\r\n*1\r\n*1\r\n", &small(8, 4, 3)),
        FrameError::TooDeep,
        "max_depth 3: the 4th array in an array is refused as soon as its header is read"
    );
    assert_eq!(
        error_with(b"*1\r\n*0\r\n", &small(8, 4, 1)),
        FrameError::TooDeep,
        "max_depth 1: even an empty array inside an array is one level too deep"
    );
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let bytes = b"*1\r\n".repeat(100_000);
    assert_eq!(
        error(&bytes),
        FrameError::TooDeep,
        "100000 nested arrays: the depth limit (8 by default) stops the recursion"
    );
}

// ---------------------------------------------------------------------------------------------
// Encoding

#[track_caller]
fn encoded(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::new();
    encode(frame, &mut out);
    out
}

#[track_caller]
fn assert_encodes(frame: Frame, expected: &[u8]) {
    let got = encoded(&frame);
    assert_eq!(
        show(&got),
        show(expected),
        "encode({frame:?}) wrote the wrong bytes"
    );
}

#[test]
fn encodes_each_frame_type() {
    assert_encodes(Frame::Simple("OK".into()), b"+OK\r\n");
    assert_encodes(Frame::Error("ERR bad".into()), b"-ERR bad\r\n");
    assert_encodes(Frame::Integer(-42), b":-42\r\n");
    assert_encodes(bulk("hello"), b"$5\r\nhello\r\n");
    assert_encodes(bulk(""), b"$0\r\n\r\n");
    assert_encodes(Frame::Null, b"$-1\r\n");
    assert_encodes(Frame::NullArray, b"*-1\r\n");
    assert_encodes(Frame::Array(vec![]), b"*0\r\n");
}

#[test]
fn encodes_a_command_as_an_array_of_bulk_strings() {
    assert_encodes(
        Frame::Array(vec![bulk("GET"), bulk("key")]),
        b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n",
    );
}

#[test]
fn encodes_the_length_in_bytes_not_chars() {
    assert_encodes(bulk("🦀"), "$4\r\n🦀\r\n".as_bytes());
}

#[test]
fn encode_appends_to_what_is_there() {
    let mut out = b"+first\r\n".to_vec();
    encode(&Frame::Integer(2), &mut out);
    assert_eq!(
        show(&out),
        show(b"+first\r\n:2\r\n"),
        "encode appends to out"
    );
}

#[test]
fn what_encode_writes_parses_back() {
    let frames = [
        Frame::Simple("PONG".into()),
        Frame::Error("WRONGTYPE no".into()),
        Frame::Integer(i64::MIN),
        Frame::Integer(i64::MAX),
        Frame::Bulk(vec![b'\r', b'\n', 0, 0xff]),
        Frame::Null,
        Frame::NullArray,
        Frame::Array(vec![
            bulk("SET"),
            Frame::Array(vec![Frame::Null, Frame::Integer(3), Frame::Array(vec![])]),
            Frame::NullArray,
        ]),
    ];
    for frame in frames {
        let bytes = encoded(&frame);
        assert_eq!(
            parse(&bytes, &Limits::default()),
            Ok(Some((frame.clone(), bytes.len()))),
            "encode({frame:?}) wrote {}, which does not parse back to the same frame",
            show(&bytes)
        );
    }
}
