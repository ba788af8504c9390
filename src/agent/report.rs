//! Making the end-of-interview feedback report from a transcript it is given: the
//! evaluator request to a model (JSON schema, one corrective retry), the heuristic
//! report built offline from measurable signals, and text/markdown renderings for
//! the CLI, the TUI and exports. The report's shape and validation are
//! `domain::report`'s; storing it is the service's. Reads and writes nothing.

use std::time::Duration;

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, ResponseFormat, ResponseFormatJsonSchema,
};
use serde::Deserialize;

use super::assess::{self, Assessment as Judged};
use super::bank::BankQuestion;
use super::heuristics::{self, AnswerSignals};
use super::offline::{self, AskedQuestion};
use super::openai::OpenAiBackend;
use super::probe::Probe;
use super::{AgentError, Backend, Usage};
#[cfg(test)]
use crate::domain::report::validate;
use crate::domain::report::{
    COMPETENCIES, CompetencyScore, KIND_HEURISTIC, KIND_MODEL, QuestionFeedback, Readiness, Report,
    parse,
};
use crate::domain::{ChatTurn, InterviewSetup, InterviewType, Role, StoredReport};

/// The evaluator's instructions.
pub const EVALUATOR_PROMPT: &str = include_str!("../../assets/prompts/evaluator.md");

/// Longest transcript sent to the evaluator, in characters; longer ones lose turns
/// from the middle (the opening and the latest answers matter most).
pub const MAX_TRANSCRIPT_CHARS: usize = 60_000;

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
                    "required": ["question", "answer_summary", "strengths", "improvements", "better_answer", "score", "covered", "missing"],
                    "properties": {
                        "question": {"type": "string"},
                        "answer_summary": {"type": "string"},
                        "strengths": strings,
                        "improvements": strings,
                        "better_answer": {"type": "string"},
                        "score": {"type": "integer", "description": "the answer on the anchored 1 to 5 scale"},
                        "covered": strings,
                        "missing": strings
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
            prompt_tokens: a.prompt_tokens.saturating_add(b.prompt_tokens),
            completion_tokens: a.completion_tokens.saturating_add(b.completion_tokens),
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

// ----- making a report ---------------------------------------------------------------

/// A report as made, ready to be stored: by the model when the backend is a server,
/// from the heuristics when it is offline. An invalid model reply is kept too
/// (`valid == false`) so it can be shown as it came.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// [`KIND_MODEL`] or [`KIND_HEURISTIC`].
    pub kind: &'static str,
    /// The model that wrote it; `None` for a heuristic report.
    pub model: Option<String>,
    /// The report JSON, or the raw reply when it was not a valid report.
    pub body: String,
    pub valid: bool,
    /// Tokens the evaluation used, when the server reported them.
    pub usage: Option<Usage>,
}

/// Assesses an interview from what it is given. Reads and writes nothing: the
/// caller has checked [`has_answers`] and stores the result.
pub async fn assess(
    backend: &Backend,
    model: &str,
    setup: &InterviewSetup,
    history: &[ChatTurn],
) -> Result<Assessment, AgentError> {
    Ok(match backend {
        Backend::Offline => Assessment {
            kind: KIND_HEURISTIC,
            model: None,
            body: encode(&heuristic_report(setup, history)),
            valid: true,
            usage: None,
        },
        Backend::OpenAi(openai) => {
            let evaluation = evaluate(openai, model, setup, history).await?;
            let (body, valid) = match evaluation.outcome {
                Evaluated::Valid(report) => (encode(&report), true),
                Evaluated::Invalid { raw, error } => {
                    tracing::warn!(%error, "keeping the model's invalid report as raw text");
                    (raw, false)
                }
            };
            Assessment {
                kind: KIND_MODEL,
                model: Some(model.to_string()),
                body,
                valid,
                usage: evaluation.usage,
            }
        }
    })
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

/// One answered question judged, with the competency scores derived from it.
struct Assessed<'a> {
    item: &'a AskedQuestion,
    kind: InterviewType,
    signals: AnswerSignals,
    judged: Judged,
    scores: [u8; 5],
}

