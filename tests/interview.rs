//! The interview experience through the real binary: an offline interview over
//! several turns, the heuristic report, `stats`, and the model's report against the
//! in-repo mock OpenAI server (JSON schema, the corrective retry, raw fallback).

mod support;

use support::{stderr_of, stdout_of};

use serde_json::{Value, json};
use support::Sandbox;
use support::mock_openai::Reply;

const STORY: &str = "At my last company I was responsible for the release of our mobile app. \
    My goal was to ship before a partner launch. I underestimated the review time, so the \
    release slipped by 2 weeks. I told the partner early, I rebuilt the plan with buffers, and \
    as a result the next three releases shipped on time, with crash reports down 30%. I learned \
    to plan for the review queue.";

/// A whole offline interview of two questions in conversation `id` (the next one).
fn offline_interview(sb: &Sandbox, id: i64, answers: [&str; 4]) {
    let output = sb
        .cmd()
        .args([
            "--offline",
            "ask",
            "--type",
            "behavioral",
            "--role",
            "Backend engineer",
            "--seniority",
            "senior",
            "--questions",
            "2",
            "Hello, I'm ready.",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stderr_of(&output), format!("conversation {id}\n"));
    let id = id.to_string();
    for answer in answers {
        sb.run_ok(&["--offline", "ask", "--conversation", &id, answer]);
    }
}

#[test]
fn an_offline_interview_runs_over_several_turns_in_one_conversation() {
    let sb = Sandbox::new();
    let first = sb
        .cmd()
        .args([
            "--offline",
            "ask",
            "--type",
            "behavioral",
            "--role",
            "Backend engineer",
            "--questions",
            "2",
            "Hello",
        ])
        .output()
        .expect("run");
    assert!(first.status.success(), "{}", stderr_of(&first));
    let greeting = stdout_of(&first);
    assert!(greeting.contains("offline practice"), "{greeting}");
    assert!(greeting.contains("Backend engineer"), "{greeting}");
    assert!(greeting.contains("Question 1 of 2:"), "{greeting}");

    let say = |text: &str| sb.run_ok(&["--offline", "ask", "--conversation", "1", text]);
    // An evasive non-answer is not accepted: the question comes again, unthanked.
    let nudge = say("We just fixed it together.");
    assert!(!nudge.contains("Question 2 of 2:"), "{nudge}");
    assert!(!nudge.to_lowercase().contains("thanks"), "{nudge}");
    // A thin but real answer gets a follow-up, not the next question.
    let follow_up = say(
        "There was an outage in our payments API one evening and the team rolled back the deploy.",
    );
    assert!(!follow_up.contains("Question 2 of 2:"), "{follow_up}");
    assert!(follow_up.contains('?'), "{follow_up}");
    let hint = say("/hint");
    assert!(hint.starts_with("Hint: a strong answer here"), "{hint}");
    let second = say(STORY);
    assert!(second.contains("Question 2 of 2:"), "{second}");
    let invite = say("/skip");
    assert!(invite.contains("That was my last question."), "{invite}");
    let close = say("What does success look like in the first year?");
    assert!(
        close.contains("That's the end of the interview."),
        "{close}"
    );
    assert!(close.contains("interviewer report"), "{close}");

    let messages = sb.messages(1);
    assert_eq!(messages.len(), 14, "{messages:#?}");
    assert!(messages.iter().all(|m| m.status == "complete"));
    let model: String = sb
        .db()
        .query_row(
            "SELECT model FROM messages WHERE role = 'assistant' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("model");
    assert_eq!(model, "offline-question-bank");
    // Nothing touched the network.
    assert!(sb.mock.requests().is_empty());
}

#[test]
fn a_first_message_that_names_the_interview_sets_it_up() {
    // No flags: the candidate says what they are preparing for, as the TUI's
    // welcome asks them to.
    let sb = Sandbox::new();
    let greeting = sb.run_ok(&[
        "--offline",
        "ask",
        "Hi, I'm preparing for a behavioural interview for a senior backend engineer role.",
    ]);
    assert!(
        greeting.contains("for the senior backend engineer role."),
        "{greeting}"
    );
    assert!(greeting.contains("5 behavioural questions"), "{greeting}");
    let (title, setup): (String, String) = sb
        .db()
        .query_row("SELECT title, setup FROM conversations", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("the conversation");
    assert_eq!(title, "senior backend engineer — Behavioural");
    let setup: Value = serde_json::from_str(&setup).expect("setup JSON");
    assert_eq!(setup["type"], "behavioral");
    assert_eq!(setup["role"], "senior backend engineer");
    assert_eq!(setup["seniority"], "senior");

    // A plain hello stays a general conversation with no setup.
    let hello = sb.run_ok(&["--offline", "ask", "Hello"]);
    assert!(hello.contains("career conversation questions"), "{hello}");
}

#[test]
fn the_offline_report_is_heuristic_stored_once_and_regenerable() {
    let sb = Sandbox::new();
    offline_interview(
        &sb,
        1,
        [
            "Um, we basically fixed it, you know.",
            STORY,
            STORY,
            "No, thank you.",
        ],
    );

    let text = sb.run_ok(&["--offline", "report", "1"]);
    assert!(text.starts_with("Feedback report (heuristic"), "{text}");
    assert!(text.contains("Scores (1–5)"), "{text}");
    assert!(text.contains("What a good answer contains:"), "{text}");
    assert!(text.contains("\"2 weeks\""), "{text}");
    assert!(text.contains("Study plan"), "{text}");

    // Shown again from the store, not made again, and with no key or usable
    // endpoint needed.
    let again = sb
        .cmd()
        .env_remove("OPENAI_API_KEY")
        .args(["--api-base", "not a url", "report", "1"])
        .output()
        .expect("run");
    assert!(again.status.success(), "{}", stderr_of(&again));
    assert_eq!(stdout_of(&again), text);
    let json_out = sb.run_ok(&["--offline", "report", "1", "--json"]);
    let value: Value = serde_json::from_str(&json_out).expect("report --json is JSON");
    assert_eq!(value["kind"], "heuristic");
    assert_eq!(value["valid"], true);
    assert_eq!(
        value["report"]["competencies"].as_array().map(Vec::len),
        Some(5)
    );
    assert_eq!(
        value["report"]["questions"].as_array().map(Vec::len),
        Some(2)
    );
    let count = |sb: &Sandbox| -> i64 {
        sb.db()
            .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(count(&sb), 1);

    sb.run_ok(&["--offline", "report", "1", "--regenerate"]);
    assert_eq!(count(&sb), 2);
    let (kind, valid, body): (String, bool, String) = sb
        .db()
        .query_row(
            "SELECT kind, valid, body FROM reports ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("report row");
    assert_eq!((kind.as_str(), valid), ("heuristic", true));
    let body: Value = serde_json::from_str(&body).expect("stored body is JSON");
    assert!(
        body["overall_summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("Heuristic report"))
    );
}

#[test]
fn without_a_key_the_report_is_heuristic_and_says_why() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    let output = sb
        .cmd()
        .env_remove("OPENAI_API_KEY")
        .env("OPENAI_BASE_URL", support::REMOTE_API_BASE)
        .args(["report", "1"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("no API key"),
        "{}",
        stderr_of(&output)
    );
    assert!(stdout_of(&output).starts_with("Feedback report (heuristic"));
    assert!(sb.mock.requests().is_empty());
}

#[test]
fn a_conversation_without_answers_gets_no_report() {
    let sb = Sandbox::new();
    sb.run_ok(&["--offline", "ask", "Hello"]);
    let output = sb
        .cmd()
        .args(["--offline", "report", "1"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("no answers to assess"),
        "{}",
        stderr_of(&output)
    );
    let output = sb
        .cmd()
        .args(["--offline", "report", "7"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("conversation 7 does not exist"));
}

#[test]
fn stats_show_interviews_and_competency_trends() {
    let sb = Sandbox::new();
    let empty = sb.run_ok(&["stats"]);
    assert!(empty.contains("Interviews held: 0"), "{empty}");
    assert!(empty.contains("No feedback reports yet"), "{empty}");

    offline_interview(
        &sb,
        1,
        [
            "We had a bug in the login page once and the team fixed it and shipped it.",
            "It was fine after that, people could log in again the next day.",
            "We talked about it in the retro and moved on to other work.",
            "No.",
        ],
    );
    offline_interview(&sb, 2, [STORY, STORY, STORY, "No."]);
    sb.run_ok(&["--offline", "report", "1"]);
    sb.run_ok(&["--offline", "report", "2"]);
    // A greeting with no answer is not an interview held.
    sb.run_ok(&["--offline", "ask", "Hello"]);

    let text = sb.run_ok(&["stats"]);
    assert!(
        text.contains("Interviews held: 2 (2 with a feedback report)"),
        "{text}"
    );
    assert!(text.contains("evidence & impact"), "{text}");
    assert!(text.contains("→"), "{text}");
    assert!(text.contains("Readiness history"), "{text}");

    let value: Value = sb.run_json(&["stats", "--json"]);
    assert_eq!(value["interviews"], 2);
    assert_eq!(value["reports"], 2);
    assert_eq!(value["assessed_interviews"], 2);
    let evidence = value["competencies"]
        .as_array()
        .expect("competencies")
        .iter()
        .find(|c| c["name"] == "evidence & impact")
        .expect("evidence & impact")
        .clone();
    let scores: Vec<u64> = evidence["scores"]
        .as_array()
        .expect("scores")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    assert_eq!(scores.len(), 2);
    // The second interview's answers carry numbers; the first's do not.
    assert!(scores[1] > scores[0], "{scores:?}");
    assert_eq!(value["readiness"].as_array().map(Vec::len), Some(2));
}

fn model_report() -> Value {
    let scores = json!([
        {"competency": "structure", "quote": "I was responsible for the release of our mobile app", "score": 4},
        {"competency": "relevance", "quote": "the release slipped by 2 weeks", "score": 4},
        {"competency": "depth", "quote": "I underestimated the review time", "score": 3},
        {"competency": "evidence & impact", "quote": "with crash reports down 30%", "score": 4},
        {"competency": "communication", "quote": "I learned to plan for the review queue", "score": 4}
    ]);
    let question = |n: u32| {
        json!({
            "number": n,
            "question": "Tell me about a failure.",
            "answer_summary": "A release that slipped by two weeks.",
            "evidence": ["the release slipped by 2 weeks"],
            "scores": scores,
            "strengths": ["Owned the mistake."],
            "improvements": ["Say how you now estimate review time."],
            "rewritten": "At my last company I owned the mobile release … [number] …",
            "better_answer": "A strong answer names the miss, the fix and the lesson."
        })
    };
    json!({
        "questions": [question(1), question(2)],
        "competencies": [
            {"name": "structure", "score": 4, "evidence": "\"At my last company…\" sets the scene."},
            {"name": "relevance", "score": 4, "evidence": "It answers the question."},
            {"name": "depth", "score": 3, "evidence": "Little on why the plan slipped."},
            {"name": "evidence & impact", "score": 4, "evidence": "\"crash reports down 30%\""},
            {"name": "communication", "score": 4, "evidence": "Concise."}
        ],
        "readiness": "almost",
        "overall_summary": "You told a clear story with a measurable result.",
        "top_improvements": ["Explain your reasoning.", "Name the lesson earlier."],
        "study_plan": ["Write three STAR stories with numbers."]
    })
}

#[test]
fn the_model_report_uses_a_json_schema_and_is_stored() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    sb.mock
        .push(Reply::text(model_report().to_string()).usage(Some((1200, 300))));

    let output = sb.cmd().args(["report", "1"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.starts_with("Feedback report by gpt-4o-mini"), "{text}");
    assert!(text.contains("Readiness: Almost ready"), "{text}");
    assert!(text.contains("crash reports down 30%"), "{text}");
    assert!(
        text.contains("gpt-4o-mini (this report): 1,200 prompt + 300 completion tokens"),
        "{text}"
    );

    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 1);
    let body = &requests[0].body;
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(
        body["response_format"]["json_schema"]["name"],
        "interview_report"
    );
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert!(body.get("stream").is_none_or(|s| s == false));
    let turns = requests[0].messages();
    assert_eq!(turns[0].0, "system");
    assert!(turns[0].1.contains("evidence & impact"));
    assert!(
        turns[0].1.contains("\"better_answer\""),
        "the schema is spelled out"
    );
    assert_eq!(turns[1].0, "user");
    assert!(turns[1].1.contains("\"target_role\":\"Backend engineer\""));
    assert!(
        turns[1]
            .1
            .contains("{\"speaker\":\"candidate\",\"text\":\"At my last company")
    );

    let (kind, model, valid): (String, String, bool) = sb
        .db()
        .query_row("SELECT kind, model, valid FROM reports", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("stored report");
    assert_eq!(
        (kind.as_str(), model.as_str(), valid),
        ("model", "gpt-4o-mini", true)
    );
}

#[test]
fn an_invalid_report_is_asked_for_once_more_with_the_error() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    let mut bad = model_report();
    bad["competencies"][2]["score"] = 7.into();
    sb.mock.push(Reply::text(bad.to_string()));
    sb.mock
        .push(Reply::text(format!("```json\n{}\n```", model_report())));

    let value: Value = sb.run_json(&["report", "1", "--json"]);
    assert_eq!(value["kind"], "model");
    assert_eq!(value["valid"], true);
    assert_eq!(value["report"]["competencies"][2]["score"], 3);

    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 2, "exactly one corrective retry");
    let retry = requests[1].messages();
    assert_eq!(retry.len(), 4);
    assert_eq!(retry[2].0, "assistant");
    assert!(retry[3].1.contains("outside 1 to 5"), "{}", retry[3].1);
}

#[test]
fn a_reply_that_stays_invalid_is_stored_raw_and_shown_as_it_came() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    sb.mock.push(Reply::text("I think you did well overall!"));
    sb.mock
        .push(Reply::text("Really, you did well. Keep practising."));

    let text = sb.run_ok(&["report", "1"]);
    assert!(text.contains("not a valid report"), "{text}");
    assert!(
        text.contains("Really, you did well. Keep practising."),
        "{text}"
    );
    assert_eq!(sb.mock.chat_requests().len(), 2);
    let valid: bool = sb
        .db()
        .query_row("SELECT valid FROM reports", [], |r| r.get(0))
        .expect("stored");
    assert!(!valid);
    // Invalid reports do not count towards progress.
    let value: Value = sb.run_json(&["stats", "--json"]);
    assert_eq!(value["assessed_interviews"], 0);
    assert_eq!(value["reports"], 1);
}

#[test]
fn a_server_without_json_schema_is_asked_in_json_mode() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    sb.mock.push(Reply::status(
        400,
        "response_format type json_schema is not supported by this model",
    ));
    sb.mock.push(Reply::text(model_report().to_string()));

    let value: Value = sb.run_json(&["report", "1", "--json"]);
    assert_eq!(value["valid"], true);
    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].body["response_format"]["type"], "json_object");
}

/// A server that refuses both structured outputs and JSON mode is asked a third
/// time with no `response_format` at all: the prompt alone describes the JSON, and
/// the reply is validated as usual.
#[test]
fn a_server_without_any_response_format_is_asked_with_the_prompt_alone() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    sb.mock.push(Reply::status(
        400,
        "response_format type json_schema is not supported by this model",
    ));
    sb.mock.push(Reply::status(
        400,
        "Invalid parameter: 'response_format' of type 'json_object' is not supported",
    ));
    sb.mock.push(Reply::text(model_report().to_string()));

    let value: Value = sb.run_json(&["report", "1", "--json"]);
    assert_eq!(value["valid"], true);
    let requests = sb.mock.chat_requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].body["response_format"]["type"], "json_schema");
    assert_eq!(requests[1].body["response_format"]["type"], "json_object");
    assert!(
        requests[2].body.get("response_format").is_none(),
        "{}",
        requests[2].body
    );
    // The prompt alone says what to reply with.
    let system = &requests[2].messages()[0].1;
    assert!(system.contains("JSON"), "{system}");
    let valid: bool = sb
        .db()
        .query_row("SELECT valid FROM reports", [], |r| r.get(0))
        .expect("stored");
    assert!(valid);
}

