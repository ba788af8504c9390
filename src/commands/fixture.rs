//! `generate-fixture` (hidden): writes the benchmark database and says what it wrote.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use crate::config::Settings;
use crate::fixture::{FixtureSpec, generate};

pub fn run(settings: &Settings, conversations: usize, messages: usize) -> Result<ExitCode> {
    let summary = generate(
        &settings.data_dir,
        &FixtureSpec::new(conversations, messages),
    )?;
    let mb = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    writeln!(
        std::io::stdout().lock(),
        "wrote {} conversations ({} archived, {} with a report) and {} messages \
         ({:.1} MiB of text; file {:.1} MiB) to {} in {:.2} s",
        summary.conversations,
        summary.archived,
        summary.reports,
        summary.messages,
        mb(summary.text_bytes as u64),
        mb(summary.file_bytes),
        crate::fixture::database_path(&settings.data_dir).display(),
        summary.elapsed.as_secs_f64(),
    )?;
    Ok(ExitCode::SUCCESS)
}
