//! Snapshot tests of whole screens of the terminal interface, drawn with ratatui's
//! `TestBackend` from `App` states reached through `App::update`. "Now" is fixed so
//! relative dates and timers are stable. Review the `.snap` files by eye: they are
//! the visual check of the layout.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use interviewer::agent::{AgentError, StreamEnd};
use interviewer::config::Theme;
use interviewer::domain::{
    Conversation, ConversationSummary, InterviewSetup, InterviewType, Message, Role, Status,
};
use interviewer::service::SendEvent;
use interviewer::tui::app::{App, Effect, Event, Focus, Mode};
use interviewer::tui::sidebar::Hit;
use interviewer::tui::view;
use interviewer::tui::widgets::welcome::WelcomeReason;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 2025-06-15 15:06:40 UTC.
const NOW: i64 = 1_750_000_000_000;
const MIN: i64 = 60_000;
const DAY: i64 = 86_400_000;

const SIZES: [(u16, u16); 4] = [(80, 24), (50, 20), (120, 40), (200, 50)];

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn new_app(mode: Mode, size: (u16, u16)) -> App {
    App::new(mode, Theme::default(), size, NOW)
}

fn offline() -> Mode {
    Mode::Offline {
        reason: "--offline".into(),
    }
}

fn online() -> Mode {
    Mode::Online {
        model: "gpt-4o-mini".into(),
    }
}

fn summary(id: i64, title: &str, ago: i64, count: i64) -> ConversationSummary {
    ConversationSummary {
        id,
        title: title.into(),
        persona: "career-coach".into(),
        created_at: NOW - ago,
        updated_at: NOW - ago,
        message_count: count,
        archived: false,
        model: None,
    }
}

fn msg(id: i64, role: Role, content: &str, ago: i64, status: Status) -> Message {
    Message {
        id,
        conversation_id: 1,
        role,
        content: content.into(),
        status,
        created_at: NOW - ago,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
        reasoning: None,
    }
}

/// The sidebar's first page arrives.
fn load_first_page(app: &mut App) {
    let generation = app.sidebar.generation;
    app.update(Event::ConversationsLoaded {
        generation,
        offset: 0,
        page: vec![
            summary(1, "Backend engineer, system design", 5 * MIN, 6),
            summary(2, "Behavioural warm-up", 3 * 60 * MIN, 4),
            summary(3, "Staff engineer \u{1b}[31mloop", DAY + MIN, 12),
            summary(4, "面接の練習 (Japanese)", 3 * DAY, 2),
            summary(
                5,
                "HR screen for a product role with a very long title indeed",
                40 * DAY,
                8,
            ),
        ],
    });
}

fn conversation_messages() -> Vec<Message> {
    let mut with_usage = msg(
        11,
        Role::Assistant,
        "Welcome. Let's start with the design question.\n\nDesign a URL shortener that handles 10,000 writes per second. Walk me through the data model first.",
        13 * MIN,
        Status::Complete,
    );
    with_usage.prompt_tokens = Some(1200);
    with_usage.completion_tokens = Some(300);
    with_usage.model = Some("gpt-4o-mini".into());
    vec![
        msg(
            10,
            Role::User,
            "Hi! I'm preparing for a senior backend role.",
            14 * MIN,
            Status::Complete,
        ),
        with_usage,
        msg(
            12,
            Role::User,
            "I'd use a key-value store keyed by a base62 id.\nWrites go through a sequence allocator; reads hit a cache first.",
            9 * MIN,
            Status::Complete,
        ),
        msg(
            13,
            Role::Assistant,
            "Good. How do you keep the allocator from becoming a bottleneck? Averylongwordwithoutanyspacesthatmustbreakacrosslinesnomatterwhat.",
            8 * MIN,
            Status::Complete,
        ),
    ]
}

/// The list, with conversation 1 open.
fn with_conversation(mode: Mode, size: (u16, u16)) -> App {
    opened(mode, size, conversation_messages(), None)
}

/// Conversation 1 holding `messages`, opened the way the program opens it: at
/// start-up as the one open last time (`App::start`), then the sidebar's first page
/// and the conversation arrive. `jump_to` is a search match's message.
fn opened(mode: Mode, size: (u16, u16), messages: Vec<Message>, jump_to: Option<i64>) -> App {
    opened_with_model(mode, size, messages, jump_to, None)
}

