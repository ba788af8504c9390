//! Progress over time: how many interviews were held and how each competency's score
//! moved across assessed interviews. One source for `interviewer stats` and the
//! TUI's progress view, reached through `Service::progress`. The figures come from
//! the store's aggregate queries (`store::stats`); this module names no SQL.

use std::fmt::Write as _;

use serde_json::json;

use crate::agent::pricing::{self, ModelUsage};
use crate::agent::report;
use crate::domain::report::{COMPETENCIES, ParsedReport, Report};
use crate::store::{Store, StoreError};
use crate::timefmt::{date_time, rfc3339};

/// One assessed interview: its newest valid report.
#[derive(Debug, Clone)]
pub struct Session {
    pub conversation_id: i64,
    pub title: String,
    pub created_at: i64,
    pub kind: String,
    pub report: Report,
}

/// Everything the progress views show.
#[derive(Debug, Clone)]
pub struct Progress {
    /// Conversations where the candidate answered something the interviewer said.
    pub interviews: i64,
    /// Reports stored, valid or not.
    pub reports: i64,
    /// Assessed interviews, oldest report first.
    pub sessions: Vec<Session>,
    /// Token usage per model, largest first.
    pub usage: Vec<ModelUsage>,
}

impl Progress {
    /// Reads the figures from the store.
    pub(crate) fn load(store: &Store) -> Result<Progress, StoreError> {
        let interviews = store.count_held_interviews()?;
        let reports = store.count_reports()?;
        let usage = store
            .tokens_by_model()?
            .iter()
            .map(|t| ModelUsage::new(&t.model, t.prompt_tokens, t.completion_tokens))
            .collect();

        let mut sessions = Vec::new();
        for stored in store.latest_valid_reports()? {
            let ParsedReport::Valid(report) = crate::domain::report::parse_stored(&stored) else {
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
        Ok(Progress {
            interviews,
            reports,
            sessions,
            usage,
        })
    }

    /// Each competency's scores across the assessed interviews, oldest first.
    pub fn trends(&self) -> Vec<(&'static str, Vec<u8>)> {
        COMPETENCIES
            .iter()
            .map(|name| {
                let scores = self
                    .sessions
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
            .collect()
    }

    /// The JSON of `stats --json`.
    pub fn to_json(&self) -> serde_json::Value {
        let competencies: Vec<_> = self
            .trends()
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
        let readiness: Vec<_> = self
            .sessions
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
        json!({
            "interviews": self.interviews,
            "reports": self.reports,
            "assessed_interviews": self.sessions.len(),
            "competencies": competencies,
            "readiness": readiness,
            "usage": self.usage,
        })
    }

    /// The readable text of `stats`, also shown in the TUI (already sanitised).
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) -> std::fmt::Result {
        writeln!(
            out,
            "Interviews held: {} ({} with a feedback report)",
            self.interviews,
            self.sessions.len()
        )?;
        writeln!(out, "Reports stored: {}", self.reports)?;
        if self.sessions.is_empty() {
            writeln!(
                out,
                "\nNo feedback reports yet: after an interview, run `interviewer report ID` (or press F in the interface) to get one."
            )?;
        } else {
            let n = self.sessions.len();
            writeln!(
                out,
                "\nCompetency scores across {n} assessed interview{}, oldest to newest (1–5):",
                if n == 1 { "" } else { "s" }
            )?;
            let width = COMPETENCIES
                .iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0);
            for (name, scores) in &self.trends() {
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
            for s in &self.sessions {
                let kind = if s.kind == crate::domain::report::KIND_HEURISTIC {
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
            if self
                .sessions
                .iter()
                .any(|s| s.kind == crate::domain::report::KIND_HEURISTIC)
                && self
                    .sessions
                    .iter()
                    .any(|s| s.kind != crate::domain::report::KIND_HEURISTIC)
            {
                writeln!(
                    out,
                    "\nHeuristic (offline) and model reports score on different bases; compare like with like."
                )?;
            }
        }
        let usage_lines = pricing::describe(&self.usage);
        if !usage_lines.is_empty() {
            writeln!(out, "\nToken usage across all conversations:")?;
            for line in usage_lines {
                writeln!(out, "  {}", crate::sanitize::for_terminal_line(&line))?;
            }
        }
        Ok(())
    }
}

fn average(scores: &[u8]) -> Option<f64> {
    (!scores.is_empty())
        .then(|| scores.iter().map(|s| f64::from(*s)).sum::<f64>() / scores.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{FixtureSpec, generate};

    #[test]
    fn generated_reports_are_read_as_assessed_interviews() {
        let dir = tempfile::tempdir().expect("tempdir");
        let summary = generate(dir.path(), &FixtureSpec::new(40, 6)).expect("fixture");
        let store = Store::open_in(dir.path()).expect("open");
        let progress = Progress::load(&store).expect("progress");
        assert!(summary.reports > 0, "the fixture writes some reports");
        assert_eq!(progress.reports, summary.reports as i64);
        assert!(
            !progress.sessions.is_empty(),
            "fixture reports must parse as real reports"
        );
        let text = progress.render_text();
        assert!(text.contains("Competency scores across"), "{text}");
        assert!(text.contains("Readiness history:"), "{text}");
        let json = progress.to_json();
        assert_eq!(json["assessed_interviews"], progress.sessions.len());
    }
}
