//! Diagnostic logging to `<data-dir>/logs/interviewer.log`, never to the terminal
//! (the TUI owns it, and CLI output is for the user). Set up by `main`; every other
//! module only emits `tracing` events.
//!
//! The level comes from `INTERVIEWER_LOG` (an `EnvFilter` directive such as `debug`
//! or `interviewer=trace,reqwest=info`); by default our crate logs at `info` and
//! dependencies at `warn`. What must never be logged: the API key (its type's
//! `Debug` is masked) and message contents (at most their length, at `debug`).
//! Only `tracing` events are recorded; records of the `log` crate (used by a few
//! dependencies) are not bridged, so no HTTP-level logging can carry a header.
//!
//! Every line written passes through the secrets redactor
//! (`secrets::redact`: the key in use and URL credentials become `<redacted>`),
//! whoever wrote it: async-openai logs whole 5xx bodies at `warn`, and a server may
//! quote the `Authorization` header in them. One event is also cut to
//! [`MAX_EVENT_BYTES`], so an 8 MB error page costs a few kilobytes of log, not 8 MB.
//!
//! The file is size-bounded: when it passes [`MAX_LOG_BYTES`] it is renamed to
//! `interviewer.log.1` (replacing the previous one) and a fresh file is started, so
//! the logs never take more than about twice that. We do this ourselves rather than
//! with `tracing-appender`, whose rolling writer reports its own I/O errors with
//! `eprintln!` — straight onto the TUI's screen.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Environment variable holding the log filter.
pub const LOG_ENV: &str = "INTERVIEWER_LOG";
/// Name of the log file inside the logs directory.
pub const LOG_FILE: &str = "interviewer.log";
/// Size at which the log file is rotated.
pub const MAX_LOG_BYTES: u64 = 4 * 1024 * 1024;

/// The most of one event (one line, usually) that is written; the rest is cut.
pub const MAX_EVENT_BYTES: usize = 8 * 1024;

const DEFAULT_FILTER: &str = "warn,interviewer=info";

/// Logging could not be set up; the program carries on without a log file.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot create the logs directory {path}: {source}; carrying on without a log")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open the log file {path}: {source}; carrying on without a log")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("logging was already set up")]
    AlreadySet,
}

/// Sends `tracing` events to the log file in `logs_dir` (created 0700) for the rest
/// of the process. On error nothing is installed and events are dropped.
pub fn init(logs_dir: &Path) -> Result<(), LoggingError> {
    crate::fsutil::create_private_dir(logs_dir).map_err(|source| LoggingError::CreateDir {
        path: logs_dir.to_path_buf(),
        source,
    })?;
    let writer = SizeBoundedFile::open(logs_dir.join(LOG_FILE), MAX_LOG_BYTES)?;
    let (filter, bad_directive) = filter_from_env();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(writer))
        .finish();
    tracing::subscriber::set_global_default(subscriber).map_err(|_| LoggingError::AlreadySet)?;
    if let Some(error) = bad_directive {
        tracing::warn!(%error, "{LOG_ENV} is not a valid filter; using the default");
    }
    Ok(())
}

/// The filter from [`LOG_ENV`], or the default and why the variable was refused.
fn filter_from_env() -> (EnvFilter, Option<String>) {
    match std::env::var(LOG_ENV) {
        Ok(spec) if !spec.trim().is_empty() => match EnvFilter::try_new(spec.trim()) {
            Ok(filter) => (filter, None),
            Err(e) => (EnvFilter::new(DEFAULT_FILTER), Some(e.to_string())),
        },
        _ => (EnvFilter::new(DEFAULT_FILTER), None),
    }
}

/// An append-only log file that is rotated to `<name>.1` when it grows past a limit.
#[derive(Debug)]
struct SizeBoundedFile {
    path: PathBuf,
    file: File,
    size: u64,
    limit: u64,
}

