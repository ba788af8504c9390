//! The new-interview form: role, seniority, interview type, number of questions, job
//! description and CV files, interviewer persona, and whether to retry weak answers.
//!
//! The job description and the CV are each a file path, or text pasted into the
//! field (a paste with a line break, or longer than a path, is the text itself).
//!
//! Key handling is pure and returns a [`SetupDraft`] holding the file *paths* (or the
//! pasted texts); the runtime then calls [`read_setup_files`] (the only I/O here) and,
//! if a file is unusable, hands the error back with [`SetupForm::set_file_error`] so it
//! shows under the field.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::centered;
use super::input::LineInput;
use crate::domain::{InterviewSetup, InterviewType};
use crate::tui::render::Theme;
use crate::tui::render::wrap::{WrapOptions, display_width, wrap_spans};

/// Preset seniorities; anything else is typed as free text.
pub const SENIORITIES: [&str; 7] = [
    "intern",
    "junior",
    "mid",
    "senior",
    "staff",
    "principal",
    "manager",
];

pub use crate::domain::{MAX_QUESTIONS, MIN_QUESTIONS};
pub const DEFAULT_QUESTIONS: u32 = 5;
/// A job description or CV longer than this is not a CV (and would crowd the prompt).
pub const MAX_FILE_BYTES: u64 = 200 * 1024;
/// A single-line paste longer than this is text, not a path.
const PATH_PASTE_MAX_CHARS: usize = 300;
const MAX_ROLE_CHARS: usize = 120;
/// The two values of the "Which questions" field.
const RETRY_CHOICES: [&str; 2] = ["new to you", "retry weak answers"];
const MAX_SENIORITY_CHARS: usize = 60;

/// One field of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Role,
    Seniority,
    Type,
    Questions,
    JobDescription,
    Cv,
    Persona,
    Retry,
}

impl Field {
    const ALL: [Field; 8] = [
        Field::Role,
        Field::Seniority,
        Field::Type,
        Field::Questions,
        Field::JobDescription,
        Field::Cv,
        Field::Persona,
        Field::Retry,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::Role => "Role",
            Field::Seniority => "Seniority",
            Field::Type => "Interview type",
            Field::Questions => "Questions",
            Field::Retry => "Which questions",
            Field::JobDescription => "Job description",
            Field::Cv => "CV / résumé",
            Field::Persona => "Interviewer",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Field::Role => "The job you are preparing for (optional)",
            Field::Seniority => "←/→ choose, or type your own",
            Field::Type => "←/→ choose",
            Field::Questions => "←/→ or type 1–30: main questions, follow-ups come on top",
            Field::Retry => "←/→ new to you, or ones you answered weakly before (offline)",
            Field::JobDescription => {
                "Path to a text file with the job ad, or paste the ad itself (optional)"
            }
            Field::Cv => "Path to your CV as a text file, or paste it (optional)",
            Field::Persona => "←/→ choose who interviews you",
        }
    }
}

/// What the user filled in; files are still paths, read by [`read_setup_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupDraft {
    pub role: Option<String>,
    pub seniority: Option<String>,
    pub interview_type: InterviewType,
    pub questions: u32,
    /// Bring back questions answered weakly before.
    pub retry_weak: bool,
    pub job_description: Option<PathBuf>,
    pub cv: Option<PathBuf>,
    /// The job description pasted as text (instead of a path).
    pub job_description_text: Option<String>,
    /// The CV pasted as text (instead of a path).
    pub cv_text: Option<String>,
    pub persona: String,
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupOutcome {
    /// Handled (editing, moving, an inline error); redraw.
    None,
    /// Enter on a valid form.
    Submit(SetupDraft),
    /// Esc: close the form, nothing created.
    Cancel,
    /// Not a form key (e.g. Ctrl+C): the caller's to handle.
    Ignored,
}

