//! The help overlay (`?`, F1): every key, grouped by section. The key map
//! (`tui::keys`) owns the list and [`HelpOverlay::for_keymap`] shows it, so the
//! overlay can never drift from the real keys; [`HelpOverlay::new`] draws any list.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{centered, fitting};
use crate::tui::render::Theme;
use crate::tui::render::wrap::{WrapOptions, display_width, wrap_spans};

/// What a key did to the overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpOutcome {
    /// Close the overlay (Esc, q, ?, F1, Enter).
    Close,
    /// Handled here (scrolling); redraw.
    Consumed,
    /// Not a help key: the overlay swallowed it so nothing happens underneath.
    Ignored,
}

/// The help overlay's state: the key list and how far it is scrolled.
#[derive(Debug, Clone)]
pub struct HelpOverlay {
    sections: Vec<(String, Vec<(String, String)>)>,
    scroll: usize,
    /// The largest useful scroll offset at the last draw (depends on the area).
    max_scroll: Cell<usize>,
    theme: Theme,
}

/// The key column is at least this wide when keys need it; wider when the box leaves
/// [`DESCRIPTION_MIN`] columns beside it. Longer key names take a line of their own.
const KEY_COLUMN_MIN: usize = 18;
/// Columns kept for the description beside the key column.
const DESCRIPTION_MIN: usize = 50;
/// Widest the overlay gets in one column.
const BOX_MAX_WIDTH: u16 = 100;
/// From this width on, the sections are laid out in two columns (the whole key map
/// fits a 120x40 terminal without scrolling).
const TWO_COLUMNS_FROM: u16 = 110;
/// Widest the overlay gets in two columns.
const BOX_MAX_WIDTH_TWO: u16 = 170;
/// Columns between the two columns.
const COLUMN_GAP: usize = 3;

impl HelpOverlay {
    /// `keys` as `(key, description, section)`, e.g. `("Ctrl+C", "quit", "General")`;
    /// sections appear in the order they are first named.
    pub fn new(keys: &[(&str, &str, &str)]) -> HelpOverlay {
        let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (key, desc, section) in keys {
            let row = (key.to_string(), desc.to_string());
            match sections.iter_mut().find(|(name, _)| name == section) {
                Some((_, rows)) => rows.push(row),
                None => sections.push((section.to_string(), vec![row])),
            }
        }
        HelpOverlay {
            sections,
            scroll: 0,
            max_scroll: Cell::new(usize::MAX),
            theme: Theme::default(),
        }
    }

