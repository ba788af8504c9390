//! Plain-text wrapping of message bodies by display width (CJK and emoji take two
//! columns, combining marks none; words longer than the width are broken). The
//! message pane calls [`body_lines`] only, so a richer renderer (markdown) can take
//! its place in one line.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Spaces a tab becomes.
const TAB: &str = "    ";

/// A message body as styled lines at most `width` columns wide. `text` must be
/// sanitised already (no control characters other than newlines and tabs).
pub fn body_lines(text: &str, width: u16, style: Style) -> Vec<Line<'static>> {
    wrap(text, usize::from(width.max(1)))
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// Wraps `text` at word boundaries to `width` display columns. Every input line
/// yields at least one output line, so blank lines survive.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let line = if raw.contains('\t') {
            raw.replace('\t', TAB)
        } else {
            raw.to_string()
        };
        wrap_line(&line, width, &mut out);
    }
    out
}

fn wrap_line(line: &str, width: usize, out: &mut Vec<String>) {
    if line.width() <= width {
        out.push(line.trim_end().to_string());
        return;
    }
    let mut current = String::new();
    let mut current_width = 0;
    // Split into words with their trailing spaces, so spacing inside a line is kept.
    for word in line.split_word_bounds() {
        let w = word.width();
        if current_width + w <= width {
            current.push_str(word);
            current_width += w;
            continue;
        }
        if word.trim().is_empty() {
            // Spaces at a break are dropped.
            out.push(std::mem::take(&mut current).trim_end().to_string());
            current_width = 0;
            continue;
        }
        if !current.is_empty() && w <= width {
            out.push(std::mem::take(&mut current).trim_end().to_string());
            current.push_str(word);
            current_width = w;
            continue;
        }
        // A word wider than the line: break it between graphemes.
        for g in word.graphemes(true) {
            let gw = g.width();
            if current_width + gw > width && !current.is_empty() {
                out.push(std::mem::take(&mut current).trim_end().to_string());
                current_width = 0;
            }
            current.push_str(g);
            current_width += gw;
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current.trim_end().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths(lines: &[String]) -> Vec<usize> {
        lines.iter().map(|l| l.width()).collect()
    }

    #[test]
    fn short_lines_and_blank_lines_stay() {
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            ["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn long_words_break_and_nothing_is_lost() {
        let text = "x".repeat(25);
        let lines = wrap(&text, 10);
        assert_eq!(widths(&lines), [10, 10, 5]);
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let lines = wrap("日本語のテキストです", 7);
        assert!(widths(&lines).iter().all(|w| *w <= 7), "{lines:?}");
        assert_eq!(lines.concat(), "日本語のテキストです");
        let emoji = wrap("👍🏽👍🏽👍🏽👍🏽", 5);
        assert!(widths(&emoji).iter().all(|w| *w <= 5), "{emoji:?}");
        assert_eq!(emoji.concat(), "👍🏽👍🏽👍🏽👍🏽");
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        let text = "e\u{301}e\u{301}e\u{301}e\u{301}";
        let lines = wrap(text, 2);
        assert_eq!(lines, ["e\u{301}e\u{301}", "e\u{301}e\u{301}"]);
    }

    #[test]
    fn tabs_become_spaces_and_width_one_never_loops() {
        assert_eq!(wrap("\tx", 10), ["    x"]);
        let lines = wrap("ab cd", 1);
        assert_eq!(lines.concat().replace(' ', ""), "abcd");
        assert!(wrap("日", 1).concat() == "日");
    }
}
