//! The drill window: one question, an answer box, then the feedback on that answer
//! (score with the words that earned it, the checklist, one next step) and, after
//! a try again, the before and after side by side. Pure state and drawing; the app
//! turns its outcomes into effects (judge this answer, close).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::centered;
use super::input::AnswerBox;
use crate::agent::drill as coach;
use crate::domain::drill::DrillFeedback;
use crate::sanitize;
use crate::tui::keys::{self, Action, Scope};
use crate::tui::render::Theme;

/// Where the drill is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Choosing the question.
    Planning,
    /// The user is typing an answer.
    Answering,
    /// The answer is being judged.
    Judging,
    /// The feedback is shown; `t` tries again.
    Feedback,
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillOutcome {
    /// Redraw.
    None,
    /// Judge this answer.
    Submit(String),
    /// Leave the drill (what was answered is kept).
    Close,
}

/// The drill window's state.
#[derive(Debug, Clone)]
pub struct DrillView {
    pub stage: Stage,
    /// Why this question (a weak spot due, or none due).
    pub header: String,
    /// "Behavioural, working on depth".
    pub what: String,
    pub question: String,
    pub attempts: Vec<DrillFeedback>,
    /// What the first attempt did to the schedule.
    pub schedule_note: Option<String>,
    pub input: AnswerBox,
    pub error: Option<String>,
    scroll: u16,
    theme: Theme,
}

impl DrillView {
    /// The window while the question is being chosen.
    pub fn planning(theme: Theme) -> DrillView {
        DrillView {
            stage: Stage::Planning,
            header: String::new(),
            what: String::new(),
            question: String::new(),
            attempts: Vec::new(),
            schedule_note: None,
            input: AnswerBox::default(),
            error: None,
            scroll: 0,
            theme,
        }
    }

    /// The question is chosen: ready for the answer.
    pub fn ask(&mut self, header: String, what: String, question: String) {
        self.header = header;
        self.what = what;
        self.question = question;
        self.stage = Stage::Answering;
        self.error = None;
    }

    /// The plan could not be made, or the judging failed: say why. A failed answer
    /// goes back into the box, so nothing typed is lost.
    pub fn fail(&mut self, reason: &str, answer: Option<&str>) {
        self.error = Some(sanitize::for_terminal_line(reason));
        if let Some(text) = answer {
            self.input = AnswerBox::new(text);
            self.stage = Stage::Answering;
        }
    }

    /// Feedback on the latest attempt arrived.
    pub fn judged(&mut self, feedback: DrillFeedback, schedule_note: Option<String>) {
        self.attempts.push(feedback);
        if self.attempts.len() == 1 {
            self.schedule_note = schedule_note;
        }
        self.stage = Stage::Feedback;
        self.error = None;
        self.scroll = 0;
        self.input = AnswerBox::default();
    }

    /// Scrolls the feedback by `delta` lines (negative is up), e.g. for the wheel.
    pub fn scroll_by(&mut self, delta: isize) {
        if self.stage == Stage::Feedback {
            self.scroll = self
                .scroll
                .saturating_add_signed(delta.clamp(-100, 100) as i16);
        }
    }

    pub fn handle_paste(&mut self, text: &str) {
        if self.stage == Stage::Answering {
            self.input.insert_str(text);
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DrillOutcome {
        match self.stage {
            Stage::Planning | Stage::Judging => match key.code {
                KeyCode::Esc => DrillOutcome::Close,
                _ => DrillOutcome::None,
            },
            Stage::Feedback => {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') => return DrillOutcome::Close,
                    KeyCode::Char('t') | KeyCode::Enter => {
                        self.stage = Stage::Answering;
                        self.scroll = 0;
                    }
                    KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.scroll = self.scroll.saturating_add(1)
                    }
                    KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
                    KeyCode::PageDown | KeyCode::Char(' ') => {
                        self.scroll = self.scroll.saturating_add(10);
                    }
                    KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
                    _ => {}
                }
                DrillOutcome::None
            }
            Stage::Answering => {
                if key.code == KeyCode::Esc {
                    return DrillOutcome::Close;
                }
                match keys::action(Scope::Input, &key) {
                    Some(Action::Send) => {
                        let text = self.input.text();
                        if text.trim().is_empty() {
                            self.error = Some("Type your answer first, then send it.".into());
                            return DrillOutcome::None;
                        }
                        self.stage = Stage::Judging;
                        self.error = None;
                        DrillOutcome::Submit(text)
                    }
                    Some(action) => {
                        self.input.edit(action);
                        DrillOutcome::None
                    }
                    None => {
                        if key.modifiers.contains(KeyModifiers::CONTROL) {
                            return DrillOutcome::None;
                        }
                        self.input.type_key(key);
                        DrillOutcome::None
                    }
                }
            }
        }
    }

