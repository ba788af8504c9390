//! The command-line contract, run through the real binary against the in-repo mock
//! OpenAI server with a temporary data directory.

mod support;

use support::{stderr_of, stdout_of};

use predicates::prelude::*;
use serde_json::Value;
use support::Sandbox;
use support::mock_openai::Reply;

/// Asks `message` in a new conversation and expects success.
fn ask_new(sb: &Sandbox, message: &str) {
    sb.cmd().args(["ask", message]).assert().success();
}

fn list_json(sb: &Sandbox, archived: bool) -> Vec<Value> {
    let mut cmd = sb.cmd();
    cmd.args(["list", "--json"]);
    if archived {
        cmd.arg("--archived");
    }
    let output = cmd.output().expect("run list");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let value: Value = serde_json::from_slice(&output.stdout).expect("list --json is JSON");
    value.as_array().expect("an array").clone()
}

#[test]
fn ask_streams_the_reply_and_starts_a_conversation() {
    let sb = Sandbox::new();
    sb.mock
        .push(Reply::text("Hello! Which role are you preparing for?").chunk_size(3));
    let output = sb
        .cmd()
        .args(["ask", "Hi, I want to practise"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(
        stdout_of(&output),
        "Hello! Which role are you preparing for?\n"
    );
    assert_eq!(stderr_of(&output), "conversation 1\n");

    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(req.header("authorization"), Some("Bearer test-key"));
    assert_eq!(req.body["model"], "gpt-4o-mini");
    assert_eq!(req.body["stream"], true);
    let turns = req.messages();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0].0, "system");
    assert!(
        turns[0].1.contains("one question per turn"),
        "persona prompt"
    );
    assert_eq!(
        turns[1],
        ("user".to_string(), "Hi, I want to practise".to_string())
    );

    let stored = sb.messages(1);
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (
            stored[0].role.as_str(),
            stored[0].content.as_str(),
            stored[0].status.as_str()
        ),
        ("user", "Hi, I want to practise", "complete")
    );
    assert_eq!(
        (
            stored[1].role.as_str(),
            stored[1].content.as_str(),
            stored[1].status.as_str()
        ),
        (
            "assistant",
            "Hello! Which role are you preparing for?",
            "complete"
        )
    );
    // Usage and model are kept with the reply.
    let (model, prompt, completion): (String, i64, i64) = sb
        .db()
        .query_row(
            "SELECT model, prompt_tokens, completion_tokens FROM messages WHERE role = 'assistant'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("reply row");
    assert_eq!(
        (model.as_str(), prompt, completion),
        ("gpt-4o-mini", 12, 34)
    );
}

#[test]
fn ask_with_conversation_sends_the_whole_history_in_order() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("First question?"));
    sb.mock.push(Reply::text("Second question?"));
    sb.mock.push(Reply::text("Third question?"));
    ask_new(&sb, "Hello");
    let output = sb
        .cmd()
        .args(["ask", "--conversation", "1", "My first answer"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "Second question?\n");
    // Continuing prints no `conversation` line.
    assert_eq!(stderr_of(&output), "");
    sb.cmd()
        .args([
            "--model",
            "other-model",
            "ask",
            "--conversation",
            "1",
            "My second answer",
        ])
        .assert()
        .success();

    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 3);
    let turns: Vec<(String, String)> = requests[2].messages();
    let shape: Vec<(&str, &str)> = turns
        .iter()
        .skip(1)
        .map(|(r, c)| (r.as_str(), c.as_str()))
        .collect();
    assert_eq!(turns[0].0, "system");
    assert_eq!(
        shape,
        [
            ("user", "Hello"),
            ("assistant", "First question?"),
            ("user", "My first answer"),
            ("assistant", "Second question?"),
            ("user", "My second answer"),
        ]
    );
    assert_eq!(requests[2].body["model"], "other-model");
    assert_eq!(sb.messages(1).len(), 6);
}

#[test]
fn ask_dash_reads_the_message_from_stdin() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("Noted."));
    sb.cmd()
        .args(["ask", "-"])
        .write_stdin("Line one\nline two\n")
        .assert()
        .success()
        .stdout("Noted.\n")
        .stderr("conversation 1\n");
    assert_eq!(sb.messages(1)[0].content, "Line one\nline two");
    assert_eq!(
        sb.mock.chat_requests()[0].messages()[1].1,
        "Line one\nline two"
    );
}

