//! The specification of the encoders: each context's characters that end it are encoded, the
//! rest is left alone, and the payloads of OWASP's cheat sheets stay data in each context.
//! Rule numbers are those of the OWASP Cross Site Scripting Prevention Cheat Sheet; payloads
//! come from it and from OWASP's XSS Filter Evasion Cheat Sheet.

use output_encoding::{html_attr, html_text, is_safe_url, profile_page, url_component};

// ---------------------------------------------------------------------------------------------
// Helpers: what a browser does with the encoded text, to check that it gets the data back.

/// Decodes the character references the encoders write (`&amp;`... and `&#xHH;`).
fn html_decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').map_or(after.len(), |e| e + 1);
        let entity = &after[..end];
        let decoded = match entity {
            "&amp;" => Some('&'),
            "&lt;" => Some('<'),
            "&gt;" => Some('>'),
            "&quot;" => Some('"'),
            _ => entity
                .strip_prefix("&#x")
                .and_then(|h| h.strip_suffix(';'))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &after[end..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes `%HH` escapes and reads the bytes as UTF-8.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits after %"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 after percent-decoding")
}

/// Payloads that try to leave a context, from the OWASP cheat sheets.
const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' autofocus onfocus='alert(1)",
    "\" onmouseover=\"alert(1)",
    "x onmouseover=alert(1)",
    "</p><svg/onload=alert(1)>",
    "`><img src=x onerror=alert(1)>",
    "&lt;script&gt;",
    "rust&admin=true#top",
    "Zoë 日本 🦀",
];

// ---------------------------------------------------------------------------------------------
// HTML text (Rule #1)

#[test]
fn html_text_leaves_ordinary_text_alone() {
    for s in ["Hello, world 123", "Zoë 日本 🦀", "a = b; (c) / d", ""] {
        assert_eq!(
            html_text(s),
            s,
            "only & < > \" ' are special in element content: {s:?} must come back unchanged"
        );
    }
}

#[test]
fn html_text_encodes_the_five_characters_of_rule_1() {
    assert_eq!(
        html_text("&<>\"'"),
        "&amp;&lt;&gt;&quot;&#x27;",
        "Rule #1: & < > \" ' become &amp; &lt; &gt; &quot; &#x27;"
    );
}

#[test]
fn a_script_tag_in_text_stays_text() {
    let got = html_text("<script>alert(1)</script>");
    assert_eq!(
        got, "&lt;script&gt;alert(1)&lt;/script&gt;",
        "a < left as it is opens a tag: the browser would run the script"
    );
}

#[test]
fn an_entity_typed_by_the_user_is_shown_as_typed() {
    assert_eq!(
        html_text("&lt;b&gt;"),
        "&amp;lt;b&amp;gt;",
        "the user typed the characters &lt; and must see them, so their & is encoded too; \
         encoding & last would encode your own &lt; again"
    );
}

