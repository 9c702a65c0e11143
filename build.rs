//! Embeds the exercise files as shipped, so `backlings reset` can restore them.
//!
//! `shipped.txt` lists every shipped file with its git blob id. For each, this takes the file
//! in the working tree while it is still as shipped, else the blob from git's history (a
//! learner's edits and commits never remove it), else records it as unavailable. So a runner
//! rebuilt from a tree full of the learner's work (`cargo clean`, a new toolchain,
//! `cargo install --path .`) still embeds the files as shipped.
//!
//! The bytes are copied to OUT_DIR and embedded from there: no exercise file enters the
//! runner's dep-info, so an edit never rebuilds the runner. It reruns only when shipped.txt
//! (or this script) changes; course authors record a changed exercise with `backlings dev ship`.

#[allow(dead_code)]
#[path = "src/manifest.rs"]
mod manifest;

use manifest::{Entry, MANIFEST_FILE};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/manifest.rs");
    println!("cargo:rerun-if-changed={MANIFEST_FILE}");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let entries = match std::fs::read_to_string(root.join(MANIFEST_FILE)) {
        Ok(text) => manifest::parse(&text).unwrap_or_else(|e| {
            println!("cargo:warning={e}; `reset` has nothing to restore until it is fixed (course authors: `backlings dev ship`)");
            Vec::new()
        }),
        Err(e) => {
            println!("cargo:warning=cannot read {MANIFEST_FILE} ({e}); `reset` has nothing to restore (course authors: `backlings dev ship` writes it)");
            Vec::new()
        }
    };
    let unavailable = embed(&root, &out, &entries);
    if !unavailable.is_empty() {
        println!(
            "cargo:warning={} shipped file(s) were edited and git has no copy of them as shipped, so `reset` cannot restore them: {}",
            unavailable.len(),
            unavailable.join(", ")
        );
    }
}

/// Copies each entry's shipped bytes under `out/shipped/` and writes `out/shipped.rs`, the
/// table that embeds them; returns the paths it found no shipped copy of.
fn embed(root: &Path, out: &Path, entries: &[Entry]) -> Vec<String> {
    let store = out.join("shipped");
    let _ = std::fs::remove_dir_all(&store);
    let mut unavailable = Vec::new();
    let mut code = String::from(
        "/// Every file `shipped.txt` lists: its path from the course root, its git blob id, and its\n\
         /// bytes as shipped (`None`: the build found neither the file as shipped nor git's copy).\n\
         pub static SHIPPED: &[(&str, &str, Option<&[u8]>)] = &[\n",
    );
    for entry in entries {
        let bytes = match manifest::find_shipped(root, entry) {
            Some(bytes) => {
                let copy = store.join(&entry.path);
                std::fs::create_dir_all(copy.parent().expect("under the store")).unwrap();
                std::fs::write(&copy, bytes).unwrap();
                format!(
                    "Some(include_bytes!(concat!(env!(\"OUT_DIR\"), {:?})))",
                    format!("/shipped/{}", entry.path)
                )
            }
            None => {
                unavailable.push(entry.path.clone());
                "None".to_string()
            }
        };
        writeln!(code, "    ({:?}, {:?}, {bytes}),", entry.path, entry.id).unwrap();
    }
    code.push_str("];\n");
    std::fs::write(out.join("shipped.rs"), code).unwrap();
    unavailable
}
