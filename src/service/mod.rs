//! The one API of the program, shared by its two faces (the TUI and the CLI):
//! conversations and messages, sending and regenerating (`send.rs`), feedback
//! reports (`reports.rs`), drills and the weak-spot schedule (`drill.rs`), search
//! and progress, export and import (`files.rs`), drafts and UI state, and the API
//! key and backend (`backend.rs`).
//!
//! It owns the store (private: nothing above it touches the database) and is the
//! only caller of the secrets module. Input is validated here, before anything is
//! written. The agent is given what it needs and returns events or a report; this
//! layer persists them. It never draws, prints or reads the terminal.

pub mod backend;
pub mod drill;
pub mod files;
pub mod reports;
mod send;

use crate::agent::offline;
use crate::config::Settings;
use crate::domain::persona::UnknownPersona;
use crate::domain::report::ParsedReport;
use crate::domain::{
    Conversation, ConversationSummary, ConversationView, InterviewSetup, Message, NewConversation,
    QuestionChoice,
};
use crate::progress::Progress;
use crate::search::{SearchError, SearchHit};
/// Set to stop a running [`Service::search_cancellable`] (the faces name it here).
pub use crate::store::SearchCancel;
use crate::store::{Store, StoreError};
pub use send::{FLUSH_INTERVAL, OFFLINE_MODEL, SendEvent, SendOutcome, SendRequest};

/// Longest message accepted, in bytes (a long answer plus a pasted job description
/// fits; a stray binary file does not).
pub const MAX_MESSAGE_BYTES: usize = 100_000;
/// Longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest model name accepted, in characters.
pub const MAX_MODEL_CHARS: usize = 200;
/// Titles derived from the first message are cut to this many characters.
pub const AUTO_TITLE_CHARS: usize = 60;
/// How many of the newest reports a retry of weak answers looks back on.
const RETRY_REPORTS: usize = 20;

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
    #[error(
        "the model name is empty: give the name of a model the server offers (see `interviewer models`)"
    )]
    EmptyModel,
    #[error("the model name is too long ({len} characters; the limit is {max})")]
    ModelTooLong { len: usize, max: usize },
    #[error(transparent)]
    UnknownPersona(#[from] UnknownPersona),
    #[error(
        "conversation {0} already has its persona and interview setup; start a new conversation to change them"
    )]
    SetupForExisting(i64),
    #[error(
        "conversation {0} has no failed or interrupted reply to regenerate; send a new message instead"
    )]
    NothingToRegenerate(i64),
    #[error(
        "conversation {0} was deleted (in another window or process) while its reply was arriving, so the reply was not saved"
    )]
    DeletedWhileStreaming(i64),
}

/// The service: one store connection plus the settings in effect, and the clock
/// the practice schedule goes by.
#[derive(Debug)]
pub struct Service {
    store: Store,
    pub settings: Settings,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
}

/// The first screen of a conversation: its newest messages (or enough older ones to
/// reach a message the user jumped to), whether older ones exist, and its draft.
#[derive(Debug, Clone)]
pub struct ConversationPage {
    pub conversation: Conversation,
    pub messages: Vec<Message>,
    pub has_older: bool,
    pub draft: String,
}

/// `app_state` key of the draft of an interview not started yet.
const STATE_NEW_DRAFT: &str = "tui.new_draft";

impl Service {
    /// Opens the data directory's database and recovers replies a crash left streaming.
    pub fn open(settings: Settings) -> Result<Service, ServiceError> {
        let store = Store::open_in(&settings.data_dir)?;
        let data_dir = settings.data_dir.clone();
        let recovered =
            store.recover_streaming_except(|id| crate::stream_lock::is_live(&data_dir, id))?;
        if recovered > 0 {
            tracing::info!(recovered, "marked replies left streaming as interrupted");
        }
        Ok(Service {
            store,
            settings,
            clock: crate::clock::from_env(),
        })
    }

