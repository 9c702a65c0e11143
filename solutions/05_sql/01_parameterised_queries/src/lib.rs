//! # Parameterised queries: SQL injection is a solved problem
//!
//! A query that needs a value from the outside world (a name from a search box, an id from a
//! URL) can be built in two ways. The wrong way pastes the value into the SQL text:
//!
//! ```text
//! format!("SELECT * FROM users WHERE name = '{name}'")
//! ```
//!
//! and then `name = x' OR '1'='1` turns the query into `... WHERE name = 'x' OR '1'='1'`, which
//! returns every user. The value was meant to be *data*, but the database parsed it as *code*.
//! That is **SQL injection**, for two decades at or near the top of the OWASP Top 10: it leaks
//! tables, bypasses logins and destroys data. Escaping quotes by hand is the classic half-fix:
//! it misses one case, and one is enough.
//!
//! The right way is a **parameterised query** (a *prepared statement*): the SQL text is a
//! constant with placeholders, and the values travel separately.
//!
//! ```text
//! SELECT id, name, email FROM users WHERE name = ?1
//! ```
//!
//! SQLite compiles the text *before* it ever sees the value, so no value can change the
//! query's structure: `x' OR '1'='1` is simply a name that no user has. SQLite's placeholders
//! are `?1`, `?2` (numbered) and `:name` (named); rusqlite binds them from `params![...]` or
//! `named_params! { ":name": value }`. A placeholder stands for a *value* only, never for a
//! table or column name or a keyword: those come from a fixed list in the code.
//!
//! Two more things about values in SQL:
//!
//! - **NULL is the absence of a value.** `email = NULL` is never true, not even where the email
//!   is NULL: use `email IS NULL`. In Rust a nullable column is an `Option`: `None` binds as
//!   NULL and NULL reads back as `None`.
//! - **`LIKE` has its own wildcards**, `%` (any run of characters) and `_` (any one character).
//!   A search for `100%` must not match every name starting with `100`: escape the wildcards
//!   in the user's text and name the escape character (`ESCAPE '\'`).
//!
//! Here you write the SQL (constants: the text never changes, only the parameters do) and the
//! functions that run it against a `users` table. The chapter README has more on each point.
//!
//! Primary sources:
//! - SQLite, parameters: <https://www.sqlite.org/lang_expr.html#varparam>; `LIKE`:
//!   <https://www.sqlite.org/lang_expr.html#like>; `IS`: <https://www.sqlite.org/lang_expr.html#isisnot>
//! - OWASP SQL Injection Prevention Cheat Sheet:
//!   <https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html>
//! - rusqlite: `Connection::execute`, `query_row`, `prepare`, `named_params!`:
//!   <https://docs.rs/rusqlite/0.37.0/rusqlite/>

use rusqlite::{Connection, OptionalExtension, Result, Row, named_params, params};

/// The schema. `email` may be NULL; two non-NULL emails may not be equal (NULLs are distinct
/// from each other for UNIQUE, so any number of users may have no email).
pub const SCHEMA: &str = "
    CREATE TABLE users (
        id    INTEGER PRIMARY KEY,
        name  TEXT NOT NULL,
        email TEXT UNIQUE
    );
";

/// Opens a fresh in-memory database with the schema.
pub fn open() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// A row of `users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
}

/// Inserts a user: two parameters, the name and the email.
pub const INSERT_USER: &str = "INSERT INTO users (name, email) VALUES (?1, ?2)";

/// The user with a given id: one parameter.
pub const FIND_BY_ID: &str = "SELECT id, name, email FROM users WHERE id = ?1";

/// The users whose name is exactly the given one, in id order: one parameter.
pub const FIND_BY_NAME: &str = "SELECT id, name, email FROM users WHERE name = :name ORDER BY id";

/// The users whose name contains the given text (ASCII case ignored), in id order: one
/// parameter.
pub const SEARCH_BY_NAME: &str = "
    SELECT id, name, email FROM users
    WHERE name LIKE '%' || :fragment || '%' ESCAPE '\\'
    ORDER BY id";

/// The users without an email, in id order: no parameters.
pub const USERS_WITHOUT_EMAIL: &str =
    "SELECT id, name, email FROM users WHERE email IS NULL ORDER BY id";

/// Sets (or clears) one user's email: two *named* parameters, `:id` and `:email`.
pub const UPDATE_EMAIL: &str = "UPDATE users SET email = :email WHERE id = :id";

fn user_from_row(row: &Row<'_>) -> Result<User> {
    Ok(User {
        id: row.get("id")?,
        name: row.get("name")?,
        email: row.get("email")?,
    })
}

/// Inserts a user and returns the id SQLite gave it. `None` stores SQL NULL.
pub fn insert_user(conn: &Connection, name: &str, email: Option<&str>) -> Result<i64> {
    conn.execute(INSERT_USER, params![name, email])?;
    Ok(conn.last_insert_rowid())
}

/// The user with this id, or `None` if there is none (which is not an error).
pub fn find_by_id(conn: &Connection, id: i64) -> Result<Option<User>> {
    conn.query_row(FIND_BY_ID, [id], user_from_row).optional()
}

/// The users whose name is exactly `name` (case-sensitive), in id order.
pub fn find_by_name(conn: &Connection, name: &str) -> Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(FIND_BY_NAME)?;
    let users = stmt.query_map(named_params! { ":name": name }, user_from_row)?;
    users.collect()
}

/// The users whose name contains `fragment`, ignoring the case of ASCII letters, in id order.
/// `%`, `_` and `\` in the fragment match themselves; an empty fragment matches every user.
pub fn search_by_name(conn: &Connection, fragment: &str) -> Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(SEARCH_BY_NAME)?;
    let users = stmt.query_map(
        named_params! { ":fragment": escape_like(fragment) },
        user_from_row,
    )?;
    users.collect()
}

/// Makes LIKE's wildcards (and the escape character itself) match literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The users whose email is NULL, in id order. (An empty string is an email, not NULL.)
pub fn users_without_email(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(USERS_WITHOUT_EMAIL)?;
    let users = stmt.query_map([], user_from_row)?;
    users.collect()
}

/// Sets the email of user `id` (`None` clears it to NULL). Returns whether a user was changed,
/// i.e. `false` when there is no user with this id.
pub fn update_email(conn: &Connection, id: i64, email: Option<&str>) -> Result<bool> {
    let changed = conn.execute(UPDATE_EMAIL, named_params! { ":id": id, ":email": email })?;
    Ok(changed == 1)
}
