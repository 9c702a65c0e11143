//! The specification of step 1: the route table answers over real TCP, the handlers return
//! the right status, headers and JSON, and bad input gets axum's rejections (415, 400, 422)
//! without the handler running.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread::JoinHandle;

use routing_extractors::{Catalog, app};
use serde_json::{Value, json};
use testkit::tcp;

// ---------------------------------------------------------------------------------------------
// The harness: the app on 127.0.0.1:0 in a runtime of its own thread, shut down gracefully and
// joined when the test's `Server` drops, so nothing listens after a test.

struct Server {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

fn start(catalog: Catalog) -> Server {
    let app = app(catalog);
    let (addr_tx, addr_rx) = mpsc::channel();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx
        .recv()
        .expect("the server thread reports its address");
    Server {
        addr,
        shutdown: Some(shutdown),
        thread: Some(thread),
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shutdown.take().unwrap().send(());
        let thread = self.thread.take().unwrap();
        if !std::thread::panicking() {
            thread.join().expect("the server thread ends cleanly");
        }
    }
}

fn catalog() -> Catalog {
    Catalog::with_books(&[
        ("The Left Hand of Darkness", "Ursula K. Le Guin"),
        ("Kindred", "Octavia E. Butler"),
        ("The Dispossessed", "Ursula K. Le Guin"),
        ("Légendes", "Maïa Ñúñez"),
    ])
}

/// What came back: status, content type, `Location`, body as text.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: String,
    location: Option<String>,
    allow: Option<String>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("expected a JSON body, got {:?}: {e}", self.body))
    }
}

/// A ureq agent that returns 4xx and 5xx as responses, not errors, with a time limit.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(tcp::TIMEOUT))
        .build()
        .into()
}

fn reply(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>, what: &str) -> Reply {
    let mut res = result.unwrap_or_else(|e| {
        panic!("{what}: the request failed ({e}); did a handler panic (a todo!() left)?")
    });
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (content_type, location, allow) = (
        header("content-type").unwrap_or_default(),
        header("location"),
        header("allow"),
    );
    Reply {
        status: res.status().as_u16(),
        content_type,
        location,
        allow,
        body: res.body_mut().read_to_string().unwrap(),
    }
}

fn get(server: &Server, path: &str) -> Reply {
    let url = format!("http://{}{path}", server.addr);
    reply(agent().get(&url).call(), &format!("GET {path}"))
}

fn post(server: &Server, content_type: Option<&str>, body: &str) -> Reply {
    let url = format!("http://{}/books", server.addr);
    let mut request = agent().post(&url);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    reply(request.send(body), &format!("POST /books {body}"))
}

#[track_caller]
fn expect_status(reply: &Reply, status: u16, why: &str) {
    assert_eq!(
        reply.status, status,
        "expected {status}, got {} with body {:?}: {why}",
        reply.status, reply.body
    );
}

