//! The specification of step 2: a document is several definitions, operations and fragments;
//! a selection set holds fields, fragment spreads and inline fragments, each with the position
//! where it starts; errors are at the token that does not fit. Queries from the GraphQL spec
//! (October 2021) are cited by section, and the parser is compared with `graphql-parser`.

use graphql_fragments::{Definition, Document, ParseError, Pos, Selection, Value, parse};

// ---------------------------------------------------------------------------------------------
// Helpers

#[track_caller]
fn parsed(source: &str) -> Document {
    parse(source).unwrap_or_else(|err| panic!("parse({source:?}) failed: {err}"))
}

/// A document as one line of text, each selection with its line:column after an `@`.
fn render(doc: &Document) -> String {
    let defs: Vec<String> = doc
        .definitions
        .iter()
        .map(|d| match d {
            Definition::Operation(op) => {
                let name = op.name.as_deref().unwrap_or("");
                format!("op {name}@{} {}", op.pos, render_set(&op.selection_set))
            }
            Definition::Fragment(f) => format!(
                "fragment {} on {}@{} {}",
                f.name,
                f.type_condition,
                f.pos,
                render_set(&f.selection_set)
            ),
        })
        .collect();
    defs.join(" | ")
}

fn render_set(set: &[Selection]) -> String {
    let items: Vec<String> = set
        .iter()
        .map(|s| match s {
            Selection::Field(f) => {
                let alias = f
                    .alias
                    .as_ref()
                    .map(|a| format!("{a}:"))
                    .unwrap_or_default();
                let args: Vec<String> = f
                    .arguments
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", show(v)))
                    .collect();
                let args = if args.is_empty() {
                    String::new()
                } else {
                    format!("({})", args.join(", "))
                };
                format!(
                    "{alias}{}{args}@{}{}",
                    f.name,
                    f.pos,
                    render_set(&f.selection_set)
                )
            }
            Selection::FragmentSpread(s) => format!("...{}@{}", s.name, s.pos),
            Selection::InlineFragment(i) => {
                let on = i
                    .type_condition
                    .as_ref()
                    .map(|t| format!(" on {t}"))
                    .unwrap_or_default();
                format!("...{on}@{}{}", i.pos, render_set(&i.selection_set))
            }
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", items.join(" "))
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::Int(n) => n.to_string(),
        Value::Float(n) => format!("{n:?}"),
        Value::String(s) => format!("{s:?}"),
        Value::Boolean(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Enum(e) => e.clone(),
    }
}

#[track_caller]
fn assert_parses_to(source: &str, want: &str, why: &str) {
    assert_eq!(render(&parsed(source)), want, "parse({source:?}): {why}");
}

#[track_caller]
fn error(source: &str) -> ParseError {
    match parse(source) {
        Ok(doc) => panic!(
            "parse({source:?}) returned Ok: {}; it is not a valid document, so it must be an \
             error with the position of the token that does not fit",
            render(&doc)
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
// Documents, spreads and fragments

#[test]
fn a_document_of_one_operation_parses_as_in_step_1() {
    assert_parses_to(
        "{ hero { name } }",
        "op @1:1 {hero@1:3{name@1:10}}",
        "one definition",
    );
}

#[test]
fn a_fragment_spread_is_a_selection() {
    assert_parses_to(
        "{ me { id ...card } }",
        "op @1:1 {me@1:3{id@1:8 ...card@1:11}}",
        "`...card` spreads the fragment `card`; it starts at its `...`",
    );
}

#[test]
fn a_fragment_definition_has_a_name_a_type_and_a_selection_set() {
    assert_parses_to(
        "fragment card on User { id name }",
        "fragment card on User@1:1 {id@1:25 name@1:28}",
        "a fragment starts at its `fragment` keyword",
    );
}

#[test]
fn a_document_holds_its_definitions_in_order() {
    // Spec §2.8, the example with a fragment: the operation, then the fragment.
    let source = "query withFragments {\n  user(id: 4) {\n    friends(first: 10) { ...friendFields }\n    mutualFriends(first: 10) { ...friendFields }\n  }\n}\n\nfragment friendFields on User {\n  id\n  name\n  profilePic(size: 50)\n}";
    assert_parses_to(
        source,
        "op withFragments@1:1 {user(id: 4)@2:3{friends(first: 10)@3:5{...friendFields@3:26} \
         mutualFriends(first: 10)@4:5{...friendFields@4:32}}} | fragment friendFields on \
         User@8:1 {id@9:3 name@10:3 profilePic(size: 50)@11:3}",
        "an operation and a fragment",
    );
    assert_parses_to(
        "fragment f on T { a } query A { ...f } mutation B { b } { c }",
        "fragment f on T@1:1 {a@1:19} | op A@1:23 {...f@1:33} | op B@1:40 {b@1:53} | op @1:57 \
         {c@1:59}",
        "a fragment first, then three operations",
    );
}

#[test]
fn an_inline_fragment_has_an_optional_type_condition() {
    // Spec §2.8.2, Inline Fragments (the list argument left out: values are scalars here).
    assert_parses_to(
        "{ profiles { handle ... on User { friends { count } } ... on Page { likers { count } } } }",
        "op @1:1 {profiles@1:3{handle@1:14 ... on User@1:21{friends@1:35{count@1:45}} ... on \
         Page@1:55{likers@1:69{count@1:78}}}}",
        "two inline fragments with a type condition",
    );
    assert_parses_to(
        "{ user { id ... { name } } }",
        "op @1:1 {user@1:3{id@1:10 ...@1:13{name@1:19}}}",
        "an inline fragment without `on`: it always applies",
    );
}

#[test]
fn fragments_nest_inside_each_other() {
    assert_parses_to(
        "fragment a on T { ... on U { ...b x { ... { ...c } } } }",
        "fragment a on T@1:1 {... on U@1:19{...b@1:30 x@1:35{...@1:39{...c@1:45}}}}",
        "spreads inside inline fragments inside fields inside a fragment",
    );
}

#[test]
fn a_field_may_be_named_on_and_a_fragment_name_may_start_with_it() {
    assert_parses_to(
        "{ on ...onUser ...on_x }",
        "op @1:1 {on@1:3 ...onUser@1:6 ...on_x@1:16}",
        "only the name `on` itself is not a fragment name; `onUser` and `on_x` are",
    );
}

// ---------------------------------------------------------------------------------------------
// Compared with a real GraphQL parser

fn render_theirs(doc: &graphql_parser::query::Document<String>) -> String {
    use graphql_parser::query::{Definition as D, OperationDefinition as Op};
    let defs: Vec<String> = doc
        .definitions
        .iter()
        .map(|d| match d {
            D::Operation(Op::SelectionSet(s)) => {
                format!("op @{} {}", s.span.0, theirs_set(&s.items))
            }
            D::Operation(Op::Query(q)) => {
                let name = q.name.as_deref().unwrap_or("");
                format!(
                    "op {name}@{} {}",
                    q.position,
                    theirs_set(&q.selection_set.items)
                )
            }
            D::Operation(other) => panic!("not in these queries: {other:?}"),
            D::Fragment(f) => {
                let graphql_parser::query::TypeCondition::On(on) = &f.type_condition;
                let set = theirs_set(&f.selection_set.items);
                format!("fragment {} on {on}@{} {set}", f.name, f.position)
            }
        })
        .collect();
    defs.join(" | ")
}

fn theirs_set(items: &[graphql_parser::query::Selection<String>]) -> String {
    use graphql_parser::query::{Selection as S, TypeCondition, Value as V};
    let items: Vec<String> = items
        .iter()
        .map(|s| match s {
            S::Field(f) => {
                let alias = f
                    .alias
                    .as_ref()
                    .map(|a| format!("{a}:"))
                    .unwrap_or_default();
                let args: Vec<String> = f
                    .arguments
                    .iter()
                    .map(|(n, v)| match v {
                        V::Int(i) => format!("{n}: {}", i.as_i64().unwrap()),
                        V::Enum(e) => format!("{n}: {e}"),
                        other => panic!("not in these queries: {other:?}"),
                    })
                    .collect();
                let args = if args.is_empty() {
                    String::new()
                } else {
                    format!("({})", args.join(", "))
                };
                let sub = theirs_set(&f.selection_set.items);
                format!("{alias}{}{args}@{}{sub}", f.name, f.position)
            }
            S::FragmentSpread(s) => format!("...{}@{}", s.fragment_name, s.position),
            S::InlineFragment(i) => {
                let on = match &i.type_condition {
                    Some(TypeCondition::On(t)) => format!(" on {t}"),
                    None => String::new(),
                };
                format!(
                    "...{on}@{}{}",
                    i.position,
                    theirs_set(&i.selection_set.items)
                )
            }
        })
        .collect();
    if items.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", items.join(" "))
    }
}

/// Drops the positions of spreads and inline fragments: graphql-parser puts them at the token
/// after the `...`, this parser (like graphql-js) at the `...`, which the tests above check.
fn without_fragment_positions(rendered: &str) -> String {
    let mut out = String::new();
    let mut rest = rendered;
    while let Some(i) = rest.find("...") {
        let at = i + rest[i..].find('@').unwrap();
        out.push_str(&rest[..at]);
        rest = rest[at + 1..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ':');
    }
    out + rest
}

#[test]
fn the_same_documents_as_graphql_parser() {
    let documents = [
        // Spec §2.8, nested fragments.
        "query withNestedFragments {\n  user(id: 4) {\n    friends(first: 10) { ...friendFields }\n  }\n}\n\nfragment friendFields on User {\n  id\n  name\n  ...standardProfilePic\n}\n\nfragment standardProfilePic on User {\n  profilePic(size: 50)\n}",
        // Spec §2.8.2, an inline fragment on the query's root type.
        "query inlineFragmentNoType {\n  user(handle: 4) {\n    id\n    ... { friends { count } }\n  }\n}",
        "{ a ...b ... on C { d } } fragment b on Q { e: f(g: H) }",
    ];
    for source in documents {
        let theirs = graphql_parser::parse_query::<String>(source)
            .unwrap_or_else(|err| panic!("graphql-parser rejects {source:?}: {err}"));
        assert_eq!(
            without_fragment_positions(&render(&parsed(source))),
            without_fragment_positions(&render_theirs(&theirs)),
            "{source:?}: your document (left) against graphql-parser's (right), with positions"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn a_fragment_may_not_be_named_on() {
    assert_error_at(
        "fragment on on User { a }",
        1,
        10,
        "name \"on\"",
        "`...on` would be ambiguous",
    );
    assert_error_at(
        "{ ...on }",
        1,
        9,
        "\"}\"",
        "`...on` starts an inline fragment: a type must follow",
    );
}

#[test]
fn a_fragment_definition_needs_on_and_a_type() {
    assert_error_at(
        "fragment f { a }",
        1,
        12,
        "\"{\"",
        "a fragment names its type: `on Type`",
    );
    assert_error_at(
        "fragment f in User { a }",
        1,
        12,
        "name \"in\"",
        "the keyword is `on`",
    );
    assert_error_at(
        "fragment f on { a }",
        1,
        15,
        "\"{\"",
        "a type name after `on`",
    );
    assert_error_at("fragment { a }", 1, 10, "\"{\"", "a fragment needs a name");
    assert_error_at(
        "fragment f on User",
        1,
        19,
        "the end of the document",
        "and a selection set",
    );
}

#[test]
fn a_spread_needs_a_name_or_a_selection_set() {
    assert_error_at("{ ... }", 1, 7, "\"}\"", "`...` alone spreads nothing");
    assert_error_at("{ ...1 }", 1, 6, "number 1", "a fragment name is a name");
    assert_error_at("{ .. }", 1, 5, "' '", "the tokenizer knows `...` only");
}

#[test]
fn selection_sets_of_fragments_are_not_empty_either() {
    assert_error_at(
        "{ ... on User { } }",
        1,
        17,
        "\"}\"",
        "an empty inline fragment",
    );
    assert_error_at("fragment f on U { }", 1, 19, "\"}\"", "an empty fragment");
    assert_error_at(
        "{ ... { } }",
        1,
        9,
        "\"}\"",
        "an empty inline fragment without type",
    );
}

#[test]
fn every_definition_must_be_whole() {
    assert_error_at(
        "{ a } fragment",
        1,
        15,
        "the end of the document",
        "a fragment's name",
    );
    assert_error_at("{ a } 42", 1, 7, "number 42", "not a definition");
    assert_error_at("{ a }\n}", 2, 1, "\"}\"", "one } too many");
    assert_error_at(
        "{ a } query",
        1,
        12,
        "the end of the document",
        "a keyword alone",
    );
    assert_error_at(
        "",
        1,
        1,
        "the end of the document",
        "a document has one definition or more",
    );
    assert_error_at(
        "  # only a comment\n",
        2,
        1,
        "the end of the document",
        "still empty",
    );
}

#[test]
fn many_definitions_and_spreads_parse() {
    let mut source = String::from("{ ");
    for i in 0..2_000 {
        source.push_str(&format!("...f{i} "));
    }
    source.push('}');
    for i in 0..2_000 {
        source.push_str(&format!("\nfragment f{i} on T {{ a{i} }}"));
    }
    let doc = parsed(&source);
    assert_eq!(
        doc.definitions.len(),
        2_001,
        "one operation and 2 000 fragments"
    );
    let last = doc.fragment("f1999").expect("the fragment f1999");
    assert_eq!(
        last.pos,
        Pos {
            line: 2_001,
            column: 1
        },
        "where f1999 starts"
    );
}
