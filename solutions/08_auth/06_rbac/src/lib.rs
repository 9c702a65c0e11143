//! # Role-based access control, denying by default
//!
//! Authentication says who is asking; authorization decides whether they may. Broken access
//! control is first in the OWASP Top 10 (2021), and its usual shape is not a clever exploit:
//! a route someone forgot to protect, a check that runs only in the front end, a path or a
//! method the check did not expect.
//!
//! **RBAC** puts one level between users and routes. A *permission* names an action
//! (`articles:write`); a *role* is a named set of permissions (`editor`); a user has roles;
//! each *route* states the permission it requires, or that it is public. The server checks
//! every request, in one place, against that table:
//!
//! 1. Find the route: the method is equal, exactly (methods are case-sensitive, RFC 9110
//!    §9.1), and the path matches the route's pattern segment by segment: the same number of
//!    `/`-separated segments, each equal, except that a `{name}` segment matches any one
//!    **non-empty** segment. No prefix match, no case folding, no trailing-slash tolerance.
//! 2. **Deny by default.** No route matches: deny. The route requires a permission: allow only
//!    if one of the user's roles grants it. A role the policy does not know grants nothing.
//!    A public route is allowed to everyone, with or without roles.
//!
//! Deny by default is the whole point: a new route, a method nobody listed (`HEAD`, `PATCH`,
//! `OPTIONS`), a path spelt differently (`/Admin/users`, `/admin/users/`) must come out
//! *denied*, not fall through to "nothing said no". The tests check every cell of a matrix
//! of roles × routes, and the routes and roles that are not in the policy.
//!
//! The paths here are already decoded and stripped of their query; the router that
//! dispatches the request must use the same path (chapter 09 deals with `..` and `%2e`).
//!
//! Primary sources: OWASP Authorization Cheat Sheet,
//! <https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html>; OWASP
//! Top 10 A01:2021, <https://owasp.org/Top10/A01_2021-Broken_Access_Control/>; NIST RBAC,
//! <https://csrc.nist.gov/projects/role-based-access-control>.

use std::collections::HashMap;

/// Whether `path` matches `pattern` (see step 1 above).
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    pattern.len() == path.len()
        && pattern.iter().zip(&path).all(|(want, got)| {
            let is_param = want.starts_with('{') && want.ends_with('}');
            if is_param {
                !got.is_empty()
            } else {
                want == got
            }
        })
}

impl Policy {
    /// Whether a user with `roles` may send `method` `path`.
    pub fn allows(&self, roles: &[&str], method: &str, path: &str) -> bool {
        let route = self
            .routes
            .iter()
            .find(|route| route.method == method && matches(route.pattern, path));
        // Deny by default: a request no route describes is refused, whoever sends it.
        let Some(route) = route else {
            return false;
        };
        match route.access {
            Access::Public => true,
            Access::Requires(permission) => roles.iter().any(|role| {
                self.roles
                    .get(role)
                    .is_some_and(|granted| granted.contains(&permission))
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Given: the policy and how it is written.
// ---------------------------------------------------------------------------------------------

/// What a route asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// A user with a role that grants this permission.
    Requires(&'static str),
}

/// One route of the API and its access rule.
#[derive(Debug, Clone)]
pub struct Route {
    pub method: &'static str,
    /// Segments separated by `/`; `{name}` matches any one non-empty segment.
    pub pattern: &'static str,
    pub access: Access,
}

/// The routes and the roles: every access decision comes from here.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub routes: Vec<Route>,
    /// Role name → the permissions it grants.
    pub roles: HashMap<&'static str, Vec<&'static str>>,
}

impl Policy {
    /// An empty policy: it denies everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a route.
    pub fn route(mut self, method: &'static str, pattern: &'static str, access: Access) -> Self {
        self.routes.push(Route {
            method,
            pattern,
            access,
        });
        self
    }

    /// Adds a role with its permissions.
    pub fn role(mut self, name: &'static str, permissions: &[&'static str]) -> Self {
        self.roles.insert(name, permissions.to_vec());
        self
    }
}
