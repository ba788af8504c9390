//! Discovery of a local server (issue 16) through the real binary under a
//! pseudo-terminal, against the mock server playing a local one (no key, `GET
//! /models` listing models as Ollama does): the first frame does not wait for it,
//! it is offered on the welcome screen, choosing it uses it with the model picked
//! (stored with the conversation, remembered in config.toml), and no key is sent.
//! Ordering only: the mock holds `/models` until the test releases it.

mod support;

use support::mock_openai::Reply;
use support::{PtyRun, Sandbox};

/// The interface with no key and no endpoint, discovery aimed at the mock's port
/// (and given all the time it needs: the test decides when the mock answers), and
/// a config file path of its own.
fn tui(sb: &Sandbox, limit_ms: &str) -> (PtyRun, std::path::PathBuf) {
    let config = sb
        .dir
        .path()
        .join("config")
        .join("interviewer")
        .join("config.toml");
    let mut cmd = sb.bare_pty_cmd();
    cmd.arg("--data-dir");
    cmd.arg(sb.data_dir());
    cmd.env("INTERVIEWER_DISCOVER", sb.mock.addr().port().to_string());
    cmd.env("INTERVIEWER_DISCOVER_TIMEOUT_MS", limit_ms);
    cmd.env("INTERVIEWER_CONFIG", &config);
    (PtyRun::start(cmd, 100, 30), config)
}

fn models_requests(sb: &Sandbox) -> usize {
    sb.mock
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/models"))
        .count()
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "never: {what}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_local_server_is_found_after_the_first_frame_and_used_without_a_key() {
    let sb = Sandbox::new();
    sb.mock.set_models(Reply::models_owned_by(
        &["qwen2.5:7b", "llama3.1:8b"],
        "library",
    ));
    sb.mock.hold_models();
    sb.mock
        .set_default(Reply::text("Question 1 of 5: tell me about yourself."));
    let (mut run, config) = tui(&sb, "60000");

    // The first frame is on screen while the mock has not answered `/models`.
    run.wait_for_screen("Welcome to interviewer");
    wait_until("discovery asks the mock", || models_requests(&sb) == 1);
    run.wait_for_screen("Looking for a local model server");
    let shown = run.screen().screen().contents();
    assert!(!shown.contains("Ollama on"), "{shown}");
    let request = &sb.mock.requests()[0];
    assert_eq!(request.header("authorization"), None, "no key is sent");

    sb.mock.release_models();
    let port = sb.mock.addr().port();
    run.wait_for_screen(&format!("1  Use Ollama on 127.0.0.1:{port}"));
    run.wait_for_screen("With llama3.1:8b, qwen2.5:7b.");
    // Enter uses it; the picker lists its models; the second one is picked.
    run.send("\r");
    run.wait_for_screen("Model for new interviews");
    run.send("\x1b[B");
    run.send("\r");
    run.wait_for_screen("saved in");
    let written = std::fs::read_to_string(&config).expect("config.toml written");
    assert!(
        written.contains(&format!("api_base = \"{}\"", sb.mock.base_url()))
            && written.contains("model = \"qwen2.5:7b\""),
        "{written}"
    );
    assert!(
        !written.to_lowercase().contains("key"),
        "never a key: {written}"
    );

    run.send("Hello\r");
    run.wait_for_screen("tell me about yourself");
    let chat = sb.mock.chat_requests();
    assert_eq!(chat.len(), 1);
    assert_eq!(chat[0].header("authorization"), None);
    assert_eq!(chat[0].body["model"], "qwen2.5:7b");
    run.send("\x03");
    let (code, _) = run.finish();
    assert_eq!(code, 0);
    let model: String = sb
        .db()
        .query_row("SELECT model FROM conversations WHERE id = 1", [], |r| {
            r.get(0)
        })
        .expect("the conversation's model");
    assert_eq!(model, "qwen2.5:7b", "the picker's choice is stored");

    // The next start remembers it: no welcome screen, the local model in use.
    let mut cmd = sb.bare_pty_cmd();
    cmd.arg("--data-dir");
    cmd.arg(sb.data_dir());
    cmd.env("INTERVIEWER_CONFIG", &config);
    let run = PtyRun::start(cmd, 100, 30);
    run.wait_for_screen("qwen2.5:7b");
    let shown = run.screen().screen().contents();
    assert!(!shown.contains("Welcome to interviewer"), "{shown}");
}

#[test]
fn a_server_that_never_answers_leaves_the_welcome_screen_as_it_was() {
    let sb = Sandbox::new();
    sb.mock.hold_models();
    let (mut run, config) = tui(&sb, "300");
    run.wait_for_screen("Welcome to interviewer");
    wait_until("discovery asks the mock", || models_requests(&sb) == 1);
    // Past the limit the search line goes; nothing is offered.
    wait_until("the search gives up", || {
        !run.screen()
            .screen()
            .contents()
            .contains("Looking for a local")
    });
    let shown = run.screen().screen().contents();
    assert!(shown.contains("1  Paste an API key"), "{shown}");
    assert!(!shown.contains("Use "), "{shown}");
    run.send("\x1b");
    run.wait_for_screen("offline");
    run.send("\x03");
    let (code, _) = run.finish();
    assert_eq!(code, 0);
    sb.mock.release_models();
    assert!(!config.exists(), "nothing written");
}

#[test]
fn hostile_model_names_are_not_offered_raw() {
    let sb = Sandbox::new();
    sb.mock.set_models(Reply::json(serde_json::json!({
        "object": "list",
        "data": [
            {"id": "evil\u{1b}]0;PWNED-TITLE\u{7}\u{1b}[2J", "owned_by": "x"},
            {"id": "fine-model", "owned_by": "x"}
        ]
    })));
    let (mut run, _) = tui(&sb, "60000");
    let port = sb.mock.addr().port();
    run.wait_for_screen(&format!("a local server on 127.0.0.1:{port}"));
    run.wait_for_screen("With fine-model.");
    assert!(!run.text().contains("PWNED-TITLE"), "{:?}", run.text());
    run.send("\x03");
    let _ = run.finish();
}
