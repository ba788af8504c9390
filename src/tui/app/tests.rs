//! Unit tests of `App::update`: every key and event, no terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};

use super::*;
use crate::agent::AgentError;
use crate::domain::{Conversation, ConversationSummary, InterviewSetup, Message, Role, Status};
use crate::tui::widgets::welcome::WelcomeReason;

const NOW: i64 = 1_750_000_000_000;

fn app() -> App {
    App::new(
        Mode::Offline {
            reason: "--offline".into(),
        },
        Theme::default(),
        (100, 30),
        NOW,
    )
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn alt(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::ALT))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)));
    }
}

fn summary(id: i64, title: &str) -> ConversationSummary {
    ConversationSummary {
        id,
        title: title.into(),
        persona: "career-coach".into(),
        created_at: NOW - id * 1000,
        updated_at: NOW - id * 1000,
        message_count: 2,
        archived: false,
        model: None,
    }
}

fn message(id: i64, conversation_id: i64, role: Role, content: &str, status: Status) -> Message {
    Message {
        id,
        conversation_id,
        role,
        content: content.into(),
        status,
        created_at: NOW - 60_000,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
        reasoning: None,
    }
}

fn conversation(id: i64, title: &str) -> Conversation {
    Conversation {
        id,
        uid: format!("uid-{id}"),
        title: title.into(),
        persona: "career-coach".into(),
        created_at: NOW,
        updated_at: NOW,
        archived: false,
        setup: None,
        model: None,
    }
}

/// An app with three conversations listed and conversation 1 open.
fn loaded() -> App {
    let mut app = app();
    app.start(None);
    let generation = app.sidebar.generation;
    app.update(Event::ConversationsLoaded {
        generation,
        offset: 0,
        page: vec![summary(1, "one"), summary(2, "two"), summary(3, "three")],
    });
    app.update(Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert_eq!(app.focus, Focus::Sidebar);
    app.update(key(KeyCode::Enter));
    app.update(Event::ConversationOpened {
        conversation: conversation(1, "one"),
        messages: vec![
            message(10, 1, Role::User, "hello", Status::Complete),
            message(
                11,
                1,
                Role::Assistant,
                "Tell me about yourself.",
                Status::Complete,
            ),
        ],
        has_older: false,
        draft: String::new(),
        jump_to: None,
    });
    app
}

#[test]
fn start_loads_the_first_page_and_reopens_the_last_conversation() {
    let mut app = app();
    let effects = app.start(Some(7));
    assert!(matches!(
        effects[0],
        Effect::LoadConversations {
            archived: false,
            offset: 0,
            ..
        }
    ));
    assert!(matches!(
        effects[1],
        Effect::OpenConversation {
            id: 7,
            jump_to: None
        }
    ));
    assert!(app.transcript.loading);
}

#[test]
fn typing_goes_to_the_input_and_marks_the_draft() {
    let mut app = app();
    type_text(&mut app, "hi");
    assert_eq!(app.draft(), "hi");
    assert!(app.draft_dirty);
}

#[test]
fn alt_enter_and_ctrl_j_insert_newlines_and_enter_sends() {
    let mut app = app();
    type_text(&mut app, "a");
    app.update(alt(KeyCode::Enter));
    type_text(&mut app, "b");
    app.update(ctrl('j'));
    type_text(&mut app, "c");
    assert_eq!(app.draft(), "a\nb\nc");
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::Send(req)) = effects.last() else {
        panic!("no send: {effects:?}");
    };
    assert_eq!(req.text, "a\nb\nc");
    assert_eq!(req.conversation_id, None);
    assert!(app.input.is_empty());
    assert!(app.pending.is_some());
    // The user's message shows at once, and the interviewer's turn after it.
    let ids: Vec<i64> = app.transcript.messages.iter().map(|m| m.id).collect();
    assert_eq!(ids, [OPTIMISTIC_ID, STREAM_ID]);
}

#[test]
fn blank_input_does_not_send() {
    let mut app = app();
    type_text(&mut app, "   ");
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert!(app.pending.is_none());
}

#[test]
fn an_oversized_message_stays_in_the_box_with_a_reason() {
    let mut app = app();
    app.update(Event::Paste(
        "x".repeat(crate::service::MAX_MESSAGE_BYTES + 1),
    ));
    let effects = app.update(key(KeyCode::Enter));
    assert!(effects.iter().all(|e| !matches!(e, Effect::Send(_))));
    assert_eq!(app.draft().len(), crate::service::MAX_MESSAGE_BYTES + 1);
    assert!(matches!(&app.status, Some((Tone::Error, t)) if t.contains("too long")));
}

#[test]
fn a_new_conversations_setup_from_its_first_message_reaches_the_header_and_title() {
    let mut app = app();
    let text = "Hi, I am preparing for a behavioural interview for a senior backend engineer role.";
    type_text(&mut app, text);
    app.update(key(KeyCode::Enter));
    let setup = crate::agent::bank::setup_from_message(text);
    assert!(setup.is_some());
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 5,
        message: message(50, 5, Role::User, text, Status::Complete),
        created: true,
        setup: setup.clone(),
    }));
    assert_eq!(app.transcript.setup, setup);
    assert_eq!(
        app.transcript.title,
        "senior backend engineer — Behavioural"
    );
    assert_eq!(app.sidebar.items[0].title, app.transcript.title);
}

#[test]
fn a_stream_shows_and_completes() {
    let mut app = app();
    type_text(&mut app, "hello");
    app.update(key(KeyCode::Enter));
    assert!(app.animating());
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 5,
        message: message(50, 5, Role::User, "hello", Status::Complete),
        created: true,
        setup: None,
    }));
    assert_eq!(app.transcript.conversation_id, Some(5));
    assert_eq!(app.transcript.messages[0].id, 50);
    assert_eq!(app.sidebar.items[0].id, 5, "the new conversation is listed");
    app.update(Event::Send(SendEvent::ReplyStarted { message_id: 51 }));
    app.update(Event::Send(SendEvent::Delta("Tell me ".into())));
    app.update(Event::Send(SendEvent::Delta("more.".into())));
    assert_eq!(
        app.pending.as_ref().map(|p| p.reply.as_str()),
        Some("Tell me more.")
    );
    let last = app
        .transcript
        .messages
        .last()
        .map(|m| (m.id, m.content.clone(), m.status));
    assert_eq!(
        last,
        Some((51, "Tell me more.".to_string(), Status::Streaming))
    );
    let reply = message(51, 5, Role::Assistant, "Tell me more.", Status::Complete);
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(reply),
        end: StreamEnd::Complete,
    }));
    app.update(Event::SendEnded(Ok(())));
    assert!(app.pending.is_none());
    assert_eq!(app.transcript.messages.len(), 2);
    assert_eq!(app.transcript.messages[1].status, Status::Complete);
    assert_eq!(app.sidebar.items[0].message_count, 2);
    assert!(app.status.is_none());
    assert!(app.answer_timer().is_some(), "the answer timer runs");
}

#[test]
fn esc_cancels_a_reply_once_and_the_interruption_is_reported() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    let effects = app.update(key(KeyCode::Esc));
    assert!(matches!(effects[..], [Effect::Cancel]));
    assert!(
        app.update(key(KeyCode::Esc)).is_empty(),
        "one cancel is enough"
    );
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(message(13, 1, Role::Assistant, "Part", Status::Interrupted)),
        end: StreamEnd::Interrupted("cancelled".into()),
    }));
    assert!(matches!(&app.status, Some((Tone::Info, t)) if t.contains("Stopped")));
    assert_eq!(app.next_key().as_deref(), Some("Ctrl+R retry"));
    assert_eq!(
        app.transcript.messages.last().map(|m| m.status),
        Some(Status::Interrupted)
    );
}

#[test]
fn retry_regenerates_after_an_error_or_interruption_only() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    assert!(
        app.update(key(KeyCode::Char('r'))).is_empty(),
        "complete: nothing to retry"
    );
    app.transcript
        .messages
        .push(message(12, 1, Role::Assistant, "", Status::Error));
    let effects = app.update(ctrl('r'));
    assert!(matches!(
        effects[..],
        [Effect::Regenerate { conversation_id: 1 }]
    ));
    assert!(
        app.transcript.messages.iter().all(|m| m.id != 12),
        "the failed reply goes"
    );
    assert_eq!(
        app.transcript.messages.last().map(|m| m.id),
        Some(STREAM_ID)
    );
    assert!(
        app.update(ctrl('r')).is_empty(),
        "not while a reply is coming"
    );
}

#[test]
fn a_refused_send_gives_the_text_back() {
    let mut app = app();
    type_text(&mut app, "my answer");
    app.update(key(KeyCode::Enter));
    app.update(Event::SendEnded(Err("the store is read-only".into())));
    assert_eq!(app.draft(), "my answer");
    assert!(app.pending.is_none());
    assert!(app.transcript.messages.is_empty());
    assert!(matches!(&app.status, Some((Tone::Error, t)) if t.contains("read-only")));
}

#[test]
fn a_failed_request_keeps_the_message_and_says_what_to_do() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 1,
        message: message(12, 1, Role::User, "answer", Status::Complete),
        created: false,
        setup: None,
    }));
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(message(13, 1, Role::Assistant, "", Status::Error)),
        end: StreamEnd::Failed(AgentError::Server {
            status: 503,
            message: "overloaded".into(),
        }),
    }));
    app.update(Event::SendEnded(Ok(())));
    assert!(
        matches!(&app.status, Some((Tone::Error, t)) if t.contains("503") && !t.contains("overloaded") && t.contains("interviewer.log"))
    );
    assert_eq!(app.next_key().as_deref(), Some("Ctrl+R retry"));
    assert!(
        app.transcript
            .messages
            .iter()
            .any(|m| m.content == "answer")
    );
}

#[test]
fn a_rejected_key_leads_back_to_the_welcome_screen() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::Finished {
        reply: None,
        end: StreamEnd::Failed(AgentError::BadKey {
            status: 401,
            message: "bad".into(),
        }),
    }));
    assert!(matches!(&app.overlay, Some(Overlay::Welcome(_))));
}