/// The form's state.
#[derive(Debug, Clone)]
pub struct SetupForm {
    role: LineInput,
    /// Index into [`SENIORITIES`], or `None` for "not said" (when `seniority_text` is
    /// empty) or free text.
    seniority: Option<usize>,
    seniority_text: LineInput,
    kind: usize,
    questions: u32,
    /// The last key in the questions field was a digit: the next one may make a
    /// two-digit number ("2" then "5" is 25).
    questions_typing: bool,
    /// 0: questions new to the candidate; 1: retry weak answers.
    retry: usize,
    jd: LineInput,
    cv: LineInput,
    /// Text pasted into the job description or CV field, kept whole (line breaks
    /// and all); the field shows its size.
    jd_text: Option<String>,
    cv_text: Option<String>,
    /// `(name, description)` of the personas to choose from.
    personas: Vec<(String, String)>,
    persona: usize,
    focus: Field,
    errors: Vec<(Field, String)>,
    theme: Theme,
}

impl SetupForm {
    /// A form with defaults; `personas` as `(name, description)`, the first is chosen.
    pub fn new(personas: Vec<(String, String)>) -> SetupForm {
        SetupForm {
            role: LineInput::default(),
            seniority: None,
            seniority_text: LineInput::default(),
            kind: InterviewType::ALL
                .iter()
                .position(|t| *t == InterviewType::Behavioral)
                .unwrap_or(0),
            questions: DEFAULT_QUESTIONS,
            questions_typing: false,
            retry: 0,
            jd: LineInput::default(),
            cv: LineInput::default(),
            jd_text: None,
            cv_text: None,
            personas,
            persona: 0,
            focus: Field::Role,
            errors: Vec::new(),
            theme: Theme::default(),
        }
    }

    /// Starts from a persona name (the configured default) when it is in the list.
    pub fn with_persona(mut self, name: &str) -> SetupForm {
        if let Some(i) = self.personas.iter().position(|(n, _)| n == name) {
            self.persona = i;
        }
        self
    }

    pub fn with_theme(mut self, theme: Theme) -> SetupForm {
        self.theme = theme;
        self
    }

    pub fn focus(&self) -> Field {
        self.focus
    }

    /// Shows a problem found while reading a file under its field and focuses it.
    pub fn set_file_error(&mut self, err: &SetupFileError) {
        self.errors.retain(|(f, _)| *f != err.field);
        self.errors.push((err.field, err.message.clone()));
        self.focus = err.field;
    }

    /// Bracketed paste into the focused text field: a path dragged into the terminal,
    /// or, in the job description and CV fields, the text itself (a paste with a line
    /// break, or longer than a path would be).
    pub fn handle_paste(&mut self, text: &str) {
        let f = self.focus;
        let trimmed = text.trim();
        let is_text = trimmed.contains('\n') || trimmed.chars().count() > PATH_PASTE_MAX_CHARS;
        if is_text && let Some(slot) = self.pasted_text(f) {
            *slot = Some(trimmed.to_string());
            self.errors.retain(|(e, _)| *e != f);
            return;
        }
        if let Some(slot) = self.pasted_text(f) {
            *slot = None;
        }
        if let Some(input) = self.text_field() {
            input.insert_str(text);
            self.errors.retain(|(e, _)| *e != f);
        }
    }

    /// The pasted text of the job description or CV field.
    fn pasted_text(&mut self, field: Field) -> Option<&mut Option<String>> {
        match field {
            Field::JobDescription => Some(&mut self.jd_text),
            Field::Cv => Some(&mut self.cv_text),
            _ => None,
        }
    }

