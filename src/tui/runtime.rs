//! The event loop: one `tokio::select!` over terminal input, results of work, an
//! animation tick (only while something moves) and the next frame. Performs the
//! [`Effect`]s of [`App::update`]: store reads and writes on one worker thread (in
//! order, never on the drawing path), sends on tokio tasks, clipboard and editor.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use crate::agent::Backend;
use crate::agent::openai::OpenAiBackend;
use crate::config::Settings;
use crate::secrets::{self, ApiKey};
use crate::service::{SendEvent, SendRequest, Service};
use crate::timefmt::now_ms;

use super::app::{App, Effect, Event, Mode};
use super::sidebar::PAGE_SIZE;
use super::transcript::MESSAGE_PAGE;
use super::widgets::welcome::{KeyStorage, WelcomeReason};
use super::{terminal, view};

/// At most this many frames per second while a reply streams in.
const FRAME: Duration = Duration::from_millis(16);
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
const STATE_NEW_DRAFT: &str = "tui.new_draft";
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
    let reopen = match service.store.state(STATE_OPEN) {
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
    key_storage: KeyStorage,
    problem: Option<String>,
}

fn choose_backend(settings: &Settings) -> Startup {
    if settings.offline {
        return Startup {
            backend: Backend::Offline,
            mode: Mode::Offline {
                reason: "--offline".into(),
            },
            welcome: false,
            key_storage: KeyStorage::Keyring,
            problem: None,
        };
    }
    let lookup = secrets::lookup_key();
    let key_storage = match &lookup.keyring_error {
        Some(e) => KeyStorage::SessionOnly(e.to_string()),
        None => KeyStorage::Keyring,
    };
    match lookup.key {
        Some((key, _source)) => match OpenAiBackend::new(settings, key) {
            Ok(backend) => Startup {
                backend: Backend::OpenAi(backend),
                mode: Mode::Online {
                    model: settings.model.clone(),
                },
                welcome: false,
                key_storage,
                problem: None,
            },
            Err(e) => Startup {
                backend: Backend::Offline,
                mode: Mode::Offline {
                    reason: "the server settings are not usable".into(),
                },
                welcome: false,
                key_storage,
                problem: Some(e.to_string()),
            },
        },
        None => Startup {
            backend: Backend::Offline,
            mode: Mode::Offline {
                reason: "no API key".into(),
            },
            welcome: true,
            key_storage,
            problem: None,
        },
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
    if startup.welcome {
        // Once the user chose offline practice, do not ask again at every start.
        match service.store.state(STATE_OFFLINE_CHOSEN) {
            Ok(Some(_)) => app.offline_notice(),
            _ => app.welcome(WelcomeReason::NoKey),
        }
    }
    if let Some(problem) = startup.problem {
        app.update(Event::Failed(problem));
    }
    let effects = app.start(reopen);
    if reopen.is_none() {
        runner.perform_background(Effect::LoadNewDraft);
    }
    let mut quit = runner.perform(effects, term, &mut app);

    let result = run_loop(&mut runner, term, &mut app, &mut events_rx, &mut quit).await;
    // However the loop ended (quit, a signal, the terminal gone), keep the draft.
    runner.perform_background(Effect::SaveDraft {
        conversation_id: app.transcript.conversation_id,
        text: app.draft(),
    });

    // Stop a reply in flight so its text is stored as interrupted, then let the
    // store thread finish the last writes (the draft).
    if let Some((cancel, handle)) = runner.send.take() {
        cancel.cancel();
        let _ = tokio::time::timeout(QUIT_GRACE, handle).await;
    }
    drop(runner);
    drop(screen);
    let _ = store_thread.join();
    result.map(|()| ExitCode::SUCCESS)
}

async fn run_loop(
    runner: &mut Runner,
    term: &mut ratatui::DefaultTerminal,
    app: &mut App,
    events_rx: &mut UnboundedReceiver<Event>,
    quit: &mut bool,
) -> Result<()> {
    let mut input = EventStream::new();
    let mut dirty = true;
    let mut pacer = Pacer::new();
    let mut last_tick = Instant::now();
    let mut draft_save_at: Option<Instant> = None;
    let mut signals = Signals::new();
    while !*quit {
        if dirty && Instant::now() >= pacer.ready_at() {
            app.now = now_ms();
            term.draw(|frame| view::draw(frame, app))
                .context("cannot draw on the terminal")?;
            pacer.drawn(Instant::now());
            dirty = false;
            // Drawing may reveal the top of the loaded messages.
            let effects = app.older_if_at_top();
            *quit |= runner.perform(effects, term, app);
        }
        let redraw_at = dirty.then(|| pacer.ready_at());
        let tick_at = if app.pending.is_some() {
            Some(last_tick + SPIN)
        } else if app.animating() {
            Some(last_tick + TIMER_TICK)
        } else {
            None
        };
        let mut effects = Vec::new();
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
            () = signals.recv() => {
                // SIGTERM or SIGHUP: leave as on quit (reply stopped and stored, draft
                // kept, terminal restored).
                effects = app.quit();
            },
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

/// Frame pacing: on average at most one frame per [`FRAME`], but a frame after a
/// quiet spell is drawn at once, and so is the one after it. So the first frame
/// (drawn from what is at hand) and the one that fills it in when the start-up reads
/// arrive a few milliseconds later never wait for the frame interval, while a stream
/// still draws at most every [`FRAME`].
struct Pacer {
    /// When the last two frames were drawn, older first.
    drawn: [Option<Instant>; 2],
}

impl Pacer {
    fn new() -> Pacer {
        Pacer { drawn: [None; 2] }
    }

    /// The earliest time the next frame may be drawn.
    fn ready_at(&self) -> Instant {
        let now = Instant::now();
        let after_last = self.drawn[1].map_or(now, |t| t + FRAME);
        let after_older = self.drawn[0].map_or(now, |t| t + 2 * FRAME);
        after_last.min(after_older)
    }

    fn drawn(&mut self, at: Instant) {
        self.drawn = [self.drawn[1], Some(at)];
    }
}

/// SIGTERM and SIGHUP, where the platform has them.
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = signal(SignalKind::terminate())
                .and_then(|term| Ok((term, signal(SignalKind::hangup())?)))
                .ok();
            Signals { streams }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Waits for the next signal (forever when none can be received).
    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some((term, hup)) = self.streams.as_mut() {
            tokio::select! {
                _ = term.recv() => return,
                _ = hup.recv() => return,
            }
        }
        std::future::pending::<()>().await
    }
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
                    let chars = text.chars().count();
                    let notice = match terminal::copy_osc52(&text) {
                        Ok(()) => Event::Notice(format!(
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
            Effect::OpenConversation { id, jump_to } => self.job(move |s, tx| {
                let _ = tx.send(open_conversation(s, id, jump_to));
            }),
            Effect::LoadOlder {
                conversation_id,
                before_id,
            } => self.job(move |s, tx| {
                let event = match s
                    .store
                    .messages_before(conversation_id, before_id, MESSAGE_PAGE)
                {
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
                let result = match conversation_id {
                    Some(id) => s.store.set_draft(id, &text),
                    None => s.store.set_state(STATE_NEW_DRAFT, &text),
                };
                if let Err(e) = result {
                    // A draft of a conversation deleted meanwhile has nowhere to go.
                    if conversation_id
                        .is_some_and(|id| s.store.conversation(id).ok().flatten().is_none())
                    {
                        return;
                    }
                    let _ = tx.send(Event::Failed(format!(
                        "cannot save the draft: {e} (it is still in the input box)"
                    )));
                }
            }),
            Effect::SaveOpen(id) => self.job(move |s, _| {
                let value = id.map(|i| i.to_string()).unwrap_or_else(|| "new".into());
                if let Err(e) = s.store.set_state(STATE_OPEN, &value) {
                    tracing::warn!(error = %e, "cannot remember the open conversation");
                }
            }),
            Effect::LoadNewDraft => self.job(|s, tx| {
                if let Ok(Some(draft)) = s.store.state(STATE_NEW_DRAFT) {
                    let _ = tx.send(Event::NewDraftLoaded(draft));
                }
            }),
            Effect::RememberOffline => self.job(|s, _| {
                if let Err(e) = s.store.set_state(STATE_OFFLINE_CHOSEN, "1") {
                    tracing::warn!(error = %e, "cannot remember the offline choice");
                }
            }),
            Effect::Rename { id, title } => self.job(move |s, tx| {
                if let Err(e) = s.rename(id, &title) {
                    let _ = tx.send(Event::Failed(format!("cannot rename: {e}")));
                }
            }),
            Effect::Delete { id } => self.job(move |s, tx| {
                if let Err(e) = s.delete(id) {
                    let _ = tx.send(Event::Failed(format!("cannot delete: {e}")));
                }
            }),
            Effect::SetArchived { id, archived } => self.job(move |s, tx| {
                if let Err(e) = s.set_archived(id, archived) {
                    let _ = tx.send(Event::Failed(format!("cannot archive: {e}")));
                }
            }),
            Effect::Search { seq, query } => self.job(move |s, tx| {
                let result = search(s, &query);
                let _ = tx.send(Event::SearchResults { seq, result });
            }),
            Effect::Export { conversation_id } => self.job(move |s, tx| {
                let event = match export_markdown(s, conversation_id) {
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
            Effect::StoreKey(text) => {
                let backend = self.backend.clone();
                let settings = self.service.settings.clone();
                let tx = self.events.clone();
                // The keyring can wait (an unlock prompt): off the loop.
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(store_key(&settings, &backend, &text));
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
                    let result = crate::progress::Progress::load(&service.store)
                        .map(|p| p.render_text())
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Event::ProgressReady(result));
                });
            }
            Effect::Send(request) => self.spawn_send(Some(request), None),
            Effect::Regenerate { conversation_id } => self.spawn_send(None, Some(conversation_id)),
            Effect::Cancel => {
                if let Some((cancel, _)) = &self.send {
                    cancel.cancel();
                }
            }
            Effect::Quit | Effect::OpenEditor(_) | Effect::Copy(_) => {}
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
                result.map(|_| ())
            };
            let (result, ()) = tokio::join!(work, forward);
            let _ = events.send(Event::SendEnded(result.map_err(|e| e.to_string())));
        });
        self.send = Some((cancel, handle));
    }
}

/// Reads what the first screen of a conversation shows: its tail (or enough to
/// reach a search match), and its draft.
fn open_conversation(s: &Service, id: i64, jump_to: Option<i64>) -> Event {
    let read = || -> Result<Event, crate::store::StoreError> {
        let Some(conversation) = s.store.conversation(id)? else {
            return Ok(Event::Failed(format!(
                "conversation {id} no longer exists (deleted from another window?)"
            )));
        };
        let mut messages = s.store.messages_tail(id, MESSAGE_PAGE)?;
        let mut has_older = messages.len() >= MESSAGE_PAGE;
        if let Some(target) = jump_to {
            while has_older
                && messages.len() < JUMP_LIMIT
                && messages.first().is_some_and(|m| m.id > target)
            {
                let before = messages.first().map(|m| m.id).unwrap_or(0);
                let mut older = s.store.messages_before(id, before, MESSAGE_PAGE)?;
                has_older = older.len() >= MESSAGE_PAGE;
                older.append(&mut messages);
                messages = older;
            }
        }
        let draft = s.store.draft(id)?;
        Ok(Event::ConversationOpened {
            conversation,
            messages,
            has_older,
            draft,
            jump_to,
        })
    };
    read().unwrap_or_else(|e| Event::Failed(format!("cannot open the conversation: {e}")))
}

/// Writes conversation `id` as Markdown to `<data-dir>/exports/` (private, like the
/// database it comes from); the file's path.
fn export_markdown(s: &Service, id: i64) -> anyhow::Result<std::path::PathBuf> {
    let view = s.get_conversation(id)?;
    let dir = s.settings.data_dir.join("exports");
    crate::store::create_private_dir(&dir)?;
    let slug: String = view
        .conversation
        .title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    let path = dir.join(format!("interview-{id}-{slug}.md"));
    let text = crate::export::to_markdown(&view);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write as _;
    options.open(&path)?.write_all(text.as_bytes())?;
    Ok(path)
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
fn search(s: &Service, query: &str) -> Result<Vec<super::sidebar::Hit>, String> {
    let hits = crate::search::search(&s.store, query, SEARCH_LIMIT).map_err(|e| e.to_string())?;
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
    use crate::agent::report;
    let existing = if regenerate {
        Ok(None)
    } else {
        service.store.latest_report(conversation_id)
    };
    let stored = match existing {
        Ok(Some(stored)) => Ok(stored),
        Ok(None) => report::generate(
            &service.store,
            backend,
            &service.settings.model,
            conversation_id,
        )
        .await
        .map(|(stored, _usage)| stored)
        .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
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

/// Stores a pasted key and switches to the online backend.
fn store_key(settings: &Settings, backend: &Mutex<Backend>, text: &str) -> Event {
    let key = match ApiKey::parse(text) {
        Ok(key) => key,
        Err(e) => return Event::KeyRejected(e.to_string()),
    };
    let online = match OpenAiBackend::new(settings, key.clone()) {
        Ok(b) => b,
        Err(e) => return Event::KeyRejected(e.to_string()),
    };
    let note = match secrets::store_key(&key) {
        Ok(()) => format!(
            "key saved in the OS keyring ({}); replies now come from {}",
            secrets::keyring_name(),
            settings.model
        ),
        Err(e) => format!("{e}; the key is used for this session only"),
    };
    if let Ok(mut b) = backend.lock() {
        *b = Backend::OpenAi(online);
    }
    Event::KeyAccepted {
        model: settings.model.clone(),
        note,
    }
}