#[test]
fn the_welcome_screen_takes_a_key_or_goes_offline() {
    let mut app = app();
    app.welcome(WelcomeReason::NoKey);
    type_text(&mut app, "sk-test-");
    app.update(key(KeyCode::Backspace));
    app.update(Event::Paste("-1234\n".into()));
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::StoreKey { text, profile: None }] if text == "sk-test-1234"),
        "{effects:?}"
    );
    app.update(Event::KeyRejected("the keyring refused it".into()));
    assert!(matches!(app.overlay, Some(Overlay::Welcome(_))));
    app.update(Event::KeyAccepted {
        model: "gpt-4o-mini".into(),
        note: "saved".into(),
        profile: None,
    });
    assert!(app.overlay.is_none());
    assert_eq!(
        app.mode,
        Mode::Online {
            model: "gpt-4o-mini".into()
        }
    );

    let mut app = self::app();
    app.welcome(WelcomeReason::NoKey);
    let effects = app.update(key(KeyCode::Esc));
    assert!(matches!(effects[..], [Effect::RememberOffline]));
    assert!(app.overlay.is_none());
    assert!(app.is_offline());

    // K changes the key later; Esc leaves it as it was.
    let mut app = loaded();
    app.focus = Focus::Messages;
    app.update(key(KeyCode::Char('K')));
    assert!(matches!(app.overlay, Some(Overlay::Welcome(_))));
    app.update(key(KeyCode::Esc));
    assert!(app.overlay.is_none());
}

#[test]
fn tab_cycles_focus_and_skips_a_hidden_sidebar() {
    let mut app = app();
    let tab = || Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    app.update(tab());
    assert_eq!(app.focus, Focus::Sidebar);
    app.update(tab());
    assert_eq!(app.focus, Focus::Messages);
    app.update(tab());
    assert_eq!(app.focus, Focus::Input);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.focus, Focus::Messages);
    app.update(Event::Resize(50, 20));
    assert!(!app.sidebar_visible());
    app.update(tab());
    app.update(tab());
    assert_eq!(app.focus, Focus::Messages, "input -> messages, no sidebar");
    app.update(ctrl('b'));
    assert!(app.sidebar_visible());
    assert_eq!(app.focus, Focus::Sidebar);
    app.update(ctrl('b'));
    assert!(!app.sidebar_visible());
}

#[test]
fn the_sidebar_moves_opens_and_saves_the_draft_of_the_conversation_left() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "half an answer");
    app.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    app.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    assert_eq!(app.focus, Focus::Sidebar);
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Down));
    app.update(key(KeyCode::Char('k')));
    assert_eq!(app.sidebar.selected, 1);
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[0], Effect::SaveDraft { conversation_id: Some(1), text } if text == "half an answer")
    );
    assert!(matches!(effects[1], Effect::OpenConversation { id: 2, .. }));
    assert!(matches!(effects[2], Effect::SaveOpen(Some(2))));
    assert!(app.input.is_empty());
    assert_eq!(app.focus, Focus::Input);
    app.update(Event::ConversationOpened {
        conversation: conversation(2, "two"),
        messages: vec![],
        has_older: false,
        draft: "saved draft".into(),
        jump_to: None,
    });
    assert_eq!(app.draft(), "saved draft");
    // An answer for a conversation no longer open is dropped.
    app.update(Event::ConversationOpened {
        conversation: conversation(3, "three"),
        messages: vec![message(1, 3, Role::User, "x", Status::Complete)],
        has_older: false,
        draft: String::new(),
        jump_to: None,
    });
    assert_eq!(app.transcript.conversation_id, Some(2));
    assert!(app.transcript.messages.is_empty());
}

#[test]
fn home_end_and_paging_in_the_sidebar() {
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::End));
    assert_eq!(app.sidebar.selected, 2);
    app.update(key(KeyCode::Char('g')));
    assert_eq!(app.sidebar.selected, 0);
    app.update(key(KeyCode::Char('G')));
    // Near the end of a full page, the next page is asked for once.
    let mut app = self::app();
    app.start(None);
    let generation = app.sidebar.generation;
    let page = (0..100).map(|i| summary(i, "c")).collect();
    app.update(Event::ConversationsLoaded {
        generation,
        offset: 0,
        page,
    });
    app.focus = Focus::Sidebar;
    let effects = app.update(key(KeyCode::End));
    assert!(matches!(
        effects[..],
        [Effect::LoadConversations { offset: 100, .. }]
    ));
    assert!(app.update(key(KeyCode::Char('k'))).is_empty());
}

#[test]
fn n_and_ctrl_n_open_the_setup_form_for_a_new_interview() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    let shown = app.transcript.conversation_id;
    assert!(shown.is_some());
    // Issue 15: Esc returns to the conversation the form was opened from, focus and
    // draft where they were.
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Setup(_))));
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.transcript.conversation_id, shown);
    assert_eq!(app.focus, Focus::Messages);
    assert!(matches!(&app.status, Some((Tone::Info, t)) if t.contains("back to")));
    // Filled in, the form leaves the conversation for a new one.
    app.update(key(KeyCode::Char('n')));
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::ReadSetup(draft)) = effects.first() else {
        panic!("no ReadSetup: {effects:?}");
    };
    let effects = app.update(Event::SetupRead {
        persona: draft.persona.clone(),
        result: Ok(InterviewSetup::default()),
    });
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveOpen(None))));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadNewDraft)),
        "the new-interview draft comes back"
    );
    assert_eq!(app.transcript.conversation_id, None);
    assert_eq!(app.focus, Focus::Input);
    // Esc on a new interview: quick start with the defaults.
    app.update(ctrl('n'));
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.focus, Focus::Input);
    assert!(matches!(&app.status, Some((Tone::Info, t)) if t.contains("quick start")));
    // Ctrl+N on a new interview opens the form again, nothing to save.
    assert!(app.update(ctrl('n')).is_empty());
    type_text(&mut app, "Backend engineer");
    app.update(Event::Paste("!".into()));
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::ReadSetup(draft)) = effects.first() else {
        panic!("no ReadSetup: {effects:?}");
    };
    assert_eq!(draft.role.as_deref(), Some("Backend engineer!"));
    let persona = draft.persona.clone();
    app.update(Event::SetupRead {
        persona: persona.clone(),
        result: Ok(InterviewSetup {
            role: Some("Backend engineer".into()),
            questions: Some(3),
            ..InterviewSetup::default()
        }),
    });
    assert!(app.overlay.is_none());
    assert!(matches!(&app.status, Some((Tone::Info, t)) if t.contains("Backend engineer")));
    // The first message carries the setup and the persona.
    type_text(&mut app, "Hello");
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::Send(req)) = effects.last() else {
        panic!("no send");
    };
    assert_eq!(req.setup.as_ref().and_then(|s| s.questions), Some(3));
    assert_eq!(req.persona.as_deref(), Some(persona.as_str()));
}

#[test]
fn an_unreadable_setup_file_keeps_the_form_open() {
    let mut app = app();
    app.update(ctrl('n'));
    app.update(Event::SetupRead {
        persona: "career-interviewer".into(),
        result: Err(SetupFileError {
            field: crate::tui::widgets::setup_form::Field::JobDescription,
            message: "no such file".into(),
        }),
    });
    assert!(matches!(app.overlay, Some(Overlay::Setup(_))));
}

#[test]
fn scrolling_keys_and_the_wheel_move_the_message_pane() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    assert!(app.layout.is_following());
    app.update(key(KeyCode::Char('k')));
    assert!(
        !app.layout.is_following(),
        "scrolled up: the stream is no longer followed"
    );
    app.update(key(KeyCode::End));
    assert!(app.layout.is_following());
    app.update(key(KeyCode::PageUp));
    assert!(!app.layout.is_following());
    app.update(key(KeyCode::Char('G')));
    assert!(app.layout.is_following());
    app.update(key(KeyCode::Home));
    assert!(!app.layout.is_following());
    app.update(key(KeyCode::End));
    let wheel = |kind, column| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row: 5,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(wheel(MouseEventKind::ScrollUp, 60));
    assert!(!app.layout.is_following());
    app.update(wheel(MouseEventKind::ScrollDown, 2));
    assert_eq!(
        app.sidebar.selected, 2,
        "over the sidebar the wheel moves the list"
    );
    // Sending follows the end again.
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    assert!(app.layout.is_following());
}

#[test]
fn scrolling_to_the_top_loads_older_messages_once() {
    let mut app = loaded();
    app.transcript.has_older = true;
    app.transcript.showing_top = true;
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('k')));
    assert!(matches!(
        effects[..],
        [Effect::LoadOlder {
            conversation_id: 1,
            before_id: 10
        }]
    ));
    assert!(app.update(key(KeyCode::Char('k'))).is_empty());
    app.update(Event::OlderLoaded {
        conversation_id: 1,
        messages: vec![message(9, 1, Role::Assistant, "older", Status::Complete)],
    });
    assert_eq!(app.transcript.messages[0].id, 9);
    assert!(!app.transcript.has_older);
}

#[test]
fn help_opens_with_question_mark_and_f1() {
    let mut app = loaded();
    app.update(Event::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)));
    assert!(matches!(app.overlay, Some(Overlay::Help(_))));
    app.update(key(KeyCode::Down));
    assert!(
        matches!(app.overlay, Some(Overlay::Help(_))),
        "arrows scroll"
    );
    app.update(key(KeyCode::Esc));
    assert!(app.overlay.is_none());
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('?')));
    assert!(matches!(app.overlay, Some(Overlay::Help(_))));
    // In the input, `?` is just a character.
    app.update(key(KeyCode::Esc));
    app.focus = Focus::Input;
    app.update(key(KeyCode::Char('?')));
    assert!(app.overlay.is_none());
    assert_eq!(app.draft(), "?");
}

#[test]
fn q_quits_outside_the_input_and_ctrl_c_anywhere() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "q");
    assert_eq!(app.draft(), "q");
    let effects = app.update(ctrl('c'));
    assert!(
        matches!(&effects[..], [Effect::SaveDraft { conversation_id: Some(1), text }, Effect::Quit] if text == "q")
    );
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    assert!(matches!(
        app.update(key(KeyCode::Char('q'))).last(),
        Some(Effect::Quit)
    ));
    // Quitting during a reply stops it so it is stored.
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "x");
    app.update(key(KeyCode::Enter));
    assert!(matches!(app.update(ctrl('c'))[0], Effect::Cancel));
}

