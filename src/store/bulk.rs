//! Bulk loading for the benchmark fixture (`generate-fixture`): many rows with given
//! ids and time stamps in one transaction, without the per-row work the app's own
//! writes do. With [`FtsLoad::Rebuild`] the full-text insert triggers are dropped
//! for the load and each index is rebuilt once at the end, so the schema's triggers
//! stay the single definition (nothing here repeats them).

use rusqlite::{Connection, Transaction, params};

use super::{Result, Store};
use crate::domain::{InterviewSetup, Role, Status};

/// How the full-text indexes are filled during a bulk load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FtsLoad {
    /// Drop the insert triggers, load, then rebuild each index in one pass.
    Rebuild,
    /// Keep the triggers: every insert updates the index as the app does.
    Triggers,
}

/// A conversation row with its id and times chosen by the caller.
#[derive(Debug, Clone)]
pub struct BulkConversation<'a> {
    pub id: i64,
    pub uid: &'a str,
    pub title: &'a str,
    pub persona: &'a str,
    pub created_at: i64,
    pub setup: &'a InterviewSetup,
    pub archived: bool,
}

/// A message row with its time chosen by the caller.
#[derive(Debug, Clone)]
pub struct BulkMessage<'a> {
    pub conversation_id: i64,
    pub role: Role,
    pub content: &'a str,
    pub status: Status,
    pub created_at: i64,
    pub error: Option<&'a str>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub model: Option<&'a str>,
    /// A reasoning model's thinking, kept apart from the content (not indexed).
    pub reasoning: Option<&'a str>,
}

/// Writes one message row exactly as given, time and outcome included (the bulk
/// load and import).
pub(super) fn insert_message_row(conn: &Connection, m: &BulkMessage<'_>) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, role, content, status, created_at, error,
                               prompt_tokens, completion_tokens, model, reasoning)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            m.conversation_id,
            m.role.as_str(),
            m.content,
            m.status.as_str(),
            m.created_at,
            m.error,
            m.prompt_tokens,
            m.completion_tokens,
            m.model,
            m.reasoning,
        ])
    })
    .map(|_| ())
}

/// Triggers that index each insert; dropped during a [`FtsLoad::Rebuild`] load.
const INSERT_TRIGGERS: [&str; 2] = ["messages_fts_insert", "conversations_fts_insert"];

/// The open transaction of a bulk load.
pub struct BulkLoader<'a> {
    tx: Transaction<'a>,
    store: &'a Store,
}

impl BulkLoader<'_> {
    /// Adds a conversation (its `updated_at` starts at `created_at`).
    pub fn conversation(&mut self, c: &BulkConversation<'_>) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO conversations (id, uid, title, persona, created_at, updated_at, setup, archived)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    c.id,
                    c.uid,
                    c.title,
                    c.persona,
                    c.created_at,
                    serde_json::to_string(c.setup).unwrap_or_default(),
                    c.archived,
                ])
            })
            .map(|_| ())
            .map_err(|e| self.store.err(e))
    }

    /// Adds a message.
    pub fn message(&mut self, m: &BulkMessage<'_>) -> Result<()> {
        insert_message_row(&self.tx, m).map_err(|e| self.store.err(e))
    }

    /// Sets a conversation's last activity.
    pub fn set_updated_at(&mut self, conversation_id: i64, at: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE conversations SET updated_at = ?2 WHERE id = ?1")
            .and_then(|mut stmt| stmt.execute(params![conversation_id, at]))
            .map(|_| ())
            .map_err(|e| self.store.err(e))
    }

    /// Adds a valid report.
    pub fn report(
        &mut self,
        conversation_id: i64,
        kind: &str,
        model: Option<&str>,
        body: &str,
        created_at: i64,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO reports (conversation_id, kind, model, body, valid, created_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![conversation_id, kind, model, body, created_at])
            })
            .map(|_| ())
            .map_err(|e| self.store.err(e))
    }
}

/// Rebuilds the indexes when their triggers were dropped, puts the triggers back
/// and commits.
fn finish(tx: Transaction<'_>, fts: FtsLoad, dropped: &[String]) -> rusqlite::Result<()> {
    if fts == FtsLoad::Rebuild {
        tx.execute_batch(
            "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
             INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild');",
        )?;
        for sql in dropped {
            tx.execute_batch(sql)?;
        }
    }
    tx.commit()
}

