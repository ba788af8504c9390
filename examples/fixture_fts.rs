//! Compares the two ways of filling the full-text indexes during a fixture load:
//! dropping the insert triggers and rebuilding once (what `generate-fixture` does)
//! versus indexing row by row through the triggers, as the app does.
//!
//! `cargo run --release --example fixture_fts -- [CONVERSATIONS] [MESSAGES]`
//! (default 1,000 × 100). Writes to temporary directories, removed afterwards.

use interviewer::fixture::{FixtureSpec, generate};
use interviewer::store::FtsLoad;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let conversations = args.next().transpose()?.unwrap_or(1_000);
    let messages = args.next().transpose()?.unwrap_or(100);
    println!("{conversations} conversations x {messages} messages");
    for fts in [FtsLoad::Rebuild, FtsLoad::Triggers] {
        let dir = tempfile::tempdir()?;
        let spec = FixtureSpec {
            fts,
            ..FixtureSpec::new(conversations, messages)
        };
        let summary = generate(dir.path(), &spec)?;
        println!(
            "{fts:?}: {:.2} s, file {:.1} MiB",
            summary.elapsed.as_secs_f64(),
            summary.file_bytes as f64 / (1024.0 * 1024.0)
        );
    }
    Ok(())
}
