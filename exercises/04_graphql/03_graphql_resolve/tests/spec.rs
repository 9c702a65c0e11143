//! The specification of step 3: a query resolves field by field over in-memory data; a failed
//! field is null with an error that has its `locations` and `path`, the rest of the response
//! intact; a null where the type forbids it goes up to the nearest nullable parent. The
//! responses of the GraphQL spec (October 2021) §7.1.2 are checked as written there.

use std::cell::RefCell;
use std::rc::Rc;

use graphql_resolve::{Schema, Type, execute};
use serde_json::{Value as Json, json};

// ---------------------------------------------------------------------------------------------
// The schema of the spec's examples: a hero and their friends, one of whose names fails

/// Every resolver call, as `Type.field`, to count what was resolved.
type Calls = Rc<RefCell<Vec<String>>>;

fn character(id: &str) -> Json {
    let name = match id {
        "2001" => "R2-D2",
        "1000" => "Luke Skywalker",
        "1002" => "Han Solo",
        "1003" => "Leia Organa",
        _ => return Json::Null,
    };
    json!({"id": id, "name": name, "friends": ["1000", "1002", "1003"]})
}

/// The schema with `Character.name` of type `name_type` and `Query.hero` of type `hero_type`;
/// the name of 1002 cannot be fetched.
fn star_wars(name_type: Type, hero_type: Type) -> (Schema, Calls) {
    let calls = Calls::default();
    let log = |calls: &Calls, what: &str| calls.borrow_mut().push(what.to_string());
    let c = calls.clone();
    let schema = Schema::new("Query")
        .field("Query", "hero", hero_type, move |_, args| {
            log(&c, "Query.hero");
            let episode = args
                .iter()
                .find(|(n, _)| n == "episode")
                .map(|(_, v)| v.clone());
            match episode {
                Some(graphql_resolve::query::Value::Enum(e)) if e == "NOWHERE" => {
                    Err("No hero in episode NOWHERE.".to_string())
                }
                Some(graphql_resolve::query::Value::Enum(e)) if e == "EMPIRE" => {
                    Ok(character("1000"))
                }
                _ => Ok(character("2001")),
            }
        })
        .property("Character", "id", Type::Scalar.non_null());
    let c = calls.clone();
    let schema = schema.field("Character", "name", name_type, move |parent, _| {
        log(&c, "Character.name");
        match parent["id"].as_str() {
            Some("1002") => Err("Name for character with ID 1002 could not be fetched.".into()),
            _ => Ok(parent["name"].clone()),
        }
    });
    let c = calls.clone();
    let schema = schema.field(
        "Character",
        "heroFriends",
        Type::Object("Character").list(),
        move |parent, _| {
            log(&c, "Character.heroFriends");
            let ids = parent["friends"].as_array().cloned().unwrap_or_default();
            Ok(ids
                .iter()
                .map(|id| character(id.as_str().unwrap()))
                .collect())
        },
    );
    (schema, calls)
}

/// The query of spec §7.1.2 (the `$episode` variable left out: no variables here).
const HERO_AND_FRIENDS: &str = "{
  hero {
    name
    heroFriends {
      id
      name
    }
  }
}";

#[track_caller]
fn assert_response(got: &Json, want: Json, why: &str) {
    assert_eq!(
        got,
        &want,
        "{why}\n  got:  {}\n  want: {}",
        serde_json::to_string(got).unwrap(),
        serde_json::to_string(&want).unwrap()
    );
}

fn nullable_names() -> (Schema, Calls) {
    star_wars(Type::Scalar, Type::Object("Character"))
}

// ---------------------------------------------------------------------------------------------
// Resolving

#[test]
fn a_scalar_field_resolves_into_data() {
    let (schema, _) = nullable_names();
    let got = execute(&schema, "{ hero { id } }", &json!({}));
    assert_response(
        &got,
        json!({"data": {"hero": {"id": "2001"}}}),
        "no errors: no `errors` key",
    );
}

#[test]
fn nested_objects_and_lists_resolve_item_by_item() {
    let (schema, _) = nullable_names();
    let got = execute(&schema, "{ hero { id heroFriends { id } } }", &json!({}));
    assert_response(
        &got,
        json!({"data": {"hero": {"id": "2001", "heroFriends": [
            {"id": "1000"}, {"id": "1002"}, {"id": "1003"}
        ]}}}),
        "a list of objects: each item gets the sub-selection",
    );
}

#[test]
fn aliases_are_the_response_keys_and_arguments_reach_the_resolver() {
    let (schema, _) = nullable_names();
    let got = execute(
        &schema,
        "{ empire: hero(episode: EMPIRE) { id } r2: hero { ident: id } }",
        &json!({}),
    );
    assert_response(
        &got,
        json!({"data": {"empire": {"id": "1000"}, "r2": {"ident": "2001"}}}),
        "the same field twice under two aliases, with different arguments",
    );
}