impl Store {
    /// Runs `fill` in one transaction tuned for a new file: no WAL (every page would
    /// be written twice) and no fsync until the end; the normal settings come back
    /// afterwards. Meant for an empty database: a crash midway leaves nothing worth
    /// keeping.
    pub fn bulk_load<T>(
        &self,
        fts: FtsLoad,
        fill: impl FnOnce(&mut BulkLoader<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        let prepare = |conn: &Connection| -> rusqlite::Result<()> {
            conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
            conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;")
        };
        prepare(&conn).map_err(|e| self.err(e))?;
        let value = {
            let tx = conn.transaction().map_err(|e| self.err(e))?;
            let dropped = match fts {
                FtsLoad::Rebuild => drop_insert_triggers(&tx).map_err(|e| self.err(e))?,
                FtsLoad::Triggers => Vec::new(),
            };
            let mut loader = BulkLoader { tx, store: self };
            let value = fill(&mut loader)?;
            let BulkLoader { tx, .. } = loader;
            finish(tx, fts, &dropped).map_err(|e| self.err(e))?;
            value
        };
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .and_then(|()| conn.execute_batch("PRAGMA synchronous = NORMAL;"))
            .map_err(|e| self.err(e))?;
        Ok(value)
    }
}

/// Drops the full-text insert triggers and returns their SQL, to recreate them.
pub(super) fn drop_insert_triggers(tx: &Transaction<'_>) -> rusqlite::Result<Vec<String>> {
    let mut dropped = Vec::new();
    for name in INSERT_TRIGGERS {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .ok();
        if let Some(sql) = sql {
            tx.execute_batch(&format!("DROP TRIGGER {name}"))?;
            dropped.push(sql);
        }
    }
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(fts: FtsLoad) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        let setup = InterviewSetup::default();
        store
            .bulk_load(fts, |load| {
                load.conversation(&BulkConversation {
                    id: 7,
                    uid: "uid-7",
                    title: "Kubernetes practice",
                    persona: "career-interviewer",
                    created_at: 1_000,
                    setup: &setup,
                    archived: true,
                })?;
                load.message(&BulkMessage {
                    conversation_id: 7,
                    role: Role::Assistant,
                    content: "tell me about terraform",
                    status: Status::Interrupted,
                    created_at: 2_000,
                    error: Some("cut off"),
                    prompt_tokens: Some(10),
                    completion_tokens: Some(4),
                    model: Some("gpt-4o-mini"),
                    reasoning: None,
                })?;
                load.set_updated_at(7, 2_000)?;
                load.report(7, "heuristic", None, "{}", 3_000)
            })
            .expect("load");
        (dir, store)
    }

    #[test]
    fn a_bulk_load_writes_the_rows_as_given_and_indexes_them() {
        for fts in [FtsLoad::Rebuild, FtsLoad::Triggers] {
            let (_dir, store) = load(fts);
            let c = store.require_conversation(7).expect("conversation");
            assert_eq!(
                (c.uid.as_str(), c.title.as_str()),
                ("uid-7", "Kubernetes practice")
            );
            assert_eq!(
                (c.created_at, c.updated_at, c.archived),
                (1_000, 2_000, true)
            );
            let m = &store.messages(7).expect("messages")[0];
            assert_eq!(m.status, Status::Interrupted);
            assert_eq!(m.error.as_deref(), Some("cut off"));
            assert_eq!(m.completion_tokens, Some(4));
            let r = store.latest_report(7).expect("report").expect("one");
            assert!(r.valid && r.kind == "heuristic" && r.created_at == 3_000);
            // Indexed by the rebuild or the triggers, and the triggers are back.
            assert_eq!(
                store
                    .match_messages("terraform", i64::MAX, 5, None)
                    .expect("fts")
                    .len(),
                1
            );
            assert_eq!(
                store
                    .match_titles("kubernetes", 5, None)
                    .expect("fts")
                    .len(),
                1
            );
            let later = store
                .create_conversation(&crate::domain::NewConversation {
                    title: "Terraform later".into(),
                    persona: "career-interviewer".into(),
                    setup: None,
                    model: None,
                })
                .expect("create");
            assert_eq!(
                store.match_titles("terraform", 5, None).expect("fts")[0].0,
                later
            );
        }
    }
}
