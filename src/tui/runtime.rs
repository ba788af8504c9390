//! The event loop: one `tokio::select!` over terminal input, results of work, an
//! animation tick (only while something moves) and the next frame. Interprets the
//! [`Effect`]s of [`App::update`], each in a few lines over the service: reads and
//! writes on one worker thread (in order, never on the drawing path), sends and
//! reports on tokio tasks, the keyring off the loop; clipboard and editor here.
//! Looking for a local server at start is a task too: the first frame never waits
//! for it, its answer comes back as an event.
//!
//! It holds no logic of its own about conversations, keys, reports or files: those
//! are the service's, shared with the CLI. It never touches the store or secrets.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{Event as TermEvent, EventStream};
use futures::FutureExt;
use futures::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::agent::Backend;
use crate::config::Settings;
use crate::service::backend::{self, Keys, StartupBackend};
use crate::service::reports::ReportError;
use crate::service::{SendEvent, SendRequest, Service, ServiceError};
use crate::timefmt::now_ms;

use super::app::{App, Effect, Event, Mode};
use super::sidebar::PAGE_SIZE;
use super::transcript::MESSAGE_PAGE;
use super::widgets::welcome::{KeyStorage, WelcomeReason};
use super::{terminal, view};

/// At most this many frames per second while a reply streams in.
const FRAME: Duration = Duration::from_millis(16);
/// The longest the first frame waits for the store's first answers (the list,
/// the draft); past it, it is drawn without them and they fill in when they come.
const FIRST_FRAME_WAIT: Duration = Duration::from_millis(30);
/// Spinner speed.
const SPIN: Duration = Duration::from_millis(100);
/// The answer timer only changes once a second.
const TIMER_TICK: Duration = Duration::from_millis(1000);
/// A draft is saved this long after the last key.
const DRAFT_DELAY: Duration = Duration::from_millis(800);
/// On quit, how long to wait for a cancelled reply to be stored.
const QUIT_GRACE: Duration = Duration::from_secs(3);
/// Messages read when looking for a search match far back in a conversation.
const JUMP_LIMIT: usize = 20_000;

/// `app_state` keys.
const STATE_OPEN: &str = "tui.open";
const STATE_OFFLINE_CHOSEN: &str = "tui.offline_chosen";

/// Runs the interface until the user quits.
pub fn run(settings: Settings) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the interface needs a terminal; to use interviewer from a script, see `interviewer ask --help`"
        );
    }
    let startup = choose_backend(&settings);
    let service = Arc::new(Service::open(settings)?);
    let reopen = match service.ui_state(STATE_OPEN) {
        Ok(Some(v)) => v.parse::<i64>().ok(),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(event_loop(service, startup, reopen))
}

/// How the interface starts: the backend, the mode it shows, and the welcome
/// screen's reason when there is no key.
struct Startup {
    backend: Backend,
    mode: Mode,
    /// No key: show the welcome screen.
    welcome: bool,
    /// No key and no endpoint configured: look for a local server.
    discover: bool,
    key_storage: KeyStorage,
    problem: Option<String>,
}

fn choose_backend(settings: &Settings) -> Startup {
    let (choice, keyring_error) = backend::startup(settings, &Keys::for_settings(settings));
    startup_for(settings, choice, keyring_error)
}

/// What the screen shows for the service's choice of backend.
fn startup_for(
    settings: &Settings,
    choice: StartupBackend,
    keyring_error: Option<backend::SecretsError>,
) -> Startup {
    let key_storage = match keyring_error {
        Some(e) => {
            tracing::warn!(error = %e, "the OS keyring cannot be used");
            KeyStorage::SessionOnly(e.summary())
        }
        None => KeyStorage::Keyring,
    };
    let offline = |reason: &str| Mode::Offline {
        reason: reason.into(),
    };
    let discover = matches!(choice, StartupBackend::NoKey) && settings.discovery_applies();
    let (backend, mode, welcome, problem) = match choice {
        StartupBackend::Offline => (Backend::Offline, offline("--offline"), false, None),
        StartupBackend::Online(backend) => (
            backend,
            Mode::Online {
                model: settings.model.clone(),
            },
            false,
            None,
        ),
        StartupBackend::Unusable(problem) => (
            Backend::Offline,
            offline("the server settings are not usable"),
            false,
            Some(problem),
        ),
        StartupBackend::UnusableKey(problem) => (
            Backend::Offline,
            offline("the API key is not usable"),
            false,
            Some(problem),
        ),
        StartupBackend::NoKey => (Backend::Offline, offline("no API key"), true, None),
    };
    Startup {
        backend,
        mode,
        welcome,
        discover,
        key_storage,
        problem,
    }
}

