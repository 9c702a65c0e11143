//! Given: a small model of when a browser attaches a cookie, enough to show what `SameSite`
//! does and does not stop. Real browsers find the registrable domain with the Public Suffix
//! List (`github.io` is a suffix, so `a.github.io` and `b.github.io` are different sites);
//! this model takes the last two labels of the host, which is right for `example.com`.

/// A cookie's `SameSite` attribute (RFC 6265bis §5.4.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

/// The site of an origin such as `https://app.example.com`: its scheme and registrable domain.
pub fn site(origin: &str) -> String {
    let (scheme, host) = origin.split_once("://").unwrap_or(("", origin));
    let labels: Vec<&str> = host.split('.').collect();
    let registrable = labels[labels.len().saturating_sub(2)..].join(".");
    format!("{scheme}://{registrable}")
}

/// Whether a page at `from` making a `method` request to `to` gets the cookie of `to`
/// attached. `top_level` is a navigation of the whole tab (a link, a form's submission that
/// loads a page), as opposed to a fetch, an image or an iframe.
pub fn sends_cookie(
    same_site: SameSite,
    from: &str,
    to: &str,
    method: &str,
    top_level: bool,
) -> bool {
    if site(from) == site(to) {
        // Same site: every mode sends it, whatever the subdomain.
        return true;
    }
    match same_site {
        SameSite::Strict => false,
        SameSite::Lax => top_level && method == "GET",
        SameSite::None => true,
    }
}
