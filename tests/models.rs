//! Models and endpoints (issue 16) through the real binary against the mock
//! server: the model each conversation talks to, stored and shown; profiles.

mod support;

use support::stderr_of;

use serde_json::Value;
use support::Sandbox;
use support::mock_openai::Reply;

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

    let list = sb.run_json(&["list", "--json"]);
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
    let shown = sb.run_json(&["show", "1", "--format", "json"]);
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
    let list = sb.run_json(&["list", "--json"]);
    assert_eq!(list[0]["model"], Value::Null, "{list}");
    let shown = sb.run_json(&["show", "1", "--format", "json"]);
    assert!(shown.get("model").is_some_and(Value::is_null), "{shown}");

    sb.mock.set_default(Reply::text("Go on."));
    ask(&sb, &["ask", "--conversation", "1", "My answer"]);
    assert_eq!(requested_models(&sb), ["gpt-4o-mini"]);
    let list = sb.run_json(&["list", "--json"]);
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
    let list = other.run_json(&["list", "--json"]);
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

// ----- profiles ----------------------------------------------------------------------

/// A config file with two profiles on the mock: `local` needs no key, `work`
/// requires one; the top level (the default profile) names another model.
fn profiles_config(sb: &Sandbox) -> std::path::PathBuf {
    let base = sb.mock.base_url();
    sb.write_file(
        "config.toml",
        &format!(
            "model = \"top-model\"\napi_base = \"{base}\"\n\n\
             [profiles.local]\napi_base = \"{base}\"\nmodel = \"llama3.1:8b\"\nkey = \"none\"\n\n\
             [profiles.work]\napi_base = \"{base}\"\nmodel = \"gpt-4o\"\nkey = \"required\"\n"
        ),
    )
}

/// The binary with the sandbox's data directory and config file, and no endpoint or
/// key from the environment (which would beat a profile's).
fn profile_cmd(sb: &Sandbox, config: &std::path::Path) -> std::process::Command {
    let mut cmd = sb.bare_std_cmd();
    cmd.arg("--data-dir").arg(sb.data_dir());
    cmd.env("INTERVIEWER_CONFIG", config);
    cmd
}

