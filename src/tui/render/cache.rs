//! The message pane's layout cache: wraps each message once per width and content, and
//! answers "which lines are on screen" by touching only the messages in the viewport, so
//! a conversation of 10,000 messages scrolls as fast as a short one.
//!
//! The view is held as an anchor, not a line number: either *following* the end (the
//! newest line at the bottom; the default, and what streaming wants) or pinned to a line
//! of one message at the top of the pane. A pinned view stays put while the last reply
//! grows or a page of older messages is prepended, and scrolling walks message by message
//! from the anchor, laying out only what it passes. Heights of messages never laid out
//! at the current width are estimated from their length, for the scrollbar only.
//!
//! Each call takes the caller's current `&[Message]` (oldest first): appends (a new
//! message), prepends (an older page) and growth of a message (streaming; detected by
//! its length and status) are picked up by themselves. After editing a message in some
//! other way, call [`MessageLayout::invalidate`].
//!
//! ```
//! use interviewer::domain::{Message, Role, Status};
//! use interviewer::tui::render::{MessageLayout, Theme};
//! use ratatui::{buffer::Buffer, layout::Rect, widgets::{Paragraph, Widget}};
//!
//! let msg = |id, role, text: &str| Message {
//!     id, conversation_id: 1, role, content: text.into(), status: Status::Complete,
//!     created_at: 0, error: None, prompt_tokens: None, completion_tokens: None, model: None,
//!     reasoning: None,
//! };
//! let messages = vec![msg(1, Role::Assistant, "Tell me about **yourself**."), msg(2, Role::User, "I build things.")];
//!
//! let mut layout = MessageLayout::new(Theme::default());
//! let area = Rect::new(0, 0, 40, 10);
//! let view = layout.view(&messages, area.width, area.height);
//! let mut buf = Buffer::empty(area);
//! Paragraph::new(view.lines).render(area, &mut buf); // no `.wrap()`: lines are wrapped
//!
//! layout.scroll_up(&messages, 3);       // PageUp, mouse wheel…
//! layout.scroll_to_bottom();            // End: follow the stream again
//! assert!(layout.is_following());
//! ```

use std::collections::HashSet;

use ratatui::text::{Line, Span};

use super::markdown::{StreamingMarkdown, markdown_lines};
use super::theme::Theme;
use super::wrap::wrap_spans;
use super::wrap::{WrapOptions, wrap_text};
use crate::domain::{Message, Role, Status};
use crate::sanitize;
use crate::timefmt;

/// What the message pane draws this frame.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// At most `height` lines, top to bottom, each at most `width` columns.
    pub lines: Vec<Line<'static>>,
    /// Lines above the first shown one (estimated where messages were never laid out):
    /// for a scrollbar.
    pub lines_above: usize,
    /// All lines of the conversation (estimated likewise).
    pub total_lines: usize,
    /// The first loaded message's first line is on screen: time to load an older page.
    pub at_top: bool,
    /// The view follows the end of the conversation.
    pub following: bool,
}

/// Where the view is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    /// The last line of the conversation is at the bottom of the pane.
    Follow,
    /// Line `line` of the message `id` (at `index`) is at the top of the pane.
    Pinned { index: usize, id: i64, line: usize },
}

/// What a cached layout was built from; a message whose key changed is laid out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    len: usize,
    status: Status,
    error_len: usize,
    /// The reasoning's length (it may arrive with the end of the reply).
    reasoning_len: usize,
    width: u16,
}

impl Key {
    fn of(m: &Message, width: u16) -> Key {
        Key {
            len: m.content.len(),
            status: m.status,
            error_len: m.error.as_ref().map_or(0, String::len),
            reasoning_len: m.reasoning.as_ref().map_or(0, String::len),
            width,
        }
    }
}

struct Entry {
    id: i64,
    /// Content length when last seen, for height estimates.
    len: usize,
    layout: Option<(Key, Vec<Line<'static>>)>,
    /// A streaming reply's finished blocks, so each growth lays out only its tail.
    stream: Option<StreamingMarkdown>,
}

/// Wrapped lines of the message pane, cached per message, content and width.
pub struct MessageLayout {
    theme: Theme,
    width: u16,
    viewport: usize,
    entries: Vec<Entry>,
    /// Height per entry (exact when laid out at `width`, else estimated), for O(log n)
    /// line counts above the view.
    heights: Fenwick,
    anchor: Anchor,
    invalid: HashSet<i64>,
    layout_calls: u64,
    /// Replies' reasoning shown unfolded (else one folded line under each).
    show_reasoning: bool,
}

impl MessageLayout {
    pub fn new(theme: Theme) -> MessageLayout {
        MessageLayout {
            theme,
            width: 0,
            viewport: 0,
            entries: Vec::new(),
            heights: Fenwick::default(),
            anchor: Anchor::Follow,
            invalid: HashSet::new(),
            layout_calls: 0,
            show_reasoning: false,
        }
    }

