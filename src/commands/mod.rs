//! Command handlers: one module per group of subcommands, all returning
//! `anyhow::Result` so failures reach `main` as one line for the user.

mod ask;
mod browse;
mod report;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::service::Service;

/// Runs the parsed command line; the exit code on success (130 after Ctrl+C).
pub fn run(cli: Cli) -> Result<ExitCode> {
    let settings = Settings::resolve(&cli.global)?;
    let Some(command) = cli.command else {
        anyhow::bail!("the terminal interface is not built yet; use `interviewer ask`");
    };
    match command {
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "interviewer", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
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
        other => anyhow::bail!("`{}` is not built yet", command_name(&other)),
    }
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Ask(_) => "ask",
        Command::List { .. } => "list",
        Command::Show { .. } => "show",
        Command::Export(_) => "export",
        Command::Search { .. } => "search",
        Command::Rename { .. } => "rename",
        Command::Delete { .. } => "delete",
        Command::Archive { .. } => "archive",
        Command::Report { .. } => "report",
        Command::Stats { .. } => "stats",
        Command::Import { .. } => "import",
        Command::Key { .. } => "key",
        Command::Config { .. } => "config",
        Command::Completions { .. } => "completions",
        Command::GenerateFixture { .. } => "generate-fixture",
    }
}

/// Opens the service on the data directory.
pub(crate) fn open(settings: Settings) -> Result<Service> {
    Ok(Service::open(settings)?)
}

/// An error and its causes on one line, without repeating a cause the message
/// already contains.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
    }
    line.replace(['\n', '\r'], " ")
}

/// Whether stdin is an interactive terminal (confirmations, prompts).
pub(crate) fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}