impl SizeBoundedFile {
    fn open(path: PathBuf, limit: u64) -> Result<SizeBoundedFile, LoggingError> {
        let file = open_append(&path).map_err(|source| LoggingError::Open {
            path: path.clone(),
            source,
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut this = SizeBoundedFile {
            path,
            file,
            size,
            limit,
        };
        if this.size >= limit {
            // A failed rotation just means the file keeps growing for this run.
            let _ = this.rotate();
        }
        Ok(this)
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        let mut old = self.path.clone().into_os_string();
        old.push(".1");
        std::fs::rename(&self.path, &old)?;
        self.file = open_append(&self.path)?;
        self.size = 0;
        Ok(())
    }
}

impl Write for SizeBoundedFile {
    /// Takes all of `buf` (tracing writes one whole event per call) and writes it
    /// redacted and bounded (see the module docs).
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.size >= self.limit {
            let _ = self.rotate();
        }
        let line = clean_event(buf);
        self.file.write_all(line.as_bytes())?;
        self.size += line.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// One event as it may be written: secrets redacted, at most [`MAX_EVENT_BYTES`]
/// (cut at a character boundary, saying how much was cut), ending in a newline
/// when it did.
fn clean_event(buf: &[u8]) -> String {
    let text = String::from_utf8_lossy(buf);
    let text = crate::secrets::redact(&text);
    if text.len() <= MAX_EVENT_BYTES {
        return text.into_owned();
    }
    let mut end = MAX_EVENT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… [{} more bytes not logged]\n",
        &text[..end],
        text.len() - end
    )
}

/// Opens for appending (several processes may log at once; `O_APPEND` keeps their
/// lines whole), creating the file 0600.
fn open_append(path: &Path) -> std::io::Result<File> {
    crate::fsutil::private_file()
        .append(true)
        .create(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_rotates_past_its_limit_and_keeps_one_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_FILE);
        let mut log = SizeBoundedFile::open(path.clone(), 10).expect("open");
        log.write_all(b"first line\n").expect("write");
        log.write_all(b"second\n").expect("write");
        log.write_all(b"third\n").expect("write");
        let old = dir.path().join("interviewer.log.1");
        assert_eq!(std::fs::read_to_string(&old).expect("old"), "first line\n");
        assert_eq!(
            std::fs::read_to_string(&path).expect("new"),
            "second\nthird\n"
        );
    }

    #[test]
    fn an_oversized_file_is_rotated_at_start_up_and_appended_to_otherwise() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_FILE);
        std::fs::write(&path, "abc\n").expect("seed");
        let mut log = SizeBoundedFile::open(path.clone(), 100).expect("open");
        log.write_all(b"def\n").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "abc\ndef\n");

        let mut log = SizeBoundedFile::open(path.clone(), 4).expect("reopen");
        log.write_all(b"new\n").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new\n");
        let old = dir.path().join("interviewer.log.1");
        assert_eq!(std::fs::read_to_string(old).expect("old"), "abc\ndef\n");
    }

    #[test]
    fn registered_secrets_never_reach_the_file_and_huge_events_are_cut() {
        let key = crate::domain::key::ApiKey::new("sk-logged-4f1c9b7e2d8a".into());
        crate::secrets::register_redactor(&crate::secrets::Redactor::new(
            Some(&key),
            "http://user:pa55word@proxy.example/v1",
        ));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_FILE);
        let mut log = SizeBoundedFile::open(path.clone(), 1 << 30).expect("open");
        log.write_all(b"WARN Server error: 500 - Authorization: Bearer sk-logged-4f1c9b7e2d8a via http://user:pa55word@proxy.example/v1\n")
            .expect("write");
        let huge = format!("WARN Server error: 500 - {}\n", "é<p>".repeat(2_000_000));
        log.write_all(huge.as_bytes()).expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            !text.contains("sk-logged") && !text.contains("pa55word"),
            "{text}"
        );
        assert!(
            text.contains("Bearer <redacted> via http://***@proxy.example/v1"),
            "{text}"
        );
        assert!(text.len() < 2 * MAX_EVENT_BYTES, "{}", text.len());
        assert!(
            text.ends_with("more bytes not logged]\n"),
            "{}",
            &text[text.len() - 80..]
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_log_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(LOG_FILE);
        SizeBoundedFile::open(path.clone(), 100).expect("open");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_logs_path_that_is_a_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().expect("tempdir");
        let blocker = dir.path().join("logs");
        std::fs::write(&blocker, "not a directory").expect("seed");
        let err = init(&blocker).expect_err("cannot log into a file");
        assert!(matches!(err, LoggingError::CreateDir { .. }), "{err}");
        assert!(err.to_string().contains("carrying on without a log"));
    }
}
