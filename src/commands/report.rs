//! `report` and `stats`: the end-of-interview feedback report of one conversation,
//! and progress across interviews (competency trends, readiness history, tokens).

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::agent::pricing::{self, ModelUsage};
use crate::agent::report::{self, COMPETENCIES, ParsedReport, ReportError};
use crate::agent::{AgentError, Backend, Usage};
use crate::config::Settings;
use crate::service::Service;
use crate::store::StoredReport;
use crate::timefmt::{date_time, rfc3339};

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

/// One assessed interview in the progress view.
struct Session {
    conversation_id: i64,
    title: String,
    created_at: i64,
    kind: String,
    report: report::Report,
}

/// `interviewer stats [--json]`.
pub fn stats(service: &Service, json: bool) -> Result<ExitCode> {
    let store = &service.store;
    let (interviews, reports, usage) = {
        let conn = store.connection();
        let interviews: i64 = conn
            .query_row(
                // An interview is held once the candidate answered something the
                // interviewer said: a user message after the first assistant one.
                "SELECT count(*) FROM conversations c WHERE EXISTS (
                     SELECT 1 FROM messages u
                     WHERE u.conversation_id = c.id AND u.role = 'user'
                       AND u.id > (SELECT min(a.id) FROM messages a
                                   WHERE a.conversation_id = c.id AND a.role = 'assistant'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| store.classify(e))?;
        let reports: i64 = conn
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
            .map_err(|e| store.classify(e))?;
        let mut stmt = conn
            .prepare(
                "SELECT coalesce(model, 'unknown model'), sum(coalesce(prompt_tokens, 0)),
                        sum(coalesce(completion_tokens, 0))
                 FROM messages
                 WHERE prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL
                 GROUP BY 1 ORDER BY 2 + 3 DESC",
            )
            .map_err(|e| store.classify(e))?;
        let usage = stmt
            .query_map([], |r| {
                Ok(ModelUsage::new(
                    &r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?.max(0) as u64,
                    r.get::<_, i64>(2)?.max(0) as u64,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| store.classify(e))?;
        (interviews, reports, usage)
    };

    let mut sessions = Vec::new();
    for stored in store.latest_valid_reports()? {
        let ParsedReport::Valid(report) = report::parse_stored(&stored) else {
            continue;
        };
        let title = store
            .conversation(stored.conversation_id)?
            .map(|c| c.title)
            .unwrap_or_default();
        sessions.push(Session {
            conversation_id: stored.conversation_id,
            title,
            created_at: stored.created_at,
            kind: stored.kind,
            report,
        });
    }
    let trends: Vec<(&str, Vec<u8>)> = COMPETENCIES
        .iter()
        .map(|name| {
            let scores = sessions
                .iter()
                .filter_map(|s| {
                    s.report
                        .competencies
                        .iter()
                        .find(|c| c.name == *name)
                        .map(|c| c.score)
                })
                .collect();
            (*name, scores)
        })
        .collect();

    let mut out = String::new();
    if json {
        let competencies: Vec<_> = trends
            .iter()
            .map(|(name, scores)| {
                json!({
                    "name": name,
                    "scores": scores,
                    "first": scores.first(),
                    "latest": scores.last(),
                    "average": average(scores),
                })
            })
            .collect();
        let readiness: Vec<_> = sessions
            .iter()
            .map(|s| {
                json!({
                    "conversation_id": s.conversation_id,
                    "title": s.title,
                    "created_at": rfc3339(s.created_at),
                    "readiness": s.report.readiness.as_str(),
                    "kind": s.kind,
                })
            })
            .collect();
        let value = json!({
            "interviews": interviews,
            "reports": reports,
            "assessed_interviews": sessions.len(),
            "competencies": competencies,
            "readiness": readiness,
            "usage": usage,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
        return emit(&out);
    }

    writeln!(
        out,
        "Interviews held: {interviews} ({} with a feedback report)",
        sessions.len()
    )?;
    writeln!(out, "Reports stored: {reports}")?;
    if sessions.is_empty() {
        writeln!(
            out,
            "\nNo feedback reports yet: after an interview, run `interviewer report ID` to get one."
        )?;
    } else {
        writeln!(
            out,
            "\nCompetency scores across {} assessed interview(s), oldest to newest (1–5):",
            sessions.len()
        )?;
        let width = COMPETENCIES
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        for (name, scores) in &trends {
            let (Some(first), Some(latest)) = (scores.first(), scores.last()) else {
                continue;
            };
            writeln!(
                out,
                "  {name:<width$}  {:<12}  {first} → {latest}  average {:.1}",
                report::sparkline(scores),
                average(scores).unwrap_or(0.0)
            )?;
        }
        writeln!(out, "\nReadiness history:")?;
        for s in &sessions {
            let kind = if s.kind == report::KIND_HEURISTIC {
                " (heuristic)"
            } else {
                ""
            };
            writeln!(
                out,
                "  {}  #{:<4} {:<14} {}{kind}",
                date_time(s.created_at),
                s.conversation_id,
                s.report.readiness.label(),
                crate::sanitize::for_terminal_line(&s.title),
            )?;
        }
        if sessions.iter().any(|s| s.kind == report::KIND_HEURISTIC)
            && sessions.iter().any(|s| s.kind != report::KIND_HEURISTIC)
        {
            writeln!(
                out,
                "\nHeuristic (offline) and model reports score on different bases; compare like with like."
            )?;
        }
    }
    let usage_lines = pricing::describe(&usage);
    if !usage_lines.is_empty() {
        writeln!(out, "\nToken usage across all conversations:")?;
        for line in usage_lines {
            writeln!(out, "  {}", crate::sanitize::for_terminal_line(&line))?;
        }
    }
    emit(&out)
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

fn average(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64)
}
