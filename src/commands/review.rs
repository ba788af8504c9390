//! `show`, `export`, `search`, `import`: reviewing, sharing and restoring past
//! interviews, all offline.

use std::io::{BufWriter, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use super::emit;
use crate::cli::{ExportArgs, ExportFormat, ShowFormat};
use crate::export;
use crate::fsutil::Access;
use crate::search::{self, MATCH_END, MATCH_START, SearchHit, snippet_segments};
use crate::service::Service;
use crate::service::files::{self, ExportShape};
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
    emit(text.as_bytes())
}

pub fn export(service: &Service, args: &ExportArgs) -> Result<ExitCode> {
    if !args.all && args.id.is_none() {
        anyhow::bail!("give a conversation id or --all");
    }
    let ids = service.export_ids(args.id)?;
    let shape = if args.all {
        ExportShape::Collection
    } else {
        ExportShape::Single
    };
    let format = match args.format {
        ExportFormat::Json => files::ExportFormat::Json,
        ExportFormat::Md => files::ExportFormat::Md,
    };
    match &args.output {
        None => {
            let stdout = BufWriter::new(std::io::stdout().lock());
            match service
                .export_to(&ids, shape, format, stdout)
                .map_err(anyhow::Error::from)
            {
                // The reader went away (`| head`): not a failure.
                Err(e) if super::is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
                other => other.map(|()| ExitCode::SUCCESS),
            }
        }
        Some(path) => {
            // Interview text: a new file is the owner's only (0600), an existing one
            // keeps its mode, a symlink is written through, `/dev/stdout` in place.
            service.export_to_file(&ids, shape, format, path, Access::Private)?;
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

pub fn search(service: &Service, query: &str, json: bool) -> Result<ExitCode> {
    let hits = service.search(query, SEARCH_LIMIT)?;
    if json {
        let items: Vec<_> = hits.iter().map(hit_json).collect();
        return emit((crate::sanitize::json_pretty(&items)? + "\n").as_bytes());
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
    emit(text.as_bytes())
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
    let counts = service.import(file)?;
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut line = format!(
        "imported {} ({}) from {}; skipped {} already here",
        plural(counts.imported, "conversation"),
        plural(counts.messages, "message"),
        file.display(),
        counts.skipped
    );
    // A newer export of a conversation already here: what it adds, and what differs.
    if counts.extended > 0 {
        line.push_str(&format!(
            "; added {} to {} already here",
            plural(counts.added, "new message"),
            plural(counts.extended, "conversation"),
        ));
    }
    if counts.differ > 0 {
        line.push_str(&format!(
            "; {} already here {} from the file's and {} left as {} (delete {} first to take the file's version)",
            plural(counts.differ, "conversation"),
            if counts.differ == 1 { "differs" } else { "differ" },
            if counts.differ == 1 { "was" } else { "were" },
            if counts.differ == 1 { "it is" } else { "they are" },
            if counts.differ == 1 { "it" } else { "them" },
        ));
    }
    eprintln!("{}", crate::sanitize::for_terminal_line(&line));
    Ok(ExitCode::SUCCESS)
}
