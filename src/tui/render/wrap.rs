//! Display-width-aware wrapping of styled text into terminal lines.
//!
//! Widths are measured per grapheme cluster with `unicode-width`, the same way ratatui's
//! buffer measures them when it draws, so a wrapped line never spills past the width:
//! CJK counts 2, an emoji ZWJ sequence is one cluster, combining marks stay on their base
//! character. Tabs expand to the next multiple of [`TAB_WIDTH`]. A word longer than the
//! line (a URL, a hash) is broken at the width instead of overflowing.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns between tab stops.
pub const TAB_WIDTH: usize = 4;

/// Shown in place of a character that is wider than the whole line (a CJK character
/// at width 1): the only case where wrapping has to drop something.
const TOO_WIDE: &str = "…";

/// Where lines may break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BreakMode {
    /// Between words; whitespace at a break is dropped. Prose.
    #[default]
    Words,
    /// Anywhere, keeping every space. Code, where whitespace is meaning.
    Anywhere,
}

/// How to wrap one logical line.
#[derive(Debug, Clone, Default)]
pub struct WrapOptions {
    /// Columns available, prefixes included.
    pub width: u16,
    /// Drawn before the first output line (a list marker, a quote bar).
    pub first_prefix: Vec<Span<'static>>,
    /// Drawn before every following line (a hanging indent, a continuation mark).
    pub rest_prefix: Vec<Span<'static>>,
    pub mode: BreakMode,
}

impl WrapOptions {
    pub fn new(width: u16) -> WrapOptions {
        WrapOptions {
            width,
            ..WrapOptions::default()
        }
    }

    pub fn prefixes(mut self, first: Vec<Span<'static>>, rest: Vec<Span<'static>>) -> Self {
        self.first_prefix = first;
        self.rest_prefix = rest;
        self
    }

    pub fn mode(mut self, mode: BreakMode) -> Self {
        self.mode = mode;
        self
    }
}

/// Display width of `s` as ratatui draws it: the sum of its grapheme clusters' widths.
pub fn display_width(s: &str) -> usize {
    s.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Display width of a line's spans, measured like [`display_width`].
pub fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| display_width(&s.content)).sum()
}

/// Wraps plain text with one style; every `\n` starts a new line.
pub fn wrap_text(text: &str, style: Style, width: u16) -> Vec<Line<'static>> {
    let opts = WrapOptions::new(width);
    text.split('\n')
        .flat_map(|l| wrap_spans(&[Span::styled(l.to_string(), style)], &opts))
        .collect()
}

/// One grapheme cluster (or a piece of an over-wide one) ready to place.
struct Unit {
    span: usize,
    text: UnitText,
    width: usize,
    space: bool,
}

