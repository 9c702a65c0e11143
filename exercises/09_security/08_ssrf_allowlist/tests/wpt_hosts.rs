//! Official spellings: the web-platform-tests URL cases (url/resources/urltestdata.json, the
//! tests every browser runs) whose host is an IPv4 address or that must fail, kept to
//! absolute http(s) URLs in plain ASCII. `check` must judge the address the browser would
//! connect to, and refuse what a browser refuses. Read at test time from
//! shared/vectors/url/ (or $BACKLINGS_VECTORS/url/); skipped with a note without it.

use std::net::{IpAddr, Ipv4Addr};

use ssrf_allowlist::{Blocked, Resolve, check};
use testkit::wpt::url::{RawUrl, ends_in_a_number};

/// An IP address in the URL needs no lookup: this resolver fails the test if asked.
struct NoDns;

impl Resolve for NoDns {
    fn resolve(&self, domain: &str) -> Vec<IpAddr> {
        panic!("resolve({domain:?}) was called for a URL whose host is an IP address");
    }
}

/// Every domain is public here, so that only the URL itself can be refused.
struct PublicDns;

impl Resolve for PublicDns {
    fn resolve(&self, _: &str) -> Vec<IpAddr> {
        vec![IpAddr::V4(Ipv4Addr::new(93, 184, 215, 14))]
    }
}

/// Fewer cases than this means the filter below is broken (50 ran when it was written).
const AT_LEAST: usize = 50;

#[test]
fn wpt_ipv4_hosts_are_checked_as_browsers_read_them() {
    let Some(cases) = testkit::wpt::cases("url/urltestdata.json") else {
        return;
    };
    let mut ran = 0;
    for case in &cases {
        let input = case["input"].as_str().unwrap_or_default();
        let plain = input
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"%\\\\".contains(&b));
        if !plain || !(input.starts_with("http://") || input.starts_with("https://")) {
            continue;
        }
        if case["failure"].as_bool() == Some(true) {
            // Only the failures of the IPv4 parser: other failures (IDNA, forbidden code
            // points) are the full URL parser's business, not this check's.
            let host = RawUrl::split(input).map(|raw| raw.host).unwrap_or_default();
            if !ends_in_a_number(&host) {
                continue;
            }
            let got = check(input, &PublicDns);
            assert!(
                matches!(got, Err(Blocked::BadUrl(_))),
                "{input:?} is not a valid URL to a browser (urltestdata.json), got {got:?}"
            );
            ran += 1;
            continue;
        }
        let Ok(want) = case["hostname"]
            .as_str()
            .unwrap_or_default()
            .parse::<Ipv4Addr>()
        else {
            continue;
        };
        let want = IpAddr::V4(want);
        let got = check(input, &NoDns);
        let checked = match &got {
            Ok(addrs) => addrs.iter().map(|a| a.ip()).collect(),
            Err(Blocked::Forbidden(ip)) => vec![*ip],
            Err(_) => vec![],
        };
        assert_eq!(
            checked,
            vec![want],
            "{input:?}: a browser connects to {want}, so that is the address to check; got {got:?}"
        );
        ran += 1;
    }
    assert!(
        ran >= AT_LEAST,
        "only {ran} urltestdata cases ran, expected at least {AT_LEAST}"
    );
    println!("{ran} urltestdata cases ran");
}