    /// Shows replies' reasoning unfolded (`true`) or as one folded line: every
    /// message is laid out again when next shown.
    pub fn set_show_reasoning(&mut self, show: bool) {
        if self.show_reasoning != show {
            self.show_reasoning = show;
            for e in &mut self.entries {
                e.layout = None;
            }
        }
    }

    /// Whether replies' reasoning is shown unfolded.
    pub fn shows_reasoning(&self) -> bool {
        self.show_reasoning
    }

    /// New colours: every message is laid out again when next shown.
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
        for e in &mut self.entries {
            e.layout = None;
        }
    }

    /// Forget everything (another conversation was opened) and follow the end.
    pub fn reset(&mut self) {
        self.entries.clear();
        self.heights = Fenwick::default();
        self.anchor = Anchor::Follow;
        self.invalid.clear();
    }

    /// The message `id` changed in a way its length and status do not show.
    pub fn invalidate(&mut self, id: i64) {
        self.invalid.insert(id);
    }

    /// How many messages were laid out (wrapped) since this value was created; for
    /// tests that check only visible messages are touched.
    pub fn layout_calls(&self) -> u64 {
        self.layout_calls
    }

    pub fn is_following(&self) -> bool {
        self.anchor == Anchor::Follow
    }

    /// End: show the newest lines and keep following new ones.
    pub fn scroll_to_bottom(&mut self) {
        self.anchor = Anchor::Follow;
    }

    /// Home: the first loaded message at the top.
    pub fn scroll_to_top(&mut self, messages: &[Message]) {
        self.sync(messages);
        if let Some(first) = self.entries.first() {
            self.anchor = Anchor::Pinned {
                index: 0,
                id: first.id,
                line: 0,
            };
        }
    }

    /// Moves the view `lines` up (towards older messages).
    pub fn scroll_up(&mut self, messages: &[Message], lines: usize) {
        self.sync(messages);
        let Some((mut index, mut line)) = self.top_position(messages) else {
            return;
        };
        let mut left = lines;
        while left > 0 {
            if line > 0 {
                let step = line.min(left);
                line -= step;
                left -= step;
            } else if index > 0 {
                index -= 1;
                line = self.height(messages, index);
            } else {
                break;
            }
        }
        self.pin(index, line);
    }

    /// Moves the view `lines` down (towards newer messages); reaching the end follows.
    pub fn scroll_down(&mut self, messages: &[Message], lines: usize) {
        self.sync(messages);
        let Anchor::Pinned { index, line, .. } = self.anchor else {
            return;
        };
        let (mut index, mut line) = (index, line + lines);
        while index < self.entries.len() {
            let h = self.height(messages, index);
            if line < h {
                break;
            }
            line -= h;
            index += 1;
        }
        if index >= self.entries.len() {
            self.anchor = Anchor::Follow;
        } else {
            self.pin(index, line);
        }
        // Past the point where the last line reaches the bottom: follow again. `view`
        // checks this too, but a caller may ask `is_following` before drawing.
        if let Anchor::Pinned { index, line, .. } = self.anchor
            && self.lines_from(messages, index, line, self.viewport + 1) <= self.viewport
        {
            self.anchor = Anchor::Follow;
        }
    }

    /// The lines to draw in a pane of `width` x `height`.
    pub fn view(&mut self, messages: &[Message], width: u16, height: u16) -> View {
        if width != self.width {
            self.width = width;
            self.rebuild_heights();
        }
        self.viewport = usize::from(height);
        self.sync(messages);
        self.track_growth(messages);
        let height = usize::from(height);
        if self.entries.is_empty() || height == 0 || width == 0 {
            return View {
                lines: Vec::new(),
                lines_above: 0,
                total_lines: self.heights.total(),
                at_top: true,
                following: self.is_following(),
            };
        }
        if let Anchor::Pinned { index, line, .. } = self.anchor
            && self.lines_from(messages, index, line, height + 1) <= height
        {
            self.anchor = Anchor::Follow;
        }
        let (index, line) = match self.anchor {
            Anchor::Pinned { index, line, .. } => (index, line),
            Anchor::Follow => self.bottom_up_start(messages, height),
        };
        let mut lines = Vec::with_capacity(height);
        let mut i = index;
        let mut skip = line;
        while lines.len() < height && i < self.entries.len() {
            self.ensure(messages, i);
            if let Some((_, l)) = &self.entries[i].layout {
                lines.extend(l.iter().skip(skip).take(height - lines.len()).cloned());
            }
            skip = 0;
            i += 1;
        }
        View {
            lines,
            lines_above: self.heights.prefix(index) + line,
            total_lines: self.heights.total(),
            at_top: index == 0 && line == 0,
            following: self.is_following(),
        }
    }

