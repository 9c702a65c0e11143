//! The specification of reading a book from a request body: 415 for the wrong label, 400 for
//! broken JSON, 422 for unacceptable values (RFC 9110 §15.5), and never a panic.

use book_input::{BookInput, InputError, Request, is_json, parse_book_input, read_input};
use serde_json::{Value, json};

fn dune() -> Value {
    json!({ "isbn": "9780441013593", "title": "Dune", "author": "Frank Herbert" })
}

/// `dune()` with one member replaced (or removed, for `Value::Null` as `None`).
fn dune_with(member: &str, value: Option<Value>) -> Value {
    let mut book = dune();
    match value {
        Some(v) => book[member] = v,
        None => {
            book.as_object_mut().unwrap().remove(member);
        }
    }
    book
}

/// The status of the error response `read_input` gives for this body under `application/json`.
fn status_for(body: &[u8]) -> Result<BookInput, u16> {
    let req = Request::new("POST", "/books")
        .with_header("Content-Type", "application/json")
        .with_body(body);
    read_input(&req).map_err(|resp| resp.status)
}

// ----- the label: is_json ---------------------------------------------------------------------

#[test]
fn application_json_is_json() {
    assert!(
        is_json(Some("application/json")),
        "application/json is JSON"
    );
}

#[test]
fn json_media_type_is_case_insensitive_and_may_have_parameters() {
    for ct in [
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        " application/json ",
        "application/json ; charset=utf-8",
    ] {
        assert!(
            is_json(Some(ct)),
            "{ct:?} is JSON: type and subtype are case-insensitive and parameters follow a ';' (RFC 9110 §8.3.1)"
        );
    }
}

#[test]
fn other_media_types_and_no_header_are_not_json() {
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonx"),
        Some("application/json-patch+json"),
        Some("text/json"),
        Some("json"),
        Some("application/xml; note=application/json"),
        Some(""),
        None,
    ] {
        assert!(
            !is_json(ct),
            "Content-Type {ct:?} is not application/json: only the exact type/subtype before any ';' counts"
        );
    }
}

// ----- the values: parse_book_input -----------------------------------------------------------

#[test]
fn a_valid_book_is_parsed() {
    let book = parse_book_input(dune().to_string().as_bytes());
    assert_eq!(
        book,
        Ok(BookInput {
            isbn: "9780441013593".into(),
            title: "Dune".into(),
            author: "Frank Herbert".into(),
        }),
        "a JSON object with isbn, title and author is a book"
    );
}

#[test]
fn other_members_are_ignored() {
    let mut book = dune();
    book["id"] = json!(99);
    book["tags"] = json!(["sf"]);
    assert!(
        parse_book_input(book.to_string().as_bytes()).is_ok(),
        "members the server does not use (a client-sent id, tags) do not make a book invalid: {book}"
    );
}

#[test]
fn unicode_titles_are_kept_unchanged() {
    let title = "三体 — Les Misérables 📚";
    let body = dune_with("title", Some(json!(title))).to_string();
    let book = parse_book_input(body.as_bytes()).expect("a Unicode title is a valid title");
    assert_eq!(book.title, title, "the title is stored as sent");
}

#[test]
fn the_title_limit_counts_characters_not_bytes() {
    let at_limit = dune_with("title", Some(json!("é".repeat(200)))).to_string();
    assert!(
        parse_book_input(at_limit.as_bytes()).is_ok(),
        "200 'é' is exactly the limit of 200 characters (it is 400 UTF-8 bytes: count chars(), not len())"
    );
    let over = dune_with("title", Some(json!("x".repeat(201)))).to_string();
    assert!(
        matches!(
            parse_book_input(over.as_bytes()),
            Err(InputError::Invalid(_))
        ),
        "a 201-character title is one over the limit: Invalid"
    );
}

#[test]
fn missing_blank_or_non_string_fields_are_invalid() {
    let cases = [
        ("title", None, "missing title"),
        ("title", Some(json!("")), "empty title"),
        ("title", Some(json!("  \t ")), "blank title"),
        ("title", Some(json!(42)), "title is a number"),
        ("title", Some(json!(null)), "title is null"),
        ("title", Some(json!(["Dune"])), "title is an array"),
        ("author", None, "missing author"),
        ("author", Some(json!(" ")), "blank author"),
        ("author", Some(json!(false)), "author is a boolean"),
        ("isbn", None, "missing isbn"),
    ];
    for (member, value, what) in cases {
        let body = dune_with(member, value).to_string();
        let got = parse_book_input(body.as_bytes());
        assert!(
            matches!(got, Err(InputError::Invalid(_))),
            "{what}: well-formed JSON with an unacceptable value is Invalid (→ 422), got {got:?} for {body}"
        );
    }
}

#[test]
fn an_isbn_is_exactly_13_ascii_digits() {
    let cases = [
        (json!("978044101359"), "12 digits"),
        (json!("97804410135930"), "14 digits"),
        (json!("978044101359X"), "a letter"),
        (json!("978-0441013593"), "a hyphen"),
        (json!(" 9780441013593"), "a leading space"),
        (
            json!("９７８０４４１０１３５９３"),
            "full-width digits (numeric, but not ASCII)",
        ),
        (json!("٩٧٨٠٤٤١٠١٣٥٩٣"), "Arabic-Indic digits"),
        (json!(9780441013593u64), "a number, not a string"),
    ];
    for (isbn, what) in cases {
        let body = dune_with("isbn", Some(isbn)).to_string();
        let got = parse_book_input(body.as_bytes());
        assert!(
            matches!(got, Err(InputError::Invalid(_))),
            "an isbn with {what} is Invalid, got {got:?} for {body}"
        );
    }
}

