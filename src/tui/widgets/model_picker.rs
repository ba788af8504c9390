//! The model picker (F5, or `m` outside the input): the server's models in a list
//! filtered as you type, the model in use marked. Enter picks the highlighted one
//! (or, when nothing matches, the name as typed: some servers list fewer models
//! than they serve), Esc closes. While the list is on its way it says so; when the
//! server cannot list its models it says why in one sentence.
//!
//! Pure state, key handling and drawing: the app asks the runtime for the list and
//! applies the choice.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::centered;
use crate::sanitize::for_terminal_line;
use crate::tui::render::Theme;
use crate::tui::render::wrap::display_width;

/// Longest filter typed, in characters (longer than any model name).
const MAX_FILTER_CHARS: usize = 200;
/// Widest the window gets.
const BOX_MAX_WIDTH: u16 = 64;

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerOutcome {
    /// Still open (moved, typed, or a key it ignores).
    Stay,
    /// Esc: closed, nothing changed.
    Close,
    /// Enter: this model.
    Choose(String),
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct ModelPicker {
    /// The conversation the choice applies to; `None`: the next new one.
    pub conversation_id: Option<i64>,
    /// The model in use there (marked in the list).
    pub current: Option<String>,
    /// The server's models, once they arrive.
    models: Option<Vec<String>>,
    /// Why the list could not be had.
    pub error: Option<String>,
    pub filter: String,
    /// Index into [`ModelPicker::visible`].
    pub selected: usize,
    theme: Theme,
}

impl ModelPicker {
    pub fn new(conversation_id: Option<i64>, current: Option<String>, theme: Theme) -> Self {
        ModelPicker {
            conversation_id,
            current,
            models: None,
            error: None,
            filter: String::new(),
            selected: 0,
            theme,
        }
    }

    /// The list is still on its way.
    pub fn loading(&self) -> bool {
        self.models.is_none() && self.error.is_none()
    }

    /// The server's answer: its models (the current one highlighted), or why not.
    pub fn loaded(&mut self, result: Result<Vec<String>, String>) {
        match result {
            Ok(models) => {
                self.models = Some(models);
                self.error = None;
                self.select_current();
            }
            Err(why) => self.error = Some(why),
        }
    }

    /// The models matching the filter (case-insensitive, anywhere in the name).
    pub fn visible(&self) -> Vec<&str> {
        let needle = self.filter.trim().to_lowercase();
        self.models
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|m| needle.is_empty() || m.to_lowercase().contains(&needle))
            .collect()
    }

    /// What Enter would pick now: the highlighted model, or the filter as typed
    /// when nothing matches it.
    pub fn choice(&self) -> Option<String> {
        let visible = self.visible();
        match visible.get(self.selected) {
            Some(model) => Some((*model).to_string()),
            None if visible.is_empty() && !self.filter.trim().is_empty() => {
                Some(self.filter.trim().to_string())
            }
            None => None,
        }
    }

    fn select_current(&mut self) {
        let current = self.current.clone();
        self.selected = self
            .visible()
            .iter()
            .position(|m| Some(*m) == current.as_deref())
            .unwrap_or(0);
    }

    fn move_by(&mut self, delta: isize) {
        let len = self.visible().len();
        if len == 0 {
            self.selected = 0;
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, len as isize - 1) as usize;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PickerOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return PickerOutcome::Close,
            KeyCode::Enter => {
                return match self.choice() {
                    Some(model) => PickerOutcome::Choose(model),
                    None => PickerOutcome::Stay,
                };
            }
            KeyCode::Up => self.move_by(-1),
            KeyCode::Down => self.move_by(1),
            KeyCode::PageUp => self.move_by(-10),
            KeyCode::PageDown => self.move_by(10),
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.move_by(isize::MAX / 2),
            KeyCode::Backspace => {
                self.filter.pop();
                self.select_current();
            }
            KeyCode::Char('u') if ctrl => {
                self.filter.clear();
                self.select_current();
            }
            KeyCode::Char(c) if !ctrl && !c.is_control() => self.type_text(&c.to_string()),
            _ => {}
        }
        PickerOutcome::Stay
    }

    /// Pasted text goes into the filter (one line).
    pub fn handle_paste(&mut self, text: &str) {
        self.type_text(&for_terminal_line(text));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            if self.filter.chars().count() >= MAX_FILTER_CHARS {
                break;
            }
            self.filter.push(c);
        }
        // The first match, or the current model when it still matches.
        self.select_current();
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        // As tall as the whole list (so typing does not resize it), within the screen.
        let listed = self.models.as_ref().map_or(2, Vec::len).max(2);
        let want = u16::try_from(listed + 4).unwrap_or(u16::MAX).max(7);
        let popup = super::fill_if_full_width(
            centered(area, BOX_MAX_WIDTH, want.min(area.height.saturating_sub(2))),
            area,
        );
        Clear.render(popup, buf);
        let title = match self.conversation_id {
            Some(_) => " Model for this conversation ",
            None => " Model for new interviews ",
        };
        let hints = [
            " ↑↓ move · Enter picks · Esc closes ",
            " Enter picks · Esc closes ",
            " Esc ",
        ];
        let block = super::window_block(t, &[title, " Model "], &hints, popup.width);
        let inner = block.inner(popup);
        block.render(popup, buf);
        let inner = super::padded(inner);
        if inner.width == 0 || inner.height == 0 {
            return;
        }
        let width = usize::from(inner.width);
        let mut lines = vec![Line::from(vec![
            Span::styled("Filter: ", t.muted),
            Span::raw(tail_to_width(
                &for_terminal_line(&self.filter),
                width.saturating_sub(9),
            )),
            Span::styled("▏", t.accent),
        ])];
        let rows = usize::from(inner.height).saturating_sub(1);
        if let Some(error) = &self.error {
            lines.push(Line::default());
            lines.push(Line::styled(
                format!("✗ {}", for_terminal_line(error)),
                t.error,
            ));
            if !self.filter.trim().is_empty() {
                lines.push(Line::default());
                lines.push(Line::styled("Enter uses the name as typed.", t.muted));
            }
        } else if self.loading() {
            lines.push(Line::styled("Asking the server for its models…", t.muted));
        } else {
            let visible = self.visible();
            if visible.is_empty() {
                let note = if self.filter.trim().is_empty() {
                    "The server lists no models.".to_string()
                } else {
                    format!(
                        "No model matches. Enter uses “{}” as typed.",
                        for_terminal_line(self.filter.trim())
                    )
                };
                lines.push(Line::styled(note, t.muted));
            }
            // Keep the highlighted row in view.
            let first = self.selected.saturating_sub(rows.saturating_sub(1));
            for (i, model) in visible.iter().enumerate().skip(first).take(rows) {
                let is_current = self.current.as_deref() == Some(*model);
                let (marker, style) = super::picker_row(t.accent, is_current, i == self.selected);
                let name = truncate_to_width(&for_terminal_line(model), width.saturating_sub(4));
                lines.push(Line::from(vec![
                    Span::styled(marker, t.accent),
                    Span::styled(name, style),
                ]));
            }
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}

