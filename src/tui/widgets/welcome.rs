//! The welcome screen shown when no API key is found (or the server rejected the key):
//! use a local server found on this machine, paste a key, or carry on in offline
//! practice mode. The local server is looked for in the background while the screen
//! shows ([`Discovery`]); it is offered first when it answers.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::input::LineInput;
use super::{centered, fitting};
use crate::agent::discover::LocalServer;
use crate::tui::render::Theme;
use crate::tui::render::wrap::{WrapOptions, wrap_spans};

/// Where a saved key will live, which the screen tells the user before they paste.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStorage {
    /// The OS keyring (Secret Service, Keychain, Credential Manager).
    Keyring,
    /// No keyring is reachable: the key lasts for this session only. The text says
    /// why, in the user's words (e.g. "no Secret Service on D-Bus").
    SessionOnly(String),
}

/// Why the screen is showing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WelcomeReason {
    /// First run: no key in the environment or the keyring.
    NoKey,
    /// The server turned the key down (HTTP 401); the text is what it said.
    Rejected(String),
    /// The user asked to change the key.
    ChangeKey,
    /// The profile switched to needs a key and none is found (its name; `None`:
    /// the default profile).
    ProfileKey(Option<String>),
}

/// Looking for a local server (Ollama, llama.cpp, LM Studio, vLLM) at start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Discovery {
    /// Not looked for (a key or an endpoint is configured, or it is turned off).
    #[default]
    Off,
    /// The ports are being asked.
    Looking,
    /// This server answered with its models.
    Found(LocalServer),
    /// Nothing answered.
    NotFound,
}

/// What the user chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WelcomeOutcome {
    /// Nothing decided yet (typing, moving); redraw.
    None,
    /// Store this key (trimmed, non-empty) and use it.
    SaveKey(String),
    /// Go on without a key: built-in question bank, heuristic feedback.
    Offline,
    /// Use the local server found; `remember`: keep it in config.toml for the
    /// next start.
    UseLocal { remember: bool },
    /// Leave this screen and keep things as they were (only when changing a key).
    Cancel,
    /// Quit the program (Ctrl+C).
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Local,
    Key,
    Offline,
}

/// The welcome screen's state.
#[derive(Debug, Clone)]
pub struct WelcomeScreen {
    reason: WelcomeReason,
    storage: KeyStorage,
    key: LineInput,
    focus: Focus,
    error: Option<String>,
    /// `OPENAI_API_KEY` is set: it wins over a stored key at the next start.
    env_key: bool,
    theme: Theme,
    /// Weak spots due for a drill.
    due: usize,
    /// A local server, looked for or found.
    discovery: Discovery,
    /// Keep the local server in config.toml when it is chosen (Space toggles).
    remember: bool,
    /// The user moved or typed: a server found later does not take the focus.
    touched: bool,
}

/// Indent of the text under a choice, lined up with the choice's words.
const INDENT: &str = "     ";

/// Shorter than any real OpenAI-compatible key; catches a stray keystroke or a paste
/// of the wrong thing.
const MIN_KEY_LEN: usize = 8;

impl WelcomeScreen {
    pub fn new(reason: WelcomeReason, storage: KeyStorage) -> WelcomeScreen {
        WelcomeScreen {
            reason,
            storage,
            key: LineInput::masked(),
            focus: Focus::Key,
            error: None,
            env_key: false,
            theme: Theme::default(),
            due: 0,
            discovery: Discovery::Off,
            remember: true,
            touched: false,
        }
    }

    /// What is known of a local server. A server found is offered first, and
    /// takes the focus unless the user already moved or typed.
    pub fn set_discovery(&mut self, discovery: Discovery) {
        let found = matches!(discovery, Discovery::Found(_));
        self.discovery = discovery;
        if found && !self.touched {
            self.focus = Focus::Local;
        } else if !found && self.focus == Focus::Local {
            self.focus = Focus::Key;
        }
    }

    /// The choices in their order on screen.
    fn choices(&self) -> Vec<Focus> {
        let mut choices = Vec::new();
        if matches!(self.discovery, Discovery::Found(_)) {
            choices.push(Focus::Local);
        }
        choices.extend([Focus::Key, Focus::Offline]);
        choices
    }

    /// Says that `OPENAI_API_KEY` is set, so the screen can tell the user that a
    /// pasted key is used now but the environment's wins at the next start.
    pub fn with_env_key(mut self, set: bool) -> WelcomeScreen {
        self.env_key = set;
        self
    }

    pub fn with_theme(mut self, theme: Theme) -> WelcomeScreen {
        self.theme = theme;
        self
    }

