//! `show`, `export`, `search`, `import`: reviewing, sharing and restoring past
//! interviews, all offline.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use crate::cli::{ExportArgs, ExportFormat, ShowFormat};
use crate::export::{self, ConversationExport};
use crate::search::{self, MATCH_END, MATCH_START, SearchHit, snippet_segments};
use crate::service::Service;
use crate::timefmt::{date_time, rfc3339};

/// How many conversations `search` lists.
pub const SEARCH_LIMIT: usize = 25;

pub fn show(service: &Service, id: i64, format: ShowFormat) -> Result<ExitCode> {
    let view = service.get_conversation(id)?;
    let text = match format {
        ShowFormat::Text => export::to_text(&view),
        ShowFormat::Md => export::to_markdown(&view),
        ShowFormat::Json => export::to_json(&view)? + "\n",
    };
    write_stdout(text.as_bytes())
}

pub fn export(service: &Service, args: &ExportArgs) -> Result<ExitCode> {
    let ids = match (args.all, args.id) {
        (_, Some(id)) => {
            // Fail before creating any file when the id is unknown.
            service.store.require_conversation(id)?;
            vec![id]
        }
        (true, None) => service.store.all_conversation_ids()?,
        (false, None) => anyhow::bail!("give a conversation id or --all"),
    };
    match &args.output {
        None => {
            let stdout = std::io::stdout().lock();
            match write_export(service, &ids, args, BufWriter::new(stdout)) {
                Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
                Err(e) => Err(e),
                Ok(()) => Ok(ExitCode::SUCCESS),
            }
        }
        Some(path) => {
            export::write_atomically(path, |out| write_export(service, &ids, args, out))?;
            let what = match (args.all, ids.len()) {
                (false, _) => format!("conversation {}", ids[0]),
                (true, 1) => "1 conversation".to_string(),
                (true, n) => format!("{n} conversations"),
            };
            eprintln!("exported {what} to {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the export one conversation at a time, so `--all` never holds more than
/// one conversation in memory.
fn write_export(
    service: &Service,
    ids: &[i64],
    args: &ExportArgs,
    mut out: impl Write,
) -> Result<()> {
    let many = args.all;
    if many && args.format == ExportFormat::Json {
        out.write_all(b"[")?;
    }
    for (i, &id) in ids.iter().enumerate() {
        let view = match service.get_conversation(id) {
            Ok(view) => view,
            // Deleted while exporting everything: nothing to say about it.
            Err(crate::service::ServiceError::Store(crate::store::StoreError::NoConversation(
                _,
            ))) if many => continue,
            Err(e) => return Err(e.into()),
        };
        match args.format {
            ExportFormat::Json if many => {
                out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                out.write_all(
                    crate::sanitize::json_pretty(&ConversationExport::from_view(&view))?.as_bytes(),
                )?;
            }
            ExportFormat::Json => {
                out.write_all(
                    crate::sanitize::json_pretty(&ConversationExport::from_view(&view))?.as_bytes(),
                )?;
                out.write_all(b"\n")?;
            }
            ExportFormat::Md => {
                if i > 0 {
                    out.write_all(b"\n---\n\n")?;
                }
                out.write_all(export::to_markdown(&view).as_bytes())?;
            }
        }
    }
    if many && args.format == ExportFormat::Json {
        out.write_all(if ids.is_empty() { b"]\n" } else { b"\n]\n" })?;
    }
    out.flush()?;
    Ok(())
}

pub fn search(service: &Service, query: &str, json: bool) -> Result<ExitCode> {
    let hits = search::search(&service.store, query, SEARCH_LIMIT)?;
    if json {
        let items: Vec<_> = hits.iter().map(hit_json).collect();
        return write_stdout((crate::sanitize::json_pretty(&items)? + "\n").as_bytes());
    }
    if hits.is_empty() {
        eprintln!("no conversation matches {query:?}");
        return Ok(ExitCode::SUCCESS);
    }
    let (open, close) = if std::io::stdout().is_terminal() {
        if service.settings.no_color {
            ("\u{1b}[1m", "\u{1b}[22m")
        } else {
            ("\u{1b}[1;7m", "\u{1b}[22;27m")
        }
    } else {
        ("[", "]")
    };
    let mut text = String::new();
    for hit in &hits {
        text.push_str(&format!(
            "{}  {}  {}{}\n",
            hit.conversation_id,
            date_time(hit.created_at),
            crate::sanitize::for_terminal_line(&hit.title),
            if hit.archived { "  (archived)" } else { "" }
        ));
        let who = match hit.role {
            Some(role) => role.as_str(),
            None => "title",
        };
        // The snippet is sanitised by the search module; only our markers are added.
        text.push_str(&format!(
            "    {who}: {}\n",
            search::mark_snippet(&hit.snippet, open, close)
        ));
    }
    write_stdout(text.as_bytes())
}

/// A hit as `search --json` prints it (see docs/search.md): the snippet as plain
/// text, and the matched runs as `[start, end)` offsets in characters.
fn hit_json(hit: &SearchHit) -> serde_json::Value {
    let mut plain = String::new();
    let mut matches = Vec::new();
    let mut offset = 0usize;
    for (text, matched) in snippet_segments(&hit.snippet) {
        let len = text.chars().count();
        if matched {
            matches.push([offset, offset + len]);
        }
        offset += len;
        plain.push_str(text);
    }
    debug_assert!(!plain.contains([MATCH_START, MATCH_END]));
    json!({
        "conversation_id": hit.conversation_id,
        "title": hit.title,
        "message_id": hit.message_id,
        "role": hit.role.map(|r| r.as_str()),
        "snippet": plain,
        "matches": matches,
        "created_at": rfc3339(hit.created_at),
        "updated_at": rfc3339(hit.updated_at),
        "archived": hit.archived,
    })
}

pub fn import(service: &Service, file: &Path) -> Result<ExitCode> {
    let counts = crate::import::import_file(&service.store, file)?;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    eprintln!(
        "imported {} ({}) from {}; skipped {} already here",
        plural(counts.imported, "conversation"),
        plural(counts.messages, "message"),
        file.display(),
        counts.skipped
    );
    Ok(ExitCode::SUCCESS)
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => {
            other?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}
