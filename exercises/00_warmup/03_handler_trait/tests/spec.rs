//! The specification of the `Handler` trait's implementations: closures, boxes, a static text
//! handler, a router, and two middlewares, all interchangeable behind `dyn Handler`.

use handler_trait::{Handler, Request, RequireBearer, Response, Router, SetHeader, StaticText};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn get(path: &str) -> Request {
    Request::new("GET", path)
}

/// A handler that counts its calls, to check whether a middleware let the request through.
fn counting(calls: &Arc<AtomicUsize>) -> impl Handler + 'static {
    let calls = Arc::clone(calls);
    move |_req: &Request| {
        calls.fetch_add(1, Ordering::SeqCst);
        Response::new(200, "secret stuff")
    }
}

fn hello(_req: &Request) -> Response {
    Response::new(200, "hello")
}

// ---------------------------------------------------------------------------------------------
// Plain handlers

#[test]
fn a_closure_is_a_handler() {
    let greet = |req: &Request| Response::new(200, &format!("hi from {}", req.path));
    assert_eq!(
        greet.handle(&get("/x")),
        Response::new(200, "hi from /x"),
        "any Fn(&Request) -> Response is a Handler: handle() calls it"
    );
}

#[test]
fn a_function_is_a_handler() {
    assert_eq!(
        hello.handle(&get("/")),
        Response::new(200, "hello"),
        "a plain fn item implements Fn too, so it is a Handler"
    );
}

#[test]
fn a_boxed_handler_is_a_handler() {
    let boxed: Box<dyn Handler> = Box::new(|_req: &Request| Response::new(204, ""));
    assert_eq!(
        boxed.handle(&get("/")).status,
        204,
        "Box<dyn Handler> forwards handle() to the handler inside"
    );
    let wrapped = SetHeader::new("X-Boxed", "yes", boxed);
    assert_eq!(
        wrapped.handle(&get("/")).status,
        204,
        "because Box<dyn Handler> is a Handler, a generic wrapper can hold one"
    );
}

#[test]
fn static_text_answers_200_with_its_body_and_content_type() {
    let handler = StaticText::new("text/plain; charset=utf-8", "pong");
    for req in [
        get("/ping"),
        Request::new("POST", "/anything").with_body("ignored"),
    ] {
        let res = handler.handle(&req);
        assert_eq!(res.status, 200, "StaticText always answers 200 OK");
        assert_eq!(res.body, "pong", "StaticText always answers its own body");
        assert_eq!(
            res.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "StaticText sets Content-Type to the media type it was given (RFC 9110 §8.3)"
        );
    }
}

#[test]
fn handlers_of_different_types_live_in_one_vec() {
    let handlers: Vec<Box<dyn Handler>> = vec![
        Box::new(hello),
        Box::new(StaticText::new("text/plain", "static")),
        Box::new(|req: &Request| Response::new(200, &req.body)),
        Box::new(Router::new().route("GET", "/", hello)),
    ];
    let req = get("/").with_body("echo");
    let bodies: Vec<String> = handlers.iter().map(|h| h.handle(&req).body).collect();
    assert_eq!(
        bodies,
        ["hello", "static", "echo", "hello"],
        "dynamic dispatch: each Box<dyn Handler> runs its own type's handle()"
    );
}

// ---------------------------------------------------------------------------------------------
// Router

fn api() -> Router {
    Router::new()
        .route("GET", "/users", StaticText::new("application/json", "[]"))
        .route("POST", "/users", |req: &Request| {
            Response::new(201, &req.body)
        })
        .route("GET", "/health", StaticText::new("text/plain", "ok"))
}

#[test]
fn router_dispatches_by_method_and_path() {
    let router = api();
    assert_eq!(
        router.handle(&get("/users")).body,
        "[]",
        "GET /users goes to its own route"
    );
    let created = router.handle(&Request::new("POST", "/users").with_body("{\"name\":\"ada\"}"));
    assert_eq!(
        (created.status, created.body.as_str()),
        (201, "{\"name\":\"ada\"}"),
        "POST /users goes to the POST route, which sees the request body"
    );
    assert_eq!(router.handle(&get("/health")).body, "ok");
}

#[test]
fn router_answers_404_for_an_unknown_path() {
    let res = api().handle(&get("/nope"));
    assert_eq!(
        (res.status, res.body.as_str()),
        (404, "not found"),
        "no route has this path: 404 Not Found (RFC 9110 §15.5.5)"
    );
    assert_eq!(res.header("Allow"), None, "a 404 has no Allow header");
}

#[test]
fn an_empty_router_answers_404() {
    assert_eq!(Router::new().handle(&get("/")).status, 404);
}

