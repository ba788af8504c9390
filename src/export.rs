//! Renderings of a stored conversation: the JSON of the command-line contract (also
//! what `import` reads back), readable Markdown, and a plain-text transcript for the
//! terminal. Pure: it turns a `ConversationView` into text and writes nothing;
//! writing exports to files is the service's (`service::files`).
//!
//! The JSON shape is the set of serde structs below — the one source of truth for
//! `show --format json`, `export --format json` and `import`. The contract's fields
//! are always present; the others (`uid`, `archived`, `setup`, `model`, `report`, per-message
//! `error`/usage/`model`, and the `*_ms` exact times) are additions the contract
//! allows, and make an export a lossless backup.

use serde::{Deserialize, Serialize};

use crate::agent::report::render_markdown;
use crate::domain::ConversationView;
use crate::domain::report::{ParsedReport, parse_stored};
use crate::domain::{Conversation, InterviewSetup, Message, Role, Status, StoredReport};
use crate::sanitize::{for_terminal, for_terminal_line};
use crate::timefmt::{date_time, rfc3339};

/// One conversation as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationExport {
    /// The local id (from `list`). Ignored by import: ids are per database.
    #[serde(default)]
    pub id: i64,
    /// Stable identity across databases; import skips a conversation whose uid it
    /// already holds. Absent in handwritten files: import derives one from the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    pub title: String,
    pub persona: String,
    /// RFC 3339 UTC, to the second.
    pub created_at: String,
    pub updated_at: String,
    /// The same times in Unix milliseconds, so import restores the exact order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at_ms: Option<i64>,
    #[serde(default)]
    pub archived: bool,
    /// The interview's setup (role, seniority, type, questions, job description, CV).
    #[serde(default)]
    pub setup: Option<InterviewSetup>,
    /// The model the conversation talks to (`null` for offline practice and for
    /// conversations from before models were recorded).
    #[serde(default)]
    pub model: Option<String>,
    pub messages: Vec<MessageExport>,
    /// The newest feedback report, if any.
    #[serde(default)]
    pub report: Option<ReportExport>,
}

/// One message as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageExport {
    #[serde(default)]
    pub id: i64,
    pub role: Role,
    pub content: String,
    pub status: Status,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    /// Why the reply failed or stopped early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A reasoning model's thinking before this reply, kept apart from `content`
    /// (absent when the model sent none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
}

/// A feedback report as exported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportExport {
    /// `model` (written by the model) or `heuristic` (offline).
    pub kind: String,
    #[serde(default)]
    pub model: Option<String>,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    /// Whether `body` is a report that passed validation.
    pub valid: bool,
    /// The report as JSON when valid (and parseable), else the raw text as a string.
    pub body: serde_json::Value,
}

impl ConversationExport {
    pub fn from_view(view: &ConversationView) -> ConversationExport {
        let c = &view.conversation;
        ConversationExport {
            id: c.id,
            uid: Some(c.uid.clone()),
            title: c.title.clone(),
            persona: c.persona.clone(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
            created_at_ms: Some(c.created_at),
            updated_at_ms: Some(c.updated_at),
            archived: c.archived,
            setup: c.setup.clone(),
            model: c.model.clone(),
            messages: view
                .messages
                .iter()
                .map(MessageExport::from_message)
                .collect(),
            report: view.report.as_ref().map(ReportExport::from_stored),
        }
    }
}

impl MessageExport {
    pub fn from_message(m: &Message) -> MessageExport {
        MessageExport {
            id: m.id,
            role: m.role,
            content: m.content.clone(),
            status: m.status,
            created_at: rfc3339(m.created_at),
            created_at_ms: Some(m.created_at),
            error: m.error.clone(),
            prompt_tokens: m.prompt_tokens,
            completion_tokens: m.completion_tokens,
            model: m.model.clone(),
            reasoning: m.reasoning.clone(),
        }
    }
}

impl ReportExport {
    pub fn from_stored(r: &StoredReport) -> ReportExport {
        let body = if r.valid {
            serde_json::from_str(&r.body)
                .unwrap_or_else(|_| serde_json::Value::String(r.body.clone()))
        } else {
            serde_json::Value::String(r.body.clone())
        };
        ReportExport {
            kind: r.kind.clone(),
            model: r.model.clone(),
            created_at: rfc3339(r.created_at),
            created_at_ms: Some(r.created_at),
            valid: r.valid,
            body,
        }
    }