/// A unit of store work, run in order on the store thread.
type Job = Box<dyn FnOnce(&Service, &UnboundedSender<Event>) + Send>;

/// Everything the loop needs to perform effects.
struct Runner {
    service: Arc<Service>,
    backend: Arc<Mutex<Backend>>,
    events: UnboundedSender<Event>,
    jobs: std::sync::mpsc::Sender<Job>,
    send: Option<(CancellationToken, JoinHandle<()>)>,
    /// Stops the newest search (older ones are stopped already).
    search_cancel: Option<crate::service::SearchCancel>,
}

impl Runner {
    /// Stops the search in progress, if any: its query changed, or the app quits.
    fn cancel_search(&mut self) {
        if let Some(cancel) = self.search_cancel.take() {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

async fn event_loop(
    service: Arc<Service>,
    startup: Startup,
    reopen: Option<i64>,
) -> Result<ExitCode> {
    let (events_tx, mut events_rx) = unbounded_channel();
    let (jobs_tx, jobs_rx) = std::sync::mpsc::channel::<Job>();
    let store_thread = {
        let service = service.clone();
        let events = events_tx.clone();
        std::thread::Builder::new()
            .name("store".into())
            .spawn(move || {
                while let Ok(job) = jobs_rx.recv() {
                    job(&service, &events);
                }
            })
            .context("cannot start the store thread")?
    };
    let mut runner = Runner {
        service: service.clone(),
        backend: Arc::new(Mutex::new(startup.backend)),
        events: events_tx,
        jobs: jobs_tx,
        send: None,
        search_cancel: None,
    };

    let mut screen = terminal::Screen::enter().context("cannot set up the terminal")?;
    let term = &mut screen.terminal;
    let size = term.size().unwrap_or_default();
    let mut app = App::new(
        startup.mode,
        service.settings.theme,
        (size.width, size.height),
        now_ms(),
    );
    app.new_setup = service.settings.interview.complete(None, false);
    app.default_persona = service.settings.persona.clone();
    app.key_storage = startup.key_storage;
    app.env_key_set = Keys::for_settings(&service.settings).env_key().is_some();
    app.endpoints = service.settings.endpoints();
    app.profile = service.settings.profile.clone();
    if startup.welcome {
        // Once the user chose offline practice, do not ask again at every start.
        match service.ui_state(STATE_OFFLINE_CHOSEN) {
            Ok(Some(_)) => app.offline_notice(),
            _ => app.welcome(WelcomeReason::NoKey),
        }
    }
    if let Some(problem) = startup.problem {
        app.update(Event::Failed(problem));
    }
    let mut effects = app.start(reopen);
    if startup.discover {
        // A task: the first frame is drawn before any port answers.
        effects.extend(app.discover());
    }
    if reopen.is_none() {
        runner.perform_background(Effect::LoadNewDraft);
    }
    let mut quit = runner.perform(effects, term, &mut app);
    // The first frame shows the conversation list, the draft and what is due:
    // the store thread's answers (and the answers to what they ask for next) are
    // waited for, a little, rather than a skeleton drawn and filled in a frame
    // later. Jobs run in order, so when a marker runs every answer before it is
    // queued.
    let first_frame_by = tokio::time::Instant::now() + FIRST_FRAME_WAIT;
    loop {
        let (loaded_tx, loaded_rx) = tokio::sync::oneshot::channel();
        runner.job(move |_, _| {
            let _ = loaded_tx.send(());
        });
        if tokio::time::timeout_at(first_frame_by, loaded_rx)
            .await
            .is_err()
        {
            break;
        }
        let mut effects = Vec::new();
        while let Ok(event) = events_rx.try_recv() {
            effects.extend(app.update(event));
        }
        if effects.is_empty() {
            break;
        }
        quit |= runner.perform(effects, term, &mut app);
    }

    let mut quit_signal = None;
    let result = run_loop(
        &mut runner,
        term,
        &mut app,
        &mut events_rx,
        &mut quit,
        &mut quit_signal,
    )
    .await;
    // However the loop ended (quit, a signal, the terminal gone), keep the draft.
    runner.perform_background(Effect::SaveDraft {
        conversation_id: app.transcript.conversation_id,
        text: app.draft(),
    });

    // Quitting never waits on a search.
    runner.cancel_search();
    // Stop a reply in flight so its text is stored as interrupted, then let the
    // store thread finish the last writes (the draft).
    if let Some((cancel, handle)) = runner.send.take() {
        cancel.cancel();
        let _ = tokio::time::timeout(QUIT_GRACE, handle).await;
    }
    drop(runner);
    drop(screen);
    let _ = store_thread.join();
    // Quit by a signal: 128 + its number, as a shell reports a death by it.
    result.map(|()| match quit_signal {
        Some(signal) => ExitCode::from(crate::signals::exit_code(signal)),
        None => ExitCode::SUCCESS,
    })
}

async fn run_loop(
    runner: &mut Runner,
    term: &mut ratatui::DefaultTerminal,
    app: &mut App,
    events_rx: &mut UnboundedReceiver<Event>,
    quit: &mut bool,
    quit_signal: &mut Option<i32>,
) -> Result<()> {
    let mut input = EventStream::new();
    let mut dirty = true;
    let mut last_draw = Instant::now()
        .checked_sub(FRAME)
        .unwrap_or_else(Instant::now);
    let mut last_tick = Instant::now();
    let mut draft_save_at: Option<Instant> = None;
    let mut signals = crate::signals::QuitSignals::new();
    let mut stop = crate::signals::StopSignal::new();
    while !*quit {
        if dirty && last_draw.elapsed() >= FRAME {
            app.now = now_ms();
            app.prepare_frame();
            term.draw(|frame| view::draw(frame, app))
                .context("cannot draw on the terminal")?;
            last_draw = Instant::now();
            dirty = false;
            crate::crash::panic_in_tui_if_requested();
            // Drawing may reveal the top of the loaded messages.
            let effects = app.older_if_at_top();
            *quit |= runner.perform(effects, term, app);
        }
        let redraw_at = dirty.then_some(last_draw + FRAME);
        let tick_at = if app.pending.is_some() {
            Some(last_tick + SPIN)
        } else if app.animating() {
            Some(last_tick + TIMER_TICK)
        } else {
            None
        };
        let mut effects = Vec::new();
        let mut suspend = false;
        tokio::select! {
            event = input.next() => match event {
                Some(Ok(event)) => {
                    if let Some(event) = translate(event) {
                        effects = app.update(event);
                        dirty = true;
                    }
                }
                Some(Err(e)) => return Err(e).context("cannot read from the terminal"),
                None => return Ok(()),
            },
            Some(event) = events_rx.recv() => {
                effects = app.update(event);
                // Take everything already queued (stream deltas) before drawing.
                while let Ok(event) = events_rx.try_recv() {
                    effects.extend(app.update(event));
                }
                dirty = true;
            },
            () = sleep_until(tick_at.unwrap_or_else(Instant::now)), if tick_at.is_some() => {
                last_tick = Instant::now();
                effects = app.update(Event::Tick { now: now_ms() });
                dirty = true;
            },
            () = sleep_until(redraw_at.unwrap_or_else(Instant::now)), if redraw_at.is_some() => {},
            signal = signals.recv() => {
                // INT, QUIT, TERM or HUP: leave as on quit (reply stopped and stored
                // as interrupted, draft kept, terminal restored), exit 128 + signal.
                *quit_signal = Some(signal);
                effects = app.quit();
            },
            () = stop.recv() => suspend = true,
            () = sleep_until(draft_save_at.unwrap_or_else(Instant::now)), if draft_save_at.is_some() => {
                draft_save_at = None;
                effects.push(Effect::SaveDraft {
                    conversation_id: app.transcript.conversation_id,
                    text: app.draft(),
                });
            },
        }
        if std::mem::take(&mut app.draft_dirty) {
            draft_save_at = Some(Instant::now() + DRAFT_DELAY);
        }
        // Ctrl+Z in the lists (raw mode makes it a key, not SIGTSTP) or SIGTSTP.
        if effects.iter().any(|e| matches!(e, Effect::Suspend)) {
            effects.retain(|e| !matches!(e, Effect::Suspend));
            *quit |= runner.perform(std::mem::take(&mut effects), term, app);
            suspend = true;
        }
        if suspend {
            // As vim and htop: give the terminal back, stop; on `fg`, take it
            // again and draw everything afresh. A fresh reader, as for the editor.
            drop(input);
            if let Err(e) = crate::tui::terminal::suspend(term) {
                tracing::error!(error = %e, "cannot suspend or resume the interface");
            }
            input = EventStream::new();
            dirty = true;
            continue;
        }
        if effects.iter().any(|e| matches!(e, Effect::OpenEditor(_))) {
            // The editor owns the terminal for a while: start a fresh reader after
            // it, so no key meant for the editor is read here.
            drop(input);
            *quit |= runner.perform(effects, term, app);
            input = EventStream::new();
            dirty = true;
        } else {
            *quit |= runner.perform(effects, term, app);
        }
    }
    Ok(())
}

/// Terminal events the app cares about.
fn translate(event: TermEvent) -> Option<Event> {
    match event {
        TermEvent::Key(key) => Some(Event::Key(key)),
        TermEvent::Paste(text) => Some(Event::Paste(text)),
        TermEvent::Mouse(mouse) => Some(Event::Mouse(mouse)),
        TermEvent::Resize(w, h) => Some(Event::Resize(w, h)),
        TermEvent::FocusGained | TermEvent::FocusLost => None,
    }
}

impl Runner {
    fn job(&self, job: impl FnOnce(&Service, &UnboundedSender<Event>) + Send + 'static) {
        let _ = self.jobs.send(Box::new(job));
    }

    /// Store work whose only news is a failure: "cannot `what`: why".
    fn job_or_fail(
        &self,
        what: &'static str,
        work: impl FnOnce(&Service) -> Result<(), ServiceError> + Send + 'static,
    ) {
        self.job(move |s, tx| {
            if let Err(e) = work(s) {
                let _ = tx.send(Event::Failed(format!("cannot {what}: {e}")));
            }
        });
    }

    /// Performs effects; returns true when the app should quit.
    fn perform(
        &mut self,
        effects: Vec<Effect>,
        term: &mut ratatui::DefaultTerminal,
        app: &mut App,
    ) -> bool {
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Quit => quit = true,
                Effect::OpenEditor(text) => {
                    let dir = self.service.settings.data_dir.clone();
                    let result =
                        terminal::edit_in_editor(term, &dir, &text).map_err(|e| e.to_string());
                    let more = app.update(Event::EditorDone(result));
                    quit |= self.perform(more, term, app);
                }
                Effect::Copy(text) => {
                    let notice = match terminal::copy_osc52(&text) {
                        Ok(chars) => Event::Notice(format!(
                            "copied {chars} characters to the clipboard (OSC 52; some terminals need it enabled)"
                        )),
                        Err(e) => Event::Failed(format!("cannot copy: {e}")),
                    };
                    let more = app.update(notice);
                    quit |= self.perform(more, term, app);
                }
                other => self.perform_background(other),
            }
        }
        quit
    }

    fn perform_background(&mut self, effect: Effect) {
        match effect {
            Effect::LoadConversations {
                archived,
                generation,
                offset,
            } => self.job(move |s, tx| {
                let event = match s.list_conversations(archived, PAGE_SIZE, offset) {
                    Ok(page) => Event::ConversationsLoaded {
                        generation,
                        offset,
                        page,
                    },
                    Err(e) => Event::Failed(format!("cannot read the conversation list: {e}")),
                };
                let _ = tx.send(event);
            }),
            Effect::CheckArchived => self.job(move |s, tx| {
                // A failure here only leaves the empty list's wording as it was.
                if let Ok(page) = s.list_conversations(true, 1, 0) {
                    let _ = tx.send(Event::ArchivedExist(!page.is_empty()));
                }
            }),
            Effect::OpenConversation { id, jump_to } => self.job(move |s, tx| {
                let _ = tx.send(open_conversation(s, id, jump_to));
            }),
            Effect::LoadOlder {
                conversation_id,
                before_id,
            } => self.job(move |s, tx| {
                let event = match s.messages_before(conversation_id, before_id, MESSAGE_PAGE) {
                    Ok(messages) => Event::OlderLoaded {
                        conversation_id,
                        messages,
                    },
                    Err(e) => Event::Failed(format!("cannot read older messages: {e}")),
                };
                let _ = tx.send(event);
            }),
            Effect::SaveDraft {
                conversation_id,
                text,
            } => self.job(move |s, tx| {
                if let Err(e) = s.save_draft(conversation_id, &text) {
                    let _ = tx.send(Event::Failed(format!(
                        "cannot save the draft: {e} (it is still in the input box)"
                    )));
                }
            }),
            Effect::SaveOpen(id) => self.job(move |s, _| {
                let value = id.map(|i| i.to_string()).unwrap_or_else(|| "new".into());
                if let Err(e) = s.set_ui_state(STATE_OPEN, &value) {
                    tracing::warn!(error = %e, "cannot remember the open conversation");
                }
            }),
            Effect::LoadNewDraft => self.job(|s, tx| {
                if let Ok(Some(draft)) = s.new_draft() {
                    let _ = tx.send(Event::NewDraftLoaded(draft));
                }
            }),
            Effect::RememberOffline => self.job(|s, _| {
                if let Err(e) = s.set_ui_state(STATE_OFFLINE_CHOSEN, "1") {
                    tracing::warn!(error = %e, "cannot remember the offline choice");
                }
            }),
            Effect::Rename { id, title } => {
                self.job_or_fail("rename", move |s| s.rename(id, &title))
            }
            Effect::Delete { id } => self.job_or_fail("delete", move |s| s.delete(id)),
            Effect::SetArchived { id, archived } => {
                self.job_or_fail("archive", move |s| s.set_archived(id, archived))
            }
            Effect::Search { seq, query } => {
                // A new query makes the one running (or queued) worthless.
                self.cancel_search();
                let cancel = crate::service::SearchCancel::default();
                self.search_cancel = Some(cancel.clone());
                self.job(move |s, tx| {
                    let result = search(s, &query, &cancel);
                    let _ = tx.send(Event::SearchResults { seq, result });
                })
            }
            Effect::Export { conversation_id } => self.job(move |s, tx| {
                let event = match s.export_markdown(conversation_id) {
                    Ok(path) => Event::Notice(format!("exported to {}", home_short(&path))),
                    Err(e) => Event::Failed(format!("cannot export: {e}")),
                };
                let _ = tx.send(event);
            }),
            Effect::ReadSetup(draft) => self.job(move |_, tx| {
                let result = super::widgets::setup_form::read_setup_files(&draft);
                let _ = tx.send(Event::SetupRead {
                    persona: draft.persona,
                    result,
                });
            }),
            Effect::StoreKey { text, profile } => {
                let backend = self.backend.clone();
                let settings = self.service.settings.clone();
                let tx = self.events.clone();
                // The keyring can wait (an unlock prompt): off the loop.
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(store_key(&settings, profile, &backend, &text));
                });
            }
            Effect::Discover => {
                let settings = self.service.settings.clone();
                let tx = self.events.clone();
                // Bounded by the discovery limit, and never on the loop.
                tokio::spawn(async move {
                    let found = backend::discover(&settings).await;
                    let _ = tx.send(Event::Discovered(found));
                });
            }
            Effect::UseLocalServer { api_base } => {
                match backend::local_server(&self.service.settings, &api_base) {
                    Ok((online, _)) => {
                        if let Ok(mut b) = self.backend.lock() {
                            *b = online;
                        }
                    }
                    Err(why) => {
                        let _ = self.events.send(Event::LocalServerFailed(why));
                    }
                }
            }
            Effect::RememberLocalServer { api_base, model } => {
                let settings = self.service.settings.clone();
                let tx = self.events.clone();
                tokio::task::spawn_blocking(move || {
                    let event = match backend::remember_server(&settings, &api_base, &model) {
                        Ok(path) => Event::Notice(format!(
                            "saved in {}: the next start uses {} at {}",
                            home_short(&path),
                            crate::sanitize::for_terminal_line(&model),
                            backend::display_url(&api_base)
                        )),
                        Err(why) => Event::Failed(format!(
                            "cannot remember the local server for the next start: {why}"
                        )),
                    };
                    let _ = tx.send(event);
                });
            }
            Effect::SwitchProfile(profile) => {
                let backend = self.backend.clone();
                let settings = self.service.settings.clone();
                let tx = self.events.clone();
                // The profile's key may come from the keyring: off the loop.
                tokio::task::spawn_blocking(move || {
                    let event = match backend::switch_profile(
                        &settings,
                        profile.as_deref(),
                        &Keys::platform(),
                    ) {
                        backend::ProfileSwitch::Ready {
                            settings,
                            backend: online,
                        } => {
                            if let Ok(mut b) = backend.lock() {
                                *b = online;
                            }
                            Event::ProfileSwitched {
                                profile,
                                model: settings.model,
                            }
                        }
                        backend::ProfileSwitch::NeedsKey { .. } => Event::ProfileNeedsKey(profile),
                        backend::ProfileSwitch::Refused(why) => {
                            Event::Failed(format!("cannot switch the endpoint: {why}"))
                        }
                    };
                    let _ = tx.send(event);
                });
            }
            Effect::Report {
                conversation_id,
                regenerate,
            } => {
                let service = self.service.clone();
                let backend = self.current_backend();
                let tx = self.events.clone();
                tokio::spawn(async move {
                    let _ = tx.send(report(&service, &backend, conversation_id, regenerate).await);
                });
            }
            Effect::LoadProgress => {
                let service = self.service.clone();
                let tx = self.events.clone();
                // Reads every stored report: off the loop.
                tokio::task::spawn_blocking(move || {
                    let result = service
                        .progress()
                        .map(|p| p.render_text())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Event::ProgressReady(result));
                });
            }
            Effect::LoadModels => {
                let backend = self.current_backend();
                let tx = self.events.clone();
                // A network call with its own time limit: on a task, never the loop.
                tokio::spawn(async move {
                    let result = match backend::models(&backend).await {
                        Ok(Some(models)) => Ok(models.into_iter().map(|m| m.id).collect()),
                        Ok(None) => Err(
                            "Offline practice has no models: the built-in question bank plays the interviewer."
                                .to_string(),
                        ),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Event::ModelsLoaded(result));
                });
            }
            Effect::SetConversationModel {
                conversation_id,
                model,
            } => self.job_or_fail("switch the model", move |s| {
                s.set_conversation_model(conversation_id, &model)
            }),
            Effect::PlanDrill => self.job(|s, tx| {
                let result = s.plan_drill(None, None).map_err(|e| e.to_string());
                let _ = tx.send(Event::DrillPlanned(result));
            }),
            Effect::DrillAnswer { session, answer } => {
                let service = self.service.clone();
                let backend = self.current_backend();
                let tx = self.events.clone();
                tokio::spawn(async move {
                    let mut session = session;
                    let result = service
                        .drill_attempt(&mut session, &answer, &backend)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Event::DrillJudged {
                        session,
                        answer,
                        result,
                    });
                });
            }
            Effect::LoadDue => self.job(|s, tx| match s.due_reviews() {
                Ok(due) => {
                    let _ = tx.send(Event::DueLoaded(due));
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the weak spots due"),
            }),
            Effect::Send(request) => self.spawn_send(Some(request), None),
            Effect::Regenerate { conversation_id } => self.spawn_send(None, Some(conversation_id)),
            Effect::Cancel => {
                if let Some((cancel, _)) = &self.send {
                    cancel.cancel();
                }
            }
            Effect::Quit | Effect::OpenEditor(_) | Effect::Copy(_) | Effect::Suspend => {}
        }
    }

    fn current_backend(&self) -> Backend {
        self.backend
            .lock()
            .map(|b| b.clone())
            .unwrap_or(Backend::Offline)
    }

    fn spawn_send(&mut self, request: Option<SendRequest>, regenerate: Option<i64>) {
        let cancel = CancellationToken::new();
        let service = self.service.clone();
        let backend = self.current_backend();
        let events = self.events.clone();
        let token = cancel.clone();
        let handle = tokio::spawn(async move {
            let (tx, mut rx) = unbounded_channel::<SendEvent>();
            let forward = async {
                while let Some(event) = rx.recv().await {
                    let _ = events.send(Event::Send(event));
                }
            };
            let work = async move {
                let result = match (request, regenerate) {
                    (Some(req), _) => service.send_message(&backend, req, &tx, token).await,
                    (None, Some(id)) => service.regenerate(&backend, id, &tx, token).await,
                    (None, None) => return Ok(()),
                };
                drop(tx);
                result.map(|_| ()).map_err(|e| e.to_string())
            };
            // A panic in the send (the backend's own is already a stored failure)
            // must still end the wait, with a message, never "waiting" forever.
            let work = async {
                match std::panic::AssertUnwindSafe(work).catch_unwind().await {
                    Ok(result) => result,
                    Err(panic) => Err(format!(
                        "sending failed unexpectedly ({}); your message is kept, try again",
                        crate::agent::panic_text(panic.as_ref())
                    )),
                }
            };
            let (result, ()) = tokio::join!(work, forward);
            let _ = events.send(Event::SendEnded(result));
        });
        self.send = Some((cancel, handle));
    }
}

