//! End-to-end tests of the terminal interface: the real binary in a pseudo-terminal
//! (`portable-pty`), its screen read back through a terminal emulator (`vt100`),
//! against the in-repo mock OpenAI server. Every wait polls the screen until a
//! deadline; nothing asserts on timing.
#![cfg(unix)]

mod support;

use std::time::{Duration, Instant};

use support::mock_openai::Reply;
use support::{PTY_DEADLINE as DEADLINE, PtyRun, Sandbox, kill};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const TAB: &str = "\t";
const CTRL_C: &str = "\x03";
const CTRL_N: &str = "\x0e";
const CTRL_R: &str = "\x12";

#[test]
fn a_reply_streams_esc_keeps_what_came_and_ctrl_r_replaces_it() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("Tell me about a project you led.").chunk_size(4));
    let mut tui = PtyRun::start(sb.pty_cmd(), 100, 30);
    tui.wait_for_screen("Interviews");
    tui.wait_for_screen("gpt-4o-mini");

    // Send: the message shows at once, the reply streams in.
    tui.type_text("Hello, I am ready.");
    tui.send(ENTER);
    tui.wait_for_screen("Hello, I am ready.");
    tui.wait_for_screen("Tell me about a project you led.");

    // Cancel a slow reply with Esc: the text so far stays, marked interrupted.
    sb.mock.push(
        Reply::text("Interesting. What was the hardest trade-off you made, and why did you choose it over the alternatives you had?")
            .chunk_size(3)
            .delay(Duration::from_millis(150)),
    );
    tui.type_text("I led the billing migration.");
    tui.send(ENTER);
    tui.wait_for_screen("Interesting.");
    tui.send(ESC);
    tui.wait_for_screen("interrupted");
    let stored = sb.messages(1);
    assert_eq!(stored.len(), 4, "{stored:?}");
    assert_eq!(stored[3].status, "interrupted", "{stored:?}");
    assert!(stored[3].content.starts_with("Interesting."), "{stored:?}");

    // Retry: a new reply replaces the interrupted one.
    sb.mock.push(Reply::text(
        "Let me ask again: which trade-off mattered most?",
    ));
    tui.send(CTRL_R);
    tui.wait_for_screen("which trade-off mattered most?");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);

    let first = sb.messages(1);
    let texts: Vec<(&str, &str)> = first
        .iter()
        .map(|m| (m.role.as_str(), m.status.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("user", "complete"),
            ("assistant", "complete"),
            ("user", "complete"),
            ("assistant", "complete"),
        ],
        "{first:?}"
    );
    assert_eq!(
        first[3].content,
        "Let me ask again: which trade-off mattered most?"
    );
}

/// Esc on the setup form comes back to the conversation (issue 15), Enter on it
/// starts a second interview with the defaults, and the sidebar switches back.
#[test]
fn the_setup_form_comes_back_on_esc_starts_a_second_interview_on_enter_and_the_list_switches() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("Tell me about a project you led."));
    sb.mock.set_default(Reply::text(
        "Understood. Next question: what would you change?",
    ));
    let mut tui = PtyRun::start(sb.pty_cmd(), 100, 30);
    tui.wait_for_screen("Interviews");
    tui.type_text("Hello, I am ready.");
    tui.send(ENTER);
    tui.wait_for_screen("Tell me about a project you led.");

    tui.send(CTRL_N);
    tui.wait_for_screen("Interview type");
    tui.send(ESC);
    tui.wait_for_screen("no new interview");
    tui.wait_for_screen("Tell me about a project you led.");

    tui.send(CTRL_N);
    tui.wait_for_screen("Interview type");
    tui.send(ENTER);
    tui.wait_for_screen("A new practice interview");
    tui.type_text("Second interview here");
    tui.send(ENTER);
    tui.wait_for_screen("what would you change?");
    tui.wait_until("the first interview's reply out of view", |s| {
        !s.contains("Tell me about a project you led.")
    });

    // Back to the first one from the sidebar.
    tui.send(TAB);
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for_screen("Tell me about a project you led.");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    assert_eq!(sb.messages(1).len(), 2, "{:?}", sb.messages(1));
    assert_eq!(sb.messages(2).len(), 2, "{:?}", sb.messages(2));
}

