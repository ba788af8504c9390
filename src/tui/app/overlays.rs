//! The windows over the main screen: their keys, and opening help, the welcome
//! screen (with a local server found), the model picker and the endpoint picker.

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
                PickerOutcome::Close => self.remember_chosen_server(),
                PickerOutcome::Choose(model) => self.choose_model(picker.conversation_id, &model),
            },
            Overlay::ProfilePicker(mut picker) => match picker.handle_key(key) {
                ProfileOutcome::Stay => {
                    self.overlay = Some(Overlay::ProfilePicker(picker));
                    vec![]
                }
                ProfileOutcome::Close => vec![],
                ProfileOutcome::Choose(profile) => {
                    self.info(match &profile {
                        Some(p) => format!(
                            "switching to the profile “{}”…",
                            sanitize::for_terminal_line(p)
                        ),
                        None => "switching to the default endpoint…".to_string(),
                    });
                    vec![Effect::SwitchProfile(profile)]
                }
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
                    vec![Effect::StoreKey {
                        text,
                        profile: self.key_profile.clone(),
                    }]
                }
                WelcomeOutcome::UseLocal { remember } => self.use_local_server(remember),
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

    /// Shows the welcome screen: no key at start, a rejected key, or changing it
    /// (for the profile in use); a local server found is offered there too.
    pub fn welcome(&mut self, reason: WelcomeReason) {
        self.key_profile = match &reason {
            WelcomeReason::ProfileKey(profile) => profile.clone(),
            _ => self.profile.clone(),
        };
        // Asked for a profile's key, the user chose that endpoint: no other offer.
        let offer = !matches!(reason, WelcomeReason::ProfileKey(_));
        let mut screen = WelcomeScreen::new(reason, self.key_storage.clone())
            .with_env_key(self.env_key_set)
            .with_theme(self.render_theme.clone());
        if offer {
            screen.set_discovery(self.discovery.clone());
        }
        self.overlay = Some(Overlay::Welcome(Box::new(screen)));
    }

    /// Starts looking for a local server (the welcome screen at start, with no key
    /// and no endpoint configured); the first frame does not wait for it.
    pub fn discover(&mut self) -> Vec<Effect> {
        self.discovery = Discovery::Looking;
        if let Some(Overlay::Welcome(w)) = self.overlay.as_mut() {
            w.set_discovery(Discovery::Looking);
        }
        vec![Effect::Discover]
    }

    /// What looking for a local server found: offered on the welcome screen (or,
    /// once offline practice was chosen at an earlier start, said in the status
    /// line, K opening the offer).
    pub(super) fn discovered(&mut self, found: Option<LocalServer>) {
        self.discovery = match found {
            Some(server) => Discovery::Found(server),
            None => Discovery::NotFound,
        };
        match self.overlay.as_mut() {
            Some(Overlay::Welcome(w)) => w.set_discovery(self.discovery.clone()),
            _ => {
                if let Discovery::Found(server) = &self.discovery
                    && self.is_offline()
                {
                    let text = format!(
                        "found {}: {} to use it",
                        server.describe(),
                        crate::tui::keys::key_for(
                            crate::tui::keys::Scope::Lists,
                            crate::tui::keys::Action::ChangeKey
                        )
                    );
                    self.info(text);
                }
            }
        }
    }

    /// The user chose the local server found: it answers from now on (no key),
    /// and the model picker opens with its models, the first one in use until
    /// another is picked.
    fn use_local_server(&mut self, remember: bool) -> Vec<Effect> {
        let Discovery::Found(server) = self.discovery.clone() else {
            return vec![];
        };
        let Some(model) = server.models.first().cloned() else {
            return vec![];
        };
        self.mode = Mode::Online {
            model: model.clone(),
        };
        self.profile = None;
        self.local_server = Some(format!("127.0.0.1:{}", server.port));
        self.retry_at = None;
        self.remember_server = remember.then(|| server.api_base.clone());
        let mut picker = ModelPicker::new(None, Some(model), self.render_theme.clone());
        picker.loaded(Ok(server.models.clone()));
        self.overlay = Some(Overlay::ModelPicker(Box::new(picker)));
        self.info(format!(
            "using {}: pick a model (Enter), Esc keeps the highlighted one",
            server.describe()
        ));
        vec![Effect::UseLocalServer {
            api_base: server.api_base,
        }]
    }

    /// After choosing a local server to remember: keep it with the model in use.
    fn remember_chosen_server(&mut self) -> Vec<Effect> {
        match (self.remember_server.take(), &self.mode) {
            (Some(api_base), Mode::Online { model }) => vec![Effect::RememberLocalServer {
                api_base,
                model: model.clone(),
            }],
            _ => vec![],
        }
    }

    /// Opens the list of endpoints (the default one and the profiles).
    pub(super) fn open_profile_picker(&mut self) -> Vec<Effect> {
        let in_use = self.local_server.is_none() && !self.is_offline();
        let mut picker = ProfilePicker::new(
            self.endpoints.clone(),
            self.profile.clone(),
            in_use,
            self.render_theme.clone(),
        );
        if let Some(server) = &self.local_server {
            picker = picker.answering_now(format!(
                "the local server on {}",
                sanitize::for_terminal_line(server)
            ));
        } else if self.is_offline() {
            picker = picker.answering_now("offline practice".into());
        }
        self.overlay = Some(Overlay::ProfilePicker(Box::new(picker)));
        vec![]
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
                self.remember_chosen_server()
            }
        }
    }
}
