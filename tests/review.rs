//! Reviewing past interviews through the real binary: `show`, `export`, `search`,
//! `import`, on a temporary data directory filled through the library's `Store`.

mod support;

use support::stderr_of;

use std::path::Path;

use interviewer::domain::{InterviewSetup, InterviewType, NewConversation, Role, Status};
use interviewer::store::{MessageFinish, Store};
use serde_json::Value;
use support::Sandbox;

fn store(sb: &Sandbox) -> Store {
    Store::open_in(&sb.data_dir()).expect("open store")
}

fn conversation(store: &Store, title: &str, messages: &[(Role, &str)]) -> (i64, Vec<i64>) {
    let id = store
        .create_conversation(&NewConversation {
            title: title.into(),
            persona: "career-interviewer".into(),
            setup: None,
            model: None,
        })
        .expect("create");
    let ids = messages
        .iter()
        .map(|(role, text)| {
            store
                .insert_message(id, *role, text, Status::Complete)
                .expect("insert")
        })
        .collect();
    (id, ids)
}

/// Runs the binary and expects exit 1 with one line on stderr; returns that line.
fn run_fails(sb: &Sandbox, args: &[&str]) -> String {
    sb.run(args).one_line_failure(1)
}

fn is_rfc3339_utc(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.ends_with('Z') && interviewer::timefmt::parse_rfc3339(s).is_some())
}

/// A conversation with a setup, every message status and a report.
fn rich_conversation(store: &Store) -> i64 {
    let id = store
        .create_conversation(&NewConversation {
            title: "Backend engineer — Technical".into(),
            persona: "career-interviewer".into(),
            setup: Some(InterviewSetup {
                role: Some("Backend engineer".into()),
                seniority: Some("senior".into()),
                interview_type: InterviewType::Technical,
                questions: Some(5),
                job_description: Some("We build payment systems.".into()),
                cv: None,
                retry_weak: false,
            }),
            model: None,
        })
        .expect("create");
    store
        .insert_message(
            id,
            Role::User,
            "Hi, I led a kubernetes migration",
            Status::Complete,
        )
        .expect("user");
    let reply = store
        .insert_message(id, Role::Assistant, "", Status::Streaming)
        .expect("reply");
    store
        .finish_message(
            reply,
            &MessageFinish {
                content: "What did you \u{1b}[2J\u{1b}]52;c;aGk=\u{7}migrate first?".into(),
                status: Status::Interrupted,
                error: Some("the server closed the stream early".into()),
                prompt_tokens: Some(120),
                completion_tokens: Some(7),
                model: Some("gpt-4o-mini".into()),
            },
        )
        .expect("finish");
    let failed = store
        .insert_message(id, Role::Assistant, "", Status::Streaming)
        .expect("failed");
    store
        .finish_message(
            failed,
            &MessageFinish {
                content: String::new(),
                status: Status::Error,
                error: Some("rate limited (429): wait and retry".into()),
                prompt_tokens: None,
                completion_tokens: None,
                model: None,
            },
        )
        .expect("finish");
    store
        .insert_report(
            id,
            "model",
            Some("gpt-4o-mini"),
            r#"{"overall_summary":"Clear ownership, thin on metrics.","readiness":"almost"}"#,
            true,
        )
        .expect("report");
    id
}

