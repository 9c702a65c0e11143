//! The specification of the authorization code flow with PKCE: the verifier's rules, the S256
//! challenge (RFC 7636 App. B), exact redirect_uri matching, codes that are random, bound,
//! short-lived and single use, and the client's state check.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth_pkce::{
    AuthRequest, AuthResponse, AuthServer, OAuthError, TokenRequest, check_callback,
    is_valid_verifier, s256_challenge,
};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// RFC 7636 App. B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const CALLBACK: &str = "https://app.example/callback";
const APP_SCHEME: &str = "com.example.app:/oauth";
const TTL: u64 = 60;
const T0: u64 = 1_767_225_600;

fn server() -> AuthServer<StdRng> {
    let mut server = AuthServer::new(StdRng::seed_from_u64(1), TTL);
    server.register("app", &[CALLBACK, APP_SCHEME]);
    server.register("other-app", &["https://other.example/cb"]);
    server
}

fn request() -> AuthRequest {
    AuthRequest {
        client_id: "app".into(),
        redirect_uri: CALLBACK.into(),
        state: "xyz-state-1".into(),
        code_challenge: CHALLENGE.into(),
        code_challenge_method: "S256".into(),
    }
}

#[track_caller]
fn code_for(server: &mut AuthServer<StdRng>, req: &AuthRequest) -> String {
    match server.authorize(req, "alice", T0) {
        Ok(response) => response.code,
        Err(e) => panic!("authorize({req:?}) should issue a code, got {e:?}"),
    }
}

fn token_request(code: &str) -> TokenRequest {
    TokenRequest {
        code: code.into(),
        client_id: "app".into(),
        redirect_uri: CALLBACK.into(),
        code_verifier: VERIFIER.into(),
    }
}

// ---------------------------------------------------------------------------------------------
// The verifier and the challenge

#[test]
fn s256_challenge_of_rfc7636_appendix_b() {
    assert_eq!(
        s256_challenge(VERIFIER),
        CHALLENGE,
        "RFC 7636 App. B: BASE64URL-NOPAD(SHA256(ASCII(verifier)))"
    );
}

#[test]
fn s256_challenge_hashes_the_verifiers_ascii() {
    for verifier in ["~".repeat(128), "a.b-c_d~".repeat(6)] {
        let want = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert_eq!(s256_challenge(&verifier), want, "challenge of {verifier:?}");
    }
}

#[test]
fn a_verifier_has_43_to_128_characters() {
    for (len, valid) in [
        (0, false),
        (42, false),
        (43, true),
        (100, true),
        (128, true),
        (129, false),
        (1000, false),
    ] {
        let verifier = "a".repeat(len);
        assert_eq!(
            is_valid_verifier(&verifier),
            valid,
            "a verifier of {len} characters is {} (RFC 7636 §4.1: 43 to 128; fewer is guessable)",
            if valid { "valid" } else { "invalid" }
        );
    }
}

#[test]
fn a_verifier_uses_only_unreserved_characters() {
    let base = "a".repeat(42);
    for c in ['A', 'z', '0', '9', '-', '.', '_', '~'] {
        assert!(
            is_valid_verifier(&format!("{base}{c}")),
            "{c:?} is unreserved: allowed"
        );
    }
    for c in ['+', '/', '=', ' ', '%', '!', '\n', '\0'] {
        assert!(
            !is_valid_verifier(&format!("{base}{c}")),
            "{c:?} is not in A-Z a-z 0-9 - . _ ~"
        );
    }
    assert!(
        !is_valid_verifier(&format!("{}é", "a".repeat(41))),
        "'é' is not ASCII (43 bytes, 42 characters)"
    );
}

// ---------------------------------------------------------------------------------------------
// /authorize

#[test]
fn authorize_redirects_with_a_code_and_the_state() {
    let mut server = server();
    let response = server
        .authorize(&request(), "alice", T0)
        .expect("a good request gets a code");
    assert_eq!(
        response.redirect_uri, CALLBACK,
        "back to the redirect_uri of the request"
    );
    assert_eq!(
        response.state, "xyz-state-1",
        "the state comes back unchanged, for the client to check"
    );
    assert_eq!(server.pending_codes(), 1);
}

#[test]
fn a_code_is_32_bytes_from_the_csprng() {
    let mut rng = StdRng::seed_from_u64(1);
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    let mut server = server();
    assert_eq!(
        code_for(&mut server, &request()),
        URL_SAFE_NO_PAD.encode(bytes),
        "the code is new_code()"
    );
    assert_ne!(
        code_for(&mut server, &request()),
        URL_SAFE_NO_PAD.encode(bytes),
        "each code is new"
    );
    assert_eq!(server.pending_codes(), 2);
}