enum UnitText {
    /// Byte range into the expanded span text.
    Range(usize, usize),
    Static(&'static str),
}

/// Wraps one logical line of styled spans (which must not contain `\n`) into lines no
/// wider than `opts.width`. Width 0 yields no lines: nothing can be shown. An empty
/// input yields one line holding just the first prefix, so blank lines survive.
pub fn wrap_spans(spans: &[Span<'static>], opts: &WrapOptions) -> Vec<Line<'static>> {
    let width = usize::from(opts.width);
    if width == 0 {
        return Vec::new();
    }
    let (first_prefix, first_w) = fit_prefix(&opts.first_prefix, width);
    let (rest_prefix, rest_w) = fit_prefix(&opts.rest_prefix, width);

    let texts: Vec<String> = expand_tabs(spans);
    let styles: Vec<Style> = spans.iter().map(|s| s.style).collect();
    let units = units(&texts, width - first_w.max(rest_w));

    let mut out = LineBuilder {
        texts: &texts,
        styles: &styles,
        lines: Vec::new(),
        current: first_prefix.clone(),
        pending: None,
        used: first_w,
        prefix_spans: first_prefix.len(),
        at_line_start: true,
        first_line: true,
    };

    let new_line = |out: &mut LineBuilder<'_>| {
        out.flush();
        out.current = rest_prefix.clone();
        out.used = rest_w;
        out.prefix_spans = rest_prefix.len();
        out.at_line_start = true;
        out.first_line = false;
    };

    match opts.mode {
        BreakMode::Anywhere => {
            for u in &units {
                if out.used + u.width > width && !out.at_line_start {
                    new_line(&mut out);
                }
                out.push(u);
            }
        }
        BreakMode::Words => {
            let mut i = 0;
            while i < units.len() {
                let space = units[i].space;
                let end = units[i..]
                    .iter()
                    .position(|u| u.space != space)
                    .map_or(units.len(), |n| i + n);
                let run = &units[i..end];
                let run_w: usize = run.iter().map(|u| u.width).sum();
                if space {
                    // Leading whitespace of the logical line is indentation and is kept;
                    // whitespace that would end a line or start a wrapped one is dropped.
                    if out.first_line && out.at_line_start {
                        for u in run {
                            if out.used + u.width > width {
                                break;
                            }
                            out.push(u);
                        }
                    } else if !out.at_line_start {
                        out.pending_space(i, end, run_w);
                    }
                } else {
                    let pending_w = out.pending.map_or(0, |p| p.2);
                    if out.used + pending_w + run_w <= width {
                        out.commit_pending(&units);
                        for u in run {
                            out.push(u);
                        }
                    } else if run_w <= width - rest_w && !out.at_line_start {
                        new_line(&mut out);
                        for u in run {
                            out.push(u);
                        }
                    } else {
                        // Longer than a whole line: fill what is left, then break inside
                        // the word. Start on a fresh line when only a sliver is left.
                        if out.used + pending_w + 1 >= width && !out.at_line_start {
                            new_line(&mut out);
                        } else {
                            out.commit_pending(&units);
                        }
                        for u in run {
                            if out.used + u.width > width && !out.at_line_start {
                                new_line(&mut out);
                            }
                            out.push(u);
                        }
                    }
                }
                i = end;
            }
        }
    }
    out.flush();
    out.lines
}

/// Drops a prefix that would leave no room for text, so every line makes progress.
fn fit_prefix(prefix: &[Span<'static>], width: usize) -> (Vec<Span<'static>>, usize) {
    let w: usize = prefix.iter().map(|s| display_width(&s.content)).sum();
    if w >= width {
        (Vec::new(), 0)
    } else {
        (prefix.to_vec(), w)
    }
}

/// Replaces tabs by spaces up to the next tab stop, counting columns across spans.
fn expand_tabs(spans: &[Span<'static>]) -> Vec<String> {
    let mut col = 0;
    spans
        .iter()
        .map(|s| {
            if !s.content.contains('\t') {
                col += display_width(&s.content);
                return s.content.to_string();
            }
            let mut out = String::with_capacity(s.content.len() + 8);
            for g in s.content.graphemes(true) {
                if g == "\t" {
                    let n = TAB_WIDTH - col % TAB_WIDTH;
                    out.extend(std::iter::repeat_n(' ', n));
                    col += n;
                } else {
                    out.push_str(g);
                    col += g.width();
                }
            }
            out
        })
        .collect()
}

/// Splits the spans into placeable units. A cluster wider than `max` (a long run of
/// combining spacing marks, or a CJK character at width 1) is split into its chars so it
/// can still be broken; a char still wider than the line becomes [`TOO_WIDE`].
fn units(texts: &[String], max: usize) -> Vec<Unit> {
    let max = max.max(1);
    let mut units = Vec::new();
    for (span, text) in texts.iter().enumerate() {
        for (start, g) in text.grapheme_indices(true) {
            let width = g.width();
            let space = g.chars().all(char::is_whitespace);
            if width <= max {
                units.push(Unit {
                    span,
                    text: UnitText::Range(start, start + g.len()),
                    width,
                    space,
                });
                continue;
            }
            for (off, c) in g.char_indices() {
                let cw = c.to_string().width();
                if cw <= max {
                    units.push(Unit {
                        span,
                        text: UnitText::Range(start + off, start + off + c.len_utf8()),
                        width: cw,
                        space,
                    });
                } else {
                    units.push(Unit {
                        span,
                        text: UnitText::Static(TOO_WIDE),
                        width: 1,
                        space,
                    });
                }
            }
        }
    }
    units
}

/// Accumulates units into output lines, merging neighbours of the same span.
struct LineBuilder<'a> {
    texts: &'a [String],
    styles: &'a [Style],
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    /// Whitespace run (unit range and width) seen after a word, placed only if another
    /// word follows on the same line.
    pending: Option<(usize, usize, usize)>,
    used: usize,
    /// How many spans at the start of `current` are the prefix, which is never merged
    /// into.
    prefix_spans: usize,
    at_line_start: bool,
    first_line: bool,
}

impl LineBuilder<'_> {
    fn push(&mut self, u: &Unit) {
        let text = match u.text {
            UnitText::Range(a, b) => &self.texts[u.span][a..b],
            UnitText::Static(s) => s,
        };
        let style = self.styles[u.span];
        let n = self.current.len();
        if n > self.prefix_spans && self.current[n - 1].style == style {
            self.current[n - 1].content.to_mut().push_str(text);
        } else {
            self.current.push(Span::styled(text.to_string(), style));
        }
        self.used += u.width;
        self.at_line_start = false;
    }

    fn pending_space(&mut self, start: usize, end: usize, width: usize) {
        self.pending = Some((start, end, width));
    }

    fn commit_pending(&mut self, units: &[Unit]) {
        if let Some((a, b, _)) = self.pending.take() {
            for u in &units[a..b] {
                self.push(u);
            }
        }
    }

    fn flush(&mut self) {
        self.pending = None;
        self.lines
            .push(Line::from(std::mem::take(&mut self.current)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::render::plain;

    fn wrap(s: &str, w: u16) -> Vec<String> {
        plain(&wrap_spans(
            &[Span::raw(s.to_string())],
            &WrapOptions::new(w),
        ))
    }

    #[test]
    fn words_wrap_at_spaces_and_drop_the_break_whitespace() {
        assert_eq!(
            wrap("the quick brown fox jumps", 10),
            ["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn long_words_are_broken_at_the_width() {
        assert_eq!(
            wrap("see https://example.com/abcdef", 10),
            ["see https:", "//example.", "com/abcdef"]
        );
    }

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(wrap("日本語のテキスト", 6), ["日本語", "のテキ", "スト"]);
        // An odd width leaves a column empty rather than splitting a character.
        assert_eq!(wrap("日本語", 5), ["日本", "語"]);
    }

    #[test]
    fn zwj_emoji_and_combining_marks_stay_whole() {
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(wrap(&format!("{family}{family}{family}"), 4).len(), 2);
        assert_eq!(
            wrap("e\u{301}e\u{301}e\u{301}", 2),
            ["e\u{301}e\u{301}", "e\u{301}"]
        );
    }

    #[test]
    fn tabs_expand_to_tab_stops() {
        assert_eq!(wrap("a\tb", 20), ["a   b"]);
        let lines = wrap_spans(&[Span::raw("ab"), Span::raw("\tc")], &WrapOptions::new(20));
        assert_eq!(plain(&lines), ["ab  c"]);
    }

    #[test]
    fn leading_indentation_is_kept() {
        assert_eq!(wrap("    indented", 20), ["    indented"]);
    }

    #[test]
    fn hanging_prefixes_apply_to_first_and_following_lines() {
        let opts = WrapOptions::new(10).prefixes(vec![Span::raw("• ")], vec![Span::raw("  ")]);
        let lines = wrap_spans(&[Span::raw("one two three four")], &opts);
        assert_eq!(plain(&lines), ["• one two", "  three", "  four"]);
    }

    #[test]
    fn anywhere_mode_keeps_spaces() {
        let opts = WrapOptions::new(4).mode(BreakMode::Anywhere);
        let lines = wrap_spans(&[Span::raw("a  b  c")], &opts);
        assert_eq!(plain(&lines), ["a  b", "  c"]);
    }

    #[test]
    fn tiny_widths_do_not_panic() {
        assert!(wrap("abc", 0).is_empty());
        assert_eq!(wrap("abc", 1), ["a", "b", "c"]);
        assert_eq!(wrap("日", 1), ["…"]);
        assert_eq!(wrap("", 5), [""]);
    }

    #[test]
    fn styles_are_kept_per_span() {
        let bold = Style::new().bold();
        let lines = wrap_spans(
            &[Span::raw("plain "), Span::styled("bold words", bold)],
            &WrapOptions::new(11),
        );
        assert_eq!(plain(&lines), ["plain bold", "words"]);
        assert_eq!(lines[0].spans[1].style, bold);
        assert_eq!(lines[1].spans[0].style, bold);
    }
}
