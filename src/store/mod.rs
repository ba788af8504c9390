//! The SQLite store: one `Store` per connection, one method per query. Every SQL
//! statement of the program and the schema live under `src/store/`: conversations,
//! messages, reports, drafts and state here; full-text queries in `search.rs`,
//! aggregates in `stats.rs`, drills and the review schedule in `drill.rs`, import
//! in `import.rs`, the fixture's bulk loader in
//! `bulk.rs`. The connection never leaves this module.
//!
//! It knows the domain types and nothing above them: no agent, no service, no
//! face. Callers get domain values or a [`StoreError`] in words a user can act on.
//!
//! The file lives at `<data-dir>/interviewer.db` (directory 0700, file 0600), runs in
//! WAL mode with foreign keys on and a busy timeout, so a TUI and an `ask` can share
//! it. The schema comes from append-only migrations in `store/migrations/`.

mod bulk;
mod drill;
mod import;
mod search;
mod stats;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

use crate::domain::{
    Conversation, ConversationSummary, Message, NewConversation, QuestionChoice, Role, Status,
    StoredReport,
};
use crate::timefmt::now_ms;
pub use bulk::{BulkConversation, BulkLoader, BulkMessage, FtsLoad};
pub use drill::DrillRow;
pub use import::{ImportConversation, ImportCounts, ImportMessage, ImportReport};
pub use search::{MATCH_END, MATCH_START, MatchError, MessageMatch, SearchCancel};
pub use stats::ModelTokens;

/// How long a statement waits for another process's lock before giving up. Writes
/// are short (one message), so this is only reached if something is stuck.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "interviewer.db";

/// Append-only: never edit a shipped migration, add a new file.
const MIGRATION_SLICE: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_interview_setup.sql")),
    M::up(include_str!("migrations/0003_message_meta.sql")),
    M::up(include_str!("migrations/0004_reports.sql")),
    M::up(include_str!("migrations/0005_search.sql")),
    M::up(include_str!("migrations/0006_app_state.sql")),
    M::up(include_str!("migrations/0007_streaming_index.sql")),
    M::up(include_str!("migrations/0008_question_choice.sql")),
    M::up(include_str!("migrations/0009_message_chunks.sql")),
    // The practice loop's own tables only (IF NOT EXISTS), so its place after
    // 0008 and 0009 does not matter to it.
    M::up(include_str!("migrations/0010_practice.sql")),
    M::up(include_str!("migrations/0011_conversation_model.sql")),
    M::up(include_str!("migrations/0012_message_reasoning.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATION_SLICE.len();

pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATION_SLICE)
}

/// Everything that can go wrong with the database, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not an interviewer database; it was left untouched. Move it away or pass another --data-dir"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} is damaged (SQLite found a malformed page); it was left untouched. Keep a copy, then try `sqlite3 {path} .recover`, or move it away to start afresh"
    )]
    Corrupt { path: PathBuf },
    #[error(
        "{path} was written by a newer interviewer (schema {found}, this build knows {supported}); it was left untouched. Upgrade interviewer"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        supported: usize,
    },
    #[error(
        "{path} is read-only: nothing can be saved. Check the permissions of the file and its folder, and whether the disk is mounted read-only, or pass another --data-dir"
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "cannot open {path}: its folder is read-only, and SQLite needs to keep its -wal and -shm files there. Make the folder writable, or pass another --data-dir"
    )]
    ReadOnlyFolder { path: PathBuf },
    #[error(
        "the disk holding {path} is full: nothing more can be saved. Free some space and try again"
    )]
    DiskFull { path: PathBuf },
    #[error("the database {path} is busy in another interviewer process; try again in a moment")]
    Busy { path: PathBuf },
    #[error(
        "the disk holding {path} failed to read or write ({source}); check the disk and try again"
    )]
    Io {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "cannot open the database {path}: {source}. Check that the file and its folder can be read and written, or pass another --data-dir"
    )]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("conversation {0} does not exist (see `interviewer list`)")]
    NoConversation(i64),
    /// The message was deleted (with its conversation, in another process, say).
    #[error("message {0} no longer exists")]
    NoMessage(i64),
    #[error("database error on {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot migrate the database {path}: {message}")]
    Migration { path: PathBuf, message: String },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One open connection to the database file.