#[test]
fn y_copies_the_last_reply_or_the_highlighted_match() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    assert!(
        matches!(&app.update(key(KeyCode::Char('y')))[..], [Effect::Copy(t)] if t == "Tell me about yourself.")
    );
    app.transcript.highlight = Some(10);
    assert!(matches!(&app.update(key(KeyCode::Char('y')))[..], [Effect::Copy(t)] if t == "hello"));
    let mut empty = self::app();
    empty.focus = Focus::Messages;
    assert!(empty.update(key(KeyCode::Char('y'))).is_empty());
}

#[test]
fn the_editor_round_trip_replaces_the_draft() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "draft");
    assert!(matches!(&app.update(ctrl('e'))[..], [Effect::OpenEditor(t)] if t == "draft"));
    app.focus = Focus::Messages;
    assert!(matches!(
        &app.update(key(KeyCode::Char('e')))[..],
        [Effect::OpenEditor(_)]
    ));
    app.update(Event::EditorDone(Ok("edited\ntext\n".into())));
    assert_eq!(app.draft(), "edited\ntext");
    assert_eq!(app.focus, Focus::Input);
    app.update(Event::EditorDone(Err("cannot start the editor".into())));
    assert_eq!(
        app.draft(),
        "edited\ntext",
        "a failed editor keeps the draft"
    );
}

#[test]
fn rename_validates_and_updates_the_list() {
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('R')));
    app.update(ctrl('u'));
    assert!(
        app.update(key(KeyCode::Enter)).is_empty(),
        "empty title refused"
    );
    assert!(matches!(app.overlay, Some(Overlay::Rename { .. })));
    type_text(&mut app, "Backend loop");
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(&effects[..], [Effect::Rename { id: 1, title }] if title == "Backend loop"));
    assert_eq!(app.sidebar.items[0].title, "Backend loop");
    assert_eq!(app.transcript.title, "Backend loop");
    app.update(key(KeyCode::Char('R')));
    app.update(key(KeyCode::Esc));
    assert!(app.overlay.is_none());
}

#[test]
fn delete_asks_first() {
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('d')));
    assert!(app.update(key(KeyCode::Char('n'))).is_empty());
    assert_eq!(app.sidebar.items.len(), 3);
    app.update(key(KeyCode::Char('d')));
    app.update(key(KeyCode::Char('x')));
    assert!(
        matches!(app.overlay, Some(Overlay::ConfirmDelete { .. })),
        "other keys keep asking"
    );
    let effects = app.update(key(KeyCode::Char('y')));
    assert!(matches!(effects[0], Effect::Delete { id: 1 }));
    assert!(
        matches!(effects[1], Effect::SaveOpen(None)),
        "the open conversation was deleted"
    );
    assert_eq!(app.sidebar.items.len(), 2);
    assert_eq!(app.transcript.conversation_id, None);
}

#[test]
fn archive_and_show_archived() {
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('j')));
    let effects = app.update(key(KeyCode::Char('a')));
    assert!(matches!(
        effects[..],
        [Effect::SetArchived {
            id: 2,
            archived: true
        }]
    ));
    assert!(app.sidebar.position(2).is_none());
    let effects = app.update(key(KeyCode::Char('A')));
    assert!(matches!(
        effects[..],
        [Effect::LoadConversations {
            archived: true,
            offset: 0,
            ..
        }]
    ));
    assert!(app.sidebar.items.is_empty());
    let generation = app.sidebar.generation;
    app.update(Event::ConversationsLoaded {
        generation,
        offset: 0,
        page: vec![summary(2, "two")],
    });
    let effects = app.update(key(KeyCode::Char('a')));
    assert!(matches!(
        effects[..],
        [Effect::SetArchived {
            id: 2,
            archived: false
        }]
    ));
}

#[test]
fn slash_filters_live_and_enter_opens_the_match() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    app.update(key(KeyCode::Char('/')));
    assert_eq!(app.focus, Focus::Sidebar);
    let effects = app.update(key(KeyCode::Char('s')));
    assert!(matches!(&effects[..], [Effect::Search { seq: 1, query }] if query == "s"));
    let effects = app.update(key(KeyCode::Char('q')));
    assert!(
        matches!(&effects[..], [Effect::Search { seq: 2, query }] if query == "sq"),
        "q types, it does not quit"
    );
    app.update(Event::SearchResults {
        seq: 1,
        result: Ok(vec![]),
    });
    assert!(
        app.sidebar.filter.as_ref().is_some_and(|f| f.searching),
        "stale answer ignored"
    );
    let hit = Hit {
        conversation_id: 3,
        message_id: Some(33),
        title: "three".into(),
        snippet: "…sql…".into(),
    };
    app.update(Event::SearchResults {
        seq: 2,
        result: Ok(vec![hit]),
    });
    let effects = app.update(key(KeyCode::Enter));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::OpenConversation {
            id: 3,
            jump_to: Some(33)
        }
    )));
    assert!(app.sidebar.filter.is_none());
    app.update(Event::ConversationOpened {
        conversation: conversation(3, "three"),
        messages: vec![message(33, 3, Role::User, "sql", Status::Complete)],
        has_older: false,
        draft: String::new(),
        jump_to: Some(33),
    });
    assert_eq!(app.transcript.highlight, Some(33));
    assert_eq!(app.transcript.jump_to, Some(33));

    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('/')));
    app.update(key(KeyCode::Char('x')));
    app.update(Event::SearchResults {
        seq: 1,
        result: Err("bad query".into()),
    });
    assert_eq!(
        app.sidebar.filter.as_ref().and_then(|f| f.error.as_deref()),
        Some("bad query")
    );
    app.update(key(KeyCode::Esc));
    assert!(app.sidebar.filter.is_none());
}

#[test]
fn hint_and_skip_send_commands_offline_and_requests_online() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('h')));
    assert!(matches!(&effects[..], [Effect::Send(r)] if r.text == "/hint"));
    assert!(app.input.is_empty(), "the draft is not touched");
    app.update(Event::SendEnded(Ok(())));
    let effects = app.update(Event::Key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE)));
    assert!(matches!(&effects[..], [Effect::Send(r)] if r.text == "/skip"));
    let mut online = loaded();
    online.mode = Mode::Online { model: "m".into() };
    let effects = online.update(Event::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE)));
    assert!(matches!(&effects[..], [Effect::Send(r)] if r.text.contains("hint")));
}

#[test]
fn paste_is_sanitised_and_goes_to_the_input() {
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(Event::Paste("line one\n\x1b[31mred\x1b[0m\r\nend".into()));
    assert_eq!(app.focus, Focus::Input);
    let draft = app.draft();
    assert!(!draft.contains('\x1b'), "{draft:?}");
    assert!(draft.starts_with("line one\n"));
    assert!(draft.ends_with("end"));
}

#[test]
fn pasted_line_breaks_survive_whatever_the_terminal_sends() {
    let mut app = app();
    app.update(Event::Paste("one\rtwo\r\nthree\nfour".into()));
    assert_eq!(app.draft(), "one\ntwo\nthree\nfour");
}

#[test]
fn a_huge_paste_is_kept_whole() {
    let mut app = app();
    let text: String = (0..100_000).map(|i| format!("line {i}\n")).collect();
    app.update(Event::Paste(text.clone()));
    assert_eq!(app.draft(), text);
}

#[test]
fn ticks_advance_the_spinner_and_clock_and_resize_is_followed() {
    let mut app = app();
    app.update(Event::Tick { now: NOW + 5000 });
    assert_eq!(app.now, NOW + 5000);
    assert_eq!(app.spinner, 1);
    app.update(Event::Resize(60, 20));
    assert_eq!(app.size, (60, 20));
    assert!(!app.sidebar_visible());
    assert!(!app.animating(), "nothing moves when idle");
}

#[test]
fn new_conversation_draft_loads_only_into_an_empty_box() {
    let mut app = app();
    app.update(Event::NewDraftLoaded("earlier".into()));
    assert_eq!(app.draft(), "earlier");
    let mut busy = self::app();
    type_text(&mut busy, "typed");
    busy.update(Event::NewDraftLoaded("earlier".into()));
    assert_eq!(busy.draft(), "typed");
}

#[test]
fn failures_and_notices_reach_the_status_line() {
    let mut app = app();
    app.update(Event::Failed("cannot read".into()));
    assert_eq!(app.status, Some((Tone::Error, "cannot read".into())));
    app.update(Event::Notice("copied".into()));
    assert_eq!(app.status, Some((Tone::Info, "copied".into())));
}

#[test]
fn sending_during_a_reply_is_refused_and_the_text_stays() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "one");
    app.update(key(KeyCode::Enter));
    type_text(&mut app, "two");
    assert!(app.update(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.draft(), "two");
}

#[test]
fn f_shows_the_report_and_r_makes_a_new_one() {
    let mut app = self::app();
    app.focus = Focus::Messages;
    assert!(
        app.update(key(KeyCode::Char('F'))).is_empty(),
        "nothing to assess in a new interview"
    );
    let mut app = loaded();
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('F')));
    assert!(matches!(
        effects[..],
        [Effect::Report {
            conversation_id: 1,
            regenerate: false
        }]
    ));
    assert!(matches!(&app.overlay, Some(Overlay::Report(r)) if r.busy));
    assert!(
        app.update(key(KeyCode::Char('r'))).is_empty(),
        "not while one is being made"
    );
    app.update(Event::ReportFailed {
        conversation_id: 1,
        reason: "the server had a problem (503)".into(),
    });
    assert!(matches!(&app.overlay, Some(Overlay::Report(r)) if r.error.is_some() && !r.busy));
    let effects = app.update(key(KeyCode::Char('r')));
    assert!(matches!(
        effects[..],
        [Effect::Report {
            conversation_id: 1,
            regenerate: true
        }]
    ));
    app.update(Event::ReportReady {
        conversation_id: 1,
        report: crate::domain::StoredReport {
            id: 1,
            conversation_id: 1,
            kind: "heuristic".into(),
            model: None,
            body: "not json".into(),
            valid: false,
            created_at: NOW,
        },
    });
    assert!(matches!(&app.overlay, Some(Overlay::Report(r)) if r.view.is_some() && !r.busy));
    // Issue 15: while r makes a new report, the view shown says so.
    let effects = app.update(key(KeyCode::Char('r')));
    assert!(matches!(
        &effects[..],
        [Effect::Report {
            regenerate: true,
            ..
        }]
    ));
    assert!(matches!(&app.overlay, Some(Overlay::Report(r))
        if r.busy && r.view.as_ref().is_some_and(|v| v.busy())));
    app.update(Event::ReportFailed {
        conversation_id: 1,
        reason: "the server had a problem".into(),
    });
    assert!(matches!(&app.overlay, Some(Overlay::Report(r))
        if !r.busy && r.view.as_ref().is_some_and(|v| !v.busy())));
    app.update(key(KeyCode::Char('j')));
    assert!(matches!(app.overlay, Some(Overlay::Report(_))), "j scrolls");
    // Issue 15: progress is one key from the report.
    let effects = app.update(key(KeyCode::Char('P')));
    assert!(matches!(&effects[..], [Effect::LoadProgress]));
    assert!(matches!(app.overlay, Some(Overlay::Progress(_))));
    app.update(key(KeyCode::Esc));
    app.update(key(KeyCode::Char('F')));
    assert!(matches!(app.overlay, Some(Overlay::Report(_))));
    app.update(key(KeyCode::Esc));
    assert!(app.overlay.is_none());
    // A late failure after closing goes to the status line.
    app.update(Event::ReportFailed {
        conversation_id: 1,
        reason: "late".into(),
    });
    assert!(matches!(&app.status, Some((Tone::Error, t)) if t == "late"));
}

