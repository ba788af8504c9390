//! Entry point: parse the command line, set up logging and the crash handler,
//! dispatch to a command.

use std::process::ExitCode;

use clap::Parser;
use interviewer::cli::{Cli, Command};
use interviewer::config::Settings;
use interviewer::{commands, crash, logging};

fn main() -> ExitCode {
    // clap exits 2 on usage errors and 0 for --help/--version.
    let cli = Cli::parse();
    // Shell completions go to a script: no data directory, no log, no warning.
    if !matches!(cli.command, Some(Command::Completions { .. })) {
        // An unresolvable data directory is reported by the command itself.
        let logs_dir = Settings::resolve(&cli.global).ok().map(|s| s.logs_dir());
        crash::install(logs_dir.clone());
        interviewer::service::backend::scrub_env_key();
        if let Some(dir) = logs_dir
            && let Err(err) = logging::init(&dir)
            && cli.command.is_some()
        {
            // The TUI (no subcommand) owns the terminal: it runs without a log silently.
            eprintln!("warning: {err}");
        }
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            pid = std::process::id(),
            "started"
        );
        crash::panic_if_requested();
    }
    match commands::run(cli) {
        Ok(code) => code,
        // A reader that went away (`interviewer list | head`) is not an error.
        Err(err) if commands::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", commands::one_line(&err));
            ExitCode::from(1)
        }
    }
}
