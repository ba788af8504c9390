//! Trust under attack (issue 17): the real binary and the service against the
//! hostile side of the in-repo mock server (`tests/support/mock_openai.rs`), which
//! echoes request headers into its errors, sends escape sequences, answers a
//! stream with one JSON body and sends bytes that are not UTF-8; and hostile
//! input of our own (a key with a line break, file names with escapes, an export
//! with impossible numbers).
//!
//! Each test names the FAILURES.md row it proves and fails without its fix.

mod support;

use support::{kill, output_within, stderr_of, stdout_of};

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use base64::Engine;
use support::Sandbox;
use support::mock_openai::{HOSTILE_TEXT, MockOpenAi, Reply};

/// A key that must never be found anywhere but in the request's header.
const KEY: &str = "sk-hostile-SECRET-4f1c9b7e2d8a0c6eWXYZ";

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
        .map(|o| format!("{}{}", stdout_of(o), stderr_of(o)))
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
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
        outputs.push(format!("{}{}", stdout_of(&o), stderr_of(&o)));
    }
    for secret in secrets {
        for text in &outputs {
            assert!(!text.contains(secret), "{secret:?} was printed:\n{text}");
        }
        // The test keyring's own entry is where a key from the keyring is meant to be.
        let leaked: Vec<PathBuf> = files_containing(sb.dir.path(), secret.as_bytes())
            .into_iter()
            .filter(|p| *p != sb.stored_key_file())
            .collect();
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
    type MakeReply = fn() -> Reply;
    let cases: Vec<(&str, MakeReply, bool)> = vec![
        ("400 JSON", || Reply::echo_headers(400), true),
        ("502 HTML", || Reply::echo_headers_html(502), true),
        (
            "error event mid-stream",
            || Reply::text("A partial answer that stops").echo_headers_event_after(2),
            true,
        ),
        ("8 MB HTML 500", || Reply::huge_html(500, 8 << 20), false),
    ];
    support::each_case(cases, |&(what, reply, quoted)| {
        let sb = Sandbox::new();
        sb.mock.push(reply());
        let o = ask(&sb, &["Hello"]);
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr_of(&o));
        let err = stderr_of(&o);
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
    });
}

