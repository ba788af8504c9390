//! The feedback report as data: its JSON shape (what `reports.body` holds and
//! exports include), the competencies it scores, and the rules a report must meet
//! to be shown as one ([`parse`], [`validate`]). Making a report is the agent's,
//! rendering it the faces'.
//!
//! Imports nothing of ours but its sibling [`super::conversation`].

use serde::{Deserialize, Serialize};

use super::conversation::StoredReport;

/// `reports.kind` of a report written by a model.
pub const KIND_MODEL: &str = "model";
/// `reports.kind` of a report built from the offline heuristics.
pub const KIND_HEURISTIC: &str = "heuristic";

/// The competencies every report scores, in this order and with these names.
pub const COMPETENCIES: [&str; 5] = [
    "structure",
    "relevance",
    "depth",
    "evidence & impact",
    "communication",
];

/// A feedback report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub overall_summary: String,
    pub readiness: Readiness,
    pub competencies: Vec<CompetencyScore>,
    pub questions: Vec<QuestionFeedback>,
    /// The two or three highest-leverage improvements, most important first.
    pub top_improvements: Vec<String>,
    /// Concrete practice steps for the coming week.
    pub study_plan: Vec<String>,
}

/// How ready the candidate is for the real interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    NotYet,
    Almost,
    Ready,
}

impl Readiness {
    pub fn as_str(self) -> &'static str {
        match self {
            Readiness::NotYet => "not_yet",
            Readiness::Almost => "almost",
            Readiness::Ready => "ready",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Readiness::NotYet => "Not yet ready",
            Readiness::Almost => "Almost ready",
            Readiness::Ready => "Ready",
        }
    }
}

/// One competency's score on the anchored 1–5 scale, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetencyScore {
    pub name: String,
    pub score: u8,
    pub evidence: String,
}

/// Feedback on one main question (its follow-ups folded in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionFeedback {
    pub question: String,
    pub answer_summary: String,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub better_answer: String,
    /// The answer on the anchored 1–5 scale. Always in heuristic reports; absent in
    /// model reports stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    /// The points of a good answer this answer covered.
    #[serde(default)]
    pub covered: Vec<String>,
    /// The points of a good answer it missed.
    #[serde(default)]
    pub missing: Vec<String>,
}

/// A stored report as it can be shown: a valid report, or the raw text a model
/// returned when it could not be read as one.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedReport {
    Valid(Report),
    Raw(String),
}

/// Reads a stored report; anything not valid is shown as raw text.
pub fn parse_stored(stored: &StoredReport) -> ParsedReport {
    if stored.valid
        && let Ok(report) = parse(&stored.body)
    {
        return ParsedReport::Valid(report);
    }
    ParsedReport::Raw(stored.body.clone())
}

/// Why a text is not a valid report.
#[derive(Debug, thiserror::Error)]
pub enum InvalidReport {
    #[error("the report is not valid JSON: {0}")]
    Json(String),
    #[error("the report is incomplete or out of range: {0}")]
    Invalid(String),
}

// ----- parsing and validation ---------------------------------------------------------

/// Reads a report from a model's reply or a stored body: tolerates a code fence or
/// a sentence around the JSON object, then checks every rule of [`validate`].
pub fn parse(text: &str) -> Result<Report, InvalidReport> {
    let json = json_object_in(text)
        .ok_or_else(|| InvalidReport::Json("there is no JSON object in the reply".to_string()))?;
    let mut report: Report =
        serde_json::from_str(json).map_err(|e| InvalidReport::Json(e.to_string()))?;
    normalise(&mut report);
    validate(&report)?;
    Ok(report)
}

/// The outermost `{…}` of the text.
fn json_object_in(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (start < end).then(|| &text[start..=end])
}

/// Tidies what models vary in without changing meaning: competency names'
/// case and "and" for "&", surrounding whitespace, empty list items.
fn normalise(report: &mut Report) {
    for c in &mut report.competencies {
        let name = c.name.trim().to_lowercase().replace(" and ", " & ");
        c.name = match name.as_str() {
            "structure (star)" | "star" | "structure/star" => "structure".to_string(),
            "evidence" | "impact" | "evidence&impact" => "evidence & impact".to_string(),
            _ => name,
        };
        c.evidence = c.evidence.trim().to_string();
    }
    let tidy = |items: &mut Vec<String>| {
        for s in items.iter_mut() {
            *s = s.trim().to_string();
        }
        items.retain(|s| !s.is_empty());
    };
    tidy(&mut report.top_improvements);
    tidy(&mut report.study_plan);
    for q in &mut report.questions {
        tidy(&mut q.strengths);
        tidy(&mut q.improvements);
    }
    report.overall_summary = report.overall_summary.trim().to_string();
}

