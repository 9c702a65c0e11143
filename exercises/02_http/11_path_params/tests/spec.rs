//! The specification of matching one path against one pattern.

use path_params::{InvalidPattern, NotUtf8, Params, Pattern, Segment};

#[track_caller]
fn pattern(text: &str) -> Pattern {
    Pattern::parse(text).unwrap_or_else(|e| panic!("the pattern {text:?} is valid, got {e:?}"))
}

/// The parameters `pattern` captures from `path`, or a panic that says what happened instead.
#[track_caller]
fn params(pattern_text: &str, path: &str) -> Params {
    match pattern(pattern_text).capture(path) {
        Some(Ok(params)) => params,
        other => {
            panic!("{pattern_text} must match {path:?} and capture its parameters, got {other:?}")
        }
    }
}

#[track_caller]
fn no_match(pattern_text: &str, path: &str, why: &str) {
    let got = pattern(pattern_text).capture(path);
    assert!(
        got.is_none(),
        "{pattern_text} must not match {path:?}: {why}; got {got:?}"
    );
}

#[track_caller]
fn invalid(text: &str, why: &str) {
    assert_eq!(
        Pattern::parse(text),
        Err(InvalidPattern(text.to_string())),
        "{text:?} is not a valid pattern: {why}"
    );
}

// ---------------------------------------------------------------- parsing patterns

#[test]
fn pattern_is_split_into_static_and_param_segments() {
    assert_eq!(
        pattern("/users/:id/posts").segments(),
        [
            Segment::Static("users".to_string()),
            Segment::Param("id".to_string()),
            Segment::Static("posts".to_string()),
        ],
        "split after the leading '/': a ':' segment is a parameter named without its ':'"
    );
}

#[test]
fn root_pattern_is_one_empty_segment() {
    assert_eq!(
        pattern("/").segments(),
        [Segment::Static(String::new())],
        "\"/\" splits into one empty segment, like the path \"/\""
    );
}

#[test]
fn pattern_must_start_with_a_slash() {
    invalid("users", "a pattern is an absolute path: it starts with '/'");
    invalid("", "the empty pattern is not a path");
}

#[test]
fn parameter_needs_a_name() {
    invalid("/users/:", "':' alone names no parameter");
}

#[test]
fn parameter_names_must_be_unique() {
    invalid(
        "/a/:id/b/:id",
        "two parameters called 'id' would hide one of the values",
    );
    assert!(
        Pattern::parse("/a/:id/b/:other").is_ok(),
        "different names are fine"
    );
}

// ---------------------------------------------------------------- static segments

#[test]
fn static_pattern_matches_its_path() {
    assert!(
        params("/health", "/health").is_empty(),
        "/health matches /health and captures nothing"
    );
}

#[test]
fn root_pattern_matches_only_the_root() {
    assert!(params("/", "/").is_empty(), "\"/\" matches \"/\"");
    no_match("/", "/about", "the root is one empty segment");
    no_match("/about", "/", "and /about is not the root");
}

#[test]
fn static_segments_must_match_exactly() {
    no_match(
        "/users",
        "/Users",
        "paths are case-sensitive (RFC 3986 §6.2.2.1)",
    );
    no_match("/users", "/users2", "a prefix is not a match");
    no_match("/users", "/user", "a shorter segment is not a match");
}

#[test]
fn trailing_slash_is_a_segment_of_its_own() {
    no_match("/docs", "/docs/", "/docs/ has a second, empty segment");
    no_match("/docs/", "/docs", "/docs/ needs that empty segment");
    assert!(
        params("/docs/", "/docs/").is_empty(),
        "/docs/ matches /docs/"
    );
}

#[test]
fn path_without_leading_slash_matches_nothing() {
    no_match(
        "/users",
        "users",
        "a path without its leading '/' is not a path",
    );
    no_match("/:page", "users", "not even for a parameter");
}

// ---------------------------------------------------------------- parameters

#[test]
fn parameter_captures_one_segment() {
    let p = params("/users/:id", "/users/42");
    assert_eq!(
        p.get("id"),
        Some("42"),
        "/users/:id captures id = \"42\" from /users/42"
    );
    assert_eq!(p.len(), 1, "one parameter in the pattern, one captured");
}

#[test]
fn several_parameters_are_all_captured() {
    let p = params("/users/:id/posts/:post_id", "/users/42/posts/7");
    assert_eq!(p.get("id"), Some("42"), "first parameter");
    assert_eq!(p.get("post_id"), Some("7"), "second parameter");
    assert_eq!(p.get("posts"), None, "static segments are not parameters");
    assert_eq!(p.len(), 2, "exactly the two parameters");
}

#[test]
fn static_segments_around_parameters_still_count() {
    no_match(
        "/users/:id/posts",
        "/users/42/comments",
        "the static segment 'posts' after the parameter must match too",
    );
    no_match("/users/:id", "/groups/42", "and so must the one before it");
}

#[test]
fn parameter_does_not_match_an_empty_segment() {
    no_match(
        "/users/:id/posts",
        "/users//posts",
        "a parameter matches a NON-EMPTY segment",
    );
    no_match("/users/:id", "/users/", "/users/ ends in an empty segment");
}

#[test]
fn parameter_does_not_span_slashes() {
    no_match(
        "/users/:id",
        "/users/1/extra",
        "a parameter is ONE segment, and every segment of the path must be matched",
    );
    no_match("/users/:id", "/users", "/users has no segment for :id");
}

#[test]
fn parameters_are_percent_decoded() {
    assert_eq!(
        params("/files/:name", "/files/hello%20world").get("name"),
        Some("hello world"),
        "%20 in a path segment is a space (RFC 3986 §2.1)"
    );
    assert_eq!(
        params("/files/:name", "/files/caf%C3%A9").get("name"),
        Some("café"),
        "percent-decoding yields UTF-8 bytes: %C3%A9 is 'é'"
    );
}

#[test]
fn encoded_slash_stays_inside_one_parameter() {
    assert_eq!(
        params("/files/:name", "/files/a%2Fb").get("name"),
        Some("a/b"),
        "split the path on '/' FIRST, then decode: %2F is data inside one segment"
    );
}

#[test]
fn static_segments_are_compared_before_decoding() {
    no_match(
        "/a/b",
        "/a%2Fb",
        "%2F is not a separator: /a%2Fb is one segment",
    );
}

#[test]
fn plus_is_not_a_space_in_a_path() {
    assert_eq!(
        params("/tags/:tag", "/tags/c++").get("tag"),
        Some("c++"),
        "'+' means space only in form data; in a path it is a plain '+'"
    );
}

#[test]
fn invalid_percent_sequence_is_kept() {
    assert_eq!(
        params("/files/:name", "/files/100%").get("name"),
        Some("100%"),
        "a '%' not followed by two hex digits is kept as it is (WHATWG URL §1.3)"
    );
}

#[test]
fn parameter_that_is_not_utf8_is_refused() {
    assert_eq!(
        pattern("/files/:dir/:name").capture("/files/ok/%FF"),
        Some(Err(NotUtf8 {
            name: "name".to_string()
        })),
        "%FF decodes to a byte that is not UTF-8: the path matches, but refuse the parameter \
         (the router answers 400) rather than guess with U+FFFD"
    );
}
