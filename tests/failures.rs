//! The network failure matrix (FAILURES.md): every row run through the real `ask`
//! binary against the mock OpenAI server, checking what the user sees (one line on
//! stderr, exit code), what is stored (the user's message, the partial reply as
//! `interrupted` or an `error` row), and that a retry then works. The service's
//! `regenerate` (the TUI's retry) is exercised against the same mock at the end.

mod support;

use support::{stderr_of, stdout_of};

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use interviewer::agent::openai::OpenAiBackend;
use interviewer::agent::{AgentError, Backend, StreamEnd};
use interviewer::cli::GlobalArgs;
use interviewer::config::Settings;
use interviewer::domain::Status;
use interviewer::domain::key::ApiKey;
use interviewer::service::{SendEvent, SendRequest, Service};
#[cfg(target_os = "linux")]
use support::Unanswered;
use support::mock_openai::{MockOpenAi, Reply};
use support::{Refused, Sandbox, StoredMessage};
use tokio_util::sync::CancellationToken;

const QUESTION: &str = "How should I answer a question about weaknesses?";
const REPLY: &str = "Pick a real weakness, and show what you do about it.";

/// Runs `ask QUESTION` in a new conversation, with `env` extra variables.
fn ask(sb: &Sandbox, env: &[(&str, &str)]) -> Output {
    let mut cmd = sb.cmd();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["ask", QUESTION]).output().expect("run ask")
}

/// The failure's own line on stderr (after `conversation 1`), checked to be the only one.
fn failure_line(output: &Output) -> String {
    support::failure_after(output, 1, &["conversation 1"], "")
}

/// A request that failed before any text: one line naming the cause, the user's
/// message stored, an empty `error` row saying why, and a retry that works and does
/// not send the error row as history.
fn assert_request_failed(sb: &Sandbox, output: &Output, expect: &[&str]) {
    assert_eq!(stdout_of(output), "", "no reply text was printed");
    let line = failure_line(output);
    for e in expect {
        assert!(line.contains(e), "{line:?} should contain {e:?}");
    }
    assert!(line.contains("saved in conversation 1"), "{line}");
    let stored = sb.messages(1);
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_user(&stored[0]);
    assert_eq!(stored[1].role, "assistant");
    assert_eq!(stored[1].status, "error");
    assert_eq!(stored[1].content, "");
    let error = stored[1].error.as_deref().unwrap_or_default();
    assert!(
        line.contains(error) && !error.is_empty(),
        "the stored error is what was shown: {error:?}"
    );
    retry_works(sb, &[("user", QUESTION)]);
}

/// A reply cut off mid-stream: the partial text printed and stored as
/// `interrupted`, one line saying why, and a retry that works.
fn assert_cut_off(sb: &Sandbox, output: &Output, partial: &str, expect: &[&str]) {
    assert_eq!(stdout_of(output), format!("{partial}\n"));
    let line = failure_line(output);
    for e in expect {
        assert!(line.contains(e), "{line:?} should contain {e:?}");
    }
    let stored = sb.messages(1);
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_user(&stored[0]);
    assert_eq!(stored[1].role, "assistant");
    assert_eq!(stored[1].status, "interrupted");
    assert_eq!(stored[1].content, partial);
    assert!(stored[1].error.is_some());
    retry_works(sb, &[("user", QUESTION), ("assistant", partial)]);
}

fn assert_user(m: &StoredMessage) {
    assert_eq!(
        (m.role.as_str(), m.content.as_str(), m.status.as_str()),
        ("user", QUESTION, "complete")
    );
}

