//! The text fields: [`AnswerBox`], the multi-line answer box of the main screen, which
//! does exactly what the key map's Input rows say (`tui::keys`); and [`LineInput`], a
//! one-line field for forms: editing keys, paste, an optional mask for secrets, and
//! horizontal scrolling that keeps the cursor in view.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::sanitize;
use crate::tui::keys::{self, Action, Scope};

/// Above this many bytes the answer box stops soft-wrapping: re-wrapping a huge paste
/// on every key would make typing lag.
const WRAP_LIMIT: usize = 64 * 1024;

/// The answer box: a multi-line editor (ratatui-textarea) that knows the editing
/// actions of the key map's Input rows, typing, Backspace and Delete, and nothing
/// else. ratatui-textarea's own shortcuts (Ctrl+U is undo there) are never reached,
/// so every key does what the help says.
#[derive(Debug, Clone)]
pub struct AnswerBox {
    area: TextArea<'static>,
}

impl Default for AnswerBox {
    fn default() -> AnswerBox {
        AnswerBox::new("")
    }
}

impl AnswerBox {
    /// A box holding `text` (a restored draft), the cursor at its end.
    pub fn new(text: &str) -> AnswerBox {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_placeholder_text(format!(
            "Type here · {} sends · {} new line",
            keys::key_for(Scope::Input, Action::Send),
            keys::key_for(Scope::Input, Action::NewLine)
        ));
        area.set_cursor_line_style(Style::default());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        let mut answer = AnswerBox { area };
        answer.fit_wrap();
        answer
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    /// The cursor as (line, character) from 0.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.area.cursor();
        (c.0, c.1)
    }

    /// Inserts pasted text at the cursor.
    pub fn insert_str(&mut self, text: &str) {
        self.area.insert_str(text);
        self.fit_wrap();
    }

    /// Applies an editing action of the key map's Input rows; true when the text
    /// changed. Other actions are not the box's business and do nothing.
    pub fn edit(&mut self, action: Action) -> bool {
        let a = &mut self.area;
        let changed = match action {
            Action::NewLine => {
                a.insert_newline();
                true
            }
            // At the start of a line there is nothing before the cursor on it: the
            // line joins the one above, so repeating the key clears a whole draft.
            Action::DeleteToLineStart => a.delete_line_by_head(),
            Action::DeleteToLineEnd => a.delete_line_by_end(),
            Action::DeleteWord => a.delete_word(),
            Action::Undo => a.undo(),
            _ => {
                let to = match action {
                    Action::CursorLeft => CursorMove::Back,
                    Action::CursorRight => CursorMove::Forward,
                    Action::CursorUp => CursorMove::Up,
                    Action::CursorDown => CursorMove::Down,
                    Action::LineStart => CursorMove::Head,
                    Action::LineEnd => CursorMove::End,
                    Action::WordLeft => CursorMove::WordBack,
                    Action::WordRight => CursorMove::WordForward,
                    _ => return false,
                };
                a.move_cursor(to);
                false
            }
        };
        if changed {
            self.fit_wrap();
        }
        changed
    }

    /// A key no row of the key map binds: a character is typed, Backspace and Delete
    /// delete one; anything else does nothing. True when the text changed.
    pub fn type_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let changed = match key.code {
            KeyCode::Char(c) if !ctrl && !alt => {
                self.area.insert_char(c);
                true
            }
            KeyCode::Backspace if !ctrl && !alt => self.area.delete_char(),
            KeyCode::Delete if !ctrl && !alt => self.area.delete_next_char(),
            _ => false,
        };
        if changed {
            self.fit_wrap();
        }
        changed
    }

    /// Sets how the box looks this frame: the cursor shows only with focus.
    pub fn set_look(&mut self, focused: bool, placeholder: Style) {
        self.area.set_cursor_style(if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        });
        self.area.set_placeholder_style(placeholder);
    }

    /// The widget to draw (`&TextArea` renders through a shared reference).
    pub fn widget(&self) -> &TextArea<'static> {
        &self.area
    }

    /// Soft-wraps unless the text is huge.
    fn fit_wrap(&mut self) {
        let big = self.area.lines().iter().map(String::len).sum::<usize>() > WRAP_LIMIT;
        let mode = if big {
            WrapMode::None
        } else {
            WrapMode::WordOrGlyph
        };
        if self.area.wrap_mode() != mode {
            self.area.set_wrap_mode(mode);
        }
    }
}