#[test]
fn show_and_export_json_follow_the_contract() {
    let sb = Sandbox::new();
    let id = rich_conversation(&store(&sb));
    let shown = sb.run_json(&["show", &id.to_string(), "--format", "json"]);
    let exported = sb.run_json(&["export", &id.to_string(), "--format", "json"]);
    assert_eq!(shown, exported);

    let object = shown.as_object().expect("an object");
    for key in [
        "id",
        "title",
        "persona",
        "created_at",
        "updated_at",
        "messages",
    ] {
        assert!(object.contains_key(key), "missing {key}");
    }
    assert_eq!(shown["id"], id);
    assert_eq!(shown["title"], "Backend engineer — Technical");
    assert_eq!(shown["persona"], "career-interviewer");
    assert!(is_rfc3339_utc(&shown["created_at"]));
    assert!(is_rfc3339_utc(&shown["updated_at"]));
    assert!(shown["uid"].as_str().is_some_and(|u| !u.is_empty()));
    assert_eq!(shown["archived"], false);
    assert_eq!(shown["setup"]["role"], "Backend engineer");
    assert_eq!(shown["setup"]["type"], "technical");

    let messages = shown["messages"].as_array().expect("messages array");
    assert_eq!(messages.len(), 3);
    for m in messages {
        for key in ["id", "role", "content", "status", "created_at"] {
            assert!(m.get(key).is_some(), "message lacks {key}: {m}");
        }
        assert!(m["id"].is_i64());
        assert!(m["content"].is_string());
        assert!(is_rfc3339_utc(&m["created_at"]));
        assert!(["system", "user", "assistant"].contains(&m["role"].as_str().expect("role")));
        assert!(
            ["complete", "streaming", "interrupted", "error"]
                .contains(&m["status"].as_str().expect("status"))
        );
    }
    assert_eq!(messages[0]["role"], "user");
    assert_eq!(messages[0]["status"], "complete");
    assert_eq!(messages[1]["status"], "interrupted");
    assert_eq!(messages[1]["error"], "the server closed the stream early");
    assert_eq!(messages[1]["prompt_tokens"], 120);
    assert_eq!(messages[1]["model"], "gpt-4o-mini");
    // JSON carries the content exactly; escaping makes it safe.
    assert!(
        messages[1]["content"]
            .as_str()
            .expect("content")
            .contains('\u{1b}')
    );
    assert_eq!(messages[2]["status"], "error");

    let report = &shown["report"];
    assert_eq!(report["kind"], "model");
    assert_eq!(report["valid"], true);
    assert!(is_rfc3339_utc(&report["created_at"]));
    assert_eq!(report["body"]["readiness"], "almost");

    let all = sb.run_json(&["export", "--all", "--format", "json"]);
    assert_eq!(all.as_array().expect("array"), &vec![shown]);
}

#[test]
fn show_text_is_a_sanitised_transcript() {
    let sb = Sandbox::new();
    let id = rich_conversation(&store(&sb));
    let text = sb.run_ok(&["show", &id.to_string()]);
    assert!(!text.contains('\u{1b}'), "escape reached stdout: {text:?}");
    assert!(!text.contains('\u{7}'), "bell reached stdout: {text:?}");
    assert!(
        text.contains("What did you ␛[2J␛]52;c;aGk=\u{FFFD}migrate first?"),
        "{text}"
    );
    assert!(text.starts_with("Backend engineer — Technical\n"), "{text}");
    assert!(text.contains("role: Backend engineer"), "{text}");
    assert!(
        text.contains("[interrupted: the server closed the stream early]"),
        "{text}"
    );
    assert!(
        text.contains("[failed: rate limited (429): wait and retry]"),
        "{text}"
    );
    assert!(text.contains("── You · "), "{text}");
    assert!(text.contains("── Interviewer · "), "{text}");
    assert!(text.contains("Clear ownership, thin on metrics."), "{text}");
    assert!(
        text.contains(&format!("`interviewer report {id}`")),
        "{text}"
    );
    assert_eq!(
        text,
        sb.run_ok(&["show", &id.to_string(), "--format", "text"])
    );
}

