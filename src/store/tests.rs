//! Store unit tests, each on a real database file in a temporary directory.

use super::*;

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_in(&dir.path().join("data")).expect("open");
    (dir, store)
}

fn new_conv(store: &Store, title: &str) -> i64 {
    store
        .create_conversation(&NewConversation {
            title: title.into(),
            persona: "career-interviewer".into(),
            setup: None,
            model: None,
        })
        .expect("create")
}

#[test]
fn migrations_are_valid() {
    migrations().validate().expect("migrations validate");
}

/// A pragma's value, as SQLite reports it.
fn pragma(store: &Store, name: &str) -> rusqlite::types::Value {
    store
        .conn()
        .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .expect("pragma")
}

#[test]
fn opening_twice_is_idempotent_and_sets_the_schema_version() {
    let (dir, store) = temp_store();
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(
        pragma(&store, "user_version"),
        rusqlite::types::Value::Integer(SCHEMA_VERSION as i64)
    );
    drop(dir);
}

/// A new database is created without waiting for the disk, then every write
/// after it is as durable as on an existing one (WAL, `synchronous = NORMAL`).
#[test]
fn a_new_database_is_left_durable_like_an_old_one() {
    use rusqlite::types::Value;
    let (_dir, store) = temp_store();
    // NORMAL is 1.
    assert_eq!(pragma(&store, "synchronous"), Value::Integer(1));
    assert_eq!(pragma(&store, "journal_mode"), Value::Text("wal".into()));
    let path = store.path().to_path_buf();
    drop(store);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(pragma(&store, "synchronous"), Value::Integer(1));
}

#[cfg(unix)]
#[test]
fn data_dir_and_file_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = temp_store();
    let d = std::fs::metadata(dir.path().join("data"))
        .expect("dir")
        .permissions()
        .mode();
    let f = std::fs::metadata(store.path())
        .expect("file")
        .permissions()
        .mode();
    assert_eq!(d & 0o777, 0o700);
    assert_eq!(f & 0o777, 0o600);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE);
    let garbage = b"this is not sqlite, just some text that a user put here\n".repeat(100);
    std::fs::write(&path, &garbage).expect("write");
    let err = Store::open(&path).expect_err("must refuse");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
}

#[test]
fn a_database_from_a_newer_version_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE);
    {
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 999).expect("set");
        conn.execute("CREATE TABLE future (x)", []).expect("create");
    }
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path).expect_err("must refuse");
    assert!(
        matches!(err, StoreError::TooNew { found: 999, .. }),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn messages_round_trip_in_order_and_bump_the_conversation() {
    let (_dir, store) = temp_store();
    let a = new_conv(&store, "first");
    let b = new_conv(&store, "second");
    // Times have millisecond resolution: date both conversations an hour back, so
    // that the message below makes `a` the newer one without waiting for the clock.
    store
        .conn()
        .execute(
            "UPDATE conversations SET created_at = created_at - 3600000, updated_at = updated_at - 3600000",
            [],
        )
        .expect("date back");
    store
        .insert_message(a, Role::User, "hello", Status::Complete)
        .expect("insert");
    let reply = store
        .insert_message(a, Role::Assistant, "", Status::Streaming)
        .expect("insert");
    store
        .update_message(reply, "Hi there", Status::Streaming)
        .expect("update");
    store
        .finish_message(
            reply,
            &MessageFinish {
                content: "Hi there!".into(),
                status: Status::Complete,
                error: None,
                prompt_tokens: Some(10),
                completion_tokens: Some(3),
                model: Some("gpt-4o-mini".into()),
            },
        )
        .expect("finish");
    let msgs = store.messages(a).expect("messages");
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].content, "hello");
    assert_eq!(msgs[1].content, "Hi there!");
    assert_eq!(msgs[1].status, Status::Complete);
    assert_eq!(msgs[1].completion_tokens, Some(3));

    let list = store.list_conversations(false, 10, 0).expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0].id, a,
        "the conversation with the newest message comes first"
    );
    assert_eq!(list[0].message_count, 2);
    assert_eq!(list[1].id, b);
}

#[test]
fn tail_and_before_page_through_a_conversation() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "long");
    let ids: Vec<i64> = (0..10)
        .map(|i| {
            store
                .insert_message(c, Role::User, &format!("m{i}"), Status::Complete)
                .expect("insert")
        })
        .collect();
    let tail = store.messages_tail(c, 3).expect("tail");
    assert_eq!(
        tail.iter().map(|m| m.content.as_str()).collect::<Vec<_>>(),
        ["m7", "m8", "m9"]
    );
    let before = store.messages_before(c, ids[7], 2).expect("before");
    assert_eq!(
        before
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
        ["m5", "m6"]
    );
}

