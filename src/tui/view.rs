//! Drawing the whole screen from the [`App`] state: sidebar, message pane, input box,
//! status line and overlays. Only what is visible is laid out; wrapped message
//! lines come from the per-message, per-width cache.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, BorderType, Borders, Clear, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState,
    Wrap,
};
use ratatui_textarea::WrapMode;
use unicode_width::UnicodeWidthStr;

use crate::config::Theme;
use crate::domain::Role;
use crate::sanitize;
use crate::timefmt;

use super::app::{App, Focus, Mode, Overlay, Tone};
use super::render::message_lines;
use super::sidebar::DateGroup;
use super::widgets::centered;

/// Most rows the input box grows to before it scrolls.
const INPUT_MAX_ROWS: u16 = 6;
/// Above this many bytes the input stops soft-wrapping: re-wrapping a huge paste on
/// every key would make typing lag.
const INPUT_WRAP_LIMIT: usize = 64 * 1024;
const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Draws the screen. Takes `&mut` for the layout cache and scroll clamping.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let [main, status] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let right = if app.sidebar_visible() && main.width >= 30 {
        let [side, right] =
            Layout::horizontal([Constraint::Length(app.sidebar_width()), Constraint::Min(0)])
                .areas(main);
        draw_sidebar(frame, side, app);
        right
    } else {
        main
    };
    let input_rows = input_rows(app, right.width.saturating_sub(4));
    let input_height = (input_rows + 2)
        .min(right.height / 2)
        .max(3.min(right.height));
    let [messages, input] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(input_height)]).areas(right);
    draw_messages(frame, messages, app);
    draw_input(frame, input, app);
    draw_status(frame, status, app);
    if app.overlay.is_some() {
        draw_overlay(frame, area, app);
    }
}

