//! Sending: an answer, a hint or skip request, a retry; the reply as it streams in, and how it ended.

use super::*;

impl App {
    pub(super) fn send(&mut self) -> Vec<Effect> {
        let text = self.draft();
        if text.trim().is_empty() {
            return vec![];
        }
        self.send_text(text, true)
    }

    /// Sends `text` (typed, or a hint/skip request). `from_input` empties the input.
    pub(super) fn send_text(&mut self, text: String, from_input: bool) -> Vec<Effect> {
        if self.pending.is_some() {
            self.error("a reply is still coming: wait for it, or press Esc to stop it");
            return vec![];
        }
        if let Err(e) = validate_message(&text) {
            self.error(e.to_string());
            return vec![];
        }
        if self.transcript.loading && self.transcript.messages.is_empty() {
            self.info("the conversation is still loading; try again in a moment");
            return vec![];
        }
        let conversation_id = self.transcript.conversation_id;
        let (setup, persona) = if conversation_id.is_none() {
            (
                self.transcript.setup.clone(),
                self.transcript.persona.clone(),
            )
        } else {
            (None, None)
        };
        // A new conversation starts with the session's model (the configured one,
        // or the one picked for it); an existing one keeps its own.
        let model = match (&self.mode, conversation_id) {
            (Mode::Online { model }, None) => {
                self.transcript.model = Some(model.clone());
                Some(model.clone())
            }
            _ => None,
        };
        self.transcript.messages.push(Message {
            id: OPTIMISTIC_ID,
            conversation_id: conversation_id.unwrap_or(0),
            role: Role::User,
            content: text.clone(),
            status: Status::Complete,
            created_at: self.now,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        });
        self.transcript
            .messages
            .push(placeholder(conversation_id, self.now));
        self.layout.scroll_to_bottom();
        self.transcript.highlight = None;
        self.retry_at = None;
        self.pending = Some(Pending {
            conversation_id,
            sent_text: from_input.then(|| text.clone()),
            user_stored: false,
            reply: String::new(),
            reply_id: None,
            started: false,
            thinking_words: 0,
            cancelling: false,
        });
        self.status = None;
        let mut effects = Vec::new();
        if from_input {
            self.reset_input(String::new());
            self.draft_dirty = false;
            effects.push(Effect::SaveDraft {
                conversation_id,
                text: String::new(),
            });
        }
        effects.push(Effect::Send(SendRequest {
            conversation_id,
            text,
            persona,
            setup,
            model,
        }));
        effects
    }

    pub(super) fn hint_or_skip(&mut self, hint: bool) -> Vec<Effect> {
        if self.transcript.messages.is_empty() {
            self.info("start the interview first: send a message");
            return vec![];
        }
        let text = match (hint, self.is_offline()) {
            (true, true) => HINT_OFFLINE,
            (false, true) => SKIP_OFFLINE,
            (true, false) => HINT_ONLINE,
            (false, false) => SKIP_ONLINE,
        };
        self.send_text(text.to_string(), false)
    }

    pub(super) fn retry(&mut self) -> Vec<Effect> {
        self.retry_at = None;
        if self.pending.is_some() {
            self.error("a reply is still coming: press Esc to stop it first");
            return vec![];
        }
        let Some(conversation_id) = self.transcript.conversation_id else {
            self.info("nothing to retry yet");
            return vec![];
        };
        let retryable = match self.transcript.last_message() {
            Some(m) if m.role == Role::User => true,
            Some(m) => {
                m.role == Role::Assistant && matches!(m.status, Status::Error | Status::Interrupted)
            }
            None => false,
        };
        if !retryable {
            self.info("the last reply is complete: nothing to retry (send a message instead)");
            return vec![];
        }
        if self
            .transcript
            .last_message()
            .is_some_and(|m| m.role == Role::Assistant)
        {
            self.transcript.messages.pop();
        }
        self.transcript
            .messages
            .push(placeholder(Some(conversation_id), self.now));
        self.layout.scroll_to_bottom();
        self.pending = Some(Pending {
            conversation_id: Some(conversation_id),
            sent_text: None,
            user_stored: true,
            reply: String::new(),
            reply_id: None,
            started: false,
            thinking_words: 0,
            cancelling: false,
        });
        self.status = None;
        vec![Effect::Regenerate { conversation_id }]
    }

