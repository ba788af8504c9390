//! The panic hook: a panic restores the terminal, writes a crash report to the logs
//! directory and tells the user where it is — without message content or the API key.
//!
//! # Use
//!
//! `main` calls [`install`] once, first thing, on the main thread, with the logs
//! directory (already done for every command and the TUI). Code that changes the
//! terminal (raw mode, alternate screen, mouse capture) registers how to undo that
//! for as long as it is in effect:
//!
//! ```no_run
//! # fn leave_raw_mode_and_alternate_screen() {}
//! let _restore = interviewer::crash::on_panic_restore(|| {
//!     // Must not panic and must not block: it runs inside the panic hook.
//!     leave_raw_mode_and_alternate_screen();
//! });
//! // ... run the UI; dropping `_restore` unregisters the closure.
//! ```
//!
//! Whoever learns the API key in effect calls [`set_secret_to_scrub`] with it: that
//! is the service's key handling (`service::backend`), for a key from the
//! environment (registered by `main` right after [`install`]), the keyring, or a
//! paste into the TUI. Every occurrence is replaced by `<redacted key>` in the
//! report.
//!
//! # What happens on a panic
//!
//! On the main thread (where `main`, and the TUI's event loop inside `block_on`, run)
//! a panic ends the program:
//!
//! 1. The registered restore closure runs, first, so the message below and any later
//!    output land on a normal terminal. It runs at most once.
//! 2. A report `crash-<UTC time>-<pid>.txt` (mode 0600) is written to the logs
//!    directory — or, if that cannot be written, to the system temp directory — with
//!    the version, OS, thread, panic location, the (redacted) panic message and a
//!    backtrace. Panic messages can quote user text (slicing a string out of bounds
//!    prints the string), so every quoted span is withheld, and a message that is long
//!    or still contains a quote character is withheld whole.
//! 3. One line goes to stderr: `interviewer crashed; a report was written to PATH`.
//! 4. The process exits with status 101 (Rust's panic status) without unwinding:
//!    dropping the async runtime would wait for its blocking tasks. Everything
//!    already saved is safe (SQLite commits are atomic; a streaming reply is
//!    recovered as `interrupted` on the next start).
//!
//! On any other thread (a tokio task, the keyring's worker thread) the panic is
//! contained by whoever joins that thread or task, so the hook only writes the
//! report and logs where it is; it leaves the terminal alone, prints nothing and
//! does not exit. The joiner can point the user at [`last_report`].
//!
//! # Test hook
//!
//! For tests only: when the environment variable `INTERVIEWER_TEST_PANIC` is set to
//! a non-empty value, [`panic_if_requested`] (called by `main` after [`install`])
//! panics with that value as the message, so the whole path can be checked on the
//! real binary (see `docs/testing.md`); with a `thread:` prefix it panics on a
//! background thread instead. With a `send:` prefix, and in debug builds only,
//! [`panic_in_send_if_requested`] panics instead, inside the service's send of a
//! reply (after the user's message is stored), so tests can check that a panic in
//! the TUI's send task ends the wait with a message. With a `tui:` prefix, also in
//! debug builds only, [`panic_in_tui_if_requested`] panics on the main thread right
//! after the interface's first frame, so tests can check the terminal is given back.
//! With a `request:` prefix, also in debug builds only,
//! [`panic_in_request_if_requested`] panics inside a streamed request to a server,
//! so tests can check the backend's own catch turns it into a stored error.

use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::PanicHookInfo;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread::ThreadId;

/// Environment variable that makes [`panic_if_requested`] panic (tests only).
pub const TEST_PANIC_ENV: &str = "INTERVIEWER_TEST_PANIC";

/// Panic messages longer than this are withheld whole: long messages are where
/// quoted user text hides.
const MAX_MESSAGE_CHARS: usize = 200;

/// Status the process exits with after a panic (the same as an unwinding main).
const PANIC_EXIT_CODE: i32 = 101;