#[test]
fn router_answers_405_with_allow_for_a_known_path_and_wrong_method() {
    let res = api().handle(&Request::new("DELETE", "/users"));
    assert_eq!(
        (res.status, res.body.as_str()),
        (405, "method not allowed"),
        "the path exists but not for DELETE: 405 Method Not Allowed, not 404 \
         (RFC 9110 §15.5.6)"
    );
    assert_eq!(
        res.header("Allow"),
        Some("GET, POST"),
        "RFC 9110 §15.5.6: a 405 MUST carry an Allow header listing the path's methods \
         (in the order the routes were added, separated by \", \")"
    );
}

#[test]
fn allow_lists_each_method_once() {
    let router = Router::new()
        .route("GET", "/a", hello)
        .route("PUT", "/a", hello)
        .route("GET", "/a", hello)
        .route("PATCH", "/b", hello);
    let res = router.handle(&Request::new("POST", "/a"));
    assert_eq!(res.status, 405);
    assert_eq!(
        res.header("Allow"),
        Some("GET, PUT"),
        "a method routed twice is listed once, and methods of other paths are not listed"
    );
}

#[test]
fn methods_are_case_sensitive() {
    let res = api().handle(&Request::new("get", "/users"));
    assert_eq!(
        res.status, 405,
        "RFC 9110 §9.1: the method token is case-sensitive, 'get' is not 'GET'"
    );
}

#[test]
fn paths_match_exactly() {
    let router = api();
    for path in ["/Users", "/users/", "/users/1", "/user", "users", ""] {
        assert_eq!(
            router.handle(&get(path)).status,
            404,
            "{path:?} is not \"/users\": paths are case-sensitive (RFC 3986 §6.2.2.1) and \
             this router matches them exactly"
        );
    }
}

#[test]
fn unicode_paths_are_matched_as_text() {
    let router = Router::new().route("GET", "/café", StaticText::new("text/plain", "☕"));
    assert_eq!(router.handle(&get("/café")).body, "☕");
    assert_eq!(router.handle(&get("/cafe")).status, 404);
}

#[test]
fn the_first_matching_route_wins() {
    let router = Router::new()
        .route("GET", "/", StaticText::new("text/plain", "first"))
        .route("GET", "/", StaticText::new("text/plain", "second"));
    assert_eq!(
        router.handle(&get("/")).body,
        "first",
        "when two routes match, the one added first handles the request"
    );
}

#[test]
fn routers_nest_because_a_router_is_a_handler() {
    let admin = Router::new()
        .route(
            "GET",
            "/admin/stats",
            StaticText::new("text/plain", "42 users"),
        )
        .route("POST", "/admin/stats", hello);
    let app = Router::new()
        .route("GET", "/", hello)
        .route("GET", "/admin/stats", admin);
    assert_eq!(
        app.handle(&get("/admin/stats")).body,
        "42 users",
        "a Router can be a route's handler"
    );
}

// ---------------------------------------------------------------------------------------------
// RequireBearer

#[test]
fn bearer_lets_the_right_token_through() {
    let calls = Arc::new(AtomicUsize::new(0));
    let guarded = RequireBearer::new("s3cr3t", counting(&calls));
    let res = guarded.handle(&get("/admin").with_header("Authorization", "Bearer s3cr3t"));
    assert_eq!(
        (res.status, res.body.as_str()),
        (200, "secret stuff"),
        "with 'Authorization: Bearer s3cr3t' the inner handler answers (RFC 6750 §2.1)"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "the inner handler ran once"
    );
}

#[test]
fn bearer_rejects_a_missing_header_with_401_and_a_challenge() {
    let calls = Arc::new(AtomicUsize::new(0));
    let guarded = RequireBearer::new("s3cr3t", counting(&calls));
    let res = guarded.handle(&get("/admin"));
    assert_eq!(
        (res.status, res.body.as_str()),
        (401, "unauthorized"),
        "no credentials: 401 Unauthorized"
    );
    assert_eq!(
        res.header("WWW-Authenticate"),
        Some("Bearer"),
        "RFC 9110 §15.5.2: a 401 MUST send WWW-Authenticate with a challenge"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "a rejected request must never reach the inner handler"
    );
}

#[test]
fn bearer_rejects_wrong_credentials_without_calling_inner() {
    let calls = Arc::new(AtomicUsize::new(0));
    let guarded = RequireBearer::new("s3cr3t", counting(&calls));
    for value in [
        "Bearer wrong",
        "Bearer s3cr3",
        "Bearer s3cr3t-and-more",
        "Bearer S3CR3T",
        "Bearer",
        "Bearer ",
        "s3cr3t",
        "Basic s3cr3t",
        "Basic czNjcjN0",
        "Bearers3cr3t",
        "",
    ] {
        let res = guarded.handle(&get("/admin").with_header("Authorization", value));
        assert_eq!(
            res.status, 401,
            "'Authorization: {value}' is not 'Bearer s3cr3t': 401 (the token is compared \
             exactly, the scheme must be Bearer)"
        );
        assert_eq!(res.header("WWW-Authenticate"), Some("Bearer"));
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no rejected request may reach the inner handler"
    );
}

