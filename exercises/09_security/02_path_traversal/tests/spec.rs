//! The specification of `resolve`, on a real folder: a public root with files, a secret beside
//! it, a sibling folder whose name starts like the root's, and symlinks in and out. Every
//! attack request is one from OWASP's Path Traversal page or CWE-22, spelled the ways servers
//! have been fooled by.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use path_traversal::{PathError, resolve};
use tempfile::TempDir;

const SECRET: &str = "DATABASE_PASSWORD=hunter2";
const KEY: &str = "-----BEGIN PRIVATE KEY-----";

/// base/
///   secret.env               the secret outside the root
///   public/                  the root
///     index.html
///     a b.txt
///     css/site.css
///     style -> css/site.css        a symlink that stays inside
///     leak -> ../secret.env        a symlink out of the root
///     up -> ..                     a symlink to the root's parent
///     sneaky -> ../public-private/key.pem
///   public-private/key.pem   a sibling whose name starts with the root's
///   www -> public             a symlink to the root
struct Site {
    _dir: TempDir,
    base: PathBuf,
    root: PathBuf,
}

fn site() -> Site {
    let dir = tempfile::tempdir().expect("a temp dir");
    // The temp dir's own path may hold a symlink (macOS's /var): work from its real path.
    let base = dir.path().canonicalize().unwrap();
    let root = base.join("public");
    fs::create_dir_all(root.join("css")).unwrap();
    fs::create_dir_all(base.join("public-private")).unwrap();
    fs::write(base.join("secret.env"), SECRET).unwrap();
    fs::write(base.join("public-private/key.pem"), KEY).unwrap();
    fs::write(root.join("index.html"), "<h1>home</h1>").unwrap();
    fs::write(root.join("a b.txt"), "spaced").unwrap();
    fs::write(root.join("css/site.css"), "body {}").unwrap();
    symlink("css/site.css", root.join("style")).unwrap();
    symlink("../secret.env", root.join("leak")).unwrap();
    symlink("..", root.join("up")).unwrap();
    symlink("../public-private/key.pem", root.join("sneaky")).unwrap();
    symlink("public", base.join("www")).unwrap();
    Site {
        _dir: dir,
        base,
        root,
    }
}

#[track_caller]
fn found(root: &Path, request: &str, content: &str) {
    match resolve(root, request) {
        Ok(path) => assert_eq!(
            fs::read_to_string(&path).unwrap_or_default(),
            content,
            "resolve({request:?}) gave {path:?}, which does not hold the file asked for"
        ),
        Err(err) => panic!("resolve({request:?}) must find the file under the root, got {err:?}"),
    }
}

#[track_caller]
fn refused(root: &Path, request: &str, want: PathError, why: &str) {
    let got = resolve(root, request);
    if let Ok(path) = &got {
        let text = fs::read_to_string(path).unwrap_or_default();
        panic!(
            "resolve({request:?}) must be refused with {want:?} but gave {path:?} ({text:?}): {why}"
        );
    }
    assert_eq!(got, Err(want), "resolve({request:?}): {why}");
}

// ---------------------------------------------------------------------------------------------
// What is under the root is served

#[test]
fn a_file_under_the_root_is_found() {
    let s = site();
    found(&s.root, "index.html", "<h1>home</h1>");
}

#[test]
fn a_file_in_a_subfolder_is_found() {
    let s = site();
    found(&s.root, "css/site.css", "body {}");
}

#[test]
fn the_path_returned_is_the_canonical_one() {
    let s = site();
    assert_eq!(
        resolve(&s.root, "css/site.css"),
        Ok(s.root.join("css/site.css")),
        "the path must be canonical: absolute, symlinks followed"
    );
}

#[test]
fn a_percent_encoded_name_is_decoded() {
    let s = site();
    found(&s.root, "a%20b.txt", "spaced");
    found(&s.root, "css%2Fsite.css", "body {}");
}

#[test]
fn empty_and_dot_segments_are_harmless() {
    let s = site();
    found(&s.root, "./css//site.css", "body {}");
    found(&s.root, "css/./site.css/", "body {}");
}

#[test]
fn a_missing_file_is_not_found() {
    let s = site();
    assert_eq!(resolve(&s.root, "nope.html"), Err(PathError::NotFound));
    assert_eq!(resolve(&s.root, "css/nope/x"), Err(PathError::NotFound));
}

#[test]
fn a_symlink_that_stays_under_the_root_is_followed() {
    let s = site();
    assert_eq!(
        resolve(&s.root, "style"),
        Ok(s.root.join("css/site.css")),
        "style -> css/site.css stays under the root: it is served, as its real path"
    );
}

#[test]
fn a_root_given_with_dot_dot_or_through_a_symlink_still_works() {
    let s = site();
    found(
        &s.base.join("public/../public"),
        "index.html",
        "<h1>home</h1>",
    );
    found(&s.base.join("www"), "css/site.css", "body {}");
    assert_eq!(
        resolve(&s.base.join("www"), "index.html"),
        Ok(s.root.join("index.html")),
        "the root must be canonicalized too, or no canonical file path starts with it"
    );
}

