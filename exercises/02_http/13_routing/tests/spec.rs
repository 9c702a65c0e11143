//! The specification of route priority and trailing-slash redirects. Handlers are plain `&str`
//! names here, so each test can say which route answered.

use routing::{Outcome, Router};

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
fn redirect(location: &str) -> Outcome<'static, &'static str> {
    Outcome::Redirect {
        location: location.to_string(),
    }
}

// ---------------------------------------------------------------- what step 2 did still works

#[test]
fn route_still_finds_handlers_and_404s() {
    let r = router(&[("GET", "/health", "health"), ("GET", "/users/:id", "user")]);
    assert_eq!(handler(&r, "GET", "/health"), "health", "GET /health");
    assert_eq!(handler(&r, "GET", "/users/7"), "user", "GET /users/7");
    assert_eq!(r.route("GET", "/nope"), Outcome::NotFound, "no match: 404");
    let empty: Router<&str> = Router::new();
    assert_eq!(
        empty.route("GET", "/"),
        Outcome::NotFound,
        "an empty router answers 404"
    );
}

#[test]
fn route_still_answers_405_and_400() {
    let r = router(&[("GET", "/files/:name", "file")]);
    assert_eq!(
        r.route("POST", "/files/a"),
        Outcome::MethodNotAllowed {
            allow: "GET, HEAD".to_string()
        },
        "the resource answers the method, as in step 2"
    );
    assert_eq!(
        r.route("GET", "/files/%FF"),
        Outcome::BadRequest,
        "and a parameter that is not UTF-8 is still a 400"
    );
}

// ---------------------------------------------------------------- priority

#[test]
fn static_route_beats_a_parameter_added_first() {
    let r = router(&[("GET", "/users/:id", "user"), ("GET", "/users/me", "me")]);
    assert_eq!(
        handler(&r, "GET", "/users/me"),
        "me",
        "/users/me is more specific than /users/:id even though it was added later"
    );
    assert_eq!(
        handler(&r, "GET", "/users/7"),
        "user",
        "other ids still go to /users/:id"
    );
}

#[test]
fn static_route_beats_a_parameter_added_later() {
    let r = router(&[("GET", "/users/me", "me"), ("GET", "/users/:id", "user")]);
    assert_eq!(
        handler(&r, "GET", "/users/me"),
        "me",
        "same result in the other order: the order of add() must not matter"
    );
}

#[test]
fn leftmost_static_segment_decides() {
    for routes in [
        [
            ("GET", "/a/:x/c", "param-first"),
            ("GET", "/a/b/:y", "static-first"),
        ],
        [
            ("GET", "/a/b/:y", "static-first"),
            ("GET", "/a/:x/c", "param-first"),
        ],
    ] {
        let r = router(&routes);
        assert_eq!(
            handler(&r, "GET", "/a/b/c"),
            "static-first",
            "with {routes:?}: compare segment by segment from the left: at the 2nd segment \
             'b' (static) beats ':x', whatever comes after and whatever the order"
        );
    }
}

#[test]
fn more_static_segments_is_not_the_rule() {
    let r = router(&[
        ("GET", "/:a/b/c", "two-static"),
        ("GET", "/x/:b/:c", "one-static"),
    ]);
    assert_eq!(
        handler(&r, "GET", "/x/b/c"),
        "one-static",
        "/x/:b/:c has fewer static segments, but its FIRST segment is static: it wins"
    );
}

#[test]
fn same_shape_keeps_the_first_added() {
    let r = router(&[
        ("GET", "/users/:id", "by-id"),
        ("GET", "/users/:name", "by-name"),
        ("GET", "/users/me", "me"),
    ]);
    assert_eq!(
        handler(&r, "GET", "/users/ann"),
        "by-id",
        "two patterns of the same shape: the first added wins, as in step 2"
    );
}

#[test]
fn parameter_route_is_used_when_static_does_not_match_further() {
    let r = router(&[
        ("GET", "/users/me/settings", "settings"),
        ("GET", "/users/:id/posts", "posts"),
    ]);
    match r.route("GET", "/users/me/posts") {
        Outcome::Found { handler, params } => {
            assert_eq!(
                *handler, "posts",
                "/users/me/settings does not match /users/me/posts, so /users/:id/posts does"
            );
            assert_eq!(params.get("id"), Some("me"), "and id = \"me\"");
        }
        other => panic!("expected GET /users/me/posts to be found, got {other:?}"),
    }
}

#[test]
fn the_path_picks_the_resource_before_the_method() {
    let r = router(&[
        ("GET", "/users/:id", "user"),
        ("POST", "/users/me", "update-me"),
    ]);
    assert_eq!(
        r.route("GET", "/users/me"),
        Outcome::MethodNotAllowed {
            allow: "POST".to_string()
        },
        "/users/me is the most specific resource and has no GET: 405, not the :id handler"
    );
}

// ---------------------------------------------------------------- trailing slash

#[test]
fn trailing_slash_redirects_to_the_route_without_it() {
    let r = router(&[("GET", "/users", "users")]);
    let outcome = r.route("GET", "/users/");
    assert_eq!(
        outcome,
        redirect("/users"),
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
        redirect("/docs/"),
        "/docs matches nothing, /docs/ does: redirect there"
    );
}

#[test]
fn trailing_slash_redirect_keeps_parameters() {
    let r = router(&[("GET", "/users/:id", "user")]);
    assert_eq!(
        r.route("GET", "/users/42/"),
        redirect("/users/42"),
        "the redirect goes to the request's own path minus the slash"
    );
}

#[test]
fn redirect_does_not_depend_on_the_method() {
    let r = router(&[("GET", "/users", "users")]);
    assert_eq!(
        r.route("DELETE", "/users/"),
        redirect("/users"),
        "the redirect is about the path; /users answers the method (here 405) after it"
    );
}

#[test]
fn exact_match_wins_over_a_redirect() {
    let r = router(&[("GET", "/a", "no-slash"), ("GET", "/a/", "slash")]);
    assert_eq!(
        handler(&r, "GET", "/a"),
        "no-slash",
        "/a is routed, no redirect"
    );
    assert_eq!(
        handler(&r, "GET", "/a/"),
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
    assert_eq!(
        r.route("GET", "/posts"),
        Outcome::NotFound,
        "neither /posts nor /posts/ match: 404"
    );
}

#[test]
fn root_never_redirects() {
    let r = router(&[("GET", "/about", "about")]);
    assert_eq!(
        r.route("GET", "/"),
        Outcome::NotFound,
        "the root has no other spelling: 404"
    );
    let r = router(&[("GET", "/", "home")]);
    assert_eq!(
        handler(&r, "GET", "/"),
        "home",
        "and it matches \"/\" as it is"
    );
    assert_eq!(
        r.route("GET", "//"),
        redirect("/"),
        "\"//\" without its trailing slash is the root"
    );
}
