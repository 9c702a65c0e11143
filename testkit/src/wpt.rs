//! The URL data files of web-platform-tests, the tests every browser runs (`url/*.json` in the
//! vectors folder, from wpt's `url/resources/`).
//!
//! [`url`] runs the URL parsing cases of `urltestdata.json` one exercise step at a time.

/// The test cases of a WPT URL data file such as `url/urltestdata.json`: the objects of its
/// top-level array, in order (the strings between them are comments). `None` after a skip
/// note when the file is absent.
pub fn cases(rel: &str) -> Option<Vec<serde_json::Value>> {
    let text = crate::vectors::read_to_string(rel)?;
    let data: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid JSON: {e}"));
    let serde_json::Value::Array(items) = data else {
        panic!("{rel} is not a JSON array of test cases");
    };
    Some(items.into_iter().filter(|c| c.is_object()).collect())
}

pub mod url;