/// [`opened`], for a conversation that talks to `model`.
fn opened_with_model(
    mode: Mode,
    size: (u16, u16),
    messages: Vec<Message>,
    jump_to: Option<i64>,
    model: Option<&str>,
) -> App {
    let mut app = new_app(mode, size);
    let effects = app.start(Some(1));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::OpenConversation { id: 1, .. })),
        "start-up reopens conversation 1"
    );
    load_first_page(&mut app);
    let setup = InterviewSetup {
        role: Some("Backend engineer".into()),
        seniority: Some("senior".into()),
        interview_type: InterviewType::SystemDesign,
        questions: Some(5),
        ..InterviewSetup::default()
    };
    app.update(Event::ConversationOpened {
        conversation: Conversation {
            id: 1,
            uid: "u1".into(),
            title: "Backend engineer, system design".into(),
            persona: "career-coach".into(),
            created_at: NOW - 15 * MIN,
            updated_at: NOW - 5 * MIN,
            archived: false,
            setup: Some(setup),
            model: model.map(str::to_string),
        },
        messages,
        has_older: false,
        draft: String::new(),
        jump_to,
    });
    assert_eq!(app.sidebar.selected, 0, "the open conversation is selected");
    app
}

/// Moves the focus with Tab, as a user does, until it is on `target`.
fn focus(app: &mut App, target: Focus) {
    for _ in 0..3 {
        if app.focus == target {
            return;
        }
        app.update(key(KeyCode::Tab));
    }
    assert!(app.focus == target, "Tab never reached {target:?}");
}

fn render(app: &mut App) -> String {
    let (w, h) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    app.prepare_frame();
    terminal.draw(|frame| view::draw(frame, app)).expect("draw");
    terminal.backend().to_string()
}

fn snapshot_at_sizes(name: &str, make: impl Fn((u16, u16)) -> App) {
    for size in SIZES {
        let mut app = make(size);
        let screen = render(&mut app);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn empty_state() {
    snapshot_at_sizes("empty", |size| {
        let mut app = new_app(offline(), size);
        app.start(None);
        let generation = app.sidebar.generation;
        app.update(Event::ConversationsLoaded {
            generation,
            offset: 0,
            page: vec![],
        });
        app
    });
}

#[test]
fn a_conversation() {
    snapshot_at_sizes("conversation", |size| {
        let mut app = with_conversation(online(), size);
        app.update(Event::Paste("My allocator hands out ranges".into()));
        app
    });
}

#[test]
fn streaming_in_progress() {
    snapshot_at_sizes("streaming", |size| {
        let mut app = with_conversation(online(), size);
        app.update(Event::Paste(
            "Each node leases a block of 1,000 ids.".into(),
        ));
        app.update(key(KeyCode::Enter));
        app.update(Event::Send(SendEvent::UserStored {
            conversation_id: 1,
            message: msg(
                14,
                Role::User,
                "Each node leases a block of 1,000 ids.",
                0,
                Status::Complete,
            ),
            created: false,
            setup: None,
        }));
        app.update(Event::Send(SendEvent::ReplyStarted { message_id: 15 }));
        app.update(Event::Send(SendEvent::Delta(
            "That works. What happens when a node crashes with half of its \x1b]0;pwned\x07block unused".into(),
        )));
        app
    });
}

#[test]
fn waiting_for_the_first_token() {
    let mut app = with_conversation(online(), (80, 24));
    app.update(Event::Paste("Leases.".into()));
    app.update(key(KeyCode::Enter));
    insta::assert_snapshot!("waiting_80x24", render(&mut app));
}

/// A reasoning model thinks before it answers: the status line counts its words,
/// then says it is streaming once the answer starts.
#[test]
fn a_thinking_model_is_shown_thinking() {
    let mut app = with_conversation(online(), (80, 24));
    app.update(Event::Paste("Leases.".into()));
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::Thinking { words: 12 }));
    let screen = render(&mut app);
    assert!(screen.contains("thinking… (12 words)"), "{screen}");
    app.update(Event::Send(SendEvent::ReplyStarted { message_id: 15 }));
    app.update(Event::Send(SendEvent::Delta("Tell me more.".into())));
    let screen = render(&mut app);
    assert!(
        screen.contains("streaming…") && !screen.contains("thinking"),
        "{screen}"
    );
}

#[test]
fn an_error() {
    snapshot_at_sizes("error", |size| {
        let mut app = with_conversation(online(), size);
        app.update(Event::Paste("Leases.".into()));
        app.update(key(KeyCode::Enter));
        app.update(Event::Send(SendEvent::UserStored {
            conversation_id: 1,
            message: msg(14, Role::User, "Leases.", 0, Status::Complete),
            created: false,
            setup: None,
        }));
        let mut failed = msg(15, Role::Assistant, "", 0, Status::Error);
        failed.error = Some("rate limited by the server (429); retry after 7s".into());
        app.update(Event::Send(SendEvent::Finished {
            reply: Some(failed),
            end: StreamEnd::Failed(AgentError::RateLimited {
                quota: false,
                retry_after_secs: Some(7),
                message: String::new(),
            }),
        }));
        app.update(Event::SendEnded(Ok(())));
        app
    });
}

