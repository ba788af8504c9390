//! The interface's state and its pure transitions: `App::update(event)` changes the
//! state and returns the effects the runtime must perform (store reads and writes,
//! sending, clipboard, editor). Nothing here does I/O, so every key is unit-tested.
//!
//! Where things are:
//! - this file: the state ([`App`]), the events in ([`Event`]) and effects out
//!   ([`Effect`]), and small accessors;
//! - `update.rs`: what each event other than a key, paste or mouse does;
//! - `keys.rs`: keys, paste and mouse. Which key means what is the table in
//!   `tui::keys`; `App::perform` does each action there;
//! - `actions.rs`: what the actions do (focus, scrolling, the list, opening, search,
//!   rename, archive, delete, report, copy);
//! - `sending.rs`: sending an answer, a hint or skip, retrying; the reply as it streams;
//! - `overlays.rs`: the windows over the screen (help, report, forms, dialogs);
//! - `drill.rs`: the drill window: planning, answers judged, try again;
//! - `frame.rs`: what the next frame shows, worked out before drawing (the view only
//!   reads the app);
//! - `tests.rs`: unit tests of all of it through `App::update`.
//!
//! May not touch: the terminal, the store, the network (the runtime does, from the
//! effects).

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::agent::discover::LocalServer;
use crate::agent::{AgentError, StreamEnd};
use crate::config::{Endpoint, Theme};
use crate::domain::drill::{DrillFeedback, ReviewItem};
use crate::domain::{Conversation, ConversationSummary, InterviewSetup, Message, Role, Status};
use crate::sanitize;
use crate::service::drill::{DrillPlan, DrillSession};
use crate::service::{SendEvent, SendRequest, validate_message, validate_title};

use super::render::{MessageLayout, Theme as RenderTheme, View};
use super::sidebar::{Filter, Hit, Sidebar};
use super::transcript::Transcript;
use super::widgets::drill_view::{DrillOutcome, DrillView};
use super::widgets::help::{HelpOutcome, HelpOverlay};
use super::widgets::input::AnswerBox;
use super::widgets::model_picker::{ModelPicker, PickerOutcome};
use super::widgets::profile_picker::{ProfileOutcome, ProfilePicker};
use super::widgets::report_view::{ReportModel, ReportOutcome, ReportView};
use super::widgets::setup_form::{SetupDraft, SetupFileError, SetupForm, SetupOutcome};
use super::widgets::welcome::{
    Discovery, KeyStorage, WelcomeOutcome, WelcomeReason, WelcomeScreen,
};

mod actions;
mod drill;
mod frame;
mod keys;
mod overlays;
mod sending;
mod update;

pub(crate) use actions::open_quote;
pub use frame::{Areas, input_frame, message_rows, pane_frame, text_width};

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
    /// The server's models, to pick the one a conversation talks to.
    ModelPicker(Box<ModelPicker>),
    /// The endpoints (profiles) to switch to.
    ProfilePicker(Box<ProfilePicker>),
    /// A drill: one question, feedback on the answer, try again.
    Drill(Box<DrillOverlay>),
}

/// A drill under way: the window, and the drill's state while it is not with the
/// runtime being judged.
#[derive(Debug)]
pub struct DrillOverlay {
    pub view: DrillView,
    pub session: Option<DrillSession>,
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
    /// Words of a reasoning model's thinking so far, while it thinks.
    pub thinking_words: usize,
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
    /// Whether any conversation is archived (asked when the active list is empty).
    ArchivedExist(bool),
    /// The server's model names (for the picker), or why they cannot be listed.
    ModelsLoaded(Result<Vec<String>, String>),
    /// The drill's question was chosen, or why not.
    DrillPlanned(Result<DrillPlan, String>),
    /// An answer of the drill was judged (or not): the drill comes back with it.
    DrillJudged {
        session: Box<DrillSession>,
        answer: String,
        result: Result<DrillFeedback, String>,
    },
    /// The weak spots due now, most overdue first.
    DueLoaded(Vec<ReviewItem>),
    /// The API key was stored (or kept for this session); `note` says where.
    /// `profile`: the endpoint it is for, now in use.
    KeyAccepted {
        model: String,
        note: String,
        profile: Option<String>,
    },
    /// What looking for a local server found (`None`: nothing answered).
    Discovered(Option<LocalServer>),
    /// The local server chosen cannot be used after all: why.
    LocalServerFailed(String),
    /// The endpoint switched to is in use for new messages.
    ProfileSwitched {
        profile: Option<String>,
        model: String,
    },
    /// The endpoint switched to needs a key and none is found.
    ProfileNeedsKey(Option<String>),
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
    /// Find out whether any conversation is archived (answered by
    /// [`Event::ArchivedExist`]), so an empty list can say so after a restart.
    CheckArchived,
    /// Ask the server for its models (answered by [`Event::ModelsLoaded`]).
    LoadModels,
    /// Store the model a conversation talks to from its next turn on.
    SetConversationModel {
        conversation_id: i64,
        model: String,
    },
    /// Choose a drill's question (answered by [`Event::DrillPlanned`]).
    PlanDrill,
    /// Store and judge one answer of a drill (answered by [`Event::DrillJudged`]).
    DrillAnswer {
        session: Box<DrillSession>,
        answer: String,
    },
    /// Read the weak spots due (answered by [`Event::DueLoaded`]).
    LoadDue,
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
    /// Check and keep a pasted key for `profile`'s endpoint (`None`: the default
    /// one), then use it (answered by [`Event::KeyAccepted`] or
    /// [`Event::KeyRejected`]).
    StoreKey {
        text: String,
        profile: Option<String>,
    },
    /// Look for a local server (answered by [`Event::Discovered`]).
    Discover,
    /// Use the local server at `api_base`, with no key, for this session.
    UseLocalServer {
        api_base: String,
    },
    /// Keep a chosen local server and model in config.toml for the next start.
    RememberLocalServer {
        api_base: String,
        model: String,
    },
    /// Switch to a profile's endpoint (`None`: the default one) for new messages
    /// (answered by [`Event::ProfileSwitched`] or [`Event::ProfileNeedsKey`]).
    SwitchProfile(Option<String>),
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
    /// Give the terminal back and stop the process until it is continued (Ctrl+Z in
    /// the lists; SIGTSTP comes to the runtime directly).
    Suspend,
}

