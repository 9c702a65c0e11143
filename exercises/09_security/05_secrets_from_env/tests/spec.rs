//! The specification of the configuration loader: secrets come from the environment given
//! (a map, so each test has its own), never show in `Debug` or `Display` of anything, and
//! every missing, blank or unusable variable is named in one error at start.

use std::collections::HashMap;

use secrets_from_env::{
    ConfigError, DEFAULT_PORT, MIN_KEY_LEN, NOT_A_PORT, Secret, TOO_SHORT, load,
};

const DATABASE_URL: &str = "postgres://app:hunter2-db@db.internal:5432/app";
const SESSION_KEY: &str = "k7Qx2vLp9sWm4nRb8tYc1zHf6jDg3aUe"; // 32 bytes
const SMTP_PASSWORD: &str = "smtp-pa55word!";

fn env(vars: &[(&str, &str)]) -> HashMap<String, String> {
    vars.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A complete environment, with `changes` applied (an empty value removes the variable).
fn env_with(changes: &[(&str, Option<&str>)]) -> HashMap<String, String> {
    let mut vars = env(&[
        ("DATABASE_URL", DATABASE_URL),
        ("SESSION_KEY", SESSION_KEY),
        ("SMTP_PASSWORD", SMTP_PASSWORD),
        ("HOME", "/home/app"),
    ]);
    for (name, value) in changes {
        match value {
            Some(v) => vars.insert(name.to_string(), v.to_string()),
            None => vars.remove(*name),
        };
    }
    vars
}

#[track_caller]
fn error_of(vars: &HashMap<String, String>) -> ConfigError {
    match load(vars) {
        Err(e) => e,
        Ok(config) => panic!("load must fail for this environment, but gave {config:?}"),
    }
}

#[track_caller]
fn assert_hides(printed: &str, what: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !printed.contains(secret),
            "{what} printed the secret {secret:?}; a log line is readable by everyone who \
             reads logs:\n{printed}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Loading

#[test]
fn a_complete_environment_loads() {
    let config = load(&env_with(&[("PORT", Some("9000"))]))
        .unwrap_or_else(|e| panic!("every variable is there and valid, got {e:?}"));
    assert_eq!(config.database_url.expose(), DATABASE_URL);
    assert_eq!(config.session_key.expose(), SESSION_KEY);
    assert_eq!(config.smtp_password.expose(), SMTP_PASSWORD);
    assert_eq!(config.port, 9000);
}

#[test]
fn the_port_defaults_when_absent_or_blank() {
    for vars in [
        env_with(&[]),
        env_with(&[("PORT", Some(""))]),
        env_with(&[("PORT", Some("  "))]),
    ] {
        let config = load(&vars).expect("PORT is optional");
        assert_eq!(config.port, DEFAULT_PORT, "no PORT means {DEFAULT_PORT}");
    }
}

#[test]
fn the_port_limits_are_1_and_65535() {
    for (text, port) in [("1", 1), ("65535", 65535), ("443", 443)] {
        let config = load(&env_with(&[("PORT", Some(text))])).expect("a valid port");
        assert_eq!(config.port, port);
    }
}

// ---------------------------------------------------------------------------------------------
// Redaction

#[test]
fn a_secret_is_redacted_in_debug_and_display() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret:?}"), "Secret([REDACTED])");
    assert_eq!(format!("{secret:#?}"), "Secret([REDACTED])");
    assert_eq!(format!("{secret}"), "[REDACTED]");
    assert_eq!(secret.expose(), "hunter2", "expose gives the value itself");
}

#[test]
fn an_empty_secret_is_redacted_the_same_way() {
    // Printing "Secret()" for an empty value and "Secret([REDACTED])" for a set one would
    // tell a reader of the logs which secrets are blank.
    assert_eq!(format!("{:?}", Secret::new("")), "Secret([REDACTED])");
    assert_eq!(format!("{}", Secret::new("")), "[REDACTED]");
}

