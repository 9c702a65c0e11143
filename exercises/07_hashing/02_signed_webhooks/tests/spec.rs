//! The specification: `hmac_sha256` is HMAC-SHA256 (RFC 4231's vectors), `tag_matches`
//! refuses every tag but the exact one (Wycheproof's), `sign` covers the timestamp and the raw
//! body, and `Verifier::verify` refuses forged, altered, stale, future and replayed deliveries.
//! The expected signatures are computed here with the `hmac` crate directly.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use signed_webhooks::{Verifier, WebhookError, hmac_sha256, sign, tag_matches};

const SECRET: &[u8] = b"whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
const T0: u64 = 1_700_000_000;
const TOLERANCE: u64 = 300;
const BODY: &[u8] = br#"{"id": "evt_1", "type": "payment.succeeded", "amount": 4200}"#;

/// The header a correct provider sends: HMAC-SHA256 of "<t>." + body, by the `hmac` crate.
fn reference_header(secret: &[u8], t: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn expect(result: Result<(), WebhookError>, want: Result<(), WebhookError>, why: &str) {
    assert_eq!(result, want, "{why}");
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA256 itself

#[test]
fn hmac_of_rfc_4231_test_case_2() {
    // RFC 4231 §4.3, test case 2: a key shorter than the output, "what do ya want for nothing?".
    assert_eq!(
        hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        "HMAC-SHA256(\"Jefe\", \"what do ya want for nothing?\") per RFC 4231 §4.3"
    );
}

#[test]
fn hmac_passes_rfc_4231_test_cases_1_to_7() {
    // RFC 4231 §4.2–§4.8: keys shorter than, equal to and longer than the block size (a key
    // longer than 64 bytes is hashed first), and §4.6's output truncated to 128 bits.
    let Some(text) = testkit::vectors::read_to_string("rfc/rfc_vectors.json") else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).expect("rfc_vectors.json is JSON");
    let cases = all["rfc4231_section4_hmac_sha256"]
        .as_array()
        .expect("the RFC 4231 cases");
    let mut run = 0;
    for case in cases {
        let key = hex::decode(case["key_hex"].as_str().unwrap()).unwrap();
        let data = hex::decode(case["data_hex"].as_str().unwrap()).unwrap();
        let want = case["hmac_sha256_hex"].as_str().unwrap();
        let got = hex::encode(hmac_sha256(&key, &data));
        // Test case 5 (§4.6) gives only the first 16 bytes of the tag.
        assert_eq!(
            &got[..want.len()],
            want,
            "RFC 4231 test case {} ({}-byte key, {}-byte message)",
            case["test_case"],
            key.len(),
            data.len()
        );
        run += 1;
    }
    assert!(run >= 7, "RFC 4231 has 7 test cases, ran {run}");
}

#[test]
fn tag_matches_accepts_the_right_tag_only() {
    let tag = hmac_sha256(b"key", b"message");
    assert!(
        tag_matches(b"key", b"message", &tag),
        "the tag of the message matches"
    );
    let mut wrong = tag;
    wrong[31] ^= 1;
    assert!(
        !tag_matches(b"key", b"message", &wrong),
        "one flipped bit in the last byte: not a match"
    );
    assert!(
        !tag_matches(b"other key", b"message", &tag),
        "another key: not a match"
    );
}

#[test]
fn tag_matches_refuses_truncated_and_empty_tags() {
    let tag = hmac_sha256(b"key", b"message");
    assert!(
        !tag_matches(b"key", b"message", &tag[..16]),
        "the first 16 bytes of the right tag are not a match: a comparison that stops at the \
         shorter length lets an attacker guess a 1-byte tag in 256 tries"
    );
    assert!(
        !tag_matches(b"key", b"message", &[]),
        "an empty tag matches nothing (a zip-compare of nothing is `true`)"
    );
    let mut longer = tag.to_vec();
    longer.push(0);
    assert!(
        !tag_matches(b"key", b"message", &longer),
        "33 bytes are not a match"
    );
}

#[test]
fn tag_matches_passes_wycheproof_hmac_sha256() {
    // C2SP Wycheproof hmac_sha256_test.json, the groups with 256-bit tags: pseudorandom valid
    // cases and "ModifiedTag" invalid ones (flipped bits, tags of zeros, truncations).
    let Some(text) = testkit::vectors::read_to_string("crypto/wycheproof/hmac_sha256_test.json")
    else {
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).expect("Wycheproof is JSON");
    let mut run = 0;
    for group in all["testGroups"].as_array().unwrap() {
        if group["tagSize"] != 256 {
            continue; // truncated-tag groups: this scheme sends and requires all 32 bytes
        }
        for case in group["tests"].as_array().unwrap() {
            let field = |name: &str| hex::decode(case[name].as_str().unwrap()).unwrap();
            let valid = case["result"] == "valid";
            assert_eq!(
                tag_matches(&field("key"), &field("msg"), &field("tag")),
                valid,
                "Wycheproof hmac_sha256 tcId {} ({}): expected {}",
                case["tcId"],
                case["comment"],
                if valid { "a match" } else { "no match" }
            );
            run += 1;
        }
    }
    assert!(
        run >= 87,
        "expected at least 87 Wycheproof cases with 256-bit tags, ran {run}"
    );
}

// ---------------------------------------------------------------------------------------------
// Signing

#[test]
fn sign_covers_the_timestamp_and_the_raw_body() {
    assert_eq!(
        sign(SECRET, T0, BODY),
        reference_header(SECRET, T0, BODY),
        "the header is t=<t>,v1=<hex of HMAC-SHA256(secret, \"<t>.\" + body)>"
    );
}

#[test]
fn sign_takes_any_bytes_as_body() {
    let binary = [0xff, 0x00, 0xfe, b'.', 0x80];
    assert_eq!(
        sign(SECRET, T0, &binary),
        reference_header(SECRET, T0, &binary),
        "not UTF-8"
    );
    assert_eq!(
        sign(SECRET, T0, b""),
        reference_header(SECRET, T0, b""),
        "an empty body"
    );
}

// ---------------------------------------------------------------------------------------------
// Verifying

fn verifier() -> Verifier {
    Verifier::new(SECRET, TOLERANCE)
}

#[test]
fn a_genuine_delivery_is_accepted() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    expect(
        v.verify(&header, BODY, T0),
        Ok(()),
        "a delivery signed by the provider, on time",
    );
}