    /// How many weak spots are due for a drill (offered under the choices).
    pub fn set_due(&mut self, due: usize) {
        self.due = due;
    }

    /// Shows why saving the key failed (e.g. the keyring refused it), under the field.
    pub fn set_error(&mut self, message: &str) {
        self.focus = Focus::Key;
        self.error = Some(crate::sanitize::for_terminal_line(message));
    }

    /// Bracketed paste: goes into the key field, whatever has focus.
    pub fn handle_paste(&mut self, text: &str) {
        self.touched = true;
        self.focus = Focus::Key;
        self.error = None;
        self.key.insert_str(text);
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> WelcomeOutcome {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            return WelcomeOutcome::Quit;
        }
        self.touched = true;
        match key.code {
            KeyCode::Esc => {
                return if self.keeps_things() {
                    WelcomeOutcome::Cancel
                } else {
                    WelcomeOutcome::Offline
                };
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                let choices = self.choices();
                let at = choices.iter().position(|c| *c == self.focus).unwrap_or(0);
                let back = matches!(key.code, KeyCode::BackTab | KeyCode::Up);
                let next = if back {
                    (at + choices.len() - 1) % choices.len()
                } else {
                    (at + 1) % choices.len()
                };
                self.focus = choices[next];
                return WelcomeOutcome::None;
            }
            KeyCode::Enter => return self.choose(),
            KeyCode::Char(' ') if self.focus == Focus::Local => {
                self.remember = !self.remember;
                return WelcomeOutcome::None;
            }
            _ => {}
        }
        match self.focus {
            Focus::Local => {
                // Typing on the local choice means the user wants to paste a key.
                if let KeyCode::Char(_) = key.code {
                    self.focus = Focus::Key;
                    self.key.handle_key(key);
                    self.error = None;
                }
            }
            Focus::Key => {
                if self.key.handle_key(key) {
                    self.error = None;
                }
            }
            Focus::Offline => {
                // Typing on the offline choice means the user wants to paste a key.
                if let KeyCode::Char(_) = key.code {
                    self.focus = Focus::Key;
                    self.key.handle_key(key);
                    self.error = None;
                }
            }
        }
        WelcomeOutcome::None
    }

    /// Changing a key (or asked for a profile's), Esc and the last choice keep
    /// things as they are rather than going offline.
    fn keeps_things(&self) -> bool {
        matches!(
            self.reason,
            WelcomeReason::ChangeKey | WelcomeReason::ProfileKey(_)
        )
    }

    fn choose(&mut self) -> WelcomeOutcome {
        if self.focus == Focus::Local {
            return WelcomeOutcome::UseLocal {
                remember: self.remember,
            };
        }
        if self.focus == Focus::Offline {
            // Changing a key, the last choice keeps things as they are.
            return if self.keeps_things() {
                WelcomeOutcome::Cancel
            } else {
                WelcomeOutcome::Offline
            };
        }
        let key = self.key.text().trim();
        if key.is_empty() {
            self.error = Some("Paste your API key first, or choose offline practice below.".into());
            WelcomeOutcome::None
        } else if key.chars().any(char::is_whitespace) {
            self.error =
                Some("That has spaces in it, so it is not one key: paste the key alone.".into());
            WelcomeOutcome::None
        } else if key.chars().count() < MIN_KEY_LEN {
            self.error = Some("That is too short to be an API key: check what you pasted.".into());
            WelcomeOutcome::None
        } else {
            WelcomeOutcome::SaveKey(key.to_string())
        }
    }