#[test]
fn markdown_export_to_stdout_and_to_a_file() {
    let sb = Sandbox::new();
    let id = rich_conversation(&store(&sb));
    let md = sb.run_ok(&["export", &id.to_string()]);
    assert!(md.starts_with("# Backend engineer — Technical\n"), "{md}");
    assert!(md.contains("- **Role:** Backend engineer\n"), "{md}");
    assert!(md.contains("- **Seniority:** senior\n"), "{md}");
    assert!(md.contains("> We build payment systems.\n"), "{md}");
    assert!(md.contains("## Transcript\n"), "{md}");
    assert!(md.contains("### You · "), "{md}");
    assert!(md.contains("\nHi, I led a kubernetes migration\n"), "{md}");
    assert!(
        md.contains("> **interrupted: the server closed the stream early**"),
        "{md}"
    );
    assert!(md.contains("## Feedback report"), "{md}");
    assert!(md.contains("Clear ownership, thin on metrics."), "{md}");
    assert!(!md.contains('\u{1b}'));
    assert_eq!(md, sb.run_ok(&["show", &id.to_string(), "--format", "md"]));

    let out_dir = sb.dir.path().join("exports");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let file = out_dir.join("interview.md");
    let output = sb
        .cmd()
        .args(["export", &id.to_string(), "-o"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    assert!(stderr_of(&output).contains(&file.display().to_string()));
    assert_eq!(std::fs::read_to_string(&file).expect("written"), md);
    // Only the file itself: the temporary file was renamed over it.
    assert_eq!(std::fs::read_dir(&out_dir).expect("ls").count(), 1);

    let json_file = out_dir.join("all.json");
    let output = sb
        .cmd()
        .args(["export", "--all", "--format", "json", "--output"])
        .arg(&json_file)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).expect("read")).expect("json");
    assert_eq!(all.as_array().map(Vec::len), Some(1));
}

#[test]
fn export_all_markdown_separates_conversations() {
    let sb = Sandbox::new();
    {
        let store = store(&sb);
        conversation(&store, "First interview", &[(Role::User, "one")]);
        conversation(&store, "Second interview", &[(Role::User, "two")]);
        let (archived, _) = conversation(&store, "Archived one", &[(Role::User, "three")]);
        store.set_archived(archived, true).expect("archive");
    }
    let md = sb.run_ok(&["export", "--all"]);
    let parts: Vec<&str> = md.split("\n---\n\n").collect();
    assert_eq!(parts.len(), 3, "{md}");
    assert!(parts[0].starts_with("# First interview\n"));
    assert!(parts[1].starts_with("# Second interview\n"));
    assert!(parts[2].starts_with("# Archived one\n"));
    assert!(parts[2].contains("- **Archived:** yes"));
}

#[test]
fn unknown_ids_fail_with_one_line_and_write_nothing() {
    let sb = Sandbox::new();
    conversation(&store(&sb), "Only one", &[(Role::User, "hi")]);
    for format in ["text", "md", "json"] {
        let err = run_fails(&sb, &["show", "42", "--format", format]);
        assert!(err.contains("conversation 42 does not exist"), "{err}");
    }
    let file = sb.dir.path().join("nothing.md");
    let output = sb
        .cmd()
        .args(["export", "42", "-o"])
        .arg(&file)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(!file.exists());
    // A place that cannot be written: one line, nothing left behind.
    let err = run_fails(&sb, &["export", "1", "-o", "/nonexistent-dir/out.md"]);
    assert!(
        err.contains("cannot write /nonexistent-dir/out.md"),
        "{err}"
    );
    // An empty database exports an empty array, not an error.
    let empty = Sandbox::new();
    assert_eq!(
        empty.run_json(&["export", "--all", "--format", "json"]),
        Value::Array(vec![])
    );
}

// ----- search ----------------------------------------------------------------------

fn search_json(sb: &Sandbox, query: &str) -> Vec<Value> {
    sb.run_json(&["search", query, "--json"])
        .as_array()
        .expect("array")
        .clone()
}

fn hit_ids(hits: &[Value]) -> Vec<i64> {
    hits.iter()
        .map(|h| h["conversation_id"].as_i64().expect("id"))
        .collect()
}

