//! The specification of the query limits: depth and complexity counted through fragments,
//! exactly at a limit accepted and one over refused at the field that passed it, the walk
//! stopped there (a fragment bomb is refused without being expanded), unknown fragments and
//! fragment cycles refused (GraphQL spec, October 2021, §5.5.2.1 and §5.5.2.2).

use std::time::Duration;

use query_limits::query::{Pos, parse};
use query_limits::{Cost, LimitError, Limits, check};

// ---------------------------------------------------------------------------------------------
// Helpers

const ROOMY: Limits = Limits {
    max_depth: 100,
    max_complexity: 100_000,
};

#[track_caller]
fn cost(source: &str, limits: Limits) -> Result<Cost, LimitError> {
    let document = parse(source).unwrap_or_else(|err| panic!("parse({source:?}) failed: {err}"));
    check(&document, limits)
}

#[track_caller]
fn assert_cost(source: &str, depth: usize, complexity: usize, why: &str) {
    assert_eq!(
        cost(source, ROOMY),
        Ok(Cost { depth, complexity }),
        "{source:?}: depth {depth} and {complexity} fields ({why})"
    );
}

fn at(line: usize, column: usize) -> Pos {
    Pos { line, column }
}

// ---------------------------------------------------------------------------------------------
// Counting

#[test]
fn a_flat_query_is_depth_1_and_one_per_field() {
    assert_cost("{ a b c }", 1, 3, "three fields of the operation");
}

#[test]
fn each_selection_set_is_one_level_deeper() {
    assert_cost("{ a { b { c } d } e }", 3, 5, "c is at depth 3");
}

#[test]
fn a_fragment_counts_its_fields_at_every_spread() {
    let source = "{ me { ...card } friends { ...card } } fragment card on User { id name pic }";
    assert_cost(source, 2, 8, "me, friends, and the 3 fields of card twice");
}

#[test]
fn fragments_add_no_level_of_their_own() {
    assert_cost(
        "{ a { ... on T { ... { b } } } }",
        2,
        2,
        "b is at a's depth + 1",
    );
    assert_cost(
        "{ a { ...f } } fragment f on T { b { c } }",
        3,
        3,
        "c is at depth 3",
    );
}

#[test]
fn a_fragment_spread_twice_side_by_side_is_not_a_cycle() {
    let source = "{ ...f ...f a { ...f } } fragment f on T { x ...g } fragment g on T { y }";
    assert_cost(
        source,
        2,
        7,
        "f and g expanded three times each: no fragment contains itself",
    );
}

// ---------------------------------------------------------------------------------------------
// Limits: exactly at is accepted, one over is refused at the field that passed it

#[test]
fn a_query_exactly_at_the_depth_limit_is_accepted() {
    let limits = Limits {
        max_depth: 3,
        max_complexity: 100,
    };
    assert_eq!(
        cost("{ a { b { c } } }", limits),
        Ok(Cost {
            depth: 3,
            complexity: 3
        }),
        "depth 3 with max_depth 3: at the limit is within it"
    );
}

#[test]
fn one_level_past_the_depth_limit_is_refused_at_that_field() {
    let limits = Limits {
        max_depth: 3,
        max_complexity: 100,
    };
    assert_eq!(
        cost("{ a { b { c {\n d } } } }", limits),
        Err(LimitError::TooDeep {
            max: 3,
            pos: at(2, 2)
        }),
        "d is at depth 4: refused, at d"
    );
}

#[test]
fn depth_hidden_in_fragments_is_counted() {
    let limits = Limits {
        max_depth: 3,
        max_complexity: 100,
    };
    let source =
        "{ a { ...f } }\nfragment f on T { ... on T { b { ...g } } }\nfragment g on T { c { d } }";
    assert_eq!(
        cost(source, limits),
        Err(LimitError::TooDeep {
            max: 3,
            pos: at(3, 23)
        }),
        "a > b > c > d: d, inside g, inside f, is at depth 4"
    );
}

#[test]
fn a_query_exactly_at_the_complexity_limit_is_accepted() {
    let limits = Limits {
        max_depth: 10,
        max_complexity: 4,
    };
    assert_eq!(
        cost("{ a { b c } d }", limits),
        Ok(Cost {
            depth: 2,
            complexity: 4
        }),
        "4 fields with max_complexity 4: at the limit is within it"
    );
}

