//! The interface's state and its pure transitions: `App::update(event)` changes the
//! state and returns the effects the runtime must perform (store reads and writes,
//! sending, clipboard, editor). Nothing here does I/O, so every key is unit-tested.

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui_textarea::{TextArea, WrapMode};

use crate::agent::{AgentError, StreamEnd};
use crate::config::Theme;
use crate::domain::{Conversation, ConversationSummary, InterviewSetup, Message, Role, Status};
use crate::sanitize;
use crate::service::{SendEvent, SendRequest, validate_message, validate_title};

use super::render::{MessageLayout, Theme as RenderTheme};
use super::sidebar::{Filter, Hit, Sidebar};
use super::transcript::Transcript;
use super::widgets::help::{HelpOutcome, HelpOverlay};
use super::widgets::report_view::{ReportModel, ReportOutcome, ReportView};
use super::widgets::setup_form::{SetupDraft, SetupFileError, SetupForm, SetupOutcome};
use super::widgets::welcome::{KeyStorage, WelcomeOutcome, WelcomeReason, WelcomeScreen};

/// Below this width the sidebar hides itself (Ctrl+B shows it anyway).
pub const SIDEBAR_MIN_WIDTH: u16 = 70;
/// The answer timer stops showing after an hour: the question is not live any more.
const ANSWER_TIMER_LIMIT_MS: i64 = 60 * 60 * 1000;
/// Lines the mouse wheel scrolls.
const WHEEL_LINES: usize = 3;
/// Longest search query typed into the filter, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// Message sent for the hint and skip keys; the offline engine understands the
/// commands, a model understands the request in words.
const HINT_OFFLINE: &str = "/hint";
const SKIP_OFFLINE: &str = "/skip";
const HINT_ONLINE: &str = "Could you give me a hint for this question?";
const SKIP_ONLINE: &str = "I'd like to skip this question. Please move on to the next one.";

/// Where the keyboard goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Sidebar,
    Messages,
    Input,
}

/// Where replies come from, as the status line says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Online {
        model: String,
    },
    /// The built-in question bank. `reason` says why (no key, `--offline`).
    Offline {
        reason: String,
    },
}

/// A window over the main screen.
#[derive(Debug)]
pub enum Overlay {
    Help(Box<HelpOverlay>),
    ConfirmDelete {
        id: i64,
        title: String,
    },
    Rename {
        id: i64,
        text: String,
    },
    Welcome(Box<WelcomeScreen>),
    Report(ReportOverlay),
    /// The new-interview form (boxed: it is much larger than the other overlays).
    Setup(Box<SetupForm>),
    /// Progress across interviews (the text of `interviewer stats`).
    Progress(ProgressOverlay),
}

/// Progress across interviews, once it is read.
#[derive(Debug, Default)]
pub struct ProgressOverlay {
    /// The figures as text; `None` while they are being read.
    pub text: Option<String>,
    pub error: Option<String>,
    /// First line shown.
    pub scroll: u16,
}

impl ProgressOverlay {
    fn scroll_by(&mut self, delta: isize) {
        let lines = self.text.as_deref().map_or(0, |t| t.lines().count());
        let max = lines.saturating_sub(1) as isize;
        self.scroll = (self.scroll as isize + delta).clamp(0, max.max(0)) as u16;
    }
}

/// The feedback report of a conversation: the report once it is read or made.
#[derive(Debug, Default)]
pub struct ReportOverlay {
    pub conversation_id: i64,
    pub view: Option<Box<ReportView>>,
    /// A report is being read or made.
    pub busy: bool,
    /// Why the report could not be made (shown while there is no report to show).
    pub error: Option<String>,
}