/// The whole interface state.
pub struct App {
    pub mode: Mode,
    pub theme: Theme,
    pub focus: Focus,
    pub sidebar: Sidebar,
    pub transcript: Transcript,
    pub input: AnswerBox,
    pub pending: Option<Pending>,
    pub overlay: Option<Overlay>,
    pub status: Option<(Tone, String)>,
    /// Wall-clock ms after which the server said a retry may go (a 429's
    /// Retry-After), with the conversation it concerns; the status line counts down.
    pub retry_at: Option<(i64, i64)>,
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
    /// `OPENAI_API_KEY` is set (it wins over a stored key at the next start).
    pub env_key_set: bool,
    /// The endpoints the interface can switch to (the default profile first).
    pub endpoints: Vec<Endpoint>,
    /// The profile in use (`None`: the default endpoint, or a local server found).
    pub profile: Option<String>,
    /// A local server found at start and in use (as the status line names it,
    /// e.g. "127.0.0.1:11434"); `None` when a profile's endpoint is in use.
    pub local_server: Option<String>,
    /// Looking for a local server at start, and what was found.
    pub discovery: Discovery,
    /// A local server just chosen, to keep in config.toml with the model picked.
    pub remember_server: Option<String>,
    /// The profile a key pasted in the key dialog is kept for.
    pub key_profile: Option<String>,
    /// Weak spots due for a drill, most overdue first (shown on the first screen).
    pub due: Vec<ReviewItem>,
    /// The draft changed since it was last saved.
    pub draft_dirty: bool,
    /// Where the focus was when the setup form opened (Esc puts it back).
    pub setup_return_focus: Focus,
    pub quitting: bool,
    /// Set by [`App::prepare_frame`]: the screen row of the sidebar's first line, and
    /// which conversation (index into the list) each line shows (`None`: a date heading).
    pub sidebar_rows: (u16, Vec<Option<usize>>),
    /// Set by [`App::prepare_frame`]: the message pane's lines for the next frame
    /// (`None` when there are no messages or no room).
    pub message_view: Option<View>,
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
            input: AnswerBox::default(),
            pending: None,
            overlay: None,
            status: None,
            retry_at: None,
            sidebar_override: None,
            size,
            now,
            spinner: 0,
            new_setup: None,
            default_persona: crate::domain::persona::DEFAULT_PERSONA.to_string(),
            key_storage: KeyStorage::Keyring,
            env_key_set: false,
            endpoints: Vec::new(),
            profile: None,
            local_server: None,
            discovery: Discovery::Off,
            remember_server: None,
            key_profile: None,
            due: Vec::new(),
            draft_dirty: false,
            setup_return_focus: Focus::Input,
            quitting: false,
            sidebar_rows: (0, Vec::new()),
            message_view: None,
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
        // The weak spots due, for the first screen.
        effects.push(Effect::LoadDue);
        effects
    }

    /// The model the open conversation talks to, for the header: its own, or for
    /// a new one the session's (nothing offline, where the question bank answers).
    pub fn shown_model(&self) -> Option<&str> {
        match (&self.mode, &self.transcript.model) {
            (Mode::Offline { .. }, _) => None,
            (_, Some(model)) => Some(model),
            (Mode::Online { model }, None) if self.transcript.conversation_id.is_none() => {
                Some(model)
            }
            (Mode::Online { .. }, None) => None,
        }
    }

    /// Which endpoint answers, for the status line beside the model: the profile's
    /// name, or the local server found; `None` for the default endpoint.
    pub fn endpoint_label(&self) -> Option<String> {
        if self.is_offline() {
            return None;
        }
        match (&self.local_server, &self.profile) {
            (Some(server), _) => Some(server.clone()),
            (None, Some(profile)) => Some(sanitize::for_terminal_line(profile)),
            (None, None) => None,
        }
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
        self.pending.is_some() || self.answer_timer().is_some() || self.counting_down()
    }

    /// A 429's Retry-After is running out on the conversation shown.
    fn counting_down(&self) -> bool {
        self.retry_at
            .is_some_and(|(at, id)| self.transcript.shows(Some(id)) && self.now < at)
    }

    /// What the status line says: a running Retry-After countdown, else the last
    /// message (until the next key clears it).
    pub fn status_message(&self) -> Option<(Tone, String)> {
        if let Some((at, id)) = self.retry_at
            && self.transcript.shows(Some(id))
            && self.last_reply_failed()
        {
            let left = (at - self.now).max(0);
            return Some(if left > 0 {
                let secs = (left + 999) / 1000;
                (
                    Tone::Error,
                    format!("Rate limited by the server: retry in {secs}s."),
                )
            } else {
                (Tone::Info, "The server can be retried now.".to_string())
            });
        }
        self.status.clone()
    }

    /// The last reply shown failed or was cut off, so a retry would help.
    fn last_reply_failed(&self) -> bool {
        self.transcript.last_message().is_some_and(|m| {
            m.role == Role::Assistant && matches!(m.status, Status::Error | Status::Interrupted)
        })
    }

    /// The interview shown has been closed by the interviewer.
    pub fn interview_finished(&self) -> bool {
        self.transcript.last_message().is_some_and(|m| {
            m.role == Role::Assistant && m.status == Status::Complete && closes(&m.content)
        })
    }

    /// The key that does the next thing now, as the status line shows it ("Esc
    /// stop", "Ctrl+R retry", "F report", "K add key"); never cut from the line.
    pub fn next_key(&self) -> Option<String> {
        use crate::tui::keys::{Action, Scope, key_for};
        // From the answer box a list key needs Tab first: said in words.
        let lists = |action: Action, what: &str| {
            let key = key_for(Scope::Lists, action);
            if self.focus == Focus::Input {
                format!(
                    "{} then {key}: {what}",
                    key_for(Scope::Anywhere, Action::FocusNext)
                )
            } else {
                format!("{key} {what}")
            }
        };
        if let Some(p) = &self.pending {
            return (!p.cancelling)
                .then(|| format!("{} stop", key_for(Scope::Anywhere, Action::Stop)));
        }
        if self.last_reply_failed() {
            return Some(format!("{} retry", key_for(Scope::Anywhere, Action::Retry)));
        }
        if self.interview_finished() {
            return Some(lists(Action::Report, "report"));
        }
        if matches!(&self.mode, Mode::Offline { reason } if reason == "no API key") {
            return Some(lists(Action::ChangeKey, "add key"));
        }
        None
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
            && !closes(&last.content)
            && elapsed < ANSWER_TIMER_LIMIT_MS)
            .then_some(elapsed)
    }

    /// The draft in the input box.
    pub fn draft(&self) -> String {
        self.input.text()
    }

    fn reset_input(&mut self, text: String) {
        self.input = AnswerBox::new(&text);
    }

    fn info(&mut self, text: impl Into<String>) {
        self.status = Some((Tone::Info, text.into()));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some((Tone::Error, text.into()));
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
        reasoning: None,
    }
}