#[test]
fn stdin_that_is_not_utf8_or_is_empty_is_refused() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["ask", "-"])
        .write_stdin(vec![b'h', b'i', 0xff, 0xfe])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("not valid UTF-8"));
    sb.cmd()
        .args(["ask", "-"])
        .write_stdin("\n \n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("empty"));
    assert!(sb.mock.requests().is_empty());
    assert!(list_json(&sb, false).is_empty());
}

#[test]
fn ask_stores_the_interview_setup_and_sends_it_in_the_system_prompt() {
    let sb = Sandbox::new();
    let jd = sb.write_file("jd.txt", "We need someone to run our Postgres fleet.");
    let cv = sb.write_file("cv.txt", "Ten years of on-call.");
    sb.cmd()
        .args([
            "ask",
            "--role",
            "Database reliability engineer",
            "--seniority",
            "senior",
            "--type",
            "technical",
            "--questions",
            "3",
            "--persona",
            "career-interviewer",
            "--jd",
            support::path_str(&jd),
            "--cv",
            support::path_str(&cv),
            "Ready when you are",
        ])
        .assert()
        .success();
    let system = &sb.mock.chat_requests()[0].messages()[0].1;
    assert!(system.contains("Target role: Database reliability engineer"));
    assert!(system.contains("Seniority: senior"));
    assert!(system.contains("Interview type: Technical"));
    assert!(system.contains("Number of main questions: 3"));
    // The documents travel in their own user message after the system prompt.
    let (role, documents) = &sb.mock.chat_requests()[0].messages()[1];
    assert_eq!(role, "user");
    assert!(documents.contains("run our Postgres fleet"));
    assert!(documents.contains("Ten years of on-call"));
    assert!(!system.contains("run our Postgres fleet"));
    let (title, setup): (String, String) = sb
        .db()
        .query_row(
            "SELECT title, setup FROM conversations WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("conversation");
    assert_eq!(title, "Database reliability engineer — Technical");
    let setup: Value = serde_json::from_str(&setup).expect("setup JSON");
    assert_eq!(setup["role"], "Database reliability engineer");
    assert_eq!(setup["type"], "technical");
    assert_eq!(setup["questions"], 3);
}

#[test]
fn setup_options_with_an_existing_conversation_are_a_usage_error() {
    let sb = Sandbox::new();
    ask_new(&sb, "Hello");
    sb.cmd()
        .args(["ask", "--conversation", "1", "--role", "Chef", "Next"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("new conversation"));
    assert_eq!(sb.messages(1).len(), 2);
    assert_eq!(sb.mock.chat_requests().len(), 1);
}

#[test]
fn list_json_has_the_contract_keys_and_types() {
    let sb = Sandbox::new();
    ask_new(&sb, "First interview");
    ask_new(&sb, "Second interview");
    let rows = list_json(&sb, false);
    assert_eq!(rows.len(), 2);
    // Newest activity first.
    assert_eq!(rows[0]["id"], 2);
    for row in &rows {
        let obj = row.as_object().expect("object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "archived",
                "created_at",
                "id",
                "message_count",
                // An addition the contract allows (issue 16): the conversation's model.
                "model",
                "persona",
                "title",
                "updated_at"
            ]
        );
        assert_eq!(row["model"], "gpt-4o-mini");
        assert!(row["id"].is_i64());
        assert!(row["title"].is_string());
        assert_eq!(row["persona"], "career-interviewer");
        assert!(row["message_count"].is_i64());
        assert_eq!(row["message_count"], 2);
        assert_eq!(row["archived"], false);
        for key in ["created_at", "updated_at"] {
            let t = row[key].as_str().expect("time string");
            assert!(
                t.len() >= 20 && t.contains('T') && t.ends_with('Z'),
                "RFC 3339 UTC: {t}"
            );
        }
    }
    assert_eq!(rows[1]["title"], "First interview");
}

#[test]
fn rename_changes_the_title() {
    let sb = Sandbox::new();
    ask_new(&sb, "Hello");
    sb.cmd()
        .args(["rename", "1", "Mock interview at Acme"])
        .assert()
        .success();
    assert_eq!(list_json(&sb, false)[0]["title"], "Mock interview at Acme");
    sb.cmd()
        .args(["rename", "1", "   "])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("title is empty"));
    sb.cmd()
        .args(["rename", "9", "Nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("conversation 9 does not exist"));
}

#[test]
fn delete_needs_yes_when_stdin_is_not_a_terminal() {
    let sb = Sandbox::new();
    ask_new(&sb, "Hello");
    sb.cmd()
        .args(["delete", "1"])
        .write_stdin("y\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--yes"));
    assert_eq!(list_json(&sb, false).len(), 1);
    sb.cmd().args(["delete", "1", "--yes"]).assert().success();
    assert!(list_json(&sb, false).is_empty());
    let left: i64 = sb
        .db()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 0, "messages go with their conversation");
    sb.cmd()
        .args(["delete", "1", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not exist"));
}

#[test]
fn archive_hides_a_conversation_until_listed_with_archived() {
    let sb = Sandbox::new();
    ask_new(&sb, "Keep me");
    ask_new(&sb, "Archive me");
    sb.cmd().args(["archive", "2"]).assert().success();
    let active = list_json(&sb, false);
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["id"], 1);
    let archived = list_json(&sb, true);
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0]["id"], 2);
    assert_eq!(archived[0]["archived"], true);
    sb.cmd().args(["archive", "2", "--undo"]).assert().success();
    assert_eq!(list_json(&sb, false).len(), 2);
}