    /// Where the top of the pane is now, whether pinned or following.
    fn top_position(&mut self, messages: &[Message]) -> Option<(usize, usize)> {
        if self.entries.is_empty() {
            return None;
        }
        Some(match self.anchor {
            Anchor::Pinned { index, line, .. } => (index, line),
            Anchor::Follow => self.bottom_up_start(messages, self.viewport),
        })
    }

    /// The (message, line) at the top of a pane of `height` showing the last lines.
    fn bottom_up_start(&mut self, messages: &[Message], height: usize) -> (usize, usize) {
        let mut need = height;
        let mut i = self.entries.len();
        while i > 0 {
            i -= 1;
            let h = self.height(messages, i);
            if h >= need {
                return (i, h - need);
            }
            need -= h;
        }
        (0, 0)
    }

    /// Lines from (index, line) to the end, counting no further than `cap`.
    fn lines_from(&mut self, messages: &[Message], index: usize, line: usize, cap: usize) -> usize {
        let mut n = 0;
        let mut skip = line;
        let mut i = index;
        while n < cap && i < self.entries.len() {
            n += self.height(messages, i).saturating_sub(skip);
            skip = 0;
            i += 1;
        }
        n
    }

    fn pin(&mut self, index: usize, line: usize) {
        if let Some(e) = self.entries.get(index) {
            self.anchor = Anchor::Pinned {
                index,
                id: e.id,
                line,
            };
        }
    }

    fn height(&mut self, messages: &[Message], index: usize) -> usize {
        self.ensure(messages, index);
        self.entries[index]
            .layout
            .as_ref()
            .map_or(0, |(_, l)| l.len())
    }

    /// Lays out entry `index` unless its cached layout is still good.
    fn ensure(&mut self, messages: &[Message], index: usize) {
        let Some(msg) = messages.get(index) else {
            return;
        };
        let key = Key::of(msg, self.width);
        let entry = &mut self.entries[index];
        let stale = self.invalid.remove(&entry.id);
        if !stale && entry.layout.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let previous = entry.layout.take();
        let lines = if is_streaming_reply(msg) {
            // Only the same reply grown at the same width keeps its finished blocks;
            // anything else starts over (and reuses the buffer).
            let grown = !stale
                && previous.as_ref().is_some_and(|(k, _)| {
                    k.status == Status::Streaming
                        && k.width == key.width
                        && k.error_len == key.error_len
                        && k.len <= key.len
                });
            let mut lines = previous.map(|(_, l)| l).unwrap_or_default();
            let stream = entry.stream.get_or_insert_with(StreamingMarkdown::new);
            if !grown {
                *stream = StreamingMarkdown::new();
                lines.clear();
            }
            streaming_lines(msg, self.width, &self.theme, stream, &mut lines);
            lines
        } else {
            entry.stream = None;
            message_lines_with(msg, self.width, &self.theme, self.show_reasoning)
        };
        self.layout_calls += 1;
        self.heights.set(index, lines.len());
        entry.len = msg.content.len();
        entry.layout = Some((key, lines));
    }

    /// Brings the entries in line with `messages`: appends and prepends in O(change),
    /// anything else by matching ids (keeping the layouts still valid).
    fn sync(&mut self, messages: &[Message]) {
        let (n, m) = (self.entries.len(), messages.len());
        let same_ends = |entries: &[Entry], off: usize| {
            n == 0
                || (messages.get(off).map(|x| x.id) == entries.first().map(|e| e.id)
                    && messages.get(off + n - 1).map(|x| x.id) == entries.last().map(|e| e.id))
        };
        if m == n && same_ends(&self.entries, 0) {
            return;
        }
        if m > n && same_ends(&self.entries, 0) {
            for msg in &messages[n..] {
                self.entries.push(Entry::new(msg));
            }
            self.rebuild_heights_from(n);
            return;
        }
        if m > n && same_ends(&self.entries, m - n) {
            let added = m - n;
            let mut fresh: Vec<Entry> = messages[..added].iter().map(Entry::new).collect();
            fresh.append(&mut self.entries);
            self.entries = fresh;
            if let Anchor::Pinned { index, id, line } = self.anchor {
                self.anchor = Anchor::Pinned {
                    index: index + added,
                    id,
                    line,
                };
            }
            self.rebuild_heights();
            return;
        }
        // Something else changed (a message removed, a reply replaced): match by id.
        let mut old: std::collections::HashMap<i64, Entry> =
            self.entries.drain(..).map(|e| (e.id, e)).collect();
        self.entries = messages
            .iter()
            .map(|msg| old.remove(&msg.id).unwrap_or_else(|| Entry::new(msg)))
            .collect();
        if let Anchor::Pinned { id, line, .. } = self.anchor {
            self.anchor = match self.entries.iter().position(|e| e.id == id) {
                Some(index) => Anchor::Pinned { index, id, line },
                None => Anchor::Follow,
            };
        }
        self.rebuild_heights();
    }

