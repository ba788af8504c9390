//! `models`: what the configured OpenAI-compatible server offers (`GET /models`),
//! the model in use marked, so a user can pick one for `--model`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::config::Settings;
use crate::sanitize::for_terminal_line;
use crate::service::backend::{self, Keys};

pub fn run(settings: &Settings, json: bool) -> Result<ExitCode> {
    let backend = backend::backend(settings, &Keys::for_settings(settings))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let Some(models) = runtime.block_on(backend::models(&backend))? else {
        bail!(
            "offline practice has no models to list (the built-in question bank plays the interviewer): drop --offline to ask the server"
        );
    };
    let current = settings.model.as_str();
    let mut out = std::io::stdout().lock();
    if json {
        let items: Vec<_> = models
            .iter()
            .map(|m| json!({"id": m.id, "owned_by": m.owned_by, "current": m.id == current}))
            .collect();
        writeln!(out, "{}", crate::sanitize::json_pretty(&items)?)?;
    } else {
        for m in &models {
            let marker = if m.id == current { "*" } else { " " };
            if m.owned_by.is_empty() {
                writeln!(out, "{marker} {}", for_terminal_line(&m.id))?;
            } else {
                writeln!(
                    out,
                    "{marker} {}  ({})",
                    for_terminal_line(&m.id),
                    for_terminal_line(&m.owned_by)
                )?;
            }
        }
    }
    out.flush()?;
    drop(out);
    if models.is_empty() {
        eprintln!("the server lists no models: check --api-base");
    } else if !models.iter().any(|m| m.id == current) {
        eprintln!(
            "the model in use, {}, is not in this list: pick one with --model NAME (or INTERVIEWER_MODEL)",
            for_terminal_line(current)
        );
    }
    Ok(ExitCode::SUCCESS)
}
