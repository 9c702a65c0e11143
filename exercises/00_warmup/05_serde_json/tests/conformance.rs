//! JSONTestSuite (github.com/nst/JSONTestSuite, test_parsing/) run through `decode_order`.
//!
//! The suite is a corpus of JSON texts named by what a parser must do with them:
//! `y_*` must be accepted, `n_*` must be rejected, `i_*` are implementation-defined. None of
//! them is an order, so for `decode_order` this means:
//! - `y_*`: valid JSON of the wrong shape, so `DecodeError::Shape` — never `Syntax`;
//! - `n_*`: not JSON, so `DecodeError::Syntax` — never `Shape`, even when the text starts like
//!   an object or array whose first value has the wrong type; `TooLarge` if the file is larger
//!   than `MAX_BODY_BYTES` (it is then refused unread);
//! - `i_*`: only checked not to panic (see below).
//!
//! The material is read at test time from the course's shared vectors directory; when it is not
//! there the test says so and passes.

use serde_json_io::{DecodeError, MAX_BODY_BYTES, decode_order};
use testkit::vectors;

/// JSONTestSuite's parsing cases, inside the vectors folder.
const TEST_PARSING: &str = "json/test_parsing";

#[test]
fn json_test_suite_parsing_cases() {
    let Some(files) = vectors::files(TEST_PARSING, "json") else {
        return;
    };

    let (mut accepted, mut rejected, mut implementation_defined) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(path).unwrap();
        let outcome = decode_order(&body);
        if name.starts_with("y_") {
            accepted += 1;
            if !matches!(outcome, Err(DecodeError::Shape(_))) {
                failures.push(format!(
                    "{name}: valid JSON that is not an order must be Shape (422), got {outcome:?}"
                ));
            }
        } else if name.starts_with("n_") {
            rejected += 1;
            let ok = if body.len() > MAX_BODY_BYTES {
                matches!(outcome, Err(DecodeError::TooLarge { .. }))
            } else {
                matches!(outcome, Err(DecodeError::Syntax(_)))
            };
            if !ok {
                failures.push(format!(
                    "{name} ({} bytes): malformed JSON must be Syntax (400), or TooLarge (413) \
                     over MAX_BODY_BYTES, got {outcome:?}",
                    body.len()
                ));
            }
        } else {
            // i_*: RFC 8259 leaves these to the implementation (huge exponents, lone
            // surrogates, UTF-16, a BOM, deep nesting). Any answer is acceptable; reaching this
            // line means decode_order did not panic or overflow the stack on them.
            implementation_defined += 1;
        }
    }
    eprintln!(
        "JSONTestSuite test_parsing: {} cases ran ({accepted} y_, {rejected} n_ checked, \
         {implementation_defined} i_ checked only for not panicking); test_transform/ excluded \
         (it has no expected results)",
        files.len()
    );
    assert!(
        files.len() > 300,
        "expected the ~318 files of {TEST_PARSING} in the vectors folder"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