/// Continues conversation 1 against a healthy server and checks the history sent.
fn retry_works(sb: &Sandbox, history_before: &[(&str, &str)]) {
    sb.mock.set_default(Reply::text(REPLY));
    let mut cmd = sb.cmd();
    // The retry always goes to the (healthy) mock, whatever the failing run used.
    cmd.env("OPENAI_BASE_URL", sb.mock.base_url());
    let output = cmd
        .args(["ask", "--conversation", "1", "Let me try again"])
        .output()
        .expect("retry");
    assert!(output.status.success(), "retry: {}", stderr_of(&output));
    assert_eq!(stdout_of(&output), format!("{REPLY}\n"));
    let last = sb.mock.chat_requests().pop().expect("a request");
    let mut expected: Vec<(&str, &str)> = history_before.to_vec();
    expected.push(("user", "Let me try again"));
    let sent = last.messages();
    let sent: Vec<(&str, &str)> = sent
        .iter()
        .skip(1)
        .map(|(r, c)| (r.as_str(), c.as_str()))
        .collect();
    assert_eq!(sent, expected, "history excludes error rows");
    let stored = sb.messages(1);
    let reply = stored.last().expect("reply");
    assert_eq!(
        (reply.status.as_str(), reply.content.as_str()),
        ("complete", REPLY)
    );
}

// ----- HTTP errors ---------------------------------------------------------------

#[test]
fn http_401_bad_key_says_how_to_fix_it() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(401, "Incorrect API key provided").error_code("invalid_api_key"));
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["API key was rejected (401)", "key set"]);
}

#[test]
fn http_403_revoked_key_says_how_to_fix_it() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::status(403, "Your key was revoked"));
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["API key was rejected (403)", "key set"]);
}

#[test]
fn http_404_names_the_unknown_model() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(404, "The model `gpt-9` does not exist").error_code("model_not_found"));
    let output = ask(&sb, &[("INTERVIEWER_MODEL", "gpt-9")]);
    assert_request_failed(&sb, &output, &["no model \"gpt-9\"", "--model"]);
}

#[test]
fn http_400_shows_the_servers_message() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::status(
        400,
        "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
    ));
    let output = ask(&sb, &[]);
    assert_request_failed(
        &sb,
        &output,
        &[
            "refused the request (400)",
            "maximum context length is 8192 tokens",
        ],
    );
}

#[test]
fn http_429_rate_limit_shows_retry_after() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(429, "Rate limit reached for requests").retry_after("7"));
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["rate limited", "retry after 7s"]);
    // No hidden retry: the server saw the failing request once (plus the retry run).
    assert_eq!(sb.mock.chat_requests().len(), 2);
}

#[test]
fn http_429_without_retry_after_says_to_wait() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::status(429, "Rate limit reached for requests"));
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["rate limited", "wait a little"]);
    assert_eq!(sb.mock.chat_requests().len(), 2);
}

#[test]
fn http_429_quota_is_told_apart_from_rate_limits() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::status(429, "You exceeded your current quota").error_code("insufficient_quota"),
    );
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["quota is used up", "billing"]);
}

#[test]
fn http_5xx_server_trouble_shows_at_once() {
    for status in [500u16, 502, 503] {
        let sb = Sandbox::new();
        sb.mock
            .push(Reply::status(status, "The server is overloaded"));
        let output = ask(&sb, &[]);
        assert_request_failed(
            &sb,
            &output,
            &[&format!("server had a problem ({status})"), "overloaded"],
        );
        // Exactly one attempt: async-openai's retry layer is off.
        assert_eq!(sb.mock.chat_requests().len(), 2, "status {status}");
    }
}

#[test]
fn an_html_error_page_is_reported_briefly() {
    let sb = Sandbox::new();
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>nginx</p>\n".repeat(200)
    );
    sb.mock.push(Reply::raw(502, &page));
    let output = ask(&sb, &[]);
    assert_request_failed(&sb, &output, &["server had a problem (502)", "Bad Gateway"]);
    assert!(failure_line(&output).len() < 500);
}

// ----- connection failures -------------------------------------------------------

#[test]
fn connection_refused() {
    let sb = Sandbox::new();
    let refused = Refused::new();
    let url = refused.base_url.clone();
    let output = ask(&sb, &[("OPENAI_BASE_URL", &url)]);
    assert_request_failed(&sb, &output, &["cannot reach", &url, "refused"]);
}