#[test]
fn json_that_is_not_an_object_is_invalid() {
    for doc in ["[]", "\"Dune\"", "42", "null", "[{\"title\":\"Dune\"}]"] {
        let got = parse_book_input(doc.as_bytes());
        assert!(
            matches!(got, Err(InputError::Invalid(_))),
            "{doc} is valid JSON but not a book object: Invalid (→ 422), not Malformed, got {got:?}"
        );
    }
}

#[test]
fn broken_json_is_malformed() {
    let bodies: [&[u8]; 7] = [
        b"{\"title\": ",
        b"",
        b"{'title': 'Dune'}",
        b"{\"isbn\":\"9780441013593\",\"title\":\"Dune\",\"author\":\"Frank Herbert\"} trailing",
        b"{\"title\": \"\xff\xfe\"}",
        b"{\"isbn\":\"9780441013593\",\"title\":\"Dune\",\"author\":\"Frank Herbert\",}",
        b"\xef\xbb\xbf{}",
    ];
    for raw in bodies {
        let got = parse_book_input(raw);
        assert!(
            matches!(got, Err(InputError::Malformed(_))),
            "{:?} is not JSON at all: Malformed (→ 400), got {got:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

// ----- the status codes: read_input -----------------------------------------------------------

#[test]
fn a_valid_book_under_a_json_label_is_read() {
    let got = status_for(dune().to_string().as_bytes()).map(|b| b.title);
    assert_eq!(got, Ok("Dune".to_string()), "read_input returns the book");
}

#[test]
fn broken_json_is_400() {
    assert_eq!(
        status_for(b"{\"title\": ").map(|_| ()),
        Err(400),
        "a truncated document is not JSON: 400 Bad Request (RFC 9110 §15.5.1)"
    );
}

#[test]
fn invalid_values_are_422() {
    let body = dune_with("title", Some(json!(""))).to_string();
    assert_eq!(
        status_for(body.as_bytes()).map(|_| ()),
        Err(422),
        "an empty title is well-formed JSON with a bad value: 422 Unprocessable Content (RFC 9110 §15.5.21)"
    );
    assert_eq!(
        status_for(b"[]").map(|_| ()),
        Err(422),
        "an array is JSON, but not a book: 422"
    );
}

#[test]
fn a_wrong_or_missing_label_is_415_whatever_the_body() {
    let cases: [(Option<&str>, &[u8]); 4] = [
        (
            Some("text/plain"),
            br#"{"isbn":"9780441013593","title":"Dune","author":"Frank Herbert"}"#,
        ),
        (Some("text/plain"), b"{\"title\": "),
        (None, b"[]"),
        (Some("application/jsonx"), b""),
    ];
    for (ct, body) in cases {
        let mut req = Request::new("POST", "/books").with_body(body);
        if let Some(ct) = ct {
            req = req.with_header("Content-Type", ct);
        }
        assert_eq!(
            read_input(&req).map(|_| ()).map_err(|r| r.status),
            Err(415),
            "Content-Type {ct:?} is not JSON: 415 Unsupported Media Type (RFC 9110 §15.5.16), checked before the body {:?} is even read",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn the_label_is_found_in_any_header_case() {
    let req = Request::new("PUT", "/books/1")
        .with_header("content-type", "Application/JSON; charset=utf-8")
        .with_body(dune().to_string());
    assert!(
        read_input(&req).is_ok(),
        "header names are case-insensitive: content-type is Content-Type"
    );
}

#[test]
fn error_responses_say_what_to_fix() {
    let bodies: [(&[u8], u16); 3] = [
        (b"{", 400),
        (br#"{"isbn":"9780441013593","title":"Dune"}"#, 422),
        (
            br#"{"isbn":"97804","title":"Dune","author":"Frank Herbert"}"#,
            422,
        ),
    ];
    for (body, status) in bodies {
        let req = Request::new("POST", "/books")
            .with_header("Content-Type", "application/json")
            .with_body(body);
        let resp = read_input(&req).expect_err("this body is refused");
        assert_eq!(
            resp.status,
            status,
            "status for {:?}",
            String::from_utf8_lossy(body)
        );
        let message = resp
            .body_json()
            .and_then(|b| b["error"].as_str().map(String::from));
        assert!(
            message.is_some_and(|m| !m.trim().is_empty()),
            "the {status} response is error(status, why) with the reason from InputError, so the client learns what to fix; got {:?}",
            String::from_utf8_lossy(&resp.body)
        );
    }
    let req = Request::new("POST", "/books").with_body(dune().to_string());
    let resp = read_input(&req).expect_err("no Content-Type is refused");
    assert!(
        resp.body_json().is_some_and(|b| b["error"].is_string()),
        "the 415 response is an error(415, why) too, got {:?}",
        String::from_utf8_lossy(&resp.body)
    );
}

#[test]
fn invalid_messages_name_the_field() {
    for member in ["title", "author", "isbn"] {
        let body = dune_with(member, None).to_string();
        match parse_book_input(body.as_bytes()) {
            Err(InputError::Invalid(why)) => assert!(
                why.contains(member),
                "when {member} is missing, the reason names it so the client knows which field to fix; got {why:?}"
            ),
            other => panic!("a book without {member} is Invalid, got {other:?}"),
        }
    }
}