/// Characters of a masked value left visible at the end, so the user can tell which
/// key they pasted.
const MASK_VISIBLE_TAIL: usize = 4;

/// Text and cursor of a single-line field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Byte offset, always on a grapheme boundary.
    cursor: usize,
    masked: bool,
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        let text = sanitize::for_terminal_line(text);
        LineInput {
            cursor: text.len(),
            text,
            masked: false,
        }
    }

    /// A field for a secret: shows `•` for all but the last four characters.
    pub fn masked() -> LineInput {
        LineInput {
            masked: true,
            ..LineInput::default()
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Inserts pasted or typed text at the cursor; control characters and line breaks
    /// become spaces (a one-line field), surrounding whitespace of a paste is dropped
    /// when the field is empty (a key copied with a trailing newline).
    pub fn insert_str(&mut self, s: &str) {
        let clean = sanitize::for_terminal_line(s);
        let clean = if self.text.is_empty() {
            clean.trim()
        } else {
            &clean
        };
        self.text.insert_str(self.cursor, clean);
        self.cursor += clean.len();
    }

    /// Applies an editing key. Returns false for keys a field does not use (Tab,
    /// Enter, Esc, arrows up/down…), which the form handles.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.text.len(),
            KeyCode::Char('u') if ctrl => {
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.text.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let start = self.word_start();
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                let mut b = [0; 4];
                self.insert_str(c.encode_utf8(&mut b));
            }
            KeyCode::Backspace => {
                if let Some(prev) = self.prev_boundary() {
                    self.text.replace_range(prev..self.cursor, "");
                    self.cursor = prev;
                }
            }
            KeyCode::Delete => {
                if let Some(next) = self.next_boundary() {
                    self.text.replace_range(self.cursor..next, "");
                }
            }
            KeyCode::Left => self.cursor = self.prev_boundary().unwrap_or(self.cursor),
            KeyCode::Right => self.cursor = self.next_boundary().unwrap_or(self.cursor),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.text.len(),
            _ => return false,
        }
        true
    }

    fn prev_boundary(&self) -> Option<usize> {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
    }

    fn next_boundary(&self) -> Option<usize> {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map(|g| self.cursor + g.len())
    }

    fn word_start(&self) -> usize {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        trimmed.rfind(char::is_whitespace).map_or(0, |i| {
            i + trimmed[i..].chars().next().map_or(1, char::len_utf8)
        })
    }

    /// What the field shows: the text, or the mask.
    fn shown(&self) -> (String, usize) {
        if !self.masked {
            return (self.text.clone(), self.text[..self.cursor].width());
        }
        let n = self.text.chars().count();
        // Short values are masked completely: four of eight characters would say too much.
        let tail = if n > 2 * MASK_VISIBLE_TAIL {
            MASK_VISIBLE_TAIL
        } else {
            0
        };
        let shown: String = std::iter::repeat_n('•', n - tail)
            .chain(self.text.chars().skip(n - tail))
            .collect();
        let cursor_chars = self.text[..self.cursor].chars().count();
        (shown, cursor_chars)
    }

    /// The field as one line `width` columns wide: the text scrolled so the cursor is
    /// visible, the cursor as a reversed cell when `focused`, `placeholder` when empty.
    pub fn line(
        &self,
        width: u16,
        style: Style,
        focused: bool,
        placeholder: &str,
    ) -> Line<'static> {
        let width = usize::from(width);
        if width == 0 {
            return Line::default();
        }
        let (shown, cursor_col) = self.shown();
        let cursor_style = style.add_modifier(Modifier::REVERSED);
        if shown.is_empty() {
            let dim = style.add_modifier(Modifier::DIM);
            // The cursor sits on the placeholder's first character, so the text
            // starts in the same column with and without focus.
            return if focused {
                let hint = cut(placeholder, 0, width);
                let mut graphemes = hint.graphemes(true);
                let first = graphemes.next().unwrap_or(" ").to_string();
                let rest: String = graphemes.collect();
                Line::from(vec![
                    Span::styled(first, cursor_style.add_modifier(Modifier::DIM)),
                    Span::styled(rest, dim),
                ])
            } else {
                Line::from(Span::styled(cut(placeholder, 0, width), dim))
            };
        }
        if !focused && shown.width() > width {
            // A field without focus shows its beginning, and "…" where it is cut.
            return Line::from(vec![
                Span::styled(cut(&shown, 0, width - 1), style),
                Span::styled("…", style),
            ]);
        }
        // Scroll so that the cursor cell is the last visible one at most; a field
        // without focus shows its beginning.
        let mut start = if focused {
            (cursor_col + 1).saturating_sub(width)
        } else {
            0
        };
        let mut spans = Vec::new();
        // Scrolled: "…" in the first column says the text goes on to the left.
        let full_width = width;
        let mut width = width;
        if start > 0 && width >= 2 {
            width -= 1;
            start = (cursor_col + 1).saturating_sub(width);
            spans.push(Span::styled("…", style));
        }
        let mut col = 0;
        let mut before = String::new();
        let mut at: Option<String> = None;
        let mut after = String::new();
        for g in shown.graphemes(true) {
            let w = g.width();
            if col < start {
                col += w;
                continue;
            }
            if col + w > start + width {
                break;
            }
            if col < cursor_col {
                before.push_str(g);
            } else if col == cursor_col && at.is_none() {
                at = Some(g.to_string());
            } else {
                after.push_str(g);
            }
            col += w;
        }
        spans.push(Span::styled(before, style));
        if focused {
            let cell = at.clone().unwrap_or_else(|| " ".to_string());
            spans.push(Span::styled(cell, cursor_style));
        } else if let Some(a) = at {
            spans.push(Span::styled(a, style));
        }
        spans.push(Span::styled(after, style));
        let mut line = Line::from(spans);
        // The cursor cell past the end may push the line one column over: trim it.
        while super::line_width(&line) > full_width {
            if line.spans.pop().is_none() {
                break;
            }
        }
        line
    }
}