#[test]
fn an_interrupted_reply() {
    // Reached as a user reaches it: an answer sent, the reply streaming, Esc.
    let mut app = with_conversation(online(), (80, 24));
    app.update(Event::Paste("Leases.".into()));
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 1,
        message: msg(14, Role::User, "Leases.", 0, Status::Complete),
        created: false,
        setup: None,
    }));
    app.update(Event::Send(SendEvent::ReplyStarted { message_id: 15 }));
    app.update(Event::Send(SendEvent::Delta(
        "Let me ask about caching. When".into(),
    )));
    let effects = app.update(key(KeyCode::Esc));
    assert!(matches!(&effects[..], [Effect::Cancel]), "{effects:?}");
    let mut cut = msg(
        15,
        Role::Assistant,
        "Let me ask about caching. When",
        0,
        Status::Interrupted,
    );
    cut.error = Some("cancelled".into());
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(cut),
        end: StreamEnd::Interrupted("cancelled".into()),
    }));
    app.update(Event::SendEnded(Ok(())));
    insta::assert_snapshot!("interrupted_80x24", render(&mut app));
}

#[test]
fn the_help_overlay() {
    snapshot_at_sizes("help", |size| {
        let mut app = with_conversation(online(), size);
        app.update(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
        app
    });
}

#[test]
fn the_welcome_screen() {
    snapshot_at_sizes("welcome", |size| {
        let mut app = new_app(
            Mode::Offline {
                reason: "no API key".into(),
            },
            size,
        );
        app.welcome(WelcomeReason::NoKey);
        app.update(Event::Paste("sk-abcdefghijklmnop1234".into()));
        app
    });
}

#[test]
fn the_filtered_sidebar() {
    let mut app = with_conversation(online(), (80, 24));
    focus(&mut app, Focus::Messages);
    app.update(key(KeyCode::Char('/')));
    for c in "allocator".chars() {
        app.update(key(KeyCode::Char(c)));
    }
    let seq = app.sidebar.filter.as_ref().map(|f| f.seq).unwrap_or(0);
    app.update(Event::SearchResults {
        seq,
        result: Ok(vec![
            Hit {
                conversation_id: 1,
                message_id: Some(13),
                title: "Backend engineer, system design".into(),
                snippet: "…keep the \u{1}allocator\u{2} from becoming…".into(),
            },
            Hit {
                conversation_id: 3,
                message_id: Some(40),
                title: "Staff engineer loop".into(),
                snippet: "…an id \u{1}allocator\u{2} per region…".into(),
            },
        ]),
    });
    insta::assert_snapshot!("filter_80x24", render(&mut app));
}

#[test]
fn a_search_match_opens_highlighted() {
    let mut app = opened(online(), (80, 24), conversation_messages(), Some(12));
    insta::assert_snapshot!("match_80x24", render(&mut app));
}

#[test]
fn delete_confirmation_and_rename() {
    let mut app = with_conversation(online(), (80, 24));
    focus(&mut app, Focus::Sidebar);
    app.update(key(KeyCode::Char('d')));
    insta::assert_snapshot!("delete_80x24", render(&mut app));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('R')));
    insta::assert_snapshot!("rename_80x24", render(&mut app));
}

