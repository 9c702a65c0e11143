//! Given: steps 1 and 2 of this chapter, the query parser (their reference solutions): the
//! tokenizer (`lexer.rs`), operations, fields, arguments and values (`step1.rs`), documents,
//! fragments and selections (here).

mod lexer;
mod step1;

use std::fmt;

pub use lexer::{Pos, Token, tokenize};

impl Parser {
    /// Document: one definition or more, then `Token::End`. A definition is a fragment when
    /// it starts with the name `fragment`, and an operation (step 1's `operation`) otherwise.
    fn document(&mut self) -> Result<Document, ParseError> {
        let mut definitions = Vec::new();
        // A do-while: an empty document is an error, which `operation` reports at its end.
        loop {
            let definition = if self.at_keyword("fragment") {
                Definition::Fragment(self.fragment_definition()?)
            } else {
                Definition::Operation(self.operation()?)
            };
            definitions.push(definition);
            if *self.peek() == Token::End {
                return Ok(Document { definitions });
            }
        }
    }

    /// FragmentDefinition: `fragment`, its name (not `on`), `on`, a type name, a selection set.
    fn fragment_definition(&mut self) -> Result<FragmentDefinition, ParseError> {
        let pos = self.pos();
        self.bump(); // `fragment`, which the caller has seen
        if self.at_keyword("on") {
            return Err(self.error("a fragment name (any name but \"on\")"));
        }
        let name = self.name()?;
        if !self.eat_keyword("on") {
            return Err(self.error("\"on\""));
        }
        let type_condition = self.name()?;
        let selection_set = self.selection_set()?;
        Ok(FragmentDefinition {
            name,
            type_condition,
            selection_set,
            pos,
        })
    }

    /// SelectionSet: `{`, one selection or more, `}`.
    fn selection_set(&mut self) -> Result<Vec<Selection>, ParseError> {
        self.expect_punct('{')?;
        let mut selections = vec![self.selection()?];
        while !self.eat_punct('}') {
            selections.push(self.selection()?);
        }
        Ok(selections)
    }

    /// Selection: a field (step 1's `field`), or after a `...`: an inline fragment (the name
    /// `on` and a type name, or straight a `{`) or a fragment spread (any other name).
    fn selection(&mut self) -> Result<Selection, ParseError> {
        let pos = self.pos();
        if *self.peek() != Token::Spread {
            return Ok(Selection::Field(self.field()?));
        }
        self.bump();
        // The token after the `...` decides which form this is.
        let type_condition = if self.eat_keyword("on") {
            Some(self.name()?)
        } else if self.at_punct('{') {
            None
        } else {
            let name = self.name()?;
            return Ok(Selection::FragmentSpread(FragmentSpread { name, pos }));
        };
        let selection_set = self.selection_set()?;
        Ok(Selection::InlineFragment(InlineFragment {
            type_condition,
            selection_set,
            pos,
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the document model, the error, and the parser's cursor over the tokens.
// ---------------------------------------------------------------------------------------------

/// A parsed document: its operations and fragments, in the order written.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The definitions: never empty.
    pub definitions: Vec<Definition>,
}

impl Document {
    /// The operations, in order.
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.definitions.iter().filter_map(|d| match d {
            Definition::Operation(op) => Some(op),
            Definition::Fragment(_) => None,
        })
    }

    /// The fragment called `name`, if the document defines one.
    pub fn fragment(&self, name: &str) -> Option<&FragmentDefinition> {
        self.definitions.iter().find_map(|d| match d {
            Definition::Fragment(f) if f.name == name => Some(f),
            _ => None,
        })
    }
}

/// One definition of a document (spec §2.2).
#[derive(Debug, Clone, PartialEq)]
pub enum Definition {
    /// `query ...`, `mutation ...`, `subscription ...` or `{ ... }`.
    Operation(Operation),
    /// `fragment Name on Type { ... }`.
    Fragment(FragmentDefinition),
}

/// A named fragment: a selection set written once and spread where it is needed (spec §2.8).
#[derive(Debug, Clone, PartialEq)]
pub struct FragmentDefinition {
    /// Its name, which spreads refer to; never `on`.
    pub name: String,
    /// The type it applies to: the name after `on`.
    pub type_condition: String,
    /// Its selections: never empty.
    pub selection_set: Vec<Selection>,
    /// Where it starts: the `fragment` keyword.
    pub pos: Pos,
}

/// One selection of a selection set (spec §2.4).
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `alias: name(args) { ... }`.
    Field(Field),
    /// `...Name`.
    FragmentSpread(FragmentSpread),
    /// `... on Type { ... }` or `... { ... }`.
    InlineFragment(InlineFragment),
}

/// `...Name`: the named fragment's selections, in this place (spec §2.8).
#[derive(Debug, Clone, PartialEq)]
pub struct FragmentSpread {
    /// The fragment's name.
    pub name: String,
    /// Where it starts: the `...`.
    pub pos: Pos,
}

/// `... on Type { ... }`: selections that apply when the value is of that type, or always
/// without a type condition (spec §2.8.2).
#[derive(Debug, Clone, PartialEq)]
pub struct InlineFragment {
    /// The type after `on`, if there is one.
    pub type_condition: Option<String>,
    /// Its selections: never empty.
    pub selection_set: Vec<Selection>,
    /// Where it starts: the `...`.
    pub pos: Pos,
}

/// What an operation does (spec §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    /// A read-only fetch; the `{ ... }` shorthand is one too.
    Query,
    /// A write followed by a fetch.
    Mutation,
    /// A long-lived request that answers events.
    Subscription,
}

/// One operation: `query Name { ... }`, or the shorthand `{ ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Query, mutation or subscription.
    pub kind: OperationKind,
    /// The operation's name, if it has one.
    pub name: Option<String>,
    /// What it asks for: never empty.
    pub selection_set: Vec<Selection>,
    /// Where the operation starts: its keyword, or the `{` of the shorthand.
    pub pos: Pos,
}

