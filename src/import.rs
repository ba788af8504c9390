//! `import`: reads back a JSON export (one conversation or an array of them) into the
//! store, all or nothing, skipping conversations already present (by `uid`). A
//! helper of the service (`Service::import`): it parses and checks the file, the
//! store writes the rows (it names no SQL).

use std::path::{Path, PathBuf};

use crate::export::{ConversationExport, ReportExport};
use crate::store::{
    ImportConversation, ImportCounts, ImportMessage, ImportReport, Store, StoreError,
};
use crate::timefmt::{parse_rfc3339, rfc3339};

/// Why an import failed; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not an interviewer JSON export: at {at}: {message}; nothing was imported")]
    Invalid {
        path: PathBuf,
        /// Where in the document, e.g. `[3].messages[2].status` (with line and column
        /// when the JSON itself is malformed).
        at: String,
        message: String,
    },
    #[error("{path}: {source}; nothing was imported")]
    Store { path: PathBuf, source: StoreError },
}

/// Imports the export at `path`.
pub(crate) fn import_file(store: &Store, path: &Path) -> Result<ImportCounts, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let exports = parse(&text).map_err(|(at, message)| ImportError::Invalid {
        path: path.to_path_buf(),
        at,
        message,
    })?;
    // The parsed structs own their text now; the file's copy can go (a full
    // backup is hundreds of megabytes), and the conversion below moves, not copies.
    drop(text);
    let items = exports
        .into_iter()
        .enumerate()
        .map(|(i, e)| to_import(e).map_err(|(at, message)| (format!("[{i}].{at}"), message)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|(at, message)| ImportError::Invalid {
            path: path.to_path_buf(),
            at,
            message,
        })?;
    store
        .import_conversations(&items)
        .map_err(|source| ImportError::Store {
            path: path.to_path_buf(),
            source,
        })
}

/// One object or an array of them; errors as (JSON path, message).
fn parse(text: &str) -> Result<Vec<ConversationExport>, (String, String)> {
    let first = text.trim_start().chars().next();
    let located = |e: serde_path_to_error::Error<serde_json::Error>| {
        let inner = e.inner();
        let path = e.path().to_string();
        let at = if path == "." {
            format!("line {} column {}", inner.line(), inner.column())
        } else {
            format!("{path} (line {} column {})", inner.line(), inner.column())
        };
        // serde_json appends " at line L column C"; the location is already given.
        let message = inner.to_string();
        let message = match message.rfind(" at line ") {
            Some(pos) => message[..pos].to_string(),
            None => message,
        };
        (at, message)
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let exports = match first {
        Some('[') => serde_path_to_error::deserialize::<_, Vec<ConversationExport>>(&mut de)
            .map_err(located)?,
        Some('{') => vec![
            serde_path_to_error::deserialize::<_, ConversationExport>(&mut de).map_err(located)?,
        ],
        _ => {
            return Err((
                "the start".into(),
                "expected a conversation object or an array of them (written by `interviewer export --format json`)".into(),
            ));
        }
    };
    de.end().map_err(|e| {
        (
            format!("line {} column {}", e.line(), e.column()),
            "unexpected text after the JSON document".to_string(),
        )
    })?;
    Ok(exports)
}

/// A time from its RFC 3339 text, preferring the exact `*_ms` twin when it agrees.
fn time(text: &str, exact: Option<i64>, field: &str) -> Result<i64, (String, String)> {
    let parsed = parse_rfc3339(text).ok_or_else(|| {
        (
            field.to_string(),
            format!("`{text}` is not an RFC 3339 time like 2026-01-31T09:30:00Z"),
        )
    })?;
    Ok(match exact {
        Some(ms) if rfc3339(ms) == rfc3339(parsed) => ms,
        _ => parsed,
    })
}

fn to_import(e: ConversationExport) -> Result<ImportConversation, (String, String)> {
    let created_at = time(&e.created_at, e.created_at_ms, "created_at")?;
    let updated_at = time(&e.updated_at, e.updated_at_ms, "updated_at")?;
    let report = e.report.as_ref().map(report).transpose()?;
    let uid = match e.uid.as_deref().map(str::trim) {
        Some(uid) if !uid.is_empty() => uid.to_string(),
        _ => derived_uid(&e),
    };
    let messages = e
        .messages
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(ImportMessage {
                created_at: time(
                    &m.created_at,
                    m.created_at_ms,
                    &format!("messages[{i}].created_at"),
                )?,
                role: m.role,
                content: m.content,
                status: m.status,
                error: m.error,
                prompt_tokens: m.prompt_tokens,
                completion_tokens: m.completion_tokens,
                model: m.model,
            })
        })
        .collect::<Result<Vec<_>, (String, String)>>()?;
    Ok(ImportConversation {
        uid,
        title: e.title,
        persona: e.persona,
        created_at,
        updated_at,
        archived: e.archived,
        setup: e.setup,
        messages,
        report,
    })
}

