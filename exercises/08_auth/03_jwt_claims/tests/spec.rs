//! The specification of claims validation: exp, nbf and iat with a leeway (exactly at and one
//! second past each edge, by an injected clock), iss and aud exactly, every claim of the wrong
//! type refused; RFC 7519 §3.1's example as a fact; and tokens exchanged both ways with the
//! `jsonwebtoken` crate.

use jwt_claims::{ClaimsError, Expected, JwtError, issue, sign, sign_with_header, validate};
use serde_json::{Value, json};

const KEY: &[u8] = b"a 32-byte secret for the tests!!";
/// The verifier's clock: 2026-01-01T00:00:00Z.
const NOW: u64 = 1_767_225_600;
const LEEWAY: u64 = 30;
const ISSUER: &str = "https://auth.example";

fn expected() -> Expected {
    Expected {
        issuer: ISSUER.into(),
        audience: "api".into(),
        leeway: LEEWAY,
    }
}

/// Claims that pass at NOW, issued a minute ago for an hour.
fn good_claims() -> Value {
    json!({"sub": "42", "iss": ISSUER, "aud": "api", "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600})
}

/// `good_claims()` with `key` set to `value`.
fn with(key: &str, value: Value) -> Value {
    let mut claims = good_claims();
    claims[key] = value;
    claims
}

/// `good_claims()` without `key`.
fn without(key: &str) -> Value {
    let mut claims = good_claims();
    claims.as_object_mut().unwrap().remove(key);
    claims
}

#[track_caller]
fn check(claims: &Value, now: u64, want: Result<(), ClaimsError>, why: &str) {
    let token = issue(claims, KEY);
    let got = validate(&token, KEY, &expected(), now).map(|_| ());
    assert_eq!(
        got, want,
        "claims {claims} at now = {now} (leeway {LEEWAY} s): {why}"
    );
}

// ---------------------------------------------------------------------------------------------
// The happy path and the facts

#[test]
fn a_good_token_gives_its_claims_back() {
    let token = issue(&good_claims(), KEY);
    assert_eq!(validate(&token, KEY, &expected(), NOW), Ok(good_claims()));
}

#[test]
fn rfc7519_example_is_refused() {
    // RFC 7519 §3.1 (= RFC 7515 App. A.1): signed correctly, but it expired in March 2011, and
    // it names no audience at all.
    let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let key = base64_url(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow",
    );
    let joe = Expected {
        issuer: "joe".into(),
        audience: "api".into(),
        leeway: 0,
    };
    assert_eq!(
        validate(token, &key, &joe, NOW),
        Err(ClaimsError::Expired),
        "exp 1300819380 is long past"
    );
    assert_eq!(
        validate(token, &key, &joe, 1_300_819_379),
        Err(ClaimsError::Missing("aud")),
        "a second before its expiry it is still refused: it has no aud"
    );
}

fn base64_url(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// The signature comes first

#[test]
fn a_token_that_does_not_verify_is_refused_before_its_claims_are_read() {
    let token = issue(&good_claims(), b"another key");
    assert_eq!(
        validate(&token, KEY, &expected(), NOW),
        Err(ClaimsError::Token(JwtError::BadSignature))
    );
    let unsigned = sign_with_header(
        br#"{"alg":"none"}"#,
        good_claims().to_string().as_bytes(),
        KEY,
    );
    assert_eq!(
        validate(&unsigned, KEY, &expected(), NOW),
        Err(ClaimsError::Token(JwtError::Algorithm("none".into()))),
        "step 1's verify must run first: good claims under alg none are still a forgery"
    );
}

#[test]
fn a_payload_that_is_not_a_json_object_is_refused() {
    for payload in [&b"[1, 2]"[..], b"\"exp\"", b"42", b"not json", b""] {
        let token = sign(payload, KEY);
        assert_eq!(
            validate(&token, KEY, &expected(), NOW),
            Err(ClaimsError::NotAnObject),
            "payload {:?} is not a JSON object of claims",
            String::from_utf8_lossy(payload)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// exp

#[test]
fn exp_is_required() {
    check(
        &without("exp"),
        NOW,
        Err(ClaimsError::Missing("exp")),
        "a token without exp would never expire",
    );
}

#[test]
fn a_token_expires_at_exp_plus_the_leeway() {
    let exp = NOW + 100;
    let claims = with("exp", json!(exp));
    check(&claims, exp - 1, Ok(()), "before exp");
    check(
        &claims,
        exp + LEEWAY - 1,
        Ok(()),
        "within the leeway after exp",
    );
    check(
        &claims,
        exp + LEEWAY,
        Err(ClaimsError::Expired),
        "now = exp + leeway: expired (RFC 7519 §4.1.4: now must be before exp)",
    );
    check(
        &claims,
        exp + 10 * LEEWAY,
        Err(ClaimsError::Expired),
        "long after exp",
    );
}

#[test]
fn without_leeway_a_token_expires_at_exp() {
    let exp = NOW + 100;
    let token = issue(&with("exp", json!(exp)), KEY);
    let strict = Expected {
        leeway: 0,
        ..expected()
    };
    assert!(
        validate(&token, KEY, &strict, exp - 1).is_ok(),
        "a second before exp, leeway 0: valid"
    );
    assert_eq!(
        validate(&token, KEY, &strict, exp),
        Err(ClaimsError::Expired),
        "at exp, leeway 0: expired"
    );
}

// ---------------------------------------------------------------------------------------------
// nbf and iat

#[test]
fn nbf_is_optional() {
    check(&without("nbf"), NOW, Ok(()), "no nbf: valid from the start");
}

#[test]
fn a_token_is_not_valid_before_nbf_minus_the_leeway() {
    let nbf = NOW + 100;
    let claims = with("nbf", json!(nbf));
    check(
        &claims,
        nbf - LEEWAY - 1,
        Err(ClaimsError::NotYetValid),
        "more than the leeway before nbf",
    );
    check(
        &claims,
        nbf - LEEWAY,
        Ok(()),
        "exactly the leeway before nbf: valid",
    );
    check(&claims, nbf, Ok(()), "at nbf");
}

#[test]
fn iat_is_optional() {
    check(&without("iat"), NOW, Ok(()), "no iat");
}

#[test]
fn a_token_issued_in_the_future_is_refused() {
    let claims = with("iat", json!(NOW + LEEWAY + 1));
    check(
        &claims,
        NOW,
        Err(ClaimsError::IssuedInTheFuture),
        "issued more than the leeway after now: a clock is wrong, or a forger's",
    );
    let claims = with("iat", json!(NOW + LEEWAY));
    check(
        &claims,
        NOW,
        Ok(()),
        "issued exactly the leeway after now: skew, allowed",
    );
}

#[test]
fn times_must_be_whole_non_negative_seconds() {
    for name in ["exp", "nbf", "iat"] {
        for bad in [
            json!("1767225600"),
            json!(-1),
            json!(1.5),
            json!(null),
            json!(true),
            json!([NOW]),
        ] {
            check(
                &with(name, bad.clone()),
                NOW,
                Err(ClaimsError::Invalid(name)),
                &format!("{name} = {bad} is not a NumericDate"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// iss

#[test]
fn iss_is_required_and_exact() {
    check(
        &without("iss"),
        NOW,
        Err(ClaimsError::Missing("iss")),
        "no issuer",
    );
    for other in [
        "https://evil.example",
        "https://auth.example/",
        "HTTPS://AUTH.EXAMPLE",
        "https://auth.example.evil.example",
        "",
    ] {
        check(
            &with("iss", json!(other)),
            NOW,
            Err(ClaimsError::Issuer),
            "only the exact issuer is trusted",
        );
    }
    check(
        &with("iss", json!(42)),
        NOW,
        Err(ClaimsError::Invalid("iss")),
        "iss is a string",
    );
}

// ---------------------------------------------------------------------------------------------
// aud

#[test]
fn aud_may_be_a_string_or_an_array_of_strings() {
    check(
        &with("aud", json!("api")),
        NOW,
        Ok(()),
        "aud is the service's name",
    );
    check(
        &with("aud", json!(["billing", "api"])),
        NOW,
        Ok(()),
        "aud lists the service among others",
    );
    check(&with("aud", json!(["api"])), NOW, Ok(()), "an array of one");
}

#[test]
fn a_token_for_another_service_is_refused() {
    // The attack: billing receives a token meant for it, and replays it to the api, which
    // shares the key.
    for other in [
        json!("billing"),
        json!(["billing", "admin"]),
        json!("api2"),
        json!("ap"),
        json!("API"),
        json!([]),
        json!(""),
    ] {
        check(
            &with("aud", other.clone()),
            NOW,
            Err(ClaimsError::Audience),
            &format!("aud {other} does not name \"api\""),
        );
    }
}

#[test]
fn aud_is_required_and_typed() {
    check(
        &without("aud"),
        NOW,
        Err(ClaimsError::Missing("aud")),
        "no audience: any service would take it",
    );
    for bad in [
        json!(42),
        json!(["api", 42]),
        json!({"api": true}),
        json!(null),
    ] {
        check(
            &with("aud", bad.clone()),
            NOW,
            Err(ClaimsError::Invalid("aud")),
            &format!("aud {bad} is not a string or an array of strings"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Interoperability with the jsonwebtoken crate

/// jsonwebtoken without a crypto backend feature (see the root Cargo.toml), given an HS256
/// provider built on RustCrypto's HMAC: what its `rust_crypto` feature uses for HS256.
mod provider {
    use hmac::Mac;
    use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
    use jsonwebtoken::errors::{Error, ErrorKind};
    use jsonwebtoken::signature::{self, Signer, Verifier};
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
    use jwt_claims::HmacSha256;

    struct Hs256(HmacSha256);

    impl Signer<Vec<u8>> for Hs256 {
        fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
            let mut mac = self.0.clone();
            mac.update(msg);
            Ok(mac.finalize().into_bytes().to_vec())
        }
    }

    impl Verifier<Vec<u8>> for Hs256 {
        fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> Result<(), signature::Error> {
            let mut mac = self.0.clone();
            mac.update(msg);
            mac.verify_slice(sig).map_err(signature::Error::from_source)
        }
    }

    impl JwtSigner for Hs256 {
        fn algorithm(&self) -> Algorithm {
            Algorithm::HS256
        }
    }

    impl JwtVerifier for Hs256 {
        fn algorithm(&self) -> Algorithm {
            Algorithm::HS256
        }
    }

    fn hs256(alg: &Algorithm, secret: Result<&[u8], Error>) -> Result<Hs256, Error> {
        if *alg != Algorithm::HS256 {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        Ok(Hs256(
            HmacSha256::new_from_slice(secret?)
                .map_err(|_| Error::from(ErrorKind::InvalidKeyFormat))?,
        ))
    }

    static HS256_ONLY: CryptoProvider = CryptoProvider {
        signer_factory: |alg, key: &EncodingKey| {
            Ok(Box::new(hs256(alg, key.try_get_hmac_secret())?))
        },
        verifier_factory: |alg, key: &DecodingKey| {
            Ok(Box::new(hs256(alg, key.try_get_hmac_secret())?))
        },
        jwk_utils: JwkUtils::new_unimplemented(),
    };

    /// Installs the provider (once per test process; later calls find it there).
    pub fn install() {
        let _ = HS256_ONLY.install_default();
    }
}

fn jsonwebtoken_encode(claims: &Value) -> String {
    provider::install();
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_secret(KEY),
    )
    .expect("jsonwebtoken signs")
}

#[test]
fn tokens_from_jsonwebtoken_validate() {
    let token = jsonwebtoken_encode(&good_claims());
    assert_eq!(
        validate(&token, KEY, &expected(), NOW),
        Ok(good_claims()),
        "a token that jsonwebtoken::encode made ({token}) should validate and give its claims back"
    );
    let token = jsonwebtoken_encode(&with("aud", json!(["billing", "api"])));
    assert!(
        validate(&token, KEY, &expected(), NOW).is_ok(),
        "jsonwebtoken's token with an aud array"
    );
}

#[test]
fn expired_or_misaddressed_tokens_from_jsonwebtoken_are_refused() {
    let token = jsonwebtoken_encode(&good_claims());
    assert_eq!(
        validate(&token, KEY, &expected(), NOW + 3600 + LEEWAY),
        Err(ClaimsError::Expired)
    );
    let token = jsonwebtoken_encode(&with("aud", json!("billing")));
    assert_eq!(
        validate(&token, KEY, &expected(), NOW),
        Err(ClaimsError::Audience)
    );
}

#[test]
fn jsonwebtoken_accepts_tokens_from_issue() {
    provider::install();
    // jsonwebtoken reads the system clock: this token expires in 2100.
    let claims = with("exp", json!(4_102_444_800u64));
    let token = issue(&claims, KEY);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_audience(&["api"]);
    validation.set_issuer(&[ISSUER]);
    let decoded = jsonwebtoken::decode::<Value>(
        &token,
        &jsonwebtoken::DecodingKey::from_secret(KEY),
        &validation,
    );
    assert_eq!(
        decoded.map(|data| data.claims).map_err(|e| e.to_string()),
        Ok(claims),
        "jsonwebtoken::decode of {token}"
    );
}
