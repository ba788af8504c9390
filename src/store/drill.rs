//! The practice loop's queries: which conversations are drills (and how their
//! attempts scored), and the spaced-repetition schedule of weak spots
//! (`review_items`). Times are passed in by the caller, whose clock may be pinned
//! for tests; the rule that computes them is `domain::drill`'s.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store};
use crate::domain::drill::{NewReviewItem, ReviewItem, ReviewKind, Schedule};

/// A drill's record beside its conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRow {
    pub conversation_id: i64,
    pub review_item_id: Option<i64>,
    pub interview_type: String,
    pub question: String,
    pub bank_id: Option<String>,
    pub competency: Option<String>,
    pub attempts: i64,
    pub first_score: Option<u8>,
    pub last_score: Option<u8>,
    pub created_at: i64,
}

const ITEM_COLUMNS: &str = "id, kind, interview_type, subject, question, bank_id, step, due_at, \
     last_score, source_conversation_id, done, created_at, updated_at";

impl Store {
    // ----- drills ----------------------------------------------------------------

    /// Marks a conversation as a drill of `row.question` (attempts and scores start
    /// empty).
    pub fn insert_drill(&self, row: &DrillRow) -> Result<()> {
        self.conn()
            .execute(
                "INSERT INTO drills (conversation_id, review_item_id, interview_type, question,
                                     bank_id, competency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    row.conversation_id,
                    row.review_item_id,
                    row.interview_type,
                    row.question,
                    row.bank_id,
                    row.competency,
                    row.created_at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Counts one more attempt scoring `score`: the first attempt's score is kept,
    /// the last one replaced.
    pub fn record_drill_attempt(&self, conversation_id: i64, score: u8) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE drills SET attempts = attempts + 1,
                        first_score = coalesce(first_score, ?2), last_score = ?2
                 WHERE conversation_id = ?1",
                params![conversation_id, score],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// The drill record of a conversation; `None` for an ordinary interview.
    pub fn drill(&self, conversation_id: i64) -> Result<Option<DrillRow>> {
        self.conn()
            .query_row(
                "SELECT conversation_id, review_item_id, interview_type, question, bank_id,
                        competency, attempts, first_score, last_score, created_at
                 FROM drills WHERE conversation_id = ?1",
                [conversation_id],
                |r| {
                    Ok(DrillRow {
                        conversation_id: r.get(0)?,
                        review_item_id: r.get(1)?,
                        interview_type: r.get(2)?,
                        question: r.get(3)?,
                        bank_id: r.get(4)?,
                        competency: r.get(5)?,
                        attempts: r.get(6)?,
                        first_score: r.get(7)?,
                        last_score: r.get(8)?,
                        created_at: r.get(9)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Drills held per interview type, `(type, drills)`, by type name.
    pub fn count_drills_by_type(&self) -> Result<Vec<(String, i64)>> {
        self.all(
            "SELECT interview_type, count(*) FROM drills WHERE attempts > 0
             GROUP BY interview_type ORDER BY interview_type",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    // ----- the review schedule ------------------------------------------------------

    /// Schedules a weak spot: a new row, or a retired one brought back, with
    /// `schedule` (first wait) and the weak score. An item already on the schedule
    /// keeps its place. Returns the item's id.
    pub fn schedule_review_item(
        &self,
        item: &NewReviewItem,
        schedule: Schedule,
        now: i64,
    ) -> Result<i64> {
        let upserted: Option<i64> = self
            .conn()
            .query_row(
                "INSERT INTO review_items (kind, interview_type, subject, question, bank_id, step,
                                           due_at, last_score, source_conversation_id, done,
                                           created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?10)
                 ON CONFLICT (kind, interview_type, subject) DO UPDATE SET
                        step = excluded.step, due_at = excluded.due_at,
                        last_score = excluded.last_score, question = excluded.question,
                        bank_id = excluded.bank_id,
                        source_conversation_id = excluded.source_conversation_id,
                        done = 0, updated_at = excluded.updated_at
                   WHERE review_items.done = 1
                 RETURNING id",
                params![
                    item.kind.as_str(),
                    item.interview_type,
                    item.subject,
                    item.question,
                    item.bank_id,
                    schedule.step,
                    schedule.due_at,
                    item.score,
                    item.source_conversation_id,
                    now
                ],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        match upserted {
            Some(id) => Ok(id),
            // The conflict's update did not apply (the item is open): its id.
            None => self
                .conn()
                .query_row(
                    "SELECT id FROM review_items
                     WHERE kind = ?1 AND interview_type = ?2 AND subject = ?3",
                    params![item.kind.as_str(), item.interview_type, item.subject],
                    |r| r.get(0),
                )
                .map_err(|e| self.err(e)),
        }
    }

    /// Records a review of item `id`: its new schedule, the score, and (for a
    /// competency) the question it was drilled with.
    pub fn review_item_reviewed(
        &self,
        id: i64,
        schedule: Schedule,
        score: u8,
        question: &str,
        now: i64,
    ) -> Result<()> {
        self.conn()
            .execute(
                "UPDATE review_items SET step = ?2, due_at = ?3, done = ?4, last_score = ?5,
                        question = CASE WHEN ?6 = '' THEN question ELSE ?6 END, updated_at = ?7
                 WHERE id = ?1",
                params![
                    id,
                    schedule.step,
                    schedule.due_at,
                    schedule.done,
                    score,
                    question,
                    now
                ],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// One item of the schedule.
    pub fn review_item(&self, id: i64) -> Result<Option<ReviewItem>> {
        self.conn()
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM review_items WHERE id = ?1"),
                [id],
                item_from_row,
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Open items due at `now`, most overdue first.
    pub fn due_review_items(&self, now: i64, limit: usize) -> Result<Vec<ReviewItem>> {
        self.all(
            &format!(
                "SELECT {ITEM_COLUMNS} FROM review_items
                 WHERE done = 0 AND due_at <= ?1
                 ORDER BY due_at, id LIMIT ?2"
            ),
            params![now, limit as i64],
            item_from_row,
        )
    }

    /// Every open item, soonest due first.
    pub fn open_review_items(&self) -> Result<Vec<ReviewItem>> {
        self.all(
            &format!("SELECT {ITEM_COLUMNS} FROM review_items WHERE done = 0 ORDER BY due_at, id"),
            [],
            item_from_row,
        )
    }
}

fn item_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewItem> {
    let kind: String = r.get(1)?;
    Ok(ReviewItem {
        id: r.get(0)?,
        kind: ReviewKind::parse(&kind).unwrap_or(ReviewKind::Question),
        interview_type: r.get(2)?,
        subject: r.get(3)?,
        question: r.get(4)?,
        bank_id: r.get(5)?,
        step: r.get(6)?,
        due_at: r.get(7)?,
        last_score: r.get(8)?,
        source_conversation_id: r.get(9)?,
        done: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NewConversation;
    use crate::domain::drill::{DAY_MS, after_review, first_schedule};

    const T0: i64 = 1_800_000_000_000;

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(dir.path()).expect("open");
        (dir, store)
    }

    fn conversation(store: &Store) -> i64 {
        store
            .create_conversation(&NewConversation {
                title: "Drill".into(),
                persona: "career-interviewer".into(),
                setup: None,
                model: None,
            })
            .expect("create")
    }

    fn weak(subject: &str, conversation: Option<i64>) -> NewReviewItem {
        NewReviewItem {
            kind: ReviewKind::Question,
            interview_type: "behavioral".into(),
            subject: subject.into(),
            question: format!("Question {subject}?"),
            bank_id: Some(subject.into()),
            score: 2,
            source_conversation_id: conversation,
        }
    }

    fn drill_row(conversation_id: i64) -> DrillRow {
        DrillRow {
            conversation_id,
            review_item_id: None,
            interview_type: "technical".into(),
            question: "How do you test a cache?".into(),
            bank_id: None,
            competency: Some("depth".into()),
            attempts: 0,
            first_score: None,
            last_score: None,
            created_at: T0,
        }
    }

    #[test]
    fn a_drill_keeps_its_first_and_last_scores() {
        let (_dir, store) = temp_store();
        let id = conversation(&store);
        assert_eq!(store.drill(id).expect("read"), None);
        store.insert_drill(&drill_row(id)).expect("insert");
        store.record_drill_attempt(id, 2).expect("first");
        store.record_drill_attempt(id, 4).expect("retry");
        let row = store.drill(id).expect("read").expect("a drill");
        assert_eq!(
            (row.attempts, row.first_score, row.last_score),
            (2, Some(2), Some(4))
        );
        assert_eq!(row.competency.as_deref(), Some("depth"));
        // The drill goes with its conversation.
        store.delete_conversation(id).expect("delete");
        assert_eq!(store.drill(id).expect("read"), None);
    }

    #[test]
    fn drills_are_counted_per_type_once_answered() {
        let (_dir, store) = temp_store();
        let a = conversation(&store);
        let b = conversation(&store);
        store.insert_drill(&drill_row(a)).expect("insert");
        store.insert_drill(&drill_row(b)).expect("insert");
        store.record_drill_attempt(a, 3).expect("attempt");
        assert_eq!(
            store.count_drills_by_type().expect("count"),
            [("technical".to_string(), 1)]
        );
    }

    #[test]
    fn an_open_item_keeps_its_place_and_a_retired_one_comes_back() {
        let (_dir, store) = temp_store();
        let source = conversation(&store);
        let id = store
            .schedule_review_item(&weak("beh-failure", Some(source)), first_schedule(T0), T0)
            .expect("schedule");
        let item = store.review_item(id).expect("read").expect("exists");
        assert_eq!((item.step, item.due_at, item.done), (0, T0 + DAY_MS, false));
        assert_eq!(item.source_conversation_id, Some(source));

        // Scheduled again while open: same row, same due time.
        let later = T0 + 5 * DAY_MS;
        let again = store
            .schedule_review_item(&weak("beh-failure", None), first_schedule(later), later)
            .expect("again");
        assert_eq!(again, id);
        assert_eq!(
            store.review_item(id).expect("read").expect("exists").due_at,
            T0 + DAY_MS
        );

        // Retired, then weak again: reopened at the first wait.
        store
            .review_item_reviewed(id, after_review(2, 5, later), 5, "", later)
            .expect("retire");
        assert!(store.review_item(id).expect("read").expect("exists").done);
        let back = store
            .schedule_review_item(&weak("beh-failure", None), first_schedule(later), later)
            .expect("back");
        assert_eq!(back, id);
        let item = store.review_item(id).expect("read").expect("exists");
        assert_eq!(
            (item.step, item.due_at, item.done),
            (0, later + DAY_MS, false)
        );
    }

    #[test]
    fn a_review_moves_the_item_and_keeps_the_question_unless_given() {
        let (_dir, store) = temp_store();
        let id = store
            .schedule_review_item(&weak("q", None), first_schedule(T0), T0)
            .expect("schedule");
        let now = T0 + DAY_MS;
        store
            .review_item_reviewed(id, after_review(0, 4, now), 4, "", now)
            .expect("review");
        let item = store.review_item(id).expect("read").expect("exists");
        assert_eq!(
            (item.step, item.due_at, item.last_score),
            (1, now + 3 * DAY_MS, Some(4))
        );
        assert_eq!(item.question, "Question q?");
        store
            .review_item_reviewed(id, after_review(1, 3, now), 3, "Another?", now)
            .expect("review");
        assert_eq!(
            store
                .review_item(id)
                .expect("read")
                .expect("exists")
                .question,
            "Another?"
        );
    }

    #[test]
    fn due_items_come_most_overdue_first_and_open_ones_soonest_first() {
        let (_dir, store) = temp_store();
        let a = store
            .schedule_review_item(&weak("a", None), first_schedule(T0 + DAY_MS), T0)
            .expect("a");
        let b = store
            .schedule_review_item(&weak("b", None), first_schedule(T0), T0)
            .expect("b");
        let c = store
            .schedule_review_item(&weak("c", None), first_schedule(T0 + 10 * DAY_MS), T0)
            .expect("c");
        let ids = |items: Vec<ReviewItem>| items.iter().map(|i| i.id).collect::<Vec<_>>();
        assert!(store.due_review_items(T0, 10).expect("due").is_empty());
        assert_eq!(
            ids(store.due_review_items(T0 + 2 * DAY_MS, 10).expect("due")),
            [b, a]
        );
        assert_eq!(
            ids(store.due_review_items(T0 + 2 * DAY_MS, 1).expect("due")),
            [b]
        );
        assert_eq!(ids(store.open_review_items().expect("open")), [b, a, c]);
    }
}