/// `.invalid` never resolves (RFC 6761). The resolver may say so at once (`dns
/// error`) or, on a machine without a working one, not answer: the connect timeout
/// (which covers the lookup) bounds that, and either way the line names the URL.
#[test]
fn unknown_host() {
    let sb = Sandbox::new();
    let url = "https://nonexistent.invalid/v1";
    let output = ask(
        &sb,
        &[
            ("OPENAI_BASE_URL", url),
            ("INTERVIEWER_CONNECT_TIMEOUT_SECS", "10"),
        ],
    );
    assert_request_failed(&sb, &output, &["cannot reach", url]);
    let line = failure_line(&output);
    assert!(
        line.contains("dns error") || line.contains("no connection within 10s"),
        "{line}"
    );
}

#[test]
fn tls_failure() {
    // The mock speaks plain HTTP: a TLS handshake with it fails.
    let sb = Sandbox::new();
    let url = format!("https://{}/v1", sb.mock.addr());
    let output = ask(&sb, &[("OPENAI_BASE_URL", &url)]);
    assert_request_failed(
        &sb,
        &output,
        &["cannot reach", &url, "TLS handshake failed"],
    );
}

/// A full listen queue drops new SYNs on Linux; other systems may refuse them.
#[cfg(target_os = "linux")]
#[test]
fn connect_timeout() {
    let sb = Sandbox::new();
    let unanswered = Unanswered::new();
    let output = ask(
        &sb,
        &[
            ("OPENAI_BASE_URL", &unanswered.base_url),
            ("INTERVIEWER_CONNECT_TIMEOUT_SECS", "1"),
        ],
    );
    assert_request_failed(&sb, &output, &["cannot reach", "no connection within 1s"]);
}

#[test]
fn no_first_token_in_time() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text(REPLY).stall_after(0));
    let output = ask(&sb, &[("INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS", "1")]);
    assert_request_failed(&sb, &output, &["did not answer within 1s"]);
}

// ----- mid-stream ----------------------------------------------------------------

#[test]
fn connection_drops_mid_stream() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text(REPLY).chunk_size(5).disconnect_after(3));
    let output = ask(&sb, &[]);
    assert_cut_off(&sb, &output, &REPLY[..15], &["connection dropped"]);
}

#[test]
fn clean_close_without_finish_reason_or_done() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text(REPLY).chunk_size(5).close_after(4));
    let output = ask(&sb, &[]);
    assert_cut_off(
        &sb,
        &output,
        &REPLY[..20],
        &["closed the stream before the reply was finished"],
    );
}

#[test]
fn every_chunk_but_no_finish_reason_is_still_cut_off() {
    // All the text and even `[DONE]`, but no finish reason: not complete.
    let sb = Sandbox::new();
    sb.mock.push(Reply::text(REPLY).finish(None));
    let output = ask(&sb, &[]);
    assert_cut_off(
        &sb,
        &output,
        REPLY,
        &["closed the stream before the reply was finished"],
    );
}

#[test]
fn stalled_stream_hits_the_idle_timeout() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text(REPLY).chunk_size(5).stall_after(2));
    let output = ask(&sb, &[("INTERVIEWER_IDLE_TIMEOUT_SECS", "1")]);
    assert_cut_off(&sb, &output, &REPLY[..10], &["stopped sending for 1s"]);
}

#[test]
fn malformed_chunk_keeps_the_text_so_far() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text(REPLY).chunk_size(5).malformed_after(2));
    let output = ask(&sb, &[]);
    assert_cut_off(
        &sb,
        &output,
        &REPLY[..10],
        &["unreadable", "not valid JSON"],
    );
}

#[test]
fn length_limit_is_an_interrupted_reply() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text(REPLY).finish(Some("length")));
    let output = ask(&sb, &[]);
    assert_cut_off(&sb, &output, REPLY, &["length limit"]);
}

#[test]
fn an_error_event_mid_stream_is_shown() {
    let sb = Sandbox::new();
    // What some servers send when the model fails after starting.
    sb.mock
        .push(Reply::text(REPLY).chunk_size(5).error_event_after(2));
    let output = ask(&sb, &[]);
    assert_cut_off(
        &sb,
        &output,
        &REPLY[..10],
        &["reported an error", "The model crashed"],
    );
}

