//! The specification of the document store: the schema keeps NULL and broken JSON out, a
//! document comes back as it went in, field queries bind the path as well as the value and
//! compare JSON types the way SQLite sees them, and the email query is a SEARCH through an
//! index on the JSON expression.

use document_store::{
    Doc, FIND_BY_EMAIL, SCHEMA, StoreError, find, find_by_email, get, insert, open,
};
use rusqlite::Connection;
use serde_json::{Value, json};

fn store() -> Connection {
    open().unwrap_or_else(|err| panic!("SCHEMA must be valid SQL: {err}\n{SCHEMA}"))
}

/// A store with these documents, inserted in order (ids 1, 2, 3...).
fn store_with(docs: &[Value]) -> Connection {
    let conn = store();
    for doc in docs {
        insert(&conn, doc).expect("insert of a JSON document succeeds");
    }
    conn
}

fn ids(docs: &[Doc]) -> Vec<i64> {
    docs.iter().map(|d| d.id).collect()
}

/// The ids `find` returns, failing with a readable message if it errs.
#[track_caller]
fn found(conn: &Connection, path: &str, value: Value) -> Vec<i64> {
    match find(conn, path, &value) {
        Ok(docs) => ids(&docs),
        Err(err) => panic!("find({path:?}, {value}) failed: {err}"),
    }
}

fn people() -> Vec<Value> {
    vec![
        json!({"name": "Ada", "email": "ada@example.com", "age": 36, "admin": true,
               "address": {"city": "London"}, "tags": ["math", "engines"]}),
        json!({"name": "Grace", "email": "grace@example.com", "age": 85, "admin": false,
               "address": {"city": "New York"}, "tags": ["cobol"]}),
        json!({"name": "Linus", "age": "36", "score": 1.5,
               "address": {"city": "Portland"}, "tags": []}),
        json!({"name": "Zoë 🦀", "email": "zoe@example.com", "age": 36, "admin": true,
               "address": {"city": "London"}, "it's": "quoted"}),
    ]
}

// ---------------------------------------------------------------------------------------------
// The schema

#[test]
fn schema_creates_the_docs_table() {
    let conn = store();
    conn.execute("INSERT INTO docs (id, doc) VALUES (7, '{}')", [])
        .expect("SCHEMA creates a table docs (id INTEGER PRIMARY KEY, doc TEXT ...)");
}

#[test]
fn schema_rejects_text_that_is_not_json() {
    let conn = store();
    let result = conn.execute("INSERT INTO docs (doc) VALUES ('{\"name\": \"Ada\"')", []);
    assert!(
        result.is_err(),
        "the table accepted '{{\"name\": \"Ada\"' (a missing brace): CHECK (json_valid(doc)) \
         keeps text that is not JSON out, whatever code path writes it"
    );
}

#[test]
fn schema_rejects_a_null_document() {
    let conn = store();
    let result = conn.execute("INSERT INTO docs (doc) VALUES (NULL)", []);
    assert!(
        result.is_err(),
        "the table accepted a NULL document: json_valid(NULL) is NULL, and a CHECK that is NULL \
         passes, so the column needs NOT NULL too"
    );
}

// ---------------------------------------------------------------------------------------------
// insert and get

#[test]
fn insert_returns_increasing_ids() {
    let conn = store();
    let first = insert(&conn, &json!({"n": 1})).unwrap();
    let second = insert(&conn, &json!({"n": 2})).unwrap();
    assert_eq!(
        (first, second),
        (1, 2),
        "insert returns the new row's id (Connection::last_insert_rowid)"
    );
}

#[test]
fn get_returns_the_document_as_inserted() {
    let conn = store();
    for doc in people() {
        let id = insert(&conn, &doc).unwrap();
        assert_eq!(
            get(&conn, id).unwrap(),
            Some(doc.clone()),
            "get({id}) returns the document inserted, nested objects, arrays and unicode alike"
        );
    }
}

#[test]
fn insert_stores_the_document_as_json_text() {
    let conn = store();
    let id = insert(&conn, &json!({"name": "Ada", "tags": ["math"]})).unwrap();
    let text: String = conn
        .query_row("SELECT doc FROM docs WHERE id = ?1", [id], |row| row.get(0))
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&text).ok(),
        Some(json!({"name": "Ada", "tags": ["math"]})),
        "the doc column holds the document's JSON text (serde_json::to_string), got {text:?}"
    );
}

