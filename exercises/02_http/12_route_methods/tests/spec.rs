//! The specification of method dispatch. Handlers are plain `&str` names here, so each test can
//! say which route answered.

use route_methods::{Outcome, RouteError, Router};

#[track_caller]
fn router(routes: &[(&str, &str, &'static str)]) -> Router<&'static str> {
    let mut router = Router::new();
    for &(method, pattern, name) in routes {
        router
            .add(method, pattern, name)
            .unwrap_or_else(|e| panic!("adding {method} {pattern} must succeed, got {e:?}"));
    }
    router
}

/// The name of the handler that answered `method path`, or a panic that shows what happened.
#[track_caller]
fn handler(r: &Router<&'static str>, method: &str, path: &str) -> &'static str {
    match r.route(method, path) {
        Outcome::Found { handler, .. } => handler,
        other => panic!("expected a handler for {method} {path}, got {other:?}"),
    }
}

#[track_caller]
fn allowed(r: &Router<&'static str>, method: &str, path: &str, allow: &str, why: &str) {
    let outcome = r.route(method, path);
    assert_eq!(
        outcome,
        Outcome::MethodNotAllowed {
            allow: allow.to_string()
        },
        "{method} {path}: {why}"
    );
    assert_eq!(outcome.status(), 405);
}

// ---------------------------------------------------------------- the path first: 404

#[test]
fn route_finds_its_handler() {
    let r = router(&[("GET", "/health", "health"), ("GET", "/users/:id", "user")]);
    assert_eq!(handler(&r, "GET", "/health"), "health", "GET /health");
    assert_eq!(handler(&r, "GET", "/users/7"), "user", "GET /users/7");
}

#[test]
fn found_handler_gets_the_parameters() {
    let r = router(&[("GET", "/users/:id/posts/:post", "post")]);
    match r.route("GET", "/users/42/posts/caf%C3%A9") {
        Outcome::Found { params, .. } => {
            assert_eq!(params.get("id"), Some("42"), "the captured id");
            assert_eq!(params.get("post"), Some("café"), "decoded, as in step 1");
        }
        other => panic!("expected GET /users/42/posts/caf%C3%A9 to be found, got {other:?}"),
    }
}

#[test]
fn empty_router_finds_nothing() {
    let r: Router<&str> = Router::new();
    assert_eq!(
        r.route("GET", "/"),
        Outcome::NotFound,
        "an empty router answers 404"
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
fn unknown_path_is_404_even_for_unrouted_methods() {
    let r = router(&[("GET", "/users", "list")]);
    assert_eq!(
        r.route("DELETE", "/posts"),
        Outcome::NotFound,
        "405 needs a path that matches; otherwise it is 404"
    );
}

#[test]
fn first_matching_route_answers() {
    let r = router(&[
        ("GET", "/users/:id", "by-id"),
        ("GET", "/users/:name", "by-name"),
    ]);
    assert_eq!(
        handler(&r, "GET", "/users/ann"),
        "by-id",
        "two patterns of the same shape match: the first added answers"
    );
}

#[test]
fn parameter_that_is_not_utf8_is_a_bad_request() {
    let r = router(&[("GET", "/files/:name", "file")]);
    let outcome = r.route("GET", "/files/%FF");
    assert_eq!(
        outcome,
        Outcome::BadRequest,
        "%FF is not UTF-8: the route matches, the request is a 400"
    );
    assert_eq!(outcome.status(), 400);
}

// ---------------------------------------------------------------- then the method: 405

#[test]
fn each_method_gets_its_own_handler() {
    let r = router(&[("GET", "/users", "list"), ("POST", "/users", "create")]);
    assert_eq!(handler(&r, "GET", "/users"), "list", "GET /users");
    assert_eq!(handler(&r, "POST", "/users"), "create", "POST /users");
}

#[test]
fn wrong_method_is_405_with_allow() {
    let r = router(&[("GET", "/users", "list")]);
    allowed(
        &r,
        "DELETE",
        "/users",
        "GET, HEAD",
        "the path matches but DELETE is not routed: 405, and Allow MUST list the supported \
         methods (RFC 9110 §15.5.6); HEAD is supported wherever GET is",
    );
}

#[test]
fn allow_lists_every_method_sorted() {
    let r = router(&[
        ("POST", "/users", "create"),
        ("GET", "/users", "list"),
        ("PUT", "/users", "replace"),
    ]);
    allowed(
        &r,
        "PATCH",
        "/users",
        "GET, HEAD, POST, PUT",
        "Allow lists every method of the resource, sorted alphabetically, joined by \", \"",
    );
}

#[test]
fn allow_without_get_has_no_head() {
    let r = router(&[("POST", "/login", "login")]);
    allowed(
        &r,
        "GET",
        "/login",
        "POST",
        "HEAD falls back to GET only: a POST-only resource allows just POST",
    );
}

#[test]
fn methods_added_later_join_their_resource() {
    let r = router(&[
        ("GET", "/a", "get-a"),
        ("POST", "/b", "post-b"),
        ("PUT", "/a", "put-a"),
    ]);
    assert_eq!(handler(&r, "PUT", "/a"), "put-a", "PUT /a was added last");
    allowed(
        &r,
        "PATCH",
        "/a",
        "GET, HEAD, PUT",
        "the same pattern is one resource: its methods are GET and PUT, not /b's POST",
    );
}

#[test]
fn allow_is_for_the_matched_parameter_route() {
    let r = router(&[
        ("GET", "/users/:id", "user"),
        ("PUT", "/users/:id", "update"),
    ]);
    allowed(
        &r,
        "POST",
        "/users/9",
        "GET, HEAD, PUT",
        "405 applies to parameter routes too",
    );
}

#[test]
fn allow_is_for_one_resource_only() {
    let r = router(&[
        ("GET", "/users/:id", "show"),
        ("DELETE", "/users/:name", "delete"),
    ]);
    allowed(
        &r,
        "DELETE",
        "/users/9",
        "GET, HEAD",
        "the path picks ONE resource (/users/:id, added first); other patterns that would \
         match are not consulted",
    );
}

#[test]
fn methods_are_case_sensitive() {
    let r = router(&[("GET", "/users", "list")]);
    allowed(
        &r,
        "get",
        "/users",
        "GET, HEAD",
        "method names are case-sensitive (RFC 9110 §9.1): \"get\" is not GET",
    );
}

#[test]
fn head_falls_back_to_get() {
    let r = router(&[("GET", "/users/:id", "show")]);
    match r.route("HEAD", "/users/3") {
        Outcome::Found { handler, params } => {
            assert_eq!(
                *handler, "show",
                "HEAD is answered by the GET handler (RFC 9110 §9.3.2)"
            );
            assert_eq!(params.get("id"), Some("3"), "with the same params");
        }
        other => panic!("expected HEAD /users/3 to be answered by GET, got {other:?}"),
    }
}

#[test]
fn only_head_falls_back_to_get() {
    let r = router(&[("GET", "/users", "list")]);
    allowed(
        &r,
        "OPTIONS",
        "/users",
        "GET, HEAD",
        "only HEAD borrows the GET handler",
    );
}

#[test]
fn explicit_head_route_wins_over_get() {
    let r = router(&[("GET", "/big", "get"), ("HEAD", "/big", "head")]);
    assert_eq!(
        handler(&r, "HEAD", "/big"),
        "head",
        "a HEAD route of its own is used first"
    );
    allowed(
        &r,
        "PUT",
        "/big",
        "GET, HEAD",
        "HEAD appears once in Allow, even when routed explicitly",
    );
}

#[test]
fn head_alone_does_not_allow_get() {
    let r = router(&[("HEAD", "/ping", "ping")]);
    allowed(
        &r,
        "GET",
        "/ping",
        "HEAD",
        "GET does not borrow a HEAD handler",
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
        handler(&r, "GET", "/users/1"),
        "first",
        "the first route stays in place"
    );
    assert!(
        r.add("POST", "/users/:id", "post").is_ok(),
        "another method on the same pattern is fine"
    );
}

#[test]
fn invalid_pattern_is_refused() {
    let mut r = Router::new();
    assert_eq!(
        r.add("GET", "users", "x"),
        Err(RouteError::InvalidPattern("users".to_string())),
        "a pattern must start with '/' (step 1's Pattern::parse says why)"
    );
    assert_eq!(
        r.route("GET", "/users"),
        Outcome::NotFound,
        "and a refused route is not stored"
    );
}
