//! JSONTestSuite (nst/JSONTestSuite, test_parsing/) sent as request bodies to `POST /accounts`:
//! every document a JSON parser must reject (`n_*`) is a 400 problem, every document it must
//! accept (`y_*`) is NOT a 400 — and nothing panics. Skipped when the material is absent.

use problem_details::{PROBLEM_JSON, Request, handle};
use testkit::vectors;

#[test]
fn json_test_suite_bodies() {
    let Some(files) = vectors::files("json/test_parsing", "json") else {
        return;
    };

    let (mut ran, mut excluded) = (0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // i_* cases are implementation-defined (huge numbers, lone surrogates, other
        // encodings, a BOM): a parser may accept or reject them, so either answer is fine.
        if !(name.starts_with("y_") || name.starts_with("n_")) {
            excluded += 1;
            continue;
        }
        ran += 1;
        let body = std::fs::read(path).expect("readable case");
        let req = Request::new("POST", "/accounts")
            .with_header("Content-Type", "application/json")
            .with_body(body);
        let Ok(resp) = std::panic::catch_unwind(|| handle(&req)) else {
            panic!("{name}: the handler panicked on this body (see the message above)");
        };
        if resp.header("Content-Type") != Some(PROBLEM_JSON) {
            failures.push(format!(
                "{name}: status {} is not a problem+json response",
                resp.status
            ));
            continue;
        }
        let must_reject = name.starts_with("n_");
        if must_reject && resp.status != 400 {
            failures.push(format!(
                "{name}: not JSON, so 400 expected, got {}",
                resp.status
            ));
        }
        if !must_reject && resp.status != 422 {
            failures.push(format!(
                "{name}: valid JSON (but not a valid account), so 422 expected, got {}",
                resp.status
            ));
        }
    }
    eprintln!(
        "JSONTestSuite: {ran} cases ran, {excluded} excluded (i_* are implementation-defined)"
    );
    assert!(
        failures.is_empty(),
        "{} of {ran} JSONTestSuite cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
