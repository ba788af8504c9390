//! Sending a message and streaming the reply into the store: the user's message is
//! stored before the request goes out, the reply row appears at its first text, is
//! flushed in batches and ends `complete`, `interrupted` or `error`. The agent
//! streams; this file persists.

use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Service, ServiceError, validate_message};
use crate::agent::{AgentEvent, Backend, ChatRequest, StreamEnd, Usage, persona};
use crate::domain::persona::{DEFAULT_PERSONA, find as find_persona};
use crate::domain::{InterviewSetup, Message, Role, Status, history_for_model};
use crate::store::{MessageFinish, Store, StoreError};
use crate::stream_lock::StreamLock;

/// How often, at most, a streaming reply's text is written to the database: a crash
/// or `kill -9` loses at most this much of the reply.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(200);

/// Model name stored with replies written by the offline question bank.
pub const OFFLINE_MODEL: &str = "offline-question-bank";

/// One message to send.
#[derive(Debug, Clone, Default)]
pub struct SendRequest {
    /// Continue this conversation; `None` starts a new one titled from `text`.
    pub conversation_id: Option<i64>,
    pub text: String,
    /// Persona for a new conversation (default: the configured one). Must be `None`
    /// when continuing a conversation: its persona was fixed when it was created.
    pub persona: Option<String>,
    /// Interview setup for a new conversation. Must be `None` when continuing one.
    pub setup: Option<InterviewSetup>,
    /// The model to talk to: a new conversation starts with it (default: the
    /// configured one), an existing one switches to it from this turn on (default:
    /// the conversation's own). Ignored offline, where the question bank answers.
    pub model: Option<String>,
}

/// Progress of one send, in order: `UserStored`, then (if any text arrives)
/// `ReplyStarted` and `Delta`s, then exactly one `Finished`.
#[derive(Debug, Clone, PartialEq)]
pub enum SendEvent {
    /// The user's message is stored (and the conversation created when new).
    UserStored {
        conversation_id: i64,
        message: Message,
        created: bool,
        /// A new conversation's setup: the one asked for, or what its first
        /// message said it wants (`None` when neither says anything).
        setup: Option<InterviewSetup>,
    },
    /// The first text arrived; the assistant row exists with status `streaming`.
    ReplyStarted { message_id: i64 },
    /// More text of the reply.
    Delta(String),
    /// A reasoning model is thinking: how many words of its reasoning have come
    /// so far (the text itself is stored apart and shown once the reply ends).
    Thinking { words: usize },
    /// The reply as finally stored (an `error` row when the request failed).
    Finished {
        reply: Option<Message>,
        end: StreamEnd,
    },
}

/// How a send ended. `reply` is the stored assistant row (status `complete`,
/// `interrupted` or `error`); `end` says why.
#[derive(Debug, Clone, PartialEq)]
pub struct SendOutcome {
    pub conversation_id: i64,
    pub reply: Option<Message>,
    pub end: StreamEnd,
}

