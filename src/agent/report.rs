//! The end-of-interview feedback report: its JSON shape (what `reports.body` holds
//! and exports include), validation, the evaluator request to a model (JSON schema,
//! one corrective retry), the heuristic report built offline from measurable
//! signals, and text/markdown renderings for the CLI, the TUI and exports.

use std::time::Duration;

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, ResponseFormat, ResponseFormatJsonSchema,
};
use serde::{Deserialize, Serialize};

use super::bank::BankQuestion;
use super::heuristics::{self, AnswerSignals};
use super::offline::{self, AskedQuestion};
use super::openai::OpenAiBackend;
use super::{AgentError, Backend, ChatTurn, Usage};
use crate::store::{InterviewSetup, InterviewType, Role, Store, StoreError, StoredReport};

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

/// The evaluator's instructions.
pub const EVALUATOR_PROMPT: &str = include_str!("../../assets/prompts/evaluator.md");

/// Longest transcript sent to the evaluator, in characters; longer ones lose turns
/// from the middle (the opening and the latest answers matter most).
pub const MAX_TRANSCRIPT_CHARS: usize = 60_000;

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

/// A line saying where a stored report came from, e.g.
/// "Feedback report by gpt-4o-mini, 2026-11-25 10:32".
pub fn heading(stored: &StoredReport) -> String {
    let when = crate::timefmt::date_time(stored.created_at);
    match (stored.kind.as_str(), stored.valid) {
        (KIND_HEURISTIC, _) => format!(
            "Feedback report (heuristic: measured from your answers offline, not a judgement of content), {when}"
        ),
        (_, true) => format!(
            "Feedback report by {}, {when}",
            stored.model.as_deref().unwrap_or("the model")
        ),
        (_, false) => format!(
            "Feedback report by {}, {when}: the reply was not a valid report, shown as it came",
            stored.model.as_deref().unwrap_or("the model")
        ),
    }
}

/// Why a report could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the report is not valid JSON: {0}")]
    Json(String),
    #[error("the report is incomplete or out of range: {0}")]
    Invalid(String),
    #[error(
        "conversation {0} has no answers to assess yet: answer at least one question, then ask for the report"
    )]
    NoAnswers(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Agent(#[from] AgentError),
}

// ----- parsing and validation ---------------------------------------------------------

/// Reads a report from a model's reply or a stored body: tolerates a code fence or
/// a sentence around the JSON object, then checks every rule of [`validate`].
pub fn parse(text: &str) -> Result<Report, ReportError> {
    let json = json_object_in(text)
        .ok_or_else(|| ReportError::Json("there is no JSON object in the reply".to_string()))?;
    let mut report: Report =
        serde_json::from_str(json).map_err(|e| ReportError::Json(e.to_string()))?;
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
pub fn validate(report: &Report) -> Result<(), ReportError> {
    let invalid = |m: String| Err(ReportError::Invalid(m));
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
    }
    if report.top_improvements.is_empty() {
        return invalid("top_improvements is empty".into());
    }
    if report.study_plan.is_empty() {
        return invalid("study_plan is empty".into());
    }
    Ok(())
}

/// The JSON schema sent as `response_format` (OpenAI structured outputs, strict:
/// every property required, no extra properties).
pub fn json_schema() -> serde_json::Value {
    let strings = serde_json::json!({"type": "array", "items": {"type": "string"}});
    serde_json::json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["overall_summary", "readiness", "competencies", "questions", "top_improvements", "study_plan"],
        "properties": {
            "overall_summary": {"type": "string"},
            "readiness": {"type": "string", "enum": ["not_yet", "almost", "ready"]},
            "competencies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["name", "score", "evidence"],
                    "properties": {
                        "name": {"type": "string", "enum": COMPETENCIES},
                        "score": {"type": "integer", "description": "1 to 5 on the anchored scale"},
                        "evidence": {"type": "string"}
                    }
                }
            },
            "questions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["question", "answer_summary", "strengths", "improvements", "better_answer"],
                    "properties": {
                        "question": {"type": "string"},
                        "answer_summary": {"type": "string"},
                        "strengths": strings,
                        "improvements": strings,
                        "better_answer": {"type": "string"}
                    }
                }
            },
            "top_improvements": strings,
            "study_plan": strings
        }
    })
}

// ----- the evaluator request ----------------------------------------------------------

/// How the reply's format is asked for; servers that reject one are asked with the
/// next (a capability probe, not a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormatAsk {
    Schema,
    JsonObject,
    PromptOnly,
}

impl FormatAsk {
    fn weaker(self) -> Option<FormatAsk> {
        match self {
            FormatAsk::Schema => Some(FormatAsk::JsonObject),
            FormatAsk::JsonObject => Some(FormatAsk::PromptOnly),
            FormatAsk::PromptOnly => None,
        }
    }

    fn response_format(self) -> Option<ResponseFormat> {
        match self {
            FormatAsk::Schema => Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: Some("Feedback report for a practice job interview".into()),
                    name: "interview_report".into(),
                    schema: json_schema(),
                    strict: Some(true),
                },
            }),
            FormatAsk::JsonObject => Some(ResponseFormat::JsonObject),
            FormatAsk::PromptOnly => None,
        }
    }
}

