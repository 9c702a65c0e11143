//! Given: step 1's parser (its reference solution), now with selections instead of fields in
//! its selection sets: operations, fields, arguments and values.

use super::{Field, Operation, OperationKind, ParseError, Parser, Token, Value};

impl Parser {
    /// Operation: the `{ ... }` shorthand (a query without a name), or a keyword, an optional
    /// name and a selection set.
    pub(crate) fn operation(&mut self) -> Result<Operation, ParseError> {
        let pos = self.pos();
        let kind = match self.peek() {
            Token::Punct('{') => {
                let selection_set = self.selection_set()?;
                let (kind, name) = (OperationKind::Query, None);
                return Ok(Operation {
                    kind,
                    name,
                    selection_set,
                    pos,
                });
            }
            Token::Name(word) if word == "query" => OperationKind::Query,
            Token::Name(word) if word == "mutation" => OperationKind::Mutation,
            Token::Name(word) if word == "subscription" => OperationKind::Subscription,
            _ => {
                let expected = "\"{\", \"query\", \"mutation\", \"subscription\" or \"fragment\"";
                return Err(self.error(expected));
            }
        };
        self.bump();
        // The name is optional: a `{` right after the keyword means there is none.
        let name = match self.peek() {
            Token::Name(_) => Some(self.name()?),
            _ => None,
        };
        let selection_set = self.selection_set()?;
        Ok(Operation {
            kind,
            name,
            selection_set,
            pos,
        })
    }

    /// Field: `alias: name`, or `name`; then arguments if a `(` follows, and a selection set
    /// if a `{` follows.
    pub(crate) fn field(&mut self) -> Result<Field, ParseError> {
        let pos = self.pos();
        let mut name = self.name()?;
        let mut alias = None;
        // `a: b` is known to be an alias only once the `:` is seen.
        if self.eat_punct(':') {
            alias = Some(name);
            name = self.name()?;
        }
        let arguments = if self.at_punct('(') {
            self.arguments()?
        } else {
            Vec::new()
        };
        let selection_set = if self.at_punct('{') {
            self.selection_set()?
        } else {
            Vec::new()
        };
        Ok(Field {
            alias,
            name,
            arguments,
            selection_set,
            pos,
        })
    }

    /// Arguments: `(`, one `name: value` or more, `)`.
    fn arguments(&mut self) -> Result<Vec<(String, Value)>, ParseError> {
        self.expect_punct('(')?;
        let mut arguments = Vec::new();
        loop {
            let name = self.name()?;
            self.expect_punct(':')?;
            arguments.push((name, self.value()?));
            if self.eat_punct(')') {
                return Ok(arguments);
            }
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
}