#[test]
fn one_field_past_the_complexity_limit_is_refused_at_that_field() {
    let limits = Limits {
        max_depth: 10,
        max_complexity: 4,
    };
    assert_eq!(
        cost("{ a { b c } d e f }", limits),
        Err(LimitError::TooComplex {
            max: 4,
            pos: at(1, 15)
        }),
        "e is the 5th field: refused there (not at f, the last one)"
    );
}

#[test]
fn complexity_hidden_in_fragments_is_counted() {
    let limits = Limits {
        max_depth: 10,
        max_complexity: 5,
    };
    let source = "{ ...f ...f }\nfragment f on T { x y z }";
    assert_eq!(
        cost(source, limits),
        Err(LimitError::TooComplex {
            max: 5,
            pos: at(2, 23)
        }),
        "f's 3 fields twice are 6: the 6th is z in the second expansion of f"
    );
}

#[test]
fn a_fragment_bomb_is_refused_without_being_expanded() {
    // 41 fragments, each spreading the next twice: 2^40 fields in 40 lines. Counting them all
    // before comparing takes longer than anyone waits; stopping at the limit takes 1 001.
    let mut source = String::from("{ ...f0 }\n");
    for i in 0..40 {
        source.push_str(&format!(
            "fragment f{i} on Query {{ ...f{} ...f{} }}\n",
            i + 1,
            i + 1
        ));
    }
    source.push_str("fragment f40 on Query { a }\n");
    let document = parse(&source).unwrap();
    let limits = Limits {
        max_depth: 10,
        max_complexity: 1_000,
    };
    let got = testkit::within(Duration::from_secs(5), move || check(&document, limits));
    assert_eq!(
        got,
        Ok(Err(LimitError::TooComplex {
            max: 1_000,
            pos: at(42, 25)
        })),
        "a query of 2^40 fields must be refused at the 1 001st field, at once (Err(Timeout) \
         means the walk kept counting past the limit)"
    );
}

#[test]
fn a_wide_query_within_the_limits_is_counted_exactly() {
    let fields: Vec<String> = (0..5_000).map(|i| format!("f{i} {{ x }}")).collect();
    let source = format!("{{ {} }}", fields.join(" "));
    assert_cost(&source, 2, 10_000, "5 000 fields with one sub-field each");
}

// ---------------------------------------------------------------------------------------------
// Fragments the walk cannot expand

#[test]
fn a_spread_of_an_unknown_fragment_is_refused() {
    assert_eq!(
        cost("{ a\n  ...missing }", ROOMY),
        Err(LimitError::UnknownFragment {
            name: "missing".into(),
            pos: at(2, 3)
        }),
        "spec §5.5.2.1: a spread must name a fragment of the document"
    );
}

#[test]
fn a_fragment_that_spreads_itself_is_a_cycle() {
    assert_eq!(
        cost("{ ...a }\nfragment a on T { x ...a }", ROOMY),
        Err(LimitError::FragmentCycle {
            name: "a".into(),
            pos: at(2, 21)
        }),
        "spec §5.5.2.2: `...a` inside `a` would expand forever; refused at that spread"
    );
}

#[test]
fn fragments_that_spread_each_other_are_a_cycle() {
    // Spec §5.5.2.2, the counter-example with two fragments (fields shortened).
    let source = "{ dog { ...nameFragment } }\n\
                  fragment nameFragment on Dog { name ...barkVolumeFragment }\n\
                  fragment barkVolumeFragment on Dog { barkVolume ...nameFragment }";
    assert_eq!(
        cost(source, ROOMY),
        Err(LimitError::FragmentCycle {
            name: "nameFragment".into(),
            pos: at(3, 49)
        }),
        "nameFragment > barkVolumeFragment > nameFragment: refused at the spread that closes it"
    );
}

#[test]
fn a_cycle_is_refused_even_within_a_roomy_complexity_limit() {
    let limits = Limits {
        max_depth: 5,
        max_complexity: 1_000_000,
    };
    let source = "{ ...a } fragment a on T { ...b } fragment b on T { ... on T { ...a } }";
    assert_eq!(
        cost(source, limits),
        Err(LimitError::FragmentCycle {
            name: "a".into(),
            pos: at(1, 64)
        }),
        "a cycle with no field in it at all: no limit would ever stop it"
    );
}
