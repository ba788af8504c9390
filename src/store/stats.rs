//! The aggregate queries behind the progress views (`interviewer stats`, the TUI's
//! progress overlay): interviews held, reports stored, tokens per model. What the
//! figures mean to a user is `crate::progress`'s.

use super::{Result, Store};

/// Tokens the server reported for one model's replies, summed over all messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelTokens {
    /// The model name as stored, or `unknown model`.
    pub model: String,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Store {
    /// Conversations where the candidate answered something the interviewer said: a
    /// user message after the first assistant one. Drills are not interviews.
    pub fn count_held_interviews(&self) -> Result<i64> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM conversations c
                 WHERE NOT EXISTS (SELECT 1 FROM drills d WHERE d.conversation_id = c.id)
                   AND EXISTS (
                     SELECT 1 FROM messages u
                     WHERE u.conversation_id = c.id AND u.role = 'user'
                       AND u.id > (SELECT min(a.id) FROM messages a
                                   WHERE a.conversation_id = c.id AND a.role = 'assistant'))",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Reports stored, valid or not.
    pub fn count_reports(&self) -> Result<i64> {
        self.conn()
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Token usage per model over every reply that reported it, largest first.
    pub fn tokens_by_model(&self) -> Result<Vec<ModelTokens>> {
        self.all(
            // `total` (a float) rather than `sum`: an integer sum past i64::MAX (a
            // hostile import) is an "integer overflow" error for good.
            "SELECT coalesce(model, 'unknown model'), total(max(coalesce(prompt_tokens, 0), 0)),
                    total(max(coalesce(completion_tokens, 0), 0))
             FROM messages
             WHERE prompt_tokens IS NOT NULL OR completion_tokens IS NOT NULL
             GROUP BY 1
             ORDER BY total(max(coalesce(prompt_tokens, 0), 0))
                    + total(max(coalesce(completion_tokens, 0), 0)) DESC, 1",
            [],
            |r| {
                Ok(ModelTokens {
                    model: r.get(0)?,
                    // Float to integer casts saturate.
                    prompt_tokens: r.get::<_, f64>(1)? as u64,
                    completion_tokens: r.get::<_, f64>(2)? as u64,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewConversation, Role, Status};
    use crate::store::MessageFinish;

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        (dir, store)
    }

    fn conversation(store: &Store, roles: &[Role]) -> i64 {
        let id = store
            .create_conversation(&NewConversation {
                title: "T".into(),
                persona: "career-interviewer".into(),
                setup: None,
                model: None,
            })
            .expect("create");
        for role in roles {
            store
                .insert_message(id, *role, "text", Status::Complete)
                .expect("insert");
        }
        id
    }

    #[test]
    fn an_interview_is_held_once_an_interviewer_turn_is_answered() {
        let (_dir, store) = temp_store();
        assert_eq!(store.count_held_interviews().expect("count"), 0);
        conversation(&store, &[Role::User, Role::Assistant]);
        conversation(&store, &[Role::User]);
        assert_eq!(store.count_held_interviews().expect("count"), 0);
        conversation(&store, &[Role::User, Role::Assistant, Role::User]);
        assert_eq!(store.count_held_interviews().expect("count"), 1);
        // A drill is not an interview.
        let drill = conversation(&store, &[Role::Assistant, Role::User]);
        store
            .insert_drill(&crate::store::DrillRow {
                conversation_id: drill,
                review_item_id: None,
                interview_type: "behavioral".into(),
                question: "q".into(),
                bank_id: None,
                competency: None,
                attempts: 0,
                first_score: None,
                last_score: None,
                created_at: 0,
            })
            .expect("drill");
        assert_eq!(store.count_held_interviews().expect("count"), 1);
    }

    #[test]
    fn reports_are_counted_valid_or_not() {
        let (_dir, store) = temp_store();
        let id = conversation(&store, &[Role::User]);
        assert_eq!(store.count_reports().expect("count"), 0);
        store
            .insert_report(id, "model", Some("m"), "{}", false)
            .expect("report");
        store
            .insert_report(id, "heuristic", None, "{}", true)
            .expect("report");
        assert_eq!(store.count_reports().expect("count"), 2);
    }

    #[test]
    fn tokens_are_summed_per_model_largest_first() {
        let (_dir, store) = temp_store();
        let id = conversation(&store, &[]);
        for (model, prompt, completion) in [
            (Some("small"), 10, 5),
            (Some("big"), 100, 50),
            (Some("small"), 1, 1),
            (None, 3, 0),
        ] {
            let m = store
                .insert_message(id, Role::Assistant, "", Status::Streaming)
                .expect("insert");
            store
                .finish_message(
                    m,
                    &MessageFinish {
                        content: "reply".into(),
                        status: Status::Complete,
                        error: None,
                        prompt_tokens: Some(prompt),
                        completion_tokens: Some(completion),
                        model: model.map(String::from),
                    },
                )
                .expect("finish");
        }
        // A reply without reported usage counts for nothing.
        store
            .insert_message(id, Role::Assistant, "no usage", Status::Complete)
            .expect("insert");
        let tokens = store.tokens_by_model().expect("tokens");
        let rows: Vec<(&str, u64, u64)> = tokens
            .iter()
            .map(|t| (t.model.as_str(), t.prompt_tokens, t.completion_tokens))
            .collect();
        assert_eq!(
            rows,
            [("big", 100, 50), ("small", 11, 6), ("unknown model", 3, 0)]
        );
    }
}
