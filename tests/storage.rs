//! What happens on disk when things go wrong: files that are not databases, corrupt
//! or too-new databases, read-only and full disks, several processes writing at once,
//! and crash reports — through the real binary and the `Store` API.

mod support;

use support::OutputWithin;

use support::stderr_of;

use std::path::{Path, PathBuf};

use interviewer::domain::{NewConversation, Role, Status};
use interviewer::store::Store;
use support::Sandbox;

fn crash_reports(logs: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(logs) else {
        return Vec::new();
    };
    entries
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("crash-") && n.ends_with(".txt"))
        })
        .collect()
}

// ----- crash reports -----------------------------------------------------------------

#[test]
fn a_panic_writes_a_redacted_crash_report_and_says_where() {
    let sb = Sandbox::new();
    let key = "sk-crash-test-5f1d2c3b4a";
    let output = sb
        .std_cmd()
        .env("OPENAI_API_KEY", key)
        .env(
            "INTERVIEWER_TEST_PANIC",
            format!("failed with key {key} on `my secret interview answer`"),
        )
        .arg("list")
        .output_within();
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    let stderr = stderr_of(&output);
    let logs = sb.data_dir().join("logs");
    let reports = crash_reports(&logs);
    assert_eq!(reports.len(), 1, "one report in {logs:?}: {reports:?}");
    let report = &reports[0];
    assert_eq!(
        stderr,
        format!(
            "interviewer crashed; a report was written to {}\n",
            report.display()
        ),
        "exactly one line on stderr"
    );
    let text = std::fs::read_to_string(report).expect("read report");
    for expected in [
        concat!("version:  ", env!("CARGO_PKG_VERSION")),
        "os:       ",
        "thread:   main",
        "location: src/crash.rs:",
        "message:  failed with key <redacted key> on `<26 chars withheld>`",
        "backtrace:",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains(key), "the key leaked:\n{text}");
    assert!(
        !text.contains("secret interview"),
        "content leaked:\n{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(report)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the report is private");
    }
    // The log file exists alongside and holds neither.
    let log = std::fs::read_to_string(logs.join("interviewer.log")).expect("log");
    assert!(log.contains("started"), "{log}");
    assert!(
        !log.contains(key) && !log.contains("secret interview"),
        "{log}"
    );
}

#[test]
fn without_a_writable_logs_directory_a_crash_still_reports_somewhere() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).expect("data dir");
    // A file where the logs directory should be: neither logs nor reports fit there.
    std::fs::write(sb.data_dir().join("logs"), "in the way").expect("blocker");
    let tmp = sb.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).expect("tmp");
    let output = sb
        .std_cmd()
        .env("TMPDIR", &tmp)
        .env("INTERVIEWER_TEST_PANIC", "boom")
        .arg("list")
        .output_within();
    assert_eq!(output.status.code(), Some(101), "{output:?}");
    let stderr = stderr_of(&output);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("warning: cannot create the logs directory"),
        "{stderr}"
    );
    let reports = crash_reports(&tmp);
    assert_eq!(reports.len(), 1, "{stderr}");
    assert_eq!(
        lines[1],
        format!(
            "interviewer crashed; a report was written to {}",
            reports[0].display()
        )
    );
}

#[test]
fn a_cli_command_without_a_log_warns_once_and_still_works() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).expect("data dir");
    std::fs::write(sb.data_dir().join("logs"), "in the way").expect("blocker");
    let output = sb.std_cmd().arg("list").output_within();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("carrying on without a log"), "{stderr}");
}

// ----- damaged, foreign and future files ---------------------------------------------

/// A database with `conversations` × `messages` rows of ~1 KB each, closed cleanly
/// (the WAL is checkpointed into the file and removed).
fn seed(data_dir: &Path, conversations: usize, messages: usize) {
    let store = Store::open_in(data_dir).expect("open store");
    for c in 0..conversations {
        let id = store
            .create_conversation(&NewConversation {
                title: format!("Interview {c}"),
                persona: "career-interviewer".to_string(),
                setup: None,
                model: None,
            })
            .expect("create");
        for m in 0..messages {
            let role = if m % 2 == 0 {
                Role::Assistant
            } else {
                Role::User
            };
            let text = format!("message {m} of conversation {c}: ").repeat(30);
            store
                .insert_message(id, role, &text, Status::Complete)
                .expect("insert");
        }
    }
    drop(store);
    assert!(
        !data_dir.join("interviewer.db-wal").exists(),
        "a clean close removes the WAL, so the file holds everything"
    );
}