    fn text_field(&mut self) -> Option<&mut LineInput> {
        match self.focus {
            Field::Role => Some(&mut self.role),
            Field::JobDescription => Some(&mut self.jd),
            Field::Cv => Some(&mut self.cv),
            Field::Seniority => Some(&mut self.seniority_text),
            _ => None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> SetupOutcome {
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))
        {
            return SetupOutcome::Ignored;
        }
        if self.focus != Field::Questions
            || !matches!(key.code, KeyCode::Char(c) if c.is_ascii_digit())
        {
            self.questions_typing = false;
        }
        match key.code {
            KeyCode::Esc => return SetupOutcome::Cancel,
            KeyCode::Enter => return self.submit(),
            KeyCode::Tab | KeyCode::Down => {
                self.move_focus(1);
                return SetupOutcome::None;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.move_focus(-1);
                return SetupOutcome::None;
            }
            _ => {}
        }
        let field = self.focus;
        // Pasted text: any editing key takes it away (typing then starts a path).
        if let Some(slot) = self.pasted_text(field)
            && slot.is_some()
        {
            let edits = matches!(
                key.code,
                KeyCode::Backspace | KeyCode::Delete | KeyCode::Char(_)
            );
            if !edits {
                return SetupOutcome::Ignored;
            }
            *slot = None;
            self.errors.retain(|(f, _)| *f != field);
            if !matches!(key.code, KeyCode::Char(_))
                || key.modifiers.contains(KeyModifiers::CONTROL)
            {
                return SetupOutcome::None;
            }
        }
        let handled = match field {
            Field::Role | Field::JobDescription | Field::Cv => {
                self.text_field().is_some_and(|i| i.handle_key(key))
            }
            Field::Seniority => self.seniority_key(key),
            Field::Type => cycle(&mut self.kind, InterviewType::ALL.len(), key),
            Field::Persona => cycle(&mut self.persona, self.personas.len(), key),
            Field::Questions => self.questions_key(key),
            Field::Retry => cycle(&mut self.retry, RETRY_CHOICES.len(), key),
        };
        if handled {
            self.errors.retain(|(f, _)| *f != field);
            SetupOutcome::None
        } else {
            SetupOutcome::Ignored
        }
    }

