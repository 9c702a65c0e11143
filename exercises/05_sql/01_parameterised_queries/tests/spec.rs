//! The specification of the `users` queries: values always travel as parameters, so any text
//! a user sends is stored and compared as data, never run as SQL.

use parameterised_queries::{
    FIND_BY_ID, FIND_BY_NAME, INSERT_USER, SEARCH_BY_NAME, UPDATE_EMAIL, USERS_WITHOUT_EMAIL, User,
    find_by_id, find_by_name, insert_user, open, search_by_name, update_email, users_without_email,
};
use rusqlite::Connection;

fn count_users(conn: &Connection) -> i64 {
    conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))
        .expect("the users table must still exist")
}

fn table_exists(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'users'",
        [],
        |row| row.get::<_, i64>(0),
    )
    .unwrap()
        == 1
}

/// What a learner who pasted a value into the SQL text needs to hear when a query fails.
const PASTED: &str = "an odd value is still just data. If the error is about SQL syntax or \
    statements, the value was pasted into the SQL text (format!) and its quotes, semicolons or \
    dashes were read as SQL: bind it as a parameter (?1, :name) so the database never parses it";

/// `find_by_name`, failing with the likely cause.
#[track_caller]
fn by_name(conn: &Connection, name: &str) -> Vec<User> {
    match find_by_name(conn, name) {
        Ok(users) => users,
        Err(err) => panic!("find_by_name({name:?}) must work, got: {err}; {PASTED}"),
    }
}

/// `insert_user` of a user without email, failing with the likely cause.
#[track_caller]
fn insert(conn: &Connection, name: &str) -> i64 {
    match insert_user(conn, name, None) {
        Ok(id) => id,
        Err(err) => panic!("insert_user({name:?}, None) must work, got: {err}; {PASTED}"),
    }
}

fn names(users: &[User]) -> Vec<&str> {
    users.iter().map(|u| u.name.as_str()).collect()
}

/// A database with four users: ada (1), grace (2), Ada Lovelace (3), linus without email (4).
fn sample() -> Connection {
    let conn = open().unwrap();
    for (name, email) in [
        ("ada", Some("ada@example.com")),
        ("grace", Some("grace@example.com")),
        ("Ada Lovelace", Some("lovelace@example.com")),
        ("linus", None),
    ] {
        insert_user(&conn, name, email).expect("inserting a plain user works");
    }
    conn
}

// ---------------------------------------------------------------------------------------------
// The SQL is constant text with placeholders

fn placeholders(sql: &str, what: &str) -> usize {
    let conn = open().unwrap();
    let stmt = conn
        .prepare(sql)
        .unwrap_or_else(|err| panic!("{what} must be valid SQLite SQL: {err}\n{sql}"));
    stmt.parameter_count()
}

#[test]
fn every_query_is_constant_sql_with_placeholders() {
    for (sql, what, expected) in [
        (INSERT_USER, "INSERT_USER", 2),
        (FIND_BY_ID, "FIND_BY_ID", 1),
        (FIND_BY_NAME, "FIND_BY_NAME", 1),
        (SEARCH_BY_NAME, "SEARCH_BY_NAME", 1),
        (USERS_WITHOUT_EMAIL, "USERS_WITHOUT_EMAIL", 0),
        (UPDATE_EMAIL, "UPDATE_EMAIL", 2),
    ] {
        assert!(
            !sql.trim().is_empty(),
            "{what} is still empty: write its SQL"
        );
        assert_eq!(
            placeholders(sql, what),
            expected,
            "{what} takes {expected} parameter(s): every value comes in through a placeholder \
             (?1, :name...), none is written into the SQL text (SQLite lang_expr.html#varparam). \
             A placeholder inside quotes, like '?1', is a string literal, not a parameter."
        );
    }
}

#[test]
fn update_email_uses_named_parameters() {
    let conn = open().unwrap();
    let stmt = conn
        .prepare(UPDATE_EMAIL)
        .expect("UPDATE_EMAIL is valid SQL");
    for name in [":id", ":email"] {
        assert!(
            stmt.parameter_index(name).ok().flatten().is_some(),
            "UPDATE_EMAIL names its parameters {name:?} (SQLite's :AAAA form), so the code \
             binds them by name, not by position"
        );
    }
}