#[test]
fn search_ranks_snippets_and_json() {
    let sb = Sandbox::new();
    let (once, thrice, thrice_msg) = {
        let store = store(&sb);
        let (once, _) = conversation(
            &store,
            "Monday practice",
            &[(
                Role::User,
                "I once used terraform for a small side project at home",
            )],
        );
        let (thrice, msgs) = conversation(
            &store,
            "Tuesday practice",
            &[
                (Role::Assistant, "Tell me about infrastructure."),
                (
                    Role::User,
                    "terraform modules, terraform state and terraform plans",
                ),
            ],
        );
        conversation(&store, "Unrelated", &[(Role::User, "nothing to see here")]);
        (once, thrice, msgs[1])
    };
    let hits = search_json(&sb, "terraform");
    assert_eq!(hit_ids(&hits), vec![thrice, once]);
    let best = &hits[0];
    assert_eq!(best["message_id"], thrice_msg);
    assert_eq!(best["role"], "user");
    assert_eq!(best["title"], "Tuesday practice");
    assert!(is_rfc3339_utc(&best["created_at"]));
    let snippet = best["snippet"].as_str().expect("snippet");
    assert_eq!(
        snippet,
        "terraform modules, terraform state and terraform plans"
    );
    let matches: Vec<(usize, usize)> = best["matches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            (
                m[0].as_u64().expect("start") as usize,
                m[1].as_u64().expect("end") as usize,
            )
        })
        .collect();
    assert_eq!(matches.len(), 3);
    for (start, end) in matches {
        let word: String = snippet.chars().skip(start).take(end - start).collect();
        assert_eq!(word, "terraform");
    }

    // Not a terminal: matches in brackets, with id, date and title.
    let text = sb.run_ok(&["search", "terraform"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with(&format!("{thrice}  ")), "{text}");
    assert!(lines[0].ends_with("Tuesday practice"), "{text}");
    assert_eq!(
        lines[1],
        "    user: [terraform] modules, [terraform] state and [terraform] plans"
    );
    assert!(!text.contains('\u{1b}'));

    // Nothing found: empty JSON, exit 0.
    assert!(search_json(&sb, "kubernetes").is_empty());
}

#[test]
fn search_phrases_prefixes_titles_and_operators() {
    let sb = Sandbox::new();
    let (design, dist, titled) = {
        let store = store(&sb);
        let (design, _) = conversation(
            &store,
            "A",
            &[(Role::User, "the system design round went well")],
        );
        let (dist, _) = conversation(
            &store,
            "B",
            &[(Role::User, "design of the distributed system was poor")],
        );
        let (titled, _) = conversation(&store, "Systematic review", &[(Role::User, "hello")]);
        (design, dist, titled)
    };
    let sorted = |q: &str| {
        let mut ids = hit_ids(&search_json(&sb, q));
        ids.sort();
        ids
    };
    assert_eq!(sorted("\"system design\""), vec![design]);
    assert_eq!(sorted("system design"), vec![design, dist]);
    assert_eq!(sorted("distrib*"), vec![dist]);
    assert_eq!(sorted("round OR poor"), vec![design, dist]);
    assert_eq!(sorted("design NOT poor"), vec![design]);
    // Title matches come first and carry no message id.
    let hits = search_json(&sb, "system*");
    assert_eq!(hits[0]["conversation_id"], titled);
    assert_eq!(hits[0]["message_id"], Value::Null);
    assert_eq!(hits[0]["role"], Value::Null);
    assert_eq!(hits.len(), 3);
}

#[test]
fn search_syntax_errors_are_clear() {
    let sb = Sandbox::new();
    conversation(&store(&sb), "A", &[(Role::User, "I write C++ and node.js")]);
    for bad in ["\"unbalanced", "*", "-", ":", "rust AND"] {
        let err = run_fails(&sb, &["search", bad]);
        assert!(err.starts_with("error: search syntax: "), "{bad}: {err}");
        assert!(err.contains("put words in quotes"), "{bad}: {err}");
        assert!(!err.contains("SQL"), "{bad}: {err}");
    }
    assert_eq!(search_json(&sb, "C++").len(), 1);
    assert_eq!(search_json(&sb, "node.js").len(), 1);
}