impl Service {
    /// Sends a user message and streams the reply into the store.
    ///
    /// Nothing is written when the input is invalid (empty or oversized text, an
    /// unknown conversation or persona). Then the user's message is stored before
    /// the request goes out; the reply row appears with status `streaming` at its
    /// first text and is flushed at most every [`FLUSH_INTERVAL`]; it ends
    /// `complete`, `interrupted` (text kept) or `error` (empty, with the reason).
    /// A failed request is not an `Err`: it is the outcome's `end`.
    pub async fn send_message(
        &self,
        backend: &Backend,
        req: SendRequest,
        events: &UnboundedSender<SendEvent>,
        cancel: CancellationToken,
    ) -> Result<SendOutcome, ServiceError> {
        let text = validate_message(&req.text)?;
        let existing = match req.conversation_id {
            Some(id) => {
                if req.persona.is_some() || req.setup.is_some() {
                    return Err(ServiceError::SetupForExisting(id));
                }
                Some(self.store.require_conversation(id)?)
            }
            None => None,
        };
        let persona_name = match &existing {
            Some(c) => c.persona.clone(),
            None => req
                .persona
                .clone()
                .unwrap_or_else(|| self.settings.persona.clone()),
        };
        let persona = match find_persona(&persona_name) {
            Ok(p) => p,
            // A stored conversation whose persona this build lacks still continues.
            Err(_) if existing.is_some() => {
                tracing::warn!(persona = %persona_name, "unknown stored persona; using the default");
                find_persona(DEFAULT_PERSONA)?
            }
            Err(e) => return Err(e.into()),
        };

        let asked_model = req
            .model
            .as_deref()
            .map(super::validate_model)
            .transpose()?;
        let online = matches!(backend, Backend::OpenAi(_));
        let (conversation_id, setup, created, model) = match existing {
            Some(c) => {
                // Switched when asked; a conversation with no model yet (offline
                // practice, or from before models were recorded) takes the
                // configured one the first time a server answers it.
                let model = match (online, asked_model, c.model) {
                    (false, _, stored) => stored,
                    (true, asked, stored) => match asked
                        .or_else(|| stored.is_none().then(|| self.settings.model.clone()))
                    {
                        Some(new) if stored.as_deref() != Some(new.as_str()) => {
                            self.store.set_conversation_model(c.id, Some(&new))?;
                            Some(new)
                        }
                        _ => stored,
                    },
                };
                (c.id, c.setup.unwrap_or_default(), false, model)
            }
            None => {
                let model =
                    online.then(|| asked_model.unwrap_or_else(|| self.settings.model.clone()));
                // Started without a setup: what the first message says it wants
                // ("a behavioural interview for a senior backend role") is the setup.
                let setup = req
                    .setup
                    .clone()
                    .or_else(|| crate::agent::bank::setup_from_message(text));
                let id =
                    self.create_conversation(text, persona.name, setup.clone(), model.clone())?;
                (id, setup.unwrap_or_default(), true, model)
            }
        };
        let user_id =
            match self
                .store
                .insert_message(conversation_id, Role::User, text, Status::Complete)
            {
                Ok(id) => id,
                Err(e) => {
                    if created {
                        // Do not leave an empty conversation behind.
                        let _ = self.store.delete_conversation(conversation_id);
                    }
                    return Err(e.into());
                }
            };
        if let Some(message) = self.store.message(user_id)? {
            let _ = events.send(SendEvent::UserStored {
                conversation_id,
                message,
                created,
                setup: (created && setup != InterviewSetup::default()).then(|| setup.clone()),
            });
        }

        let request = ChatRequest {
            model: self.model_for(backend, model.as_deref()),
            system_prompt: persona::system_prompt(persona, &setup),
            history: history_for_model(&self.store.messages(conversation_id)?),
            setup,
            choice: self.store.question_choice(conversation_id)?,
        };
        self.stream_reply(backend, conversation_id, request, events, cancel)
            .await
    }

    /// Drops the conversation's trailing assistant reply if it is `error` or
    /// `interrupted` and streams a new one for the same history. A conversation
    /// ending in a user message (a reply never started) is answered as it stands.
    pub async fn regenerate(
        &self,
        backend: &Backend,
        conversation_id: i64,
        events: &UnboundedSender<SendEvent>,
        cancel: CancellationToken,
    ) -> Result<SendOutcome, ServiceError> {
        let conversation = self.store.require_conversation(conversation_id)?;
        let mut messages = self.store.messages(conversation_id)?;
        match messages.last() {
            // A `streaming` reply is live (start-up recovery ends dead ones): leave it.
            Some(m)
                if m.role == Role::Assistant
                    && matches!(m.status, Status::Error | Status::Interrupted) =>
            {
                self.store.delete_message(m.id)?;
                messages.pop();
            }
            Some(m) if m.role == Role::User => {}
            _ => return Err(ServiceError::NothingToRegenerate(conversation_id)),
        }
        let persona =
            find_persona(&conversation.persona).or_else(|_| find_persona(DEFAULT_PERSONA))?;
        let setup = conversation.setup.unwrap_or_default();
        let request = ChatRequest {
            model: self.model_for(backend, conversation.model.as_deref()),
            system_prompt: persona::system_prompt(persona, &setup),
            history: history_for_model(&messages),
            setup,
            choice: self.store.question_choice(conversation_id)?,
        };
        self.stream_reply(backend, conversation_id, request, events, cancel)
            .await
    }