/// FAILURES.md "A server echoes the key", with the key from the keyring (the
/// sandbox's test store, `INTERVIEWER_KEYRING=file:…`) and no `OPENAI_API_KEY`: the
/// server sees the keyring's key and echoes it (400 JSON, 502 HTML, an error event
/// mid-stream) to `ask` and to the TUI; the key is on no output, no screen, and in no
/// file but the keyring's own entry: not the database, the log or an export.
#[test]
fn a_key_from_the_keyring_echoed_by_the_server_leaks_nowhere() {
    const KEYRING_KEY: &str = "sk-keyring-SECRET-7d3e91a0b5c2f8e4QRST";
    type MakeReply = fn() -> Reply;
    let cases: Vec<(&str, MakeReply)> = vec![
        ("400 JSON", || Reply::echo_headers(400)),
        ("502 HTML", || Reply::echo_headers_html(502)),
        ("error event mid-stream", || {
            Reply::text("A partial answer that stops").echo_headers_event_after(2)
        }),
    ];
    support::each_case(cases, |&(what, reply)| {
        let sb = Sandbox::new();
        // The sandbox's isolated environment and the mock, but no OPENAI_API_KEY.
        let keyring_cmd = || {
            let mut cmd = assert_cmd::Command::from_std(sb.bare_std_cmd());
            cmd.timeout(support::RUN_DEADLINE);
            cmd.arg("--data-dir")
                .arg(sb.data_dir())
                .env("OPENAI_BASE_URL", sb.mock.base_url());
            cmd
        };
        let set = keyring_cmd()
            .args(["key", "set"])
            .write_stdin(format!("{KEYRING_KEY}\n"))
            .output()
            .expect("key set");
        assert!(set.status.success(), "{what}: {}", stderr_of(&set));
        assert!(
            sb.stored_key_file().exists(),
            "{what}: stored in the keyring"
        );

        sb.mock.push(reply());
        let o = keyring_cmd().args(["ask", "Hello"]).output().expect("ask");
        assert_eq!(o.status.code(), Some(1), "{what}: {}", stderr_of(&o));
        assert_eq!(
            sb.mock.chat_requests()[0].header("authorization"),
            Some(format!("Bearer {KEYRING_KEY}").as_str()),
            "{what}: the request carried the keyring's key, so the echo does"
        );
        assert!(
            stderr_of(&o).contains("Authorization: Bearer <redacted>"),
            "{what}: the server's words are shown, without the key:\n{}",
            stderr_of(&o)
        );

        // The same through the TUI, whose key comes from the keyring at start-up.
        sb.mock.push(reply());
        let mut pty = sb.bare_pty_cmd();
        pty.arg("--data-dir");
        pty.arg(sb.data_dir());
        pty.env("OPENAI_BASE_URL", sb.mock.base_url());
        let mut tui = support::PtyRun::start(pty, 120, 30);
        tui.wait_for_screen("Interviews");
        for c in "Hello from the TUI".chars() {
            tui.send(&c.to_string());
        }
        tui.wait_for_screen("Hello from the TUI");
        tui.send("\r");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let ended = sb.mock.chat_requests().len() == 2
                && sb.db_path().exists()
                && sb
                    .messages(2)
                    .get(1)
                    .is_some_and(|m| m.status == "error" || m.status == "interrupted");
            if ended {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what}: the TUI's reply never ended"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            sb.mock.chat_requests()[1].header("authorization"),
            Some(format!("Bearer {KEYRING_KEY}").as_str()),
            "{what}: the TUI used the keyring's key"
        );
        // The failure reaches the screen (the key would be drawn with it), then quit.
        tui.wait_until(&format!("{what}: the failure on the screen"), |s| {
            ["(400)", "(502)", "middle of the reply"]
                .iter()
                .any(|sign| s.contains(sign))
        });
        tui.send("\x03");
        let (code, seen) = tui.finish();
        assert_eq!(code, 0, "{what}");
        let drawn = String::from_utf8_lossy(&seen);
        assert!(
            !drawn.contains(KEYRING_KEY),
            "{what}: the TUI drew the key:\n{drawn}"
        );

        assert_secrets_nowhere(&sb, &[set, o], &[KEYRING_KEY]);
        let log = log_text(&sb);
        assert!(!log.is_empty(), "{what}: the log was written (and checked)");
    });
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
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(err.contains("Invalid header:"), "the echo is shown: {err}");
    let path = &sb.mock.chat_requests()[0].path;
    assert!(
        path.contains(query),
        "the server saw the query secret: {path}"
    );

    let shown = run(&sb, &["--api-base", &base, "config", "show"]);
    assert!(shown.status.success(), "{}", stderr_of(&shown));
    assert!(
        stdout_of(&shown).contains(&format!(
            "api_base = \"http://***@{}/v1?api-key=***\"",
            sb.mock.addr()
        )),
        "{}",
        stdout_of(&shown)
    );

    let refused = format!("http://{user}:{password}@127.0.0.1:1/v1");
    let unreachable = ask(&sb, &["--api-base", &refused, "Hello again"]);
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        stderr_of(&unreachable).contains("cannot reach http://***@127.0.0.1:1/v1"),
        "{}",
        stderr_of(&unreachable)
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
        let err = stderr_of(&o);
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
            stdout_of(&status).contains("not usable"),
            "{}",
            stdout_of(&status)
        );
    }
}

