//! The API of the seed plan, shared by the TUI and the CLI: create and continue
//! conversations, list, read, rename, archive and delete them. Input is validated
//! here, before anything is written.

use crate::config::Settings;
use crate::store::{
    Conversation, ConversationSummary, InterviewSetup, Message, NewConversation, Store, StoreError,
    StoredReport,
};

/// Longest message accepted, in bytes (a long answer plus a pasted job description
/// fits; a stray binary file does not).
pub const MAX_MESSAGE_BYTES: usize = 100_000;
/// Longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Titles derived from the first message are cut to this many characters.
pub const AUTO_TITLE_CHARS: usize = 60;

/// Input the service refuses, and store failures, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the message is empty: type something to send")]
    EmptyMessage,
    #[error("the message is too long ({len} bytes; the limit is {max}): shorten it")]
    MessageTooLong { len: usize, max: usize },
    #[error("the title is empty: give a title with at least one visible character")]
    EmptyTitle,
    #[error("the title is too long ({len} characters; the limit is {max})")]
    TitleTooLong { len: usize, max: usize },
}

/// A conversation with everything needed to show it.
#[derive(Debug, Clone)]
pub struct ConversationView {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub report: Option<StoredReport>,
}

/// The service: one store connection plus the settings in effect.
#[derive(Debug)]
pub struct Service {
    pub store: Store,
    pub settings: Settings,
}

impl Service {
    /// Opens the data directory's database and recovers replies a crash left streaming.
    pub fn open(settings: Settings) -> Result<Service, ServiceError> {
        let store = Store::open_in(&settings.data_dir)?;
        let recovered = store.recover_streaming()?;
        if recovered > 0 {
            tracing::info!(recovered, "marked replies left streaming as interrupted");
        }
        Ok(Service { store, settings })
    }

    pub fn list_conversations(
        &self,
        archived: bool,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<ConversationSummary>, ServiceError> {
        Ok(self.store.list_conversations(archived, limit, offset)?)
    }

    pub fn get_conversation(&self, id: i64) -> Result<ConversationView, ServiceError> {
        let conversation = self.store.require_conversation(id)?;
        let messages = self.store.messages(id)?;
        let report = self.store.latest_report(id)?;
        Ok(ConversationView {
            conversation,
            messages,
            report,
        })
    }

    /// Creates a conversation titled from its first message.
    pub fn create_conversation(
        &self,
        first_message: &str,
        persona: &str,
        setup: Option<InterviewSetup>,
    ) -> Result<i64, ServiceError> {
        let title = title_from_message(first_message, setup.as_ref());
        Ok(self.store.create_conversation(&NewConversation {
            title,
            persona: persona.to_string(),
            setup,
        })?)
    }

    pub fn rename(&self, id: i64, title: &str) -> Result<(), ServiceError> {
        let title = validate_title(title)?;
        Ok(self.store.rename_conversation(id, &title)?)
    }

    pub fn delete(&self, id: i64) -> Result<(), ServiceError> {
        Ok(self.store.delete_conversation(id)?)
    }

    pub fn set_archived(&self, id: i64, archived: bool) -> Result<(), ServiceError> {
        Ok(self.store.set_archived(id, archived)?)
    }
}

/// Checks a message before anything is stored or sent.
pub fn validate_message(text: &str) -> Result<&str, ServiceError> {
    if text.trim().is_empty() {
        return Err(ServiceError::EmptyMessage);
    }
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(ServiceError::MessageTooLong {
            len: text.len(),
            max: MAX_MESSAGE_BYTES,
        });
    }
    Ok(text)
}

/// Trims a title and checks it; control characters become spaces.
pub fn validate_title(title: &str) -> Result<String, ServiceError> {
    let cleaned: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if cleaned.is_empty() {
        return Err(ServiceError::EmptyTitle);
    }
    let len = cleaned.chars().count();
    if len > MAX_TITLE_CHARS {
        return Err(ServiceError::TitleTooLong {
            len,
            max: MAX_TITLE_CHARS,
        });
    }
    Ok(cleaned)
}

/// A title from the start of the first message (one line, cut at a word boundary),
/// or from the interview's role and type when set.
pub fn title_from_message(message: &str, setup: Option<&InterviewSetup>) -> String {
    if let Some(role) = setup
        .and_then(|s| s.role.as_deref())
        .filter(|r| !r.trim().is_empty())
    {
        let kind = setup
            .map(|s| s.interview_type.label())
            .unwrap_or("General career");
        return truncate_words(&format!("{} — {kind}", role.trim()), AUTO_TITLE_CHARS);
    }
    let flat: String = message
        .chars()
        .map(|c| {
            if c.is_control() || c.is_whitespace() {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.is_empty() {
        return "Untitled interview".to_string();
    }
    truncate_words(&flat, AUTO_TITLE_CHARS)
}

fn truncate_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let trimmed = match cut.rfind(' ') {
        Some(pos) if pos > max / 2 => cut[..pos].to_string(),
        _ => cut,
    };
    format!("{}…", trimmed.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::InterviewType;

    #[test]
    fn empty_and_oversized_messages_are_refused() {
        assert!(matches!(
            validate_message("   \n\t"),
            Err(ServiceError::EmptyMessage)
        ));
        let huge = "a".repeat(MAX_MESSAGE_BYTES + 1);
        assert!(matches!(
            validate_message(&huge),
            Err(ServiceError::MessageTooLong { .. })
        ));
        assert!(validate_message("hello").is_ok());
    }

    #[test]
    fn titles_come_from_the_first_line_cut_at_a_word() {
        assert_eq!(
            title_from_message("Hi, I want to practise", None),
            "Hi, I want to practise"
        );
        let long = "I would like to practise for a senior backend engineering interview at a fintech company next week";
        let t = title_from_message(long, None);
        assert!(t.ends_with('…'));
        assert!(t.chars().count() <= AUTO_TITLE_CHARS + 1);
        assert_eq!(
            title_from_message("line one\nline two", None),
            "line one line two"
        );
    }

    #[test]
    fn titles_prefer_the_interview_role() {
        let setup = InterviewSetup {
            role: Some("Data engineer".into()),
            interview_type: InterviewType::Technical,
            ..Default::default()
        };
        assert_eq!(
            title_from_message("hello", Some(&setup)),
            "Data engineer — Technical"
        );
    }

    #[test]
    fn titles_are_validated_and_cleaned() {
        assert!(matches!(
            validate_title("  "),
            Err(ServiceError::EmptyTitle)
        ));
        assert_eq!(validate_title(" a\u{1b}[2J  b ").expect("valid"), "a [2J b");
        assert!(matches!(
            validate_title(&"x".repeat(MAX_TITLE_CHARS + 1)),
            Err(ServiceError::TitleTooLong { .. })
        ));
    }
}
