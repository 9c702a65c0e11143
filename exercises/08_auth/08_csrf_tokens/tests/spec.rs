//! The specification of CSRF tokens: HMAC tokens bound to the session, refused with any other
//! session or any change; the check on unsafe methods only (every method not listed as
//! safe); and why SameSite cookies alone leave two holes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use csrf_tokens::browser::{SameSite, sends_cookie};
use csrf_tokens::{Csrf, CsrfError, NONCE_BYTES};
use hmac::{Hmac, Mac};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha2::Sha256;

const KEY: &[u8] = b"the server's 32-byte CSRF secret";
const VICTIM: &str = "victim-session-7f3a9c";
const ATTACKER: &str = "attacker-session-01b2";

fn csrf() -> Csrf<StdRng> {
    Csrf::new(KEY, StdRng::seed_from_u64(5))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn mac_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[test]
fn a_token_is_a_nonce_and_a_mac_in_base64url() {
    let token = csrf().token(VICTIM);
    let (nonce, tag) = token
        .split_once('.')
        .unwrap_or_else(|| panic!("nonce.mac expected, got {token:?}"));
    assert_eq!(
        (nonce.len(), tag.len()),
        (22, 43),
        "16 and 32 bytes in base64url without padding: {token:?}"
    );
}

#[test]
fn a_token_is_the_hmac_of_a_fresh_nonce_and_the_session() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut nonce = [0u8; NONCE_BYTES];
    rng.fill_bytes(&mut nonce);
    let want = format!(
        "{}.{}",
        b64(&nonce),
        b64(&mac_of(&[&nonce, VICTIM.as_bytes()]))
    );
    assert_eq!(
        csrf().token(VICTIM),
        want,
        "token = BASE64URL(nonce) '.' BASE64URL(HMAC-SHA256(key, nonce ++ session id)), the nonce \
         being the generator's next 16 bytes"
    );
}

#[test]
fn each_token_is_new() {
    let mut csrf = csrf();
    let (a, b) = (csrf.token(VICTIM), csrf.token(VICTIM));
    assert_ne!(a, b, "a fresh nonce per token");
    assert!(
        csrf.verify(VICTIM, &a) && csrf.verify(VICTIM, &b),
        "and both verify"
    );
}

#[test]
fn a_token_verifies_for_its_session() {
    let mut csrf = csrf();
    let token = csrf.token(VICTIM);
    assert!(csrf.verify(VICTIM, &token));
}

#[test]
fn a_token_of_another_session_is_refused() {
    // The attacker logs in, takes the token from their own page, and puts it in the form
    // they make the victim submit.
    let mut csrf = csrf();
    let attackers_token = csrf.token(ATTACKER);
    assert!(csrf.verify(ATTACKER, &attackers_token));
    assert!(
        !csrf.verify(VICTIM, &attackers_token),
        "a token is bound to the session it was made for: the attacker's own token must not pass \
         with the victim's session"
    );
}

#[test]
fn a_token_of_another_key_is_refused() {
    let token = Csrf::new(b"another server", StdRng::seed_from_u64(5)).token(VICTIM);
    assert!(!csrf().verify(VICTIM, &token));
}

#[test]
fn a_changed_or_malformed_token_is_refused() {
    let mut csrf = csrf();
    let token = csrf.token(VICTIM);
    let (nonce, tag) = token.split_once('.').unwrap();
    let flip = |s: &str, i: usize| {
        let mut b = s.as_bytes().to_vec();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        String::from_utf8(b).unwrap()
    };
    let short_tag = b64(&URL_SAFE_NO_PAD.decode(tag).unwrap()[..16]);
    for (bad, why) in [
        (String::new(), "empty"),
        (nonce.to_owned(), "the nonce alone"),
        (tag.to_owned(), "the MAC alone"),
        (format!("{}.{tag}", flip(nonce, 0)), "a nonce changed"),
        (format!("{nonce}.{}", flip(tag, 5)), "a MAC changed"),
        (
            format!("{nonce}.{short_tag}"),
            "the first 16 bytes of the MAC",
        ),
        (format!("{nonce}."), "no MAC"),
        (format!(".{tag}"), "no nonce"),
        (format!("{tag}.{nonce}"), "the parts swapped"),
        (format!("{token}."), "an extra dot"),
        (format!("{nonce}=.{tag}"), "padding"),
        (format!(" {token}"), "a leading space"),
    ] {
        assert!(!csrf.verify(VICTIM, &bad), "{why}: {bad:?} must not verify");
    }
}