#[test]
fn esc_in_the_input_keeps_typing_safe() {
    let mut app = loaded();
    app.focus = Focus::Input;
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(app.focus, Focus::Input);
    type_text(&mut app, "and done");
    assert_eq!(app.draft(), "and done");
    assert_eq!(app.sidebar.items.len(), 3, "nothing archived");
}

#[test]
fn a_cut_off_reply_is_reported_as_a_problem() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(message(13, 1, Role::Assistant, "Part", Status::Interrupted)),
        end: StreamEnd::Interrupted("the server closed the stream early".into()),
    }));
    assert!(
        matches!(&app.status, Some((Tone::Error, t)) if t.starts_with("The server closed the stream early.") && t.contains("kept"))
    );
    let dropped = AgentError::Dropped {
        reason: "Transport error: error decoding response body".into(),
    }
    .to_string();
    assert_eq!(
        super::sending::plain_reason(&dropped),
        "the connection dropped in the middle of the reply"
    );
    assert_eq!(
        super::sending::plain_reason(
            "the server stopped sending for 1s, so the reply is cut off; try again"
        ),
        "the server stopped sending for 1s, so the reply is cut off"
    );
    assert_eq!(app.next_key().as_deref(), Some("Ctrl+R retry"));
}

#[test]
fn a_rate_limit_counts_down_then_says_a_retry_can_go_now() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    let now = app.now;
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(message(13, 1, Role::Assistant, "", Status::Error)),
        end: StreamEnd::Failed(AgentError::RateLimited {
            quota: false,
            retry_after_secs: Some(3),
            message: "slow down".into(),
        }),
    }));
    app.update(Event::SendEnded(Ok(())));
    assert!(app.animating(), "the countdown ticks");
    let said = |app: &App| app.status_message().map(|(_, t)| t).unwrap_or_default();
    assert_eq!(said(&app), "Rate limited by the server: retry in 3s.");
    app.update(Event::Tick { now: now + 1_500 });
    assert_eq!(said(&app), "Rate limited by the server: retry in 2s.");
    // A key clears ordinary messages, not the countdown.
    app.update(key(KeyCode::Char('x')));
    assert!(said(&app).contains("retry in 2s"), "{}", said(&app));
    app.update(Event::Tick { now: now + 3_000 });
    assert_eq!(said(&app), "The server can be retried now.");
    assert!(!app.animating(), "nothing retries by itself");
    assert!(
        app.pending.is_none(),
        "no silent retry when the countdown ends"
    );
    assert_eq!(app.next_key().as_deref(), Some("Ctrl+R retry"));
}

#[test]
fn a_message_clears_at_the_next_key() {
    let mut app = loaded();
    app.focus = Focus::Input;
    app.update(ctrl('r'));
    assert!(app.status.is_some());
    app.update(key(KeyCode::Char('a')));
    assert!(app.status.is_none(), "the tip stopped applying");
}

#[test]
fn x_exports_the_open_conversation() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('x')));
    assert!(matches!(
        effects[..],
        [Effect::Export { conversation_id: 1 }]
    ));
    let mut new = self::app();
    new.focus = Focus::Messages;
    assert!(new.update(key(KeyCode::Char('x'))).is_empty());
}

#[test]
fn a_conversation_reopened_mid_stream_shows_all_of_the_reply_so_far() {
    let mut app = loaded();
    app.focus = Focus::Input;
    type_text(&mut app, "answer");
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 1,
        message: message(12, 1, Role::User, "answer", Status::Complete),
        created: false,
        setup: None,
    }));
    app.update(Event::Send(SendEvent::ReplyStarted { message_id: 13 }));
    app.update(Event::Send(SendEvent::Delta("Partial ".into())));
    // Away to conversation 2 and back; the store has only the first flush.
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('j')));
    app.update(key(KeyCode::Enter));
    app.update(Event::Send(SendEvent::Delta("text ".into())));
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('k')));
    app.update(key(KeyCode::Enter));
    let mut stored = message(13, 1, Role::Assistant, "Part", Status::Streaming);
    stored.created_at = NOW;
    app.update(Event::ConversationOpened {
        conversation: conversation(1, "one"),
        messages: vec![
            message(10, 1, Role::User, "hello", Status::Complete),
            message(12, 1, Role::User, "answer", Status::Complete),
            stored,
        ],
        has_older: false,
        draft: String::new(),
        jump_to: None,
    });
    assert_eq!(app.transcript.messages[2].content, "Partial text ");
    app.update(Event::Send(SendEvent::Delta("more".into())));
    assert_eq!(app.transcript.messages[2].content, "Partial text more");
    app.update(Event::Send(SendEvent::Finished {
        reply: Some(message(
            13,
            1,
            Role::Assistant,
            "Partial text more",
            Status::Complete,
        )),
        end: StreamEnd::Complete,
    }));
    assert_eq!(app.transcript.messages.len(), 3);
    assert_eq!(app.transcript.messages[2].status, Status::Complete);
}

#[test]
fn the_answer_timer_runs_only_for_a_live_question() {
    let mut app = loaded();
    // The last question was asked a minute ago.
    assert_eq!(app.answer_timer(), Some(60_000));
    assert!(app.animating());
    app.now += 2 * 60 * 60 * 1000;
    assert_eq!(app.answer_timer(), None, "hours later it is history");
    assert!(!app.animating(), "no tick for a conversation at rest");
}

#[test]
fn a_click_in_the_list_opens_that_conversation() {
    let mut app = loaded();
    // As drawn: row 1 is the "Today" heading, rows 2-4 the three conversations.
    app.sidebar_rows = (1, vec![None, Some(0), Some(1), Some(2)]);
    let click = |row| {
        Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: 3,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    assert!(app.update(click(1)).is_empty(), "a heading opens nothing");
    let effects = app.update(click(3));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::OpenConversation { id: 2, .. }))
    );
    assert_eq!(app.focus, Focus::Input);
    assert!(app.update(click(20)).is_empty(), "below the list");
}

#[test]
fn p_shows_progress_across_interviews_and_scrolls_until_closed() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('P')));
    assert!(matches!(effects[..], [Effect::LoadProgress]));
    assert!(matches!(&app.overlay, Some(Overlay::Progress(p)) if p.text.is_none()));
    let text = (1..=30).map(|i| format!("line {i}\n")).collect::<String>();
    app.update(Event::ProgressReady(Ok(text)));
    app.update(key(KeyCode::PageDown));
    assert!(matches!(&app.overlay, Some(Overlay::Progress(p)) if p.scroll == 10));
    app.update(key(KeyCode::Up));
    assert!(matches!(&app.overlay, Some(Overlay::Progress(p)) if p.scroll == 9));
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());

    app.update(key(KeyCode::Char('P')));
    app.update(Event::ProgressReady(Err("the disk is full".into())));
    assert!(
        matches!(&app.overlay, Some(Overlay::Progress(p)) if p.error.as_deref() == Some("the disk is full"))
    );
}

fn online_loaded() -> App {
    let mut app = loaded();
    app.mode = Mode::Online {
        model: "gpt-4o-mini".into(),
    };
    app
}

fn picker(app: &App) -> &ModelPicker {
    match &app.overlay {
        Some(Overlay::ModelPicker(p)) => p,
        other => panic!("no model picker: {other:?}"),
    }
}

#[test]
fn the_model_picker_lists_the_servers_models_and_stores_the_choice_with_the_conversation() {
    let mut app = online_loaded();
    app.transcript.model = Some("qwen2.5:7b".into());
    app.focus = Focus::Messages;
    let effects = app.update(key(KeyCode::Char('m')));
    assert!(matches!(effects[..], [Effect::LoadModels]));
    assert!(picker(&app).loading());
    assert_eq!(picker(&app).current.as_deref(), Some("qwen2.5:7b"));
    // Keys typed while the list is on its way filter it; nothing reaches the pane.
    app.update(Event::ModelsLoaded(Ok(vec![
        "gpt-4o-mini".into(),
        "llama3.1:8b".into(),
        "qwen2.5:7b".into(),
    ])));
    assert_eq!(
        picker(&app).choice().as_deref(),
        Some("qwen2.5:7b"),
        "the current one"
    );
    type_text(&mut app, "llama");
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::SetConversationModel { conversation_id: 1, model }] if model == "llama3.1:8b"),
        "{effects:?}"
    );
    assert!(app.overlay.is_none());
    assert_eq!(app.transcript.model.as_deref(), Some("llama3.1:8b"));
    assert_eq!(app.shown_model(), Some("llama3.1:8b"));
    // The next turn names no model: the conversation's stored one answers.
    app.focus = Focus::Input;
    type_text(&mut app, "my answer");
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(effects.last(), Some(Effect::Send(r)) if r.model.is_none()));
}

