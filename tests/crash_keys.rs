//! A crash report never shows the API key, wherever the program got it: the OS
//! keyring, or a key pasted into the TUI's welcome screen. Both go through the
//! service's key handling (`service::backend`), which registers the key for
//! scrubbing the moment the program holds it; this file checks the reports a panic
//! then writes.
//!
//! Its own test binary: it installs the crash handler for the whole process. The
//! keyring is keyring-core's in-memory mock, never the machine's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use interviewer::agent::Backend;
use interviewer::cli::GlobalArgs;
use interviewer::config::Settings;
use interviewer::domain::key::ApiKey;
use interviewer::secrets::Keyring;
use interviewer::service::backend::{self, Keys, StartupBackend};

fn settings(dir: &Path) -> Settings {
    Settings::from_args(&GlobalArgs {
        data_dir: Some(dir.join("data")),
        ..GlobalArgs::default()
    })
    .expect("settings")
}

fn mock_keyring() -> Keyring {
    Keyring::with_store(
        keyring_core::mock::Store::new().expect("mock store"),
        Duration::from_secs(5),
    )
}

/// Panics on a background thread (contained: the hook writes the report and the
/// test carries on) with `message`, and returns the report written to `logs`.
fn crash_report(logs: &Path, message: String) -> String {
    interviewer::crash::install(Some(logs.to_path_buf()));
    let joined = std::thread::Builder::new()
        .name("crashing".into())
        .spawn(move || panic!("{message}"))
        .expect("spawn")
        .join();
    assert!(joined.is_err(), "the thread panicked");
    let reports: Vec<PathBuf> = std::fs::read_dir(logs)
        .expect("logs directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("crash-"))
        })
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    std::fs::read_to_string(&reports[0]).expect("read report")
}

/// The message carries the key unquoted (quoted spans are withheld anyway, which
/// would hide a missing registration) next to text that must stay visible.
fn message_with(key: &str) -> String {
    format!("request failed: visible-marker {key}")
}

/// Both cases in one test: the crash handler is installed once per process, and
/// it is taken down again (the default hook back) before anything is asserted, so
/// a failing assertion reads as a normal test failure.
#[test]
fn a_crash_report_shows_neither_a_keyring_key_nor_a_pasted_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings(dir.path());

    // A key from the keyring, found by the CLI's way in (`ask`, `report`) and by
    // the TUI's start-up.
    let from_keyring = "sk-from-keyring-0123456789abcdefKRKR";
    let keyring = mock_keyring();
    keyring
        .set(&ApiKey::parse(from_keyring).expect("key"))
        .expect("kept in the mock keyring");
    let keys = Keys::given(None, keyring);
    let found = backend::backend(&settings, &keys).expect("backend");
    let (startup, keyring_error) = backend::startup(&settings, &keys);
    let after_keyring = crash_report(&dir.path().join("logs-1"), message_with(from_keyring));

    // A key pasted into the TUI's welcome screen (surrounding space and all).
    let pasted = "sk-pasted-in-tui-0123456789abcdefPAST";
    let keyring = mock_keyring();
    let keys = Keys::given(None, keyring.clone());
    let accepted = backend::use_pasted_key(&settings, &keys, &format!("  {pasted}\n"));
    let after_paste = crash_report(&dir.path().join("logs-2"), message_with(pasted));

    // The crash handler's work is done: failures below print as usual.
    drop(std::panic::take_hook());

    assert!(matches!(found, Backend::OpenAi(_)));
    assert!(matches!(startup, StartupBackend::Online(_)));
    assert!(keyring_error.is_none());
    assert!(!after_keyring.contains(from_keyring), "{after_keyring}");
    assert!(
        after_keyring.contains("visible-marker <redacted key>"),
        "{after_keyring}"
    );

    let (backend, note) = accepted.expect("the pasted key is accepted");
    assert!(matches!(backend, Backend::OpenAi(_)));
    assert!(note.contains("key saved in the OS keyring"), "{note}");
    let kept = keyring.get().expect("keyring").expect("kept");
    assert_eq!(kept.expose(), pasted);
    assert!(!after_paste.contains(pasted), "{after_paste}");
    assert!(
        after_paste.contains("visible-marker <redacted key>"),
        "{after_paste}"
    );
}