/// A key that slipped past validation (a line break in it) is refused with a
/// sentence, stored as the reply's error, instead of reaching a header builder
/// that panics on it.
#[tokio::test]
async fn a_key_no_header_can_carry_is_a_stored_error() {
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
    // `ApiKey::new` does not check.
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
        matches!(&outcome.end, StreamEnd::Failed(AgentError::UnusableKey(_))),
        "{:?}",
        outcome.end
    );
    let reply = outcome.reply.expect("a reply row");
    assert_eq!(reply.status, Status::Error);
    assert!(
        reply
            .error
            .as_deref()
            .is_some_and(|e| e.contains("interviewer key set")),
        "{:?}",
        reply.error
    );
    assert!(mock.chat_requests().is_empty(), "nothing was sent");
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
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_inert("ask stdout", &o.stdout);
    assert!(
        stdout_of(&o).contains("␛]52;c;") && stdout_of(&o).contains("touch /tmp/pwned"),
        "the text is there, disarmed: {}",
        stdout_of(&o)
    );
    assert_eq!(sb.messages(1)[1].content, HOSTILE_TEXT, "stored exactly");

    sb.mock.push(Reply::text(HOSTILE_TEXT).chunk_size(3));
    let raw = ask(&sb, &["--raw", "Hello"]);
    assert!(raw.status.success(), "{}", stderr_of(&raw));
    assert_eq!(stdout_of(&raw), format!("{HOSTILE_TEXT}\n"));
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
    assert!(stderr_of(&o).contains("jd␛]0;PWNED"), "{}", stderr_of(&o));

    sb.mock.push(Reply::text(HOSTILE_TEXT));
    assert!(ask(&sb, &["Hello"]).status.success());
    for args in [
        vec!["show", "1", "--format", "json"],
        vec!["export", "1", "--format", "json"],
        vec!["search", "--json", "touch"],
    ] {
        let o = run(&sb, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
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
    assert!(o.status.success(), "{}", stderr_of(&o));
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
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert_eq!(stdout_of(&o), "The whole answer at once.\n");
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
        assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
        assert!(
            stderr_of(&o).contains(field) && stderr_of(&o).contains("nothing was imported"),
            "{}",
            stderr_of(&o)
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
        assert!(o.status.success(), "{args:?}: {}", stderr_of(&o));
        assert!(!stderr_of(&o).contains("overflow"));
    }
}

#[cfg(unix)]
mod pty {
    //! The TUI under a pseudo-terminal, recording the raw bytes it writes.

    use std::time::Instant;

    use base64::Engine;

    use super::KEY;
    use super::support::mock_openai::{HOSTILE_TEXT, Reply};
    use super::support::{PTY_DEADLINE, PtyRun, Sandbox};

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
        let mut tui = PtyRun::start(cmd, 100, 30);
        tui.wait_for_screen("Interviews");
        tui.type_text("Hello");
        tui.send("\r");
        tui.wait_for_screen("done.");
        // Shift+Tab: from the input box to the messages.
        tui.send("\x1b[Z");
        tui.send("y");
        tui.wait_for_screen("copied");
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
        let mut tui = PtyRun::start(cmd, 100, 30);
        tui.wait_for_screen("not usable");
        tui.type_text("Hello");
        tui.send("\r");
        tui.wait_for_screen("Hello");
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

// ----- bounded replies, signals, files, searches (issue 17, items 4 and 6 to 10) -----

/// Writes `config.toml` where the sandbox's binary reads it (`XDG_CONFIG_HOME`).
fn write_config(sb: &Sandbox, text: &str) {
    let dir = sb.dir.path().join("config/interviewer");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(dir.join("config.toml"), text).expect("config");
}

/// `ask` started in the background, for tests that signal it or act while it streams.
fn spawn_ask(sb: &Sandbox, args: &[&str]) -> std::process::Child {
    sb.std_cmd()
        .env("OPENAI_API_KEY", KEY)
        .arg("ask")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn ask")
}

/// Polls the database until `query` (one integer) is at least `at_least`.
fn wait_for_count(sb: &Sandbox, query: &str, at_least: i64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let n: i64 = if sb.db_path().exists() {
            sb.db().query_row(query, [], |r| r.get(0)).unwrap_or(0)
        } else {
            0
        };
        if n >= at_least {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{query} never reached {at_least}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// FAILURES.md "A reply that never ends": the reply is cut at `max_reply_bytes`,
/// kept as `interrupted` with a reason naming the limit, and every request carries
/// `max_tokens` (was: an endless stream was never cut, and memory grew with it).
#[test]
fn an_endless_reply_is_cut_at_the_byte_limit_and_max_tokens_is_sent() {
    let sb = Sandbox::new();
    write_config(&sb, "[limits]\nmax_tokens = 321\nmax_reply_bytes = 20000\n");
    sb.mock.push(
        Reply::text("All work and no play. ".repeat(20))
            .chunk_size(50)
            .endless(),
    );
    let o = sb
        .cmd()
        .env("OPENAI_API_KEY", KEY)
        .args(["ask", "Hello"])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("ask");
    assert_eq!(o.status.code(), Some(1), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o).contains("limit of 20000 bytes (max_reply_bytes"),
        "{}",
        stderr_of(&o)
    );
    let reply = &sb.messages(1)[1];
    assert_eq!(reply.status, "interrupted");
    assert_eq!(reply.content.len(), 20000);
    assert!(reply.content.starts_with("All work and no play."));
    assert_eq!(stdout_of(&o).trim_end_matches('\n').len(), 20000);
    let body = &sb.mock.chat_requests()[0].body;
    assert_eq!(body["max_tokens"], 321, "{body}");
}

/// FAILURES.md "One SSE line that never ends": cut at 1 MB with a reason that says
/// so (was: one core spun while memory grew without end).
#[test]
fn an_endless_line_is_cut_with_a_clear_reason() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::endless_line());
    let o = sb
        .cmd()
        .env("OPENAI_API_KEY", KEY)
        .args(["ask", "Hello"])
        .timeout(Duration::from_secs(120))
        .output()
        .expect("ask");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr_of(&o).contains("one line of the stream passed 1 MB without ending"),
        "{}",
        stderr_of(&o)
    );
    assert_eq!(sb.messages(1)[1].status, "error");
}

