//! Store queries for `import`: writing whole conversations with their original
//! identity, times, messages and reports, all in one transaction, one conversation at
//! a time (the caller may stream them), with the search index built once at the end.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::bulk::{BulkMessage, drop_insert_triggers, insert_message_row};
use super::{Result, Store, query_all};
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
    /// A reasoning model's thinking, kept apart from the content.
    pub reasoning: Option<String>,
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
            reasoning: self.reasoning.as_deref(),
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
    /// Conversations whose uid was already here with the same messages.
    pub skipped: usize,
    /// Messages written.
    pub messages: usize,
    /// Conversations already here that the file continues (a newer export of them):
    /// the messages past what is here were added.
    pub extended: usize,
    /// Of [`ImportCounts::messages`], those added to conversations already here.
    pub added: usize,
    /// Conversations already here whose messages differ from the file's other than
    /// by new ones at the end: left as they are.
    pub differ: usize,
}

/// Writes conversations inside an import's transaction; see [`Store::import_with`].
pub struct ImportSink<'s> {
    store: &'s Store,
    tx: &'s rusqlite::Transaction<'s>,
    counts: ImportCounts,
}

impl ImportSink<'_> {
    /// Writes `c` unless its uid is already in the database (or earlier in this
    /// import). Then the messages here are compared with the file's: the same ones
    /// are skipped; a file that continues them (the messages here, then more) adds
    /// the new ones at the end; anything else is counted as differing and left as
    /// it is.
    pub fn write(&mut self, c: &ImportConversation) -> Result<()> {
        let err = |e| self.store.err(e);
        let found: Option<i64> = self
            .tx
            .prepare_cached("SELECT id FROM conversations WHERE uid = ?1")
            .map_err(err)?
            .query_row([&c.uid], |r| r.get(0))
            .optional()
            .map_err(err)?;
        if let Some(id) = found {
            return self.extend(id, c);
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

    /// `c` is conversation `id`, already here: skipped, extended by its new
    /// messages, or counted as differing.
    fn extend(&mut self, id: i64, c: &ImportConversation) -> Result<()> {
        let err = |e| self.store.err(e);
        let here: Vec<(String, String, i64)> = query_all(
            self.tx,
            "SELECT role, content, created_at FROM messages
             WHERE conversation_id = ?1 ORDER BY id",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(err)?;
        let continues = here.len() <= c.messages.len()
            && here
                .iter()
                .zip(&c.messages)
                .all(|(h, m)| h.0 == m.role.as_str() && h.1 == m.content && h.2 == m.created_at);
        if !continues {
            self.counts.differ += 1;
            return Ok(());
        }
        if here.len() == c.messages.len() {
            self.counts.skipped += 1;
            return Ok(());
        }
        for m in &c.messages[here.len()..] {
            insert_message_row(self.tx, &m.row(id)).map_err(err)?;
        }
        self.tx
            .prepare_cached(
                "UPDATE conversations SET updated_at = max(updated_at, ?2) WHERE id = ?1",
            )
            .map_err(err)?
            .execute(params![id, c.updated_at])
            .map_err(err)?;
        let added = c.messages.len() - here.len();
        self.counts.extended += 1;
        self.counts.added += added;
        self.counts.messages += added;
        Ok(())
    }
}

impl Store {
    /// Writes every conversation whose uid is new, in one transaction: on any error
    /// nothing is written. A uid already present (or earlier in `items`) is
    /// compared, as [`ImportSink::write`] says.
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
                reasoning: Some("thinking about the answer".into()),
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
                messages: 2,
                ..ImportCounts::default()
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
        assert_eq!(m.reasoning.as_deref(), Some("thinking about the answer"));
        let r = store.latest_report(id).expect("query").expect("report");
        assert_eq!(r.created_at, 1_900);
    }

    #[test]
    fn a_newer_version_adds_its_new_messages_and_a_different_one_is_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        store
            .import_conversations(&[item("a", "model")])
            .expect("first");
        let mut newer = item("a", "model");
        newer.updated_at = 3_000;
        newer.messages.push(ImportMessage {
            role: Role::Assistant,
            content: "a Zanzibar reply".into(),
            status: Status::Complete,
            created_at: 2_500,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        });
        let counts = store
            .import_conversations(std::slice::from_ref(&newer))
            .expect("newer");
        assert_eq!(
            counts,
            ImportCounts {
                messages: 1,
                extended: 1,
                added: 1,
                ..ImportCounts::default()
            }
        );
        let id = store
            .conversation_by_uid("a")
            .expect("query")
            .expect("there");
        let messages = store.messages(id).expect("messages");
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[1].content, "a Zanzibar reply");
        assert_eq!(store.require_conversation(id).expect("c").updated_at, 3_000);
        // Indexed with the rest of the import.
        assert_eq!(
            store
                .match_messages("zanzibar", i64::MAX, 10, None)
                .expect("match")
                .len(),
            1
        );

        // The same again: nothing new.
        let counts = store.import_conversations(&[newer]).expect("again");
        assert_eq!((counts.skipped, counts.messages), (1, 0));

        // Edited elsewhere: counted, left as it is.
        let mut edited = item("a", "model");
        edited.messages[0].content = "hello, edited".into();
        let counts = store.import_conversations(&[edited]).expect("edited");
        assert_eq!((counts.differ, counts.messages), (1, 0));
        assert_eq!(store.messages(id).expect("messages")[0].content, "hello");
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
