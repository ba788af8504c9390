//! What the keys do: focus, scrolling, the conversation list, opening, search, rename, archive, delete, report, copy.

use super::*;

impl App {
    /// Leaving: stop a reply in flight (it is stored as interrupted), save the draft.
    pub fn quit(&mut self) -> Vec<Effect> {
        self.quitting = true;
        let mut effects = Vec::new();
        if self.pending.is_some() {
            effects.push(Effect::Cancel);
        }
        effects.push(Effect::SaveDraft {
            conversation_id: self.transcript.conversation_id,
            text: self.draft(),
        });
        effects.push(Effect::Quit);
        effects
    }

    pub(super) fn cycle_focus(&mut self, forward: bool) {
        let order: &[Focus] = if self.sidebar_visible() {
            &[Focus::Sidebar, Focus::Messages, Focus::Input]
        } else {
            &[Focus::Messages, Focus::Input]
        };
        let pos = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let next = if forward {
            (pos + 1) % order.len()
        } else {
            (pos + order.len() - 1) % order.len()
        };
        self.focus = order[next];
    }

    pub(super) fn toggle_sidebar(&mut self) {
        let visible = !self.sidebar_visible();
        self.sidebar_override = Some(visible);
        if visible {
            self.focus = Focus::Sidebar;
        } else if self.focus == Focus::Sidebar {
            self.focus = Focus::Input;
        }
    }

    pub fn sidebar_width(&self) -> u16 {
        (self.size.0 / 3).clamp(20, 34).min(self.size.0)
    }

    pub(super) fn page_lines(&self) -> usize {
        usize::from(self.size.1.saturating_sub(10)).max(3)
    }

    pub(super) fn scroll_up(&mut self, lines: usize) -> Vec<Effect> {
        self.layout.scroll_up(&self.transcript.messages, lines);
        self.older_if_at_top()
    }

    pub(super) fn scroll_down(&mut self, lines: usize) {
        self.layout.scroll_down(&self.transcript.messages, lines);
    }

    /// Shows another transcript; the message pane starts over at its end.
    pub(super) fn show(&mut self, transcript: Transcript) {
        self.transcript = transcript;
        self.layout.reset();
    }

    /// Loads older messages once the top of the loaded ones is on screen.
    pub fn older_if_at_top(&mut self) -> Vec<Effect> {
        let t = &mut self.transcript;
        match (t.conversation_id, t.messages.first()) {
            (Some(conversation_id), Some(first)) if t.showing_top && t.has_older && !t.loading => {
                t.loading = true;
                vec![Effect::LoadOlder {
                    conversation_id,
                    before_id: first.id,
                }]
            }
            _ => vec![],
        }
    }

    pub(super) fn move_sidebar(&mut self, delta: isize) -> Vec<Effect> {
        if self.sidebar.filter.is_some() {
            return vec![];
        }
        self.sidebar.move_selection(delta);
        self.more_conversations()
    }

    pub(super) fn more_conversations(&mut self) -> Vec<Effect> {
        if !self.sidebar.wants_more() {
            return vec![];
        }
        self.sidebar.loading = true;
        vec![Effect::LoadConversations {
            archived: self.sidebar.archived,
            generation: self.sidebar.generation,
            offset: self.sidebar.items.len(),
        }]
    }

    /// Switches to conversation `id`, saving the current draft first.
    pub(super) fn open(&mut self, id: i64, title: String, jump_to: Option<i64>) -> Vec<Effect> {
        if self.transcript.shows(Some(id)) && jump_to.is_none() {
            return vec![];
        }
        let mut effects = self.leave_current();
        self.show(Transcript::loading(id, title));
        effects.push(Effect::OpenConversation { id, jump_to });
        effects.push(Effect::SaveOpen(Some(id)));
        effects
    }

    /// Saves the draft of the conversation being left and empties the input.
    pub(super) fn leave_current(&mut self) -> Vec<Effect> {
        let text = self.draft();
        let effects = vec![Effect::SaveDraft {
            conversation_id: self.transcript.conversation_id,
            text,
        }];
        self.reset_input(String::new());
        self.draft_dirty = false;
        effects
    }

    /// Opens the setup form for a new interview over what is shown. The conversation
    /// shown is left only when the form is filled in ([`App::start_new`]); Esc comes
    /// back to it, focus where it was.
    pub(super) fn new_conversation(&mut self) -> Vec<Effect> {
        if self
            .pending
            .as_ref()
            .is_some_and(|p| p.conversation_id.is_none())
        {
            self.info("the new interview is starting; wait for the first reply");
            return vec![];
        }
        self.status = None;
        self.setup_return_focus = self.focus;
        let personas = crate::domain::persona::PERSONAS
            .iter()
            .map(|p| (p.name.to_string(), p.description.to_string()))
            .collect();
        let form = SetupForm::new(personas)
            .with_persona(&self.default_persona)
            .with_theme(self.render_theme.clone());
        self.overlay = Some(Overlay::Setup(Box::new(form)));
        vec![]
    }