    fn move_focus(&mut self, step: isize) {
        let n = Field::ALL.len() as isize;
        let i = Field::ALL
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0) as isize;
        self.focus = Field::ALL[(i + step).rem_euclid(n) as usize];
    }

    /// Presets cycle with ←/→ while no free text is typed; typing switches to free text.
    fn seniority_key(&mut self, key: KeyEvent) -> bool {
        if self.seniority_text.is_empty() {
            // Slots: "not said", then each preset.
            let mut slot = self.seniority.map_or(0, |i| i + 1);
            if cycle(&mut slot, SENIORITIES.len() + 1, key) {
                self.seniority = slot.checked_sub(1);
                return true;
            }
            if let KeyCode::Char(_) = key.code {
                self.seniority = None;
            } else if key.code == KeyCode::Backspace {
                self.seniority = None;
                return true;
            }
        }
        self.seniority_text.handle_key(key)
    }

    fn questions_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Left | KeyCode::Char('-') => {
                self.questions = (self.questions - 1).max(MIN_QUESTIONS)
            }
            KeyCode::Right | KeyCode::Char('+') => {
                self.questions = (self.questions + 1).min(MAX_QUESTIONS)
            }
            KeyCode::Char(c) if c.is_ascii_digit() => {
                let d = c.to_digit(10).unwrap_or(0);
                // "2" then "5" makes 25, when typed one after the other; a digit
                // that would go past the limit starts over.
                let two = self.questions * 10 + d;
                if self.questions_typing && two <= MAX_QUESTIONS {
                    self.questions = two;
                } else if d >= MIN_QUESTIONS {
                    self.questions = d;
                }
                self.questions_typing = true;
            }
            _ => return false,
        }
        true
    }

    fn seniority_value(&self) -> Option<String> {
        let typed = self.seniority_text.text().trim();
        if !typed.is_empty() {
            return Some(typed.to_string());
        }
        self.seniority
            .and_then(|i| SENIORITIES.get(i))
            .map(|s| s.to_string())
    }

    fn submit(&mut self) -> SetupOutcome {
        self.errors.clear();
        let role = self.role.text().trim().to_string();
        if role.chars().count() > MAX_ROLE_CHARS {
            self.errors.push((
                Field::Role,
                format!("Keep the role under {MAX_ROLE_CHARS} characters."),
            ));
        }
        let seniority = self.seniority_value();
        if seniority
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_SENIORITY_CHARS)
        {
            self.errors.push((
                Field::Seniority,
                format!("Keep the seniority under {MAX_SENIORITY_CHARS} characters."),
            ));
        }
        for (field, text) in [
            (Field::JobDescription, &self.jd_text),
            (Field::Cv, &self.cv_text),
        ] {
            if text
                .as_ref()
                .is_some_and(|t| t.len() as u64 > MAX_FILE_BYTES)
            {
                let what = if field == Field::Cv {
                    "CV"
                } else {
                    "job description"
                };
                self.errors.push((
                    field,
                    format!(
                        "The pasted {what} is over {} KB: paste the part that matters.",
                        MAX_FILE_BYTES / 1024
                    ),
                ));
            }
        }
        let persona = self.personas.get(self.persona).map(|(n, _)| n.clone());
        if persona.is_none() {
            self.errors
                .push((Field::Persona, "There is no interviewer to choose.".into()));
        }
        if let Some((field, _)) = self.errors.first() {
            self.focus = *field;
            return SetupOutcome::None;
        }
        let path = |i: &LineInput| {
            let t = i.text().trim();
            (!t.is_empty()).then(|| PathBuf::from(t))
        };
        SetupOutcome::Submit(SetupDraft {
            role: (!role.is_empty()).then_some(role),
            seniority,
            interview_type: InterviewType::ALL[self.kind.min(InterviewType::ALL.len() - 1)],
            questions: self.questions,
            retry_weak: self.retry == 1,
            job_description: path(&self.jd).filter(|_| self.jd_text.is_none()),
            cv: path(&self.cv).filter(|_| self.cv_text.is_none()),
            job_description_text: self.jd_text.clone(),
            cv_text: self.cv_text.clone(),
            persona: persona.unwrap_or_default(),
        })
    }

    /// The value column of one field.
    fn value_line(&self, field: Field, width: u16) -> Line<'static> {
        let t = &self.theme;
        let focused = self.focus == field;
        // The value stays in its column whether or not the field has focus (the
        // text fields start there too): the arrows come after it.
        let choice = |text: String| {
            if focused {
                Line::from(vec![
                    Span::styled(text, t.selected),
                    Span::styled(" ◂ ▸", t.accent),
                ])
            } else {
                Line::from(Span::styled(text, t.text))
            }
        };
        let pasted = |text: &str| {
            let chars = text.chars().count();
            let lines = text.lines().count();
            Line::from(Span::styled(
                format!(
                    "pasted text: {} · {} (Backspace clears)",
                    crate::tui::view::plural(lines as u64, "line"),
                    crate::tui::view::plural(chars as u64, "character")
                ),
                if focused { t.selected } else { t.text },
            ))
        };
        let line = match field {
            Field::Role => self
                .role
                .line(width, t.text, focused, "e.g. Backend engineer"),
            Field::JobDescription => match &self.jd_text {
                Some(text) => pasted(text),
                None => self.jd.line(width, t.text, focused, "none"),
            },
            Field::Cv => match &self.cv_text {
                Some(text) => pasted(text),
                None => self.cv.line(width, t.text, focused, "none"),
            },
            Field::Seniority => {
                if self.seniority_text.is_empty() {
                    choice(
                        self.seniority
                            .and_then(|i| SENIORITIES.get(i))
                            .map_or("not said".to_string(), |s| s.to_string()),
                    )
                } else {
                    self.seniority_text.line(width, t.text, focused, "")
                }
            }
            Field::Type => choice(InterviewType::ALL[self.kind.min(4)].label().to_string()),
            Field::Questions => choice(self.questions.to_string()),
            Field::Retry => choice(RETRY_CHOICES[self.retry.min(1)].to_string()),
            Field::Persona => choice(
                self.personas
                    .get(self.persona)
                    .map_or("none".to_string(), |(n, _)| n.clone()),
            ),
        };
        fit(line, usize::from(width))
    }

    /// The form's lines and the index of the focused field's line.
    fn lines(&self, width: u16, spaced: bool) -> (Vec<Line<'static>>, usize) {
        let t = &self.theme;
        let label_w = Field::ALL
            .iter()
            .map(|f| display_width(f.label()))
            .max()
            .unwrap_or(0)
            + 4;
        let stacked = usize::from(width) < label_w + 20;
        let mut lines = Vec::new();
        let mut focus_line = 0;
        for (i, field) in Field::ALL.into_iter().enumerate() {
            if spaced && i > 0 {
                lines.push(Line::default());
            }
            let focused = self.focus == field;
            if focused {
                focus_line = lines.len();
            }
            let marker = Span::styled(if focused { "▸ " } else { "  " }, t.accent);
            let label_style = if focused { t.heading } else { t.text };
            if stacked {
                lines.push(fit(
                    Line::from(vec![marker, Span::styled(field.label(), label_style)]),
                    usize::from(width),
                ));
                let mut v = vec![Span::raw("  ")];
                v.extend(self.value_line(field, width.saturating_sub(2)).spans);
                lines.push(fit(Line::from(v), usize::from(width)));
            } else {
                let pad = label_w - 2 - display_width(field.label());
                let mut v = vec![
                    marker,
                    Span::styled(field.label(), label_style),
                    Span::raw(" ".repeat(pad)),
                ];
                let value_w = width.saturating_sub(u16::try_from(label_w).unwrap_or(u16::MAX));
                v.extend(self.value_line(field, value_w).spans);
                lines.push(fit(Line::from(v), usize::from(width)));
            }
            let indent = vec![Span::raw(" ".repeat(if stacked { 2 } else { label_w }))];
            let opts = WrapOptions::new(width).prefixes(indent.clone(), indent);
            for (_, msg) in self.errors.iter().filter(|(f, _)| *f == field) {
                lines.extend(wrap_spans(
                    &[Span::styled(format!("✗ {msg}"), t.error)],
                    &opts,
                ));
            }
            if focused {
                lines.extend(wrap_spans(&[Span::styled(field.hint(), t.muted)], &opts));
            }
        }
        (lines, focus_line)
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let box_w = 78.min(area.width);
        let text_w = box_w.saturating_sub(4);
        // Borders, a blank row at the top: 3 rows around the text.
        let room = usize::from(area.height.saturating_sub(3));
        let (spaced_lines, spaced_focus) = self.lines(text_w, true);
        let (lines, focus_line) = if spaced_lines.len() <= room {
            (spaced_lines, spaced_focus)
        } else {
            self.lines(text_w, false)
        };
        let want_h = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_add(3);
        let popup = super::fill_if_full_width(centered(area, box_w, want_h), area);
        Clear.render(popup, buf);
        let hints = [
            " Enter start · Tab next · ←/→ choose · Esc cancel ",
            " Enter start · Tab next · Esc cancel ",
            " Enter · Tab · Esc ",
        ];
        let block = super::window_block(t, &[" New interview "], &hints, popup.width);
        let inner = block.inner(popup);
        block.render(popup, buf);
        let text_area = Rect {
            x: inner.x.saturating_add(1).min(inner.right()),
            y: inner.y.saturating_add(1).min(inner.bottom()),
            width: inner.width.saturating_sub(2),
            height: inner.height.saturating_sub(1),
        };
        // Keep the focused field (and its hint) on screen in a short terminal.
        let h = usize::from(text_area.height);
        let scroll = (focus_line + 3)
            .saturating_sub(h)
            .min(lines.len().saturating_sub(h));
        let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).collect();
        Paragraph::new(shown).render(text_area, buf);
    }
}