/// Runs the binary and expects the one-line failure that names the database file.
fn assert_fails_naming(sb: &Sandbox, args: &[&str], needle: &str) {
    let ran = sb.run(args);
    let line = ran.one_line_failure(1);
    let db = sb.db_path().display().to_string();
    assert!(line.contains(&db), "names {db}: {line}\n{}", ran.explain());
    assert!(
        line.contains(needle),
        "says {needle:?}: {line}\n{}",
        ran.explain()
    );
}

#[test]
fn a_file_that_is_not_a_database_is_named_and_left_alone() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.data_dir()).expect("data dir");
    let garbage = b"My notes for the interview on Friday.\n".repeat(500);
    std::fs::write(sb.db_path(), &garbage).expect("write");
    for args in [
        &["list"][..],
        &["--offline", "ask", "Hello"],
        &["rename", "1", "x"],
    ] {
        assert_fails_naming(&sb, args, "is not an interviewer database");
    }
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), garbage);
}

#[test]
fn garbage_over_the_schema_page_is_reported_as_damage_and_left_alone() {
    let sb = Sandbox::new();
    seed(&sb.data_dir(), 5, 10);
    let mut bytes = std::fs::read(sb.db_path()).expect("read");
    // Keep the 100-byte header (so it still looks like SQLite) and wreck the rest of
    // page 1, where the schema lives.
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    bytes[100..page_size].fill(0xA5);
    std::fs::write(sb.db_path(), &bytes).expect("corrupt");
    assert_fails_naming(&sb, &["list"], "is damaged");
    assert_fails_naming(&sb, &["--offline", "ask", "Hello"], "is damaged");
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), bytes);
}

#[test]
fn garbage_over_data_pages_fails_clearly_or_works_and_changes_nothing() {
    let sb = Sandbox::new();
    seed(&sb.data_dir(), 20, 20);
    let mut bytes = std::fs::read(sb.db_path()).expect("read");
    let page_size = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let pages = bytes.len() / page_size;
    assert!(pages > 20, "enough pages to hit data: {pages}");
    // Wreck every third page of the second half: table and index pages alike.
    for page in (pages / 2..pages).step_by(3) {
        bytes[page * page_size..(page + 1) * page_size].fill(0x5A);
    }
    std::fs::write(sb.db_path(), &bytes).expect("corrupt");
    for args in [&["list"][..], &["list", "--json"], &["list", "--archived"]] {
        let output = sb.std_cmd().args(args).output_within();
        let stderr = stderr_of(&output);
        match output.status.code() {
            Some(0) => assert!(stderr.is_empty(), "{stderr}"),
            Some(1) => {
                assert_eq!(stderr.lines().count(), 1, "{stderr}");
                assert!(
                    stderr.contains(&sb.db_path().display().to_string()),
                    "{stderr}"
                );
                assert!(stderr.contains("is damaged"), "{stderr}");
            }
            other => panic!("{args:?} exited {other:?}: {stderr}"),
        }
        assert_eq!(
            std::fs::read(sb.db_path()).expect("read"),
            bytes,
            "{args:?} changed the file"
        );
    }
}

#[test]
fn a_database_from_a_newer_version_is_named_and_left_alone() {
    let sb = Sandbox::new();
    seed(&sb.data_dir(), 1, 2);
    {
        let conn = rusqlite::Connection::open(sb.db_path()).expect("open");
        conn.pragma_update(None, "user_version", 99).expect("bump");
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("no WAL left behind");
    }
    let before = std::fs::read(sb.db_path()).expect("read");
    assert_fails_naming(&sb, &["list"], "was written by a newer interviewer");
    assert_fails_naming(
        &sb,
        &["--offline", "ask", "Hello"],
        "(schema 99, this build knows",
    );
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), before);
}

// ----- read-only and full disks ------------------------------------------------------

