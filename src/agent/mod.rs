//! The interviewer agent: prompts from personas, the OpenAI streaming client, the
//! offline question bank, and making the feedback report.
//!
//! Every backend speaks the same protocol: it is given a [`ChatRequest`] and sends
//! [`AgentEvent`]s on a channel, ending with exactly one [`AgentEvent::Done`].
//!
//! The agent is pure over what it is given (the history, the setup, a ready
//! [`Backend`]) and returns events or a report. It never reads the key (the service
//! hands it a backend holding one), never touches the store and never writes
//! anything: persisting is the service's.

pub mod assess;
pub mod bank;
pub mod discover;
pub mod drill;
pub mod embed;
pub mod fence;
pub mod heuristics;
pub mod offline;
pub mod openai;
pub mod persona;
pub mod pricing;
pub mod probe;
pub mod report;
pub mod schema;
pub mod sse;
pub mod think;
pub mod turns;

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

#[cfg(test)]
use crate::domain::Role;
use crate::domain::{ChatTurn, InterviewSetup, QuestionChoice};

/// What a backend is asked to continue.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    /// The assembled system prompt (persona + setup). Backends without a model ignore it.
    pub system_prompt: String,
    /// Earlier turns in order, then the new user message last.
    pub history: Vec<ChatTurn>,
    pub setup: InterviewSetup,
    /// The bank questions an offline interview avoids and brings back (fixed when
    /// the conversation was created). Model backends ignore it.
    pub choice: QuestionChoice,
}

/// Token counts when the server reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

impl Usage {
    /// Two requests' usage together; `None` only when neither reported any.
    pub fn sum(a: Option<Usage>, b: Option<Usage>) -> Option<Usage> {
        match (a, b) {
            (Some(a), Some(b)) => Some(Usage {
                prompt_tokens: a.prompt_tokens.saturating_add(b.prompt_tokens),
                completion_tokens: a.completion_tokens.saturating_add(b.completion_tokens),
            }),
            (a, b) => a.or(b),
        }
    }
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
    /// More of a reasoning model's thinking (`reasoning_content` deltas, a leading
    /// `<think>` block): kept apart from the reply, never the interviewer's words.
    Reasoning(String),
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
    /// The key found has a shape no server accepts (the text says where it is).
    #[error("{0}")]
    UnusableKey(String),
    /// The request task itself failed (a panic in a library): a bug, not the network.
    #[error(
        "the request failed unexpectedly ({0}); try again, and see the log if it happens again"
    )]
    Internal(String),
    #[error(
        "the API key was rejected ({status}): check it with `interviewer key status`, then `interviewer key set`"
    )]
    BadKey { status: u16, message: String },
    #[error(
        "the server has no model {model:?} (404: {message}): pick another with --model, or check --api-base"
    )]
    UnknownModel { model: String, message: String },
    #[error("the server refused the request (400): {}", detail(.message))]
    BadRequest { message: String },
    #[error("{}", rate_limited_text(.quota, .retry_after_secs, .message))]
    RateLimited {
        quota: bool,
        retry_after_secs: Option<u64>,
        message: String,
    },
    #[error("the server had a problem ({status}): {}; try again in a moment", detail(.message))]
    Server { status: u16, message: String },
    #[error("cannot reach {url}: {reason}; check your network and --api-base")]
    Connect { url: String, reason: String },
    #[error("the API base URL {url:?} is not usable ({reason}): fix --api-base or OPENAI_BASE_URL")]
    InvalidApiBase { url: String, reason: String },
    #[error(
        "not sending the API key to {url} over plain http, where others on the network could read it: use https, or set allow_insecure_http_key = true in config.toml"
    )]
    InsecureKey { url: String },
    #[error("the connection to the server failed: {reason}; try again")]
    Network { reason: String },
    #[error(
        "the server did not answer within {secs}s; try again, or raise the timeout in config.toml"
    )]
    Timeout { secs: u64 },
    #[error("the server stopped sending for {secs}s, so the reply is cut off; try again")]
    Stalled { secs: u64 },
    #[error("the connection dropped in the middle of the reply ({reason}); try again")]
    Dropped { reason: String },
    #[error("the server closed the stream before the reply was finished; try again")]
    CutOff,
    #[error("the server reported an error in the middle of the reply: {}; try again", detail(.message))]
    ServerStream { message: String },
    #[error("the server sent something unreadable: {0}")]
    Protocol(String),
    #[error("unexpected response ({status}): {}", detail(.message))]
    Http { status: u16, message: String },
}

