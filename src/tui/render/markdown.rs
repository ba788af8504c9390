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

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
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

const OPTIONS: Options = Options::ENABLE_STRIKETHROUGH
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_TABLES);

/// Renders markdown that is still arriving: like [`markdown_lines`], but a trailing
/// `---`/`===` line is held back until the next token shows whether it underlines a
/// heading or starts something else, so the paragraph above does not flash as a heading.
pub fn markdown_lines_partial(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let text = sanitize::for_terminal(text);
    Renderer::new(width, theme).run(stable_prefix(&text))
}

/// A reply being laid out while it streams, at a cost per update that does not grow
/// with the reply: the blocks that are finished are laid out once and kept, and only
/// the tail (the last top-level block, or the blocks still starting on an unfinished
/// line) is parsed and wrapped again.
///
/// The lines are exactly those of [`markdown_lines_partial`] on the whole text, for any
/// way the text arrives. That holds because CommonMark decides block structure line by
/// line: once a top-level block has started on a complete line, the blocks above it are
/// closed for good. The one thing that reaches across blocks, a link reference
/// definition (`[label]: url`), turns the incremental path off for that reply.
///
/// It writes into the caller's line buffer (`out[base..]`), so the finished lines are
/// neither rebuilt nor copied on each update.
#[derive(Debug, Default, Clone)]
pub struct StreamingMarkdown {
    width: u16,
    /// Bytes of the raw text whose complete lines are sanitised into `clean`.
    raw_lines: usize,
    /// The sanitised complete lines (raw `..raw_lines`).
    clean: String,
    /// Where the tail starts in `clean`: everything before is laid out for good.
    done_bytes: usize,
    /// Lines (after `base`) that belong to the finished blocks.
    done_lines: usize,
    /// A reference definition may be present: lay out the whole text each time.
    whole: bool,
    /// Reused for the tail's text.
    scratch: String,
}

impl StreamingMarkdown {
    pub fn new() -> StreamingMarkdown {
        StreamingMarkdown::default()
    }

    /// Brings `out[base..]` up to date with `text`, which has grown (or is new). A
    /// different width, or text that is shorter than before, starts over.
    pub fn update(
        &mut self,
        text: &str,
        width: u16,
        theme: &Theme,
        out: &mut Vec<Line<'static>>,
        base: usize,
    ) {
        if width != self.width
            || text.len() < self.raw_lines
            || !text.is_char_boundary(self.raw_lines)
            || out.len() < base + self.done_lines
        {
            *self = StreamingMarkdown {
                width,
                scratch: std::mem::take(&mut self.scratch),
                clean: std::mem::take(&mut self.clean),
                ..StreamingMarkdown::default()
            };
            self.clean.clear();
        }
        out.truncate(base + self.done_lines);
        if self.whole {
            out.extend(markdown_lines_partial(text, width, theme));
            return;
        }
        // Sanitise newly completed lines once; the unfinished last line each time (the
        // sanitiser's only state is the previous character, and a line start has none).
        if let Some(nl) = text[self.raw_lines..].rfind('\n') {
            let end = self.raw_lines + nl + 1;
            self.clean
                .push_str(&sanitize::for_terminal(&text[self.raw_lines..end]));
            self.raw_lines = end;
        }
        self.scratch.clear();
        self.scratch.push_str(&self.clean[self.done_bytes..]);
        self.scratch
            .push_str(&sanitize::for_terminal(&text[self.raw_lines..]));
        if self.scratch.contains("]:") {
            self.whole = true;
            self.done_lines = 0;
            self.done_bytes = 0;
            out.truncate(base);
            out.extend(markdown_lines_partial(text, width, theme));
            return;
        }
        let mut renderer = Renderer::new(width, theme);
        renderer.before = out[base..].last().map(is_blank);
        let (lines, boundary) = renderer.run_tail(
            stable_prefix(&self.scratch),
            self.clean.len() - self.done_bytes,
        );
        out.extend(lines);
        if let Some((bytes, lines)) = boundary {
            self.done_bytes += bytes;
            self.done_lines += lines;
        }
    }
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
    alignments: Vec<Alignment>,
}

