//! Conformance: the web-platform-tests URL cases (url/resources/urltestdata.json), the tests
//! every browser runs, filtered to those this step's parser can pass. The file is read at
//! test time from shared/vectors/url/ (or $BACKLINGS_VECTORS/url/); without it this test is
//! skipped.

use testkit::wpt::url::{UrlCase, UrlFields, run_url_cases};
use url_paths::Url;

/// What the URL API of a browser would show for `input`, or the error.
fn fields(input: &str) -> Result<UrlFields, String> {
    let url = Url::parse(input).map_err(|e| format!("Err({e:?})"))?;
    let hostname = url.host.to_string();
    let port = url.port.map(|p| p.to_string()).unwrap_or_default();
    Ok(UrlFields {
        href: url.href(),
        protocol: format!("{}:", url.scheme),
        username: url.username.clone(),
        password: url.password.clone(),
        host: if port.is_empty() {
            hostname.clone()
        } else {
            format!("{hostname}:{port}")
        },
        hostname,
        port,
        pathname: url.path.clone(),
        search: UrlFields::prefixed("?", url.query.as_deref()),
        hash: UrlFields::prefixed("#", url.fragment.as_deref()),
    })
}

/// Fewer cases than this means the filter is broken (370 ran when it was written; the
/// exercise before the split into steps ran 370).
const AT_LEAST: usize = 370;

/// Every case the course covers is in this step's scope (`run_url_cases` leaves out the rest).
fn excluded(_case: &UrlCase) -> Option<&'static str> {
    None
}

#[test]
fn wpt_urltestdata_cases_of_this_step_pass() {
    run_url_cases(excluded, fields, AT_LEAST);
}