    /// The body as stored: JSON text for a parsed report, the raw text otherwise.
    pub fn stored_body(&self) -> String {
        match &self.body {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

/// Pretty JSON of one conversation (the contract's `show`/`export --format json`).
pub fn to_json(view: &ConversationView) -> Result<String, serde_json::Error> {
    crate::sanitize::json_pretty(&ConversationExport::from_view(view))
}

/// How a role is named in transcripts.
fn role_label(role: Role) -> &'static str {
    match role {
        Role::System => "System",
        Role::User => "You",
        Role::Assistant => "Interviewer",
    }
}

/// A status worth flagging next to a turn, with its reason.
fn status_note(m: &Message) -> Option<String> {
    let what = match m.status {
        Status::Complete => return None,
        Status::Streaming => "still streaming",
        Status::Interrupted => "interrupted",
        Status::Error => "failed",
    };
    Some(match m.error.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(reason) => format!("{what}: {}", for_terminal_line(reason)),
        None => what.to_string(),
    })
}

/// The setup as `label: value` lines (without the long texts).
fn setup_lines(setup: &InterviewSetup) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    if let Some(role) = setup.role.as_deref() {
        lines.push(("Role", for_terminal_line(role)));
    }
    if let Some(seniority) = setup.seniority.as_deref() {
        lines.push(("Seniority", for_terminal_line(seniority)));
    }
    lines.push(("Interview type", setup.interview_type.label().to_string()));
    if let Some(n) = setup.questions {
        lines.push(("Questions", n.to_string()));
    }
    lines
}

/// First line of a long text, cut, for a one-line mention.
fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let line = for_terminal_line(line);
    if line.chars().count() > max {
        format!("{}…", line.chars().take(max).collect::<String>())
    } else {
        line
    }
}

// ----- reports -------------------------------------------------------------------

/// The stored report as Markdown: the report module's rendering when it reads as a
/// report, else the stored JSON pretty-printed, else the evaluator's raw text.
pub fn report_markdown(report: &StoredReport) -> String {
    if let ParsedReport::Valid(parsed) = parse_stored(report) {
        return for_terminal(&render_markdown(&parsed));
    }
    if report.valid
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(&report.body)
    {
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_else(|_| report.body.clone());
        return format!("```json\n{}\n```\n", for_terminal(&pretty));
    }
    let mut out = String::from(
        "*This report could not be read as a structured report; the evaluator's text follows.*\n\n",
    );
    out.push_str(&for_terminal(report.body.trim()));
    out.push('\n');
    out
}

/// A few lines summing up the report for the terminal transcript: readiness, the
/// overall summary and the top improvements.
pub fn report_summary(report: &StoredReport) -> String {
    if let ParsedReport::Valid(parsed) = parse_stored(report) {
        let mut out = format!(
            "{}\n{}\n",
            parsed.readiness.label(),
            for_terminal(parsed.overall_summary.trim())
        );
        if !parsed.top_improvements.is_empty() {
            out.push_str("Top improvements:\n");
            for item in &parsed.top_improvements {
                out.push_str(&format!("  - {}\n", for_terminal_line(item.trim())));
            }
        }
        return out;
    }
    if report.valid
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(&report.body)
    {
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_else(|_| report.body.clone());
        return for_terminal(&pretty) + "\n";
    }
    for_terminal(report.body.trim()) + "\n"
}

fn report_origin(report: &StoredReport) -> String {
    let by = match (report.kind.as_str(), report.model.as_deref()) {
        ("heuristic", _) => "offline heuristics".to_string(),
        (_, Some(model)) => format!("model {}", for_terminal_line(model)),
        (kind, None) => for_terminal_line(kind),
    };
    format!("{by}, {} UTC", date_time(report.created_at))
}

// ----- markdown ------------------------------------------------------------------

