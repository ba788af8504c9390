//! Keys, paste and mouse: which key does what where (the table is `tui::keys`).

use super::*;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return self.quit();
        }
        if self.overlay.is_some() {
            return self.on_overlay_key(key);
        }
        if self.focus == Focus::Sidebar
            && self.sidebar.filter.is_some()
            && let Some(effects) = self.on_filter_key(key)
        {
            return effects;
        }
        // Keys that work whatever has focus.
        match (key.code, ctrl) {
            (KeyCode::F(1), _) => {
                self.overlay = Some(Overlay::Help(self.help()));
                return vec![];
            }
            (KeyCode::F(2), _) => return self.hint_or_skip(true),
            (KeyCode::F(3), _) => return self.hint_or_skip(false),
            (KeyCode::Tab, false) => {
                self.cycle_focus(true);
                return vec![];
            }
            (KeyCode::BackTab, _) => {
                self.cycle_focus(false);
                return vec![];
            }
            (KeyCode::Esc, _) if self.pending.is_some() => return self.cancel(),
            (KeyCode::Char('r'), true) => return self.retry(),
            (KeyCode::Char('n'), true) => return self.new_conversation(),
            (KeyCode::Char('e'), true) => return vec![Effect::OpenEditor(self.draft())],
            (KeyCode::Char('b'), true) => {
                self.toggle_sidebar();
                return vec![];
            }
            (KeyCode::PageUp, _) => return self.scroll_up(self.page_lines()),
            (KeyCode::PageDown, _) => {
                self.scroll_down(self.page_lines());
                return vec![];
            }
            _ => {}
        }
        match self.focus {
            Focus::Input => self.on_input_key(key),
            Focus::Sidebar => self.on_sidebar_key(key),
            Focus::Messages => self.on_messages_key(key),
        }
    }

    pub(super) fn on_input_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter if alt || key.modifiers.contains(KeyModifiers::SHIFT) => {
                self.input.insert_newline();
                self.draft_dirty = true;
                vec![]
            }
            KeyCode::Char('j') if ctrl => {
                self.input.insert_newline();
                self.draft_dirty = true;
                vec![]
            }
            KeyCode::Enter => self.send(),
            // Esc does not leave the input: letters outside it are commands, and a
            // habitual Esc followed by typing must not archive or delete anything.
            KeyCode::Esc => {
                self.info("Tab moves to the conversation list and messages; Ctrl+C quits");
                vec![]
            }
            _ => {
                if self.input.input(key) {
                    self.draft_dirty = true;
                }
                vec![]
            }
        }
    }

    /// Letter keys shared by the sidebar and the message pane.
    pub(super) fn on_command_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Char('q') => self.quit(),
            KeyCode::Char('?') => {
                self.overlay = Some(Overlay::Help(self.help()));
                vec![]
            }
            KeyCode::Char('i') => {
                self.focus = Focus::Input;
                vec![]
            }
            KeyCode::Char('n') => self.new_conversation(),
            KeyCode::Char('r') => self.retry(),
            KeyCode::Char('y') => self.copy(),
            KeyCode::Char('e') => vec![Effect::OpenEditor(self.draft())],
            KeyCode::Char('h') => self.hint_or_skip(true),
            KeyCode::Char('s') => self.hint_or_skip(false),
            KeyCode::Char('/') => self.start_filter(),
            KeyCode::Char('b') => {
                self.toggle_sidebar();
                vec![]
            }
            KeyCode::Char('A') => self.toggle_archived(),
            KeyCode::Char('F') => self.report(),
            KeyCode::Char('P') => {
                self.overlay = Some(Overlay::Progress(ProgressOverlay::default()));
                vec![Effect::LoadProgress]
            }
            KeyCode::Char('x') => match self.transcript.conversation_id {
                Some(conversation_id) => vec![Effect::Export { conversation_id }],
                None => {
                    self.info("nothing to export yet: this interview has no messages");
                    vec![]
                }
            },
            KeyCode::Char('K') => {
                self.welcome(WelcomeReason::ChangeKey);
                vec![]
            }
            KeyCode::Char('R') | KeyCode::Char('d') | KeyCode::Char('a') => {
                let target = match self.focus {
                    Focus::Sidebar => self
                        .sidebar
                        .selected_item()
                        .map(|i| (i.id, i.title.clone())),
                    _ => self
                        .transcript
                        .conversation_id
                        .map(|id| (id, self.transcript.title.clone())),
                };
                let Some((id, title)) = target else {
                    self.info("no conversation selected");
                    return vec![];
                };
                match key.code {
                    KeyCode::Char('R') => {
                        self.overlay = Some(Overlay::Rename { id, text: title });
                        vec![]
                    }
                    KeyCode::Char('d') => {
                        self.overlay = Some(Overlay::ConfirmDelete { id, title });
                        vec![]
                    }
                    _ => self.archive(id, &title),
                }
            }
            _ => vec![],
        }
    }

    pub(super) fn on_sidebar_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.move_sidebar(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_sidebar(1),
            KeyCode::Home | KeyCode::Char('g') => self.move_sidebar(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_sidebar(isize::MAX / 2),
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => {
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
            KeyCode::Esc => {
                self.focus = Focus::Input;
                vec![]
            }
            _ => self.on_command_key(key),
        }
    }

    pub(super) fn on_messages_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.scroll_up(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll_down(1);
                vec![]
            }
            KeyCode::Home | KeyCode::Char('g') => {
                self.layout.scroll_to_top(&self.transcript.messages);
                self.transcript.showing_top = true;
                self.older_if_at_top()
            }
            KeyCode::End | KeyCode::Char('G') => {
                self.layout.scroll_to_bottom();
                vec![]
            }
            KeyCode::Enter | KeyCode::Esc => {
                self.focus = Focus::Input;
                vec![]
            }
            _ => self.on_command_key(key),
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
            Some(_) => return vec![],
            None => {}
        }
        if let (Focus::Sidebar, Some(filter)) = (self.focus, self.sidebar.filter.as_mut()) {
            filter.query.push_str(&sanitize::for_terminal_line(&clean));
            return self.search();
        }
        self.focus = Focus::Input;
        self.input.insert_str(clean);
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
                        self.on_sidebar_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
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