#[test]
fn search_follows_edits_and_deletes() {
    let sb = Sandbox::new();
    let store = store(&sb);
    let (id, msgs) = conversation(
        &store,
        "Edits",
        &[(Role::User, "my answer mentions ansible")],
    );
    assert_eq!(hit_ids(&search_json(&sb, "ansible")), vec![id]);
    store
        .update_message(msgs[0], "now it mentions puppet", Status::Complete)
        .expect("update");
    assert!(search_json(&sb, "ansible").is_empty());
    assert_eq!(hit_ids(&search_json(&sb, "puppet")), vec![id]);
    store
        .rename_conversation(id, "Puppet practice")
        .expect("rename");
    assert_eq!(search_json(&sb, "practice")[0]["title"], "Puppet practice");
    sb.run_ok(&["delete", &id.to_string(), "--yes"]);
    assert!(search_json(&sb, "puppet").is_empty());
}

// ----- import ----------------------------------------------------------------------

/// Hundreds of conversations with every kind of content, spread over time.
fn generate_history(store: &Store, count: usize) {
    let kinds = InterviewType::ALL;
    for i in 0..count {
        let setup = (i % 3 != 0).then(|| InterviewSetup {
            role: Some(format!("Role {i}")),
            seniority: (i % 2 == 0).then(|| "senior".to_string()),
            interview_type: kinds[i % kinds.len()],
            questions: Some((i % 7 + 1) as u32),
            job_description: (i % 5 == 0).then(|| format!("Job description {i}\nwith lines")),
            cv: (i % 4 == 0).then(|| format!("CV {i}")),
            retry_weak: false,
        });
        let id = store
            .create_conversation(&NewConversation {
                title: format!("Interview {i} — “quotes” and ünïcode"),
                persona: "career-interviewer".into(),
                setup,
                model: None,
            })
            .expect("create");
        for turn in 0..(i % 6 + 1) {
            store
                .insert_message(
                    id,
                    Role::User,
                    &format!("answer {turn} of {i}: I led the \"project\"\n\twith tabs\u{1b}[1m"),
                    Status::Complete,
                )
                .expect("user");
            let reply = store
                .insert_message(id, Role::Assistant, "", Status::Streaming)
                .expect("reply");
            let status = [Status::Complete, Status::Interrupted, Status::Error][(i + turn) % 3];
            store
                .finish_message(
                    reply,
                    &MessageFinish {
                        content: if status == Status::Error {
                            String::new()
                        } else {
                            format!("question {turn} for {i}?")
                        },
                        status,
                        error: (status != Status::Complete).then(|| format!("reason {i}")),
                        prompt_tokens: (turn % 2 == 0).then_some(100 + i as i64),
                        completion_tokens: (turn % 2 == 0).then_some(20),
                        model: Some("gpt-4o-mini".into()),
                    },
                )
                .expect("finish");
        }
        match i % 4 {
            0 => {
                store
                    .insert_report(
                        id,
                        "model",
                        Some("gpt-4o-mini"),
                        &format!("{{\"overall_summary\":\"s{i}\",\"scores\":[1,2,3]}}"),
                        true,
                    )
                    .expect("report");
            }
            1 => {
                store
                    .insert_report(
                        id,
                        "model",
                        Some("gpt-4o-mini"),
                        "not JSON, the raw text",
                        false,
                    )
                    .expect("report");
            }
            2 => {
                store
                    .insert_report(
                        id,
                        "heuristic",
                        None,
                        "{\"overall_summary\":\"offline\"}",
                        true,
                    )
                    .expect("report");
            }
            _ => {}
        }
        if i % 10 == 7 {
            store.set_archived(id, true).expect("archive");
        }
    }
    // Spread the times out (and out of id order) so ordering is really tested.
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    conn.execute_batch(
        "UPDATE conversations SET created_at = created_at - (id * 7919 % 1000) * 3600000 - id % 997,
                                  updated_at = updated_at - (id * 104729 % 1000) * 60000 - id % 991;
         UPDATE messages SET created_at = created_at - (id * 7 % 13) * 1000 - id % 500;",
    )
    .expect("spread times");
}

