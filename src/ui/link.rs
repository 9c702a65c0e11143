//! Paths on screen as terminal hyperlinks (OSC 8), so a click opens the file, where the
//! terminal is known to support them. Elsewhere the escape would show up as garbage, so the
//! default is off; `BACKLINGS_HYPERLINKS=1` or `=0` overrides the guess.

use std::path::Path;
use std::sync::OnceLock;

/// Whether this terminal shows OSC 8 hyperlinks.
pub fn supported() -> bool {
    static SUPPORTED: OnceLock<bool> = OnceLock::new();
    *SUPPORTED.get_or_init(|| guess(&|name| std::env::var(name).ok()))
}

/// The guess from the environment: terminals that announce themselves and render OSC 8.
fn guess(var: &dyn Fn(&str) -> Option<String>) -> bool {
    match var("BACKLINGS_HYPERLINKS").as_deref() {
        Some("1") | Some("yes") | Some("true") => return true,
        Some("0") | Some("no") | Some("false") => return false,
        _ => {}
    }
    if var("TERM").as_deref() == Some("dumb") || var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    if matches!(
        var("TERM_PROGRAM").as_deref(),
        Some("vscode" | "iTerm.app" | "WezTerm" | "ghostty" | "Hyper" | "rio" | "zed")
    ) {
        return true;
    }
    // VTE (GNOME Terminal, Tilix...) renders them from 0.50 on.
    if var("VTE_VERSION")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 5000)
    {
        return true;
    }
    [
        "KITTY_WINDOW_ID",
        "WT_SESSION",
        "KONSOLE_VERSION",
        "ALACRITTY_WINDOW_ID",
    ]
    .iter()
    .any(|name| var(name).is_some())
}

/// `text` as a hyperlink to the file or folder at `path` (absolute), where supported.
pub fn to_path(path: &Path, text: &str) -> String {
    if !supported() {
        return text.to_string();
    }
    format_link(path, text)
}

fn format_link(path: &Path, text: &str) -> String {
    format!("\x1b]8;;{}\x1b\\{text}\x1b]8;;\x1b\\", file_url(path))
}

/// A `file://` URL for an absolute path, percent-encoding what a URL may not hold raw.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn known_terminals_get_links_and_unknown_ones_do_not() {
        assert!(guess(&env(&[("TERM_PROGRAM", "vscode")])));
        assert!(guess(&env(&[("VTE_VERSION", "7200")])));
        assert!(!guess(&env(&[("VTE_VERSION", "4200")])));
        assert!(!guess(&env(&[("TERM", "xterm-256color")])));
        assert!(!guess(&env(&[
            ("TERM_PROGRAM", "vscode"),
            ("TERM", "dumb")
        ])));
    }

    #[test]
    fn the_environment_variable_overrides_the_guess() {
        assert!(guess(&env(&[("BACKLINGS_HYPERLINKS", "1")])));
        assert!(!guess(&env(&[
            ("BACKLINGS_HYPERLINKS", "0"),
            ("TERM_PROGRAM", "vscode")
        ])));
    }

    #[test]
    fn a_link_is_an_osc_8_escape_that_takes_no_width() {
        let link = format_link(Path::new("/course/exercises/a b/src/lib.rs"), "src/lib.rs");
        assert_eq!(
            link,
            "\x1b]8;;file:///course/exercises/a%20b/src/lib.rs\x1b\\src/lib.rs\x1b]8;;\x1b\\"
        );
        assert_eq!(console::measure_text_width(&link), "src/lib.rs".len());
    }
}
