//! The specification of a validator that reports every invalid field of a sign-up at once,
//! each at its JSON Pointer (RFC 6901 §6), in the documented order.

use field_errors::{Account, validate_account};
use serde_json::{Value, json};

fn ada() -> Value {
    json!({ "username": "ada", "email": "ada@example.com", "age": 36 })
}

/// `ada()` with `member` set to `value`.
fn ada_with(member: &str, value: Value) -> Value {
    let mut doc = ada();
    doc[member] = value;
    doc
}

/// The pointers of the errors `validate_account` reports for `doc`; panics if it accepts it.
#[track_caller]
fn invalid_fields(doc: &Value) -> Vec<String> {
    let errors = validate_account(doc).expect_err(&format!(
        "{doc} has an invalid field, so validate_account returns Err with the list of them"
    ));
    for e in &errors {
        assert!(
            !e.detail.trim().is_empty(),
            "every FieldError says what is wrong in a non-empty detail, got {e:?} for {doc}"
        );
    }
    errors.into_iter().map(|e| e.pointer).collect()
}

#[track_caller]
fn assert_valid(doc: &Value, why: &str) {
    let got = validate_account(doc);
    assert!(got.is_ok(), "{why}: {doc} is valid, got {got:?}");
}

#[test]
fn a_valid_document_becomes_an_account() {
    assert_eq!(
        validate_account(&ada()),
        Ok(Account {
            username: "ada".into(),
            email: "ada@example.com".into(),
            age: 36,
            color: None,
        }),
        "username, email and age are valid and there is no profile"
    );
}

#[test]
fn a_profile_colour_is_kept_and_other_members_are_ignored() {
    let mut doc = ada_with("profile", json!({ "color": "green", "font": "serif" }));
    doc["nickname"] = json!("ignored");
    let account = validate_account(&doc).expect("a valid document with a profile");
    assert_eq!(
        account.color.as_deref(),
        Some("green"),
        "profile.color is read into Account::color; unknown members are ignored"
    );
}

#[test]
fn rfc_9457_example_reports_age_and_profile_color() {
    // RFC 9457 §3: {"age": 42.3, "profile": {"color": "yellow"}} is answered with two errors.
    let mut doc = ada_with("age", json!(42.3));
    doc["profile"] = json!({ "color": "yellow" });
    assert_eq!(
        invalid_fields(&doc),
        ["#/age", "#/profile/color"],
        "RFC 9457 §3 example: 42.3 is not a positive integer and yellow is not an allowed colour — both are reported"
    );
}

#[test]
fn every_invalid_field_is_reported_not_just_the_first() {
    let doc = json!({
        "username": "A!", "email": "nope", "age": 0, "profile": { "color": "yellow" }
    });
    assert_eq!(
        invalid_fields(&doc),
        ["#/username", "#/email", "#/age", "#/profile/color"],
        "all four fields are wrong and all four are reported, in the documented order: stopping at the first makes clients fix one field per round trip"
    );
}

#[test]
fn missing_required_fields_are_all_reported() {
    assert_eq!(
        invalid_fields(&json!({})),
        ["#/username", "#/email", "#/age"],
        "an empty object lacks username, email and age; profile is optional"
    );
    assert_eq!(
        invalid_fields(&json!({ "username": "ada" })),
        ["#/email", "#/age"],
        "the valid username is not reported; the missing email and age are"
    );
}

#[test]
fn a_document_that_is_not_an_object_is_one_error_at_the_root() {
    for doc in [
        json!([]),
        json!("ada"),
        json!(1),
        json!(null),
        json!(true),
        json!([ada()]),
    ] {
        assert_eq!(
            invalid_fields(&doc),
            ["#"],
            "{doc} is valid JSON but not an object: one error whose pointer \"#\" is the whole document (RFC 6901 §6), not one per missing field"
        );
    }
}

#[test]
fn age_must_be_a_positive_integer() {
    for age in [
        json!(42.3),
        json!(0),
        json!(-1),
        json!("42"),
        json!(null),
        json!(true),
        json!(18446744073709551616.0),
    ] {
        assert_eq!(
            invalid_fields(&ada_with("age", age.clone())),
            ["#/age"],
            "age {age} is not a positive integer: exactly one error, at #/age"
        );
    }
    assert_valid(
        &ada_with("age", json!(1)),
        "age 1 is the smallest positive integer",
    );
    assert_valid(
        &ada_with("age", json!(u64::MAX)),
        "u64::MAX is a positive integer",
    );
}

#[test]
fn username_is_3_to_20_of_a_z_digits_and_underscore() {
    for bad in [
        json!("ab"),
        json!("a".repeat(21)),
        json!("Ada"),
        json!("ada lovelace"),
        json!("ada-l"),
        json!("adä"),
        json!("äd"),
        json!(""),
        json!(42),
        json!(null),
    ] {
        assert_eq!(
            invalid_fields(&ada_with("username", bad.clone())),
            ["#/username"],
            "username {bad} breaks the rules: exactly one error, at #/username"
        );
    }
    for good in ["abc", "ada_1", "_0_", "x".repeat(20).as_str()] {
        assert_valid(
            &ada_with("username", json!(good)),
            "3 to 20 characters from a-z, 0-9 and _, limits included",
        );
    }
}

#[test]
fn email_has_one_at_with_text_on_both_sides() {
    for bad in [
        json!("ada"),
        json!("@example.com"),
        json!("ada@"),
        json!("@"),
        json!("a@b@c"),
        json!(""),
        json!(5),
    ] {
        assert_eq!(
            invalid_fields(&ada_with("email", bad.clone())),
            ["#/email"],
            "email {bad} is not an address: exactly one error, at #/email"
        );
    }
    assert_valid(
        &ada_with("email", json!("a@b")),
        "one character on each side of one @ is enough",
    );
}

#[test]
fn profile_is_optional_but_checked_when_present() {
    for profile in [json!("blue"), json!(null), json!([]), json!(1)] {
        assert_eq!(
            invalid_fields(&ada_with("profile", profile.clone())),
            ["#/profile"],
            "a profile {profile} that is not an object is reported at #/profile"
        );
    }
    for profile in [
        json!({}),
        json!({ "color": "yellow" }),
        json!({ "color": "Blue" }),
        json!({ "color": 1 }),
    ] {
        assert_eq!(
            invalid_fields(&ada_with("profile", profile.clone())),
            ["#/profile/color"],
            "profile {profile} has no allowed colour: reported at #/profile/color, the member inside the profile"
        );
    }
    for color in ["green", "red", "blue"] {
        let account = validate_account(&ada_with("profile", json!({ "color": color })))
            .expect("an allowed colour makes a valid profile");
        assert_eq!(account.color.as_deref(), Some(color), "the colour is kept");
    }
}

#[test]
fn one_error_per_field_even_when_it_breaks_several_rules() {
    let doc = json!({ "username": 7, "email": 7, "age": -7.5, "profile": { "color": 7 } });
    assert_eq!(
        invalid_fields(&doc),
        ["#/username", "#/email", "#/age", "#/profile/color"],
        "each field is reported once, whatever is wrong with it"
    );
}
