//! The practice loop: plan a drill (a due weak spot first, else a bank question by
//! type and competency), store each attempt and its feedback as a conversation
//! marked as a drill, and keep the spaced-repetition schedule of weak spots: a
//! question answered poorly or a competency scored low (in a report or a drill)
//! comes back after 1, 3 and 7 days (`domain::drill`'s rule), by the service's
//! clock, which tests can pin.

use super::{Service, ServiceError, truncate_words, validate_message};
use crate::agent::drill as coach;
use crate::agent::{AgentError, Backend, bank};
use crate::domain::drill::{
    DrillFeedback, DrillQuestion, NewReviewItem, ReviewItem, ReviewKind, after_review,
    first_schedule, is_weak, weak_answers,
};
use crate::domain::report::Report;
use crate::domain::{InterviewSetup, InterviewType, NewConversation, Role, Status};
use crate::store::{DrillRow, MessageFinish, StoreError};

/// Most weak spots listed as due at once (the welcome screen, `drill`).
pub const MAX_DUE_LISTED: usize = 50;

/// Why a drill could not go on.
#[derive(Debug, thiserror::Error)]
pub enum DrillError {
    #[error(
        "unknown competency {0:?}: use one of structure, relevance, depth, \"evidence & impact\", communication"
    )]
    UnknownCompetency(String),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Agent(#[from] AgentError),
}

impl From<StoreError> for DrillError {
    fn from(e: StoreError) -> Self {
        DrillError::Service(ServiceError::Store(e))
    }
}

/// What a drill will ask, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillPlan {
    pub question: DrillQuestion,
    /// The weak spot this drill reviews, when it came from the schedule.
    pub review: Option<ReviewItem>,
    /// Weak spots due now (this one included).
    pub due: usize,
    /// When nothing is due: when the next weak spot is.
    pub next_due: Option<i64>,
}

/// A drill under way: its plan, its conversation once the first answer is stored,
/// and the feedback on each attempt, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillSession {
    pub plan: DrillPlan,
    pub conversation_id: Option<i64>,
    pub attempts: Vec<DrillFeedback>,
    /// The weak spot's schedule after this drill's first attempt, when it has one.
    pub schedule: Option<ReviewItem>,
}

impl DrillSession {
    pub fn new(plan: DrillPlan) -> DrillSession {
        DrillSession {
            plan,
            conversation_id: None,
            attempts: Vec::new(),
            schedule: None,
        }
    }
}

impl Service {
    /// The time the schedule goes by (pinned in tests).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Plans a drill. With neither type nor competency, the most overdue weak spot;
    /// otherwise (or when none is due) a bank question of that type, exercising
    /// that competency.
    pub fn plan_drill(
        &self,
        kind: Option<InterviewType>,
        competency: Option<&str>,
    ) -> Result<DrillPlan, DrillError> {
        let competency = match competency {
            Some(c) => Some(
                coach::competency(c).ok_or_else(|| DrillError::UnknownCompetency(c.to_string()))?,
            ),
            None => None,
        };
        let now = self.now_ms();
        let due = self.store.due_review_items(now, MAX_DUE_LISTED)?;
        if kind.is_none()
            && competency.is_none()
            && let Some(item) = due.first()
        {
            let item_kind = InterviewType::parse(&item.interview_type).unwrap_or_default();
            let question = match item.kind {
                ReviewKind::Question => {
                    coach::for_question(&item.question, item.bank_id.as_deref(), item_kind)
                }
                ReviewKind::Competency => coach::choose(
                    Some(item_kind),
                    Some(&item.subject),
                    coach::seed(now, item.id),
                ),
            };
            return Ok(DrillPlan {
                question,
                review: Some(item.clone()),
                due: due.len(),
                next_due: None,
            });
        }
        let next_due = match due.first() {
            Some(_) => None,
            None => self.store.open_review_items()?.first().map(|i| i.due_at),
        };
        Ok(DrillPlan {
            question: coach::choose(kind, competency, coach::seed(now, 0)),
            review: None,
            due: due.len(),
            next_due,
        })
    }

    /// Weak spots due now, most overdue first.
    pub fn due_reviews(&self) -> Result<Vec<ReviewItem>, ServiceError> {
        Ok(self.store.due_review_items(self.now_ms(), MAX_DUE_LISTED)?)
    }

