//! The open conversation: its loaded messages (the tail, plus older pages fetched
//! while scrolling up, and the reply streaming in) and the search match to show.

use crate::domain::{InterviewSetup, Message};

/// Messages loaded when a conversation opens, and per page when scrolling back.
pub const MESSAGE_PAGE: usize = 200;

/// What is shown in the message pane.
#[derive(Debug, Clone, Default)]
pub struct Transcript {
    /// `None` for a new conversation that has no stored message yet.
    pub conversation_id: Option<i64>,
    pub title: String,
    pub setup: Option<InterviewSetup>,
    /// Persona for a new conversation (`None`: the configured one).
    pub persona: Option<String>,
    /// The model the conversation talks to (`None`: none recorded, as offline, or
    /// a new conversation, which takes the session's model when it starts).
    pub model: Option<String>,
    pub messages: Vec<Message>,
    /// Older messages exist in the store that are not loaded.
    pub has_older: bool,
    /// A load (the first one, or older messages) is in flight.
    pub loading: bool,
    /// A message to bring to the top of the pane at the next draw (a search match).
    pub jump_to: Option<i64>,
    /// The search match that opened the conversation.
    pub highlight: Option<i64>,
    /// Where the match is in the pane's lines: the width it was measured at, the
    /// lines above it and its height.
    pub highlight_at: Option<(u16, usize, usize)>,
    /// Set by the view: the top of the loaded messages is on screen.
    pub showing_top: bool,
}

impl Transcript {
    /// A fresh, empty conversation (nothing stored until the first message is sent).
    pub fn new_conversation(setup: Option<InterviewSetup>) -> Transcript {
        Transcript {
            title: "New interview".into(),
            setup,
            ..Transcript::default()
        }
    }

    /// A stored conversation about to load.
    pub fn loading(id: i64, title: String) -> Transcript {
        Transcript {
            conversation_id: Some(id),
            title,
            loading: true,
            ..Transcript::default()
        }
    }

    /// Whether this transcript shows conversation `id` (`None` = the new one).
    pub fn shows(&self, id: Option<i64>) -> bool {
        self.conversation_id == id
    }

    pub fn last_message(&self) -> Option<&Message> {
        self.messages.last()
    }

    /// Adds older messages (loaded while scrolling up) in front.
    pub fn prepend(&mut self, older: Vec<Message>) {
        self.loading = false;
        // Lines above the match change; it is no longer drawn highlighted.
        self.highlight_at = None;
        if older.is_empty() {
            self.has_older = false;
            return;
        }
        self.has_older = older.len() >= MESSAGE_PAGE;
        let first = self.messages.first().map(|m| m.id).unwrap_or(i64::MAX);
        let mut older: Vec<Message> = older.into_iter().filter(|m| m.id < first).collect();
        older.append(&mut self.messages);
        self.messages = older;
    }

    /// Replaces a message by id, or appends it.
    pub fn upsert(&mut self, message: Message) {
        match self.messages.iter_mut().find(|m| m.id == message.id) {
            Some(m) => *m = message,
            None => self.messages.push(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Role, Status};

    fn msg(id: i64) -> Message {
        Message {
            id,
            conversation_id: 1,
            role: Role::User,
            content: format!("m{id}"),
            status: Status::Complete,
            created_at: 0,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        }
    }

    #[test]
    fn prepending_keeps_order_and_drops_overlap() {
        let mut t = Transcript::loading(1, "t".into());
        t.messages = vec![msg(5), msg(6)];
        t.prepend(vec![msg(3), msg(4), msg(5)]);
        let ids: Vec<i64> = t.messages.iter().map(|m| m.id).collect();
        assert_eq!(ids, [3, 4, 5, 6]);
        assert!(!t.has_older, "a short page is the last one");
        t.has_older = true;
        t.prepend(vec![]);
        assert!(!t.has_older);
    }

    #[test]
    fn upsert_replaces_or_appends() {
        let mut t = Transcript::default();
        t.upsert(msg(1));
        let mut changed = msg(1);
        changed.content = "new".into();
        t.upsert(changed);
        t.upsert(msg(2));
        assert_eq!(t.messages.len(), 2);
        assert_eq!(t.messages[0].content, "new");
    }
}