fn pane_block(app: &App, title: Line<'static>, focused: bool) -> Block<'static> {
    let theme = app.theme;
    let border = if focused {
        theme.fg(theme.accent)
    } else {
        theme.fg(theme.muted)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(border)
        .title(title)
}

// ----- sidebar -------------------------------------------------------------------

fn draw_sidebar(frame: &mut Frame, area: Rect, app: &mut App) {
    let theme = app.theme;
    app.sidebar_rows.1.clear();
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
        let hint = if let Some(e) = &filter.error {
            Line::styled(truncate(e, width), theme.fg(theme.error))
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
        let rows = usize::from(inner.height).saturating_sub(2) / 2;
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

    let s = &mut app.sidebar;
    if s.items.is_empty() {
        let text = if s.loading {
            "loading…"
        } else if s.archived {
            "No archived conversations. A shows the active ones."
        } else {
            "No interviews yet. Type in the box to start one."
        };
        frame.render_widget(
            Paragraph::new(text)
                .style(theme.fg(theme.muted))
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let height = usize::from(inner.height);
    let now = app.now;
    // Rows from `top` to `selected` (inclusive), counting date headings.
    let rows_between = |items: &[crate::domain::ConversationSummary], top: usize, last: usize| {
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
    let mut lines = Vec::with_capacity(height);
    let mut rows: Vec<Option<usize>> = Vec::with_capacity(height);
    let mut group = None;
    let open = app.transcript.conversation_id;
    for (i, item) in s.items.iter().enumerate().skip(s.top) {
        if lines.len() >= height {
            break;
        }
        let g = DateGroup::of(item.updated_at, now);
        if group != Some(g) {
            group = Some(g);
            lines.push(Line::styled(
                g.label(),
                theme.fg(theme.muted).add_modifier(Modifier::BOLD),
            ));
            rows.push(None);
            if lines.len() >= height {
                break;
            }
        }
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
        rows.push(Some(i));
        lines.push(Line::from(vec![
            Span::styled(marker, theme.fg(theme.accent)),
            Span::styled(title, style),
            Span::styled(" ".repeat(width.saturating_sub(used)), style),
            Span::styled(meta, style.patch(theme.fg(theme.muted))),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    app.sidebar_rows = (inner.y, rows);
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

fn draw_messages(frame: &mut Frame, area: Rect, app: &mut App) {
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
    let [header, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(
        Paragraph::new(header_line(app, usize::from(inner.width))),
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
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: false }), body);
        app.transcript.showing_top = true;
        return;
    }

    // One column for the scrollbar.
    let width = body.width.saturating_sub(1).max(1);
    if let Some(target) = app.transcript.jump_to.take() {
        jump_to_message(app, target, width, body.height);
    }
    let view = app
        .layout
        .view(&app.transcript.messages, width, body.height);
    app.transcript.showing_top = view.at_top;
    let mut lines = view.lines;
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
        frame.render_stateful_widget(
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .track_symbol(Some(" "))
                .thumb_symbol("▐")
                .thumb_style(theme.fg(theme.muted)),
            body,
            &mut state,
        );
    }
    if !view.following {
        let more = Line::styled(
            " ↓ more below · End follows ",
            theme.fg(theme.accent).add_modifier(Modifier::REVERSED),
        );
        let w = more.width() as u16;
        if w < width {
            let r = Rect::new(body.x + width - w, body.y + body.height - 1, w, 1);
            frame.render_widget(Paragraph::new(more), r);
        }
    }
}

/// Scrolls so that message `target` starts at the top of the pane, and remembers
/// where, to draw it highlighted.
fn jump_to_message(app: &mut App, target: i64, width: u16, height: u16) {
    let messages = &app.transcript.messages;
    let Some(index) = messages.iter().position(|m| m.id == target) else {
        return;
    };
    let rt = &app.render_theme;
    let above: usize = messages[..index]
        .iter()
        .map(|m| message_lines(m, width, rt).len())
        .sum();
    let own = message_lines(&messages[index], width, rt).len();
    // A first view sets the pane's height, which scrolling needs.
    let _ = app.layout.view(messages, width, height);
    app.layout.scroll_to_top(messages);
    app.layout.scroll_down(messages, above);
    app.transcript.highlight_at = Some((width, above, own));
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
    if let Some(n) = setup.questions {
        parts.push(match current_question(&app.transcript.messages) {
            Some(q) => format!("Q {}/{n}", q.min(n)),
            None => format!("{n} questions"),
        });
    }
    parts.push(setup.interview_type.label().to_string());
    if let Some(role) = &setup.role {
        parts.push(sanitize::for_terminal_line(role));
    }
    if let Some(s) = &setup.seniority {
        parts.push(sanitize::for_terminal_line(s));
    }
    let left = parts.join(" · ");
    let mut right_parts = Vec::new();
    if let Some(usage) = usage_summary(&app.transcript.messages) {
        right_parts.push(usage);
    }
    if let Some(ms) = app.answer_timer() {
        let s = ms / 1000;
        right_parts.push(format!("answer {:02}:{:02}", s / 60, s % 60));
    }
    let mut right = right_parts.join(" · ");
    if right.width() + 12 > width {
        // Narrow: the timer alone.
        right = right_parts.pop().unwrap_or_default();
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
    let tokens: u64 = rows
        .iter()
        .map(|r| r.prompt_tokens + r.completion_tokens)
        .sum();
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
        Line::from("Say hello, or tell the interviewer the role you are preparing for."),
        Line::from("The interviewer asks one question at a time and follows up on your answers."),
        Line::from("Ctrl+N sets up an interview for a specific role, level and job description."),
        Line::default(),
    ];
    let mode = match &app.mode {
        Mode::Online { model } => format!("Online with {model}."),
        Mode::Offline { reason } => format!("Offline practice ({reason})."),
    };
    lines.push(Line::styled(mode, theme.fg(theme.muted)));
    lines.push(Line::styled(
        "Enter sends · Alt+Enter new line · Tab moves focus · ? or F1 help",
        theme.fg(theme.muted),
    ));
    lines
}

// ----- input ---------------------------------------------------------------------

fn input_rows(app: &App, width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let mut rows = 0usize;
    for line in app.input.lines() {
        rows += line.width().div_ceil(width).max(1);
        if rows >= usize::from(INPUT_MAX_ROWS) {
            return INPUT_MAX_ROWS;
        }
    }
    rows.max(1) as u16
}

fn draw_input(frame: &mut Frame, area: Rect, app: &mut App) {
    let theme = app.theme;
    let focused = app.focus == Focus::Input;
    let title = if app.pending.is_some() {
        " Your answer (the interviewer is replying) "
    } else {
        " Your answer "
    };
    let block = pane_block(app, Line::from(title), focused)
        .padding(ratatui::widgets::Padding::horizontal(1));
    let big = app.input.lines().iter().map(String::len).sum::<usize>() > INPUT_WRAP_LIMIT;
    let mode = if big {
        WrapMode::None
    } else {
        WrapMode::WordOrGlyph
    };
    if app.input.wrap_mode() != mode {
        app.input.set_wrap_mode(mode);
    }
    app.input.set_block(block);
    app.input.set_cursor_style(if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        Style::new()
    });
    app.input.set_placeholder_style(theme.fg(theme.muted));
    frame.render_widget(&app.input, area);
}

// ----- status line ---------------------------------------------------------------

fn draw_status(frame: &mut Frame, area: Rect, app: &App) {
    let theme = app.theme;
    let width = usize::from(area.width);
    let mode = match &app.mode {
        Mode::Online { model } => Span::styled(format!(" ● {model} "), theme.fg(theme.accent)),
        Mode::Offline { .. } => Span::styled(" ○ offline practice ", theme.fg(theme.muted)),
    };
    let (activity, style) = match (&app.pending, &app.status) {
        (Some(p), _) if p.cancelling => ("stopping…".to_string(), theme.fg(theme.muted)),
        (Some(p), _) if !p.started => (
            format!(
                "{} waiting for the interviewer… (Esc stops)",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            theme.fg(theme.accent),
        ),
        (Some(_), _) => (
            format!(
                "{} streaming… (Esc stops)",
                SPINNER[app.spinner % SPINNER.len()]
            ),
            theme.fg(theme.accent),
        ),
        (None, Some((Tone::Error, text))) => (
            format!("✗ {}", sanitize::for_terminal_line(text)),
            theme.fg(theme.error).add_modifier(Modifier::BOLD),
        ),
        (None, Some((Tone::Info, text))) => (sanitize::for_terminal_line(text), Style::new()),
        (None, None) => (String::new(), Style::new()),
    };
    // The longest hint that fits next to what is happening.
    let hints: &[&str] = match app.focus {
        Focus::Input => &["Enter send · Tab focus · F1 help", "F1 help"],
        _ => &["? help · n new · / search · q quit", "? help"],
    };
    let used = mode.width() + activity.width() + 1;
    let hints = hints
        .iter()
        .copied()
        .find(|h| used + h.width() < width)
        .unwrap_or("");
    let activity = truncate(
        &activity,
        width.saturating_sub(mode.width() + hints.width() + 1),
    );
    let gap = width.saturating_sub(mode.width() + activity.width() + hints.width());
    let line = Line::from(vec![
        mode,
        Span::styled(activity, style),
        Span::raw(" ".repeat(gap)),
        Span::styled(hints, theme.fg(theme.muted)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
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
        None => {}
    }
}

/// Progress across interviews: the text of `interviewer stats`, scrollable.
fn draw_progress(frame: &mut Frame, area: Rect, app: &App, p: &super::app::ProgressOverlay) {
    let theme = app.theme;
    let mut lines: Vec<Line> = match (&p.text, &p.error) {
        (Some(text), _) => text
            .lines()
            .skip(usize::from(p.scroll))
            .map(|l| Line::from(sanitize::for_terminal_line(l)))
            .collect(),
        (None, Some(e)) => vec![Line::styled(
            format!("✗ {}", sanitize::for_terminal_line(e)),
            theme.fg(theme.error),
        )],
        (None, None) => vec![Line::from("Reading your reports…")],
    };
    let r = centered(area, 96, area.height.saturating_sub(2).max(3));
    let body_rows = usize::from(r.height.saturating_sub(3));
    lines.truncate(body_rows);
    while lines.len() < body_rows {
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        "↑↓ PgUp PgDn scroll · Esc closes",
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
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(app.theme.fg(app.theme.accent))
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

#[cfg(test)]
mod tests {
    use super::*;

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