    /// Every weak spot on the schedule, soonest first.
    pub fn open_reviews(&self) -> Result<Vec<ReviewItem>, ServiceError> {
        Ok(self.store.open_review_items()?)
    }

    /// One attempt at the drill: the answer is stored first (the drill's
    /// conversation is made on the first one), then judged by `backend`, and the
    /// feedback stored after it. The first attempt is the one the schedule counts:
    /// it reviews the weak spot the drill came from, or schedules a new one when it
    /// is weak; a try again is practice with the feedback in view.
    pub async fn drill_attempt(
        &self,
        session: &mut DrillSession,
        answer: &str,
        backend: &Backend,
    ) -> Result<DrillFeedback, DrillError> {
        let answer = validate_message(answer)?;
        let conversation_id = match session.conversation_id {
            Some(id) => id,
            None => {
                let id = self.start_drill(&session.plan)?;
                session.conversation_id = Some(id);
                id
            }
        };
        self.store
            .insert_message(conversation_id, Role::User, answer, Status::Complete)?;
        let q = &session.plan.question;
        let (feedback, usage) = coach::feedback(backend, &self.settings.model, q, answer).await?;
        let mut text = format!(
            "Feedback on attempt {}\n\n{}",
            session.attempts.len() + 1,
            coach::render_feedback(&feedback)
        );
        if let Some(first) = session.attempts.first() {
            text.push('\n');
            text.push_str(&coach::render_compare(first, &feedback));
        }
        let reply =
            self.store
                .insert_message(conversation_id, Role::Assistant, &text, Status::Complete)?;
        if let Some(model) = &feedback.model {
            // Which model judged it and the tokens it used, for `stats` and costs.
            self.store.finish_message(
                reply,
                &MessageFinish {
                    content: text.clone(),
                    status: Status::Complete,
                    error: None,
                    prompt_tokens: usage.map(|u| i64::from(u.prompt_tokens)),
                    completion_tokens: usage.map(|u| i64::from(u.completion_tokens)),
                    model: Some(model.clone()),
                },
            )?;
        }
        self.store
            .record_drill_attempt(conversation_id, feedback.score)?;
        if session.attempts.is_empty() {
            session.schedule =
                self.schedule_after_drill(&session.plan, conversation_id, &feedback)?;
        }
        session.attempts.push(feedback.clone());
        Ok(feedback)
    }

    /// The drill's conversation: its question as the first turn, marked as a drill.
    fn start_drill(&self, plan: &DrillPlan) -> Result<i64, DrillError> {
        let q = &plan.question;
        let title = truncate_words(
            &format!("Drill · {}", crate::sanitize::single_line(&q.question)),
            super::AUTO_TITLE_CHARS,
        );
        let id = self.store.create_conversation(&NewConversation {
            title,
            persona: crate::domain::persona::DEFAULT_PERSONA.to_string(),
            setup: Some(InterviewSetup {
                interview_type: q.kind,
                ..InterviewSetup::default()
            }),
            // A drill is judged one answer at a time, not a conversation with a model.
            model: None,
        })?;
        self.store.insert_drill(&DrillRow {
            conversation_id: id,
            review_item_id: plan.review.as_ref().map(|r| r.id),
            interview_type: q.kind.as_str().to_string(),
            question: q.question.clone(),
            bank_id: q.bank_id.clone(),
            competency: q.competency.clone(),
            attempts: 0,
            first_score: None,
            last_score: None,
            created_at: self.now_ms(),
        })?;
        self.store
            .insert_message(id, Role::Assistant, &q.question, Status::Complete)?;
        Ok(id)
    }

    /// The schedule after a drill's first attempt: the weak spot it reviewed moves
    /// on or starts again; a weak answer to a question (or on the drilled
    /// competency) not on the schedule goes on it.
    fn schedule_after_drill(
        &self,
        plan: &DrillPlan,
        conversation_id: i64,
        feedback: &DrillFeedback,
    ) -> Result<Option<ReviewItem>, DrillError> {
        let now = self.now_ms();
        let score = feedback.review_score();
        let q = &plan.question;
        let id = match &plan.review {
            Some(item) => {
                let question = match item.kind {
                    ReviewKind::Competency => q.question.as_str(),
                    ReviewKind::Question => "",
                };
                self.store.review_item_reviewed(
                    item.id,
                    after_review(item.step, score, now),
                    score,
                    question,
                    now,
                )?;
                item.id
            }
            None if is_weak(score) => {
                let (kind, subject) = match (&q.competency, feedback.competency_score) {
                    (Some(c), Some(_)) => (ReviewKind::Competency, c.clone()),
                    _ => (
                        ReviewKind::Question,
                        q.bank_id.clone().unwrap_or_else(|| q.question.clone()),
                    ),
                };
                self.store.schedule_review_item(
                    &NewReviewItem {
                        kind,
                        interview_type: q.kind.as_str().to_string(),
                        subject,
                        question: q.question.clone(),
                        bank_id: q.bank_id.clone(),
                        score,
                        source_conversation_id: Some(conversation_id),
                    },
                    first_schedule(now),
                    now,
                )?
            }
            None => return Ok(None),
        };
        Ok(self.store.review_item(id)?)
    }

