//! Markdown (as the interviewer writes it) to styled, wrapped terminal lines.
//!
//! Headings, emphasis, inline code, fenced code (wrapped with a `↪` mark, on a
//! background), bullet/numbered/task lists with hanging indents, block quotes with a
//! bar, links as text followed by their address (never OSC 8 escape links), rules and
//! simple tables. Text is sanitised first, so escape sequences in model output print as
//! harmless symbols.
//!
//! Replies are rendered while they stream, so the input is often cut mid-way:
//! [`markdown_lines_partial`] renders such a prefix so that what is already on screen
//! stays put as tokens arrive (an unclosed fence is a code block up to the end; a
//! trailing line that could still turn the paragraph above into a heading is held back).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::wrap::{BreakMode, WrapOptions, display_width, line_width, wrap_spans};
use crate::sanitize;

/// Renders complete markdown `text` into lines at most `width` columns wide.
pub fn markdown_lines(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let text = sanitize::for_terminal(text);
    Renderer::new(width, theme).run(&text)
}

/// Renders markdown that is still arriving: like [`markdown_lines`], but a trailing
/// `---`/`===` line is held back until the next token shows whether it underlines a
/// heading or starts something else, so the paragraph above does not flash as a heading.
pub fn markdown_lines_partial(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let text = sanitize::for_terminal(text);
    Renderer::new(width, theme).run(stable_prefix(&text))
}

/// `text` minus an unfinished last line made only of `-` or `=` that follows a
/// paragraph line (a setext heading underline in the making).
fn stable_prefix(text: &str) -> &str {
    if text.ends_with('\n') {
        return text;
    }
    let Some(nl) = text.rfind('\n') else {
        return text;
    };
    let last = text[nl + 1..].trim();
    let underline =
        !last.is_empty() && (last.chars().all(|c| c == '-') || last.chars().all(|c| c == '='));
    let above = text[..nl].rsplit('\n').next().unwrap_or("");
    if underline && !above.trim().is_empty() {
        &text[..nl]
    } else {
        text
    }
}

/// A block that contains other blocks and adds a prefix to each of their lines.
enum Container {
    Quote,
    Item {
        marker: String,
        /// The marker is drawn on the item's first line only; later lines indent.
        marker_drawn: bool,
    },
}

struct ListState {
    next: Option<u64>,
}

struct CodeBlock {
    text: String,
}

/// A table being collected: rows of cells, each cell a run of spans.
#[derive(Default)]
struct Table {
    rows: Vec<(bool, Vec<Vec<Span<'static>>>)>,
    in_head: bool,
}

struct Renderer<'t> {
    theme: &'t Theme,
    width: u16,
    out: Vec<Line<'static>>,
    /// Logical lines (split at hard breaks) of the block being collected.
    inline: Vec<Vec<Span<'static>>>,
    /// Inline style stack: each element is the style in force inside an open tag.
    styles: Vec<Style>,
    containers: Vec<Container>,
    lists: Vec<ListState>,
    code: Option<CodeBlock>,
    /// Open links: the address and where the link text starts in the current line.
    links: Vec<(String, usize)>,
    table: Option<Table>,
    heading: Option<HeadingLevel>,
}

impl<'t> Renderer<'t> {
    fn new(width: u16, theme: &'t Theme) -> Self {
        Renderer {
            theme,
            width,
            out: Vec::new(),
            inline: vec![Vec::new()],
            styles: vec![theme.text],
            containers: Vec::new(),
            lists: Vec::new(),
            code: None,
            links: Vec::new(),
            table: None,
            heading: None,
        }
    }