/// Severity of the status line's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// The reply in flight (at most one at a time).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The conversation it belongs to; `None` until a new conversation is stored.
    pub conversation_id: Option<i64>,
    /// The text sent, to give back to the input if the send is refused.
    pub sent_text: Option<String>,
    /// The user's message is stored (from here on, the text is safe).
    pub user_stored: bool,
    /// The reply's text so far.
    pub reply: String,
    /// The stored reply's id, once it exists.
    pub reply_id: Option<i64>,
    /// The first text arrived.
    pub started: bool,
    /// Esc was pressed; waiting for the stream to wind down.
    pub cancelling: bool,
}

/// Input to [`App::update`]: terminal events and results of effects.
#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// Animation tick (spinner, answer timer); `now` is the wall clock in ms.
    Tick {
        now: i64,
    },
    ConversationsLoaded {
        generation: u64,
        offset: usize,
        page: Vec<ConversationSummary>,
    },
    ConversationOpened {
        conversation: Conversation,
        messages: Vec<Message>,
        has_older: bool,
        draft: String,
        jump_to: Option<i64>,
    },
    OlderLoaded {
        conversation_id: i64,
        messages: Vec<Message>,
    },
    /// The new-conversation draft read at start.
    NewDraftLoaded(String),
    Send(SendEvent),
    /// A send or regenerate ended; `Err` when the service refused it.
    SendEnded(Result<(), String>),
    SearchResults {
        seq: u64,
        result: Result<Vec<Hit>, String>,
    },
    EditorDone(Result<String, String>),
    /// The setup form's files were read: the setup for the new interview, or why
    /// a file is unusable.
    SetupRead {
        persona: String,
        result: Result<InterviewSetup, SetupFileError>,
    },
    /// A conversation's report, stored or just made.
    ReportReady {
        conversation_id: i64,
        report: crate::domain::StoredReport,
    },
    ReportFailed {
        conversation_id: i64,
        reason: String,
    },
    /// Progress across interviews as text, or why it could not be read.
    ProgressReady(Result<String, String>),
    /// The API key was stored (or kept for this session); `note` says where.
    KeyAccepted {
        model: String,
        note: String,
    },
    KeyRejected(String),
    /// A store action (rename, delete, archive, load) failed.
    Failed(String),
    /// Something worth telling the user (e.g. "copied").
    Notice(String),
}

/// Work for the runtime. Results come back as [`Event`]s.
#[derive(Debug, Clone)]
pub enum Effect {
    LoadConversations {
        archived: bool,
        generation: u64,
        offset: usize,
    },
    OpenConversation {
        id: i64,
        jump_to: Option<i64>,
    },
    LoadOlder {
        conversation_id: i64,
        before_id: i64,
    },
    Send(SendRequest),
    Regenerate {
        conversation_id: i64,
    },
    Cancel,
    SaveDraft {
        conversation_id: Option<i64>,
        text: String,
    },
    /// Remember the open conversation (`None` = a new one) for the next start.
    SaveOpen(Option<i64>),
    /// Read the new-conversation draft back (answered by [`Event::NewDraftLoaded`]).
    LoadNewDraft,
    /// Remember that the user chose offline practice, so the welcome screen does not
    /// come back at every start without a key.
    RememberOffline,
    Rename {
        id: i64,
        title: String,
    },
    /// Read progress across interviews (answered by [`Event::ProgressReady`]).
    LoadProgress,
    Delete {
        id: i64,
    },
    SetArchived {
        id: i64,
        archived: bool,
    },
    Search {
        seq: u64,
        query: String,
    },
    Copy(String),
    OpenEditor(String),
    StoreKey(String),
    /// Write the conversation as Markdown to a file and say where.
    Export {
        conversation_id: i64,
    },
    /// Read the setup form's files (job description, CV).
    ReadSetup(SetupDraft),
    /// Show the conversation's stored report, or make one (`regenerate`: always).
    Report {
        conversation_id: i64,
        regenerate: bool,
    },
    Quit,
}

