//! The specification of the router. Handlers are plain `&str` names here, so each test can say
//! which route answered.

use routing::{Outcome, Params, RouteError, Router};

fn router(routes: &[(&str, &str, &'static str)]) -> Router<&'static str> {
    let mut router = Router::new();
    for &(method, pattern, name) in routes {
        router
            .add(method, pattern, name)
            .unwrap_or_else(|e| panic!("adding {method} {pattern} must succeed, got {e:?}"));
    }
    router
}

/// The name of the handler that answered, or a panic that shows what happened instead.
fn handler(outcome: Outcome<'_, &'static str>) -> &'static str {
    match outcome {
        Outcome::Found { handler, .. } => handler,
        other => panic!("expected a handler to be found, got {other:?}"),
    }
}

fn params(outcome: Outcome<'_, &'static str>) -> Params {
    match outcome {
        Outcome::Found { params, .. } => params,
        other => panic!("expected a handler to be found, got {other:?}"),
    }
}

// ---------------------------------------------------------------- static routes

#[test]
fn static_route_matches_its_path() {
    let r = router(&[("GET", "/health", "health")]);
    assert_eq!(
        handler(r.route("GET", "/health")),
        "health",
        "GET /health is routed to its handler"
    );
}

#[test]
fn root_route_matches_slash() {
    let r = router(&[("GET", "/", "home"), ("GET", "/about", "about")]);
    assert_eq!(
        handler(r.route("GET", "/")),
        "home",
        "the pattern \"/\" matches the path \"/\""
    );
    assert_eq!(
        handler(r.route("GET", "/about")),
        "about",
        "/about is not the root"
    );
}

#[test]
fn unknown_path_is_not_found() {
    let r = router(&[("GET", "/health", "health")]);
    let outcome = r.route("GET", "/nope");
    assert_eq!(
        outcome,
        Outcome::NotFound,
        "no pattern matches /nope: 404 (RFC 9110 §15.5.5)"
    );
    assert_eq!(outcome.status(), 404);
}

#[test]
fn empty_router_finds_nothing() {
    let r: Router<&str> = Router::new();
    assert_eq!(
        r.route("GET", "/"),
        Outcome::NotFound,
        "an empty router answers 404 to everything"
    );
}

#[test]
fn static_segments_must_match_exactly() {
    let r = router(&[("GET", "/users", "users")]);
    assert_eq!(
        r.route("GET", "/Users"),
        Outcome::NotFound,
        "path segments are case-sensitive (RFC 3986 §6.2.2.1)"
    );
    assert_eq!(
        r.route("GET", "/users2"),
        Outcome::NotFound,
        "a prefix is not a match"
    );
    assert_eq!(
        r.route("GET", "/user"),
        Outcome::NotFound,
        "a shorter segment is not a match"
    );
}

// ---------------------------------------------------------------- parameters

#[test]
fn parameter_captures_one_segment() {
    let r = router(&[("GET", "/users/:id", "user")]);
    let p = params(r.route("GET", "/users/42"));
    assert_eq!(
        p.get("id"),
        Some("42"),
        "/users/:id captures id = \"42\" from /users/42"
    );
    assert_eq!(p.len(), 1, "one parameter in the pattern, one captured");
}

#[test]
fn several_parameters_are_all_captured() {
    let r = router(&[("GET", "/users/:id/posts/:post_id", "post")]);
    let p = params(r.route("GET", "/users/42/posts/7"));
    assert_eq!(p.get("id"), Some("42"), "first parameter");
    assert_eq!(p.get("post_id"), Some("7"), "second parameter");
    assert_eq!(p.get("posts"), None, "static segments are not parameters");
}

#[test]
fn static_route_has_no_params() {
    let r = router(&[("GET", "/health", "health")]);
    assert!(
        params(r.route("GET", "/health")).is_empty(),
        "a static route captures nothing"
    );
}

#[test]
fn parameter_does_not_match_an_empty_segment() {
    let r = router(&[("GET", "/users/:id/posts", "posts")]);
    assert_eq!(
        r.route("GET", "/users//posts"),
        Outcome::NotFound,
        "a parameter matches a NON-EMPTY segment: /users//posts has an empty one"
    );
}

#[test]
fn parameter_does_not_span_slashes() {
    let r = router(&[("GET", "/users/:id", "user")]);
    assert_eq!(
        r.route("GET", "/users/1/extra"),
        Outcome::NotFound,
        "a parameter is ONE segment: /users/:id does not match /users/1/extra"
    );
    assert_eq!(
        r.route("GET", "/users"),
        Outcome::NotFound,
        "and /users has no segment for :id"
    );
}

#[test]
fn parameters_are_percent_decoded() {
    let r = router(&[("GET", "/files/:name", "file")]);
    assert_eq!(
        params(r.route("GET", "/files/hello%20world")).get("name"),
        Some("hello world"),
        "%20 in a path segment is a space (RFC 3986 §2.1)"
    );
    assert_eq!(
        params(r.route("GET", "/files/caf%C3%A9")).get("name"),
        Some("café"),
        "percent-decoding yields UTF-8 bytes: %C3%A9 is 'é'"
    );
}

#[test]
fn encoded_slash_stays_inside_one_parameter() {
    let r = router(&[("GET", "/files/:name", "file")]);
    assert_eq!(
        params(r.route("GET", "/files/a%2Fb")).get("name"),
        Some("a/b"),
        "split the path on '/' FIRST, then decode: %2F is data inside one segment"
    );
}

#[test]
fn plus_is_not_a_space_in_a_path() {
    let r = router(&[("GET", "/tags/:tag", "tag")]);
    assert_eq!(
        params(r.route("GET", "/tags/c++")).get("tag"),
        Some("c++"),
        "'+' means space only in form data; in a path it is a plain '+'"
    );
}

#[test]
fn invalid_percent_sequence_is_kept() {
    let r = router(&[("GET", "/files/:name", "file")]);
    assert_eq!(
        params(r.route("GET", "/files/100%")).get("name"),
        Some("100%"),
        "a '%' not followed by two hex digits is kept as it is (WHATWG URL §1.3)"
    );
}

#[test]
fn parameter_that_is_not_utf8_is_a_bad_request() {
    let r = router(&[("GET", "/files/:name", "file")]);
    let outcome = r.route("GET", "/files/%FF");
    assert_eq!(
        outcome,
        Outcome::BadRequest,
        "%FF decodes to a byte that is not UTF-8: refuse with 400 rather than guess"
    );
    assert_eq!(outcome.status(), 400);
}

// ---------------------------------------------------------------- priority

#[test]
fn static_route_beats_parameter_whatever_the_order() {
    let r = router(&[("GET", "/users/:id", "user"), ("GET", "/users/me", "me")]);
    assert_eq!(
        handler(r.route("GET", "/users/me")),
        "me",
        "/users/me is more specific than /users/:id even though it was added later"
    );
    assert_eq!(
        handler(r.route("GET", "/users/7")),
        "user",
        "other ids still go to /users/:id"
    );

    let r = router(&[("GET", "/users/me", "me"), ("GET", "/users/:id", "user")]);
    assert_eq!(
        handler(r.route("GET", "/users/me")),
        "me",
        "same result in the other order"
    );
}

#[test]
fn leftmost_static_segment_decides() {
    let r = router(&[
        ("GET", "/a/:x/c", "param-first"),
        ("GET", "/a/b/:y", "static-first"),
    ]);
    assert_eq!(
        handler(r.route("GET", "/a/b/c")),
        "static-first",
        "compare segment by segment from the left: at the 2nd segment 'b' (static) beats ':x'"
    );
}

#[test]
fn parameter_route_is_used_when_static_does_not_match_further() {
    let r = router(&[
        ("GET", "/users/me/settings", "settings"),
        ("GET", "/users/:id/posts", "posts"),
    ]);
    assert_eq!(
        handler(r.route("GET", "/users/me/posts")),
        "posts",
        "/users/me/settings does not match /users/me/posts, so /users/:id/posts does"
    );
    assert_eq!(
        params(r.route("GET", "/users/me/posts")).get("id"),
        Some("me"),
        "and id = \"me\""
    );
}

// ---------------------------------------------------------------- trailing slash

#[test]
fn trailing_slash_redirects_to_the_route_without_it() {
    let r = router(&[("GET", "/users", "users")]);
    let outcome = r.route("GET", "/users/");
    assert_eq!(
        outcome,
        Outcome::Redirect {
            location: "/users".to_string()
        },
        "/users/ does not match /users, but without the slash it does: 308 to /users"
    );
    assert_eq!(
        outcome.status(),
        308,
        "308 keeps the method and body (RFC 9110 §15.4.9)"
    );
}

#[test]
fn missing_trailing_slash_redirects_to_the_route_with_it() {
    let r = router(&[("GET", "/docs/", "docs")]);
    assert_eq!(
        r.route("GET", "/docs"),
        Outcome::Redirect {
            location: "/docs/".to_string()
        },
        "/docs matches nothing, /docs/ does: redirect there"
    );
}

#[test]
fn trailing_slash_redirect_keeps_parameters() {
    let r = router(&[("GET", "/users/:id", "user")]);
    assert_eq!(
        r.route("GET", "/users/42/"),
        Outcome::Redirect {
            location: "/users/42".to_string()
        },
        "the redirect goes to the request's own path minus the slash"
    );
}

#[test]
fn exact_match_wins_over_a_redirect() {
    let r = router(&[("GET", "/a", "no-slash"), ("GET", "/a/", "slash")]);
    assert_eq!(
        handler(r.route("GET", "/a")),
        "no-slash",
        "/a is routed, no redirect"
    );
    assert_eq!(
        handler(r.route("GET", "/a/")),
        "slash",
        "/a/ is routed, no redirect"
    );
}

#[test]
fn no_redirect_when_neither_form_matches() {
    let r = router(&[("GET", "/users", "users")]);
    assert_eq!(
        r.route("GET", "/posts/"),
        Outcome::NotFound,
        "neither /posts/ nor /posts match: 404"
    );
}

// ---------------------------------------------------------------- methods: 405 and HEAD

#[test]
fn wrong_method_is_405_with_allow() {
    let r = router(&[("GET", "/users", "list")]);
    let outcome = r.route("DELETE", "/users");
    assert_eq!(
        outcome,
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD".to_string()
        },
        "the path matches but DELETE is not routed: 405, and Allow MUST list the supported \
         methods (RFC 9110 §15.5.6); HEAD is supported wherever GET is"
    );
    assert_eq!(outcome.status(), 405);
}

#[test]
fn allow_lists_every_method_sorted() {
    let r = router(&[
        ("POST", "/users", "create"),
        ("GET", "/users", "list"),
        ("PUT", "/users", "replace"),
    ]);
    assert_eq!(
        r.route("PATCH", "/users"),
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD, POST, PUT".to_string()
        },
        "Allow lists every method of the resource, sorted alphabetically, joined by \", \""
    );
}