/// Reads what the first screen of a conversation shows: its tail (or enough to
/// reach a search match), and its draft.
fn open_conversation(s: &Service, id: i64, jump_to: Option<i64>) -> Event {
    match s.conversation_page(id, MESSAGE_PAGE, jump_to, JUMP_LIMIT) {
        Ok(Some(page)) => Event::ConversationOpened {
            conversation: page.conversation,
            messages: page.messages,
            has_older: page.has_older,
            draft: page.draft,
            jump_to,
        },
        Ok(None) => Event::Failed(format!(
            "conversation {id} no longer exists (deleted from another window?)"
        )),
        Err(e) => Event::Failed(format!("cannot open the conversation: {e}")),
    }
}

/// `path` with the home directory written `~`, so it fits the status line.
fn home_short(path: &std::path::Path) -> String {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    match home.as_deref().and_then(|h| path.strip_prefix(h).ok()) {
        Some(rest) => format!("~/{}", rest.display()),
        None => path.display().to_string(),
    }
}

/// Conversations a sidebar search lists at most.
const SEARCH_LIMIT: usize = 200;

/// Full-text search for the sidebar filter.
fn search(
    s: &Service,
    query: &str,
    cancel: &crate::service::SearchCancel,
) -> Result<Vec<super::sidebar::Hit>, String> {
    let hits = s
        .search_cancellable(query, SEARCH_LIMIT, cancel)
        .map_err(|e| e.to_string())?;
    Ok(hits
        .into_iter()
        .map(|h| super::sidebar::Hit {
            conversation_id: h.conversation_id,
            message_id: h.message_id,
            title: h.title,
            snippet: h.snippet,
        })
        .collect())
}

