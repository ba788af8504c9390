//! `report` and `stats`: the end-of-interview feedback report of one conversation,
//! and progress across interviews (competency trends, readiness history, tokens).

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;

use super::emit;
use crate::agent::pricing::{self, ModelUsage};
use crate::agent::report;
use crate::agent::{AgentError, Backend, Usage};
use crate::config::Settings;
use crate::domain::StoredReport;
use crate::domain::report::ParsedReport;
use crate::service::Service;
use crate::service::backend::{self, Keys};
use crate::service::reports::{ReportError, ReportReady};
use crate::timefmt::rfc3339;

/// `interviewer report ID [--regenerate] [--json]`: prints the stored report, making
/// one first when there is none (or `--regenerate`): by the model when a key is
/// set, from the offline heuristics with `--offline` or no key.
pub fn report(settings: Settings, id: i64, regenerate: bool, json: bool) -> Result<ExitCode> {
    let service = super::open(settings)?;
    // The conversation's model makes its report unless `--model` names another
    // (see `Service::report`).
    let model = match service.conversation(id)?.and_then(|c| c.model) {
        Some(model) if !service.settings.model_given() => model,
        _ => service.settings.model.clone(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // The backend (and the key lookup) only when a report has to be made: a stored
    // one shows with no key and whatever --api-base says.
    let made = runtime
        .block_on(service.report(id, regenerate, || report_backend(&service.settings, &model)));
    let ReportReady { stored, usage } = match made {
        Ok(ready) => ready,
        Err(e) => match e.downcast_ref::<ReportError>() {
            Some(ReportError::Agent(agent)) => bail!(
                "{agent} (no report was stored; run again, or pass --offline for a heuristic report)"
            ),
            _ => return Err(e),
        },
    };
    let messages = service.messages(id)?;
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
        let parsed = crate::domain::report::parse_stored(&stored);
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
        writeln!(out, "{}", crate::sanitize::json_pretty(&value)?)?;
        return emit(out.as_bytes());
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
    emit(out.as_bytes())
}

/// The backend a new report is made with: the model when a key is set, the offline
/// heuristics with `--offline` or no key. Says which on stderr.
fn report_backend(settings: &Settings, model: &str) -> Result<Backend> {
    let backend = match backend::backend(settings, &Keys::for_settings(settings)) {
        Ok(b) => b,
        Err(AgentError::NoKey) => Backend::Offline,
        Err(e) => bail!("{e}"),
    };
    match &backend {
        Backend::Offline if !settings.offline => eprintln!(
            "no API key, so this is a heuristic report from measurable signals; \
             set OPENAI_API_KEY or run `interviewer key set` for a model's report"
        ),
        Backend::Offline => {}
        Backend::OpenAi(_) => eprintln!("asking {model} for the feedback report…"),
    }
    Ok(backend)
}

/// A stored report as text: its heading, then the report or the raw reply.
pub fn render_stored(stored: &StoredReport, id: i64) -> String {
    let mut text = report::heading(stored);
    text.push_str("\n\n");
    match crate::domain::report::parse_stored(stored) {
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
    let progress = service.progress()?;
    if json {
        let text = crate::sanitize::json_pretty(&progress.to_json())?;
        return emit(format!("{text}\n").as_bytes());
    }
    emit(progress.render_text().as_bytes())
}