/// Makes a file or directory unwritable for this process until dropped: permission
/// bits for a normal user; for root, who ignores them, the immutable attribute
/// (`chattr +i`).
struct Unwritable {
    path: PathBuf,
    mode: u32,
    immutable: bool,
}

impl Unwritable {
    /// `None` when neither works here (root without `chattr`, or a file system
    /// without attributes).
    fn make(path: &Path) -> Option<Unwritable> {
        use std::os::unix::fs::PermissionsExt;
        let is_dir = path.is_dir();
        let writable = |p: &Path| {
            if is_dir {
                let probe = p.join("probe");
                let ok = std::fs::File::create(&probe).is_ok();
                let _ = std::fs::remove_file(probe);
                ok
            } else {
                std::fs::OpenOptions::new().append(true).open(p).is_ok()
            }
        };
        let (mode, read_only) = if is_dir {
            (0o700, 0o500)
        } else {
            (0o600, 0o400)
        };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(read_only)).expect("chmod");
        if !writable(path) {
            return Some(Unwritable {
                path: path.to_path_buf(),
                mode,
                immutable: false,
            });
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let chattr = std::process::Command::new("chattr")
            .arg("+i")
            .arg(path)
            .output();
        let guard = Unwritable {
            path: path.to_path_buf(),
            mode,
            immutable: true,
        };
        match chattr {
            Ok(out) if out.status.success() && !writable(path) => Some(guard),
            _ => None,
        }
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.path)
                .status();
        }
        let _ = std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(self.mode));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_database_can_be_read_but_saving_fails_by_name() {
    let sb = Sandbox::new();
    seed(&sb.data_dir(), 2, 4);
    let before = std::fs::read(sb.db_path()).expect("read");
    let Some(_guard) = Unwritable::make(&sb.db_path()) else {
        support::prerequisite_missing(
            "a_read_only_database_can_be_read_but_saving_fails_by_name",
            "cannot make a file unwritable here (root without a working chattr)",
        );
        return;
    };
    // Reading old interviews still works.
    let output = sb.std_cmd().args(["list"]).output_within();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Interview 1"));
    // Saving says what is wrong and where.
    assert_fails_naming(
        &sb,
        &["--offline", "ask", "--conversation", "1", "Hello"],
        "is read-only: nothing can be saved",
    );
    assert_fails_naming(&sb, &["rename", "1", "New title"], "is read-only");
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), before);
}

#[cfg(unix)]
#[test]
fn a_read_only_data_directory_is_named_and_says_what_to_do() {
    let sb = Sandbox::new();
    seed(&sb.data_dir(), 1, 2);
    // The logs directory exists already, so the only complaint is about the database.
    std::fs::create_dir_all(sb.data_dir().join("logs")).expect("logs");
    let before = std::fs::read(sb.db_path()).expect("read");
    let Some(_guard) = Unwritable::make(&sb.data_dir()) else {
        support::prerequisite_missing(
            "a_read_only_data_directory_is_named_and_says_what_to_do",
            "cannot make a directory unwritable here (root without a working chattr)",
        );
        return;
    };
    for args in [
        &["list"][..],
        &["--offline", "ask", "--conversation", "1", "Hi"],
    ] {
        assert_fails_naming(&sb, args, "its folder is read-only");
    }
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), before);
}

/// A small tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    mount_point: PathBuf,
}

impl SmallDisk {
    /// Mounts at `mount_point` (created); why not where mounting is not allowed
    /// (not root, or a restricted container).
    fn mount(mount_point: &Path, size: &str) -> Result<SmallDisk, String> {
        let mount_point = mount_point.to_path_buf();
        std::fs::create_dir_all(&mount_point).expect("mount point");
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mount_point)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if output.status.success() {
            Ok(SmallDisk { mount_point })
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// Fills the disk to the last byte with a filler file.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.mount_point.join("filler");
        let mut file = std::fs::File::create(&filler).expect("filler");
        let block = [0u8; 4096];
        while file.write_all(&block).is_ok() {}
        while file.write_all(&block[..1]).is_ok() {}
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.mount_point)
            .status();
    }
}