    pub(super) fn cancel(&mut self) -> Vec<Effect> {
        match self.pending.as_mut() {
            Some(p) if !p.cancelling => {
                p.cancelling = true;
                self.info("stopping the reply…");
                vec![Effect::Cancel]
            }
            _ => vec![],
        }
    }

    pub(super) fn on_send_event(&mut self, event: SendEvent) -> Vec<Effect> {
        let Some(pending) = self.pending.as_mut() else {
            return vec![];
        };
        match event {
            SendEvent::UserStored {
                conversation_id,
                message,
                created,
                setup,
            } => {
                pending.user_stored = true;
                let was = pending.conversation_id;
                pending.conversation_id = Some(conversation_id);
                let mut effects = Vec::new();
                if self.transcript.shows(was) {
                    let t = &mut self.transcript;
                    t.conversation_id = Some(conversation_id);
                    if let Some(m) = t.messages.iter_mut().rev().find(|m| m.id == OPTIMISTIC_ID) {
                        *m = message.clone();
                    }
                    if created {
                        if t.setup.is_none() {
                            // What the first message asked for ("a behavioural
                            // interview for a senior backend role").
                            t.setup = setup;
                        }
                        t.title =
                            crate::service::title_from_message(&message.content, t.setup.as_ref());
                        effects.push(Effect::SaveOpen(Some(conversation_id)));
                    }
                }
                if created {
                    effects.push(Effect::SaveDraft {
                        conversation_id: None,
                        text: String::new(),
                    });
                }
                let summary = self.summary_after_activity(conversation_id, &message, created);
                if !self.sidebar.archived {
                    self.sidebar.bump(summary);
                    if self.transcript.shows(Some(conversation_id)) {
                        self.sidebar.selected = 0;
                    }
                }
                effects
            }
            SendEvent::ReplyStarted { message_id } => {
                pending.started = true;
                pending.reply_id = Some(message_id);
                if self.transcript.shows(pending.conversation_id)
                    && let Some(m) = self
                        .transcript
                        .messages
                        .iter_mut()
                        .rev()
                        .find(|m| m.id == STREAM_ID)
                {
                    m.id = message_id;
                }
                vec![]
            }
            SendEvent::Thinking { words } => {
                pending.thinking_words = words;
                vec![]
            }
            SendEvent::Delta(text) => {
                pending.started = true;
                pending.reply.push_str(&text);
                let slot = pending.reply_id;
                if self.transcript.shows(pending.conversation_id)
                    && let Some(m) = self
                        .transcript
                        .messages
                        .iter_mut()
                        .rev()
                        .take(2)
                        .find(|m| m.id == STREAM_ID || Some(m.id) == slot)
                {
                    m.content.push_str(&text);
                }
                vec![]
            }
            SendEvent::Finished { reply, end } => {
                let conversation_id = pending.conversation_id;
                let slot = pending.reply_id;
                let cancelled = pending.cancelling;
                self.pending = None;
                if let Some(reply) = &reply
                    && let Some(pos) = self.sidebar.position(reply.conversation_id)
                {
                    let item = &mut self.sidebar.items[pos];
                    item.message_count += 1;
                    item.updated_at = reply.created_at.max(item.updated_at);
                }
                if self.transcript.shows(conversation_id) {
                    let t = &mut self.transcript;
                    let pos = t
                        .messages
                        .iter()
                        .rposition(|m| m.id == STREAM_ID || (slot.is_some() && Some(m.id) == slot));
                    match (pos, reply) {
                        (Some(pos), Some(reply)) => t.messages[pos] = reply,
                        (Some(pos), None) => {
                            t.messages.remove(pos);
                        }
                        (None, Some(reply)) => t.upsert(reply),
                        (None, None) => {}
                    }
                }
                self.report_end(conversation_id, end, cancelled)
            }
        }
    }

