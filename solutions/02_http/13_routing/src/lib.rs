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
        if let Some(resource) = self.best_match(path) {
            return resource.answer(method, path);
        }
        let location = toggle_trailing_slash(path);
        match self.best_match(&location) {
            Some(_) => Outcome::Redirect { location },
            None => Outcome::NotFound,
        }
    }

    /// The most specific resource whose pattern matches `path`. All matching patterns have as
    /// many segments as the path, so comparing their static/param shapes from the left is
    /// enough; on a tie the one added first wins (only a strictly greater shape replaces it).
    fn best_match(&self, path: &str) -> Option<&Resource<T>> {
        let mut best: Option<&Resource<T>> = None;
        for resource in &self.resources {
            if resource.pattern.capture(path).is_none() {
                continue;
            }
            if best.is_none_or(|b| shape(&resource.pattern) > shape(&b.pattern)) {
                best = Some(resource);
            }
        }
        best
    }
}

/// `true` for each static segment: `Vec<bool>` compares lexicographically, so the first place
/// where two shapes differ decides, and there `true` (static) is the greater.
fn shape(pattern: &Pattern) -> Vec<bool> {
    pattern
        .segments()
        .iter()
        .map(|s| matches!(s, Segment::Static(_)))
        .collect()
}

/// `/a/` → `/a`, `/a` → `/a/`. The root becomes "", which no pattern matches.
fn toggle_trailing_slash(path: &str) -> String {
    match path.strip_suffix('/') {
        Some(without) => without.to_string(),
        None => format!("{path}/"),
    }
}