/// `s` from column `from`, at most `width` columns.
fn cut(s: &str, from: usize, width: usize) -> String {
    let mut col = 0;
    let mut out = String::new();
    for g in s.graphemes(true) {
        let w = g.width();
        if col >= from {
            if col + w > from + width {
                break;
            }
            out.push_str(g);
        }
        col += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn shown(l: &Line<'_>) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn typing_and_editing() {
        let mut i = LineInput::default();
        for c in "héllo wörld".chars() {
            i.handle_key(key(KeyCode::Char(c)));
        }
        i.handle_key(key(KeyCode::Backspace));
        i.handle_key(key(KeyCode::Home));
        i.handle_key(key(KeyCode::Delete));
        assert_eq!(i.text(), "éllo wörl");
        i.handle_key(key(KeyCode::End));
        i.handle_key(ctrl('w'));
        assert_eq!(i.text(), "éllo ");
        i.handle_key(key(KeyCode::Left));
        i.handle_key(ctrl('u'));
        assert_eq!(i.text(), " ");
        assert!(!i.handle_key(key(KeyCode::Enter)));
    }

    #[test]
    fn paste_is_one_clean_line() {
        let mut i = LineInput::default();
        i.insert_str("  sk-abc\u{1b}[2J\n");
        assert_eq!(i.text(), "sk-abc␛[2J");
    }

    #[test]
    fn masked_shows_only_the_last_four() {
        let mut i = LineInput::masked();
        i.insert_str("sk-proj-1234567890abcd");
        let l = i.line(40, Style::new(), false, "");
        assert_eq!(shown(&l), format!("{}abcd", "•".repeat(18)));
        let mut short = LineInput::masked();
        short.insert_str("abcdef");
        assert_eq!(shown(&short.line(40, Style::new(), false, "")), "••••••");
    }

    #[test]
    fn long_text_scrolls_to_keep_the_cursor_visible() {
        let i = LineInput::new("abcdefghijklmnopqrstuvwxyz");
        let l = i.line(10, Style::new(), true, "");
        assert_eq!(shown(&l), "…stuvwxyz ");
        let l = i.line(10, Style::new(), false, "");
        assert_eq!(shown(&l), "abcdefghi…");
        assert_eq!(super::super::line_width(&l), 10);
        assert_eq!(
            shown(&LineInput::new("日本語").line(1, Style::new(), true, "")),
            " "
        );
    }
}