impl Widget for &SetupForm {
    fn render(self, area: Rect, buf: &mut Buffer) {
        SetupForm::render(self, area, buf);
    }
}

/// ←/→ (and space) move `index` through `len` choices, wrapping around.
fn cycle(index: &mut usize, len: usize, key: KeyEvent) -> bool {
    if len == 0 {
        return matches!(
            key.code,
            KeyCode::Left | KeyCode::Right | KeyCode::Char(' ')
        );
    }
    match key.code {
        KeyCode::Right | KeyCode::Char(' ') => *index = (*index + 1) % len,
        KeyCode::Left => *index = (*index + len - 1) % len,
        _ => return false,
    }
    true
}

/// Cuts a line to `width` columns (spans dropped or shortened from the right), with
/// "…" where it is cut.
fn fit(line: Line<'static>, width: usize) -> Line<'static> {
    if crate::tui::render::wrap::line_width(&line) <= width {
        return line;
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let w = display_width(&span.content);
        if w <= left {
            left -= w;
            spans.push(span);
            continue;
        }
        let mut cut = String::new();
        for g in unicode_segmentation::UnicodeSegmentation::graphemes(span.content.as_ref(), true) {
            let gw = display_width(g);
            if gw > left {
                break;
            }
            left -= gw;
            cut.push_str(g);
        }
        spans.push(Span::styled(cut, span.style));
        break;
    }
    if width > 0 {
        spans.push(Span::raw("…"));
    }
    Line::from(spans)
}

/// A job description or CV file that cannot be used, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SetupFileError {
    pub field: Field,
    pub message: String,
}