/// Needs root, to mount a small tmpfs: `.ci/run` runs it (as root) with
/// `cargo test -- --ignored`. Run by hand, it fails when it cannot mount.
#[test]
#[ignore = "needs root to mount a small tmpfs: .ci/run runs it"]
fn a_full_disk_is_named_nothing_is_lost_and_a_retry_works() {
    let sb = Sandbox::new();
    // The data directory itself is the small disk.
    let disk = SmallDisk::mount(&sb.data_dir(), "2m").unwrap_or_else(|e| {
        panic!("cannot mount a small tmpfs here ({e}): this test needs root and mount")
    });
    let data = sb.data_dir();
    let run = |args: &[&str]| sb.std_cmd().args(args).output_within();
    let first = run(&["--offline", "ask", "Hello"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr_of(&first));
    let filler = disk.fill();

    let full = run(&["--offline", "ask", "--conversation", "1", "More"]);
    let stderr = stderr_of(&full);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let db = data.join("interviewer.db").display().to_string();
    assert!(
        stderr.contains(&format!("the disk holding {db} is full")),
        "{stderr}"
    );

    std::fs::remove_file(filler).expect("free space");
    let retry = run(&["--offline", "ask", "--conversation", "1", "More"]);
    assert_eq!(retry.status.code(), Some(0), "{}", stderr_of(&retry));
    let conn = rusqlite::Connection::open(data.join("interviewer.db")).expect("open");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    let contents: Vec<String> = conn
        .prepare("SELECT content FROM messages WHERE role = 'user' ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(contents, ["Hello", "More"]);
}

// ----- several processes at once -----------------------------------------------------

/// Starts every command at once and waits for all of them.
fn run_all_at_once(sb: &Sandbox, commands: Vec<Vec<String>>) -> Vec<std::process::Output> {
    let children: Vec<_> = commands
        .iter()
        .map(|args| {
            sb.std_cmd()
                .args(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect()
}

fn assert_all_succeeded(outputs: &[std::process::Output]) {
    for output in outputs {
        let stderr = stderr_of(output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        let lower = stderr.to_lowercase();
        assert!(
            !lower.contains("locked") && !lower.contains("busy") && !lower.contains("error"),
            "{stderr}"
        );
    }
}

#[test]
fn many_processes_writing_at_once_never_see_a_locked_database() {
    const WRITERS: usize = 8;
    let sb = Sandbox::new();
    // A fresh data directory: every process creates, migrates and writes at once.
    let outputs = run_all_at_once(
        &sb,
        (0..WRITERS)
            .map(|i| vec!["--offline".into(), "ask".into(), format!("First {i}")])
            .collect(),
    );
    assert_all_succeeded(&outputs);
    // Then all of them continue the same conversation at once.
    let outputs = run_all_at_once(
        &sb,
        (0..WRITERS)
            .map(|i| {
                vec![
                    "--offline".into(),
                    "ask".into(),
                    "--conversation".into(),
                    "1".into(),
                    format!("Follow-up {i}"),
                ]
            })
            .collect(),
    );
    assert_all_succeeded(&outputs);

    let db = sb.db();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(count("SELECT count(*) FROM conversations"), WRITERS as i64);
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE role = 'user'"),
        2 * WRITERS as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE conversation_id = 1"),
        2 + 2 * WRITERS as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM messages WHERE status != 'complete'"),
        0
    );
}

#[test]
fn separate_stores_on_threads_interleave_writes_without_busy_errors() {
    const THREADS: usize = 4;
    const INSERTS: usize = 150;
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let store = Store::open_in(dir.path()).expect("open");
        store
            .create_conversation(&NewConversation {
                title: "Shared".to_string(),
                persona: "career-interviewer".to_string(),
                setup: None,
                model: None,
            })
            .expect("create")
    };
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let dir = dir.path();
            scope.spawn(move || {
                // Its own connection, as another process would have.
                let store = Store::open_in(dir).expect("open");
                for i in 0..INSERTS {
                    store
                        .insert_message(id, Role::User, &format!("t{t} m{i}"), Status::Complete)
                        .unwrap_or_else(|e| panic!("thread {t} insert {i}: {e}"));
                    // Reads in between, so readers and writers overlap.
                    store.count_messages(id).expect("count");
                }
            });
        }
    });
    let store = Store::open_in(dir.path()).expect("open");
    assert_eq!(
        store.count_messages(id).expect("count"),
        (THREADS * INSERTS) as i64
    );
}

#[test]
fn a_panic_on_a_background_thread_is_reported_but_contained() {
    let sb = Sandbox::new();
    let output = sb
        .std_cmd()
        .env(
            "INTERVIEWER_TEST_PANIC",
            "thread: worker failed on `an answer`",
        )
        .arg("list")
        .output_within();
    // The command carries on as if nothing happened on screen…
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(stderr_of(&output), "");
    // …and the report is there for whoever looks.
    let logs = sb.data_dir().join("logs");
    let reports = crash_reports(&logs);
    assert_eq!(reports.len(), 1, "{reports:?}");
    let text = std::fs::read_to_string(&reports[0]).expect("read");
    assert!(text.contains("thread:   test-panic"), "{text}");
    assert!(text.contains("`<9 chars withheld>`"), "{text}");
    let log = std::fs::read_to_string(logs.join("interviewer.log")).expect("log");
    assert!(log.contains("a background thread panicked"), "{log}");
    assert!(log.contains(&reports[0].display().to_string()), "{log}");
}

// ----- the benchmark fixture ---------------------------------------------------------

#[test]
fn generate_fixture_writes_a_consistent_searchable_database_once() {
    const CONVERSATIONS: i64 = 30;
    const MESSAGES: i64 = 12;
    let sb = Sandbox::new();
    let output = sb
        .std_cmd()
        .args([
            "generate-fixture",
            "--conversations",
            "30",
            "--messages",
            "12",
        ])
        .output_within();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("wrote 30 conversations (") && stdout.contains("and 360 messages"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&sb.db_path().display().to_string()),
        "{stdout}"
    );

    {
        // Read-write: FTS5's 'integrity-check' command is an INSERT (it changes nothing).
        let db = rusqlite::Connection::open(sb.db_path()).expect("open");
        let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
        let text = |sql: &str| -> String { db.query_row(sql, [], |r| r.get(0)).expect(sql) };
        assert_eq!(text("PRAGMA integrity_check"), "ok");
        assert_eq!(text("PRAGMA journal_mode"), "wal", "back to the app's mode");
        assert_eq!(one("SELECT count(*) FROM conversations"), CONVERSATIONS);
        assert_eq!(
            one("SELECT count(*) FROM messages"),
            CONVERSATIONS * MESSAGES
        );
        assert_eq!(
            one("SELECT count(DISTINCT conversation_id) FROM messages"),
            CONVERSATIONS
        );
        // Candidate and interviewer take turns, the candidate first.
        assert_eq!(
            one("SELECT count(*) FROM messages WHERE (id - 1) % 12 % 2 = 0 AND role != 'user'"),
            0
        );
        // Time moves forward within each conversation, and the header says when it ended.
        assert_eq!(
            one("SELECT count(*) FROM messages a JOIN messages b
                 ON b.conversation_id = a.conversation_id AND b.id = a.id + 1
                 WHERE b.created_at <= a.created_at"),
            0
        );
        assert_eq!(
            one("SELECT count(*) FROM conversations c WHERE updated_at !=
                 (SELECT max(created_at) FROM messages m WHERE m.conversation_id = c.id)"),
            0
        );
        let two_years_ms = 731 * 24 * 3600 * 1000_i64;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis() as i64;
        assert!(one("SELECT min(created_at) FROM conversations") > now_ms - two_years_ms);
        // Setup JSON the app can read back.
        let setup = text("SELECT setup FROM conversations WHERE id = 1");
        let setup: serde_json::Value = serde_json::from_str(&setup).expect("setup json");
        assert!(
            setup["role"].is_string() && setup["type"].is_string(),
            "{setup}"
        );
        // The full-text index matches the content exactly (rank 1: check it against the
        // content table too, not only for internal consistency).
        db.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("messages_fts consistent");
        db.execute(
            "INSERT INTO conversations_fts (conversations_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("conversations_fts consistent");
        assert!(one("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'interview'") > 0);
        let triggers = one("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'
             AND name IN ('messages_fts_insert', 'conversations_fts_insert')");
        assert_eq!(triggers, 2, "the insert triggers are back");
    }

    // The app sees it, and new messages are indexed again.
    let list = sb.std_cmd().args(["list", "--json"]).output_within();
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).expect("json");
    let archived = sb
        .std_cmd()
        .args(["list", "--json", "--archived"])
        .output_within();
    let archived: Vec<serde_json::Value> = serde_json::from_slice(&archived.stdout).expect("json");
    assert_eq!((listed.len() + archived.len()) as i64, CONVERSATIONS);
    assert!(listed.iter().all(|c| c["message_count"] == MESSAGES));
    let ask = sb
        .std_cmd()
        .args(["--offline", "ask", "--conversation", "1", "zyzzyvaword"])
        .output_within();
    assert_eq!(ask.status.code(), Some(0), "{}", stderr_of(&ask));
    let found: i64 = sb
        .db()
        .query_row(
            "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'zyzzyvaword'",
            [],
            |r| r.get(0),
        )
        .expect("search");
    assert_eq!(found, 1);

    // A database with conversations is never written into.
    let before = std::fs::read(sb.db_path()).expect("read");
    let again = sb
        .std_cmd()
        .args([
            "generate-fixture",
            "--conversations",
            "2",
            "--messages",
            "2",
        ])
        .output_within();
    let stderr = stderr_of(&again);
    assert_eq!(again.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("already holds 30 conversations") && stderr.contains("interviewer.db"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(sb.db_path()).expect("read"), before);
}

#[test]
fn rebuilding_the_index_after_the_load_matches_indexing_row_by_row() {
    use interviewer::fixture::{FixtureSpec, generate};
    use interviewer::store::FtsLoad;
    let rebuilt = tempfile::tempdir().expect("tempdir");
    let triggered = tempfile::tempdir().expect("tempdir");
    let spec = FixtureSpec::new(12, 20);
    let a = generate(rebuilt.path(), &spec).expect("rebuild");
    let b = generate(
        triggered.path(),
        &FixtureSpec {
            fts: FtsLoad::Triggers,
            ..spec
        },
    )
    .expect("triggers");
    assert_eq!(
        (a.messages, a.archived, a.reports, a.text_bytes),
        (b.messages, b.archived, b.reports, b.text_bytes),
        "the same seed writes the same data"
    );
    let hits = |dir: &Path, query: &str| -> Vec<i64> {
        let db = rusqlite::Connection::open(dir.join("interviewer.db")).expect("open");
        let mut stmt = db
            .prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid")
            .expect("prepare");
        stmt.query_map([query], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    for query in [
        "kubernetes",
        "deadline",
        "\"design document\"",
        "result* AND percent",
    ] {
        let expected = hits(triggered.path(), query);
        assert!(!expected.is_empty(), "{query} finds something");
        assert_eq!(hits(rebuilt.path(), query), expected, "{query}");
    }
}

// ----- logs --------------------------------------------------------------------------

#[test]
fn logs_never_hold_the_key_or_message_text_even_at_trace_level() {
    use support::mock_openai::Reply;
    let key = "sk-log-test-9c8b7a6d5e4f";
    let question = "my-private-answer-about-salary";
    let reply = "interviewer-reply-text-marker";
    for level in ["", "trace"] {
        let sb = Sandbox::new();
        sb.mock.push(Reply::text(reply));
        let output = sb
            .std_cmd()
            .env("OPENAI_API_KEY", key)
            .env("INTERVIEWER_LOG", level)
            .args(["ask", question])
            .output_within();
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let log = std::fs::read_to_string(sb.data_dir().join("logs/interviewer.log"))
            .expect("a log file");
        assert!(log.contains("started"), "{level}: {log}");
        assert!(!log.contains(key), "{level:?} logged the key");
        let bearer = format!("Bearer {}", &key[..8]);
        assert!(!log.contains(&bearer), "{level:?} logged the auth header");
        if level.is_empty() {
            // The default level: no message text at all.
            assert!(!log.contains(question), "the question was logged:\n{log}");
            assert!(!log.contains(reply), "the reply was logged:\n{log}");
        }
    }
}