#[test]
fn fragments_are_expanded_where_their_type_applies() {
    let (schema, _) = nullable_names();
    let source =
        "{ hero { ...ids ... on Droid { name } ... on Character { heroFriends { ...ids } } } }
                  fragment ids on Character { id }";
    let got = execute(&schema, source, &json!({}));
    assert_response(
        &got,
        json!({"data": {"hero": {"id": "2001", "heroFriends": [
            {"id": "1000"}, {"id": "1002"}, {"id": "1003"}
        ]}}}),
        "`...ids` and `... on Character` apply to a Character, `... on Droid` does not",
    );
}

#[test]
fn fields_of_one_response_key_are_resolved_once_and_merged() {
    let (schema, calls) = nullable_names();
    let got = execute(
        &schema,
        "{ hero { id } hero { heroFriends { id } } }",
        &json!({}),
    );
    assert_response(
        &got,
        json!({"data": {"hero": {"id": "2001", "heroFriends": [
            {"id": "1000"}, {"id": "1002"}, {"id": "1003"}
        ]}}}),
        "two `hero` fields make one, with both selection sets (spec §6.4.3, MergeSelectionSets)",
    );
    let heroes = calls.borrow().iter().filter(|c| *c == "Query.hero").count();
    assert_eq!(
        heroes, 1,
        "Query.hero resolved {heroes} times; one response key is one call"
    );
}

#[test]
fn a_null_in_a_nullable_field_is_null_without_an_error() {
    let schema = Schema::new("Query")
        .field("Query", "nothing", Type::Object("X"), |_, _| Ok(Json::Null))
        .property("X", "y", Type::Scalar);
    let got = execute(&schema, "{ nothing { y } }", &json!({}));
    assert_response(
        &got,
        json!({"data": {"nothing": null}}),
        "null is a valid value here",
    );
}

// ---------------------------------------------------------------------------------------------
// Field errors

#[test]
fn a_field_error_is_null_and_leaves_the_rest_intact() {
    // Spec §7.1.2, the response with a field error (`name` nullable).
    let (schema, _) = nullable_names();
    let got = execute(&schema, HERO_AND_FRIENDS, &json!({}));
    assert_response(
        &got,
        json!({
            "errors": [{
                "message": "Name for character with ID 1002 could not be fetched.",
                "locations": [{"line": 6, "column": 7}],
                "path": ["hero", "heroFriends", 1, "name"]
            }],
            "data": {"hero": {"name": "R2-D2", "heroFriends": [
                {"id": "1000", "name": "Luke Skywalker"},
                {"id": "1002", "name": null},
                {"id": "1003", "name": "Leia Organa"}
            ]}}
        }),
        "the failed name is null, with one error: where in the query (locations) and where in \
         the response (path: keys and the list index); everything else is answered",
    );
}

#[test]
fn a_non_null_field_error_nulls_the_nearest_nullable_parent() {
    // Spec §7.1.2, the same response when `name` is non-null: the friend is null instead.
    let (schema, _) = star_wars(Type::Scalar.non_null(), Type::Object("Character"));
    let got = execute(&schema, HERO_AND_FRIENDS, &json!({}));
    assert_response(
        &got,
        json!({
            "errors": [{
                "message": "Name for character with ID 1002 could not be fetched.",
                "locations": [{"line": 6, "column": 7}],
                "path": ["hero", "heroFriends", 1, "name"]
            }],
            "data": {"hero": {"name": "R2-D2", "heroFriends": [
                {"id": "1000", "name": "Luke Skywalker"},
                null,
                {"id": "1003", "name": "Leia Organa"}
            ]}}
        }),
        "`name: String!` cannot be null, so its parent, the list item, is; once, with one error",
    );
}

#[test]
fn a_null_goes_up_through_every_non_null_level() {
    // name: String!, heroFriends: [Character!]!, hero: Character (nullable): hero is null.
    let schema = Schema::new("Query")
        .field("Query", "hero", Type::Object("Character"), |_, _| {
            Ok(character("2001"))
        })
        .property("Character", "id", Type::Scalar)
        .field(
            "Character",
            "name",
            Type::Scalar.non_null(),
            |p, _| match p["id"].as_str() {
                Some("1002") => Err("Name for character with ID 1002 could not be fetched.".into()),
                _ => Ok(p["name"].clone()),
            },
        )
        .field(
            "Character",
            "heroFriends",
            Type::Object("Character").non_null().list().non_null(),
            |p, _| {
                Ok(p["friends"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|id| character(id.as_str().unwrap()))
                    .collect())
            },
        );
    let got = execute(&schema, "{ hero { id heroFriends { name } } }", &json!({}));
    assert_response(
        &got,
        json!({
            "errors": [{
                "message": "Name for character with ID 1002 could not be fetched.",
                "locations": [{"line": 1, "column": 27}],
                "path": ["hero", "heroFriends", 1, "name"]
            }],
            "data": {"hero": null}
        }),
        "the item is non-null and so is the list: the null goes up to `hero`, the nearest \
         nullable field; the error keeps the path where it happened",
    );
}

