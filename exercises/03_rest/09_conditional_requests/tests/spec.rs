//! The specification of ETags and conditional requests (RFC 9110 §8.8.3, §13; RFC 6585 §3).

use conditional_requests::{DocumentStore, Request, Response, etag_of};

const V1: &[u8] = br#"{"title":"Draft","words":100}"#;
const V2: &[u8] = br#"{"title":"Draft","words":250}"#;

fn store_with_doc() -> (DocumentStore, String) {
    let mut store = DocumentStore::new();
    store.insert("report", V1);
    let tag = etag_of(V1).to_string();
    (store, tag)
}

fn get(store: &mut DocumentStore, header: Option<(&str, &str)>) -> Response {
    let mut req = Request::new("GET", "/docs/report");
    if let Some((name, value)) = header {
        req = req.with_header(name, value);
    }
    store.handle(&req)
}

fn put(store: &mut DocumentStore, body: &[u8], headers: &[(&str, &str)]) -> Response {
    let mut req = Request::new("PUT", "/docs/report").with_body(body);
    for (name, value) in headers {
        req = req.with_header(name, value);
    }
    store.handle(&req)
}

fn weak_form(strong: &str) -> String {
    format!("W/{strong}")
}

// ----- GET and If-None-Match --------------------------------------------------------------------

#[test]
fn get_returns_the_document_with_its_etag() {
    let (mut store, tag) = store_with_doc();
    let resp = get(&mut store, None);
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.header("ETag"),
        Some(tag.as_str()),
        "GET sends the representation's ETag"
    );
    assert_eq!(resp.body, V1);
    assert_eq!(resp.header("Content-Type"), Some("application/json"));
}

#[test]
fn if_none_match_with_the_current_tag_is_304() {
    let (mut store, tag) = store_with_doc();
    let resp = get(&mut store, Some(("If-None-Match", &tag)));
    assert_eq!(
        resp.status, 304,
        "the client's copy is current: 304 Not Modified (RFC 9110 §13.1.2)"
    );
    assert!(
        resp.body.is_empty(),
        "a 304 has no content: saving those bytes is the point"
    );
    assert_eq!(
        resp.header("ETag"),
        Some(tag.as_str()),
        "a 304 still carries the ETag (RFC 9110 §15.4.5)"
    );
}

#[test]
fn if_none_match_uses_weak_comparison() {
    let (mut store, tag) = store_with_doc();
    let resp = get(&mut store, Some(("If-None-Match", &weak_form(&tag))));
    assert_eq!(
        resp.status, 304,
        "If-None-Match uses weak comparison, so W/{tag} matches {tag} (RFC 9110 §13.1.2)"
    );
}

#[test]
fn if_none_match_with_a_list_matches_any_member() {
    let (mut store, tag) = store_with_doc();
    let list = format!("\"old-1\", {tag}, \"old-2\"");
    assert_eq!(
        get(&mut store, Some(("If-None-Match", &list))).status,
        304,
        "{list} contains the current tag"
    );
    let list = "\"old-1\", \"old-2\"";
    assert_eq!(
        get(&mut store, Some(("If-None-Match", list))).status,
        200,
        "{list} does not"
    );
}

#[test]
fn if_none_match_field_lines_are_combined() {
    let (mut store, tag) = store_with_doc();
    let req = Request::new("GET", "/docs/report")
        .with_header("If-None-Match", "\"old\"")
        .with_header("if-none-match", &tag);
    assert_eq!(
        store.handle(&req).status,
        304,
        "two If-None-Match lines form one list (RFC 9110 §5.3): the second holds the current tag"
    );
}

#[test]
fn if_none_match_star_matches_any_current_document() {
    let (mut store, _) = store_with_doc();
    assert_eq!(get(&mut store, Some(("If-None-Match", "*"))).status, 304);
}