/// A `list --json` or `show --format json` value with the database-local ids removed.
fn without_ids(mut value: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("id");
                for (key, child) in map.iter_mut() {
                    if key != "body" && key != "setup" {
                        strip(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut value);
    value
}

fn all_ids(sb: &Sandbox) -> Vec<i64> {
    let mut ids = Vec::new();
    for archived in [false, true] {
        let mut args = vec!["list", "--json"];
        if archived {
            args.push("--archived");
        }
        for c in sb.run_json(&args).as_array().expect("array") {
            ids.push(c["id"].as_i64().expect("id"));
        }
    }
    ids
}

#[test]
fn export_import_round_trip_on_hundreds_of_conversations() {
    let source = Sandbox::new();
    generate_history(&store(&source), 300);
    let file = source.dir.path().join("everything.json");
    source.run_ok(&[
        "export",
        "--all",
        "--format",
        "json",
        "-o",
        file.to_str().expect("utf-8"),
    ]);

    let target = Sandbox::new();
    let output = target.cmd().arg("import").arg(&file).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).starts_with("imported 300 conversations ("),
        "{}",
        stderr_of(&output)
    );

    for archived in [
        &["list", "--json"][..],
        &["list", "--json", "--archived"][..],
    ] {
        let before = without_ids(source.run_json(archived));
        let after = without_ids(target.run_json(archived));
        assert_eq!(before, after);
    }
    // Every conversation's JSON at once (`export --all` renders each conversation
    // exactly as `show --format json` does), then `show` itself on a sample, since
    // 600 more processes would only repeat the same rendering.
    let before = without_ids(source.run_json(&["export", "--all", "--format", "json"]));
    let after = without_ids(target.run_json(&["export", "--all", "--format", "json"]));
    assert_eq!(before.as_array().map(Vec::len), Some(300));
    assert!(before == after, "export --all differs after the round trip");
    let source_ids = all_ids(&source);
    let target_ids = all_ids(&target);
    assert_eq!(source_ids.len(), 300);
    assert_eq!(target_ids.len(), 300);
    for (a, b) in source_ids.iter().zip(&target_ids).step_by(15) {
        let before = source.run_json(&["show", &a.to_string(), "--format", "json"]);
        let after = target.run_json(&["show", &b.to_string(), "--format", "json"]);
        assert_eq!(without_ids(before), without_ids(after), "conversation {a}");
    }
    // Search works on imported text.
    assert!(!search_json(&target, "\"answer 3 of\"").is_empty());

    // Importing again changes nothing.
    let output = target.cmd().arg("import").arg(&file).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).starts_with("imported 0 conversations (0 messages)"),
        "{}",
        stderr_of(&output)
    );
    assert!(
        stderr_of(&output).contains("skipped 300"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(all_ids(&target).len(), 300);
}

#[test]
fn handwritten_exports_import_once() {
    let sb = Sandbox::new();
    let file = sb.write_file(
        "hand.json",
        r#"{"title": "Written by hand", "persona": "career-interviewer",
            "created_at": "2026-01-31T09:30:00Z", "updated_at": "2026-01-31T09:40:00Z",
            "messages": [
              {"role": "assistant", "content": "Tell me about yourself.", "status": "complete",
               "created_at": "2026-01-31T09:30:00Z"},
              {"role": "user", "content": "I build things.", "status": "complete",
               "created_at": "2026-01-31T09:31:00Z"}]}"#,
    );
    sb.run_ok(&["import", file.to_str().expect("utf-8")]);
    sb.run_ok(&["import", file.to_str().expect("utf-8")]);
    let list = sb.run_json(&["list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let shown = sb.run_json(&["show", "1", "--format", "json"]);
    assert_eq!(shown["created_at"], "2026-01-31T09:30:00Z");
    assert_eq!(shown["updated_at"], "2026-01-31T09:40:00Z");
    assert_eq!(shown["messages"][1]["content"], "I build things.");
    assert!(shown["uid"].as_str().expect("uid").starts_with("import-"));
}

fn assert_nothing_imported(sb: &Sandbox, file: &Path, expect_in_error: &str) {
    let err = run_fails(sb, &["import", file.to_str().expect("utf-8")]);
    assert!(
        err.contains(&file.display().to_string()),
        "names the file: {err}"
    );
    assert!(err.contains(expect_in_error), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(sb.run_json(&["list", "--json"]), Value::Array(vec![]));
    assert_eq!(
        sb.run_json(&["list", "--json", "--archived"]),
        Value::Array(vec![])
    );
}

#[test]
fn corrupt_imports_are_refused_whole() {
    let source = Sandbox::new();
    generate_history(&store(&source), 5);
    let good = source.run_ok(&["export", "--all", "--format", "json"]);

    let sb = Sandbox::new();
    // Cut in the middle.
    let truncated = sb.write_file("truncated.json", &good[..good.len() / 2]);
    assert_nothing_imported(&sb, &truncated, "line ");
    // Valid JSON, but the fourth conversation has a bad message status.
    let mut value: Value = serde_json::from_str(&good).expect("json");
    value[3]["messages"][0]["status"] = Value::String("finished".into());
    let bad_status = sb.write_file("status.json", &value.to_string());
    assert_nothing_imported(&sb, &bad_status, "[3].messages[0].status");
    // A bad time in the last conversation.
    let mut value: Value = serde_json::from_str(&good).expect("json");
    value[4]["messages"][1]["created_at"] = Value::String("last tuesday".into());
    let bad_time = sb.write_file("time.json", &value.to_string());
    assert_nothing_imported(&sb, &bad_time, "[4].messages[1].created_at");
    // Not an export at all.
    let text = sb.write_file("notes.txt", "just some notes");
    assert_nothing_imported(&sb, &text, "not an interviewer JSON export");

    let missing = run_fails(&sb, &["import", "/nonexistent/export.json"]);
    assert!(missing.contains("/nonexistent/export.json"), "{missing}");
}

// ----- on a terminal -----------------------------------------------------------------

/// Runs the binary under a pseudo-terminal and returns everything it wrote.
fn run_on_terminal(sb: &Sandbox, args: &[&str]) -> Vec<u8> {
    let mut cmd = sb.pty_cmd();
    cmd.args(args);
    let (code, seen) = support::PtyRun::start(cmd, 200, 24).finish();
    assert_eq!(code, 0, "{args:?}: {}", String::from_utf8_lossy(&seen));
    seen
}

#[test]
fn on_a_terminal_matches_are_highlighted_and_model_text_stays_inert() {
    let sb = Sandbox::new();
    {
        let store = store(&sb);
        rich_conversation(&store);
        conversation(
            &store,
            "Hostile",
            &[(
                Role::Assistant,
                "ansible \u{1b}]0;pwned\u{7} and \u{1b}[2J more",
            )],
        );
    }
    let shown = run_on_terminal(&sb, &["show", "1"]);
    assert!(
        !shown.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&shown)
    );
    assert!(!shown.contains(&0x07));

    let found = String::from_utf8(run_on_terminal(&sb, &["search", "ansible"])).expect("utf-8");
    // Our own reverse-video marks around the match; the text's escapes neutralised.
    assert!(
        found.contains("\u{1b}[1;7mansible\u{1b}[22;27m"),
        "{found:?}"
    );
    assert!(found.contains("␛]0;pwned"), "{found:?}");
    assert_eq!(found.matches('\u{1b}').count(), 2, "{found:?}");
}