#[test]
fn tiny_terminals_never_panic() {
    for (w, h) in [(1, 1), (2, 2), (20, 5), (10, 3), (30, 4), (70, 1)] {
        let mut app = with_conversation(online(), (w, h));
        let _ = render(&mut app);
        app.update(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
        let _ = render(&mut app);
        app.update(key(KeyCode::Esc));
        app.welcome(WelcomeReason::Rejected("401: Incorrect API key".into()));
        let _ = render(&mut app);
    }
}

#[test]
fn only_visible_messages_are_laid_out() {
    let many = (0..10_000)
        .map(|i| {
            let role = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            msg(
                100 + i,
                role,
                &format!("message number {i}"),
                0,
                Status::Complete,
            )
        })
        .collect();
    let mut app = opened(online(), (80, 24), many, None);
    let screen = render(&mut app);
    assert!(screen.contains("message number 9999"), "{screen}");
    assert!(
        app.layout.layout_calls() < 20,
        "laid out {}",
        app.layout.layout_calls()
    );
    // Scrolling up a long way (PgUp in the transcript) lays out only what it passes.
    focus(&mut app, Focus::Messages);
    for _ in 0..150 {
        app.update(key(KeyCode::PageUp));
    }
    let screen = render(&mut app);
    assert!(!screen.contains("message number 9999"));
    assert!(
        app.layout.layout_calls() < 1_200,
        "laid out {}",
        app.layout.layout_calls()
    );
    assert!(!app.transcript.showing_top);
    assert!(screen.contains("more below"), "{screen}");
    app.update(key(KeyCode::Home));
    let screen = render(&mut app);
    assert!(screen.contains("message number 0"), "{screen}");
    assert!(app.transcript.showing_top);
}

#[test]
fn no_escape_sequence_from_outside_reaches_the_screen() {
    let mut messages = conversation_messages();
    messages.push(msg(
        20,
        Role::Assistant,
        "evil \x1b[2J\x1b]52;c;aGk=\x07 text \u{202e}reversed",
        0,
        Status::Complete,
    ));
    let mut app = opened(online(), (80, 24), messages, None);
    let screen = render(&mut app);
    assert!(!screen.contains('\x1b'));
    assert!(!screen.contains('\u{202e}'));
    assert!(screen.contains("evil"));
}

#[test]
fn the_report_view() {
    snapshot_at_sizes("report", |size| {
        let mut app = with_conversation(online(), size);
        focus(&mut app, Focus::Messages);
        app.update(key(KeyCode::Char('F')));
        app.update(Event::ReportReady {
            conversation_id: 1,
            report: interviewer::domain::StoredReport {
                id: 1,
                conversation_id: 1,
                kind: "heuristic".into(),
                model: None,
                body: REPORT_JSON.into(),
                valid: true,
                created_at: NOW - MIN,
            },
        });
        app
    });
}

#[test]
fn the_setup_form() {
    snapshot_at_sizes("setup", |size| {
        let mut app = with_conversation(online(), size);
        app.update(Event::Key(KeyEvent::new(
            KeyCode::Char('n'),
            KeyModifiers::CONTROL,
        )));
        app.update(Event::Paste("Backend engineer".into()));
        app
    });
}

/// A report as the evaluator writes it (the JSON of `domain::report::Report`).
const REPORT_JSON: &str = r#"{"readiness":"almost","overall_summary":"Clear structure; quantify results more.","competencies":[{"name":"Structure (STAR)","score":4,"evidence":"situation and result were clear"},{"name":"Relevance","score":4,"evidence":"answered the question asked"},{"name":"Depth","score":3,"evidence":"one level of detail"},{"name":"Evidence and impact","score":2,"evidence":"no numbers"},{"name":"Communication","score":4,"evidence":"concise"}],"questions":[{"question":"Design a URL shortener","answer_summary":"KV store with base62 ids","strengths":["clear data model"],"improvements":["size the cache"],"better_answer":"Estimate 10k writes/s, then pick the store."}],"top_improvements":["Quantify results","Size the system first","Name trade-offs"],"study_plan":["Rehearse two stories with metrics","Practise capacity estimates"]}"#;

/// "↓ more below" names a key that brings the newest lines back from where the focus
/// is: End only in the messages (in the answer box End moves the text cursor, in the
/// list it selects the last conversation).
#[test]
fn the_more_below_hint_names_a_key_that_works_where_the_focus_is() {
    let mut app = with_conversation(online(), (80, 24));
    assert_eq!(app.focus, Focus::Input);
    app.update(key(KeyCode::PageUp));
    let screen = render(&mut app);
    assert!(screen.contains("↓ more below · PgDn scrolls"), "{screen}");
    assert!(!screen.contains("End follows"), "{screen}");
    app.update(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Sidebar);
    let screen = render(&mut app);
    assert!(!screen.contains("End follows"), "{screen}");
    app.update(key(KeyCode::Tab));
    assert_eq!(app.focus, Focus::Messages);
    let screen = render(&mut app);
    assert!(screen.contains("↓ more below · End follows"), "{screen}");
    app.update(key(KeyCode::End));
    let screen = render(&mut app);
    assert!(!screen.contains("more below"), "{screen}");
}

/// The status line alone, for states whose message is long, at each width: the key
/// that does the next thing is whole, the message is cut with "…".
#[test]
fn the_status_line_keeps_the_next_key_and_shortens_the_message() {
    type Make = fn((u16, u16)) -> App;
    let states: [(&str, Make); 4] = [
        ("server error", |size| {
            let mut app = with_conversation(online(), size);
            app.update(Event::Paste("Leases.".into()));
            app.update(key(KeyCode::Enter));
            app.update(Event::Send(SendEvent::UserStored {
                conversation_id: 1,
                message: msg(14, Role::User, "Leases.", 0, Status::Complete),
                created: false,
                setup: None,
            }));
            app.update(Event::Send(SendEvent::Finished {
                reply: Some(msg(15, Role::Assistant, "", 0, Status::Error)),
                end: StreamEnd::Failed(AgentError::Server {
                    status: 500,
                    message: "Internal server error.".into(),
                }),
            }));
            app.update(Event::SendEnded(Ok(())));
            app
        }),
        ("countdown over", |size| {
            let mut app = with_conversation(online(), size);
            app.update(Event::Paste("Leases.".into()));
            app.update(key(KeyCode::Enter));
            app.update(Event::Send(SendEvent::Finished {
                reply: Some(msg(15, Role::Assistant, "", 0, Status::Error)),
                end: StreamEnd::Failed(AgentError::RateLimited {
                    quota: false,
                    retry_after_secs: Some(7),
                    message: "Rate limit reached".into(),
                }),
            }));
            app.update(Event::SendEnded(Ok(())));
            app.update(Event::Tick { now: NOW + 8_000 });
            app
        }),
        ("interview closed", |size| {
            let mut messages = conversation_messages();
            messages.push(msg(
                20,
                Role::Assistant,
                "That's the end of the interview. Thank you for your time. F: your feedback report.",
                0,
                Status::Complete,
            ));
            let mut app = opened(offline(), size, messages, None);
            focus(&mut app, Focus::Messages);
            app
        }),
        ("no key", |size| {
            let mut app = new_app(
                Mode::Offline {
                    reason: "no API key".into(),
                },
                size,
            );
            load_first_page(&mut app);
            app
        }),
    ];
    let mut out = String::new();
    for (name, make) in states {
        for size in [(50, 20), (80, 24), (120, 40)] {
            let mut app = make(size);
            let screen = render(&mut app);
            let last = screen.lines().last().unwrap_or_default().to_string();
            out.push_str(&format!("{name} {}x{}\n{last}\n", size.0, size.1));
        }
    }
    insta::assert_snapshot!("status_line_long_messages", out);
}

/// The header names the conversation's model; tokens of a model whose price is
/// unknown (a local one) show without a price, a known one's with it.
#[test]
fn the_header_shows_the_conversations_model_and_prices_only_known_models() {
    let header = |model: &str| {
        let mut messages = conversation_messages();
        for m in &mut messages {
            if m.model.is_some() {
                m.model = Some(model.to_string());
            }
        }
        let mut app = opened_with_model(online(), (180, 30), messages, None, Some(model));
        let screen = render(&mut app);
        screen.lines().nth(1).expect("header row").to_string()
    };
    let local = header("llama3.1:8b");
    assert!(local.contains("llama3.1:8b · 1.5k tok"), "{local}");
    assert!(!local.contains('$'), "{local}");
    let known = header("gpt-4o-mini");
    assert!(known.contains("gpt-4o-mini · 1.5k tok ~$"), "{known}");
}

/// The model picker over a conversation on a local server: the list, the model
/// in use marked and highlighted, the filter line and the keys.
#[test]
fn the_model_picker() {
    snapshot_at_sizes("model_picker", |size| {
        let mut app = opened_with_model(
            online(),
            size,
            conversation_messages(),
            None,
            Some("qwen2.5:7b"),
        );
        let effects = app.update(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)));
        assert!(matches!(effects[..], [Effect::LoadModels]));
        app.update(Event::ModelsLoaded(Ok(vec![
            "gpt-4o-mini".into(),
            "llama3.1:8b".into(),
            "mistral-nemo:12b-instruct-2407-q4_K_M".into(),
            "qwen2.5:7b".into(),
            "qwen2.5-coder:32b".into(),
        ])));
        app.update(key(KeyCode::Char('q')));
        app.update(key(KeyCode::Char('w')));
        app
    });
}

/// The picker when the server cannot list its models: one sentence, in the window.
#[test]
fn the_model_picker_with_an_error() {
    let mut app = with_conversation(online(), (50, 20));
    app.update(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE)));
    app.update(Event::ModelsLoaded(Err(
        "Cannot reach the server at http://127.0.0.1:11434/v1: is it running?".into(),
    )));
    insta::assert_snapshot!("model_picker_error_50x20", render(&mut app));
}