#[test]
fn bad_messages_are_refused_and_nothing_is_written() {
    let sb = Sandbox::new();
    for empty in ["", "   \n\t "] {
        sb.cmd()
            .args(["ask", empty])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("message is empty"));
    }
    let huge = "a".repeat(100_001);
    sb.cmd()
        .args(["ask", &huge])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("too long"));
    sb.cmd()
        .args(["ask", "--conversation", "42", "Hello"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("conversation 42 does not exist"));
    sb.cmd()
        .args(["ask", "--persona", "nobody", "Hello"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no persona \"nobody\""));
    assert!(sb.mock.requests().is_empty());
    assert!(list_json(&sb, false).is_empty());
}

#[test]
fn bad_flags_are_usage_errors() {
    let sb = Sandbox::new();
    support::each_case(
        [
            vec!["ask"],
            vec!["ask", "--bogus", "hi"],
            vec!["ask", "--type", "nope", "hi"],
            vec!["ask", "--questions", "0", "hi"],
            vec!["ask", "--conversation", "abc", "hi"],
            vec!["list", "--jsn"],
            vec!["show", "abc"],
            vec!["no-such-command"],
        ],
        |args| {
            sb.cmd().args(args).assert().code(2);
        },
    );
    assert!(sb.mock.requests().is_empty());
}

#[test]
fn an_unreadable_job_description_is_named() {
    let sb = Sandbox::new();
    let missing = sb.dir.path().join("no-such-jd.txt");
    sb.cmd()
        .args(["ask", "--jd", support::path_str(&missing), "Hello"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("job description")
                .and(predicate::str::contains("no-such-jd.txt")),
        );
    let binary = sb.dir.path().join("cv.bin");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
    sb.cmd()
        .args(["ask", "--cv", support::path_str(&binary), "Hello"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cv.bin").and(predicate::str::contains("UTF-8")));
    assert!(sb.mock.requests().is_empty());
}

#[test]
fn no_key_says_how_to_set_one() {
    let sb = Sandbox::new();
    let output = sb
        .cmd()
        .env_remove("OPENAI_API_KEY")
        .env("OPENAI_BASE_URL", support::REMOTE_API_BASE)
        .args(["ask", "Hello"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("OPENAI_API_KEY") && stderr.contains("key set"),
        "{stderr}"
    );
    assert!(sb.mock.requests().is_empty());
}

#[test]
fn a_local_server_is_asked_without_a_key_and_without_authorization() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::text("Hello from a local model."));
    let output = sb
        .cmd()
        .env_remove("OPENAI_API_KEY")
        .args(["ask", "Hello"])
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("Hello from a local model."));
    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("authorization"), None);
}

#[test]
fn offline_ask_needs_no_key_and_no_network() {
    let sb = Sandbox::new();
    let output = sb
        .cmd()
        .env_remove("OPENAI_API_KEY")
        .args(["--offline", "ask", "Let's practise"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), "conversation 1\n");
    let reply = stdout_of(&output);
    assert!(!reply.trim().is_empty());
    assert!(sb.mock.requests().is_empty());
    let stored = sb.messages(1);
    assert_eq!(stored[1].status, "complete");
    assert_eq!(stored[1].content, reply.trim_end_matches('\n'));
}

