//! The feedback report view: readiness, competency scores as bars with their evidence,
//! per-question feedback, top improvements and a study plan, scrollable. Also shows a
//! report the evaluator returned as invalid JSON (its raw text, plainly) and the
//! offline heuristic report, labelled as such.
//!
//! It draws a [`ReportModel`], a plain view model built from a stored report with
//! [`ReportModel::from_stored`], so the drawing does not depend on how reports are
//! parsed or stored (and tests can draw any shape).

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::fitting;
use crate::domain::StoredReport;
use crate::domain::report::{ParsedReport, Readiness, Report};
use crate::sanitize;
use crate::tui::render::wrap::{WrapOptions, display_width, wrap_spans};
use crate::tui::render::{Theme, markdown_lines};

/// Who wrote the report, which decides how much to trust it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSource {
    /// The evaluator model (its name when known).
    Model(Option<String>),
    /// The offline rule-based checks (length, STAR parts, numbers, filler words).
    Heuristic,
}

/// One competency's score, 1–5, with the evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetencyScore {
    pub name: String,
    pub score: f32,
    pub evidence: String,
}

/// Feedback on one answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QuestionFeedback {
    pub question: String,
    /// What the candidate said, in a sentence.
    pub answer_summary: Option<String>,
    pub strengths: Vec<String>,
    pub improvements: Vec<String>,
    pub better_answer: Option<String>,
    /// The candidate's own answer rewritten (model reports).
    pub rewritten: Option<String>,
    /// Per-competency scores of this answer with the quote each rests on (model
    /// reports): `(competency, score, quote, supported)`.
    pub scores: Vec<(String, u8, String, bool)>,
    /// The answer's own score, 1–5, when the report gives one.
    pub score: Option<u8>,
    /// Points of a good answer this answer covered, and those it missed.
    pub covered: Vec<String>,
    pub missing: Vec<String>,
}

/// What the report view shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportModel {
    pub source: ReportSource,
    pub readiness: Option<Readiness>,
    pub summary: Option<String>,
    pub competencies: Vec<CompetencyScore>,
    pub questions: Vec<QuestionFeedback>,
    pub top_improvements: Vec<String>,
    pub study_plan: Vec<String>,
    /// Set when the evaluator's reply could not be read as a report: shown as written.
    pub raw_text: Option<String>,
}

impl ReportModel {
    /// The view of a stored report: a valid one in full, anything else as raw text.
    pub fn from_stored(stored: &StoredReport) -> ReportModel {
        let source = if stored.kind == crate::domain::report::KIND_HEURISTIC {
            ReportSource::Heuristic
        } else {
            ReportSource::Model(stored.model.clone())
        };
        match crate::domain::report::parse_stored(stored) {
            ParsedReport::Valid(r) => ReportModel::from_report(source, &r),
            ParsedReport::Raw(text) => ReportModel::raw(source, &text),
        }
    }

    pub fn from_report(source: ReportSource, r: &Report) -> ReportModel {
        let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
        ReportModel {
            source,
            readiness: Some(r.readiness),
            summary: non_empty(&r.overall_summary),
            competencies: r
                .competencies
                .iter()
                .map(|c| CompetencyScore {
                    name: capitalised(&c.name),
                    score: f32::from(c.score),
                    evidence: c.evidence.clone(),
                })
                .collect(),
            questions: r
                .questions
                .iter()
                .map(|q| QuestionFeedback {
                    question: q.question.clone(),
                    answer_summary: non_empty(&q.answer_summary),
                    strengths: q.strengths.clone(),
                    improvements: q.improvements.clone(),
                    better_answer: non_empty(&q.better_answer),
                    rewritten: non_empty(&q.rewritten),
                    scores: q
                        .scores
                        .iter()
                        .map(|s| (s.competency.clone(), s.score, s.quote.clone(), s.supported))
                        .collect(),
                    score: q.score,
                    covered: q.covered.clone(),
                    missing: q.missing.clone(),
                })
                .collect(),
            top_improvements: r.top_improvements.clone(),
            study_plan: r.study_plan.clone(),
            raw_text: None,
        }
    }

