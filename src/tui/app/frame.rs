//! What the next frame shows, worked out just before it is drawn, so that
//! `view::draw` only reads: where each pane goes ([`App::areas`]), the message pane's
//! visible lines (from the layout cache, which this advances, including a jump to a
//! search match), the conversation list's scroll and the message each of its rows
//! shows (for clicks), and the answer box's look.
//!
//! The runtime calls [`App::prepare_frame`] before every draw; tests that draw do too.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Padding};
use unicode_width::UnicodeWidthStr;

use super::{App, Focus};
use crate::tui::render::message_lines_with;
use crate::tui::sidebar::DateGroup;

/// Most rows the input box grows to before it scrolls.
const INPUT_MAX_ROWS: u16 = 6;

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    /// The conversation list, when it shows.
    pub sidebar: Option<Rect>,
    pub messages: Rect,
    pub input: Rect,
    pub status: Rect,
}

/// The block around a pane (its title aside): borders all round, and a column of
/// padding inside on the left (on the right, the scrollbar's gap is the padding).
pub fn pane_frame() -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .padding(Padding::left(1))
}

/// The block around the answer box: a pane with a column of padding inside.
pub fn input_frame() -> Block<'static> {
    pane_frame().padding(Padding::horizontal(1))
}

/// Inside the message pane's borders: the header row, and the body below it.
pub fn message_rows(messages: Rect) -> (Rect, Rect) {
    let inner = pane_frame().inner(messages);
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    (header, body)
}

/// The width the message text is laid out at in `body`: the last column is the
/// scrollbar, with a column of space before it.
pub fn text_width(body: Rect) -> u16 {
    body.width.saturating_sub(2).max(1)
}

impl App {
    /// Where each pane goes on a screen of `area`.
    pub fn areas(&self, area: Rect) -> Areas {
        let [main, status] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let (sidebar, right) = if self.sidebar_visible() && main.width >= 30 {
            let [side, right] =
                Layout::horizontal([Constraint::Length(self.sidebar_width()), Constraint::Min(0)])
                    .areas(main);
            (Some(side), right)
        } else {
            (None, main)
        };
        let input_rows = self.input_rows(input_frame().inner(right).width);
        let input_height = (input_rows + 2)
            .min(right.height / 2)
            .max(3.min(right.height));
        let [messages, input] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(input_height)]).areas(right);
        Areas {
            sidebar,
            messages,
            input,
            status,
        }
    }

    /// Rows the draft takes at `width` columns, up to [`INPUT_MAX_ROWS`].
    fn input_rows(&self, width: u16) -> u16 {
        let width = usize::from(width.max(1));
        let mut rows = 0usize;
        for line in self.input.lines() {
            rows += line.width().div_ceil(width).max(1);
            if rows >= usize::from(INPUT_MAX_ROWS) {
                return INPUT_MAX_ROWS;
            }
        }
        rows.max(1) as u16
    }

    /// Works out what the next frame shows (see the module header). Call it before
    /// every `view::draw`.
    pub fn prepare_frame(&mut self) {
        let area = Rect::new(0, 0, self.size.0, self.size.1);
        if area.is_empty() {
            return;
        }
        let areas = self.areas(area);
        self.prepare_sidebar(areas.sidebar);
        self.prepare_messages(areas.messages);
        let placeholder = self.theme.fg(self.theme.muted);
        self.input.set_look(self.focus == Focus::Input, placeholder);
    }

    /// Keeps the selected conversation in view and maps each row of the list to the
    /// conversation it shows (`None`: a date heading).
    fn prepare_sidebar(&mut self, area: Option<Rect>) {
        self.sidebar_rows.1.clear();
        let Some(area) = area else {
            return;
        };
        let inner = pane_frame().inner(area);
        let s = &mut self.sidebar;
        if inner.is_empty() || s.filter.is_some() || s.items.is_empty() {
            return;
        }
        let height = usize::from(inner.height);
        let now = self.now;
        // Rows from `top` to `last` (inclusive), counting date headings.
        let rows_between =
            |items: &[crate::domain::ConversationSummary], top: usize, last: usize| {
                let mut rows = 0;
                let mut group = None;
                for item in &items[top..=last] {
                    let g = DateGroup::of(item.updated_at, now);
                    if group != Some(g) {
                        rows += 1;
                        group = Some(g);
                    }
                    rows += 1;
                }
                rows
            };
        s.selected = s.selected.min(s.items.len() - 1);
        if s.selected < s.top {
            s.top = s.selected;
        }
        while s.top < s.selected && rows_between(&s.items, s.top, s.selected) > height {
            s.top += 1;
        }
        let mut rows: Vec<Option<usize>> = Vec::with_capacity(height);
        let mut group = None;
        for (i, item) in s.items.iter().enumerate().skip(s.top) {
            if rows.len() >= height {
                break;
            }
            let g = DateGroup::of(item.updated_at, now);
            if group != Some(g) {
                group = Some(g);
                rows.push(None);
                if rows.len() >= height {
                    break;
                }
            }
            rows.push(Some(i));
        }
        self.sidebar_rows = (inner.y, rows);
    }

    /// Lays out the visible messages, after a jump to a search match if one waits.
    fn prepare_messages(&mut self, area: Rect) {
        self.message_view = None;
        let (_, body) = message_rows(area);
        if body.is_empty() {
            return;
        }
        if self.transcript.messages.is_empty() {
            self.transcript.showing_top = true;
            return;
        }
        let width = text_width(body);
        if let Some(target) = self.transcript.jump_to.take() {
            self.jump_to_message(target, width, body.height);
        }
        let view = self
            .layout
            .view(&self.transcript.messages, width, body.height);
        self.transcript.showing_top = view.at_top;
        self.message_view = Some(view);
    }

    /// Scrolls so that message `target` starts at the top of the pane, and remembers
    /// where, to draw it highlighted.
    fn jump_to_message(&mut self, target: i64, width: u16, height: u16) {
        let messages = &self.transcript.messages;
        let Some(index) = messages.iter().position(|m| m.id == target) else {
            return;
        };
        let rt = &self.render_theme;
        let unfolded = self.layout.shows_reasoning();
        let above: usize = messages[..index]
            .iter()
            .map(|m| message_lines_with(m, width, rt, unfolded).len())
            .sum();
        let own = message_lines_with(&messages[index], width, rt, unfolded).len();
        // A first view sets the pane's height, which scrolling needs.
        let _ = self.layout.view(messages, width, height);
        self.layout.scroll_to_top(messages);
        self.layout.scroll_down(messages, above);
        self.transcript.highlight_at = Some((width, above, own));
    }
}