    /// The model a request names: the question bank offline, else the
    /// conversation's model (the configured one when it has none).
    fn model_for(&self, backend: &Backend, conversation_model: Option<&str>) -> String {
        match backend {
            Backend::Offline => OFFLINE_MODEL.to_string(),
            Backend::OpenAi(_) => conversation_model
                .unwrap_or(&self.settings.model)
                .to_string(),
        }
    }

    /// Runs the backend and the writer side by side: the writer creates the reply
    /// row at the first text, flushes it in batches and finishes it.
    async fn stream_reply(
        &self,
        backend: &Backend,
        conversation_id: i64,
        request: ChatRequest,
        events: &UnboundedSender<SendEvent>,
        cancel: CancellationToken,
    ) -> Result<SendOutcome, ServiceError> {
        // Tests only (debug builds): a panic here, outside the backend's catch.
        crate::crash::panic_in_send_if_requested();
        let model = request.model.clone();
        let (agent_tx, mut agent_rx) = tokio::sync::mpsc::unbounded_channel();
        // The writer stops the backend if the store fails under it.
        let backend_cancel = cancel.child_token();
        let producer = backend.stream(request, agent_tx, backend_cancel.clone());

        let writer = async {
            let mut reply = ReplyWriter::new(
                &self.store,
                &self.settings.data_dir,
                conversation_id,
                self.settings.limits.max_reply_bytes,
            );
            let result = loop {
                let flush_at = reply.flush_due();
                tokio::select! {
                    event = agent_rx.recv() => match event {
                        Some(AgentEvent::Delta(text)) => match reply.push(&text, events) {
                            Ok(Pushed::All) => {
                                let _ = events.send(SendEvent::Delta(text));
                            }
                            Ok(Pushed::UpToLimit(kept)) => {
                                if !kept.is_empty() {
                                    let _ = events.send(SendEvent::Delta(kept));
                                }
                                // Stop the server; its own end ("cancelled") is not the reason.
                                backend_cancel.cancel();
                                break Ok((StreamEnd::Interrupted(reply.over_limit_reason()), None));
                            }
                            Err(e) => break Err(e),
                        },
                        Some(AgentEvent::Reasoning(text)) => {
                            let words = reply.push_reasoning(&text);
                            let _ = events.send(SendEvent::Thinking { words });
                        }
                        Some(AgentEvent::Done { end, usage }) => break Ok((end, usage)),
                        // The backend always ends with Done; if it vanished, say so.
                        None => break Ok((StreamEnd::Interrupted("the reply stopped unexpectedly".into()), None)),
                    },
                    _ = sleep_until_opt(flush_at), if flush_at.is_some() => {
                        if let Err(e) = reply.flush() {
                            break Err(e);
                        }
                    }
                }
            };
            match result {
                Ok((end, usage)) => {
                    let stored = reply.finish(&end, usage, &model)?;
                    Ok((stored, end))
                }
                Err(e) => {
                    backend_cancel.cancel();
                    Err(e)
                }
            }
        };
        let ((), written) = tokio::join!(producer, writer);
        let (reply, end) = written?;
        let _ = events.send(SendEvent::Finished {
            reply: reply.clone(),
            end: end.clone(),
        });
        Ok(SendOutcome {
            conversation_id,
            reply,
            end,
        })
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// The reply row of one stream and the text not yet written to it. Memory and
/// database work per flush are proportional to the text since the last flush, not
/// to the reply: each flush appends (`Store::append_message_text`), and the reply
/// is folded and indexed once, at its end.
struct ReplyWriter<'a> {
    store: &'a Store,
    conversation_id: i64,
    id: Option<i64>,
    /// Text not yet in the database.
    pending: String,
    /// Bytes of the reply so far, written or not.
    len: usize,
    /// The most bytes kept (`[limits] max_reply_bytes`).
    max_bytes: usize,
    /// When the text last reached the database, if anything is waiting.
    dirty_since_flush: Option<Instant>,
    /// A reasoning model's thinking not yet in the database (kept apart from the
    /// reply's text, written with it), and its bytes so far.
    reasoning: String,
    reasoning_len: usize,
    /// Words of reasoning so far, and whether the last piece ended inside one.
    reasoning_words: usize,
    reasoning_mid_word: bool,
    data_dir: &'a Path,
    /// Tells other processes' start-up recovery that this row is live.
    _lock: Option<StreamLock>,
}

/// What [`ReplyWriter::push`] kept of a piece of text.
enum Pushed {
    All,
    /// The reply reached its byte limit: only this start of the piece was kept.
    UpToLimit(String),
}

impl<'a> ReplyWriter<'a> {
    fn new(store: &'a Store, data_dir: &'a Path, conversation_id: i64, max_bytes: usize) -> Self {
        ReplyWriter {
            store,
            conversation_id,
            id: None,
            pending: String::new(),
            len: 0,
            max_bytes,
            dirty_since_flush: None,
            reasoning: String::new(),
            reasoning_len: 0,
            reasoning_words: 0,
            reasoning_mid_word: false,
            data_dir,
            _lock: None,
        }
    }

