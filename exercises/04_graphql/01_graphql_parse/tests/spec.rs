//! The specification of step 1: a query's operation and selection set parse into fields with
//! their aliases, arguments and positions; every syntax error names the line and column of
//! the token that does not fit. Queries from the GraphQL spec (October 2021) are cited by
//! section, and the parser is compared with the `graphql-parser` crate on the same text.

use graphql_parse::{Document, Field, OperationKind, ParseError, Pos, Value, parse};

// ---------------------------------------------------------------------------------------------
// Helpers

#[track_caller]
fn parsed(source: &str) -> Document {
    parse(source).unwrap_or_else(|err| panic!("parse({source:?}) failed: {err}"))
}

#[track_caller]
fn fields(source: &str) -> Vec<Field> {
    parsed(source).operation.selection_set
}

/// A selection set as one line of text: `alias:name(arg: value){...}`, to compare at a glance.
fn render(fields: &[Field]) -> String {
    let items: Vec<String> = fields
        .iter()
        .map(|f| {
            let alias = f
                .alias
                .as_ref()
                .map(|a| format!("{a}:"))
                .unwrap_or_default();
            render_field(&alias, &f.name, &f.arguments, &render(&f.selection_set))
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", items.join(" "))
    }
}

fn render_field(alias: &str, name: &str, arguments: &[(String, Value)], sub: &str) -> String {
    let args: Vec<String> = arguments
        .iter()
        .map(|(n, v)| format!("{n}: {}", show(v)))
        .collect();
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    format!("{alias}{name}{args}{sub}")
}

fn show(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Float(n) => format!("{n:?}"),
        Value::String(s) => format!("{s:?}"),
        Value::Boolean(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Enum(e) => format!("enum {e}"),
    }
}

#[track_caller]
fn error(source: &str) -> ParseError {
    match parse(source) {
        Ok(doc) => panic!(
            "parse({source:?}) returned Ok with fields {}; it is not a valid query, so it must \
             be an error with the position of the token that does not fit",
            render(&doc.operation.selection_set)
        ),
        Err(err) => err,
    }
}

/// Checks that `source` fails at `line:column`, on the token described as `found`.
#[track_caller]
fn assert_error_at(source: &str, line: usize, column: usize, found: &str, why: &str) {
    let err = error(source);
    assert_eq!(
        (err.pos, err.found.as_str()),
        (Pos { line, column }, found),
        "parse({source:?}): the error must be at {line}:{column}, on {found} ({why}); got \
         \"{err}\""
    );
}

// ---------------------------------------------------------------------------------------------
// Fields and selection sets

#[test]
fn a_single_field_is_a_selection_set_of_one() {
    assert_eq!(render(&fields("{ hero }")), "{hero}");
}

#[test]
fn fields_nest_inside_selection_sets() {
    // Spec §2.4, the example of nested selections.
    let got = render(&fields(
        "{ me { id firstName lastName birthday { month day } } }",
    ));
    assert_eq!(got, "{me{id firstName lastName birthday{month day}}}");
}

#[test]
fn commas_white_space_and_comments_are_ignored() {
    let source = "{\n  # who\n  a, b,,c\r\n  d { e, } # end\n}";
    assert_eq!(render(&fields(source)), "{a b c d{e}}");
}

#[test]
fn an_alias_is_kept_apart_from_the_field_name() {
    // Spec §2.7, Field Alias: the same field twice, under two response keys.
    let source = "{ user(id: 4) { id name smallPic: profilePic(size: 64) \
                  bigPic: profilePic(size: 1024) } }";
    let got = fields(source);
    assert_eq!(
        render(&got),
        "{user(id: 4){id name smallPic:profilePic(size: 64) bigPic:profilePic(size: 1024)}}"
    );
    let small = &got[0].selection_set[2];
    assert_eq!(
        (
            small.alias.as_deref(),
            small.name.as_str(),
            small.response_key()
        ),
        (Some("smallPic"), "profilePic", "smallPic"),
        "in `smallPic: profilePic`, the name before the colon is the alias"
    );
    assert_eq!(got[0].selection_set[0].alias, None, "`id` has no alias");
}

#[test]
fn arguments_take_every_scalar_literal() {
    let source =
        r#"{ f(i: -42, z: 0, x: 1.5, e: 6.02e23, s: "a \"b\" \u00e9\n", t: true, n: null) }"#;
    let got = &fields(source)[0].arguments;
    let want = vec![
        ("i".to_string(), Value::Int(-42)),
        ("z".into(), Value::Int(0)),
        ("x".into(), Value::Float(1.5)),
        ("e".into(), Value::Float(6.02e23)),
        ("s".into(), Value::String("a \"b\" é\n".into())),
        ("t".into(), Value::Boolean(true)),
        ("n".into(), Value::Null),
    ];
    assert_eq!(
        got, &want,
        "the arguments of {source}, in the order written"
    );
}

#[test]
fn true_false_and_null_are_literals_and_other_names_are_enum_values() {
    let got = &fields("{ hero(episode: EMPIRE, a: false, b: True, c: nul) }")[0].arguments;
    let values: Vec<&Value> = got.iter().map(|(_, v)| v).collect();
    assert_eq!(
        values,
        [
            &Value::Enum("EMPIRE".into()),
            &Value::Boolean(false),
            &Value::Enum("True".into()),
            &Value::Enum("nul".into()),
        ],
        "names are case-sensitive: only `true`, `false` and `null` are literals (spec §2.9)"
    );
}

#[test]
fn an_operation_keeps_its_kind_and_name() {
    let cases = [
        ("{ a }", OperationKind::Query, None),
        ("query { a }", OperationKind::Query, None),
        ("query Hero { a }", OperationKind::Query, Some("Hero")),
        ("mutation Like { a }", OperationKind::Mutation, Some("Like")),
        ("subscription { a }", OperationKind::Subscription, None),
    ];
    for (source, kind, name) in cases {
        let op = parsed(source).operation;
        assert_eq!(
            (
                op.kind,
                op.name.as_deref(),
                render(&op.selection_set).as_str()
            ),
            (kind, name, "{a}"),
            "{source:?}: kind, name and fields"
        );
    }
}

#[test]
fn each_field_records_where_it_starts() {
    let source = "query Q {\n  hero {\n    friend: name\n  }\n}";
    let doc = parsed(source);
    let hero = &doc.operation.selection_set[0];
    let friend = &hero.selection_set[0];
    let got = (doc.operation.pos, hero.pos, friend.pos);
    let want = (
        Pos { line: 1, column: 1 },
        Pos { line: 2, column: 3 },
        Pos { line: 3, column: 5 },
    );
    assert_eq!(
        got, want,
        "positions of the operation, `hero`, and `friend: name` (a field starts at its alias)"
    );
}

#[test]
fn many_fields_long_strings_and_deep_nesting_parse() {
    let wide = format!(
        "{{ {} }}",
        (0..10_000)
            .map(|i| format!("f{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let got = fields(&wide);
    assert_eq!(
        (got.len(), got[9_999].name.as_str()),
        (10_000, "f9999"),
        "10 000 fields"
    );

    let long = "é".repeat(100_000);
    let got = fields(&format!("{{ a(s: \"{long}\") b }}"));
    assert_eq!(
        (got[0].arguments[0].1 == Value::String(long), got[1].pos),
        (
            true,
            Pos {
                line: 1,
                column: 100_012
            }
        ),
        "a string of 100 000 characters, and `b`'s column after it (columns count characters)"
    );

    let deep = format!("{}x{}", "{ a ".repeat(200), "}".repeat(200));
    let mut field = &fields(&deep)[0];
    for _ in 0..198 {
        field = &field.selection_set[0];
    }
    assert_eq!(
        render(&field.selection_set),
        "{a x}",
        "200 levels of nesting"
    );
}

// ---------------------------------------------------------------------------------------------
// Compared with a real GraphQL parser

/// The same rendering as `render`, from graphql-parser's tree.
fn render_theirs(set: &graphql_parser::query::SelectionSet<String>) -> String {
    use graphql_parser::query::{Selection, Value as V};
    let items: Vec<String> = set
        .items
        .iter()
        .map(|s| {
            let Selection::Field(f) = s else {
                panic!("no fragments in these queries")
            };
            let args: Vec<(String, Value)> = f
                .arguments
                .iter()
                .map(|(n, v)| {
                    let v = match v {
                        V::Int(n) => Value::Int(n.as_i64().unwrap()),
                        V::Float(x) => Value::Float(*x),
                        V::String(s) => Value::String(s.clone()),
                        V::Boolean(b) => Value::Boolean(*b),
                        V::Null => Value::Null,
                        V::Enum(e) => Value::Enum(e.clone()),
                        other => panic!("not a scalar: {other:?}"),
                    };
                    (n.clone(), v)
                })
                .collect();
            let alias = f
                .alias
                .as_ref()
                .map(|a| format!("{a}:"))
                .unwrap_or_default();
            let pos = format!("@{}", f.position);
            render_field(&alias, &f.name, &args, &render_theirs(&f.selection_set)) + &pos
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", items.join(" "))
    }
}

fn render_with_positions(fields: &[Field]) -> String {
    let items: Vec<String> = fields
        .iter()
        .map(|f| {
            let alias = f
                .alias
                .as_ref()
                .map(|a| format!("{a}:"))
                .unwrap_or_default();
            let sub = render_with_positions(&f.selection_set);
            render_field(&alias, &f.name, &f.arguments, &sub) + &format!("@{}", f.pos)
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", items.join(" "))
    }
}

#[test]
fn the_same_tree_and_positions_as_graphql_parser() {
    use graphql_parser::query::{Definition, OperationDefinition as Op};
    let queries = [
        "{ hero }",
        "query HeroNameAndFriends {\n  hero(episode: JEDI) {\n    name\n    friends { name }\n  }\n}",
        "{\n  user(id: 4) {\n    id\n    name\n    smallPic: profilePic(size: 64)\n    bigPic: profilePic(size: 1024)\n  }\n}",
        "mutation {\n  likeStory(storyID: 12345) {\n    story { likeCount }\n  }\n}",
        "{ f(a: 1.5e-3, b: \"x, y\", c: null, d: false, e: -0) ,g,h { i } }",
        "# a comment\n{ nearby(lat: -53.211, lon: 67.6) { name } }",
        "query {\n  a: b(c: \"ünïcödé\") d\n}",
    ];
    for source in queries {
        let theirs = graphql_parser::parse_query::<String>(source)
            .unwrap_or_else(|err| panic!("graphql-parser rejects {source:?}: {err}"));
        let Definition::Operation(op) = &theirs.definitions[0] else {
            panic!("an operation")
        };
        let set = match op {
            Op::SelectionSet(s) => s,
            Op::Query(q) => &q.selection_set,
            Op::Mutation(m) => &m.selection_set,
            Op::Subscription(s) => &s.selection_set,
        };
        assert_eq!(
            render_with_positions(&fields(source)),
            render_theirs(set),
            "{source:?}: your tree (left) against graphql-parser's (right), each field with \
             its line:column"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Errors, each at the position of the token that does not fit

#[test]
fn an_empty_selection_set_is_an_error_at_its_closing_brace() {
    assert_error_at(
        "{ }",
        1,
        3,
        "\"}\"",
        "a selection set holds one field or more",
    );
    assert_error_at("{ hero { } }", 1, 10, "\"}\"", "nested selection sets too");
}

#[test]
fn an_unclosed_selection_set_is_an_error_at_the_end() {
    assert_error_at(
        "{ hero { name }",
        1,
        16,
        "the end of the document",
        "the last } is missing",
    );
    assert_error_at("{", 1, 2, "the end of the document", "a { alone");
    assert_error_at(
        "",
        1,
        1,
        "the end of the document",
        "an empty document has no operation",
    );
}

#[test]
fn an_argument_needs_a_colon_and_a_value() {
    assert_error_at(
        "{ hero(episode EMPIRE) }",
        1,
        16,
        "name \"EMPIRE\"",
        "`episode` needs a `:`",
    );
    assert_error_at(
        "{ hero(episode:) }",
        1,
        16,
        "\")\"",
        "`episode:` needs a value",
    );
    assert_error_at(
        "{ hero(episode: JEDI }",
        1,
        22,
        "\"}\"",
        "the ( is never closed",
    );
}

#[test]
fn empty_arguments_are_an_error() {
    assert_error_at(
        "{ hero() }",
        1,
        8,
        "\")\"",
        "arguments hold one argument or more",
    );
}

#[test]
fn variables_lists_and_objects_are_not_values_here() {
    assert_error_at(
        "{ hero(id: $id) }",
        1,
        12,
        "\"$\"",
        "only scalar literals in this step",
    );
    assert_error_at(
        "{ hero(ids: [1]) }",
        1,
        13,
        "\"[\"",
        "only scalar literals in this step",
    );
}

#[test]
fn an_alias_needs_a_field_name_after_it() {
    assert_error_at(
        "{ a: }",
        1,
        6,
        "\"}\"",
        "`a:` is an alias, a name must follow",
    );
    assert_error_at(
        "{ a: 1 }",
        1,
        6,
        "number 1",
        "a field name is a name, not a number",
    );
}

#[test]
fn a_field_is_a_name() {
    assert_error_at(
        "{ \"hero\" }",
        1,
        3,
        "string \"hero\"",
        "a string is not a field",
    );
    assert_error_at(
        "{ hero { name } ) }",
        1,
        17,
        "\")\"",
        "a ) where a field or } belongs",
    );
}

#[test]
fn an_operation_starts_with_a_brace_or_a_keyword() {
    assert_error_at(
        "hero { name }",
        1,
        1,
        "name \"hero\"",
        "not an operation keyword",
    );
    assert_error_at(
        "Query { a }",
        1,
        1,
        "name \"Query\"",
        "keywords are case-sensitive",
    );
    assert_error_at(
        "query 42 { a }",
        1,
        7,
        "number 42",
        "an operation name is a name",
    );
    assert_error_at(
        "query Q($id: ID) { a }",
        1,
        8,
        "\"(\"",
        "no variables in this step",
    );
    assert_error_at("query", 1, 6, "the end of the document", "a keyword alone");
}

#[test]
fn text_after_the_operation_is_an_error() {
    assert_error_at("{ a } b", 1, 7, "name \"b\"", "one operation, then the end");
    assert_error_at("{ a } }", 1, 7, "\"}\"", "one } too many");
    assert_error_at(
        "{ a }\n\n  { b }",
        3,
        3,
        "\"{\"",
        "one operation in this step",
    );
}

#[test]
fn errors_count_lines_and_columns_from_one() {
    let source = "query Hero {\n  hero {\n    name\n    friends(first 2)\n  }\n}";
    assert_error_at(source, 4, 19, "number 2", "line 4, after `first`");
    assert_error_at("{\r\n a\r\n ( }", 3, 4, "\"}\"", "\\r\\n ends one line");
}

#[test]
fn columns_count_characters_not_bytes() {
    assert_error_at(
        "{ a(s: \"日本語\", t: ) }",
        1,
        18,
        "\")\"",
        "日本語 is 3 columns (9 bytes)",
    );
}

#[test]
fn a_tokenizer_error_keeps_its_position() {
    assert_error_at(
        "{ a(s: \"open) }",
        1,
        16,
        "the end of the document",
        "unterminated string",
    );
    assert_error_at("{\n  a % }", 2, 5, "'%'", "% is not a GraphQL token");
}
