//! The specification of step 1: scheme, authority, userinfo and port (WHATWG URL Standard
//! §4.4, https://url.spec.whatwg.org/#concept-basic-url-parser). Cases marked "WPT" are from
//! web-platform-tests url/resources/urltestdata.json; tests/conformance.rs runs this step's
//! part of that file.

use url_authority::{Host, ParseError, Url, default_port};

fn parse(input: &str) -> Url {
    match Url::parse(input) {
        Ok(url) => url,
        Err(e) => panic!("{input:?} is a valid URL, but Url::parse returned Err({e:?})"),
    }
}

fn href(input: &str) -> String {
    parse(input).href()
}

fn domain(name: &str) -> Host {
    Host::Domain(name.to_string())
}

#[test]
fn default_ports_per_scheme() {
    for (scheme, port) in [
        ("http", 80),
        ("https", 443),
        ("ws", 80),
        ("wss", 443),
        ("ftp", 21),
    ] {
        assert_eq!(
            default_port(scheme),
            Some(port),
            "the default port of {scheme}"
        );
    }
    for scheme in ["gopher", "file", "HTTP", ""] {
        assert_eq!(
            default_port(scheme),
            None,
            "{scheme:?} is not a (lowercase) scheme this parser supports"
        );
    }
}

#[test]
fn parses_every_component() {
    let url = parse("https://user:secret@Example.COM:8443/a/b?q=1#frag");
    assert_eq!(url.scheme, "https");
    assert_eq!(url.username, "user");
    assert_eq!(url.password, "secret");
    assert_eq!(url.host, domain("example.com"), "the host is lowercased");
    assert_eq!(url.port, Some(8443));
    assert_eq!(url.path, "/a/b");
    assert_eq!(url.query.as_deref(), Some("q=1"));
    assert_eq!(url.fragment.as_deref(), Some("frag"));
    assert_eq!(
        url.href(),
        "https://user:secret@example.com:8443/a/b?q=1#frag"
    );
}

#[test]
fn minimal_url_has_slash_path_and_no_query_or_fragment() {
    let url = parse("http://example.com");
    assert_eq!(url.path, "/", "a special URL always has a path");
    assert_eq!(url.query, None, "no '?' means no query (not an empty one)");
    assert_eq!(
        url.fragment, None,
        "no '#' means no fragment (not an empty one)"
    );
    assert_eq!((url.username.as_str(), url.password.as_str()), ("", ""));
    assert_eq!(url.port, None);
    assert_eq!(url.href(), "http://example.com/");
}

#[test]
fn scheme_is_lowercased() {
    assert_eq!(
        parse("HTTPS://example.com/").scheme,
        "https",
        "schemes are case-insensitive"
    );
    assert_eq!(href("wSs://example.com"), "wss://example.com/");
}

#[test]
fn rejects_input_without_a_scheme() {
    for input in [
        "example.com/path",
        "//example.com/",
        "/path",
        "1http://x/",
        "ht tp://x/",
        "://x/",
        "",
    ] {
        assert_eq!(
            Url::parse(input),
            Err(ParseError::MissingScheme),
            "{input:?} has no scheme (an ASCII letter, then letters, digits, + - ., then ':'): \
             without a base URL it cannot be parsed"
        );
    }
}

#[test]
fn rejects_schemes_other_than_the_special_ones() {
    for (input, scheme) in [
        ("mailto:someone@example.com", "mailto"),
        ("JavaScript:alert(1)", "javascript"),
        ("file:///etc/passwd", "file"),
        ("a+b-c.d://x/", "a+b-c.d"),
    ] {
        assert_eq!(
            Url::parse(input),
            Err(ParseError::UnsupportedScheme(scheme.to_string())),
            "{input:?}: a valid scheme, but this parser supports http, https, ws, wss and ftp \
             only; the error names the lowercased scheme"
        );
    }
}

#[test]
fn strips_surrounding_spaces_and_removes_tabs_and_newlines() {
    assert_eq!(
        href("  \u{0}\thttp://exa\nmple.com/pa\tth?q\r\n=1 \u{1f}"),
        "http://example.com/path?q=1",
        "leading/trailing C0 controls and spaces are stripped, and tab, LF, CR are removed \
         everywhere, even inside the host (WPT: http://example\\t.\\norg)"
    );
}