fn report(r: &ReportExport) -> Result<ImportReport, (String, String)> {
    if !matches!(r.kind.as_str(), "model" | "heuristic") {
        return Err((
            "report.kind".into(),
            format!("`{}` is not a report kind (model or heuristic)", r.kind),
        ));
    }
    Ok(ImportReport {
        kind: r.kind.clone(),
        model: r.model.clone(),
        body: r.stored_body(),
        valid: r.valid,
        created_at: time(&r.created_at, r.created_at_ms, "report.created_at")?,
    })
}

/// A uid for a conversation that has none (a handwritten file): a hash of its
/// content, so importing the same file again finds it.
fn derived_uid(e: &ConversationExport) -> String {
    let mut canonical = e.clone();
    canonical.id = 0;
    canonical.uid = None;
    for m in &mut canonical.messages {
        m.id = 0;
    }
    // Serialising our own structs cannot fail; an empty string would still hash.
    let text = serde_json::to_string(&canonical).unwrap_or_default();
    let a = fnv1a64(text.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a64(text.as_bytes(), 0x6c62_272e_07bb_0142);
    format!("import-{a:016x}{b:016x}")
}

/// FNV-1a: tiny, stable across versions and platforms (unlike `DefaultHasher`).
fn fnv1a64(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = seed;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"title": "Handwritten", "persona": "career-interviewer",
        "created_at": "2026-01-31T09:30:00Z", "updated_at": "2026-01-31T09:40:00Z",
        "messages": [{"role": "user", "content": "Hi", "status": "complete",
                      "created_at": "2026-01-31T09:30:00Z"}]}"#;

    #[test]
    fn a_single_object_or_an_array() {
        assert_eq!(parse(ONE).expect("one").len(), 1);
        assert_eq!(parse(&format!("[{ONE}, {ONE}]")).expect("two").len(), 2);
    }

    #[test]
    fn errors_name_the_json_path() {
        let bad = ONE.replace("\"complete\"", "\"done\"");
        let (at, message) = parse(&format!("[{bad}]")).expect_err("bad status");
        assert!(at.starts_with("[0].messages[0].status"), "{at}");
        assert!(message.contains("unknown variant `done`"), "{message}");

        let (at, _) = parse("[{\"title\": ").expect_err("truncated");
        assert!(at.contains("line 1"), "{at}");
        assert!(parse("hello").is_err());
        assert!(parse(&format!("{ONE} trailing")).is_err());
    }

    #[test]
    fn bad_times_are_reported_with_their_field() {
        let bad = ONE.replace("2026-01-31T09:40:00Z", "yesterday");
        let e = &parse(&bad).expect("parse")[0];
        let (at, message) = to_import(e.clone()).expect_err("bad time");
        assert_eq!(at, "updated_at");
        assert!(message.contains("yesterday"));
    }

    #[test]
    fn derived_uids_are_stable_and_content_based() {
        let e = &parse(ONE).expect("parse")[0];
        let a = to_import(e.clone()).expect("ok").uid;
        assert_eq!(a, to_import(e.clone()).expect("ok").uid);
        assert!(a.starts_with("import-"));
        let mut other = e.clone();
        other.title = "Other".into();
        assert_ne!(a, to_import(other).expect("ok").uid);
    }

    #[test]
    fn exact_times_win_only_when_they_agree() {
        assert_eq!(
            time("2026-01-31T09:30:00Z", Some(1_769_851_800_250), "t"),
            Ok(1_769_851_800_250)
        );
        assert_eq!(
            time("2026-01-31T09:30:00Z", Some(5), "t"),
            Ok(1_769_851_800_000)
        );
    }
}