    /// The text above the answer box (or filling the window once judged).
    pub fn body(&self) -> String {
        let mut text = String::new();
        if !self.header.is_empty() {
            text.push_str(&self.header);
            text.push('\n');
        }
        match self.stage {
            Stage::Planning => {
                text.push_str("Choosing a question (weak spots that are due come first)…\n");
                return text;
            }
            _ => text.push_str(&format!("{}\n\n  {}\n", self.what, self.question)),
        }
        if let Some(latest) = self.attempts.last() {
            text.push_str(&format!("\nFeedback on attempt {}\n", self.attempts.len()));
            text.push_str(&coach::render_feedback(latest));
            if let (Some(first), true) = (self.attempts.first(), self.attempts.len() > 1) {
                text.push('\n');
                text.push_str(&coach::render_compare(first, latest));
            }
            if let Some(note) = &self.schedule_note {
                text.push('\n');
                text.push_str(note);
                text.push('\n');
            }
        }
        if self.stage == Stage::Judging {
            text.push_str("\nJudging your answer…\n");
        }
        text
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let popup = centered(area, 100, area.height.saturating_sub(2).max(3));
        Clear.render(popup, buf);
        let hints: &[&str] = match self.stage {
            Stage::Answering => &[
                " Enter judges the answer · Alt+Enter new line · Esc leaves ",
                " Enter judges · Esc leaves ",
                " Esc leaves ",
            ],
            Stage::Feedback => &[
                " t try again · ↑↓ scroll · Esc done (the drill is kept) ",
                " t try again · Esc done ",
                " Esc done ",
            ],
            Stage::Planning | Stage::Judging => &[" Esc leaves ", ""],
        };
        let block = super::window_block(t, &[" Drill "], hints, popup.width);
        let inner = block.inner(popup);
        block.render(popup, buf);
        let inner = super::padded(inner);
        let box_h = if self.stage == Stage::Answering {
            (inner.height / 3).clamp(3.min(inner.height), 8)
        } else {
            0
        };
        let error_h = u16::from(self.error.is_some()).min(inner.height.saturating_sub(box_h));
        let text_h = inner.height.saturating_sub(box_h + error_h);
        let body = sanitize::for_terminal(&self.body());
        // While answering, the end of the text (the question, the last feedback)
        // stays in view above the box; the feedback scrolls no further than its end.
        let w = usize::from(inner.width.max(1));
        let wrapped: usize = body
            .lines()
            .map(|l| {
                crate::tui::render::wrap::display_width(l)
                    .div_ceil(w)
                    .max(1)
            })
            .sum();
        let last = u16::try_from(wrapped.saturating_sub(usize::from(text_h))).unwrap_or(u16::MAX);
        let scroll = if self.stage == Stage::Answering {
            last
        } else {
            self.scroll.min(last)
        };
        Paragraph::new(body)
            .style(t.text)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(
                Rect {
                    height: text_h,
                    ..inner
                },
                buf,
            );
        if let Some(e) = &self.error {
            Paragraph::new(Line::styled(format!("✗ {e}"), t.error)).render(
                Rect {
                    y: inner.y + text_h,
                    height: error_h,
                    ..inner
                },
                buf,
            );
        }
        if box_h > 0 {
            let mut input = self.input.clone();
            input.set_look(true, t.muted);
            let area = Rect {
                y: inner.y + text_h + error_h,
                height: box_h,
                ..inner
            };
            let framed = Block::default()
                .borders(Borders::TOP)
                .border_style(t.border)
                .title(Span::styled(" Your answer ", t.muted));
            let inside = framed.inner(area);
            framed.render(area, buf);
            input.widget().render(inside, buf);
        }
    }
}