#[test]
fn for_a_new_interview_the_choice_is_the_model_it_starts_with() {
    let mut app = online_loaded();
    // A new interview: the setup form, filled in with its defaults (Esc would come
    // back to the conversation shown).
    app.update(ctrl('n'));
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::ReadSetup(draft)) = effects.first() else {
        panic!("no ReadSetup: {effects:?}");
    };
    app.update(Event::SetupRead {
        persona: draft.persona.clone(),
        result: Ok(InterviewSetup::default()),
    });
    assert_eq!(app.transcript.conversation_id, None);
    app.update(key(KeyCode::F(5)));
    app.update(Event::ModelsLoaded(Ok(vec![
        "llama3.1:8b".into(),
        "gpt-4o-mini".into(),
    ])));
    type_text(&mut app, "llama");
    assert!(
        app.update(key(KeyCode::Enter)).is_empty(),
        "nothing to store yet"
    );
    assert_eq!(app.shown_model(), Some("llama3.1:8b"));
    app.focus = Focus::Input;
    type_text(&mut app, "Hello");
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(effects.last(), Some(Effect::Send(r)) if r.conversation_id.is_none() && r.model.as_deref() == Some("llama3.1:8b")),
        "{effects:?}"
    );
}

#[test]
fn the_model_picker_says_why_there_is_no_list_and_esc_changes_nothing() {
    let mut app = online_loaded();
    app.update(key(KeyCode::F(5)));
    app.update(Event::ModelsLoaded(Err(
        "The server refused the API key (401).".into(),
    )));
    assert_eq!(
        picker(&app).error.as_deref(),
        Some("The server refused the API key (401).")
    );
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.transcript.model, None);

    // Offline, a typed name is refused in words: the question bank answers.
    let mut offline = loaded();
    offline.update(key(KeyCode::F(5)));
    offline.update(Event::ModelsLoaded(Err(
        "Offline practice has no models.".into()
    )));
    type_text(&mut offline, "llama3");
    assert!(offline.update(key(KeyCode::Enter)).is_empty());
    assert!(matches!(&offline.status, Some((Tone::Error, s)) if s.contains("offline practice")));
    // A result for a picker closed meanwhile is dropped.
    offline.update(Event::ModelsLoaded(Ok(vec!["x".into()])));
    assert!(offline.overlay.is_none());
}

// ----- every key the help lists for the answer box, against the real widget ----------
//
// Each key of the key map's Anywhere and Input rows is pressed with the focus in the
// answer box, through `App::update` (the table lookup, then the widget), on a draft
// restored at start (as after a restart). `every_input_and_anywhere_key_is_tested`
// fails when the table gains a key that has no test here.

use crate::tui::keys::{KEYMAP, Scope, Trigger};

/// The app as after a restart with `draft` restored, focus in the answer box.
fn restored(draft: &str) -> App {
    let mut app = app();
    app.update(Event::NewDraftLoaded(draft.into()));
    assert_eq!(app.focus, Focus::Input);
    assert_eq!(app.draft(), draft);
    app
}

fn press(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Event::Key(KeyEvent::new(code, modifiers)))
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

/// One test per key, and the list of the keys tested.
macro_rules! key_tests {
    ($($name:ident: ($code:expr, $mods:expr) => $check:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let check: fn(KeyCode, KeyModifiers) = $check;
                check($code, $mods);
            }
        )*
        const TESTED_KEYS: &[(KeyCode, KeyModifiers)] = &[$(($code, $mods)),*];
    };
}

key_tests! {
    input_enter_sends_the_draft: (KeyCode::Enter, NONE) => |code, mods| {
        let mut app = restored("my answer");
        let effects = press(&mut app, code, mods);
        assert!(
            matches!(effects.last(), Some(Effect::Send(r)) if r.text == "my answer"),
            "{effects:?}"
        );
        assert!(app.input.is_empty());
    };
    input_alt_enter_is_a_new_line: (KeyCode::Enter, ALT) => |code, mods| {
        let mut app = restored("a");
        assert!(press(&mut app, code, mods).is_empty());
        type_text(&mut app, "b");
        assert_eq!(app.draft(), "a\nb");
        assert!(app.pending.is_none());
    };
    input_shift_enter_is_a_new_line: (KeyCode::Enter, SHIFT) => |code, mods| {
        let mut app = restored("a");
        assert!(press(&mut app, code, mods).is_empty());
        type_text(&mut app, "b");
        assert_eq!(app.draft(), "a\nb");
    };
    input_ctrl_j_is_a_new_line: (KeyCode::Char('j'), CTRL) => |code, mods| {
        let mut app = restored("a");
        assert!(press(&mut app, code, mods).is_empty());
        type_text(&mut app, "b");
        assert_eq!(app.draft(), "a\nb");
    };
    input_ctrl_u_deletes_to_line_start: (KeyCode::Char('u'), CTRL) => |code, mods| {
        // The report of issue 15: it used to undo, giving "hello w".
        let mut app = app();
        type_text(&mut app, "hello world");
        for _ in 0..5 {
            app.update(key(KeyCode::Backspace));
        }
        assert_eq!(app.draft(), "hello ");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "");
        assert!(app.draft_dirty);
        // A restored draft (no edit history) is cleared too.
        let mut app = restored("saved draft");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "");
        // Only what is before the cursor, on its line; at a line's start the line
        // joins the one above, so repeating the key clears a whole draft.
        let mut app = restored("first\none two");
        for _ in 0..3 {
            app.update(key(KeyCode::Left));
        }
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "first\ntwo");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "firsttwo");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "two");
    };
    input_ctrl_k_deletes_to_line_end: (KeyCode::Char('k'), CTRL) => |code, mods| {
        let mut app = restored("one two\nthree");
        app.update(key(KeyCode::Up));
        app.update(key(KeyCode::Home));
        for _ in 0..3 {
            app.update(key(KeyCode::Right));
        }
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "one\nthree");
    };
    input_ctrl_w_deletes_a_word: (KeyCode::Char('w'), CTRL) => |code, mods| {
        let mut app = restored("one two three");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "one two ");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "one ");
    };
    input_alt_backspace_deletes_a_word: (KeyCode::Backspace, ALT) => |code, mods| {
        let mut app = restored("one two");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "one ");
    };
    input_left_moves_the_cursor: (KeyCode::Left, NONE) => |code, mods| {
        let mut app = restored("ab");
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "aXb");
    };
    input_right_moves_the_cursor: (KeyCode::Right, NONE) => |code, mods| {
        let mut app = restored("abc");
        app.update(key(KeyCode::Home));
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "aXbc");
    };
    input_up_moves_the_cursor: (KeyCode::Up, NONE) => |code, mods| {
        let mut app = restored("ab\ncd");
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "abX\ncd");
        assert!(app.layout.is_following(), "the messages did not scroll");
    };
    input_down_moves_the_cursor: (KeyCode::Down, NONE) => |code, mods| {
        let mut app = restored("ab\ncd");
        app.update(key(KeyCode::Up));
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "ab\ncdX");
    };
    input_home_goes_to_line_start: (KeyCode::Home, NONE) => |code, mods| {
        let mut app = restored("ab\ncd");
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "ab\nXcd");
    };
    input_end_goes_to_line_end: (KeyCode::End, NONE) => |code, mods| {
        let mut app = restored("ab\ncd");
        app.update(key(KeyCode::Up));
        app.update(key(KeyCode::Home));
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "abX\ncd");
    };
    input_ctrl_left_moves_a_word_left: (KeyCode::Left, CTRL) => |code, mods| {
        let mut app = restored("one two");
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "one Xtwo");
    };
    input_ctrl_right_moves_a_word_right: (KeyCode::Right, CTRL) => |code, mods| {
        let mut app = restored("one two");
        app.update(key(KeyCode::Home));
        press(&mut app, code, mods);
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "one Xtwo");
    };
    input_ctrl_z_undoes: (KeyCode::Char('z'), CTRL) => |code, mods| {
        let mut app = restored("kept");
        type_text(&mut app, " more");
        app.update(ctrl('u'));
        assert_eq!(app.draft(), "");
        press(&mut app, code, mods);
        assert_eq!(app.draft(), "kept more");
    };
    // The Anywhere keys, pressed in the answer box: they act, the draft is untouched.
    anywhere_tab_moves_focus_on: (KeyCode::Tab, NONE) => |code, mods| {
        let mut app = restored("draft");
        press(&mut app, code, mods);
        assert_eq!(app.focus, Focus::Sidebar);
        assert_eq!(app.draft(), "draft");
    };
    anywhere_shift_tab_moves_focus_back: (KeyCode::BackTab, NONE) => |code, mods| {
        let mut app = restored("draft");
        press(&mut app, code, mods);
        assert_eq!(app.focus, Focus::Messages);
        assert_eq!(app.draft(), "draft");
    };
    anywhere_esc_stops_a_reply_and_otherwise_stays: (KeyCode::Esc, NONE) => |code, mods| {
        let mut app = restored("draft");
        assert!(press(&mut app, code, mods).is_empty());
        assert_eq!(app.focus, Focus::Input);
        assert_eq!(app.draft(), "draft");
        app.update(key(KeyCode::Enter));
        assert!(app.pending.is_some());
        assert!(matches!(&press(&mut app, code, mods)[..], [Effect::Cancel]));
    };
    anywhere_ctrl_r_retries_not_redo: (KeyCode::Char('r'), CTRL) => |code, mods| {
        let mut app = loaded();
        app.focus = Focus::Input;
        type_text(&mut app, "ab");
        app.update(ctrl('z'));
        let before = app.draft();
        press(&mut app, code, mods);
        assert_eq!(app.draft(), before, "no redo in the answer box");
        assert!(app.status.as_ref().is_some_and(|(_, s)| s.contains("nothing to retry")));
    };
    anywhere_ctrl_n_opens_the_setup_form: (KeyCode::Char('n'), CTRL) => |code, mods| {
        let mut app = restored("draft");
        press(&mut app, code, mods);
        assert!(matches!(app.overlay, Some(Overlay::Setup(_))));
        assert_eq!(app.draft(), "draft");
    };
    anywhere_ctrl_e_opens_the_editor: (KeyCode::Char('e'), CTRL) => |code, mods| {
        let mut app = restored("draft");
        app.update(key(KeyCode::Home));
        let effects = press(&mut app, code, mods);
        assert!(matches!(&effects[..], [Effect::OpenEditor(t)] if t == "draft"));
    };
    anywhere_ctrl_b_toggles_the_list: (KeyCode::Char('b'), CTRL) => |code, mods| {
        let mut app = restored("draft");
        assert!(app.sidebar_visible());
        press(&mut app, code, mods);
        assert!(!app.sidebar_visible());
        type_text(&mut app, "X");
        assert_eq!(app.draft(), "draftX", "the cursor did not move");
    };
    anywhere_page_up_scrolls_the_messages: (KeyCode::PageUp, NONE) => |code, mods| {
        let mut app = long_conversation();
        app.focus = Focus::Input;
        press(&mut app, code, mods);
        assert!(!app.layout.is_following());
        assert!(app.input.is_empty());
    };
    anywhere_page_down_scrolls_the_messages: (KeyCode::PageDown, NONE) => |code, mods| {
        let mut app = long_conversation();
        app.focus = Focus::Input;
        app.update(key(KeyCode::PageUp));
        app.update(key(KeyCode::PageUp));
        for _ in 0..40 {
            press(&mut app, code, mods);
        }
        assert!(app.layout.is_following());
    };
    anywhere_f1_opens_the_help: (KeyCode::F(1), NONE) => |code, mods| {
        let mut app = restored("draft");
        press(&mut app, code, mods);
        assert!(matches!(app.overlay, Some(Overlay::Help(_))));
    };
    anywhere_f2_asks_for_a_hint: (KeyCode::F(2), NONE) => |code, mods| {
        let mut app = loaded();
        app.focus = Focus::Input;
        type_text(&mut app, "draft");
        let effects = press(&mut app, code, mods);
        assert!(matches!(effects.last(), Some(Effect::Send(r)) if r.text == HINT_OFFLINE));
        assert_eq!(app.draft(), "draft");
    };
    anywhere_f3_skips_the_question: (KeyCode::F(3), NONE) => |code, mods| {
        let mut app = loaded();
        app.focus = Focus::Input;
        let effects = press(&mut app, code, mods);
        assert!(matches!(effects.last(), Some(Effect::Send(r)) if r.text == SKIP_OFFLINE));
    };
    anywhere_f5_opens_the_model_picker: (KeyCode::F(5), NONE) => |code, mods| {
        let mut app = restored("draft");
        let effects = press(&mut app, code, mods);
        assert!(matches!(effects[..], [Effect::LoadModels]));
        assert!(matches!(app.overlay, Some(Overlay::ModelPicker(_))));
        assert_eq!(app.draft(), "draft");
    };
    anywhere_f6_opens_the_endpoint_list_keeping_the_draft: (KeyCode::F(6), NONE) => |code, mods| {
        let mut app = restored("draft");
        assert!(press(&mut app, code, mods).is_empty());
        assert!(matches!(app.overlay, Some(Overlay::ProfilePicker(_))));
        assert_eq!(app.draft(), "draft");
    };
    anywhere_f7_unfolds_reasoning_keeping_the_draft: (KeyCode::F(7), NONE) => |code, mods| {
        let mut app = restored("draft");
        assert!(press(&mut app, code, mods).is_empty());
        assert!(app.layout.shows_reasoning());
        assert_eq!(app.draft(), "draft");
        press(&mut app, code, mods);
        assert!(!app.layout.shows_reasoning());
    };
    anywhere_f4_opens_a_drill_keeping_the_draft: (KeyCode::F(4), NONE) => |code, mods| {
        let mut app = restored("draft");
        let effects = press(&mut app, code, mods);
        assert!(matches!(effects[..], [Effect::PlanDrill]), "{effects:?}");
        assert!(matches!(app.overlay, Some(Overlay::Drill(_))));
        assert_eq!(app.draft(), "draft");
    };
    anywhere_ctrl_c_quits_keeping_the_draft: (KeyCode::Char('c'), CTRL) => |code, mods| {
        let mut app = restored("draft");
        let effects = press(&mut app, code, mods);
        assert!(matches!(
            &effects[..],
            [Effect::SaveDraft { text, .. }, Effect::Quit] if text == "draft"
        ));
    };
}

