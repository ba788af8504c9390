//! Conversations and their messages as plain data: who wrote what, in which state,
//! for which interview. The store reads and writes these; the agent sees them as
//! [`ChatTurn`]s; both faces show them.
//!
//! Imports nothing of ours.

use serde::{Deserialize, Serialize};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "system" => Some(Role::System),
            "user" => Some(Role::User),
            "assistant" => Some(Role::Assistant),
            _ => None,
        }
    }
}

/// Where a message is in its life: a reply is `Streaming` while tokens arrive, then
/// `Complete` (finished normally), `Interrupted` (cancelled or cut off, content kept)
/// or `Error` (the request failed; `error` says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Complete,
    Streaming,
    Interrupted,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Streaming => "streaming",
            Status::Interrupted => "interrupted",
            Status::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "complete" => Some(Status::Complete),
            "streaming" => Some(Status::Streaming),
            "interrupted" => Some(Status::Interrupted),
            "error" => Some(Status::Error),
            _ => None,
        }
    }
}

/// The kind of interview, which picks the interviewer's prompt and question bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum InterviewType {
    Behavioral,
    Technical,
    SystemDesign,
    Hr,
    #[default]
    General,
}

impl InterviewType {
    pub const ALL: [InterviewType; 5] = [
        InterviewType::Behavioral,
        InterviewType::Technical,
        InterviewType::SystemDesign,
        InterviewType::Hr,
        InterviewType::General,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InterviewType::Behavioral => "behavioral",
            InterviewType::Technical => "technical",
            InterviewType::SystemDesign => "system-design",
            InterviewType::Hr => "hr",
            InterviewType::General => "general",
        }
    }

    /// Human label, e.g. for headers.
    pub fn label(self) -> &'static str {
        match self {
            InterviewType::Behavioral => "Behavioural",
            InterviewType::Technical => "Technical",
            InterviewType::SystemDesign => "System design",
            InterviewType::Hr => "HR screen",
            InterviewType::General => "General career",
        }
    }

    pub fn parse(s: &str) -> Option<InterviewType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "behavioral" | "behavioural" => Some(InterviewType::Behavioral),
            "technical" => Some(InterviewType::Technical),
            "system-design" | "system_design" | "systemdesign" => Some(InterviewType::SystemDesign),
            "hr" => Some(InterviewType::Hr),
            "general" => Some(InterviewType::General),
            _ => None,
        }
    }
}

/// The fewest and the most main questions an interview can be set up with: the one
/// bound of `--questions`, `interview.questions` in the config file and the TUI's
/// new-interview form.
pub const MIN_QUESTIONS: u32 = 1;
pub const MAX_QUESTIONS: u32 = 30;

/// What the user said they are preparing for. Stored as JSON with the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InterviewSetup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority: Option<String>,
    #[serde(default, rename = "type")]
    pub interview_type: InterviewType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<u32>,
    /// Job description text (read from a file at setup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_description: Option<String>,
    /// CV / resume text (read from a file at setup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv: Option<String>,
    /// Bring back questions the candidate answered weakly in earlier interviews
    /// (offline practice), instead of questions new to them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retry_weak: bool,
}

impl InterviewSetup {
    /// The level to show beside the role: `None` when unset, blank, or already
    /// in the role ("senior" for "Senior backend engineer").
    pub fn level_beyond_role(&self) -> Option<&str> {
        let level = self
            .seniority
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())?;
        let said = self
            .role
            .as_deref()
            .is_some_and(|r| r.to_lowercase().contains(&level.to_lowercase()));
        (!said).then_some(level)
    }
}

/// Which bank questions an offline interview steers away from and which it brings
/// back, fixed when the conversation is created (and stored with it), so the
/// question plan of a conversation never changes, whatever happens later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QuestionChoice {
    /// Bank question ids asked in the candidate's recent interviews: asked again
    /// only when the bank has nothing else that fits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoid: Vec<String>,
    /// Bank question ids answered weakly before, asked first (the candidate asked
    /// to retry weak ones), weakest and newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retry: Vec<String>,
}