impl Widget for &DrillView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        DrillView::render(self, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn feedback(score: u8, covered: &[&str], missing: &[&str]) -> DrillFeedback {
        DrillFeedback {
            score,
            competency_score: None,
            covered: covered.iter().map(|s| s.to_string()).collect(),
            missing: missing.iter().map(|s| s.to_string()).collect(),
            quotes: vec!["shipped on time".into()],
            next_step: "Put a number on the result.".into(),
            model_answer: String::new(),
            source: "heuristic".into(),
            model: None,
            note: None,
        }
    }

    fn screen(view: &DrillView, w: u16, h: u16) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        view.render(area, &mut buf);
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn answer_feedback_try_again_then_before_and_after() {
        let mut v = DrillView::planning(Theme::no_color());
        assert_eq!(v.handle_key(key(KeyCode::Char('x'))), DrillOutcome::None);
        v.ask(
            String::new(),
            "Behavioural".into(),
            "Tell me about a failure.".into(),
        );
        assert_eq!(v.handle_key(key(KeyCode::Enter)), DrillOutcome::None);
        assert!(v.error.is_some(), "an empty answer is refused");
        v.handle_paste("We missed it");
        assert_eq!(
            v.handle_key(key(KeyCode::Enter)),
            DrillOutcome::Submit("We missed it".into())
        );
        assert_eq!(v.stage, Stage::Judging);
        v.judged(
            feedback(2, &[], &["A number"]),
            Some("Schedule: back tomorrow.".into()),
        );
        assert_eq!(v.stage, Stage::Feedback);
        let shown = screen(&v, 100, 30);
        assert!(shown.contains("Score: ■■□□□ 2/5"), "{shown}");
        assert!(shown.contains("Schedule: back tomorrow."), "{shown}");
        assert_eq!(v.handle_key(key(KeyCode::Char('t'))), DrillOutcome::None);
        assert_eq!(v.stage, Stage::Answering);
        for c in "We shipped 3 releases on time".chars() {
            v.handle_key(key(KeyCode::Char(c)));
        }
        assert!(matches!(
            v.handle_key(key(KeyCode::Enter)),
            DrillOutcome::Submit(_)
        ));
        v.judged(feedback(4, &["A number"], &[]), None);
        let shown = screen(&v, 100, 30);
        assert!(shown.contains("Before and after"), "{shown}");
        assert!(shown.contains("✗  →  ✓   A number"), "{shown}");
        assert_eq!(v.handle_key(key(KeyCode::Esc)), DrillOutcome::Close);
    }

    #[test]
    fn a_failed_judging_gives_the_answer_back() {
        let mut v = DrillView::planning(Theme::no_color());
        v.ask(String::new(), "Technical".into(), "How do you test?".into());
        v.handle_paste("my answer");
        v.handle_key(key(KeyCode::Enter));
        v.fail("the server failed (HTTP 500)", Some("my answer"));
        assert_eq!(v.stage, Stage::Answering);
        assert_eq!(v.input.text(), "my answer");
        let shown = screen(&v, 60, 20);
        assert!(shown.contains("✗ the server failed"), "{shown}");
    }

    #[test]
    fn it_draws_in_small_terminals() {
        let mut v = DrillView::planning(Theme::no_color());
        for (w, h) in [(1, 1), (20, 5), (50, 20), (80, 24)] {
            screen(&v, w, h);
        }
        v.ask("Weak spot due".into(), "Behavioural".into(), "Q?".into());
        for (w, h) in [(1, 1), (20, 5), (50, 20)] {
            screen(&v, w, h);
        }
    }
}
