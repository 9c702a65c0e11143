//! The specification: RFC 9457 problem details for every error of `POST /accounts`.

use problem_details::{
    FieldError, PROBLEM_JSON, Problem, Request, Response, VALIDATION_ERROR, VALIDATION_TITLE,
    handle,
};
use serde_json::{Value, json};

fn ada() -> Value {
    json!({ "username": "ada", "email": "ada@example.com", "age": 36 })
}

fn post_json(doc: &Value) -> Response {
    handle(&Request::new("POST", "/accounts").with_json(doc))
}

fn post_raw(body: &[u8]) -> Response {
    handle(
        &Request::new("POST", "/accounts")
            .with_header("Content-Type", "application/json")
            .with_body(body),
    )
}

/// Checks the invariants every problem response has, and returns the problem object.
#[track_caller]
fn problem(resp: &Response, status: u16) -> Value {
    assert_eq!(
        resp.status,
        status,
        "expected HTTP status {status}, got {} with body {:?}",
        resp.status,
        String::from_utf8_lossy(&resp.body)
    );
    assert_eq!(
        resp.header("Content-Type"),
        Some(PROBLEM_JSON),
        "a problem is served as application/problem+json (RFC 9457 §3), so clients know its shape"
    );
    let body = resp.body_json().unwrap_or_else(|| {
        panic!(
            "a problem body is a JSON object, got {:?}",
            String::from_utf8_lossy(&resp.body)
        )
    });
    assert!(body.is_object(), "a problem is a JSON object, got {body}");
    assert_eq!(
        body["status"],
        json!(status),
        "the \"status\" member is a JSON number equal to the HTTP status code (RFC 9457 §3.1.2)"
    );
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "every problem has a human-readable \"title\" string (RFC 9457 §3.1.3), got {body}"
    );
    for member in ["type", "title", "detail", "instance"] {
        assert!(
            body.get(member).is_none_or(Value::is_string),
            "\"{member}\" is a string when present, never null or another type (RFC 9457 §3.1): {body}"
        );
    }
    body
}

