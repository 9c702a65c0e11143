//! The specification of a small REST resource: every status code of RFC 9110 §15 that a CRUD
//! API needs, and the edge cases real clients send.

use crud_status_codes::{Library, Request, Response};
use serde_json::{Value, json};

fn dune() -> Value {
    json!({ "isbn": "9780441013593", "title": "Dune", "author": "Frank Herbert" })
}

fn neuromancer() -> Value {
    json!({ "isbn": "9780441569595", "title": "Neuromancer", "author": "William Gibson" })
}

fn post(lib: &mut Library, body: &Value) -> Response {
    lib.handle(&Request::new("POST", "/books").with_json(body))
}

fn get(lib: &mut Library, path: &str) -> Response {
    lib.handle(&Request::new("GET", path))
}

fn body(resp: &Response) -> Value {
    resp.body_json().unwrap_or_else(|| {
        panic!(
            "expected a JSON body, got {:?}",
            String::from_utf8_lossy(&resp.body)
        )
    })
}

fn book_count(lib: &mut Library) -> usize {
    let resp = get(lib, "/books");
    body(&resp)
        .as_array()
        .expect("GET /books returns a JSON array")
        .len()
}

// ----- create ---------------------------------------------------------------------------------

#[test]
fn create_returns_201_with_location_and_the_new_book() {
    let mut lib = Library::new();
    let resp = post(&mut lib, &dune());
    assert_eq!(
        resp.status, 201,
        "a POST that creates a resource answers 201 Created (RFC 9110 §15.3.2)"
    );
    assert_eq!(
        resp.header("Location"),
        Some("/books/1"),
        "201 Created names the new resource in a Location header (RFC 9110 §10.2.2); ids start at 1"
    );
    assert_eq!(
        body(&resp),
        json!({ "id": 1, "isbn": "9780441013593", "title": "Dune", "author": "Frank Herbert" }),
        "the 201 body is the created book, with the id the server assigned"
    );
    assert!(
        resp.header("Content-Type")
            .is_some_and(|ct| ct.starts_with("application/json")),
        "a JSON body is labelled Content-Type: application/json"
    );
}

#[test]
fn created_book_is_readable_at_its_location() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let created = post(&mut lib, &neuromancer());
    let location = created
        .header("Location")
        .expect("201 Created has a Location header")
        .to_string();
    assert_eq!(location, "/books/2", "the second book gets id 2");
    let fetched = get(&mut lib, &location);
    assert_eq!(
        fetched.status, 200,
        "GET on the Location of a new book is 200 OK"
    );
    assert_eq!(
        body(&fetched),
        body(&created),
        "GET returns the same representation that the 201 returned"
    );
}

#[test]
fn client_sent_id_is_ignored() {
    let mut lib = Library::new();
    let mut book = dune();
    book["id"] = json!(99);
    let resp = post(&mut lib, &book);
    assert_eq!(
        resp.status, 201,
        "unknown or server-owned members do not make a POST fail"
    );
    assert_eq!(
        body(&resp)["id"],
        json!(1),
        "the server assigns ids; a client cannot pick one by sending \"id\""
    );
}

#[test]
fn ids_are_never_reused_after_a_delete() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    lib.handle(&Request::new("DELETE", "/books/1"));
    let resp = post(&mut lib, &neuromancer());
    assert_eq!(
        resp.header("Location"),
        Some("/books/2"),
        "a deleted id must not be handed out again: old links and caches would silently point at a different book"
    );
}

#[test]
fn unicode_titles_round_trip() {
    let mut lib = Library::new();
    let mut book = dune();
    book["title"] = json!("三体 — Les Misérables 📚");
    let resp = post(&mut lib, &book);
    assert_eq!(
        resp.status, 201,
        "titles are Unicode text: {}",
        book["title"]
    );
    assert_eq!(
        body(&get(&mut lib, "/books/1"))["title"],
        book["title"],
        "the title is stored and served unchanged"
    );
}

// ----- read -----------------------------------------------------------------------------------

#[test]
fn list_is_200_with_all_books_in_id_order() {
    let mut lib = Library::new();
    post(&mut lib, &neuromancer());
    post(&mut lib, &dune());
    let resp = get(&mut lib, "/books");
    assert_eq!(resp.status, 200, "GET /books is 200 OK");
    let titles: Vec<Value> = body(&resp)
        .as_array()
        .expect("GET /books returns a JSON array")
        .iter()
        .map(|b| b["title"].clone())
        .collect();
    assert_eq!(
        titles,
        vec![json!("Neuromancer"), json!("Dune")],
        "the list holds every book, in id order"
    );
}

#[test]
fn list_of_an_empty_collection_is_200_with_an_empty_array() {
    let mut lib = Library::new();
    let resp = get(&mut lib, "/books");
    assert_eq!(
        resp.status, 200,
        "an empty collection still exists: 200 with [], not 404 and not 204"
    );
    assert_eq!(body(&resp), json!([]), "the body of an empty list is []");
}

