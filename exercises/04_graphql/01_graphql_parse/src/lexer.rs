//! Given: the tokenizer (spec §2.1, "Source Text"). It turns the query text into tokens, each
//! with the position of its first character, and drops what the spec calls *ignored tokens*:
//! white space, line terminators, comments (`#` to the end of the line), commas and a byte
//! order mark. That is why `{ a, b }` and `{ a b }` are the same query.

use std::fmt;

use crate::ParseError;

/// A place in the query text: line and column, both counted from 1, as a GraphQL error's
/// `locations` shows them (spec §7.1.2). A column counts characters (Unicode scalar values),
/// not bytes: `"é"` is one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// The line, from 1. `\n`, `\r\n` and `\r` each end a line (spec §2.1.2).
    pub line: usize,
    /// The column, from 1.
    pub column: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One lexical token (spec §2.1.6 to §2.1.9). Block strings (`"""`) are not supported.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A punctuator of one character: `! $ & ( ) : = @ [ ] { | }`.
    Punct(char),
    /// The punctuator `...`.
    Spread,
    /// A name: `/[_A-Za-z][_0-9A-Za-z]*/`. Keywords (`query`, `true`, `null`...) are names too:
    /// what they mean depends on where the parser meets them.
    Name(String),
    /// An integer literal, such as `-4` or `0`.
    Int(i64),
    /// A float literal, such as `1.5` or `6.0221e23`.
    Float(f64),
    /// A string literal, its escapes already decoded.
    String(String),
    /// The end of the text. Always the last token, so the parser can always peek.
    End,
}

impl fmt::Display for Token {
    /// How an error names the token it found.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Punct(c) => write!(f, "\"{c}\""),
            Token::Spread => f.write_str("\"...\""),
            Token::Name(name) => write!(f, "name \"{name}\""),
            Token::Int(n) => write!(f, "number {n}"),
            Token::Float(n) => write!(f, "number {n}"),
            Token::String(s) => write!(f, "string {s:?}"),
            Token::End => f.write_str("the end of the document"),
        }
    }
}