#[track_caller]
fn pointers(problem: &Value) -> Vec<String> {
    let errors = problem["errors"].as_array().unwrap_or_else(|| {
        panic!("a validation problem lists the invalid fields in an \"errors\" array: {problem}")
    });
    errors
        .iter()
        .map(|e| {
            assert!(
                e["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "each entry of \"errors\" says what is wrong in a non-empty \"detail\": {e}"
            );
            e["pointer"]
                .as_str()
                .unwrap_or_else(|| panic!("each entry of \"errors\" has a \"pointer\" string: {e}"))
                .to_string()
        })
        .collect()
}

#[track_caller]
fn invalid_fields(doc: &Value) -> Vec<String> {
    let resp = post_json(doc);
    let body = problem(&resp, 422);
    pointers(&body)
}

// ----- the Problem type -----------------------------------------------------------------------

#[test]
fn about_blank_uses_the_reason_phrase_as_title() {
    let p = Problem::about_blank(404);
    assert_eq!(
        p,
        Problem {
            type_uri: "about:blank".into(),
            title: "Not Found".into(),
            status: 404,
            detail: None,
            instance: None,
            errors: vec![],
        },
        "about:blank means 'just the status code'; its title SHOULD be the reason phrase (RFC 9457 §4.2.1)"
    );
}

#[test]
fn a_problem_response_carries_the_same_status_as_the_problem() {
    let resp = Problem::about_blank(409).to_response();
    assert_eq!(
        resp.status, 409,
        "the HTTP status MUST be the same as the \"status\" member (RFC 9457 §3.1.2)"
    );
    problem(&resp, 409);
}

#[test]
fn absent_members_are_left_out_not_sent_as_null() {
    let body = Problem::about_blank(404)
        .to_response()
        .body_json()
        .expect("the problem body is JSON");
    let mut keys: Vec<&str> = body
        .as_object()
        .expect("a problem is a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        ["status", "title", "type"],
        "no detail, no instance and no errors means no such members: a null where a string is expected has the wrong type and consumers must ignore it (RFC 9457 §3.1)"
    );
    assert_eq!(body["type"], json!("about:blank"));
}

#[test]
fn to_response_serialises_every_member() {
    let p = Problem {
        type_uri: VALIDATION_ERROR.into(),
        title: VALIDATION_TITLE.into(),
        status: 422,
        detail: Some("2 fields are invalid".into()),
        instance: Some("/accounts".into()),
        errors: vec![
            FieldError::new("#/age", "must be a positive integer"),
            FieldError::new("#/profile/color", "must be 'green', 'red' or 'blue'"),
        ],
    };
    let resp = p.to_response();
    assert_eq!(
        problem(&resp, 422),
        json!({
            "type": "https://example.net/validation-error",
            "title": "Your request is not valid.",
            "status": 422,
            "detail": "2 fields are invalid",
            "instance": "/accounts",
            "errors": [
                { "pointer": "#/age", "detail": "must be a positive integer" },
                { "pointer": "#/profile/color", "detail": "must be 'green', 'red' or 'blue'" }
            ]
        }),
        "members are named as in RFC 9457 §3.1; the extension \"errors\" follows the RFC's own example (§3)"
    );
}

// ----- validation: 422 ------------------------------------------------------------------------

#[test]
fn rfc_9457_example_reports_age_and_profile_color() {
    // RFC 9457 §3: {"age": 42.3, "profile": {"color": "yellow"}} is answered with two errors.
    let doc = json!({
        "username": "ada", "email": "ada@example.com",
        "age": 42.3, "profile": { "color": "yellow" }
    });
    let resp = post_json(&doc);
    let body = problem(&resp, 422);
    assert_eq!(
        body["type"],
        json!(VALIDATION_ERROR),
        "a validation problem has its own type URI, so clients can recognise it"
    );
    assert_eq!(body["title"], json!(VALIDATION_TITLE));
    assert_eq!(
        body["instance"],
        json!("/accounts"),
        "instance identifies this occurrence: the request path"
    );
    assert_eq!(
        pointers(&body),
        ["#/age", "#/profile/color"],
        "RFC 9457 §3 example: 42.3 is not a positive integer and yellow is not an allowed colour — both are reported"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains('2')),
        "the detail of a validation problem says how many fields are invalid (2 here), got {body}"
    );
}

#[test]
fn every_invalid_field_is_reported_not_just_the_first() {
    let doc = json!({
        "username": "A!", "email": "nope", "age": 0, "profile": { "color": "yellow" }
    });
    assert_eq!(
        invalid_fields(&doc),
        ["#/username", "#/email", "#/age", "#/profile/color"],
        "all four fields are wrong and all four are reported, in the documented order: stopping at the first makes clients fix one field per round trip"
    );
}

#[test]
fn a_document_that_is_not_an_object_is_one_error_at_the_root() {
    for doc in [json!([]), json!(null)] {
        assert_eq!(
            invalid_fields(&doc),
            ["#"],
            "{doc} is valid JSON but not an object: 422 with one error whose pointer \"#\" is the whole document (RFC 6901 §6)"
        );
    }
}

// ----- success --------------------------------------------------------------------------------

#[test]
fn a_valid_sign_up_is_201_plain_json() {
    let resp = post_json(&ada());
    assert_eq!(resp.status, 201, "a valid sign-up creates an account");
    assert_eq!(
        resp.header("Content-Type"),
        Some("application/json"),
        "success is ordinary JSON, not application/problem+json"
    );
    let body = resp.body_json().expect("a JSON body");
    assert_eq!(
        body,
        json!({ "username": "ada", "email": "ada@example.com", "age": 36, "color": null }),
        "the 201 body is created(account)"
    );
}

#[test]
fn one_invalid_field_is_one_error() {
    let mut doc = ada();
    doc["email"] = json!("ada");
    let body = problem(&post_json(&doc), 422);
    assert_eq!(pointers(&body), ["#/email"], "only the email is wrong");
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains('1')),
        "the detail says how many fields are invalid (1 here), got {body}"
    );
}

