//! The specification of RBAC: route patterns matched segment by segment, then every cell of a
//! roles × routes matrix, then everything the policy does not name, which must be denied.

use rbac::{Access, Policy, matches};

fn policy() -> Policy {
    use Access::{Public, Requires};
    Policy::new()
        .route("GET", "/health", Public)
        .route("GET", "/articles", Requires("articles:read"))
        .route("GET", "/articles/{id}", Requires("articles:read"))
        .route("GET", "/articles/{id}/comments", Requires("articles:read"))
        .route("POST", "/articles", Requires("articles:write"))
        .route("PUT", "/articles/{id}", Requires("articles:write"))
        .route("DELETE", "/articles/{id}", Requires("articles:delete"))
        .route("GET", "/admin/users", Requires("users:admin"))
        .route("DELETE", "/admin/users/{id}", Requires("users:admin"))
        .role("viewer", &["articles:read"])
        .role("editor", &["articles:read", "articles:write"])
        .role(
            "admin",
            &[
                "articles:read",
                "articles:write",
                "articles:delete",
                "users:admin",
            ],
        )
        .role("auditor", &[])
}

// ---------------------------------------------------------------------------------------------
// Patterns

#[test]
fn a_literal_pattern_matches_only_itself() {
    assert!(matches("/articles", "/articles"));
    assert!(matches("/", "/"));
    for path in [
        "/article",
        "/articles/",
        "/Articles",
        "/articles/1",
        "articles",
        "//articles",
        "",
        "/articlesx",
    ] {
        assert!(
            !matches("/articles", path),
            "{path:?} is not \"/articles\": equal segments only, no prefix"
        );
    }
}

#[test]
fn a_parameter_matches_one_non_empty_segment() {
    for path in [
        "/articles/1",
        "/articles/hello-world",
        "/articles/%2e%2e",
        "/articles/ü",
    ] {
        assert!(
            matches("/articles/{id}", path),
            "{path:?} fills {{id}} with one segment"
        );
    }
    for path in [
        "/articles/",
        "/articles",
        "/articles/1/",
        "/articles/1/2",
        "/articles//",
        "/articles/1/comments",
    ] {
        assert!(
            !matches("/articles/{id}", path),
            "{path:?}: {{id}} is exactly one non-empty segment"
        );
    }
}

#[test]
fn parameters_and_literals_mix() {
    assert!(matches("/articles/{id}/comments", "/articles/7/comments"));
    assert!(!matches("/articles/{id}/comments", "/articles/7/comment"));
    assert!(
        !matches("/articles/{id}/comments", "/articles//comments"),
        "an empty {{id}}"
    );
    assert!(matches("/{a}/{b}", "/x/y"));
    // Only a whole `{name}` is a parameter; a lone brace is a literal character.
    assert!(
        !matches("/files/{draft", "/files/x"),
        "\"{{draft\" is a literal segment"
    );
    assert!(
        !matches("/files/draft}", "/files/x"),
        "\"draft}}\" is a literal segment"
    );
    assert!(matches("/files/{draft", "/files/{draft"));
    assert!(!matches("/{a}/{b}", "/x"));
}

// ---------------------------------------------------------------------------------------------
// The matrix

/// Who asks: the roles of each column of the matrix.
const USERS: [(&str, &[&str]); 8] = [
    ("anonymous", &[]),
    ("viewer", &["viewer"]),
    ("editor", &["editor"]),
    ("admin", &["admin"]),
    ("auditor", &["auditor"]),
    ("unknown role", &["superuser"]),
    ("Admin, wrong case", &["Admin"]),
    ("viewer + unknown", &["superuser", "viewer"]),
];

/// Each row: a request, and for each column of USERS whether it is allowed (Y) or denied (.).
const MATRIX: [(&str, &str, &str); 12] = [
    ("GET", "/health", "YYYYYYYY"),
    ("GET", "/articles", ".YYY...Y"),
    ("GET", "/articles/42", ".YYY...Y"),
    ("GET", "/articles/42/comments", ".YYY...Y"),
    ("POST", "/articles", "..YY...."),
    ("PUT", "/articles/42", "..YY...."),
    ("DELETE", "/articles/42", "...Y...."),
    ("GET", "/admin/users", "...Y...."),
    ("DELETE", "/admin/users/7", "...Y...."),
    ("POST", "/admin/users", "........"),
    ("GET", "/admin/users/7", "........"),
    ("PUT", "/articles", "........"),
];

#[test]
fn every_cell_of_the_roles_by_routes_matrix() {
    let policy = policy();
    let mut wrong = Vec::new();
    for (method, path, row) in MATRIX {
        for ((who, roles), cell) in USERS.iter().zip(row.chars()) {
            let want = cell == 'Y';
            if policy.allows(roles, method, path) != want {
                wrong.push(format!(
                    "  {method} {path} by {who} {roles:?}: should be {}",
                    if want { "allowed" } else { "denied" }
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cells are wrong (a role grants only its permissions; unknown roles grant \
         nothing; public routes are open to all):\n{}",
        wrong.len(),
        MATRIX.len() * USERS.len(),
        wrong.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Deny by default

#[test]
fn requests_no_route_describes_are_denied_even_to_admin() {
    let policy = policy();
    let everyone: Vec<&str> = vec!["admin", "editor", "viewer"];
    for (method, path) in [
        ("HEAD", "/articles"),
        ("OPTIONS", "/health"),
        ("PATCH", "/articles/42"),
        ("get", "/articles"),
        ("Get", "/health"),
        ("GET", "/Articles"),
        ("GET", "/articles/"),
        ("GET", "/articles/42/"),
        ("GET", "//articles"),
        ("GET", "/articles//comments"),
        ("GET", "/admin/users/"),
        ("GET", "/admin"),
        ("GET", "/health/"),
        ("GET", ""),
        ("GET", "/"),
        ("GET", "/articles/42/comments/1"),
        ("DELETE", "/articles"),
        ("DELETE", "/admin/users/"),
    ] {
        assert!(
            !policy.allows(&everyone, method, path),
            "{method} {path:?} matches no route, so it is denied to everyone (deny by default): a \
             route or method nobody listed must not fall through to allowed"
        );
    }
}

#[test]
fn an_empty_policy_denies_everything() {
    let policy = Policy::new();
    assert!(!policy.allows(&["admin"], "GET", "/health"));
    assert!(!policy.allows(&[], "GET", "/"));
}

#[test]
fn a_route_needs_its_own_permission_not_any_permission() {
    let policy = Policy::new()
        .route("GET", "/reports", Access::Requires("reports:read"))
        .role("clerk", &["invoices:read", "reports:read:own"]);
    assert!(
        !policy.allows(&["clerk"], "GET", "/reports"),
        "the clerk has permissions, but not \"reports:read\": permissions are compared whole"
    );
    let policy = policy.role("analyst", &["reports:read"]);
    assert!(
        policy.allows(&["clerk", "analyst"], "GET", "/reports"),
        "any one role that grants it is enough"
    );
}