/// FAILURES.md "Flushes append, the index is written once": while a reply streams
/// its text is appended in pieces (`message_chunks`), `messages.content` is not
/// rewritten and the search index does not hold it; at the end it is folded and
/// indexed once (was: each 200 ms flush rewrote and re-indexed the whole reply).
#[test]
fn a_streaming_reply_is_appended_and_indexed_once_at_its_end() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("Zanzibar questions come in many small pieces today.")
            .chunk_size(4)
            .delay(Duration::from_millis(120)),
    );
    let child = spawn_ask(&sb, &["Hello"]);
    wait_for_count(&sb, "SELECT count(*) FROM message_chunks", 3);
    let (raw, status): (String, String) = sb
        .db()
        .query_row(
            "SELECT content, status FROM messages WHERE id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    assert_eq!((raw.as_str(), status.as_str()), ("", "streaming"));
    let indexed: i64 = sb
        .db()
        .query_row(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zanzibar'",
            [],
            |r| r.get(0),
        )
        .expect("fts");
    assert_eq!(indexed, 0, "a streaming reply is not indexed yet");
    // Readers see the text so far.
    let shown = run(&sb, &["show", "1"]);
    assert!(stdout_of(&shown).contains("Zanz"), "{}", stdout_of(&shown));

    let o = output_within(child, "the command");
    assert!(o.status.success(), "{}", stderr_of(&o));
    let (content, pieces, indexed): (String, i64, i64) = sb
        .db()
        .query_row(
            "SELECT (SELECT content FROM messages WHERE id = 2),
                    (SELECT count(*) FROM message_chunks),
                    (SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zanzibar')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("row");
    assert_eq!(
        content,
        "Zanzibar questions come in many small pieces today."
    );
    assert_eq!((pieces, indexed), (0, 1));
}

/// FAILURES.md "A quit signal during `ask`": TERM and HUP (as INT already did) stop
/// the reply, keep what arrived as `interrupted` and exit 128 + signal (was: the
/// reply was left `streaming`).
#[test]
fn ask_keeps_the_partial_reply_on_term_and_hup_and_exits_128_plus_signal() {
    support::each_case(
        [("TERM", 143), ("HUP", 129), ("QUIT", 131)],
        |&(signal, code)| {
            let sb = Sandbox::new();
            sb.mock.push(
                Reply::text("A long answer that will not finish before the signal arrives.")
                    .chunk_size(3)
                    .delay(Duration::from_millis(150)),
            );
            let child = spawn_ask(&sb, &["Hello"]);
            wait_for_count(&sb, "SELECT count(*) FROM message_chunks", 2);
            kill(child.id(), signal);
            let o = output_within(child, "the command");
            assert_eq!(o.status.code(), Some(code), "{signal}: {}", stderr_of(&o));
            assert!(
                stderr_of(&o).contains("interrupted: what arrived"),
                "{}",
                stderr_of(&o)
            );
            let reply = &sb.messages(1)[1];
            assert_eq!(reply.status, "interrupted", "{signal}");
            assert!(reply.content.starts_with("A l"), "{signal}: {reply:?}");
        },
    );
}

/// FAILURES.md "A conversation deleted while its reply streams": `ask` says so in
/// one line and exits 1 (was: the reply "finished" and nothing was stored).
#[test]
fn a_conversation_deleted_while_its_reply_streams_is_reported() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("This reply is still arriving when its conversation goes away.")
            .chunk_size(3)
            .delay(Duration::from_millis(100)),
    );
    let child = spawn_ask(&sb, &["Hello"]);
    wait_for_count(&sb, "SELECT count(*) FROM message_chunks", 2);
    let deleted = run(&sb, &["delete", "1", "--yes"]);
    assert!(deleted.status.success(), "{}", stderr_of(&deleted));
    let o = output_within(child, "the command");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr_of(&o).contains(
            "conversation 1 was deleted (in another window or process) while its reply was arriving"
        ),
        "{}",
        stderr_of(&o)
    );
    let left: i64 = sb
        .db()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 0);
}