/// Conversation 1 open with enough messages to scroll.
fn long_conversation() -> App {
    let mut app = loaded();
    let messages = (0..40)
        .map(|i| {
            let role = if i % 2 == 0 {
                Role::User
            } else {
                Role::Assistant
            };
            message(100 + i, 1, role, &format!("message {i}"), Status::Complete)
        })
        .collect();
    app.transcript = crate::tui::transcript::Transcript::loading(1, "one".into());
    app.update(Event::ConversationOpened {
        conversation: conversation(1, "one"),
        messages,
        has_older: false,
        draft: String::new(),
        jump_to: None,
    });
    app.prepare_frame();
    app
}

#[test]
fn every_input_and_anywhere_key_is_tested() {
    for row in KEYMAP
        .iter()
        .filter(|r| matches!(r.scope, Scope::Anywhere | Scope::Input))
    {
        for binding in row.keys.iter().flat_map(|g| g.iter()) {
            if !matches!(binding.trigger, Trigger::Key(..)) {
                continue;
            }
            let tested = TESTED_KEYS
                .iter()
                .any(|&(code, mods)| binding.trigger.matches(&KeyEvent::new(code, mods)));
            assert!(
                tested,
                "{} ({:?} in {:?}) has no test with the answer box",
                binding.trigger.name(),
                binding.action,
                row.scope
            );
        }
    }
}

#[test]
fn keys_the_answer_box_does_not_bind_do_nothing() {
    let mut app = restored("draft");
    // ratatui-textarea's own shortcuts must not be reachable.
    for c in ['d', 'h', 'y', 'x', 'v', 'a', 'f', 'p'] {
        press(&mut app, KeyCode::Char(c), CTRL);
    }
    for c in ['d', 'f', 'b', '<', '>'] {
        press(&mut app, KeyCode::Char(c), ALT);
    }
    type_text(&mut app, "!");
    assert_eq!(app.draft(), "draft!");
}

// ----- Esc never moves the focus into the answer box ---------------------------------

/// Issue 15: Tab to the list, `/`, type, Esc, Esc, then `g` Enter sent "g" as an answer
/// and created an interview titled "g".
#[test]
fn esc_in_the_list_never_moves_focus_into_the_answer_box() {
    for mut app in [app(), loaded()] {
        app.focus = Focus::Input;
        app.update(key(KeyCode::Tab));
        assert_eq!(app.focus, Focus::Sidebar);
        app.update(key(KeyCode::Char('/')));
        type_text(&mut app, "tw");
        assert!(app.sidebar.filter.is_some());
        app.update(key(KeyCode::Esc));
        assert!(
            app.sidebar.filter.is_none(),
            "the first Esc clears the search"
        );
        assert_eq!(app.focus, Focus::Sidebar);
        assert!(app.update(key(KeyCode::Esc)).is_empty());
        assert_eq!(
            app.focus,
            Focus::Sidebar,
            "the second Esc stays in the list"
        );
        assert!(
            app.status
                .as_ref()
                .is_some_and(|(_, s)| s.contains("goes back to your answer"))
        );
        let mut effects = app.update(key(KeyCode::Char('g')));
        effects.extend(app.update(key(KeyCode::Enter)));
        assert!(
            !effects.iter().any(|e| matches!(e, Effect::Send(_))),
            "nothing is sent: {effects:?}"
        );
        assert!(app.pending.is_none());
        assert_eq!(app.draft(), "");
        assert!(!app.transcript.messages.iter().any(|m| m.content == "g"));
    }
}

#[test]
fn esc_in_the_messages_stays_there() {
    let mut app = loaded();
    app.focus = Focus::Messages;
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(app.focus, Focus::Messages);
    app.update(key(KeyCode::Char('i')));
    assert_eq!(app.focus, Focus::Input);
}

#[test]
fn the_setup_summary_says_the_seniority_once_and_counts_properly() {
    let setup = InterviewSetup {
        role: Some("Staff SRE".into()),
        seniority: Some("staff".into()),
        questions: Some(1),
        ..InterviewSetup::default()
    };
    let said = setup_summary(&setup);
    assert!(said.contains("for a Staff SRE, 1 question"), "{said}");
    assert!(!said.to_lowercase().contains("staff staff"), "{said}");
}

#[test]
fn an_open_quote_is_still_being_typed_so_nothing_is_searched() {
    assert!(super::actions::open_quote("\"rate lim"));
    assert!(!super::actions::open_quote("\"rate limit\" redis"));
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    app.update(key(KeyCode::Char('/')));
    type_text(&mut app, "\"rate");
    let filter = app
        .sidebar
        .filter
        .as_ref()
        .expect("the search field is open");
    assert!(
        filter.error.is_none() && !filter.searching,
        "no search, no syntax error yet"
    );
    let effects = app.update(key(KeyCode::Char('"')));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Search { query, .. } if query == "\"rate\"")),
        "the closed phrase is searched"
    );
}

/// Issue 15: a model's closing turn ends the interview as the offline engine's does
/// (F for the report, no answer timer), and the status line says plainly that a list
/// key needs Tab first.
#[test]
fn a_closing_turn_offers_the_report_in_plain_words() {
    let model_close = "Thank you, that's all my questions. The interview is over: your feedback report is available now.";
    assert!(closes(model_close));
    assert!(closes(
        "That's the end of the interview. Thank you for your time."
    ));
    assert!(!closes(
        "Feedback comes in the report at the end of the interview. What did you do next?"
    ));
    assert!(!closes(
        "Tell me about a time you disagreed with a colleague."
    ));
    let mut app = loaded();
    app.transcript.messages.push(message(
        99,
        1,
        Role::Assistant,
        model_close,
        Status::Complete,
    ));
    assert!(app.interview_finished());
    assert!(app.answer_timer().is_none());
    app.focus = Focus::Input;
    assert_eq!(app.next_key().as_deref(), Some("Tab then F: report"));
    app.focus = Focus::Messages;
    assert_eq!(app.next_key().as_deref(), Some("F report"));
}