#[test]
fn any_number_of_slashes_or_backslashes_after_the_scheme() {
    assert_eq!(
        href("http:example.com/"),
        "http://example.com/",
        "WPT: no slashes at all"
    );
    assert_eq!(
        href("http:///example.com/"),
        "http://example.com/",
        "three slashes"
    );
    assert_eq!(
        href("http:\\\\example.com/a/b"),
        "http://example.com/a/b",
        "backslashes"
    );
    assert_eq!(
        href("https:/\\/\\example.com"),
        "https://example.com/",
        "a mix"
    );
}

#[test]
fn the_authority_ends_at_the_first_slash_backslash_question_mark_or_hash() {
    // These are the disagreements that make SSRF filters fail: look at what the HTTP client
    // will actually connect to.
    for (input, host) in [
        ("http://evil.com\\@good.com/", "evil.com"),
        ("http://evil.com/@good.com/", "evil.com"),
        ("http://evil.com?@good.com/", "evil.com"),
        ("http://good.com#@evil.com/", "good.com"),
    ] {
        assert_eq!(
            parse(input).host,
            domain(host),
            "{input:?}: the authority ends at the first / \\ ? or #, so the host is {host}; \
             the '@' after it is not a userinfo's"
        );
    }
    assert_eq!(
        parse("http://evil.com?@good.com/").query.as_deref(),
        Some("@good.com/")
    );
}

#[test]
fn the_last_at_sign_ends_the_userinfo() {
    let url = parse("http://a@b@c/");
    assert_eq!(
        url.host,
        domain("c"),
        "WPT: the host comes after the LAST '@' of the authority"
    );
    assert_eq!(
        url.username, "a@b",
        "earlier '@' are part of the username (the last step percent-encodes them)"
    );
}

#[test]
fn userinfo_splits_at_the_first_colon() {
    let url = parse("http://user:pa:ss@host/");
    assert_eq!(url.username, "user", "the username ends at the first ':'");
    assert_eq!(
        url.password, "pa:ss",
        "the password is everything after the first ':' (the last step encodes its ':')"
    );
    assert_eq!(url.host, domain("host"));
    let url = parse("http://user@host/");
    assert_eq!(
        (url.username.as_str(), url.password.as_str()),
        ("user", ""),
        "no ':' means no password"
    );
}

#[test]
fn empty_userinfo_parts_are_left_out_of_href() {
    assert_eq!(
        href("http://@host/"),
        "http://host/",
        "an empty userinfo is dropped"
    );
    assert_eq!(
        href("http://:@host/"),
        "http://host/",
        "WPT: https://:@test"
    );
    assert_eq!(
        href("http://user:@host/"),
        "http://user@host/",
        "WPT: https://test:@test"
    );
    assert_eq!(
        href("http://:secret@host/"),
        "http://:secret@host/",
        "a password without a username keeps its ':'"
    );
}

#[test]
fn rejects_an_empty_host() {
    for input in [
        "http://",
        "http:///",
        "http://user@/path",
        "http://:80/",
        "http://?q",
        "http://#f",
        "ws:#",
    ] {
        assert_eq!(
            Url::parse(input),
            Err(ParseError::EmptyHost),
            "{input:?}: a special URL must have a non-empty host"
        );
    }
}

#[test]
fn the_default_port_is_elided() {
    for input in [
        "http://h:80/",
        "https://h:443/",
        "ws://h:80/",
        "wss://h:443/",
        "ftp://h:21/",
    ] {
        let url = parse(input);
        assert_eq!(
            url.port, None,
            "{input:?}: the scheme's default port is stored as no port (§4.4 port state), \
             so that this URL and the one without a port are equal"
        );
        assert_eq!(
            url.href(),
            format!("{}://h/", url.scheme),
            "{input:?}: the default port is not written back either"
        );
    }
    assert_eq!(
        parse("http://h:00080/").port,
        None,
        "WPT: leading zeros, still 80"
    );
}