#[test]
fn a_stale_tag_gets_the_new_document() {
    let (mut store, old) = store_with_doc();
    store.insert("report", V2);
    let resp = get(&mut store, Some(("If-None-Match", &old)));
    assert_eq!(
        resp.status, 200,
        "the document changed: 200 with the new content"
    );
    assert_eq!(resp.body, V2);
    assert_eq!(
        resp.header("ETag"),
        Some(etag_of(V2).to_string().as_str()),
        "with the new tag"
    );
}

#[test]
fn get_of_a_missing_document_is_404_whatever_the_preconditions() {
    let mut store = DocumentStore::new();
    assert_eq!(get(&mut store, None).status, 404);
    assert_eq!(
        get(&mut store, Some(("If-None-Match", "*"))).status,
        404,
        "preconditions are ignored when the response would not be 2xx anyway (RFC 9110 §13.2.1)"
    );
}

// ----- PUT and If-Match -----------------------------------------------------------------------

#[test]
fn put_with_the_current_tag_replaces_and_returns_the_new_tag() {
    let (mut store, tag) = store_with_doc();
    let resp = put(&mut store, V2, &[("If-Match", &tag)]);
    assert_eq!(
        resp.status, 204,
        "a successful replace with nothing to send back: 204 No Content"
    );
    let new_tag = etag_of(V2).to_string();
    assert_eq!(
        resp.header("ETag"),
        Some(new_tag.as_str()),
        "the response carries the new tag so the client can chain its next edit"
    );
    assert_eq!(store.get("report"), Some(V2));
    assert_eq!(
        get(&mut store, None).header("ETag"),
        Some(new_tag.as_str()),
        "the representation changed, so its ETag changed"
    );
}

#[test]
fn lost_update_is_prevented() {
    let (mut store, _) = store_with_doc();
    let alice_tag = get(&mut store, None)
        .header("ETag")
        .expect("ETag")
        .to_string();
    let bob_tag = get(&mut store, None)
        .header("ETag")
        .expect("ETag")
        .to_string();

    let alice = put(&mut store, V2, &[("If-Match", &alice_tag)]);
    assert_eq!(alice.status, 204, "Alice saves first: her tag is current");

    let bob = put(
        &mut store,
        br#"{"title":"Bob's"}"#,
        &[("If-Match", &bob_tag)],
    );
    assert_eq!(
        bob.status, 412,
        "Bob's edit is based on a version that no longer exists: 412 Precondition Failed (RFC 9110 §13.1.1)"
    );
    assert_eq!(store.get("report"), Some(V2), "Alice's work survives");
}

#[test]
fn if_match_uses_strong_comparison() {
    let (mut store, tag) = store_with_doc();
    let resp = put(&mut store, V2, &[("If-Match", &weak_form(&tag))]);
    assert_eq!(
        resp.status, 412,
        "If-Match uses strong comparison: a weak tag never matches, even W/{tag} (RFC 9110 §13.1.1)"
    );
    assert_eq!(store.get("report"), Some(V1));
}

#[test]
fn if_match_list_with_the_current_tag_passes() {
    let (mut store, tag) = store_with_doc();
    let list = format!("\"stale\", {tag}");
    assert_eq!(put(&mut store, V2, &[("If-Match", &list)]).status, 204);
}

#[test]
fn get_with_a_failed_if_match_is_412() {
    let (mut store, tag) = store_with_doc();
    for stale in [
        "\"stale\"".to_string(),
        weak_form(&tag),
        "\"a\", \"b\"".to_string(),
    ] {
        let resp = get(&mut store, Some(("If-Match", &stale)));
        assert_eq!(
            resp.status, 412,
            "If-Match: {stale} names no current version (strong comparison), and If-Match applies to every method, GET included (RFC 9110 §13.1.1): 412 Precondition Failed, not the document"
        );
    }
    assert_eq!(
        get(&mut store, Some(("If-Match", &tag))).status,
        200,
        "a GET whose If-Match holds is served as usual"
    );
}

