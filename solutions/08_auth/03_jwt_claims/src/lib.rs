//! # JWT, step 2: the claims
//!
//! Step 1 (given, in `jws.rs`) proves that the token's bytes come from someone holding the
//! key. That is not yet a reason to let the request in. The payload is a JSON object of
//! **claims** (RFC 7519 §4.1), and a valid signature on claims that say "expired last year" or
//! "meant for the billing service" still must be refused. `validate` checks, in this order:
//!
//! 1. the JWS verifies (step 1's `verify`); its error comes back as `ClaimsError::Token`;
//! 2. the payload is a JSON object, else `NotAnObject`;
//! 3. `exp`, the expiry, is **required** here (a token without one is good forever) and
//!    valid while `now < exp + leeway`, else `Expired`;
//! 4. `nbf`, "not before", optional: valid once `now + leeway >= nbf`, else `NotYetValid`;
//! 5. `iat`, "issued at", optional: a token issued after `now + leeway` is `IssuedInTheFuture`;
//! 6. `iss`, the issuer, required, exactly `expected.issuer`, else `Issuer`;
//! 7. `aud`, the audience, required: a string or an array of strings (§4.1.3) that is or
//!    contains `expected.audience`, else `Audience`. It stops a token that one service
//!    received from being replayed to another that shares the key.
//!
//! A required claim that is absent is `Missing(name)`; a claim of the wrong type is
//! `Invalid(name)`: times are NumericDates (§2), here whole non-negative seconds since the
//! epoch (`as_u64`); `iss` is a string; `aud` a string or an array of strings only.
//!
//! The **leeway** (a few seconds, in `expected.leeway`) absorbs clock skew between the server
//! that issued the token and the one checking it; it widens each time window by that much,
//! no more. Time is injected: `now` is the verifier's clock, in seconds since the epoch.
//!
//! The tests cross-check with `jsonwebtoken`, the most used Rust JWT crate: its tokens must
//! pass your `validate`, and the tokens of this crate's `issue` must pass its `decode`.
//!
//! Primary sources: RFC 7519 §4.1, <https://www.rfc-editor.org/rfc/rfc7519#section-4.1>;
//! RFC 8725 §3.8–3.9 (validate issuer and audience),
//! <https://www.rfc-editor.org/rfc/rfc8725#section-3.8>.

mod jws;

pub use jws::{HEADER, HmacSha256, JwtError, sign, sign_with_header, verify};

use serde_json::Value;

/// Checks `token` under `key` for the service `expected` describes, at time `now`, and returns
/// its claims.
pub fn validate(
    token: &str,
    key: &[u8],
    expected: &Expected,
    now: u64,
) -> Result<Value, ClaimsError> {
    let payload = verify(token, key).map_err(ClaimsError::Token)?;
    let claims: Value = serde_json::from_slice(&payload).map_err(|_| ClaimsError::NotAnObject)?;
    if !claims.is_object() {
        return Err(ClaimsError::NotAnObject);
    }
    let leeway = expected.leeway;

    // A token without an expiry would be good forever: this service refuses to issue or take one.
    let exp = time_claim(&claims, "exp")?.ok_or(ClaimsError::Missing("exp"))?;
    if now >= exp + leeway {
        return Err(ClaimsError::Expired);
    }
    if let Some(nbf) = time_claim(&claims, "nbf")?
        && now + leeway < nbf
    {
        return Err(ClaimsError::NotYetValid);
    }
    if let Some(iat) = time_claim(&claims, "iat")?
        && iat > now + leeway
    {
        return Err(ClaimsError::IssuedInTheFuture);
    }

    match claims.get("iss") {
        None => return Err(ClaimsError::Missing("iss")),
        Some(Value::String(iss)) if *iss == expected.issuer => {}
        Some(Value::String(_)) => return Err(ClaimsError::Issuer),
        Some(_) => return Err(ClaimsError::Invalid("iss")),
    }

    // aud is one string or an array of strings (RFC 7519 §4.1.3).
    let audiences: Vec<&Value> = match claims.get("aud") {
        None => return Err(ClaimsError::Missing("aud")),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    if !audiences.iter().all(|aud| aud.is_string()) {
        return Err(ClaimsError::Invalid("aud"));
    }
    if !audiences
        .iter()
        .any(|aud| *aud == expected.audience.as_str())
    {
        return Err(ClaimsError::Audience);
    }
    Ok(claims)
}

/// The NumericDate claim `name`: `None` if absent, `Invalid` unless whole non-negative seconds.
fn time_claim(claims: &Value, name: &'static str) -> Result<Option<u64>, ClaimsError> {
    claims
        .get(name)
        .map(|value| value.as_u64().ok_or(ClaimsError::Invalid(name)))
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// Given: what the service expects, why a token is refused, and issuing tokens.
// ---------------------------------------------------------------------------------------------

/// What this service expects of a token.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The only issuer it trusts (`iss`).
    pub issuer: String,
    /// Its own name, which must be among the token's audiences (`aud`).
    pub audience: String,
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
    pub leeway: u64,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimsError {
    /// The JWS itself did not verify (step 1).
    Token(JwtError),
    /// The payload is not a JSON object.
    NotAnObject,
    /// A required claim is absent.
    Missing(&'static str),
    /// A claim has the wrong type.
    Invalid(&'static str),
    /// `now` is at or past `exp + leeway`.
    Expired,
    /// `now + leeway` is before `nbf`.
    NotYetValid,
    /// `iat` is after `now + leeway`.
    IssuedInTheFuture,
    /// `iss` is not the expected issuer.
    Issuer,
    /// The expected audience is not in `aud`.
    Audience,
}

/// Issues a token carrying `claims`, signed with `key`.
pub fn issue(claims: &Value, key: &[u8]) -> String {
    sign(claims.to_string().as_bytes(), key)
}
