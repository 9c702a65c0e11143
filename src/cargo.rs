//! Talking to cargo: build exercises' test binaries in one invocation and read its JSON
//! messages, handing compiler diagnostics on as they arrive.

use crate::process::{self, Cancel, Exit};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Output kept from one cargo invocation.
const CARGO_OUTPUT_CAP: usize = 4 << 20;

/// The cargo program: the one that launched us (`cargo run`), else the one on PATH.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The target directory shared by the whole course.
pub fn target_dir(root: &Path) -> PathBuf {
    // As cargo does, an empty value counts as unset.
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// What the build produced for one package (keyed by its manifest folder).
#[derive(Debug, Default)]
pub struct PackageBuild {
    /// Test executables in the order to run them, each with its rank: `tests/spec.rs`,
    /// other `tests/*.rs`, then the library's unit tests.
    pub test_binaries: Vec<(u8, PathBuf)>,
    /// Rendered compiler diagnostics, in order.
    pub diagnostics: String,
    /// Whether any diagnostic was an error.
    pub errored: bool,
}

/// The result of one cargo build.
#[derive(Debug)]
pub struct Build {
    /// How cargo ended.
    pub exit: Exit,
    /// Per package folder.
    pub packages: HashMap<PathBuf, PackageBuild>,
    /// cargo's own messages (manifest errors and the like).
    pub stderr: String,
}

#[derive(Deserialize)]
struct Message {
    reason: String,
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    profile: Option<Profile>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    target: Option<Target>,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Profile {
    test: bool,
}

#[derive(Deserialize)]
struct Target {
    name: String,
    kind: Vec<String>,
}

/// Which test targets a build makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestTargets {
    /// Every test target, the library's unit-test harness included.
    All,
    /// Only `tests/*.rs`. A library without unit tests is then compiled once, not a second
    /// time as a harness with nothing in it: on two cores under load that second compile
    /// delays a compile error by tens of milliseconds, and a valid edit as well.
    Integration,
}

/// Builds the test binaries of `packages` (by name) in the workspace at `root`, in one
/// cargo invocation that goes on past a package that fails to compile. Each package's
/// diagnostics go to `on_diagnostic` as the compiler reports them.
pub fn build_tests(
    root: &Path,
    target_dir: &Path,
    packages: &[&str],
    targets: TestTargets,
    color: bool,
    cancel: &Cancel,
    mut on_diagnostic: impl FnMut(&Path, &str),
) -> Result<Build> {
    let mut cmd = Command::new(cargo_program());
    cmd.current_dir(root)
        .env("CARGO_TARGET_DIR", target_dir)
        // `build` makes the same test executables as `test --no-run` (same fingerprints),
        // and unlike it can keep going past a crate that fails to compile.
        .args(["build", "--keep-going", "--quiet"])
        .args(match targets {
            TestTargets::All => &["--tests"][..],
            TestTargets::Integration => &["--test", "*"][..],
        })
        .arg(if color {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        })
        .arg(if color {
            "--color=always"
        } else {
            "--color=never"
        });
    for name in packages {
        cmd.args(["-p", name]);
    }
    let mut build = Build {
        exit: Exit::Cancelled,
        packages: HashMap::new(),
        stderr: String::new(),
    };
    let out = process::run(cmd, None, CARGO_OUTPUT_CAP, cancel, |line| {
        let Ok(msg) = serde_json::from_slice::<Message>(line) else {
            return;
        };
        let Some(dir) = msg
            .manifest_path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
        else {
            return;
        };
        match msg.reason.as_str() {
            "compiler-message" => {
                let Some(diag) = msg.message else { return };
                let Some(text) = diag.rendered else { return };
                let pkg = build.packages.entry(dir.clone()).or_default();
                if diag.level == "error" {
                    pkg.errored = true;
                }
                // The library is compiled twice (as itself and as its unit-test harness), so
                // each of its diagnostics arrives twice: show it once.
                if pkg.diagnostics.contains(&text) {
                    return;
                }
                pkg.diagnostics.push_str(&text);
                on_diagnostic(&dir, &text);
            }
            "compiler-artifact" => {
                let is_test = msg.profile.is_some_and(|p| p.test);
                if let (true, Some(exe), Some(target)) = (is_test, msg.executable, msg.target) {
                    let pkg = build.packages.entry(dir).or_default();
                    // The specification speaks first, other test files next, unit tests last.
                    let rank = if target.name == "spec" {
                        0
                    } else if target.kind.iter().any(|k| k.ends_with("lib")) {
                        2
                    } else {
                        1
                    };
                    pkg.test_binaries.push((rank, exe));
                    pkg.test_binaries.sort();
                }
            }
            _ => {}
        }
    })
    .context(
        "cannot start cargo: is Rust installed and `cargo` on your PATH? (https://rustup.rs)",
    )?;
    build.exit = out.exit;
    build.stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    Ok(build)
}

/// cargo's own error (not a compiler's) in one line: its first `error:` line, where it points
/// (` --> file:line:col`), and the first line of each cause, without colours. Empty if it
/// printed none.
pub fn error_summary(stderr: &str) -> String {
    let plain = console::strip_ansi_codes(stderr);
    let Some(start) = plain.find("error:") else {
        return String::new();
    };
    let mut parts = Vec::new();
    let mut lines = plain[start..].lines();
    if let Some(first) = lines.next() {
        parts.push(first.trim_start_matches("error:").trim().to_string());
    }
    let mut in_cause = false;
    for line in lines {
        let line = line.trim();
        if let Some(at) = line.strip_prefix("--> ")
            && parts.len() == 1
        {
            parts[0] = format!("{} at {at}", parts[0]);
        } else if line == "Caused by:" {
            in_cause = true;
        } else if line.starts_with("error:") {
            break;
        } else if in_cause && !line.is_empty() {
            parts.push(line.to_string());
            in_cause = false;
        }
    }
    parts.retain(|p| !p.is_empty());
    parts.join(": ")
}

/// Builds every exercise's tests (and so every dependency) at the lowest CPU priority, calling
/// `on_crate` per crate built. Returns `true` if cargo got to the end, `false` if cancelled.
pub fn build_in_background(
    root: &Path,
    packages: &[&str],
    cancel: &Cancel,
    mut on_crate: impl FnMut(),
) -> bool {
    let mut cmd = Command::new(cargo_program());
    cmd.current_dir(root)
        .env("CARGO_TARGET_DIR", target_dir(root))
        .args([
            "build",
            "--tests",
            "--keep-going",
            "--quiet",
            "--message-format=json",
        ]);
    for name in packages {
        cmd.args(["-p", name]);
    }
    // SAFETY: setpriority is async-signal-safe; the compilers it starts inherit the niceness.
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            libc::setpriority(libc::PRIO_PROCESS, 0, 19);
            Ok(())
        });
    }
    let result = process::run(cmd, None, 64 * 1024, cancel, |line| {
        if line.starts_with(br#"{"reason":"compiler-artifact""#) {
            on_crate();
        }
    });
    matches!(result, Ok(out) if out.exit != Exit::Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_summary_keeps_the_error_and_the_first_line_of_each_cause() {
        let stderr = "warning: unused key\n\u{1b}[1m\u{1b}[91merror\u{1b}[0m: failed to parse manifest at `/c/Cargo.toml`\n\nCaused by:\n  TOML parse error at line 2, column 1\n    |\n  2 | [package\n    | ^\n  invalid table header\n";
        assert_eq!(
            error_summary(stderr),
            "failed to parse manifest at `/c/Cargo.toml`: TOML parse error at line 2, column 1"
        );
        assert_eq!(error_summary("warning: only this\n"), "");
        let toml = "error: unclosed table, expected `]`\n --> exercises/a/Cargo.toml:1:9\n  |\n1 | [package\n  |         ^\nerror: failed to load manifest for workspace member `/c/exercises/a`\n";
        assert_eq!(
            error_summary(toml),
            "unclosed table, expected `]` at exercises/a/Cargo.toml:1:9"
        );
    }
}