#[test]
fn another_schemes_default_port_is_kept() {
    for (input, port) in [
        ("https://h:80/", 80),
        ("http://h:443/", 443),
        ("ws://h:21/", 21),
    ] {
        assert_eq!(
            parse(input).port,
            Some(port),
            "{input:?}: {port} is not this scheme's default port, so it is kept"
        );
    }
    assert_eq!(href("https://h:80/"), "https://h:80/");
}

#[test]
fn an_empty_port_is_no_port() {
    let url = parse("http://h:/");
    assert_eq!(url.port, None, "WPT: \"http://f:/c\" has no port");
    assert_eq!(url.href(), "http://h/");
}

#[test]
fn the_largest_port_is_65535() {
    assert_eq!(
        parse("http://h:65535/").port,
        Some(65535),
        "65535 fits in 16 bits"
    );
    assert_eq!(
        parse("http://h:0/").port,
        Some(0),
        "0 is a port like any other"
    );
    assert_eq!(
        Url::parse("http://h:65536/"),
        Err(ParseError::InvalidPort),
        "65536 does not fit in 16 bits: rejected, not wrapped to 0"
    );
}

#[test]
fn rejects_ports_that_are_not_just_digits() {
    for input in [
        "http://h:8o/",
        "http://h:-1/",
        "http://h:+80/",
        "http://h: 80/",
        "http://h:80:81/",
        "http://h:0x50/",
    ] {
        assert_eq!(
            Url::parse(input),
            Err(ParseError::InvalidPort),
            "{input:?}: a port is ASCII digits only (str::parse::<u16> takes \"+80\", which \
             the URL Standard does not)"
        );
    }
}

#[test]
fn rejects_huge_ports_without_overflowing() {
    for input in ["http://h:99999999999999999999/", "http://h:4294967376/"] {
        assert_eq!(
            Url::parse(input),
            Err(ParseError::InvalidPort),
            "{input:?}: far above 65535; it must be rejected, not overflow or wrap around to 80"
        );
    }
}

#[test]
fn a_colon_inside_brackets_does_not_start_the_port() {
    let url = parse("http://[2001:db8::1]:81/");
    assert_eq!(
        url.port,
        Some(81),
        "only a ':' outside the brackets starts the port"
    );
    assert_eq!(
        parse("http://[::1]/").port,
        None,
        "an IPv6 host without a port"
    );
    assert_eq!(
        Url::parse("http://[1::2]:3:4"),
        Err(ParseError::InvalidPort),
        "WPT: the port is \"3:4\""
    );
}

#[test]
fn a_question_mark_after_the_hash_belongs_to_the_fragment() {
    let url = parse("http://h/p#a?b");
    assert_eq!(url.query, None, "'?' after '#' does not start a query");
    assert_eq!(url.fragment.as_deref(), Some("a?b"));
    let url = parse("http://h/p?a#b#c");
    assert_eq!(url.query.as_deref(), Some("a"));
    assert_eq!(
        url.fragment.as_deref(),
        Some("b#c"),
        "only the first '#' is special"
    );
}

#[test]
fn an_empty_query_or_fragment_is_kept() {
    let url = parse("http://h/?#");
    assert_eq!(
        url.query.as_deref(),
        Some(""),
        "a bare '?' is an empty query, not None"
    );
    assert_eq!(
        url.fragment.as_deref(),
        Some(""),
        "a bare '#' is an empty fragment"
    );
    assert_eq!(url.href(), "http://h/?#", "and both survive serialization");
    assert_eq!(
        href("http://h?q"),
        "http://h/?q",
        "the path is \"/\" even when the query follows the host directly"
    );
}

#[test]
fn href_parses_back_to_the_same_url() {
    for input in [
        "HTTP://us:p@Example.com:81/a/b?c=d#e",
        "wss:\\\\chat.example:443?room=1",
        "ftp://a@b@c:21/x/y",
    ] {
        let url = parse(input);
        assert_eq!(
            parse(&url.href()),
            url,
            "{input:?} -> {:?}: a serialized URL must parse back to itself (§4.5)",
            url.href()
        );
    }
}
