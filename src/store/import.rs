//! Store queries for `import`: writing whole conversations with their original
//! identity, times, messages and reports, all in one transaction.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{InterviewSetup, Result, Role, Status, Store};

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
            let mut insert_message = tx
                .prepare_cached(
                    "INSERT INTO messages (conversation_id, role, content, status, created_at,
                                           error, prompt_tokens, completion_tokens, model)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                    insert_message
                        .execute(params![
                            id,
                            m.role.as_str(),
                            m.content,
                            m.status.as_str(),
                            m.created_at,
                            m.error,
                            m.prompt_tokens,
                            m.completion_tokens,
                            m.model
                        ])
                        .map_err(|e| self.err(e))?;
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
