//! # GraphQL: depth and complexity limits
//!
//! A GraphQL endpoint runs whatever query a client writes, and a query costs what its fields
//! cost. Nothing in the language stops a client from asking for a friend's friend's friend
//! fifty levels down, or from writing this, a few hundred bytes that ask for 2^40 fields:
//!
//! ```graphql
//! { ...f0 }
//! fragment f0 on Query { ...f1 ...f1 }
//! fragment f1 on Query { ...f2 ...f2 }
//! # ... and so on to f39, then
//! fragment f40 on Query { a }
//! ```
//!
//! So a server checks a query's cost *before* it runs it, and refuses what is past its limits:
//!
//! - **depth**: a field of the operation's selection set is at depth 1, a field in its
//!   selection set at depth 2, and so on. Fragments, named or inline, add no level: their
//!   fields are at the depth of the place they are spread.
//! - **complexity**: here, the number of fields the query would resolve, each field counted
//!   once per place it appears, so a fragment's fields count at every spread.
//!
//! Both are counted through fragments, because that is where an attacker hides the cost. And
//! they are counted with the limit in hand: the walk stops at the first field past a limit,
//! so the query above is refused after 1 001 fields, not after 2^40 (a check that adds up
//! everything first and compares at the end never finishes). The error names the field
//! where the limit was passed.
//!
//! Fragments can also spread each other in a circle (`fragment A on T { ...B }`, `fragment B
//! on T { ...A }`), which would make the walk endless: the spec forbids it (§5.5.2.2,
//! Fragment spreads must not form cycles). A cycle is a spread of a fragment that is already
//! being expanded on the way down from the operation; the same fragment spread twice side by
//! side is not one. A spread of a fragment that is not defined is refused too (§5.5.2.1).
//!
//! Given below the line: `Limits`, `Cost`, `LimitError` and `check`, which walks the
//! document's first operation with your `Walker`. The parser of steps 1 and 2 is in `query/`.
//!
//! Primary sources: GraphQL spec (October 2021) §5.5.2, Fragment Spreads,
//! <https://spec.graphql.org/October2021/#sec-Fragment-spreads-must-not-form-cycles>; OWASP
//! GraphQL Cheat Sheet, <https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html>.

pub mod query;

use query::{Document, Pos, Selection};

impl<'a> Walker<'a> {
    /// Walks `selections`, whose fields are at `depth`: counts every field into
    /// `self.cost`, expanding fragments where they are spread, and stops at the first field
    /// past a limit, at a spread of an unknown fragment, or at a spread that closes a cycle.
    fn selection_set(
        &mut self,
        selections: &'a [Selection],
        depth: usize,
    ) -> Result<(), LimitError> {
        for selection in selections {
            match selection {
                Selection::Field(field) => {
                    let pos = field.pos;
                    if depth > self.limits.max_depth {
                        return Err(LimitError::TooDeep {
                            max: self.limits.max_depth,
                            pos,
                        });
                    }
                    // Counted before anything below it: the walk stops at the limit.
                    self.cost.complexity += 1;
                    if self.cost.complexity > self.limits.max_complexity {
                        let max = self.limits.max_complexity;
                        return Err(LimitError::TooComplex { max, pos });
                    }
                    self.cost.depth = self.cost.depth.max(depth);
                    self.selection_set(&field.selection_set, depth + 1)?;
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.selection_set, depth)?;
                }
                Selection::FragmentSpread(spread) => {
                    let (name, pos) = (spread.name.clone(), spread.pos);
                    let Some(fragment) = self.document.fragment(&spread.name) else {
                        return Err(LimitError::UnknownFragment { name, pos });
                    };
                    // Only the fragments on the way down: one spread twice is no cycle.
                    if self.expanding.contains(&fragment.name.as_str()) {
                        return Err(LimitError::FragmentCycle { name, pos });
                    }
                    self.expanding.push(&fragment.name);
                    self.selection_set(&fragment.selection_set, depth)?;
                    self.expanding.pop();
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the limits, the cost, the errors, and the check of a document.
// ---------------------------------------------------------------------------------------------

/// What a server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The deepest level a field may be at (the operation's own fields are at 1).
    pub max_depth: usize,
    /// The most fields a query may resolve, fragments counted at every spread.
    pub max_complexity: usize,
}

/// What a query costs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// The deepest level of any field.
    pub depth: usize,
    /// The number of fields, fragments counted at every spread.
    pub complexity: usize,
}

/// Why a query is refused; `pos` is where in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// The first field past the depth limit.
    TooDeep { max: usize, pos: Pos },
    /// The field that made the count one more than the limit.
    TooComplex { max: usize, pos: Pos },
    /// A spread of a fragment the document does not define (spec §5.5.2.1).
    UnknownFragment { name: String, pos: Pos },
    /// The spread that closes a cycle: its fragment is already being expanded (spec §5.5.2.2).
    FragmentCycle { name: String, pos: Pos },
}

/// The cost of the document's first operation, or why it is refused.
pub fn check(document: &Document, limits: Limits) -> Result<Cost, LimitError> {
    let operation = document
        .operations()
        .next()
        .expect("a document has an operation");
    let mut walker = Walker {
        document,
        limits,
        cost: Cost::default(),
        expanding: Vec::new(),
    };
    walker.selection_set(&operation.selection_set, 1)?;
    Ok(walker.cost)
}

/// One walk over a document.
struct Walker<'a> {
    /// The document, for its fragments.
    document: &'a Document,
    /// The limits to stop at.
    limits: Limits,
    /// What was counted so far.
    cost: Cost,
    /// The names of the fragments being expanded, from the operation down to here.
    expanding: Vec<&'a str>,
}