#[test]
fn a_server_failure_stores_nothing_and_says_what_to_do() {
    let sb = Sandbox::new();
    offline_interview(&sb, 1, [STORY, STORY, STORY, "No."]);
    sb.mock.push(Reply::status(503, "The server is overloaded"));

    let output = sb.cmd().args(["report", "1"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.contains("The server is overloaded"), "{err}");
    assert!(err.contains("--offline"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 2, "{err}"); // progress line + error
    assert_eq!(sb.mock.chat_requests().len(), 1, "no hidden retries");
    let count: i64 = sb
        .db()
        .query_row("SELECT count(*) FROM reports", [], |r| r.get(0))
        .expect("count");
    assert_eq!(count, 0);
}

#[test]
fn a_model_interview_sends_the_personas_prompt_with_the_setup() {
    let sb = Sandbox::new();
    let jd = sb.write_file(
        "jd.txt",
        "We need someone to scale our payments platform to 10x traffic.",
    );
    sb.mock.push(Reply::text(
        "Welcome. Let's design a payment system. What would you ask first?",
    ));
    let output = sb
        .cmd()
        .args([
            "ask",
            "--persona",
            "bar-raiser",
            "--type",
            "system-design",
            "--role",
            "Staff engineer",
            "--seniority",
            "staff",
            "--questions",
            "2",
            "--jd",
            support::path_str(&jd),
            "Ready.",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));

    let requests = sb.mock.chat_requests();
    let turns = requests[0].messages();
    assert_eq!(turns[0].0, "system");
    let system = &turns[0].1;
    assert!(system.contains("bar raiser"), "{system}");
    assert!(system.contains("exactly one question per turn"));
    assert!(system.contains("Do not score"));
    assert!(system.contains("This is a system design interview"));
    assert!(system.contains("Target role: Staff engineer"));
    assert!(system.contains("This is a senior candidate"));
    assert!(system.contains("Number of main questions: 2"));
    assert!(
        !system.contains("We need someone"),
        "the JD is not in the system prompt"
    );
    let docs = &turns[1].1;
    assert_eq!(turns[1].0, "user");
    assert!(
        docs.contains(
            "\nWe need someone to scale our payments platform to 10x traffic.\n</job_description-"
        ),
        "{docs}"
    );
    assert_eq!(turns.last().map(|t| t.1.as_str()), Some("Ready."));
    let persona: String = sb
        .db()
        .query_row("SELECT persona FROM conversations", [], |r| r.get(0))
        .expect("persona");
    assert_eq!(persona, "bar-raiser");
}

/// The text after "Question N of M: " in an interviewer turn.
fn question_in(turn: &str) -> String {
    let at = turn.find(" of ").expect("a numbered question");
    let rest = &turn[at..];
    let colon = rest.find(": ").expect("the question after the number");
    rest[colon + 2..].trim().to_string()
}

fn start_behavioural(sb: &Sandbox, extra: &[&str]) -> String {
    let mut args = vec![
        "--offline",
        "ask",
        "--type",
        "behavioral",
        "--role",
        "Backend engineer",
        "--seniority",
        "senior",
        "--questions",
        "2",
    ];
    args.extend_from_slice(extra);
    args.push("Hello, I'm ready.");
    sb.run_ok(&args)
}

fn transcript(sb: &Sandbox, id: &str) -> Vec<String> {
    let shown: Value = sb.run_json(&["show", id, "--format", "json"]);
    shown["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_new_offline_interview_asks_new_questions_and_an_old_one_keeps_its_own() {
    let answers = [STORY, STORY, STORY];
    // One sandbox holds a single interview...
    let alone = Sandbox::new();
    let first = start_behavioural(&alone, &[]);
    for a in answers {
        alone.run_ok(&["--offline", "ask", "--conversation", "1", a]);
    }

    // ... the other the same one, with a second interview started in between.
    let sb = Sandbox::new();
    assert_eq!(start_behavioural(&sb, &[]), first, "same setup, same start");
    let second = start_behavioural(&sb, &[]);
    assert_ne!(
        question_in(&second),
        question_in(&first),
        "the second interview repeats the first one's question"
    );
    for a in answers {
        sb.run_ok(&["--offline", "ask", "--conversation", "1", a]);
    }
    // The first interview went on exactly as it would have alone.
    assert_eq!(transcript(&sb, "1"), transcript(&alone, "1"));
    let asked_first: Vec<String> = transcript(&sb, "1")
        .iter()
        .filter(|t| t.contains(" of 2: "))
        .map(|t| question_in(t))
        .collect();
    assert_eq!(asked_first.len(), 2, "{asked_first:?}");
    // Once the first interview has asked both, a third asks neither.
    let third = start_behavioural(&sb, &[]);
    assert!(!asked_first.contains(&question_in(&third)), "{third}");
}

#[test]
fn retry_weak_brings_back_the_question_answered_worst() {
    let sb = Sandbox::new();
    offline_interview(
        &sb,
        1,
        [
            "We fixed it.",
            "It was fine in the end.",
            STORY,
            "No, thank you.",
        ],
    );
    let report: Value = sb.run_json(&["--offline", "report", "1", "--json"]);
    let scored: Vec<(u64, String)> = report["report"]["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            (
                q["score"].as_u64().expect("score"),
                q["question"].as_str().expect("question").to_string(),
            )
        })
        .collect();
    let weakest = scored.iter().min_by_key(|(s, _)| *s).expect("a question");
    assert!(weakest.0 <= 2, "no weak answer to retry: {scored:?}");

    // Without asking, the weak question is not asked again...
    let fresh = start_behavioural(&sb, &[]);
    assert!(
        scored.iter().all(|(_, q)| question_in(&fresh) != *q),
        "{fresh}"
    );
    // ... and with --retry-weak it comes first.
    let retry = start_behavioural(&sb, &["--retry-weak"]);
    assert_eq!(question_in(&retry), weakest.1, "{scored:?}");
    let shown: Value = sb.run_json(&["show", "3", "--format", "json"]);
    assert_eq!(shown["setup"]["retry_weak"], true, "{shown}");
}
