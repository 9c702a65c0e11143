//! # GraphQL, step 1: parsing a query
//!
//! A GraphQL API has one endpoint, and the client sends it a query that names exactly the
//! fields it wants, nested the way it wants them back:
//!
//! ```graphql
//! query Hero {
//!   hero(episode: EMPIRE) {
//!     name
//!     best: friends(first: 1) { name }
//!   }
//! }
//! ```
//!
//! Before a server can answer, it has to parse that text, and the text comes from anyone on
//! the internet. A parser that panics, loops or accepts half a query is a crash or a wrong
//! answer; one whose errors say only "syntax error" leaves the client guessing. A GraphQL
//! error carries `locations`, a line and column for each place it is about (spec §7.1.2), so
//! every syntax error here names the position of the token that does not fit.
//!
//! The grammar (spec §2.3 to §2.7; `?` optional, `+` one or more):
//!
//! ```text
//! Document     = Operation End
//! Operation    = SelectionSet | ("query" | "mutation" | "subscription") Name? SelectionSet
//! SelectionSet = "{" Field+ "}"
//! Field        = (Name ":")? Name Arguments? SelectionSet?      -- alias: name
//! Arguments    = "(" (Name ":" Value)+ ")"
//! Value        = Int | Float | String | "true" | "false" | "null" | Name (an enum)
//! ```
//!
//! Write it as a *recursive descent* parser: one method per rule, each looking at the current
//! token (`peek`) to choose, and calling the others for the parts (a selection set's fields,
//! a field's own selection set). `+` means at least one: `{ }` and `()` are errors. When no
//! rule fits, return `self.error("what would fit")`: it knows where the current token is and
//! what it is.
//!
//! The tokenizer is given (`lexer.rs`): commas, white space and `#` comments are already gone,
//! and `true`, `query` or `EMPIRE` come as `Token::Name`. The parser's cursor (`peek`, `pos`,
//! `bump`, `at_punct`, `eat_punct`, `expect_punct`, `name`, `error`) and `value` (one literal)
//! are given below the line.
//!
//! Primary source: GraphQL spec (October 2021) §2, Language,
//! <https://spec.graphql.org/October2021/#sec-Language>; the tests also compare your parser
//! with the `graphql-parser` crate on the same queries.

mod lexer;

use std::fmt;

pub use lexer::{Pos, Token, tokenize};

impl Parser {
    /// Document: one operation, then `Token::End` (anything else there is an error).
    fn document(&mut self) -> Result<Document, ParseError> {
        todo!("an operation, then the end of the document")
    }

    /// Operation: the `{ ... }` shorthand (a query without a name), or a keyword, an optional
    /// name and a selection set. `pos` is where it starts.
    fn operation(&mut self) -> Result<Operation, ParseError> {
        // TODO: at "{", the shorthand; at a name "query", "mutation" or "subscription", the
        //       keyword's kind, then an optional name; anything else is an error here.
        todo!("an operation")
    }

    /// SelectionSet: `{`, one field or more, `}`.
    fn selection_set(&mut self) -> Result<Vec<Field>, ParseError> {
        todo!("a selection set")
    }

    /// Field: `alias: name`, or `name`; then arguments if a `(` follows, and a selection set
    /// if a `{` follows. `pos` is where the field starts.
    fn field(&mut self) -> Result<Field, ParseError> {
        todo!("a field")
    }

    /// Arguments: `(`, one `name: value` or more, `)`.
    fn arguments(&mut self) -> Result<Vec<(String, Value)>, ParseError> {
        todo!("arguments")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the document model, the error, and the parser's cursor over the tokens.
// ---------------------------------------------------------------------------------------------

/// A parsed document: here, one operation and nothing after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The operation.
    pub operation: Operation,
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
    /// The fields it asks for: never empty.
    pub selection_set: Vec<Field>,
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
    /// The fields asked of its value: empty for a leaf (a scalar or an enum).
    pub selection_set: Vec<Field>,
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

/// Parses a document of one operation.
pub fn parse(source: &str) -> Result<Document, ParseError> {
    let tokens = tokenize(source)?;
    Parser { tokens, at: 0 }.document()
}

/// A cursor over the tokens. The last token is always `Token::End`, and the cursor never
/// moves past it, so `peek` always has something to show.
struct Parser {
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

    /// Value: one token; the names `true`, `false` and `null` are what they say, any other
    /// name is an enum value.
    fn value(&mut self) -> Result<Value, ParseError> {
        let value = match self.peek() {
            Token::Int(n) => Value::Int(*n),
            Token::Float(n) => Value::Float(*n),
            Token::String(s) => Value::String(s.clone()),
            Token::Name(name) => match name.as_str() {
                "true" => Value::Boolean(true),
                "false" => Value::Boolean(false),
                "null" => Value::Null,
                _ => Value::Enum(name.clone()),
            },
            _ => return Err(self.error("a value")),
        };
        self.bump();
        Ok(value)
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