/// FAILURES.md "Continuing a conversation whose reply streams elsewhere": the
/// unfinished reply is not sent as history (was: half a reply went to the model).
#[test]
fn a_reply_streaming_in_another_process_is_not_sent_as_history() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("Half of this reply arrives and then the server goes quiet.")
            .chunk_size(8)
            .stall_after(2),
    );
    let first = spawn_ask(&sb, &["Hello"]);
    wait_for_count(&sb, "SELECT count(*) FROM message_chunks", 1);
    sb.mock.push(Reply::text("Second answer."));
    let o = ask(&sb, &["--conversation", "1", "Another question"]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    let turns = sb.mock.chat_requests()[1].messages();
    let roles: Vec<&str> = turns
        .iter()
        .filter(|(role, _)| role != "system")
        .map(|(role, _)| role.as_str())
        .collect();
    assert_eq!(roles, ["user", "user"], "{turns:?}");
    kill(first.id(), "TERM");
    let _ = output_within(first, "the first command");
}

/// FAILURES.md "`export -o` and its files": a new export is 0600, an existing file
/// keeps its mode, a symlink is written through, `/dev/stdout` is written in place
/// (was: 0644, modes reset, links replaced, "Permission denied").
#[cfg(unix)]
#[test]
fn exports_are_private_keep_modes_follow_links_and_write_devices() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("An answer to export."));
    assert!(ask(&sb, &["Hello"]).status.success());
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let export = |out: &Path| run(&sb, &["export", "1", "-o", out.to_str().expect("utf-8")]);

    let new = sb.dir.path().join("new.md");
    assert!(export(&new).status.success());
    assert_eq!(mode(&new), 0o600);

    let shared = sb.dir.path().join("shared.md");
    std::fs::write(&shared, "old").expect("seed");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    assert!(export(&shared).status.success());
    assert_eq!(mode(&shared), 0o640);
    assert!(
        std::fs::read_to_string(&shared)
            .expect("read")
            .contains("An answer to export.")
    );

    let target = sb.dir.path().join("target.md");
    let link = sb.dir.path().join("link.md");
    std::os::unix::fs::symlink("target.md", &link).expect("symlink");
    assert!(export(&link).status.success());
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .contains("An answer to export.")
    );

    let o = export(Path::new("/dev/stdout"));
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(
        stdout_of(&o).contains("An answer to export."),
        "{}",
        stdout_of(&o)
    );

    let leftovers: Vec<_> = std::fs::read_dir(sb.dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// FAILURES.md "A search with a thousand terms": repeated words count once, more
/// than 32 different words are refused in one line (was: minutes of CPU).
#[test]
fn searches_drop_repeated_words_and_refuse_too_many() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("Kubernetes is a container orchestrator."));
    assert!(ask(&sb, &["Tell me about kubernetes"]).status.success());
    let repeated = "kubernetes ".repeat(1000);
    let o = run(&sb, &["search", repeated.trim()]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(stdout_of(&o).contains("kubernetes") || stdout_of(&o).contains("Kubernetes"));
    let many: String = (0..2000).map(|i| format!("word{i} ")).collect();
    let o = run(&sb, &["search", many.trim()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr_of(&o).contains("the search has 2000 different words; at most 32"),
        "{}",
        stderr_of(&o)
    );
}

/// FAILURES.md "Importing a newer export of a conversation already here": the new
/// messages are added and said so; one that differs otherwise is named and left
/// alone (was: "skipped 1 already here", and the newer messages were dropped).
#[test]
fn a_newer_export_adds_its_new_messages_and_a_different_one_is_reported() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("First answer."));
    assert!(ask(&sb, &["First question"]).status.success());
    let old = sb.dir.path().join("old.json");
    assert!(
        run(
            &sb,
            &[
                "export",
                "1",
                "--format",
                "json",
                "-o",
                old.to_str().expect("utf-8")
            ]
        )
        .status
        .success()
    );
    sb.mock.push(Reply::text("Second answer."));
    assert!(
        ask(&sb, &["--conversation", "1", "Second question"])
            .status
            .success()
    );
    let new = sb.dir.path().join("new.json");
    assert!(
        run(
            &sb,
            &[
                "export",
                "1",
                "--format",
                "json",
                "-o",
                new.to_str().expect("utf-8")
            ]
        )
        .status
        .success()
    );

    // Another machine that only has the old export gets the newer one.
    let other = Sandbox::new();
    assert!(
        run(&other, &["import", old.to_str().expect("utf-8")])
            .status
            .success()
    );
    assert_eq!(other.messages(1).len(), 2);
    let o = run(&other, &["import", new.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o).contains(
            "skipped 0 already here; added 2 new messages to 1 conversation already here"
        ),
        "{}",
        stderr_of(&o)
    );
    let contents: Vec<String> = other.messages(1).into_iter().map(|m| m.content).collect();
    assert_eq!(
        contents,
        [
            "First question",
            "First answer.",
            "Second question",
            "Second answer."
        ]
    );
    // Again: nothing new (import stays idempotent).
    let o = run(&other, &["import", new.to_str().expect("utf-8")]);
    assert!(
        stderr_of(&o).contains("skipped 1 already here"),
        "{}",
        stderr_of(&o)
    );
    assert!(!stderr_of(&o).contains("added"), "{}", stderr_of(&o));

    // A version that differs other than by new messages at the end is reported.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&new).expect("read")).expect("json");
    let first = if doc.is_array() {
        &mut doc[0]
    } else {
        &mut doc
    };
    first["messages"][1]["content"] = serde_json::Value::from("Edited elsewhere.");
    let edited = sb.dir.path().join("edited.json");
    std::fs::write(&edited, doc.to_string()).expect("write");
    let o = run(&other, &["import", edited.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr_of(&o));
    assert!(
        stderr_of(&o)
            .contains("1 conversation already here differs from the file's and was left as it is"),
        "{}",
        stderr_of(&o)
    );
    assert_eq!(other.messages(1)[1].content, "First answer.");
}