type RestoreFn = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct State {
    logs_dir: Option<PathBuf>,
    restore: Option<(u64, RestoreFn)>,
    next_restore_id: u64,
    secrets: Vec<String>,
    last_report: Option<PathBuf>,
}

fn state() -> MutexGuard<'static, State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    // Nothing in this module panics while holding the lock; a poisoned lock (a
    // panic elsewhere mid-update is impossible) would still hold consistent data.
    STATE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// Installs the panic hook. Reports go to `logs_dir` (created 0700 if needed, at
/// crash time), or to the system temp directory when that is `None` or cannot be
/// written. Calling it again only changes the directory.
pub fn install(logs_dir: Option<PathBuf>) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    main_thread();
    state().logs_dir = logs_dir;
    INSTALLED.get_or_init(|| std::panic::set_hook(Box::new(hook)));
}

/// The thread that called [`install`] first: `main`, where the UI loop runs.
fn main_thread() -> ThreadId {
    static MAIN: OnceLock<ThreadId> = OnceLock::new();
    *MAIN.get_or_init(|| std::thread::current().id())
}

/// The crash report written for the last panic in this process, if any — for a
/// caller that caught a background thread's or task's panic and wants to tell the
/// user where the details are.
pub fn last_report() -> Option<PathBuf> {
    state().last_report.clone()
}

/// Unregisters its restore closure when dropped (if it has not run).
#[must_use = "the restore closure is unregistered when this guard is dropped"]
#[derive(Debug)]
pub struct RestoreGuard {
    id: u64,
}

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let mut state = state();
        if state.restore.as_ref().is_some_and(|(id, _)| *id == self.id) {
            state.restore = None;
        }
    }
}

/// Registers how to put the terminal back (leave raw mode and the alternate screen,
/// show the cursor); a panic runs it before anything is printed. One closure at a
/// time: registering again replaces the previous one.
pub fn on_panic_restore(restore: impl FnOnce() + Send + 'static) -> RestoreGuard {
    let mut state = state();
    state.next_restore_id += 1;
    let id = state.next_restore_id;
    state.restore = Some((id, Box::new(restore)));
    RestoreGuard { id }
}

/// Adds a secret (the API key in effect) that must never appear in a crash report.
pub fn set_secret_to_scrub(secret: &str) {
    let secret = secret.trim();
    if secret.is_empty() {
        return;
    }
    let mut state = state();
    if !state.secrets.iter().any(|s| s == secret) {
        state.secrets.push(secret.to_string());
    }
}

/// Panics when [`TEST_PANIC_ENV`] is set (tests only; see the module docs). A value
/// starting with `thread:` panics on a background thread instead, which is joined
/// and contained, and the program carries on.
pub fn panic_if_requested() {
    let Some(value) = std::env::var_os(TEST_PANIC_ENV).filter(|v| !v.is_empty()) else {
        return;
    };
    let message = value.to_string_lossy().into_owned();
    if [SEND_PREFIX, TUI_PREFIX, REQUEST_PREFIX]
        .iter()
        .any(|p| message.starts_with(p))
    {
        // Not now: inside a send, the interface or a request
        // ([`panic_in_send_if_requested`], [`panic_in_tui_if_requested`],
        // [`panic_in_request_if_requested`]).
        return;
    }
    if message.starts_with("thread:") {
        let joined = std::thread::Builder::new()
            .name("test-panic".into())
            .spawn(move || panic!("{message}"))
            .map(|handle| handle.join());
        tracing::info!(
            contained = matches!(joined, Ok(Err(_))),
            "test panic on a thread"
        );
        return;
    }
    panic!("{message}");
}

/// Panics with the rest of [`TEST_PANIC_ENV`] when it starts with `prefix`, in
/// debug builds only.
fn panic_if_prefixed(prefix: &str) {
    #[cfg(debug_assertions)]
    if let Some(message) = std::env::var(TEST_PANIC_ENV)
        .ok()
        .and_then(|v| v.strip_prefix(prefix).map(str::to_string))
    {
        panic!("{message}");
    }
    #[cfg(not(debug_assertions))]
    let _ = prefix;
}

