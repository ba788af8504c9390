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
pub mod report_view;
pub mod setup_form;
pub mod welcome;

use ratatui::layout::Rect;

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