    /// A report that is only the evaluator's raw reply (invalid JSON).
    pub fn raw(source: ReportSource, text: &str) -> ReportModel {
        ReportModel {
            source,
            readiness: None,
            summary: None,
            competencies: Vec::new(),
            questions: Vec::new(),
            top_improvements: Vec::new(),
            study_plan: Vec::new(),
            raw_text: Some(text.to_string()),
        }
    }
}

/// What a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOutcome {
    /// Scrolled; redraw.
    Consumed,
    /// Esc or q: back to the conversation.
    Close,
    /// r: ask for a new report.
    Regenerate,
    /// P: progress across interviews (one key from the report).
    Progress,
    Ignored,
}

/// The report view's state.
#[derive(Debug, Clone)]
pub struct ReportView {
    model: ReportModel,
    title: String,
    scroll: usize,
    /// A new report is being made (`r`); this one shows until it is ready.
    busy: bool,
    /// The largest useful scroll offset and the page size at the last draw.
    max_scroll: Cell<usize>,
    page: Cell<usize>,
    theme: Theme,
}

/// Cells of a score bar: two per point, so half points show.
const BAR_CELLS: usize = 10;

impl ReportView {
    /// `title` names the conversation the report is about.
    pub fn new(model: ReportModel, title: &str) -> ReportView {
        ReportView {
            model,
            title: sanitize::for_terminal_line(title),
            scroll: 0,
            busy: false,
            max_scroll: Cell::new(usize::MAX),
            page: Cell::new(10),
            theme: Theme::default(),
        }
    }

    pub fn with_theme(mut self, theme: Theme) -> ReportView {
        self.theme = theme;
        self
    }

    /// Says whether a new report is being made (the view says so until it is ready).
    pub fn set_busy(&mut self, busy: bool) {
        self.busy = busy;
    }

    pub fn busy(&self) -> bool {
        self.busy
    }

    /// Scrolls by `delta` lines (negative is up), e.g. for the mouse wheel.
    pub fn scroll_by(&mut self, delta: isize) {
        let to = self.scroll.saturating_add_signed(delta);
        self.scroll = to.min(self.max_scroll.get());
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> ReportOutcome {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return ReportOutcome::Ignored;
        }
        let max = self.max_scroll.get();
        let page = self.page.get().max(1);
        let to = match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return ReportOutcome::Close,
            KeyCode::Char('r') => return ReportOutcome::Regenerate,
            KeyCode::Char('P') => return ReportOutcome::Progress,
            KeyCode::Down | KeyCode::Char('j') => self.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll.saturating_add(page),
            KeyCode::PageUp => self.scroll.saturating_sub(page),
            KeyCode::Home | KeyCode::Char('g') => 0,
            KeyCode::End | KeyCode::Char('G') => max,
            _ => return ReportOutcome::Ignored,
        };
        self.scroll = to.min(max);
        ReportOutcome::Consumed
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        // The conversation's title, cut with "…" to the border's room.
        let room = usize::from(area.width).saturating_sub(4);
        let title = super::ellipsis(
            &format!(" Feedback · {}", self.title),
            room.saturating_sub(1),
        );
        let title = format!("{title} ");
        let hints: &[&str] = if self.busy {
            &[
                " making a new report (r)… · P progress · Esc close ",
                " making a new report… · Esc close ",
                " making a new report… ",
                " making… ",
            ]
        } else {
            &[
                " ↑↓ scroll · r new report · P progress · Esc close ",
                " r new report · P progress · Esc close ",
                " r new report · Esc close ",
                " Esc close ",
            ]
        };
        let block = super::dialog_block(t)
            .title(Span::styled(title, t.heading))
            .title_bottom(
                Line::from(Span::styled(
                    fitting(hints, area.width.saturating_sub(6)),
                    if self.busy { t.accent } else { t.muted },
                ))
                .right_aligned(),
            );
        let inner = block.inner(area);
        let text_area = super::padded(inner);
        let lines = report_lines(&self.model, text_area.width, t);
        let h = usize::from(text_area.height);
        let max = lines.len().saturating_sub(h);
        self.max_scroll.set(max);
        self.page.set(h.saturating_sub(1));
        let scroll = self.scroll.min(max);
        let block = match (scroll * 100).checked_div(max) {
            Some(pct) => block.title_bottom(
                Line::from(Span::styled(format!(" {pct}% "), t.muted)).left_aligned(),
            ),
            None => block,
        };
        block.render(area, buf);
        let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).take(h).collect();
        Paragraph::new(shown).render(text_area, buf);
    }
}

