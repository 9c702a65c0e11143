//! The specification: internal addresses forbidden in every family and spelling, every
//! resolved address checked, the host resolved once and the checked addresses returned, and
//! every redirect hop checked before it is requested.

use std::cell::Cell;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use ssrf_allowlist::{
    Blocked, Client, MAX_REDIRECTS, Resolve, Response, check, fetch, is_forbidden,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|_| panic!("{s} is an IP address"))
}

/// A DNS the test controls; counts the lookups.
#[derive(Default)]
struct FakeDns {
    records: HashMap<String, Vec<IpAddr>>,
    lookups: Cell<usize>,
}

impl FakeDns {
    fn with(mut self, domain: &str, addrs: &[&str]) -> FakeDns {
        self.records
            .insert(domain.to_string(), addrs.iter().map(|a| ip(a)).collect());
        self
    }
}

impl Resolve for FakeDns {
    fn resolve(&self, domain: &str) -> Vec<IpAddr> {
        self.lookups.set(self.lookups.get() + 1);
        self.records.get(domain).cloned().unwrap_or_default()
    }
}

/// An HTTP client the test controls: answers by URL, records every request it was asked for.
#[derive(Default)]
struct FakeClient {
    redirects: HashMap<String, String>,
    requests: Vec<(String, Vec<SocketAddr>)>,
}

impl FakeClient {
    fn redirect(mut self, from: &str, to: &str) -> FakeClient {
        self.redirects.insert(from.to_string(), to.to_string());
        self
    }

    fn urls(&self) -> Vec<&str> {
        self.requests.iter().map(|(url, _)| url.as_str()).collect()
    }
}

impl Client for FakeClient {
    fn get(&mut self, url: &str, addrs: &[SocketAddr]) -> Response {
        self.requests.push((url.to_string(), addrs.to_vec()));
        match self.redirects.get(url) {
            Some(to) => Response {
                status: 302,
                location: Some(to.clone()),
                body: String::new(),
            },
            None => Response {
                status: 200,
                location: None,
                body: format!("content of {url}"),
            },
        }
    }
}

#[track_caller]
fn forbidden(addrs: &[&str], why: &str) {
    for a in addrs {
        assert!(
            is_forbidden(ip(a)),
            "is_forbidden({a}) should be true: {why}"
        );
    }
}

#[track_caller]
fn allowed(addrs: &[&str], why: &str) {
    for a in addrs {
        assert!(
            !is_forbidden(ip(a)),
            "is_forbidden({a}) should be false: {why}"
        );
    }
}