/// Between two table columns.
const COLUMN_GAP: &str = " │ ";
/// A column is not made narrower than this (or its widest cell, if less) before the
/// table turns into a list.
const MIN_COLUMN: usize = 6;

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
    /// Lines drawn before this text (by an earlier render of the blocks above): `None`
    /// when there are none, else whether the last of them is blank. Decides the gap
    /// before the first block.
    before: Option<bool>,
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
            before: None,
        }
    }

    fn run(mut self, text: &str) -> Vec<Line<'static>> {
        if self.width == 0 {
            return Vec::new();
        }
        for event in Parser::new_ext(text, OPTIONS) {
            self.event(event);
        }
        self.finish()
    }

    /// Like [`Renderer::run`], and also says where the last top-level block that starts
    /// on a complete line begins: (byte offset of its line in `text`, lines drawn
    /// before it). Everything before that point is final, whatever text follows.
    /// Only blocks starting before `limit` count.
    fn run_tail(
        mut self,
        text: &str,
        limit: usize,
    ) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
        if self.width == 0 {
            return (Vec::new(), None);
        }
        // Bytes up to and including the last newline: the complete lines.
        let complete = text.rfind('\n').map_or(0, |i| i + 1).min(limit);
        let mut depth = 0_usize;
        let mut boundary = None;
        for (event, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
            if depth == 0 && matches!(event, Event::Start(_) | Event::Rule) {
                let line = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                if line > 0 && range.start < complete {
                    boundary = Some((line, self.out.len()));
                }
            }
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.event(event);
        }
        (self.finish(), boundary)
    }

    fn finish(mut self) -> Vec<Line<'static>> {
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
                // A cell is one logical line, measured as drawn: no tab stops.
                let text = text.replace(['\t', '\n'], " ");
                cell.push(Span::styled(text, style));
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
            Tag::Table(alignments) => {
                self.flush_inline();
                self.block_gap();
                self.table = Some(Table {
                    alignments,
                    ..Table::default()
                });
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
        if self.in_item() {
            return;
        }
        let blank = match self.out.last() {
            Some(l) => is_blank(l),
            None => match self.before {
                Some(blank) => blank,
                None => return,
            },
        };
        if blank {
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

    /// Tables: columns aligned and separated by `│`, a rule under the header, long
    /// cells wrapped inside their column. Columns wider than the pane are narrowed
    /// (the widest first); when even narrow columns cannot fit, each row becomes a list
    /// item of `header: value` lines instead.
    fn flush_table(&mut self) {
        let Some(mut table) = self.table.take() else {
            return;
        };
        let columns = table.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        for (_, cells) in &mut table.rows {
            cells.resize_with(columns, Vec::new);
        }
        let indent = spans_width(&self.prefix_peek());
        let room = usize::from(self.width).saturating_sub(indent);
        match column_widths(&table, columns, room) {
            Some(widths) => self.table_grid(table, &widths),
            None => self.table_list(table),
        }
    }

    /// The prefix of the next line without drawing a pending list marker.
    fn prefix_peek(&self) -> Vec<Span<'static>> {
        self.containers
            .iter()
            .map(|c| match c {
                Container::Quote => Span::raw("│ "),
                Container::Item { marker, .. } => Span::raw(" ".repeat(display_width(marker))),
            })
            .collect()
    }

    fn table_grid(&mut self, table: Table, widths: &[usize]) {
        let theme = self.theme;
        let rows: Vec<(bool, Vec<Vec<Line<'static>>>)> = table
            .rows
            .iter()
            .map(|(head, cells)| {
                let wrapped = cells
                    .iter()
                    .zip(widths)
                    .map(|(cell, &w)| wrap_spans(cell, &WrapOptions::new(w as u16)))
                    .collect();
                (*head, wrapped)
            })
            .collect();
        // A column wrapped narrower than it was given shrinks to what it uses.
        let widths: Vec<usize> = (0..widths.len())
            .map(|i| {
                rows.iter()
                    .flat_map(|(_, cells)| cells[i].iter().map(line_width))
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        let widths = &widths[..];
        for (head, wrapped) in rows {
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            for row in 0..height {
                let mut spans = self.prefix(true);
                let last = widths.len() - 1;
                for (i, (lines, &w)) in wrapped.iter().zip(widths).enumerate() {
                    if i > 0 {
                        spans.push(Span::styled(COLUMN_GAP, theme.muted));
                    }
                    let line = lines.get(row);
                    let used = line.map_or(0, line_width);
                    let pad = w.saturating_sub(used);
                    let align = if head {
                        Alignment::None
                    } else {
                        table.alignments.get(i).copied().unwrap_or(Alignment::None)
                    };
                    let (before, after) = match align {
                        Alignment::Right => (pad, 0),
                        Alignment::Center => (pad / 2, pad - pad / 2),
                        Alignment::None | Alignment::Left => (0, pad),
                    };
                    if before > 0 {
                        spans.push(Span::raw(" ".repeat(before)));
                    }
                    if let Some(line) = line {
                        spans.extend(line.spans.iter().cloned());
                    }
                    // No trailing spaces after the last column.
                    if after > 0 && i < last {
                        spans.push(Span::raw(" ".repeat(after)));
                    }
                }
                self.out.push(Line::from(spans));
            }
            if head {
                let mut spans = self.prefix(false);
                let rule: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
                spans.push(Span::styled(rule.join("─┼─"), theme.rule));
                self.push_fitted(spans);
            }
        }
    }

    /// Each body row as a list item: `header: value`, one column per line.
    fn table_list(&mut self, table: Table) {
        let theme = self.theme;
        let mut rows = table.rows.into_iter().peekable();
        let head = match rows.peek() {
            Some((true, _)) => rows.next().map(|(_, cells)| cells),
            _ => None,
        };
        for (_, cells) in rows {
            let mut marker = true;
            for (i, cell) in cells.into_iter().enumerate() {
                let label = head
                    .as_ref()
                    .and_then(|h| h.get(i))
                    .filter(|l| spans_width(l) > 0);
                if label.is_none() && spans_width(&cell) == 0 {
                    continue;
                }
                let mut spans: Vec<Span<'static>> = Vec::new();
                if let Some(label) = label {
                    spans.extend(label.iter().cloned());
                    spans.push(Span::styled(": ", theme.strong));
                }
                spans.extend(cell);
                let mut first = self.prefix(true);
                let mut rest = self.prefix(false);
                first.push(if marker {
                    Span::styled("• ", theme.list_marker)
                } else {
                    Span::raw("  ")
                });
                rest.push(Span::raw("  "));
                marker = false;
                let opts = WrapOptions::new(self.width).prefixes(first, rest);
                self.out.extend(wrap_spans(&spans, &opts));
            }
        }
    }
}

/// Column widths that fit `room` columns of text (gaps included), narrowing the widest
/// columns first but none below [`MIN_COLUMN`] (or its widest cell); `None` when even
/// that does not fit.
fn column_widths(table: &Table, columns: usize, room: usize) -> Option<Vec<usize>> {
    let mut natural = vec![0_usize; columns];
    let mut word = vec![0_usize; columns];
    for (_, cells) in &table.rows {
        for (i, cell) in cells.iter().enumerate() {
            natural[i] = natural[i].max(spans_width(cell));
            let longest = cell
                .iter()
                .flat_map(|s| s.content.split(' '))
                .map(display_width)
                .max()
                .unwrap_or(0);
            word[i] = word[i].max(longest);
        }
    }
    let gaps = display_width(COLUMN_GAP) * (columns - 1);
    let text_room = room.checked_sub(gaps)?;
    // Never below 1, so an empty column still exists.
    let floor: Vec<usize> = natural
        .iter()
        .zip(&word)
        .map(|(&n, &w)| n.min(w.clamp(MIN_COLUMN, 2 * MIN_COLUMN)).max(1))
        .collect();
    if floor.iter().sum::<usize>() > text_room {
        return None;
    }
    let mut widths = natural.iter().map(|&n| n.max(1)).collect::<Vec<_>>();
    let mut total: usize = widths.iter().sum();
    while total > text_room {
        // Narrow the widest column that can still give (the first of equals).
        let (i, _) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > floor[*i])
            .max_by_key(|(i, w)| (**w, std::cmp::Reverse(*i)))?;
        widths[i] -= 1;
        total -= 1;
    }
    Some(widths)
}

/// A line that separates blocks already: empty, spaces, or only quote bars.
fn is_blank(line: &Line<'_>) -> bool {
    line.spans
        .iter()
        .all(|s| s.content.trim().is_empty() || s.content.trim() == "│")
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| display_width(&s.content)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
    fn tables_align_their_columns() {
        assert_eq!(
            md("| a | b |\n|---|---|\n| 1 | 2 |", 20),
            ["a │ b", "──┼──", "1 │ 2"]
        );
        assert_eq!(
            md(
                "| Competency | Score |\n|---|--:|\n| Structure | 4 |\n| Depth of detail | 10 |",
                40
            ),
            [
                "Competency      │ Score",
                "────────────────┼──────",
                "Structure       │     4",
                "Depth of detail │    10",
            ]
        );
    }

    #[test]
    fn long_cells_wrap_inside_their_column() {
        let table = "| Skill | Notes |\n|---|---|\n| Ownership | Took the outage end to end and wrote the review |\n| Tests | Good |";
        assert_eq!(
            md(table, 30),
            [
                "Skill     │ Notes",
                "──────────┼─────────────────",
                "Ownership │ Took the outage",
                "          │ end to end and",
                "          │ wrote the review",
                "Tests     │ Good",
            ]
        );
        for line in markdown_lines(table, 30, &Theme::no_color()) {
            assert!(line_width(&line) <= 30);
        }
    }

    #[test]
    fn a_table_too_wide_for_the_pane_becomes_a_list() {
        let table = "| Competency | Evidence | Score | Next step |\n|---|---|---|---|\n| Structure | STAR used | 4 | Quantify results |";
        assert_eq!(
            md(table, 24),
            [
                "• Competency: Structure",
                "  Evidence: STAR used",
                "  Score: 4",
                "  Next step: Quantify",
                "  results",
            ]
        );
    }

    #[test]
    fn tables_keep_the_list_indent() {
        assert_eq!(
            md("- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |", 20),
            ["• item", "  a │ b", "  ──┼──", "  1 │ 2"]
        );
    }

    #[test]
    fn inline_code_is_styled_without_backticks() {
        let t = Theme::default();
        let lines = markdown_lines("run `cargo test` now", 40, &t);
        assert_eq!(text(&lines), ["run cargo test now"]);
        let code = lines[0]
            .spans
            .iter()
            .find(|s| s.content == "cargo test")
            .expect("a span of its own");
        assert_eq!(code.style, t.text.patch(t.code_inline));
        assert!(code.style.bg.is_some(), "code has a background");
    }

    /// Markdown-ish text made of the pieces that change block structure.
    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("\n"),
            Just("\n\n"),
            Just("# "),
            Just("## "),
            Just("#"),
            Just("- "),
            Just("* "),
            Just("+ "),
            Just("1. "),
            Just("2) "),
            Just("> "),
            Just("```"),
            Just("~~~"),
            Just("    "),
            Just("  "),
            Just(" "),
            Just("\t"),
            Just("---"),
            Just("==="),
            Just("| a | b |"),
            Just("|---|---|"),
            Just("|"),
            Just("word"),
            Just("longer words that wrap around"),
            Just("**"),
            Just("*"),
            Just("_"),
            Just("`"),
            Just("[ ] "),
            Just("<div>"),
            Just("<!-- "),
            Just("-->"),
            Just("日本語"),
            Just("[a]"),
            Just("]:"),
            Just("(http://x.y)"),
            Just("\u{2028}"),
            Just("\u{1b}[2J"),
            Just("\r\n"),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    fn cuts(text: &str, at: &[usize]) -> Vec<usize> {
        let mut cuts: Vec<usize> = at
            .iter()
            .map(|&a| {
                let mut a = a % (text.len() + 1);
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                a
            })
            .collect();
        cuts.push(text.len());
        cuts.sort_unstable();
        cuts
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        /// However the text arrives, the streamed layout is the whole layout.
        #[test]
        fn streaming_layout_is_the_whole_layout(
            text in markdownish(),
            at in proptest::collection::vec(0usize..4096, 0..12),
            width in 1u16..50,
        ) {
            let theme = Theme::no_color();
            let mut stream = StreamingMarkdown::new();
            let header = Line::from("header");
            let mut out = vec![header.clone()];
            for end in cuts(&text, &at) {
                let prefix = &text[..end];
                stream.update(prefix, width, &theme, &mut out, 1);
                prop_assert_eq!(&out[0], &header);
                let whole = markdown_lines_partial(prefix, width, &theme);
                prop_assert_eq!(&out[1..], &whole[..], "text {:?}", prefix);
            }
        }
    }

    #[test]
    fn streaming_keeps_finished_blocks_and_parses_only_the_tail() {
        let theme = Theme::no_color();
        let mut stream = StreamingMarkdown::new();
        let mut out = Vec::new();
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!("Paragraph {i} with some words.\n\n"));
            stream.update(&text, 30, &theme, &mut out, 0);
        }
        assert_eq!(out, markdown_lines_partial(&text, 30, &theme));
        // Only the last paragraph is left to parse.
        assert!(
            stream.clean.len() - stream.done_bytes < 40,
            "{}",
            stream.clean.len() - stream.done_bytes
        );
        // A width change starts over and is still right.
        stream.update(&text, 20, &theme, &mut out, 0);
        assert_eq!(out, markdown_lines_partial(&text, 20, &theme));
    }
}
