//! The full-text queries (SQLite FTS5) behind search: one page of the newest
//! messages matching a query, and the conversations whose title matches, each with
//! its matched runs marked. Ranking and snippets are the search module's
//! (`crate::search`); this file only asks the indexes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{ErrorCode, params};

use super::{Store, StoreError, query_all};

/// Set to stop a running query (the search box changed, or the app is quitting).
pub type SearchCancel = Arc<AtomicBool>;

/// SQLite virtual-machine steps between two looks at a [`SearchCancel`].
const CANCEL_CHECK_STEPS: i32 = 1000;

/// Marks the start of a matched run in a highlighted text (FTS5 `highlight()`).
pub const MATCH_START: char = '\u{1}';
/// Marks the end of a matched run in a highlighted text.
pub const MATCH_END: char = '\u{2}';

/// One message matching a full-text query.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageMatch {
    pub message_id: i64,
    pub conversation_id: i64,
    /// `user`, `assistant` or `system`, as stored.
    pub role: String,
    pub created_at: i64,
    /// The whole message with each matched run between [`MATCH_START`] and
    /// [`MATCH_END`].
    pub marked: String,
}

/// Why a full-text query failed: the query's own syntax (FTS5 could not read it),
/// or the database.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    #[error("{0}")]
    Syntax(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Stopped through its [`SearchCancel`].
    #[error("the search was cancelled")]
    Cancelled,
}

impl Store {
    /// The newest messages matching `query` with ids below `before`, newest first,
    /// at most `limit`. Walks the index backwards and stops: no ranking here, so a
    /// common word costs no more than a rare one.
    pub fn match_messages(
        &self,
        query: &str,
        before: i64,
        limit: usize,
        cancel: Option<&SearchCancel>,
    ) -> Result<Vec<MessageMatch>, MatchError> {
        let conn = self.conn();
        let _watch = CancelWatch::install(&conn, cancel).map_err(|e| self.match_err(e))?;
        query_all(
            &conn,
            "SELECT s.id, m.conversation_id, m.role, m.created_at, s.marked
             FROM (SELECT rowid AS id, highlight(messages_fts, 0, char(1), char(2)) AS marked
                   FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid < ?3
                   ORDER BY rowid DESC LIMIT ?2) s
             JOIN messages m ON m.id = s.id
             ORDER BY s.id DESC",
            params![query, limit as i64, before],
            |r| {
                Ok(MessageMatch {
                    message_id: r.get(0)?,
                    conversation_id: r.get(1)?,
                    role: r.get(2)?,
                    created_at: r.get(3)?,
                    marked: r.get(4)?,
                })
            },
        )
        .map_err(|e| self.match_err(e))
    }

    /// Conversations whose title matches `query`, best first (FTS5 rank), at most
    /// `limit`, each with its title marked.
    pub fn match_titles(
        &self,
        query: &str,
        limit: usize,
        cancel: Option<&SearchCancel>,
    ) -> Result<Vec<(i64, String)>, MatchError> {
        let conn = self.conn();
        let _watch = CancelWatch::install(&conn, cancel).map_err(|e| self.match_err(e))?;
        query_all(
            &conn,
            "SELECT rowid, highlight(conversations_fts, 0, char(1), char(2))
             FROM conversations_fts WHERE conversations_fts MATCH ?1
             ORDER BY rank LIMIT ?2",
            params![query, limit as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| self.match_err(e))
    }

    /// A failed FTS query: a generic SQLite error on a MATCH is the query's syntax
    /// (FTS5 reports `fts5: syntax error near ...`, `unterminated string`, `no such
    /// column`); anything else is the database's problem.
    fn match_err(&self, e: rusqlite::Error) -> MatchError {
        if let rusqlite::Error::SqliteFailure(code, _) = &e
            && code.code == ErrorCode::OperationInterrupted
        {
            return MatchError::Cancelled;
        }
        if let rusqlite::Error::SqliteFailure(code, Some(message)) = &e
            && code.code == ErrorCode::Unknown
        {
            let detail = message
                .strip_prefix("fts5: ")
                .unwrap_or(message)
                .to_string();
            return MatchError::Syntax(detail);
        }
        MatchError::Store(self.err(e))
    }
}

/// A progress handler that interrupts the connection's statements once `cancel` is
/// set, installed for one query and removed when dropped (while the connection's
/// lock is still held, so no other statement ever runs under it).
struct CancelWatch<'c> {
    conn: Option<&'c rusqlite::Connection>,
}

