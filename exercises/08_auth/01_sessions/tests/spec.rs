//! The specification of sessions: random opaque ids, expiry on the server (idle and absolute,
//! by an injected clock), a new id at login, logout that deletes, and the Set-Cookie header.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};
use sessions::{COOKIE_NAME, ID_BYTES, SessionStore};

const IDLE: u64 = 15 * 60;
const ABSOLUTE: u64 = 8 * 60 * 60;
/// A fixed "now": 2026-01-01T00:00:00Z.
const T0: u64 = 1_767_225_600;

fn store() -> SessionStore<StdRng> {
    SessionStore::new(StdRng::seed_from_u64(7), IDLE, ABSOLUTE)
}

/// The user of the live session `id`, failing if there is none.
#[track_caller]
fn user_of(store: &mut SessionStore<StdRng>, id: &str, now: u64) -> Option<String> {
    match store.get(id, now) {
        Some(session) => session.user.clone(),
        None => panic!("session {id:?} should be live at now = T0 + {}", now - T0),
    }
}

// ---------------------------------------------------------------------------------------------
// The id

#[test]
fn an_id_is_43_base64url_characters() {
    let id = store().new_id();
    assert_eq!(
        id.len(),
        43,
        "32 random bytes in base64url without padding are 43 characters; got {id:?}"
    );
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "an id should use only the base64url alphabet (A-Z a-z 0-9 - _), no '=' padding: {id:?}"
    );
}

#[test]
fn an_id_is_the_generators_next_32_bytes() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut bytes = [0u8; ID_BYTES];
    rng.fill_bytes(&mut bytes);
    let expected = URL_SAFE_NO_PAD.encode(bytes);
    assert_eq!(
        store().new_id(),
        expected,
        "the id should be the first 32 bytes of the store's generator, base64url-encoded: its \
         entropy must come from the CSPRNG, not from a counter or the clock"
    );
}

#[test]
fn ids_never_repeat() {
    let mut store = SessionStore::new(OsRng, IDLE, ABSOLUTE);
    let mut seen = std::collections::HashSet::new();
    for i in 0..1000 {
        let id = store.new_id();
        assert!(
            seen.insert(id.clone()),
            "id {id:?} came twice (at draw {i})"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The store

#[test]
fn start_makes_an_anonymous_session() {
    let mut store = store();
    let id = store.start(T0);
    let session = store
        .get(&id, T0)
        .expect("the session just started should be live")
        .clone();
    assert_eq!(session.user, None, "a session before login has no user");
    assert_eq!(
        (session.created, session.last_seen),
        (T0, T0),
        "created and last seen now"
    );
    assert_eq!(store.len(), 1);
}

#[test]
fn an_unknown_id_is_no_session() {
    let mut store = store();
    store.start(T0);
    assert_eq!(
        store.get("made-up-id", T0),
        None,
        "an id the server never issued is nobody"
    );
}

#[test]
fn login_makes_a_session_for_the_user() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    assert_eq!(user_of(&mut store, &id, T0), Some("alice".into()));
    assert_eq!(store.len(), 1);
}

#[test]
fn login_issues_a_new_id_and_kills_the_old_one_against_session_fixation() {
    let mut store = store();
    // The attacker starts a session and plants its id in the victim's browser.
    let planted = store.start(T0);
    // The victim logs in, sending the planted id.
    let id = store.login(Some(&planted), "victim", T0 + 10);
    assert_ne!(
        id, planted,
        "login must issue a new id, never keep the one the client sent"
    );
    assert_eq!(
        store.get(&planted, T0 + 11).map(|s| s.user.clone()),
        None,
        "after login the planted id must be dead: the attacker who knows it would be the victim"
    );
    assert_eq!(user_of(&mut store, &id, T0 + 11), Some("victim".into()));
    assert_eq!(
        store.len(),
        1,
        "the old session is deleted, not left behind"
    );
}

#[test]
fn login_leaves_other_sessions_alone() {
    let mut store = store();
    let bob = store.login(None, "bob", T0);
    let anon = store.start(T0);
    store.login(Some(&anon), "alice", T0);
    assert_eq!(user_of(&mut store, &bob, T0 + 1), Some("bob".into()));
    assert_eq!(store.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Expiry

#[test]
fn a_session_dies_after_the_idle_timeout() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    assert!(
        store.get(&id, T0 + IDLE - 1).is_some(),
        "live one second before the idle timeout"
    );
    let mut store2 = self::store();
    let id2 = store2.login(None, "alice", T0);
    assert_eq!(
        store2.get(&id2, T0 + IDLE),
        None,
        "{IDLE} s without a request: the session must be dead (valid while now < last_seen + idle)"
    );
}

#[test]
fn each_request_restarts_the_idle_timeout() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    let mut now = T0;
    for _ in 0..5 {
        now += IDLE - 1;
        let last_seen = store.get(&id, now).map(|s| s.last_seen);
        assert_eq!(
            last_seen,
            Some(now),
            "a request at T0 + {} keeps it live and sets last_seen",
            now - T0
        );
    }
}

#[test]
fn a_session_dies_at_the_absolute_timeout_however_busy() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    let mut now = T0;
    while now + 60 < T0 + ABSOLUTE {
        now += 60;
        assert!(
            store.get(&id, now).is_some(),
            "a request every minute keeps it live (T0 + {})",
            now - T0
        );
    }
    assert!(
        store.get(&id, T0 + ABSOLUTE - 1).is_some(),
        "live one second before the absolute timeout"
    );
    assert_eq!(
        store.get(&id, T0 + ABSOLUTE),
        None,
        "{ABSOLUTE} s after login the session must die even if used every minute: a stolen id \
         must stop working some day"
    );
}

#[test]
fn an_expired_session_is_removed_from_the_store() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    store.start(T0 + IDLE);
    assert_eq!(store.get(&id, T0 + IDLE), None);
    assert_eq!(
        store.len(),
        1,
        "the expired session should be removed when met, not kept forever"
    );
    assert_eq!(
        store.get(&id, T0),
        None,
        "a removed session does not come back, whatever the clock says"
    );
}