    /// Shows an empty new interview, leaving the conversation shown (its draft is
    /// saved) unless it is a new one already.
    pub(super) fn start_new(&mut self) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.transcript.conversation_id.is_some() || !self.transcript.messages.is_empty() {
            effects = self.leave_current();
            self.show(Transcript::new_conversation(self.new_setup.clone()));
            effects.push(Effect::SaveOpen(None));
            effects.push(Effect::LoadNewDraft);
        }
        self.focus = Focus::Input;
        effects
    }

    pub(super) fn copy(&mut self) -> Vec<Effect> {
        let t = &self.transcript;
        let chosen = t
            .highlight
            .and_then(|id| t.messages.iter().find(|m| m.id == id))
            .or_else(|| {
                t.messages
                    .iter()
                    .rev()
                    .find(|m| m.role == Role::Assistant && !m.content.is_empty())
            });
        match chosen {
            Some(m) => vec![Effect::Copy(m.content.clone())],
            None => {
                self.info("no reply to copy yet");
                vec![]
            }
        }
    }

    pub(super) fn report(&mut self) -> Vec<Effect> {
        let Some(conversation_id) = self.transcript.conversation_id else {
            self.info("answer a few questions first; the report assesses your answers");
            return vec![];
        };
        self.overlay = Some(Overlay::Report(ReportOverlay {
            conversation_id,
            busy: true,
            ..ReportOverlay::default()
        }));
        vec![Effect::Report {
            conversation_id,
            regenerate: false,
        }]
    }

    pub(super) fn start_filter(&mut self) -> Vec<Effect> {
        if !self.sidebar_visible() {
            self.sidebar_override = Some(true);
        }
        self.focus = Focus::Sidebar;
        if self.sidebar.filter.is_none() {
            self.sidebar.filter = Some(Filter::default());
        }
        vec![]
    }

    pub(super) fn search(&mut self) -> Vec<Effect> {
        let Some(filter) = self.sidebar.filter.as_mut() else {
            return vec![];
        };
        filter.seq += 1;
        filter.error = None;
        if open_quote(&filter.query) {
            // Still typing a phrase: no search (and no syntax error) until it closes.
            filter.searching = false;
            return vec![];
        }
        if filter.query.trim().is_empty() {
            filter.hits.clear();
            filter.searching = false;
            return vec![];
        }
        filter.searching = true;
        vec![Effect::Search {
            seq: filter.seq,
            query: filter.query.clone(),
        }]
    }

    /// Shows replies' reasoning unfolded, or folds it again; says so, and says
    /// when the conversation shown has none.
    pub(super) fn toggle_reasoning(&mut self) -> Vec<Effect> {
        let show = !self.layout.shows_reasoning();
        self.layout.set_show_reasoning(show);
        let any = self
            .transcript
            .messages
            .iter()
            .any(|m| m.reasoning.as_deref().is_some_and(|r| !r.trim().is_empty()));
        let key = crate::tui::keys::key_for(
            crate::tui::keys::Scope::Anywhere,
            crate::tui::keys::Action::ToggleReasoning,
        );
        self.info(match (show, any) {
            (true, true) => format!("showing the model's reasoning under replies ({key} folds it)"),
            (true, false) => format!(
                "reasoning will show under replies of reasoning models; this conversation has none ({key} folds it)"
            ),
            (false, _) => format!("reasoning folded ({key} shows it)"),
        });
        vec![]
    }

    pub(super) fn toggle_archived(&mut self) -> Vec<Effect> {
        self.sidebar.archived = !self.sidebar.archived;
        self.sidebar.filter = None;
        self.sidebar.reset();
        self.info(if self.sidebar.archived {
            "showing archived conversations (A shows the active ones)"
        } else {
            "showing active conversations"
        });
        vec![Effect::LoadConversations {
            archived: self.sidebar.archived,
            generation: self.sidebar.generation,
            offset: 0,
        }]
    }

    pub(super) fn archive(&mut self, id: i64, title: &str) -> Vec<Effect> {
        let archived = !self.sidebar.archived;
        self.sidebar.remove(id);
        self.sidebar.archived_some |= archived;
        let title = sanitize::for_terminal_line(title);
        self.info(if archived {
            format!("archived “{title}” (A shows archived conversations)")
        } else {
            format!("“{title}” is active again")
        });
        vec![Effect::SetArchived { id, archived }]
    }

    pub(super) fn rename(&mut self, id: i64, title: String) -> Vec<Effect> {
        if let Some(pos) = self.sidebar.position(id) {
            self.sidebar.items[pos].title = title.clone();
        }
        if self.transcript.shows(Some(id)) {
            self.transcript.title = title.clone();
        }
        self.info("renamed");
        vec![Effect::Rename { id, title }]
    }

    pub(super) fn delete(&mut self, id: i64, title: &str) -> Vec<Effect> {
        self.sidebar.remove(id);
        let mut effects = vec![Effect::Delete { id }];
        if self.transcript.shows(Some(id)) {
            self.show(Transcript::new_conversation(self.new_setup.clone()));
            self.reset_input(String::new());
            effects.push(Effect::SaveOpen(None));
            effects.push(Effect::LoadNewDraft);
        }
        self.info(format!("deleted “{}”", sanitize::for_terminal_line(title)));
        effects
    }
}

/// The query has a `"` still waiting for its closing one.
pub(crate) fn open_quote(query: &str) -> bool {
    query.matches('"').count() % 2 == 1
}