/// The evaluator's input: the setup, then the transcript with who said what.
pub fn transcript(setup: &InterviewSetup, history: &[ChatTurn]) -> String {
    let mut out = String::from("Interview setup:\n");
    out.push_str(&format!("- Type: {}\n", setup.interview_type.label()));
    if let Some(role) = setup.role.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push_str(&format!("- Target role: {}\n", role.trim()));
    }
    if let Some(level) = setup.seniority.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push_str(&format!("- Seniority: {}\n", level.trim()));
    }
    if let Some(jd) = setup
        .job_description
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        let cut: String = jd.trim().chars().take(4_000).collect();
        out.push_str("- Job description (excerpt):\n<job_description>\n");
        out.push_str(&cut);
        out.push_str("\n</job_description>\n");
    }
    out.push_str("\nTranscript (Interviewer and Candidate turns in order):\n\n");
    let turns: Vec<String> = history
        .iter()
        .filter(|t| t.role != Role::System)
        .map(|t| {
            let who = if t.role == Role::User {
                "Candidate"
            } else {
                "Interviewer"
            };
            format!("[{who}]\n{}\n\n", t.content.trim())
        })
        .collect();
    let total: usize = turns.iter().map(String::len).sum();
    if total <= MAX_TRANSCRIPT_CHARS {
        turns.iter().for_each(|t| out.push_str(t));
        return out;
    }
    // Keep the opening quarter and the latest three quarters of the budget.
    let head_budget = MAX_TRANSCRIPT_CHARS / 4;
    let mut head = 0;
    let mut used = 0;
    while head < turns.len() && used + turns[head].len() <= head_budget {
        used += turns[head].len();
        head += 1;
    }
    let mut tail = turns.len();
    let mut tail_used = 0;
    while tail > head && tail_used + turns[tail - 1].len() <= MAX_TRANSCRIPT_CHARS - used {
        tail -= 1;
        tail_used += turns[tail].len();
    }
    turns[..head].iter().for_each(|t| out.push_str(t));
    out.push_str(&format!(
        "[… {} turns left out here to fit the length limit …]\n\n",
        tail - head
    ));
    turns[tail..].iter().for_each(|t| out.push_str(t));
    out
}

/// The evaluator's instructions with the schema spelled out, so servers that take no
/// `response_format` (or only JSON mode) still know the exact shape.
pub fn evaluator_system_prompt() -> String {
    format!(
        "{}\n\nThe reply must be one JSON object matching this JSON schema:\n{}",
        EVALUATOR_PROMPT.trim(),
        serde_json::to_string_pretty(&json_schema()).unwrap_or_default()
    )
}

/// What the evaluator returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluated {
    Valid(Report),
    /// Still not a valid report after the corrective retry: the raw reply and why.
    Invalid {
        raw: String,
        error: String,
    },
}

/// One evaluation: the outcome and the tokens it used (both calls, when retried).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub outcome: Evaluated,
    pub usage: Option<Usage>,
}

/// The longest wait for the whole report: a long JSON reply from a slow model takes
/// a while, so several times the first-token bound, at least three minutes.
fn report_timeout(backend: &OpenAiBackend) -> Duration {
    (backend.timeouts().first_token * 3).max(Duration::from_secs(180))
}

/// Asks the model for the report. Uses a strict JSON schema where the server takes
/// it (falling back to JSON mode, then to the prompt alone, when the server refuses
/// the format), validates the reply, and on an invalid reply asks once more with
/// the validation error. A network or server failure is an `Err`.
pub async fn evaluate(
    backend: &OpenAiBackend,
    model: &str,
    setup: &InterviewSetup,
    history: &[ChatTurn],
) -> Result<Evaluation, AgentError> {
    let mut messages: Vec<ChatCompletionRequestMessage> = vec![
        ChatCompletionRequestSystemMessage::from(evaluator_system_prompt().as_str()).into(),
        ChatCompletionRequestUserMessage::from(transcript(setup, history).as_str()).into(),
    ];
    let mut ask = FormatAsk::Schema;
    let (first, mut usage) = loop {
        match complete(backend, model, &messages, ask).await {
            Ok(reply) => break reply,
            Err(AgentError::BadRequest { message })
                if mentions_response_format(&message) && ask.weaker().is_some() =>
            {
                tracing::info!(
                    ?ask,
                    "server refused the response format; asking with a weaker one"
                );
                ask = ask.weaker().unwrap_or(FormatAsk::PromptOnly);
            }
            Err(e) => return Err(e),
        }
    };
    let error = match parse(&first) {
        Ok(report) => {
            return Ok(Evaluation {
                outcome: Evaluated::Valid(report),
                usage,
            });
        }
        Err(e) => e.to_string(),
    };
    tracing::info!(%error, "the report was invalid; asking once more");
    messages.push(ChatCompletionRequestAssistantMessage::from(first.as_str()).into());
    messages.push(
        ChatCompletionRequestUserMessage::from(
            format!(
                "That reply could not be used: {error}. Reply again with only the corrected \
                 JSON object, following the schema and the rules above."
            )
            .as_str(),
        )
        .into(),
    );
    let (second, more) = match complete(backend, model, &messages, ask).await {
        Ok(reply) => reply,
        Err(e) => {
            // The first reply is kept rather than lost to a failed retry.
            tracing::warn!(error = %e, "the corrective retry failed; keeping the first reply");
            return Ok(Evaluation {
                outcome: Evaluated::Invalid { raw: first, error },
                usage,
            });
        }
    };
    usage = add_usage(usage, more);
    let outcome = match parse(&second) {
        Ok(report) => Evaluated::Valid(report),
        Err(e) => Evaluated::Invalid {
            raw: second,
            error: e.to_string(),
        },
    };
    Ok(Evaluation { outcome, usage })
}

