//! Self-contained widgets: state, pure key handling (`handle_key(KeyEvent) -> Outcome`)
//! and drawing into a buffer (`render(&self, area, buf)`). None of them does I/O; the
//! one check that needs the file system (the setup form's files) is a separate
//! function the runtime calls.
//!
//! Every widget fits an 80x24 terminal, stays usable at 50x20, and draws nothing
//! harmful (only clips) down to 1x1.

pub mod drill_view;
pub mod help;
pub mod input;
pub mod model_picker;
pub mod profile_picker;
pub mod report_view;
pub mod setup_form;
pub mod welcome;

use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Borders};

/// The frame of every window over the screen (forms, dialogs, help, the report): one
/// border style for all of them, distinct from the panes' (rounded when idle, thick
/// with focus).
pub fn dialog_block(theme: &crate::tui::render::Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_style(theme.border_focused)
}

/// A window's frame ([`dialog_block`]) with the first of `titles` that fits on top
/// and the first of `hints` that fits at the bottom right, for a window `width`
/// columns wide.
pub fn window_block(
    theme: &crate::tui::render::Theme,
    titles: &[&str],
    hints: &[&str],
    width: u16,
) -> Block<'static> {
    dialog_block(theme)
        .title(ratatui::text::Span::styled(
            fitting(titles, width).to_string(),
            theme.heading,
        ))
        .title_bottom(
            ratatui::text::Line::from(ratatui::text::Span::styled(
                fitting(hints, width).to_string(),
                theme.muted,
            ))
            .right_aligned(),
        )
}

/// The start of a picker's row: a "●" marker for the one in use, and the title's
/// style (the accent for the one in use, reversed for the highlighted row).
pub fn picker_row(
    accent: ratatui::style::Style,
    in_use: bool,
    highlighted: bool,
) -> (&'static str, ratatui::style::Style) {
    let mut style = if in_use {
        accent
    } else {
        ratatui::style::Style::new()
    };
    if highlighted {
        style = style.add_modifier(ratatui::style::Modifier::REVERSED);
    }
    (if in_use { "● " } else { "  " }, style)
}

/// `inner` (a window's inside) less a column of padding on either side.
pub fn padded(inner: Rect) -> Rect {
    Rect {
        x: inner.x.saturating_add(1).min(inner.right()),
        width: inner.width.saturating_sub(2),
        ..inner
    }
}

/// `s` cut to `width` columns, with "…" where it is cut.
pub fn ellipsis(s: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    let w = crate::tui::render::wrap::display_width;
    if w(s) <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let gw = w(g);
        if used + gw + 1 > width {
            break;
        }
        out.push_str(g);
        used += gw;
    }
    out.push('…');
    out
}

pub(crate) use crate::tui::render::wrap::line_width;

/// A centred rectangle of at most `width` x `height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    // A window that nearly fills the height takes all of it, so no sliver of what
    // is under it (a pane's title, a border) shows above or below.
    let h = if area.height.saturating_sub(height) <= 2 {
        area.height
    } else {
        height
    };
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A window as wide as the screen is made as tall too, so no border of what is
/// under it shows above or below as a second title.
pub fn fill_if_full_width(popup: Rect, area: Rect) -> Rect {
    if popup.width == area.width {
        Rect {
            y: area.y,
            height: area.height,
            ..popup
        }
    } else {
        popup
    }
}

/// The first of `options` (longest first) that fits on a border `width` columns wide
/// next to its corners, or nothing: key hints shrink with the terminal instead of
/// being cut mid-word.
pub(crate) fn fitting<'a>(options: &[&'a str], width: u16) -> &'a str {
    let room = usize::from(width).saturating_sub(4);
    options
        .iter()
        .copied()
        .find(|o| crate::tui::render::wrap::display_width(o) <= room)
        .unwrap_or("")
}