    /// Keeps the estimated total current while the last reply grows below a pinned
    /// view, without laying it out (O(1): only the last message is looked at).
    fn track_growth(&mut self, messages: &[Message]) {
        let (Some(msg), Some(entry)) = (messages.last(), self.entries.last_mut()) else {
            return;
        };
        if msg.content.len() == entry.len {
            return;
        }
        let width = usize::from(self.width.max(1));
        let grown = msg.content.len().saturating_sub(entry.len).div_ceil(width);
        let last = self.entries.len() - 1;
        let h = self.heights.values.get(last).copied().unwrap_or(0) + grown;
        self.heights.set(last, h);
        if let Some(entry) = self.entries.last_mut() {
            entry.len = msg.content.len();
        }
    }

    fn rebuild_heights(&mut self) {
        self.heights = Fenwick::default();
        self.rebuild_heights_from(0);
    }

    fn rebuild_heights_from(&mut self, from: usize) {
        for i in from..self.entries.len() {
            let h = self.entries[i].height_at(self.width);
            self.heights.push(h);
        }
    }
}

impl Entry {
    fn new(msg: &Message) -> Entry {
        Entry {
            id: msg.id,
            len: msg.content.len(),
            layout: None,
            stream: None,
        }
    }

    /// Exact when laid out at `width`, otherwise a guess from the length.
    fn height_at(&self, width: u16) -> usize {
        match &self.layout {
            Some((k, lines)) if k.width == width => lines.len(),
            _ => 3 + self.len / usize::from(width.max(1)),
        }
    }
}

/// A Fenwick (binary indexed) tree of heights: prefix sums and point updates in
/// O(log n), append in O(log n).
#[derive(Debug, Default)]
struct Fenwick {
    tree: Vec<usize>,
    values: Vec<usize>,
}

impl Fenwick {
    fn push(&mut self, value: usize) {
        let i = self.tree.len() + 1;
        // The new node covers (i - lowbit(i), i]: its own value plus the nodes below it.
        let low = i & i.wrapping_neg();
        let mut sum = value;
        let mut j = i - 1;
        while j > i - low {
            sum += self.tree[j - 1];
            j -= j & j.wrapping_neg();
        }
        self.tree.push(sum);
        self.values.push(value);
    }

    fn set(&mut self, index: usize, value: usize) {
        let Some(old) = self.values.get(index).copied() else {
            return;
        };
        self.values[index] = value;
        let mut i = index + 1;
        while i <= self.tree.len() {
            self.tree[i - 1] = self.tree[i - 1] - old + value;
            i += i & i.wrapping_neg();
        }
    }

    /// Sum of the first `n` values.
    fn prefix(&self, n: usize) -> usize {
        let mut i = n.min(self.tree.len());
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i - 1];
            i -= i & i.wrapping_neg();
        }
        sum
    }

    fn total(&self) -> usize {
        self.prefix(self.tree.len())
    }
}

/// The most bytes of one message the pane lays out. Laid-out lines cost many times
/// the text they show, so a huge message (a reply allowed to grow past it by a large
/// `max_reply_bytes`, an import, an old database) shows its start and a note saying
/// how to read it whole, and the pane's memory stays bounded whatever it holds. A
/// real interview reply (`max_tokens` 4096, about 16 KB) is far below it.
pub const MAX_SHOWN_BYTES: usize = 256 * 1024;

/// The start of `text` the pane lays out (at most [`MAX_SHOWN_BYTES`], ending at a
/// line end when one is near), and how many bytes after it are not shown. The cut
/// only depends on the first [`MAX_SHOWN_BYTES`], so a reply growing past it keeps
/// the same shown part.
pub fn shown_part(text: &str) -> (&str, usize) {
    if text.len() <= MAX_SHOWN_BYTES {
        return (text, 0);
    }
    let mut cut = MAX_SHOWN_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut]
        .rfind('\n')
        .filter(|&nl| nl >= cut / 2)
        .map_or(cut, |nl| nl + 1);
    (&text[..cut], text.len() - cut)
}

/// The note under a message cut by [`shown_part`].
fn not_shown_note(msg: &Message, hidden: usize, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    wrap_text(
        &format!(
            "… {hidden} more bytes of this message are not shown here; `interviewer show {}` prints it whole",
            msg.conversation_id
        ),
        theme.muted,
        width,
    )
}

/// One message as the pane shows it: a header (who, when, state), the body (markdown
/// for the interviewer, plain text as typed for the user; at most
/// [`MAX_SHOWN_BYTES`] of it), any error, a blank line.
pub fn message_lines(msg: &Message, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    message_lines_with(msg, width, theme, false)
}