/// Readable Markdown: title, setup, each turn with role and time, the report.
/// Control characters are neutralised (the file may be printed on a terminal).
pub fn to_markdown(view: &ConversationView) -> String {
    let c = &view.conversation;
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", for_terminal_line(&c.title)));
    out.push_str(&format!(
        "- **Started:** {} UTC\n- **Last activity:** {} UTC\n- **Interviewer:** {}\n",
        date_time(c.created_at),
        date_time(c.updated_at),
        for_terminal_line(&c.persona)
    ));
    if c.archived {
        out.push_str("- **Archived:** yes\n");
    }
    if let Some(setup) = &c.setup {
        for (label, value) in setup_lines(setup) {
            out.push_str(&format!("- **{label}:** {value}\n"));
        }
        for (label, text) in [
            ("Job description", &setup.job_description),
            ("CV", &setup.cv),
        ] {
            if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                out.push_str(&format!("\n### {label}\n\n"));
                for line in for_terminal(text.trim()).lines() {
                    out.push_str(&format!("> {line}\n"));
                }
            }
        }
    }
    out.push_str("\n## Transcript\n");
    if view.messages.is_empty() {
        out.push_str("\n*No messages.*\n");
    }
    for m in &view.messages {
        out.push_str(&format!(
            "\n### {} · {} UTC\n\n",
            role_label(m.role),
            date_time(m.created_at)
        ));
        let content = for_terminal(m.content.trim_end());
        if !content.is_empty() {
            out.push_str(&content);
            out.push('\n');
        }
        if let Some(reasoning) = reasoning_of(m) {
            // Folded, as in the interface; quoted, with `<` escaped, so nothing in
            // it can close the block or become markup.
            out.push_str(&format!(
                "\n<details><summary>The model's reasoning ({})</summary>\n\n",
                words(reasoning)
            ));
            for line in for_terminal(reasoning.trim()).lines() {
                out.push_str(&format!("> {}\n", line.replace('<', "&lt;")));
            }
            out.push_str("\n</details>\n");
        }
        if let Some(note) = status_note(m) {
            out.push_str(&format!("\n> **{note}**\n"));
        }
    }
    if let Some(report) = &view.report {
        out.push_str(&format!(
            "\n## Feedback report\n\n*{}*\n\n",
            report_origin(report)
        ));
        out.push_str(&report_markdown(report));
    }
    out
}

// ----- terminal text -------------------------------------------------------------

/// A transcript for the terminal, sanitised whether or not stdout is a terminal.
pub fn to_text(view: &ConversationView) -> String {
    let c = &view.conversation;
    let mut out = String::new();
    out.push_str(&for_terminal_line(&c.title));
    out.push('\n');
    let mut facts = vec![
        format!("{} UTC", date_time(c.created_at)),
        format!("interviewer {}", for_terminal_line(&c.persona)),
        format!("{} messages", view.messages.len()),
    ];
    if c.archived {
        facts.push("archived".into());
    }
    out.push_str(&facts.join(" · "));
    out.push('\n');
    if let Some(setup) = &c.setup {
        let parts: Vec<String> = setup_lines(setup)
            .into_iter()
            .map(|(label, value)| format!("{}: {value}", label.to_lowercase()))
            .collect();
        out.push_str(&format!("Setup: {}\n", parts.join(" · ")));
        for (label, text) in [
            ("Job description", &setup.job_description),
            ("CV", &setup.cv),
        ] {
            if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                out.push_str(&format!(
                    "{label}: {} ({} characters; `export` includes it in full)\n",
                    first_line(text, 60),
                    text.chars().count()
                ));
            }
        }
    }
    for m in &view.messages {
        let mut head = format!(
            "\n── {} · {} UTC",
            role_label(m.role),
            date_time(m.created_at)
        );
        if let Some(note) = status_note(m) {
            head.push_str(&format!(" · [{note}]"));
        }
        out.push_str(&head);
        out.push('\n');
        let content = for_terminal(m.content.trim_end());
        if !content.is_empty() {
            out.push_str(&content);
            out.push('\n');
        }
        if let Some(reasoning) = reasoning_of(m) {
            out.push_str(&format!(
                "[the model's reasoning before this reply: {}; in the Markdown and JSON exports]\n",
                words(reasoning)
            ));
        }
    }
    if let Some(report) = &view.report {
        out.push_str(&format!(
            "\n══ Feedback report ({}) ══\n",
            report_origin(report)
        ));
        out.push_str(&report_summary(report));
        out.push_str(&format!("(full report: `interviewer report {}`)\n", c.id));
    }
    out
}