///
/// The connection sits behind a mutex so a `Store` can be shared between tasks
/// (`Arc<Service>`); every method holds the lock only for its own query, never
/// across an `.await`.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

const CONVERSATION_COLUMNS: &str =
    "id, uid, title, persona, created_at, updated_at, archived, setup, model";
/// A `streaming` reply's text is its row's content followed by the pieces appended
/// to it so far (see [`Store::append_message_text`]).
const MESSAGE_COLUMNS: &str = "id, conversation_id, role, \
     CASE WHEN status = 'streaming' THEN content || coalesce((SELECT group_concat(c.text, '' ORDER BY c.seq) \
     FROM message_chunks c WHERE c.message_id = messages.id), '') ELSE content END AS content, \
     status, created_at, error, prompt_tokens, completion_tokens, model, reasoning";

/// The text appended to a streaming reply, in order (for folding into `content`).
const CHUNKS_OF_1: &str = "coalesce((SELECT group_concat(text, '' ORDER BY seq) FROM message_chunks WHERE message_id = ?1), '')";

impl Store {
    /// Opens (creating if needed) `<data_dir>/interviewer.db`.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        create_private_dir(data_dir)?;
        Store::open(&data_dir.join(DB_FILE))
    }

    /// Opens the database at `path`, creating it 0600 if missing, and migrates it.
    /// A file that is not a database, or one from a newer version, is refused and
    /// left exactly as it was.
    pub fn open(path: &Path) -> Result<Store> {
        let path = path.to_path_buf();
        create_private_file(&path)?;
        let mut conn = Connection::open(&path).map_err(|source| classify(&path, source))?;
        // Before the first read: another process may hold a lock right now (switching
        // a new file to WAL, migrating, writing).
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|source| classify(&path, source))?;
        // Write transactions take the write lock at BEGIN. A deferred transaction that
        // reads first and writes later cannot be retried by the busy handler when
        // another process wrote in between (SQLITE_BUSY_SNAPSHOT) — the one case a
        // busy timeout does not cover.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let mut store = Store {
            conn: Mutex::new(conn),
            path,
        };
        let empty = store.check_version()?;
        store.configure(empty)?;
        store.migrate()?;
        if empty {
            store.set_synchronous("NORMAL")?;
        }
        Ok(store)
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        classify(&self.path, source)
    }

    /// Refuses a file that is not a database or one from a newer version;
    /// returns whether the database is empty (new: no schema, nothing to lose).
    fn check_version(&self) -> Result<bool> {
        let found: i64 = self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        // Reading the schema forces SQLite to parse the header: garbage fails here.
        let objects = self
            .conn()
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| self.err(e))?;
        let found = usize::try_from(found).unwrap_or(usize::MAX);
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(found == 0 && objects == 0)
    }

    /// `empty`: a new database, with nothing in it to lose, is switched to WAL and
    /// given its schema without waiting for the disk (`synchronous = OFF`, set
    /// back to `NORMAL` once migrated): a first start then costs no fsync before
    /// the first frame. The migrations commit as one WAL transaction, so an OS
    /// crash in those milliseconds leaves at worst an empty database, which the
    /// next start migrates again.
    fn configure(&self, empty: bool) -> Result<()> {
        self.conn()
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| self.err(e))?;
        if empty {
            self.set_synchronous("OFF")?;
        }
        let mode: String = self
            .conn()
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "database is not in WAL mode");
        }
        // NORMAL is durable across application crashes in WAL mode; only an OS crash
        // can lose the last transactions.
        if !empty {
            self.set_synchronous("NORMAL")?;
        }
        Ok(())
    }

    fn set_synchronous(&self, level: &str) -> Result<()> {
        self.conn()
            .pragma_update(None, "synchronous", level)
            .map_err(|e| self.err(e))
    }

    /// Brings the schema up to date. Several processes may start on a new file at
    /// once: the migrator reads the version before its (immediate) transaction, so
    /// the loser of the race replays a migration the winner already committed and
    /// fails ("table already exists"). When the version moved on meanwhile, that
    /// failure was the race, not a problem: look again.
    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
        let version = |conn: &Connection| -> Result<i64> {
            conn.query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(|e| classify(&path, e))
        };
        let mut before = version(conn)?;
        // Each retry needs another process to have made progress, so this ends.
        loop {
            let Err(e) = migrations().to_latest(conn) else {
                return Ok(());
            };
            let now = version(conn)?;
            if usize::try_from(now).is_ok_and(|v| v >= SCHEMA_VERSION) {
                return Ok(());
            }
            if now == before {
                return Err(match e {
                    rusqlite_migration::Error::RusqliteError { err, .. } => classify(&path, err),
                    other => StoreError::Migration {
                        path,
                        message: other.to_string(),
                    },
                });
            }
            tracing::debug!(
                from = before,
                to = now,
                "another process migrated meanwhile"
            );
            before = now;
        }
    }

    // ----- conversations -------------------------------------------------------

    /// Creates a conversation and returns its id.
    pub fn create_conversation(&self, new: &NewConversation) -> Result<i64> {
        let now = now_ms();
        let setup = new
            .setup
            .as_ref()
            .map(|s| serde_json::to_string(s).unwrap_or_default());
        self.conn()
            .execute(
                "INSERT INTO conversations (uid, title, persona, created_at, updated_at, setup, model)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)",
                params![
                    uuid::Uuid::new_v4().to_string(),
                    new.title,
                    new.persona,
                    now,
                    setup,
                    new.model
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn().last_insert_rowid())
    }

    /// One conversation's header, if it exists.
    pub fn conversation(&self, id: i64) -> Result<Option<Conversation>> {
        self.conn()
            .query_row(
                &format!("SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"),
                [id],
                conversation_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Like [`Store::conversation`], but a missing id is an error.
    pub fn require_conversation(&self, id: i64) -> Result<Conversation> {
        self.conversation(id)?.ok_or(StoreError::NoConversation(id))
    }

    /// The conversation with this export identity, if already here (used by import).
    pub fn conversation_by_uid(&self, uid: &str) -> Result<Option<i64>> {
        self.conn()
            .query_row("SELECT id FROM conversations WHERE uid = ?1", [uid], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// A page of conversations, newest activity first.
    pub fn list_conversations(
        &self,
        archived: bool,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<ConversationSummary>> {
        self.all(
            "SELECT c.id, c.title, c.persona, c.created_at, c.updated_at, c.archived,
                    (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id), c.model
             FROM conversations c
             WHERE c.archived = ?1
             ORDER BY c.updated_at DESC, c.id DESC
             LIMIT ?2 OFFSET ?3",
            params![archived, limit as i64, offset as i64],
            |r| {
                Ok(ConversationSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    persona: r.get(2)?,
                    created_at: r.get(3)?,
                    updated_at: r.get(4)?,
                    archived: r.get(5)?,
                    message_count: r.get(6)?,
                    model: r.get(7)?,
                })
            },
        )
    }

    /// How many conversations there are (archived or not).
    pub fn count_conversations(&self, archived: bool) -> Result<i64> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM conversations WHERE archived = ?1",
                [archived],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Switches the model a conversation talks to (`None`: none recorded, as for
    /// offline practice). The conversation's activity time is left alone: choosing a
    /// model is not a turn.
    pub fn set_conversation_model(&self, id: i64, model: Option<&str>) -> Result<()> {
        self.expect_one(
            self.conn().execute(
                "UPDATE conversations SET model = ?2 WHERE id = ?1",
                params![id, model],
            ),
            id,
        )
    }

    /// Stores the offline question choice of a conversation (fixed at creation).
    pub fn set_question_choice(&self, id: i64, choice: &QuestionChoice) -> Result<()> {
        let json = serde_json::to_string(choice).unwrap_or_default();
        self.expect_one(
            self.conn().execute(
                "UPDATE conversations SET question_choice = ?2 WHERE id = ?1",
                params![id, json],
            ),
            id,
        )
    }

    /// A conversation's offline question choice (empty when none was stored, as
    /// for conversations from before it existed or imported ones).
    pub fn question_choice(&self, id: i64) -> Result<QuestionChoice> {
        let json: Option<String> = self
            .conn()
            .query_row(
                "SELECT question_choice FROM conversations WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        Ok(json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default())
    }

    /// The interviewer's turns in the `conversations` most recently active
    /// conversations (archived ones too) active since `since_ms`, newest
    /// conversation first: what the candidate was asked lately.
    pub fn recent_interviewer_turns(
        &self,
        conversations: usize,
        since_ms: i64,
    ) -> Result<Vec<String>> {
        self.all(
            "SELECT m.content FROM messages m
             JOIN (SELECT id, updated_at FROM conversations WHERE updated_at >= ?2
                   ORDER BY updated_at DESC, id DESC LIMIT ?1) c ON c.id = m.conversation_id
             WHERE m.role = 'assistant'
             ORDER BY c.updated_at DESC, c.id DESC, m.id",
            params![i64::try_from(conversations).unwrap_or(i64::MAX), since_ms],
            |r| r.get(0),
        )
    }

    /// Every conversation id, oldest first (for `export --all`).
    pub fn all_conversation_ids(&self) -> Result<Vec<i64>> {
        self.all("SELECT id FROM conversations ORDER BY id", [], |r| r.get(0))
    }

    pub fn rename_conversation(&self, id: i64, title: &str) -> Result<()> {
        self.expect_one(
            self.conn().execute(
                "UPDATE conversations SET title = ?2 WHERE id = ?1",
                params![id, title],
            ),
            id,
        )
    }

    pub fn set_archived(&self, id: i64, archived: bool) -> Result<()> {
        self.expect_one(
            self.conn().execute(
                "UPDATE conversations SET archived = ?2 WHERE id = ?1",
                params![id, archived],
            ),
            id,
        )
    }

    /// Deletes a conversation with its messages, reports and draft.
    pub fn delete_conversation(&self, id: i64) -> Result<()> {
        self.expect_one(
            self.conn()
                .execute("DELETE FROM conversations WHERE id = ?1", [id]),
            id,
        )
    }

    fn expect_one(&self, changed: rusqlite::Result<usize>, id: i64) -> Result<()> {
        match changed.map_err(|e| self.err(e))? {
            0 => Err(StoreError::NoConversation(id)),
            _ => Ok(()),
        }
    }

    // ----- messages ------------------------------------------------------------

    /// Appends a message and marks the conversation as active now.
    pub fn insert_message(
        &self,
        conversation_id: i64,
        role: Role,
        content: &str,
        status: Status,
    ) -> Result<i64> {
        let now = now_ms();
        let mut conn = self.conn();
        // Immediate (the connection's default): the write lock is taken at BEGIN.
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let changed = tx
            .execute(
                "UPDATE conversations SET updated_at = ?2 WHERE id = ?1",
                params![conversation_id, now],
            )
            .map_err(|e| self.err(e))?;
        if changed == 0 {
            return Err(StoreError::NoConversation(conversation_id));
        }
        tx.execute(
            "INSERT INTO messages (conversation_id, role, content, status, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                conversation_id,
                role.as_str(),
                content,
                status.as_str(),
                now
            ],
        )
        .map_err(|e| self.err(e))?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(|e| self.err(e))?;
        Ok(id)
    }

    /// Replaces a message's content and status (used for streamed replies).
    pub fn update_message(&self, id: i64, content: &str, status: Status) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE messages SET content = ?2, status = ?3 WHERE id = ?1",
                params![id, content, status.as_str()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Final state of a reply: content, status, why it stopped, usage and model.
    pub fn finish_message(&self, id: i64, finish: &MessageFinish) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE messages SET content = ?2, status = ?3, error = ?4, prompt_tokens = ?5,
                        completion_tokens = ?6, model = ?7
                 WHERE id = ?1",
                params![
                    id,
                    finish.content,
                    finish.status.as_str(),
                    finish.error,
                    finish.prompt_tokens,
                    finish.completion_tokens,
                    finish.model
                ],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Appends text to a `streaming` reply: one small row, whatever the reply's
    /// length, and nothing indexed until [`Store::finish_streamed`]. A reply that
    /// start-up recovery in another process ended in a race with its stream lock is
    /// made `streaming` again. [`StoreError::NoMessage`] when the row is gone (its
    /// conversation was deleted).
    pub fn append_message_text(&self, id: i64, text: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let revived = tx
            .execute(
                &format!(
                    "UPDATE messages SET content = content || {CHUNKS_OF_1}, status = 'streaming'
                     WHERE id = ?1 AND status != 'streaming'"
                ),
                [id],
            )
            .map_err(|e| self.err(e))?;
        if revived > 0 {
            tx.execute("DELETE FROM message_chunks WHERE message_id = ?1", [id])
                .map_err(|e| self.err(e))?;
        }
        let added = tx
            .execute(
                "INSERT INTO message_chunks (message_id, seq, text)
                 SELECT ?1, coalesce((SELECT max(seq) FROM message_chunks WHERE message_id = ?1), 0) + 1, ?2
                 WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?1)",
                params![id, text],
            )
            .map_err(|e| self.err(e))?;
        if added == 0 {
            return Err(StoreError::NoMessage(id));
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Appends a reasoning model's thinking to a reply's `reasoning` (kept apart
    /// from its content: not indexed, never sent back). [`StoreError::NoMessage`]
    /// when the row is gone.
    pub fn append_message_reasoning(&self, id: i64, text: &str) -> Result<()> {
        let changed = self
            .conn()
            .execute(
                "UPDATE messages SET reasoning = coalesce(reasoning, '') || ?2 WHERE id = ?1",
                params![id, text],
            )
            .map_err(|e| self.err(e))?;
        if changed == 0 {
            return Err(StoreError::NoMessage(id));
        }
        Ok(())
    }

    /// Ends a reply written with [`Store::append_message_text`]: its pieces and
    /// `finish.content` (the text not appended yet) become its content, indexed for
    /// search once, with the final status, reason, usage and model.
    /// [`StoreError::NoMessage`] when the row is gone.
    pub fn finish_streamed(&self, id: i64, finish: &MessageFinish) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let changed = tx
            .execute(
                &format!(
                    "UPDATE messages SET content = content || {CHUNKS_OF_1} || ?2, status = ?3,
                            error = ?4, prompt_tokens = ?5, completion_tokens = ?6, model = ?7
                     WHERE id = ?1"
                ),
                params![
                    id,
                    finish.content,
                    finish.status.as_str(),
                    finish.error,
                    finish.prompt_tokens,
                    finish.completion_tokens,
                    finish.model
                ],
            )
            .map_err(|e| self.err(e))?;
        if changed == 0 {
            return Err(StoreError::NoMessage(id));
        }
        tx.execute("DELETE FROM message_chunks WHERE message_id = ?1", [id])
            .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Deletes one message (used when regenerating a failed or interrupted reply).
    pub fn delete_message(&self, id: i64) -> Result<()> {
        self.conn()
            .execute("DELETE FROM messages WHERE id = ?1", [id])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn message(&self, id: i64) -> Result<Option<Message>> {
        self.conn()
            .query_row(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"),
                [id],
                message_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// All messages of a conversation, in order.
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<Message>> {
        self.all(
            &format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY id"
            ),
            [conversation_id],
            message_from_row,
        )
    }

    /// The last `limit` messages of a conversation, in order (what the first screen shows).
    pub fn messages_tail(&self, conversation_id: i64, limit: usize) -> Result<Vec<Message>> {
        self.all(
            &format!(
                "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1
                                ORDER BY id DESC LIMIT ?2) ORDER BY id"
            ),
            params![conversation_id, limit as i64],
            message_from_row,
        )
    }

    /// Up to `limit` messages before message id `before_id`, in order (scrolling back).
    pub fn messages_before(
        &self,
        conversation_id: i64,
        before_id: i64,
        limit: usize,
    ) -> Result<Vec<Message>> {
        self.all(
            &format!(
                "SELECT * FROM (SELECT {MESSAGE_COLUMNS} FROM messages
                                WHERE conversation_id = ?1 AND id < ?2
                                ORDER BY id DESC LIMIT ?3) ORDER BY id"
            ),
            params![conversation_id, before_id, limit as i64],
            message_from_row,
        )
    }

    pub fn count_messages(&self, conversation_id: i64) -> Result<i64> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM messages WHERE conversation_id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Start-up recovery: replies left `streaming` by a crash become `interrupted`.
    pub fn recover_streaming(&self) -> Result<usize> {
        self.recover_streaming_except(|_| false)
    }

    /// Like [`Store::recover_streaming`], but leaves alone the rows for which
    /// `still_live` says another process is streaming them now.
    pub fn recover_streaming_except(&self, still_live: impl Fn(i64) -> bool) -> Result<usize> {
        let ids: Vec<i64> = self.all(
            "SELECT id FROM messages WHERE status = 'streaming'",
            [],
            |r| r.get(0),
        )?;
        let mut recovered = 0;
        for id in ids.into_iter().filter(|id| !still_live(*id)) {
            let mut conn = self.conn();
            let tx = conn.transaction().map_err(|e| self.err(e))?;
            // The appended pieces become the content (and are indexed) now.
            recovered += tx
                .execute(
                    &format!(
                        "UPDATE messages SET content = content || {CHUNKS_OF_1}, status = 'interrupted',
                                error = coalesce(error, 'the app stopped while this reply was streaming')
                         WHERE id = ?1 AND status = 'streaming'"
                    ),
                    [id],
                )
                .map_err(|e| self.err(e))?;
            tx.execute("DELETE FROM message_chunks WHERE message_id = ?1", [id])
                .map_err(|e| self.err(e))?;
            tx.commit().map_err(|e| self.err(e))?;
        }
        Ok(recovered)
    }

    // ----- reports -------------------------------------------------------------

    pub fn insert_report(
        &self,
        conversation_id: i64,
        kind: &str,
        model: Option<&str>,
        body: &str,
        valid: bool,
    ) -> Result<i64> {
        self.conn()
            .execute(
                "INSERT INTO reports (conversation_id, kind, model, body, valid, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![conversation_id, kind, model, body, valid, now_ms()],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn().last_insert_rowid())
    }

    /// The newest report of a conversation.
    pub fn latest_report(&self, conversation_id: i64) -> Result<Option<StoredReport>> {
        self.conn()
            .query_row(
                "SELECT id, conversation_id, kind, model, body, valid, created_at FROM reports
                 WHERE conversation_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
                [conversation_id],
                report_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The newest valid report of each of the `limit` conversations reported on
    /// last, newest first (what a retry of weak answers looks back on).
    pub fn newest_valid_reports(&self, limit: usize) -> Result<Vec<StoredReport>> {
        self.all(
            "SELECT r.id, r.conversation_id, r.kind, r.model, r.body, r.valid, r.created_at
             FROM reports r
             WHERE r.valid = 1 AND r.id = (SELECT r2.id FROM reports r2
                    WHERE r2.conversation_id = r.conversation_id AND r2.valid = 1
                    ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)
             ORDER BY r.created_at DESC, r.id DESC LIMIT ?1",
            [i64::try_from(limit).unwrap_or(i64::MAX)],
            report_from_row,
        )
    }

    /// The newest valid report of every conversation that has one, oldest first
    /// (for progress over time).
    pub fn latest_valid_reports(&self) -> Result<Vec<StoredReport>> {
        self.all(
            "SELECT r.id, r.conversation_id, r.kind, r.model, r.body, r.valid, r.created_at
             FROM reports r
             WHERE r.valid = 1 AND r.id = (SELECT r2.id FROM reports r2
                    WHERE r2.conversation_id = r.conversation_id AND r2.valid = 1
                    ORDER BY r2.created_at DESC, r2.id DESC LIMIT 1)
             ORDER BY r.created_at, r.id",
            [],
            report_from_row,
        )
    }

    // ----- drafts and app state ------------------------------------------------

    /// The unsent draft of a conversation ("" when none).
    pub fn draft(&self, conversation_id: i64) -> Result<String> {
        Ok(self
            .conn()
            .query_row(
                "SELECT text FROM drafts WHERE conversation_id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .unwrap_or_default())
    }

    /// Saves (or, when empty, removes) a conversation's draft.
    pub fn set_draft(&self, conversation_id: i64, text: &str) -> Result<()> {
        let result = if text.is_empty() {
            self.conn().execute(
                "DELETE FROM drafts WHERE conversation_id = ?1",
                [conversation_id],
            )
        } else {
            self.conn().execute(
                "INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (conversation_id) DO UPDATE SET text = ?2, updated_at = ?3",
                params![conversation_id, text, now_ms()],
            )
        };
        result.map(|_| ()).map_err(|e| self.err(e))
    }

    pub fn state(&self, key: &str) -> Result<Option<String>> {
        self.conn()
            .query_row("SELECT value FROM app_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn set_state(&self, key: &str, value: &str) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO app_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = ?2",
                params![key, value],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Runs a (cached) query and collects its rows.
    fn all<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        query_all(&self.conn(), sql, params, row).map_err(|e| self.err(e))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (statements
        // are atomic), so a poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a streamed reply ended as.
#[derive(Debug, Clone)]
pub struct MessageFinish {
    pub content: String,
    pub status: Status,
    /// Why it stopped early or failed, in words for the user.
    pub error: Option<String>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub model: Option<String>,
}

/// Runs a cached query on `conn` and collects its rows.
fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(sql)?.query_map(params, row)?.collect()
}

fn conversation_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Conversation> {
    let setup: Option<String> = r.get(7)?;
    Ok(Conversation {
        id: r.get(0)?,
        uid: r.get(1)?,
        title: r.get(2)?,
        persona: r.get(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
        archived: r.get(6)?,
        setup: setup.and_then(|s| serde_json::from_str(&s).ok()),
        model: r.get(8)?,
    })
}

fn message_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let role: String = r.get(2)?;
    let status: String = r.get(4)?;
    Ok(Message {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        role: Role::parse(&role).unwrap_or(Role::User),
        content: r.get(3)?,
        status: Status::parse(&status).unwrap_or(Status::Error),
        created_at: r.get(5)?,
        error: r.get(6)?,
        prompt_tokens: r.get(7)?,
        completion_tokens: r.get(8)?,
        model: r.get(9)?,
        reasoning: r.get(10)?,
    })
}

fn report_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredReport> {
    Ok(StoredReport {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        kind: r.get(2)?,
        model: r.get(3)?,
        body: r.get(4)?,
        valid: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Turns SQLite's error codes into errors that say what to do.
fn classify(path: &Path, source: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path },
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
        // SQLite reports a full disk as SQLITE_FULL only where it checks for it; growing
        // the shared-memory file or the WAL on a full disk comes back as a plain I/O
        // error, and the OS error number is out of reach without `unsafe`. Ask the
        // file system instead.
        Some(ErrorCode::SystemIoFailure) if disk_is_full(&path) => StoreError::DiskFull { path },
        Some(ErrorCode::SystemIoFailure) => StoreError::Io { path, source },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            StoreError::Busy { path }
        }
        // SQLite keeps its -wal and -shm files beside the database; in a folder it
        // cannot write, a database that is itself fine cannot be opened.
        Some(ErrorCode::CannotOpen) if path.exists() && !folder_is_writable(&path) => {
            StoreError::ReadOnlyFolder { path }
        }
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            StoreError::Open { path, source }
        }
        _ => StoreError::Sqlite { path, source },
    }
}

/// Whether a file can be created next to `db` (tried, then removed). Only called
/// after SQLite failed to open the database.
fn folder_is_writable(db: &Path) -> bool {
    let Some(dir) = db.parent() else {
        return true;
    };
    let probe = dir.join(format!(".interviewer-write-probe-{}", std::process::id()));
    let created = std::fs::File::create(&probe).is_ok();
    let _ = std::fs::remove_file(&probe);
    created
}

/// Whether the file system holding `db` has no room left: a probe file next to it
/// cannot take one page. Only called after an I/O error, so the cost does not matter.
fn disk_is_full(db: &Path) -> bool {
    use std::io::Write;
    let Some(dir) = db.parent() else {
        return false;
    };
    let probe = dir.join(format!(".interviewer-space-probe-{}", std::process::id()));
    let result = std::fs::File::create(&probe).and_then(|mut f| {
        f.write_all(&[0u8; 4096])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    matches!(result, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

/// Creates the data directory (and parents) with mode 0700 on Unix.
fn create_private_dir(dir: &Path) -> Result<()> {
    crate::fsutil::create_private_dir(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })
}

/// Creates an empty database file with mode 0600 if none exists, so SQLite never
/// creates it with the process umask.
fn create_private_file(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    match crate::fsutil::private_file()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(StoreError::ReadOnly {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(StoreError::CreateDir {
            path: path.parent().unwrap_or(path).to_path_buf(),
            source,
        }),
    }
}

#[cfg(test)]
mod tests;
