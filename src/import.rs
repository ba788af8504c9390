//! `import`: reads back a JSON export (one conversation or an array of them) into the
//! store, all or nothing, skipping conversations already present (by `uid`). A
//! helper of the service (`Service::import`): it parses and checks the file, the
//! store writes the rows (it names no SQL). The file is streamed: one conversation
//! is in memory at a time, whatever the file's size.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{Deserializer as _, SeqAccess, Visitor};

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

/// Imports the export at `path`, reading it one conversation at a time (memory does
/// not grow with the file) inside one transaction: the first problem, in the file or
/// in the database, rolls everything back.
pub(crate) fn import_file(store: &Store, path: &Path) -> Result<ImportCounts, ImportError> {
    let read_error = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let invalid = |(at, message): (String, String)| ImportError::Invalid {
        path: path.to_path_buf(),
        at,
        message,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let first = first_byte(&mut reader).map_err(read_error)?;
    let store_error = |source| ImportError::Store {
        path: path.to_path_buf(),
        source,
    };
    store
        .import_with(|sink| {
            let write = |i: usize, e: ConversationExport| {
                let item = to_import(e)
                    .map_err(|(at, message)| invalid((format!("[{i}].{at}"), message)))?;
                sink.write(&item).map_err(store_error)
            };
            parse(reader, first, write)
                .map_err(|e| e.unwrap_or_else(|(at, message)| invalid((at, message))))
        })
        .map_err(store_error)?
}

/// The first byte that is not JSON whitespace, left unread.
fn first_byte(reader: &mut impl BufRead) -> std::io::Result<Option<u8>> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(n) => {
                let b = buf[n];
                reader.consume(n);
                return Ok(Some(b));
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Why reading stopped: the caller's own error (`Ok`), or a problem in the document
/// as (JSON path, message).
type Stop<E> = Result<E, (String, String)>;

/// Reads one object or an array of them from `reader` (whose first non-whitespace
/// byte is `first`), handing each conversation to `each` with its index as soon as it
/// is read.
fn parse<R: std::io::Read, E>(
    reader: R,
    first: Option<u8>,
    mut each: impl FnMut(usize, ConversationExport) -> Result<(), E>,
) -> Result<(), Stop<E>> {
    let located = |path: String, inner: &serde_json::Error| {
        let at = if path == "." || path.is_empty() {
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
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut stopped: Option<E> = None;
    let mut track = serde_path_to_error::Track::new();
    let result = {
        let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
        match first {
            Some(b'[') => tracked.deserialize_seq(EachVisitor {
                each: &mut each,
                stopped: &mut stopped,
            }),
            Some(b'{') => ConversationExport::deserialize(tracked).map(|e| {
                if let Err(e) = each(0, e) {
                    stopped = Some(e);
                }
            }),
            _ => {
                return Err(Err((
                    "the start".into(),
                    "expected a conversation object or an array of them (written by `interviewer export --format json`)".into(),
                )));
            }
        }
    };
    if let Some(e) = stopped {
        return Err(Ok(e));
    }
    if let Err(e) = result {
        return Err(Err(located(track.path().to_string(), &e)));
    }
    de.end().map_err(|e| {
        Err((
            format!("line {} column {}", e.line(), e.column()),
            "unexpected text after the JSON document".to_string(),
        ))
    })
}

/// Visits the top-level array element by element, never holding more than one.
struct EachVisitor<'a, F, E> {
    each: &'a mut F,
    stopped: &'a mut Option<E>,
}

impl<'de, F, E> Visitor<'de> for EachVisitor<'_, F, E>
where
    F: FnMut(usize, ConversationExport) -> Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of conversations")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(e) = seq.next_element::<ConversationExport>()? {
            if let Err(e) = (self.each)(i, e) {
                *self.stopped = Some(e);
                return Err(serde::de::Error::custom("stopped"));
            }
            i += 1;
        }
        Ok(())
    }
}

/// The times RFC 3339 can write (years 0000 to 9999), in Unix milliseconds.
const MIN_TIME_MS: i64 = -62_167_219_200_000;
const MAX_TIME_MS: i64 = 253_402_300_799_999;

/// The largest token count accepted for one message (the client counts in `u32`).
const MAX_TOKENS: i64 = u32::MAX as i64;

