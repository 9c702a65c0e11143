//! `cfg(reserves)`: the targets where a port can be held by a socket that shares it through
//! SO_REUSEPORT (socket2's `set_reuse_port`), which `tcp::ReservedPort` relies on.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(reserves)");
    let unix = std::env::var_os("CARGO_CFG_UNIX").is_some();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let without = ["solaris", "illumos", "cygwin", "nuttx", "wasi"];
    if unix && !without.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=reserves");
    }
}