    /// The same service going by `clock` (tests pin the time with it).
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Service {
        self.clock = clock;
        self
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

    /// Creates a conversation titled from its first message, talking to `model`
    /// (`None` offline), with the offline question choice fixed now: questions
    /// asked lately are avoided, and weak answers come back when the setup asks
    /// for that.
    pub fn create_conversation(
        &self,
        first_message: &str,
        persona: &str,
        setup: Option<InterviewSetup>,
        model: Option<String>,
    ) -> Result<i64, ServiceError> {
        let choice = self.question_choice_for_new(setup.as_ref())?;
        let title = title_from_message(first_message, setup.as_ref());
        let id = self.store.create_conversation(&NewConversation {
            title,
            persona: persona.to_string(),
            setup,
            model,
        })?;
        if let Err(e) = self.store.set_question_choice(id, &choice) {
            // Do not leave a conversation without its choice behind.
            let _ = self.store.delete_conversation(id);
            return Err(e.into());
        }
        Ok(id)
    }

    /// What a new interview avoids and brings back, from the recent conversations
    /// and, with `retry_weak`, the newest reports.
    fn question_choice_for_new(
        &self,
        setup: Option<&InterviewSetup>,
    ) -> Result<QuestionChoice, ServiceError> {
        let since = crate::timefmt::now_ms() - offline::RECENT_DAYS * crate::domain::drill::DAY_MS;
        let turns = self
            .store
            .recent_interviewer_turns(offline::RECENT_CONVERSATIONS, since)?;
        let retry_weak = setup.is_some_and(|s| s.retry_weak);
        let mut reports = Vec::new();
        if retry_weak {
            // Newest first.
            for stored in &self.store.newest_valid_reports(RETRY_REPORTS)? {
                if let ParsedReport::Valid(report) = crate::domain::report::parse_stored(stored) {
                    reports.push(report);
                }
            }
        }
        Ok(offline::choose_questions(&turns, &reports, retry_weak))
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

    /// Switches the model conversation `id` talks to from its next turn on. The
    /// name is one line of at most [`MAX_MODEL_CHARS`] characters.
    pub fn set_conversation_model(&self, id: i64, model: &str) -> Result<(), ServiceError> {
        let model = validate_model(model)?;
        Ok(self.store.set_conversation_model(id, Some(&model))?)
    }

    // ----- reading ------------------------------------------------------------------

    /// One conversation's header, if it exists.
    pub fn conversation(&self, id: i64) -> Result<Option<Conversation>, ServiceError> {
        Ok(self.store.conversation(id)?)
    }

    /// Like [`Service::conversation`], but a missing id is an error.
    pub fn require_conversation(&self, id: i64) -> Result<Conversation, ServiceError> {
        Ok(self.store.require_conversation(id)?)
    }

    /// Every conversation's id, archived or not, oldest first.
    pub fn all_conversation_ids(&self) -> Result<Vec<i64>, ServiceError> {
        Ok(self.store.all_conversation_ids()?)
    }

    /// Every message of a conversation, oldest first.
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<Message>, ServiceError> {
        Ok(self.store.messages(conversation_id)?)
    }

    /// Up to `limit` messages older than `before_id`, oldest first.
    pub fn messages_before(
        &self,
        conversation_id: i64,
        before_id: i64,
        limit: usize,
    ) -> Result<Vec<Message>, ServiceError> {
        Ok(self
            .store
            .messages_before(conversation_id, before_id, limit)?)
    }

    /// A conversation's newest `page` messages and its draft; with `jump_to`, older
    /// pages too until that message is loaded (at most `max` messages). `None` when
    /// the conversation no longer exists.
    pub fn conversation_page(
        &self,
        id: i64,
        page: usize,
        jump_to: Option<i64>,
        max: usize,
    ) -> Result<Option<ConversationPage>, ServiceError> {
        let Some(conversation) = self.store.conversation(id)? else {
            return Ok(None);
        };
        let mut messages = self.store.messages_tail(id, page)?;
        let mut has_older = messages.len() >= page;
        if let Some(target) = jump_to {
            while has_older
                && messages.len() < max
                && messages.first().is_some_and(|m| m.id > target)
            {
                let before = messages.first().map(|m| m.id).unwrap_or(0);
                let mut older = self.store.messages_before(id, before, page)?;
                has_older = older.len() >= page;
                older.append(&mut messages);
                messages = older;
            }
        }
        let draft = self.store.draft(id)?;
        Ok(Some(ConversationPage {
            conversation,
            messages,
            has_older,
            draft,
        }))
    }

    /// The conversations matching `query`, best first (see `crate::search`).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, SearchError> {
        crate::search::search(&self.store, query, limit)
    }

    /// [`Service::search`] that stops soon after `cancel` is set (the query changed,
    /// or the app is quitting): a long search never holds the database for long.
    pub fn search_cancellable(
        &self,
        query: &str,
        limit: usize,
        cancel: &SearchCancel,
    ) -> Result<Vec<SearchHit>, SearchError> {
        crate::search::search_cancellable(&self.store, query, limit, Some(cancel))
    }

    /// Progress across interviews (see `crate::progress`), by the service's clock.
    pub fn progress(&self) -> Result<Progress, ServiceError> {
        Ok(Progress::load(&self.store, self.now_ms())?)
    }

    // ----- drafts and UI state ------------------------------------------------------

    /// Keeps the unsent text of a conversation, or (`None`) of the interview not
    /// started yet. A draft of a conversation deleted meanwhile has nowhere to go
    /// and is dropped without an error.
    pub fn save_draft(&self, conversation_id: Option<i64>, text: &str) -> Result<(), ServiceError> {
        let result = match conversation_id {
            Some(id) => self.store.set_draft(id, text),
            None => self.store.set_state(STATE_NEW_DRAFT, text),
        };
        match result {
            Err(_)
                if conversation_id
                    .is_some_and(|id| self.store.conversation(id).ok().flatten().is_none()) =>
            {
                Ok(())
            }
            other => Ok(other?),
        }
    }

    /// The draft of the interview not started yet, if one was kept.
    pub fn new_draft(&self) -> Result<Option<String>, ServiceError> {
        Ok(self.store.state(STATE_NEW_DRAFT)?)
    }

    /// A value the interface keeps between runs (which conversation was open…).
    pub fn ui_state(&self, key: &str) -> Result<Option<String>, ServiceError> {
        Ok(self.store.state(key)?)
    }

    pub fn set_ui_state(&self, key: &str, value: &str) -> Result<(), ServiceError> {
        Ok(self.store.set_state(key, value)?)
    }
}

/// Checks a model name: one line, not empty, not absurdly long (servers name their
/// models `llama3.1:8b`, `openai/gpt-4o`, `Qwen/Qwen2.5-7B-Instruct-GGUF`…).
pub fn validate_model(model: &str) -> Result<String, ServiceError> {
    let cleaned = crate::sanitize::single_line(model);
    if cleaned.is_empty() {
        return Err(ServiceError::EmptyModel);
    }
    let len = cleaned.chars().count();
    if len > MAX_MODEL_CHARS {
        return Err(ServiceError::ModelTooLong {
            len,
            max: MAX_MODEL_CHARS,
        });
    }
    Ok(cleaned)
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
    let cleaned = crate::sanitize::single_line(title);
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
    let flat = crate::sanitize::single_line(message);
    if flat.is_empty() {
        return "Untitled interview".to_string();
    }
    truncate_words(&flat, AUTO_TITLE_CHARS)
}

pub(crate) fn truncate_words(s: &str, max: usize) -> String {
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
    use crate::domain::InterviewType;

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

/// The service's own reads and writes, on a real database file: the pieces both
/// faces call (pages, drafts, reports, exports) without going through either face.
#[cfg(test)]
mod service_tests {
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::agent::Backend;
    use crate::cli::GlobalArgs;
    use crate::domain::{Role, Status};
    use crate::service::files::{ExportFormat, ExportShape};
    use crate::service::reports::ReportError;

    fn service() -> (tempfile::TempDir, Service) {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings::from_args(&GlobalArgs {
            data_dir: Some(dir.path().join("data")),
            offline: true,
            ..GlobalArgs::default()
        })
        .expect("settings");
        (dir, Service::open(settings).expect("open"))
    }

    fn conversation(s: &Service, title: &str, messages: usize) -> (i64, Vec<i64>) {
        let id = s
            .store
            .create_conversation(&NewConversation {
                title: title.into(),
                persona: "career-interviewer".into(),
                setup: None,
                model: None,
            })
            .expect("create");
        let ids = (0..messages)
            .map(|i| {
                let role = if i % 2 == 0 {
                    Role::User
                } else {
                    Role::Assistant
                };
                s.store
                    .insert_message(id, role, &format!("message {i}"), Status::Complete)
                    .expect("insert")
            })
            .collect();
        (id, ids)
    }

    /// A conversation with one question answered, through the offline interviewer.
    async fn answered(s: &Service) -> i64 {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let first = s
            .send_message(
                &Backend::Offline,
                SendRequest {
                    text: "Hello, I am preparing for a backend role".into(),
                    ..SendRequest::default()
                },
                &tx,
                CancellationToken::new(),
            )
            .await
            .expect("first");
        let id = first.conversation_id;
        s.send_message(
            &Backend::Offline,
            SendRequest {
                conversation_id: Some(id),
                text: "At my last job I led the migration of our billing service, \
                       and we cut failed payments by 30% in three months."
                    .into(),
                ..SendRequest::default()
            },
            &tx,
            CancellationToken::new(),
        )
        .await
        .expect("answer");
        id
    }

    #[test]
    fn a_page_is_the_tail_or_reaches_back_to_a_jump_target() {
        let (_dir, s) = service();
        let (id, ids) = conversation(&s, "Long", 25);
        let page = s
            .conversation_page(id, 10, None, 1000)
            .expect("page")
            .expect("exists");
        assert_eq!(page.messages.len(), 10);
        assert_eq!(page.messages[0].id, ids[15]);
        assert!(page.has_older);

        let page = s
            .conversation_page(id, 10, Some(ids[2]), 1000)
            .expect("page")
            .expect("exists");
        assert_eq!(page.messages.first().map(|m| m.id), Some(ids[0]));
        assert_eq!(page.messages.len(), 25);
        assert!(!page.has_older);

        // The jump stops at `max` messages even if the target is further back.
        let page = s
            .conversation_page(id, 10, Some(ids[0]), 15)
            .expect("page")
            .expect("exists");
        assert_eq!(page.messages.len(), 20);
        assert!(page.has_older);

        assert!(
            s.conversation_page(id + 1, 10, None, 1000)
                .expect("page")
                .is_none()
        );
    }

    #[test]
    fn drafts_are_kept_and_one_for_a_deleted_conversation_is_dropped() {
        let (_dir, s) = service();
        let (id, _) = conversation(&s, "Drafted", 1);
        s.save_draft(Some(id), "half an answer").expect("save");
        let page = s
            .conversation_page(id, 10, None, 100)
            .expect("page")
            .expect("exists");
        assert_eq!(page.draft, "half an answer");

        assert_eq!(s.new_draft().expect("read"), None);
        s.save_draft(None, "a new interview").expect("save");
        assert_eq!(
            s.new_draft().expect("read").as_deref(),
            Some("a new interview")
        );

        s.delete(id).expect("delete");
        s.save_draft(Some(id), "too late").expect("dropped quietly");
    }

    #[tokio::test]
    async fn a_report_is_made_once_then_shown_as_stored_until_regenerated() {
        let (_dir, s) = service();
        let (unanswered, _) = conversation(&s, "Just hello", 1);
        let err = s
            .report(unanswered, false, || Ok::<_, ReportError>(Backend::Offline))
            .await
            .expect_err("nothing to assess");
        assert!(matches!(err, ReportError::NoAnswers(_)), "{err}");

        let id = answered(&s).await;
        let mut asked = 0;
        let made = s
            .report(id, false, || {
                asked += 1;
                Ok::<_, ReportError>(Backend::Offline)
            })
            .await
            .expect("made");
        assert_eq!(made.stored.kind, crate::domain::report::KIND_HEURISTIC);
        assert!(made.stored.valid);

        let shown = s
            .report(id, false, || {
                asked += 1;
                Ok::<_, ReportError>(Backend::Offline)
            })
            .await
            .expect("stored");
        assert_eq!(shown.stored.id, made.stored.id);
        assert_eq!(asked, 1, "a stored report needs no backend");

        let again = s
            .report(id, true, || Ok::<_, ReportError>(Backend::Offline))
            .await
            .expect("regenerated");
        assert_ne!(again.stored.id, made.stored.id);
        assert!(matches!(
            s.report(id + 100, false, || Ok::<_, ReportError>(Backend::Offline))
                .await,
            Err(ReportError::Store(StoreError::NoConversation(_)))
        ));
    }

    #[test]
    fn the_tui_export_is_a_private_markdown_file_in_the_data_directory() {
        let (_dir, s) = service();
        let (id, _) = conversation(&s, "Backend engineer — Technical", 2);
        let path = s.export_markdown(id).expect("export");
        assert_eq!(
            path.parent(),
            Some(s.settings.data_dir.join("exports").as_path())
        );
        assert_eq!(
            path.file_name().and_then(|n| n.to_str()),
            Some(format!("interview-{id}-backend-engineer-technical.md").as_str())
        );
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("Backend engineer — Technical"), "{text}");
        assert!(text.contains("message 1"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_export_of_everything_is_one_json_array_without_the_deleted() {
        let (_dir, s) = service();
        let (a, _) = conversation(&s, "First", 2);
        let (b, _) = conversation(&s, "Second", 2);
        let ids = s.export_ids(None).expect("ids");
        assert_eq!(ids, [a, b]);
        s.delete(a).expect("delete meanwhile");
        let mut out = Vec::new();
        s.export_to(&ids, ExportShape::Collection, ExportFormat::Json, &mut out)
            .expect("export");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("json");
        let titles: Vec<&str> = value
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|c| c["title"].as_str())
            .collect();
        assert_eq!(titles, ["Second"]);
        assert!(matches!(
            s.export_ids(Some(a)),
            Err(ServiceError::Store(StoreError::NoConversation(_)))
        ));
    }
}