#[test]
fn get_of_a_missing_id_is_none() {
    let conn = store_with(&people());
    assert_eq!(
        get(&conn, 99).unwrap(),
        None,
        "no document has id 99: that is None, not an error (OptionalExtension::optional)"
    );
}

#[test]
fn get_of_a_stored_text_that_is_not_a_document_is_a_json_error() {
    // A row written without the CHECK (an older schema, another program): get reports it.
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE docs (id INTEGER PRIMARY KEY, doc TEXT NOT NULL);")
        .unwrap();
    conn.execute("INSERT INTO docs (id, doc) VALUES (1, 'not json')", [])
        .unwrap();
    assert!(
        matches!(get(&conn, 1), Err(StoreError::Json(_))),
        "the stored text 'not json' does not parse: get returns StoreError::Json, got {:?}",
        get(&conn, 1)
    );
}

// ---------------------------------------------------------------------------------------------
// Field queries

#[test]
fn find_by_a_string_field() {
    let conn = store_with(&people());
    assert_eq!(found(&conn, "$.name", json!("Grace")), [2]);
}

#[test]
fn find_returns_every_match_in_id_order() {
    let conn = store_with(&people());
    assert_eq!(
        found(&conn, "$.address.city", json!("London")),
        [1, 4],
        "$.address.city reads a nested field: documents 1 and 4 live in London, in id order"
    );
}

#[test]
fn find_returns_the_documents_themselves() {
    let conn = store_with(&people());
    let docs = find(&conn, "$.name", &json!("Zoë 🦀")).unwrap();
    assert_eq!(
        docs,
        [Doc {
            id: 4,
            doc: people()[3].clone()
        }],
        "find returns each match's id and its whole document (unicode included)"
    );
}

#[test]
fn find_with_no_match_is_empty() {
    let conn = store_with(&people());
    assert_eq!(found(&conn, "$.name", json!("Nobody")), Vec::<i64>::new());
}

#[test]
fn find_by_an_array_element() {
    let conn = store_with(&people());
    assert_eq!(found(&conn, "$.tags[0]", json!("cobol")), [2]);
}

#[test]
fn find_by_an_integer_does_not_match_the_same_digits_as_a_string() {
    let conn = store_with(&people());
    assert_eq!(
        found(&conn, "$.age", json!(36)),
        [1, 4],
        "the JSON number 36 is bound as the INTEGER 36. Document 3 has the *string* \"36\", \
         which json_extract returns as TEXT, and TEXT '36' is not INTEGER 36"
    );
    assert_eq!(
        found(&conn, "$.age", json!("36")),
        [3],
        "the JSON string \"36\" is bound as TEXT and matches only document 3"
    );
}

#[test]
fn find_by_a_real_number() {
    let conn = store_with(&people());
    assert_eq!(
        found(&conn, "$.score", json!(1.5)),
        [3],
        "a number that is not an integer binds as REAL (f64)"
    );
}

#[test]
fn find_by_a_boolean() {
    let conn = store_with(&people());
    assert_eq!(
        found(&conn, "$.admin", json!(true)),
        [1, 4],
        "json_extract returns true as 1 and false as 0: bind a boolean as that integer"
    );
    assert_eq!(found(&conn, "$.admin", json!(false)), [2]);
}

#[test]
fn find_by_null_matches_nothing() {
    let conn = store_with(&[json!({"email": null}), json!({"name": "no email"})]);
    assert_eq!(
        found(&conn, "$.email", Value::Null),
        Vec::<i64>::new(),
        "json_extract gives NULL for a JSON null and for a missing field, and in SQL \
         NULL = NULL is not true: null binds as NULL and matches nothing"
    );
}

#[test]
fn find_by_an_array_or_object_matches_nothing() {
    let conn = store_with(&people());
    for value in [json!(["cobol"]), json!({"city": "London"})] {
        assert_eq!(
            found(&conn, "$.tags", value.clone()),
            Vec::<i64>::new(),
            "find({value}) compares scalars only: arrays and objects bind as NULL"
        );
    }
}