#[test]
fn the_raw_body_is_verified_not_a_re_encoding() {
    // Spacing, key order, an escaped "é" and a trailing newline: what any JSON library would
    // change on the way through parse and serialise.
    let body =
        b"{ \"type\":\"payment.succeeded\",  \"name\": \"Ren\\u00e9e\", \"amount\" : 4200 }\n";
    let mut v = verifier();
    expect(
        v.verify(&reference_header(SECRET, T0, body), body, T0),
        Ok(()),
        "the signature covers the body's bytes exactly as received",
    );
    let binary = [0xff, 0x00, 0xfe];
    expect(
        v.verify(&reference_header(SECRET, T0, &binary), &binary, T0),
        Ok(()),
        "a body that is not UTF-8 is still bytes to verify",
    );
}

#[test]
fn an_altered_body_is_refused() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    let altered = br#"{"id": "evt_1", "type": "payment.succeeded", "amount": 9999}"#;
    expect(
        v.verify(&header, altered, T0),
        Err(WebhookError::BadSignature),
        &format!("the body was changed to {:?} after signing", text(altered)),
    );
}

#[test]
fn a_signature_under_another_secret_is_refused() {
    let mut v = verifier();
    let header = reference_header(b"an attacker's guess", T0, BODY);
    expect(
        v.verify(&header, BODY, T0),
        Err(WebhookError::BadSignature),
        "wrong secret",
    );
}

#[test]
fn a_new_timestamp_on_an_old_signature_is_refused() {
    let mut v = verifier();
    let old = reference_header(SECRET, T0, BODY);
    let signature = old.split_once(',').unwrap().1;
    let restamped = format!("t={},{signature}", T0 + 3600);
    expect(
        v.verify(&restamped, BODY, T0 + 3600),
        Err(WebhookError::BadSignature),
        "the timestamp is part of the signed bytes: an old signature with a new time must fail",
    );
}

#[test]
fn a_truncated_or_empty_signature_is_refused() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    expect(
        v.verify(&header[..header.len() - 32], BODY, T0),
        Err(WebhookError::BadSignature),
        "half of the right signature is not the signature",
    );
    expect(
        v.verify(&format!("t={T0},v1="), BODY, T0),
        Err(WebhookError::BadSignature),
        "an empty signature matches nothing",
    );
}

#[test]
fn timestamps_at_the_edges_of_the_window_are_accepted() {
    let mut v = verifier();
    let old = reference_header(SECRET, T0, BODY);
    expect(
        v.verify(&old, BODY, T0 + TOLERANCE),
        Ok(()),
        "exactly `tolerance` seconds old is inside the window",
    );
    let ahead = reference_header(SECRET, T0 + TOLERANCE, BODY);
    expect(
        v.verify(&ahead, BODY, T0),
        Ok(()),
        "exactly `tolerance` seconds ahead (clock skew) is inside the window",
    );
}