#[test]
fn delete_cascades_and_unknown_ids_are_errors() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "doomed");
    store
        .insert_message(c, Role::User, "x", Status::Complete)
        .expect("insert");
    store.set_draft(c, "unsent").expect("draft");
    store
        .insert_report(c, "heuristic", None, "{}", true)
        .expect("report");
    store.delete_conversation(c).expect("delete");
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 0);
    assert!(matches!(
        store.delete_conversation(c),
        Err(StoreError::NoConversation(_))
    ));
    assert!(matches!(
        store.rename_conversation(c, "x"),
        Err(StoreError::NoConversation(_))
    ));
    assert!(matches!(
        store.insert_message(c, Role::User, "x", Status::Complete),
        Err(StoreError::NoConversation(_))
    ));
}

#[test]
fn streaming_rows_become_interrupted_on_recovery() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "crash");
    let m = store
        .insert_message(c, Role::Assistant, "partial", Status::Streaming)
        .expect("insert");
    assert_eq!(store.recover_streaming().expect("recover"), 1);
    let msg = store.message(m).expect("get").expect("exists");
    assert_eq!(msg.status, Status::Interrupted);
    assert_eq!(msg.content, "partial");
}

#[test]
fn archive_hides_from_the_default_list() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "old");
    store.set_archived(c, true).expect("archive");
    assert!(
        store
            .list_conversations(false, 10, 0)
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store.list_conversations(true, 10, 0).expect("list").len(),
        1
    );
}

#[test]
fn drafts_and_state_persist() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "d");
    assert_eq!(store.draft(c).expect("draft"), "");
    store.set_draft(c, "half an answer").expect("set");
    assert_eq!(store.draft(c).expect("draft"), "half an answer");
    store.set_draft(c, "").expect("clear");
    assert_eq!(store.draft(c).expect("draft"), "");
    store.set_state("open", "3").expect("state");
    assert_eq!(store.state("open").expect("state").as_deref(), Some("3"));
}

#[test]
fn full_text_index_follows_inserts_updates_and_deletes() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "search me");
    let m = store
        .insert_message(
            c,
            Role::User,
            "I led the kubernetes migration",
            Status::Complete,
        )
        .expect("insert");
    let hits = |q: &str| -> i64 {
        store
            .conn()
            .query_row(
                "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
                [q],
                |r| r.get(0),
            )
            .expect("query")
    };
    assert_eq!(hits("kubernetes"), 1);
    store
        .update_message(m, "I led the postgres upgrade", Status::Complete)
        .expect("update");
    assert_eq!(hits("kubernetes"), 0);
    assert_eq!(hits("postgres"), 1);
    store.delete_message(m).expect("delete");
    assert_eq!(hits("postgres"), 0);
}

/// The classification itself, from real SQLite failures, for the rows that the
/// integration tests can only reach with special permissions (read-only as root).
#[test]
fn sqlite_failures_become_errors_that_name_the_file_and_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE);
    let rw = Connection::open(&path).expect("open");
    rw.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a');")
        .expect("seed");
    let named = |e: &StoreError| e.to_string().contains(&path.display().to_string());

    let ro = Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open read-only");
    let err = classify(
        &path,
        ro.execute("INSERT INTO t VALUES ('b')", [])
            .expect_err("read-only"),
    );
    assert!(
        matches!(err, StoreError::ReadOnly { .. }) && named(&err),
        "{err}"
    );

    // Another connection holds the write lock and this one will not wait.
    rw.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let other = Connection::open(&path).expect("open");
    other.busy_timeout(Duration::ZERO).expect("no wait");
    let err = classify(
        &path,
        other.execute_batch("BEGIN IMMEDIATE").expect_err("busy"),
    );
    assert!(
        matches!(err, StoreError::Busy { .. }) && named(&err),
        "{err}"
    );
    rw.execute_batch("COMMIT").expect("unlock");

    let pages: i64 = rw
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("pages");
    rw.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("cap");
    let err = classify(
        &path,
        rw.execute("INSERT INTO t VALUES (?1)", ["x".repeat(100_000)])
            .expect_err("full"),
    );
    assert!(
        matches!(err, StoreError::DiskFull { .. }) && named(&err),
        "{err}"
    );
    assert!(err.to_string().contains("Free some space"), "{err}");
}

