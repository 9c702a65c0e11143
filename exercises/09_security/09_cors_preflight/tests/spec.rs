//! The specification: origins matched exactly, `*` only without credentials, preflights
//! answered with the allowed methods, headers and max age or refused with no CORS header,
//! `Vary: Origin` wherever the answer depends on the origin, and actual requests decorated.

use std::cell::Cell;

use cors_preflight::{Policy, Request, Response, handle};

const APP: &str = "https://app.example.com";

/// The policy of an API that a single-page app on two origins calls with cookies.
fn policy() -> Policy {
    Policy {
        origins: vec![APP.into(), "http://localhost:3000".into()],
        methods: vec!["PUT".into(), "DELETE".into(), "PATCH".into()],
        headers: vec![
            "Content-Type".into(),
            "Authorization".into(),
            "X-Request-Id".into(),
        ],
        credentials: true,
        max_age: Some(600),
    }
}

/// A public API: any origin may read, no cookies.
fn public_policy() -> Policy {
    Policy {
        origins: vec!["*".into()],
        methods: vec!["PUT".into()],
        headers: vec!["Content-Type".into()],
        credentials: false,
        max_age: None,
    }
}

fn preflight_request(origin: &str, method: &str, headers: Option<&str>) -> Request {
    let mut h = vec![
        ("Origin", origin),
        ("Access-Control-Request-Method", method),
    ];
    if let Some(headers) = headers {
        h.push(("Access-Control-Request-Headers", headers));
    }
    Request::new("OPTIONS", &h)
}

/// The response's headers as text, one per line, for failure messages.
fn shown(r: &Response) -> String {
    let lines: Vec<String> = r
        .headers
        .iter()
        .map(|(n, v)| format!("  {n}: {v}"))
        .collect();
    format!("{}\n{}", r.status, lines.join("\n"))
}

#[track_caller]
fn assert_refused(r: &Response, why: &str) {
    assert_eq!(
        r.status,
        403,
        "a refused preflight is a 403: {why}\ngot:\n{}",
        shown(r)
    );
    let cors: Vec<&String> = r
        .headers
        .iter()
        .map(|(n, _)| n)
        .filter(|n| n.to_ascii_lowercase().starts_with("access-control-"))
        .collect();
    assert!(
        cors.is_empty(),
        "a refused preflight carries no Access-Control-* header ({why}), got {cors:?}"
    );
}

#[track_caller]
fn assert_varies(r: &Response, what: &str) {
    let vary = r
        .headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("vary") && v.contains("Origin"));
    assert!(
        vary,
        "{what}: missing `Vary: Origin`. This answer depends on the Origin header, so a cache \
         must not serve it to another origin\ngot:\n{}",
        shown(r)
    );
}

// ---------------------------------------------------------------------------------------------
// Origins

#[test]
fn a_listed_origin_is_echoed() {
    assert_eq!(policy().allow_origin(APP).as_deref(), Some(APP));
    assert_eq!(
        policy().allow_origin("http://localhost:3000").as_deref(),
        Some("http://localhost:3000")
    );
}

#[test]
fn near_misses_are_not_the_origin() {
    for origin in [
        "https://app.example.com.evil.net",
        "https://evilapp.example.com",
        "https://evil.net/https://app.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://app.example.com/",
        "https://APP.example.com",
        "http://localhost:30001",
        "",
    ] {
        assert_eq!(
            policy().allow_origin(origin),
            None,
            "{origin:?} is not {APP:?}: origins match exactly, byte for byte (a prefix, \
             suffix or substring test lets an attacker register a look-alike)"
        );
    }
}

#[test]
fn null_is_allowed_only_when_listed() {
    assert_eq!(
        policy().allow_origin("null"),
        None,
        "`null` is what sandboxed iframes and file: pages send, attacker's included"
    );
    let mut p = policy();
    p.origins.push("null".into());
    assert_eq!(
        p.allow_origin("null").as_deref(),
        Some("null"),
        "listed: allowed"
    );
}

#[test]
fn star_without_credentials_lets_any_origin_read() {
    for origin in ["https://anyone.example", APP, "null"] {
        assert_eq!(
            public_policy().allow_origin(origin).as_deref(),
            Some("*"),
            "origin {origin:?}"
        );
    }
}

