//! Conformance: the web-platform-tests URL cases (url/resources/urltestdata.json), the tests
//! every browser runs, filtered to those this step's parser can pass. The file is read at
//! test time from shared/vectors/url/ (or $BACKLINGS_VECTORS/url/); without it this test is
//! skipped.

use testkit::wpt::url::{UrlCase, UrlFields, ends_in_a_number, run_url_cases};
use url_authority::Url;

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

/// Fewer cases than this means the filter below is broken (128 ran when it was written).
const AT_LEAST: usize = 120;

/// Why a case needs more than this step teaches, or `None`.
fn excluded(case: &UrlCase) -> Option<&'static str> {
    let raw = case.raw.as_ref()?;
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    if !raw.host.bytes().all(plain) {
        return Some("host with brackets, '%' or other characters: hosts are step 2");
    }
    if ends_in_a_number(&raw.host) {
        return Some("host ending in a number, an IPv4 address: steps 2 and 3");
    }
    if !case.failure && !raw.copied_as_written(&case.expected) {
        return Some("userinfo, path, query or fragment to encode or resolve: step 4");
    }
    None
}

#[test]
fn wpt_urltestdata_cases_of_this_step_pass() {
    run_url_cases(excluded, fields, AT_LEAST);
}