#[test]
fn a_full_database_keeps_what_it_has_and_says_to_free_space() {
    let (_dir, store) = temp_store();
    let id = store
        .create_conversation(&NewConversation {
            title: "Full".to_string(),
            persona: "career-interviewer".to_string(),
            setup: None,
            model: None,
        })
        .expect("create");
    store
        .insert_message(id, Role::User, "kept", Status::Complete)
        .expect("insert");
    // Cap the file at its current size: the next page SQLite needs is refused with
    // SQLITE_FULL, exactly as on a full disk.
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("page_count");
    let capped: i64 = store
        .conn()
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
            r.get(0)
        })
        .expect("cap");
    assert_eq!(capped, pages);
    let big = "an answer that does not fit ".repeat(10_000);
    let err = store
        .insert_message(id, Role::Assistant, &big, Status::Complete)
        .expect_err("no room");
    let text = err.to_string();
    assert!(text.contains("is full"), "{text}");
    assert!(text.contains("Free some space"), "{text}");
    assert!(text.contains(&store.path().display().to_string()), "{text}");
    let messages = store.messages(id).expect("read back");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].content, "kept");
    // Once there is room again, saving works.
    store
        .conn()
        .query_row("PRAGMA max_page_count = 1000000", [], |r| {
            r.get::<_, i64>(0)
        })
        .expect("uncap");
    store
        .insert_message(id, Role::Assistant, &big, Status::Complete)
        .expect("fits now");
}

#[test]
fn a_question_choice_is_stored_with_its_conversation() {
    let (_dir, store) = temp_store();
    let id = new_conv(&store, "one");
    assert_eq!(
        store.question_choice(id).expect("none yet"),
        QuestionChoice::default()
    );
    let choice = QuestionChoice {
        avoid: vec!["beh-conflict".into()],
        retry: vec!["tech-debug-latency".into()],
    };
    store.set_question_choice(id, &choice).expect("set");
    assert_eq!(store.question_choice(id).expect("read"), choice);
    assert!(store.set_question_choice(id + 1, &choice).is_err());
}

#[test]
fn recent_interviewer_turns_come_from_the_latest_conversations_only() {
    let (_dir, store) = temp_store();
    let mut ids = Vec::new();
    for n in 0..3 {
        let id = new_conv(&store, &format!("c{n}"));
        store
            .insert_message(id, Role::User, "Hi", Status::Complete)
            .expect("user");
        store
            .insert_message(
                id,
                Role::Assistant,
                &format!("question {n}"),
                Status::Complete,
            )
            .expect("assistant");
        ids.push(id);
    }
    // The two most recent conversations, newest first; user turns left out.
    assert_eq!(
        store.recent_interviewer_turns(2, 0).expect("recent"),
        vec!["question 2".to_string(), "question 1".to_string()]
    );
    // Nothing active since a time after every message.
    assert!(
        store
            .recent_interviewer_turns(10, now_ms() + 60_000)
            .expect("none")
            .is_empty()
    );
}

#[test]
fn a_conversation_keeps_its_model_and_switching_it_leaves_its_activity_time() {
    let (_dir, store) = temp_store();
    let offline = new_conv(&store, "offline");
    let online = store
        .create_conversation(&NewConversation {
            title: "online".into(),
            persona: "career-interviewer".into(),
            setup: None,
            model: Some("llama3.1:8b".into()),
        })
        .expect("create");
    let read = |id| store.require_conversation(id).expect("read").model;
    assert_eq!(read(offline), None);
    assert_eq!(read(online).as_deref(), Some("llama3.1:8b"));
    let listed = |id| {
        store
            .list_conversations(false, 10, 0)
            .expect("list")
            .into_iter()
            .find(|c| c.id == id)
            .expect("listed")
    };
    assert_eq!(listed(online).model.as_deref(), Some("llama3.1:8b"));
    assert_eq!(listed(offline).model, None);

    let before = listed(online).updated_at;
    store
        .set_conversation_model(online, Some("qwen2.5:7b"))
        .expect("switch");
    assert_eq!(read(online).as_deref(), Some("qwen2.5:7b"));
    assert_eq!(listed(online).updated_at, before);
    store.set_conversation_model(online, None).expect("clear");
    assert_eq!(read(online), None);
    assert!(matches!(
        store.set_conversation_model(999, Some("x")),
        Err(StoreError::NoConversation(999))
    ));
}

/// How many messages the full-text index finds for `word`.
fn indexed(store: &Store, word: &str) -> usize {
    store
        .match_messages(word, i64::MAX, 100, None)
        .expect("match")
        .len()
}