// ---------------------------------------------------------------------------------------------
// Attacks in the request's text

#[test]
fn dot_dot_is_refused() {
    let s = site();
    for request in [
        "../secret.env",
        "css/../../secret.env",
        "css/../index.html",
        "..",
    ] {
        refused(
            &s.root,
            request,
            PathError::DotDot,
            "a .. segment climbs out of the folder it is in",
        );
    }
}

#[test]
fn percent_encoded_dot_dot_is_refused() {
    let s = site();
    for request in [
        "%2e%2e/secret.env",
        "%2E%2E%2Fsecret.env",
        "..%2fsecret.env",
        ".%2e/secret.env",
        "css%2f..%2f..%2fsecret.env",
    ] {
        refused(
            &s.root,
            request,
            PathError::DotDot,
            "%2e is . and %2f is /: check the decoded text, split on / after decoding",
        );
    }
}

#[test]
fn the_request_is_decoded_once_only() {
    let s = site();
    // Decoded once, %252e%252e%252f is the text %2e%2e%2f: a strange file name, not `../`.
    // Decoding twice turns it into ../ after the checks have passed, in a server that checks
    // between two decoders (CWE-174).
    refused(
        &s.root,
        "%252e%252e%252fsecret.env",
        PathError::NotFound,
        "decoded once this is the name %2e%2e%2fsecret.env, which is not there",
    );
}

#[test]
fn an_absolute_path_is_refused() {
    let s = site();
    let secret = s.base.join("secret.env");
    let secret = secret.to_str().unwrap();
    for request in [secret, "/etc/passwd", "//etc/passwd", "%2fetc%2fpasswd"] {
        refused(
            &s.root,
            request,
            PathError::Absolute,
            "Path::join with an absolute path replaces the root: root.join(\"/etc\") is /etc",
        );
    }
}

#[test]
fn a_nul_byte_is_refused() {
    let s = site();
    for request in ["index.html%00.png", "index.html\0", "%00"] {
        refused(
            &s.root,
            request,
            PathError::NulByte,
            "a NUL ends the name for C code and the OS: index.html%00.png passes a .png check \
             and opens index.html",
        );
    }
}

#[test]
fn a_backslash_is_refused() {
    let s = site();
    for request in ["..\\secret.env", "..%5csecret.env", "css\\site.css", "%5c"] {
        refused(
            &s.root,
            request,
            PathError::Backslash,
            "Windows reads \\ as a separator, so ..\\ climbs out there",
        );
    }
}

#[test]
fn a_malformed_escape_is_refused() {
    let s = site();
    for request in ["%", "index%2", "%zz", "%+1", "%ff", "%c3"] {
        refused(
            &s.root,
            request,
            PathError::BadEncoding,
            "a % without two hex digits, or bytes that are not UTF-8, is not a name",
        );
    }
}

#[test]
fn the_checks_come_in_the_order_given() {
    let s = site();
    refused(
        &s.root,
        "%zz/..",
        PathError::BadEncoding,
        "decoding comes first",
    );
    refused(&s.root, "/..\\%00", PathError::NulByte, "then the NUL byte");
    refused(
        &s.root,
        "/..\\x",
        PathError::Backslash,
        "then the backslash",
    );
    refused(&s.root, "/../x", PathError::Absolute, "then the leading /");
}

// ---------------------------------------------------------------------------------------------
// Attacks through the file system

#[test]
fn a_symlink_out_of_the_root_is_refused() {
    let s = site();
    refused(
        &s.root,
        "leak",
        PathError::Escapes,
        "leak -> ../secret.env: its text is clean, but the file system leads out of the root",
    );
}

#[test]
fn a_path_through_a_symlinked_folder_out_of_the_root_is_refused() {
    let s = site();
    refused(
        &s.root,
        "up/secret.env",
        PathError::Escapes,
        "up -> .. is a folder outside: canonicalize follows every symlink on the way",
    );
}

#[test]
fn a_sibling_whose_name_starts_like_the_root_is_outside() {
    let s = site();
    refused(
        &s.root,
        "sneaky",
        PathError::Escapes,
        "public-private/key.pem starts with the text of public/ but is not under it: compare \
         paths with Path::starts_with (whole components), not as strings",
    );
}

#[test]
fn no_attack_reads_the_secret() {
    let s = site();
    let attacks = [
        "../secret.env",
        "%2e%2e/secret.env",
        "%2e%2e%2fsecret.env",
        "..%2F..%2F..%2Fsecret.env",
        "%252e%252e%252fsecret.env",
        "..\\secret.env",
        "....//secret.env",
        "leak",
        "up/secret.env",
        "up/public-private/key.pem",
        "sneaky",
    ];
    let mut attacks: Vec<String> = attacks.iter().map(|a| a.to_string()).collect();
    attacks.push(s.base.join("secret.env").to_string_lossy().into_owned());
    for request in &attacks {
        if let Ok(path) = resolve(&s.root, request) {
            let text = fs::read_to_string(&path).unwrap_or_default();
            assert!(
                text != SECRET && text != KEY,
                "resolve({request:?}) gave {path:?}, and it reads the secret {text:?}"
            );
        }
    }
}