/// [`message_lines`] with a reply's reasoning unfolded (`show_reasoning`) or
/// folded into one dim line under it ("▸ reasoning (N words)").
pub fn message_lines_with(
    msg: &Message,
    width: u16,
    theme: &Theme,
    show_reasoning: bool,
) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    if is_streaming_reply(msg) {
        let mut lines = Vec::new();
        streaming_lines(msg, width, theme, &mut StreamingMarkdown::new(), &mut lines);
        return lines;
    }
    let mut lines = header_lines(msg, width, theme);
    let (text, hidden) = shown_part(&msg.content);
    let body = match msg.role {
        Role::Assistant => markdown_lines(text, width, theme),
        Role::User => wrap_text(&sanitize::for_terminal(text), theme.text, width),
        Role::System => wrap_text(&sanitize::for_terminal(text), theme.muted, width),
    };
    if body.is_empty() && msg.status == Status::Streaming {
        lines.push(Line::styled("…", theme.muted));
    }
    lines.extend(body);
    if hidden > 0 {
        lines.extend(not_shown_note(msg, hidden, width, theme));
    }
    lines.extend(reasoning_lines(msg, width, theme, show_reasoning));

    let note = match (msg.status, &msg.error) {
        (Status::Error, Some(e)) => Some((format!("✗ {}", stored_error(e)), theme.error)),
        (Status::Error, None) => Some(("✗ the request failed".to_string(), theme.error)),
        (Status::Interrupted, Some(e)) => Some((format!("⏸ stopped early: {e}"), theme.warn)),
        (Status::Interrupted, None) => Some(("⏸ stopped early".to_string(), theme.warn)),
        _ => None,
    };
    if let Some((text, style)) = note {
        lines.extend(wrap_text(&sanitize::for_terminal_line(&text), style, width));
    }
    lines.push(Line::default());
    lines
}

/// A reply's reasoning: one dim folded line, or (unfolded) that line and the
/// thinking itself, dim, made inert for the terminal like any reply. Nothing when
/// the model sent none.
fn reasoning_lines(msg: &Message, width: u16, theme: &Theme, show: bool) -> Vec<Line<'static>> {
    let Some(reasoning) = msg.reasoning.as_deref().filter(|r| !r.trim().is_empty()) else {
        return Vec::new();
    };
    let words = reasoning.split_whitespace().count();
    let marker = if show { "▾" } else { "▸" };
    let mut lines = wrap_text(
        &format!(
            "{marker} reasoning ({words} word{})",
            if words == 1 { "" } else { "s" }
        ),
        theme.muted,
        width,
    );
    if show {
        let (text, hidden) = shown_part(reasoning);
        let indent = vec![Span::styled("│ ", theme.muted)];
        for paragraph in sanitize::for_terminal(text.trim()).lines() {
            lines.extend(wrap_spans(
                &[Span::styled(paragraph.to_string(), theme.muted)],
                &WrapOptions::new(width).prefixes(indent.clone(), indent.clone()),
            ));
        }
        if hidden > 0 {
            lines.extend(wrap_text(
                &format!("… {hidden} more bytes of reasoning are not shown here"),
                theme.muted,
                width,
            ));
        }
    }
    lines
}

/// A stored failure as the message pane shows it, long after it happened: without
/// the wait the server asked for then ("; retry after 5s" was stale a minute later;
/// the status line counts a live wait down).
fn stored_error(error: &str) -> String {
    const WAIT: &str = "; retry after ";
    let Some(at) = error.find(WAIT) else {
        return error.to_string();
    };
    let rest = &error[at + WAIT.len()..];
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    match rest[digits..].strip_prefix('s') {
        Some(after) if digits > 0 => format!("{}{after}", &error[..at]),
        _ => error.to_string(),
    }
}

/// An interviewer reply still arriving: laid out block by block as it grows.
fn is_streaming_reply(msg: &Message) -> bool {
    msg.role == Role::Assistant && msg.status == Status::Streaming
}

/// Who spoke, when, and the state of the reply.
fn header_lines(msg: &Message, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let (who, who_style) = match msg.role {
        Role::User => ("You", theme.user),
        Role::Assistant => ("Interviewer", theme.assistant),
        Role::System => ("System", theme.system),
    };
    let mut header = vec![
        Span::styled(who, who_style),
        Span::styled(
            format!(" · {}", timefmt::clock(msg.created_at)),
            theme.muted,
        ),
    ];
    match msg.status {
        Status::Complete => {}
        Status::Streaming => header.push(Span::styled(" · streaming…", theme.muted)),
        Status::Interrupted => header.push(Span::styled(" · interrupted", theme.warn)),
        Status::Error => header.push(Span::styled(" · failed", theme.error)),
    }
    wrap_spans(&header, &WrapOptions::new(width))
}

