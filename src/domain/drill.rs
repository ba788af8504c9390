//! The practice loop as data: one drilled answer's feedback ([`DrillFeedback`]),
//! the weak spots that come back ([`ReviewItem`]), and the spaced-repetition rule
//! that says when ([`after_review`]): a weak spot is offered again after 1, 3 and 7
//! days; a good answer moves it on, a poor one starts it again.
//!
//! What a *weak* answer is lives here once ([`is_weak`], [`weak_answers`]): the
//! schedule, the drill and `ask --retry-weak` (the offline question plan) all
//! use it.
//!
//! Pure: no clock (the caller passes `now`), no I/O. Imports nothing of ours but
//! its siblings [`super::conversation`] and [`super::report`].

use serde::{Deserialize, Serialize};

use super::conversation::InterviewType;
use super::report::{QuestionFeedback, Report};

/// The question a drill asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillQuestion {
    pub question: String,
    /// The bank question's id, when it comes from the bank (its checklist then
    /// judges the answer).
    pub bank_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: InterviewType,
    /// The competency the drill works on, if one.
    pub competency: Option<String>,
}

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// The waits of the schedule, in days: after a weak answer, then after each good
/// review. A good review at the last step retires the item.
pub const INTERVALS_DAYS: [i64; 3] = [1, 3, 7];

/// An answer scoring this or less is weak: it is scheduled, or its review resets.
pub const POOR_MAX: u8 = 2;

/// Whether a 1–5 score (an answer's, a competency's, a drill's first attempt)
/// is weak.
pub fn is_weak(score: u8) -> bool {
    score <= POOR_MAX
}

/// The weak answers of a report, in its order, each with its score: the
/// questions the schedule brings back and `--retry-weak` asks again.
pub fn weak_answers(report: &Report) -> impl Iterator<Item = (&QuestionFeedback, u8)> {
    report
        .questions
        .iter()
        .filter_map(|q| q.score.filter(|s| is_weak(*s)).map(|s| (q, s)))
}

/// A review scoring this or more is good: the item moves to the next wait.
pub const GOOD_MIN: u8 = 4;

/// What a weak spot is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewKind {
    /// A question answered poorly.
    Question,
    /// A competency scored low.
    Competency,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::Question => "question",
            ReviewKind::Competency => "competency",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewKind> {
        match s {
            "question" => Some(ReviewKind::Question),
            "competency" => Some(ReviewKind::Competency),
            _ => None,
        }
    }
}

/// A weak spot on the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub id: i64,
    pub kind: ReviewKind,
    /// The interview type (`InterviewType::as_str`) it was seen in.
    pub interview_type: String,
    /// What identifies it: the bank question's id, the question's text, or the
    /// competency's name.
    pub subject: String,
    /// The question to drill (for a competency, the question it was last drilled
    /// with, or empty until then).
    pub question: String,
    /// The bank question, when it came from the bank.
    pub bank_id: Option<String>,
    /// Index into [`INTERVALS_DAYS`] of the wait now running.
    pub step: u8,
    /// When it is next offered (Unix ms).
    pub due_at: i64,
    /// The score of the answer that scheduled it, or of its last review.
    pub last_score: Option<u8>,
    /// The conversation (interview or drill) it came from, while it exists.
    pub source_conversation_id: Option<i64>,
    /// Retired: reviewed well at every step.
    pub done: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ReviewItem {
    pub fn is_due(&self, now: i64) -> bool {
        !self.done && self.due_at <= now
    }

    /// A short name for lists: the question, or "competency: depth".
    pub fn label(&self) -> String {
        match self.kind {
            ReviewKind::Question => self.question.clone(),
            ReviewKind::Competency => format!("competency: {}", self.subject),
        }
    }
}

/// A weak spot about to be scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReviewItem {
    pub kind: ReviewKind,
    pub interview_type: String,
    pub subject: String,
    pub question: String,
    pub bank_id: Option<String>,
    pub score: u8,
    pub source_conversation_id: Option<i64>,
}

/// Where an item stands after a review (or when first scheduled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub step: u8,
    pub due_at: i64,
    pub done: bool,
}

/// A weak spot first seen at `now`: offered again after the first wait.
pub fn first_schedule(now: i64) -> Schedule {
    Schedule {
        step: 0,
        due_at: now + INTERVALS_DAYS[0] * DAY_MS,
        done: false,
    }
}

