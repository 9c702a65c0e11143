//! The specification of `load_config`: every failure reaches the caller as a distinct
//! `ConfigError` it can match on, and the chain of causes behind it is kept.

use error_propagation::{Config, ConfigError, PortError, load_config};
use std::error::Error;
use std::io::{self, BufReader, Read};

fn load(text: &str) -> Result<Config, ConfigError> {
    load_config(text.as_bytes())
}

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

// ---------------------------------------------------------------------------------------------
// load_config: the happy path

#[test]
fn loads_a_minimal_config() {
    let config = load("host = 127.0.0.1\nport = 8080\n").expect("a valid config loads");
    assert_eq!(
        config,
        Config {
            host: "127.0.0.1".to_string(),
            port: 8080
        }
    );
}

#[test]
fn keys_may_come_in_any_order() {
    let config = load("port = 443\nhost = example.com").expect("order of keys does not matter");
    assert_eq!(config.host, "example.com");
    assert_eq!(config.port, 443);
}

#[test]
fn skips_comments_and_blank_lines() {
    let text =
        "# service config\n\n   \n  # indented comment\nhost = db.internal\n\nport = 5432\n# end\n";
    let config = load(text).expect("comments and blank lines are skipped");
    assert_eq!(config.host, "db.internal");
    assert_eq!(config.port, 5432);
}

#[test]
fn trims_keys_and_values_and_accepts_crlf() {
    let config = load("  host\t=   api.example.com  \r\nport=9000\r\n")
        .expect("whitespace around keys and values is not part of them; CRLF line ends are fine");
    assert_eq!(config.host, "api.example.com");
    assert_eq!(config.port, 9000);
}

#[test]
fn splits_at_the_first_equals_sign() {
    let config = load("host = a=b\nport = 1").expect("only the first '=' separates key and value");
    assert_eq!(config.host, "a=b");
}

// ---------------------------------------------------------------------------------------------
// load_config: one variant per failure

#[test]
fn a_line_without_equals_is_missing_equals() {
    let err = load("host = localhost\nport 8080\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingEquals { line: 2 }),
        "'port 8080' has no '=': expected MissingEquals {{ line: 2 }}, got {err:?}"
    );
}

#[test]
fn line_numbers_count_comments_and_blank_lines() {
    let err = load("# config\n\nhost = localhost\nport = eighty\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::InvalidPort { line: 4, .. }),
        "the bad port is on line 4 of the file (counting from 1, comments and blank lines \
         included), so an operator can jump to it: got {err:?}"
    );
}

#[test]
fn an_unknown_key_names_the_key() {
    let err = load("host = localhost\nprot = 80\n").unwrap_err();
    match err {
        ConfigError::UnknownKey { line, key } => {
            assert_eq!(line, 2, "the typo is on line 2");
            assert_eq!(key, "prot", "the error carries the key as written");
        }
        other => panic!("'prot' is a typo for 'port': expected UnknownKey, got {other:?}"),
    }
}

#[test]
fn keys_are_case_sensitive() {
    let err = load("Host = localhost\nport = 80\n").unwrap_err();
    assert!(
        matches!(&err, ConfigError::UnknownKey { line: 1, key } if key == "Host"),
        "keys are exactly `host` and `port`: 'Host' is UnknownKey on line 1, got {err:?}"
    );
}

#[test]
fn a_key_set_twice_is_a_duplicate() {
    let err = load("host = a\nport = 80\nhost = b\n").unwrap_err();
    assert!(
        matches!(&err, ConfigError::DuplicateKey { line: 3, key } if key == "host"),
        "silently keeping the first or the last value hides a mistake: expected \
         DuplicateKey {{ line: 3, key: \"host\" }}, got {err:?}"
    );
}

#[test]
fn an_empty_value_is_reported_for_its_key() {
    let err = load("host =   \nport = 80\n").unwrap_err();
    assert!(
        matches!(&err, ConfigError::EmptyValue { line: 1, key } if key == "host"),
        "'host =' with nothing after it: expected EmptyValue {{ line: 1, key: \"host\" }}, \
         got {err:?}"
    );
    let err = load("host = a\nport =\n").unwrap_err();
    assert!(
        matches!(&err, ConfigError::EmptyValue { line: 2, key } if key == "port"),
        "an empty port is EmptyValue too (checked before parsing the port), got {err:?}"
    );
}

#[test]
fn a_bad_port_wraps_the_port_error() {
    let err = load("host = a\nport = 70000\n").unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::InvalidPort {
                line: 2,
                source: PortError::TooLarge
            }
        ),
        "expected InvalidPort {{ line: 2, source: PortError::TooLarge }}, got {err:?}"
    );
    let err = load("host = a\nport = 0\n").unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::InvalidPort {
                line: 2,
                source: PortError::Zero
            }
        ),
        "expected InvalidPort {{ line: 2, source: PortError::Zero }}, got {err:?}"
    );
}