/// A restart opens the last conversation with its history and the unsent draft.
#[test]
fn a_restart_brings_back_the_conversation_and_its_unsent_draft() {
    let sb = Sandbox::new();
    sb.mock.set_default(Reply::text(
        "Let me ask again: which trade-off mattered most?",
    ));
    let mut tui = PtyRun::start(sb.pty_cmd(), 100, 30);
    tui.wait_for_screen("Interviews");
    tui.type_text("Hello, I am ready.");
    tui.send(ENTER);
    tui.wait_for_screen("which trade-off mattered most?");
    tui.type_text("my unsent draft");
    tui.wait_for_screen("my unsent draft");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);

    let mut tui = PtyRun::start(sb.pty_cmd(), 100, 30);
    tui.wait_for_screen("which trade-off mattered most?");
    tui.wait_for_screen("my unsent draft");
    tui.wait_for_screen("Hello, I am ready.");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn with_no_key_the_welcome_screen_leads_to_offline_practice_search_report_and_export() {
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env_remove("OPENAI_API_KEY");
    cmd.env("OPENAI_BASE_URL", support::REMOTE_API_BASE);
    let mut tui = PtyRun::start(cmd, 80, 24);
    tui.wait_for_screen("Welcome");
    tui.send(ESC);
    // (Esc and a letter sent together read as Alt+letter: wait for the screen.)
    tui.wait_until("the welcome screen closed", |s| !s.contains("Welcome"));
    tui.type_text("Hello");
    tui.send(ENTER);
    tui.wait_for_screen("Question 1 of");
    tui.type_text("I led the billing migration at Acme and cut costs by 30 percent.");
    tui.send(ENTER);
    tui.wait_for_screen("You · ");

    // Search from the sidebar, live, and open the match.
    tui.send(TAB);
    tui.send("/");
    tui.type_text("billing");
    tui.wait_for_screen("1 found");
    tui.send(ENTER);
    tui.wait_for_screen("◀ match");

    // The feedback report (heuristic offline), then an export.
    tui.send(TAB);
    tui.send(TAB);
    tui.send("F");
    tui.wait_for_screen("Heuristic report");
    tui.send(ESC);
    tui.wait_until("the report closed", |s| !s.contains("Heuristic report"));
    tui.send("x");
    tui.wait_for_screen("exported to");
    assert!(
        sb.mock.chat_requests().is_empty(),
        "offline never calls the server"
    );
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    let stored = sb.messages(1);
    assert_eq!(stored.len(), 4, "{stored:?}");
    assert_eq!(stored[1].role, "assistant");
    let exports: Vec<_> = std::fs::read_dir(sb.data_dir().join("exports"))
        .expect("exports directory")
        .collect();
    assert_eq!(exports.len(), 1);

    // The choice is remembered: no welcome screen at the next start.
    let mut cmd = sb.pty_cmd();
    cmd.env_remove("OPENAI_API_KEY");
    cmd.env("OPENAI_BASE_URL", support::REMOTE_API_BASE);
    let mut tui = PtyRun::start(cmd, 80, 24);
    tui.wait_for_screen("K adds one");
    assert!(!tui.contents().contains("Welcome"));
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn a_rejected_key_leads_back_to_the_welcome_screen_and_the_message_is_kept() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(401, "Incorrect API key provided"));
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("Interviews");
    tui.type_text("Hi there");
    tui.send(ENTER);
    tui.wait_for_screen("The server rejected the API key");
    tui.wait_for_screen("API key rejected");
    tui.send(ESC);
    tui.wait_until("the key dialog closed", |s| !s.contains("API key rejected"));
    tui.wait_for_screen("Hi there");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    assert_eq!(sb.messages(1)[0].content, "Hi there");
}