fn add_usage(a: Option<Usage>, b: Option<Usage>) -> Option<Usage> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Usage {
            prompt_tokens: a.prompt_tokens + b.prompt_tokens,
            completion_tokens: a.completion_tokens + b.completion_tokens,
        }),
        (a, b) => a.or(b),
    }
}

fn mentions_response_format(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("response_format") || m.contains("json_schema") || m.contains("response format")
}

/// One non-streaming completion: the reply's text and usage.
async fn complete(
    backend: &OpenAiBackend,
    model: &str,
    messages: &[ChatCompletionRequestMessage],
    ask: FormatAsk,
) -> Result<(String, Option<Usage>), AgentError> {
    let request = CreateChatCompletionRequest {
        model: model.to_string(),
        messages: messages.to_vec(),
        response_format: ask.response_format(),
        ..Default::default()
    };
    let call = backend.call();
    let limit = report_timeout(backend);
    let response = tokio::time::timeout(
        limit,
        call.client.chat().create_byot::<_, Completion>(request),
    )
    .await
    .map_err(|_| AgentError::Timeout {
        secs: limit.as_secs(),
    })?
    .map_err(|e| call.error(e, model))?;
    let usage = response.usage.map(|u| Usage {
        prompt_tokens: u.prompt_tokens,
        completion_tokens: u.completion_tokens,
    });
    let message = response.choices.into_iter().next().and_then(|c| c.message);
    let text = match message {
        Some(m) => match (m.content, m.refusal) {
            (Some(c), _) if !c.trim().is_empty() => c,
            (_, Some(r)) if !r.trim().is_empty() => format!("The model refused: {r}"),
            _ => String::new(),
        },
        None => String::new(),
    };
    Ok((text, usage))
}

/// A non-streaming reply, read leniently: compatible servers omit fields the
/// generated OpenAI types require (`created`, `object`, `id`).
#[derive(Debug, Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<CompletionChoice>,
    #[serde(default)]
    usage: Option<CompletionUsage>,
}

#[derive(Debug, Deserialize)]
struct CompletionChoice {
    #[serde(default)]
    message: Option<CompletionMessage>,
}

#[derive(Debug, Deserialize)]
struct CompletionMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    refusal: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CompletionUsage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

// ----- making and storing a report ----------------------------------------------------

/// Makes a report for a conversation and stores it: by the model when `backend`
/// is a server, from the heuristics when it is offline. An invalid model reply is
/// stored too (`valid = 0`) so it can be shown as it came. Returns the stored row
/// and the tokens the evaluation used.
pub async fn generate(
    store: &Store,
    backend: &Backend,
    model: &str,
    conversation_id: i64,
) -> Result<(StoredReport, Option<Usage>), ReportError> {
    let (setup, history) = assessable(store, conversation_id)?;
    let (kind, model_name, body, valid, usage) = match backend {
        Backend::Offline => {
            let report = heuristic_report(&setup, &history);
            (KIND_HEURISTIC, None, encode(&report), true, None)
        }
        Backend::OpenAi(openai) => {
            let evaluation = evaluate(openai, model, &setup, &history).await?;
            match evaluation.outcome {
                Evaluated::Valid(report) => (
                    KIND_MODEL,
                    Some(model),
                    encode(&report),
                    true,
                    evaluation.usage,
                ),
                Evaluated::Invalid { raw, error } => {
                    tracing::warn!(%error, "storing the model's invalid report as raw text");
                    (KIND_MODEL, Some(model), raw, false, evaluation.usage)
                }
            }
        }
    };
    let id = store.insert_report(conversation_id, kind, model_name, &body, valid)?;
    let stored = store
        .latest_report(conversation_id)?
        .filter(|r| r.id == id)
        .ok_or(ReportError::Store(StoreError::NoConversation(
            conversation_id,
        )))?;
    Ok((stored, usage))
}

/// The setup and the turns of a conversation that has something to assess, or
/// [`ReportError::NoAnswers`]: callers check this before saying a model is asked.
pub fn assessable(
    store: &Store,
    conversation_id: i64,
) -> Result<(InterviewSetup, Vec<ChatTurn>), ReportError> {
    let conversation = store.require_conversation(conversation_id)?;
    let messages = store.messages(conversation_id)?;
    let history = crate::service::history_for_model(&messages);
    if !has_answers(&history) {
        return Err(ReportError::NoAnswers(conversation_id));
    }
    Ok((conversation.setup.unwrap_or_default(), history))
}

fn encode(report: &Report) -> String {
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string(report).unwrap_or_default()
}

/// Whether the candidate answered anything an interviewer asked.
pub fn has_answers(history: &[ChatTurn]) -> bool {
    offline::outline(history)
        .iter()
        .any(|q| !q.answers.is_empty())
}

