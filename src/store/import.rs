//! Store queries for `import`: writing whole conversations with their original
//! identity, times, messages and reports, all in one transaction, one conversation at
//! a time (the caller may stream them), with the search index built once at the end.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::bulk::{BulkMessage, drop_insert_triggers, insert_message_row};
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
    /// The conversation's model, when the export recorded one.
    pub model: Option<String>,
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

/// Writes conversations inside an import's transaction; see [`Store::import_with`].
pub struct ImportSink<'s> {
    store: &'s Store,
    tx: &'s rusqlite::Transaction<'s>,
    counts: ImportCounts,
}

impl ImportSink<'_> {
    /// Writes `c` unless its uid is already in the database (or earlier in this
    /// import): then it is counted as skipped.
    pub fn write(&mut self, c: &ImportConversation) -> Result<()> {
        let err = |e| self.store.err(e);
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM conversations WHERE uid = ?1")
            .map_err(err)?
            .query_row([&c.uid], |r| r.get(0))
            .optional()
            .map_err(err)?;
        if found.is_some() {
            self.counts.skipped += 1;
            return Ok(());
        }
        let setup = match &c.setup {
            Some(s) => Some(
                serde_json::to_string(s)
                    .map_err(|e| err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?,
            ),
            None => None,
        };
        self.tx
            .prepare_cached(
                "INSERT INTO conversations (uid, title, persona, created_at, updated_at,
                                            archived, setup, model)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(err)?
            .execute(params![
                c.uid,
                c.title,
                c.persona,
                c.created_at,
                c.updated_at,
                c.archived,
                setup,
                c.model
            ])
            .map_err(err)?;
        let id = self.tx.last_insert_rowid();
        for m in &c.messages {
            insert_message_row(self.tx, &m.row(id)).map_err(err)?;
        }
        if let Some(r) = &c.report {
            self.tx
                .prepare_cached(
                    "INSERT INTO reports (conversation_id, kind, model, body, valid, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(err)?
                .execute(params![id, r.kind, r.model, r.body, r.valid, r.created_at])
                .map_err(err)?;
        }
        self.counts.imported += 1;
        self.counts.messages += c.messages.len();
        Ok(())
    }
}

impl Store {
    /// Writes every conversation whose uid is new, in one transaction: on any error
    /// nothing is written. A uid already present (or earlier in `items`) is skipped.
    pub fn import_conversations(&self, items: &[ImportConversation]) -> Result<ImportCounts> {
        self.import_with(|sink| items.iter().try_for_each(|c| sink.write(c)))?
    }

    /// One import in one transaction: `feed` writes conversations one at a time
    /// through the sink (so a caller can stream them from a file), then the new rows
    /// are indexed for search in one pass and everything is committed. If `feed` or
    /// the indexing fails, nothing is written: the outer error is the database's, the
    /// inner one `feed`'s.
    pub fn import_with<E>(
        &self,
        feed: impl FnOnce(&mut ImportSink<'_>) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<ImportCounts, E>> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let err = |e| self.err(e);
        // Where the new rows start, to index only them at the end.
        let (messages_from, conversations_from): (i64, i64) = tx
            .query_row(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM messages),
                        (SELECT COALESCE(MAX(id), 0) FROM conversations)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(err)?;
        // The insert triggers would index row by row; the new rows are indexed in
        // one pass at the end instead (like the fixture loader), and the triggers are
        // back before the commit.
        let dropped = drop_insert_triggers(&tx).map_err(err)?;
        let mut sink = ImportSink {
            store: self,
            tx: &tx,
            counts: ImportCounts::default(),
        };
        if let Err(e) = feed(&mut sink) {
            return Ok(Err(e));
        }
        let counts = sink.counts;
        // Ids only grow (AUTOINCREMENT or not, nothing is deleted meanwhile), so the
        // new rows are exactly those past the old maximum.
        tx.execute(
            "INSERT INTO messages_fts (rowid, content)
             SELECT id, content FROM messages WHERE id > ?1",
            [messages_from],
        )
        .map_err(err)?;
        tx.execute(
            "INSERT INTO conversations_fts (rowid, title)
             SELECT id, title FROM conversations WHERE id > ?1",
            [conversations_from],
        )
        .map_err(err)?;
        for sql in &dropped {
            tx.execute_batch(sql).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(Ok(counts))
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
            model: None,
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