// ----- cancel and crash ----------------------------------------------------------

/// Starts `ask` with a slow stream and returns it once some reply text arrived.
fn start_slow_ask(sb: &Sandbox) -> (std::process::Child, Vec<u8>) {
    sb.mock.push(
        Reply::text("word ".repeat(200))
            .chunk_size(5)
            .delay(Duration::from_millis(50)),
    );
    let mut child: std::process::Child = sb
        .std_cmd()
        .args(["ask", QUESTION])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ask");
    let mut first = vec![0u8; 64];
    let n = child
        .stdout
        .as_mut()
        .expect("stdout")
        .read(&mut first)
        .expect("read the first text");
    first.truncate(n);
    assert!(n > 0, "some reply text arrived");
    (child, first)
}

#[test]
fn ctrl_c_keeps_the_partial_reply_and_exits_130() {
    let sb = Sandbox::new();
    let (mut child, mut printed) = start_slow_ask(&sb);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    child
        .stdout
        .as_mut()
        .expect("stdout")
        .read_to_end(&mut printed)
        .expect("rest of stdout");
    let mut stderr = String::new();
    child
        .stderr
        .as_mut()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let exit = child.wait().expect("wait");
    assert_eq!(exit.code(), Some(130), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr:?}");
    assert!(lines[1].contains("interrupted"), "{stderr:?}");

    let stored = sb.messages(1);
    assert_user(&stored[0]);
    assert_eq!(stored[1].status, "interrupted");
    let printed = String::from_utf8(printed).expect("utf-8");
    assert!(!stored[1].content.is_empty());
    assert!(stored[1].content.len() < 1000, "cancelled before the end");
    assert_eq!(
        printed,
        format!("{}\n", stored[1].content),
        "what was shown is what was kept"
    );
    retry_works(
        &sb,
        &[("user", QUESTION), ("assistant", &stored[1].content)],
    );
}

#[test]
fn ctrl_c_before_any_text_exits_130_and_records_the_cancel() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text(REPLY).stall_after(0));
    let child = sb
        .std_cmd()
        .args(["ask", QUESTION])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ask");
    // Once the request reached the server, the Ctrl+C handler is long installed.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sb.mock.chat_requests().is_empty() {
        assert!(Instant::now() < deadline, "the request never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(130), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "");
    let stored = sb.messages(1);
    assert_user(&stored[0]);
    assert_eq!(
        (stored[1].status.as_str(), stored[1].content.as_str()),
        ("interrupted", "")
    );
    assert_eq!(stored[1].error.as_deref(), Some("cancelled"));
    // The empty cancelled reply is not history.
    retry_works(&sb, &[("user", QUESTION)]);
}