#[test]
fn put_without_if_match_is_428() {
    let (mut store, _) = store_with_doc();
    let resp = put(&mut store, V2, &[]);
    assert_eq!(
        resp.status, 428,
        "this API requires updates to be conditional: 428 Precondition Required (RFC 6585 §3)"
    );
    assert_eq!(store.get("report"), Some(V1), "and nothing changed");
}

#[test]
fn if_match_star_needs_an_existing_document() {
    let (mut store, _) = store_with_doc();
    assert_eq!(
        put(&mut store, V2, &[("If-Match", "*")]).status,
        204,
        "If-Match: * holds for any current document"
    );
    let mut empty = DocumentStore::new();
    assert_eq!(
        put(&mut empty, V2, &[("If-Match", "*")]).status,
        412,
        "If-Match: * is false when there is no current representation (RFC 9110 §13.1.1)"
    );
    assert_eq!(empty.get("report"), None);
}

#[test]
fn if_match_on_a_missing_document_is_412() {
    let mut store = DocumentStore::new();
    let resp = put(&mut store, V2, &[("If-Match", "\"whatever\"")]);
    assert_eq!(
        resp.status, 412,
        "no current document can match a tag: 412, not 201 and not 404"
    );
    assert_eq!(store.get("report"), None);
}

#[test]
fn put_creates_a_missing_document() {
    let mut store = DocumentStore::new();
    let resp = put(&mut store, V1, &[]);
    assert_eq!(
        resp.status, 201,
        "a PUT to a new name creates it: 201 Created"
    );
    assert_eq!(resp.header("ETag"), Some(etag_of(V1).to_string().as_str()));
    assert_eq!(store.get("report"), Some(V1));
}

#[test]
fn if_none_match_star_creates_only_if_absent() {
    let mut store = DocumentStore::new();
    assert_eq!(
        put(&mut store, V1, &[("If-None-Match", "*")]).status,
        201,
        "no document yet: created"
    );
    let resp = put(&mut store, V2, &[("If-None-Match", "*")]);
    assert_eq!(
        resp.status, 412,
        "If-None-Match: * on PUT means 'only if nobody created it first': it exists now, so 412 (RFC 9110 §13.1.2)"
    );
    assert_eq!(store.get("report"), Some(V1));
}

#[test]
fn if_none_match_is_evaluated_even_when_if_match_passes() {
    let (mut store, tag) = store_with_doc();
    let resp = put(
        &mut store,
        V2,
        &[("If-Match", &tag), ("If-None-Match", &tag)],
    );
    assert_eq!(
        resp.status, 412,
        "RFC 9110 §13.2.2: If-Match is true, then If-None-Match is evaluated and is false for a non-GET: 412"
    );
}

#[test]
fn malformed_preconditions_are_400_and_change_nothing() {
    let (mut store, _) = store_with_doc();
    let resp = put(&mut store, V2, &[("If-Match", "unquoted")]);
    assert_eq!(
        resp.status, 400,
        "If-Match: unquoted is not a valid field value: 400, never an update"
    );
    assert_eq!(store.get("report"), Some(V1));
    assert_eq!(
        get(&mut store, Some(("If-None-Match", "\"open"))).status,
        400
    );
}

// ----- routing --------------------------------------------------------------------------------

#[test]
fn other_methods_and_paths() {
    let (mut store, _) = store_with_doc();
    let resp = store.handle(&Request::new("DELETE", "/docs/report"));
    assert_eq!(resp.status, 405, "only GET and PUT are supported");
    assert_eq!(
        resp.header("Allow"),
        Some("GET, PUT"),
        "a 405 lists the allowed methods"
    );
    assert_eq!(store.handle(&Request::new("GET", "/other")).status, 404);
    assert_eq!(store.handle(&Request::new("GET", "/docs/")).status, 404);
}
