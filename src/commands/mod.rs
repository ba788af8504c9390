//! The CLI face: one module per group of subcommands, each a few lines over the
//! service (`crate::service`) plus the printing, all returning `anyhow::Result` so
//! failures reach `main` as one line for the user.
//!
//! Commands never touch the store, the secrets module or the agent's I/O: whatever
//! they need, the service does, the same way it does for the TUI. `emit` writes a
//! command's output (a closed pipe is success).

mod ask;
mod browse;
mod config_cmd;
mod drill;
mod fixture;
mod key;
mod models;
mod report;
mod review;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, Command, ConfigAction, KeyAction};
use crate::config::Settings;
use crate::service::Service;

/// Runs the parsed command line; the exit code on success (130 after Ctrl+C).
pub fn run(cli: Cli) -> Result<ExitCode> {
    // These work whatever the config file holds: `config path` is how a user finds
    // a broken file.
    match &cli.command {
        Some(Command::Completions { shell }) => return completions(*shell),
        Some(Command::Config {
            action: ConfigAction::Path,
        }) => return config_cmd::path(),
        _ => {}
    }
    let settings = match Settings::resolve(&cli.global) {
        Ok(settings) => settings,
        // `--profile NAME` naming no profile is a usage error (DESIGN.md: exit 2).
        Err(
            e @ crate::config::ConfigError::UnknownProfile {
                from_command_line: true,
                ..
            },
        ) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    for warning in &settings.warnings {
        eprintln!("warning: {warning}");
    }
    if needs_key(cli.command.as_ref(), &settings)
        && !crate::service::backend::key_not_needed(&settings)
    {
        check_keyring_when_no_env_key(&settings)?;
    }
    let Some(command) = cli.command else {
        return crate::tui::run(settings);
    };
    match command {
        Command::Ask(args) => ask::run(settings, args),
        Command::List { json, archived } => browse::list(&open(settings)?, json, archived),
        Command::Rename { id, title } => browse::rename(&open(settings)?, id, &title),
        Command::Delete { id, yes } => browse::delete(&open(settings)?, id, yes),
        Command::Archive { id, undo } => browse::archive(&open(settings)?, id, !undo),
        Command::Report {
            id,
            regenerate,
            json,
        } => report::report(settings, id, regenerate, json),
        Command::Stats { json } => report::stats(&open(settings)?, json),
        Command::Drill(args) => drill::run(settings, &args),
        Command::Models { json } => models::run(&settings, json),
        Command::Show { id, format } => review::show(&open(settings)?, id, format),
        Command::Export(args) => review::export(&open(settings)?, &args),
        Command::Search { query, json } => review::search(&open(settings)?, &query, json),
        Command::Import { file } => review::import(&open(settings)?, &file),
        Command::Key { action } => match action {
            KeyAction::Set => key::set(&settings),
            KeyAction::Status => key::status(&settings),
            KeyAction::Delete => key::delete(&settings),
        },
        Command::Config { action } => match action {
            ConfigAction::Path => config_cmd::path(),
            ConfigAction::Show => config_cmd::show(&settings),
        },
        Command::Completions { shell } => completions(shell),
        Command::GenerateFixture {
            conversations,
            messages,
        } => fixture::run(&settings, conversations, messages),
    }
}

fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "interviewer", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

/// Whether the command needs an API key to do anything (`report` does not: a stored
/// report shows without one).
fn needs_key(command: Option<&Command>, settings: &Settings) -> bool {
    !settings.offline && matches!(command, Some(Command::Ask(_) | Command::Models { .. }))
}

/// Without `OPENAI_API_KEY` the key must come from the keyring; when the keyring
/// cannot be read, stop with one line that says why, instead of a bare "no API key".
/// A key that is not usable (a control character in `OPENAI_API_KEY`) stops here
/// too, before any request could panic on it. The TUI shows the same on its own
/// screen instead. Not asked for a server on this machine or a private network,
/// which is asked without a key when there is none.
fn check_keyring_when_no_env_key(settings: &Settings) -> Result<()> {
    let lookup = crate::service::backend::Keys::for_settings(settings).lookup();
    if let Some(unusable) = lookup.unusable {
        anyhow::bail!("{unusable}");
    }
    match (lookup.key, lookup.keyring_error) {
        (None, Some(problem)) => {
            problem.log("reading the API key");
            anyhow::bail!(
                "no API key: OPENAI_API_KEY is not set and {} (or use --offline; `interviewer key set` works once a keyring is reachable)",
                problem.sentence()
            )
        }
        _ => Ok(()),
    }
}

/// Opens the service on the data directory.
pub(crate) fn open(settings: Settings) -> Result<Service> {
    Ok(Service::open(settings)?)
}

/// An error and its causes on one line, without repeating a cause the message
/// already contains, sanitised: a file name or server message with escape
/// sequences in it prints them harmlessly (`sanitize::for_terminal_line`).
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    crate::sanitize::for_terminal_line(&line)
}

/// Writes a command's output to stdout in one go. A reader that went away
/// (`interviewer list | head`) is not an error.
pub(crate) fn emit(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Whether an error is a closed pipe on output, wherever in its chain (also inside
/// a JSON writer's error): the reader went away, which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Whether stdin is an interactive terminal (confirmations, prompts).
pub(crate) fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}