/// The reply is written to the database while it streams, not only at its end, so
/// `kill -9` loses at most what arrived since the last flush. The server sends 40
/// words and then nothing while keeping the stream open: once a flush has written
/// all 40 words, a `kill -9` must leave exactly those 40 words, as `streaming`.
#[test]
fn kill_9_mid_stream_loses_at_most_the_last_flush() {
    const SENT: usize = 40;
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("word ".repeat(200))
            .chunk_size(5)
            .stall_after(SENT),
    );
    let mut child = sb
        .std_cmd()
        .args(["ask", QUESTION])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn ask");
    let sent = "word ".repeat(SENT);
    // The question is stored before the request goes out.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sb.mock.chat_requests().is_empty() {
        assert!(Instant::now() < deadline, "the request never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Without a flush during the stream the reply would reach the database only
    // at its end, which never comes: this wait would fail.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stored = sb.messages(1);
        if stored.len() == 2 {
            if stored[1].status != "streaming" {
                let _ = child.kill();
                panic!("the reply ended before a flush wrote it: {stored:?}");
            }
            if stored[1].content == sent {
                break;
            }
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            panic!("the streamed words never all reached the database: {stored:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    child.wait().expect("wait");

    let db = sb.db();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    drop(db);
    let stored = sb.messages(1);
    assert_user(&stored[0]);
    assert_eq!(
        (stored[1].status.as_str(), stored[1].content.as_str()),
        ("streaming", sent.as_str())
    );

    // The next command recovers it as interrupted, text intact.
    sb.cmd().args(["list"]).assert().success();
    let stored = sb.messages(1);
    assert_eq!(
        (stored[1].status.as_str(), stored[1].content.as_str()),
        ("interrupted", sent.as_str())
    );
}

#[test]
fn a_second_process_leaves_a_live_stream_alone() {
    let sb = Sandbox::new();
    let (mut child, _) = start_slow_ask(&sb);
    sb.wait_for_messages(1, 2, Duration::from_secs(60), "the reply never started");
    // Another process starts (and runs start-up recovery) while the reply streams.
    sb.cmd().args(["list"]).assert().success();
    let stored = sb.messages(1);
    assert_eq!(
        stored[1].status, "streaming",
        "recovery must not touch a reply a live process is streaming"
    );
    child.kill().expect("kill -9");
    child.wait().expect("wait");
    // Once its process is gone, the same recovery does mark it.
    sb.cmd().args(["list"]).assert().success();
    assert_eq!(sb.messages(1)[1].status, "interrupted");
}

// ----- the service's retry (regenerate) against the mock ---------------------------

fn service_for(mock: &MockOpenAi, dir: &std::path::Path) -> (Service, Backend) {
    // Settings from these arguments and the defaults alone: no config file, no
    // environment, no OS data directory of the machine running the tests.
    let mut settings = Settings::merge(
        &GlobalArgs {
            data_dir: Some(dir.to_path_buf()),
            api_base: Some(mock.base_url()),
            ..Default::default()
        },
        None,
        None,
        &|_| None,
        || None,
    )
    .expect("settings");
    settings.timeouts.idle = Duration::from_secs(1);
    let backend = Backend::OpenAi(
        OpenAiBackend::new(&settings, ApiKey::new("test-key".into())).expect("backend"),
    );
    (Service::open(settings).expect("service"), backend)
}

#[tokio::test]
async fn regenerate_replaces_a_failed_reply() {
    let mock = MockOpenAi::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (service, backend) = service_for(&mock, dir.path());
    mock.push(Reply::status(503, "overloaded"));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let outcome = service
        .send_message(
            &backend,
            SendRequest {
                text: QUESTION.into(),
                ..Default::default()
            },
            &tx,
            CancellationToken::new(),
        )
        .await
        .expect("send");
    assert!(matches!(
        outcome.end,
        StreamEnd::Failed(AgentError::Server { status: 503, .. })
    ));
    let failed = outcome.reply.expect("an error row");
    assert_eq!(failed.status, Status::Error);
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(
        events[0],
        SendEvent::UserStored { created: true, .. }
    ));
    assert!(matches!(events.last(), Some(SendEvent::Finished { .. })));
    assert_eq!(events.len(), 2, "no ReplyStarted without text");

    mock.push(Reply::text(REPLY));
    let outcome = service
        .regenerate(
            &backend,
            outcome.conversation_id,
            &tx,
            CancellationToken::new(),
        )
        .await
        .expect("regenerate");
    assert_eq!(outcome.end, StreamEnd::Complete);
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(events[0], SendEvent::ReplyStarted { .. }));
    let streamed: String = events
        .iter()
        .filter_map(|e| match e {
            SendEvent::Delta(d) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, REPLY);
    let view = service
        .get_conversation(outcome.conversation_id)
        .expect("conversation");
    let shape: Vec<(Status, &str)> = view
        .messages
        .iter()
        .map(|m| (m.status, m.content.as_str()))
        .collect();
    assert_eq!(
        shape,
        [(Status::Complete, QUESTION), (Status::Complete, REPLY)]
    );
    // The same history was sent again: the error row never was.
    let requests = mock.chat_requests();
    assert_eq!(requests[0].messages(), requests[1].messages());

    // Nothing left to regenerate once the reply is complete.
    assert!(
        service
            .regenerate(
                &backend,
                outcome.conversation_id,
                &tx,
                CancellationToken::new()
            )
            .await
            .is_err()
    );
}

#[tokio::test]
async fn regenerate_replaces_an_interrupted_reply_and_cancel_interrupts() {
    let mock = MockOpenAi::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (service, backend) = service_for(&mock, dir.path());
    mock.push(
        Reply::text("word ".repeat(100))
            .chunk_size(5)
            .delay(Duration::from_millis(20)),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let send = service.send_message(
        &backend,
        SendRequest {
            text: QUESTION.into(),
            ..Default::default()
        },
        &tx,
        cancel.clone(),
    );
    let canceller = async {
        // Cancel once the reply has started, as Esc in the TUI would.
        while let Some(event) = rx.recv().await {
            if matches!(event, SendEvent::Delta(_)) {
                cancel.cancel();
                break;
            }
        }
    };
    let (outcome, ()) = tokio::join!(send, canceller);
    let outcome = outcome.expect("send");
    assert_eq!(outcome.end, StreamEnd::Interrupted("cancelled".into()));
    let partial = outcome.reply.expect("partial row");
    assert_eq!(partial.status, Status::Interrupted);
    assert!(!partial.content.is_empty());

    mock.push(Reply::text(REPLY));
    let outcome = service
        .regenerate(
            &backend,
            outcome.conversation_id,
            &tx,
            CancellationToken::new(),
        )
        .await
        .expect("regenerate");
    assert_eq!(outcome.end, StreamEnd::Complete);
    let view = service
        .get_conversation(outcome.conversation_id)
        .expect("conversation");
    assert_eq!(view.messages.len(), 2);
    assert_eq!(view.messages[1].content, REPLY);
    // The interrupted partial was dropped, so the retry sent only the question.
    let last = mock.chat_requests().pop().expect("request");
    assert_eq!(last.messages().len(), 2);
}

/// The program's non-streaming call (the feedback report's `report::evaluate`) goes
/// through the same transport as the chat (endpoint, key, no retry layer) and maps
/// server errors the same way.
#[tokio::test]
async fn non_streaming_calls_share_the_transport_and_error_mapping() {
    use interviewer::agent::report;
    use interviewer::domain::{ChatTurn, InterviewSetup, Role};

    let mock = MockOpenAi::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_service, backend) = service_for(&mock, dir.path());
    let Backend::OpenAi(openai) = backend else {
        unreachable!("service_for builds an OpenAI backend")
    };
    let history = [
        ChatTurn {
            role: Role::Assistant,
            content: "Tell me about a project you led.".into(),
        },
        ChatTurn {
            role: Role::User,
            content: "I led the billing migration.".into(),
        },
    ];

    mock.push(Reply::status(429, "Slow down").retry_after("3"));
    let err = report::evaluate(&openai, "gpt-4o-mini", &InterviewSetup::default(), &history)
        .await
        .expect_err("rate limited");
    assert_eq!(
        err,
        AgentError::RateLimited {
            quota: false,
            retry_after_secs: Some(3),
            message: "Slow down".into()
        }
    );
    // One attempt: no retry layer under the report either.
    let requests = mock.chat_requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.header("authorization"), Some("Bearer test-key"));
    assert_eq!(sent.body["model"], "gpt-4o-mini");
    assert!(sent.body.get("stream").is_none_or(|s| s == false));
    assert_eq!(sent.body["response_format"]["type"], "json_schema");
    // The transcript it evaluates is the conversation's.
    let asked: String = sent.messages().into_iter().map(|(_, text)| text).collect();
    assert!(asked.contains("I led the billing migration."), "{asked}");

    mock.push(Reply::status(401, "Incorrect API key provided"));
    let err = report::evaluate(&openai, "gpt-4o-mini", &InterviewSetup::default(), &history)
        .await
        .expect_err("rejected");
    assert!(
        matches!(err, AgentError::BadKey { status: 401, .. }),
        "{err:?}"
    );
    assert_eq!(mock.chat_requests().len(), 2);
}