/// The whole interface state.
pub struct App {
    pub mode: Mode,
    pub theme: Theme,
    pub focus: Focus,
    pub sidebar: Sidebar,
    pub transcript: Transcript,
    pub input: TextArea<'static>,
    pub pending: Option<Pending>,
    pub overlay: Option<Overlay>,
    pub status: Option<(Tone, String)>,
    /// The user's choice of sidebar visibility, overriding the automatic one.
    pub sidebar_override: Option<bool>,
    /// Terminal size.
    pub size: (u16, u16),
    /// Wall clock in ms (injected so drawing is deterministic in tests).
    pub now: i64,
    pub spinner: usize,
    /// Setup for a new conversation when the form is skipped (the configured defaults).
    pub new_setup: Option<InterviewSetup>,
    /// The configured persona, preselected in the setup form.
    pub default_persona: String,
    /// Where a key pasted on the welcome screen would be kept.
    pub key_storage: KeyStorage,
    /// The draft changed since it was last saved.
    pub draft_dirty: bool,
    pub quitting: bool,
    /// Set by the view: the screen row of the sidebar's first line, and which
    /// conversation (index into the list) each line shows (`None`: a date heading).
    pub sidebar_rows: (u16, Vec<Option<usize>>),
    /// The message pane's wrapped lines and scroll position.
    pub layout: MessageLayout,
    /// Styles of the rendered messages (from `theme`).
    pub render_theme: RenderTheme,
}

impl App {
    /// A new app showing a new conversation. `open` is the conversation to reopen.
    pub fn new(mode: Mode, theme: Theme, size: (u16, u16), now: i64) -> App {
        let mut app = App {
            mode,
            theme,
            focus: Focus::Input,
            sidebar: Sidebar::default(),
            transcript: Transcript::new_conversation(None),
            input: TextArea::default(),
            pending: None,
            overlay: None,
            status: None,
            sidebar_override: None,
            size,
            now,
            spinner: 0,
            new_setup: None,
            default_persona: crate::domain::persona::DEFAULT_PERSONA.to_string(),
            key_storage: KeyStorage::Keyring,
            draft_dirty: false,
            quitting: false,
            sidebar_rows: (0, Vec::new()),
            layout: MessageLayout::new(RenderTheme::from_config(&theme)),
            render_theme: RenderTheme::from_config(&theme),
        };
        app.reset_input(String::new());
        app
    }

    /// The effects of starting: the first sidebar page, and the conversation that
    /// was open last time (or the new-conversation draft).
    pub fn start(&mut self, reopen: Option<i64>) -> Vec<Effect> {
        self.sidebar.reset();
        let mut effects = vec![Effect::LoadConversations {
            archived: false,
            generation: self.sidebar.generation,
            offset: 0,
        }];
        if let Some(id) = reopen {
            self.show(Transcript::loading(id, String::new()));
            effects.push(Effect::OpenConversation { id, jump_to: None });
        }
        effects
    }

    pub fn is_offline(&self) -> bool {
        matches!(self.mode, Mode::Offline { .. })
    }

    pub fn sidebar_visible(&self) -> bool {
        self.sidebar_override
            .unwrap_or(self.size.0 >= SIDEBAR_MIN_WIDTH)
    }

    /// Something on screen moves by itself, so the runtime must tick.
    pub fn animating(&self) -> bool {
        self.pending.is_some() || self.answer_timer().is_some()
    }

    /// Ms since the interviewer's last question, while the user is answering it.
    pub fn answer_timer(&self) -> Option<i64> {
        if self.pending.is_some() {
            return None;
        }
        let last = self.transcript.last_message()?;
        let elapsed = (self.now - last.created_at).max(0);
        // An old question in a past conversation is not being answered now.
        (last.role == Role::Assistant
            && last.status == Status::Complete
            && elapsed < ANSWER_TIMER_LIMIT_MS)
            .then_some(elapsed)
    }

    /// The draft in the input box.
    pub fn draft(&self) -> String {
        self.input.lines().join("\n")
    }

