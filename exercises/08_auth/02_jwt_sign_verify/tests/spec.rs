//! The specification of HS256 signing and verifying: RFC 7515 App. A.1 as a fact, round trips,
//! every tampering and malformation refused, `alg: none` and algorithm confusion refused, and
//! the Wycheproof JWS vectors for HS256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::Mac;
use jwt_sign_verify::{HmacSha256, JwtError, sign, sign_with_header, verify};

const KEY: &[u8] = b"a 32-byte secret for the tests!!";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with any header, correctly HMAC-SHA256-signed under `key`, written here so the
/// tests can forge what a learner's `sign` would never make.
fn forge(header: &str, payload: &[u8], key: &[u8]) -> String {
    forge_parts(&b64(header.as_bytes()), &b64(payload), key)
}

/// A token made of these two parts as written, with a correct HMAC-SHA256 of them.
fn forge_parts(header: &str, payload: &str, key: &[u8]) -> String {
    let input = format!("{header}.{payload}");
    let mut mac = HmacSha256::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", b64(&mac.finalize().into_bytes()))
}

#[track_caller]
fn assert_refused(token: &str, key: &[u8], want: JwtError, why: &str) {
    let got = verify(token, key);
    assert_eq!(got, Err(want), "verify({token:?}) should be refused: {why}");
}

// ---------------------------------------------------------------------------------------------
// RFC 7515 App. A.1 (the same token is RFC 7519 §3.1's example JWT)

const A1_HEADER: &str = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
const A1_PAYLOAD: &str =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
const A1_KEY: &str =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
const A1_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn a1_key() -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(A1_KEY).unwrap()
}

#[test]
fn signs_rfc7515_appendix_a1() {
    let token = sign_with_header(A1_HEADER.as_bytes(), A1_PAYLOAD.as_bytes(), &a1_key());
    assert_eq!(
        token, A1_TOKEN,
        "RFC 7515 App. A.1: base64url (no padding) of the header's exact bytes, '.', of the \
         payload's, '.', and of HMAC-SHA256(key, those first two parts joined by '.')"
    );
}

#[test]
fn verifies_rfc7515_appendix_a1() {
    let payload = verify(A1_TOKEN, &a1_key()).map(|p| String::from_utf8_lossy(&p).into_owned());
    assert_eq!(
        payload,
        Ok(A1_PAYLOAD.to_owned()),
        "RFC 7515 App. A.1 should verify and give its payload back"
    );
}

// ---------------------------------------------------------------------------------------------
// Signing

#[test]
fn sign_uses_the_usual_header() {
    let token = sign(b"{}", KEY);
    let header = token.split('.').next().unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(header)
            .map(|h| String::from_utf8_lossy(&h).into_owned()),
        Ok(r#"{"alg":"HS256","typ":"JWT"}"#.to_owned())
    );
}

#[test]
fn tokens_have_no_padding() {
    // Lengths 1 and 2 mod 3 are the ones base64 pads.
    for payload in [&b"a"[..], b"ab", b"abc", b"abcd"] {
        let token = sign(payload, KEY);
        assert!(
            !token.contains('='),
            "base64url in a JWS has no '=' padding (RFC 7515 §2): {token:?}"
        );
        assert!(
            !token.contains(['+', '/']),
            "base64url uses '-' and '_', not '+' and '/': {token:?}"
        );
    }
}