/// The interviewer's turn closes the interview: the offline engine's close, or a
/// model's (the interview rules have it say the interview is over and the feedback
/// report is ready, and ask nothing more).
pub fn closes(text: &str) -> bool {
    if crate::agent::offline::closes_interview(text) {
        return true;
    }
    let lower = text.to_lowercase();
    let over = [
        "interview is over",
        "interview is now over",
        "end of the interview",
        "end of our interview",
        "interview has ended",
        "interview is complete",
        "concludes the interview",
        "concludes our interview",
        "wraps up the interview",
        "wraps up our interview",
    ]
    .iter()
    .any(|p| lower.contains(p));
    over && lower.contains("report") && !lower.trim_end().ends_with('?')
}

/// "a technical interview for a senior backend engineer, 5 questions".
fn setup_summary(setup: &InterviewSetup) -> String {
    let mut out = format!("{} interview", setup.interview_type.label());
    match (&setup.seniority, &setup.role) {
        // "Staff SRE" already says "staff".
        (Some(s), Some(r)) if r.to_lowercase().contains(&s.trim().to_lowercase()) => {
            out.push_str(&format!(" for a {r}"))
        }
        (Some(s), Some(r)) => out.push_str(&format!(" for a {s} {r}")),
        (None, Some(r)) => out.push_str(&format!(" for {r}")),
        _ => {}
    }
    if let Some(n) = setup.questions {
        out.push_str(&format!(", {n} question{}", if n == 1 { "" } else { "s" }));
    }
    sanitize::for_terminal_line(&out)
}

fn offline_hint() -> &'static str {
    "no API key · K adds one (or `interviewer key set`)"
}

#[cfg(test)]
mod tests;