    /// The overlay of the real key map (`tui::keys::KEYMAP`), section by section.
    pub fn for_keymap() -> HelpOverlay {
        let rows = crate::tui::keys::help_rows();
        let keys: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|(key, what, section)| (key.as_str(), *what, *section))
            .collect();
        HelpOverlay::new(&keys)
    }

    pub fn with_theme(mut self, theme: Theme) -> HelpOverlay {
        self.theme = theme;
        self
    }

    /// Scrolls by `delta` lines (negative is up), e.g. for the mouse wheel.
    pub fn scroll_by(&mut self, delta: isize) {
        let to = self.scroll.saturating_add_signed(delta);
        self.scroll = to.min(self.max_scroll.get());
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> HelpOutcome {
        let max = self.max_scroll.get();
        match key.code {
            KeyCode::Esc
            | KeyCode::Char('q')
            | KeyCode::Char('?')
            | KeyCode::F(1)
            | KeyCode::Enter => HelpOutcome::Close,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                HelpOutcome::Close
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll = (self.scroll + 1).min(max);
                HelpOutcome::Consumed
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll = self.scroll.saturating_sub(1);
                HelpOutcome::Consumed
            }
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.scroll = (self.scroll + 10).min(max);
                HelpOutcome::Consumed
            }
            KeyCode::PageUp => {
                self.scroll = self.scroll.saturating_sub(10);
                HelpOutcome::Consumed
            }
            KeyCode::Home | KeyCode::Char('g') => {
                self.scroll = 0;
                HelpOutcome::Consumed
            }
            KeyCode::End | KeyCode::Char('G') => {
                self.scroll = max.min(usize::from(u16::MAX));
                HelpOutcome::Consumed
            }
            _ => HelpOutcome::Ignored,
        }
    }

    /// The overlay's text at `width` columns.
    fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let all: Vec<usize> = (0..self.sections.len()).collect();
        self.lines_of(&all, width)
    }

    /// The overlay's text in two columns of `column` width each: whole sections in
    /// order, the first column taking sections until it holds about half the lines.
    fn two_columns(&self, column: u16) -> Vec<Line<'static>> {
        let sizes: Vec<usize> = (0..self.sections.len())
            .map(|i| self.lines_of(&[i], column).len())
            .collect();
        let total: usize = sizes.iter().sum();
        let mut split = 0;
        let mut left_lines = 0;
        while split < sizes.len() && left_lines < total / 2 {
            left_lines += sizes[split];
            split += 1;
        }
        // The first column takes the bigger share; never leave the second empty when
        // there are two sections or more.
        let split = split.clamp(1.min(sizes.len()), sizes.len().saturating_sub(1).max(1));
        let left: Vec<usize> = (0..split).collect();
        let right: Vec<usize> = (split..self.sections.len()).collect();
        let left = self.lines_of(&left, column);
        let right = self.lines_of(&right, column);
        let rows = left.len().max(right.len());
        let column = usize::from(column);
        (0..rows)
            .map(|i| {
                let mut spans = Vec::new();
                let mut used = 0;
                if let Some(l) = left.get(i) {
                    used = crate::tui::render::wrap::line_width(l);
                    spans.extend(l.spans.iter().cloned());
                }
                if let Some(r) = right.get(i) {
                    spans.push(Span::raw(
                        " ".repeat(column.saturating_sub(used) + COLUMN_GAP),
                    ));
                    spans.extend(r.spans.iter().cloned());
                }
                Line::from(spans)
            })
            .collect()
    }

    /// The text of the sections `which` at `width` columns.
    fn lines_of(&self, which: &[usize], width: u16) -> Vec<Line<'static>> {
        let t = &self.theme;
        let key_w = self
            .sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(k, _)| display_width(k)))
            .max()
            .unwrap_or(0);
        let room = usize::from(width).saturating_sub(2 + DESCRIPTION_MIN);
        let key_w = key_w.min(room.max(KEY_COLUMN_MIN));
        // In a narrow box the description goes under the key instead of beside it.
        let side_by_side = usize::from(width) >= key_w + 2 + 16;
        let mut lines = Vec::new();
        for (n, &i) in which.iter().enumerate() {
            let Some((section, rows)) = self.sections.get(i) else {
                continue;
            };
            if n > 0 {
                lines.push(Line::default());
            }
            lines.extend(wrap_spans(
                &[Span::styled(section.clone(), t.heading)],
                &WrapOptions::new(width),
            ));
            for (key, desc) in rows {
                if side_by_side {
                    let pad = key_w.saturating_sub(display_width(key));
                    let first = vec![
                        Span::styled(format!("{key}{}", " ".repeat(pad)), t.accent),
                        Span::raw("  "),
                    ];
                    // A key wider than the column takes its own line.
                    if display_width(key) > key_w {
                        lines.extend(wrap_spans(
                            &[Span::styled(key.clone(), t.accent)],
                            &WrapOptions::new(width),
                        ));
                        let indent = vec![Span::raw(" ".repeat(key_w + 2))];
                        let opts = WrapOptions::new(width).prefixes(indent.clone(), indent);
                        lines.extend(wrap_spans(&[Span::raw(desc.clone())], &opts));
                    } else {
                        let rest = vec![Span::raw(" ".repeat(key_w + 2))];
                        let opts = WrapOptions::new(width).prefixes(first, rest);
                        lines.extend(wrap_spans(&[Span::raw(desc.clone())], &opts));
                    }
                } else {
                    lines.extend(wrap_spans(
                        &[Span::styled(key.clone(), t.accent)],
                        &WrapOptions::new(width),
                    ));
                    let indent = vec![Span::raw("  ")];
                    let opts = WrapOptions::new(width).prefixes(indent.clone(), indent);
                    lines.extend(wrap_spans(&[Span::raw(desc.clone())], &opts));
                }
            }
        }
        lines
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let two = area.width >= TWO_COLUMNS_FROM && self.sections.len() > 1;
        let box_w = if two {
            BOX_MAX_WIDTH_TWO.min(area.width)
        } else {
            BOX_MAX_WIDTH.min(area.width)
        };
        let inner_w = box_w.saturating_sub(4);
        let lines = if two {
            let column = (usize::from(inner_w).saturating_sub(COLUMN_GAP) / 2).max(1);
            self.two_columns(u16::try_from(column).unwrap_or(1))
        } else {
            self.lines(inner_w.max(1))
        };
        let want_h = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_add(2);
        let popup = super::fill_if_full_width(centered(area, box_w, want_h), area);
        Clear.render(popup, buf);
        let inner_h = usize::from(popup.height.saturating_sub(2));
        let max = lines.len().saturating_sub(inner_h);
        self.max_scroll.set(max);
        let scroll = self.scroll.min(max);
        let hints: &[&str] = if max > 0 {
            &[" Esc close · ↑↓ scroll ", " Esc close "]
        } else {
            &[" Esc close "]
        };
        let mut block = super::dialog_block(t)
            .title(Span::styled(" Keys ", t.heading))
            .title_bottom(
                Line::from(Span::styled(fitting(hints, popup.width), t.muted)).right_aligned(),
            );
        // Say there is more, so a cut-off list is not mistaken for the whole.
        if scroll < max && popup.width >= 34 {
            block =
                block.title_bottom(Line::from(Span::styled(" ↓ more ", t.accent)).left_aligned());
        }
        let inner = block.inner(popup);
        block.render(popup, buf);
        let text_area = super::padded(inner);
        let shown: Vec<Line<'static>> = lines.into_iter().skip(scroll).collect();
        Paragraph::new(shown).render(text_area, buf);
    }
}