/// The [`TEST_PANIC_ENV`] prefix that makes a send panic.
const SEND_PREFIX: &str = "send:";
/// The [`TEST_PANIC_ENV`] prefix that makes the interface's main loop panic.
const TUI_PREFIX: &str = "tui:";
/// The [`TEST_PANIC_ENV`] prefix that makes a streamed request panic.
const REQUEST_PREFIX: &str = "request:";

/// Panics when [`TEST_PANIC_ENV`] is `request:<message>`, in debug builds only
/// (tests; see the module docs): the OpenAI backend calls it as a streamed request
/// starts, inside the backend's own catch, standing for a panic anywhere in the
/// HTTP stack.
pub fn panic_in_request_if_requested() {
    panic_if_prefixed(REQUEST_PREFIX);
}

/// Panics when [`TEST_PANIC_ENV`] is `tui:<message>`, in debug builds only (tests;
/// see the module docs): the interface calls it after drawing its first frame, on
/// the main thread, in raw mode on the alternate screen.
pub fn panic_in_tui_if_requested() {
    panic_if_prefixed(TUI_PREFIX);
}

/// Panics when [`TEST_PANIC_ENV`] is `send:<message>`, in debug builds only (tests;
/// see the module docs): the service calls it where a reply is about to be
/// requested, so the panic happens inside whatever runs the send (the TUI's send
/// task, `ask`'s main thread) and outside the backend's own catch.
pub fn panic_in_send_if_requested() {
    panic_if_prefixed(SEND_PREFIX);
}

fn hook(info: &PanicHookInfo<'_>) {
    let on_main_thread = std::thread::current().id() == main_thread();
    // Take what we need and release the lock before running foreign code. The
    // terminal is only given back when the program is about to end.
    let (restore, logs_dir, secrets) = {
        let mut state = state();
        let restore = if on_main_thread {
            state.restore.take().map(|(_, f)| f)
        } else {
            None
        };
        (restore, state.logs_dir.clone(), state.secrets.clone())
    };
    if let Some(restore) = restore {
        restore();
    }

    let report = Report {
        version: env!("CARGO_PKG_VERSION"),
        time: crate::timefmt::rfc3339(crate::timefmt::now_ms()),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        thread: std::thread::current()
            .name()
            .unwrap_or("<unnamed>")
            .to_string(),
        location: info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "<unknown>".to_string()),
        message: payload_text(info),
        backtrace: std::backtrace::Backtrace::force_capture().to_string(),
    };
    let text = report.render(&secrets);
    let stem = format!(
        "crash-{}-{}",
        report.time.replace([':', '-'], ""),
        std::process::id()
    );
    let written = logs_dir
        .into_iter()
        .chain([std::env::temp_dir()])
        .find_map(|dir| write_report(&dir, &stem, &text).ok());
    if let Some(path) = &written {
        state().last_report = Some(path.clone());
    }

    if !on_main_thread {
        // Contained: whoever joins that thread or task sees the failure and decides.
        match &written {
            Some(path) => tracing::error!(report = %path.display(), "a background thread panicked"),
            None => {
                tracing::error!(location = %report.location, "a background thread panicked; no report written")
            }
        }
        return;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = match &written {
        Some(path) => writeln!(
            stderr,
            "interviewer crashed; a report was written to {}",
            path.display()
        ),
        None => writeln!(
            stderr,
            "interviewer crashed, and no crash report could be written (at {})",
            report.location
        ),
    };
    let _ = stderr.flush();
    drop(stderr);
    // Not unwinding: dropping the async runtime would wait for its blocking tasks.
    std::process::exit(PANIC_EXIT_CODE);
}