#[test]
fn a_missing_port_is_reported_at_the_end() {
    let err = load("host = localhost\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingKey("port")),
        "no port line at all: expected MissingKey(\"port\"), got {err:?}"
    );
}

#[test]
fn a_missing_host_is_reported_before_a_missing_port() {
    let err = load("port = 80").unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingKey("host")),
        "expected MissingKey(\"host\"), got {err:?}"
    );
    let err = load("").unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingKey("host")),
        "an empty file misses both keys; host is checked first: got {err:?}"
    );
    let err = load("# nothing but a comment\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::MissingKey("host")),
        "a file of comments misses both keys: got {err:?}"
    );
}

#[test]
fn the_first_problem_is_the_one_reported() {
    let err = load("host = a\nprot = 80\nport = abc\n").unwrap_err();
    assert!(
        matches!(err, ConfigError::UnknownKey { line: 2, .. }),
        "loading stops at the first bad line (line 2 here): got {err:?}"
    );
}

/// A reader whose disk fails after the first few bytes.
struct FailingReader {
    sent: bool,
}

impl Read for FailingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.sent {
            return Err(io::Error::other("disk on fire"));
        }
        self.sent = true;
        let first = b"host = a\n";
        buf[..first.len()].copy_from_slice(first);
        Ok(first.len())
    }
}

#[test]
fn a_read_failure_becomes_an_io_error() {
    let result = std::panic::catch_unwind(|| {
        load_config(BufReader::new(FailingReader { sent: false }))
    })
    .unwrap_or_else(|_| {
        panic!("load_config panicked on a failing reader: a read error is a value too, return it (`line?`)")
    });
    let err = result.expect_err("the reader failed, so loading must fail");
    let ConfigError::Io(inner) = &err else {
        panic!("a failing reader must give ConfigError::Io(..), not a panic, got {err:?}");
    };
    assert_eq!(
        inner.to_string(),
        "disk on fire",
        "the io::Error is kept as it is"
    );
    assert_eq!(
        report(&err),
        "cannot read config: disk on fire",
        "Display of Io says what failed; source() gives the io::Error with the reason"
    );
}

#[test]
fn input_that_is_not_utf8_is_an_io_error() {
    let err = load_config(&b"host = caf\xe9\nport = 80\n"[..]).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Io(inner) if inner.kind() == io::ErrorKind::InvalidData),
        "Latin-1 bytes are not UTF-8: reading the line fails with io::ErrorKind::InvalidData, \
         which becomes ConfigError::Io, got {err:?}"
    );
}

#[test]
fn io_errors_convert_with_from() {
    let err = ConfigError::from(io::Error::other("boom"));
    assert!(
        matches!(err, ConfigError::Io(_)),
        "From<io::Error> for ConfigError is what lets `?` convert a failed read, got {err:?}"
    );
}

#[test]
fn errors_without_a_cause_have_no_source() {
    for err in [
        ConfigError::MissingEquals { line: 1 },
        ConfigError::UnknownKey {
            line: 1,
            key: "x".into(),
        },
        ConfigError::DuplicateKey {
            line: 1,
            key: "host".into(),
        },
        ConfigError::EmptyValue {
            line: 1,
            key: "host".into(),
        },
        ConfigError::MissingKey("host"),
    ] {
        assert!(err.source().is_none(), "{err:?} has no underlying cause");
    }
}

#[test]
fn the_error_chain_reads_as_one_sentence() {
    let err = load("host = a\nport = eighty\n").unwrap_err();
    assert_eq!(
        report(&err),
        "line 2: invalid port: port is not a number: invalid digit found in string",
        "ConfigError -> PortError -> ParseIntError through source(), each layer adding its own \
         words once"
    );
    let source = err.source().expect("InvalidPort has a source");
    assert!(
        source.downcast_ref::<PortError>().is_some(),
        "the source of InvalidPort is the PortError itself"
    );
}

#[test]
fn errors_travel_through_question_mark_into_box_dyn_error() {
    fn start_server(text: &str) -> Result<u16, Box<dyn Error + Send + Sync>> {
        // `?` boxes any std::error::Error; this only compiles if ConfigError implements it.
        let config = load(text)?;
        Ok(config.port)
    }
    assert_eq!(start_server("host = a\nport = 81").ok(), Some(81));
    let err = start_server("host = a\n").unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<ConfigError>(),
            Some(ConfigError::MissingKey("port"))
        ),
        "a boxed error can be downcast back to the ConfigError it was"
    );
}