#[test]
fn allow_without_get_has_no_head() {
    let r = router(&[("POST", "/login", "login")]);
    assert_eq!(
        r.route("GET", "/login"),
        Outcome::MethodNotAllowed {
            allow: "POST".to_string()
        },
        "HEAD falls back to GET only: a POST-only resource allows just POST"
    );
}

#[test]
fn allow_is_for_the_matched_parameter_route() {
    let r = router(&[
        ("GET", "/users/:id", "user"),
        ("PUT", "/users/:id", "update"),
    ]);
    assert_eq!(
        r.route("POST", "/users/9"),
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD, PUT".to_string()
        },
        "405 applies to parameter routes too"
    );
}

#[test]
fn each_method_gets_its_own_handler() {
    let r = router(&[("GET", "/users", "list"), ("POST", "/users", "create")]);
    assert_eq!(handler(r.route("GET", "/users")), "list", "GET /users");
    assert_eq!(handler(r.route("POST", "/users")), "create", "POST /users");
}

#[test]
fn methods_are_case_sensitive() {
    let r = router(&[("GET", "/users", "list")]);
    assert_eq!(
        r.route("get", "/users"),
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD".to_string()
        },
        "method names are case-sensitive (RFC 9110 §9.1): \"get\" is not GET"
    );
}