/// One field of a selection set (spec §2.5): `alias: name(arg: value) { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key the field's value gets in the response, when it is not the name.
    pub alias: Option<String>,
    /// The field asked for.
    pub name: String,
    /// Its arguments, in the order written.
    pub arguments: Vec<(String, Value)>,
    /// What is asked of its value: empty for a leaf (a scalar or an enum).
    pub selection_set: Vec<Selection>,
    /// Where the field starts: its alias if it has one, else its name.
    pub pos: Pos,
}

impl Field {
    /// The key of this field's value in the response: the alias, or else the name.
    pub fn response_key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name)
    }
}

/// An argument's value: the scalar literals of spec §2.9 (no variables, lists or objects).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `42`, `-1`.
    Int(i64),
    /// `1.5`, `1e3`.
    Float(f64),
    /// `"text"`.
    String(String),
    /// `true` or `false`.
    Boolean(bool),
    /// `null`.
    Null,
    /// Any other name, such as `EMPIRE`.
    Enum(String),
}

/// A syntax error: where, what the parser expected there, and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// The position of the token (or character) that does not fit.
    pub pos: Pos,
    /// What would have fitted there.
    pub expected: String,
    /// What is there instead, as `Token`'s Display names it.
    pub found: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected {}, found {}",
            self.pos, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses a document: operations and fragments.
pub fn parse(source: &str) -> Result<Document, ParseError> {
    let tokens = tokenize(source)?;
    Parser { tokens, at: 0 }.document()
}

/// A cursor over the tokens (the parser's methods are in this file and in `step1.rs`). The last token is always `Token::End`, and the cursor never
/// moves past it, so `peek` always has something to show.
pub(crate) struct Parser {
    tokens: Vec<(Token, Pos)>,
    at: usize,
}

impl Parser {
    /// The current token.
    fn peek(&self) -> &Token {
        &self.tokens[self.at].0
    }

    /// The position of the current token.
    fn pos(&self) -> Pos {
        self.tokens[self.at].1
    }

    /// Moves to the next token (never past `End`).
    fn bump(&mut self) {
        if self.at + 1 < self.tokens.len() {
            self.at += 1;
        }
    }

    /// Whether the current token is the punctuator `c`.
    fn at_punct(&self, c: char) -> bool {
        *self.peek() == Token::Punct(c)
    }

    /// Moves past the punctuator `c` if it is the current token; says whether it was.
    fn eat_punct(&mut self, c: char) -> bool {
        let found = self.at_punct(c);
        if found {
            self.bump();
        }
        found
    }

    /// Moves past the punctuator `c`, or fails at the current token.
    fn expect_punct(&mut self, c: char) -> Result<(), ParseError> {
        if self.eat_punct(c) {
            Ok(())
        } else {
            Err(self.error(&format!("\"{c}\"")))
        }
    }

    /// Whether the current token is the name `word` (a keyword where the grammar has one).
    fn at_keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Name(name) if name == word)
    }

    /// Moves past the name `word` if it is the current token; says whether it was.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.at_keyword(word);
        if found {
            self.bump();
        }
        found
    }

    /// Moves past a name and returns it, or fails at the current token.
    fn name(&mut self) -> Result<String, ParseError> {
        match self.peek() {
            Token::Name(name) => {
                let name = name.clone();
                self.bump();
                Ok(name)
            }
            _ => Err(self.error("a name")),
        }
    }

    /// An error at the current token: `expected` there, and what is there instead.
    fn error(&self, expected: &str) -> ParseError {
        ParseError {
            pos: self.pos(),
            expected: expected.to_string(),
            found: self.peek().to_string(),
        }
    }
}