#[test]
fn a_profile_chooses_endpoint_model_and_whether_a_key_is_sent() {
    let sb = Sandbox::new();
    let config = profiles_config(&sb);
    sb.mock.set_default(Reply::text("Hello."));
    // key = "none": no Authorization header even with OPENAI_API_KEY set.
    let output = profile_cmd(&sb, &config)
        .env("OPENAI_API_KEY", "sk-should-not-be-sent-123")
        .args(["--profile", "local", "ask", "Hi"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let request = sb.mock.chat_requests().pop().expect("a request");
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.body["model"], "llama3.1:8b");

    // INTERVIEWER_PROFILE chooses it too; the conversation records the profile's model.
    let output = profile_cmd(&sb, &config)
        .env("INTERVIEWER_PROFILE", "local")
        .args(["list", "--json"])
        .output()
        .expect("run");
    let list: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(list[0]["model"], "llama3.1:8b");

    // key = "required" on a loopback server: no key is an error, nothing is sent.
    let before = sb.mock.chat_requests().len();
    let output = profile_cmd(&sb, &config)
        .args(["--profile", "work", "ask", "Hi"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.to_lowercase().contains("key"), "{err}");
    assert_eq!(sb.mock.chat_requests().len(), before);
}

#[test]
fn a_profiles_key_is_kept_under_its_name_and_sent_only_for_it() {
    let sb = Sandbox::new();
    let config = profiles_config(&sb);
    sb.mock.set_default(Reply::text("Hello."));
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = profile_cmd(&sb, &config);
        cmd.args(args);
        cmd.stdin(std::process::Stdio::piped());
        cmd.stdout(std::process::Stdio::piped());
        cmd.stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn");
        {
            use std::io::Write;
            let mut pipe = child.stdin.take().expect("stdin");
            if let Some(text) = stdin {
                pipe.write_all(text.as_bytes()).expect("write");
            }
        }
        child.wait_with_output().expect("wait")
    };
    let output = run(
        &["key", "set", "--profile", "work"],
        Some("sk-work-key-0123456789\n"),
    );
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        out.contains("of profile work") && out.contains("profile:work"),
        "{out}"
    );
    assert!(!out.contains("sk-work-key-0123456789"), "{out}");

    let status = run(&["key", "status", "--profile", "work"], None);
    let text = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(
        text.contains("profile: work") && text.contains("key stored"),
        "{text}"
    );
    // The default profile's entry is another one.
    let status = run(&["key", "status"], None);
    let text = String::from_utf8_lossy(&status.stdout).into_owned();
    assert!(text.contains("no key stored"), "{text}");

    let output = run(&["--profile", "work", "ask", "Hi"], None);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let request = sb.mock.chat_requests().pop().expect("a request");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer sk-work-key-0123456789")
    );
    assert_eq!(request.body["model"], "gpt-4o");

    let output = run(&["key", "delete", "--profile", "work"], None);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let output = run(&["--profile", "work", "ask", "Hi"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
}

#[test]
fn an_unknown_profile_is_one_line_naming_the_profiles_that_exist() {
    let sb = Sandbox::new();
    let config = profiles_config(&sb);
    let output = profile_cmd(&sb, &config)
        .args(["--profile", "lcoal", "list"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "a usage error");
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("`lcoal`") && err.contains("local, work"),
        "{err}"
    );

    let output = profile_cmd(&sb, &config)
        .env("INTERVIEWER_PROFILE", "lcoal")
        .args(["list"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "from the environment");
    assert!(stderr_of(&output).contains("local, work"));
}

#[test]
fn config_show_names_the_active_profile() {
    let sb = Sandbox::new();
    let config = profiles_config(&sb);
    let output = profile_cmd(&sb, &config)
        .args(["--profile", "local", "config", "show"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        out.contains("# profile: local (command line; key none)"),
        "{out}"
    );
    assert!(out.contains("# profiles: local, work"), "{out}");
    let model_line = out
        .lines()
        .find(|l| l.starts_with("model = "))
        .expect("a model line");
    assert!(
        model_line.contains("\"llama3.1:8b\"") && model_line.ends_with("# profile"),
        "{model_line}"
    );
    let output = profile_cmd(&sb, &config)
        .args(["config", "show"])
        .output()
        .expect("run");
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(out.contains("# profile: default"), "{out}");
    assert!(out.contains("model = \"top-model\""), "{out}");
}

// ----- what reasoning models send ----------------------------------------------------

#[test]
fn a_leading_think_block_is_neither_shown_nor_stored_nor_sent_back() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text(
            "<think>\nThe candidate said hello. Ask about the role first.\n</think>\n\nHello! Which role are you preparing for?",
        )
        .chunk_size(4),
    );
    let output = sb.cmd().args(["ask", "Hello"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(printed, "Hello! Which role are you preparing for?\n");
    let stored = sb.messages(1);
    assert_eq!(
        stored[1].content,
        "Hello! Which role are you preparing for?"
    );
    assert_eq!(stored[1].status, "complete");

    sb.mock.push(Reply::text("Tell me more."));
    ask(&sb, &["ask", "--conversation", "1", "A backend role"]);
    let history = sb.mock.chat_requests()[1].messages();
    assert!(
        history.iter().all(|(_, content)| !content.contains("think")
            && !content.contains("Ask about the role first")),
        "{history:?}"
    );
    assert!(
        history
            .iter()
            .any(|(role, content)| role == "assistant" && content.starts_with("Hello! Which role"))
    );
}

#[test]
fn a_think_block_in_a_non_streamed_answer_is_kept_apart_too() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("<think>Plan: greet.</think>Hello there.").not_streamed());
    let output = sb.cmd().args(["ask", "Hi"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Hello there.\n");
    assert_eq!(sb.messages(1)[1].content, "Hello there.");
}

/// The reasoning column of a stored message (NULL: none).
fn stored_reasoning(sb: &Sandbox, id: i64) -> Option<String> {
    sb.db()
        .query_row("SELECT reasoning FROM messages WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("the message")
}

#[test]
fn reasoning_deltas_are_stored_apart_and_never_sent_back() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("Which role are you preparing for?")
            .reasoning("Zanzibarian plan: greet, then ask about the role.")
            .chunk_size(5),
    );
    let output = sb.cmd().args(["ask", "Hello"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Which role are you preparing for?\n"
    );
    assert_eq!(
        sb.messages(1)[1].content,
        "Which role are you preparing for?"
    );
    assert_eq!(
        stored_reasoning(&sb, 2).as_deref(),
        Some("Zanzibarian plan: greet, then ask about the role.")
    );
    assert_eq!(
        stored_reasoning(&sb, 1),
        None,
        "the user's message has none"
    );

    // A non-streamed answer's reasoning_content is kept apart the same way.
    sb.mock.push(
        Reply::text("Tell me more about it.")
            .reasoning("They said backend; dig into scale.")
            .not_streamed(),
    );
    ask(&sb, &["ask", "--conversation", "1", "A backend role"]);
    assert_eq!(
        stored_reasoning(&sb, 4).as_deref(),
        Some("They said backend; dig into scale.")
    );
    // A think block too.
    sb.mock
        .push(Reply::text("<think>Third thought.</think>Last question.").chunk_size(3));
    ask(&sb, &["ask", "--conversation", "1", "Payments"]);
    assert_eq!(stored_reasoning(&sb, 6).as_deref(), Some("Third thought."));

    // None of it went back to the model.
    for request in sb.mock.chat_requests() {
        for (_, content) in request.messages() {
            assert!(
                !content.contains("Zanzibarian")
                    && !content.contains("dig into scale")
                    && !content.contains("Third thought"),
                "{content}"
            );
        }
    }
    // Exported apart; not found by search.
    let shown = sb.run_json(&["show", "1", "--format", "json"]);
    assert_eq!(
        shown["messages"][1]["reasoning"],
        "Zanzibarian plan: greet, then ask about the role."
    );
    assert!(shown["messages"][0].get("reasoning").is_none());
    let output = sb
        .cmd()
        .args(["search", "Zanzibarian"])
        .output()
        .expect("search");
    let found = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(!found.contains("Zanzibarian"), "{found}");
}

#[test]
fn the_evaluator_does_not_read_the_reasoning_as_the_interviewers_words() {
    let sb = Sandbox::new();
    sb.mock.push(
        Reply::text("Question 1 of 1: tell me about a project.")
            .reasoning("Secret-rubric-notes: be harsh."),
    );
    ask(&sb, &["ask", "Hello"]);
    sb.mock.push(Reply::text("Thanks, the interview is over."));
    ask(
        &sb,
        &[
            "ask",
            "--conversation",
            "1",
            "I led the billing migration and cut costs by 30%.",
        ],
    );
    let before = sb.mock.chat_requests().len();
    let _ = sb.cmd().args(["report", "1"]).output().expect("report");
    let evaluator = &sb.mock.chat_requests()[before..];
    assert!(!evaluator.is_empty());
    for request in evaluator {
        assert!(
            !request.body.to_string().contains("Secret-rubric-notes"),
            "{}",
            request.body
        );
    }
}

#[test]
fn no_key_goes_to_a_plain_http_address_off_this_machine() {
    let sb = Sandbox::new();
    // TEST-NET-1 and a private address: not this machine, plain http.
    for base in ["http://192.0.2.10:8000/v1", "http://10.1.2.3:11434/v1"] {
        let output = sb
            .bare_std_cmd()
            .arg("--data-dir")
            .arg(sb.data_dir())
            .env("OPENAI_API_KEY", "sk-never-over-plain-http-123")
            .args(["--api-base", base, "ask", "Hello"])
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
        let err = stderr_of(&output);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("not sending the API key"), "{err}");
        assert!(!err.contains("sk-never"), "{err}");
    }
    assert!(sb.mock.requests().is_empty());
}