/// A reply's reasoning, when it has any worth showing.
fn reasoning_of(m: &Message) -> Option<&str> {
    m.reasoning.as_deref().filter(|r| !r.trim().is_empty())
}

/// "12 words".
fn words(text: &str) -> String {
    match text.split_whitespace().count() {
        1 => "1 word".to_string(),
        n => format!("{n} words"),
    }
}

/// A file name for one exported conversation, e.g.
/// `interview-12-backend-engineer-technical.md`: the id keeps names apart, the
/// title (ASCII letters and digits only) says what it is.
pub fn file_name(conversation: &Conversation, extension: &str) -> String {
    let mut slug = String::new();
    for c in conversation.title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("interview-{}.{extension}", conversation.id)
    } else {
        format!("interview-{}-{slug}.{extension}", conversation.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InterviewType;

    fn view() -> ConversationView {
        ConversationView {
            conversation: Conversation {
                id: 7,
                uid: "u-1".into(),
                title: "Backend \u{1b}[31mrole".into(),
                persona: "career-interviewer".into(),
                created_at: 1_764_049_065_123,
                updated_at: 1_764_049_125_000,
                archived: false,
                setup: Some(InterviewSetup {
                    role: Some("Backend engineer".into()),
                    seniority: Some("senior".into()),
                    interview_type: InterviewType::Technical,
                    questions: Some(5),
                    job_description: Some("We build payments.\nSecond line".into()),
                    cv: None,
                    retry_weak: false,
                }),
                model: None,
            },
            messages: vec![
                Message {
                    id: 1,
                    conversation_id: 7,
                    role: Role::User,
                    content: "Hello".into(),
                    status: Status::Complete,
                    created_at: 1_764_049_065_123,
                    error: None,
                    prompt_tokens: None,
                    completion_tokens: None,
                    model: None,
                    reasoning: None,
                },
                Message {
                    id: 2,
                    conversation_id: 7,
                    role: Role::Assistant,
                    content: "Tell me\u{1b}]52;c;aGk=\u{7} about".into(),
                    status: Status::Interrupted,
                    created_at: 1_764_049_070_000,
                    error: Some("the connection dropped".into()),
                    prompt_tokens: Some(10),
                    completion_tokens: Some(3),
                    model: Some("gpt-4o-mini".into()),
                    reasoning: None,
                },
            ],
            report: Some(StoredReport {
                id: 1,
                conversation_id: 7,
                kind: "model".into(),
                model: Some("gpt-4o-mini".into()),
                body: r#"{"overall_summary":"Solid answers.","readiness":"almost"}"#.into(),
                valid: true,
                created_at: 1_764_049_200_000,
            }),
        }
    }

    #[test]
    fn json_has_the_contract_fields_and_the_extras() {
        let value: serde_json::Value =
            serde_json::from_str(&to_json(&view()).expect("json")).expect("parse");
        assert_eq!(value["id"], 7);
        assert_eq!(value["created_at"], "2025-11-25T05:37:45Z");
        assert_eq!(value["created_at_ms"], 1_764_049_065_123_i64);
        assert_eq!(value["setup"]["type"], "technical");
        assert_eq!(value["messages"][1]["role"], "assistant");
        assert_eq!(value["messages"][1]["status"], "interrupted");
        assert_eq!(value["messages"][1]["error"], "the connection dropped");
        assert!(value["messages"][0].get("error").is_none());
        assert_eq!(value["report"]["body"]["readiness"], "almost");
    }

    #[test]
    fn reasoning_is_exported_apart_and_folded() {
        let mut v = view();
        v.messages[1].reasoning = Some("Ask about </details> trade-offs\u{1b}[2J next".into());
        let value: serde_json::Value =
            serde_json::from_str(&to_json(&v).expect("json")).expect("parse");
        assert_eq!(
            value["messages"][1]["reasoning"],
            "Ask about </details> trade-offs\u{1b}[2J next"
        );
        assert!(value["messages"][0].get("reasoning").is_none());
        assert!(
            !value["messages"][1]["content"]
                .as_str()
                .unwrap_or_default()
                .contains("trade-offs")
        );
        let md = to_markdown(&v);
        assert!(
            md.contains("<details><summary>The model's reasoning (5 words)</summary>"),
            "{md}"
        );
        assert!(md.contains("> Ask about &lt;/details> trade-offs"), "{md}");
        assert!(!md.contains('\u{1b}'));
        let text = to_text(&v);
        assert!(
            text.contains("reasoning before this reply: 5 words"),
            "{text}"
        );
        assert!(!text.contains("trade-offs"), "the text view leaves it out");
    }

    #[test]
    fn json_round_trips_through_the_structs() {
        let text = to_json(&view()).expect("json");
        let back: ConversationExport = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, ConversationExport::from_view(&view()));
        let report = back.report.expect("report");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&report.stored_body()).expect("json"),
            serde_json::json!({"overall_summary": "Solid answers.", "readiness": "almost"})
        );
    }

    #[test]
    fn markdown_and_text_are_sanitised_and_complete() {
        for rendered in [to_markdown(&view()), to_text(&view())] {
            assert!(!rendered.contains('\u{1b}'), "{rendered}");
            assert!(!rendered.contains('\u{7}'), "{rendered}");
            assert!(
                rendered.contains("interrupted: the connection dropped"),
                "{rendered}"
            );
            assert!(rendered.contains("Backend engineer"), "{rendered}");
            assert!(rendered.contains("Solid answers."), "{rendered}");
        }
        let md = to_markdown(&view());
        assert!(md.starts_with("# Backend ␛[31mrole\n"), "{md}");
        assert!(
            md.contains("### You · 2025-11-25 05:37 UTC\n\nHello\n"),
            "{md}"
        );
        assert!(md.contains("> We build payments.\n> Second line\n"), "{md}");
        assert!(md.contains("## Feedback report"), "{md}");
    }

    #[test]
    fn an_invalid_report_shows_its_raw_text() {
        let mut v = view();
        if let Some(r) = v.report.as_mut() {
            r.valid = false;
            r.body = "not json at all".into();
        }
        assert!(to_markdown(&v).contains("not json at all"));
        let e = ReportExport::from_stored(v.report.as_ref().expect("report"));
        assert_eq!(e.body, serde_json::Value::String("not json at all".into()));
        assert_eq!(e.stored_body(), "not json at all");
    }

    #[test]
    fn a_real_report_uses_the_report_rendering() {
        use crate::domain::ChatTurn;
        let history = vec![
            ChatTurn {
                role: Role::Assistant,
                content: "Tell me about a project you led.".into(),
            },
            ChatTurn {
                role: Role::User,
                content: "I led a migration of 40 services to kubernetes; latency fell 30%.".into(),
            },
        ];
        let report = crate::agent::report::heuristic_report(&InterviewSetup::default(), &history);
        let mut v = view();
        if let Some(r) = v.report.as_mut() {
            r.kind = "heuristic".into();
            r.body = serde_json::to_string(&report).expect("json");
        }
        let md = to_markdown(&v);
        assert!(md.contains("**Readiness:** "), "{md}");
        assert!(md.contains(&report.overall_summary), "{md}");
        let text = to_text(&v);
        assert!(text.contains(report.readiness.label()), "{text}");
        assert!(text.contains("offline heuristics"), "{text}");
    }

    #[test]
    fn file_names_are_safe_slugs() {
        let v = view();
        assert_eq!(
            file_name(&v.conversation, "md"),
            "interview-7-backend-31mrole.md"
        );
        let mut c = v.conversation.clone();
        c.title = "¿…?".into();
        assert_eq!(file_name(&c, "json"), "interview-7.json");
    }
}
