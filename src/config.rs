//! Settings: the config file, environment and flags folded into one `Settings` value.
//! Precedence: flags > environment > config file > defaults.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::GlobalArgs;

pub const DEFAULT_API_BASE: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";
pub const DEFAULT_PERSONA: &str = "career-interviewer";

/// Bounds on waiting for the network; a stalled stream ends as interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP/TLS connection.
    pub connect: Duration,
    /// From sending the request to the first token.
    pub first_token: Duration,
    /// Between two chunks of a stream.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            first_token: Duration::from_secs(60),
            idle: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    /// Environment overrides, seconds (fractions allowed):
    /// `INTERVIEWER_CONNECT_TIMEOUT_SECS`, `INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS`,
    /// `INTERVIEWER_IDLE_TIMEOUT_SECS`. Undocumented knobs for tests and odd networks.
    pub fn with_env_overrides(mut self) -> Result<Timeouts, ConfigError> {
        for (var, slot) in [
            ("INTERVIEWER_CONNECT_TIMEOUT_SECS", &mut self.connect),
            (
                "INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS",
                &mut self.first_token,
            ),
            ("INTERVIEWER_IDLE_TIMEOUT_SECS", &mut self.idle),
        ] {
            if let Ok(value) = std::env::var(var) {
                *slot = parse_secs(&value).ok_or(ConfigError::BadTimeout { var, value })?;
            }
        }
        Ok(self)
    }
}

fn parse_secs(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs > 0.0 && secs < 1e9).then(|| Duration::from_secs_f64(secs))
}

/// Everything the program needs to know about where and how to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub api_base: String,
    pub model: String,
    pub offline: bool,
    pub persona: String,
    pub timeouts: Timeouts,
    /// Colours off (NO_COLOR or config).
    pub no_color: bool,
}

/// Settings could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no data directory could be found for this user; pass --data-dir or set INTERVIEWER_DATA_DIR"
    )]
    NoDataDir,
    #[error("{var}={value:?} is not a number of seconds greater than zero")]
    BadTimeout { var: &'static str, value: String },
}

/// The OS data directory for this program (e.g. `~/.local/share/interviewer`).
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "interviewer").map(|d| d.data_dir().to_path_buf())
}

impl Settings {
    /// Folds flags/environment (already merged by clap) over the defaults.
    pub fn resolve(global: &GlobalArgs) -> Result<Settings, ConfigError> {
        let data_dir = match &global.data_dir {
            Some(d) => d.clone(),
            None => default_data_dir().ok_or(ConfigError::NoDataDir)?,
        };
        Ok(Settings {
            data_dir,
            api_base: non_empty(global.api_base.clone())
                .unwrap_or_else(|| DEFAULT_API_BASE.to_string()),
            model: non_empty(global.model.clone()).unwrap_or_else(|| DEFAULT_MODEL.to_string()),
            offline: global.offline,
            persona: DEFAULT_PERSONA.to_string(),
            timeouts: Timeouts::default().with_env_overrides()?,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        })
    }

    /// Where logs and crash reports go.
    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}