/// Issue 15: after a restart, an empty active list whose interviews are archived
/// says so (it used to say "No interviews yet" once the app was restarted).
#[test]
fn an_empty_list_after_a_restart_asks_whether_interviews_are_archived() {
    let mut app = app();
    app.start(None);
    let generation = app.sidebar.generation;
    let effects = app.update(Event::ConversationsLoaded {
        generation,
        offset: 0,
        page: vec![],
    });
    assert!(
        effects.iter().any(|e| matches!(e, Effect::CheckArchived)),
        "{effects:?}"
    );
    assert!(!app.sidebar.archived_some);
    app.update(Event::ArchivedExist(true));
    assert!(app.sidebar.archived_some);
    // A list with conversations asks nothing.
    let mut app = loaded();
    let generation = app.sidebar.generation;
    let effects = app.update(Event::ConversationsLoaded {
        generation,
        offset: app.sidebar.items.len(),
        page: vec![],
    });
    assert!(!effects.iter().any(|e| matches!(e, Effect::CheckArchived)));
}

/// Every key of the key map's list rows (the help's "Conversations and messages"
/// section), pressed in the messages with a draft in the answer box: it does what its
/// row says, and the answer box never sees it (nothing is typed, nothing is sent as
/// text). Keys the answer box's rows bind are tested one by one above.
#[test]
fn every_list_key_does_what_the_help_says_and_never_types() {
    use crate::tui::keys::Action as A;
    for row in KEYMAP.iter().filter(|r| r.scope == Scope::Lists) {
        for binding in row.keys.iter().flat_map(|g| g.iter()) {
            let Trigger::Key(code, mods) = binding.trigger else {
                continue;
            };
            let mut app = loaded();
            app.focus = Focus::Input;
            type_text(&mut app, "draft");
            app.focus = Focus::Messages;
            let sidebar_was = app.sidebar_visible();
            let effects = press(&mut app, code, mods);
            let name = binding.trigger.name();
            let status = app
                .status
                .as_ref()
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            let did = match binding.action {
                A::Up | A::Down | A::First | A::Last => app.focus == Focus::Messages,
                A::Open | A::FocusInput => app.focus == Focus::Input,
                A::NewInterview => matches!(app.overlay, Some(Overlay::Setup(_))),
                A::Search => app.sidebar.filter.is_some() && app.focus == Focus::Sidebar,
                A::Rename => matches!(app.overlay, Some(Overlay::Rename { id: 1, .. })),
                A::Delete => matches!(app.overlay, Some(Overlay::ConfirmDelete { id: 1, .. })),
                A::Archive => effects.iter().any(|e| {
                    matches!(
                        e,
                        Effect::SetArchived {
                            id: 1,
                            archived: true
                        }
                    )
                }),
                A::ShowArchived => effects
                    .iter()
                    .any(|e| matches!(e, Effect::LoadConversations { archived: true, .. })),
                A::Retry => status.contains("nothing to retry"),
                A::Report => matches!(app.overlay, Some(Overlay::Report(_))),
                A::Progress => matches!(app.overlay, Some(Overlay::Progress(_))),
                A::Export => matches!(&effects[..], [Effect::Export { conversation_id: 1 }]),
                A::Copy => effects
                    .iter()
                    .any(|e| matches!(e, Effect::Copy(t) if t == "Tell me about yourself.")),
                A::Editor => matches!(&effects[..], [Effect::OpenEditor(t)] if t == "draft"),
                A::ToggleSidebar => app.sidebar_visible() != sidebar_was,
                A::Hint => effects
                    .iter()
                    .any(|e| matches!(e, Effect::Send(r) if r.text == HINT_OFFLINE)),
                A::Skip => effects
                    .iter()
                    .any(|e| matches!(e, Effect::Send(r) if r.text == SKIP_OFFLINE)),
                A::ChangeKey => matches!(app.overlay, Some(Overlay::Welcome(_))),
                A::Help => matches!(app.overlay, Some(Overlay::Help(_))),
                A::Quit => effects.iter().any(|e| matches!(e, Effect::Quit)),
                A::Suspend => matches!(&effects[..], [Effect::Suspend]),
                A::PickModel => {
                    matches!(app.overlay, Some(Overlay::ModelPicker(_)))
                        && matches!(&effects[..], [Effect::LoadModels])
                }
                A::PickProfile => matches!(app.overlay, Some(Overlay::ProfilePicker(_))),
                A::ToggleReasoning => app.layout.shows_reasoning(),
                A::Drill => {
                    matches!(app.overlay, Some(Overlay::Drill(_)))
                        && matches!(&effects[..], [Effect::PlanDrill])
                }
                other => panic!("{name}: {other:?} is not a list action"),
            };
            assert!(
                did,
                "{name} ({:?}) did not {:?}: {effects:?} / {status}",
                binding.action, row.help
            );
            assert_eq!(app.draft(), "draft", "{name} reached the answer box");
            assert!(
                !effects
                    .iter()
                    .any(|e| matches!(e, Effect::Send(r) if r.text.len() == 1)),
                "{name} was sent as an answer"
            );
        }
    }
}

// ----- the drill window ----------------------------------------------------------------

fn drill_plan(review: bool) -> crate::service::drill::DrillPlan {
    use crate::domain::drill::{DrillQuestion, ReviewItem, ReviewKind};
    crate::service::drill::DrillPlan {
        question: DrillQuestion {
            question: "Tell me about a time something did not go to plan.".into(),
            bank_id: Some("beh-failure".into()),
            kind: crate::domain::InterviewType::Behavioral,
            competency: None,
        },
        review: review.then(|| ReviewItem {
            id: 7,
            kind: ReviewKind::Question,
            interview_type: "behavioral".into(),
            subject: "beh-failure".into(),
            question: "Tell me about a time something did not go to plan.".into(),
            bank_id: Some("beh-failure".into()),
            step: 0,
            due_at: NOW,
            last_score: Some(2),
            source_conversation_id: None,
            done: false,
            created_at: NOW,
            updated_at: NOW,
        }),
        due: usize::from(review),
        next_due: None,
    }
}

fn drill_feedback(
    score: u8,
    covered: &[&str],
    missing: &[&str],
) -> crate::domain::drill::DrillFeedback {
    crate::domain::drill::DrillFeedback {
        score,
        competency_score: None,
        covered: covered.iter().map(|s| s.to_string()).collect(),
        missing: missing.iter().map(|s| s.to_string()).collect(),
        quotes: vec![],
        next_step: "Put a number on the result.".into(),
        model_answer: String::new(),
        source: "heuristic".into(),
        model: None,
        note: None,
    }
}

fn drill_view(app: &App) -> &crate::tui::widgets::drill_view::DrillView {
    match &app.overlay {
        Some(Overlay::Drill(d)) => &d.view,
        other => panic!("no drill window: {other:?}"),
    }
}

#[test]
fn d_drills_a_due_weak_spot_answer_feedback_try_again_before_and_after() {
    use crate::tui::widgets::drill_view::Stage;
    let mut app = loaded();
    app.focus = Focus::Sidebar;
    let effects = app.update(key(KeyCode::Char('D')));
    assert!(matches!(effects[..], [Effect::PlanDrill]), "{effects:?}");
    assert_eq!(drill_view(&app).stage, Stage::Planning);

    app.update(Event::DrillPlanned(Ok(drill_plan(true))));
    assert_eq!(drill_view(&app).stage, Stage::Answering);
    assert!(drill_view(&app).header.contains("Weak spot due"));
    // Keys type into the drill's answer box, not the main one; Enter sends it.
    type_text(&mut app, "We missed it");
    assert_eq!(app.draft(), "");
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::DrillAnswer { session, answer }) = effects.last().cloned() else {
        panic!("{effects:?}");
    };
    assert_eq!(answer, "We missed it");
    assert_eq!(drill_view(&app).stage, Stage::Judging);

    // The runtime stores and judges it, and gives the drill back.
    let mut session = *session;
    session.conversation_id = Some(42);
    session.attempts.push(drill_feedback(2, &[], &["A number"]));
    app.update(Event::DrillJudged {
        session: Box::new(session.clone()),
        answer,
        result: Ok(drill_feedback(2, &[], &["A number"])),
    });
    assert_eq!(drill_view(&app).stage, Stage::Feedback);
    assert!(drill_view(&app).body().contains("Score: ■■□□□ 2/5"));

    // Try again, then before and after.
    app.update(key(KeyCode::Char('t')));
    type_text(&mut app, "We shipped 3 releases on time");
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::DrillAnswer { session, answer }) = effects.last().cloned() else {
        panic!("{effects:?}");
    };
    assert_eq!(session.conversation_id, Some(42), "the same drill");
    let mut session = *session;
    session.attempts.push(drill_feedback(4, &["A number"], &[]));
    app.update(Event::DrillJudged {
        session: Box::new(session),
        answer,
        result: Ok(drill_feedback(4, &["A number"], &[])),
    });
    let body = drill_view(&app).body();
    assert!(body.contains("Before and after"), "{body}");
    assert!(body.contains("✗  →  ✓   A number"), "{body}");

    // Closing reloads the list (the drill is in it) and what is still due.
    let effects = app.update(key(KeyCode::Esc));
    assert!(app.overlay.is_none());
    assert!(
        matches!(
            effects[..],
            [Effect::LoadConversations { .. }, Effect::LoadDue]
        ),
        "{effects:?}"
    );
}

#[test]
fn a_failed_judging_keeps_the_answer_and_a_failed_plan_says_why() {
    let mut app = loaded();
    app.update(key(KeyCode::F(4)));
    app.update(Event::DrillPlanned(Ok(drill_plan(false))));
    assert!(drill_view(&app).header.contains("No weak spot is due"));
    type_text(&mut app, "my answer");
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::DrillAnswer { session, answer }) = effects.last().cloned() else {
        panic!("{effects:?}");
    };
    app.update(Event::DrillJudged {
        session,
        answer,
        result: Err("the server failed (HTTP 500); try again".into()),
    });
    let view = drill_view(&app);
    assert_eq!(view.input.text(), "my answer");
    assert!(
        view.error
            .as_deref()
            .is_some_and(|e| e.contains("HTTP 500"))
    );
    // And it can be sent again.
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(effects.last(), Some(Effect::DrillAnswer { .. })));

    let mut app = loaded();
    app.update(key(KeyCode::F(4)));
    app.update(Event::DrillPlanned(Err("the database is busy".into())));
    assert!(
        drill_view(&app)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("busy"))
    );
    assert!(app.update(key(KeyCode::Esc)).len() == 2);
    assert!(app.overlay.is_none());
}