#[test]
fn get_of_an_unknown_id_is_404() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    assert_eq!(
        get(&mut lib, "/books/2").status,
        404,
        "no book has id 2: 404 Not Found (RFC 9110 §15.5.5)"
    );
}

#[test]
fn paths_that_are_not_resources_are_404() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    for path in ["/bookz", "/books/abc", "/books/1/pages", "/", "/books/-1"] {
        assert_eq!(
            get(&mut lib, path).status,
            404,
            "{path} names no resource: 404 Not Found"
        );
    }
}

// ----- update ---------------------------------------------------------------------------------

#[test]
fn put_replaces_the_book_and_returns_200() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let mut changed = dune();
    changed["title"] = json!("Dune (40th anniversary)");
    let resp = lib.handle(&Request::new("PUT", "/books/1").with_json(&changed));
    assert_eq!(
        resp.status, 200,
        "a successful PUT that returns the representation is 200 OK"
    );
    assert_eq!(
        body(&resp)["title"],
        json!("Dune (40th anniversary)"),
        "PUT returns the new state"
    );
    assert_eq!(
        body(&get(&mut lib, "/books/1"))["title"],
        json!("Dune (40th anniversary)"),
        "a later GET sees the replaced book"
    );
    assert_eq!(body(&resp)["id"], json!(1), "PUT keeps the id");
}

#[test]
fn put_to_an_unknown_id_is_404() {
    let mut lib = Library::new();
    let resp = lib.handle(&Request::new("PUT", "/books/7").with_json(&dune()));
    assert_eq!(
        resp.status, 404,
        "ids are assigned by the server, so PUT cannot create /books/7: 404 Not Found"
    );
    assert_eq!(book_count(&mut lib), 0, "a failed PUT creates nothing");
}

#[test]
fn put_to_an_unknown_id_is_404_before_the_body_is_read() {
    let mut lib = Library::new();
    let req = Request::new("PUT", "/books/7")
        .with_header("Content-Type", "text/plain")
        .with_body("{");
    assert_eq!(
        lib.handle(&req).status,
        404,
        "there is nothing at /books/7 to replace: 404 comes first, whatever the body (a 415 or 400 would send the client fixing a body that can never succeed)"
    );
}

#[test]
fn put_keeping_its_own_isbn_is_not_a_conflict() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let mut changed = dune();
    changed["author"] = json!("F. Herbert");
    let resp = lib.handle(&Request::new("PUT", "/books/1").with_json(&changed));
    assert_eq!(
        resp.status, 200,
        "a book's own ISBN is not a duplicate of itself; only another book's ISBN conflicts"
    );
}

// ----- delete ---------------------------------------------------------------------------------

#[test]
fn delete_is_204_with_an_empty_body() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let resp = lib.handle(&Request::new("DELETE", "/books/1"));
    assert_eq!(
        resp.status, 204,
        "a DELETE with nothing to report answers 204 No Content (RFC 9110 §15.3.5)"
    );
    assert!(
        resp.body.is_empty(),
        "a 204 response has no content, got {:?}",
        String::from_utf8_lossy(&resp.body)
    );
    assert_eq!(
        get(&mut lib, "/books/1").status,
        404,
        "after DELETE the book is gone: 404"
    );
}

#[test]
fn deleting_twice_is_404_the_second_time() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    lib.handle(&Request::new("DELETE", "/books/1"));
    assert_eq!(
        lib.handle(&Request::new("DELETE", "/books/1")).status,
        404,
        "the second DELETE finds nothing to delete: 404 (DELETE is idempotent in its effect, not in its status code)"
    );
}

// ----- 409 Conflict ---------------------------------------------------------------------------

#[test]
fn duplicate_isbn_on_create_is_409_and_creates_nothing() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let mut copy = dune();
    copy["title"] = json!("Dune, again");
    let resp = post(&mut lib, &copy);
    assert_eq!(
        resp.status, 409,
        "the ISBN is unique and already taken: 409 Conflict with the current state (RFC 9110 §15.5.10)"
    );
    assert_eq!(
        book_count(&mut lib),
        1,
        "a refused POST must not create a book"
    );
}

#[test]
fn duplicate_isbn_on_update_is_409_and_changes_nothing() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    post(&mut lib, &neuromancer());
    let mut steal = neuromancer();
    steal["isbn"] = dune()["isbn"].clone();
    let resp = lib.handle(&Request::new("PUT", "/books/2").with_json(&steal));
    assert_eq!(
        resp.status, 409,
        "giving book 2 the ISBN of book 1 would break uniqueness: 409 Conflict"
    );
    assert_eq!(
        body(&get(&mut lib, "/books/2"))["isbn"],
        neuromancer()["isbn"],
        "a refused PUT leaves the book as it was"
    );
}

// ----- 422 and 400: read_input's answers, and nothing stored ----------------------------------