#[test]
fn a_signed_token_verifies_and_gives_the_payload_back() {
    for payload in [
        &b""[..],
        b"{\"sub\":\"42\"}",
        "{\"name\":\"Zoë 🦀\"}".as_bytes(),
        &[0xff, 0, 0xfe],
    ] {
        let token = sign(payload, KEY);
        assert_eq!(
            verify(&token, KEY),
            Ok(payload.to_vec()),
            "round trip of {payload:?} through {token:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tampering

#[test]
fn a_changed_payload_is_refused() {
    let token = sign(br#"{"sub":"42","admin":false}"#, KEY);
    let parts: Vec<&str> = token.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64(br#"{"sub":"42","admin":true}"#),
        parts[2]
    );
    assert_refused(
        &forged,
        KEY,
        JwtError::BadSignature,
        "the payload changed after signing (admin: true)",
    );
}

#[test]
fn a_changed_signature_is_refused() {
    let token = sign(b"{}", KEY);
    let mut sig = URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().unwrap())
        .unwrap();
    for i in [0, 15, 31] {
        sig[i] ^= 1;
        let (input, _) = token.rsplit_once('.').unwrap();
        let forged = format!("{input}.{}", b64(&sig));
        assert_refused(
            &forged,
            KEY,
            JwtError::BadSignature,
            &format!("signature byte {i} flipped"),
        );
        sig[i] ^= 1;
    }
}

#[test]
fn another_key_is_refused() {
    let token = sign(b"{}", b"another key");
    assert_refused(
        &token,
        KEY,
        JwtError::BadSignature,
        "signed with another key",
    );
}

#[test]
fn a_truncated_signature_is_refused() {
    // The first 16 bytes of the right MAC: a verifier that compares only as many bytes as it
    // was given lets an attacker guess a much shorter MAC (or none at all).
    let token = sign(b"{}", KEY);
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    for len in [0, 1, 16, 31] {
        let forged = format!("{input}.{}", b64(&sig[..len]));
        assert_refused(
            &forged,
            KEY,
            JwtError::BadSignature,
            &format!("only {len} of the 32 MAC bytes"),
        );
    }
}

#[test]
fn the_signature_covers_the_header_as_received() {
    // The same header written with spaces: it decodes to the same JSON, but the MAC was made
    // over these characters, so a verifier that re-encodes the JSON computes another MAC.
    let header = r#"{ "alg" : "HS256" ,  "typ" : "JWT" }"#;
    let token = forge(header, b"{\"sub\":\"42\"}", KEY);
    assert_eq!(
        verify(&token, KEY),
        Ok(b"{\"sub\":\"42\"}".to_vec()),
        "the signing input is the text received ({header:?} encoded as it came), not a re-encoding"
    );
}

// ---------------------------------------------------------------------------------------------
// The algorithm

#[test]
fn alg_none_is_refused() {
    let header = b64(br#"{"alg":"none","typ":"JWT"}"#);
    let token = format!("{header}.{}.", b64(br#"{"sub":"admin"}"#));
    assert_refused(
        &token,
        KEY,
        JwtError::Algorithm("none".into()),
        "`alg: none` is an unsigned token: anyone can write one",
    );
}

#[test]
fn any_other_algorithm_is_refused_even_with_a_good_hmac() {
    // Each of these carries a correct HMAC-SHA256 under KEY: only the alg check can stop them.
    for alg in [
        "none", "HS512", "HS384", "RS256", "ES256", "hs256", "HS256 ", "",
    ] {
        let token = forge(&format!(r#"{{"alg":"{alg}"}}"#), b"{}", KEY);
        assert_refused(
            &token,
            KEY,
            JwtError::Algorithm(alg.into()),
            &format!(
                "alg {alg:?} is not HS256: the verifier decides the algorithm, never the token"
            ),
        );
    }
}

#[test]
fn a_missing_or_non_string_alg_is_refused() {
    for header in [
        r#"{"typ":"JWT"}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"alg":null}"#,
        r#"{"ALG":"HS256"}"#,
    ] {
        let token = forge(header, b"{}", KEY);
        assert_refused(
            &token,
            KEY,
            JwtError::Algorithm(String::new()),
            &format!("header {header} has no string alg"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed tokens

#[test]
fn tokens_without_exactly_three_parts_are_malformed() {
    let token = sign(b"{}", KEY);
    let (head, sig) = token.rsplit_once('.').unwrap();
    for bad in [
        String::new(),
        head.to_owned(),
        format!("{token}."),
        format!("{token}.{sig}"),
        format!("{head}..{sig}"),
    ] {
        assert_refused(
            &bad,
            KEY,
            JwtError::Malformed,
            "a compact JWS has exactly three parts",
        );
    }
}

#[test]
fn padding_and_foreign_characters_are_malformed() {
    let header = b64(br#"{"alg":"HS256"}"#);
    // Each payload part carries a correct MAC of the text as written: only strict decoding
    // refuses them.
    for (payload, why) in [
        ("YWI=", "'=' padding is not base64url as JWS writes it"),
        ("YW I", "a space inside a part"),
        (
            "+/8",
            "'+' and '/' belong to standard base64, not base64url",
        ),
        (
            "YWJ",
            "a last character with bits that cannot be there ('ab' is YWI)",
        ),
    ] {
        let token = forge_parts(&header, payload, KEY);
        assert_refused(&token, KEY, JwtError::Malformed, why);
    }
    let token = sign(b"{}", KEY);
    assert_refused(
        &format!("{token}="),
        KEY,
        JwtError::Malformed,
        "'=' padding on the signature",
    );
}

#[test]
fn a_header_that_is_not_a_json_object_is_malformed() {
    for header in ["not json", "[\"HS256\"]", "\"HS256\"", "{\"alg\":\"HS256\""] {
        let token = forge(header, b"{}", KEY);
        assert_refused(
            &token,
            KEY,
            JwtError::Malformed,
            &format!("header {header:?} is not a JSON object"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Wycheproof

/// Cases of the Wycheproof HS256 groups that no strict verifier can meet, and why. They are
/// counted as skipped, not run.
const CONTRADICTORY: [(u64, &str); 4] = [
    (
        367,
        "byte for byte the token of case 357 (valid), yet labelled invalid",
    ),
    (
        370,
        "byte for byte the token of case 357 (valid), yet labelled invalid",
    ),
    (
        372,
        "labelled valid, but its MAC is of the text without the '?' it contains",
    ),
    (
        373,
        "labelled valid, but its MAC is of the text without the '?' it contains",
    ),
];

/// The HS256 cases measured with the reference solution: 40 in the file, 4 skipped above.
const HS256_CASES: usize = 36;

#[test]
fn wycheproof_json_web_signature_hs256() {
    let Some(text) =
        testkit::vectors::read_to_string("crypto/wycheproof/json_web_signature_test.json")
    else {
        return;
    };
    let file: serde_json::Value = serde_json::from_str(&text).expect("the Wycheproof file is JSON");
    let (mut run, mut failures) = (0, Vec::new());
    for group in file["testGroups"].as_array().unwrap() {
        let jwk = &group["private"];
        if jwk["kty"] != "oct" {
            continue; // RSA and EC keys: other algorithms, out of scope here
        }
        let key = URL_SAFE_NO_PAD.decode(jwk["k"].as_str().unwrap()).unwrap();
        for case in group["tests"].as_array().unwrap() {
            let id = case["tcId"].as_u64().unwrap();
            if CONTRADICTORY.iter().any(|(skip, _)| *skip == id) {
                continue;
            }
            run += 1;
            let jws = case["jws"].as_str().unwrap();
            let valid = case["result"] == "valid";
            let got = verify(jws, &key);
            if got.is_ok() != valid {
                failures.push(format!(
                    "tcId {id} ({}): expected {}, got {got:?} for {jws:?}",
                    case["comment"].as_str().unwrap_or(""),
                    if valid { "a payload" } else { "an error" },
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {run} Wycheproof HS256 cases disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        run >= HS256_CASES,
        "expected at least {HS256_CASES} HS256 cases, ran {run}: did the file change?"
    );
}