#[test]
fn a_rate_limit_counts_down_and_waits_for_the_retry_key() {
    let sb = Sandbox::new();
    sb.mock
        .set_default(Reply::text("Tell me about a project you led."));
    sb.mock
        .push(Reply::status(429, "Rate limit reached for requests").retry_after("3"));
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("Interviews");
    tui.type_text("Hi there");
    tui.send(ENTER);
    // A live countdown, with the key that retries beside it.
    // (Which seconds show depends on the machine's speed, so none is asserted.)
    tui.wait_for_screen("Rate limited by the server: retry in ");
    tui.wait_for_screen("Ctrl+R retry");
    tui.wait_for_screen("The server can be retried now.");
    assert_eq!(
        sb.mock.chat_requests().len(),
        1,
        "nothing retried by itself when the countdown ended"
    );
    tui.send(CTRL_R);
    tui.wait_for_screen("Tell me about a project you led.");
    assert_eq!(sb.mock.chat_requests().len(), 2);
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    let log =
        std::fs::read_to_string(sb.data_dir().join("logs/interviewer.log")).unwrap_or_default();
    assert!(
        log.contains("Rate limit reached"),
        "the details are in the log: {log}"
    );
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_the_draft() {
    let sb = Sandbox::new();
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("Interviews");
    tui.type_text("half-typed answer");
    tui.wait_for_screen("half-typed answer");
    // While it runs: the alternate screen, the cursor hidden (it draws its own).
    let (alternate, hidden) = tui.terminal_modes();
    assert!(alternate, "the interface runs on the alternate screen");
    assert!(hidden, "the terminal's own cursor is hidden while it runs");
    kill(tui.pid(), "TERM");
    // 128 + SIGTERM, as a shell reports a death by it.
    assert_eq!(tui.wait_exit(), 143);
    // The terminal is given back as it was: main screen, cursor shown, no mouse
    // reporting, no bracketed paste.
    tui.wait_restored("after SIGTERM");
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("half-typed answer");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn narrow_and_tiny_terminals_work() {
    let sb = Sandbox::new();
    let mut tui = PtyRun::start(sb.pty_cmd(), 50, 20);
    tui.wait_for_screen("Your answer");
    assert!(
        !tui.contents().contains("Interviews"),
        "the sidebar collapses below 70 columns"
    );
    tui.send("\x02"); // Ctrl+B shows it
    tui.wait_for_screen("Interviews");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);

    let mut tui = PtyRun::start(sb.pty_cmd(), 20, 5);
    tui.wait_until("anything drawn", |s| !s.trim().is_empty());
    tui.type_text("hi");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

/// The process state letter from /proc (`T` when stopped), Linux only.
fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.trim_start().chars().next()
}

/// FAILURES.md "Quit signals to the TUI": INT, QUIT, TERM and HUP each restore the
/// terminal, keep the partial reply as `interrupted` (never `streaming`) and exit
/// 128 + signal (was: `kill -INT` left the alternate screen, mouse reporting and a
/// `streaming` reply; TERM exited 0).
#[test]
fn quit_signals_restore_the_terminal_keep_the_partial_reply_and_exit_128_plus_signal() {
    support::each_case(
        [("INT", 130), ("QUIT", 131), ("TERM", 143), ("HUP", 129)],
        |&(signal, code)| {
            let sb = Sandbox::new();
            sb.mock.push(
                Reply::text("Streaming slowly: tell me about the hardest bug you fixed and how.")
                    .chunk_size(3)
                    .delay(Duration::from_millis(150)),
            );
            let mut tui = PtyRun::start(sb.pty_cmd(), 100, 30);
            tui.wait_for_screen("Interviews");
            tui.type_text("Ready.");
            tui.send(ENTER);
            tui.wait_for_screen("Streaming");
            let pid = tui.pid();
            kill(pid, signal);
            assert_eq!(tui.wait_exit(), code, "{signal}");
            tui.wait_restored(signal);
            let reply = &sb.messages(1)[1];
            assert_eq!(reply.status, "interrupted", "{signal}: {reply:?}");
            assert!(reply.content.starts_with("Stre"), "{signal}: {reply:?}");
        },
    );
}

/// FAILURES.md "Ctrl+Z and SIGTSTP in the TUI": the terminal is given back and the
/// process stops; on SIGCONT (`fg`) it is set up again and redrawn, and keys work
/// (was: Ctrl+Z did nothing; after `kill -TSTP` and `fg` the terminal stayed in
/// line mode, undrawn).
#[test]
fn ctrl_z_and_sigtstp_give_the_terminal_back_and_sigcont_redraws() {
    let sb = Sandbox::new();
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("Interviews");
    tui.type_text("draft before the pause");
    tui.wait_for_screen("draft before the pause");
    let pid = tui.pid();
    for (how, word) in [("ctrl-z", "alpha"), ("TSTP", "bravo")] {
        if how == "ctrl-z" {
            // In the answer box Ctrl+Z undoes; in the lists it suspends.
            tui.send(TAB);
            tui.wait_for_screen("? help · n new");
            tui.send("\x1a");
        } else {
            // A signal suspends wherever the focus is (here, the answer box).
            kill(pid, "TSTP");
        }
        tui.wait_restored(how);
        let deadline = Instant::now() + DEADLINE;
        while proc_state(pid) != Some('T') {
            assert!(Instant::now() < deadline, "{how}: the process did not stop");
            std::thread::sleep(Duration::from_millis(25));
        }
        // What a shell's `fg` sends.
        kill(pid, "CONT");
        tui.wait_until("the interface back", |s| {
            s.contains("draft before the pause") && s.contains("Interviews")
        });
        let deadline = Instant::now() + DEADLINE;
        while !tui.terminal_modes().0 {
            assert!(Instant::now() < deadline, "{how}: not set up again");
            std::thread::sleep(Duration::from_millis(25));
        }
        if how == "ctrl-z" {
            tui.send("i");
        }
        tui.type_text(&format!(" {word}"));
        tui.wait_for_screen(word);
    }
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    tui.wait_restored("quit");
}

/// FAILURES.md "A panic in a send task" (the TUI's side): a panic inside the TUI's
/// send task, outside the backend's own catch (injected after the user's message is
/// stored by `INTERVIEWER_TEST_PANIC=send:…`, honoured in debug builds only), ends
/// the wait with one line; the message is kept and the next one can be sent (was:
/// "waiting for the interviewer" forever, Esc "stopping…" forever, nothing could be
/// sent).
#[cfg(debug_assertions)]
#[test]
fn a_panic_in_the_send_task_ends_the_wait_with_a_message() {
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env(
        "INTERVIEWER_TEST_PANIC",
        "send:injected panic in the send task",
    );
    let mut tui = PtyRun::start(cmd, 120, 30);
    tui.wait_for_screen("Interviews");
    tui.type_text("First try.");
    tui.send(ENTER);
    tui.wait_for_screen("sending failed unexpectedly (injected panic in the send task)");
    assert!(!tui.contents().contains("waiting for the interviewer"));
    // Esc finds no reply to stop, rather than "stopping…" forever.
    tui.send(ESC);
    std::thread::sleep(Duration::from_millis(300));
    assert!(!tui.contents().contains("stopping"), "{}", tui.contents());
    // Not stuck: a second message goes (and meets the same panic).
    tui.type_text("Second try.");
    tui.send(ENTER);
    // (Typing cleared the first failure's line: this one is the second's.)
    tui.wait_until("the second message sent and failed", |s| {
        s.contains("You · ") && s.contains("Second try.") && s.contains("sending failed")
    });
    sb.wait_for_messages(1, 2, DEADLINE, "the second message was not stored");
    let stored: Vec<(String, String)> = sb
        .messages(1)
        .into_iter()
        .map(|m| (m.role, m.content))
        .collect();
    assert_eq!(
        stored,
        [
            ("user".to_string(), "First try.".to_string()),
            ("user".to_string(), "Second try.".to_string())
        ]
    );
    assert!(sb.mock.chat_requests().is_empty(), "no request went out");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    tui.wait_restored("quit after the panics");
}

/// FAILURES.md "A panic inside a request": whatever panics in the HTTP stack (here
/// `INTERVIEWER_TEST_PANIC=request:…`, debug builds only, inside the backend's own
/// catch) ends the reply as a stored `error` row with one sentence, instead of
/// taking the TUI down; the TUI carries on.
#[cfg(debug_assertions)]
#[test]
fn a_panic_in_the_request_ends_the_reply_as_a_stored_error() {
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env("INTERVIEWER_TEST_PANIC", "request:the HTTP stack fell over");
    let mut tui = PtyRun::start(cmd, 120, 30);
    tui.wait_for_screen("Interviews");
    tui.type_text("First try.");
    tui.send(ENTER);
    tui.wait_for_screen("The request failed unexpectedly");
    let stored = sb.wait_for_messages(1, 2, DEADLINE, "no reply row was stored");
    assert_eq!(stored[1].role, "assistant");
    assert_eq!(stored[1].status, "error");
    assert!(
        stored[1].error.as_deref().is_some_and(
            |e| e.starts_with("the request failed unexpectedly (the HTTP stack fell over)")
        ),
        "{:?}",
        stored[1].error
    );
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    tui.wait_restored("quit after the panic");
}

/// FAILURES.md "A panic on the main thread": a panic inside the interface (injected
/// after the first frame by `INTERVIEWER_TEST_PANIC=tui:…`, debug builds only)
/// gives the terminal back (main screen, cursor, no mouse reporting, no bracketed
/// paste), says in one line where the crash report is, and exits 101.
#[cfg(debug_assertions)]
#[test]
fn a_panic_inside_the_interface_gives_the_terminal_back() {
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env(
        "INTERVIEWER_TEST_PANIC",
        "tui:injected panic in the interface",
    );
    let mut tui = PtyRun::start(cmd, 100, 30);
    assert_eq!(tui.wait_exit(), 101);
    tui.wait_restored("after a panic in the interface");
    let screen = tui.contents();
    assert!(
        screen.contains("interviewer crashed; a report was written to"),
        "{screen}"
    );
    assert!(
        !screen.contains("injected panic"),
        "the message is in the report only: {screen}"
    );
}

/// FAILURES.md "Ctrl+E in two TUIs": every edit gets its own new private file
/// (was: one shared `<data-dir>/draft-edit.md`, so two interfaces lost a draft).
#[test]
fn each_edit_in_the_editor_gets_its_own_private_file() {
    let sb = Sandbox::new();
    let log = sb.dir.path().join("editor.log");
    let script = sb.dir.path().join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1 $(stat -c %a \"$1\")\" >> '{log}'\nprintf 'edit %s done' \"$(wc -l < '{log}' | tr -d ' ')\" > \"$1\"\n",
            log = log.display()
        ),
    )
    .expect("script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut cmd = sb.pty_cmd();
    cmd.env("VISUAL", &script);
    cmd.env("EDITOR", &script);
    let mut tui = PtyRun::start(cmd, 80, 24);
    tui.wait_for_screen("Interviews");
    for n in 1..=2 {
        tui.send("\x05"); // Ctrl+E
        tui.wait_for_screen(&format!("edit {n} done"));
    }
    tui.send(CTRL_C);
    let _ = tui.wait_exit();
    let lines: Vec<String> = std::fs::read_to_string(&log)
        .expect("the editor ran")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let paths: Vec<&str> = lines
        .iter()
        .map(|l| l.rsplit_once(' ').expect("path mode").0)
        .collect();
    assert_ne!(paths[0], paths[1], "each edit has its own file");
    for line in &lines {
        let (path, mode) = line.rsplit_once(' ').expect("path mode");
        assert_eq!(mode, "600", "{line}");
        assert!(!path.ends_with("/draft-edit.md"), "{line}");
        assert!(
            !std::path::Path::new(path).exists(),
            "removed after the edit: {line}"
        );
    }
}

/// Issue 15: Tab to the list, `/`, type, Esc, Esc, then `g` Enter used to send "g" as
/// an answer and create an interview titled "g": the second Esc moved the focus into
/// the answer box. Esc outside the input never moves the focus there.
#[test]
fn esc_in_the_conversation_list_never_moves_focus_into_the_answer_box() {
    let sb = Sandbox::new();
    let mut tui = PtyRun::start(sb.pty_cmd(), 80, 24);
    tui.wait_for_screen("Interviews");
    tui.wait_for_screen("Type here");
    tui.send(TAB);
    tui.wait_for_screen("? help · n new");
    tui.send("/");
    tui.wait_for_screen("type to search");
    tui.type_text("gr");
    tui.wait_for_screen("no matches");
    // (Esc and a key sent together read as Alt+key: wait for the screen each time.)
    tui.send(ESC);
    tui.wait_until("the search closed", |s| !s.contains("no matches"));
    tui.send(ESC);
    tui.wait_for_screen("goes back to your answer");
    tui.send("g");
    tui.send(ENTER);
    // F1 after them: once the help shows, `g` and Enter were handled.
    tui.send("\x1bOP");
    tui.wait_for_screen("Keys");
    tui.send(ESC);
    // The answer box, drawn again once the help is gone, must be empty (its
    // placeholder shows). A frame is read while it is drawn, so wait for the whole
    // of it rather than for the help's title to go.
    tui.wait_until("the help closed and the answer box empty", |s| {
        !s.contains("Keys") && !s.contains("Esc close") && s.contains("Type here")
    });
    let screen = tui.contents();
    assert!(!screen.contains("You · "), "nothing was sent:\n{screen}");
    assert!(
        sb.mock.chat_requests().is_empty(),
        "nothing reached the server"
    );
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
    let conversations: i64 = sb
        .db()
        .query_row("SELECT count(*) FROM conversations", [], |r| r.get(0))
        .expect("count conversations");
    assert_eq!(conversations, 0, "no interview was created");
}

/// The drill entry: a weak spot due is offered on the first screen, F4 drills it,
/// the answer is judged in the window and the schedule moves on.
#[test]
fn a_due_weak_spot_is_offered_and_f4_drills_it() {
    use interviewer::agent::drill::{choose, seed};
    use interviewer::domain::InterviewType;
    const DAY: i64 = 86_400;
    let strong = "Last March I was the release owner for our mobile app at Acme. My task was \
        to ship before a partner launch. I underestimated the app store review time, so the \
        release slipped by two weeks, and that was my mistake. I told the partner the same day, \
        rebuilt the plan with a review buffer, and shipped a web fallback so their launch still \
        went ahead. As a result the partner stayed, and the next three releases shipped on time. \
        I learned to plan for the review queue, and I now add a buffer to every release plan.";
    let sb = Sandbox::new();
    // A weak drill of the failure question schedules it for the next day.
    let t0 = (1_800_000_000i64..1_800_010_000)
        .find(|s| {
            choose(Some(InterviewType::Behavioral), None, seed(s * 1000, 0))
                .bank_id
                .as_deref()
                == Some("beh-failure")
        })
        .expect("a second that picks the failure question");
    let mut drill = sb.std_cmd();
    drill
        .env("INTERVIEWER_NOW", t0.to_string())
        .args(["--offline", "drill", "--type", "behavioral"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = drill.spawn().expect("spawn");
    std::io::Write::write_all(
        &mut child.stdin.take().expect("stdin"),
        b"We missed a deadline once but it was fine in the end.\n",
    )
    .expect("answer");
    let output = support::output_within(child, "the offline drill");
    assert!(output.status.success(), "{}", support::stderr_of(&output));

    let mut cmd = sb.pty_cmd();
    cmd.arg("--offline");
    cmd.env("INTERVIEWER_NOW", (t0 + DAY).to_string());
    let mut tui = PtyRun::start(cmd, 100, 30);
    tui.wait_for_screen("1 weak spot is due for a drill");
    tui.send("\x1bOS"); // F4
    tui.wait_for_screen("Weak spot due: a question you answered poorly");
    tui.wait_for_screen("did not go to plan");
    tui.type_text(strong);
    tui.send(ENTER);
    tui.wait_for_screen("Feedback on attempt 1");
    tui.wait_for_screen("Schedule: this comes back on");
    tui.send("t");
    tui.type_text("We missed it.");
    tui.send(ENTER);
    tui.wait_for_screen("Before and after");
    tui.send(ESC);
    tui.wait_until("the drill closed", |s| !s.contains("Before and after"));
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);

    // The review was good: the next wait is three days.
    let (step, due): (i64, i64) = sb
        .db()
        .query_row("SELECT step, due_at FROM review_items", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the weak spot");
    assert_eq!((step, due / 1000), (1, t0 + DAY + 3 * DAY));
    assert_eq!(sb.messages(2).len(), 5, "the TUI's drill is a conversation");
}