    fn run(mut self, text: &str) -> Vec<Line<'static>> {
        if self.width == 0 {
            return Vec::new();
        }
        let options =
            Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES;
        for event in Parser::new_ext(text, options) {
            self.event(event);
        }
        // A stream cut mid-block leaves text unflushed (pulldown-cmark closes every tag
        // at the end of input, but be safe).
        self.flush_inline();
        self.flush_code();
        self.out
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or(self.theme.text)
    }

    fn push_style(&mut self, s: Style) {
        let patched = self.style().patch(s);
        self.styles.push(patched);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn push_text(&mut self, text: &str, style: Style) {
        if let Some(table) = self.table.as_mut() {
            if let Some((_, cells)) = table.rows.last_mut()
                && let Some(cell) = cells.last_mut()
            {
                cell.push(Span::styled(text.to_string(), style));
            }
            return;
        }
        // Text inside a block can hold newlines (HTML blocks, soft text in code spans).
        let mut parts = text.split('\n');
        if let Some(first) = parts.next()
            && !first.is_empty()
            && let Some(line) = self.inline.last_mut()
        {
            line.push(Span::styled(first.to_string(), style));
        }
        for part in parts {
            self.inline.push(Vec::new());
            if !part.is_empty()
                && let Some(line) = self.inline.last_mut()
            {
                line.push(Span::styled(part.to_string(), style));
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(code) = self.code.as_mut() {
            match event {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.flush_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                let style = self.style();
                self.push_text(&t, style);
            }
            Event::Code(t) => {
                let style = self.style().patch(self.theme.code_inline);
                self.push_text(&t, style);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                let style = self.style().patch(self.theme.code_inline);
                self.push_text(&t, style);
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let style = self.style();
                self.push_text(&t, style);
            }
            Event::FootnoteReference(t) => {
                let style = self.style();
                self.push_text(&format!("[^{t}]"), style);
            }
            Event::SoftBreak => {
                let style = self.style();
                self.push_text(" ", style);
            }
            Event::HardBreak => self.inline.push(Vec::new()),
            Event::Rule => {
                self.block_gap();
                let prefix = self.prefix(true);
                let w = usize::from(self.width).saturating_sub(spans_width(&prefix));
                let mut spans = prefix;
                spans.push(Span::styled("─".repeat(w), self.theme.rule));
                self.push_fitted(spans);
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "[x] " } else { "[ ] " };
                let style = self.theme.list_marker;
                self.push_text(mark, style);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.flush_inline();
                self.block_gap();
            }
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.block_gap();
                self.heading = Some(level);
                let style = if level == HeadingLevel::H1 {
                    self.theme.heading1
                } else {
                    self.theme.heading
                };
                self.push_style(style);
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.block_gap();
                self.containers.push(Container::Quote);
                self.push_style(self.theme.quote);
            }
            Tag::CodeBlock(_) => {
                self.flush_inline();
                self.block_gap();
                self.code = Some(CodeBlock {
                    text: String::new(),
                });
            }
            Tag::List(start) => {
                self.flush_inline();
                if !self.in_item() {
                    self.block_gap();
                }
                self.lists.push(ListState { next: start });
            }
            Tag::Item => {
                self.flush_inline();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(ListState { next: Some(n) }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => match depth {
                        0 | 1 => "• ".to_string(),
                        2 => "◦ ".to_string(),
                        _ => "▪ ".to_string(),
                    },
                };
                self.containers.push(Container::Item {
                    marker,
                    marker_drawn: false,
                });
            }
            Tag::Table(_) => {
                self.flush_inline();
                self.block_gap();
                self.table = Some(Table::default());
            }
            Tag::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = true;
                    t.rows.push((true, Vec::new()));
                }
            }
            Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push((false, Vec::new()));
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut()
                    && let Some((_, cells)) = t.rows.last_mut()
                {
                    cells.push(Vec::new());
                }
                if self.table.as_ref().is_some_and(|t| t.in_head) {
                    self.push_style(self.theme.strong);
                } else {
                    self.push_style(Style::new());
                }
            }
            Tag::Emphasis => self.push_style(self.theme.emphasis),
            Tag::Strong => self.push_style(self.theme.strong),
            Tag::Strikethrough => self.push_style(self.theme.strikethrough),
            Tag::Superscript | Tag::Subscript => self.push_style(Style::new()),
            Tag::Link { dest_url, .. } => {
                let at = self.inline.last().map_or(0, Vec::len);
                self.links.push((dest_url.to_string(), at));
                self.push_style(self.theme.link);
            }
            Tag::Image { .. } => {
                let style = self.theme.muted;
                self.push_text("[image: ", style);
                self.push_style(self.theme.muted);
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.block_gap();
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {
                self.flush_inline();
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.flush_inline(),
            TagEnd::Heading(_) => {
                self.flush_inline();
                self.heading = None;
                self.pop_style();
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.containers.pop();
                self.pop_style();
            }
            TagEnd::CodeBlock => self.flush_code(),
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush_inline();
                // An empty item still shows its marker.
                if let Some(Container::Item {
                    marker_drawn: false,
                    ..
                }) = self.containers.last()
                {
                    let prefix = self.prefix(true);
                    self.push_fitted(prefix);
                }
                self.containers.pop();
            }
            TagEnd::Table => self.flush_table(),
            TagEnd::TableHead => {
                if let Some(t) = self.table.as_mut() {
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {}
            TagEnd::TableCell => self.pop_style(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some((url, at)) = self.links.pop() {
                    let text: String = self
                        .inline
                        .last()
                        .map(|l| l.iter().skip(at).map(|s| s.content.as_ref()).collect())
                        .unwrap_or_default();
                    // Show where the link goes unless the text already says it.
                    let shown = url.trim_start_matches("mailto:");
                    if !url.is_empty() && text.trim() != url && text.trim() != shown {
                        let style = self.theme.muted;
                        self.push_text(&format!(" ({url})"), style);
                    }
                }
            }
            TagEnd::Image => {
                self.pop_style();
                let style = self.theme.muted;
                self.push_text("]", style);
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.flush_inline(),
        }
    }

    fn in_item(&self) -> bool {
        self.containers
            .iter()
            .any(|c| matches!(c, Container::Item { .. }))
    }

    /// A blank line between blocks, except at the start and inside list items (lists
    /// stay compact). The blank line keeps the quote bars so a quote reads as one.
    fn block_gap(&mut self) {
        if self.out.is_empty() || self.in_item() {
            return;
        }
        if self.out.last().is_some_and(|l| {
            l.spans
                .iter()
                .all(|s| s.content.trim().is_empty() || s.content.trim() == "│")
        }) {
            return;
        }
        let bars: Vec<Span<'static>> = self
            .containers
            .iter()
            .filter(|c| matches!(c, Container::Quote))
            .map(|_| Span::styled("│ ", self.theme.quote_bar))
            .collect();
        self.push_fitted(bars);
    }

    /// The prefix for the next line: quote bars and list indents. `first` draws (and
    /// uses up) a pending list marker.
    fn prefix(&mut self, first: bool) -> Vec<Span<'static>> {
        let theme = self.theme;
        let mut spans = Vec::new();
        for c in &mut self.containers {
            match c {
                Container::Quote => spans.push(Span::styled("│ ", theme.quote_bar)),
                Container::Item {
                    marker,
                    marker_drawn,
                } => {
                    if first && !*marker_drawn {
                        *marker_drawn = true;
                        spans.push(Span::styled(marker.clone(), theme.list_marker));
                    } else {
                        spans.push(Span::raw(" ".repeat(display_width(marker))));
                    }
                }
            }
        }
        spans
    }

    /// Pushes a line of decoration (bars, markers, rules), cut at the width: deep
    /// nesting in a narrow pane must not overflow.
    fn push_fitted(&mut self, spans: Vec<Span<'static>>) {
        let mut left = usize::from(self.width);
        let mut fitted = Vec::with_capacity(spans.len());
        for span in spans {
            let w = display_width(&span.content);
            if w <= left {
                left -= w;
                fitted.push(span);
                continue;
            }
            let mut cut = String::new();
            for g in span.content.graphemes(true) {
                let gw = g.width();
                if gw > left {
                    break;
                }
                left -= gw;
                cut.push_str(g);
            }
            fitted.push(Span::styled(cut, span.style));
            break;
        }
        self.out.push(Line::from(fitted));
    }

    fn flush_inline(&mut self) {
        let lines = std::mem::replace(&mut self.inline, vec![Vec::new()]);
        if lines.iter().all(Vec::is_empty) {
            return;
        }
        for spans in lines {
            let first = self.prefix(true);
            let rest = self.prefix(false);
            let opts = WrapOptions::new(self.width).prefixes(first, rest);
            self.out.extend(wrap_spans(&spans, &opts));
        }
    }

    fn flush_code(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        let theme = self.theme;
        let body = code.text.strip_suffix('\n').unwrap_or(&code.text);
        for text in body.split('\n') {
            let mut first = self.prefix(true);
            let mut rest = self.prefix(false);
            let outer = spans_width(&first);
            first.push(Span::styled("  ", theme.code_block));
            rest.push(Span::styled(
                "↪ ",
                theme.code_block.patch(theme.code_wrap_mark),
            ));
            let opts = WrapOptions::new(self.width)
                .prefixes(first, rest)
                .mode(BreakMode::Anywhere);
            for mut line in wrap_spans(&[Span::styled(text.to_string(), theme.code_block)], &opts) {
                // Pad to the full width so the background reads as a box.
                let pad = usize::from(self.width).saturating_sub(line_width(&line));
                if pad > 0 && outer < usize::from(self.width) {
                    line.spans
                        .push(Span::styled(" ".repeat(pad), theme.code_block));
                }
                self.out.push(line);
            }
        }
    }

    /// Tables: one line per row, cells separated by `│`, a rule under the header. Wide
    /// tables wrap like prose rather than being cut.
    fn flush_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let theme = self.theme;
        for (head, cells) in table.rows {
            let mut spans = Vec::new();
            for (i, cell) in cells.into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" │ ", theme.muted));
                }
                spans.extend(cell);
            }
            let first = self.prefix(true);
            let rest = self.prefix(false);
            let opts = WrapOptions::new(self.width).prefixes(first, rest);
            let lines = wrap_spans(&spans, &opts);
            let rule_w = lines.iter().map(line_width).max().unwrap_or(0);
            self.out.extend(lines);
            if head {
                let mut prefix = self.prefix(false);
                let w = rule_w.saturating_sub(spans_width(&prefix));
                prefix.push(Span::styled("─".repeat(w), theme.rule));
                self.push_fitted(prefix);
            }
        }
    }
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| display_width(&s.content)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .map(|s| s.trim_end().to_string())
            .collect()
    }

    fn md(s: &str, w: u16) -> Vec<String> {
        text(&markdown_lines(s, w, &Theme::no_color()))
    }

    #[test]
    fn paragraphs_are_separated_by_a_blank_line() {
        assert_eq!(md("one\ntwo\n\nthree", 40), ["one two", "", "three"]);
    }

    #[test]
    fn lists_hang_their_continuation_lines() {
        assert_eq!(
            md("- first item wraps here\n- second", 14),
            ["• first item", "  wraps here", "• second"]
        );
        assert_eq!(md("3. a\n4. b", 20), ["3. a", "4. b"]);
        assert_eq!(md("- a\n  - b", 20), ["• a", "  ◦ b"]);
    }

    #[test]
    fn quotes_carry_a_bar_on_every_line() {
        assert_eq!(
            md("> quoted text that wraps", 12),
            ["│ quoted", "│ text that", "│ wraps"]
        );
    }

    #[test]
    fn code_blocks_keep_spaces_and_mark_wrapped_lines() {
        let lines = md("```rust\nfn main() {\n    let x = 1;\n}\n```", 14);
        assert_eq!(lines, ["  fn main() {", "      let x =", "↪ 1;", "  }"]);
    }

    #[test]
    fn an_unclosed_fence_is_code_to_the_end() {
        let lines = md("intro\n\n```\nlet a", 20);
        assert_eq!(lines, ["intro", "", "  let a"]);
    }

    #[test]
    fn links_show_their_address_as_text() {
        assert_eq!(
            md("see [the docs](https://x.dev) or <https://y.dev>", 80),
            ["see the docs (https://x.dev) or https://y.dev"]
        );
    }

    #[test]
    fn headings_rules_and_emphasis() {
        let t = Theme::default();
        let lines = markdown_lines("# Title\n\n**bold** and *it*\n\n---", 10, &t);
        assert_eq!(
            text(&lines),
            ["Title", "", "bold and", "it", "", "──────────"]
        );
        assert_eq!(lines[0].spans[0].style, t.text.patch(t.heading1));
        assert!(
            lines[2].spans[0]
                .style
                .add_modifier
                .contains(ratatui::style::Modifier::BOLD)
        );
    }

    #[test]
    fn escape_sequences_are_neutralised() {
        let lines = md("a\u{1b}[2Jb", 20);
        assert_eq!(lines, ["a␛[2Jb"]);
    }

    #[test]
    fn a_half_typed_setext_underline_is_held_back() {
        let t = Theme::no_color();
        let partial = text(&markdown_lines_partial("Some text\n-", 20, &t));
        assert_eq!(partial, ["Some text"]);
        let later = text(&markdown_lines_partial("Some text\n- item", 20, &t));
        assert_eq!(later, ["Some text", "", "• item"]);
    }

    #[test]
    fn tables_render_as_rows() {
        assert_eq!(
            md("| a | b |\n|---|---|\n| 1 | 2 |", 20),
            ["a │ b", "─────", "1 │ 2"]
        );
    }
}