/// The schedule after a review at `now` scoring `score` of an item at `step`:
/// good (4–5) moves to the next wait, or retires the item after the last one;
/// middling (3) waits the same time again; poor (1–2) starts again at one day.
pub fn after_review(step: u8, score: u8, now: i64) -> Schedule {
    let last = (INTERVALS_DAYS.len() - 1) as u8;
    let step = step.min(last);
    if score >= GOOD_MIN {
        if step >= last {
            return Schedule {
                step: last,
                due_at: now,
                done: true,
            };
        }
        let next = step + 1;
        return Schedule {
            step: next,
            due_at: now + INTERVALS_DAYS[usize::from(next)] * DAY_MS,
            done: false,
        };
    }
    if !is_weak(score) {
        return Schedule {
            step,
            due_at: now + INTERVALS_DAYS[usize::from(step)] * DAY_MS,
            done: false,
        };
    }
    first_schedule(now)
}

/// Feedback on one drilled answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillFeedback {
    /// The answer on the anchored 1–5 scale.
    pub score: u8,
    /// The drilled competency's own score, when the drill targets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competency_score: Option<u8>,
    /// The checklist points the answer covers, and those it misses.
    pub covered: Vec<String>,
    pub missing: Vec<String>,
    /// The candidate's words that earned the score (checked to be in the answer).
    pub quotes: Vec<String>,
    /// The one change that would improve the answer most.
    pub next_step: String,
    /// A short model answer, when the model wrote one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub model_answer: String,
    /// `heuristic` or `model`.
    pub source: String,
    /// The model that judged it, for model feedback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Why this is heuristic feedback although a model was asked, if so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl DrillFeedback {
    /// The score the schedule uses: the drilled competency's when there is one.
    pub fn review_score(&self) -> u8 {
        self.competency_score.unwrap_or(self.score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_800_000_000_000;

    #[test]
    fn a_weak_spot_comes_back_after_one_day() {
        let s = first_schedule(T0);
        assert_eq!(
            s,
            Schedule {
                step: 0,
                due_at: T0 + DAY_MS,
                done: false
            }
        );
    }

    #[test]
    fn good_reviews_walk_one_three_seven_days_then_retire() {
        let mut now = T0 + DAY_MS;
        let s1 = after_review(0, 4, now);
        assert_eq!((s1.step, s1.due_at - now, s1.done), (1, 3 * DAY_MS, false));
        now = s1.due_at;
        let s2 = after_review(s1.step, 5, now);
        assert_eq!((s2.step, s2.due_at - now, s2.done), (2, 7 * DAY_MS, false));
        now = s2.due_at;
        let s3 = after_review(s2.step, 4, now);
        assert!(s3.done);
    }

    #[test]
    fn a_poor_review_resets_and_a_middling_one_repeats_the_wait() {
        let now = T0;
        assert_eq!(after_review(2, 2, now), first_schedule(now));
        assert_eq!(after_review(1, 1, now), first_schedule(now));
        let same = after_review(1, 3, now);
        assert_eq!(
            (same.step, same.due_at - now, same.done),
            (1, 3 * DAY_MS, false)
        );
        // A step out of range (a hand-edited row) is read as the last one.
        assert_eq!(after_review(9, 3, now).step, 2);
    }

    #[test]
    fn due_means_open_and_not_in_the_future() {
        let item = ReviewItem {
            id: 1,
            kind: ReviewKind::Question,
            interview_type: "behavioral".into(),
            subject: "beh-failure".into(),
            question: "Tell me about a failure.".into(),
            bank_id: Some("beh-failure".into()),
            step: 0,
            due_at: T0,
            last_score: Some(2),
            source_conversation_id: None,
            done: false,
            created_at: T0 - DAY_MS,
            updated_at: T0 - DAY_MS,
        };
        assert!(!item.is_due(T0 - 1));
        assert!(item.is_due(T0));
        assert!(
            !ReviewItem {
                done: true,
                ..item.clone()
            }
            .is_due(T0 + DAY_MS)
        );
        assert_eq!(item.label(), "Tell me about a failure.");
        assert_eq!(
            ReviewKind::parse("competency"),
            Some(ReviewKind::Competency)
        );
    }
}