#[test]
fn when_every_level_is_non_null_data_is_null() {
    let (schema, _) = star_wars(
        Type::Scalar.non_null(),
        Type::Object("Character").non_null(),
    );
    let got = execute(&schema, "{ hero(episode: NOWHERE) { name } }", &json!({}));
    assert_response(
        &got,
        json!({
            "errors": [{
                "message": "No hero in episode NOWHERE.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["hero"]
            }],
            "data": null
        }),
        "`hero: Character!` fails at the root: nothing nullable is left, so `data` is null",
    );
}

#[test]
fn a_resolver_that_returns_null_for_a_non_null_field_is_a_field_error() {
    let schema = Schema::new("Query")
        .field("Query", "a", Type::Scalar.non_null(), |_, _| Ok(Json::Null))
        .property("Query", "b", Type::Scalar);
    let got = execute(&schema, "{ b a }", &json!({"b": 1}));
    let errors = got["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        (
            &got["data"],
            errors.len(),
            errors.first().map(|e| &e["path"]),
            errors.first().map(|e| &e["locations"])
        ),
        (
            &Json::Null,
            1,
            Some(&json!(["a"])),
            Some(&json!([{"line": 1, "column": 5}]))
        ),
        "`a: Int!` resolved to null: one error at `a`, and `data` null since the root type's \
         field cannot be; got {got}"
    );
}

#[test]
fn a_failed_object_field_does_not_resolve_its_sub_fields() {
    let (schema, calls) = nullable_names();
    let got = execute(
        &schema,
        "{ hero(episode: NOWHERE) { name heroFriends { name } } }",
        &json!({}),
    );
    assert_response(
        &got,
        json!({
            "errors": [{
                "message": "No hero in episode NOWHERE.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["hero"]
            }],
            "data": {"hero": null}
        }),
        "`hero` failed: null, one error",
    );
    assert_eq!(
        *calls.borrow(),
        ["Query.hero"],
        "nothing below a failed field is resolved"
    );
}

#[test]
fn every_failed_field_has_its_own_error() {
    let (schema, _) = nullable_names();
    let got = execute(
        &schema,
        "{ hero { heroFriends { a: name b: name } } }",
        &json!({}),
    );
    let paths: Vec<&Json> = got["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| &e["path"]).collect())
        .unwrap_or_default();
    assert_eq!(
        paths,
        [
            &json!(["hero", "heroFriends", 1, "a"]),
            &json!(["hero", "heroFriends", 1, "b"])
        ],
        "two failed fields (the same field under two aliases): two errors, each with its own \
         path; got {got}"
    );
}

#[test]
fn a_resolver_that_returns_no_list_for_a_list_is_a_field_error() {
    let schema =
        Schema::new("Query").field("Query", "xs", Type::Scalar.list(), |_, _| Ok(json!(7)));
    let got = execute(&schema, "{ xs }", &json!({}));
    assert_eq!(
        (&got["data"], got["errors"][0]["path"].clone()),
        (&json!({"xs": null}), json!(["xs"])),
        "a list type whose resolver returned 7: null and an error, not a panic; got {got}"
    );
}

#[test]
fn a_long_list_with_a_null_item_keeps_the_others() {
    let schema =
        Schema::new("Query").field("Query", "xs", Type::Scalar.non_null().list(), |_, _| {
            Ok((0..1000)
                .map(|i| if i == 999 { Json::Null } else { json!(i) })
                .collect())
        });
    let got = execute(&schema, "{ xs }", &json!({}));
    assert_eq!(
        (&got["data"]["xs"], got["errors"][0]["path"].clone()),
        (&Json::Null, json!(["xs", 999])),
        "[Int!] with a null at index 999: the item cannot be null, so the list is, with the \
         error's path at the item"
    );
}

// ---------------------------------------------------------------------------------------------
// Errors before execution (given): no `data` at all

#[test]
fn a_syntax_error_is_a_request_error_without_data() {
    let (schema, calls) = nullable_names();
    let got = execute(&schema, "{ hero { } }", &json!({}));
    assert_eq!(
        (got.get("data"), got["errors"][0]["locations"].clone()),
        (None, json!([{"line": 1, "column": 10}])),
        "a query that does not parse is not executed; got {got}"
    );
    assert!(
        calls.borrow().is_empty(),
        "no resolver runs for a query that does not parse"
    );
}

#[test]
fn an_unknown_field_is_a_request_error_without_data() {
    let (schema, calls) = nullable_names();
    let got = execute(&schema, "{ hero { id\n secret } }", &json!({}));
    assert_eq!(
        (got.get("data"), got["errors"][0]["locations"].clone()),
        (None, json!([{"line": 2, "column": 2}])),
        "a field the schema does not have fails validation, before anything runs; got {got}"
    );
    assert!(
        calls.borrow().is_empty(),
        "no resolver runs for a query that is not valid"
    );
}
