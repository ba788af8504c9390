//! `list`, `rename`, `delete`, `archive`: organising stored conversations.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::json;

use crate::service::Service;
use crate::timefmt::{now_ms, relative, rfc3339};

pub fn list(service: &Service, json: bool, archived: bool) -> Result<ExitCode> {
    let rows = service.list_conversations(archived, usize::MAX >> 1, 0)?;
    let mut out = std::io::stdout().lock();
    if json {
        let items: Vec<_> = rows
            .iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "title": c.title,
                    "persona": c.persona,
                    "created_at": rfc3339(c.created_at),
                    "updated_at": rfc3339(c.updated_at),
                    "message_count": c.message_count,
                    "archived": c.archived,
                    "model": c.model,
                })
            })
            .collect();
        writeln!(out, "{}", crate::sanitize::json_pretty(&items)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        let what = if archived {
            "archived conversations"
        } else {
            "conversations yet"
        };
        writeln!(
            out,
            "No {what}. Start one with `interviewer` or `interviewer ask \"Hello\"`."
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = now_ms();
    let width = rows
        .iter()
        .map(|c| c.id.to_string().len())
        .max()
        .unwrap_or(1);
    for c in &rows {
        writeln!(
            out,
            "{:>width$}  {:<10}  {:>4} msgs  {}",
            c.id,
            relative(c.updated_at, now),
            c.message_count,
            crate::sanitize::for_terminal_line(&c.title),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rename(service: &Service, id: i64, title: &str) -> Result<ExitCode> {
    service.rename(id, title)?;
    eprintln!("renamed conversation {id}");
    Ok(ExitCode::SUCCESS)
}

pub fn delete(service: &Service, id: i64, yes: bool) -> Result<ExitCode> {
    let conversation = service.require_conversation(id)?;
    if !yes {
        if !super::stdin_is_terminal() {
            bail!("refusing to delete conversation {id} without confirmation: pass --yes");
        }
        eprint!(
            "Delete conversation {id} \"{}\" and all its messages? [y/N] ",
            crate::sanitize::for_terminal_line(&conversation.title)
        );
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            eprintln!("kept conversation {id}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    service.delete(id)?;
    eprintln!("deleted conversation {id}");
    Ok(ExitCode::SUCCESS)
}

pub fn archive(service: &Service, id: i64, archived: bool) -> Result<ExitCode> {
    service.set_archived(id, archived)?;
    let what = if archived { "archived" } else { "unarchived" };
    eprintln!("{what} conversation {id}");
    Ok(ExitCode::SUCCESS)
}