    /// Adds text up to the byte limit; the first text creates the row (status
    /// `streaming`) and is written at once.
    fn push(
        &mut self,
        text: &str,
        events: &UnboundedSender<SendEvent>,
    ) -> Result<Pushed, ServiceError> {
        let room = self.max_bytes.saturating_sub(self.len);
        let kept = if text.len() <= room {
            text
        } else {
            let mut cut = room;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            &text[..cut]
        };
        self.pending.push_str(kept);
        self.len += kept.len();
        if self.id.is_none() && self.len > 0 {
            let id = self
                .store
                .insert_message(self.conversation_id, Role::Assistant, "", Status::Streaming)
                .map_err(|e| gone(e, self.conversation_id))?;
            self.id = Some(id);
            self._lock = StreamLock::acquire(self.data_dir, id);
            let _ = events.send(SendEvent::ReplyStarted { message_id: id });
            self.dirty_since_flush = Some(Instant::now());
            self.flush()?;
        } else if self.dirty_since_flush.is_none() && !kept.is_empty() {
            self.dirty_since_flush = Some(Instant::now());
        }
        Ok(if kept.len() == text.len() {
            Pushed::All
        } else {
            Pushed::UpToLimit(kept.to_string())
        })
    }

    /// Adds thinking, up to the same byte limit as the reply (the rest is dropped:
    /// it is not the answer); written with the reply's next flush. Returns the
    /// words of reasoning received so far (a word split across pieces counts once).
    fn push_reasoning(&mut self, text: &str) -> usize {
        let (words, mid_word) = new_words(self.reasoning_mid_word, text);
        self.reasoning_words += words;
        self.reasoning_mid_word = mid_word;
        let room = self.max_bytes.saturating_sub(self.reasoning_len);
        let mut cut = text.len().min(room);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut < text.len() {
            tracing::info!("the model's reasoning passed max_reply_bytes; the rest is not kept");
        }
        self.reasoning.push_str(&text[..cut]);
        self.reasoning_len += cut;
        if cut > 0 && self.id.is_some() && self.dirty_since_flush.is_none() {
            self.dirty_since_flush = Some(Instant::now());
        }
        self.reasoning_words
    }

    /// Why a reply that reached the byte limit was cut off.
    fn over_limit_reason(&self) -> String {
        format!(
            "the reply reached the limit of {} bytes (max_reply_bytes in the [limits] section of config.toml), so the rest was not kept",
            self.max_bytes
        )
    }

    /// When the waiting text must be written, if any waits.
    fn flush_due(&self) -> Option<Instant> {
        self.dirty_since_flush.map(|since| since + FLUSH_INTERVAL)
    }

    fn flush(&mut self) -> Result<(), ServiceError> {
        if let (Some(id), Some(_)) = (self.id, self.dirty_since_flush)
            && !self.pending.is_empty()
        {
            self.store
                .append_message_text(id, &self.pending)
                .map_err(|e| gone(e, self.conversation_id))?;
            self.pending.clear();
        }
        self.flush_reasoning()?;
        self.dirty_since_flush = None;
        Ok(())
    }

