//! Drawing the whole screen from the [`App`] state: sidebar, message pane, input box,
//! status line and overlays. Only what is visible is laid out; wrapped message
//! lines come from the per-message, per-width cache.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, Wrap,
};
use unicode_width::UnicodeWidthStr;

use crate::config::Theme;
use crate::domain::Role;
use crate::sanitize;
use crate::timefmt;

use super::app::{
    App, Focus, Mode, Overlay, Tone, input_frame, message_rows, pane_frame, text_width,
};
use super::keys::{self, Action, Scope};
use super::sidebar::DateGroup;
use super::widgets::centered;
const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the screen from the state, which it only reads: call
/// [`App::prepare_frame`] first (it lays out what this frame shows).
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let areas = app.areas(area);
    if let Some(side) = areas.sidebar {
        draw_sidebar(frame, side, app);
    }
    draw_messages(frame, areas.messages, app);
    draw_input(frame, areas.input, app);
    draw_status(frame, areas.status, app);
    if app.overlay.is_some() {
        // Windows cover the panes, never the status line.
        let above = Rect {
            height: area.height.saturating_sub(areas.status.height),
            ..area
        };
        draw_overlay(frame, above, app);
    }
}

fn pane_block(app: &App, title: Line<'static>, focused: bool) -> Block<'static> {
    let theme = app.theme;
    let border = if focused {
        theme.fg(theme.accent)
    } else {
        theme.fg(theme.muted)
    };
    pane_frame()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(title)
}

// ----- sidebar -------------------------------------------------------------------

fn draw_sidebar(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let focused = app.focus == Focus::Sidebar;
    let title = if app.sidebar.archived {
        " Archived "
    } else {
        " Interviews "
    };
    let block = pane_block(app, Line::from(title), focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let width = usize::from(inner.width);
    if let Some(filter) = &app.sidebar.filter {
        let mut lines = vec![Line::from(vec![
            Span::styled("/ ", theme.fg(theme.accent).add_modifier(Modifier::BOLD)),
            Span::raw(tail_to_width(
                &sanitize::for_terminal_line(&filter.query),
                width.saturating_sub(3),
            )),
            Span::styled("▏", theme.fg(theme.accent)),
        ])];
        let mut error_lines = Vec::new();
        let hint = if let Some(e) = &filter.error {
            // An error is read whole: wrapped, never cut.
            error_lines = crate::tui::render::wrap::wrap_spans(
                &[Span::styled(
                    sanitize::for_terminal_line(e),
                    theme.fg(theme.error),
                )],
                &crate::tui::render::wrap::WrapOptions::new(inner.width),
            );
            if error_lines.is_empty() {
                Line::default()
            } else {
                error_lines.remove(0)
            }
        } else if super::app::open_quote(&filter.query) {
            Line::styled("close the quote to search", theme.fg(theme.muted))
        } else if filter.query.trim().is_empty() {
            Line::styled("type to search · Esc clears", theme.fg(theme.muted))
        } else if filter.searching && filter.hits.is_empty() {
            Line::styled("searching…", theme.fg(theme.muted))
        } else if filter.hits.is_empty() {
            Line::styled("no matches", theme.fg(theme.muted))
        } else {
            Line::styled(
                format!("{} found · Enter opens", filter.hits.len()),
                theme.fg(theme.muted),
            )
        };
        lines.push(hint);
        lines.extend(error_lines);
        let rows = usize::from(inner.height).saturating_sub(lines.len()) / 2;
        let first = filter.selected.saturating_sub(rows.saturating_sub(1));
        for (i, hit) in filter.hits.iter().enumerate().skip(first).take(rows) {
            let selected = i == filter.selected;
            let style = if selected {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                pad(
                    &truncate(&sanitize::for_terminal_line(&hit.title), width),
                    width,
                ),
                style.add_modifier(Modifier::BOLD),
            ));
            lines.push(snippet_line(&hit.snippet, width, &theme));
        }
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }

    let s = &app.sidebar;
    if s.items.is_empty() {
        let text = if s.loading {
            "loading…"
        } else if s.archived {
            "No archived conversations. A shows the active ones."
        } else if s.archived_some {
            "No active interviews: the rest are archived, and A shows them. Type in the box to start a new one."
        } else {
            "No interviews yet. Type in the box to start one."
        };
        let padded = Rect {
            width: inner.width.saturating_sub(1).max(1),
            ..inner
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.fg(theme.muted))
                .wrap(Wrap { trim: true }),
            padded,
        );
        return;
    }
    // The rows were worked out by `App::prepare_frame`: a date heading before the
    // first conversation of each day group, then the conversations from `top`.
    // A list longer than the pane has a scroll indicator in its last column, with a
    // column of space before it.
    let last_shown = app.sidebar_rows.1.iter().rev().find_map(|r| *r);
    let scrolls =
        !s.exhausted || s.top > 0 || last_shown.is_some_and(|last| last + 1 < s.items.len());
    // A column of padding on the right too (the scrollbar's gap when it shows).
    let width = width.saturating_sub(if scrolls { 2 } else { 1 });
    let now = app.now;
    let open = app.transcript.conversation_id;
    let mut next = s.top;
    let mut lines = Vec::with_capacity(app.sidebar_rows.1.len());
    for row in &app.sidebar_rows.1 {
        let Some(item) = s.items.get(row.unwrap_or(next)) else {
            break;
        };
        let Some(i) = *row else {
            lines.push(Line::styled(
                DateGroup::of(item.updated_at, now).label(),
                theme.fg(theme.muted).add_modifier(Modifier::BOLD),
            ));
            continue;
        };
        next = i + 1;
        let meta = format!(
            " {} · {}",
            short_when(item.updated_at, now),
            item.message_count
        );
        let title_width = width.saturating_sub(meta.width() + 1);
        let marker = if open == Some(item.id) { "▎" } else { " " };
        let title = truncate(&sanitize::for_terminal_line(&item.title), title_width);
        let mut style = Style::new();
        if open == Some(item.id) {
            style = style.add_modifier(Modifier::BOLD);
        }
        if i == s.selected {
            style = style.add_modifier(Modifier::REVERSED);
            if !focused {
                style = style.add_modifier(Modifier::DIM);
            }
        }
        let used = 1 + title.width() + meta.width();
        lines.push(Line::from(vec![
            Span::styled(marker, theme.fg(theme.accent)),
            Span::styled(title, style),
            Span::styled(" ".repeat(width.saturating_sub(used)), style),
            Span::styled(meta, style.patch(theme.fg(theme.muted))),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if scrolls {
        // Where the selection is in the whole list (more may be loaded on the way).
        let total = if s.exhausted {
            s.items.len()
        } else {
            s.items.len() + 1
        };
        let mut state = ScrollbarState::new(total.saturating_sub(1))
            .position(s.selected)
            .viewport_content_length(usize::from(inner.height));
        draw_scrollbar(frame, inner, &mut state, &theme);
    }
}

/// A search snippet on one line, its matches highlighted, cut to `width`.
fn snippet_line(snippet: &str, width: usize, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut left = width;
    for (text, matched) in crate::search::snippet_segments(snippet) {
        if left == 0 {
            break;
        }
        let text = truncate(&sanitize::for_terminal_line(text), left);
        left = left.saturating_sub(text.width());
        let style = if matched {
            theme
                .fg(theme.accent)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            theme.fg(theme.muted)
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

// ----- messages ------------------------------------------------------------------

fn draw_messages(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let focused = app.focus == Focus::Messages;
    let title = format!(
        " {} ",
        truncate(
            &sanitize::for_terminal_line(if app.transcript.title.is_empty() {
                "…"
            } else {
                &app.transcript.title
            }),
            usize::from(area.width.saturating_sub(6))
        )
    );
    let block = pane_block(
        app,
        Line::styled(title, Style::new().add_modifier(Modifier::BOLD)),
        focused,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let (header, body) = message_rows(area);
    frame.render_widget(
        // As wide as the text below it (a column of padding on the right).
        Paragraph::new(header_line(app, usize::from(inner.width.saturating_sub(1)))),
        header,
    );
    if body.height == 0 {
        return;
    }
    if app.transcript.messages.is_empty() {
        let text = if app.transcript.loading {
            vec![Line::styled("loading…", theme.fg(theme.muted))]
        } else {
            empty_state(app)
        };
        let padded = Rect {
            width: body.width.saturating_sub(1).max(1),
            ..body
        };
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), padded);
        return;
    }
    let Some(view) = &app.message_view else {
        return;
    };
    let width = text_width(body);
    let mut lines = view.lines.clone();
    if let Some((at_width, above, height)) = app.transcript.highlight_at
        && at_width == width
    {
        // Rows of the match in this view (it may be partly or wholly off screen).
        let first = above as isize - view.lines_above as isize;
        highlight(&mut lines, first, height, &theme);
    }
    let text_area = Rect { width, ..body };
    frame.render_widget(Paragraph::new(lines), text_area);

    if view.total_lines > usize::from(body.height) {
        let mut state =
            ScrollbarState::new(view.total_lines.saturating_sub(usize::from(body.height)))
                .position(view.lines_above)
                .viewport_content_length(usize::from(body.height));
        draw_scrollbar(frame, body, &mut state, &theme);
    }
    if !view.following {
        // End follows the newest lines only from the messages: in the answer box it
        // moves the text cursor, in the list it selects the last conversation.
        let how = match app.focus {
            Focus::Messages => format!("{} follows", keys::key_for(Scope::Lists, Action::Last)),
            Focus::Input | Focus::Sidebar => {
                format!(
                    "{} scrolls",
                    keys::key_for(Scope::Anywhere, Action::PageDown)
                )
            }
        };
        let more = Line::styled(
            format!(" ↓ more below · {how} "),
            theme.fg(theme.accent).add_modifier(Modifier::REVERSED),
        );
        let w = more.width() as u16;
        if w < width {
            let r = Rect::new(body.x + width - w, body.y + body.height - 1, w, 1);
            frame.render_widget(Paragraph::new(more), r);
        }
    }
}

/// Marks the rows `first..first + height` of the pane (the search match).
fn highlight(lines: &mut [Line<'static>], first: isize, height: usize, theme: &Theme) {
    for (row, line) in lines.iter_mut().enumerate() {
        let offset = row as isize - first;
        if offset < 0 || offset >= height as isize {
            continue;
        }
        if offset == 0 {
            line.spans.push(Span::styled(
                " ◀ match",
                theme.fg(theme.accent).add_modifier(Modifier::REVERSED),
            ));
        }
        line.style = if theme.color {
            line.style.bg(ratatui::style::Color::Indexed(236))
        } else {
            line.style.add_modifier(Modifier::BOLD)
        };
    }
}

fn header_line(app: &App, width: usize) -> Line<'static> {
    let theme = app.theme;
    let mut parts: Vec<String> = Vec::new();
    let setup = app.transcript.setup.clone().unwrap_or_default();
    // Most useful first: what is cut at narrow widths is the end.
    if app.interview_finished() {
        parts.push("finished".to_string());
    } else if let Some(n) = setup.questions {
        parts.push(match current_question(&app.transcript.messages) {
            Some(q) => format!("Q {}/{n}", q.min(n)),
            None => plural(u64::from(n), "question"),
        });
    }
    parts.push(setup.interview_type.label().to_string());
    if let Some(role) = &setup.role {
        parts.push(sanitize::for_terminal_line(role));
    }
    if let Some(s) = setup.level_beyond_role() {
        parts.push(sanitize::for_terminal_line(s));
    }
    let left = parts.join(" · ");
    let usage = usage_summary(&app.transcript.messages);
    let timer = app.answer_timer().map(|ms| {
        let s = ms / 1000;
        format!("answer {:02}:{:02}", s / 60, s % 60)
    });
    let model = app.shown_model().map(sanitize::for_terminal_line);
    let mut right = model
        .iter()
        .chain(usage.iter())
        .chain(timer.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ");
    if left.width() + right.width() + 1 > width {
        // Short of room, what the interview is comes before what it costs, and
        // which model answers before that.
        right = model
            .iter()
            .chain(timer.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(" · ");
        if left.width() + right.width() + 1 > width {
            right = timer.unwrap_or_default();
        }
    }
    let left = truncate(&left, width.saturating_sub(right.width() + 1));
    let gap = width.saturating_sub(left.width() + right.width());
    Line::from(vec![
        Span::styled(left, theme.fg(theme.muted).add_modifier(Modifier::ITALIC)),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.fg(theme.accent)),
    ])
}

/// Tokens the server reported for this conversation and their estimated cost,
/// e.g. `3.4k tok ~$0.0012`; `None` when no reply carried usage.
fn usage_summary(messages: &[crate::domain::Message]) -> Option<String> {
    let rows = crate::agent::pricing::usage_by_model(messages);
    if rows.is_empty() {
        return None;
    }
    // Saturating: counts come from imports too (validated now, but older ones).
    let tokens: u64 = rows.iter().fold(0u64, |sum, r| {
        sum.saturating_add(r.prompt_tokens.saturating_add(r.completion_tokens))
    });
    let tokens = if tokens >= 1000 {
        format!("{:.1}k tok", tokens as f64 / 1000.0)
    } else {
        format!("{tokens} tok")
    };
    let cost: Option<f64> = rows.iter().map(|r| r.estimated_cost_usd).sum();
    Some(match cost {
        Some(c) if c < 0.01 => format!("{tokens} ~${c:.4}"),
        Some(c) => format!("{tokens} ~${c:.2}"),
        None => tokens,
    })
}

/// The number in the interviewer's latest "Question N of M" (the offline engine and
/// most prompts announce each main question that way).
fn current_question(messages: &[crate::domain::Message]) -> Option<u32> {
    messages
        .iter()
        .rev()
        .take(40)
        .filter(|m| m.role == Role::Assistant)
        .find_map(|m| {
            let at = m.content.rfind("Question ")?;
            let rest = &m.content[at + "Question ".len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = &rest[digits.len()..];
            if after.starts_with(" of ") {
                digits.parse().ok()
            } else {
                None
            }
        })
}

fn empty_state(app: &App) -> Vec<Line<'static>> {
    let theme = app.theme;
    let mut lines = vec![
        Line::styled(
            "A new practice interview",
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::default(),
    ];
    let new_key = keys::key_for(Scope::Anywhere, Action::NewInterview);
    // Once the role is set (the form, the config file), it is not asked for again.
    match app
        .transcript
        .setup
        .as_ref()
        .and_then(|s| s.role.as_deref())
    {
        Some(role) => {
            lines.push(Line::from(format!(
                "Say hello and the interviewer begins: questions for {}.",
                sanitize::for_terminal_line(role)
            )));
            lines.push(Line::from(
                "The interviewer asks one question at a time and follows up on your answers.",
            ));
            lines.push(Line::from(format!(
                "{new_key} sets up a different interview."
            )));
        }
        None => {
            lines.push(Line::from(
                "Say hello, or tell the interviewer the role you are preparing for.",
            ));
            lines.push(Line::from(
                "The interviewer asks one question at a time and follows up on your answers.",
            ));
            lines.push(Line::from(format!(
                "{new_key} sets up an interview for a specific role, level and job description."
            )));
        }
    }
    lines.push(Line::default());
    if let Some(first) = app.due.first() {
        let n = app.due.len();
        lines.push(Line::styled(
            format!(
                "{n} weak spot{} due for a drill · {} (or {} from the list) practises {}",
                if n == 1 { " is" } else { "s are" },
                keys::key_for(Scope::Anywhere, Action::Drill),
                keys::key_for(Scope::Lists, Action::Drill),
                if n == 1 { "it" } else { "the most overdue" },
            ),
            theme.fg(theme.accent),
        ));
        lines.push(Line::styled(
            format!("  {}", sanitize::for_terminal_line(&first.label())),
            theme.fg(theme.muted),
        ));
        lines.push(Line::default());
    }
    let mode = match &app.mode {
        Mode::Online { model } => format!("Online with {model}."),
        Mode::Offline { reason } => format!("Offline practice ({reason})."),
    };
    lines.push(Line::styled(mode, theme.fg(theme.muted)));
    let k = keys::key_for;
    lines.push(Line::styled(
        format!(
            "{} sends · {} new line · {} moves focus · {} or {} help",
            k(Scope::Input, Action::Send),
            k(Scope::Input, Action::NewLine),
            k(Scope::Anywhere, Action::FocusNext),
            k(Scope::Lists, Action::Help),
            k(Scope::Anywhere, Action::Help),
        ),
        theme.fg(theme.muted),
    ));
    lines
}

// ----- input ---------------------------------------------------------------------

fn draw_input(frame: &mut Frame, area: Rect, app: &App) {
    let focused = app.focus == Focus::Input;
    let title = if app.pending.is_some() {
        " Your answer (the interviewer is replying) "
    } else {
        " Your answer "
    };
    let block = pane_block(app, Line::from(title), focused)
        .padding(ratatui::widgets::Padding::horizontal(1));
    let inner = input_frame().inner(area);
    frame.render_widget(block, area);
    frame.render_widget(app.input.widget(), inner);
}

/// "1 question", "2 questions".
pub(super) fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

// ----- status line ---------------------------------------------------------------

fn draw_status(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let width = usize::from(area.width);
    let (mode_long, mode_short, mode_style) = match &app.mode {
        // The model of the conversation shown (the session's for a new one).
        Mode::Online { model } => (
            match app.endpoint_label() {
                // Which endpoint answers when it is not the default one.
                Some(endpoint) => format!(
                    " ● {} @{endpoint} ",
                    sanitize::for_terminal_line(app.shown_model().unwrap_or(model))
                ),
                None => format!(
                    " ● {} ",
                    sanitize::for_terminal_line(app.shown_model().unwrap_or(model))
                ),
            },
            " ● ".to_string(),
            theme.fg(theme.accent),
        ),
        Mode::Offline { .. } => (
            " ○ offline ".to_string(),
            " ○ ".to_string(),
            theme.fg(theme.muted),
        ),
    };
    let (message, style) = match (&app.pending, app.status_message()) {
        (Some(p), _) if p.cancelling => ("stopping…".to_string(), theme.fg(theme.muted)),
        (Some(p), _) if !p.started && p.thinking_words > 0 => (
            format!(
                "{} thinking… ({} words)",
                SPINNER[app.spinner % SPINNER.len()],
                p.thinking_words
            ),
            theme.fg(theme.accent),
        ),
        (Some(p), _) if !p.started => (
            format!(
                "{} waiting for the interviewer…",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            theme.fg(theme.accent),
        ),
        (Some(_), _) => (
            format!("{} streaming…", SPINNER[app.spinner % SPINNER.len()]),
            theme.fg(theme.accent),
        ),
        (None, Some((Tone::Error, text))) => (
            format!("✗ {}", sanitize::for_terminal_line(&text)),
            theme.fg(theme.error).add_modifier(Modifier::BOLD),
        ),
        (None, Some((Tone::Info, text))) => (sanitize::for_terminal_line(&text), Style::new()),
        (None, None) => (String::new(), Style::new()),
    };
    let layout = status_layout(
        width,
        (&mode_long, &mode_short),
        &message,
        app.next_key().as_deref().filter(|_| app.overlay.is_none()),
        &if app.overlay.is_some() {
            Default::default()
        } else {
            status_hints(app)
        },
    );
    let keys_width = layout.keys_width();
    let sep = || Span::styled("│", theme.fg(theme.muted));
    let mut spans = vec![Span::styled(layout.mode, mode_style)];
    if !layout.message.is_empty() {
        spans.push(sep());
        spans.push(Span::styled(format!(" {} ", layout.message), style));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    spans.push(Span::raw(
        " ".repeat(width.saturating_sub(used + keys_width)),
    ));
    if keys_width > 0 {
        spans.push(sep());
        spans.push(Span::raw(" "));
        if let Some(action) = layout.action {
            spans.push(Span::styled(
                action,
                theme.fg(theme.accent).add_modifier(Modifier::BOLD),
            ));
            if layout.hints.is_some() {
                spans.push(Span::styled(" · ", theme.fg(theme.muted)));
            }
        }
        if let Some(hints) = layout.hints {
            spans.push(Span::styled(hints, theme.fg(theme.muted)));
        }
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The general keys for where the focus is, longest first.
fn status_hints(app: &App) -> [String; 2] {
    let k = keys::key_for;
    match app.focus {
        Focus::Input => [
            format!(
                "{} send · {} focus · {} help",
                k(Scope::Input, Action::Send),
                k(Scope::Anywhere, Action::FocusNext),
                k(Scope::Anywhere, Action::Help)
            ),
            format!("{} help", k(Scope::Anywhere, Action::Help)),
        ],
        _ => [
            format!(
                "{} help · {} new · {} search · {} quit",
                k(Scope::Lists, Action::Help),
                k(Scope::Lists, Action::NewInterview),
                k(Scope::Lists, Action::Search),
                k(Scope::Lists, Action::Quit)
            ),
            format!("{} help", k(Scope::Lists, Action::Help)),
        ],
    }
}

/// The status line's parts once fitted to a width.
#[derive(Debug, PartialEq)]
struct StatusLayout {
    mode: String,
    message: String,
    action: Option<String>,
    hints: Option<String>,
}

impl StatusLayout {
    /// Width of `│ action · hints ` (0 when there are no keys).
    fn keys_width(&self) -> usize {
        let parts: Vec<&str> = self
            .action
            .iter()
            .chain(self.hints.iter())
            .map(String::as_str)
            .collect();
        if parts.is_empty() {
            0
        } else {
            parts.iter().map(|p| p.width()).sum::<usize>() + 3 * (parts.len() - 1) + 3
        }
    }
}

/// Fits `mode │ message │ keys` into `width`. The action key is never cut: first
/// the general hints shorten or go, then the mode shrinks to its symbol, and the
/// message is cut with "…" to the room left.
fn status_layout(
    width: usize,
    (mode_long, mode_short): (&str, &str),
    message: &str,
    action: Option<&str>,
    hints: &[String],
) -> StatusLayout {
    let mut layout = StatusLayout {
        mode: mode_long.to_string(),
        message: String::new(),
        action: action.map(str::to_string),
        hints: None,
    };
    // Room a message needs: "│ " + the message + " ". The mode gives way to the
    // message (down to its symbol) before the message is cut.
    let message_room = |l: &StatusLayout| width.saturating_sub(l.mode.width() + l.keys_width() + 3);
    if message_room(&layout) < message.width() + 1 {
        layout.mode = mode_short.to_string();
    }
    // The general hints only where the whole message still fits.
    let wanted = message.width() + 1;
    for hint in hints.iter().filter(|h| !h.is_empty()) {
        let trial = StatusLayout {
            mode: layout.mode.clone(),
            message: String::new(),
            action: layout.action.clone(),
            hints: Some(hint.clone()),
        };
        if message_room(&trial) >= wanted {
            layout.hints = trial.hints;
            break;
        }
    }
    if !message.is_empty() {
        layout.message = truncate(message, message_room(&layout));
    }
    layout
}

// ----- overlays ------------------------------------------------------------------

fn draw_overlay(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    match &app.overlay {
        Some(Overlay::Help(help)) => help.render(area, frame.buffer_mut()),
        Some(Overlay::ConfirmDelete { title, .. }) => {
            let lines = vec![
                Line::from(format!(
                    "Delete “{}” and all its messages?",
                    sanitize::for_terminal_line(title)
                )),
                Line::from("This cannot be undone (archive with `a` keeps it instead)."),
                Line::default(),
                Line::from(vec![
                    Span::styled("y", Style::new().add_modifier(Modifier::BOLD)),
                    Span::raw(" delete   "),
                    Span::styled("n / Esc", Style::new().add_modifier(Modifier::BOLD)),
                    Span::raw(" keep"),
                ]),
            ];
            let r = centered(area, 64, 8);
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(lines)
                    .block(overlay_block(app, " Delete conversation "))
                    .wrap(Wrap { trim: false }),
                r,
            );
        }
        Some(Overlay::Rename { text, .. }) => {
            let r = centered(area, 60, 5);
            let inner_width = usize::from(r.width.saturating_sub(4));
            let lines = vec![
                Line::from(vec![
                    Span::raw(tail_to_width(
                        &sanitize::for_terminal_line(text),
                        inner_width,
                    )),
                    Span::styled("▏", theme.fg(theme.accent)),
                ]),
                Line::default(),
                Line::styled(
                    "Enter saves · Esc cancels · Ctrl+U clears",
                    theme.fg(theme.muted),
                ),
            ];
            frame.render_widget(Clear, r);
            frame.render_widget(
                Paragraph::new(lines).block(overlay_block(app, " Rename ")),
                r,
            );
        }
        Some(Overlay::Welcome(w)) => w.render(area, frame.buffer_mut()),
        Some(Overlay::Report(r)) => draw_report(frame, area, app, r),
        Some(Overlay::Setup(form)) => form.render(area, frame.buffer_mut()),
        Some(Overlay::Progress(p)) => draw_progress(frame, area, app, p),
        Some(Overlay::ModelPicker(p)) => p.render(area, frame.buffer_mut()),
        Some(Overlay::ProfilePicker(p)) => p.render(area, frame.buffer_mut()),
        Some(Overlay::Drill(d)) => d.view.render(area, frame.buffer_mut()),
        None => {}
    }
}

/// Progress across interviews: the text of `interviewer stats`, scrollable.
fn draw_progress(frame: &mut Frame, area: Rect, app: &App, p: &super::app::ProgressOverlay) {
    let theme = app.theme;
    let r = centered(area, 96, area.height.saturating_sub(2).max(3));
    // Borders and a column of padding each side; a cut line ends in "…".
    let text_width = usize::from(r.width.saturating_sub(4));
    let mut lines: Vec<Line> = match (&p.text, &p.error) {
        (Some(text), _) => text
            .lines()
            .skip(usize::from(p.scroll))
            .map(|l| Line::from(truncate(&sanitize::for_terminal_line(l), text_width)))
            .collect(),
        (None, Some(e)) => vec![Line::styled(
            format!("✗ {}", sanitize::for_terminal_line(e)),
            theme.fg(theme.error),
        )],
        (None, None) => vec![Line::from("Reading your reports…")],
    };
    let body_rows = usize::from(r.height.saturating_sub(3));
    lines.truncate(body_rows);
    while lines.len() < body_rows {
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        truncate("↑↓ PgUp PgDn scroll · Esc closes", text_width),
        theme.fg(theme.muted),
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(
            overlay_block(app, " Progress across interviews ")
                .padding(ratatui::widgets::Padding::horizontal(1)),
        ),
        r,
    );
}

/// The feedback report (the widget), or what is happening until there is one.
fn draw_report(frame: &mut Frame, area: Rect, app: &App, r: &super::app::ReportOverlay) {
    if let Some(view) = &r.view {
        // The widget draws text cells only; what is under it must not show through.
        frame.render_widget(Clear, area);
        view.render(area, frame.buffer_mut());
        return;
    }
    let theme = app.theme;
    let lines = match &r.error {
        Some(e) => vec![
            Line::styled(
                format!("✗ {}", sanitize::for_terminal_line(e)),
                theme.fg(theme.error),
            ),
            Line::default(),
            Line::styled("r tries again · Esc closes", theme.fg(theme.muted)),
        ],
        None => vec![
            Line::from("Reading your answers and writing the report…"),
            Line::default(),
            Line::styled(
                "Esc closes; the report is kept when it is ready",
                theme.fg(theme.muted),
            ),
        ],
    };
    let r = centered(area, 70, 7);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .block(
                overlay_block(app, " Feedback report ")
                    .padding(ratatui::widgets::Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false }),
        r,
    );
}

fn overlay_block(app: &App, title: &'static str) -> Block<'static> {
    super::widgets::dialog_block(&app.render_theme)
        .padding(ratatui::widgets::Padding::horizontal(1))
        .title(Line::styled(
            title,
            Style::new().add_modifier(Modifier::BOLD),
        ))
}

// ----- text helpers --------------------------------------------------------------

/// When a conversation was last active, in few columns: `5m`, `3h`, `2d`, then
/// `Oct 11` within a year, then `2024-10`.
fn short_when(ms: i64, now: i64) -> String {
    const WEEK_MS: i64 = 7 * 86_400_000;
    const YEAR_MS: i64 = 365 * 86_400_000;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let age = now - ms;
    if age < WEEK_MS {
        return timefmt::relative(ms, now);
    }
    // "YYYY-MM-DD HH:MM"
    let full = timefmt::date_time(ms);
    let (year, month, day) = (full.get(..4), full.get(5..7), full.get(8..10));
    match (year, month.and_then(|m| m.parse::<usize>().ok()), day) {
        (Some(_), Some(m @ 1..=12), Some(d)) if age < YEAR_MS => format!("{} {d}", MONTHS[m - 1]),
        (Some(y), Some(m), _) => format!("{y}-{m:02}"),
        _ => full,
    }
}

/// `s` cut to `width` columns, with an ellipsis when cut.
fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// The end of `s` that fits in `width` columns (a field being typed shows its end).
fn tail_to_width(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out.into_iter().rev().collect()
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(s.width())))
}

/// The one scrollbar style: a thin thumb on a blank track, no arrows.
fn draw_scrollbar(frame: &mut Frame, area: Rect, state: &mut ScrollbarState, theme: &Theme) {
    frame.render_stateful_widget(
        Scrollbar::new(ScrollbarOrientation::VerticalRight)
            .begin_symbol(None)
            .end_symbol(None)
            .track_symbol(Some(" "))
            .thumb_symbol("▐")
            .thumb_style(theme.fg(theme.muted)),
        area,
        state,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(l: &StatusLayout) -> String {
        let mut out = l.mode.clone();
        if !l.message.is_empty() {
            out.push_str(&format!("│ {} ", l.message));
        }
        let keys: Vec<&str> = l
            .action
            .iter()
            .chain(l.hints.iter())
            .map(String::as_str)
            .collect();
        if !keys.is_empty() {
            out.push_str(&format!("│ {} ", keys.join(" · ")));
        }
        out
    }

    #[test]
    fn the_action_key_is_never_cut_and_the_message_is_shortened_first() {
        let hints = [
            "Enter send · Tab focus · ? help".to_string(),
            "? help".to_string(),
        ];
        let long =
            "The server had a problem (500): try again in a moment. Details: interviewer.log.";
        for width in [30, 50, 80, 120] {
            let l = status_layout(
                width,
                (" ○ offline ", " ○ "),
                long,
                Some("Ctrl+R retry"),
                &hints,
            );
            let shown = line(&l);
            assert_eq!(l.action.as_deref(), Some("Ctrl+R retry"), "{width}");
            assert!(shown.width() <= width, "{width}: {shown:?}");
            assert!(
                l.message.ends_with('…') || l.message == long,
                "{width}: {shown:?}"
            );
            assert!(
                width < 50 || l.message.width() >= 20,
                "{width}: the message keeps some words: {shown:?}"
            );
        }
        let wide = status_layout(
            200,
            (" ○ offline ", " ○ "),
            long,
            Some("Ctrl+R retry"),
            &hints,
        );
        assert_eq!(wide.message, long);
        assert_eq!(wide.hints.as_deref(), Some(hints[0].as_str()));
        let quiet = status_layout(50, (" ○ offline ", " ○ "), "", None, &hints);
        assert_eq!(quiet.mode, " ○ offline ");
        assert_eq!(quiet.hints.as_deref(), Some(hints[0].as_str()));
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(tail_to_width("hello world", 6), "…world");
    }

    #[test]
    fn the_current_question_comes_from_the_latest_announcement() {
        let msg = |role, content: &str| crate::domain::Message {
            id: 1,
            conversation_id: 1,
            role,
            content: content.into(),
            status: crate::domain::Status::Complete,
            created_at: 0,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
            reasoning: None,
        };
        assert_eq!(current_question(&[]), None);
        let messages = [
            msg(
                Role::Assistant,
                "Hello. Question 1 of 5: tell me about yourself.",
            ),
            msg(Role::User, "Question 9 of 9"),
            msg(Role::Assistant, "Could you make that concrete?"),
        ];
        assert_eq!(current_question(&messages), Some(1));
        let later = [
            msg(Role::Assistant, "Question 1 of 5: a"),
            msg(Role::Assistant, "Thanks. Question 2 of 5: b"),
        ];
        assert_eq!(current_question(&later), Some(2));
        assert_eq!(
            current_question(&[msg(Role::Assistant, "Question time!")]),
            None
        );
    }

    #[test]
    fn dates_in_the_sidebar_are_short() {
        let now = 1_750_000_000_000; // 2025-06-15 15:06 UTC
        assert_eq!(short_when(now - 5 * 60_000, now), "5m");
        assert_eq!(short_when(now - 3 * 86_400_000, now), "3d");
        assert_eq!(short_when(now - 40 * 86_400_000, now), "May 06");
        assert_eq!(short_when(now - 400 * 86_400_000, now), "2024-05");
    }

    #[test]
    fn centred_boxes_fit_tiny_areas() {
        let r = centered(Rect::new(0, 0, 10, 3), 60, 6);
        assert_eq!(r, Rect::new(0, 0, 10, 3));
    }
}
