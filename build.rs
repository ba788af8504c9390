//! Build script: how the `interviewer` executable is linked on Linux, for a
//! smaller, faster-starting process (BENCHMARKS.md). Nothing here changes what the
//! program does.
//!
//! - Packed relative relocations (`-z pack-relative-relocs`, the ELF `DT_RELR`
//!   table), where the C library that will load the binary understands them
//!   (glibc 2.36 and later). The executable is position-independent, so at every
//!   start the dynamic loader patches about 36,000 addresses in it; as plain
//!   `RELA` entries (24 bytes each) the table alone is 870 KB that every process
//!   reads. Packed, the same relocations take 7 KB and are applied in a tight
//!   loop: the binary stays position-independent (address-space randomisation is
//!   kept), it starts with about 50 fewer page faults and 0.25 ms less CPU, and
//!   its peak memory after a streamed reply drops by about 1.6 MB. An older glibc
//!   refuses such a binary, so there the flag is left out.
//! - The functions `ask` and the TUI run placed together at the start of `.text`
//!   (`--symbol-ordering-file scripts/link-order.txt`, written by
//!   `scripts/link-order.sh`): the kernel maps code around each page first
//!   touched, so the 2.6 MB of functions really run, scattered over 12 MB, made
//!   8.3 MB resident; grouped, the peak memory after a reply fell from 13.6 to
//!   8.3 MB. Only where the linker is LLD (the default of `x86_64-unknown-linux-gnu`
//!   since Rust 1.90) and no other linker is configured; a name the list holds that
//!   the binary lacks is skipped, so a stale list costs memory, never correctness.
//!
//! Only for the executables of this package (`rustc-link-arg-bins`: proc macros,
//! build scripts and test harnesses link as before), and only when building for the
//! machine itself (a cross build cannot know the target's C library).

use std::path::Path;
use std::process::Command;

/// The first glibc whose loader applies `DT_RELR` (and provides the
/// `GLIBC_ABI_DT_RELR` version the linker then requires).
const RELR_SINCE: (u32, u32) = (2, 36);

/// The link order of the functions that run, from `scripts/link-order.sh`.
const LINK_ORDER: &str = "scripts/link-order.txt";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={LINK_ORDER}");
    println!("cargo::rerun-if-env-changed=RUSTC_LINKER");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let target = var("TARGET");
    if target != var("HOST")
        || var("CARGO_CFG_TARGET_OS") != "linux"
        || var("CARGO_CFG_TARGET_ENV") != "gnu"
    {
        return;
    }
    if glibc_version().is_some_and(|v| v >= RELR_SINCE) {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    // Rust's own LLD links this target unless something else was asked for: a
    // linker (`RUSTC_LINKER`, set when one is configured) or linker flags in
    // RUSTFLAGS. GNU ld does not know `--symbol-ordering-file`.
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let other_linker = !var("RUSTC_LINKER").is_empty()
        || ["linker", "link-self-contained", "fuse-ld"]
            .iter()
            .any(|f| flags.contains(f));
    let order = Path::new(&var("CARGO_MANIFEST_DIR")).join(LINK_ORDER);
    // (`-Wl,` splits its argument at commas.)
    let usable = order.is_file() && !order.to_string_lossy().contains(',');
    if target == "x86_64-unknown-linux-gnu" && !other_linker && usable {
        println!(
            "cargo::rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo::rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
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
