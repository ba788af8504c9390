//! What happens on disk when things go wrong: files that are not databases, corrupt
//! or too-new databases, read-only and full disks, several processes writing at once,
//! and crash reports — through the real binary and the `Store` API.

mod support;

use std::path::{Path, PathBuf};

use support::Sandbox;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

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
        .output()
        .expect("run");
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
        .output()
        .expect("run");
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
    let output = sb.std_cmd().arg("list").output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("carrying on without a log"), "{stderr}");
}
