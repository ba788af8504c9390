//! The endpoint picker (F6, or `p` outside the input): the default endpoint and
//! the profiles of `config.toml`, each with its API base and model, the one in use
//! marked. Enter switches to the highlighted one for new messages and new
//! interviews; Esc closes. Pure state, key handling and drawing: the app asks the
//! runtime to switch.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{centered, ellipsis};
use crate::config::{Endpoint, KeyNeed};
use crate::redact::display_url;
use crate::sanitize::for_terminal_line;
use crate::tui::render::Theme;

/// Widest the window gets.
const BOX_MAX_WIDTH: u16 = 72;

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOutcome {
    Stay,
    Close,
    /// Switch to this profile (`None`: the default endpoint).
    Choose(Option<String>),
}

/// The picker's state.
#[derive(Debug, Clone)]
pub struct ProfilePicker {
    endpoints: Vec<Endpoint>,
    /// The profile in use (`None`: the default one); `in_use` says whether one of
    /// the list is in use at all (a local server found at start is none of them).
    current: Option<String>,
    in_use: bool,
    pub selected: usize,
    theme: Theme,
    /// What answers instead, when none of the list does.
    now: Option<String>,
}

impl ProfilePicker {
    pub fn new(
        endpoints: Vec<Endpoint>,
        current: Option<String>,
        in_use: bool,
        theme: Theme,
    ) -> ProfilePicker {
        let selected = endpoints
            .iter()
            .position(|e| in_use && e.profile == current)
            .unwrap_or(0);
        ProfilePicker {
            endpoints,
            current,
            in_use,
            selected,
            theme,
            now: None,
        }
    }

    /// What answers now when it is none of the listed endpoints (a local server
    /// found at start, offline practice), shown above the list.
    pub fn answering_now(mut self, what: String) -> ProfilePicker {
        self.now = Some(what);
        self
    }

    fn is_current(&self, e: &Endpoint) -> bool {
        self.in_use && e.profile == self.current
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> ProfileOutcome {
        let last = self.endpoints.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return ProfileOutcome::Close,
            KeyCode::Enter => {
                return match self.endpoints.get(self.selected) {
                    Some(e) => ProfileOutcome::Choose(e.profile.clone()),
                    None => ProfileOutcome::Close,
                };
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = last,
            _ => {}
        }
        ProfileOutcome::Stay
    }

    /// One endpoint's two lines: its name (marked when in use), then where it
    /// points and with which model.
    fn entry_lines(&self, i: usize, e: &Endpoint, width: usize) -> [Line<'static>; 2] {
        let t = &self.theme;
        let current = self.is_current(e);
        let name = match &e.profile {
            Some(p) => for_terminal_line(p),
            None => "default (the top of config.toml)".to_string(),
        };
        let key = match e.key_need {
            KeyNeed::None => " · no key",
            KeyNeed::Required => " · key required",
            KeyNeed::Auto => "",
        };
        let (marker, style) = super::picker_row(t.accent, current, i == self.selected);
        let title = ellipsis(
            &format!("{name}{}", if current { " (in use)" } else { "" }),
            width.saturating_sub(2),
        );
        let detail = ellipsis(
            &format!(
                "{} · {}{key}",
                for_terminal_line(&display_url(&e.api_base)),
                for_terminal_line(&e.model)
            ),
            width.saturating_sub(4),
        );
        [
            Line::from(vec![
                Span::styled(marker, t.accent),
                Span::styled(title, style),
            ]),
            Line::from(vec![Span::raw("    "), Span::styled(detail, t.muted)]),
        ]
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let want = u16::try_from(self.endpoints.len() * 2 + 4)
            .unwrap_or(u16::MAX)
            .max(7);
        let popup = super::fill_if_full_width(
            centered(area, BOX_MAX_WIDTH, want.min(area.height.saturating_sub(2))),
            area,
        );
        Clear.render(popup, buf);
        let hints = [
            " ↑↓ move · Enter switches · Esc closes ",
            " Enter switches · Esc ",
            " Esc ",
        ];
        let block = super::window_block(
            t,
            &[" Endpoint (profile) for new messages ", " Endpoint "],
            &hints,
            popup.width,
        );
        let inner = block.inner(popup);
        block.render(popup, buf);
        let inner = super::padded(inner);
        if inner.width == 0 || inner.height == 0 {
            return;
        }
        let width = usize::from(inner.width);
        let mut lines = Vec::new();
        if let Some(now) = &self.now {
            lines.push(Line::styled(
                ellipsis(&format!("Now: {now} (not in this list)"), width),
                t.muted,
            ));
        }
        if self.endpoints.len() < 2 {
            lines.push(Line::styled(
                ellipsis(
                    "No profiles yet: [profiles.NAME] in config.toml (docs/configuration.md)",
                    width,
                ),
                t.muted,
            ));
        }
        // Keep the highlighted entry in view (two lines each).
        let rows = usize::from(inner.height).saturating_sub(lines.len()) / 2;
        let first = self.selected.saturating_sub(rows.saturating_sub(1));
        for (i, e) in self
            .endpoints
            .iter()
            .enumerate()
            .skip(first)
            .take(rows.max(1))
        {
            lines.extend(self.entry_lines(i, e, width));
        }
        Paragraph::new(lines).render(inner, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn endpoints() -> Vec<Endpoint> {
        vec![
            Endpoint {
                profile: None,
                api_base: "https://api.openai.com/v1".into(),
                model: "gpt-4o-mini".into(),
                key_need: KeyNeed::Auto,
            },
            Endpoint {
                profile: Some("local".into()),
                api_base: "http://127.0.0.1:11434/v1".into(),
                model: "llama3.1:8b".into(),
                key_need: KeyNeed::None,
            },
        ]
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn screen(p: &ProfilePicker, w: u16, h: u16) -> String {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        p.render(area, &mut buf);
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_one_in_use_is_marked_and_enter_switches() {
        let mut p = ProfilePicker::new(endpoints(), Some("local".into()), true, Theme::default());
        assert_eq!(p.selected, 1);
        let shown = screen(&p, 80, 24);
        assert!(shown.contains("● local (in use)"), "{shown}");
        assert!(
            shown.contains("http://127.0.0.1:11434/v1 · llama3.1:8b · no key"),
            "{shown}"
        );
        p.handle_key(key(KeyCode::Up));
        assert_eq!(
            p.handle_key(key(KeyCode::Enter)),
            ProfileOutcome::Choose(None)
        );
        assert_eq!(p.handle_key(key(KeyCode::Esc)), ProfileOutcome::Close);
        // Small screens still show the names.
        assert!(screen(&p, 50, 20).contains("local"));
    }

    #[test]
    fn nothing_is_marked_while_a_found_server_is_in_use() {
        let p = ProfilePicker::new(endpoints(), None, false, Theme::default());
        assert!(!screen(&p, 80, 24).contains("in use"));
        // ... but the list says what answers instead, at every size.
        let p = p.answering_now("the local server on 127.0.0.1:11434".into());
        let shown = screen(&p, 80, 24);
        assert!(
            shown.contains("Now: the local server on 127.0.0.1:11434 (not in this list)"),
            "{shown}"
        );
        assert!(screen(&p, 50, 20).contains("Now: the local server"));
    }
}