#[test]
fn the_nonce_must_be_16_bytes() {
    // Without the length check, nonce ++ session can be split elsewhere: the MAC of
    // (N, "victim-session-7f3a9c") is also the MAC of (N ++ "victim-", "session-7f3a9c").
    let mut csrf = csrf();
    let token = csrf.token(VICTIM);
    let (nonce, tag) = token.split_once('.').unwrap();
    let mut longer = URL_SAFE_NO_PAD.decode(nonce).unwrap();
    longer.extend_from_slice(b"victim-");
    let spliced = format!("{}.{tag}", b64(&longer));
    assert!(
        !csrf.verify("session-7f3a9c", &spliced),
        "a 23-byte nonce: the MAC matches, but the nonce is not 16 bytes, so the token is refused"
    );
}

// ---------------------------------------------------------------------------------------------
// The check

#[test]
fn safe_methods_pass_unchecked() {
    let csrf = csrf();
    for method in ["GET", "HEAD", "OPTIONS", "TRACE"] {
        assert_eq!(
            csrf.check(method, None, None),
            Ok(()),
            "{method} is safe (RFC 9110 §9.2.1)"
        );
        assert_eq!(
            csrf.check(method, Some(VICTIM), Some("junk")),
            Ok(()),
            "{method}: the token is not even read"
        );
    }
}

#[test]
fn unsafe_methods_need_a_session() {
    assert_eq!(
        csrf().check("POST", None, Some("x.y")),
        Err(CsrfError::NoSession)
    );
}

#[test]
fn unsafe_methods_need_a_token() {
    assert_eq!(
        csrf().check("POST", Some(VICTIM), None),
        Err(CsrfError::MissingToken),
        "a forged form carries the cookie but no token"
    );
}

#[test]
fn unsafe_methods_need_the_sessions_token() {
    let mut csrf = csrf();
    let good = csrf.token(VICTIM);
    let attackers = csrf.token(ATTACKER);
    assert_eq!(csrf.check("POST", Some(VICTIM), Some(&good)), Ok(()));
    assert_eq!(
        csrf.check("POST", Some(VICTIM), Some(&attackers)),
        Err(CsrfError::BadToken)
    );
    assert_eq!(
        csrf.check("POST", Some(VICTIM), Some("forged")),
        Err(CsrfError::BadToken)
    );
}

#[test]
fn every_method_not_listed_as_safe_is_checked() {
    let csrf = csrf();
    for method in [
        "POST", "PUT", "PATCH", "DELETE", "CONNECT", "PROPFIND", "FOO", "get", "Get", "head",
        "GET ", "",
    ] {
        assert_eq!(
            csrf.check(method, Some(VICTIM), None),
            Err(CsrfError::MissingToken),
            "{method:?} is not one of the safe methods as spelt in RFC 9110: it is checked (deny by default)"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Why SameSite alone is not enough

#[test]
fn strict_cookies_still_come_from_a_sibling_subdomain() {
    // A page on another subdomain of the same site (user content, a forgotten marketing page
    // taken over) posts to the app. Same site: even a Strict cookie is attached.
    let (from, to) = ("https://pages.example.com", "https://app.example.com");
    assert!(
        sends_cookie(SameSite::Strict, from, to, "POST", false),
        "same site, so the browser sends the session cookie"
    );
    let mut csrf = csrf();
    let attackers = csrf.token(ATTACKER);
    assert_eq!(
        csrf.check("POST", Some(VICTIM), None),
        Err(CsrfError::MissingToken),
        "the cookie came along; only the token requirement stops the forged POST"
    );
    assert_eq!(
        csrf.check("POST", Some(VICTIM), Some(&attackers)),
        Err(CsrfError::BadToken),
        "and a token of the attacker's session is refused"
    );
}

#[test]
fn lax_cookies_come_with_a_cross_site_get_navigation() {
    let (from, to) = ("https://evil.test", "https://app.example.com");
    assert!(
        !sends_cookie(SameSite::Lax, from, to, "POST", true),
        "Lax stops a cross-site POST"
    );
    assert!(
        sends_cookie(SameSite::Lax, from, to, "GET", true),
        "but a link to app.example.com/transfer?to=evil, followed, carries the cookie"
    );
    assert_eq!(
        csrf().check("GET", Some(VICTIM), None),
        Ok(()),
        "and GET is not checked for a token (links must work): so a GET must never change state"
    );
}