// ----- the heuristic report -----------------------------------------------------------

/// Signals of one answered question, with the scores derived from them.
struct Assessed<'a> {
    item: &'a AskedQuestion,
    kind: InterviewType,
    signals: AnswerSignals,
    scores: [u8; 5],
}

/// The offline report: each answer's measurable signals turned into transparent
/// scores, strengths and improvements, with the bank's notes on what a good answer
/// contains. Honest about what it is: it measures form, not content.
pub fn heuristic_report(setup: &InterviewSetup, history: &[ChatTurn]) -> Report {
    let items = offline::outline(history);
    let assessed: Vec<Assessed<'_>> = items
        .iter()
        .filter(|i| !i.answers.is_empty())
        .map(|item| {
            let kind = item.bank.map_or(setup.interview_type, |b| b.interview_type);
            let signals = heuristics::analyse(&item.answer_text(), kind);
            let scores = score(item, kind, &signals);
            Assessed {
                item,
                kind,
                signals,
                scores,
            }
        })
        .collect();

    let competencies: Vec<CompetencyScore> = COMPETENCIES
        .iter()
        .enumerate()
        .map(|(i, name)| CompetencyScore {
            name: (*name).to_string(),
            score: average(assessed.iter().map(|a| a.scores[i])),
            evidence: competency_evidence(i, &assessed),
        })
        .collect();
    let mean =
        competencies.iter().map(|c| f64::from(c.score)).sum::<f64>() / competencies.len() as f64;
    // Skipping most questions is not readiness, whatever the answered ones show.
    let skipped = items.iter().filter(|i| i.answers.is_empty()).count();
    let readiness = if assessed.is_empty() || mean < 2.75 || skipped * 2 > items.len() {
        Readiness::NotYet
    } else if mean < 3.75 {
        Readiness::Almost
    } else {
        Readiness::Ready
    };

    let mut questions: Vec<QuestionFeedback> = Vec::new();
    for item in &items {
        match assessed.iter().find(|a| std::ptr::eq(a.item, item)) {
            Some(a) => questions.push(question_feedback(a)),
            None => questions.push(QuestionFeedback {
                question: item.question.clone(),
                answer_summary: "Skipped.".into(),
                strengths: Vec::new(),
                improvements: vec![
                    "Practise this one out loud before the real interview: skipped questions tend to come back.".into(),
                ],
                better_answer: notes_for(item.bank, setup.interview_type),
            }),
        }
    }

    let mut ranked: Vec<&CompetencyScore> = competencies.iter().collect();
    ranked.sort_by_key(|c| c.score);
    // Up to three competencies below 4; at least two when any is below 5.
    let mut weakest: Vec<&str> = ranked
        .iter()
        .filter(|c| c.score < 4)
        .take(3)
        .map(|c| c.name.as_str())
        .collect();
    for c in ranked.iter().filter(|c| c.score == 4) {
        if weakest.len() >= 2 {
            break;
        }
        weakest.push(c.name.as_str());
    }
    let mut top_improvements: Vec<String> = weakest
        .iter()
        .take(3)
        .map(|name| advice(name).to_string())
        .collect();
    if top_improvements.is_empty() {
        top_improvements.push(
            "Your answers show every signal these checks look for; practise with a model (set an API key) for feedback on their content.".into(),
        );
    }
    let mut study_plan: Vec<String> = weakest
        .iter()
        .take(2)
        .map(|name| practice(name).to_string())
        .collect();
    study_plan.push(
        "Read the notes on what a good answer contains, shown with each question in this report, and rewrite your weakest answer using them.".into(),
    );
    study_plan.push(
        "Run another practice interview of the same type and compare this report's scores with the next one (`interviewer stats`).".into(),
    );
    study_plan.push(
        "When you can, practise with a model (OPENAI_API_KEY or `interviewer key set`) for feedback on what you said, not only how.".into(),
    );

    let overall_summary = summary(&assessed, &competencies, items.len());
    Report {
        overall_summary,
        readiness,
        competencies,
        questions,
        top_improvements,
        study_plan,
    }
}

/// The five scores of one answer, in [`COMPETENCIES`] order.
fn score(item: &AskedQuestion, kind: InterviewType, s: &AnswerSignals) -> [u8; 5] {
    let technical = matches!(kind, InterviewType::Technical | InterviewType::SystemDesign);
    let structure = if technical {
        1 + if s.reasons() { 2 } else { 0 }
            + u8::from(s.sequence_cues > 0)
            + u8::from(!s.too_short && !s.rambling)
    } else {
        1 + s.star.count() as u8
    };
    let overlap = relevance_overlap(item, &item.answer_text());
    let relevance = match overlap {
        o if o >= 0.5 => 5,
        o if o >= 0.35 => 4,
        o if o >= 0.2 => 3,
        o if o > 0.0 => 2,
        _ => 1,
    };
    let depth = if s.rambling {
        3
    } else {
        match s.words {
            0..40 => 1,
            40..80 => 2,
            80..150 => 3,
            _ => 4 + u8::from(s.reasons() || s.star.count() == 4),
        }
    };
    let evidence = match s.quantities.len() {
        0 => 1 + u8::from(s.star.result),
        1 => 3,
        _ => 4 + u8::from(s.star.result),
    };
    let filler_penalty = match s.filler_rate() {
        r if r > 6.0 => 3,
        r if r > 3.0 => 2,
        r if r > 1.0 => 1,
        _ => 0,
    };
    let communication = 5u8
        .saturating_sub(filler_penalty)
        .saturating_sub(u8::from(s.rambling))
        .saturating_sub(u8::from(s.too_short))
        .max(1);
    [
        structure.clamp(1, 5),
        relevance,
        depth.clamp(1, 5),
        evidence.clamp(1, 5),
        communication,
    ]
}