#[test]
fn appended_text_is_read_back_and_indexed_once_when_the_reply_ends() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "stream");
    let m = store
        .insert_message(c, Role::Assistant, "", Status::Streaming)
        .expect("insert");
    store
        .append_message_text(m, "Zanzibar is ")
        .expect("append");
    store.append_message_text(m, "far ").expect("append");
    // Readers see the pieces; the row's own content and the index are untouched.
    let msg = store.message(m).expect("get").expect("exists");
    assert_eq!(msg.content, "Zanzibar is far ");
    assert_eq!(
        store.messages(c).expect("all")[0].content,
        "Zanzibar is far "
    );
    let raw: String = store
        .conn()
        .query_row("SELECT content FROM messages WHERE id = ?1", [m], |r| {
            r.get(0)
        })
        .expect("raw");
    assert_eq!(raw, "");
    assert_eq!(indexed(&store, "zanzibar"), 0);

    store
        .finish_streamed(
            m,
            &MessageFinish {
                content: "away.".into(),
                status: Status::Complete,
                error: None,
                prompt_tokens: Some(1),
                completion_tokens: Some(2),
                model: Some("m".into()),
            },
        )
        .expect("finish");
    let msg = store.message(m).expect("get").expect("exists");
    assert_eq!(
        (msg.content.as_str(), msg.status),
        ("Zanzibar is far away.", Status::Complete)
    );
    let pieces: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM message_chunks", [], |r| r.get(0))
        .expect("count");
    assert_eq!(pieces, 0);
    assert_eq!(indexed(&store, "zanzibar"), 1);
}

#[test]
fn reasoning_is_kept_apart_from_the_content_and_not_indexed() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "thinking");
    let m = store
        .insert_message(c, Role::Assistant, "", Status::Streaming)
        .expect("insert");
    assert_eq!(store.message(m).expect("get").expect("row").reasoning, None);
    store
        .append_message_reasoning(m, "Quixotic plan: ")
        .expect("append");
    store
        .append_message_reasoning(m, "ask about trade-offs.")
        .expect("append");
    store.append_message_text(m, "Tell me more.").expect("text");
    let msg = store.message(m).expect("get").expect("row");
    assert_eq!(
        msg.reasoning.as_deref(),
        Some("Quixotic plan: ask about trade-offs.")
    );
    assert_eq!(msg.content, "Tell me more.");
    let finish = MessageFinish {
        content: String::new(),
        status: Status::Complete,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
    };
    store.finish_streamed(m, &finish).expect("finish");
    assert_eq!(indexed(&store, "quixotic"), 0, "reasoning is not searched");
    assert_eq!(indexed(&store, "tell"), 1);
    assert_eq!(
        store.messages(c).expect("all")[0].reasoning.as_deref(),
        Some("Quixotic plan: ask about trade-offs.")
    );
    store.delete_conversation(c).expect("delete");
    assert!(matches!(
        store.append_message_reasoning(m, "x"),
        Err(StoreError::NoMessage(id)) if id == m
    ));
}

#[test]
fn recovery_folds_appended_text_and_a_deleted_reply_is_no_message() {
    let (_dir, store) = temp_store();
    let c = new_conv(&store, "crash");
    let m = store
        .insert_message(c, Role::Assistant, "", Status::Streaming)
        .expect("insert");
    store.append_message_text(m, "half a ").expect("append");
    store.append_message_text(m, "reply").expect("append");
    assert_eq!(store.recover_streaming().expect("recover"), 1);
    let msg = store.message(m).expect("get").expect("exists");
    assert_eq!(
        (msg.content.as_str(), msg.status),
        ("half a reply", Status::Interrupted)
    );
    assert_eq!(indexed(&store, "reply"), 1);

    // Appending to a recovered row makes it `streaming` again (a recovery that
    // raced the stream lock), keeping its text.
    store.append_message_text(m, " and more").expect("revive");
    let msg = store.message(m).expect("get").expect("exists");
    assert_eq!(
        (msg.content.as_str(), msg.status),
        ("half a reply and more", Status::Streaming)
    );

    store.delete_conversation(c).expect("delete");
    assert!(matches!(
        store.append_message_text(m, "x"),
        Err(StoreError::NoMessage(id)) if id == m
    ));
    let finish = MessageFinish {
        content: String::new(),
        status: Status::Complete,
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        model: None,
    };
    assert!(matches!(
        store.finish_streamed(m, &finish),
        Err(StoreError::NoMessage(id)) if id == m
    ));
}

#[test]
fn newest_valid_reports_take_each_conversations_latest_newest_first() {
    let (_dir, store) = temp_store();
    let ids: Vec<i64> = (0..3).map(|n| new_conv(&store, &format!("c{n}"))).collect();
    for (n, id) in ids.iter().enumerate() {
        store
            .insert_report(*id, "heuristic", None, &format!("old {n}"), true)
            .expect("report");
        store
            .insert_report(*id, "heuristic", None, &format!("new {n}"), true)
            .expect("report");
    }
    // An invalid newer report does not hide the valid one.
    store
        .insert_report(ids[2], "model", None, "not json", false)
        .expect("invalid");
    let bodies: Vec<String> = store
        .newest_valid_reports(2)
        .expect("reports")
        .into_iter()
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies, ["new 2", "new 1"]);
}