#[test]
fn an_unknown_client_gets_no_code() {
    let mut server = server();
    let req = AuthRequest {
        client_id: "evil-app".into(),
        ..request()
    };
    assert_eq!(
        server.authorize(&req, "alice", T0),
        Err(OAuthError::UnknownClient)
    );
    assert_eq!(server.pending_codes(), 0);
}

#[test]
fn any_registered_redirect_uri_may_be_used() {
    let mut server = server();
    let req = AuthRequest {
        redirect_uri: APP_SCHEME.into(),
        ..request()
    };
    assert_eq!(
        server.authorize(&req, "alice", T0).map(|r| r.redirect_uri),
        Ok(APP_SCHEME.to_owned())
    );
}

#[test]
fn the_redirect_uri_must_match_exactly() {
    let mut server = server();
    // Each of these starts with, contains, or normalises to the registered URI: an attacker
    // who gets the browser sent to one of them receives the victim's code.
    for uri in [
        "https://app.example/callback.evil.example",
        "https://app.example/callback/../../attacker",
        "https://app.example/callbackx",
        "https://app.example/callback/",
        "https://app.example/callback?next=https://evil.example",
        "https://app.example/callback#frag",
        "https://app.example.evil.example/callback",
        "https://APP.EXAMPLE/callback",
        "http://app.example/callback",
        "https://app.example/Callback",
        "https://app.example/callback ",
        "https://app.example/cb",
        "https://other.example/cb",
        "",
    ] {
        let req = AuthRequest {
            redirect_uri: uri.into(),
            ..request()
        };
        assert_eq!(
            server.authorize(&req, "alice", T0),
            Err(OAuthError::BadRedirectUri),
            "redirect_uri {uri:?} is not exactly {CALLBACK:?}: no code may go there"
        );
    }
    assert_eq!(
        server.pending_codes(),
        0,
        "no code issued for a bad redirect_uri"
    );
}

#[test]
fn only_the_s256_method_is_accepted() {
    let mut server = server();
    for method in ["plain", "", "s256", "S512", "S256 "] {
        let req = AuthRequest {
            code_challenge_method: method.into(),
            ..request()
        };
        assert_eq!(
            server.authorize(&req, "alice", T0),
            Err(OAuthError::BadChallenge),
            "method {method:?}: only S256 (plain sends the secret in the front channel)"
        );
    }
    assert_eq!(server.pending_codes(), 0);
}

#[test]
fn the_challenge_must_be_43_base64url_characters() {
    let mut server = server();
    for challenge in [
        "",
        &CHALLENGE[..42],
        &format!("{CHALLENGE}A"),
        &format!("{}=", &CHALLENGE[..42]),
        &CHALLENGE.replace('-', "+"),
        &format!("{}.", &CHALLENGE[..42]),
        &format!("{}~", &CHALLENGE[..42]),
    ] {
        let req = AuthRequest {
            code_challenge: challenge.into(),
            ..request()
        };
        assert_eq!(
            server.authorize(&req, "alice", T0),
            Err(OAuthError::BadChallenge),
            "challenge {challenge:?} is not a SHA-256 in base64url (43 characters of A-Z a-z 0-9 - _; '.' and '~' are verifier characters, not base64url)"
        );
    }
    assert_eq!(server.pending_codes(), 0);
}

// ---------------------------------------------------------------------------------------------
// /token

#[test]
fn a_code_and_its_verifier_give_the_user() {
    let mut server = server();
    let code = code_for(&mut server, &request());
    assert_eq!(
        server.exchange(&token_request(&code), T0 + 1),
        Ok("alice".to_owned())
    );
    assert_eq!(server.pending_codes(), 0, "the code is spent");
}

#[test]
fn a_stolen_code_without_the_verifier_is_useless() {
    let code = code_for(&mut server(), &request());
    // The attacker intercepted the code and saw the challenge, but never the verifier.
    for guess in [
        CHALLENGE.to_owned(),
        "a".repeat(43),
        format!("{}A", &VERIFIER[..42]),
    ] {
        let mut server = server_with_code(&code);
        let req = TokenRequest {
            code_verifier: guess.clone(),
            ..token_request(&code)
        };
        assert_eq!(
            server.exchange(&req, T0 + 1),
            Err(OAuthError::InvalidGrant),
            "verifier {guess:?} is not the one"
        );
    }
}

/// A fresh server holding one code for `request()`, which must come out as `code`.
fn server_with_code(code: &str) -> AuthServer<StdRng> {
    let mut server = server();
    assert_eq!(
        code_for(&mut server, &request()),
        code,
        "a seeded server gives the same code"
    );
    server
}