impl<'c> CancelWatch<'c> {
    fn install(
        conn: &'c rusqlite::Connection,
        cancel: Option<&SearchCancel>,
    ) -> rusqlite::Result<CancelWatch<'c>> {
        let Some(cancel) = cancel else {
            return Ok(CancelWatch { conn: None });
        };
        let cancel = Arc::clone(cancel);
        conn.progress_handler(
            CANCEL_CHECK_STEPS,
            Some(move || cancel.load(Ordering::Relaxed)),
        )?;
        Ok(CancelWatch { conn: Some(conn) })
    }
}

impl Drop for CancelWatch<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn {
            let _ = conn.progress_handler(0, None::<fn() -> bool>);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewConversation, Role, Status};

    fn store_with(messages: &[(&str, &str)]) -> (tempfile::TempDir, Store, Vec<i64>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        let mut ids = Vec::new();
        for (title, text) in messages {
            let c = store
                .create_conversation(&NewConversation {
                    title: (*title).into(),
                    persona: "career-interviewer".into(),
                    setup: None,
                    model: None,
                })
                .expect("create");
            ids.push(
                store
                    .insert_message(c, Role::User, text, Status::Complete)
                    .expect("insert"),
            );
        }
        (dir, store, ids)
    }

    #[test]
    fn matching_messages_come_newest_first_marked_and_paged() {
        let (_dir, store, ids) = store_with(&[
            ("A", "rust at work"),
            ("B", "nothing here"),
            ("C", "more rust"),
        ]);
        let page = store
            .match_messages("rust", i64::MAX, 10, None)
            .expect("match");
        assert_eq!(
            page.iter().map(|m| m.message_id).collect::<Vec<_>>(),
            [ids[2], ids[0]]
        );
        assert_eq!(page[0].role, "user");
        assert_eq!(page[0].marked, "more \u{1}rust\u{2}");
        let older = store.match_messages("rust", ids[2], 1, None).expect("page");
        assert_eq!(older.len(), 1);
        assert_eq!(older[0].message_id, ids[0]);
    }

    #[test]
    fn matching_titles_are_marked_and_bad_syntax_is_the_query_s() {
        let (_dir, store, _) = store_with(&[("Rust interview", "x"), ("Other", "y")]);
        let titles = store.match_titles("rust", 10, None).expect("match");
        assert_eq!(titles.len(), 1);
        assert_eq!(titles[0].1, "\u{1}Rust\u{2} interview");
        assert!(matches!(
            store.match_titles("\"unbalanced", 10, None),
            Err(MatchError::Syntax(_))
        ));
        assert!(matches!(
            store.match_messages("*", i64::MAX, 10, None),
            Err(MatchError::Syntax(_))
        ));
    }

    /// The progress handler stops a query once its flag is set, and is gone after it.
    #[test]
    fn a_set_cancel_flag_interrupts_the_query_and_is_removed_after() {
        let rows: Vec<(String, String)> = (0..300)
            .map(|i| (format!("Rust {i}"), format!("rust answer number {i}")))
            .collect();
        let rows: Vec<(&str, &str)> = rows.iter().map(|(t, m)| (t.as_str(), m.as_str())).collect();
        let (_dir, store, _) = store_with(&rows);
        let cancel: SearchCancel = Arc::new(AtomicBool::new(true));
        assert!(matches!(
            store.match_messages("rust", i64::MAX, 1000, Some(&cancel)),
            Err(MatchError::Cancelled)
        ));
        assert!(matches!(
            store.match_titles("rust", 1000, Some(&cancel)),
            Err(MatchError::Cancelled)
        ));
        // The next query on the connection runs under no handler.
        assert_eq!(
            store
                .match_messages("rust", i64::MAX, 1000, None)
                .expect("match")
                .len(),
            300
        );
        cancel.store(false, Ordering::Relaxed);
        assert_eq!(
            store
                .match_titles("rust", 1000, Some(&cancel))
                .expect("titles")
                .len(),
            300
        );
    }
}
