//! The interviewer agent: personas and prompts, the OpenAI streaming client, the
//! offline question bank, and the feedback report.
//!
//! Every backend speaks the same protocol: it is given a [`ChatRequest`] and sends
//! [`AgentEvent`]s on a channel, ending with exactly one [`AgentEvent::Done`].

pub mod offline;
pub mod persona;

use crate::store::{InterviewSetup, Role};

/// One turn of the conversation as sent to a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTurn {
    pub role: Role,
    pub content: String,
}

/// What a backend is asked to continue.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    /// The assembled system prompt (persona + setup). Backends without a model ignore it.
    pub system_prompt: String,
    /// Earlier turns in order, then the new user message last.
    pub history: Vec<ChatTurn>,
    pub setup: InterviewSetup,
}

/// Token counts when the server reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

/// How a stream ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEnd {
    /// The model finished (a finish reason arrived).
    Complete,
    /// Stopped early: cancelled, cut off, stalled, or closed without a finish reason.
    /// The text received so far is kept. The string says why, for the user.
    Interrupted(String),
    /// The request failed; nothing (or only part) arrived.
    Failed(AgentError),
}

/// Events a backend sends while answering.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentEvent {
    /// More text of the reply.
    Delta(String),
    /// The stream is over; no more events follow.
    Done {
        end: StreamEnd,
        usage: Option<Usage>,
    },
}

/// Why a request failed, each with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgentError {
    #[error("no API key: set OPENAI_API_KEY or run `interviewer key set` (or use --offline)")]
    NoKey,
    #[error(
        "the API key was rejected ({status}): check it with `interviewer key status`, then `interviewer key set`"
    )]
    BadKey { status: u16, message: String },
    #[error("the model {model:?} was not found on the server: pick another with --model")]
    UnknownModel { model: String, message: String },
    #[error("the server refused the request (400): {message}")]
    BadRequest { message: String },
    #[error("{}", rate_limited_text(.quota, .retry_after_secs, .message))]
    RateLimited {
        quota: bool,
        retry_after_secs: Option<u64>,
        message: String,
    },
    #[error("the server had a problem ({status}): {message}; try again in a moment")]
    Server { status: u16, message: String },
    #[error("cannot reach {url}: {reason}; check your network and --api-base")]
    Connect { url: String, reason: String },
    #[error(
        "the server did not answer within {secs}s; try again, or raise the timeout in config.toml"
    )]
    Timeout { secs: u64 },
    #[error("the server sent something unreadable: {0}")]
    Protocol(String),
    #[error("unexpected response ({status}): {message}")]
    Http { status: u16, message: String },
}

fn rate_limited_text(quota: &bool, retry_after: &Option<u64>, message: &str) -> String {
    let what = if *quota {
        "your API quota is used up (429): check your plan and billing".to_string()
    } else {
        "rate limited by the server (429)".to_string()
    };
    let when = match retry_after {
        Some(s) => format!("; retry after {s}s"),
        None => "; wait a little and retry".to_string(),
    };
    let detail = if message.is_empty() {
        String::new()
    } else {
        format!(" ({message})")
    };
    format!("{what}{when}{detail}")
}