// ----- malformed input: 400, never a panic ----------------------------------------------------

#[test]
fn malformed_json_is_a_400_problem() {
    let bodies: [&[u8]; 7] = [
        b"",
        b"{\"username\": ",
        b"{'username': 'ada'}",
        b"{\"username\": \"ada\",}",
        b"{\"age\": NaN}",
        b"{} {}",
        b"\xef\xbb\xbf{}",
    ];
    for raw in bodies {
        let resp = post_raw(raw);
        let body = problem(&resp, 400);
        assert!(
            body.get("type").is_none_or(|t| t == "about:blank"),
            "broken syntax has no type beyond 400: about:blank (RFC 9457 §4.2.1), got {body}"
        );
        assert_eq!(
            body["title"],
            json!("Bad Request"),
            "about:blank takes the reason phrase as title"
        );
        assert!(
            body["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "the detail tells the client what is broken in {:?}, got {body}",
            String::from_utf8_lossy(raw)
        );
        assert!(
            body.get("errors").is_none(),
            "a 400 has no field errors: there are no fields yet"
        );
    }
}

#[test]
fn invalid_utf8_is_a_400_problem() {
    let resp =
        post_raw(b"{\"username\": \"ad\xff\xfe\", \"email\": \"ada@example.com\", \"age\": 36}");
    problem(&resp, 400);
}

#[test]
fn deeply_nested_json_is_a_400_not_a_stack_overflow() {
    // JSONTestSuite n_structure_100000_opening_arrays: a recursive parser without a depth
    // limit overflows the stack and takes the whole process down.
    let arrays = "[".repeat(100_000);
    problem(&post_raw(arrays.as_bytes()), 400);
    let objects = "{\"a\":".repeat(100_000);
    problem(&post_raw(objects.as_bytes()), 400);
}

// ----- other errors are problems too ----------------------------------------------------------

#[test]
fn unknown_path_is_a_404_problem_with_instance() {
    let resp = handle(&Request::new("POST", "/acounts").with_json(&ada()));
    let body = problem(&resp, 404);
    assert_eq!(body["title"], json!("Not Found"));
    assert_eq!(
        body["instance"],
        json!("/acounts"),
        "instance is the request path"
    );
}

#[test]
fn wrong_method_is_a_405_problem_with_allow() {
    for method in ["GET", "PUT", "DELETE"] {
        let resp = handle(&Request::new(method, "/accounts"));
        let body = problem(&resp, 405);
        assert_eq!(body["title"], json!("Method Not Allowed"));
        assert_eq!(
            resp.header("Allow"),
            Some("POST"),
            "a 405 MUST list the allowed methods in Allow (RFC 9110 §15.5.6), problem body or not"
        );
    }
}

#[test]
fn non_json_content_type_is_a_415_problem() {
    let req = Request::new("POST", "/accounts")
        .with_header("Content-Type", "text/plain")
        .with_body(ada().to_string());
    let body = problem(&handle(&req), 415);
    assert_eq!(body["title"], json!("Unsupported Media Type"));
    assert_eq!(body["instance"], json!("/accounts"));
}

#[test]
fn the_status_member_always_matches_the_http_status() {
    let requests = [
        Request::new("POST", "/nope").with_json(&ada()),
        Request::new("GET", "/accounts"),
        Request::new("POST", "/accounts").with_body(ada().to_string()),
        Request::new("POST", "/accounts")
            .with_header("Content-Type", "application/json")
            .with_body("{"),
        Request::new("POST", "/accounts").with_json(&json!({})),
    ];
    for req in requests {
        let resp = handle(&req);
        let body = resp
            .body_json()
            .expect("every error has a JSON problem body");
        assert_eq!(
            body["status"],
            json!(resp.status),
            "{} {}: the \"status\" member MUST equal the HTTP status (RFC 9457 §3.1.2)",
            req.method,
            req.path
        );
        assert_eq!(resp.header("Content-Type"), Some(PROBLEM_JSON));
    }
}
