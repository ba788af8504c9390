//! `report` and `stats`: the end-of-interview feedback report of one conversation,
//! and progress across interviews (competency trends, readiness history, tokens).

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::agent::pricing::{self, ModelUsage};
use crate::agent::report::{self, ParsedReport, ReportError};
use crate::agent::{AgentError, Backend, Usage};
use crate::config::Settings;
use crate::progress::Progress;
use crate::service::Service;
use crate::store::StoredReport;
use crate::timefmt::rfc3339;

/// `interviewer report ID [--regenerate] [--json]`: prints the stored report, making
/// one first when there is none (or `--regenerate`): by the model when a key is
/// set, from the offline heuristics with `--offline` or no key.
pub fn report(settings: Settings, id: i64, regenerate: bool, json: bool) -> Result<ExitCode> {
    let model = settings.model.clone();
    let service = super::open(settings)?;
    service.store.require_conversation(id)?;

    let existing = if regenerate {
        None
    } else {
        service.store.latest_report(id)?
    };
    let (stored, usage) = match existing {
        Some(stored) => (stored, None),
        // The backend (and the key lookup) only when a report has to be made: a
        // stored one shows with no key and whatever --api-base says.
        None => make(&service, &model, id)?,
    };
    let messages = service.store.messages(id)?;
    let mut usage_rows = pricing::usage_by_model(&messages);
    if let Some(Usage {
        prompt_tokens,
        completion_tokens,
    }) = usage
    {
        let mut row = ModelUsage::new(
            &model,
            u64::from(prompt_tokens),
            u64::from(completion_tokens),
        );
        row.model = format!("{model} (this report)");
        usage_rows.push(row);
    }

    let mut out = String::new();
    if json {
        let parsed = report::parse_stored(&stored);
        let (body, raw) = match parsed {
            ParsedReport::Valid(r) => (serde_json::to_value(r)?, serde_json::Value::Null),
            ParsedReport::Raw(text) => (serde_json::Value::Null, text.into()),
        };
        let value = json!({
            "conversation_id": id,
            "kind": stored.kind,
            "model": stored.model,
            "valid": matches!(body, serde_json::Value::Object(_)),
            "created_at": rfc3339(stored.created_at),
            "report": body,
            "raw": raw,
            "usage": usage_rows,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return emit(&out);
    }
    let text = render_stored(&stored, id);
    writeln!(out, "{}", crate::sanitize::for_terminal(&text).trim_end())?;
    let usage_lines = pricing::describe(&usage_rows);
    if !usage_lines.is_empty() {
        writeln!(out, "\nToken usage")?;
        for line in usage_lines {
            writeln!(out, "  {}", crate::sanitize::for_terminal_line(&line))?;
        }
    }
    emit(&out)
}

/// Makes and stores a new report: by the model when a key is set, from the offline
/// heuristics with `--offline` or no key.
fn make(service: &Service, model: &str, id: i64) -> Result<(StoredReport, Option<Usage>)> {
    // Nothing is said about asking a model before it is known there is something
    // to assess.
    report::assessable(&service.store, id)?;
    let backend = match Backend::from_settings(&service.settings) {
        Ok(b) => b,
        Err(AgentError::NoKey) => Backend::Offline,
        Err(e) => bail!("{e}"),
    };
    match &backend {
        Backend::Offline if !service.settings.offline => eprintln!(
            "no API key, so this is a heuristic report from measurable signals; \
             set OPENAI_API_KEY or run `interviewer key set` for a model's report"
        ),
        Backend::Offline => {}
        Backend::OpenAi(_) => eprintln!("asking {model} for the feedback report…"),
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match runtime.block_on(report::generate(&service.store, &backend, model, id)) {
        Ok(made) => Ok(made),
        Err(ReportError::Agent(e)) => {
            bail!("{e} (no report was stored; run again, or pass --offline for a heuristic report)")
        }
        Err(e) => Err(e.into()),
    }
}

/// A stored report as text: its heading, then the report or the raw reply.
pub fn render_stored(stored: &StoredReport, id: i64) -> String {
    let mut text = report::heading(stored);
    text.push_str("\n\n");
    match report::parse_stored(stored) {
        ParsedReport::Valid(r) => text.push_str(&report::render_text(&r)),
        ParsedReport::Raw(raw) => {
            text.push_str(&format!(
                "The model's reply could not be read as a report; here it is as it came. \
                 Run `interviewer report {id} --regenerate` to ask again.\n\n"
            ));
            text.push_str(&raw);
        }
    }
    text
}

/// `interviewer stats [--json]`.
pub fn stats(service: &Service, json: bool) -> Result<ExitCode> {
    let progress = Progress::load(&service.store)?;
    if json {
        let text = serde_json::to_string_pretty(&progress.to_json())?;
        return emit(&format!("{text}\n"));
    }
    emit(&progress.render_text())
}

/// Writes the output in one go; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