#[test]
fn star_with_credentials_allows_no_origin() {
    let mut p = public_policy();
    p.credentials = true;
    for origin in ["https://anyone.example", APP, "null"] {
        assert_eq!(
            p.allow_origin(origin),
            None,
            "origin {origin:?}: `*` is refused with credentials (Fetch §3.2.5), and echoing \
             any origin instead would let every site read your users' data with their cookies"
        );
    }
    p.origins.push(APP.into());
    assert_eq!(
        p.allow_origin(APP).as_deref(),
        Some(APP),
        "a listed origin still is"
    );
}

// ---------------------------------------------------------------------------------------------
// Preflight

#[test]
fn an_allowed_preflight_gets_every_header() {
    let r = policy().preflight(&preflight_request(
        APP,
        "PUT",
        Some("content-type,x-request-id"),
    ));
    assert_eq!(
        r.status,
        204,
        "an allowed preflight: 204\ngot:\n{}",
        shown(&r)
    );
    for (name, value) in [
        ("Access-Control-Allow-Origin", APP),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Allow-Methods", "PUT, DELETE, PATCH"),
        (
            "Access-Control-Allow-Headers",
            "Content-Type, Authorization, X-Request-Id",
        ),
        ("Access-Control-Max-Age", "600"),
    ] {
        assert_eq!(r.header(name), Some(value), "{name}\ngot:\n{}", shown(&r));
    }
    assert_varies(&r, "an allowed preflight");
}

#[test]
fn no_credentials_and_no_max_age_mean_no_such_headers() {
    let r = public_policy().preflight(&preflight_request("https://anyone.example", "PUT", None));
    assert_eq!(r.status, 204, "got:\n{}", shown(&r));
    assert_eq!(r.header("Access-Control-Allow-Origin"), Some("*"));
    assert_eq!(
        r.header("Access-Control-Allow-Credentials"),
        None,
        "without credentials, no Allow-Credentials header at all (the only valid value is `true`)"
    );
    assert_eq!(
        r.header("Access-Control-Max-Age"),
        None,
        "no max age in the policy"
    );
}

#[test]
fn a_preflight_from_another_origin_is_refused() {
    let r = policy().preflight(&preflight_request("https://evil.example", "PUT", None));
    assert_refused(&r, "the origin is not in the list");
    assert_varies(&r, "a preflight refused for its origin");
}

#[test]
fn a_method_not_allowed_is_refused() {
    let r = policy().preflight(&preflight_request(APP, "PURGE", None));
    assert_refused(&r, "PURGE is not in the policy's methods");
}

#[test]
fn get_head_and_post_need_not_be_listed() {
    for method in ["GET", "HEAD", "POST"] {
        let r = policy().preflight(&preflight_request(APP, method, Some("authorization")));
        assert_eq!(
            r.status,
            204,
            "{method} is CORS-safelisted: a browser preflights it for its headers, and \
             accepts it whatever Allow-Methods says\ngot:\n{}",
            shown(&r)
        );
    }
}

#[test]
fn methods_are_compared_case_sensitively() {
    for method in ["put", "Patch", "delete"] {
        let r = policy().preflight(&preflight_request(APP, method, None));
        assert_refused(
            &r,
            &format!(
                "{method:?} is not \"PUT\"/\"PATCH\"/\"DELETE\": Fetch compares methods byte for \
                 byte (a browser upper-cases only DELETE, GET, HEAD, OPTIONS, POST, PUT, and \
                 sends `fetch(url, {{method: 'patch'}})` as `patch`)"
            ),
        );
    }
}

#[test]
fn requested_headers_are_compared_case_insensitively() {
    let r = policy().preflight(&preflight_request(
        APP,
        "DELETE",
        Some("CONTENT-TYPE, Authorization ,\tx-request-id"),
    ));
    assert_eq!(
        r.status,
        204,
        "header names are case-insensitive, and the list may have spaces and tabs around its \
         commas\ngot:\n{}",
        shown(&r)
    );
}

#[test]
fn one_header_not_allowed_refuses_the_preflight() {
    let r = policy().preflight(&preflight_request(APP, "PUT", Some("content-type,x-admin")));
    assert_refused(&r, "x-admin is not in the policy's headers");
}

#[test]
fn empty_requested_headers_ask_for_nothing() {
    for headers in [Some(""), Some(" "), Some("content-type,,"), None] {
        let r = policy().preflight(&preflight_request(APP, "PUT", headers));
        assert_eq!(
            r.status,
            204,
            "Access-Control-Request-Headers {headers:?}: empty names ask for nothing\ngot:\n{}",
            shown(&r)
        );
    }
}