#[test]
fn due_weak_spots_are_read_at_start_and_offered_on_the_first_screen() {
    let mut app = app();
    let effects = app.start(None);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadDue)),
        "{effects:?}"
    );
    app.welcome(WelcomeReason::NoKey);
    let plan = drill_plan(true);
    app.update(Event::DueLoaded(vec![plan.review.clone().expect("item")]));
    assert_eq!(app.due.len(), 1);
    // The new-interview screen says so, with the key.
    app.overlay = None;
    let backend = ratatui::backend::TestBackend::new(100, 30);
    let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
    app.prepare_frame();
    terminal
        .draw(|f| crate::tui::view::draw(f, &app))
        .expect("draw");
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("1 weak spot is due for a drill"),
        "{screen}"
    );
    assert!(screen.contains("F4"), "{screen}");
}

// ----- issue 16: discovery, profiles, reasoning ------------------------------------

fn found_server() -> crate::agent::discover::LocalServer {
    crate::agent::discover::LocalServer {
        api_base: "http://127.0.0.1:11434/v1".into(),
        port: 11434,
        kind: Some("Ollama"),
        models: vec!["llama3.1:8b".into(), "qwen2.5:7b\u{1b}[2J".into()],
    }
}

fn welcome_text(app: &mut App) -> String {
    app.prepare_frame();
    let area = ratatui::layout::Rect::new(0, 0, 100, 30);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    match &app.overlay {
        Some(Overlay::Welcome(w)) => w.render(area, &mut buf),
        other => panic!("no welcome screen: {other:?}"),
    }
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Discovery starts with the welcome screen, arrives as an event, and is offered
/// first; choosing it uses the server with no key, the picker shows its models and
/// the model picked is remembered in config.toml.
#[test]
fn a_local_server_found_is_offered_and_used_with_the_model_picked() {
    let mut app = app();
    app.welcome(WelcomeReason::NoKey);
    let effects = app.discover();
    assert!(matches!(effects[..], [Effect::Discover]));
    assert!(welcome_text(&mut app).contains("Looking for a local model server"));
    app.update(Event::Discovered(Some(found_server())));
    let shown = welcome_text(&mut app);
    assert!(
        shown.contains("1  Use Ollama on 127.0.0.1:11434"),
        "{shown}"
    );
    assert!(
        shown.contains("With llama3.1:8b, qwen2.5:7b␛[2J"),
        "sanitised: {shown}"
    );
    assert!(shown.contains("2  Paste an API key"), "{shown}");
    assert!(
        shown.contains("3  Continue in offline practice mode"),
        "{shown}"
    );
    // The found server took the focus (nothing was typed yet): Enter uses it.
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::UseLocalServer { api_base }] if api_base == "http://127.0.0.1:11434/v1"),
        "{effects:?}"
    );
    assert_eq!(
        app.mode,
        Mode::Online {
            model: "llama3.1:8b".into()
        }
    );
    assert_eq!(app.endpoint_label().as_deref(), Some("127.0.0.1:11434"));
    assert_eq!(picker(&app).choice().as_deref(), Some("llama3.1:8b"));
    app.update(key(KeyCode::Down));
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::RememberLocalServer { api_base, model }]
            if api_base == "http://127.0.0.1:11434/v1" && model.starts_with("qwen2.5:7b") && !model.contains('\u{1b}')),
        "{effects:?}"
    );
    assert!(app.overlay.is_none());
    // Remembered once only.
    app.update(key(KeyCode::F(5)));
    app.update(Event::ModelsLoaded(Ok(vec!["llama3.1:8b".into()])));
    let effects = app.update(key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
}

#[test]
fn a_found_server_need_not_be_remembered_and_nothing_found_says_nothing() {
    let mut app = app();
    app.welcome(WelcomeReason::NoKey);
    app.discover();
    app.update(Event::Discovered(Some(found_server())));
    app.update(key(KeyCode::Char(' ')));
    assert!(welcome_text(&mut app).contains("[ ] remember it"));
    app.update(key(KeyCode::Enter));
    // Esc in the picker keeps the first model and writes nothing.
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert_eq!(
        app.mode,
        Mode::Online {
            model: "llama3.1:8b".into()
        }
    );

    // Typing a key first: a server found later does not take the focus.
    let mut app = self::app();
    app.welcome(WelcomeReason::NoKey);
    app.discover();
    type_text(&mut app, "sk-");
    app.update(Event::Discovered(Some(found_server())));
    type_text(&mut app, "test-1234");
    let effects = app.update(key(KeyCode::Enter));
    assert!(matches!(&effects[..], [Effect::StoreKey { text, .. }] if text == "sk-test-1234"));

    let mut app = self::app();
    app.welcome(WelcomeReason::NoKey);
    app.discover();
    app.update(Event::Discovered(None));
    let shown = welcome_text(&mut app);
    assert!(
        !shown.contains("Looking for") && !shown.contains("Use "),
        "{shown}"
    );
}

#[test]
fn a_server_found_after_offline_was_chosen_is_said_in_the_status_line() {
    let mut app = app();
    app.discover();
    app.update(Event::Discovered(Some(found_server())));
    let (_, said) = app.status.clone().expect("status");
    assert_eq!(said, "found Ollama on 127.0.0.1:11434: K to use it");
    app.focus = Focus::Messages;
    app.update(key(KeyCode::Char('K')));
    assert!(welcome_text(&mut app).contains("Use Ollama on 127.0.0.1:11434"));
}

#[test]
fn a_local_server_that_fails_goes_back_to_offline_practice() {
    let mut app = app();
    app.welcome(WelcomeReason::NoKey);
    app.update(Event::Discovered(Some(found_server())));
    app.update(key(KeyCode::Enter));
    app.update(Event::LocalServerFailed(
        "the API base is not usable".into(),
    ));
    assert!(app.is_offline());
    assert_eq!(app.endpoint_label(), None);
}

fn endpoints() -> Vec<crate::config::Endpoint> {
    use crate::config::{Endpoint, KeyNeed};
    vec![
        Endpoint {
            profile: None,
            api_base: "https://api.openai.com/v1".into(),
            model: "gpt-4o-mini".into(),
            key_need: KeyNeed::Auto,
        },
        Endpoint {
            profile: Some("work".into()),
            api_base: "https://gateway.example/v1".into(),
            model: "gpt-4o".into(),
            key_need: KeyNeed::Required,
        },
    ]
}

#[test]
fn the_profile_key_lists_the_endpoints_and_switches() {
    let mut app = online_loaded();
    app.endpoints = endpoints();
    let effects = app.update(key(KeyCode::F(6)));
    assert!(effects.is_empty());
    assert!(matches!(app.overlay, Some(Overlay::ProfilePicker(_))));
    app.update(key(KeyCode::Down));
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::SwitchProfile(Some(p))] if p == "work"),
        "{effects:?}"
    );
    app.update(Event::ProfileSwitched {
        profile: Some("work".into()),
        model: "gpt-4o".into(),
    });
    assert_eq!(
        app.mode,
        Mode::Online {
            model: "gpt-4o".into()
        }
    );
    assert_eq!(app.endpoint_label().as_deref(), Some("work"));
    // A new interview starts with the profile's model.
    app.update(ctrl('n'));
    let effects = app.update(key(KeyCode::Enter));
    let Some(Effect::ReadSetup(draft)) = effects.first() else {
        panic!("no ReadSetup: {effects:?}");
    };
    app.update(Event::SetupRead {
        persona: draft.persona.clone(),
        result: Ok(InterviewSetup::default()),
    });
    app.focus = Focus::Input;
    type_text(&mut app, "hello");
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(effects.last(), Some(Effect::Send(r)) if r.model.as_deref() == Some("gpt-4o")),
        "{effects:?}"
    );
}

#[test]
fn a_profile_without_a_key_opens_the_key_dialog_for_it() {
    let mut app = online_loaded();
    app.endpoints = endpoints();
    app.discovery = Discovery::Found(found_server());
    app.update(Event::ProfileNeedsKey(Some("work".into())));
    let shown = welcome_text(&mut app);
    assert!(
        shown.contains("The profile “work” needs an API key"),
        "{shown}"
    );
    assert!(!shown.contains("Ollama"), "no other offer: {shown}");
    app.update(Event::Paste("sk-work-123456789".into()));
    let effects = app.update(key(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::StoreKey { text, profile: Some(p) }] if text == "sk-work-123456789" && p == "work"),
        "{effects:?}"
    );
    app.update(Event::KeyAccepted {
        model: "gpt-4o".into(),
        note: "key saved".into(),
        profile: Some("work".into()),
    });
    assert_eq!(app.profile.as_deref(), Some("work"));
    // Esc in that dialog keeps things as they were (not offline).
    let mut app = online_loaded();
    app.update(Event::ProfileNeedsKey(Some("work".into())));
    app.update(key(KeyCode::Esc));
    assert!(!app.is_offline());
    assert_eq!(app.profile, None);
}

#[test]
fn reasoning_is_folded_under_the_reply_and_the_key_unfolds_it() {
    let mut app = loaded();
    let reply = app
        .transcript
        .messages
        .iter_mut()
        .find(|m| m.id == 11)
        .expect("the reply");
    reply.reasoning = Some("The candidate\u{1b}]52;c;aGk=\u{7} seems nervous; start easy.".into());
    app.layout.invalidate(11);
    let text = |app: &mut App| {
        app.prepare_frame();
        app.message_view
            .as_ref()
            .map(|v| crate::tui::render::plain(&v.lines).join("\n"))
            .unwrap_or_default()
    };
    let folded = text(&mut app);
    assert!(folded.contains("▸ reasoning (6 words)"), "{folded}");
    assert!(!folded.contains("nervous"), "{folded}");
    app.update(key(KeyCode::F(7)));
    let open = text(&mut app);
    assert!(open.contains("▾ reasoning (6 words)"), "{open}");
    assert!(open.contains("nervous"), "{open}");
    assert!(!open.contains('\u{1b}'), "sanitised: {open}");
    app.focus = Focus::Messages;
    app.update(key(KeyCode::Char('t')));
    assert!(!text(&mut app).contains("nervous"));
}