/// Splits `source` into tokens, each with its position; the last one is [`Token::End`].
pub fn tokenize(source: &str) -> Result<Vec<(Token, Pos)>, ParseError> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        at: 0,
        pos: Pos { line: 1, column: 1 },
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_ignored();
        let start = lexer.pos;
        let token = match lexer.peek() {
            None => {
                tokens.push((Token::End, start));
                return Ok(tokens);
            }
            Some('.') => lexer.spread()?,
            Some(c) if "!$&():=@[]{|}".contains(c) => {
                lexer.bump();
                Token::Punct(c)
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => lexer.name(),
            Some(c) if c == '-' || c.is_ascii_digit() => lexer.number()?,
            Some('"') => lexer.string()?,
            Some(c) => return Err(lexer.error("a token", format!("{c:?}"))),
        };
        tokens.push((token, start));
    }
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
    /// The position of `chars[at]`.
    pos: Pos,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_is(&self, test: impl Fn(char) -> bool) -> bool {
        self.peek().is_some_and(test)
    }

    /// Moves past one character, keeping `pos` up to date; `\r\n` is one line terminator.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\r' && self.peek() == Some('\n') {
            self.at += 1;
        }
        if c == '\n' || c == '\r' {
            self.pos = Pos {
                line: self.pos.line + 1,
                column: 1,
            };
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }

    /// An error at the current character.
    fn error(&self, expected: &str, found: String) -> ParseError {
        ParseError {
            pos: self.pos,
            expected: expected.to_string(),
            found,
        }
    }

    /// What the current character is, for an error.
    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("{c:?}"),
            None => Token::End.to_string(),
        }
    }

    fn skip_ignored(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | ',' | '\n' | '\r' | '\u{feff}' => {
                    self.bump();
                }
                '#' => {
                    while self.peek_is(|c| c != '\n' && c != '\r') {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
    }

    fn spread(&mut self) -> Result<Token, ParseError> {
        for _ in 0..3 {
            if self.peek() != Some('.') {
                return Err(self.error("\"...\"", self.found()));
            }
            self.bump();
        }
        Ok(Token::Spread)
    }

    fn name(&mut self) -> Token {
        let mut name = String::new();
        while self.peek_is(|c| c == '_' || c.is_ascii_alphanumeric()) {
            name.extend(self.bump());
        }
        Token::Name(name)
    }

    /// IntValue and FloatValue (spec §2.9.1, §2.9.2): `-?(0|[1-9][0-9]*)`, then an optional
    /// fraction and exponent. A number may not run into a name, a `.` or another digit.
    fn number(&mut self) -> Result<Token, ParseError> {
        let mut text = String::new();
        if self.peek() == Some('-') {
            text.extend(self.bump());
        }
        if self.peek() == Some('0') {
            text.extend(self.bump());
        } else {
            self.digits(&mut text)?;
        }
        let mut float = false;
        if self.peek() == Some('.') {
            float = true;
            text.extend(self.bump());
            self.digits(&mut text)?;
        }
        if self.peek_is(|c| c == 'e' || c == 'E') {
            float = true;
            text.extend(self.bump());
            if self.peek_is(|c| c == '+' || c == '-') {
                text.extend(self.bump());
            }
            self.digits(&mut text)?;
        }
        if self.peek_is(|c| c == '.' || c == '_' || c.is_ascii_alphanumeric()) {
            return Err(self.error("the end of the number", self.found()));
        }
        if float {
            // Rust's float syntax is a superset of GraphQL's, which the checks above enforced.
            Ok(Token::Float(text.parse().expect("a GraphQL float parses")))
        } else {
            text.parse()
                .map(Token::Int)
                .map_err(|_| self.error("an integer that fits in 64 bits", text))
        }
    }

    /// One digit or more.
    fn digits(&mut self, text: &mut String) -> Result<(), ParseError> {
        if !self.peek_is(|c| c.is_ascii_digit()) {
            return Err(self.error("a digit", self.found()));
        }
        while self.peek_is(|c| c.is_ascii_digit()) {
            text.extend(self.bump());
        }
        Ok(())
    }

    /// StringValue (spec §2.9.4) on one line, with its escapes decoded.
    fn string(&mut self) -> Result<Token, ParseError> {
        self.bump();
        if self.chars[self.at..].starts_with(&['"', '"']) {
            return Err(self.error(
                "a string (block strings are not supported here)",
                "\"\"\"".into(),
            ));
        }
        let mut value = String::new();
        loop {
            match self.peek() {
                None | Some('\n' | '\r') => return Err(self.error("a closing '\"'", self.found())),
                Some('"') => {
                    self.bump();
                    return Ok(Token::String(value));
                }
                Some('\\') => {
                    self.bump();
                    value.push(self.escape()?);
                }
                Some(c) => {
                    self.bump();
                    value.push(c);
                }
            }
        }
    }

    /// What follows a `\` in a string: one of `" \ / b f n r t`, or `u` and 4 hex digits.
    fn escape(&mut self) -> Result<char, ParseError> {
        let decoded = match self.peek() {
            Some('"') => '"',
            Some('\\') => '\\',
            Some('/') => '/',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => {
                let hex: String = self.chars.iter().skip(self.at + 1).take(4).collect();
                let code = (hex.len() == 4 && hex.chars().all(|c| c.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(&hex, 16).expect("4 hex digits"))
                    .and_then(char::from_u32)
                    .ok_or_else(|| self.error("\\u and 4 hex digits of a character", hex))?;
                for _ in 0..5 {
                    self.bump();
                }
                return Ok(code);
            }
            _ => return Err(self.error("an escape (one of \" \\ / b f n r t u)", self.found())),
        };
        self.bump();
        Ok(decoded)
    }
}
