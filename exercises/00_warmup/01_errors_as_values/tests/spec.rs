//! The specification of `PortError` and `parse_port`: every way a text can fail to be a port
//! is a distinct value the caller can match on, with a message a human can act on.

use errors_as_values::{PortError, parse_port};
use std::error::Error;
use std::num::ParseIntError;

/// Prints an error and its chain of causes the way a logger would: "outer: inner: innermost".
fn report(err: &dyn Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

#[test]
fn parses_valid_ports() {
    for (text, port) in [("8080", 8080), ("1", 1), ("443", 443), ("65535", 65535)] {
        assert_eq!(
            parse_port(text),
            Ok(port),
            "{text:?} is a valid TCP port (1 to 65535)"
        );
    }
}

#[test]
fn rejects_an_empty_port() {
    assert_eq!(
        parse_port(""),
        Err(PortError::Empty),
        "an empty text is PortError::Empty, not a generic 'not a number'"
    );
}

#[test]
fn rejects_words_as_not_a_number() {
    for text in ["http", "80a", "8.0", "0x50"] {
        assert!(
            matches!(parse_port(text), Err(PortError::NotANumber(_))),
            "{text:?} is not a whole number: expected Err(PortError::NotANumber(..)), got {:?}",
            parse_port(text)
        );
    }
}

#[test]
fn rejects_a_negative_port_as_not_a_number() {
    assert!(
        matches!(parse_port("-1"), Err(PortError::NotANumber(_))),
        "ports are never negative, \"-1\" is PortError::NotANumber(..), got {:?}",
        parse_port("-1")
    );
}

#[test]
fn does_not_trim_whitespace() {
    for text in [" 80", "80 ", "8 0"] {
        assert!(
            matches!(parse_port(text), Err(PortError::NotANumber(_))),
            "parse_port takes the text as it is: {text:?} is PortError::NotANumber(..) \
             (trimming is load_config's job), got {:?}",
            parse_port(text)
        );
    }
}

#[test]
fn rejects_ports_above_65535_as_too_large() {
    for text in ["65536", "70000", "99999999999999999999999"] {
        assert_eq!(
            parse_port(text),
            Err(PortError::TooLarge),
            "TCP ports are 16-bit numbers (RFC 9293 §3.1): {text:?} is PortError::TooLarge, \
             not 'not a number'"
        );
    }
}

#[test]
fn rejects_port_zero() {
    assert_eq!(
        parse_port("0"),
        Err(PortError::Zero),
        "port 0 means 'any free port' to the OS; a config must name a real port"
    );
}

#[test]
fn port_error_messages() {
    let not_a_number = parse_port("http").unwrap_err();
    for (err, message) in [
        (PortError::Empty, "port is empty"),
        (not_a_number, "port is not a number"),
        (PortError::TooLarge, "port is larger than 65535"),
        (PortError::Zero, "port 0 is not allowed"),
    ] {
        assert_eq!(
            err.to_string(),
            message,
            "Display of {err:?}: short, lowercase, no trailing period, and without the text of \
             the cause (source() gives that)"
        );
    }
}

#[test]
fn not_a_number_keeps_the_parse_error_as_its_source() {
    let err = parse_port("http").unwrap_err();
    let source = err
        .source()
        .expect("PortError::NotANumber must return the ParseIntError from source()");
    assert!(
        source.downcast_ref::<ParseIntError>().is_some(),
        "the source of NotANumber is the std::num::ParseIntError that caused it"
    );
    assert_eq!(
        report(&err),
        "port is not a number: invalid digit found in string",
        "Display says what this layer knows, source() says why: together they read as one sentence"
    );
}

#[test]
fn other_port_errors_have_no_source() {
    for err in [PortError::Empty, PortError::TooLarge, PortError::Zero] {
        assert!(
            err.source().is_none(),
            "{err:?} is not caused by another error: source() must be None"
        );
    }
}

#[test]
fn a_port_error_travels_through_question_mark_into_box_dyn_error() {
    fn listen_on(text: &str) -> Result<u16, Box<dyn Error + Send + Sync>> {
        // `?` boxes any std::error::Error: this is how a caller that does not care which
        // error it was passes it on, and `main` can print the whole chain.
        let port = parse_port(text)?;
        Ok(port)
    }
    assert_eq!(listen_on("8080").ok(), Some(8080));
    let err = listen_on("0").expect_err("port 0 is refused");
    assert_eq!(
        err.downcast_ref::<PortError>(),
        Some(&PortError::Zero),
        "a boxed error can be downcast back to the PortError it was"
    );
}
