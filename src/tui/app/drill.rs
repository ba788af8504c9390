//! The drill window's side of the app: opening it (the runtime chooses the
//! question), sending each answer to be judged, taking the feedback back, and the
//! weak spots due that the first screen offers.

use super::*;
use crate::domain::drill::{INTERVALS_DAYS, ReviewKind};

impl App {
    /// Opens the drill window; the runtime chooses the question.
    pub(super) fn start_drill(&mut self) -> Vec<Effect> {
        if self.pending.is_some() {
            self.info("a reply is on its way: wait for it (or Esc to stop it), then drill");
            return vec![];
        }
        let view = DrillView::planning(self.render_theme.clone());
        self.overlay = Some(Overlay::Drill(Box::new(DrillOverlay {
            view,
            session: None,
        })));
        vec![Effect::PlanDrill]
    }

    pub(super) fn on_drill_key(&mut self, mut d: Box<DrillOverlay>, key: KeyEvent) -> Vec<Effect> {
        match d.view.handle_key(key) {
            DrillOutcome::Close => {
                if d.session
                    .as_ref()
                    .is_some_and(|s| s.conversation_id.is_some())
                {
                    self.info("the drill is kept in your conversations");
                }
                // The list shows the drill, and the first screen what is still due.
                self.refresh_after_drill()
            }
            DrillOutcome::Submit(answer) => match d.session.take() {
                Some(session) => {
                    self.overlay = Some(Overlay::Drill(d));
                    vec![Effect::DrillAnswer {
                        session: Box::new(session),
                        answer,
                    }]
                }
                None => {
                    // Still being judged (cannot happen: the box is closed meanwhile).
                    d.view
                        .fail("the last answer is still being judged", Some(&answer));
                    self.overlay = Some(Overlay::Drill(d));
                    vec![]
                }
            },
            DrillOutcome::None => {
                self.overlay = Some(Overlay::Drill(d));
                vec![]
            }
        }
    }

    fn refresh_after_drill(&mut self) -> Vec<Effect> {
        self.sidebar.reset();
        vec![
            Effect::LoadConversations {
                archived: self.sidebar.archived,
                generation: self.sidebar.generation,
                offset: 0,
            },
            Effect::LoadDue,
        ]
    }

    pub(super) fn on_drill_planned(&mut self, result: Result<DrillPlan, String>) -> Vec<Effect> {
        let Some(Overlay::Drill(d)) = self.overlay.as_mut() else {
            return vec![];
        };
        match result {
            Ok(plan) => {
                let q = &plan.question;
                let mut what = format!("Drill · {}", q.kind.label());
                if let Some(c) = &q.competency {
                    what.push_str(&format!(", working on {c}"));
                }
                let header = match &plan.review {
                    Some(item) => {
                        let about = match item.kind {
                            ReviewKind::Question => "a question you answered poorly".to_string(),
                            ReviewKind::Competency => format!("your {} (scored low)", item.subject),
                        };
                        let more = match plan.due {
                            0 | 1 => String::new(),
                            n => format!("; {} more due after this one", n - 1),
                        };
                        format!("Weak spot due: {about}{more}.")
                    }
                    None => match plan.next_due {
                        Some(at) => format!(
                            "No weak spot is due (the next is due {}): a question from the bank.",
                            crate::timefmt::date_time(at)
                        ),
                        None => "No weak spot is due: a question from the bank.".to_string(),
                    },
                };
                d.view.ask(header, what, q.question.clone());
                d.session = Some(DrillSession::new(plan));
            }
            Err(reason) => d.view.fail(&reason, None),
        }
        vec![]
    }

    pub(super) fn on_drill_judged(
        &mut self,
        session: DrillSession,
        answer: String,
        result: Result<DrillFeedback, String>,
    ) -> Vec<Effect> {
        let Some(Overlay::Drill(d)) = self.overlay.as_mut() else {
            // The window was closed meanwhile: the answer and its feedback are stored.
            return self.refresh_after_drill();
        };
        match result {
            Ok(feedback) => {
                let note =
                    (session.attempts.len() == 1).then(|| schedule_note(&session, &feedback));
                d.view.judged(feedback, note);
            }
            Err(reason) => d.view.fail(&reason, Some(&answer)),
        }
        d.session = Some(session);
        vec![]
    }

    pub(super) fn on_due_loaded(&mut self, due: Vec<ReviewItem>) -> Vec<Effect> {
        if let Some(Overlay::Welcome(w)) = self.overlay.as_mut() {
            w.set_due(due.len());
        }
        self.due = due;
        vec![]
    }
}

/// What the first attempt did to the schedule, in a sentence.
fn schedule_note(session: &DrillSession, feedback: &DrillFeedback) -> String {
    match &session.schedule {
        Some(i) if i.done => {
            "Schedule: answered well at every step, so this weak spot is retired.".into()
        }
        Some(i) => format!(
            "Schedule: this comes back on {} (wait {} of {}); a good answer (4 or 5) then moves it on.",
            crate::timefmt::date_time(i.due_at),
            usize::from(i.step) + 1,
            INTERVALS_DAYS.len()
        ),
        None => format!(
            "Schedule: at {}/5 this is not a weak spot, so nothing is scheduled.",
            feedback.review_score()
        ),
    }
}
