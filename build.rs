//! Build script: links the `interviewer` executable with packed relative
//! relocations (`-z pack-relative-relocs`, the ELF `DT_RELR` table) where the C
//! library that will load it understands them (glibc 2.36 and later).
//!
//! Why: the executable is position-independent, so at every start the dynamic
//! loader patches about 36,000 addresses in it. As plain `RELA` entries (24 bytes
//! each) the table alone is 870 KB that every process reads, and applying it is a
//! measurable part of a short command such as `ask` (BENCHMARKS.md). Packed, the
//! same relocations take 7 KB and are applied in a tight loop: the binary stays
//! position-independent (address-space randomisation is kept), it starts with
//! about 50 fewer page faults and 0.25 ms less CPU, and its peak memory after a
//! streamed reply drops by about 1.6 MB.
//!
//! Only for the executables of this package (`rustc-link-arg-bins`), only when
//! building for the machine itself (a cross build cannot know the target's C
//! library), and only when `getconf GNU_LIBC_VERSION` says 2.36 or later: an older
//! glibc refuses to load such a binary, so there the flag is left out and nothing
//! changes.

use std::process::Command;

/// The first glibc whose loader applies `DT_RELR` (and provides the
/// `GLIBC_ABI_DT_RELR` version the linker then requires).
const RELR_SINCE: (u32, u32) = (2, 36);

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    let gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if native && gnu_linux && glibc_version().is_some_and(|v| v >= RELR_SINCE) {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The running glibc's version, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let out = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    parse_glibc_version(&String::from_utf8_lossy(&out.stdout))
}

fn parse_glibc_version(text: &str) -> Option<(u32, u32)> {
    let version = text.trim().strip_prefix("glibc ")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.trim().parse().ok()?;
    Some((major, minor))
}
