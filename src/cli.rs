//! Command-line definitions (clap). Only the shape of the interface lives here; the
//! handlers are in `commands/`. It names domain types (interview types, personas)
//! and nothing else of ours.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "interviewer",
    version,
    about = "Practise job interviews with an AI interviewer, and review them offline",
    long_about = "Practise job interviews with an AI interviewer in your terminal.\n\n\
        Run with no subcommand for the full-screen interface. Without an API key it \
        starts in offline practice mode with a built-in question bank."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand takes.
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Where the database and logs live [default: the OS data directory]
    #[arg(long, global = true, env = "INTERVIEWER_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// OpenAI-compatible API base URL [default: https://api.openai.com/v1]
    #[arg(long, global = true, env = "OPENAI_BASE_URL", value_name = "URL")]
    pub api_base: Option<String>,

    /// Model name [default: gpt-4o-mini]
    #[arg(long, global = true, env = "INTERVIEWER_MODEL", value_name = "NAME")]
    pub model: Option<String>,

    /// Never touch the network: the built-in question bank plays the interviewer
    #[arg(long, global = true)]
    pub offline: bool,

    /// Use the endpoint `[profiles.NAME]` of the config file (its API base, model
    /// and key)
    #[arg(long, global = true, env = "INTERVIEWER_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send one message and stream the reply to stdout
    Ask(AskArgs),
    /// List conversations
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
        /// List archived conversations instead
        #[arg(long)]
        archived: bool,
    },
    /// Show one conversation
    Show {
        /// Conversation id (from `list`)
        id: i64,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Export one conversation, or all of them
    Export(ExportArgs),
    /// Full-text search over every message and title
    Search {
        /// Words, "a phrase" or prefix* terms
        query: String,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Rename a conversation
    Rename {
        id: i64,
        /// The new title
        title: String,
    },
    /// Delete a conversation and everything in it
    Delete {
        id: i64,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Archive a conversation (hidden from `list` unless --archived)
    Archive {
        id: i64,
        /// Bring it back from the archive instead
        #[arg(long)]
        undo: bool,
    },
    /// End-of-interview feedback report for a conversation
    Report {
        id: i64,
        /// Evaluate again even if a report exists
        #[arg(long)]
        regenerate: bool,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// The models the configured server offers (GET /models), the one in use marked
    Models {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Practise one question: answer, get feedback, try again (weak spots first)
    #[command(long_about = DRILL_LONG_ABOUT)]
    Drill(DrillArgs),
    /// Interviews held and score trends
    Stats {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Read back a JSON export (idempotent)
    Import {
        /// A file written by `export --format json`
        file: PathBuf,
    },
    /// Manage the API key in the OS keyring
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Where the configuration file is and what is in effect
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
    /// Write a synthetic database for benchmarks (hidden)
    #[command(hide = true)]
    GenerateFixture {
        #[arg(long, default_value_t = 10_000)]
        conversations: usize,
        #[arg(long, default_value_t = 100)]
        messages: usize,
    },
}

const DRILL_LONG_ABOUT: &str = "Practise one question: answer it, get feedback on that \
    answer at once (the points a good answer covers and misses, a 1-5 score with the words \
    that earned it, one next step), then try again and see before and after side by side.\n\n\
    With no options, the most overdue weak spot comes first: a question answered poorly \
    (score 2 or less in a report or a drill) or a competency scored low comes back after 1, \
    3 and 7 days; a good answer (4 or 5) moves it on, a poor one starts it again. Otherwise, \
    or with --type and --competency, a question from the built-in bank.\n\n\
    Type the answer, then a line holding only '.' (or Ctrl+D). After the feedback, type a \
    better answer the same way to try again, or just '.' (or Ctrl+D) to finish. Piped \
    input works the same way: answers separated by lines holding only '.'.\n\n\
    With a key the model judges the answer; offline (or with no key) the heuristic scorer \
    does. The drill is kept as a conversation (see `list`).";

/// `drill`: which question to practise.
#[derive(Debug, Args)]
pub struct DrillArgs {
    /// Interview type of the question
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub interview_type: Option<TypeArg>,
    /// Competency to work on: structure, relevance, depth, "evidence & impact",
    /// communication
    #[arg(long, value_name = "NAME")]
    pub competency: Option<String>,
    /// Print the feedback as JSON when the drill ends (prompts go to stderr)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Continue this conversation (sends its history)
    #[arg(long, value_name = "ID")]
    pub conversation: Option<i64>,

    #[command(flatten)]
    pub setup: SetupArgs,

    /// Print the reply's text exactly as received, control characters and escape
    /// sequences included (by default they are neutralised, on a terminal or not,
    /// as `show` does; the stored reply is exact either way)
    #[arg(long)]
    pub raw: bool,

    /// The message, or - to read it from stdin
    pub message: String,
}

/// How a new interview is set up.
#[derive(Debug, Args, Clone, Default)]
pub struct SetupArgs {
    /// Interviewer persona
    #[arg(long, value_name = "NAME", help = persona_help(), long_help = persona_long_help())]
    pub persona: Option<String>,
    /// Target role, e.g. "Backend engineer"
    #[arg(long, value_name = "TEXT")]
    pub role: Option<String>,
    /// Seniority, e.g. junior, senior, staff
    #[arg(long, value_name = "TEXT")]
    pub seniority: Option<String>,
    /// Interview type
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub interview_type: Option<TypeArg>,
    /// Number of main questions
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(
        i64::from(crate::domain::MIN_QUESTIONS)..=i64::from(crate::domain::MAX_QUESTIONS)
    ))]
    pub questions: Option<u32>,
    /// Job description file
    #[arg(long, value_name = "FILE")]
    pub jd: Option<PathBuf>,
    /// CV / resume file
    #[arg(long, value_name = "FILE")]
    pub cv: Option<PathBuf>,
    /// Offline practice: bring back questions you answered weakly before, instead of
    /// ones new to you
    #[arg(long)]
    pub retry_weak: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TypeArg {
    #[value(alias = "behavioural")]
    Behavioral,
    Technical,
    SystemDesign,
    Hr,
    General,
}

impl From<TypeArg> for crate::domain::InterviewType {
    fn from(t: TypeArg) -> Self {
        use crate::domain::InterviewType as T;
        match t {
            TypeArg::Behavioral => T::Behavioral,
            TypeArg::Technical => T::Technical,
            TypeArg::SystemDesign => T::SystemDesign,
            TypeArg::Hr => T::Hr,
            TypeArg::General => T::General,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Conversation id
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<i64>,
    /// Export every conversation
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = ExportFormat::Md)]
    pub format: ExportFormat,
    /// Write to this file instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ShowFormat {
    Text,
    Md,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Md,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Store the API key in the OS keyring (read from stdin or a no-echo prompt)
    Set,
    /// Say where the key comes from
    Status,
    /// Remove the key from the OS keyring
    Delete,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the configuration file's path
    Path,
    /// Print the settings in effect (key masked)
    Show,
}

/// `--persona` help: the registered names, so the list can never drift from the registry.
fn persona_help() -> String {
    let names: Vec<&str> = crate::domain::persona::PERSONAS
        .iter()
        .map(|p| p.name)
        .collect();
    format!("Interviewer persona: {}", names.join(", "))
}

/// `--persona` long help (`--help`): each persona with its one-line description.
fn persona_long_help() -> String {
    let mut text = String::from("Interviewer persona, one of:");
    for p in crate::domain::persona::PERSONAS {
        text.push_str(&format!("\n  {:<20} {}", p.name, p.description));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn export_needs_an_id_or_all() {
        assert!(Cli::try_parse_from(["interviewer", "export"]).is_err());
        assert!(Cli::try_parse_from(["interviewer", "export", "--all"]).is_ok());
        assert!(Cli::try_parse_from(["interviewer", "export", "3", "--all"]).is_err());
    }

    #[test]
    fn global_flags_go_anywhere() {
        let cli = Cli::try_parse_from(["interviewer", "list", "--offline", "--data-dir", "/x"])
            .expect("parse");
        assert!(cli.global.offline);
        assert_eq!(
            cli.global.data_dir.as_deref(),
            Some(std::path::Path::new("/x"))
        );
    }
}