impl Widget for &HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        HelpOverlay::render(self, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: &[(&str, &str, &str)] = &[
        ("Enter", "send the message", "Input"),
        ("Ctrl+C", "quit", "General"),
        ("Alt+Enter", "new line", "Input"),
    ];

    #[test]
    fn sections_keep_their_first_order() {
        let h = HelpOverlay::new(KEYS);
        let names: Vec<&str> = h.sections.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Input", "General"]);
        assert_eq!(h.sections[0].1.len(), 2);
    }

    #[test]
    fn keys_close_or_scroll() {
        let mut h = HelpOverlay::new(KEYS);
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(h.handle_key(k(KeyCode::Esc)), HelpOutcome::Close);
        assert_eq!(h.handle_key(k(KeyCode::F(1))), HelpOutcome::Close);
        assert_eq!(h.handle_key(k(KeyCode::Down)), HelpOutcome::Consumed);
        assert_eq!(h.handle_key(k(KeyCode::Char('x'))), HelpOutcome::Ignored);
    }

    #[test]
    fn scrolling_stops_at_the_end() {
        let many: Vec<(String, String)> = (0..40)
            .map(|i| (format!("F{i}"), format!("action {i}")))
            .collect();
        let keys: Vec<(&str, &str, &str)> = many
            .iter()
            .map(|(k, d)| (k.as_str(), d.as_str(), "All"))
            .collect();
        let mut h = HelpOverlay::new(&keys);
        let area = Rect::new(0, 0, 40, 12);
        let mut buf = Buffer::empty(area);
        h.render(area, &mut buf);
        for _ in 0..100 {
            h.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        // 41 lines (title + 40) in 10 rows: 31 is the last useful offset.
        assert_eq!(h.scroll, 31);
        h.scroll_by(-40);
        assert_eq!(h.scroll, 0);
        h.scroll_by(5);
        assert_eq!(h.scroll, 5);
        h.scroll_by(500);
        assert_eq!(h.scroll, 31);
    }
}