/// The stored report of a conversation, or a new one (by the model online, from the
/// heuristics offline).
async fn report(
    service: &Service,
    backend: &Backend,
    conversation_id: i64,
    regenerate: bool,
) -> Event {
    let stored = service
        .report(conversation_id, regenerate, || {
            Ok::<_, ReportError>(backend.clone())
        })
        .await
        .map(|ready| ready.stored)
        .map_err(|e| e.to_string());
    match stored {
        Ok(report) => Event::ReportReady {
            conversation_id,
            report,
        },
        Err(reason) => Event::ReportFailed {
            conversation_id,
            reason,
        },
    }
}

/// Stores a pasted key for `profile`'s endpoint (`None`: the default one, under
/// the keyring entry of that profile) and switches to it.
fn store_key(
    start: &Settings,
    profile: Option<String>,
    backend: &Mutex<Backend>,
    text: &str,
) -> Event {
    let settings = match start.with_profile(profile.as_deref()) {
        Ok(s) => s,
        Err(e) => return Event::KeyRejected(e.to_string()),
    };
    match backend::use_pasted_key(&settings, &Keys::for_settings(&settings), text) {
        Ok((online, mut note)) => {
            if let Ok(mut b) = backend.lock() {
                *b = online;
            }
            if Keys::for_settings(&settings).env_key().is_some() {
                note.push_str("; the next start uses OPENAI_API_KEY");
            }
            Event::KeyAccepted {
                model: settings.model.clone(),
                note,
                profile,
            }
        }
        Err(reason) => Event::KeyRejected(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::GlobalArgs;
    use crate::service::backend::SecretsError;

    fn settings() -> Settings {
        Settings::from_args(&GlobalArgs {
            data_dir: Some("/nonexistent/data".into()),
            model: Some("gpt-test".into()),
            ..GlobalArgs::default()
        })
        .expect("settings")
    }

    fn offline_reason(startup: &Startup) -> Option<&str> {
        match &startup.mode {
            Mode::Offline { reason } => Some(reason),
            Mode::Online { .. } => None,
        }
    }

    #[test]
    fn the_start_screen_follows_the_service_s_choice_of_backend() {
        let s = settings();
        let online = startup_for(&s, StartupBackend::Online(Backend::Offline), None);
        assert_eq!(
            online.mode,
            Mode::Online {
                model: "gpt-test".into()
            }
        );
        assert!(!online.welcome && online.problem.is_none());

        let asked = startup_for(&s, StartupBackend::Offline, None);
        assert_eq!(offline_reason(&asked), Some("--offline"));
        assert!(!asked.welcome);

        let no_key = startup_for(&s, StartupBackend::NoKey, None);
        assert_eq!(offline_reason(&no_key), Some("no API key"));
        assert!(
            no_key.welcome,
            "no key: the welcome screen offers to add one"
        );
        assert_eq!(no_key.key_storage, KeyStorage::Keyring);

        let unusable = startup_for(&s, StartupBackend::Unusable("bad base URL".into()), None);
        assert_eq!(
            offline_reason(&unusable),
            Some("the server settings are not usable")
        );
        assert_eq!(unusable.problem.as_deref(), Some("bad base URL"));
        assert!(!unusable.welcome);
    }

    #[test]
    fn a_local_server_is_looked_for_only_without_a_key_or_an_endpoint() {
        // `settings()` names a model but no endpoint.
        let s = settings();
        assert!(startup_for(&s, StartupBackend::NoKey, None).discover);
        for choice in [
            StartupBackend::Online(Backend::Offline),
            StartupBackend::Offline,
            StartupBackend::Unusable("x".into()),
            StartupBackend::UnusableKey("x".into()),
        ] {
            assert!(!startup_for(&s, choice, None).discover);
        }
        let with_base = Settings::from_args(&GlobalArgs {
            data_dir: Some("/nonexistent/data".into()),
            api_base: Some("https://gateway.example/v1".into()),
            ..GlobalArgs::default()
        })
        .expect("settings");
        assert!(!startup_for(&with_base, StartupBackend::NoKey, None).discover);
    }

    #[test]
    fn without_a_keyring_a_pasted_key_is_for_this_session_only() {
        let s = settings();
        let startup = startup_for(
            &s,
            StartupBackend::NoKey,
            Some(SecretsError::Unavailable("no Secret Service".into())),
        );
        match startup.key_storage {
            KeyStorage::SessionOnly(why) => {
                assert!(why.contains("no OS keyring"), "{why}");
                assert!(
                    !why.contains("no Secret Service"),
                    "the error chain stays in the log: {why}"
                );
            }
            KeyStorage::Keyring => panic!("expected session-only storage"),
        }
    }
}