/// A streaming reply's lines in `lines`, which holds its previous layout (header,
/// body, trailer) when `stream` holds the matching state, or is empty with a fresh
/// `stream`: the header is kept, the finished blocks too, and only the tail is laid
/// out again. The same lines as a full layout of the reply as it is now.
fn streaming_lines(
    msg: &Message,
    width: u16,
    theme: &Theme,
    stream: &mut StreamingMarkdown,
    lines: &mut Vec<Line<'static>>,
) {
    if width == 0 {
        lines.clear();
        return;
    }
    let header = header_lines(msg, width, theme);
    let base = header.len();
    if lines.len() < base || lines[..base] != header[..] {
        lines.clear();
        lines.extend(header);
        *stream = StreamingMarkdown::new();
    }
    // `update` drops what follows its own lines (the trailer below) each time.
    let (text, hidden) = shown_part(&msg.content);
    stream.update(text, width, theme, lines, base);
    if lines.len() == base {
        lines.push(Line::styled("…", theme.muted));
    }
    if hidden > 0 {
        lines.extend(not_shown_note(msg, hidden, width, theme));
    }
    lines.push(Line::default());
}

#[cfg(test)]
mod tests {
    /// Issue 15: a stored 429 row does not say "retry after 5s" forever.
    #[test]
    fn a_stored_error_drops_the_wait_it_asked_for_then() {
        assert_eq!(
            super::stored_error(
                "rate limited by the server (429); retry after 5s (Rate limit reached)"
            ),
            "rate limited by the server (429) (Rate limit reached)"
        );
        assert_eq!(
            super::stored_error("rate limited by the server (429); wait a little and retry"),
            "rate limited by the server (429); wait a little and retry"
        );
        assert_eq!(
            super::stored_error("odd; retry after soon"),
            "odd; retry after soon"
        );
    }

    use super::*;

    fn msg(id: i64, role: Role, content: &str) -> Message {
        Message {
            id,
            conversation_id: 1,
            role,
            content: content.to_string(),
            status: Status::Complete,
            created_at: 0,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        }
    }

    #[test]
    fn a_huge_message_shows_its_start_and_a_note() {
        assert_eq!(shown_part("short"), ("short", 0));
        // A cut never splits a character, and prefers a line end nearby.
        let text = format!(
            "{}\n{}",
            "é".repeat(MAX_SHOWN_BYTES / 3),
            "x".repeat(MAX_SHOWN_BYTES)
        );
        let (shown, hidden) = shown_part(&text);
        assert!(shown.len() <= MAX_SHOWN_BYTES && shown.ends_with('\n'));
        assert_eq!(shown.len() + hidden, text.len());
        let odd = format!("a{}", "é".repeat(MAX_SHOWN_BYTES));
        let (shown, _) = shown_part(&odd);
        assert_eq!(shown.len(), MAX_SHOWN_BYTES - 1);

        // Ten times the limit lays out as many lines as the limit (plus the note).
        let line = "A line of a very long reply, with **bold** words in it.\n\n";
        let at_limit = msg(
            1,
            Role::Assistant,
            &line.repeat(MAX_SHOWN_BYTES / line.len()),
        );
        let huge = msg(
            1,
            Role::Assistant,
            &line.repeat(10 * MAX_SHOWN_BYTES / line.len()),
        );
        let theme = Theme::default();
        let small = message_lines(&at_limit, 80, &theme);
        let big = message_lines(&huge, 80, &theme);
        assert!(
            big.len() <= small.len() + 4,
            "{} vs {}",
            big.len(),
            small.len()
        );
        let text = |l: &Line<'_>| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        };
        let tail: String = big[big.len() - 4..].iter().map(text).collect();
        assert!(
            tail.contains("more bytes of this message are not shown here")
                && tail.contains("interviewer show 1"),
            "{tail}"
        );

        // The same while it streams past the limit: the cache's lines stay bounded
        // and match a layout from scratch.
        let mut layout = MessageLayout::new(Theme::default());
        let mut streaming = msg(1, Role::Assistant, "");
        streaming.status = Status::Streaming;
        let mut msgs = vec![streaming];
        for _ in 0..(12 * MAX_SHOWN_BYTES / line.len() / 500) {
            msgs[0].content.push_str(&line.repeat(500));
            layout.view(&msgs, 80, 20);
        }
        assert!(msgs[0].content.len() > 10 * MAX_SHOWN_BYTES);
        let cached = layout.entries[0]
            .layout
            .as_ref()
            .expect("laid out")
            .1
            .clone();
        assert_eq!(cached, message_lines(&msgs[0], 80, &theme));
        assert!(cached.len() <= small.len() + 6, "{}", cached.len());
    }

    fn conversation(n: i64) -> Vec<Message> {
        (1..=n)
            .map(|i| {
                let role = if i % 2 == 0 {
                    Role::User
                } else {
                    Role::Assistant
                };
                msg(i, role, &format!("message {i} with a few words to wrap"))
            })
            .collect()
    }

    fn texts(view: &View) -> Vec<String> {
        crate::tui::render::plain(&view.lines)
    }