#[test]
fn a_typo_in_a_field_name_finds_nothing_and_is_no_error() {
    let conn = store_with(&people());
    assert_eq!(
        found(&conn, "$.emial", json!("ada@example.com")),
        Vec::<i64>::new(),
        "the documents have no field 'emial': a document store has no schema to catch the \
         typo, the query simply finds nothing"
    );
}

#[test]
fn find_with_a_malformed_path_is_an_error() {
    let conn = store_with(&people());
    let result = find(&conn, "email", &json!("ada@example.com"));
    assert!(
        matches!(result, Err(StoreError::Sqlite(_))),
        "'email' is not a JSON path (a path starts with '$'): SQLite refuses it, and find \
         returns that error, got {result:?}"
    );
}

#[test]
fn find_binds_the_path_a_field_name_with_a_quote_is_found() {
    let conn = store_with(&people());
    let path = r#"$."it's""#;
    let result = find(&conn, path, &json!("quoted"));
    assert!(
        matches!(&result, Ok(docs) if ids(docs) == [4]),
        "the field \"it's\" of document 4 is found by the path {path}, got {result:?}. \
         An error here means the path was pasted into the SQL text, where its quote ended the \
         string: bind it as a parameter (json_extract(doc, ?1))"
    );
}

#[test]
fn find_binds_the_path_an_injected_path_returns_no_documents() {
    let conn = store_with(&people());
    let path = "$.x') IS NULL OR 1=1 OR json_extract(doc, '$.x";
    let result = find(&conn, path, &json!("anything"));
    assert!(
        !matches!(&result, Ok(docs) if !docs.is_empty()),
        "the path {path:?} is not a field of any document, yet find returned documents \
         {:?}: the path was pasted into the SQL and its text ran as SQL (OR 1=1 matches \
         every row). Bind the path as a parameter, like the value",
        result.map(|docs| ids(&docs))
    );
}

// ---------------------------------------------------------------------------------------------
// The index on a JSON expression

/// The `detail` column of `EXPLAIN QUERY PLAN sql`, placeholders left unbound (NULL).
fn plan_of(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|err| panic!("FIND_BY_EMAIL must be valid SQL: {err}\n{sql}"));
    let mut rows = stmt.raw_query();
    let mut details = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        details.push(row.get(3).unwrap());
    }
    details
}

#[test]
fn find_by_email_returns_the_matching_documents() {
    let conn = store_with(&[
        json!({"email": "ada@example.com", "n": 1}),
        json!({"email": "grace@example.com"}),
        json!({"email": "ada@example.com", "n": 3}),
    ]);
    let docs = find_by_email(&conn, "ada@example.com").unwrap();
    assert_eq!(
        docs,
        [
            Doc {
                id: 1,
                doc: json!({"email": "ada@example.com", "n": 1})
            },
            Doc {
                id: 3,
                doc: json!({"email": "ada@example.com", "n": 3})
            },
        ],
        "find_by_email returns every document with that $.email, in id order (nothing in a \
         document store makes an email unique)"
    );
    assert_eq!(
        ids(&find_by_email(&conn, "nobody@example.com").unwrap()),
        Vec::<i64>::new()
    );
}

#[test]
fn find_by_email_searches_the_index_on_the_json_expression() {
    let conn = store_with(&people());
    let plan = plan_of(&conn, FIND_BY_EMAIL);
    assert!(
        plan.len() == 1
            && plan[0].starts_with("SEARCH docs USING INDEX")
            && plan[0].ends_with("(<expr>=?)"),
        "FIND_BY_EMAIL should be one SEARCH through the index on json_extract(doc, '$.email') \
         (`SEARCH docs USING INDEX ... (<expr>=?)`), got {plan:?}. The planner uses an \
         expression index only where the query spells the same expression: write \
         json_extract(doc, '$.email') with the path in the SQL, and keep the sort in id order \
         (the index entries for one email are already in rowid order)"
    );
}

#[test]
fn find_by_email_agrees_with_find() {
    let conn = store_with(&people());
    for email in ["ada@example.com", "zoe@example.com", "nobody@example.com"] {
        assert_eq!(
            find_by_email(&conn, email).unwrap(),
            find(&conn, "$.email", &json!(email)).unwrap(),
            "an index changes how documents are found, never which ones"
        );
    }
}