    /// The dialog's text at `width`; `compact` leaves out what a small screen can
    /// spare (the pitch, the longer explanations) so both choices stay in view.
    fn lines(&self, width: u16, compact: bool) -> Vec<Line<'static>> {
        let t = &self.theme;
        let para = |text: &str, style: Style| {
            wrap_spans(
                &[Span::styled(text.to_string(), style)],
                &WrapOptions::new(width),
            )
        };
        let indented = |text: &str, style: Style| {
            let ind = vec![Span::raw(INDENT)];
            wrap_spans(
                &[Span::styled(text.to_string(), style)],
                &WrapOptions::new(width).prefixes(ind.clone(), ind),
            )
        };
        let mut lines = Vec::new();
        match &self.reason {
            WelcomeReason::NoKey if compact => {
                lines.extend(para(
                    "No API key was found. Paste one, or practise offline.",
                    t.text,
                ));
            }
            WelcomeReason::NoKey => {
                lines.extend(para(
                    "Practise job interviews with an AI interviewer, then get feedback you can act on.",
                    t.text,
                ));
                lines.extend(para(
                    "No API key was found (OPENAI_API_KEY or the OS keyring). Paste a key for an \
                     OpenAI-compatible service, or practise offline with the built-in questions.",
                    t.text,
                ));
            }
            WelcomeReason::Rejected(why) => {
                lines.extend(para("The server rejected the API key.", t.error));
                lines.extend(para(&format!("It said: {why}"), t.muted));
                lines.extend(para(
                    "Paste a valid key, or go on in offline practice mode.",
                    t.text,
                ));
            }
            WelcomeReason::ChangeKey => {
                lines.extend(para(
                    "Paste an API key for an OpenAI-compatible service; it replaces the key in use, if any.",
                    t.text,
                ));
            }
            WelcomeReason::ProfileKey(profile) => {
                let text = match profile {
                    Some(name) => format!(
                        "The profile “{}” needs an API key and none was found (OPENAI_API_KEY or its keyring entry). Paste its key; it is kept under the profile's name.",
                        crate::sanitize::for_terminal_line(name)
                    ),
                    None => "The default endpoint needs an API key and none was found. Paste one."
                        .to_string(),
                };
                lines.extend(para(&text, t.text));
            }
        }
        lines.push(Line::default());

        // A choice: its marker and title, a wrapped title hanging under its text.
        let choice = |focused: bool, title: String| {
            wrap_spans(
                &[
                    Span::styled(if focused { "▸ " } else { "  " }, t.accent),
                    Span::styled(title, if focused { t.selected } else { t.text }),
                ],
                &WrapOptions::new(width).prefixes(vec![], vec![Span::raw(INDENT)]),
            )
        };
        let mut number = 0;
        let mut next_number = || {
            number += 1;
            number
        };
        if let Discovery::Found(server) = &self.discovery {
            let focused = self.focus == Focus::Local;
            let title = format!("{}  Use {}", next_number(), server.describe());
            lines.extend(choice(focused, title));
            let models = format!(
                "With {}. No key needed; you pick the model next.",
                server.models_summary()
            );
            lines.extend(indented(&models, t.muted));
            let check = if self.remember { "[x]" } else { "[ ]" };
            let remember = if compact {
                format!("{check} remember it (Space)")
            } else {
                format!(
                    "{check} remember it for the next start (api_base and model in config.toml; Space toggles)"
                )
            };
            lines.extend(indented(&remember, t.muted));
            lines.push(Line::default());
        }
        let key_focused = self.focus == Focus::Key;
        lines.extend(choice(
            key_focused,
            format!("{}  Paste an API key", next_number()),
        ));
        let field_w = width.saturating_sub(INDENT.len() as u16);
        // The placeholder is never cut mid-word: a narrow field gets the short one.
        let placeholder = [
            "paste with Ctrl+Shift+V or your terminal's paste",
            "paste the key here",
        ]
        .into_iter()
        .find(|p| p.chars().count() < usize::from(field_w))
        .unwrap_or("");
        let mut field = vec![Span::raw(INDENT)];
        field.extend(
            self.key
                .line(field_w, t.text, key_focused, placeholder)
                .spans,
        );
        if usize::from(width) > INDENT.len() {
            lines.push(Line::from(field));
        }
        if let Some(err) = &self.error {
            lines.extend(indented(err, t.error));
        }
        let storage = match &self.storage {
            KeyStorage::Keyring if compact => "Stored in your OS keyring.".to_string(),
            KeyStorage::SessionOnly(_) if compact => {
                "Kept for this session only (no OS keyring).".to_string()
            }
            KeyStorage::Keyring => {
                "It is stored in your OS keyring, never in a file; only its last 4 characters are shown."
                    .to_string()
            }
            KeyStorage::SessionOnly(why) if self.env_key => format!(
                "The key is used for this session only: {why} (details in interviewer.log). \
                 The next start uses OPENAI_API_KEY again."
            ),
            KeyStorage::SessionOnly(why) => format!(
                "The key is kept for this session only: {why} (details in interviewer.log). \
                 To keep a key, set OPENAI_API_KEY."
            ),
        };
        // The environment's key wins over a stored one at every start: say so.
        let storage = match &self.storage {
            KeyStorage::Keyring if self.env_key && compact => {
                "Used now; OPENAI_API_KEY wins at the next start.".to_string()
            }
            KeyStorage::Keyring if self.env_key => {
                "It is used from now on, and stored in your OS keyring if one is reachable \
                 (the keyring is not read while OPENAI_API_KEY is set). OPENAI_API_KEY wins at \
                 the next start: unset it to use this key."
                    .to_string()
            }
            _ => storage,
        };
        lines.extend(indented(&storage, t.muted));
        lines.push(Line::default());