#[test]
fn the_config_printed_whole_shows_no_secret() {
    let config = load(&env_with(&[("PORT", Some("9000"))])).expect("a complete environment");
    let secrets = [DATABASE_URL, SESSION_KEY, SMTP_PASSWORD, "hunter2", "k7Qx"];
    for printed in [format!("{config:?}"), format!("{config:#?}")] {
        assert_hides(&printed, "format!(\"{config:?}\")", &secrets);
        assert!(
            printed.contains("9000") && printed.contains("REDACTED"),
            "what is not secret is still printed, and a secret shows as redacted: {printed}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Missing and invalid variables, all named at once

#[test]
fn a_missing_variable_is_named() {
    let err = error_of(&env_with(&[("SMTP_PASSWORD", None)]));
    assert_eq!(err.missing, ["SMTP_PASSWORD"]);
    assert!(err.invalid.is_empty(), "nothing is invalid: {err:?}");
}

#[test]
fn every_missing_variable_is_named_at_once() {
    let err = error_of(&env(&[("HOME", "/home/app")]));
    assert_eq!(
        err.missing,
        ["DATABASE_URL", "SESSION_KEY", "SMTP_PASSWORD"],
        "all three, in order, in one error: stopping at the first costs one failed \
         deployment per missing variable"
    );
}

#[test]
fn an_empty_or_blank_value_counts_as_missing() {
    for blank in ["", " ", "\n", "\t \r\n"] {
        let err = error_of(&env_with(&[
            ("DATABASE_URL", Some(blank)),
            ("SMTP_PASSWORD", Some(blank)),
        ]));
        assert_eq!(
            err.missing,
            ["DATABASE_URL", "SMTP_PASSWORD"],
            "{blank:?} is set but holds nothing: a service started with it fails later, \
             at the worst moment"
        );
    }
}

#[test]
fn the_names_are_case_sensitive() {
    let vars = env_with(&[("DATABASE_URL", None), ("database_url", Some(DATABASE_URL))]);
    assert_eq!(error_of(&vars).missing, ["DATABASE_URL"]);
}

#[test]
fn a_short_session_key_is_invalid() {
    let short = &SESSION_KEY[..MIN_KEY_LEN - 1];
    let err = error_of(&env_with(&[("SESSION_KEY", Some(short))]));
    assert_eq!(err.missing, Vec::<&str>::new(), "the key is there");
    assert_eq!(
        err.invalid,
        [("SESSION_KEY", TOO_SHORT)],
        "31 bytes is one short of {MIN_KEY_LEN}: a weak key must stop the start"
    );
}

#[test]
fn the_key_length_is_counted_in_bytes() {
    // é is two bytes in UTF-8: 16 of them are 32 bytes, 15 and an `a` are 31.
    let exactly = "é".repeat(16);
    load(&env_with(&[("SESSION_KEY", Some(&exactly))])).expect("32 bytes is enough");
    let one_short = "é".repeat(15) + "a";
    let err = error_of(&env_with(&[("SESSION_KEY", Some(&one_short))]));
    assert_eq!(
        err.invalid,
        [("SESSION_KEY", TOO_SHORT)],
        "31 bytes is too short"
    );
}

#[test]
fn a_port_that_is_no_port_is_invalid() {
    for text in ["abc", "0", "65536", "-1", "80 ", "8080x", "99999999999"] {
        let err = error_of(&env_with(&[("PORT", Some(text))]));
        assert_eq!(
            err,
            ConfigError {
                missing: vec![],
                invalid: vec![("PORT", NOT_A_PORT)],
            },
            "PORT={text:?} is not a port from 1 to 65535"
        );
    }
}

#[test]
fn missing_and_invalid_are_reported_together_in_order() {
    let err = error_of(&env(&[("SESSION_KEY", "short"), ("PORT", "http")]));
    assert_eq!(
        err,
        ConfigError {
            missing: vec!["DATABASE_URL", "SMTP_PASSWORD"],
            invalid: vec![("SESSION_KEY", TOO_SHORT), ("PORT", NOT_A_PORT)],
        },
        "one error names everything to fix, in the order the variables are checked"
    );
}

#[test]
fn the_error_never_shows_a_value() {
    let pasted = "sk_live_51Hh2mISPASTEDINTOTHEWRONGVAR";
    let err = error_of(&env(&[
        ("SESSION_KEY", "tiny-but-secret"),
        ("PORT", pasted),
        ("SMTP_PASSWORD", SMTP_PASSWORD),
    ]));
    let printed = format!("{err} / {err:?}");
    assert_hides(
        &printed,
        "the error",
        &["tiny-but-secret", pasted, SMTP_PASSWORD],
    );
    assert!(
        printed.contains("DATABASE_URL") && printed.contains("PORT"),
        "the error names the variables: {printed}"
    );
}
