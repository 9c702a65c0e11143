//! The specification of `parse_chunk_size` and `quoted_string_len`.
//! RFC 9112 §7.1: https://www.rfc-editor.org/rfc/rfc9112#section-7.1

use chunk_size_line::*;

#[track_caller]
fn assert_size(line: &[u8], expected: u64, why: &str) {
    let text = String::from_utf8_lossy(line);
    match parse_chunk_size(line) {
        Ok(size) => assert_eq!(size, expected, "the chunk-size line {text:?}: {why}"),
        Err(e) => panic!("{text:?} announces a chunk of {expected} bytes, got Err({e:?}): {why}"),
    }
}

#[track_caller]
fn assert_rejected(line: &[u8], expected: ChunkedError, why: &str) {
    let text = String::from_utf8_lossy(line);
    match parse_chunk_size(line) {
        Err(e) => assert_eq!(e, expected, "wrong error for the line {text:?}: {why}"),
        Ok(size) => {
            panic!("expected Err({expected:?}) for the line {text:?}, got Ok({size}): {why}")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The size (RFC 9112 §7.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn reads_a_hexadecimal_size() {
    assert_size(b"5", 5, "one hex digit");
    // llhttp test/request/transfer-encoding.md, "POST with Transfer-Encoding: chunked"
    assert_size(b"1e", 30, "chunk-size is hexadecimal: 0x1e is 30");
    assert_size(b"100", 256, "0x100 is 256, not 100");
}

#[test]
fn hex_digits_in_either_case_and_leading_zeros() {
    for line in ["a", "A", "0a", "00A"] {
        assert_size(
            line.as_bytes(),
            10,
            "chunk-size = 1*HEXDIG: hex digits are case-insensitive and leading zeros are \
             allowed (llhttp transfer-encoding.md)",
        );
    }
    assert_size(
        b"000",
        0,
        "last-chunk = 1*(\"0\"): several zeros are still size 0, the end of the body",
    );
    assert_size(b"fF", 255, "0xff is 255, in any case");
}

#[test]
fn rejects_lines_that_do_not_start_with_a_size() {
    for line in ["", "x", "-5", "+5", " 5", ";a=b", "\t5"] {
        assert_rejected(
            line.as_bytes(),
            ChunkedError::InvalidChunkSize,
            "a chunk-size line starts with at least one hex digit: no sign, no whitespace, \
             and an empty line is not a size (llhttp \"Missing last-chunk\")",
        );
    }
}

#[test]
fn rejects_anything_after_the_size_but_an_extension() {
    for line in ["0x5", "5 ", "2 erfrferferf", "5 6", "5g", "5,6", "5=a"] {
        assert_rejected(
            line.as_bytes(),
            ChunkedError::InvalidChunkSize,
            "after the hex digits comes the end of the line or BWS \";\" (an extension), \
             nothing else (llhttp \"No semicolon before chunk extensions\", \"Space after \
             chunk header\")",
        );
    }
}

#[test]
fn the_largest_size_that_fits_is_accepted() {
    assert_size(
        b"ffffffffffffffff",
        u64::MAX,
        "sixteen f's are u64::MAX exactly: large (the decoder's body limit refuses it later), \
         but not an overflow",
    );
    assert_size(
        b"000000000000000000005",
        5,
        "leading zeros do not make a size large: 21 digits that mean 5 are fine, so count the \
         value, not the digits",
    );
}

#[test]
fn rejects_a_size_that_overflows() {
    for line in [
        "10000000000000000",
        "ffffffffffffffff0",
        "123456789abcdef012",
    ] {
        assert_rejected(
            line.as_bytes(),
            ChunkedError::ChunkSizeOverflow,
            "the size does not fit in a u64. Wrapped around, 0x10000000000000000 would be 0, \
             the last chunk, and the data would be read as the next request (RFC 9112 §7.1: \
             recipients MUST prevent integer conversion overflows). Use checked_mul and \
             checked_add",
        );
    }
    assert_rejected(
        b"10000000000000000;a=b",
        ChunkedError::ChunkSizeOverflow,
        "the overflow is found in the digits, whatever follows them",
    );
}

// ---------------------------------------------------------------------------------------------
// Chunk extensions (RFC 9112 §7.1.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn extensions_are_checked_and_ignored() {
    // llhttp transfer-encoding.md, "Chunk extensions"
    for (line, size) in [
        (
            &b"5;ilovew3;somuchlove=aretheseparametersfor;another=withvalue"[..],
            5,
        ),
        (b"6;blahblah;blah", 6),
        (b"0;last=yes", 0),
        (b"a;n=!#$%&'*+-.^_`|~09AZaz", 10),
    ] {
        assert_size(
            line,
            size,
            "chunk-ext = *( \";\" name [ \"=\" value ] ): the size is what comes before the \
             first \";\"; names and unquoted values are tokens",
        );
    }
}

#[test]
fn allows_bad_whitespace_around_the_separators() {
    for line in ["5 ; name = value", "5\t;\tname\t=\tvalue", "5 ;a;b =c"] {
        assert_size(
            line.as_bytes(),
            5,
            "BWS (SP or HTAB) is allowed before and after \";\" and \"=\" in chunk-ext: a sender \
             must not send it, but a recipient must parse it (RFC 9110 §5.6.3, RFC 9112 §7.1.1)",
        );
    }
}

#[test]
fn quoted_values_may_hold_semicolons_and_escapes() {
    // llhttp transfer-encoding.md, "Chunk extensions quoting"
    let line = b"5;ilovew3=\"I \\\"love\\\"; \\\\extensions\\\\\";somuchlove=\"aretheseparametersfor\";blah;foo=bar";
    assert_size(
        line,
        5,
        "a chunk-ext-val may be a quoted-string (RFC 9110 §5.6.4), in which `\\\"` is an escaped \
         quote and `;` does not start a new extension",
    );
    assert_size(
        b"7;a=\"\";b=\"\\\"\"",
        7,
        "an empty quoted-string, then one holding only \\\"",
    );
}

#[test]
fn rejects_a_semicolon_without_extension() {
    for line in ["2;", "2; ", "2;;a", "2;=b"] {
        assert_rejected(
            line.as_bytes(),
            ChunkedError::InvalidExtension,
            "\";\" must be followed by a chunk-ext-name, a non-empty token (llhttp \"No \
             extension after semicolon\")",
        );
    }
}

#[test]
fn rejects_invalid_extension_syntax() {
    for line in [
        "5;a=",
        "5;a= ",
        "5;a=b c",
        "5;a=@",
        "5;a;",
        "5;a=b ",
        "5;a\"b\"",
        "5;a b",
        "5;a=\"b\"c",
        "5;a=\"b\" ",
    ] {
        assert_rejected(
            line.as_bytes(),
            ChunkedError::InvalidExtension,
            "an extension is \";\" name [ \"=\" ( token / quoted-string ) ]: a value is not empty, \
             and whitespace is only allowed around \";\" and \"=\", never at the end of the line",
        );
    }
}

#[test]
fn rejects_an_unterminated_quoted_value() {
    assert_rejected(
        b"5;ilovew3=\"abc\";somuchlove=\"def; ghi",
        ChunkedError::InvalidExtension,
        "a quoted-string must end with a quote before the line does (llhttp \"Unbalanced chunk \
         extensions quoting\")",
    );
}

#[test]
fn rejects_bad_bytes_in_quoted_values() {
    for (line, what) in [
        (&b"5;a=\"x\x01y\""[..], "a control byte inside the quotes"),
        (b"5;a=\"x\x7fy\"", "DEL inside the quotes"),
        (b"5;a=\"x\\\x01\"", "a backslash escaping a control byte"),
        (b"5;a=\"x\\", "a backslash as the last byte of the line"),
        (
            b"5;a=\"x\\\"",
            "an escaped quote where the closing quote should be",
        ),
    ] {
        assert_rejected(
            line,
            ChunkedError::InvalidExtension,
            &format!(
                "{what}: a quoted-string holds HTAB, SP, visible ASCII and obs-text, and a \
                 backslash escapes only one of those (RFC 9110 §5.6.4: quoted-pair = \"\\\" \
                 ( HTAB / SP / VCHAR / obs-text ))"
            ),
        );
    }
}

#[test]
fn quoted_values_may_hold_obs_text() {
    assert_size(
        "5;a=\"caf\u{e9}\";b=\"\\\u{e9}\"".as_bytes(),
        5,
        "bytes >= 0x80 (obs-text, here the UTF-8 of \"é\") are allowed in a quoted-string, \
         escaped or not",
    );
}

// ---------------------------------------------------------------------------------------------
// quoted_string_len on its own (RFC 9110 §5.6.4)
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn assert_quoted_len(bytes: &[u8], expected: Result<usize, ChunkedError>, why: &str) {
    assert_eq!(
        quoted_string_len(bytes),
        expected,
        "quoted_string_len({:?}): {why}",
        String::from_utf8_lossy(bytes)
    );
}

#[test]
fn a_quoted_string_ends_at_its_closing_quote() {
    assert_quoted_len(b"\"abc\"", Ok(5), "both quotes are counted");
    assert_quoted_len(b"\"\"", Ok(2), "an empty quoted-string is two quotes");
    assert_quoted_len(
        b"\"ab\";c=\"d\"",
        Ok(4),
        "the string ends at the first unescaped quote; what follows is not part of it",
    );
}

#[test]
fn a_backslash_escapes_exactly_the_next_byte() {
    assert_quoted_len(
        b"\"\\\"\"",
        Ok(4),
        "\"\\\"\": the backslash escapes the quote after it",
    );
    assert_quoted_len(
        b"\"a\\\"b\"",
        Ok(6),
        "the escaped quote is inside the string",
    );
    assert_quoted_len(
        b"\"ab\\\\\"c\"",
        Ok(6),
        "\\\\ is an escaped backslash: the quote after it ends the string",
    );
    assert_quoted_len(
        b"\"\\a\\b\"",
        Ok(6),
        "any text byte may be escaped, and means itself",
    );
    assert_quoted_len(
        b"\"abc\\\"\"",
        Ok(7),
        "the escape after three bytes of text",
    );
}

#[test]
fn a_quoted_string_must_start_and_end_with_a_quote() {
    assert_quoted_len(
        b"abc\"",
        Err(ChunkedError::InvalidExtension),
        "no opening quote",
    );
    assert_quoted_len(b"", Err(ChunkedError::InvalidExtension), "nothing at all");
    assert_quoted_len(
        b"\"abc",
        Err(ChunkedError::InvalidExtension),
        "no closing quote",
    );
    assert_quoted_len(b"\"", Err(ChunkedError::InvalidExtension), "a lone quote");
}
