//! `App::update`: how each event (other than keys, paste and mouse) changes the state.

use super::*;

impl App {
    /// Applies one event; returns the effects to perform.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.on_key(key),
            Event::Key(_) => vec![],
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(mouse) => self.on_mouse(mouse),
            Event::Resize(w, h) => {
                self.size = (w, h);
                if !self.sidebar_visible() && self.focus == Focus::Sidebar {
                    self.focus = Focus::Input;
                }
                vec![]
            }
            Event::Tick { now } => {
                self.now = now;
                self.spinner = self.spinner.wrapping_add(1);
                vec![]
            }
            Event::ConversationsLoaded {
                generation,
                offset,
                page,
            } => {
                let fresh = self.sidebar.page_loaded(generation, offset, page);
                if let (Some(id), None) = (self.transcript.conversation_id, self.pending.as_ref())
                    && offset == 0
                    && let Some(pos) = self.sidebar.position(id)
                {
                    self.sidebar.selected = pos;
                }
                let mut effects = self.more_conversations();
                // An empty active list: "no interviews yet", or are they archived?
                if fresh
                    && offset == 0
                    && self.sidebar.items.is_empty()
                    && !self.sidebar.archived
                    && !self.sidebar.archived_some
                {
                    effects.push(Effect::CheckArchived);
                }
                effects
            }
            Event::ConversationOpened {
                conversation,
                messages,
                has_older,
                draft,
                jump_to,
            } => {
                if !self.transcript.shows(Some(conversation.id)) {
                    return vec![];
                }
                let t = &mut self.transcript;
                t.title = conversation.title;
                t.setup = conversation.setup;
                t.model = conversation.model;
                t.messages = messages;
                t.has_older = has_older;
                t.loading = false;
                t.jump_to = jump_to;
                t.highlight = jump_to;
                t.highlight_at = None;
                // A reply still streaming here has more text than was stored.
                if let Some(p) = self.pending.as_ref().filter(|p| {
                    p.conversation_id.is_some() && p.conversation_id == t.conversation_id
                }) && let Some(m) = t
                    .messages
                    .iter_mut()
                    .rev()
                    .find(|m| Some(m.id) == p.reply_id)
                {
                    m.content = p.reply.clone();
                }
                self.layout.reset();
                if self.input.is_empty() && !draft.is_empty() {
                    self.reset_input(draft);
                }
                vec![]
            }
            Event::OlderLoaded {
                conversation_id,
                messages,
            } => {
                if self.transcript.shows(Some(conversation_id)) {
                    self.transcript.prepend(messages);
                }
                vec![]
            }
            Event::NewDraftLoaded(draft) => {
                if self.transcript.conversation_id.is_none() && self.input.is_empty() {
                    self.reset_input(draft);
                }
                vec![]
            }
            Event::Send(event) => self.on_send_event(event),
            Event::SendEnded(result) => self.on_send_ended(result),
            Event::SearchResults { seq, result } => {
                if let Some(filter) = self.sidebar.filter.as_mut()
                    && filter.seq == seq
                {
                    filter.searching = false;
                    match result {
                        Ok(hits) => {
                            filter.hits = hits;
                            filter.error = None;
                            filter.selected = 0;
                        }
                        Err(e) => filter.error = Some(e),
                    }
                }
                vec![]
            }
            Event::EditorDone(Ok(text)) => {
                self.reset_input(text.trim_end_matches('\n').to_string());
                self.focus = Focus::Input;
                self.draft_dirty = true;
                self.info("draft taken back from the editor");
                vec![]
            }
            Event::EditorDone(Err(e)) => {
                self.error(e);
                vec![]
            }
            Event::SetupRead { persona, result } => {
                match (result, self.overlay.as_mut()) {
                    (Ok(setup), Some(Overlay::Setup(_))) => {
                        self.overlay = None;
                        let effects = self.start_new();
                        let what = setup_summary(&setup);
                        self.transcript.setup = Some(setup);
                        self.transcript.persona = Some(persona);
                        self.info(format!(
                            "ready: {what}. Say hello (Enter sends) and the interviewer begins"
                        ));
                        return effects;
                    }
                    // The form was closed meanwhile: nothing to start.
                    (Ok(_), _) => {}
                    (Err(e), Some(Overlay::Setup(form))) => form.set_file_error(&e),
                    (Err(e), _) => self.error(e.to_string()),
                }
                vec![]
            }
            Event::ReportReady {
                conversation_id,
                report,
            } => {
                let title = self.transcript.title.clone();
                let theme = self.render_theme.clone();
                if let Some(Overlay::Report(r)) = self.overlay.as_mut()
                    && r.conversation_id == conversation_id
                {
                    let view = ReportView::new(ReportModel::from_stored(&report), &title)
                        .with_theme(theme);
                    r.view = Some(Box::new(view));
                    r.busy = false;
                    r.error = None;
                    self.status = None;
                }
                vec![]
            }
            Event::ModelsLoaded(result) => {
                if let Some(Overlay::ModelPicker(p)) = self.overlay.as_mut() {
                    p.loaded(result);
                }
                vec![]
            }
            Event::DrillPlanned(result) => self.on_drill_planned(result),
            Event::DrillJudged {
                session,
                answer,
                result,
            } => self.on_drill_judged(*session, answer, result),
            Event::DueLoaded(due) => self.on_due_loaded(due),
            Event::ProgressReady(result) => {
                if let Some(Overlay::Progress(p)) = self.overlay.as_mut() {
                    match result {
                        Ok(text) => p.text = Some(text),
                        Err(reason) => p.error = Some(reason),
                    }
                }
                vec![]
            }
            Event::ReportFailed {
                conversation_id,
                reason,
            } => {
                match self.overlay.as_mut() {
                    Some(Overlay::Report(r))
                        if r.conversation_id == conversation_id && r.view.is_none() =>
                    {
                        r.busy = false;
                        r.error = Some(reason);
                    }
                    Some(Overlay::Report(r)) if r.conversation_id == conversation_id => {
                        r.busy = false;
                        if let Some(view) = r.view.as_mut() {
                            view.set_busy(false);
                        }
                        self.error(reason);
                    }
                    _ => self.error(reason),
                }
                vec![]
            }
            Event::KeyAccepted {
                model,
                note,
                profile,
            } => {
                self.mode = Mode::Online { model };
                self.profile = profile;
                self.local_server = None;
                // The server's wait concerned the key before; the note says what now.
                self.retry_at = None;
                self.overlay = None;
                self.info(note);
                vec![]
            }
            Event::Discovered(found) => {
                self.discovered(found);
                vec![]
            }
            Event::LocalServerFailed(reason) => {
                self.local_server = None;
                self.remember_server = None;
                self.mode = Mode::Offline {
                    reason: "the local server is not usable".into(),
                };
                self.error(reason);
                vec![]
            }
            Event::ProfileSwitched { profile, model } => {
                let said = match &profile {
                    Some(p) => format!("profile “{}”", sanitize::for_terminal_line(p)),
                    None => "the default endpoint".to_string(),
                };
                let keeps = match (&self.transcript.conversation_id, &self.transcript.model) {
                    (Some(_), Some(own)) if *own != model => format!(
                        "; this conversation keeps {} ({} picks another)",
                        sanitize::for_terminal_line(own),
                        crate::tui::keys::key_for(
                            crate::tui::keys::Scope::Anywhere,
                            crate::tui::keys::Action::PickModel
                        )
                    ),
                    _ => String::new(),
                };
                self.info(format!(
                    "{said}: new messages go there, new interviews start with {}{keeps}",
                    sanitize::for_terminal_line(&model)
                ));
                self.mode = Mode::Online { model };
                self.profile = profile;
                self.local_server = None;
                self.retry_at = None;
                vec![]
            }
            Event::ProfileNeedsKey(profile) => {
                self.info(match &profile {
                    Some(p) => format!(
                        "the profile “{}” needs an API key",
                        sanitize::for_terminal_line(p)
                    ),
                    None => "the default endpoint needs an API key".to_string(),
                });
                self.welcome(WelcomeReason::ProfileKey(profile));
                vec![]
            }
            Event::KeyRejected(reason) => {
                if let Some(Overlay::Welcome(w)) = self.overlay.as_mut() {
                    w.set_error(&reason);
                } else {
                    self.error(reason);
                }
                vec![]
            }
            Event::Failed(e) => {
                self.transcript.loading = false;
                self.error(e);
                vec![]
            }
            Event::ArchivedExist(some) => {
                self.sidebar.archived_some |= some;
                vec![]
            }
            Event::Notice(text) => {
                self.info(text);
                vec![]
            }
        }
    }
}