#[test]
fn a_star_policy_does_not_vary_by_origin() {
    let r = public_policy().preflight(&preflight_request("https://anyone.example", "PUT", None));
    assert!(
        r.header("Vary").is_none(),
        "`*` is the same answer for every origin: `Vary: Origin` would only split caches\ngot:\n{}",
        shown(&r)
    );
}

#[test]
fn a_list_varies_by_origin_with_or_without_credentials() {
    let mut p = policy();
    p.credentials = false;
    let r = p.preflight(&preflight_request(APP, "PUT", None));
    assert_varies(
        &r,
        "a list of origins without credentials: the answer still names the origin",
    );
    let mut p = public_policy();
    p.credentials = true;
    let r = p.preflight(&preflight_request(APP, "PUT", None));
    assert_varies(
        &r,
        "`*` with credentials allows no one, and a listed origin would be echoed",
    );
}

// ---------------------------------------------------------------------------------------------
// Actual requests

/// Runs `request` through `handle` with a handler that answers 200 and counts its calls.
fn through(policy: &Policy, request: &Request) -> (Response, usize) {
    let calls = Cell::new(0);
    let r = handle(policy, request, |_| {
        calls.set(calls.get() + 1);
        let mut r = Response::new(200);
        r.add("Content-Type", "application/json");
        r.add("Vary", "Accept-Encoding");
        r
    });
    (r, calls.get())
}

#[test]
fn a_simple_request_from_an_allowed_origin_can_be_read() {
    let (r, calls) = through(&policy(), &Request::new("GET", &[("Origin", APP)]));
    assert_eq!(
        calls, 1,
        "a simple request has no preflight: the handler runs"
    );
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some(APP),
        "got:\n{}",
        shown(&r)
    );
    assert_eq!(
        r.header("Access-Control-Allow-Credentials"),
        Some("true"),
        "got:\n{}",
        shown(&r)
    );
    assert_varies(&r, "an allowed actual request");
}

#[test]
fn the_handlers_response_is_kept() {
    let (r, _) = through(&policy(), &Request::new("GET", &[("Origin", APP)]));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Content-Type"),
        Some("application/json"),
        "got:\n{}",
        shown(&r)
    );
    assert_eq!(
        r.headers[1],
        ("Vary".to_string(), "Accept-Encoding".to_string()),
        "the handler's headers come first, untouched"
    );
}

#[test]
fn a_simple_post_from_another_origin_is_sent_but_cannot_be_read() {
    let request = Request::new(
        "POST",
        &[
            ("Origin", "https://evil.example"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
    );
    let (r, calls) = through(&policy(), &request);
    assert_eq!(
        calls, 1,
        "a form POST is a simple request: the browser sends it without asking, and the handler \
         runs. CORS does not stop it; CSRF defences do"
    );
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        None,
        "no Allow-Origin: the browser hides the answer from the evil page\ngot:\n{}",
        shown(&r)
    );
    assert_eq!(
        r.header("Access-Control-Allow-Credentials"),
        None,
        "got:\n{}",
        shown(&r)
    );
    assert_varies(&r, "an actual request from a refused origin");
}

#[test]
fn a_request_without_origin_still_varies() {
    let (r, _) = through(&policy(), &Request::new("GET", &[]));
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        None,
        "no Origin, nothing to allow"
    );
    assert_varies(
        &r,
        "a same-origin request (no Origin header): a cache that stores this answer must not \
         give it to a cross-origin request",
    );
}

#[test]
fn a_preflight_never_reaches_the_handler() {
    let (r, calls) = through(&policy(), &preflight_request(APP, "PUT", None));
    assert_eq!(calls, 0, "the preflight is answered by the CORS layer");
    assert_eq!(r.status, 204, "got:\n{}", shown(&r));
}

#[test]
fn a_star_policy_answers_star_to_actual_requests() {
    let (r, _) = through(
        &public_policy(),
        &Request::new("GET", &[("Origin", "https://anyone.example")]),
    );
    assert_eq!(
        r.header("Access-Control-Allow-Origin"),
        Some("*"),
        "got:\n{}",
        shown(&r)
    );
    assert_eq!(
        r.header("Access-Control-Allow-Credentials"),
        None,
        "got:\n{}",
        shown(&r)
    );
}
