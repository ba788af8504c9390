//! The windows over the main screen: their keys, and opening help and the welcome screen.

use super::*;

impl App {
    pub(super) fn on_overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(overlay) = self.overlay.take() else {
            return vec![];
        };
        match overlay {
            Overlay::Progress(mut p) => {
                let page = 10;
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('P') => return vec![],
                    KeyCode::Up | KeyCode::Char('k') => p.scroll_by(-1),
                    KeyCode::Down | KeyCode::Char('j') => p.scroll_by(1),
                    KeyCode::PageUp => p.scroll_by(-page),
                    KeyCode::PageDown => p.scroll_by(page),
                    KeyCode::Home | KeyCode::Char('g') => p.scroll = 0,
                    _ => {}
                }
                self.overlay = Some(Overlay::Progress(p));
                vec![]
            }
            Overlay::ModelPicker(mut picker) => match picker.handle_key(key) {
                PickerOutcome::Stay => {
                    self.overlay = Some(Overlay::ModelPicker(picker));
                    vec![]
                }
                PickerOutcome::Close => vec![],
                PickerOutcome::Choose(model) => self.choose_model(picker.conversation_id, &model),
            },
            Overlay::Drill(d) => self.on_drill_key(d, key),
            Overlay::Help(mut help) => {
                if help.handle_key(key) != HelpOutcome::Close {
                    self.overlay = Some(Overlay::Help(help));
                }
                vec![]
            }
            Overlay::ConfirmDelete { id, title } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => self.delete(id, &title),
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc | KeyCode::Char('q') => {
                    self.info("nothing deleted");
                    vec![]
                }
                _ => {
                    self.overlay = Some(Overlay::ConfirmDelete { id, title });
                    vec![]
                }
            },
            Overlay::Rename { id, mut text } => match key.code {
                KeyCode::Esc => vec![],
                KeyCode::Enter => match validate_title(&text) {
                    Ok(title) => self.rename(id, title),
                    Err(e) => {
                        self.error(e.to_string());
                        self.overlay = Some(Overlay::Rename { id, text });
                        vec![]
                    }
                },
                KeyCode::Backspace => {
                    text.pop();
                    self.overlay = Some(Overlay::Rename { id, text });
                    vec![]
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.overlay = Some(Overlay::Rename {
                        id,
                        text: String::new(),
                    });
                    vec![]
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    text.push(c);
                    self.overlay = Some(Overlay::Rename { id, text });
                    vec![]
                }
                _ => {
                    self.overlay = Some(Overlay::Rename { id, text });
                    vec![]
                }
            },
            Overlay::Setup(mut form) => match form.handle_key(key) {
                SetupOutcome::Submit(draft) => {
                    self.overlay = Some(Overlay::Setup(form));
                    vec![Effect::ReadSetup(draft)]
                }
                SetupOutcome::Cancel => {
                    let new_key = crate::tui::keys::key_for(
                        crate::tui::keys::Scope::Anywhere,
                        crate::tui::keys::Action::NewInterview,
                    );
                    if self.transcript.conversation_id.is_some()
                        || !self.transcript.messages.is_empty()
                    {
                        self.focus = self.setup_return_focus;
                        self.info(format!(
                            "no new interview: back to “{}” ({new_key} opens the form again)",
                            sanitize::for_terminal_line(&self.transcript.title)
                        ));
                    } else {
                        self.focus = Focus::Input;
                        self.info(format!(
                            "quick start with the default setup: say hello to begin ({new_key} opens the form again)"
                        ));
                    }
                    vec![]
                }
                SetupOutcome::None | SetupOutcome::Ignored => {
                    self.overlay = Some(Overlay::Setup(form));
                    vec![]
                }
            },
            Overlay::Report(mut r) => {
                let outcome = match r.view.as_mut() {
                    Some(view) => view.handle_key(key),
                    None => match key.code {
                        KeyCode::Esc | KeyCode::Char('q') => ReportOutcome::Close,
                        KeyCode::Char('r') => ReportOutcome::Regenerate,
                        KeyCode::Char('P') => ReportOutcome::Progress,
                        _ => ReportOutcome::Ignored,
                    },
                };
                match outcome {
                    ReportOutcome::Close => vec![],
                    // One key from the report: progress across interviews (Esc there
                    // comes back to the conversation; F opens the report again).
                    ReportOutcome::Progress => {
                        self.overlay = Some(Overlay::Progress(ProgressOverlay::default()));
                        vec![Effect::LoadProgress]
                    }
                    ReportOutcome::Regenerate if !r.busy => {
                        r.busy = true;
                        r.error = None;
                        if let Some(view) = r.view.as_mut() {
                            view.set_busy(true);
                        }
                        let conversation_id = r.conversation_id;
                        self.overlay = Some(Overlay::Report(r));
                        self.info("making a new report; the one shown stays until it is ready");
                        vec![Effect::Report {
                            conversation_id,
                            regenerate: true,
                        }]
                    }
                    _ => {
                        self.overlay = Some(Overlay::Report(r));
                        vec![]
                    }
                }
            }
            Overlay::Welcome(mut w) => match w.handle_key(key) {
                WelcomeOutcome::SaveKey(text) => {
                    self.overlay = Some(Overlay::Welcome(w));
                    self.info("checking and saving the key…");
                    vec![Effect::StoreKey(text)]
                }
                WelcomeOutcome::Offline => {
                    self.info(offline_hint());
                    vec![Effect::RememberOffline]
                }
                WelcomeOutcome::Cancel => {
                    self.info("the key is unchanged");
                    vec![]
                }
                WelcomeOutcome::Quit => self.quit(),
                WelcomeOutcome::None => {
                    self.overlay = Some(Overlay::Welcome(w));
                    vec![]
                }
            },
        }
    }

    pub(super) fn help(&self) -> Box<HelpOverlay> {
        Box::new(HelpOverlay::for_keymap().with_theme(self.render_theme.clone()))
    }

    /// Said instead of the welcome screen once the user chose offline practice.
    pub fn offline_notice(&mut self) {
        self.info(offline_hint());
    }

    /// Shows the welcome screen: no key at start, a rejected key, or changing it.
    pub fn welcome(&mut self, reason: WelcomeReason) {
        let screen = WelcomeScreen::new(reason, self.key_storage.clone())
            .with_env_key(self.env_key_set)
            .with_theme(self.render_theme.clone());
        self.overlay = Some(Overlay::Welcome(Box::new(screen)));
    }

    /// Opens the model picker for the open conversation (or, when it is new, for
    /// new interviews) and asks for the server's models.
    pub(super) fn open_model_picker(&mut self) -> Vec<Effect> {
        let picker = ModelPicker::new(
            self.transcript.conversation_id,
            self.shown_model().map(str::to_string),
            self.render_theme.clone(),
        );
        self.overlay = Some(Overlay::ModelPicker(Box::new(picker)));
        vec![Effect::LoadModels]
    }

    /// The picker's choice: stored with the conversation (from its next turn on),
    /// or the model new interviews start with in this session.
    pub(super) fn choose_model(
        &mut self,
        conversation_id: Option<i64>,
        model: &str,
    ) -> Vec<Effect> {
        if self.is_offline() {
            self.error(
                "offline practice uses the built-in question bank, not a model: add a key (K) or start with --api-base to pick one",
            );
            return vec![];
        }
        let model = match crate::service::validate_model(model) {
            Ok(model) => model,
            Err(e) => {
                self.error(e.to_string());
                return vec![];
            }
        };
        match conversation_id {
            Some(id) => {
                if self.transcript.shows(Some(id)) {
                    self.transcript.model = Some(model.clone());
                }
                self.info(format!(
                    "{} answers in this conversation from the next turn",
                    sanitize::for_terminal_line(&model)
                ));
                vec![Effect::SetConversationModel {
                    conversation_id: id,
                    model,
                }]
            }
            None => {
                self.info(format!(
                    "new interviews start with {}",
                    sanitize::for_terminal_line(&model)
                ));
                self.mode = Mode::Online { model };
                vec![]
            }
        }
    }
}
