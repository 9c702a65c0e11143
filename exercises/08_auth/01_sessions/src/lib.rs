//! # Sessions: an opaque id, a store on the server, a cookie
//!
//! HTTP forgets the client between requests. After a login, the server hands the browser a
//! **session id** in a cookie; the browser sends it back with every request, and the server
//! looks it up in its **session store** to learn who is asking. The id is a bearer secret:
//! whoever holds it *is* the user. So:
//!
//! - **It is opaque and unguessable**: 32 bytes from a cryptographically secure random number
//!   generator (256 bits; OWASP asks for at least 64 bits of entropy), encoded as base64url
//!   without padding (43 characters). Never a counter, a timestamp or the user name. The store
//!   takes its generator as `R: RngCore + CryptoRng`: the type system refuses a weak one, and a
//!   test can pass a seeded one to predict the ids.
//! - **It expires on the server**, not only in the browser, which an attacker does not have to
//!   obey. A session dies after `idle` seconds without a request (a forgotten laptop) and
//!   `absolute` seconds after it began, however busy (a stolen id stops working eventually).
//!   It is valid while `now < last_seen + idle` and `now < created + absolute`; each valid
//!   lookup moves `last_seen` to `now`. An expired session is removed when met.
//! - **Login issues a new id** and deletes the old one. Otherwise, *session fixation*: an
//!   attacker gets an anonymous session, plants its id in the victim's browser (a link, a
//!   subdomain cookie), waits for the victim to log in, and is then logged in as the victim.
//! - **Logout deletes the session on the server.** Clearing the cookie alone leaves a copied
//!   id working.
//!
//! The cookie (RFC 6265 §4.1) is `__Host-sid=<id>` followed by these attributes, each after
//! `"; "`: `Path=/`; `Max-Age=<seconds>` — what is left of the absolute lifetime, so the
//! browser forgets the id when the server would refuse it; `Secure` (HTTPS only); `HttpOnly`
//! (out of reach of page scripts, so an XSS cannot read it); `SameSite=Lax` (not sent on
//! cross-site sub-requests and form posts). No `Domain`: the `__Host-` prefix makes browsers
//! refuse the cookie unless it is Secure, has `Path=/` and no `Domain` (RFC 6265bis §4.1.3.2).
//!
//! Time is injected: every method takes `now`, in seconds since the Unix epoch.
//!
//! Primary sources: OWASP Session Management Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html>;
//! RFC 6265 §4.1, <https://www.rfc-editor.org/rfc/rfc6265#section-4.1>.

use std::collections::HashMap;

use rand::{CryptoRng, RngCore};

impl<R: RngCore + CryptoRng> SessionStore<R> {
    /// A fresh id: [`ID_BYTES`] bytes from the store's generator, base64url without padding.
    pub fn new_id(&mut self) -> String {
        // TODO: fill ID_BYTES bytes from self.rng and encode them with
        //       base64::engine::general_purpose::URL_SAFE_NO_PAD (its `encode` needs the
        //       base64::Engine trait in scope).
        let _ = &mut self.rng;
        todo!("a random session id")
    }

    /// Starts an anonymous session (a visitor before login) and returns its id.
    pub fn start(&mut self, now: u64) -> String {
        // TODO: a new id, mapped to a Session with no user, created and last seen `now`.
        let _ = now;
        todo!("start an anonymous session")
    }

    /// Logs `user` in: deletes the session `old_id` if there is one, and returns the id of a
    /// new session for `user`, created `now`.
    pub fn login(&mut self, old_id: Option<&str>, user: &str, now: u64) -> String {
        // TODO: never reuse old_id (session fixation): remove it, start afresh.
        let _ = (old_id, user, now);
        todo!("log a user in")
    }

    /// The live session `id`, if any: refreshes its `last_seen` to `now`; removes it (and
    /// returns `None`) if it has passed its idle or absolute timeout.
    pub fn get(&mut self, id: &str, now: u64) -> Option<&Session> {
        // TODO: look it up, check both timeouts, remove it if expired, else touch it.
        let _ = (id, now, self.idle, self.absolute);
        todo!("look a session up")
    }

    /// Deletes the session `id` on the server.
    pub fn logout(&mut self, id: &str) {
        // TODO
        let _ = id;
        todo!("log out")
    }

    /// The `Set-Cookie` value for the live session `id` (see the doc above), or `None` if it
    /// is not live.
    pub fn set_cookie(&mut self, id: &str, now: u64) -> Option<String> {
        // TODO: Max-Age is the absolute lifetime left: created + absolute - now.
        let _ = (id, now);
        todo!("the Set-Cookie header value")
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the store's types. The learner's methods above use these fields.
// ---------------------------------------------------------------------------------------------

/// How many random bytes make a session id: 256 bits.
pub const ID_BYTES: usize = 32;

/// The cookie's name. The `__Host-` prefix binds it to this exact host, over HTTPS.
pub const COOKIE_NAME: &str = "__Host-sid";

/// The `Set-Cookie` value that makes the browser forget the id (sent on logout).
pub const CLEAR_COOKIE: &str = "__Host-sid=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax";

/// One session as the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The logged-in user, or `None` for an anonymous visitor.
    pub user: Option<String>,
    /// When the session began (seconds since the epoch).
    pub created: u64,
    /// When it was last used.
    pub last_seen: u64,
}

/// The server-side session store.
#[derive(Debug)]
pub struct SessionStore<R> {
    /// Where ids come from: a cryptographically secure generator.
    rng: R,
    /// Every session the server knows, by id.
    sessions: HashMap<String, Session>,
    /// Seconds without a request after which a session dies.
    idle: u64,
    /// Seconds after its start after which a session dies, however active.
    absolute: u64,
}

impl<R: RngCore + CryptoRng> SessionStore<R> {
    /// An empty store drawing ids from `rng` (in production, `rand::rngs::OsRng`).
    pub fn new(rng: R, idle: u64, absolute: u64) -> Self {
        SessionStore {
            rng,
            sessions: HashMap::new(),
            idle,
            absolute,
        }
    }

    /// How many sessions the server holds (expired ones are removed when met).
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Whether the server holds no session.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}