    /// Writes the thinking received since the last write, once the row exists.
    fn flush_reasoning(&mut self) -> Result<(), ServiceError> {
        if let Some(id) = self.id
            && !self.reasoning.is_empty()
        {
            self.store
                .append_message_reasoning(id, &self.reasoning)
                .map_err(|e| gone(e, self.conversation_id))?;
            self.reasoning.clear();
        }
        Ok(())
    }

    /// Writes the final state and reads the row back. A failure before any text
    /// still leaves a row (status `error`, empty, with the reason), so the
    /// conversation shows what happened and can be retried.
    fn finish(
        mut self,
        end: &StreamEnd,
        usage: Option<Usage>,
        model: &str,
    ) -> Result<Option<Message>, ServiceError> {
        if let StreamEnd::Failed(e) = end {
            tracing::warn!(error = %e, conversation = self.conversation_id, "the reply failed");
        }
        let (status, error) = match end {
            StreamEnd::Complete => (Status::Complete, None),
            StreamEnd::Interrupted(why) => (Status::Interrupted, Some(why.clone())),
            StreamEnd::Failed(e) if self.len == 0 => (Status::Error, Some(e.to_string())),
            StreamEnd::Failed(e) => (Status::Interrupted, Some(e.to_string())),
        };
        let id = match self.id {
            Some(id) => id,
            None => self
                .store
                .insert_message(self.conversation_id, Role::Assistant, "", Status::Streaming)
                .map_err(|e| gone(e, self.conversation_id))?,
        };
        self.id = Some(id);
        self.flush_reasoning()?;
        self.store
            .finish_streamed(
                id,
                &MessageFinish {
                    content: self.pending,
                    status,
                    error,
                    prompt_tokens: usage.map(|u| i64::from(u.prompt_tokens)),
                    completion_tokens: usage.map(|u| i64::from(u.completion_tokens)),
                    model: Some(model.to_string()),
                },
            )
            .map_err(|e| gone(e, self.conversation_id))?;
        Ok(self.store.message(id)?)
    }
}

/// A reply whose conversation (or row) vanished under it: deleted elsewhere.
fn gone(e: StoreError, conversation_id: i64) -> ServiceError {
    match e {
        StoreError::NoConversation(_) | StoreError::NoMessage(_) => {
            ServiceError::DeletedWhileStreaming(conversation_id)
        }
        other => other.into(),
    }
}

/// The words `text` adds to a stream of pieces, and whether it ends inside a word:
/// a word split across pieces ("reaso" + "ning") counts once. `mid_word`: the
/// previous piece ended inside a word.
fn new_words(mid_word: bool, text: &str) -> (usize, bool) {
    if text.is_empty() {
        return (0, mid_word);
    }
    let continues = mid_word && !text.starts_with(char::is_whitespace);
    let words = text.split_whitespace().count() - usize::from(continues);
    (words, !text.ends_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_across_pieces_count_once() {
        let mut mid = false;
        let mut total = 0;
        for piece in [
            "Let me th",
            "ink about",
            " the candidate",
            "'s ",
            "answer.",
            "",
            " Ok",
        ] {
            let (words, now_mid) = new_words(mid, piece);
            total += words;
            mid = now_mid;
        }
        // Let me think about the candidate's answer. Ok
        assert_eq!(total, 8);
        assert_eq!(new_words(true, "   "), (0, false));
    }

    /// The TUI runs sends on spawned tasks: the futures must be `Send`.
    #[allow(dead_code)]
    fn send_futures_are_send(
        service: &Service,
        backend: &Backend,
        tx: &UnboundedSender<SendEvent>,
    ) {
        fn is_send<T: Send>(_: &T) {}
        let send = service.send_message(
            backend,
            SendRequest::default(),
            tx,
            CancellationToken::new(),
        );
        is_send(&send);
        let regenerate = service.regenerate(backend, 1, tx, CancellationToken::new());
        is_send(&regenerate);
    }
}