#[test]
fn head_falls_back_to_get() {
    let r = router(&[("GET", "/users/:id", "show")]);
    assert_eq!(
        handler(r.route("HEAD", "/users/3")),
        "show",
        "HEAD is answered by the GET handler (RFC 9110 §9.3.2: same headers as GET, no body)"
    );
    assert_eq!(
        params(r.route("HEAD", "/users/3")).get("id"),
        Some("3"),
        "with the same params"
    );
}

#[test]
fn explicit_head_route_wins_over_get() {
    let r = router(&[("GET", "/big", "get"), ("HEAD", "/big", "head")]);
    assert_eq!(
        handler(r.route("HEAD", "/big")),
        "head",
        "a HEAD route of its own is used first"
    );
    assert_eq!(
        r.route("PUT", "/big"),
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD".to_string()
        },
        "HEAD appears once in Allow, even when routed explicitly"
    );
}

#[test]
fn unknown_path_is_404_even_for_unrouted_methods() {
    let r = router(&[("GET", "/users", "list")]);
    assert_eq!(
        r.route("DELETE", "/posts"),
        Outcome::NotFound,
        "405 needs a path that matches; otherwise it is 404"
    );
}

// ---------------------------------------------------------------- adding routes

#[test]
fn duplicate_route_is_refused() {
    let mut r = Router::new();
    r.add("GET", "/users/:id", "first")
        .expect("the first route is fine");
    assert_eq!(
        r.add("GET", "/users/:id", "second"),
        Err(RouteError::Duplicate {
            method: "GET".to_string(),
            pattern: "/users/:id".to_string()
        }),
        "two handlers for the same method and pattern is a bug in the route table: refuse it"
    );
    assert_eq!(
        handler(r.route("GET", "/users/1")),
        "first",
        "the first route stays in place"
    );
    assert!(
        r.add("POST", "/users/:id", "post").is_ok(),
        "another method on the same pattern is fine"
    );
}

#[test]
fn pattern_must_start_with_a_slash() {
    let mut r = Router::new();
    assert!(
        matches!(
            r.add("GET", "users", "x"),
            Err(RouteError::InvalidPattern(_))
        ),
        "a pattern is an absolute path: it starts with '/'"
    );
    assert!(
        matches!(r.add("GET", "", "x"), Err(RouteError::InvalidPattern(_))),
        "the empty pattern is not a path"
    );
}

#[test]
fn parameter_needs_a_name() {
    let mut r = Router::new();
    assert!(
        matches!(
            r.add("GET", "/users/:", "x"),
            Err(RouteError::InvalidPattern(_))
        ),
        "':' alone names no parameter"
    );
}

#[test]
fn parameter_names_must_be_unique() {
    let mut r = Router::new();
    assert!(
        matches!(
            r.add("GET", "/a/:id/b/:id", "x"),
            Err(RouteError::InvalidPattern(_))
        ),
        "two parameters called 'id' would make one of them unreachable"
    );
}