/// Share of the question's key words (and the bank's tags) the answer uses.
fn relevance_overlap(item: &AskedQuestion, answer: &str) -> f64 {
    const STOP: &[&str] = &[
        "about",
        "after",
        "again",
        "could",
        "describe",
        "does",
        "from",
        "have",
        "into",
        "tell",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "time",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "with",
        "would",
        "your",
        "yourself",
        "how",
        "why",
        "you",
        "the",
        "and",
        "for",
        "did",
        "something",
        "someone",
    ];
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() >= 4 && !STOP.contains(w))
            .map(|w| w.trim_end_matches('s').to_string())
            .collect()
    };
    let mut keys = words(&item.question);
    if let Some(bank) = item.bank {
        keys.extend(bank.tags.iter().flat_map(|t| words(&t.replace('-', " "))));
    }
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        return 0.0;
    }
    let said = words(answer);
    let hits = keys.iter().filter(|k| said.contains(k)).count();
    hits as f64 / keys.len() as f64
}

fn average(scores: impl Iterator<Item = u8>) -> u8 {
    let all: Vec<u8> = scores.collect();
    if all.is_empty() {
        return 1;
    }
    let mean = all.iter().map(|s| f64::from(*s)).sum::<f64>() / all.len() as f64;
    (mean.round() as u8).clamp(1, 5)
}