#[test]
fn placeholders_are_not_in_quotes() {
    for (sql, what) in [
        (INSERT_USER, "INSERT_USER"),
        (FIND_BY_ID, "FIND_BY_ID"),
        (FIND_BY_NAME, "FIND_BY_NAME"),
        (UPDATE_EMAIL, "UPDATE_EMAIL"),
    ] {
        assert!(
            !sql.contains('\''),
            "{what} needs no quotes at all: a parameter is a value already, '?1' would be the \
             two-character string ?1\n{sql}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Insert and look up

#[test]
fn insert_returns_the_new_id() {
    let conn = open().unwrap();
    let first = insert_user(&conn, "ada", Some("ada@example.com")).expect("insert works");
    let second = insert_user(&conn, "grace", None).expect("insert works");
    assert_eq!(
        (first, second),
        (1, 2),
        "an INTEGER PRIMARY KEY is the rowid; SQLite numbers a fresh table's rows 1, 2, ... \
         (Connection::last_insert_rowid)"
    );
    assert_eq!(count_users(&conn), 2);
}

#[test]
fn find_by_id_reads_the_user_back() {
    let conn = sample();
    assert_eq!(
        find_by_id(&conn, 2).expect("lookup works"),
        Some(User {
            id: 2,
            name: "grace".into(),
            email: Some("grace@example.com".into()),
        })
    );
}

#[test]
fn find_by_id_of_a_missing_user_is_none_not_an_error() {
    let conn = sample();
    for id in [0, 5, -1, i64::MAX] {
        assert_eq!(
            find_by_id(&conn, id).expect("a missing row is not an error"),
            None,
            "no user {id}: Ok(None) — query_row alone returns Err(QueryReturnedNoRows); \
             .optional() turns that into None"
        );
    }
}

#[test]
fn find_by_name_is_exact_and_case_sensitive() {
    let conn = sample();
    let found = find_by_name(&conn, "ada").unwrap();
    assert_eq!(
        names(&found),
        ["ada"],
        "'=' compares whole strings (BINARY collation, case-sensitive): 'Ada Lovelace' is not \
         'ada'"
    );
    assert!(
        find_by_name(&conn, "ADA").unwrap().is_empty(),
        "'ADA' is not 'ada'"
    );
    assert!(
        find_by_name(&conn, "ad").unwrap().is_empty(),
        "no prefix matching"
    );
    assert!(find_by_name(&conn, "nobody").unwrap().is_empty());
}

#[test]
fn find_by_name_returns_every_match_in_id_order() {
    let conn = sample();
    insert_user(&conn, "ada", None).unwrap();
    let found = find_by_name(&conn, "ada").unwrap();
    let ids: Vec<i64> = found.iter().map(|u| u.id).collect();
    assert_eq!(ids, [1, 5], "both users named 'ada', in id order");
}

// ---------------------------------------------------------------------------------------------
// Injection attempts are data

#[test]
fn a_tautology_in_a_lookup_finds_nothing() {
    let conn = sample();
    for name in [
        "x' OR '1'='1",
        "' OR 1=1 --",
        "ada' --",
        "ada' OR name LIKE '%",
        "\" OR \"\"=\"",
        "1; SELECT * FROM users",
    ] {
        let found = by_name(&conn, name);
        assert!(
            found.is_empty(),
            "no user is called {name:?}, so nothing may be found, got {:?}: the name was run \
             as SQL (injection). Bind it as a parameter instead of building the SQL with \
             format! (OWASP SQL Injection Prevention Cheat Sheet)",
            names(&found)
        );
    }
    assert_eq!(count_users(&conn), 4);
}

#[test]
fn a_drop_table_payload_is_stored_as_a_name() {
    let conn = sample();
    let payload = "'; DROP TABLE users; --";
    let id = insert(&conn, payload);
    assert!(
        table_exists(&conn),
        "the users table is gone: the payload's `DROP TABLE` ran as SQL. Bind the name as a \
         parameter instead of pasting it into the SQL text"
    );
    assert_eq!(count_users(&conn), 5, "exactly one row was added");
    assert_eq!(
        by_name(&conn, payload),
        [User {
            id,
            name: payload.into(),
            email: None
        }],
        "the payload is stored verbatim and found by exact name"
    );
}

#[test]
fn bobby_tables_is_a_name() {
    let conn = sample();
    // xkcd 327, "Exploits of a Mom".
    let name = "Robert'); DROP TABLE Students;--";
    insert_user(&conn, name, Some("bobby@example.com"))
        .unwrap_or_else(|err| panic!("Bobby can enrol, got: {err}; {PASTED}"));
    assert_eq!(names(&by_name(&conn, name)), [name]);
    assert!(table_exists(&conn), "the users table survives Bobby");
}

#[test]
fn apostrophes_in_names_work() {
    let conn = open().unwrap();
    for name in ["O'Brien", "D'Angelo", "'", "''", "it's a 'quote'"] {
        let id = insert(&conn, name);
        assert_eq!(find_by_id(&conn, id).unwrap().unwrap().name, name);
        assert_eq!(
            names(&by_name(&conn, name)),
            [name],
            "{name:?} is a perfectly good name, found again by exact name"
        );
    }
}

#[test]
fn any_text_round_trips_unchanged() {
    let conn = open().unwrap();
    let long = "ß".repeat(10_000);
    for name in [
        "",
        " padded ",
        "José Müller",
        "李小龍",
        "👩‍💻",
        "back\\slash",
        "new\nline",
        "tab\there",
        "nul\0byte",
        "?1",
        ":name",
        "$x @y",
        "--",
        "/* not a comment */",
        long.as_str(),
    ] {
        let id = insert(&conn, name);
        let back = find_by_id(&conn, id)
            .unwrap()
            .expect("the user was just inserted");
        assert_eq!(
            back.name, name,
            "a bound parameter carries any text byte for byte — an empty string, a NUL byte, \
             placeholder look-alikes, 10,000 multi-byte characters — where hand-escaping into \
             the SQL text fails"
        );
        assert_eq!(
            names(&by_name(&conn, name)),
            [name],
            "and it is found again by exact name"
        );
    }
}

#[test]
fn injection_through_an_update_changes_one_email_only() {
    let conn = sample();
    let evil = "x', name = 'hacked";
    let changed = update_email(&conn, 1, Some(evil))
        .unwrap_or_else(|err| panic!("update_email with {evil:?} must work, got: {err}; {PASTED}"));
    assert!(changed, "user 1 exists, so it was changed");
    let ada = find_by_id(&conn, 1).unwrap().unwrap();
    assert_eq!(
        ada.name, "ada",
        "the email {evil:?} rewrote the name: it was run as SQL. Bind :email as a parameter"
    );
    assert_eq!(
        ada.email.as_deref(),
        Some(evil),
        "the payload is just an odd email"
    );
    assert_eq!(
        find_by_id(&conn, 2).unwrap().unwrap().email.as_deref(),
        Some("grace@example.com"),
        "other users are untouched"
    );
}

// ---------------------------------------------------------------------------------------------
// Search with LIKE

#[test]
fn search_finds_substrings_ignoring_ascii_case() {
    let conn = sample();
    assert_eq!(
        names(&search_by_name(&conn, "ada").unwrap()),
        ["ada", "Ada Lovelace"],
        "'ada' is in 'ada' and (ignoring ASCII case, as SQLite's LIKE does) in 'Ada Lovelace'"
    );
    assert_eq!(
        names(&search_by_name(&conn, "LOVE").unwrap()),
        ["Ada Lovelace"]
    );
    assert_eq!(names(&search_by_name(&conn, "RA").unwrap()), ["grace"]);
    assert!(search_by_name(&conn, "xyz").unwrap().is_empty());
}

#[test]
fn an_empty_search_matches_everyone() {
    let conn = sample();
    assert_eq!(
        search_by_name(&conn, "").unwrap().len(),
        4,
        "every name contains the empty string"
    );
}

#[test]
fn search_treats_wildcards_as_plain_characters() {
    let conn = open().unwrap();
    for name in [
        "100% juice",
        "100 apples",
        "snake_case",
        "snakeXcase",
        "C:\\path",
        "C:path",
    ] {
        insert_user(&conn, name, None).unwrap();
    }
    assert_eq!(
        names(&search_by_name(&conn, "100%").unwrap()),
        ["100% juice"],
        "'%' in the search text is a percent sign, not LIKE's 'any characters' wildcard: \
         escape it and declare the escape character (ESCAPE, SQLite lang_expr.html#like)"
    );
    assert_eq!(
        names(&search_by_name(&conn, "%").unwrap()),
        ["100% juice"],
        "a search for '%' must not match every name"
    );
    assert_eq!(
        names(&search_by_name(&conn, "e_c").unwrap()),
        ["snake_case"],
        "'_' is an underscore, not LIKE's 'any one character'"
    );
    assert_eq!(
        names(&search_by_name(&conn, "\\").unwrap()),
        ["C:\\path"],
        "the escape character itself must be escaped too"
    );
}

#[test]
fn search_with_an_injection_finds_nothing() {
    let conn = sample();
    for fragment in [
        "%' OR 1=1 --",
        "' OR '1'='1",
        "a%' UNION SELECT 1, sql, 3 FROM sqlite_schema --",
    ] {
        let found = search_by_name(&conn, fragment)
            .unwrap_or_else(|err| panic!("{fragment:?} is just search text, got: {err}; {PASTED}"));
        assert!(
            found.is_empty(),
            "no name contains {fragment:?}, got {:?}: the text was run as SQL. Bind it as a \
             parameter and build the pattern in SQL ('%' || :fragment || '%') or in Rust",
            names(&found)
        );
    }
}

#[test]
fn search_matches_non_ascii_text_exactly() {
    let conn = open().unwrap();
    insert_user(&conn, "José", None).unwrap();
    assert_eq!(names(&search_by_name(&conn, "sé").unwrap()), ["José"]);
    assert_eq!(names(&search_by_name(&conn, "jOs").unwrap()), ["José"]);
}

// ---------------------------------------------------------------------------------------------
// NULL and Option

#[test]
fn none_is_stored_as_sql_null() {
    let conn = open().unwrap();
    let id = insert_user(&conn, "linus", None).unwrap();
    let (is_null, kind): (bool, String) = conn
        .query_row(
            "SELECT email IS NULL, typeof(email) FROM users WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert!(
        is_null && kind == "null",
        "Option::None binds as SQL NULL, not as '' or 'None' (typeof(email) was {kind:?})"
    );
    assert_eq!(
        find_by_id(&conn, id).unwrap().unwrap().email,
        None,
        "and NULL reads back as None"
    );
}

#[test]
fn many_users_may_have_no_email() {
    let conn = open().unwrap();
    for name in ["a", "b", "c"] {
        insert_user(&conn, name, None).unwrap_or_else(|err| {
            panic!(
                "email is UNIQUE, but NULLs are distinct from each other (SQLite \
                    lang_createtable.html#unique_constraints): {err}"
            )
        });
    }
    assert_eq!(count_users(&conn), 3);
}

#[test]
fn a_duplicate_email_is_an_error_not_a_panic() {
    let conn = sample();
    let result = insert_user(&conn, "impostor", Some("ada@example.com"));
    assert!(
        matches!(
            &result,
            Err(rusqlite::Error::SqliteFailure(err, _))
                if err.code == rusqlite::ErrorCode::ConstraintViolation
        ),
        "the UNIQUE constraint rejects a second ada@example.com; the error is returned to the \
         caller: got {result:?}"
    );
    assert_eq!(count_users(&conn), 4);
}

#[test]
fn users_without_email_uses_is_null() {
    let conn = sample();
    insert_user(&conn, "empty", Some("")).unwrap();
    insert_user(&conn, "nobody", None).unwrap();
    assert_eq!(
        names(&users_without_email(&conn).unwrap()),
        ["linus", "nobody"],
        "`email = NULL` is never true (it is NULL); `email IS NULL` finds the NULLs. The \
         empty string is a value, so 'empty' has an email. In id order."
    );
}

#[test]
fn users_without_email_of_an_empty_table_is_empty() {
    let conn = open().unwrap();
    assert!(users_without_email(&conn).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Update

#[test]
fn update_email_changes_one_user_and_says_so() {
    let conn = sample();
    assert!(
        update_email(&conn, 4, Some("linus@example.org")).unwrap(),
        "user 4 exists: true"
    );
    assert_eq!(
        find_by_id(&conn, 4).unwrap().unwrap().email.as_deref(),
        Some("linus@example.org")
    );
    assert!(
        users_without_email(&conn).unwrap().is_empty(),
        "linus was the only user without an email"
    );
}

#[test]
fn update_email_of_a_missing_user_returns_false() {
    let conn = sample();
    assert!(
        !update_email(&conn, 99, Some("ghost@example.com")).unwrap(),
        "no user 99: nothing changed, false (Connection::execute returns the number of rows \
         changed)"
    );
    assert_eq!(count_users(&conn), 4, "an UPDATE never inserts");
}

#[test]
fn update_email_to_none_clears_it() {
    let conn = sample();
    assert!(update_email(&conn, 1, None).unwrap());
    assert_eq!(find_by_id(&conn, 1).unwrap().unwrap().email, None);
    assert_eq!(
        names(&users_without_email(&conn).unwrap()),
        ["ada", "linus"],
        "None stored NULL, so ada is now without email too"
    );
}