        let off_focused = self.focus == Focus::Offline;
        let keeps = self.keeps_things();
        let (second, about) = match (keeps, compact) {
            (true, true) => ("Keep things as they are", "Same as Esc."),
            (true, false) => (
                "Keep things as they are",
                "Nothing changes: the endpoint and key in use (or offline practice) stay. Esc does the same.",
            ),
            (false, true) => (
                "Continue in offline practice mode",
                "Built-in questions; no network.",
            ),
            (false, false) => (
                "Continue in offline practice mode",
                "Built-in question bank and heuristic feedback; no network. You can add a key later with K or `interviewer key set`.",
            ),
        };
        lines.extend(choice(off_focused, format!("{}  {second}", next_number())));
        lines.extend(indented(about, t.muted));
        if self.discovery == Discovery::Looking && !compact {
            lines.push(Line::default());
            lines.extend(para(
                "Looking for a local model server on this machine (Ollama, llama.cpp, LM Studio, vLLM)…",
                t.muted,
            ));
        }
        if self.due > 0 {
            lines.push(Line::default());
            let text = format!(
                "{} weak spot{} due for a drill: after choosing, press {} to practise {}.",
                self.due,
                if self.due == 1 { " is" } else { "s are" },
                crate::tui::keys::key_for(
                    crate::tui::keys::Scope::Anywhere,
                    crate::tui::keys::Action::Drill
                ),
                if self.due == 1 {
                    "it"
                } else {
                    "the most overdue"
                }
            );
            lines.extend(para(&text, t.accent));
        }
        lines
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.theme;
        let box_w = 76.min(area.width);
        // Borders and a column of padding each side, a blank row at the top.
        let text_w = box_w.saturating_sub(4);
        let mut lines = self.lines(text_w, false);
        if lines.len() + 3 > usize::from(area.height) {
            lines = self.lines(text_w, true);
        }
        let want_h = u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_add(3);
        let popup = super::fill_if_full_width(centered(area, box_w, want_h), area);
        Clear.render(popup, buf);
        let hints: &[&str] = if self.focus == Focus::Local {
            &[
                " Enter use it · Space remember · Tab switch · Ctrl+C quit ",
                " Enter · Space · Tab ",
                " Enter use it ",
            ]
        } else if self.keeps_things() {
            &[
                " Enter choose · Tab switch · Esc back · Ctrl+C quit ",
                " Enter · Tab · Esc back ",
                " Esc back ",
            ]
        } else {
            &[
                " Enter choose · Tab switch · Esc offline · Ctrl+C quit ",
                " Enter · Tab · Esc offline ",
                " Esc offline ",
            ]
        };
        let block = super::dialog_block(t)
            .title(Span::styled(
                match self.reason {
                    WelcomeReason::NoKey => " Welcome to interviewer ",
                    WelcomeReason::Rejected(_) => " API key rejected ",
                    WelcomeReason::ChangeKey => " Paste an API key ",
                    WelcomeReason::ProfileKey(_) => " This profile needs a key ",
                },
                t.heading,
            ))
            .title_bottom(
                Line::from(Span::styled(fitting(hints, popup.width), t.muted)).right_aligned(),
            );
        let inner = block.inner(popup);
        block.render(popup, buf);
        let text_area = Rect {
            x: inner.x.saturating_add(1).min(inner.right()),
            y: inner.y.saturating_add(1).min(inner.bottom()),
            width: inner.width.saturating_sub(2),
            height: inner.height.saturating_sub(1),
        };
        Paragraph::new(lines).render(text_area, buf);
    }
}