#[track_caller]
fn blocked(url: &str, dns: &FakeDns, want: Blocked, why: &str) {
    match check(url, dns) {
        Err(got) => assert_eq!(got, want, "check({url:?}): {why}"),
        Ok(addrs) => panic!("check({url:?}) allowed {addrs:?}, expected {want:?}: {why}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses

#[test]
fn public_addresses_are_allowed() {
    allowed(
        &[
            "93.184.215.14",
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2001:4860::8888",
        ],
        "a public address is what an outbound request is for",
    );
}

#[test]
fn loopback_is_forbidden() {
    forbidden(
        &["127.0.0.1", "127.255.255.254", "127.1.2.3", "::1"],
        "127.0.0.0/8 and ::1 are this host",
    );
}

#[test]
fn the_metadata_service_and_link_local_are_forbidden() {
    forbidden(
        &[
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "fe80::a9fe:a9fe",
        ],
        "169.254.0.0/16 and fe80::/10 are link-local: the cloud metadata service hands out \
         credentials there",
    );
}

#[test]
fn private_ranges_are_forbidden() {
    forbidden(
        &[
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "fd00::1",
            "fc00::1",
        ],
        "RFC 1918 ranges and IPv6 unique local fc00::/7 are internal",
    );
}

#[test]
fn the_edges_of_the_private_ranges_are_public() {
    allowed(
        &[
            "172.15.255.255",
            "172.32.0.0",
            "11.0.0.0",
            "9.255.255.255",
            "192.169.0.1",
            "169.255.0.1",
        ],
        "just outside 172.16.0.0/12, 10.0.0.0/8, 192.168.0.0/16, 169.254.0.0/16",
    );
}

#[test]
fn this_network_and_unspecified_are_forbidden() {
    forbidden(
        &["0.0.0.0", "0.1.2.3", "0.255.255.255", "::"],
        "0.0.0.0/8 and :: mean 'this host' to a connecting socket on Linux",
    );
}

#[test]
fn shared_address_space_is_forbidden_and_its_edges_are_not() {
    forbidden(
        &["100.64.0.1", "100.127.255.255"],
        "100.64.0.0/10 (RFC 6598) is carrier and cloud internal",
    );
    allowed(
        &["100.63.255.255", "100.128.0.0"],
        "just outside 100.64.0.0/10",
    );
}

#[test]
fn broadcast_and_multicast_are_forbidden() {
    forbidden(
        &["255.255.255.255", "224.0.0.1", "239.255.255.250", "ff02::1"],
        "not a single server",
    );
}

#[test]
fn ipv4_mapped_ipv6_is_judged_as_its_ipv4_address() {
    forbidden(
        &[
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::ffff:7f00:1",
            "::ffff:0.0.0.0",
        ],
        "a dual-stack socket connects ::ffff:a.b.c.d to the IPv4 address a.b.c.d",
    );
    allowed(
        &["::ffff:8.8.8.8"],
        "::ffff:8.8.8.8 is 8.8.8.8, a public address",
    );
}

// ---------------------------------------------------------------------------------------------
// URLs

#[test]
fn a_public_url_gives_its_addresses_and_port() {
    let dns = FakeDns::default().with("api.example.com", &["93.184.215.14", "2606:2800:21f::1"]);
    let got = check("https://api.example.com/hook?x=1", &dns);
    let want: Vec<SocketAddr> = vec![
        "93.184.215.14:443".parse().unwrap(),
        "[2606:2800:21f::1]:443".parse().unwrap(),
    ];
    assert_eq!(
        got,
        Ok(want),
        "every address of the answer, in order, with https's port 443"
    );
    let got = check("http://api.example.com:8080/", &dns);
    assert_eq!(
        got,
        Ok(vec![
            "93.184.215.14:8080".parse().unwrap(),
            "[2606:2800:21f::1]:8080".parse().unwrap()
        ]),
        "the URL's own port"
    );
}

#[test]
fn an_ip_literal_is_checked_without_dns() {
    let dns = FakeDns::default();
    assert_eq!(
        check("http://8.8.8.8/", &dns),
        Ok(vec!["8.8.8.8:80".parse().unwrap()])
    );
    blocked(
        "http://127.0.0.1/admin",
        &dns,
        Blocked::Forbidden(ip("127.0.0.1")),
        "loopback",
    );
    blocked(
        "http://[::1]:8080/",
        &dns,
        Blocked::Forbidden(ip("::1")),
        "IPv6 loopback",
    );
    assert_eq!(
        dns.lookups.get(),
        0,
        "an IP address in the URL needs no DNS lookup"
    );
}

#[test]
fn other_spellings_of_loopback_are_forbidden() {
    let dns = FakeDns::default();
    let loopback = Blocked::Forbidden(ip("127.0.0.1"));
    for url in [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.1/",
        "http://0x7F000001/",
        "http://127.1/",
        "http://017700000001/",
    ] {
        blocked(
            url,
            &dns,
            loopback.clone(),
            "an HTTP client reads this host as 127.0.0.1",
        );
    }
    blocked(
        "http://[::ffff:7f00:1]/",
        &dns,
        Blocked::Forbidden(ip("::ffff:127.0.0.1")),
        "IPv4-mapped loopback",
    );
    blocked(
        "http://0251.0376.0251.0376/latest/meta-data/",
        &dns,
        Blocked::Forbidden(ip("169.254.169.254")),
        "the metadata service in octal",
    );
}

#[test]
fn the_host_after_userinfo_is_the_one_checked() {
    let dns = FakeDns::default().with("api.example.com", &["93.184.215.14"]);
    blocked(
        "http://api.example.com@127.0.0.1/",
        &dns,
        Blocked::Forbidden(ip("127.0.0.1")),
        "'api.example.com@' is a user name: the request goes to 127.0.0.1",
    );
}

#[test]
fn a_domain_that_resolves_inside_is_forbidden() {
    let dns = FakeDns::default().with("internal.example.com", &["10.0.0.5"]);
    blocked(
        "http://internal.example.com/",
        &dns,
        Blocked::Forbidden(ip("10.0.0.5")),
        "the name is public, the address it resolves to is not",
    );
}

#[test]
fn every_resolved_address_is_checked() {
    let dns = FakeDns::default()
        .with("mixed.example.com", &["93.184.215.14", "127.0.0.1"])
        .with(
            "mixed6.example.com",
            &["2606:2800:21f::1", "::ffff:169.254.169.254"],
        );
    blocked(
        "http://mixed.example.com/",
        &dns,
        Blocked::Forbidden(ip("127.0.0.1")),
        "the client may connect to any address of the answer, not only the first",
    );
    blocked(
        "http://mixed6.example.com/",
        &dns,
        Blocked::Forbidden(ip("::ffff:169.254.169.254")),
        "the second address is the metadata service, IPv4-mapped",
    );
}

#[test]
fn the_host_is_resolved_exactly_once() {
    let dns = FakeDns::default().with("api.example.com", &["93.184.215.14"]);
    check("http://api.example.com/", &dns).expect("a public host is allowed");
    assert_eq!(
        dns.lookups.get(),
        1,
        "resolve once, and connect to the addresses you checked: a second lookup may get a \
         different answer (DNS rebinding)"
    );
}

#[test]
fn a_domain_without_addresses_is_refused() {
    let dns = FakeDns::default();
    blocked(
        "http://nowhere.example.com/",
        &dns,
        Blocked::NoAddress("http://nowhere.example.com/".into()),
        "no address: nothing to check, nothing to connect to",
    );
}

#[test]
fn other_schemes_and_bad_urls_are_refused() {
    let dns = FakeDns::default().with("x.example.com", &["93.184.215.14"]);
    for url in [
        "file:///etc/passwd",
        "gopher://x.example.com/",
        "ftp://x.example.com/",
        "x.example.com/",
        "http://",
        "http://1.2.3.4.5/",
        "http://256.0.0.1/",
        "http://%31%32%37.0.0.1/",
        "http://x.example.com:99999/",
    ] {
        blocked(
            url,
            &dns,
            Blocked::BadUrl(url.into()),
            "only a valid http or https URL is fetched",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[test]
fn fetch_connects_to_the_checked_addresses() {
    let dns = FakeDns::default().with("api.example.com", &["93.184.215.14"]);
    let mut client = FakeClient::default();
    let response = fetch("https://api.example.com/a", &dns, &mut client).expect("a public URL");
    assert_eq!(response.status, 200);
    assert_eq!(
        client.requests,
        vec![(
            "https://api.example.com/a".to_string(),
            vec!["93.184.215.14:443".parse().unwrap()]
        )],
        "one request, to the addresses check returned"
    );
}

#[test]
fn fetch_follows_a_redirect_to_a_public_url() {
    let dns = FakeDns::default()
        .with("a.example.com", &["93.184.215.14"])
        .with("b.example.com", &["93.184.215.15"]);
    let mut client =
        FakeClient::default().redirect("http://a.example.com/", "http://b.example.com/x");
    let response = fetch("http://a.example.com/", &dns, &mut client).expect("both hops are public");
    assert_eq!(response.body, "content of http://b.example.com/x");
    assert_eq!(
        client.requests[1].1,
        vec!["93.184.215.15:80".parse().unwrap()],
        "the second hop's own addresses"
    );
}

#[test]
fn a_redirect_to_the_metadata_service_is_blocked() {
    let dns = FakeDns::default().with("evil.example.com", &["93.184.215.14"]);
    let mut client = FakeClient::default().redirect(
        "http://evil.example.com/",
        "http://169.254.169.254/latest/meta-data/",
    );
    let got = fetch("http://evil.example.com/", &dns, &mut client);
    assert_eq!(got, Err(Blocked::Forbidden(ip("169.254.169.254"))));
    assert_eq!(
        client.urls(),
        ["http://evil.example.com/"],
        "the redirect target must be checked before it is requested, like the first URL"
    );
}

#[test]
fn a_redirect_to_a_name_that_resolves_inside_is_blocked() {
    let dns = FakeDns::default()
        .with("evil.example.com", &["93.184.215.14"])
        .with("rebind.example.com", &["192.168.0.1"]);
    let mut client =
        FakeClient::default().redirect("http://evil.example.com/", "http://rebind.example.com/");
    let got = fetch("http://evil.example.com/", &dns, &mut client);
    assert_eq!(got, Err(Blocked::Forbidden(ip("192.168.0.1"))));
    assert_eq!(
        client.urls(),
        ["http://evil.example.com/"],
        "the second hop was never requested"
    );
}

#[test]
fn a_non_redirect_status_with_a_location_is_the_answer() {
    let dns = FakeDns::default().with("a.example.com", &["93.184.215.14"]);
    struct Created;
    impl Client for Created {
        fn get(&mut self, _: &str, _: &[SocketAddr]) -> Response {
            Response {
                status: 201,
                location: Some("http://127.0.0.1/".into()),
                body: "made".into(),
            }
        }
    }
    let got = fetch("http://a.example.com/", &dns, &mut Created);
    assert_eq!(
        got.map(|r| r.status),
        Ok(201),
        "a 201 with a Location is not a redirect: it is returned, not followed"
    );
}

#[test]
fn up_to_max_redirects_are_followed_and_one_more_is_refused() {
    let dns = FakeDns::default().with("a.example.com", &["93.184.215.14"]);
    let hop = |i: usize| format!("http://a.example.com/{i}");
    let mut client = FakeClient::default();
    for i in 0..MAX_REDIRECTS {
        client = client.redirect(&hop(i), &hop(i + 1));
    }
    let got = fetch(&hop(0), &dns, &mut client).map(|r| r.body);
    assert_eq!(
        got,
        Ok(format!("content of {}", hop(MAX_REDIRECTS))),
        "{MAX_REDIRECTS} redirects are allowed"
    );

    let mut client = client.redirect(&hop(MAX_REDIRECTS), &hop(MAX_REDIRECTS + 1));
    client.requests.clear();
    let got = fetch(&hop(0), &dns, &mut client);
    assert_eq!(
        got,
        Err(Blocked::TooManyRedirects),
        "{} redirects are one too many",
        MAX_REDIRECTS + 1
    );
    assert_eq!(
        client.requests.len(),
        MAX_REDIRECTS + 1,
        "the first request and {MAX_REDIRECTS} redirects were sent, the next not"
    );
}
