//! External contract checks of the binary as a script runs it (no TTY): the help
//! lists what the registry holds, failures are one line on stderr, and files are
//! the owner's only. (Usage errors and the JSON keys are in tests/cli.rs.)

mod support;

use support::Sandbox;

/// A failure is exactly one line on stderr (`support::failure_after`) and nothing
/// on stdout.
fn assert_one_line_failure(ran: &support::Ran, code: i32) {
    ran.one_line_failure(code);
    assert!(
        ran.output.stdout.is_empty(),
        "nothing on stdout on failure\n{}",
        ran.explain()
    );
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
    let ran = sb.run(&["--offline", "ask", "--persona", "nobody", "hello"]);
    assert_one_line_failure(&ran, 1);
    let err = ran.stderr();
    for p in interviewer::domain::persona::PERSONAS {
        assert!(err.contains(p.name), "{err}");
    }
    assert!(
        !sb.db_path().exists() || sb.messages(1).is_empty(),
        "nothing written"
    );
}

#[test]
fn missing_conversation_is_one_line_exit_1() {
    let sb = Sandbox::new();
    for args in [
        vec!["show", "999"],
        vec!["rename", "999", "x"],
        vec!["delete", "999"],
    ] {
        assert_one_line_failure(&sb.run(&args), 1);
    }
}

/// The database and its folder are the owner's only. (`ask`'s announcement and the
/// keys of `list --json` are checked in tests/cli.rs.)
#[cfg(unix)]
#[test]
fn the_database_and_its_folder_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    sb.run(&["--offline", "ask", "I want to practise"])
        .success();
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