// ---------------------------------------------------------------------------------------------
// Logout

#[test]
fn logout_kills_the_session_on_the_server() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    store.logout(&id);
    assert_eq!(
        store.get(&id, T0 + 1),
        None,
        "after logout the id must be dead on the server: a copy of the cookie (a shared \
         computer, a proxy log) would otherwise still log in"
    );
    assert!(store.is_empty());
}

#[test]
fn logout_leaves_other_sessions_alone() {
    let mut store = store();
    let alice = store.login(None, "alice", T0);
    let bob = store.login(None, "bob", T0);
    store.logout(&alice);
    store.logout("never-issued");
    assert_eq!(user_of(&mut store, &bob, T0 + 1), Some("bob".into()));
}

// ---------------------------------------------------------------------------------------------
// The cookie

/// The cookie's name=value pair and its attributes, split at "; ".
fn parse(cookie: &str) -> (String, Vec<String>) {
    let mut parts = cookie.split("; ").map(str::to_owned);
    (parts.next().unwrap_or_default(), parts.collect())
}

#[track_caller]
fn cookie(store: &mut SessionStore<StdRng>, id: &str, now: u64) -> String {
    store
        .set_cookie(id, now)
        .unwrap_or_else(|| panic!("set_cookie({id:?}) gave None for a live session"))
}

#[test]
fn the_cookie_carries_the_id_under_its_name() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    let (pair, _) = parse(&cookie(&mut store, &id, T0));
    assert_eq!(
        pair,
        format!("{COOKIE_NAME}={id}"),
        "the cookie starts with name=id"
    );
}

#[test]
fn the_cookie_has_every_protective_attribute() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    let text = cookie(&mut store, &id, T0);
    let (_, attrs) = parse(&text);
    for (want, why) in [
        ("Secure", "sent over HTTPS only, never in clear text"),
        (
            "HttpOnly",
            "out of reach of page scripts: an XSS cannot read the id",
        ),
        (
            "SameSite=Lax",
            "not sent with cross-site sub-requests and form posts",
        ),
        (
            "Path=/",
            "sent to the whole site (and required by the __Host- prefix)",
        ),
    ] {
        assert!(
            attrs.iter().any(|a| a == want),
            "the cookie needs `{want}` ({why}); got {text:?}"
        );
    }
    assert!(
        !attrs
            .iter()
            .any(|a| a.to_ascii_lowercase().starts_with("domain")),
        "no Domain attribute: it would share the cookie with subdomains, and browsers refuse a \
         __Host- cookie that has one; got {text:?}"
    );
}

#[test]
fn max_age_is_the_absolute_lifetime_left() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    // A request every IDLE - 1 seconds keeps it live until the absolute timeout; the last
    // one, a second before it, must say Max-Age=1.
    let times = (0..ABSOLUTE)
        .step_by((IDLE - 1) as usize)
        .chain([ABSOLUTE - 1]);
    for elapsed in times {
        let text = cookie(&mut store, &id, T0 + elapsed);
        let (_, attrs) = parse(&text);
        let want = format!("Max-Age={}", ABSOLUTE - elapsed);
        assert!(
            attrs.contains(&want),
            "{elapsed} s after login the cookie should say `{want}`: the browser forgets the id \
             when the server would refuse it; got {text:?}"
        );
    }
}

#[test]
fn no_cookie_for_a_dead_session() {
    let mut store = store();
    let id = store.login(None, "alice", T0);
    assert_eq!(
        store.set_cookie("never-issued", T0),
        None,
        "no cookie for an unknown id"
    );
    assert_eq!(
        store.set_cookie(&id, T0 + IDLE),
        None,
        "no cookie for an expired session"
    );
    let other = store.login(None, "bob", T0 + IDLE);
    store.logout(&other);
    assert_eq!(
        store.set_cookie(&other, T0 + IDLE),
        None,
        "no cookie after logout"
    );
}
