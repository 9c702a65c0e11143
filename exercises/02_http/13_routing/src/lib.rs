//! # Which route wins, and the trailing slash: step 3 of a router
//!
//! Steps 1 and 2 are given (`pattern.rs`, `router.rs`): patterns with parameters, resources
//! with their methods, 404 and 405 with `Allow`. Step 2 let the first matching pattern answer.
//! Real route tables overlap, and a router's answer must not depend on the order of `add`:
//!
//! - **Static beats parameter.** `/users/me` and `/users/:id` both match `/users/me`. Compare
//!   the matching patterns segment by segment from the left; at the first segment where one is
//!   static and the other a parameter, the static one wins, whatever the order in which the
//!   routes were added. So `/a/b/:y` beats `/a/:x/c` for `/a/b/c`. Between patterns of the same
//!   shape (`/users/:id`, `/users/:name`), the one added first wins, as before.
//! - **The path picks the resource, then the method.** The most specific matching pattern is
//!   chosen before the method is looked at: `GET /users/me` with only `POST /users/me` and
//!   `GET /users/:id` routed is a 405, not the `:id` handler.
//! - **Trailing slash.** `/docs` and `/docs/` are different paths. When a path matches no
//!   pattern but the same path with the trailing slash added or removed does, the answer is
//!   [`Outcome::Redirect`], a 308 Permanent Redirect to that path (RFC 9110 §15.4.9), instead of
//!   a 404: old links keep working, and every resource still has exactly one URL. The root
//!   `/` has no slash to remove. A path that matches as it is never redirects.
//!
//! Primary sources: RFC 9110 §15.4.9 (308) and §15.5.5 (404),
//! <https://www.rfc-editor.org/rfc/rfc9110#section-15.4.9>.

mod pattern;
mod router;

pub use pattern::{InvalidPattern, NotUtf8, Params, Pattern, Segment, percent_decode};
pub use router::{Outcome, Resource, RouteError, Router};

impl<T> Router<T> {
    /// Decides who answers `method path` (the path without its query string).
    pub fn route(&self, method: &str, path: &str) -> Outcome<'_, T> {
        // TODO: among the resources whose `pattern.capture(path)` is Some, take the most
        //       specific (compare `pattern.segments()` from the left); it answers with
        //       `resource.answer(method, path)`. If none matches, try the path with its
        //       trailing slash toggled: a match there is a Redirect, else NotFound.
        todo!(
            "route {method} {path} among {} resources",
            self.resources.len()
        )
    }
}