#[test]
fn invalid_values_are_422_and_create_nothing() {
    let mut lib = Library::new();
    for (book, what) in [
        (
            json!({ "isbn": "9780441013593", "title": "", "author": "Frank Herbert" }),
            "empty title",
        ),
        (
            json!({ "isbn": "978044101359", "title": "Dune", "author": "Frank Herbert" }),
            "12-digit isbn",
        ),
        (json!([dune()]), "an array"),
    ] {
        let resp = post(&mut lib, &book);
        assert_eq!(
            resp.status, 422,
            "{what}: well-formed JSON with an unacceptable value is 422, the response read_input gives; got {} for {book}",
            resp.status
        );
    }
    assert_eq!(book_count(&mut lib), 0, "no invalid book may be stored");
}

#[test]
fn malformed_json_is_400_and_creates_nothing() {
    let mut lib = Library::new();
    let req = Request::new("POST", "/books")
        .with_header("Content-Type", "application/json")
        .with_body("{\"title\": ");
    assert_eq!(
        lib.handle(&req).status,
        400,
        "a truncated body is not JSON: 400 Bad Request, the response read_input gives"
    );
    assert_eq!(
        book_count(&mut lib),
        0,
        "nothing is stored from a broken body"
    );
}

#[test]
fn put_with_invalid_values_is_422_and_changes_nothing() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let mut blank = dune();
    blank["author"] = json!("  ");
    let resp = lib.handle(&Request::new("PUT", "/books/1").with_json(&blank));
    assert_eq!(resp.status, 422, "PUT validates its body too: 422");
    assert_eq!(
        body(&get(&mut lib, "/books/1"))["author"],
        json!("Frank Herbert"),
        "a refused PUT leaves the book as it was"
    );
}

// ----- 405 ------------------------------------------------------------------------------------

fn allowed(resp: &Response) -> Vec<String> {
    let mut methods: Vec<String> = resp
        .header("Allow")
        .unwrap_or_else(|| panic!("a 405 response MUST carry an Allow header (RFC 9110 §15.5.6)"))
        .split(',')
        .map(|m| m.trim().to_string())
        .collect();
    methods.sort();
    methods
}

#[test]
fn wrong_method_on_the_collection_is_405_with_allow() {
    let mut lib = Library::new();
    for method in ["DELETE", "PUT", "PATCH"] {
        let resp = lib.handle(&Request::new(method, "/books"));
        assert_eq!(
            resp.status, 405,
            "{method} /books: the URL exists but does not support {method}: 405 Method Not Allowed, not 404"
        );
        assert_eq!(
            allowed(&resp),
            ["GET", "POST"],
            "Allow lists exactly the methods /books supports (RFC 9110 §10.2.1)"
        );
    }
}

#[test]
fn wrong_method_on_an_item_is_405_with_allow() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    for method in ["POST", "PATCH"] {
        let resp = lib.handle(&Request::new(method, "/books/1").with_json(&dune()));
        assert_eq!(resp.status, 405, "{method} /books/1 is not supported: 405");
        assert_eq!(
            allowed(&resp),
            ["DELETE", "GET", "PUT"],
            "Allow lists exactly the methods /books/{{id}} supports"
        );
    }
    assert_eq!(book_count(&mut lib), 1, "a 405 changes nothing");
}

// ----- 415 ------------------------------------------------------------------------------------

#[test]
fn non_json_content_type_is_415_and_creates_nothing() {
    let mut lib = Library::new();
    let raw = dune().to_string();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut req = Request::new("POST", "/books").with_body(raw.clone());
        if let Some(ct) = ct {
            req = req.with_header("Content-Type", ct);
        }
        assert_eq!(
            lib.handle(&req).status,
            415,
            "Content-Type {ct:?} is not application/json: 415 Unsupported Media Type (RFC 9110 §15.5.16), even though the bytes happen to be JSON"
        );
    }
    assert_eq!(book_count(&mut lib), 0, "a 415 stores nothing");
}

#[test]
fn put_with_non_json_content_type_is_415() {
    let mut lib = Library::new();
    post(&mut lib, &dune());
    let req = Request::new("PUT", "/books/1")
        .with_header("Content-Type", "text/plain")
        .with_body(neuromancer().to_string());
    assert_eq!(
        lib.handle(&req).status,
        415,
        "PUT checks the media type too"
    );
    assert_eq!(
        body(&get(&mut lib, "/books/1"))["title"],
        json!("Dune"),
        "and changes nothing"
    );
}

#[test]
fn a_json_label_with_parameters_creates_the_book() {
    let mut lib = Library::new();
    let req = Request::new("POST", "/books")
        .with_header("content-type", "Application/JSON; charset=utf-8")
        .with_body(dune().to_string());
    assert_eq!(
        lib.handle(&req).status,
        201,
        "media types are case-insensitive and may carry parameters (RFC 9110 §8.3.1)"
    );
}
