//! Trust under attack (issue 17): the real binary and the service against the
//! hostile side of the in-repo mock server (`tests/support/mock_openai.rs`), which
//! echoes request headers into its errors, sends escape sequences, answers a
//! stream with one JSON body and sends bytes that are not UTF-8; and hostile
//! input of our own (a key with a line break, file names with escapes, an export
//! with impossible numbers).
//!
//! Each test names the FAILURES.md row it proves and fails without its fix.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use base64::Engine;
use support::Sandbox;
use support::mock_openai::{HOSTILE_TEXT, MockOpenAi, Reply};

/// A key that must never be found anywhere but in the request's header.
const KEY: &str = "sk-hostile-SECRET-4f1c9b7e2d8a0c6eWXYZ";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `interviewer ask` in the sandbox with [`KEY`] in the environment.
fn ask(sb: &Sandbox, args: &[&str]) -> Output {
    sb.cmd()
        .env("OPENAI_API_KEY", KEY)
        .arg("ask")
        .args(args)
        .output()
        .expect("run ask")
}

fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.cmd()
        .env("OPENAI_API_KEY", KEY)
        .args(args)
        .output()
        .expect("run")
}

/// Every file under `dir` that contains `needle`.
fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle)
            {
                found.push(path);
            }
        }
    }
    found
}

/// None of `secrets` in any output, in any file of the sandbox (database, WAL, log,
/// exports), nor in what `show` and `export` print afterwards.
fn assert_secrets_nowhere(sb: &Sandbox, outputs: &[Output], secrets: &[&str]) {
    let mut outputs: Vec<String> = outputs
        .iter()
        .map(|o| format!("{}{}", stdout(o), stderr(o)))
        .collect();
    let export_file = sb.dir.path().join("export.md");
    for args in [
        vec!["show", "1"],
        vec!["show", "1", "--format", "json"],
        vec!["export", "--all", "--format", "json"],
        vec![
            "export",
            "1",
            "--format",
            "md",
            "-o",
            export_file.to_str().expect("utf-8 path"),
        ],
    ] {
        let o = run(sb, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        outputs.push(format!("{}{}", stdout(&o), stderr(&o)));
    }
    for secret in secrets {
        for text in &outputs {
            assert!(!text.contains(secret), "{secret:?} was printed:\n{text}");
        }
        let leaked = files_containing(sb.dir.path(), secret.as_bytes());
        assert!(leaked.is_empty(), "{secret:?} was written to {leaked:?}");
    }
}

fn log_text(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.data_dir().join("logs").join("interviewer.log")).unwrap_or_default()
}