impl Widget for &ReportView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        ReportView::render(self, area, buf);
    }
}

/// The whole report as lines `width` columns wide.
pub fn report_lines(model: &ReportModel, width: u16, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Lines {
        lines: Vec::new(),
        width,
    };
    match &model.source {
        ReportSource::Heuristic => out.para(
            &[
                Span::styled("Heuristic report", t.warn),
                Span::styled(
                    " — offline, rule-based checks of your answers (length, STAR parts, numbers, \
                     filler words), not a judgement by an interviewer.",
                    t.muted,
                ),
            ],
            "",
        ),
        ReportSource::Model(Some(m)) => out.para(
            &[Span::styled(
                format!("Written by {}.", sanitize::for_terminal_line(m)),
                t.muted,
            )],
            "",
        ),
        ReportSource::Model(None) => {}
    }
    if !out.lines.is_empty() {
        out.blank();
    }

    if let Some(raw) = &model.raw_text {
        out.para(
            &[Span::styled(
                "The evaluator's reply could not be read as a structured report; here it is as written. \
                 Press r to try again.",
                t.warn,
            )],
            "",
        );
        out.blank();
        for line in sanitize::for_terminal(raw).split('\n') {
            out.para(&[Span::styled(line.to_string(), t.text)], "");
        }
        return out.lines;
    }

    if let Some(r) = &model.readiness {
        out.para(
            &[
                Span::styled("Readiness: ", t.heading),
                Span::styled(
                    r.label(),
                    match r {
                        Readiness::Ready => t.ok,
                        Readiness::Almost => t.warn,
                        Readiness::NotYet => t.error,
                    }
                    .add_modifier(Modifier::BOLD),
                ),
            ],
            "",
        );
    }
    if let Some(s) = &model.summary {
        out.text(s, t.text, "", t);
    }

    if !model.competencies.is_empty() {
        out.section("Competencies", t);
        let name_w = model
            .competencies
            .iter()
            .map(|c| display_width(&sanitize::for_terminal_line(&c.name)))
            .max()
            .unwrap_or(0)
            .min(24);
        // Beside the bar only if name, bar and "4.5/5" fit; else the bar goes below.
        let beside = usize::from(width) >= 2 + name_w + 2 + BAR_CELLS + 6;
        for c in &model.competencies {
            let name = sanitize::for_terminal_line(&c.name);
            let score = c.score.clamp(0.0, 5.0);
            let filled = ((score * 2.0).round() as usize).min(BAR_CELLS);
            let bar_style = if score >= 4.0 {
                t.ok
            } else if score >= 3.0 {
                t.warn
            } else {
                t.error
            };
            let bar = vec![
                Span::styled("█".repeat(filled), bar_style),
                Span::styled("░".repeat(BAR_CELLS - filled), t.bar_empty),
                Span::styled(format!(" {}/5", score_text(score)), t.text),
            ];
            if beside {
                let pad = name_w.saturating_sub(display_width(&name));
                let mut spans = vec![Span::styled(
                    format!("{name}{}  ", " ".repeat(pad)),
                    t.strong,
                )];
                spans.extend(bar);
                out.para(&spans, "  ");
            } else {
                out.para(&[Span::styled(name, t.strong)], "  ");
                out.para(&bar, "  ");
            }
            if !c.evidence.trim().is_empty() {
                out.text(&c.evidence, t.muted, "    ", t);
            }
        }
    }

    if !model.questions.is_empty() {
        out.section("Your answers", t);
        for (i, q) in model.questions.iter().enumerate() {
            if i > 0 {
                out.blank();
            }
            let num = format!("{}. ", i + 1);
            out.hanging(
                &[Span::styled(
                    sanitize::for_terminal_line(&q.question),
                    t.strong,
                )],
                Span::styled(num.clone(), t.list_marker),
                display_width(&num),
            );
            let indent = " ".repeat(display_width(&num));
            if let Some(score) = q.score {
                out.para(
                    &[
                        Span::styled("Score ", t.emphasis),
                        Span::styled(
                            format!(
                                "{}{}",
                                "■".repeat(usize::from(score.min(5))),
                                "□".repeat(5 - usize::from(score.min(5)))
                            ),
                            t.strong,
                        ),
                        Span::styled(format!(" {score}/5"), t.text),
                    ],
                    &indent,
                );
            }
            if let Some(a) = &q.answer_summary {
                out.text(&format!("*You said:* {a}"), t.muted, &indent, t);
            }
            for c in &q.covered {
                out.hanging(
                    &[Span::styled(sanitize::for_terminal_line(c), t.muted)],
                    Span::styled(format!("{indent}☑ "), t.ok),
                    indent.len() + 2,
                );
            }
            for m in &q.missing {
                out.hanging(
                    &[Span::styled(sanitize::for_terminal_line(m), t.muted)],
                    Span::styled(format!("{indent}☐ "), t.warn),
                    indent.len() + 2,
                );
            }
            for s in &q.strengths {
                out.hanging(
                    &[Span::styled(sanitize::for_terminal_line(s), t.text)],
                    Span::styled(format!("{indent}✓ "), t.ok),
                    indent.len() + 2,
                );
            }
            for s in &q.improvements {
                out.hanging(
                    &[Span::styled(sanitize::for_terminal_line(s), t.text)],
                    Span::styled(format!("{indent}△ "), t.warn),
                    indent.len() + 2,
                );
            }
            for (competency, score, quote, supported) in &q.scores {
                let mut spans = vec![Span::styled(
                    format!("{score}/5 {} ", sanitize::for_terminal_line(competency)),
                    t.text,
                )];
                spans.push(Span::styled(
                    format!("“{}”", sanitize::for_terminal_line(quote)),
                    t.quote,
                ));
                if !supported {
                    spans.push(Span::styled(
                        crate::agent::report::UNSUPPORTED.to_string(),
                        t.warn,
                    ));
                }
                out.hanging(
                    &spans,
                    Span::styled(format!("{indent}◆ "), t.list_marker),
                    indent.len() + 2,
                );
            }
            if let Some(r) = &q.rewritten {
                out.para(
                    &[Span::styled("Your answer, rewritten:", t.emphasis)],
                    &indent,
                );
                out.text(r, t.quote, &format!("{indent}│ "), t);
            }
            if let Some(b) = &q.better_answer {
                // Beside a rewritten answer, the model's own is a model answer; in a
                // heuristic report it is what a good answer contains.
                let label = if q.rewritten.is_some() {
                    "A model answer:"
                } else {
                    "A stronger answer:"
                };
                out.para(&[Span::styled(label, t.emphasis)], &indent);
                out.text(b, t.quote, &format!("{indent}│ "), t);
            }
        }
    }

    if !model.top_improvements.is_empty() {
        out.section("Top improvements", t);
        for s in &model.top_improvements {
            out.hanging(
                &[Span::styled(sanitize::for_terminal_line(s), t.text)],
                Span::styled("• ", t.list_marker),
                2,
            );
        }
    }

    if !model.study_plan.is_empty() {
        out.section("Study plan", t);
        for (i, s) in model.study_plan.iter().enumerate() {
            let num = format!("{}. ", i + 1);
            out.hanging(
                &[Span::styled(sanitize::for_terminal_line(s), t.text)],
                Span::styled(num.clone(), t.list_marker),
                display_width(&num),
            );
        }
    }
    out.lines
}