/// Evidence for one competency across the answers, in measured terms.
fn competency_evidence(index: usize, assessed: &[Assessed<'_>]) -> String {
    let n = assessed.len();
    if n == 0 {
        return "No answers to measure.".into();
    }
    let count = |f: &dyn Fn(&Assessed<'_>) -> bool| assessed.iter().filter(|a| f(a)).count();
    match index {
        0 => {
            let technical_kind = |a: &Assessed<'_>| {
                matches!(
                    a.kind,
                    InterviewType::Technical | InterviewType::SystemDesign
                )
            };
            let technical = count(&technical_kind);
            let stories = n - technical;
            // STAR applies to stories; technical answers are read for reasons and steps.
            let star = |part: &dyn Fn(&Assessed<'_>) -> bool| {
                count(&|a: &Assessed<'_>| !technical_kind(a) && part(a))
            };
            let mut parts = Vec::new();
            if stories > 0 {
                parts.push(format!(
                    "STAR cues across {stories} answer(s): situation {}, task {}, action {}, result {}",
                    star(&|a| a.signals.star.situation),
                    star(&|a| a.signals.star.task),
                    star(&|a| a.signals.star.action),
                    star(&|a| a.signals.star.result),
                ));
            }
            if technical > 0 {
                parts.push(format!(
                    "reasons given in {} and ordered steps in {} of {technical} technical answer(s)",
                    count(&|a| technical_kind(a) && a.signals.reasons()),
                    count(&|a| technical_kind(a) && a.signals.sequence_cues > 0)
                ));
            }
            parts.join("; ") + "."
        }
        1 => format!(
            "Measured as word overlap with each question's key terms: {} of {n} answer(s) use at least a fifth of them.",
            count(&|a| relevance_overlap(a.item, &a.item.answer_text()) >= 0.2)
        ),
        2 => {
            let words: Vec<String> = assessed
                .iter()
                .map(|a| a.signals.words.to_string())
                .collect();
            format!(
                "Answer lengths in words: {}; {} too short (under {}), {} rambling.",
                words.join(", "),
                count(&|a| a.signals.too_short),
                heuristics::TOO_SHORT_WORDS,
                count(&|a| a.signals.rambling),
            )
        }
        3 => {
            let found: Vec<String> = assessed
                .iter()
                .flat_map(|a| a.signals.quantities.iter().take(3).cloned())
                .take(6)
                .map(|q| format!("\"{q}\""))
                .collect();
            let we_heavy = count(&|a| a.signals.we_heavy());
            let mut text = format!(
                "{} of {n} answer(s) state a number",
                count(&|a| a.signals.quantified())
            );
            if !found.is_empty() {
                text.push_str(&format!(" ({})", found.join(", ")));
            }
            text.push_str(&format!(
                "; {} describe a result; {we_heavy} lean on \"we\" more than \"I\".",
                count(&|a| a.signals.star.result)
            ));
            text
        }
        _ => {
            let mut totals: Vec<(String, usize)> = Vec::new();
            for a in assessed {
                for (word, k) in &a.signals.fillers {
                    match totals.iter_mut().find(|(w, _)| w == word) {
                        Some((_, total)) => *total += k,
                        None => totals.push((word.clone(), *k)),
                    }
                }
            }
            totals.sort_by_key(|t| std::cmp::Reverse(t.1));
            let words: usize = assessed.iter().map(|a| a.signals.words).sum();
            let fillers: usize = totals.iter().map(|(_, k)| k).sum();
            let listed: Vec<String> = totals
                .iter()
                .take(4)
                .map(|(w, k)| format!("\"{w}\" ×{k}"))
                .collect();
            if fillers == 0 {
                format!("No filler or hedge words in {words} words.")
            } else {
                format!(
                    "{fillers} filler or hedge word(s) in {words} words ({}).",
                    listed.join(", ")
                )
            }
        }
    }
}

fn question_feedback(a: &Assessed<'_>) -> QuestionFeedback {
    let s = &a.signals;
    let technical = matches!(
        a.kind,
        InterviewType::Technical | InterviewType::SystemDesign
    );
    let mut strengths = Vec::new();
    let mut improvements = Vec::new();

    if s.too_short {
        improvements.push(format!(
            "At {} words the answer is too short to show much: give one concrete example with what you did and what happened.",
            s.words
        ));
    } else if s.rambling {
        improvements.push(format!(
            "At {} words the answer runs long: lead with the point, keep one example, and stop after the result.",
            s.words
        ));
    } else {
        strengths.push(format!(
            "A substantial answer of {} words without rambling.",
            s.words
        ));
    }
    if technical {
        if s.reasons() {
            strengths.push(
                "You gave reasons for your choices (because, trade-offs, alternatives).".into(),
            );
        } else {
            improvements.push(
                "Say why: compare your choice with an alternative and name the trade-off.".into(),
            );
        }
    } else if s.star.count() == 4 {
        strengths.push("All four STAR parts are there: situation, task, action and result.".into());
    } else {
        improvements.push(format!(
            "No clear {} in the story: cover each STAR part in order.",
            s.star.missing().join(" or ")
        ));
    }
    if s.quantified() {
        let shown: Vec<String> = s
            .quantities
            .iter()
            .take(3)
            .map(|q| format!("\"{q}\""))
            .collect();
        strengths.push(format!("You quantified it: {}.", shown.join(", ")));
    } else if a.kind != InterviewType::Hr {
        improvements.push(
            "Put a number on the outcome: a percentage, money, time saved or people affected."
                .into(),
        );
    }
    if s.we_heavy() {
        improvements.push(format!(
            "\"We\" ({}) outnumbers \"I\" ({}): say what you personally did.",
            s.we_count, s.i_count
        ));
    } else if s.i_count > 0 && !technical {
        strengths.push("Told in the first person: your own part is clear.".into());
    }
    if s.filler_rate() > 1.0 {
        let listed: Vec<String> = s
            .fillers
            .iter()
            .take(3)
            .map(|(w, k)| format!("\"{w}\" ×{k}"))
            .collect();
        improvements.push(format!(
            "Cut filler and hedge words ({}): pause instead, and state things plainly.",
            listed.join(", ")
        ));
    }

    let excerpt: String = {
        let text = a.item.answer_text();
        let words: Vec<&str> = text.split_whitespace().collect();
        let cut = words.iter().take(25).copied().collect::<Vec<_>>().join(" ");
        if words.len() > 25 {
            format!("{cut}…")
        } else {
            cut
        }
    };
    let answer_summary = format!(
        "\"{excerpt}\" ({} words; STAR cues {}/4; {} number(s); I/we {}/{}; {} filler word(s))",
        s.words,
        s.star.count(),
        s.quantities.len(),
        s.i_count,
        s.we_count,
        s.filler_count()
    );
    QuestionFeedback {
        question: a.item.question.clone(),
        answer_summary,
        strengths,
        improvements,
        better_answer: notes_for(a.item.bank, a.kind),
    }
}

/// The bank's notes on what a good answer contains, or the type's general shape of
/// one when the question did not come from the bank.
fn notes_for(bank: Option<&BankQuestion>, kind: InterviewType) -> String {
    match bank {
        Some(q) => format!("What a good answer contains: {}", q.good_answer),
        None => format!(
            "What a good answer contains: {}",
            match kind {
                InterviewType::Behavioral =>
                    "one concrete story in STAR order (situation, task, action, result), told in the first person, with a measurable result and a lesson.",
                InterviewType::Technical =>
                    "stated assumptions, reasoning aloud, alternatives weighed against each other, and edge cases checked.",
                InterviewType::SystemDesign =>
                    "clarifying questions first, a sizing of the problem, a high-level design, and each choice justified against an alternative, with failure modes.",
                InterviewType::Hr =>
                    "an answer specific to this company and role, honest and brief.",
                InterviewType::General =>
                    "a coherent story linking your past work to the target role, with concrete examples and results.",
            }
        ),
    }
}

fn advice(competency: &str) -> &'static str {
    match competency {
        "structure" => {
            "Structure every story as situation, task, action, result; for technical answers, state assumptions, then steps, then the trade-off."
        }
        "relevance" => {
            "Answer the question that was asked: repeat its key words in your first sentence, then stay on them."
        }
        "depth" => {
            "Go one level deeper: give the specific example, the detail of what you did and why."
        }
        "evidence & impact" => {
            "Quantify your results and say what you personally did: numbers, percentages, money, time, and \"I\" rather than \"we\"."
        }
        _ => {
            "Speak plainly and briefly: cut filler words and hedges, lead with the point, stop after the result."
        }
    }
}

fn practice(competency: &str) -> &'static str {
    match competency {
        "structure" => {
            "Write three stories from your CV in four STAR lines each (one line per part) and tell each aloud in under two minutes."
        }
        "relevance" => {
            "For five questions from this interview type, write the one-sentence answer first, then the example that supports it."
        }
        "depth" => {
            "Take two of today's answers and add the missing detail: what exactly you did, why, and what you would do differently."
        }
        "evidence & impact" => {
            "List the results of your last three projects with a number each (before and after, time saved, money, users)."
        }
        _ => {
            "Record yourself answering two questions, count the filler words, and answer again with pauses instead."
        }
    }
}

