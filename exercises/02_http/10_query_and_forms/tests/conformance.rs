//! Conformance with web-platform-tests: url/resources/urlencoded-parser-data.json, the cases
//! every browser's URLSearchParams parser passes. The file is read at test time from
//! shared/vectors/url/ (or $BACKLINGS_VECTORS/url/); the test is skipped when it is not there.

use query_and_forms::Form;
use testkit::wpt;

#[test]
fn wpt_urlencoded_parser_data() {
    let Some(cases) = wpt::cases("url/urlencoded-parser-data.json") else {
        return;
    };

    // Every case is in scope: the file tests exactly the WHATWG urlencoded parser.
    let mut ran = 0;
    for case in &cases {
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