/// Reads the draft's files into the setup stored with the conversation. Each file must
/// exist, be UTF-8 text, not be empty, and be under 200 KB. `~/` means the home folder.
/// Pasted texts are taken as they are.
pub fn read_setup_files(draft: &SetupDraft) -> Result<InterviewSetup, SetupFileError> {
    let read = |path: &Option<PathBuf>, pasted: &Option<String>, field: Field, what: &str| {
        if let Some(text) = pasted {
            return Ok(Some(text.clone()));
        }
        path.as_deref()
            .map(|p| {
                read_text(&expand_home(p), what)
                    .map_err(|message| SetupFileError { field, message })
            })
            .transpose()
    };
    Ok(InterviewSetup {
        role: draft.role.clone(),
        seniority: draft.seniority.clone(),
        interview_type: draft.interview_type,
        questions: Some(draft.questions),
        job_description: read(
            &draft.job_description,
            &draft.job_description_text,
            Field::JobDescription,
            "job description",
        )?,
        cv: read(&draft.cv, &draft.cv_text, Field::Cv, "CV")?,
        retry_weak: draft.retry_weak,
    })
}

fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// The file's contents, or one sentence saying what is wrong with it. The sentence
/// names the file, not its whole path: the path is in the field right above it, and a
/// long one would wrap mid-word in a narrow form.
fn read_text(path: &Path, what: &str) -> Result<String, String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let shown = format!("“{name}”");
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            format!("There is no file {shown} there: check the path.")
        }
        std::io::ErrorKind::PermissionDenied => {
            format!("{shown} cannot be read (permission denied).")
        }
        _ => format!("{shown} cannot be read: {e}."),
    })?;
    if !meta.is_file() {
        return Err(format!(
            "{shown} is a folder, not a file: give the {what} file."
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{shown} is {} KB; the {what} must be under {} KB of text.",
            meta.len() / 1024,
            MAX_FILE_BYTES / 1024
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown} cannot be read: {e}."))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{shown} is not plain text (UTF-8): save the {what} as .txt or .md.")
    })?;
    if text.trim().is_empty() {
        return Err(format!("{shown} is empty."));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> SetupForm {
        SetupForm::new(vec![
            ("career-interviewer".into(), "A hiring manager".into()),
            ("friendly".into(), "A kind one".into()),
        ])
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typ(f: &mut SetupForm, s: &str) {
        for c in s.chars() {
            f.handle_key(key(KeyCode::Char(c)));
        }
    }

    fn submit(f: &mut SetupForm) -> SetupDraft {
        match f.handle_key(key(KeyCode::Enter)) {
            SetupOutcome::Submit(d) => d,
            other => panic!("not submitted: {other:?}"),
        }
    }

    #[test]
    fn defaults_submit_a_behavioural_interview_of_five_questions() {
        let d = submit(&mut form());
        assert_eq!(
            d,
            SetupDraft {
                role: None,
                seniority: None,
                interview_type: InterviewType::Behavioral,
                questions: 5,
                retry_weak: false,
                job_description: None,
                cv: None,
                job_description_text: None,
                cv_text: None,
                persona: "career-interviewer".into(),
            }
        );
    }

    /// Issue 15: the job description can be pasted as text as well as given as a path.
    #[test]
    fn a_job_description_or_cv_can_be_pasted_as_text() {
        let mut f = form();
        while f.focus() != Field::JobDescription {
            f.handle_key(key(KeyCode::Tab));
        }
        let ad = "Backend engineer\r\nWe run Postgres and Kafka.\nYou will own the payments API.";
        f.handle_paste(&ad.replace("\r\n", "\n"));
        let shown: String = f
            .value_line(Field::JobDescription, 60)
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert!(shown.contains("pasted text: 3 lines"), "{shown}");
        f.handle_key(key(KeyCode::Tab));
        f.handle_paste(&"x".repeat(PATH_PASTE_MAX_CHARS + 1));
        let d = submit(&mut f);
        assert_eq!(d.job_description, None);
        assert_eq!(
            d.job_description_text.as_deref(),
            Some("Backend engineer\nWe run Postgres and Kafka.\nYou will own the payments API.")
        );
        assert_eq!(
            d.cv_text.as_ref().map(|t| t.len()),
            Some(PATH_PASTE_MAX_CHARS + 1)
        );
        let setup = read_setup_files(&d).expect("pasted texts need no file");
        assert!(
            setup
                .job_description
                .is_some_and(|j| j.contains("payments API"))
        );
        // Backspace takes the text away; a short one-line paste is a path again.
        f.handle_key(key(KeyCode::Backspace));
        f.handle_paste("~/cv.md");
        let d = submit(&mut f);
        assert_eq!(d.cv_text, None);
        assert_eq!(d.cv, Some(PathBuf::from("~/cv.md")));
        // Too big to be a job ad: said under the field, nothing submitted.
        let mut f = form();
        f.focus = Field::JobDescription;
        f.handle_paste(&"word\n".repeat(MAX_FILE_BYTES as usize / 4));
        assert_eq!(f.handle_key(key(KeyCode::Enter)), SetupOutcome::None);
        assert_eq!(f.focus(), Field::JobDescription);
    }

    /// Issue 15: the selected field does not shift: its value starts in the same
    /// column with and without focus.
    #[test]
    fn the_selected_field_stays_in_its_column() {
        let column = |f: &SetupForm, field: Field| {
            let (lines, _) = f.lines(70, false);
            let line = lines
                .iter()
                .map(|l| {
                    l.spans
                        .iter()
                        .map(|s| s.content.as_ref())
                        .collect::<String>()
                })
                .find(|l| l.contains(field.label()))
                .expect("the field's line");
            let after = line.find(field.label()).unwrap_or(0) + field.label().len();
            display_width(&line[..after]) + line[after..].chars().take_while(|c| *c == ' ').count()
        };
        let mut f = form();
        f.role = LineInput::new("Backend engineer");
        for field in [Field::Role, Field::Type, Field::Questions, Field::Persona] {
            f.focus = Field::Cv;
            let unfocused = column(&f, field);
            f.focus = field;
            assert_eq!(column(&f, field), unfocused, "{field:?} moved");
        }
    }

    /// Issue 15 and 19: what is cut ends in "…", and a missing file is named by its
    /// name (the path is in the field; a long one wrapped mid-word).
    #[test]
    fn cut_values_end_in_an_ellipsis_and_file_errors_name_the_file() {
        let mut f = form();
        f.role = LineInput::new("Senior backend engineer, payments platform and ledgers");
        f.focus = Field::Cv;
        let shown: String = f
            .value_line(Field::Role, 20)
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(shown, "Senior backend engi…");
        let mut draft = submit(&mut form());
        draft.cv = Some(PathBuf::from("/home/me/a/very/long/path/cv-final.md"));
        let err = read_setup_files(&draft).expect_err("missing");
        assert_eq!(
            err.message,
            "There is no file “cv-final.md” there: check the path."
        );
    }

    #[test]
    fn the_question_choice_field_turns_retrying_weak_answers_on_and_off() {
        let mut f = form();
        while f.focus() != Field::Retry {
            f.handle_key(key(KeyCode::Tab));
        }
        f.handle_key(key(KeyCode::Right));
        assert!(submit(&mut f).retry_weak);
        f.handle_key(key(KeyCode::Left));
        assert!(!submit(&mut f).retry_weak);
    }

    #[test]
    fn every_field_can_be_filled_from_the_keyboard() {
        let mut f = form();
        typ(&mut f, "Data engineer");
        f.handle_key(key(KeyCode::Tab));
        for _ in 0..4 {
            f.handle_key(key(KeyCode::Right));
        }
        f.handle_key(key(KeyCode::Tab));
        f.handle_key(key(KeyCode::Right));
        f.handle_key(key(KeyCode::Tab));
        typ(&mut f, "12");
        f.handle_key(key(KeyCode::Tab));
        typ(&mut f, "~/jd.txt");
        f.handle_key(key(KeyCode::Tab));
        f.handle_paste("/tmp/cv.md\n");
        f.handle_key(key(KeyCode::Tab));
        f.handle_key(key(KeyCode::Left));
        f.handle_key(key(KeyCode::Tab));
        f.handle_key(key(KeyCode::Right));
        let d = submit(&mut f);
        assert!(d.retry_weak);
        assert_eq!(d.role.as_deref(), Some("Data engineer"));
        assert_eq!(d.seniority.as_deref(), Some("senior"));
        assert_eq!(d.interview_type, InterviewType::Technical);
        assert_eq!(d.questions, 12);
        assert_eq!(d.job_description, Some(PathBuf::from("~/jd.txt")));
        assert_eq!(d.cv, Some(PathBuf::from("/tmp/cv.md")));
        assert_eq!(d.persona, "friendly");
    }

    #[test]
    fn seniority_takes_free_text() {
        let mut f = form();
        f.handle_key(key(KeyCode::Tab));
        typ(&mut f, "lead");
        assert_eq!(submit(&mut f).seniority.as_deref(), Some("lead"));
    }

    #[test]
    fn questions_stay_within_bounds() {
        let mut f = form();
        f.focus = Field::Questions;
        for _ in 0..40 {
            f.handle_key(key(KeyCode::Right));
        }
        assert_eq!(f.questions, MAX_QUESTIONS);
        for _ in 0..40 {
            f.handle_key(key(KeyCode::Left));
        }
        assert_eq!(f.questions, MIN_QUESTIONS);
        typ(&mut f, "9");
        assert_eq!(f.questions, 9);
        typ(&mut f, "0");
        assert_eq!(
            f.questions, 9,
            "0 questions is not an interview (90 is too many)"
        );
        f.handle_key(key(KeyCode::Tab));
        f.handle_key(key(KeyCode::BackTab));
        typ(&mut f, "25");
        assert_eq!(f.questions, 25, "two digits typed one after the other");
        typ(&mut f, "3");
        assert_eq!(f.questions, 3, "253 is too many: a new number starts");
        typ(&mut f, "0");
        assert_eq!(f.questions, MAX_QUESTIONS);
    }

    #[test]
    fn focus_wraps_and_escape_cancels() {
        let mut f = form();
        f.handle_key(key(KeyCode::BackTab));
        assert_eq!(f.focus(), Field::Retry);
        f.handle_key(key(KeyCode::Down));
        assert_eq!(f.focus(), Field::Role);
        assert_eq!(f.handle_key(key(KeyCode::Esc)), SetupOutcome::Cancel);
        assert_eq!(
            f.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            SetupOutcome::Ignored
        );
    }

    #[test]
    fn an_overlong_role_is_refused_inline() {
        let mut f = form();
        typ(&mut f, &"x".repeat(MAX_ROLE_CHARS + 1));
        f.focus = Field::Cv;
        assert_eq!(f.handle_key(key(KeyCode::Enter)), SetupOutcome::None);
        assert_eq!(f.focus(), Field::Role);
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn files_are_read_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("jd.txt");
        std::fs::write(&good, "We hire backend engineers.").expect("write");
        let binary = dir.path().join("cv.pdf");
        std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x81]).expect("write");
        let big = dir.path().join("big.txt");
        std::fs::write(&big, "a".repeat(MAX_FILE_BYTES as usize + 1)).expect("write");

        let mut draft = submit(&mut form());
        draft.job_description = Some(good.clone());
        let setup = read_setup_files(&draft).expect("reads");
        assert_eq!(
            setup.job_description.as_deref(),
            Some("We hire backend engineers.")
        );
        assert_eq!(setup.questions, Some(5));

        draft.cv = Some(binary);
        let err = read_setup_files(&draft).expect_err("binary");
        assert_eq!(err.field, Field::Cv);
        assert!(err.message.contains("not plain text"), "{}", err.message);

        draft.cv = Some(big);
        assert!(
            read_setup_files(&draft)
                .expect_err("big")
                .message
                .contains("200 KB")
        );
        draft.cv = Some(dir.path().join("missing.txt"));
        assert!(
            read_setup_files(&draft)
                .expect_err("missing")
                .message
                .contains("no file")
        );
        draft.cv = Some(dir.path().to_path_buf());
        assert!(
            read_setup_files(&draft)
                .expect_err("dir")
                .message
                .contains("folder")
        );

        let mut f = form();
        f.set_file_error(&read_setup_files(&draft).expect_err("dir"));
        assert_eq!(f.focus(), Field::Cv);
    }
}