fn summary(assessed: &[Assessed<'_>], competencies: &[CompetencyScore], asked: usize) -> String {
    if assessed.is_empty() {
        return "Heuristic report (offline): there were no answers to measure, so every score is the lowest. Answer a few questions and ask again.".into();
    }
    let best = competencies.iter().max_by_key(|c| c.score);
    let worst = competencies.iter().min_by_key(|c| c.score);
    let words: usize = assessed.iter().map(|a| a.signals.words).sum();
    let mut text = format!(
        "Heuristic report (offline): measured from {} answered question(s) of {asked} asked, {words} words in all. \
         The scores come from countable signals (length, STAR cues, numbers, \"I\" versus \"we\", filler words, overlap with the question), \
         not from understanding what you said, so read them as pointers.",
        assessed.len()
    );
    if let (Some(best), Some(worst)) = (best, worst)
        && best.score != worst.score
    {
        text.push_str(&format!(
            " Strongest signal: {} ({}/5); weakest: {} ({}/5).",
            best.name, best.score, worst.name, worst.score
        ));
    }
    text
}

// ----- rendering ----------------------------------------------------------------------

/// A score as five marks, e.g. `■■■□□`.
pub fn score_bar(score: u8) -> String {
    let s = usize::from(score.min(5));
    format!("{}{}", "■".repeat(s), "□".repeat(5 - s))
}

/// A run of scores as a sparkline, e.g. `▁▃▅▇` for 1, 2, 3, 4.
pub fn sparkline(scores: &[u8]) -> String {
    const BARS: [char; 5] = ['▁', '▃', '▄', '▆', '█'];
    scores
        .iter()
        .map(|s| BARS[usize::from(s.clamp(&1, &5) - 1)])
        .collect()
}

/// The report as plain text for a terminal (the caller prints [`heading`] first).
pub fn render_text(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!("Readiness: {}\n\n", report.readiness.label()));
    out.push_str(&report.overall_summary);
    out.push_str("\n\nScores (1–5)\n");
    let width = COMPETENCIES
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    for c in &report.competencies {
        out.push_str(&format!(
            "  {:<width$}  {} {}  {}\n",
            c.name,
            score_bar(c.score),
            c.score,
            c.evidence
        ));
    }
    out.push_str("\nTop improvements\n");
    for (i, item) in report.top_improvements.iter().take(3).enumerate() {
        out.push_str(&format!("  {}. {item}\n", i + 1));
    }
    if !report.questions.is_empty() {
        out.push_str("\nQuestion by question\n");
    }
    for (i, q) in report.questions.iter().enumerate() {
        out.push_str(&format!("\n  {}. {}\n", i + 1, q.question));
        out.push_str(&format!("     Your answer: {}\n", q.answer_summary));
        for s in &q.strengths {
            out.push_str(&format!("     + {s}\n"));
        }
        for s in &q.improvements {
            out.push_str(&format!("     - {s}\n"));
        }
        out.push_str(&format!("     Better: {}\n", q.better_answer));
    }
    out.push_str("\nStudy plan\n");
    for step in &report.study_plan {
        out.push_str(&format!("  - {step}\n"));
    }
    out
}

/// The report as markdown, with `###` sections so it nests under the caller's own
/// heading (an export's "## Feedback report").
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!("**Readiness:** {}\n\n", report.readiness.label()));
    out.push_str(&report.overall_summary);
    out.push_str("\n\n### Scores\n\n| Competency | Score | Evidence |\n|---|---|---|\n");
    for c in &report.competencies {
        out.push_str(&format!(
            "| {} | {} {}/5 | {} |\n",
            md_cell(&c.name),
            score_bar(c.score),
            c.score,
            md_cell(&c.evidence)
        ));
    }
    out.push_str("\n### Top improvements\n\n");
    for (i, item) in report.top_improvements.iter().take(3).enumerate() {
        out.push_str(&format!("{}. {item}\n", i + 1));
    }
    if !report.questions.is_empty() {
        out.push_str("\n### Question by question\n");
    }
    for (i, q) in report.questions.iter().enumerate() {
        out.push_str(&format!("\n#### {}. {}\n\n", i + 1, q.question));
        out.push_str(&format!("*Your answer:* {}\n\n", q.answer_summary));
        if !q.strengths.is_empty() {
            out.push_str("**Strengths**\n\n");
            for s in &q.strengths {
                out.push_str(&format!("- {s}\n"));
            }
            out.push('\n');
        }
        if !q.improvements.is_empty() {
            out.push_str("**To improve**\n\n");
            for s in &q.improvements {
                out.push_str(&format!("- {s}\n"));
            }
            out.push('\n');
        }
        out.push_str(&format!("**A better answer:** {}\n", q.better_answer));
    }
    out.push_str("\n### Study plan\n\n");
    for step in &report.study_plan {
        out.push_str(&format!("- {step}\n"));
    }
    out
}