fn payload_text(info: &PanicHookInfo<'_>) -> Option<String> {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

/// Writes `<dir>/<stem>.txt` (or `<stem>-2.txt`, … when two panics share a second),
/// never replacing a file.
fn write_report(dir: &Path, stem: &str, text: &str) -> std::io::Result<PathBuf> {
    crate::fsutil::create_private_dir(dir)?;
    let mut options = crate::fsutil::private_file();
    options.write(true).create_new(true);
    let mut attempt = 1;
    let (path, mut file) = loop {
        let name = match attempt {
            1 => format!("{stem}.txt"),
            n => format!("{stem}-{n}.txt"),
        };
        let path = dir.join(name);
        match options.open(&path) {
            Ok(file) => break (path, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 10 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(path)
}

/// What a crash report says; rendered by [`Report::render`].
#[derive(Debug, Clone)]
struct Report {
    version: &'static str,
    time: String,
    os: &'static str,
    arch: &'static str,
    thread: String,
    location: String,
    /// The raw panic message (redacted when rendered); `None` for non-text payloads.
    message: Option<String>,
    backtrace: String,
}

impl Report {
    /// The report text: redacted message, and every secret scrubbed from every field.
    fn render(&self, secrets: &[String]) -> String {
        let message = match &self.message {
            Some(m) => redact_message(m),
            None => "<not text>".to_string(),
        };
        let mut out = String::new();
        let _ = write!(
            out,
            "interviewer crash report\n\
             \n\
             version:  {}\n\
             time:     {}\n\
             os:       {} {}\n\
             thread:   {}\n\
             location: {}\n\
             message:  {}\n\
             \n\
             This report holds no message content and no API key: quoted text in the\n\
             panic message is withheld. Please attach it to a bug report.\n\
             \n\
             backtrace:\n{}\n",
            self.version,
            self.time,
            self.os,
            self.arch,
            self.thread,
            self.location,
            message,
            self.backtrace.trim_end(),
        );
        scrub(&out, secrets)
    }
}

/// The panic message with every quoted span (`…`, "…", '…') withheld, since those
/// are where std and `Debug` put values — for a string slice out of bounds, the
/// whole string. A message that is too long, or still holds a quote character after
/// that (an unbalanced quote: we cannot tell where the value ends), is withheld whole.
fn redact_message(message: &str) -> String {
    let total = message.chars().count();
    if total > MAX_MESSAGE_CHARS {
        return format!("<withheld: {total} characters, may contain user text>");
    }
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if !matches!(c, '`' | '"' | '\'') {
            out.push(c);
            continue;
        }
        let mut inner = 0usize;
        let mut closed = false;
        for d in chars.by_ref() {
            if d == c {
                closed = true;
                break;
            }
            inner += 1;
        }
        if !closed {
            return format!("<withheld: {total} characters, may contain user text>");
        }
        let _ = write!(out, "{c}<{inner} chars withheld>{c}");
    }
    out.replace(['\n', '\r'], " ")
}

/// Replaces every occurrence of each secret with `<redacted key>`, then whatever
/// the process-wide redactor knows (URL credentials: `secrets::redact`).
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "<redacted key>");
        }
    }
    crate::secrets::redact(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(message: Option<&str>) -> Report {
        Report {
            version: "0.1.0",
            time: "2026-11-25T06:00:00Z".to_string(),
            os: "linux",
            arch: "x86_64",
            thread: "main".to_string(),
            location: "src/tui/mod.rs:10:5".to_string(),
            message: message.map(str::to_string),
            backtrace: "   0: interviewer::tui::draw\n   1: main\n".to_string(),
        }
    }

    /// The message std produces for a bad string slice, which quotes the string.
    fn slice_panic_message(text: &str) -> String {
        // The default hook stays: swapping the process-wide hook would race with
        // other tests. Its output goes to the captured test output.
        let end = std::hint::black_box(text.len() + 1);
        let result = std::panic::catch_unwind(|| text[..end].len());
        let payload = result.expect_err("slicing past the end panics");
        payload
            .downcast_ref::<String>()
            .cloned()
            .expect("a formatted message")
    }

    #[test]
    fn a_string_slice_panic_loses_the_string_but_keeps_the_shape() {
        let raw = slice_panic_message("my weakness is perfectionism");
        assert!(
            raw.contains("perfectionism"),
            "std quotes the string: {raw}"
        );
        let redacted = redact_message(&raw);
        assert!(!redacted.contains("perfectionism"), "{redacted}");
        assert!(redacted.contains("out of bounds"), "{redacted}");
        assert!(redacted.contains("<28 chars withheld>"), "{redacted}");
    }

    #[test]
    fn quoted_spans_of_every_kind_are_withheld() {
        assert_eq!(
            redact_message(r#"bad "secret answer" and 'x' and `y z`"#),
            r#"bad "<13 chars withheld>" and '<1 chars withheld>' and `<3 chars withheld>`"#
        );
        assert_eq!(
            redact_message("index out of bounds: the len is 3 but the index is 7"),
            "index out of bounds: the len is 3 but the index is 7"
        );
    }

    #[test]
    fn unbalanced_quotes_and_long_messages_are_withheld_whole() {
        let unbalanced = redact_message("it is inside `my answer, don't");
        assert!(
            unbalanced.starts_with("<withheld: 30 characters"),
            "{unbalanced}"
        );
        let long = "word ".repeat(100);
        let withheld = redact_message(&long);
        assert!(
            withheld.starts_with("<withheld: 500 characters"),
            "{withheld}"
        );
        assert!(!withheld.contains("word"));
    }

    #[test]
    fn the_report_has_every_field_and_one_line_per_field() {
        let text = report(Some("attempt to divide by zero")).render(&[]);
        for expected in [
            "version:  0.1.0",
            "time:     2026-11-25T06:00:00Z",
            "os:       linux x86_64",
            "thread:   main",
            "location: src/tui/mod.rs:10:5",
            "message:  attempt to divide by zero",
            "backtrace:\n   0: interviewer::tui::draw",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        let multi_line = report(Some("a\nb")).render(&[]);
        assert!(multi_line.contains("message:  a b\n"), "{multi_line}");
        assert!(report(None).render(&[]).contains("message:  <not text>"));
    }

    #[test]
    fn the_key_is_scrubbed_everywhere_even_unquoted() {
        let key = "sk-test-0123456789abcdef";
        let mut r = report(Some(&format!("header value {key} rejected")));
        r.thread = format!("worker-{key}");
        r.backtrace = format!("   0: f\n      with {key}\n");
        let text = r.render(&[key.to_string()]);
        assert!(!text.contains(key), "{text}");
        assert_eq!(text.matches("<redacted key>").count(), 3, "{text}");
    }

    #[test]
    fn secrets_are_registered_once_and_blank_ones_ignored() {
        set_secret_to_scrub("  ");
        set_secret_to_scrub("sk-registered-once");
        set_secret_to_scrub("sk-registered-once");
        let state = state();
        assert_eq!(
            state
                .secrets
                .iter()
                .filter(|s| s.as_str() == "sk-registered-once")
                .count(),
            1
        );
        assert!(!state.secrets.iter().any(|s| s.trim().is_empty()));
    }

    #[test]
    fn a_dropped_guard_unregisters_only_its_own_closure() {
        let first = on_panic_restore(|| {});
        let second = on_panic_restore(|| {});
        drop(first); // replaced already: must not remove the second
        assert!(state().restore.is_some());
        drop(second);
        assert!(state().restore.is_none());
    }

    #[test]
    fn reports_are_private_files_and_never_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let logs = dir.path().join("logs");
        let path = write_report(&logs, "crash-x", "text").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "text");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dir_mode = std::fs::metadata(&logs).expect("meta").permissions().mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
        let second = write_report(&logs, "crash-x", "other").expect("second");
        assert_eq!(second, logs.join("crash-x-2.txt"));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "text");
        assert_eq!(std::fs::read_to_string(&second).expect("read"), "other");
    }
}
