//! End-to-end tests of the terminal interface: the real binary in a pseudo-terminal
//! (`portable-pty`), its screen read back through a terminal emulator (`vt100`),
//! against the in-repo mock OpenAI server. Every wait polls the screen until a
//! deadline; nothing asserts on timing.
#![cfg(unix)]

mod support;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use support::Sandbox;
use support::mock_openai::Reply;

/// Generous: the machine is shared and debug builds are slow; a hang still fails.
const DEADLINE: Duration = Duration::from_secs(30);

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const TAB: &str = "\t";
const CTRL_C: &str = "\x03";
const CTRL_N: &str = "\x0e";
const CTRL_R: &str = "\x12";

/// The interface running in a pseudo-terminal.
struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Tui {
    fn start(cmd: CommandBuilder, cols: u16, rows: u16) -> Tui {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn the binary");
        drop(pair.slave);
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("a terminal size above zero");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(size(rows), size(cols), 0)));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let sink = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").process(&buf[..n]);
            }
        });
        let writer = pair.master.take_writer().expect("writer");
        Tui {
            child,
            writer,
            _master: pair.master,
            screen,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().expect("lock").screen().contents()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }

    /// Types text one key at a time, as a person does (no paste).
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    /// Waits until the screen shows `needle`; fails with the screen otherwise.
    fn wait_for(&self, needle: &str) {
        self.wait_until(needle, |s| s.contains(needle));
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let screen = self.contents();
            if ok(&screen) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {what:?}; it shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// `(alternate screen, cursor hidden)` as the terminal sees them now.
    fn terminal_modes(&self) -> (bool, bool) {
        let parser = self.screen.lock().expect("lock");
        let screen = parser.screen();
        (screen.alternate_screen(), screen.hide_cursor())
    }

    /// Waits until the terminal's modes are `want` (output is read on a thread, so
    /// the last bytes may land after the process ended).
    fn wait_until_modes(&self, what: &str, want: (bool, bool)) {
        let deadline = Instant::now() + DEADLINE;
        while self.terminal_modes() != want {
            assert!(
                Instant::now() < deadline,
                "the terminal never reached {what}: (alternate screen, cursor hidden) = {:?}; it shows:\n{}",
                self.terminal_modes(),
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits for the process to end; its exit code.
    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "the program did not quit; the screen shows:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn an_interview_streams_cancels_retries_switches_and_survives_a_restart() {
    let sb = Sandbox::new();
    sb.mock.set_default(Reply::text(
        "Understood. Next question: what would you change?",
    ));
    sb.mock
        .push(Reply::text("Tell me about a project you led.").chunk_size(4));
    let mut tui = Tui::start(sb.pty_cmd(), 100, 30);
    tui.wait_for("Interviews");
    tui.wait_for("gpt-4o-mini");

    // Send: the message shows at once, the reply streams in.
    tui.type_text("Hello, I am ready.");
    tui.send(ENTER);
    tui.wait_for("Hello, I am ready.");
    tui.wait_for("Tell me about a project you led.");

    // Cancel a slow reply with Esc: the text so far stays, marked interrupted.
    sb.mock.push(
        Reply::text("Interesting. What was the hardest trade-off you made, and why did you choose it over the alternatives you had?")
            .chunk_size(3)
            .delay(Duration::from_millis(150)),
    );
    tui.type_text("I led the billing migration.");
    tui.send(ENTER);
    tui.wait_for("Interesting.");
    tui.send(ESC);
    tui.wait_for("interrupted");

    // Retry: a new reply replaces the interrupted one.
    sb.mock.push(Reply::text(
        "Let me ask again: which trade-off mattered most?",
    ));
    tui.send(CTRL_R);
    tui.wait_for("which trade-off mattered most?");

    // A second conversation, through the setup form's quick start.
    tui.send(CTRL_N);
    tui.wait_for("Interview type");
    tui.send(ESC);
    tui.wait_for("quick start");
    tui.type_text("Second interview here");
    tui.send(ENTER);
    tui.wait_for("what would you change?");

    // Back to the first one from the sidebar.
    tui.send(TAB);
    tui.send("j");
    tui.send(ENTER);
    tui.wait_for("which trade-off mattered most?");

    // An unsent draft, then quit.
    tui.type_text("my unsent draft");
    tui.wait_for("my unsent draft");
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

    // Start again: the same conversation, its history and the draft are back.
    let mut tui = Tui::start(sb.pty_cmd(), 100, 30);
    tui.wait_for("which trade-off mattered most?");
    tui.wait_for("my unsent draft");
    tui.wait_for("Second interview here");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn with_no_key_the_welcome_screen_leads_to_offline_practice_search_report_and_export() {
    let sb = Sandbox::new();
    let mut cmd = sb.pty_cmd();
    cmd.env_remove("OPENAI_API_KEY");
    cmd.env("OPENAI_BASE_URL", support::REMOTE_API_BASE);
    let mut tui = Tui::start(cmd, 80, 24);
    tui.wait_for("Welcome");
    tui.send(ESC);
    // (Esc and a letter sent together read as Alt+letter: wait for the screen.)
    tui.wait_until("the welcome screen closed", |s| !s.contains("Welcome"));
    tui.type_text("Hello");
    tui.send(ENTER);
    tui.wait_for("Question 1 of");
    tui.type_text("I led the billing migration at Acme and cut costs by 30 percent.");
    tui.send(ENTER);
    tui.wait_for("You · ");

    // Search from the sidebar, live, and open the match.
    tui.send(TAB);
    tui.send("/");
    tui.type_text("billing");
    tui.wait_for("1 found");
    tui.send(ENTER);
    tui.wait_for("◀ match");

    // The feedback report (heuristic offline), then an export.
    tui.send(TAB);
    tui.send(TAB);
    tui.send("F");
    tui.wait_for("Heuristic report");
    tui.send(ESC);
    tui.wait_until("the report closed", |s| !s.contains("Heuristic report"));
    tui.send("x");
    tui.wait_for("exported to");
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
    let mut tui = Tui::start(cmd, 80, 24);
    tui.wait_for("K adds one");
    assert!(!tui.contents().contains("Welcome"));
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn a_rejected_key_leads_back_to_the_welcome_screen_and_the_message_is_kept() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(401, "Incorrect API key provided"));
    let mut tui = Tui::start(sb.pty_cmd(), 80, 24);
    tui.wait_for("Interviews");
    tui.type_text("Hi there");
    tui.send(ENTER);
    tui.wait_for("The server rejected the API key");
    tui.wait_for("API key rejected");
    tui.send(ESC);
    tui.wait_until("the key dialog closed", |s| !s.contains("API key rejected"));
    tui.wait_for("Hi there");
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
    let mut tui = Tui::start(sb.pty_cmd(), 80, 24);
    tui.wait_for("Interviews");
    tui.type_text("Hi there");
    tui.send(ENTER);
    // A live countdown, with the key that retries beside it.
    // (Which seconds show depends on the machine's speed, so none is asserted.)
    tui.wait_for("Rate limited by the server: retry in ");
    tui.wait_for("Ctrl+R retry");
    tui.wait_for("The server can be retried now.");
    assert_eq!(
        sb.mock.chat_requests().len(),
        1,
        "nothing retried by itself when the countdown ended"
    );
    tui.send(CTRL_R);
    tui.wait_for("Tell me about a project you led.");
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
    let mut tui = Tui::start(sb.pty_cmd(), 80, 24);
    tui.wait_for("Interviews");
    tui.type_text("half-typed answer");
    tui.wait_for("half-typed answer");
    // While it runs: the alternate screen, the cursor hidden (it draws its own).
    let (alternate, hidden) = tui.terminal_modes();
    assert!(alternate, "the interface runs on the alternate screen");
    assert!(hidden, "the terminal's own cursor is hidden while it runs");
    let pid = tui.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    assert_eq!(tui.wait_exit(), 0);
    // The terminal is given back as it was: main screen, cursor shown.
    tui.wait_until_modes("the main screen with the cursor shown", (false, false));
    let mut tui = Tui::start(sb.pty_cmd(), 80, 24);
    tui.wait_for("half-typed answer");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn narrow_and_tiny_terminals_work() {
    let sb = Sandbox::new();
    let mut tui = Tui::start(sb.pty_cmd(), 50, 20);
    tui.wait_for("Your answer");
    assert!(
        !tui.contents().contains("Interviews"),
        "the sidebar collapses below 70 columns"
    );
    tui.send("\x02"); // Ctrl+B shows it
    tui.wait_for("Interviews");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);

    let mut tui = Tui::start(sb.pty_cmd(), 20, 5);
    tui.wait_until("anything drawn", |s| !s.trim().is_empty());
    tui.type_text("hi");
    tui.send(CTRL_C);
    assert_eq!(tui.wait_exit(), 0);
}

/// Issue 15: Tab to the list, `/`, type, Esc, Esc, then `g` Enter used to send "g" as
/// an answer and create an interview titled "g": the second Esc moved the focus into
/// the answer box. Esc outside the input never moves the focus there.
#[test]
fn esc_in_the_conversation_list_never_moves_focus_into_the_answer_box() {
    let sb = Sandbox::new();
    let mut tui = Tui::start(sb.pty_cmd(), 80, 24);
    tui.wait_for("Interviews");
    tui.wait_for("Type here");
    tui.send(TAB);
    tui.wait_for("? help · n new");
    tui.send("/");
    tui.wait_for("type to search");
    tui.type_text("gr");
    tui.wait_for("no matches");
    // (Esc and a key sent together read as Alt+key: wait for the screen each time.)
    tui.send(ESC);
    tui.wait_until("the search closed", |s| !s.contains("no matches"));
    tui.send(ESC);
    tui.wait_for("goes back to your answer");
    tui.send("g");
    tui.send(ENTER);
    // F1 after them: once the help shows, `g` and Enter were handled.
    tui.send("\x1bOP");
    tui.wait_for("Keys");
    tui.send(ESC);
    tui.wait_until("the help closed", |s| !s.contains("Keys"));
    let screen = tui.contents();
    assert!(
        screen.contains("Type here"),
        "the answer box is empty:\n{screen}"
    );
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