/// `evidence & impact` -> `Evidence & impact`: the stored names are lower case.
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn score_text(score: f32) -> String {
    if (score - score.round()).abs() < 0.05 {
        format!("{}", score.round() as u32)
    } else {
        format!("{score:.1}")
    }
}

/// Line collector with the few paragraph shapes a report uses.
struct Lines {
    lines: Vec<Line<'static>>,
    width: u16,
}

impl Lines {
    fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    fn section(&mut self, name: &str, t: &Theme) {
        if !self.lines.is_empty() {
            self.blank();
        }
        self.para(&[Span::styled(name.to_string(), t.heading)], "");
    }

    /// Spans wrapped with `indent` before every line.
    fn para(&mut self, spans: &[Span<'static>], indent: &str) {
        let ind = vec![Span::raw(indent.to_string())];
        let opts = WrapOptions::new(self.width).prefixes(ind.clone(), ind);
        self.lines.extend(wrap_spans(spans, &opts));
    }

    /// Free text from the model, which writes markdown (`*you*`, lists): rendered as
    /// such in `style`, every line after `indent`.
    fn text(&mut self, text: &str, style: Style, indent: &str, t: &Theme) {
        let w = u16::try_from(display_width(indent)).unwrap_or(u16::MAX);
        let inner = self.width.saturating_sub(w);
        if inner == 0 {
            return;
        }
        for line in markdown_lines(text, inner, t) {
            let mut spans = vec![Span::raw(indent.to_string())];
            spans.extend(
                line.spans
                    .into_iter()
                    .map(|s| Span::styled(s.content, style.patch(s.style))),
            );
            self.lines.push(Line::from(spans));
        }
    }

    /// A list entry: `marker` on the first line, `indent` columns on the others.
    fn hanging(&mut self, spans: &[Span<'static>], marker: Span<'static>, indent: usize) {
        let opts = WrapOptions::new(self.width)
            .prefixes(vec![marker], vec![Span::raw(" ".repeat(indent))]);
        self.lines.extend(wrap_spans(spans, &opts));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect()
    }

    fn sample() -> ReportModel {
        ReportModel {
            source: ReportSource::Model(Some("gpt-4o-mini".into())),
            readiness: Some(Readiness::Almost),
            summary: Some("Clear stories; quantify results.".into()),
            competencies: vec![CompetencyScore {
                name: "Structure".into(),
                score: 3.5,
                evidence: "Used STAR twice.".into(),
            }],
            questions: vec![QuestionFeedback {
                question: "Tell me about a conflict.".into(),
                answer_summary: None,
                strengths: vec!["Specific situation".into()],
                improvements: vec!["Say what you did, not the team".into()],
                better_answer: Some("In 2023 I…".into()),
                rewritten: None,
                scores: Vec::new(),
                score: Some(3),
                covered: vec!["A specific situation".into()],
                missing: vec!["A measurable result".into()],
            }],
            top_improvements: vec!["Quantify impact".into()],
            study_plan: vec!["Write three STAR stories".into()],
            raw_text: None,
        }
    }

    #[test]
    fn scores_are_bars_with_half_points() {
        let lines = text(&report_lines(&sample(), 60, &Theme::no_color()));
        assert!(
            lines.contains(&"  Structure  ███████░░░ 3.5/5".to_string()),
            "{lines:#?}"
        );
        assert!(lines.contains(&"    Used STAR twice.".to_string()));
        assert!(lines.contains(&"1. Tell me about a conflict.".to_string()));
        assert!(lines.contains(&"   ✓ Specific situation".to_string()));
        assert!(lines.contains(&"   │ In 2023 I…".to_string()));
    }

    #[test]
    fn a_model_report_shows_the_rewritten_answer_the_model_answer_and_the_quotes() {
        let mut m = sample();
        m.questions[0].rewritten = Some("In March I mediated between…".into());
        m.questions[0].scores = vec![
            (
                "structure".into(),
                4,
                "First I met each of them".into(),
                true,
            ),
            ("depth".into(), 2, "made up".into(), false),
        ];
        let lines = text(&report_lines(&m, 100, &Theme::no_color()));
        let at = |needle: &str| {
            lines
                .iter()
                .position(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle:?} not in {lines:#?}"))
        };
        assert!(at("Your answer, rewritten:") < at("│ In March I mediated between…"));
        assert!(at("A model answer:") < at("│ In 2023 I…"));
        assert!(at("4/5 structure “First I met each of them”") > 0);
        assert!(lines[at("“made up”")].contains("unsupported"), "{lines:#?}");
        // Without a rewritten answer (heuristic reports) the label stays as it was.
        let plain = text(&report_lines(&sample(), 100, &Theme::no_color()));
        assert!(plain.iter().any(|l| l.contains("A stronger answer:")));
        assert!(!plain.iter().any(|l| l.contains("rewritten")));
    }

    #[test]
    fn raw_reports_are_shown_as_written_and_sanitised() {
        let m = ReportModel::raw(ReportSource::Model(None), "{not json\n\u{1b}[2J oops");
        let lines = text(&report_lines(&m, 60, &Theme::no_color()));
        assert!(lines.iter().any(|l| l == "{not json"));
        assert!(lines.iter().any(|l| l == "␛[2J oops"));
    }

    #[test]
    fn heuristic_reports_say_so() {
        let mut m = sample();
        m.source = ReportSource::Heuristic;
        let lines = text(&report_lines(&m, 80, &Theme::no_color()));
        assert!(lines[0].starts_with("Heuristic report"));
    }

    fn stored(kind: &str, body: &str, valid: bool) -> StoredReport {
        StoredReport {
            id: 1,
            conversation_id: 1,
            kind: kind.into(),
            model: Some("gpt-4o-mini".into()),
            body: body.into(),
            valid,
            created_at: 0,
        }
    }

    #[test]
    fn stored_reports_become_views() {
        let competencies: Vec<serde_json::Value> = crate::domain::report::COMPETENCIES
            .iter()
            .map(|name| serde_json::json!({"name": name, "score": 4, "evidence": "Numbers given."}))
            .collect();
        let body = serde_json::json!({
            "overall_summary": "Good stories.",
            "readiness": "ready",
            "competencies": competencies,
            "questions": [{"question": "Why us?", "answer_summary": "Mission.", "strengths": ["Clear"],
                           "improvements": [], "better_answer": "Because…"}],
            "top_improvements": ["Be brief"],
            "study_plan": ["Practise"]
        })
        .to_string();
        let m = ReportModel::from_stored(&stored(crate::domain::report::KIND_MODEL, &body, true));
        assert_eq!(m.raw_text, None);
        assert_eq!(m.readiness, Some(Readiness::Ready));
        assert_eq!(
            m.competencies.len(),
            crate::domain::report::COMPETENCIES.len()
        );
        assert!(m.competencies.iter().any(|c| c.name == "Evidence & impact"));
        assert_eq!(m.questions[0].answer_summary.as_deref(), Some("Mission."));
        assert_eq!(m.questions[0].better_answer.as_deref(), Some("Because…"));
        assert_eq!(m.source, ReportSource::Model(Some("gpt-4o-mini".into())));

        let raw =
            ReportModel::from_stored(&stored(crate::domain::report::KIND_MODEL, "{oops", false));
        assert_eq!(raw.raw_text.as_deref(), Some("{oops"));
        let heuristic = ReportModel::from_stored(&stored(
            crate::domain::report::KIND_HEURISTIC,
            "{oops",
            false,
        ));
        assert_eq!(heuristic.source, ReportSource::Heuristic);
    }

    #[test]
    fn scrolling_is_bounded_by_the_last_draw() {
        let mut v = ReportView::new(sample(), "Backend");
        let area = Rect::new(0, 0, 40, 8);
        let mut buf = Buffer::empty(area);
        v.render(area, &mut buf);
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(v.handle_key(k(KeyCode::End)), ReportOutcome::Consumed);
        let end = v.scroll;
        assert!(end > 0);
        v.handle_key(k(KeyCode::Down));
        assert_eq!(v.scroll, end);
        assert_eq!(
            v.handle_key(k(KeyCode::Char('r'))),
            ReportOutcome::Regenerate
        );
        assert_eq!(v.handle_key(k(KeyCode::Esc)), ReportOutcome::Close);
    }
}