/// One conversation's header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: i64,
    pub uid: String,
    pub title: String,
    pub persona: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub archived: bool,
    pub setup: Option<InterviewSetup>,
    /// The model this conversation talks to; `None` for offline practice and for
    /// conversations from before models were recorded.
    pub model: Option<String>,
}

/// A conversation as the sidebar and `list` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationSummary {
    pub id: i64,
    pub title: String,
    pub persona: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub message_count: i64,
    pub archived: bool,
    /// The conversation's model (see [`Conversation::model`]).
    pub model: Option<String>,
}

/// One stored message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub role: Role,
    pub content: String,
    pub status: Status,
    pub created_at: i64,
    /// Why the reply failed or stopped early, in words for the user.
    pub error: Option<String>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub model: Option<String>,
    /// A reasoning model's thinking before this reply (`reasoning_content`, a
    /// `<think>` block), kept apart: never the interviewer's words, never sent back.
    pub reasoning: Option<String>,
}

/// Fields for a conversation about to be created.
#[derive(Debug, Clone, Default)]
pub struct NewConversation {
    pub title: String,
    pub persona: String,
    pub setup: Option<InterviewSetup>,
    /// The model it starts with (`None` offline).
    pub model: Option<String>,
}

/// A stored feedback report (the body is the report JSON, or raw text when invalid).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReport {
    pub id: i64,
    pub conversation_id: i64,
    pub kind: String,
    pub model: Option<String>,
    pub body: String,
    pub valid: bool,
    pub created_at: i64,
}

/// A conversation with everything needed to show it.
#[derive(Debug, Clone)]
pub struct ConversationView {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub report: Option<StoredReport>,
}

/// One turn of the conversation as sent to a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTurn {
    pub role: Role,
    pub content: String,
}

/// The turns a model sees: user and assistant messages in order, without failed
/// requests (error rows), replies that never got any text, or replies still
/// `streaming` (another process is writing them: half a reply is not a turn).
pub fn history_for_model(messages: &[Message]) -> Vec<ChatTurn> {
    messages
        .iter()
        .filter(|m| m.role != Role::System)
        .filter(|m| !matches!(m.status, Status::Error | Status::Streaming))
        .filter(|m| !m.content.trim().is_empty())
        .map(|m| ChatTurn {
            role: m.role,
            content: m.content.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_shown_beside_the_role_only_when_the_role_does_not_say_it() {
        let setup = |role: Option<&str>, level: Option<&str>| InterviewSetup {
            role: role.map(String::from),
            seniority: level.map(String::from),
            ..InterviewSetup::default()
        };
        assert_eq!(
            setup(Some("Backend engineer"), Some("senior")).level_beyond_role(),
            Some("senior")
        );
        assert_eq!(
            setup(Some("Senior backend engineer"), Some("senior")).level_beyond_role(),
            None
        );
        assert_eq!(
            setup(None, Some(" staff ")).level_beyond_role(),
            Some("staff")
        );
        assert_eq!(
            setup(Some("Designer"), Some("  ")).level_beyond_role(),
            None
        );
        assert_eq!(setup(Some("Designer"), None).level_beyond_role(), None);
    }

    fn message(id: i64, role: Role, content: &str, status: Status) -> Message {
        Message {
            id,
            conversation_id: 1,
            role,
            content: content.into(),
            status,
            created_at: 0,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        }
    }

    #[test]
    fn the_model_sees_the_history_without_failed_or_empty_replies() {
        let messages = [
            message(1, Role::User, "Hello", Status::Complete),
            message(2, Role::Assistant, "", Status::Error),
            message(3, Role::User, "Hello again", Status::Complete),
            message(4, Role::Assistant, "Tell me about", Status::Interrupted),
            message(5, Role::Assistant, "   ", Status::Interrupted),
            message(6, Role::User, "Sure", Status::Complete),
        ];
        let history = history_for_model(&messages);
        let turns: Vec<(Role, &str)> = history
            .iter()
            .map(|t| (t.role, t.content.as_str()))
            .collect();
        assert_eq!(
            turns,
            [
                (Role::User, "Hello"),
                (Role::User, "Hello again"),
                (Role::Assistant, "Tell me about"),
                (Role::User, "Sure"),
            ]
        );
    }
}
