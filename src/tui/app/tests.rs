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
fn a_stream_shows_and_completes() {
    let mut app = app();
    type_text(&mut app, "hello");
    app.update(key(KeyCode::Enter));
    assert!(app.animating());
    app.update(Event::Send(SendEvent::UserStored {
        conversation_id: 5,
        message: message(50, 5, Role::User, "hello", Status::Complete),
        created: true,
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
    assert!(
        matches!(&app.status, Some((Tone::Info, t)) if t.contains("stopped") && t.contains("Ctrl+R"))
    );
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
        matches!(&app.status, Some((Tone::Error, t)) if t.contains("503") && t.contains("Ctrl+R"))
    );
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
        matches!(&effects[..], [Effect::StoreKey(k)] if k == "sk-test-1234"),
        "{effects:?}"
    );
    app.update(Event::KeyRejected("the keyring refused it".into()));
    assert!(matches!(app.overlay, Some(Overlay::Welcome(_))));
    app.update(Event::KeyAccepted {
        model: "gpt-4o-mini".into(),
        note: "saved".into(),
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
    let effects = app.update(key(KeyCode::Char('n')));
    assert!(effects.iter().any(|e| matches!(e, Effect::SaveOpen(None))));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::LoadNewDraft)),
        "the new-interview draft comes back"
    );
    assert_eq!(app.transcript.conversation_id, None);
    assert!(matches!(app.overlay, Some(Overlay::Setup(_))));
    // Esc: quick start with the defaults.
    assert!(app.update(key(KeyCode::Esc)).is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(app.focus, Focus::Input);
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
    app.update(key(KeyCode::Char('j')));
    assert!(matches!(app.overlay, Some(Overlay::Report(_))), "j scrolls");
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
        matches!(&app.status, Some((Tone::Error, t)) if t.contains("closed the stream") && t.contains("Ctrl+R"))
    );
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
