//! Keys, paste and mouse: which key does what where (the table is `tui::keys`).

use super::*;
use crate::tui::keys::{self, Action, Scope};

impl App {
    /// A key: Ctrl+C quits from anywhere; a window over the screen takes the rest;
    /// then the `/` search field; then the key map (`tui::keys`): its Anywhere rows,
    /// then the rows of the part with focus. A key the answer box's rows do not bind
    /// is typed.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let anywhere = keys::action(Scope::Anywhere, &key);
        if anywhere == Some(Action::Quit) {
            return self.quit();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key);
        }
        // A message says what the last action did; the next action makes it stale.
        self.status = None;
        if self.focus == Focus::Sidebar
            && self.sidebar.filter.is_some()
            && let Some(effects) = self.on_filter_key(key)
        {
            return effects;
        }
        if let Some(action) = anywhere {
            return self.perform(action);
        }
        match self.focus {
            Focus::Input => match keys::action(Scope::Input, &key) {
                Some(action) => self.perform(action),
                None => {
                    if self.input.type_key(key) {
                        self.draft_dirty = true;
                    }
                    vec![]
                }
            },
            Focus::Sidebar | Focus::Messages => match keys::action(Scope::Lists, &key) {
                Some(action) => self.perform(action),
                None => vec![],
            },
        }
    }

    /// Does what the key map says `action` does, where the focus is.
    pub(super) fn perform(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::FocusNext | Action::FocusPrev => {
                self.cycle_focus(action == Action::FocusNext);
                vec![]
            }
            Action::Stop => self.stop(),
            Action::Retry => self.retry(),
            Action::NewInterview => self.new_conversation(),
            Action::Editor => vec![Effect::OpenEditor(self.draft())],
            Action::ToggleSidebar => {
                self.toggle_sidebar();
                vec![]
            }
            Action::PageUp => self.scroll_up(self.page_lines()),
            Action::PageDown => {
                self.scroll_down(self.page_lines());
                vec![]
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help(self.help()));
                vec![]
            }
            Action::Hint => self.hint_or_skip(true),
            Action::Skip => self.hint_or_skip(false),
            Action::Quit => self.quit(),
            Action::Suspend => vec![Effect::Suspend],
            Action::Send => self.send(),
            Action::NewLine
            | Action::DeleteToLineStart
            | Action::DeleteToLineEnd
            | Action::DeleteWord
            | Action::CursorLeft
            | Action::CursorRight
            | Action::CursorUp
            | Action::CursorDown
            | Action::LineStart
            | Action::LineEnd
            | Action::WordLeft
            | Action::WordRight
            | Action::Undo => {
                if self.input.edit(action) {
                    self.draft_dirty = true;
                }
                vec![]
            }
            Action::Up if self.focus == Focus::Sidebar => self.move_sidebar(-1),
            Action::Up => self.scroll_up(1),
            Action::Down if self.focus == Focus::Sidebar => self.move_sidebar(1),
            Action::Down => {
                self.scroll_down(1);
                vec![]
            }
            Action::First if self.focus == Focus::Sidebar => self.move_sidebar(isize::MIN / 2),
            Action::First => {
                self.layout.scroll_to_top(&self.transcript.messages);
                self.transcript.showing_top = true;
                self.older_if_at_top()
            }
            Action::Last if self.focus == Focus::Sidebar => self.move_sidebar(isize::MAX / 2),
            Action::Last => {
                self.layout.scroll_to_bottom();
                vec![]
            }
            Action::Open if self.focus == Focus::Sidebar => {
                match self
                    .sidebar
                    .selected_item()
                    .map(|i| (i.id, i.title.clone()))
                {
                    Some((id, title)) => {
                        let effects = self.open(id, title, None);
                        self.focus = Focus::Input;
                        effects
                    }
                    None => vec![],
                }
            }
            Action::Open | Action::FocusInput => {
                self.focus = Focus::Input;
                vec![]
            }
            Action::Search => self.start_filter(),
            Action::Rename | Action::Delete | Action::Archive => {
                let Some((id, title)) = self.target() else {
                    self.info("no conversation selected");
                    return vec![];
                };
                match action {
                    Action::Rename => {
                        self.overlay = Some(Overlay::Rename { id, text: title });
                        vec![]
                    }
                    Action::Delete => {
                        self.overlay = Some(Overlay::ConfirmDelete { id, title });
                        vec![]
                    }
                    _ => self.archive(id, &title),
                }
            }
            Action::ShowArchived => self.toggle_archived(),
            Action::Report => self.report(),
            Action::Progress => {
                self.overlay = Some(Overlay::Progress(ProgressOverlay::default()));
                vec![Effect::LoadProgress]
            }
            Action::Drill => self.start_drill(),
            Action::Export => match self.transcript.conversation_id {
                Some(conversation_id) => vec![Effect::Export { conversation_id }],
                None => {
                    self.info("nothing to export yet: this interview has no messages");
                    vec![]
                }
            },
            Action::Copy => self.copy(),
            Action::ChangeKey => {
                self.welcome(WelcomeReason::ChangeKey);
                vec![]
            }
            Action::PickModel => self.open_model_picker(),
            Action::PickProfile => self.open_profile_picker(),
            Action::ToggleReasoning => self.toggle_reasoning(),
        }
    }

    /// Esc: stops the reply in flight. Otherwise it says how to move on, and never
    /// moves the focus: a habitual Esc followed by typing must neither send what is
    /// typed nor, in the input, turn letters into commands.
    fn stop(&mut self) -> Vec<Effect> {
        if self.pending.is_some() {
            return self.cancel();
        }
        let hint = match self.focus {
            Focus::Input => format!(
                "{} moves to the conversation list and messages; {} quits",
                keys::key_for(Scope::Anywhere, Action::FocusNext),
                keys::key_for(Scope::Anywhere, Action::Quit)
            ),
            Focus::Sidebar | Focus::Messages => format!(
                "{} goes back to your answer; {} moves focus",
                keys::key_for(Scope::Lists, Action::FocusInput),
                keys::key_for(Scope::Anywhere, Action::FocusNext)
            ),
        };
        self.info(hint);
        vec![]
    }

    /// The conversation rename, delete and archive act on: the selected one in the
    /// list, the open one from the messages.
    fn target(&self) -> Option<(i64, String)> {
        match self.focus {
            Focus::Sidebar => self
                .sidebar
                .selected_item()
                .map(|i| (i.id, i.title.clone())),
            _ => self
                .transcript
                .conversation_id
                .map(|id| (id, self.transcript.title.clone())),
        }
    }

    /// Keys while the `/` filter is active; `None` passes the key on.
    pub(super) fn on_filter_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let filter = self.sidebar.filter.as_mut()?;
        match key.code {
            KeyCode::Esc => {
                self.sidebar.filter = None;
                Some(vec![])
            }
            KeyCode::Up => {
                filter.selected = filter.selected.saturating_sub(1);
                Some(vec![])
            }
            KeyCode::Down => {
                if filter.selected + 1 < filter.hits.len() {
                    filter.selected += 1;
                }
                Some(vec![])
            }
            KeyCode::Enter => {
                let hit = filter.hits.get(filter.selected).cloned();
                let Some(hit) = hit else {
                    return Some(vec![]);
                };
                self.sidebar.filter = None;
                let effects = self.open(hit.conversation_id, hit.title, hit.message_id);
                if let Some(pos) = self.sidebar.position(hit.conversation_id) {
                    self.sidebar.selected = pos;
                }
                self.focus = Focus::Input;
                Some(effects)
            }
            KeyCode::Backspace => {
                filter.query.pop();
                Some(self.search())
            }
            KeyCode::Char('u') if ctrl => {
                filter.query.clear();
                Some(self.search())
            }
            KeyCode::Char(c) if !ctrl => {
                if filter.query.chars().count() < MAX_QUERY_CHARS {
                    filter.query.push(c);
                }
                Some(self.search())
            }
            _ => None,
        }
    }

    pub(super) fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        // Terminals paste line breaks as CR (as if Enter were typed): make them
        // newlines before the sanitiser drops stray CRs. Pasted text can carry
        // escape sequences; keep newlines and tabs only.
        let clean = sanitize::for_terminal(&text.replace("\r\n", "\n").replace('\r', "\n"));
        match self.overlay.as_mut() {
            Some(Overlay::Welcome(w)) => {
                w.handle_paste(&clean);
                return vec![];
            }
            Some(Overlay::Setup(form)) => {
                form.handle_paste(&clean);
                return vec![];
            }
            Some(Overlay::Rename { text, .. }) => {
                text.push_str(&sanitize::for_terminal_line(&clean));
                return vec![];
            }
            Some(Overlay::ModelPicker(picker)) => {
                picker.handle_paste(&clean);
                return vec![];
            }
            Some(Overlay::Drill(d)) => {
                d.view.handle_paste(&clean);
                return vec![];
            }
            Some(_) => return vec![],
            None => {}
        }
        if let (Focus::Sidebar, Some(filter)) = (self.focus, self.sidebar.filter.as_mut()) {
            filter.query.push_str(&sanitize::for_terminal_line(&clean));
            return self.search();
        }
        self.focus = Focus::Input;
        self.input.insert_str(&clean);
        self.draft_dirty = true;
        vec![]
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        let wheel = match mouse.kind {
            MouseEventKind::ScrollUp => -(WHEEL_LINES as isize),
            MouseEventKind::ScrollDown => WHEEL_LINES as isize,
            _ => 0,
        };
        match self.overlay.as_mut() {
            Some(Overlay::Help(help)) => {
                help.scroll_by(wheel);
                return vec![];
            }
            Some(Overlay::Report(r)) => {
                if let Some(view) = r.view.as_mut() {
                    view.scroll_by(wheel);
                }
                return vec![];
            }
            Some(Overlay::Progress(p)) => {
                p.scroll_by(wheel);
                return vec![];
            }
            Some(Overlay::Drill(d)) => {
                d.view.scroll_by(wheel);
                return vec![];
            }
            Some(_) => return vec![],
            None => {}
        }
        let over_sidebar = self.sidebar_visible() && mouse.column < self.sidebar_width();
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) if over_sidebar => {
                let (top, rows) = &self.sidebar_rows;
                let clicked = mouse
                    .row
                    .checked_sub(*top)
                    .and_then(|r| rows.get(usize::from(r)).copied().flatten());
                match clicked {
                    Some(index) if self.sidebar.filter.is_none() => {
                        self.sidebar.selected = index;
                        self.focus = Focus::Sidebar;
                        self.perform(Action::Open)
                    }
                    _ => {
                        self.focus = Focus::Sidebar;
                        vec![]
                    }
                }
            }
            MouseEventKind::ScrollUp if over_sidebar => self.move_sidebar(-(WHEEL_LINES as isize)),
            MouseEventKind::ScrollDown if over_sidebar => self.move_sidebar(WHEEL_LINES as isize),
            MouseEventKind::ScrollUp => self.scroll_up(WHEEL_LINES),
            MouseEventKind::ScrollDown => {
                self.scroll_down(WHEEL_LINES);
                vec![]
            }
            _ => vec![],
        }
    }
}