/// The end of `text` that fits in `width` columns (what is being typed shows).
fn tail_to_width(text: &str, width: usize) -> String {
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = display_width(&c.to_string());
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.into_iter().rev().collect()
}

/// The start of `text` that fits in `width` columns, with `…` when cut.
fn truncate_to_width(text: &str, width: usize) -> String {
    if display_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = display_width(&c.to_string());
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn picker() -> ModelPicker {
        let mut p = ModelPicker::new(Some(1), Some("qwen2.5:7b".into()), Theme::default());
        assert!(p.loading());
        p.loaded(Ok(vec![
            "gpt-4o-mini".into(),
            "llama3.1:8b".into(),
            "qwen2.5:7b".into(),
        ]));
        p
    }

    #[test]
    fn the_current_model_is_highlighted_and_the_filter_narrows_the_list() {
        let mut p = picker();
        assert_eq!(p.choice().as_deref(), Some("qwen2.5:7b"));
        for c in "LLA".chars() {
            assert_eq!(p.handle_key(k(KeyCode::Char(c))), PickerOutcome::Stay);
        }
        assert_eq!(p.visible(), ["llama3.1:8b"]);
        assert_eq!(
            p.handle_key(k(KeyCode::Enter)),
            PickerOutcome::Choose("llama3.1:8b".into())
        );
        p.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(p.visible().len(), 3);
        p.handle_key(k(KeyCode::Home));
        p.handle_key(k(KeyCode::Down));
        assert_eq!(p.choice().as_deref(), Some("llama3.1:8b"));
        p.handle_key(k(KeyCode::End));
        p.handle_key(k(KeyCode::Down));
        assert_eq!(p.choice().as_deref(), Some("qwen2.5:7b"));
        assert_eq!(p.handle_key(k(KeyCode::Esc)), PickerOutcome::Close);
    }

    #[test]
    fn with_no_match_or_no_list_enter_takes_the_name_as_typed() {
        let mut p = picker();
        p.handle_paste("mistral:7b\n");
        assert!(p.visible().is_empty());
        assert_eq!(
            p.handle_key(k(KeyCode::Enter)),
            PickerOutcome::Choose("mistral:7b".into())
        );
        let mut failed = ModelPicker::new(None, None, Theme::default());
        failed.loaded(Err("the server refused: 401".into()));
        assert!(!failed.loading());
        assert_eq!(failed.handle_key(k(KeyCode::Enter)), PickerOutcome::Stay);
        failed.handle_key(k(KeyCode::Char('x')));
        assert_eq!(
            failed.handle_key(k(KeyCode::Enter)),
            PickerOutcome::Choose("x".into())
        );
    }

    #[test]
    fn it_draws_without_panicking_down_to_one_cell() {
        let p = picker();
        for (w, h) in [(1, 1), (10, 3), (50, 20), (80, 24)] {
            let area = Rect::new(0, 0, w, h);
            let mut buf = Buffer::empty(area);
            p.render(area, &mut buf);
        }
    }
}