/// Text safe inside a markdown table cell.
fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good_json() -> serde_json::Value {
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
            Err(ReportError::Json(_))
        ));
        let cut = &good_json().to_string()[..120];
        assert!(matches!(parse(cut), Err(ReportError::Json(_))));
        assert!(matches!(
            parse(r#"{"overall_summary": "x", "readiness": "maybe"}"#),
            Err(ReportError::Json(_))
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
        assert!(heading(&stored("x", false)).contains("not a valid report"));
    }

    #[test]
    fn the_schema_requires_every_field_of_the_report() {
        let schema = json_schema();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let fields =
            serde_json::to_value(parse(&good_json().to_string()).expect("valid")).expect("json");
        let mut keys: Vec<&str> = fields
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut required_sorted = required.clone();
        required_sorted.sort();
        assert_eq!(keys, required_sorted);
        assert_eq!(schema["additionalProperties"], false);
    }

    fn turn(role: Role, content: &str) -> ChatTurn {
        ChatTurn {
            role,
            content: content.into(),
        }
    }

    #[test]
    fn the_heuristic_report_measures_each_answer() {
        let q = crate::agent::bank::by_id("beh-failure").expect("bank question");
        let history = vec![
            turn(Role::User, "Hello"),
            turn(
                Role::Assistant,
                &format!("Welcome. Question 1 of 2: {}", q.question),
            ),
            turn(
                Role::User,
                "Um, we basically missed a deadline, you know, and we sort of fixed it later.",
            ),
            turn(
                Role::Assistant,
                "Could you make that concrete? Pick one specific time it happened and walk me through what you did, step by step.",
            ),
            turn(
                Role::User,
                "At my last company I was responsible for the release of our mobile app. \
                 My goal was to ship before a partner launch. I underestimated the review time, \
                 so the release slipped by 2 weeks. I told the partner early, I rebuilt the plan \
                 with buffers, and as a result the next three releases shipped on time. I learned \
                 to plan for the review queue.",
            ),
            turn(
                Role::Assistant,
                "Thank you. That was my last question. Do you have any questions for me?",
            ),
            turn(Role::User, "No."),
        ];
        let setup = InterviewSetup {
            interview_type: InterviewType::Behavioral,
            ..Default::default()
        };
        let report = heuristic_report(&setup, &history);
        validate(&report).expect("the heuristic report passes its own validation");
        assert_eq!(report.questions.len(), 1);
        let fb = &report.questions[0];
        assert_eq!(fb.question, q.question);
        assert!(fb.better_answer.contains(&q.good_answer));
        assert!(
            fb.strengths.iter().any(|s| s.contains("2 weeks")),
            "{fb:#?}"
        );
        assert!(
            fb.improvements.iter().any(|s| s.contains("filler")),
            "{fb:#?}"
        );
        assert!(report.overall_summary.starts_with("Heuristic report"));
        let structure = &report.competencies[0];
        assert_eq!(structure.name, "structure");
        assert_eq!(structure.score, 5, "{structure:?}");
        assert!(!report.top_improvements.is_empty() && report.top_improvements.len() <= 3);
        let text = render_text(&report);
        assert!(text.contains("Scores (1–5)") && text.contains(&q.question));
        let md = render_markdown(&report);
        assert!(md.contains("### Scores") && md.contains("| structure |"));
    }

    #[test]
    fn a_skipped_question_is_listed_with_its_notes() {
        let q = crate::agent::bank::by_id("hr-salary").expect("bank question");
        let history = vec![
            turn(Role::User, "Hi"),
            turn(Role::Assistant, &format!("Question 1 of 1: {}", q.question)),
            turn(Role::User, "/skip"),
        ];
        assert!(!has_answers(&history));
        let report = heuristic_report(&InterviewSetup::default(), &history);
        assert_eq!(report.readiness, Readiness::NotYet);
        assert_eq!(report.questions[0].answer_summary, "Skipped.");
        assert!(report.questions[0].better_answer.contains(&q.good_answer));
    }

    #[test]
    fn long_transcripts_keep_the_start_and_the_end() {
        let mut history = Vec::new();
        for i in 0..400 {
            history.push(turn(
                Role::Assistant,
                &format!("Question {i}? {}", "x".repeat(200)),
            ));
            history.push(turn(
                Role::User,
                &format!("Answer {i}. {}", "y".repeat(200)),
            ));
        }
        let t = transcript(&InterviewSetup::default(), &history);
        assert!(t.len() <= MAX_TRANSCRIPT_CHARS + 2_000, "{}", t.len());
        assert!(t.contains("Question 0?") && t.contains("Answer 399."));
        assert!(t.contains("turns left out"));
    }

    #[test]
    fn sparklines_and_bars_show_scores() {
        assert_eq!(sparkline(&[1, 2, 3, 4, 5]), "▁▃▄▆█");
        assert_eq!(score_bar(3), "■■■□□");
        assert_eq!(score_bar(9), "■■■■■");
    }
}