    #[test]
    fn fenwick_prefix_sums() {
        let mut f = Fenwick::default();
        for v in 1..=10 {
            f.push(v);
        }
        assert_eq!(f.prefix(4), 10);
        assert_eq!(f.total(), 55);
        f.set(0, 11);
        assert_eq!(f.prefix(1), 11);
        assert_eq!(f.total(), 65);
        for n in 0..=10 {
            assert_eq!(f.prefix(n), f.values[..n].iter().sum::<usize>());
        }
    }

    #[test]
    fn a_message_has_header_body_and_gap() {
        let mut m = msg(1, Role::Assistant, "Hello **there**");
        m.created_at = 3_600_000 * 14 + 60_000 * 5;
        let lines = message_lines(&m, 40, &Theme::no_color());
        let t: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(t, ["Interviewer · 14:05", "Hello there", ""]);
    }

    #[test]
    fn failures_show_their_reason() {
        let mut m = msg(1, Role::Assistant, "partial");
        m.status = Status::Interrupted;
        m.error = Some("the connection dropped".into());
        let lines = message_lines(&m, 60, &Theme::no_color());
        let last: String = lines[lines.len() - 2]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(last, "⏸ stopped early: the connection dropped");
    }

    #[test]
    fn following_shows_the_end() {
        let msgs = conversation(50);
        let mut layout = MessageLayout::new(Theme::no_color());
        let view = layout.view(&msgs, 80, 6);
        assert_eq!(view.lines.len(), 6);
        assert_eq!(texts(&view)[4], "message 50 with a few words to wrap");
        assert!(view.following);
        assert!(!view.at_top);
    }

    #[test]
    fn short_conversations_start_at_the_top() {
        let msgs = conversation(1);
        let mut layout = MessageLayout::new(Theme::no_color());
        let view = layout.view(&msgs, 80, 10);
        assert_eq!(texts(&view)[0], "Interviewer · 00:00");
        assert!(view.at_top);
    }

    #[test]
    fn scrolling_up_pins_and_down_follows_again() {
        let msgs = conversation(50);
        let mut layout = MessageLayout::new(Theme::no_color());
        let bottom = layout.view(&msgs, 80, 6);
        layout.scroll_up(&msgs, 3);
        assert!(!layout.is_following());
        let up = layout.view(&msgs, 80, 6);
        assert_eq!(up.lines[3..], bottom.lines[..3]);
        layout.scroll_down(&msgs, 3);
        assert!(layout.is_following());
        layout.scroll_up(&msgs, 1_000_000);
        assert!(layout.view(&msgs, 80, 6).at_top);
    }

    #[test]
    fn a_pinned_view_stays_put_while_the_last_reply_grows() {
        let mut msgs = conversation(20);
        let mut layout = MessageLayout::new(Theme::no_color());
        layout.view(&msgs, 80, 6);
        layout.scroll_up(&msgs, 10);
        let before = layout.view(&msgs, 80, 6);
        let last = msgs.len() - 1;
        msgs[last]
            .content
            .push_str("\n\nmore\n\nand more\n\nand more");
        let after = layout.view(&msgs, 80, 6);
        assert_eq!(before.lines, after.lines);
        assert!(after.total_lines > before.total_lines);
    }

    #[test]
    fn prepending_older_messages_keeps_the_view() {
        let msgs = conversation(100);
        let mut layout = MessageLayout::new(Theme::no_color());
        layout.view(&msgs[50..], 80, 6);
        layout.scroll_up(&msgs[50..], 20);
        let before = layout.view(&msgs[50..], 80, 6);
        let calls = layout.layout_calls();
        let after = layout.view(&msgs, 80, 6);
        assert_eq!(before.lines, after.lines);
        assert_eq!(layout.layout_calls(), calls, "prepending lays nothing out");
        assert!(!after.at_top);
    }

    #[test]
    fn a_replaced_message_is_picked_up_by_id() {
        let mut msgs = conversation(5);
        let mut layout = MessageLayout::new(Theme::no_color());
        layout.view(&msgs, 80, 30);
        msgs[4] = msg(99, Role::Assistant, "a regenerated reply");
        let view = layout.view(&msgs, 80, 30);
        assert!(texts(&view).iter().any(|l| l == "a regenerated reply"));
    }