/// A server's message inside our sentence: trimmed, without its closing full stop
/// (so "(500): Internal server error; try again" rather than "error.; try again").
fn detail(message: &str) -> &str {
    let t = message.trim().trim_end_matches(['.', ';', ':']).trim_end();
    if t.is_empty() { "no details" } else { t }
}

impl AgentError {
    /// One plain sentence for a screen: what happened and what to do, without the
    /// server's own words or the transport's error chain (those are in `Display`,
    /// which the command line prints and the log records).
    pub fn summary(&self) -> String {
        match self {
            AgentError::NoKey => "There is no API key: add one, or practise offline.".into(),
            AgentError::UnusableKey(_) => {
                "The API key found cannot be used: add a valid one.".into()
            }
            AgentError::Internal(_) => {
                "The request failed unexpectedly: try again; the log has the details.".into()
            }
            AgentError::BadKey { status, .. } => {
                format!("The server rejected the API key ({status}): add a valid one.")
            }
            AgentError::UnknownModel { model, .. } => format!(
                "The server has no model \"{}\": pick another with --model.",
                crate::sanitize::single_line(model)
            ),
            AgentError::BadRequest { .. } => {
                "The server refused the request (400): check --model and --api-base.".into()
            }
            AgentError::RateLimited { quota: true, .. } => {
                "Your API quota is used up (429): check your plan and billing.".into()
            }
            AgentError::RateLimited {
                retry_after_secs: Some(s),
                ..
            } => format!("The server is rate limiting requests (429): retry in {s}s."),
            AgentError::RateLimited { .. } => {
                "The server is rate limiting requests (429): wait a little, then retry.".into()
            }
            AgentError::Server { status, .. } => {
                format!("The server had a problem ({status}): try again in a moment.")
            }
            AgentError::Connect { .. } => {
                "Cannot reach the server: check your network and --api-base.".into()
            }
            AgentError::InvalidApiBase { .. } => {
                "The API base URL is not usable: fix --api-base or OPENAI_BASE_URL.".into()
            }
            AgentError::InsecureKey { .. } => {
                "Not sending the API key over plain http: use https, or allow it in config.toml."
                    .into()
            }
            AgentError::Network { .. } => "The connection to the server failed: try again.".into(),
            AgentError::Timeout { secs } => {
                format!("The server did not answer within {secs}s: try again.")
            }
            AgentError::Stalled { .. } => {
                "The server stopped sending, so the reply is cut off: try again.".into()
            }
            AgentError::Dropped { .. } => {
                "The connection dropped in the middle of the reply: try again.".into()
            }
            AgentError::CutOff => {
                "The server closed the stream before the reply was finished: try again.".into()
            }
            AgentError::ServerStream { .. } => {
                "The server reported an error in the middle of the reply: try again.".into()
            }
            AgentError::Protocol(_) => "The server sent something unreadable: try again.".into(),
            AgentError::Http { status, .. } => {
                format!("The server gave an unexpected answer ({status}): try again.")
            }
        }
    }

    /// Seconds the server asked us to wait before retrying (a 429's Retry-After).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AgentError::RateLimited {
                quota: false,
                retry_after_secs,
                ..
            } => *retry_after_secs,
            _ => None,
        }
    }
}