#[test]
fn a_code_works_once() {
    let mut server = server();
    let code = code_for(&mut server, &request());
    assert!(server.exchange(&token_request(&code), T0 + 1).is_ok());
    assert_eq!(
        server.exchange(&token_request(&code), T0 + 2),
        Err(OAuthError::InvalidGrant),
        "a code replayed (from a log, a history, a proxy) must find nothing"
    );
}

#[test]
fn a_failed_exchange_also_spends_the_code() {
    let mut server = server();
    let code = code_for(&mut server, &request());
    let wrong = TokenRequest {
        code_verifier: "b".repeat(43),
        ..token_request(&code)
    };
    assert_eq!(
        server.exchange(&wrong, T0 + 1),
        Err(OAuthError::InvalidGrant)
    );
    assert_eq!(
        server.exchange(&token_request(&code), T0 + 2),
        Err(OAuthError::InvalidGrant),
        "after one wrong try the code is gone: otherwise an attacker may guess again and again"
    );
    assert_eq!(server.pending_codes(), 0);
}

#[test]
fn a_code_expires_after_its_ttl() {
    let mut server = server();
    let code = code_for(&mut server, &request());
    assert!(
        server.exchange(&token_request(&code), T0 + TTL - 1).is_ok(),
        "a second before the TTL: valid"
    );
    let mut server = server_with_code(&code);
    assert_eq!(
        server.exchange(&token_request(&code), T0 + TTL),
        Err(OAuthError::InvalidGrant),
        "issued at T0, TTL {TTL} s: at T0 + {TTL} the code is dead"
    );
}

#[test]
fn a_code_is_bound_to_its_client() {
    let code = code_for(&mut server(), &request());
    let req = TokenRequest {
        client_id: "other-app".into(),
        ..token_request(&code)
    };
    assert_eq!(
        server_with_code(&code).exchange(&req, T0 + 1),
        Err(OAuthError::InvalidGrant),
        "another client's code"
    );
}

#[test]
fn a_code_is_bound_to_its_redirect_uri() {
    let code = code_for(&mut server(), &request());
    let req = TokenRequest {
        redirect_uri: APP_SCHEME.into(),
        ..token_request(&code)
    };
    assert_eq!(
        server_with_code(&code).exchange(&req, T0 + 1),
        Err(OAuthError::InvalidGrant),
        "the token request must name the redirect_uri the code was sent to (RFC 6749 §4.1.3)"
    );
}

#[test]
fn an_unknown_code_is_refused() {
    let mut server = server();
    code_for(&mut server, &request());
    assert_eq!(
        server.exchange(&token_request("made-up"), T0 + 1),
        Err(OAuthError::InvalidGrant)
    );
    assert_eq!(
        server.exchange(&token_request(""), T0 + 1),
        Err(OAuthError::InvalidGrant)
    );
    assert_eq!(
        server.pending_codes(),
        1,
        "a wrong code spends no other code"
    );
}

#[test]
fn a_malformed_verifier_is_refused_even_when_it_hashes_right() {
    for verifier in [
        "a".repeat(42),
        "a".repeat(129),
        format!("{}+", "a".repeat(42)),
    ] {
        let req = AuthRequest {
            code_challenge: s256_challenge(&verifier),
            ..request()
        };
        let mut server = server();
        let code = code_for(&mut server, &req);
        let token = TokenRequest {
            code_verifier: verifier.clone(),
            ..token_request(&code)
        };
        assert_eq!(
            server.exchange(&token, T0 + 1),
            Err(OAuthError::InvalidGrant),
            "verifier of {} characters ({verifier:?}) breaks RFC 7636 §4.1",
            verifier.len()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The client's state check

fn callback(code: &str, state: &str) -> AuthResponse {
    AuthResponse {
        redirect_uri: CALLBACK.into(),
        code: code.into(),
        state: state.into(),
    }
}

#[test]
fn the_callback_with_our_state_gives_the_code() {
    assert_eq!(
        check_callback(&callback("the-code", "s3cr3t-state"), "s3cr3t-state"),
        Ok("the-code")
    );
}

#[test]
fn a_callback_with_another_state_is_ignored() {
    // Login CSRF: the attacker sends the victim's browser a callback carrying the attacker's
    // own code; the victim's session holds another state.
    for state in [
        "attacker-state",
        "s3cr3t-stat",
        "s3cr3t-state ",
        "",
        "S3CR3T-STATE",
    ] {
        assert_eq!(
            check_callback(&callback("attackers-code", state), "s3cr3t-state"),
            Err(OAuthError::StateMismatch),
            "state {state:?} is not the one this session sent"
        );
    }
}