/// Checks a report: every competency scored once on 1–5 with evidence, the
/// summary, improvements and study plan present, every question's fields filled.
pub fn validate(report: &Report) -> Result<(), InvalidReport> {
    let invalid = |m: String| Err(InvalidReport::Invalid(m));
    if report.overall_summary.is_empty() {
        return invalid("overall_summary is empty".into());
    }
    for c in &report.competencies {
        if !COMPETENCIES.contains(&c.name.as_str()) {
            return invalid(format!(
                "unknown competency {:?}; use exactly: {}",
                c.name,
                COMPETENCIES.join(", ")
            ));
        }
        if !(1..=5).contains(&c.score) {
            return invalid(format!(
                "the score of {:?} is {}, outside 1 to 5",
                c.name, c.score
            ));
        }
        if c.evidence.is_empty() {
            return invalid(format!("the score of {:?} has no evidence", c.name));
        }
    }
    for name in COMPETENCIES {
        let n = report
            .competencies
            .iter()
            .filter(|c| c.name == name)
            .count();
        if n != 1 {
            return invalid(format!(
                "competency {name:?} must be scored exactly once (found {n})"
            ));
        }
    }
    for (i, q) in report.questions.iter().enumerate() {
        let n = i + 1;
        if q.question.trim().is_empty() {
            return invalid(format!("question {n} has no question text"));
        }
        if q.answer_summary.trim().is_empty() {
            return invalid(format!("question {n} has no answer_summary"));
        }
        if q.strengths.is_empty() && q.improvements.is_empty() {
            return invalid(format!(
                "question {n} has neither strengths nor improvements"
            ));
        }
        if q.better_answer.trim().is_empty() {
            return invalid(format!("question {n} has no better_answer"));
        }
        if let Some(score) = q.score
            && !(1..=5).contains(&score)
        {
            return invalid(format!(
                "the score of question {n} is {score}, outside 1 to 5"
            ));
        }
    }
    if report.top_improvements.is_empty() {
        return invalid("top_improvements is empty".into());
    }
    if report.study_plan.is_empty() {
        return invalid("study_plan is empty".into());
    }
    Ok(())
}

#[cfg(test)]
pub(crate) fn good_json() -> serde_json::Value {
    serde_json::json!({
        "overall_summary": "You gave clear stories with numbers.",
        "readiness": "almost",
        "competencies": [
            {"name": "structure", "score": 4, "evidence": "\"At my last job…\" set the scene."},
            {"name": "relevance", "score": 5, "evidence": "Answered what was asked."},
            {"name": "depth", "score": 3, "evidence": "Little on why."},
            {"name": "evidence & impact", "score": 4, "evidence": "\"cut errors by 30%\""},
            {"name": "communication", "score": 4, "evidence": "Concise."}
        ],
        "questions": [{
            "question": "Tell me about a failure.",
            "answer_summary": "A missed launch date.",
            "strengths": ["Owned the mistake."],
            "improvements": ["Say what you changed afterwards."],
            "better_answer": "In Q3 I led … [number] …"
        }],
        "top_improvements": ["Quantify results.", "Explain your reasoning."],
        "study_plan": ["Write three STAR stories."]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_report_parses_even_inside_a_code_fence() {
        let text = format!("```json\n{}\n```", good_json());
        let report = parse(&text).expect("valid");
        assert_eq!(report.readiness, Readiness::Almost);
        assert_eq!(report.competencies.len(), 5);
        let round = serde_json::to_string(&report).expect("json");
        assert_eq!(parse(&round).expect("round trip"), report);
    }

    #[test]
    fn names_are_normalised() {
        let mut v = good_json();
        v["competencies"][3]["name"] = "Evidence and Impact".into();
        v["competencies"][0]["name"] = " Structure ".into();
        let report = parse(&v.to_string()).expect("valid");
        assert_eq!(report.competencies[3].name, "evidence & impact");
        assert_eq!(report.competencies[0].name, "structure");
    }

    #[test]
    fn a_partial_report_is_refused_with_what_is_missing() {
        let mut v = good_json();
        v.as_object_mut().expect("object").remove("study_plan");
        let err = parse(&v.to_string()).expect_err("missing field");
        assert!(err.to_string().contains("study_plan"), "{err}");

        let mut v = good_json();
        v["competencies"].as_array_mut().expect("array").pop();
        let err = parse(&v.to_string()).expect_err("a competency missing");
        assert!(err.to_string().contains("communication"), "{err}");

        let mut v = good_json();
        v["questions"][0]["better_answer"] = "  ".into();
        assert!(parse(&v.to_string()).is_err());

        let mut v = good_json();
        v["top_improvements"] = serde_json::json!([]);
        assert!(parse(&v.to_string()).is_err());
    }

    #[test]
    fn broken_json_is_refused() {
        assert!(matches!(
            parse("Sorry, I cannot help."),
            Err(InvalidReport::Json(_))
        ));
        let cut = &good_json().to_string()[..120];
        assert!(matches!(parse(cut), Err(InvalidReport::Json(_))));
        assert!(matches!(
            parse(r#"{"overall_summary": "x", "readiness": "maybe"}"#),
            Err(InvalidReport::Json(_))
        ));
    }

    #[test]
    fn out_of_range_scores_are_refused() {
        for bad in [0, 6, 9] {
            let mut v = good_json();
            v["competencies"][2]["score"] = bad.into();
            let err = parse(&v.to_string()).expect_err("out of range");
            assert!(err.to_string().contains("outside 1 to 5"), "{err}");
        }
        let mut v = good_json();
        v["competencies"][2]["score"] = (-1).into();
        assert!(parse(&v.to_string()).is_err());
        let mut v = good_json();
        v["competencies"][2]["name"] = "charisma".into();
        assert!(parse(&v.to_string()).is_err());
    }

    #[test]
    fn stored_reports_are_shown_as_valid_or_raw() {
        let stored = |body: &str, valid| StoredReport {
            id: 1,
            conversation_id: 1,
            kind: KIND_MODEL.into(),
            model: Some("gpt-4o-mini".into()),
            body: body.into(),
            valid,
            created_at: 0,
        };
        assert!(matches!(
            parse_stored(&stored(&good_json().to_string(), true)),
            ParsedReport::Valid(_)
        ));
        assert_eq!(
            parse_stored(&stored("Not JSON at all", false)),
            ParsedReport::Raw("Not JSON at all".into())
        );
        // A row marked valid whose body does not read is still shown, as raw.
        assert!(matches!(
            parse_stored(&stored("{}", true)),
            ParsedReport::Raw(_)
        ));
    }
}
