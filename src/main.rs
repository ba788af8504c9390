//! Entry point: parse the command line, set up logging, dispatch to a command.

use std::process::ExitCode;

use clap::Parser;
use interviewer::cli::Cli;
use interviewer::commands;

fn main() -> ExitCode {
    // clap exits 2 on usage errors and 0 for --help/--version.
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", commands::one_line(&err));
            ExitCode::from(1)
        }
    }
}
