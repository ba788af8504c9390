//! Store queries for `import`: writing whole conversations with their original
//! identity, times, messages and reports, all in one transaction.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::bulk::{BulkMessage, insert_message_row};
use super::{Result, Store};
use crate::domain::{InterviewSetup, Role, Status};

/// A conversation to restore, exactly as it was exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportConversation {
    pub uid: String,
    pub title: String,
    pub persona: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub archived: bool,
    pub setup: Option<InterviewSetup>,
    pub messages: Vec<ImportMessage>,
    pub report: Option<ImportReport>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportMessage {
    pub role: Role,
    pub content: String,
    pub status: Status,
    pub created_at: i64,
    pub error: Option<String>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub model: Option<String>,
}

impl ImportMessage {
    /// The row this message is written as, in conversation `conversation_id`.
    fn row(&self, conversation_id: i64) -> BulkMessage<'_> {
        BulkMessage {
            conversation_id,
            role: self.role,
            content: &self.content,
            status: self.status,
            created_at: self.created_at,
            error: self.error.as_deref(),
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            model: self.model.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub kind: String,
    pub model: Option<String>,
    pub body: String,
    pub valid: bool,
    pub created_at: i64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Conversations written.
    pub imported: usize,
    /// Conversations whose uid was already here (left as they are).
    pub skipped: usize,
    /// Messages written.
    pub messages: usize,
}

impl Store {
    /// Writes every conversation whose uid is new, in one transaction: on any error
    /// nothing is written. A uid already present (or earlier in `items`) is skipped.
    pub fn import_conversations(&self, items: &[ImportConversation]) -> Result<ImportCounts> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let mut counts = ImportCounts::default();
        {
            let mut exists = tx
                .prepare_cached("SELECT id FROM conversations WHERE uid = ?1")
                .map_err(|e| self.err(e))?;
            let mut insert_conversation = tx
                .prepare_cached(
                    "INSERT INTO conversations (uid, title, persona, created_at, updated_at,
                                                archived, setup)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(|e| self.err(e))?;
            let mut insert_report = tx
                .prepare_cached(
                    "INSERT INTO reports (conversation_id, kind, model, body, valid, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(|e| self.err(e))?;
            for c in items {
                let found: Option<i64> = exists
                    .query_row([&c.uid], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.err(e))?;
                if found.is_some() {
                    counts.skipped += 1;
                    continue;
                }
                let setup = match &c.setup {
                    Some(s) => Some(serde_json::to_string(s).map_err(|e| {
                        self.err(rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
                    })?),
                    None => None,
                };
                insert_conversation
                    .execute(params![
                        c.uid,
                        c.title,
                        c.persona,
                        c.created_at,
                        c.updated_at,
                        c.archived,
                        setup
                    ])
                    .map_err(|e| self.err(e))?;
                let id = tx.last_insert_rowid();
                for m in &c.messages {
                    insert_message_row(&tx, &m.row(id)).map_err(|e| self.err(e))?;
                }
                if let Some(r) = &c.report {
                    insert_report
                        .execute(params![id, r.kind, r.model, r.body, r.valid, r.created_at])
                        .map_err(|e| self.err(e))?;
                }
                counts.imported += 1;
                counts.messages += c.messages.len();
            }
        }
        tx.commit().map_err(|e| self.err(e))?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(uid: &str, report_kind: &str) -> ImportConversation {
        ImportConversation {
            uid: uid.into(),
            title: format!("Conversation {uid}"),
            persona: "career-interviewer".into(),
            created_at: 1_000,
            updated_at: 2_000,
            archived: true,
            setup: None,
            messages: vec![ImportMessage {
                role: Role::User,
                content: "hello".into(),
                status: Status::Interrupted,
                created_at: 1_500,
                error: Some("cut off".into()),
                prompt_tokens: Some(3),
                completion_tokens: None,
                model: None,
            }],
            report: Some(ImportReport {
                kind: report_kind.into(),
                model: None,
                body: "{}".into(),
                valid: true,
                created_at: 1_900,
            }),
        }
    }

    #[test]
    fn imports_keep_times_and_skip_known_uids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        let counts = store
            .import_conversations(&[
                item("a", "model"),
                item("a", "model"),
                item("b", "heuristic"),
            ])
            .expect("import");
        assert_eq!(
            counts,
            ImportCounts {
                imported: 2,
                skipped: 1,
                messages: 2
            }
        );
        let id = store
            .conversation_by_uid("a")
            .expect("query")
            .expect("there");
        let c = store.require_conversation(id).expect("conversation");
        assert_eq!(
            (c.created_at, c.updated_at, c.archived),
            (1_000, 2_000, true)
        );
        let m = &store.messages(id).expect("messages")[0];
        assert_eq!((m.created_at, m.status), (1_500, Status::Interrupted));
        assert_eq!(m.error.as_deref(), Some("cut off"));
        let r = store.latest_report(id).expect("query").expect("report");
        assert_eq!(r.created_at, 1_900);
    }

    #[test]
    fn a_failure_part_way_writes_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        // The database's CHECK constraint refuses the second report kind.
        let result = store.import_conversations(&[item("a", "model"), item("b", "bogus")]);
        assert!(result.is_err());
        assert_eq!(store.count_conversations(true).expect("count"), 0);
        assert_eq!(store.count_conversations(false).expect("count"), 0);
    }
}
