//! The specification of `HeaderMap`. RFC 9110: https://www.rfc-editor.org/rfc/rfc9110

use http_headers::*;

fn map(fields: &[(&str, &str)]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in fields {
        headers
            .append(name, value)
            .unwrap_or_else(|e| panic!("append({name:?}, {value:?}) must succeed, got Err({e:?})"));
    }
    headers
}

fn lines(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Names are case-insensitive (RFC 9110 §5.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn get_is_case_insensitive() {
    let headers = map(&[("Content-Type", "text/html")]);
    for name in [
        "Content-Type",
        "content-type",
        "CONTENT-TYPE",
        "cOnTeNt-TyPe",
    ] {
        assert_eq!(
            headers.get(name).as_deref(),
            Some("text/html"),
            "get({name:?}) must find Content-Type: field names are case-insensitive (RFC 9110 §5.1)"
        );
    }
}

#[test]
fn get_of_an_absent_name_is_none() {
    let headers = map(&[("Host", "example.com")]);
    assert_eq!(headers.get("Accept"), None, "no Accept line was added");
    assert_eq!(
        headers.get("Hos"),
        None,
        "names are compared whole, not by prefix"
    );
    assert!(
        HeaderMap::new().get("Host").is_none(),
        "an empty map has no fields"
    );
}

#[test]
fn names_keep_the_spelling_they_were_given() {
    let headers = map(&[("X-Request-ID", "abc"), ("etag", "\"v1\"")]);
    assert_eq!(
        lines(&headers),
        vec![
            ("X-Request-ID".to_string(), "abc".to_string()),
            ("etag".to_string(), "\"v1\"".to_string())
        ],
        "iter() yields the lines in insertion order, names exactly as given: comparing \
         case-insensitively does not mean rewriting the name"
    );
}

#[test]
fn contains_is_case_insensitive() {
    let headers = map(&[("Authorization", "Bearer x")]);
    assert!(
        headers.contains("authorization"),
        "contains() ignores case like get()"
    );
    assert!(!headers.contains("Authorisation"), "but it is not fuzzy");
}

// ---------------------------------------------------------------------------------------------
// Repeated names (RFC 9110 §5.3)
// ---------------------------------------------------------------------------------------------

#[test]
fn append_keeps_every_line() {
    let headers = map(&[
        ("Accept-Encoding", "gzip"),
        ("Host", "a"),
        ("accept-encoding", "br"),
    ]);
    assert_eq!(
        headers.len(),
        3,
        "append adds a line; it never replaces one"
    );
    assert_eq!(
        headers.get_all("Accept-Encoding"),
        vec!["gzip", "br"],
        "get_all returns the value of every line with that name, in order, whatever their case"
    );
}

#[test]
fn get_combines_repeated_lines_with_comma_space() {
    // RFC 9110 §5.3, the example of the section.
    let headers = map(&[("Example-Field", "Foo, Bar"), ("Example-Field", "Baz")]);
    assert_eq!(
        headers.get("example-field").as_deref(),
        Some("Foo, Bar, Baz"),
        "RFC 9110 §5.3: field lines with the same name combine into one value by appending \
         each value in order, separated by a comma (\", \" for consistency)"
    );
}

#[test]
fn set_cookie_lines_are_never_combined() {
    let headers = map(&[
        (
            "Set-Cookie",
            "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
        ),
        ("Set-Cookie", "lang=en; Path=/"),
    ]);
    assert_eq!(
        headers.get("set-cookie").as_deref(),
        Some("id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT"),
        "RFC 9110 §5.3: Set-Cookie cannot be combined (an Expires date has a comma of its own, \
         so joined cookies could not be split again); get() returns the first line only"
    );
    assert_eq!(
        headers.get_all("Set-Cookie"),
        vec![
            "id=a3fWa; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
            "lang=en; Path=/"
        ],
        "get_all() returns every Set-Cookie line unchanged"
    );
}

#[test]
fn set_replaces_every_line_of_that_name() {
    let mut headers = map(&[
        ("Cache-Control", "no-cache"),
        ("Host", "a"),
        ("cache-control", "no-store"),
    ]);
    headers
        .set("CACHE-CONTROL", "max-age=60")
        .expect("a valid field");
    assert_eq!(
        headers.get_all("cache-control"),
        vec!["max-age=60"],
        "set() leaves exactly one line with that name, whatever the case of the old ones"
    );
    assert_eq!(
        headers.get("Host").as_deref(),
        Some("a"),
        "set() leaves other fields alone"
    );
    assert_eq!(headers.len(), 2);
}

#[test]
fn remove_removes_every_line_of_that_name() {
    let mut headers = map(&[("Cookie", "a=1"), ("Host", "a"), ("cookie", "b=2")]);
    assert_eq!(
        headers.remove("COOKIE"),
        2,
        "remove() returns how many lines it removed"
    );
    assert!(!headers.contains("Cookie"), "no Cookie line may remain");
    assert_eq!(headers.len(), 1, "Host stays");
    assert_eq!(
        headers.remove("Cookie"),
        0,
        "removing an absent name removes nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// Valid names and values (RFC 9110 §5.1, §5.5, §5.6.2)
// ---------------------------------------------------------------------------------------------

#[test]
fn values_are_stored_without_surrounding_whitespace() {
    let headers = map(&[("Accept", "  text/html \t"), ("X-Inner", "a  b")]);
    assert_eq!(
        headers.get("Accept").as_deref(),
        Some("text/html"),
        "leading and trailing SP/HTAB are not part of a field value (RFC 9110 §5.5)"
    );
    assert_eq!(
        headers.get("X-Inner").as_deref(),
        Some("a  b"),
        "whitespace inside a value is kept"
    );
}

#[test]
fn accepts_every_token_character_in_names() {
    let mut headers = HeaderMap::new();
    let name = "!#$%&'*+-.^_`|~09azAZ";
    assert_eq!(
        headers.append(name, "x"),
        Ok(()),
        "a field name is a token: ALPHA, DIGIT and !#$%&'*+-.^_`|~ (RFC 9110 §5.6.2)"
    );
}

#[test]
fn rejects_invalid_names() {
    for name in [
        "",
        "Bad Name",
        "Bad:Name",
        "X-Ünicode",
        "X\r\nInjected",
        "(comment)",
        "a/b",
        "a\"b",
    ] {
        let mut headers = map(&[("Host", "a")]);
        assert_eq!(
            headers.append(name, "value"),
            Err(HeaderError::InvalidName),
            "{name:?} is not a token, so it is not a field name (RFC 9110 §5.1, §5.6.2)"
        );
        assert_eq!(
            headers.len(),
            1,
            "a rejected field must leave the map unchanged"
        );
    }
}

#[test]
fn rejects_cr_lf_and_nul_in_values() {
    for value in [
        "https://example.com/\r\nSet-Cookie: admin=true",
        "a\nb",
        "a\rb",
        "a\0b",
    ] {
        let mut headers = HeaderMap::new();
        assert_eq!(
            headers.append("Location", value),
            Err(HeaderError::InvalidValue),
            "{value:?}: a field value containing CR, LF or NUL is invalid and dangerous (RFC \
             9110 §5.5): written to a response it would start a new header line of the \
             attacker's choosing (response splitting, CWE-113)"
        );
        assert!(headers.is_empty(), "a rejected field must not be stored");
    }
}

#[test]
fn rejects_other_control_characters_in_values() {
    for value in [
        "a\u{1}b",
        "bell\u{7}",
        "a\u{7f}b",
        "form\u{c}feed",
        "esc\u{1b}[31m",
    ] {
        assert_eq!(
            HeaderMap::new().append("X-Note", value),
            Err(HeaderError::InvalidValue),
            "{value:?}: field-vchar is visible ASCII or obs-text; control characters other than \
             HTAB are not allowed in a value (RFC 9110 §5.5)"
        );
    }
}

#[test]
fn only_space_and_tab_are_trimmed_from_values() {
    for value in ["value\r", "\u{b}value", "value\u{c}"] {
        assert_eq!(
            HeaderMap::new().append("X-Note", value),
            Err(HeaderError::InvalidValue),
            "{value:?}: the whitespace around a value is OWS, only SP and HTAB (RFC 9110 \
             §5.6.3); str::trim() would strip this control character and store a value the \
             next hop reads differently"
        );
    }
}

#[test]
fn accepts_tab_and_non_ascii_inside_values() {
    let headers = map(&[("X-Tab", "a\tb"), ("X-City", "Düsseldorf")]);
    assert_eq!(
        headers.get("X-Tab").as_deref(),
        Some("a\tb"),
        "HTAB is allowed inside a value (RFC 9110 §5.5)"
    );
    assert_eq!(
        headers.get("X-City").as_deref(),
        Some("Düsseldorf"),
        "bytes >= 0x80 are obs-text, which recipients must accept (RFC 9110 §5.5)"
    );
}

#[test]
fn set_validates_like_append() {
    let mut headers = map(&[("Location", "/home")]);
    assert_eq!(
        headers.set("Location", "/x\r\nSet-Cookie: a=b"),
        Err(HeaderError::InvalidValue),
        "set() must refuse a value with CR/LF like append() does"
    );
    assert_eq!(
        headers.get("Location").as_deref(),
        Some("/home"),
        "a failed set() leaves the old value in place"
    );
    assert_eq!(headers.set("Bad Name", "x"), Err(HeaderError::InvalidName));
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

#[test]
fn size_counts_each_line_as_sent() {
    let headers = map(&[("Host", "a"), ("Accept", "text/html")]);
    assert_eq!(
        headers.size(),
        "Host: a\r\n".len() + "Accept: text/html\r\n".len(),
        "size() is the bytes of the field lines on the wire: name, \": \", value, CRLF"
    );
    assert_eq!(HeaderMap::new().size(), 0);
}

#[test]
fn refuses_more_fields_than_the_limit() {
    let mut headers = HeaderMap::with_limits(Limits {
        max_fields: 3,
        max_size: 1_000_000,
    });
    for i in 0..3 {
        assert_eq!(
            headers.append("X-N", &i.to_string()),
            Ok(()),
            "up to max_fields lines are allowed"
        );
    }
    assert_eq!(
        headers.append("X-N", "3"),
        Err(HeaderError::TooManyFields),
        "one line more than max_fields is refused: a client must not be able to make the \
         server store unbounded headers (a server answers 431, RFC 6585 §5)"
    );
    assert_eq!(headers.len(), 3, "a refused line is not stored");
}

#[test]
fn refuses_fields_over_the_size_limit() {
    let max_size = "Host: a\r\n".len() + "X-Big: 1234\r\n".len();
    let mut headers = HeaderMap::with_limits(Limits {
        max_fields: 100,
        max_size,
    });
    assert_eq!(headers.append("Host", "a"), Ok(()));
    assert_eq!(
        headers.append("X-Big", "12345"),
        Err(HeaderError::TooLarge),
        "this line would bring the map one byte over max_size: refused"
    );
    assert_eq!(
        headers.append("X-Big", "1234"),
        Ok(()),
        "exactly max_size bytes is allowed"
    );
    assert_eq!(headers.size(), max_size);
    assert_eq!(
        headers.append("A", ""),
        Err(HeaderError::TooLarge),
        "a full map refuses even a short line"
    );
}

#[test]
fn set_checks_limits_after_replacing() {
    let mut headers = HeaderMap::with_limits(Limits {
        max_fields: 2,
        max_size: 1_000_000,
    });
    headers.append("A", "1").unwrap();
    headers.append("B", "2").unwrap();
    assert_eq!(
        headers.set("a", "one"),
        Ok(()),
        "replacing a line does not add one: set() must count the map without the lines it replaces"
    );
    assert_eq!(
        headers.set("C", "3"),
        Err(HeaderError::TooManyFields),
        "a new name still needs room"
    );
    assert_eq!(headers.len(), 2, "a refused set() leaves the map unchanged");
}

#[test]
fn refused_set_keeps_the_lines_it_would_replace() {
    let mut headers = HeaderMap::with_limits(Limits {
        max_fields: 10,
        max_size: 20,
    });
    headers.append("A", "1").unwrap();
    headers.append("a", "2").unwrap();
    assert_eq!(
        headers.set("A", "a value far too long for the map"),
        Err(HeaderError::TooLarge),
        "the new line alone is over max_size"
    );
    assert_eq!(
        headers.get_all("a"),
        vec!["1", "2"],
        "on error the map is unchanged: the lines set() would have replaced are still there \
         (remove them only once the new line is known to fit)"
    );
}

// ---------------------------------------------------------------------------------------------
// Typed accessors
// ---------------------------------------------------------------------------------------------

#[test]
fn list_splits_elements_across_lines() {
    let headers = map(&[
        ("Connection", "keep-alive, Upgrade"),
        ("connection", "close"),
    ]);
    assert_eq!(
        headers.list("Connection"),
        vec!["keep-alive", "Upgrade", "close"],
        "a list-based field's elements are separated by commas, over all its lines (RFC 9110 §5.6.1)"
    );
    assert!(
        headers.list("Accept").is_empty(),
        "an absent field is an empty list"
    );
}

#[test]
fn list_ignores_empty_elements() {
    // RFC 9110 §5.6.1.2: recipients must accept these, with empty elements not counted.
    for (value, expected) in [
        ("foo,bar", vec!["foo", "bar"]),
        ("foo ,bar,", vec!["foo", "bar"]),
        ("foo , ,bar,charlie", vec!["foo", "bar", "charlie"]),
        (",   ,", vec![]),
    ] {
        let headers = map(&[("Example-List", value)]);
        assert_eq!(
            headers.list("Example-List"),
            expected,
            "{value:?}: elements are trimmed of OWS and empty elements are ignored (RFC 9110 §5.6.1.2 examples)"
        );
    }
}

#[test]
fn list_does_not_split_inside_quoted_strings() {
    let headers = map(&[("If-None-Match", "\"v1,a\", \"v2\\\",b\", W/\"v3\"")]);
    assert_eq!(
        headers.list("If-None-Match"),
        vec!["\"v1,a\"", "\"v2\\\",b\"", "W/\"v3\""],
        "a comma inside a quoted-string (RFC 9110 §5.6.4), including after an escaped quote \
         \\\", is part of the element, not a separator"
    );
}

#[test]
fn list_backslash_escapes_only_inside_quoted_strings() {
    let headers = map(&[("Accept", "text/x\\, b")]);
    assert_eq!(
        headers.list("Accept"),
        vec!["text/x\\", "b"],
        "a backslash outside a quoted string is an ordinary character (RFC 9110 §5.6.4): the \
         comma after it still separates two elements"
    );
}