fn titles(reply: &Reply) -> Vec<String> {
    let list = reply.json();
    let list = list
        .as_array()
        .unwrap_or_else(|| panic!("expected a JSON array, got {}", reply.body));
    list.iter()
        .map(|b| b["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// GET /books/{id}

#[test]
fn a_book_is_found_by_its_id_as_json() {
    let server = start(catalog());
    let reply = get(&server, "/books/2");
    expect_status(&reply, 200, "GET /books/2 names a stored book");
    assert!(
        reply.content_type.starts_with("application/json"),
        "expected content-type application/json (return Json(book)), got {:?}",
        reply.content_type
    );
    assert_eq!(
        reply.json(),
        json!({"id": 2, "title": "Kindred", "author": "Octavia E. Butler"})
    );
}

#[test]
fn an_unknown_id_is_404() {
    let server = start(catalog());
    let reply = get(&server, "/books/99");
    expect_status(
        &reply,
        404,
        "no book has id 99; a missing resource is 404, not 200",
    );
}

#[test]
fn an_id_that_is_not_a_number_is_400_before_the_handler_runs() {
    let server = start(catalog());
    for path in ["/books/abc", "/books/-1", "/books/4294967296"] {
        let reply = get(&server, path);
        expect_status(
            &reply,
            400,
            &format!("{path}: Path<u32> rejects what does not parse as a u32 (2^32 is one over)"),
        );
    }
}

#[test]
fn head_is_served_where_get_is() {
    let server = start(catalog());
    let url = format!("http://{}/books/1", server.addr);
    let reply = reply(agent().head(&url).call(), "HEAD /books/1");
    expect_status(&reply, 200, "axum answers HEAD on every GET route");
    assert_eq!(reply.body, "", "a HEAD response has no body");
}

// ---------------------------------------------------------------------------------------------
// The route table

#[test]
fn a_path_with_no_route_is_404() {
    let server = start(catalog());
    for path in ["/authors", "/books/1/pages", "/"] {
        expect_status(&get(&server, path), 404, &format!("{path} has no route"));
    }
}

#[test]
fn a_trailing_slash_is_another_path() {
    let server = start(catalog());
    let reply = get(&server, "/books/");
    expect_status(&reply, 404, "axum does not redirect /books/ to /books");
}

#[test]
fn a_method_the_route_lacks_is_405_with_allow() {
    let server = start(catalog());
    let url = format!("http://{}/books/1", server.addr);
    let reply = reply(agent().delete(&url).call(), "DELETE /books/1");
    expect_status(&reply, 405, "/books/{id} exists but has no DELETE");
    let allow = reply.allow.clone().unwrap_or_default();
    assert!(
        allow.contains("GET") && !allow.contains("POST"),
        "expected Allow to list GET (and HEAD) only for /books/{{id}}, got {allow:?}"
    );
    let url = format!("http://{}/books", server.addr);
    let reply = self::reply(agent().delete(&url).call(), "DELETE /books");
    expect_status(&reply, 405, "/books exists but has no DELETE");
    let allow = reply.allow.clone().unwrap_or_default();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "expected Allow to list GET and POST for /books, got {allow:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// GET /books?author=&limit=

#[test]
fn the_list_without_a_query_is_every_book_in_order() {
    let server = start(catalog());
    let reply = get(&server, "/books");
    expect_status(&reply, 200, "GET /books lists the catalog");
    assert_eq!(
        titles(&reply),
        [
            "The Left Hand of Darkness",
            "Kindred",
            "The Dispossessed",
            "Légendes"
        ]
    );
}

#[test]
fn the_list_is_filtered_by_author() {
    let server = start(catalog());
    let reply = get(&server, "/books?author=Ursula+K.+Le%20Guin");
    expect_status(&reply, 200, "a filtered list");
    assert_eq!(
        titles(&reply),
        ["The Left Hand of Darkness", "The Dispossessed"],
        "author=Ursula+K.+Le%20Guin decodes ('+' and %20 are spaces) to Ursula K. Le Guin"
    );
}

#[test]
fn a_percent_encoded_unicode_author_is_decoded() {
    let server = start(catalog());
    let reply = get(&server, "/books?author=Ma%C3%AFa%20%C3%91%C3%BA%C3%B1ez");
    expect_status(&reply, 200, "a filtered list");
    assert_eq!(
        titles(&reply),
        ["Légendes"],
        "the query is UTF-8, percent-encoded"
    );
}

#[test]
fn an_author_with_no_books_is_an_empty_list_not_404() {
    let server = start(catalog());
    let reply = get(&server, "/books?author=Nobody");
    expect_status(&reply, 200, "an empty collection is still a collection");
    assert_eq!(reply.json(), json!([]));
}

#[test]
fn the_limit_caps_the_list() {
    let server = start(catalog());
    let reply = get(&server, "/books?limit=3");
    assert_eq!(titles(&reply).len(), 3, "limit=3: {}", reply.body);
    let reply = get(&server, "/books?author=Ursula%20K.%20Le%20Guin&limit=2");
    assert_eq!(
        titles(&reply),
        ["The Left Hand of Darkness", "The Dispossessed"],
        "filter first, then limit: the first 2 books by this author, not the first 2 books"
    );
    let reply = get(&server, "/books?limit=0");
    assert_eq!(reply.json(), json!([]), "limit=0 is an empty list");
}

#[test]
fn without_a_limit_the_list_stops_at_the_default() {
    let many: Vec<(String, &str)> = (1..=25).map(|i| (format!("Book {i}"), "A")).collect();
    let refs: Vec<(&str, &str)> = many.iter().map(|(t, a)| (t.as_str(), *a)).collect();
    let server = start(Catalog::with_books(&refs));
    let got = titles(&get(&server, "/books")).len();
    assert_eq!(
        got,
        routing_extractors::DEFAULT_LIMIT,
        "25 books, no limit: expected DEFAULT_LIMIT of them"
    );
    let got = titles(&get(&server, "/books?limit=20")).len();
    assert_eq!(got, 20, "limit=20 beats the default");
}

#[test]
fn a_limit_that_is_not_a_number_is_400() {
    let server = start(catalog());
    for query in ["limit=abc", "limit=-1", "limit=1.5"] {
        let reply = get(&server, &format!("/books?{query}"));
        expect_status(
            &reply,
            400,
            &format!("{query}: Query<ListParams> rejects a limit that is not a usize"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// POST /books

const KINDRED: &str = r#"{"title": "Wild Seed", "author": "Octavia E. Butler"}"#;

#[test]
fn a_created_book_is_201_with_its_location_and_body() {
    let server = start(catalog());
    let reply = post(&server, Some("application/json"), KINDRED);
    expect_status(&reply, 201, "a POST that creates a resource is 201 Created");
    assert_eq!(
        reply.location.as_deref(),
        Some("/books/5"),
        "Location names the new resource (RFC 9110 §15.3.2)"
    );
    assert_eq!(
        reply.json(),
        json!({"id": 5, "title": "Wild Seed", "author": "Octavia E. Butler"})
    );
}

#[test]
fn a_created_book_can_be_read_back() {
    let server = start(catalog());
    post(&server, Some("application/json"), KINDRED);
    let reply = get(&server, "/books/5");
    expect_status(&reply, 200, "the book POSTed is stored in the catalog");
    assert_eq!(reply.json()["title"], "Wild Seed");
}

#[test]
fn json_with_a_charset_or_a_json_suffix_type_is_accepted() {
    let server = start(catalog());
    for ct in [
        "application/json; charset=utf-8",
        "application/vnd.books+json",
    ] {
        let reply = post(&server, Some(ct), KINDRED);
        expect_status(&reply, 201, &format!("{ct:?} is JSON too"));
    }
}

#[test]
fn a_body_not_declared_json_is_415() {
    let server = start(catalog());
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let reply = post(&server, ct, KINDRED);
        expect_status(
            &reply,
            415,
            &format!("content-type {ct:?}: Json<T> reads only a body declared JSON"),
        );
    }
    assert_eq!(
        titles(&get(&server, "/books")).len(),
        4,
        "a rejected POST must store nothing"
    );
}

#[test]
fn malformed_json_is_400() {
    let server = start(catalog());
    for body in [
        r#"{"title": "Wild Seed""#,
        "",
        "not json",
        r#"{"title": "x",}"#,
    ] {
        let reply = post(&server, Some("application/json"), body);
        expect_status(
            &reply,
            400,
            &format!("{body:?} is not JSON: a syntax error"),
        );
    }
}

#[test]
fn json_of_the_wrong_shape_is_422() {
    let server = start(catalog());
    for body in [
        r#"{"title": "Wild Seed"}"#,
        r#"{"title": 7, "author": "Octavia E. Butler"}"#,
        r#"{"title": "Wild Seed", "author": null}"#,
        r#""Wild Seed""#,
    ] {
        let reply = post(&server, Some("application/json"), body);
        expect_status(
            &reply,
            422,
            &format!("{body} is JSON but not a NewBook: well-formed, wrong shape"),
        );
    }
}

#[test]
fn an_empty_title_or_author_is_422_with_a_message() {
    let server = start(catalog());
    for (body, field) in [
        (r#"{"title": "", "author": "A"}"#, "title"),
        (r#"{"title": "T", "author": "   "}"#, "author"),
    ] {
        let reply = post(&server, Some("application/json"), body);
        expect_status(
            &reply,
            422,
            &format!("{body}: the types are right, the value is not; that check is yours"),
        );
        assert!(
            reply.body.contains(field),
            "the message should name the field {field:?}, got {:?}",
            reply.body
        );
    }
    assert_eq!(
        titles(&get(&server, "/books")).len(),
        4,
        "a rejected POST must store nothing"
    );
}

#[test]
fn a_unicode_title_round_trips() {
    let server = start(catalog());
    let body = r#"{"title": "Сказки 🐉", "author": "Ñúñez"}"#;
    let reply = post(&server, Some("application/json"), body);
    expect_status(&reply, 201, "a unicode book");
    assert_eq!(reply.json()["title"], "Сказки 🐉");
}

// ---------------------------------------------------------------------------------------------
// Raw bytes: what is on the wire

fn raw(server: &Server, request: &str) -> String {
    let mut stream = tcp::connect(server.addr);
    stream.write_all(request.as_bytes()).unwrap();
    let (bytes, end) = tcp::read_until_close(&mut stream);
    end.unwrap_or_else(|e| panic!("reading the reply to {request:?}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn on_the_wire_a_book_is_a_200_with_a_json_body() {
    let server = start(catalog());
    let got = raw(
        &server,
        "GET /books/%32 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        got.starts_with("HTTP/1.1 200 OK\r\n"),
        "/books/%32 is /books/2 once decoded; got:\n{got}"
    );
    assert!(
        got.to_ascii_lowercase()
            .contains("content-type: application/json\r\n"),
        "got:\n{got}"
    );
    assert!(
        got.ends_with(r#""title":"Kindred","author":"Octavia E. Butler"}"#),
        "got:\n{got}"
    );
}

#[test]
fn on_the_wire_a_post_is_201_with_location() {
    let server = start(catalog());
    let body = r#"{"title":"Dawn","author":"Octavia E. Butler"}"#;
    let request = format!(
        "POST /books HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let got = raw(&server, &request);
    assert!(got.starts_with("HTTP/1.1 201 Created\r\n"), "got:\n{got}");
    assert!(
        got.to_ascii_lowercase().contains("location: /books/5\r\n"),
        "got:\n{got}"
    );
}