    /// The benchmark of the design: 10,000 messages, and each frame lays out only what
    /// is on screen, whatever the scroll position, width changes and streaming do.
    #[test]
    fn ten_thousand_messages_lay_out_only_the_viewport() {
        let mut msgs = conversation(10_000);
        let mut layout = MessageLayout::new(Theme::no_color());
        let (w, h) = (80, 24);
        // Every message is at least 3 lines (header, text, gap), so a viewport of 24
        // rows shows at most 9 of them (8 whole and a part).
        let per_view = 9;

        layout.view(&msgs, w, h);
        assert!(
            layout.layout_calls() <= per_view,
            "{}",
            layout.layout_calls()
        );

        // Redrawing the same frame costs nothing.
        let calls = layout.layout_calls();
        layout.view(&msgs, w, h);
        assert_eq!(layout.layout_calls(), calls);

        // Paging up through 100 pages lays out each page's messages once.
        for _ in 0..100 {
            let before = layout.layout_calls();
            layout.scroll_up(&msgs, usize::from(h));
            layout.view(&msgs, w, h);
            assert!(layout.layout_calls() - before <= per_view);
        }
        // Home jumps straight there; End comes back without relaying the bottom.
        let before = layout.layout_calls();
        layout.scroll_to_top(&msgs);
        assert!(layout.view(&msgs, w, h).at_top);
        layout.scroll_to_bottom();
        layout.view(&msgs, w, h);
        assert!(layout.layout_calls() - before <= per_view);

        // Streaming: the growing reply is the only message laid out again.
        let last = msgs.len() - 1;
        msgs[last].status = Status::Streaming;
        for token in 0..50 {
            let before = layout.layout_calls();
            msgs[last].content.push_str(&format!(" token{token}"));
            layout.view(&msgs, w, h);
            assert_eq!(layout.layout_calls() - before, 1);
        }

        // A resize relays the visible messages only, not all 10,000.
        let before = layout.layout_calls();
        let view = layout.view(&msgs, 50, 20);
        assert!(layout.layout_calls() - before <= per_view);
        assert!(
            view.total_lines >= 30_000,
            "estimated total {}",
            view.total_lines
        );

        // A new message (the user sends) and a page of 1,000 older ones.
        msgs.push(msg(10_001, Role::User, "my answer"));
        let before = layout.layout_calls();
        layout.view(&msgs, 50, 20);
        assert!(layout.layout_calls() - before <= per_view);
        let older: Vec<Message> = (-1000..0).map(|i| msg(i, Role::User, "old")).collect();
        let all: Vec<Message> = older.into_iter().chain(msgs).collect();
        let before = layout.layout_calls();
        layout.view(&all, 50, 20);
        assert_eq!(layout.layout_calls(), before);
    }

    #[test]
    fn invalidate_relays_a_message_edited_in_place() {
        let mut msgs = conversation(3);
        let mut layout = MessageLayout::new(Theme::no_color());
        layout.view(&msgs, 80, 30);
        msgs[2].content = msgs[2].content.replace("message", "MESSAGE");
        assert!(
            !texts(&layout.view(&msgs, 80, 30))
                .iter()
                .any(|l| l.starts_with("MESSAGE"))
        );
        layout.invalidate(3);
        assert!(
            texts(&layout.view(&msgs, 80, 30))
                .iter()
                .any(|l| l.starts_with("MESSAGE"))
        );
    }

    /// The layout a streaming reply would get from scratch: header, the partial
    /// markdown of everything so far, the blank line.
    fn from_scratch(m: &Message, width: u16, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = header_lines(m, width, theme);
        let body = super::super::markdown::markdown_lines_partial(&m.content, width, theme);
        if body.is_empty() {
            lines.push(Line::styled("…", theme.muted));
        }
        lines.extend(body);
        lines.push(Line::default());
        lines
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// However a reply streams in, the pane shows what a full layout shows.
        #[test]
        fn a_streaming_reply_lays_out_like_a_full_layout(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Word", " ", "\n", "\n\n", "- ", "1. ", "# ", "> ", "```", "---",
                    "| a | b |", "|---|---|", "`code`", "**bold**", "日本", "[x]: /u",
                ]),
                0..80,
            ),
            cuts in proptest::collection::vec(0usize..80, 0..10),
            width in 8u16..60,
        ) {
            let theme = Theme::no_color();
            let mut msgs = conversation(3);
            msgs.push(msg(4, Role::Assistant, ""));
            msgs[3].status = Status::Streaming;
            let mut layout = MessageLayout::new(theme.clone());
            let mut cuts = cuts;
            cuts.push(pieces.len());
            cuts.sort_unstable();
            let mut done = 0;
            for cut in cuts {
                let cut = cut.clamp(done, pieces.len());
                for p in &pieces[done..cut] {
                    msgs[3].content.push_str(p);
                }
                done = cut;
                let view = layout.view(&msgs, width, 1000);
                let mut expected: Vec<Line<'static>> = Vec::new();
                for m in &msgs[..3] {
                    expected.extend(message_lines(m, width, &theme));
                }
                expected.extend(from_scratch(&msgs[3], width, &theme));
                proptest::prop_assert_eq!(&view.lines, &expected);
            }
            // The reply completes: one full layout, the same as a fresh one.
            msgs[3].status = Status::Complete;
            let view = layout.view(&msgs, width, 1000);
            let fresh = MessageLayout::new(theme.clone()).view(&msgs, width, 1000);
            proptest::prop_assert_eq!(view.lines, fresh.lines);
        }
    }
}