#[test]
fn a_stale_delivery_is_refused() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    expect(
        v.verify(&header, BODY, T0 + TOLERANCE + 1),
        Err(WebhookError::Expired),
        "one second past the window: a captured delivery sent again later",
    );
}

#[test]
fn a_delivery_from_the_future_is_refused() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0 + TOLERANCE + 1, BODY);
    expect(
        v.verify(&header, BODY, T0),
        Err(WebhookError::Expired),
        "a timestamp beyond the window ahead: accepted, it would stay replayable for longer",
    );
    let far = reference_header(SECRET, u64::MAX, BODY);
    expect(
        v.verify(&far, BODY, T0),
        Err(WebhookError::Expired),
        "t = u64::MAX",
    );
}

#[test]
fn a_replay_within_the_window_is_refused() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    expect(v.verify(&header, BODY, T0), Ok(()), "the first delivery");
    expect(
        v.verify(&header, BODY, T0 + 10),
        Err(WebhookError::Replayed),
        "the same delivery again: a second payment.succeeded for one payment",
    );
    expect(
        v.verify(&header, BODY, T0 + TOLERANCE),
        Err(WebhookError::Replayed),
        "and still at the window's last second",
    );
}

#[test]
fn a_replay_after_the_window_is_refused_as_expired() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    expect(v.verify(&header, BODY, T0), Ok(()), "the first delivery");
    expect(
        v.verify(&header, BODY, T0 + TOLERANCE + 1),
        Err(WebhookError::Expired),
        "once forgotten, the timestamp check refuses it",
    );
}

#[test]
fn a_refused_delivery_does_not_burn_its_signature() {
    let mut v = verifier();
    let header = reference_header(SECRET, T0, BODY);
    // An attacker who saw the header (not the body) sends it first with another body.
    expect(
        v.verify(&header, b"{}", T0),
        Err(WebhookError::BadSignature),
        "forged body",
    );
    expect(
        v.verify(&header, BODY, T0 + 1),
        Ok(()),
        "the genuine delivery must still be accepted: remember a signature only once verified",
    );
}

#[test]
fn different_deliveries_are_not_replays() {
    let mut v = verifier();
    for i in 0..5 {
        let body = format!("{{\"id\": \"evt_{i}\"}}");
        let header = reference_header(SECRET, T0 + i, body.as_bytes());
        expect(
            v.verify(&header, body.as_bytes(), T0 + i),
            Ok(()),
            &format!("delivery {i}"),
        );
    }
}

#[test]
fn signatures_are_forgotten_once_out_of_the_window() {
    let mut v = verifier();
    for i in 0..3 {
        let body = format!("{{\"id\": \"evt_{i}\"}}");
        let header = reference_header(SECRET, T0 + i, body.as_bytes());
        v.verify(&header, body.as_bytes(), T0 + i).unwrap();
    }
    assert_eq!(
        v.remembered(),
        3,
        "three accepted deliveries, three signatures remembered"
    );
    // At T0 + 1 + TOLERANCE, evt_0 (signed at T0) has left the window; evt_1 is at its edge.
    let header = reference_header(SECRET, T0 + 1 + TOLERANCE, BODY);
    v.verify(&header, BODY, T0 + 1 + TOLERANCE).unwrap();
    assert_eq!(
        v.remembered(),
        3,
        "evt_0 is forgotten (its timestamp now fails the window), evt_1 and evt_2 are kept, \
         the new one is added: the memory holds one window of deliveries, not all of them"
    );
}

#[test]
fn signatures_are_not_remembered_when_refused() {
    let mut v = verifier();
    let _ = v.verify(&reference_header(b"wrong", T0, BODY), BODY, T0);
    let _ = v.verify(&reference_header(SECRET, T0, BODY), b"altered", T0);
    let _ = v.verify(&reference_header(SECRET, T0 - 1000, BODY), BODY, T0);
    assert_eq!(
        v.remembered(),
        0,
        "refused deliveries leave nothing to remember"
    );
}

#[test]
fn malformed_headers_are_refused() {
    let mut v = verifier();
    let sig = "0".repeat(64);
    for header in [
        String::new(),
        format!("v1={sig}"),
        format!("t={T0}"),
        format!("t=,v1={sig}"),
        format!("t=+{T0},v1={sig}"),
        format!("t=soon,v1={sig}"),
        format!("t={T0},v1=not-hex"),
        format!("v1={sig},t={T0}"),
    ] {
        expect(
            v.verify(&header, BODY, T0),
            Err(WebhookError::Malformed),
            &format!("the header {header:?} is not t=<digits>,v1=<hex>"),
        );
    }
}