#[test]
fn bearer_scheme_is_case_insensitive() {
    let guarded = RequireBearer::new("s3cr3t", hello);
    for value in ["bearer s3cr3t", "BEARER s3cr3t", "bEaReR s3cr3t"] {
        assert_eq!(
            guarded
                .handle(&get("/").with_header("Authorization", value))
                .status,
            200,
            "RFC 9110 §11.1: the auth scheme is a case-insensitive token, so \
             'Authorization: {value}' is accepted"
        );
    }
}

#[test]
fn bearer_allows_several_spaces_after_the_scheme() {
    let guarded = RequireBearer::new("s3cr3t", hello);
    let res = guarded.handle(&get("/").with_header("Authorization", "Bearer   s3cr3t"));
    assert_eq!(
        res.status, 200,
        "RFC 6750 §2.1: credentials = \"Bearer\" 1*SP b64token — one OR MORE spaces"
    );
}

#[test]
fn header_names_are_case_insensitive_for_the_middleware() {
    let guarded = RequireBearer::new("s3cr3t", hello);
    let res = guarded.handle(&get("/").with_header("authorization", "Bearer s3cr3t"));
    assert_eq!(
        res.status, 200,
        "RFC 9110 §5.1: field names are case-insensitive ('authorization' is 'Authorization'); \
         Request::header already compares that way"
    );
}

// ---------------------------------------------------------------------------------------------
// SetHeader and composition

#[test]
fn set_header_adds_a_header_to_the_inner_response() {
    let handler = SetHeader::new("X-Content-Type-Options", "nosniff", hello);
    let res = handler.handle(&get("/"));
    assert_eq!(
        (res.status, res.body.as_str()),
        (200, "hello"),
        "SetHeader keeps the inner response"
    );
    assert_eq!(
        res.header("X-Content-Type-Options"),
        Some("nosniff"),
        "and adds its header"
    );
}

#[test]
fn set_header_replaces_a_header_of_the_same_name() {
    let handler = SetHeader::new(
        "Content-Type",
        "application/json",
        StaticText::new("text/plain", "{}"),
    );
    let res = handler.handle(&get("/"));
    let content_types: Vec<&str> = res
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(
        content_types,
        ["application/json"],
        "the inner handler set Content-Type already: SetHeader replaces it (names compared \
         case-insensitively) so the header appears exactly once"
    );
}

#[test]
fn middleware_wraps_error_responses_too() {
    let app = SetHeader::new("Server", "backlings", RequireBearer::new("s3cr3t", api()));
    let res = app.handle(&get("/users"));
    assert_eq!(
        res.status, 401,
        "RequireBearer rejects before the router runs"
    );
    assert_eq!(
        res.header("Server"),
        Some("backlings"),
        "an outer middleware sees every response, including the 401 of an inner one"
    );
    let res = app.handle(&get("/nope").with_header("Authorization", "Bearer s3cr3t"));
    assert_eq!(res.status, 404, "authorized, then the router answers 404");
    assert_eq!(res.header("Server"), Some("backlings"));
}

#[test]
fn routes_can_be_guarded_one_by_one() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = Router::new().route("GET", "/", hello).route(
        "GET",
        "/admin",
        RequireBearer::new("s3cr3t", counting(&calls)),
    );
    assert_eq!(app.handle(&get("/")).status, 200, "/ is public");
    assert_eq!(app.handle(&get("/admin")).status, 401, "/admin is guarded");
    assert_eq!(
        app.handle(&get("/admin").with_header("Authorization", "Bearer s3cr3t"))
            .status,
        200
    );
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "only the authorized call got through"
    );
}

#[test]
fn handlers_can_be_shared_between_threads() {
    let app: Arc<dyn Handler> = Arc::new(SetHeader::new(
        "Server",
        "backlings",
        Router::new().route("GET", "/", hello),
    ));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let app = Arc::clone(&app);
            std::thread::spawn(move || {
                (0..100)
                    .map(|_| app.handle(&get("/")).status)
                    .filter(|&status| status == 200)
                    .count()
            })
        })
        .collect();
    let ok: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(
        ok, 400,
        "Handler: Send + Sync, so one app serves requests from several threads at once"
    );
}