    /// Says how a reply ended; `cancelled` when the user stopped it with Esc.
    pub(super) fn report_end(
        &mut self,
        conversation_id: Option<i64>,
        end: StreamEnd,
        cancelled: bool,
    ) -> Vec<Effect> {
        let elsewhere = !self.transcript.shows(conversation_id);
        match end {
            StreamEnd::Complete => {
                if elsewhere {
                    self.info("the reply in the other conversation is complete");
                } else {
                    self.status = None;
                }
            }
            StreamEnd::Interrupted(_) if cancelled => {
                self.info("Stopped; the text so far is kept.");
            }
            StreamEnd::Interrupted(reason) => {
                self.error(format!(
                    "{} The text so far is kept; details are in interviewer.log.",
                    sentence(plain_reason(&sanitize::for_terminal_line(&reason)))
                ));
            }
            StreamEnd::Failed(AgentError::BadKey { status, message }) => {
                let said = if message.trim().is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("{status}: {message}")
                };
                self.welcome(WelcomeReason::Rejected(sanitize::for_terminal_line(&said)));
                self.error("The server rejected the API key; your message is kept.");
            }
            StreamEnd::Failed(e) => {
                if let (Some(secs), Some(id)) = (e.retry_after_secs(), conversation_id)
                    && !elsewhere
                {
                    let secs = i64::try_from(secs).unwrap_or(i64::MAX / 2_000);
                    self.retry_at = Some((self.now.saturating_add(secs * 1000), id));
                }
                self.error(format!("{} Details: interviewer.log.", e.summary()));
            }
        }
        vec![]
    }

    pub(super) fn on_send_ended(&mut self, result: Result<(), String>) -> Vec<Effect> {
        let pending = self.pending.take();
        if let Some(pos) = self
            .transcript
            .messages
            .iter()
            .rposition(|m| m.id == STREAM_ID)
        {
            self.transcript.messages.remove(pos);
        }
        if let Err(reason) = result {
            self.error(sanitize::for_terminal_line(&reason));
            if let Some(p) = pending
                && !p.user_stored
            {
                // Refused before anything was stored: take the message back.
                if let Some(pos) = self
                    .transcript
                    .messages
                    .iter()
                    .rposition(|m| m.id == OPTIMISTIC_ID)
                {
                    self.transcript.messages.remove(pos);
                }
                if let Some(text) = p.sent_text
                    && self.transcript.shows(p.conversation_id)
                {
                    let current = self.draft();
                    let restored = if current.trim().is_empty() {
                        text
                    } else {
                        format!("{text}\n{current}")
                    };
                    self.reset_input(restored);
                    self.draft_dirty = true;
                }
            }
        }
        vec![]
    }

    pub(super) fn summary_after_activity(
        &self,
        id: i64,
        message: &Message,
        created: bool,
    ) -> ConversationSummary {
        match self.sidebar.position(id).map(|p| &self.sidebar.items[p]) {
            Some(item) => ConversationSummary {
                updated_at: message.created_at,
                message_count: item.message_count + 1,
                ..item.clone()
            },
            None => ConversationSummary {
                id,
                title: if created || self.transcript.shows(Some(id)) {
                    self.transcript.title.clone()
                } else {
                    String::new()
                },
                persona: String::new(),
                created_at: message.created_at,
                updated_at: message.created_at,
                message_count: 1,
                archived: false,
                model: self.transcript.model.clone(),
            },
        }
    }
}

/// What happened, without the details in brackets or the advice after ";"
/// ("the connection dropped in the middle of the reply (Transport error: …); try
/// again" says "the connection dropped in the middle of the reply").
pub(super) fn plain_reason(reason: &str) -> &str {
    let end = [reason.find(" ("), reason.find(';')]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(reason.len());
    reason[..end].trim()
}

/// `text` as a sentence: a capital first letter and a closing full stop.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}