/// `n` and the noun, in the singular or plural: "1 answer", "3 answers".
fn count_of(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The offline report: each answer judged against its question's checklist (what
/// it covered and missed, a 1–5 score with the words that earned it, one next
/// step), and its measurable signals turned into transparent competency scores.
/// Honest about what it is: matching words and counting signals, not understanding.
pub fn heuristic_report(setup: &InterviewSetup, history: &[ChatTurn]) -> Report {
    let items = offline::outline(history);
    let assessed: Vec<Assessed<'_>> = items
        .iter()
        .filter(|i| !i.answers.is_empty())
        .map(|item| {
            let kind = item.bank.map_or(setup.interview_type, |b| b.interview_type);
            let text = item.answer_text();
            let judged = assess::assess(item.bank, kind, &item.question, &text, &item.clarifying);
            let signals = judged.signals.clone();
            let scores = score(kind, &signals, &judged);
            Assessed {
                item,
                kind,
                signals,
                judged,
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
    // Readiness from the answers' own scores; a question left unanswered counts 1.
    let unanswered = items.iter().filter(|i| i.answers.is_empty()).count();
    let answer_scores: Vec<f64> = assessed
        .iter()
        .map(|a| f64::from(a.judged.score))
        .chain(std::iter::repeat_n(1.0, unanswered))
        .collect();
    let mean = answer_scores.iter().sum::<f64>() / answer_scores.len().max(1) as f64;
    let readiness = if assessed.is_empty() || mean < 2.75 || unanswered * 2 > items.len() {
        Readiness::NotYet
    } else if mean < 3.75 || assessed.iter().any(|a| a.judged.off_topic) {
        Readiness::Almost
    } else {
        Readiness::Ready
    };

    let mut questions: Vec<QuestionFeedback> = Vec::new();
    for item in &items {
        match assessed.iter().find(|a| std::ptr::eq(a.item, item)) {
            Some(a) => questions.push(question_feedback(a)),
            None => questions.push(unanswered_feedback(item, setup.interview_type)),
        }
    }

    // The improvements that matter most: the next steps of the weakest answers
    // first, then the weakest competencies.
    let mut by_score: Vec<&Assessed<'_>> = assessed.iter().collect();
    by_score.sort_by_key(|a| a.judged.score);
    let mut top_improvements: Vec<String> = Vec::new();
    if unanswered > 0 {
        top_improvements.push(format!(
            "Answer every question, even partly: {} had no answer, and a real interviewer scores that as a miss.",
            count_of(unanswered, "question", "questions")
        ));
    }
    for a in by_score.iter().filter(|a| a.judged.score < 4) {
        let step = a.judged.next_step.clone();
        if !top_improvements.contains(&step) {
            top_improvements.push(step);
        }
        if top_improvements.len() == 2 {
            break;
        }
    }
    let mut ranked: Vec<&CompetencyScore> = competencies.iter().collect();
    ranked.sort_by_key(|c| c.score);
    let weakest: Vec<&str> = ranked
        .iter()
        .filter(|c| c.score < 4)
        .take(2)
        .map(|c| c.name.as_str())
        .collect();
    for name in &weakest {
        if top_improvements.len() >= 3 {
            break;
        }
        let item = advice(name).to_string();
        if !top_improvements.contains(&item) {
            top_improvements.push(item);
        }
    }
    if top_improvements.is_empty() {
        top_improvements.push(
            "Your answers cover what these checks look for; practise with a model (set an API key) for feedback on their content.".into(),
        );
    }
    let mut study_plan: Vec<String> = weakest
        .iter()
        .map(|name| practice(name).to_string())
        .collect();
    if let Some(worst) = by_score.first().filter(|a| a.judged.score < 4) {
        study_plan.push(format!(
            "Rewrite your answer to \"{}\" so it covers: {}.",
            worst.item.question,
            worst.judged.missing().join("; ")
        ));
    } else {
        study_plan.push(
            "Read the points a good answer contains, shown with each question in this report, and rewrite your weakest answer using them.".into(),
        );
    }
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

/// A question with no answer (skipped, or only non-answers).
fn unanswered_feedback(item: &AskedQuestion, kind: InterviewType) -> QuestionFeedback {
    let kind = item.bank.map_or(kind, |b| b.interview_type);
    let judged = assess::assess(item.bank, kind, &item.question, "", &item.clarifying);
    let answer_summary = match item.not_answers.first() {
        Some(said) if !item.skipped => {
            format!("Not answered (you said \"{}\").", excerpt(said, 12))
        }
        _ => "Skipped.".into(),
    };
    QuestionFeedback {
        question: item.question.clone(),
        answer_summary,
        strengths: Vec::new(),
        improvements: vec![
            "Practise this one out loud before the real interview: unanswered questions tend to come back.".into(),
        ],
        better_answer: notes_for(item.bank, kind),
        score: Some(1),
        covered: Vec::new(),
        missing: judged.missing(),
    }
}

/// The five competency scores of one answer, in [`COMPETENCIES`] order.
fn score(kind: InterviewType, s: &AnswerSignals, judged: &Judged) -> [u8; 5] {
    let c = &judged.coverage;
    let has = |p: Probe| u8::from(c.covers(p));
    let structure = match kind {
        InterviewType::Technical | InterviewType::SystemDesign => {
            1 + 2 * has(Probe::Reasoning).max(has(Probe::Requirements))
                + u8::from(s.sequence_cues > 0)
                + u8::from(!s.too_short && !s.rambling)
        }
        InterviewType::Hr => {
            // Direct and brief: an answer, a reason, and a stop.
            1 + 2 * u8::from((25..=220).contains(&s.words))
                + has(Probe::Reasoning)
                + u8::from(!s.rambling)
        }
        _ => 1 + s.star.count() as u8,
    };
    let share = if judged.points.is_empty() {
        0.0
    } else {
        judged.covered().len() as f64 / judged.points.len() as f64
    };
    let relevance = if judged.off_topic {
        1
    } else {
        match share {
            x if x >= 0.6 => 5,
            x if x >= 0.4 => 4,
            x if x >= 0.25 => 3,
            x if x > 0.0 => 2,
            _ => 1,
        }
    };
    let depth = judged.score;
    let evidence = match (
        s.quantities.len(),
        c.covers(Probe::Result) || c.covers(Probe::Example),
    ) {
        (0, false) => 1,
        (0, true) => 2,
        (1, _) => 3 + u8::from(c.covers(Probe::Result)),
        _ => 4 + u8::from(c.covers(Probe::Result)),
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
            let is = |k: InterviewType| move |a: &Assessed<'_>| a.kind == k;
            let technical = count(&|a| {
                matches!(
                    a.kind,
                    InterviewType::Technical | InterviewType::SystemDesign
                )
            });
            let hr = count(&is(InterviewType::Hr));
            let stories = n - technical - hr;
            let star = |part: &dyn Fn(&Assessed<'_>) -> bool| {
                count(&|a: &Assessed<'_>| {
                    matches!(a.kind, InterviewType::Behavioral | InterviewType::General) && part(a)
                })
            };
            let mut parts = Vec::new();
            if stories > 0 {
                parts.push(format!(
                    "STAR cues across {}: situation {}, task {}, action {}, result {}",
                    count_of(stories, "story", "stories"),
                    star(&|a| a.signals.star.situation),
                    star(&|a| a.signals.star.task),
                    star(&|a| a.signals.star.action),
                    star(&|a| a.signals.star.result),
                ));
            }
            if technical > 0 {
                parts.push(format!(
                    "reasons given in {} and ordered steps in {} of {}",
                    count(&|a| a.judged.coverage.covers(Probe::Reasoning)
                        && matches!(
                            a.kind,
                            InterviewType::Technical | InterviewType::SystemDesign
                        )),
                    count(&|a| a.signals.sequence_cues > 0
                        && matches!(
                            a.kind,
                            InterviewType::Technical | InterviewType::SystemDesign
                        )),
                    count_of(technical, "technical answer", "technical answers")
                ));
            }
            if hr > 0 {
                parts.push(format!(
                    "{} of {} direct and brief (25 to 220 words)",
                    count(&|a| a.kind == InterviewType::Hr && (25..=220).contains(&a.signals.words)),
                    count_of(hr, "screening answer", "screening answers")
                ));
            }
            parts.join("; ") + "."
        }
        1 => {
            let off: Vec<String> = assessed
                .iter()
                .filter(|a| a.judged.off_topic)
                .map(|a| format!("\"{}\"", excerpt(&a.item.question, 8)))
                .collect();
            let covered: usize = assessed.iter().map(|a| a.judged.covered().len()).sum();
            let points: usize = assessed.iter().map(|a| a.judged.points.len()).sum();
            let mut text = format!(
                "Your answers covered {covered} of the {} a good answer to these questions contains",
                count_of(points, "point", "points")
            );
            if off.is_empty() {
                text.push('.');
            } else {
                text.push_str(&format!(
                    "; off the question's subject: {}.",
                    off.join(", ")
                ));
            }
            text
        }
        2 => {
            let scores: Vec<String> = assessed
                .iter()
                .map(|a| format!("{}/5", a.judged.score))
                .collect();
            format!(
                "Answer scores against each question's checklist: {}; {} too short (under {} words).",
                scores.join(", "),
                count(&|a| a.signals.too_short),
                heuristics::TOO_SHORT_WORDS,
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
                "Answers stating a number: {} of {n}",
                count(&|a| a.signals.quantified()),
            );
            if !found.is_empty() {
                text.push_str(&format!(" ({})", found.join(", ")));
            }
            text.push_str(&format!(
                "; describing a result: {}; leaning on \"we\" more than \"I\": {we_heavy}.",
                count(&|a| a.judged.coverage.covers(Probe::Result))
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
                    "{} in {words} words ({}).",
                    count_of(fillers, "filler or hedge word", "filler or hedge words"),
                    listed.join(", ")
                )
            }
        }
    }
}

/// The first `n` words of `text`, with an ellipsis when cut.
fn excerpt(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let cut = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
    if words.len() > n {
        format!("{cut}…")
    } else {
        cut
    }
}

fn question_feedback(a: &Assessed<'_>) -> QuestionFeedback {
    let s = &a.signals;
    let j = &a.judged;
    let mut strengths = Vec::new();
    let mut improvements = vec![format!("Next step: {}", j.next_step)];

    if !j.evidence.is_empty() {
        let quoted: Vec<String> = j.evidence.iter().map(|q| format!("\"{q}\"")).collect();
        strengths.push(format!(
            "{}/5, earned by your words {}.",
            j.score,
            quoted.join(", ")
        ));
    }
    if j.off_topic {
        improvements.push(
            "The answer stays away from what was asked: almost none of the question's subject appears in it.".into(),
        );
    }
    if s.too_short {
        improvements.push(format!(
            "At {} words the answer is too short to show much.",
            s.words
        ));
    } else if s.rambling {
        improvements.push(format!(
            "At {} words the answer runs long: lead with the point and stop after the result.",
            s.words
        ));
    }
    if s.quantified() && a.kind != InterviewType::Hr {
        let shown: Vec<String> = s
            .quantities
            .iter()
            .take(3)
            .map(|q| format!("\"{q}\""))
            .collect();
        strengths.push(format!("You quantified it: {}.", shown.join(", ")));
    }
    if a.kind == InterviewType::Behavioral && s.we_heavy() {
        improvements.push(format!(
            "\"We\" ({}) outnumbers \"I\" ({}): say what you personally did.",
            s.we_count, s.i_count
        ));
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
    let answer_summary = format!(
        "\"{}\" ({} words; {} of {} checklist points covered; {})",
        excerpt(&a.item.answer_text(), 25),
        s.words,
        j.covered().len(),
        j.points.len(),
        count_of(s.quantities.len(), "number", "numbers"),
    );
    QuestionFeedback {
        question: a.item.question.clone(),
        answer_summary,
        strengths,
        improvements,
        better_answer: notes_for(a.item.bank, a.kind),
        score: Some(j.score),
        covered: j.covered(),
        missing: j.missing(),
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
    let mean = assessed
        .iter()
        .map(|a| f64::from(a.judged.score))
        .sum::<f64>()
        / assessed.len() as f64;
    let mut text = format!(
        "Heuristic report (offline): {} answered of {asked} asked, {words} words in all; the answers average {mean:.1}/5 against each question's checklist. \
         The scores come from matching your words with the points a good answer contains and from countable signals (numbers, \"I\" versus \"we\", filler words), \
         not from understanding what you said, so read them as pointers.",
        count_of(assessed.len(), "question", "questions")
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
        if let Some(score) = q.score {
            out.push_str(&format!("     Score: {} {score}/5\n", score_bar(score)));
        }
        out.push_str(&format!("     Your answer: {}\n", q.answer_summary));
        for c in &q.covered {
            out.push_str(&format!("     ✓ {c}\n"));
        }
        for m in &q.missing {
            out.push_str(&format!("     ✗ {m}\n"));
        }
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
        if let Some(score) = q.score {
            out.push_str(&format!("**Score:** {} {score}/5\n\n", score_bar(score)));
        }
        out.push_str(&format!("*Your answer:* {}\n\n", q.answer_summary));
        if !q.covered.is_empty() || !q.missing.is_empty() {
            out.push_str("**What a good answer contains**\n\n");
            for c in &q.covered {
                out.push_str(&format!("- [x] {c}\n"));
            }
            for m in &q.missing {
                out.push_str(&format!("- [ ] {m}\n"));
            }
            out.push('\n');
        }
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
    use crate::domain::report::good_json;

    #[test]
    fn the_heading_says_when_a_reply_was_not_a_valid_report() {
        let stored = StoredReport {
            id: 1,
            conversation_id: 1,
            kind: KIND_MODEL.into(),
            model: Some("gpt-4o-mini".into()),
            body: "x".into(),
            valid: false,
            created_at: 0,
        };
        assert!(heading(&stored).contains("not a valid report"));
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