#[test]
fn html_text_gives_every_payload_back_to_the_browser_unchanged() {
    for &p in PAYLOADS {
        let got = html_text(p);
        assert!(
            !got.contains(['<', '>', '"', '\'']),
            "html_text({p:?}) = {got:?} still holds a character that ends text or a quote"
        );
        assert_eq!(
            html_decode(&got),
            p,
            "the browser decodes {got:?}; it must show exactly what the user wrote"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// HTML attribute values (Rule #2)

#[test]
fn html_attr_leaves_letters_and_digits_alone() {
    for s in ["abcXYZ019", "日本", "🦀", ""] {
        assert_eq!(
            html_attr(s),
            s,
            "ASCII letters and digits and characters from U+0100 up cannot end an attribute"
        );
    }
}

#[test]
fn a_double_quote_cannot_close_the_attribute() {
    assert_eq!(
        html_attr("\" onmouseover=\"alert(1)"),
        "&#x22;&#x20;onmouseover&#x3D;&#x22;alert&#x28;1&#x29;",
        "Rule #2: every character below 256 that is not a letter or digit becomes &#xHH;; \
         a raw \" would close title=\"...\" and the rest would add an onmouseover handler"
    );
}

#[test]
fn a_single_quote_cannot_close_the_attribute() {
    let got = html_attr("' autofocus onfocus='alert(1)");
    assert!(
        !got.contains('\''),
        "html_attr gave {got:?}: in an attribute quoted with ' this ' closes it, and \
         autofocus onfocus runs the script without a click"
    );
}

#[test]
fn nothing_is_left_that_ends_an_unquoted_attribute() {
    // An unquoted attribute ends at whitespace or >, and = ` ' " < also confuse parsers. Text
    // encoding (Rule #1) keeps the space: `<a title=x onmouseover=alert(1)>` adds a handler.
    for p in [
        "x onmouseover=alert(1)",
        "x\tonfocus=alert(1)",
        "x\nautofocus",
        "x>",
        "x`y",
        "x/y",
    ] {
        let got = html_attr(p);
        assert!(
            got.chars()
                .all(|c| c.is_ascii_alphanumeric() || "&#x;".contains(c)),
            "html_attr({p:?}) = {got:?}: only letters, digits and &#xHH; may remain, \
             or an attribute someone forgot to quote is broken out of"
        );
        assert_eq!(html_decode(&got), p, "{got:?} must decode back to {p:?}");
    }
}

#[test]
fn characters_up_to_u_00ff_are_encoded_and_from_u_0100_are_not() {
    assert_eq!(html_attr("é"), "&#xE9;", "U+00E9 is below 256: &#xE9;");
    assert_eq!(
        html_attr("\u{A0}"),
        "&#xA0;",
        "a no-break space (U+00A0) is below 256"
    );
    assert_eq!(
        html_attr("ÿ"),
        "&#xFF;",
        "U+00FF is the last character below 256"
    );
    assert_eq!(
        html_attr("Ā"),
        "Ā",
        "U+0100 is the first character left as it is"
    );
    assert_eq!(html_attr("\0"), "&#x00;", "two hex digits, even for NUL");
}

#[test]
fn html_attr_gives_every_payload_back_to_the_browser_unchanged() {
    for &p in PAYLOADS {
        let got = html_attr(p);
        assert_eq!(html_decode(&got), p, "{got:?} must decode back to {p:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// URL components (Rule #5)

#[test]
fn unreserved_characters_are_left_alone() {
    assert_eq!(
        url_component("AZaz09-._~"),
        "AZaz09-._~",
        "RFC 3986 §2.3: letters, digits and - . _ ~ never need encoding"
    );
}

#[test]
fn reserved_characters_are_percent_encoded() {
    for (s, want) in [
        ("a&b=c", "a%26b%3Dc"),
        ("a b", "a%20b"),
        ("#top", "%23top"),
        ("?x", "%3Fx"),
        ("../etc", "..%2Fetc"),
        ("100%", "100%25"),
        ("a+b", "a%2Bb"),
        ("\"'<>", "%22%27%3C%3E"),
    ] {
        assert_eq!(
            url_component(s),
            want,
            "RFC 3986 §2.1: every other byte is %HH, uppercase (a space is %20, not +)"
        );
    }
}

#[test]
fn non_ascii_is_percent_encoded_as_utf8_bytes() {
    assert_eq!(
        url_component("é"),
        "%C3%A9",
        "é is the UTF-8 bytes C3 A9, one %HH each"
    );
    assert_eq!(url_component("日"), "%E6%97%A5", "日 is three UTF-8 bytes");
    assert_eq!(
        url_component("🦀"),
        "%F0%9F%A6%80",
        "🦀 is four UTF-8 bytes"
    );
}

#[test]
fn a_search_term_cannot_add_a_parameter_or_leave_the_attribute() {
    for &p in PAYLOADS {
        let got = url_component(p);
        assert!(
            got.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c)),
            "url_component({p:?}) = {got:?}: an & adds a parameter, a # ends the query, \
             and a \" ends the href attribute the URL sits in"
        );
        assert_eq!(percent_decode(&got), p, "{got:?} must decode back to {p:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Whole URLs in href (Rule #7)

#[test]
fn web_links_mail_links_and_relative_urls_are_safe() {
    for url in [
        "https://example.com/a?b=c",
        "http://example.com",
        "HTTPS://EXAMPLE.COM",
        "mailto:ann@example.com",
        "/profile/42",
        "profile?id=1",
        "?q=a:b",
        "#top",
        "/a:b",
        "",
    ] {
        assert!(
            is_safe_url(url),
            "{url:?} is a web link or relative: it must be allowed"
        );
    }
}

#[test]
fn javascript_and_other_schemes_are_refused() {
    for url in [
        "javascript:alert(1)",
        "javascript://example.com/%0Aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "httpx:alert(1)",
    ] {
        assert!(
            !is_safe_url(url),
            "{url:?} must be refused: only http, https and mailto are allowed, and \
             encoding does not stop a javascript: URL from running when clicked"
        );
    }
}

#[test]
fn javascript_spelled_the_way_browsers_forgive_is_refused() {
    // OWASP XSS Filter Evasion Cheat Sheet: case, embedded tab / newline, leading spaces and
    // control characters. The URL parser removes them before it reads the scheme.
    for url in [
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "\u{1f} \njavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\rscript:alert(1)",
        "javascript\t:alert(1)",
    ] {
        assert!(
            !is_safe_url(url),
            "{url:?} runs script in a browser: it deletes tabs and newlines anywhere, strips \
             leading spaces and control characters, and ignores the scheme's case"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The page (given) with the encoders in place

#[test]
fn the_page_shows_ordinary_data_as_it_is() {
    assert_eq!(
        profile_page("Ann", "https://ann.example/", "rust books"),
        "<p class=\"greeting\">Hello, Ann!</p>\n\
         <a href=\"https&#x3A;&#x2F;&#x2F;ann&#x2E;example&#x2F;\" title=\"Ann\">website</a>\n\
         <a href=\"/search?q=rust%20books&amp;page=1\">search again</a>\n"
    );
}

#[test]
fn no_payload_changes_the_shape_of_the_page() {
    let template = profile_page("Ann", "/ann", "rust");
    let shape = |page: &str| -> Vec<usize> {
        ['<', '>', '"', '\'']
            .iter()
            .map(|&c| page.matches(c).count())
            .collect()
    };
    for &p in PAYLOADS {
        let page = profile_page(p, p, p);
        assert_eq!(
            shape(&page),
            shape(&template),
            "with {p:?} as name, website and search, the page's count of < > \" ' changed: \
             the payload added markup:\n{page}"
        );
    }
}

#[test]
fn a_javascript_website_becomes_a_link_to_nowhere() {
    let page = profile_page("Ann", " JaVa\tScRiPt:alert(document.cookie)", "x");
    assert!(
        page.contains("<a href=\"&#x23;\""),
        "the website must be replaced by # when it is not safe; the page was:\n{page}"
    );
}
