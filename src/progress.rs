//! Progress over time: how many interviews were held and how each competency's score
//! moved across assessed interviews, overall and per interview type, and the
//! drills and weak spots of the practice loop. One source for `interviewer stats`
//! and the TUI's progress view, reached through `Service::progress`. The figures
//! come from the store's aggregate queries (`store::stats`, `store::drill`); this
//! module names no SQL.

use std::fmt::Write as _;

use serde_json::json;

use crate::agent::pricing::{self, ModelUsage};
use crate::agent::report;
use crate::domain::InterviewType;
use crate::domain::drill::ReviewItem;
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
    /// The interview's type (general when it was not set up).
    pub interview_type: InterviewType,
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
    /// Drills answered per interview type (`InterviewType::as_str`), by type name.
    pub drills: Vec<(String, i64)>,
    /// Weak spots on the practice schedule, soonest due first.
    pub weak_spots: Vec<ReviewItem>,
    /// The time the figures were read at (what "due" is measured against).
    pub now: i64,
}

/// One interview type's share of the progress.
#[derive(Debug, Clone)]
pub struct TypeProgress {
    pub interview_type: InterviewType,
    /// Assessed interviews of this type.
    pub assessed: usize,
    pub drills: i64,
    /// Each competency's scores across this type's assessed interviews, oldest first.
    pub trends: Vec<(&'static str, Vec<u8>)>,
}

impl Progress {
    /// Reads the figures from the store.
    pub(crate) fn load(store: &Store, now: i64) -> Result<Progress, StoreError> {
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
            let conversation = store.conversation(stored.conversation_id)?;
            let interview_type = conversation
                .as_ref()
                .and_then(|c| c.setup.as_ref())
                .map(|s| s.interview_type)
                .unwrap_or_default();
            sessions.push(Session {
                conversation_id: stored.conversation_id,
                title: conversation.map(|c| c.title).unwrap_or_default(),
                created_at: stored.created_at,
                kind: stored.kind,
                interview_type,
                report,
            });
        }
        Ok(Progress {
            interviews,
            reports,
            sessions,
            usage,
            drills: store.count_drills_by_type()?,
            weak_spots: store.open_review_items()?,
            now,
        })
    }

    /// Each competency's scores across the assessed interviews, oldest first.
    pub fn trends(&self) -> Vec<(&'static str, Vec<u8>)> {
        trends_of(self.sessions.iter())
    }

    /// Per interview type that has an assessed interview or a drill, in the types'
    /// usual order: its competency trends and drills.
    pub fn by_type(&self) -> Vec<TypeProgress> {
        InterviewType::ALL
            .iter()
            .filter_map(|t| {
                let sessions: Vec<&Session> = self
                    .sessions
                    .iter()
                    .filter(|s| s.interview_type == *t)
                    .collect();
                let drills = self
                    .drills
                    .iter()
                    .find(|(name, _)| name == t.as_str())
                    .map_or(0, |(_, n)| *n);
                (!sessions.is_empty() || drills > 0).then(|| TypeProgress {
                    interview_type: *t,
                    assessed: sessions.len(),
                    drills,
                    trends: trends_of(sessions.into_iter()),
                })
            })
            .collect()
    }

    /// Weak spots due now.
    pub fn due(&self) -> usize {
        self.weak_spots
            .iter()
            .filter(|i| i.is_due(self.now))
            .count()
    }
}

/// Each competency's scores across `sessions`, in their order.
fn trends_of<'a>(
    sessions: impl Iterator<Item = &'a Session> + Clone,
) -> Vec<(&'static str, Vec<u8>)> {
    COMPETENCIES
        .iter()
        .map(|name| {
            let scores = sessions
                .clone()
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

/// Competency trends as `stats --json` writes them.
fn trends_json(trends: &[(&'static str, Vec<u8>)]) -> Vec<serde_json::Value> {
    trends
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
        .collect()
}

impl Progress {
    /// The JSON of `stats --json`.
    pub fn to_json(&self) -> serde_json::Value {
        let competencies = trends_json(&self.trends());
        let by_type: Vec<_> = self
            .by_type()
            .iter()
            .map(|t| {
                json!({
                    "type": t.interview_type.as_str(),
                    "assessed_interviews": t.assessed,
                    "drills": t.drills,
                    "competencies": trends_json(&t.trends),
                })
            })
            .collect();
        let weak_spots: Vec<_> = self
            .weak_spots
            .iter()
            .map(|i| {
                json!({
                    "kind": i.kind.as_str(),
                    "type": i.interview_type,
                    "subject": i.subject,
                    "question": i.question,
                    "step": i.step,
                    "due_at": rfc3339(i.due_at),
                    "due": i.is_due(self.now),
                    "last_score": i.last_score,
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
            "by_type": by_type,
            "drills": self.drills.iter().map(|(_, n)| n).sum::<i64>(),
            "weak_spots": weak_spots,
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
        self.write_by_type(out)?;
        self.write_practice(out)?;
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

impl Progress {
    /// Per interview type: what was assessed and drilled, and each competency's
    /// trend within the type (scores of different types are not mixed).
    fn write_by_type(&self, out: &mut String) -> std::fmt::Result {
        let types = self.by_type();
        if types.is_empty() {
            return Ok(());
        }
        writeln!(out, "\nBy interview type (1–5, oldest to newest):")?;
        let width = COMPETENCIES
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0);
        for t in &types {
            writeln!(
                out,
                "  {}: {} assessed, {} drill{}",
                t.interview_type.label(),
                t.assessed,
                t.drills,
                if t.drills == 1 { "" } else { "s" }
            )?;
            for (name, scores) in &t.trends {
                let (Some(first), Some(latest)) = (scores.first(), scores.last()) else {
                    continue;
                };
                writeln!(
                    out,
                    "    {name:<width$}  {:<12}  {first} → {latest}  average {:.1}",
                    report::sparkline(scores),
                    average(scores).unwrap_or(0.0)
                )?;
            }
        }
        Ok(())
    }

    /// The weak spots on the practice schedule: how many are due, and the next.
    fn write_practice(&self, out: &mut String) -> std::fmt::Result {
        if self.weak_spots.is_empty() {
            return Ok(());
        }
        let due = self.due();
        writeln!(
            out,
            "\nWeak spots: {} scheduled, {due} due now{}",
            self.weak_spots.len(),
            if due > 0 {
                " (`interviewer drill`, or F4)"
            } else {
                ""
            }
        )?;
        for item in self.weak_spots.iter().take(5) {
            let when = if item.is_due(self.now) {
                "due now".to_string()
            } else {
                format!("due {}", date_time(item.due_at))
            };
            writeln!(
                out,
                "  {when:<18} {}",
                crate::sanitize::for_terminal_line(&item.label())
            )?;
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
        let progress = Progress::load(&store, crate::timefmt::now_ms()).expect("progress");
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