impl AgentError {
    /// The same error with the key and URL credentials taken out of every text it
    /// carries (what servers and transports say can quote them).
    pub fn redacted(self, redactor: &crate::redact::Redactor) -> AgentError {
        if redactor.is_empty() {
            return self;
        }
        let r = |s: String| redactor.redact(&s).into_owned();
        match self {
            AgentError::UnusableKey(s) => AgentError::UnusableKey(r(s)),
            AgentError::Internal(s) => AgentError::Internal(r(s)),
            AgentError::BadKey { status, message } => AgentError::BadKey {
                status,
                message: r(message),
            },
            AgentError::UnknownModel { model, message } => AgentError::UnknownModel {
                model: r(model),
                message: r(message),
            },
            AgentError::BadRequest { message } => AgentError::BadRequest {
                message: r(message),
            },
            AgentError::RateLimited {
                quota,
                retry_after_secs,
                message,
            } => AgentError::RateLimited {
                quota,
                retry_after_secs,
                message: r(message),
            },
            AgentError::Server { status, message } => AgentError::Server {
                status,
                message: r(message),
            },
            AgentError::Connect { url, reason } => AgentError::Connect {
                url: r(url),
                reason: r(reason),
            },
            AgentError::InvalidApiBase { url, reason } => AgentError::InvalidApiBase {
                url: r(url),
                reason: r(reason),
            },
            AgentError::InsecureKey { url } => AgentError::InsecureKey { url: r(url) },
            AgentError::Network { reason } => AgentError::Network { reason: r(reason) },
            AgentError::Dropped { reason } => AgentError::Dropped { reason: r(reason) },
            AgentError::ServerStream { message } => AgentError::ServerStream {
                message: r(message),
            },
            AgentError::Protocol(s) => AgentError::Protocol(r(s)),
            AgentError::Http { status, message } => AgentError::Http {
                status,
                message: r(message),
            },
            plain @ (AgentError::NoKey
            | AgentError::Timeout { .. }
            | AgentError::Stalled { .. }
            | AgentError::CutOff) => plain,
        }
    }
}

impl StreamEnd {
    /// The same end with its reason redacted (see [`AgentError::redacted`]).
    pub fn redacted(self, redactor: &crate::redact::Redactor) -> StreamEnd {
        match self {
            StreamEnd::Complete => StreamEnd::Complete,
            StreamEnd::Interrupted(why) => {
                StreamEnd::Interrupted(redactor.redact(&why).into_owned())
            }
            StreamEnd::Failed(e) => StreamEnd::Failed(e.redacted(redactor)),
        }
    }
}

fn rate_limited_text(quota: &bool, retry_after: &Option<u64>, message: &str) -> String {
    let what = if *quota {
        "your API quota is used up (429): check your plan and billing".to_string()
    } else {
        "rate limited by the server (429)".to_string()
    };
    let when = match (retry_after, quota) {
        (Some(s), _) => format!("; retry after {s}s"),
        (None, true) => String::new(),
        (None, false) => "; wait a little and retry".to_string(),
    };
    let detail = if message.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", detail(message))
    };
    format!("{what}{when}{detail}")
}

/// Where replies come from: an OpenAI-compatible server, or the built-in question bank.
#[derive(Debug, Clone)]
pub enum Backend {
    OpenAi(openai::OpenAiBackend),
    Offline,
}

impl Backend {
    pub fn is_offline(&self) -> bool {
        matches!(self, Backend::Offline)
    }

    /// Answers `request`: [`AgentEvent::Delta`]s as text arrives, then exactly one
    /// [`AgentEvent::Done`]. Never fails: failures are the `Done`'s `end`. Sending
    /// never fails the stream either; a receiver that went away just misses events.
    pub async fn stream(
        &self,
        request: ChatRequest,
        events: UnboundedSender<AgentEvent>,
        cancel: CancellationToken,
    ) {
        let answer = async {
            match self {
                Backend::OpenAi(backend) => backend.stream(&request, &events, &cancel).await,
                Backend::Offline => offline_stream(&request, &events, &cancel),
            }
        };
        // A panic inside the HTTP stack (async-openai builds headers with `unwrap`
        // for the requests it sends) must end the reply as a failure the user sees and the store keeps, not
        // take the caller down or leave it waiting for a `Done` that never comes.
        let (end, usage) = match AssertUnwindSafe(answer).catch_unwind().await {
            Ok(answered) => answered,
            Err(panic) => {
                let what = panic_text(panic.as_ref());
                tracing::error!(panic = %what, "the request task panicked");
                (StreamEnd::Failed(AgentError::Internal(what)), None)
            }
        };
        let _ = events.send(AgentEvent::Done { end, usage });
    }
}

