//! Models and endpoints (issue 16) through the real binary against the mock
//! server: the model each conversation talks to, stored and shown; profiles.

mod support;

use serde_json::Value;
use support::Sandbox;
use support::mock_openai::Reply;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn run_json(sb: &Sandbox, args: &[&str]) -> Value {
    let output = sb.cmd().args(args).output().expect("run");
    assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn ask(sb: &Sandbox, args: &[&str]) {
    let output = sb.cmd().args(args).output().expect("run ask");
    assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
}

/// The model named by each chat request the mock received, in order.
fn requested_models(sb: &Sandbox) -> Vec<String> {
    sb.mock
        .chat_requests()
        .iter()
        .map(|r| r.body["model"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_conversation_keeps_the_model_it_started_with_until_switched() {
    let sb = Sandbox::new();
    sb.mock.set_default(Reply::text("Tell me about a project."));
    ask(&sb, &["--model", "llama3.1:8b", "ask", "Hello"]);
    // Later turns without --model use the conversation's model, not the default.
    ask(&sb, &["ask", "--conversation", "1", "My answer"]);
    // A new conversation without --model starts with the configured default.
    ask(&sb, &["ask", "Hi again"]);
    // --model on an existing conversation switches it from this turn on.
    ask(
        &sb,
        &[
            "--model",
            "qwen2.5:7b",
            "ask",
            "--conversation",
            "1",
            "More",
        ],
    );
    ask(&sb, &["ask", "--conversation", "1", "And more"]);
    assert_eq!(
        requested_models(&sb),
        [
            "llama3.1:8b",
            "llama3.1:8b",
            "gpt-4o-mini",
            "qwen2.5:7b",
            "qwen2.5:7b"
        ]
    );

    let list = run_json(&sb, &["list", "--json"]);
    let model_of = |id: i64| {
        list.as_array()
            .expect("array")
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["model"].clone())
            .expect("listed")
    };
    assert_eq!(model_of(1), "qwen2.5:7b");
    assert_eq!(model_of(2), "gpt-4o-mini");
    let shown = run_json(&sb, &["show", "1", "--format", "json"]);
    assert_eq!(shown["model"], "qwen2.5:7b");
    // The contract's fields are all still there.
    for field in [
        "id",
        "title",
        "persona",
        "created_at",
        "updated_at",
        "messages",
    ] {
        assert!(shown.get(field).is_some(), "{field} missing: {shown}");
    }
}

#[test]
fn offline_practice_records_no_model_and_a_server_later_gives_it_one() {
    let sb = Sandbox::new();
    ask(&sb, &["--offline", "ask", "Hello"]);
    let list = run_json(&sb, &["list", "--json"]);
    assert_eq!(list[0]["model"], Value::Null, "{list}");
    let shown = run_json(&sb, &["show", "1", "--format", "json"]);
    assert!(shown.get("model").is_some_and(Value::is_null), "{shown}");

    sb.mock.set_default(Reply::text("Go on."));
    ask(&sb, &["ask", "--conversation", "1", "My answer"]);
    assert_eq!(requested_models(&sb), ["gpt-4o-mini"]);
    let list = run_json(&sb, &["list", "--json"]);
    assert_eq!(list[0]["model"], "gpt-4o-mini", "{list}");
}

#[test]
fn an_export_carries_the_model_and_import_restores_it() {
    let sb = Sandbox::new();
    sb.mock
        .set_default(Reply::text("Question 1 of 3: tell me about you."));
    ask(&sb, &["--model", "mistral:7b", "ask", "Hello"]);
    let file = sb.dir.path().join("all.json");
    let output = sb
        .cmd()
        .args(["export", "--all", "--format", "json", "-o"])
        .arg(&file)
        .output()
        .expect("export");
    assert!(output.status.success(), "{}", stderr_of(&output));

    let other = Sandbox::new();
    let output = other
        .cmd()
        .arg("import")
        .arg(&file)
        .output()
        .expect("import");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let list = run_json(&other, &["list", "--json"]);
    assert_eq!(list[0]["model"], "mistral:7b", "{list}");
}

#[test]
fn a_report_is_made_by_the_conversations_model() {
    let sb = Sandbox::new();
    sb.mock
        .set_default(Reply::text("Question 1 of 1: tell me about a project."));
    ask(&sb, &["--model", "llama3.1:8b", "ask", "Hello"]);
    ask(
        &sb,
        &[
            "ask",
            "--conversation",
            "1",
            "I led the migration of our billing system to a new database, cutting costs by 30%.",
        ],
    );
    // Whatever the evaluator answers (a text is not a report: it asks once more),
    // its requests name the conversation's model.
    let _ = sb.cmd().args(["report", "1"]).output().expect("report");
    let models = requested_models(&sb);
    assert!(models.len() > 2, "{models:?}");
    assert!(models.iter().all(|m| m == "llama3.1:8b"), "{models:?}");
}
