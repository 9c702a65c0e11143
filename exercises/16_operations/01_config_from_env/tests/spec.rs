//! The specification: every setting read from an injected map, typed, with its default; every
//! problem named at once, quoting bad values but never a secret; unknown `APP_` variables warned about.

use std::collections::BTreeMap;
use std::time::Duration;

use config_from_env::{
    ConfigError, Loaded, LogLevel, MIN_KEY_LEN, Problem, Warning, from_env, parse_duration,
};

const KEY: &str = "k3y-0123456789abcdef";
const DB: &str = "postgres://app@db.internal/app";

/// An environment: the two required settings, a few variables of other programs, and `extra`
/// on top (an empty `extra` value removes the variable).
fn env(extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = [
        ("PATH", "/usr/bin:/bin"),
        ("HOME", "/home/app"),
        ("APP_DATABASE_URL", DB),
        ("APP_API_KEY", KEY),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

fn without(mut env: BTreeMap<String, String>, name: &str) -> BTreeMap<String, String> {
    env.remove(name);
    env
}

#[track_caller]
fn load(env: &BTreeMap<String, String>) -> Loaded {
    from_env(env).unwrap_or_else(|e| panic!("expected the config to load, got:\n{e}"))
}

#[track_caller]
fn problems(env: &BTreeMap<String, String>) -> Vec<String> {
    match from_env(env) {
        Ok(loaded) => panic!("expected problems, but the config loaded: {loaded:?}"),
        Err(ConfigError(problems)) => problems.iter().map(ToString::to_string).collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and defaults

#[test]
fn the_required_settings_alone_give_the_defaults() {
    let config = load(&env(&[])).config;
    assert_eq!(config.port, 8080, "APP_PORT defaults to 8080");
    assert_eq!(config.request_timeout, Duration::from_secs(30));
    assert_eq!(config.log_level, LogLevel::Info);
    assert_eq!(config.database_url, DB);
    assert_eq!(config.api_key.expose(), KEY);
}

#[test]
fn every_setting_is_read_and_typed() {
    let config = load(&env(&[
        ("APP_PORT", "9000"),
        ("APP_REQUEST_TIMEOUT", "5s"),
        ("APP_LOG_LEVEL", "debug"),
    ]))
    .config;
    assert_eq!(
        (config.port, config.request_timeout, config.log_level),
        (9000, Duration::from_secs(5), LogLevel::Debug)
    );
}

#[test]
fn durations_take_each_unit() {
    for (text, want) in [
        ("500ms", Duration::from_millis(500)),
        ("30s", Duration::from_secs(30)),
        ("5m", Duration::from_secs(300)),
        ("2h", Duration::from_secs(7200)),
        ("0s", Duration::ZERO),
        ("007s", Duration::from_secs(7)),
    ] {
        assert_eq!(parse_duration(text), Some(want), "parse_duration({text:?})");
    }
}

#[test]
fn malformed_durations_are_refused() {
    for (text, why) in [
        ("", "empty"),
        ("30", "a number without a unit: seconds? milliseconds?"),
        ("s", "a unit without a number"),
        ("1.5s", "no fractions: write 1500ms"),
        ("-5s", "no sign"),
        ("+5s", "no sign"),
        (" 5s", "no spaces"),
        ("5 s", "no spaces"),
        ("5S", "units are lower case"),
        ("5sec", "the unit is s"),
        ("5s5", "nothing after the unit"),
        ("10 years", "not a duration at all"),
        ("99999999999999999999s", "too big for a u64"),
        (
            "9999999999999999999h",
            "overflows when made seconds: use checked_mul",
        ),
        (
            "999999999999999999m",
            "overflows when made seconds: use checked_mul",
        ),
    ] {
        assert_eq!(
            parse_duration(text),
            None,
            "parse_duration({text:?}) must be None: {why}"
        );
    }
}

#[test]
fn ports_at_the_edges_of_the_range_are_accepted() {
    assert_eq!(load(&env(&[("APP_PORT", "0")])).config.port, 0);
    assert_eq!(load(&env(&[("APP_PORT", "65535")])).config.port, 65535);
}

#[test]
fn an_empty_value_counts_as_not_set() {
    let loaded = load(&env(&[
        ("APP_PORT", ""),
        ("APP_REQUEST_TIMEOUT", ""),
        ("APP_LOG_LEVEL", ""),
    ]));
    assert_eq!(
        (loaded.config.port, loaded.config.request_timeout),
        (8080, Duration::from_secs(30)),
        "APP_PORT= (empty) means the default, as if it were not set"
    );
    assert_eq!(loaded.config.log_level, LogLevel::Info);
}

// ---------------------------------------------------------------------------------------------
// Problems

#[test]
fn a_port_that_is_not_a_number_is_named_with_its_value() {
    assert_eq!(
        problems(&env(&[("APP_PORT", "abc")])),
        ["APP_PORT: 'abc' is not a port number (0–65535)"],
        "one Problem::Invalid with the name, the value as given, and what was expected"
    );
}

#[test]
fn a_port_one_over_the_range_is_a_problem() {
    assert_eq!(
        problems(&env(&[("APP_PORT", "65536")])),
        ["APP_PORT: '65536' is not a port number (0–65535)"]
    );
    assert_eq!(
        problems(&env(&[("APP_PORT", "-1")])),
        ["APP_PORT: '-1' is not a port number (0–65535)"]
    );
}

#[test]
fn a_bad_duration_and_a_bad_log_level_are_named() {
    assert_eq!(
        problems(&env(&[("APP_REQUEST_TIMEOUT", "10 years")])),
        ["APP_REQUEST_TIMEOUT: '10 years' is not a duration (like 500ms, 30s, 5m, 1h)"]
    );
    assert_eq!(
        problems(&env(&[("APP_LOG_LEVEL", "LOUD")])),
        ["APP_LOG_LEVEL: 'LOUD' is not a log level (error, warn, info, debug, trace)"]
    );
}

#[test]
fn a_missing_required_setting_is_named() {
    assert_eq!(
        problems(&without(env(&[]), "APP_DATABASE_URL")),
        ["APP_DATABASE_URL: required, but not set"]
    );
    assert_eq!(
        problems(&env(&[("APP_API_KEY", "")])),
        ["APP_API_KEY: required, but not set"],
        "an empty required setting is not set"
    );
}

#[test]
fn every_problem_is_named_at_once_in_table_order() {
    let env = without(
        without(
            env(&[
                ("APP_PORT", "http"),
                ("APP_REQUEST_TIMEOUT", "30"),
                ("APP_LOG_LEVEL", "verbose"),
            ]),
            "APP_DATABASE_URL",
        ),
        "APP_API_KEY",
    );
    let got = problems(&env);
    assert_eq!(
        got,
        [
            "APP_PORT: 'http' is not a port number (0–65535)",
            "APP_REQUEST_TIMEOUT: '30' is not a duration (like 500ms, 30s, 5m, 1h)",
            "APP_LOG_LEVEL: 'verbose' is not a log level (error, warn, info, debug, trace)",
            "APP_DATABASE_URL: required, but not set",
            "APP_API_KEY: required, but not set",
        ],
        "collect every problem, do not stop at the first: an operator who learns of one typo \
         per deploy needs five deploys to fix five"
    );
}

// ---------------------------------------------------------------------------------------------
// The secret: checked, never quoted

#[test]
fn a_key_exactly_at_the_minimum_length_is_accepted() {
    let key = "x".repeat(MIN_KEY_LEN);
    assert_eq!(
        load(&env(&[("APP_API_KEY", &key)])).config.api_key.expose(),
        key
    );
    let key = "é".repeat(MIN_KEY_LEN);
    assert_eq!(
        load(&env(&[("APP_API_KEY", &key)])).config.api_key.expose(),
        key,
        "{MIN_KEY_LEN} characters of two bytes each: the minimum counts characters (chars), \
         not bytes"
    );
}

#[test]
fn a_short_key_is_a_problem_that_does_not_show_it() {
    let short = "x".repeat(MIN_KEY_LEN - 1);
    let got = problems(&env(&[("APP_API_KEY", &short)]));
    assert_eq!(
        got,
        ["APP_API_KEY: too short, at least 16 characters (the value is not shown)"],
        "Problem::TooShort, never Problem::Invalid with the value: a startup error is logged \
         too, and a one-character typo in a key still gives most of it away"
    );
    let ConfigError(problems) = from_env(&env(&[("APP_API_KEY", "sh0rt-s3cret")])).unwrap_err();
    assert_eq!(problems, [Problem::TooShort("APP_API_KEY")]);
}

// ---------------------------------------------------------------------------------------------
// Unknown variables

#[test]
fn an_unknown_app_variable_is_a_warning_not_a_problem() {
    let loaded = load(&env(&[("APP_PROT", "9000")]));
    assert_eq!(
        loaded.warnings,
        [Warning::Unknown("APP_PROT".into())],
        "APP_PROT is a typo of APP_PORT: the service starts, and says so"
    );
    assert_eq!(loaded.config.port, 8080, "the typo is not read as the port");
}

#[test]
fn unknown_variables_are_warned_about_in_name_order_and_others_ignored() {
    let loaded = load(&env(&[
        ("APP_TIMEOUT", "5s"),
        ("APP_DB_URL", "x"),
        ("LANG", "C.UTF-8"),
        ("MY_APP_PORT", "1"),
    ]));
    assert_eq!(
        loaded.warnings,
        [
            Warning::Unknown("APP_DB_URL".into()),
            Warning::Unknown("APP_TIMEOUT".into())
        ],
        "only names starting with APP_ are ours; PATH, LANG, MY_APP_PORT belong to others"
    );
}

#[test]
fn a_clean_environment_gives_no_warnings() {
    let loaded = load(&env(&[("APP_PORT", "9000"), ("APP_LOG_LEVEL", "warn")]));
    assert_eq!(
        loaded.warnings,
        [],
        "every APP_ variable here is a known one"
    );
}

#[test]
fn the_error_message_lists_every_problem_on_its_own_line() {
    let err = from_env(&without(env(&[("APP_PORT", "x")]), "APP_DATABASE_URL")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the configuration has 2 problem(s):\n  \
         APP_PORT: 'x' is not a port number (0–65535)\n  \
         APP_DATABASE_URL: required, but not set"
    );
}