    /// Puts the weak spots of a conversation's newest report on the schedule: each
    /// question scored 2 or less, each competency scored 2 or less. Ones already on
    /// it keep their place.
    pub(crate) fn schedule_weak_spots(
        &self,
        conversation_id: i64,
        setup: &InterviewSetup,
        report: &Report,
    ) -> Result<usize, StoreError> {
        let now = self.now_ms();
        let mut scheduled = 0;
        for (q, score) in weak_answers(report) {
            let from_bank = bank::find_in(&q.question);
            let kind = from_bank.map_or(setup.interview_type, |b| b.interview_type);
            self.store.schedule_review_item(
                &NewReviewItem {
                    kind: ReviewKind::Question,
                    interview_type: kind.as_str().to_string(),
                    subject: from_bank
                        .map_or_else(|| q.question.trim().to_string(), |b| b.id.clone()),
                    question: from_bank
                        .map_or_else(|| q.question.trim().to_string(), |b| b.question.clone()),
                    bank_id: from_bank.map(|b| b.id.clone()),
                    score,
                    source_conversation_id: Some(conversation_id),
                },
                first_schedule(now),
                now,
            )?;
            scheduled += 1;
        }
        for c in report.competencies.iter().filter(|c| is_weak(c.score)) {
            self.store.schedule_review_item(
                &NewReviewItem {
                    kind: ReviewKind::Competency,
                    interview_type: setup.interview_type.as_str().to_string(),
                    subject: c.name.clone(),
                    question: String::new(),
                    bank_id: None,
                    score: c.score,
                    source_conversation_id: Some(conversation_id),
                },
                first_schedule(now),
                now,
            )?;
            scheduled += 1;
        }
        Ok(scheduled)
    }

    /// Whether a conversation is a drill.
    pub fn is_drill(&self, conversation_id: i64) -> Result<bool, ServiceError> {
        Ok(self.store.drill(conversation_id)?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::cli::GlobalArgs;
    use crate::clock::FixedClock;
    use crate::config::Settings;
    use crate::domain::drill::DAY_MS;

    const T0: i64 = 1_800_000_000_000;
    const WEAK: &str = "We missed a deadline once but it was fine in the end.";
    const STRONG: &str = "Last March I was the release owner for our mobile app at Acme. My task \
        was to ship before a partner launch. I underestimated the app store review time, so the \
        release slipped by two weeks, and that was my mistake. I told the partner the same day, \
        rebuilt the plan with a review buffer, and shipped a web fallback so their launch still \
        went ahead. As a result the partner stayed, and the next three releases shipped on time. \
        I learned to plan for the review queue, and I now add a buffer to every release plan.";

    fn service() -> (tempfile::TempDir, Arc<FixedClock>, Service) {
        let dir = tempfile::tempdir().expect("tempdir");
        let settings = Settings::from_args(&GlobalArgs {
            data_dir: Some(dir.path().join("data")),
            offline: true,
            ..GlobalArgs::default()
        })
        .expect("settings");
        let clock = Arc::new(FixedClock::new(T0));
        let s = Service::open(settings)
            .expect("open")
            .with_clock(clock.clone());
        (dir, clock, s)
    }

    fn failure_plan() -> DrillPlan {
        DrillPlan {
            question: coach::for_question("", Some("beh-failure"), InterviewType::Behavioral),
            review: None,
            due: 0,
            next_due: None,
        }
    }

    #[tokio::test]
    async fn a_weak_first_attempt_is_scheduled_and_the_retry_is_only_practice() {
        let (_dir, clock, s) = service();
        let mut session = DrillSession::new(failure_plan());
        let first = s
            .drill_attempt(&mut session, WEAK, &Backend::Offline)
            .await
            .expect("first");
        assert!(first.score <= 2);
        let item = session.schedule.clone().expect("scheduled");
        assert_eq!((item.step, item.due_at), (0, T0 + DAY_MS));
        let second = s
            .drill_attempt(&mut session, STRONG, &Backend::Offline)
            .await
            .expect("retry");
        assert!(second.score > first.score);
        let id = session.conversation_id.expect("stored");
        assert!(s.is_drill(id).expect("drill"));
        let messages = s.messages(id).expect("messages");
        assert_eq!(messages.len(), 5, "question, two answers, two feedbacks");
        assert!(
            messages[4].content.contains("Before and after"),
            "{}",
            messages[4].content
        );
        // The retry did not move the schedule: still due after one day.
        assert!(s.due_reviews().expect("due").is_empty());
        clock.advance(DAY_MS);
        let due = s.due_reviews().expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].due_at, T0 + DAY_MS);
    }

