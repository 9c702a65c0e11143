//! Conformance with web-platform-tests: url/resources/urlencoded-parser-data.json, the cases
//! every browser's URLSearchParams parser passes. The file is read at test time from
//! shared/vectors/url/ (or $BACKLINGS_VECTORS/url/); the test is skipped when it is not there.

use query_and_forms::Form;

fn vectors_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("BACKLINGS_VECTORS") {
        return Some(dir.into());
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/vectors"))
        .find(|p| p.is_dir())
}

#[test]
fn wpt_urlencoded_parser_data() {
    let Some(path) = vectors_dir().map(|d| d.join("url/urlencoded-parser-data.json")) else {
        eprintln!("skipped: no shared/vectors directory found (set BACKLINGS_VECTORS)");
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let cases: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let cases = cases.as_array().expect("a JSON array of cases");

    // Every case is in scope: the file tests exactly the WHATWG urlencoded parser.
    let mut ran = 0;
    for case in cases {
        let input = case["input"].as_str().expect("input is a string");
        let expected: Vec<(String, String)> = case["output"]
            .as_array()
            .expect("output is an array")
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().expect("name").to_string(),
                    pair[1].as_str().expect("value").to_string(),
                )
            })
            .collect();
        assert_eq!(
            Form::parse(input).pairs(),
            expected.as_slice(),
            "WPT urlencoded-parser-data.json: parsing {input:?}"
        );
        ran += 1;
    }
    eprintln!("WPT urlencoded-parser-data.json: {ran} cases ran, 0 excluded");
}
