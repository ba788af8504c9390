//! Pure rendering: text in, styled ratatui lines out. No terminal, no I/O.

pub mod cache;
pub mod markdown;
pub mod theme;
pub mod wrap;

pub use cache::{
    MAX_SHOWN_BYTES, MessageLayout, View, message_lines, message_lines_with, shown_part,
};
pub use markdown::{markdown_lines, markdown_lines_partial};
pub use theme::Theme;

/// The text of each line, styles dropped (for tests that read what a screen says).
#[cfg(test)]
pub(crate) fn plain(lines: &[ratatui::text::Line<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}