    #[tokio::test]
    async fn the_most_overdue_weak_spot_is_drilled_and_a_good_review_waits_three_days() {
        let (_dir, clock, s) = service();
        let mut session = DrillSession::new(failure_plan());
        s.drill_attempt(&mut session, WEAK, &Backend::Offline)
            .await
            .expect("weak");
        let plan = s.plan_drill(None, None).expect("plan");
        assert!(plan.review.is_none(), "not due yet");
        assert_eq!(plan.next_due, Some(T0 + DAY_MS));

        clock.advance(DAY_MS + 60_000);
        let plan = s.plan_drill(None, None).expect("plan");
        let item = plan.review.clone().expect("due");
        assert_eq!(plan.question.bank_id.as_deref(), Some("beh-failure"));
        let mut review = DrillSession::new(plan);
        s.drill_attempt(&mut review, STRONG, &Backend::Offline)
            .await
            .expect("good");
        let after = review.schedule.expect("reviewed");
        assert_eq!(after.id, item.id);
        assert_eq!((after.step, after.due_at), (1, s.now_ms() + 3 * DAY_MS));

        // A poor review starts it again at one day.
        clock.set(after.due_at);
        let mut poor = DrillSession::new(s.plan_drill(None, None).expect("plan"));
        s.drill_attempt(&mut poor, WEAK, &Backend::Offline)
            .await
            .expect("poor");
        let reset = poor.schedule.expect("reviewed");
        assert_eq!((reset.step, reset.due_at), (0, s.now_ms() + DAY_MS));
    }

    #[test]
    fn a_report_s_weak_questions_and_competencies_go_on_the_schedule() {
        let (_dir, _clock, s) = service();
        let mut report =
            crate::domain::report::parse(&crate::domain::report::good_json().to_string())
                .expect("report");
        report.questions[0].score = Some(2);
        report.competencies[2].score = 1;
        let setup = InterviewSetup {
            interview_type: InterviewType::Technical,
            ..InterviewSetup::default()
        };
        let id = s
            .create_conversation("hello", "career-interviewer", Some(setup.clone()), None)
            .expect("conversation");
        assert_eq!(
            s.schedule_weak_spots(id, &setup, &report)
                .expect("schedule"),
            2
        );
        let open = s.open_reviews().expect("open");
        assert_eq!(open.len(), 2);
        assert!(open.iter().any(|i| i.kind == ReviewKind::Competency
            && i.subject == "depth"
            && i.interview_type == "technical"));
        assert!(open.iter().any(|i| i.kind == ReviewKind::Question
            && i.question == "Tell me about a failure."));
        // The same report again changes nothing.
        s.schedule_weak_spots(id, &setup, &report).expect("again");
        assert_eq!(s.open_reviews().expect("open").len(), 2);
    }

    #[test]
    fn an_unknown_competency_is_refused_in_words() {
        let (_dir, _clock, s) = service();
        let err = s.plan_drill(None, Some("charisma")).expect_err("unknown");
        assert!(err.to_string().contains("structure, relevance"), "{err}");
        let plan = s
            .plan_drill(Some(InterviewType::Technical), Some("Depth"))
            .expect("plan");
        assert_eq!(plan.question.kind, InterviewType::Technical);
        assert_eq!(plan.question.competency.as_deref(), Some("depth"));
    }
}