/// FAILURES.md "A server echoes the key": a 400 JSON error, an HTML 502 page and an
/// error event mid-stream that quote `Authorization: Bearer <key>`, and a 500 with
/// an 8 MB page (async-openai logs whole 5xx bodies). The key is nowhere; what the
/// server said is shown and stored with `<redacted>` in its place; the log grows by
/// a bounded excerpt.
#[test]
fn a_server_echoing_the_key_leaks_it_nowhere() {
    let cases: Vec<(&str, Reply, bool)> = vec![
        ("400 JSON", Reply::echo_headers(400), true),
        ("502 HTML", Reply::echo_headers_html(502), true),
        (
            "error event mid-stream",
            Reply::text("A partial answer that stops").echo_headers_event_after(2),
            true,
        ),
        ("8 MB HTML 500", Reply::huge_html(500, 8 << 20), false),
    ];
    for (what, reply, quoted) in cases {
        let sb = Sandbox::new();
        sb.mock.push(reply);
        let o = ask(&sb, &["Hello"]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(
            err.lines().count(),
            2,
            "{what}: conversation line + one line:\n{err}"
        );
        let requests = sb.mock.chat_requests();
        assert_eq!(
            requests[0].header("authorization"),
            Some(format!("Bearer {KEY}").as_str()),
            "{what}: the server saw the key, so its echo carries it"
        );
        let stored = sb.messages(1);
        let error = stored[1].error.clone().unwrap_or_default();
        if quoted {
            assert!(
                err.contains("Authorization: Bearer <redacted>"),
                "{what}: the server's words are shown, without the key:\n{err}"
            );
            assert!(
                error.contains("Authorization: Bearer <redacted>"),
                "{what}: stored: {error}"
            );
        }
        let log = log_text(&sb);
        if !quoted {
            assert!(
                log.contains("Server error: 500") && log.contains("more bytes not logged"),
                "{what}: the body is logged as a bounded excerpt:\n{}",
                &log[..log.len().min(2000)]
            );
        }
        assert!(
            log.len() < 64 * 1024,
            "{what}: the log grew to {} bytes",
            log.len()
        );
        assert_secrets_nowhere(&sb, &[o], &[KEY]);
    }
}

/// FAILURES.md "Credentials in the API base": `http://user:pass@host/v1?api-key=…`
/// is never printed, stored or logged, neither whole nor in parts, nor as the
/// `Basic` credentials made of it; `config show` and connection errors show
/// `http://***@host/v1?api-key=***`.
#[test]
fn url_credentials_are_shown_and_stored_nowhere() {
    let sb = Sandbox::new();
    let user = "alice-user";
    let password = "pa55w0rd-SECRET";
    let query = "QUERY-SECRET-123";
    let base = format!(
        "http://{user}:{password}@{}/v1?api-key={query}",
        sb.mock.addr()
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    sb.mock.push(Reply::echo_headers(400));
    let o = ask(&sb, &["--api-base", &base, "Hello"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("Invalid header:"), "the echo is shown: {err}");
    let path = &sb.mock.chat_requests()[0].path;
    assert!(
        path.contains(query),
        "the server saw the query secret: {path}"
    );

    let shown = run(&sb, &["--api-base", &base, "config", "show"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    assert!(
        stdout(&shown).contains(&format!(
            "api_base = \"http://***@{}/v1?api-key=***\"",
            sb.mock.addr()
        )),
        "{}",
        stdout(&shown)
    );

    let refused = format!("http://{user}:{password}@127.0.0.1:1/v1");
    let unreachable = ask(&sb, &["--api-base", &refused, "Hello again"]);
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        stderr(&unreachable).contains("cannot reach http://***@127.0.0.1:1/v1"),
        "{}",
        stderr(&unreachable)
    );
    assert_secrets_nowhere(
        &sb,
        &[o, shown, unreachable],
        &[KEY, user, password, query, &basic],
    );
}

/// FAILURES.md "A key with a control character": `OPENAI_API_KEY` with a line break
/// or a control character is refused in one plain line before anything is sent or
/// stored (it used to panic in async-openai, exit 101); `key status` says so too.
#[test]
fn a_key_with_a_control_character_is_refused_in_one_line() {
    for bad in ["sk-abc\ndef-4f1c9b7e", "sk-abc\u{1}def-4f1c9b7e"] {
        let sb = Sandbox::new();
        let o = sb
            .cmd()
            .env("OPENAI_API_KEY", bad)
            .args(["ask", "Hello"])
            .output()
            .expect("run");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{bad:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{bad:?}: {err}");
        assert!(
            err.starts_with(
                "error: the API key in the environment (OPENAI_API_KEY) is not usable:"
            ),
            "{bad:?}: {err}"
        );
        assert!(
            !err.contains("panicked") && !err.contains("def-4f1c9b7e"),
            "{err}"
        );
        assert!(sb.mock.requests().is_empty(), "nothing was sent");

        let status = sb
            .cmd()
            .env("OPENAI_API_KEY", bad)
            .args(["key", "status"])
            .output()
            .expect("run");
        assert!(status.status.success());
        assert!(
            stdout(&status).contains("not usable"),
            "{}",
            stdout(&status)
        );
    }
}

/// FAILURES.md "A panic in a send task": whatever panics inside the request (here
/// async-openai on a key that bypassed validation) ends the reply as a stored
/// `error` row with one sentence, instead of taking the caller down.
#[tokio::test]
async fn a_panic_in_the_request_becomes_a_stored_error() {
    use interviewer::agent::openai::OpenAiBackend;
    use interviewer::agent::{AgentError, Backend, StreamEnd};
    use interviewer::cli::GlobalArgs;
    use interviewer::config::Settings;
    use interviewer::domain::Status;
    use interviewer::domain::key::ApiKey;
    use interviewer::service::{SendRequest, Service};

    let mock = MockOpenAi::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = Settings::resolve(&GlobalArgs {
        data_dir: Some(dir.path().to_path_buf()),
        api_base: Some(mock.base_url()),
        ..Default::default()
    })
    .expect("settings");
    // `ApiKey::new` does not check: the panic it causes stands for any panic.
    let backend = Backend::OpenAi(
        OpenAiBackend::new(&settings, ApiKey::new("sk-bad\nkey".into())).expect("backend"),
    );
    let service = Service::open(settings).expect("service");
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let outcome = service
        .send_message(
            &backend,
            SendRequest {
                text: "Hello".into(),
                ..Default::default()
            },
            &tx,
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .expect("the send itself ends normally");
    assert!(
        matches!(&outcome.end, StreamEnd::Failed(AgentError::Internal(_))),
        "{:?}",
        outcome.end
    );
    let reply = outcome.reply.expect("a reply row");
    assert_eq!(reply.status, Status::Error);
    assert!(
        reply
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("the request failed unexpectedly")),
        "{:?}",
        reply.error
    );
}

/// No byte a terminal acts on: C0 but `\n` and `\t`, DEL, C1 (as UTF-8 `C2 80..9F`),
/// and the bidi controls (`E2 80 8E/8F/AA..AE`, `E2 81 A6..A9`).
fn assert_inert(what: &str, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        assert!(
            b >= 0x20 || b == b'\n' || b == b'\t',
            "{what}: control byte {b:#04x} at {i}"
        );
        assert_ne!(b, 0x7f, "{what}: DEL at {i}");
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let third = bytes.get(i + 2).copied().unwrap_or(0);
        assert!(
            !(b == 0xC2 && (0x80..=0x9F).contains(&next)),
            "{what}: C1 control at {i}"
        );
        assert!(
            !(b == 0xE2
                && ((next == 0x80 && matches!(third, 0x8E | 0x8F | 0xAA..=0xAE))
                    || (next == 0x81 && (0xA6..=0xA9).contains(&third)))),
            "{what}: bidi control at {i}"
        );
    }
}

/// FAILURES.md "`ask` into a pipe": the reply is sanitised whether or not stdout is
/// a terminal (`ask hi | tee` in tmux used to set the title and the clipboard);
/// `--raw` prints the exact text; the stored reply is exact either way.
#[test]
fn ask_sanitises_output_into_a_pipe_unless_raw() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text(HOSTILE_TEXT).chunk_size(3));
    let o = ask(&sb, &["Hello"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_inert("ask stdout", &o.stdout);
    assert!(
        stdout(&o).contains("␛]52;c;") && stdout(&o).contains("touch /tmp/pwned"),
        "the text is there, disarmed: {}",
        stdout(&o)
    );
    assert_eq!(sb.messages(1)[1].content, HOSTILE_TEXT, "stored exactly");

    sb.mock.push(Reply::text(HOSTILE_TEXT).chunk_size(3));
    let raw = ask(&sb, &["--raw", "Hello"]);
    assert!(raw.status.success(), "{}", stderr(&raw));
    assert_eq!(stdout(&raw), format!("{HOSTILE_TEXT}\n"));
}

/// FAILURES.md "Escapes in file names and JSON": a file name with an escape
/// sequence prints disarmed in the error line; `--json` outputs write C1 and bidi
/// controls as `\u` escapes (the JSON still reads back to the exact text).
#[test]
fn file_names_and_json_outputs_carry_no_raw_controls() {
    let sb = Sandbox::new();
    let name = sb.dir.path().join("jd\u{1b}]0;PWNED\u{7}\u{9b}2J.txt");
    let o = sb
        .cmd()
        .arg("ask")
        .arg("--jd")
        .arg(&name)
        .arg("Hello")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert_inert("the error line", &o.stderr);
    assert!(stderr(&o).contains("jd␛]0;PWNED"), "{}", stderr(&o));

    sb.mock.push(Reply::text(HOSTILE_TEXT));
    assert!(ask(&sb, &["Hello"]).status.success());
    for args in [
        vec!["show", "1", "--format", "json"],
        vec!["export", "1", "--format", "json"],
        vec!["search", "--json", "touch"],
    ] {
        let o = run(&sb, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_inert(&format!("{args:?}"), &o.stdout);
        let value: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        if args[0] != "search" {
            assert_eq!(value["messages"][1]["content"], HOSTILE_TEXT, "{args:?}");
        }
    }
}

/// FAILURES.md "Invalid UTF-8 in a stream": the bad bytes become U+FFFD, a
/// character split across packets is whole, and the reply goes on to complete.
#[test]
fn invalid_utf8_in_a_stream_becomes_replacement_characters() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("Tell me about your last project.")
            .chunk_size(5)
            .invalid_utf8_after(2),
    );
    let o = ask(&sb, &["Hello"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reply = &sb.messages(1)[1];
    assert_eq!(reply.status, "complete");
    assert_eq!(
        reply.content,
        "Tell me ab\u{FFFD}\u{FFFD}out yéour last project."
    );
}

/// FAILURES.md "A JSON reply to a streaming request": one `chat.completion` body is
/// the reply (it used to be reported as a cut-off stream and lost).
#[test]
fn a_json_reply_to_a_streaming_request_is_the_reply() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("The whole answer at once.").not_streamed());
    let o = ask(&sb, &["Hello"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "The whole answer at once.\n");
    let reply = &sb.messages(1)[1];
    assert_eq!(reply.status, "complete");
    let tokens: (i64, i64) = sb
        .db()
        .query_row(
            "SELECT prompt_tokens, completion_tokens FROM messages WHERE id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("tokens");
    assert_eq!(tokens, (12, 34));
}

/// FAILURES.md "Impossible numbers in an import": token counts and `*_ms` times out
/// of range are refused by name, and nothing is imported.
#[test]
fn imports_refuse_out_of_range_numbers() {
    let sb = Sandbox::new();
    let export = |tokens: i64, created_ms: i64| {
        serde_json::json!({
            "id": 1, "title": "Hostile", "persona": "friendly",
            "created_at": "1970-01-01T00:00:00Z", "updated_at": "1970-01-01T00:00:00Z",
            "created_at_ms": created_ms,
            "messages": [
                {"id": 1, "role": "user", "content": "hi", "status": "complete",
                 "created_at": "1970-01-01T00:00:00Z"},
                {"id": 2, "role": "assistant", "content": "hello", "status": "complete",
                 "created_at": "1970-01-01T00:00:00Z", "completion_tokens": tokens}
            ]
        })
    };
    for (json, field) in [
        (export(i64::MAX, 0), "messages[1].completion_tokens"),
        (export(10, i64::MAX), "created_at_ms"),
    ] {
        let file = sb.dir.path().join("hostile.json");
        std::fs::write(&file, json.to_string()).expect("write");
        let o = run(&sb, &["import", file.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(field) && stderr(&o).contains("nothing was imported"),
            "{}",
            stderr(&o)
        );
    }
}

/// FAILURES.md "Impossible numbers in an import": token sums past `i64::MAX` (a
/// database filled before imports were checked) never make `stats` fail.
#[test]
fn token_sums_past_the_largest_integer_never_break_stats() {
    let sb = Sandbox::new();
    for _ in 0..2 {
        sb.mock.push(Reply::text("Next question."));
        assert!(ask(&sb, &["Hello"]).status.success());
    }
    {
        let db = rusqlite::Connection::open(sb.db_path()).expect("open");
        db.execute(
            "UPDATE messages SET prompt_tokens = 9223372036854775807,
                                 completion_tokens = 9223372036854775807
             WHERE role = 'assistant'",
            [],
        )
        .expect("update");
    }
    for args in [vec!["stats"], vec!["stats", "--json"]] {
        let o = run(&sb, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("overflow"));
    }
}

#[allow(dead_code)]
const PTY_DEADLINE: Duration = Duration::from_secs(30);

#[cfg(unix)]
mod pty {
    //! The TUI under a pseudo-terminal, recording the raw bytes it writes.

    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use base64::Engine;
    use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

    use super::support::Sandbox;
    use super::support::mock_openai::{HOSTILE_TEXT, Reply};
    use super::{KEY, PTY_DEADLINE};

    struct Tui {
        child: Box<dyn Child + Send + Sync>,
        writer: Box<dyn Write + Send>,
        _master: Box<dyn MasterPty + Send>,
        screen: Arc<Mutex<vt100::Parser>>,
        raw: Arc<Mutex<Vec<u8>>>,
    }

    impl Tui {
        fn start(cmd: CommandBuilder) -> Tui {
            let pair = native_pty_system()
                .openpty(PtySize {
                    rows: 30,
                    cols: 100,
                    pixel_width: 0,
                    pixel_height: 0,
                })
                .expect("open a pty");
            let child = pair.slave.spawn_command(cmd).expect("spawn");
            drop(pair.slave);
            let size = |n: u16| std::num::NonZeroU16::new(n).expect("size");
            let screen = Arc::new(Mutex::new(vt100::Parser::new(size(30), size(100), 0)));
            let raw = Arc::new(Mutex::new(Vec::new()));
            let mut reader = pair.master.try_clone_reader().expect("reader");
            let (sink, raw_sink) = (screen.clone(), raw.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    raw_sink.lock().expect("lock").extend_from_slice(&buf[..n]);
                    sink.lock().expect("lock").process(&buf[..n]);
                }
            });
            let writer = pair.master.take_writer().expect("writer");
            Tui {
                child,
                writer,
                _master: pair.master,
                screen,
                raw,
            }
        }

        fn contents(&self) -> String {
            self.screen.lock().expect("lock").screen().contents()
        }

        fn raw(&self) -> Vec<u8> {
            self.raw.lock().expect("lock").clone()
        }

        fn send(&mut self, keys: &str) {
            self.writer.write_all(keys.as_bytes()).expect("type");
            self.writer.flush().expect("flush");
        }

        fn type_text(&mut self, text: &str) {
            for c in text.chars() {
                self.send(&c.to_string());
            }
        }

        fn wait_for(&self, needle: &str) {
            let deadline = Instant::now() + PTY_DEADLINE;
            loop {
                let screen = self.contents();
                if screen.contains(needle) {
                    return;
                }
                assert!(
                    Instant::now() < deadline,
                    "the screen never showed {needle:?}; it shows:\n{screen}"
                );
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
    }

    impl Drop for Tui {
        fn drop(&mut self) {
            let _ = self.child.kill();
        }
    }

    /// The payloads of every OSC 52 clipboard write in `raw`, decoded.
    fn clipboard_writes(raw: &[u8]) -> Vec<Vec<u8>> {
        let start = b"\x1b]52;c;";
        let mut out = Vec::new();
        let mut rest = raw;
        while let Some(at) = rest.windows(start.len()).position(|w| w == start) {
            let body = &rest[at + start.len()..];
            let end = body
                .iter()
                .position(|&b| b == 0x07 || b == 0x1b)
                .unwrap_or(body.len());
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(&body[..end])
                .expect("base64 payload");
            out.push(decoded);
            rest = &body[end..];
        }
        out
    }

    /// FAILURES.md "Copying a hostile reply (`y`)": what reaches the clipboard is
    /// the sanitised text (no `\e[201~`, no `\r`, no other control but newline and
    /// tab), and no escape sequence of the reply reaches the terminal.
    #[test]
    fn y_copies_sanitised_text_and_nothing_hostile_reaches_the_terminal() {
        let sb = Sandbox::new();
        sb.mock.set_default(Reply::text(HOSTILE_TEXT).chunk_size(7));
        let mut cmd = sb.pty_cmd();
        cmd.env("OPENAI_API_KEY", KEY);
        let mut tui = Tui::start(cmd);
        tui.wait_for("Interviews");
        tui.type_text("Hello");
        tui.send("\r");
        tui.wait_for("done.");
        // Shift+Tab: from the input box to the messages.
        tui.send("\x1b[Z");
        tui.send("y");
        tui.wait_for("copied");
        let raw = tui.raw();
        let copies = clipboard_writes(&raw);
        assert_eq!(copies.len(), 1, "one clipboard write, ours");
        let copied = String::from_utf8(copies[0].clone()).expect("utf-8");
        assert!(
            copied.contains("touch /tmp/pwned"),
            "the reply was copied: {copied:?}"
        );
        super::assert_inert("the clipboard", copied.as_bytes());
        for hostile in [
            &b"\x1b]0;PWNED"[..],
            b"\x1b[201~",
            b"\xc2\x9b31m",
            b"\xc2\x9d0;",
        ] {
            assert!(
                !raw.windows(hostile.len()).any(|w| w == hostile),
                "{:?} reached the terminal",
                String::from_utf8_lossy(hostile)
            );
        }
    }

    /// FAILURES.md "A key with a control character" in the TUI: it starts in
    /// offline practice saying why, and sending works (no endless wait).
    #[test]
    fn the_tui_refuses_an_unusable_key_and_still_answers() {
        let sb = Sandbox::new();
        let mut cmd = sb.pty_cmd();
        cmd.env("OPENAI_API_KEY", "sk-abc\u{1}def");
        let mut tui = Tui::start(cmd);
        tui.wait_for("not usable");
        tui.type_text("Hello");
        tui.send("\r");
        tui.wait_for("Hello");
        let deadline = Instant::now() + PTY_DEADLINE;
        while !sb.db_path().exists()
            || sb.messages(1).len() < 2
            || sb.messages(1)[1].status == "streaming"
        {
            assert!(
                Instant::now() < deadline,
                "no reply was stored:\n{}",
                tui.contents()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(sb.mock.requests().is_empty(), "the bad key was never sent");
    }
}
