//! External contract checks of the binary as a script runs it (no TTY): the help
//! lists what the registry holds, exit codes are exactly 0/1/2, failures are one
//! line on stderr, and the JSON shapes hold exactly the documented keys.

mod support;

use serde_json::Value;
use support::Sandbox;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure is exactly one non-empty line on stderr, without a Debug dump or a
/// doubled `Error:` prefix.
fn assert_one_line_failure(output: &std::process::Output, code: i32) {
    let err = stderr_of(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(
        !err.starts_with("Error: "),
        "no anyhow Debug prefix: {err:?}"
    );
    assert!(output.stdout.is_empty(), "nothing on stdout on failure");
}

#[test]
fn persona_help_lists_every_registered_persona() {
    let sb = Sandbox::new();
    for flag in ["-h", "--help"] {
        let output = sb.cmd().args(["ask", flag]).output().expect("run");
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(!help.contains("see the README"), "{help}");
        for p in interviewer::domain::persona::PERSONAS {
            assert!(help.contains(p.name), "{flag} lacks {}: {help}", p.name);
        }
    }
}

#[test]
fn unknown_persona_is_one_line_listing_the_names() {
    let sb = Sandbox::new();
    let output = sb
        .cmd()
        .args(["--offline", "ask", "--persona", "nobody", "hello"])
        .output()
        .expect("run");
    assert_one_line_failure(&output, 1);
    let err = stderr_of(&output);
    for p in interviewer::domain::persona::PERSONAS {
        assert!(err.contains(p.name), "{err}");
    }
    assert!(
        !sb.db_path().exists() || sb.messages(1).is_empty(),
        "nothing written"
    );
}

#[test]
fn usage_errors_exit_2() {
    let sb = Sandbox::new();
    for args in [
        vec!["ask", "--questions", "0", "hi"],
        vec!["ask", "--type", "nonsense", "hi"],
        vec!["show", "abc"],
        vec!["no-such-command"],
    ] {
        let output = sb.cmd().args(&args).output().expect("run");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_of(&output)
        );
    }
}

#[test]
fn missing_conversation_is_one_line_exit_1() {
    let sb = Sandbox::new();
    for args in [
        vec!["show", "999"],
        vec!["rename", "999", "x"],
        vec!["delete", "999"],
    ] {
        let output = sb.cmd().args(&args).output().expect("run");
        assert_one_line_failure(&output, 1);
    }
}

#[test]
fn offline_ask_announces_the_conversation_and_list_json_has_exact_keys() {
    let sb = Sandbox::new();
    let output = sb
        .cmd()
        .args(["--offline", "ask", "I want to practise"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let err = stderr_of(&output);
    assert!(
        err.lines().any(|l| l.starts_with("conversation ")),
        "stderr names the conversation: {err}"
    );

    let output = sb.cmd().args(["list", "--json"]).output().expect("run");
    assert!(output.status.success());
    let list: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let first = &list.as_array().expect("array")[0];
    let mut keys: Vec<&str> = first
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "archived",
            "created_at",
            "id",
            "message_count",
            "persona",
            "title",
            "updated_at"
        ]
    );
    let created = first["created_at"].as_str().expect("string");
    assert!(created.ends_with('Z'), "RFC 3339 UTC: {created}");

    use std::os::unix::fs::PermissionsExt;
    let db_mode = std::fs::metadata(sb.db_path())
        .expect("db")
        .permissions()
        .mode();
    assert_eq!(db_mode & 0o777, 0o600);
    let dir_mode = std::fs::metadata(sb.data_dir())
        .expect("dir")
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
}