/// A panic's message, redacted and on one line, for the user and the log.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    let text = crate::redact::redact(&text).into_owned();
    let line = crate::sanitize::for_terminal_line(&text);
    let mut line: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 {
        line = line.chars().take(200).collect::<String>() + "…";
    }
    line
}

/// The question bank's turn, sent in a few pieces so callers see the same shape
/// of events as from a server.
fn offline_stream(
    request: &ChatRequest,
    events: &UnboundedSender<AgentEvent>,
    cancel: &CancellationToken,
) -> (StreamEnd, Option<Usage>) {
    if cancel.is_cancelled() {
        return (StreamEnd::Interrupted("cancelled".into()), None);
    }
    let text = offline::next_turn(request);
    for piece in split_in_pieces(&text, 4) {
        let _ = events.send(AgentEvent::Delta(piece.to_string()));
    }
    (StreamEnd::Complete, None)
}

/// Splits `text` into about `parts` pieces at whitespace, losing nothing.
fn split_in_pieces(text: &str, parts: usize) -> Vec<&str> {
    let target = text.len() / parts.max(1) + 1;
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + target).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        // Extend to the next whitespace so words stay whole.
        if let Some(ws) = text[end..].find(char::is_whitespace) {
            end += ws;
        } else {
            end = text.len();
        }
        if end == start {
            end = text.len();
        }
        pieces.push(&text[start..end]);
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_rejoin_to_the_text() {
        for text in [
            "",
            "one",
            "Tell me about a project you are proud of.",
            "naïve café ü ü ü ü",
        ] {
            let pieces = split_in_pieces(text, 4);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.len() <= 5, "{pieces:?}");
        }
    }

    #[test]
    fn server_messages_sit_inside_the_sentence_and_summaries_leave_them_out() {
        let e = AgentError::Server {
            status: 500,
            message: "Internal server error.".into(),
        };
        assert_eq!(
            e.to_string(),
            "the server had a problem (500): Internal server error; try again in a moment"
        );
        assert_eq!(
            e.summary(),
            "The server had a problem (500): try again in a moment."
        );
        let dropped = AgentError::Dropped {
            reason: "Transport error: error decoding response body".into(),
        };
        assert!(
            !dropped.summary().contains("Transport"),
            "{}",
            dropped.summary()
        );
        let limited = AgentError::RateLimited {
            quota: false,
            retry_after_secs: Some(7),
            message: "slow down".into(),
        };
        assert_eq!(limited.retry_after_secs(), Some(7));
        assert!(!limited.summary().contains("slow down"));
        let quota = AgentError::RateLimited {
            quota: true,
            retry_after_secs: Some(7),
            message: String::new(),
        };
        assert_eq!(
            quota.retry_after_secs(),
            None,
            "a used-up quota does not come back in 7s"
        );
    }

    #[tokio::test]
    async fn the_offline_backend_streams_a_turn_and_ends_once() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let request = ChatRequest {
            model: "offline".into(),
            system_prompt: String::new(),
            history: vec![ChatTurn {
                role: Role::User,
                content: "Hello".into(),
            }],
            setup: InterviewSetup::default(),
            choice: Default::default(),
        };
        Backend::Offline
            .stream(request.clone(), tx, CancellationToken::new())
            .await;
        let mut text = String::new();
        let mut dones = Vec::new();
        while let Some(event) = rx.recv().await {
            match event {
                AgentEvent::Delta(d) => text.push_str(&d),
                AgentEvent::Reasoning(_) => {}
                AgentEvent::Done { end, .. } => dones.push(end),
            }
        }
        assert_eq!(text, offline::next_turn(&request));
        assert_eq!(dones, [StreamEnd::Complete]);
    }
}