impl Widget for &WelcomeScreen {
    fn render(self, area: Rect, buf: &mut Buffer) {
        WelcomeScreen::render(self, area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn screen() -> WelcomeScreen {
        WelcomeScreen::new(WelcomeReason::NoKey, KeyStorage::Keyring)
    }

    #[test]
    fn pasting_and_enter_saves_the_trimmed_key() {
        let mut s = screen();
        s.handle_paste("  sk-test-1234567890\n");
        assert_eq!(
            s.handle_key(key(KeyCode::Enter)),
            WelcomeOutcome::SaveKey("sk-test-1234567890".into())
        );
    }

    #[test]
    fn an_empty_or_odd_key_is_refused_inline() {
        let mut s = screen();
        assert_eq!(s.handle_key(key(KeyCode::Enter)), WelcomeOutcome::None);
        assert!(s.error.is_some());
        s.handle_key(key(KeyCode::Char('a')));
        assert!(s.error.is_none(), "typing clears the error");
        assert_eq!(s.handle_key(key(KeyCode::Enter)), WelcomeOutcome::None);
        assert!(s.error.as_deref().is_some_and(|e| e.contains("too short")));
    }

    #[test]
    fn offline_quit_and_cancel() {
        let mut s = screen();
        s.handle_key(key(KeyCode::Down));
        assert_eq!(s.handle_key(key(KeyCode::Enter)), WelcomeOutcome::Offline);
        assert_eq!(s.handle_key(key(KeyCode::Esc)), WelcomeOutcome::Offline);
        assert_eq!(
            s.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            WelcomeOutcome::Quit
        );
        let mut change = WelcomeScreen::new(WelcomeReason::ChangeKey, KeyStorage::Keyring);
        assert_eq!(change.handle_key(key(KeyCode::Esc)), WelcomeOutcome::Cancel);
        // Changing a key, the second choice keeps things as they are (it used to say
        // "offline" while the key in use stayed).
        change.handle_key(key(KeyCode::Tab));
        assert_eq!(
            change.handle_key(key(KeyCode::Enter)),
            WelcomeOutcome::Cancel
        );
    }

    fn text(s: &WelcomeScreen, compact: bool) -> String {
        crate::tui::render::plain(&s.lines(70, compact)).join(" ")
    }

    /// Issue 15: with OPENAI_API_KEY set, the K dialog says a pasted key is used now
    /// and the environment's wins at the next start.
    #[test]
    fn the_key_dialog_tells_the_truth_when_openai_api_key_is_set() {
        let plain = WelcomeScreen::new(WelcomeReason::ChangeKey, KeyStorage::Keyring);
        assert!(text(&plain, false).contains("stored in your OS keyring"));
        assert!(!text(&plain, false).contains("OPENAI_API_KEY"));
        let env = plain.clone().with_env_key(true);
        for compact in [false, true] {
            let said = text(&env, compact);
            assert!(said.contains("OPENAI_API_KEY"), "{said}");
            assert!(said.contains("next start"), "{said}");
        }
        let session = WelcomeScreen::new(
            WelcomeReason::ChangeKey,
            KeyStorage::SessionOnly("no OS keyring is reachable".into()),
        )
        .with_env_key(true);
        assert!(text(&session, false).contains("The next start uses OPENAI_API_KEY"));
    }

    #[test]
    fn a_failed_save_is_shown_under_the_field() {
        let mut s = screen();
        s.handle_key(key(KeyCode::Tab));
        s.set_error("the keyring refused the key\u{1b}[2J");
        assert_eq!(s.focus, Focus::Key);
        assert_eq!(s.error.as_deref(), Some("the keyring refused the key␛[2J"));
    }

    #[test]
    fn due_weak_spots_are_offered() {
        let mut s = screen();
        let text = |s: &WelcomeScreen| crate::tui::render::plain(&s.lines(70, false)).join("\n");
        assert!(!text(&s).contains("weak spot"));
        s.set_due(2);
        assert!(
            text(&s).contains("2 weak spots are due for a drill"),
            "{}",
            text(&s)
        );
        assert!(text(&s).contains("press F4"), "{}", text(&s));
    }

    /// A choice's title too long for the line wraps under its own text, not under
    /// the marker (seen at 50x20 with "a local server on … (Ollama's usual port)").
    #[test]
    fn a_long_choice_title_hangs_under_its_text() {
        let mut s = screen();
        s.set_discovery(Discovery::Found(crate::agent::discover::LocalServer {
            api_base: "http://127.0.0.1:11434/v1".into(),
            port: 11434,
            kind: None,
            models: vec!["llama3.1:8b".into()],
        }));
        let lines = crate::tui::render::plain(&s.lines(44, true));
        let at = lines
            .iter()
            .position(|l| l.starts_with("▸ 1  Use a local server"))
            .unwrap_or_else(|| panic!("{lines:#?}"));
        assert!(
            lines[at + 1].starts_with(INDENT) && lines[at + 1].contains("usual port"),
            "{lines:#?}"
        );
    }

    #[test]
    fn typing_on_the_offline_choice_goes_to_the_key() {
        let mut s = screen();
        s.handle_key(key(KeyCode::Tab));
        s.handle_key(key(KeyCode::Char('s')));
        assert_eq!(s.focus, Focus::Key);
        assert_eq!(s.key.text(), "s");
    }
}