    fn reset_input(&mut self, text: String) {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut input = TextArea::new(lines);
        input.set_wrap_mode(WrapMode::WordOrGlyph);
        input.set_placeholder_text("Type here · Enter sends · Alt+Enter new line");
        input.set_cursor_line_style(ratatui::style::Style::default());
        input.move_cursor(ratatui_textarea::CursorMove::Bottom);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = input;
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some((Tone::Info, text.into()));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some((Tone::Error, text.into()));
    }

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
                self.sidebar.page_loaded(generation, offset, page);
                if let (Some(id), None) = (self.transcript.conversation_id, self.pending.as_ref())
                    && offset == 0
                    && let Some(pos) = self.sidebar.position(id)
                {
                    self.sidebar.selected = pos;
                }
                self.more_conversations()
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
                    (Ok(setup), _) => {
                        if matches!(self.overlay, Some(Overlay::Setup(_))) {
                            self.overlay = None;
                        }
                        if self.transcript.conversation_id.is_none() {
                            let what = setup_summary(&setup);
                            self.transcript.setup = Some(setup);
                            self.transcript.persona = Some(persona);
                            self.focus = Focus::Input;
                            self.info(format!(
                                "ready: {what}. Say hello (Enter sends) and the interviewer begins"
                            ));
                        }
                    }
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
                        self.error(reason);
                    }
                    _ => self.error(reason),
                }
                vec![]
            }
            Event::KeyAccepted { model, note } => {
                self.mode = Mode::Online { model };
                self.overlay = None;
                self.info(note);
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
            Event::Notice(text) => {
                self.info(text);
                vec![]
            }
        }
    }

    // ----- keys -----------------------------------------------------------------

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    fn on_input_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
    fn on_command_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    fn on_sidebar_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    fn on_messages_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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

    fn on_overlay_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
                    self.focus = Focus::Input;
                    self.info(
                        "quick start with the default setup: say hello to begin (n opens the form again)",
                    );
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
                        _ => ReportOutcome::Ignored,
                    },
                };
                match outcome {
                    ReportOutcome::Close => vec![],
                    ReportOutcome::Regenerate if !r.busy => {
                        r.busy = true;
                        r.error = None;
                        let conversation_id = r.conversation_id;
                        self.overlay = Some(Overlay::Report(r));
                        self.info("making a new report…");
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

    /// Keys while the `/` filter is active; `None` passes the key on.
    fn on_filter_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
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

    fn on_paste(&mut self, text: &str) -> Vec<Effect> {
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

    fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
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

    // ----- actions --------------------------------------------------------------

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

    fn cycle_focus(&mut self, forward: bool) {
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

    fn toggle_sidebar(&mut self) {
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

    fn page_lines(&self) -> usize {
        usize::from(self.size.1.saturating_sub(10)).max(3)
    }

    fn scroll_up(&mut self, lines: usize) -> Vec<Effect> {
        self.layout.scroll_up(&self.transcript.messages, lines);
        self.older_if_at_top()
    }

    fn scroll_down(&mut self, lines: usize) {
        self.layout.scroll_down(&self.transcript.messages, lines);
    }

    /// Shows another transcript; the message pane starts over at its end.
    fn show(&mut self, transcript: Transcript) {
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

    fn move_sidebar(&mut self, delta: isize) -> Vec<Effect> {
        if self.sidebar.filter.is_some() {
            return vec![];
        }
        self.sidebar.move_selection(delta);
        self.more_conversations()
    }

    fn more_conversations(&mut self) -> Vec<Effect> {
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
    fn open(&mut self, id: i64, title: String, jump_to: Option<i64>) -> Vec<Effect> {
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
    fn leave_current(&mut self) -> Vec<Effect> {
        let text = self.draft();
        let effects = vec![Effect::SaveDraft {
            conversation_id: self.transcript.conversation_id,
            text,
        }];
        self.reset_input(String::new());
        self.draft_dirty = false;
        effects
    }

    /// Starts a new interview: an empty conversation, and the setup form over it.
    fn new_conversation(&mut self) -> Vec<Effect> {
        if self
            .pending
            .as_ref()
            .is_some_and(|p| p.conversation_id.is_none())
        {
            self.info("the new interview is starting; wait for the first reply");
            return vec![];
        }
        let mut effects = Vec::new();
        if self.transcript.conversation_id.is_some() || !self.transcript.messages.is_empty() {
            effects = self.leave_current();
            self.show(Transcript::new_conversation(self.new_setup.clone()));
            effects.push(Effect::SaveOpen(None));
            effects.push(Effect::LoadNewDraft);
        }
        self.status = None;
        self.focus = Focus::Input;
        let personas = crate::domain::persona::PERSONAS
            .iter()
            .map(|p| (p.name.to_string(), p.description.to_string()))
            .collect();
        let form = SetupForm::new(personas)
            .with_persona(&self.default_persona)
            .with_theme(self.render_theme.clone());
        self.overlay = Some(Overlay::Setup(Box::new(form)));
        effects
    }

    fn send(&mut self) -> Vec<Effect> {
        let text = self.draft();
        if text.trim().is_empty() {
            return vec![];
        }
        self.send_text(text, true)
    }

    /// Sends `text` (typed, or a hint/skip request). `from_input` empties the input.
    fn send_text(&mut self, text: String, from_input: bool) -> Vec<Effect> {
        if self.pending.is_some() {
            self.error("a reply is still coming: wait for it, or press Esc to stop it");
            return vec![];
        }
        if let Err(e) = validate_message(&text) {
            self.error(e.to_string());
            return vec![];
        }
        if self.transcript.loading && self.transcript.messages.is_empty() {
            self.info("the conversation is still loading; try again in a moment");
            return vec![];
        }
        let conversation_id = self.transcript.conversation_id;
        let (setup, persona) = if conversation_id.is_none() {
            (
                self.transcript.setup.clone(),
                self.transcript.persona.clone(),
            )
        } else {
            (None, None)
        };
        self.transcript.messages.push(Message {
            id: OPTIMISTIC_ID,
            conversation_id: conversation_id.unwrap_or(0),
            role: Role::User,
            content: text.clone(),
            status: Status::Complete,
            created_at: self.now,
            error: None,
            prompt_tokens: None,
            completion_tokens: None,
            model: None,
        });
        self.transcript
            .messages
            .push(placeholder(conversation_id, self.now));
        self.layout.scroll_to_bottom();
        self.transcript.highlight = None;
        self.pending = Some(Pending {
            conversation_id,
            sent_text: from_input.then(|| text.clone()),
            user_stored: false,
            reply: String::new(),
            reply_id: None,
            started: false,
            cancelling: false,
        });
        self.status = None;
        let mut effects = Vec::new();
        if from_input {
            self.reset_input(String::new());
            self.draft_dirty = false;
            effects.push(Effect::SaveDraft {
                conversation_id,
                text: String::new(),
            });
        }
        effects.push(Effect::Send(SendRequest {
            conversation_id,
            text,
            persona,
            setup,
        }));
        effects
    }

    fn hint_or_skip(&mut self, hint: bool) -> Vec<Effect> {
        if self.transcript.messages.is_empty() {
            self.info("start the interview first: send a message");
            return vec![];
        }
        let text = match (hint, self.is_offline()) {
            (true, true) => HINT_OFFLINE,
            (false, true) => SKIP_OFFLINE,
            (true, false) => HINT_ONLINE,
            (false, false) => SKIP_ONLINE,
        };
        self.send_text(text.to_string(), false)
    }

    fn retry(&mut self) -> Vec<Effect> {
        if self.pending.is_some() {
            self.error("a reply is still coming: press Esc to stop it first");
            return vec![];
        }
        let Some(conversation_id) = self.transcript.conversation_id else {
            self.info("nothing to retry yet");
            return vec![];
        };
        let retryable = match self.transcript.last_message() {
            Some(m) if m.role == Role::User => true,
            Some(m) => {
                m.role == Role::Assistant && matches!(m.status, Status::Error | Status::Interrupted)
            }
            None => false,
        };
        if !retryable {
            self.info("the last reply is complete: nothing to retry (send a message instead)");
            return vec![];
        }
        if self
            .transcript
            .last_message()
            .is_some_and(|m| m.role == Role::Assistant)
        {
            self.transcript.messages.pop();
        }
        self.transcript
            .messages
            .push(placeholder(Some(conversation_id), self.now));
        self.layout.scroll_to_bottom();
        self.pending = Some(Pending {
            conversation_id: Some(conversation_id),
            sent_text: None,
            user_stored: true,
            reply: String::new(),
            reply_id: None,
            started: false,
            cancelling: false,
        });
        self.status = None;
        vec![Effect::Regenerate { conversation_id }]
    }

    fn cancel(&mut self) -> Vec<Effect> {
        match self.pending.as_mut() {
            Some(p) if !p.cancelling => {
                p.cancelling = true;
                self.info("stopping the reply…");
                vec![Effect::Cancel]
            }
            _ => vec![],
        }
    }

    fn copy(&mut self) -> Vec<Effect> {
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

    fn report(&mut self) -> Vec<Effect> {
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

    fn start_filter(&mut self) -> Vec<Effect> {
        if !self.sidebar_visible() {
            self.sidebar_override = Some(true);
        }
        self.focus = Focus::Sidebar;
        if self.sidebar.filter.is_none() {
            self.sidebar.filter = Some(Filter::default());
        }
        vec![]
    }

    fn search(&mut self) -> Vec<Effect> {
        let Some(filter) = self.sidebar.filter.as_mut() else {
            return vec![];
        };
        filter.seq += 1;
        filter.error = None;
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

    fn toggle_archived(&mut self) -> Vec<Effect> {
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

    fn archive(&mut self, id: i64, title: &str) -> Vec<Effect> {
        let archived = !self.sidebar.archived;
        self.sidebar.remove(id);
        let title = sanitize::for_terminal_line(title);
        self.info(if archived {
            format!("archived “{title}” (A shows archived conversations)")
        } else {
            format!("“{title}” is active again")
        });
        vec![Effect::SetArchived { id, archived }]
    }

    fn rename(&mut self, id: i64, title: String) -> Vec<Effect> {
        if let Some(pos) = self.sidebar.position(id) {
            self.sidebar.items[pos].title = title.clone();
        }
        if self.transcript.shows(Some(id)) {
            self.transcript.title = title.clone();
        }
        self.info("renamed");
        vec![Effect::Rename { id, title }]
    }

    fn delete(&mut self, id: i64, title: &str) -> Vec<Effect> {
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

    // ----- sending --------------------------------------------------------------

    fn on_send_event(&mut self, event: SendEvent) -> Vec<Effect> {
        let Some(pending) = self.pending.as_mut() else {
            return vec![];
        };
        match event {
            SendEvent::UserStored {
                conversation_id,
                message,
                created,
            } => {
                pending.user_stored = true;
                let was = pending.conversation_id;
                pending.conversation_id = Some(conversation_id);
                let mut effects = Vec::new();
                if self.transcript.shows(was) {
                    let t = &mut self.transcript;
                    t.conversation_id = Some(conversation_id);
                    if let Some(m) = t.messages.iter_mut().rev().find(|m| m.id == OPTIMISTIC_ID) {
                        *m = message.clone();
                    }
                    if created {
                        t.title =
                            crate::service::title_from_message(&message.content, t.setup.as_ref());
                        effects.push(Effect::SaveOpen(Some(conversation_id)));
                    }
                }
                if created {
                    effects.push(Effect::SaveDraft {
                        conversation_id: None,
                        text: String::new(),
                    });
                }
                let summary = self.summary_after_activity(conversation_id, &message, created);
                if !self.sidebar.archived {
                    self.sidebar.bump(summary);
                    if self.transcript.shows(Some(conversation_id)) {
                        self.sidebar.selected = 0;
                    }
                }
                effects
            }
            SendEvent::ReplyStarted { message_id } => {
                pending.started = true;
                pending.reply_id = Some(message_id);
                if self.transcript.shows(pending.conversation_id)
                    && let Some(m) = self
                        .transcript
                        .messages
                        .iter_mut()
                        .rev()
                        .find(|m| m.id == STREAM_ID)
                {
                    m.id = message_id;
                }
                vec![]
            }
            SendEvent::Delta(text) => {
                pending.started = true;
                pending.reply.push_str(&text);
                let slot = pending.reply_id;
                if self.transcript.shows(pending.conversation_id)
                    && let Some(m) = self
                        .transcript
                        .messages
                        .iter_mut()
                        .rev()
                        .take(2)
                        .find(|m| m.id == STREAM_ID || Some(m.id) == slot)
                {
                    m.content.push_str(&text);
                }
                vec![]
            }
            SendEvent::Finished { reply, end } => {
                let conversation_id = pending.conversation_id;
                let slot = pending.reply_id;
                let cancelled = pending.cancelling;
                self.pending = None;
                if let Some(reply) = &reply
                    && let Some(pos) = self.sidebar.position(reply.conversation_id)
                {
                    let item = &mut self.sidebar.items[pos];
                    item.message_count += 1;
                    item.updated_at = reply.created_at.max(item.updated_at);
                }
                if self.transcript.shows(conversation_id) {
                    let t = &mut self.transcript;
                    let pos = t
                        .messages
                        .iter()
                        .rposition(|m| m.id == STREAM_ID || (slot.is_some() && Some(m.id) == slot));
                    match (pos, reply) {
                        (Some(pos), Some(reply)) => t.messages[pos] = reply,
                        (Some(pos), None) => {
                            t.messages.remove(pos);
                        }
                        (None, Some(reply)) => t.upsert(reply),
                        (None, None) => {}
                    }
                }
                self.report_end(conversation_id, end, cancelled)
            }
        }
    }

    /// Says how a reply ended; `cancelled` when the user stopped it with Esc.
    fn report_end(
        &mut self,
        conversation_id: Option<i64>,
        end: StreamEnd,
        cancelled: bool,
    ) -> Vec<Effect> {
        let elsewhere = !self.transcript.shows(conversation_id);
        match end {
            StreamEnd::Complete => {
                if elsewhere {
                    self.info("the reply in the other conversation is complete");
                } else {
                    self.status = None;
                }
            }
            StreamEnd::Interrupted(_) if cancelled => {
                self.info("stopped; the text so far is kept. Ctrl+R asks for a new reply");
            }
            StreamEnd::Interrupted(reason) => {
                self.error(format!(
                    "reply interrupted ({}); the text so far is kept. Ctrl+R retries",
                    sanitize::for_terminal_line(&reason)
                ));
            }
            StreamEnd::Failed(AgentError::BadKey { status, message }) => {
                let said = if message.trim().is_empty() {
                    format!("HTTP {status}")
                } else {
                    format!("{status}: {message}")
                };
                self.welcome(WelcomeReason::Rejected(sanitize::for_terminal_line(&said)));
                self.error("the API key was rejected; your message is kept, Ctrl+R retries once a key works");
            }
            StreamEnd::Failed(e) => {
                self.error(format!(
                    "{}. Ctrl+R retries",
                    sanitize::for_terminal_line(&e.to_string())
                ));
            }
        }
        vec![]
    }

    fn on_send_ended(&mut self, result: Result<(), String>) -> Vec<Effect> {
        let pending = self.pending.take();
        if let Some(pos) = self
            .transcript
            .messages
            .iter()
            .rposition(|m| m.id == STREAM_ID)
        {
            self.transcript.messages.remove(pos);
        }
        if let Err(reason) = result {
            self.error(sanitize::for_terminal_line(&reason));
            if let Some(p) = pending
                && !p.user_stored
            {
                // Refused before anything was stored: take the message back.
                if let Some(pos) = self
                    .transcript
                    .messages
                    .iter()
                    .rposition(|m| m.id == OPTIMISTIC_ID)
                {
                    self.transcript.messages.remove(pos);
                }
                if let Some(text) = p.sent_text
                    && self.transcript.shows(p.conversation_id)
                {
                    let current = self.draft();
                    let restored = if current.trim().is_empty() {
                        text
                    } else {
                        format!("{text}\n{current}")
                    };
                    self.reset_input(restored);
                    self.draft_dirty = true;
                }
            }
        }
        vec![]
    }

    fn summary_after_activity(
        &self,
        id: i64,
        message: &Message,
        created: bool,
    ) -> ConversationSummary {
        match self.sidebar.position(id).map(|p| &self.sidebar.items[p]) {
            Some(item) => ConversationSummary {
                updated_at: message.created_at,
                message_count: item.message_count + 1,
                ..item.clone()
            },
            None => ConversationSummary {
                id,
                title: if created || self.transcript.shows(Some(id)) {
                    self.transcript.title.clone()
                } else {
                    String::new()
                },
                persona: String::new(),
                created_at: message.created_at,
                updated_at: message.created_at,
                message_count: 1,
                archived: false,
            },
        }
    }

    fn help(&self) -> Box<HelpOverlay> {
        let keys: Vec<(&str, &str, &str)> = super::keys::HELP
            .iter()
            .flat_map(|g| g.keys.iter().map(|(k, d)| (*k, *d, g.title)))
            .collect();
        Box::new(HelpOverlay::new(&keys).with_theme(self.render_theme.clone()))
    }

    /// Said instead of the welcome screen once the user chose offline practice.
    pub fn offline_notice(&mut self) {
        self.info(offline_hint());
    }

    /// Shows the welcome screen: no key at start, a rejected key, or changing it.
    pub fn welcome(&mut self, reason: WelcomeReason) {
        let screen = WelcomeScreen::new(reason, self.key_storage.clone())
            .with_theme(self.render_theme.clone());
        self.overlay = Some(Overlay::Welcome(Box::new(screen)));
    }
}

/// Id of the user's message shown before the store has answered.
pub const OPTIMISTIC_ID: i64 = -1;
/// Id of the reply shown before its row exists (waiting for the first text).
pub const STREAM_ID: i64 = -2;

/// The interviewer's reply-to-be, shown at once so the pane says who speaks next.
fn placeholder(conversation_id: Option<i64>, now: i64) -> Message {
    Message {
        id: STREAM_ID,
        conversation_id: conversation_id.unwrap_or(0),
        role: Role::Assistant,
        content: String::new(),
        status: Status::Streaming,
        created_at: now,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
    }
}

/// "a technical interview for a senior backend engineer, 5 questions".
fn setup_summary(setup: &InterviewSetup) -> String {
    let mut out = format!("{} interview", setup.interview_type.label());
    match (&setup.seniority, &setup.role) {
        (Some(s), Some(r)) => out.push_str(&format!(" for a {s} {r}")),
        (None, Some(r)) => out.push_str(&format!(" for {r}")),
        _ => {}
    }
    if let Some(n) = setup.questions {
        out.push_str(&format!(", {n} questions"));
    }
    sanitize::for_terminal_line(&out)
}

fn offline_hint() -> &'static str {
    "no API key · K adds one (or `interviewer key set`)"
}

#[cfg(test)]
mod tests;