/// A time from its RFC 3339 text, preferring the exact `*_ms` twin when it agrees.
/// A twin outside the years RFC 3339 can write is refused: it would format as the
/// epoch, "agree" with a text of 1970, and be stored as is.
fn time(text: &str, exact: Option<i64>, field: &str) -> Result<i64, (String, String)> {
    let parsed = parse_rfc3339(text).ok_or_else(|| {
        (
            field.to_string(),
            format!("`{text}` is not an RFC 3339 time like 2026-01-31T09:30:00Z"),
        )
    })?;
    if let Some(ms) = exact
        && !(MIN_TIME_MS..=MAX_TIME_MS).contains(&ms)
    {
        return Err((
            format!("{field}_ms"),
            format!("{ms} is out of range (milliseconds from years 0000 to 9999)"),
        ));
    }
    Ok(match exact {
        Some(ms) if rfc3339(ms) == rfc3339(parsed) => ms,
        _ => parsed,
    })
}

/// A message's token count: absent, or 0 to [`MAX_TOKENS`].
fn tokens(count: Option<i64>, field: &str) -> Result<Option<i64>, (String, String)> {
    match count {
        Some(n) if !(0..=MAX_TOKENS).contains(&n) => Err((
            field.to_string(),
            format!("{n} is not a token count (0 to {MAX_TOKENS})"),
        )),
        other => Ok(other),
    }
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
                prompt_tokens: tokens(m.prompt_tokens, &format!("messages[{i}].prompt_tokens"))?,
                completion_tokens: tokens(
                    m.completion_tokens,
                    &format!("messages[{i}].completion_tokens"),
                )?,
                model: m.model,
                reasoning: m.reasoning.filter(|r| !r.is_empty()),
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
        model: e.model.filter(|m| !m.trim().is_empty()),
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
    // Files written before conversations had a model hash as they always did. The
    // pattern is the top-level field (in a string its quotes would be escaped).
    let text = text.replacen(r#","model":null,"messages":["#, r#","messages":["#, 1);
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

    /// Every conversation in `text`, or the document error.
    fn parse_all(text: &str) -> Result<Vec<ConversationExport>, (String, String)> {
        let mut reader = text.as_bytes();
        let first = first_byte(&mut reader).expect("read");
        let mut all = Vec::new();
        parse(reader, first, |_, e| {
            all.push(e);
            Ok::<(), ()>(())
        })
        .map_err(|e| e.expect_err("no stop"))?;
        Ok(all)
    }

    #[test]
    fn a_single_object_or_an_array() {
        assert_eq!(parse_all(ONE).expect("one").len(), 1);
        assert_eq!(parse_all(&format!("[{ONE}, {ONE}]")).expect("two").len(), 2);
        assert_eq!(
            parse_all(&format!(" \n[{ONE},\n{ONE}, {ONE}]\n"))
                .expect("three")
                .len(),
            3
        );
        assert_eq!(parse_all("[]").expect("none").len(), 0);
    }

    #[test]
    fn errors_name_the_json_path() {
        let bad = ONE.replace("\"complete\"", "\"done\"");
        let (at, message) = parse_all(&format!("[{ONE}, {bad}]")).expect_err("bad status");
        assert!(at.starts_with("[1].messages[0].status (line"), "{at}");
        assert!(message.contains("unknown variant `done`"), "{message}");
        let (at, _) = parse_all(&bad).expect_err("bad status");
        assert!(at.starts_with("messages[0].status (line"), "{at}");

        let (at, _) = parse_all("[{\"title\": ").expect_err("truncated");
        assert!(at.contains("line 1"), "{at}");
        assert!(parse_all("hello").is_err());
        assert!(parse_all("").is_err());
        assert!(parse_all(&format!("{ONE} trailing")).is_err());
        assert!(parse_all(&format!("[{ONE}] trailing")).is_err());
    }

    #[test]
    fn a_stop_from_the_caller_ends_reading_at_that_conversation() {
        let text = format!("[{ONE}, {ONE}, {ONE}]");
        let mut seen = 0;
        let result = parse(text.as_bytes(), Some(b' '), |_, _| Ok::<(), ()>(()));
        assert!(result.is_err(), "the first byte decides the shape");
        let mut reader = text.as_bytes();
        let first = first_byte(&mut reader).expect("read");
        let result = parse(reader, first, |i, _| {
            seen += 1;
            if i == 1 { Err("stop") } else { Ok(()) }
        });
        assert_eq!(result, Err(Ok("stop")));
        assert_eq!(seen, 2);
    }

    #[test]
    fn bad_times_are_reported_with_their_field() {
        let bad = ONE.replace("2026-01-31T09:40:00Z", "yesterday");
        let e = &parse_all(&bad).expect("parse")[0];
        let (at, message) = to_import(e.clone()).expect_err("bad time");
        assert_eq!(at, "updated_at");
        assert!(message.contains("yesterday"));
    }

    #[test]
    fn derived_uids_are_stable_and_content_based() {
        let e = &parse_all(ONE).expect("parse")[0];
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