#[test]
fn a_server_without_stream_options_support_still_works() {
    let sb = Sandbox::new();
    sb.mock.push(Reply::status(
        400,
        "Unrecognized request argument supplied: stream_options",
    ));
    sb.mock.push(Reply::text("Fine without usage."));
    sb.cmd()
        .args(["ask", "Hello"])
        .assert()
        .success()
        .stdout("Fine without usage.\n");
    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body["stream_options"]["include_usage"], true);
    assert!(requests[1].body.get("stream_options").is_none());
    assert_eq!(sb.messages(1)[1].status, "complete");
}

#[test]
fn a_bad_api_base_is_named() {
    let sb = Sandbox::new();
    sb.cmd()
        .args(["--api-base", "localhost:8080", "ask", "Hello"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("\"localhost:8080\"")
                .and(predicate::str::contains("--api-base")),
        );
    assert!(list_json(&sb, false).is_empty());
}

#[test]
fn escape_sequences_in_a_reply_never_reach_the_terminal() {
    let sb = Sandbox::new();
    let hostile =
        "Plain start \u{1b}[2J\u{1b}]52;c;aGVsbG8=\u{7}\u{1b}]0;pwned\u{7}\u{9b}31m \u{202e}end";
    sb.mock.push(Reply::text(hostile).chunk_size(3));
    let mut cmd = sb.pty_cmd();
    cmd.args(["ask", "Hello"]);
    let (code, seen) = support::PtyRun::start(cmd, 200, 24).finish();
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&seen));
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("Plain start"), "{text:?}");
    assert!(text.contains("end"), "{text:?}");
    assert!(
        !seen.contains(&0x1b),
        "no ESC reached the terminal: {text:?}"
    );
    assert!(
        !seen.contains(&0x07),
        "no BEL reached the terminal: {text:?}"
    );
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    // The reply is stored exactly as received.
    assert_eq!(sb.messages(1)[1].content, hostile);
}

/// The sandbox's list of the variables the program reads (`support::PROGRAM_ENV`)
/// names every `INTERVIEWER_*` and `OPENAI_*` variable that appears in `src/`, so a
/// new one cannot leak from a developer's environment into the tests unnoticed.
#[test]
fn every_variable_the_program_reads_is_listed() {
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = std::collections::BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        for prefix in ["\"INTERVIEWER_", "\"OPENAI_"] {
            for (at, _) in text.match_indices(prefix) {
                let name: String = text[at + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                found.insert(name);
            }
        }
    }
    assert!(found.contains("INTERVIEWER_CONFIG"), "{found:?}");
    let missing: Vec<&String> = found
        .iter()
        .filter(|name| !support::PROGRAM_ENV.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "read by the program but not isolated by tests/support: {missing:?}"
    );
}

#[test]
fn models_lists_what_the_server_offers_with_the_one_in_use_marked() {
    let sb = Sandbox::new();
    sb.mock.set_models(Reply::json(serde_json::json!({
        "object": "list",
        // A local server's shape: no `created`, one without `owned_by`, unsorted,
        // and a hostile id with an escape sequence.
        "data": [
            {"id": "qwen2.5:7b", "owned_by": "library"},
            {"id": "gpt-4o-mini"},
            {"id": "evil\u{1b}]0;pwned\u{7}"}
        ]
    })));
    let output = sb
        .cmd()
        .args(["--model", "qwen2.5:7b", "models"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let out = stdout_of(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("  gpt-4o-mini"), "{out}");
    assert_eq!(lines[2], "* qwen2.5:7b  (library)", "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "an escape reached the terminal: {out:?}"
    );
    assert_eq!(stderr_of(&output), "");
    let request = &sb.mock.requests()[0];
    assert_eq!(request.method, "GET");
    assert!(request.path.ends_with("/models"), "{}", request.path);
    assert_eq!(request.header("authorization"), Some("Bearer test-key"));

    let output = sb.cmd().args(["models", "--json"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let listed: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.len(), 3);
    assert_eq!(listed[1]["current"], true, "{listed}"); // gpt-4o-mini, the default
    assert_eq!(listed[2]["owned_by"], "library");
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\u{1b}'));
}

#[test]
fn models_says_when_the_model_in_use_is_not_offered_and_when_the_server_refuses() {
    let sb = Sandbox::new();
    let output = sb
        .cmd()
        .args(["--model", "gpt-9", "models"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("gpt-9, is not in this list: pick one with --model"),
        "{}",
        stderr_of(&output)
    );

    sb.mock.set_models(Reply::status(401, "Invalid API key"));
    let output = sb.cmd().args(["models"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("rejected (401)"), "{err}");

    let output = sb
        .cmd()
        .args(["--offline", "models"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("offline practice has no models to list"));
}
