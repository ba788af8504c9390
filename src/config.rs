//! Settings: the config file, environment and flags folded into one `Settings` value.
//! Precedence: flags > environment > config file > defaults. It reads files and the
//! environment but never the API key (that is `secrets`, through the service) and
//! knows nothing of the store or the faces.
//!
//! clap has already merged flags and their environment variables into `GlobalArgs`;
//! the file (`config.toml` in the OS config directory, or `INTERVIEWER_CONFIG`) fills
//! what is still unset. The file's format is described in `docs/configuration.md`.

mod file;
mod theme;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use file::{ConfigFile, FileError, KeyNeed, ProfileFile, UnknownKey, valid_profile_name};
pub use theme::{Theme, color_name, parse_color};
pub use write::{WriteError as ConfigWriteError, remember_endpoint};

use crate::cli::GlobalArgs;
use crate::domain::persona::DEFAULT_PERSONA;
use crate::domain::{InterviewSetup, InterviewType};

pub const DEFAULT_API_BASE: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// Names a config file other than the one in the OS config directory (tests, several
/// profiles).
pub const CONFIG_ENV: &str = "INTERVIEWER_CONFIG";

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

/// Bounds on one reply (`[limits]` in the file): what a server may send before the
/// reply is cut off, so memory, disk and CPU stay bounded whatever it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sent as `max_tokens`: the most tokens the model may write in one reply.
    pub max_tokens: u32,
    /// The most bytes of one reply kept; past it the reply is cut off and kept as
    /// `interrupted`.
    pub max_reply_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_tokens: 4096,
            max_reply_bytes: 1_000_000,
        }
    }
}

/// Defaults for setting up a new interview (`[interview]` in the file); the setup
/// flags of `ask` and the TUI's setup form take precedence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewDefaults {
    pub interview_type: Option<InterviewType>,
    pub role: Option<String>,
    pub seniority: Option<String>,
    pub questions: Option<u32>,
}

impl InterviewDefaults {
    /// The setup of a new interview: what the user gave, completed from these
    /// defaults. `type_given` says whether the user chose the type, since
    /// `InterviewSetup` cannot tell an explicit `general` from none.
    pub fn complete(
        &self,
        given: Option<InterviewSetup>,
        type_given: bool,
    ) -> Option<InterviewSetup> {
        if *self == InterviewDefaults::default() {
            return given;
        }
        let mut setup = given.unwrap_or_default();
        if let (false, Some(t)) = (type_given, self.interview_type) {
            setup.interview_type = t;
        }
        if setup.role.is_none() {
            setup.role = self.role.clone();
        }
        if setup.seniority.is_none() {
            setup.seniority = self.seniority.clone();
        }
        if setup.questions.is_none() {
            setup.questions = self.questions;
        }
        Some(setup)
    }
}

/// Where a setting's value came from (for `config show`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    File,
    /// The named environment variable.
    Environment(&'static str),
    CommandLine,
    /// The active profile's table in the config file (`[profiles.NAME]`).
    Profile,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File => f.write_str("config file"),
            Source::Environment(var) => write!(f, "environment {var}"),
            Source::CommandLine => f.write_str("command line"),
            Source::Profile => f.write_str("profile"),
        }
    }
}

impl Timeouts {
    /// Environment overrides, seconds (fractions allowed):
    /// `INTERVIEWER_CONNECT_TIMEOUT_SECS`, `INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS`,
    /// `INTERVIEWER_IDLE_TIMEOUT_SECS`. Knobs for tests and odd networks; they beat
    /// the config file's `[timeouts]`.
    pub fn with_env_overrides(self) -> Result<Timeouts, ConfigError> {
        self.with_overrides_from(&|var| std::env::var(var).ok())
    }

    fn with_overrides_from(
        mut self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Timeouts, ConfigError> {
        let [connect, first_token, idle] = Timeouts::ENV_VARS;
        for (var, slot) in [
            (connect, &mut self.connect),
            (first_token, &mut self.first_token),
            (idle, &mut self.idle),
        ] {
            if let Some(value) = env(var) {
                *slot = parse_secs(&value).ok_or(ConfigError::BadTimeout { var, value })?;
            }
        }
        Ok(self)
    }

    /// The variables [`Timeouts::with_env_overrides`] reads.
    const ENV_VARS: [&'static str; 3] = [
        "INTERVIEWER_CONNECT_TIMEOUT_SECS",
        "INTERVIEWER_FIRST_TOKEN_TIMEOUT_SECS",
        "INTERVIEWER_IDLE_TIMEOUT_SECS",
    ];
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
    /// The active profile (`--profile`, `INTERVIEWER_PROFILE`); `None`: the
    /// default one, the file's top-level settings.
    pub profile: Option<String>,
    /// Whether the endpoint needs an API key (the profile's `key`).
    pub key_need: KeyNeed,
    /// The profiles the config file defines, by name.
    pub profiles: Vec<String>,
    /// Their tables, and the file's top-level `api_base` and `model` (the default
    /// profile), so the interface can switch profiles ([`Settings::with_profile`]).
    pub profile_defs: BTreeMap<String, ProfileFile>,
    pub top_api_base: Option<String>,
    pub top_model: Option<String>,
    /// Looking for a local server when there is no key and no API base.
    pub discovery: Discovery,
    pub offline: bool,
    /// Whether the API key may go to a plain `http://` address that is not on this
    /// machine (`allow_insecure_http_key` in the file; off by default).
    pub allow_insecure_http_key: bool,
    pub persona: String,
    pub timeouts: Timeouts,
    /// Bounds on one reply.
    pub limits: Limits,
    /// Colours off (NO_COLOR or `color = false` in the file); same as `!theme.color`.
    pub no_color: bool,
    /// Colours of the terminal interface.
    pub theme: Theme,
    /// Defaults for new interviews.
    pub interview: InterviewDefaults,
    /// The config file consulted (it may not exist); `None` when the OS has no config
    /// directory for this user and `INTERVIEWER_CONFIG` is unset.
    pub config_path: Option<PathBuf>,
    /// Whether that file existed and was read.
    pub config_loaded: bool,
    /// Non-fatal problems to show the user once (unknown keys in the file).
    pub warnings: Vec<String>,
    /// Where each top-level setting came from, by its name in the file.
    pub sources: BTreeMap<&'static str, Source>,
}

/// Settings could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no data directory could be found for this user; pass --data-dir or set INTERVIEWER_DATA_DIR"
    )]
    NoDataDir,
    #[error("cannot read the config file {}: {source}", path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "config file {}, line {}, column {}: {}; fix it or move the file away",
        path.display(), error.line, error.column, error.message
    )]
    Malformed { path: PathBuf, error: FileError },
    #[error("{var}={value:?} is not a number of seconds greater than zero")]
    BadTimeout { var: &'static str, value: String },
    #[error("{}", unknown_profile(name, known, path.as_deref()))]
    UnknownProfile {
        name: String,
        /// The profiles that exist.
        known: Vec<String>,
        /// The config file looked in.
        path: Option<PathBuf>,
        /// Named on the command line (a usage error) rather than by
        /// `INTERVIEWER_PROFILE`.
        from_command_line: bool,
    },
}

fn unknown_profile(name: &str, known: &[String], path: Option<&Path>) -> String {
    let file = path.map_or_else(
        || "the config file".to_string(),
        |p| p.display().to_string(),
    );
    let name = crate::sanitize::for_terminal_line(name);
    if known.is_empty() {
        format!(
            "there is no profile `{name}`: {file} defines no profiles (add a [profiles.{name}] table, see docs/configuration.md)"
        )
    } else {
        format!(
            "there is no profile `{name}` in {file}; the profiles are: {}",
            known.join(", ")
        )
    }
}

/// The OS data directory for this program (e.g. `~/.local/share/interviewer`).
pub fn default_data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().to_path_buf())
}

/// The config file: `INTERVIEWER_CONFIG` if set, else `config.toml` in the OS config
/// directory (e.g. `~/.config/interviewer/config.toml`).
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os(CONFIG_ENV) {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => project_dirs().map(|d| d.config_dir().join("config.toml")),
    }
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "interviewer")
}

/// Reads the config file at `path`; a missing file is an empty one.
pub fn load_file(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    file::parse(&text, dir)
        .map(Some)
        .map_err(|error| ConfigError::Malformed {
            path: path.to_path_buf(),
            error,
        })
}

/// Parses the text of a config file; `dir` anchors a relative `data_dir`.
pub fn parse_text(text: &str, dir: &Path) -> Result<ConfigFile, FileError> {
    file::parse(text, dir)
}

impl Settings {
    /// `global` over the defaults alone: no config file, no environment (tests, and
    /// tools that must not depend on the machine they run on).
    pub fn from_args(global: &GlobalArgs) -> Result<Settings, ConfigError> {
        Settings::merge(global, None, None, &|_| None, || None)
    }

    /// Folds flags/environment (already merged by clap) over the config file and the
    /// defaults.
    pub fn resolve(global: &GlobalArgs) -> Result<Settings, ConfigError> {
        let path = config_path();
        let file = match &path {
            Some(p) => load_file(p)?,
            None => None,
        };
        let env = |var: &str| std::env::var(var).ok();
        Settings::merge(global, path, file, &env, default_data_dir)
    }

    /// The merge itself, with the environment and the OS data directory passed in so
    /// that precedence is testable without touching the process environment.
    pub fn merge(
        global: &GlobalArgs,
        config_path: Option<PathBuf>,
        file: Option<ConfigFile>,
        env: &dyn Fn(&str) -> Option<String>,
        os_data_dir: fn() -> Option<PathBuf>,
    ) -> Result<Settings, ConfigError> {
        let config_loaded = file.is_some();
        let file = file.unwrap_or_default();
        let mut sources = BTreeMap::new();
        // A value in GlobalArgs came from the command line or from its variable; the
        // variable is named when it holds that same value.
        let given = |name: &'static str, var: &'static str, value: Option<String>| {
            value.map(|v| {
                let from_env = env(var).is_some_and(|e| e.trim() == v.trim());
                let source = if from_env {
                    Source::Environment(var)
                } else {
                    Source::CommandLine
                };
                (name, v, source)
            })
        };
        // The active profile: its table beats the file's top level.
        let (profile, chosen) = match given(
            "profile",
            "INTERVIEWER_PROFILE",
            non_empty(global.profile.clone()),
        ) {
            Some((_, name, source)) => match file.profiles.get(&name) {
                Some(p) => {
                    sources.insert("profile", source);
                    (Some(name), p.clone())
                }
                None => {
                    return Err(ConfigError::UnknownProfile {
                        name,
                        known: file.profiles.keys().cloned().collect(),
                        path: config_path,
                        from_command_line: source == Source::CommandLine,
                    });
                }
            },
            None => {
                sources.insert("profile", Source::Default);
                (None, ProfileFile::default())
            }
        };
        let from_file = |profile_value: Option<String>, top: Option<String>| {
            profile_value
                .map(|v| (v, Source::Profile))
                .or(top.map(|v| (v, Source::File)))
        };
        let mut pick = |name: &'static str,
                        flag: Option<(&'static str, String, Source)>,
                        from_file: Option<(String, Source)>,
                        default: &str| {
            let (value, source) = match (flag, from_file) {
                (Some((_, v, s)), _) => (v, s),
                (None, Some((v, s))) => (v, s),
                (None, None) => (default.to_string(), Source::Default),
            };
            sources.insert(name, source);
            value
        };

        let api_base = pick(
            "api_base",
            given(
                "api_base",
                "OPENAI_BASE_URL",
                non_empty(global.api_base.clone()),
            ),
            from_file(chosen.api_base.clone(), file.api_base.clone()),
            DEFAULT_API_BASE,
        );
        let model = pick(
            "model",
            given(
                "model",
                "INTERVIEWER_MODEL",
                non_empty(global.model.clone()),
            ),
            from_file(chosen.model.clone(), file.model.clone()),
            DEFAULT_MODEL,
        );
        let persona = pick(
            "persona",
            None,
            file.persona.map(|p| (p, Source::File)),
            DEFAULT_PERSONA,
        );
        let key_need = chosen.key.unwrap_or_default();
        let profiles: Vec<String> = file.profiles.keys().cloned().collect();
        let discovery = Discovery::from_env(env);

        let data_dir = match (&global.data_dir, file.data_dir) {
            (Some(d), _) if !d.as_os_str().is_empty() => {
                let var = "INTERVIEWER_DATA_DIR";
                let from_env = env(var).is_some_and(|e| Path::new(&e) == d);
                sources.insert(
                    "data_dir",
                    if from_env {
                        Source::Environment(var)
                    } else {
                        Source::CommandLine
                    },
                );
                d.clone()
            }
            (_, Some(d)) => {
                sources.insert("data_dir", Source::File);
                d
            }
            _ => {
                sources.insert("data_dir", Source::Default);
                os_data_dir().ok_or(ConfigError::NoDataDir)?
            }
        };

        // There is no `--online`: the flag can only switch offline mode on.
        let offline = if global.offline {
            sources.insert("offline", Source::CommandLine);
            true
        } else if let Some(o) = file.offline {
            sources.insert("offline", Source::File);
            o
        } else {
            sources.insert("offline", Source::Default);
            false
        };

        let allow_insecure_http_key = file.allow_insecure_http_key.unwrap_or(false);

        let defaults = Timeouts::default();
        let timeouts = Timeouts {
            connect: file.timeouts.connect.unwrap_or(defaults.connect),
            first_token: file.timeouts.first_token.unwrap_or(defaults.first_token),
            idle: file.timeouts.idle.unwrap_or(defaults.idle),
        }
        .with_overrides_from(env)?;
        let timeouts_source = match Timeouts::ENV_VARS.into_iter().find(|v| env(v).is_some()) {
            Some(var) => Source::Environment(var),
            None if file.timeouts != file::TimeoutsFile::default() => Source::File,
            None => Source::Default,
        };
        sources.insert("timeouts", timeouts_source);

        let default_limits = Limits::default();
        let limits = Limits {
            max_tokens: file.limits.max_tokens.unwrap_or(default_limits.max_tokens),
            max_reply_bytes: file
                .limits
                .max_reply_bytes
                .unwrap_or(default_limits.max_reply_bytes),
        };
        sources.insert(
            "limits",
            if file.limits != file::LimitsFile::default() {
                Source::File
            } else {
                Source::Default
            },
        );

        let base = Theme::default();
        let t = &file.theme;
        let mut theme = Theme {
            color: t.color.unwrap_or(base.color),
            accent: t.accent.unwrap_or(base.accent),
            user: t.user.unwrap_or(base.user),
            assistant: t.assistant.unwrap_or(base.assistant),
            muted: t.muted.unwrap_or(base.muted),
            error: t.error.unwrap_or(base.error),
        };
        let file_theme = file.theme != file::ThemeFile::default();
        sources.insert(
            "theme",
            if file_theme {
                Source::File
            } else {
                Source::Default
            },
        );
        // https://no-color.org: any non-empty value switches colours off.
        if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            theme = theme.without_color();
            sources.insert("theme", Source::Environment("NO_COLOR"));
        }

        let i = file.interview;
        let interview = InterviewDefaults {
            interview_type: i.interview_type,
            role: i.role,
            seniority: i.seniority,
            questions: i.questions,
        };
        let file_interview = interview != InterviewDefaults::default();
        sources.insert(
            "interview",
            if file_interview {
                Source::File
            } else {
                Source::Default
            },
        );

        let warnings = file
            .unknown
            .iter()
            .map(|u| {
                let path = config_path.as_deref().map_or_else(
                    || "the config file".to_string(),
                    |p| p.display().to_string(),
                );
                format!(
                    "unknown key `{}` in {path}, line {} (ignored; see docs/configuration.md)",
                    u.key, u.line
                )
            })
            .collect();

        Ok(Settings {
            data_dir,
            api_base,
            model,
            profile,
            key_need,
            profiles,
            profile_defs: file.profiles.clone(),
            top_api_base: file.api_base.clone(),
            top_model: file.model.clone(),
            discovery,
            offline,
            allow_insecure_http_key,
            persona,
            timeouts,
            limits,
            no_color: !theme.color,
            theme,
            interview,
            config_path,
            config_loaded,
            warnings,
            sources,
        })
    }

    /// These settings with another profile active (`None`: the default one, the
    /// file's top level), as `--profile` would have chosen it: the profile's
    /// `api_base`, `model` and `key`, under the same precedence (a flag or variable
    /// that set the API base or the model still wins).
    pub fn with_profile(&self, name: Option<&str>) -> Result<Settings, ConfigError> {
        let def = match name {
            None => ProfileFile::default(),
            Some(n) => match self.profile_defs.get(n) {
                Some(def) => def.clone(),
                None => {
                    return Err(ConfigError::UnknownProfile {
                        name: n.to_string(),
                        known: self.profiles.clone(),
                        path: self.config_path.clone(),
                        from_command_line: false,
                    });
                }
            },
        };
        let mut s = self.clone();
        s.profile = name.map(str::to_string);
        s.key_need = def.key.unwrap_or_default();
        s.sources.insert(
            "profile",
            if name.is_some() {
                Source::CommandLine
            } else {
                Source::Default
            },
        );
        let given = |src: Source| matches!(src, Source::CommandLine | Source::Environment(_));
        if !given(self.source_of("api_base")) {
            let (value, source) = match (def.api_base, &self.top_api_base) {
                (Some(v), _) => (v, Source::Profile),
                (None, Some(v)) => (v.clone(), Source::File),
                (None, None) => (DEFAULT_API_BASE.to_string(), Source::Default),
            };
            s.api_base = value;
            s.sources.insert("api_base", source);
        }
        if !given(self.source_of("model")) {
            let (value, source) = match (def.model, &self.top_model) {
                (Some(v), _) => (v, Source::Profile),
                (None, Some(v)) => (v.clone(), Source::File),
                (None, None) => (DEFAULT_MODEL.to_string(), Source::Default),
            };
            s.model = value;
            s.sources.insert("model", source);
        }
        Ok(s)
    }

    /// Every endpoint the interface can switch to: the default profile first,
    /// then the file's profiles by name, each as [`Settings::with_profile`] makes it.
    pub fn endpoints(&self) -> Vec<Endpoint> {
        std::iter::once(None)
            .chain(self.profiles.iter().map(|p| Some(p.as_str())))
            .filter_map(|name| self.with_profile(name).ok())
            .map(|s| Endpoint {
                profile: s.profile.clone(),
                api_base: s.api_base.clone(),
                model: s.model.clone(),
                key_need: s.key_need,
            })
            .collect()
    }

    /// Whether a local server is looked for at start: discovery is on, and
    /// nothing chose an endpoint (no profile, no API base from a flag, the
    /// environment or the file, not offline). The key is the caller's to check.
    pub fn discovery_applies(&self) -> bool {
        self.discovery.enabled
            && !self.offline
            && self.profile.is_none()
            && self.source_of("api_base") == Source::Default
    }

    /// Where logs and crash reports go.
    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// Whether the model was named on the command line for this run (`--model`),
    /// which then beats a conversation's own model.
    pub fn model_given(&self) -> bool {
        self.source_of("model") == Source::CommandLine
    }

    /// Where a setting (by its name in the file) came from.
    pub fn source_of(&self, name: &str) -> Source {
        self.sources.get(name).copied().unwrap_or(Source::Default)
    }
}

/// One endpoint the interface can switch to (see [`Settings::endpoints`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `None`: the default profile (the file's top level).
    pub profile: Option<String>,
    pub api_base: String,
    pub model: String,
    pub key_need: KeyNeed,
}

/// Turns discovery off, or (a test hook) points it at other ports.
pub const DISCOVER_ENV: &str = "INTERVIEWER_DISCOVER";
/// The time discovery may take, in milliseconds (a test hook).
pub const DISCOVER_TIMEOUT_ENV: &str = "INTERVIEWER_DISCOVER_TIMEOUT_MS";

/// Looking for a local OpenAI-compatible server at start (the interface's welcome
/// screen only): which ports of 127.0.0.1, and for how long in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    pub enabled: bool,
    pub ports: Vec<u16>,
    /// For all ports together: connecting and `GET /v1/models`.
    pub limit: Duration,
}

impl Discovery {
    /// The usual ports: Ollama, llama.cpp's server, LM Studio, vLLM.
    pub const PORTS: [u16; 4] = [11434, 8080, 1234, 8000];
    pub const LIMIT: Duration = Duration::from_millis(500);

    /// `INTERVIEWER_DISCOVER=off` (or `0`, `false`, `no`) turns discovery off; a
    /// comma-separated list of ports replaces the usual ones.
    /// `INTERVIEWER_DISCOVER_TIMEOUT_MS` sets the limit. Anything unreadable in
    /// either keeps the default.
    fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Discovery {
        let mut d = Discovery {
            enabled: true,
            ports: Discovery::PORTS.to_vec(),
            limit: Discovery::LIMIT,
        };
        if let Some(value) = env(DISCOVER_ENV).map(|v| v.trim().to_lowercase()) {
            if matches!(value.as_str(), "off" | "0" | "false" | "no") {
                d.enabled = false;
            } else {
                let ports: Option<Vec<u16>> = value
                    .split(',')
                    .map(|p| p.trim().parse::<u16>().ok().filter(|&p| p > 0))
                    .collect();
                if let Some(ports) = ports.filter(|p| !p.is_empty()) {
                    d.ports = ports;
                }
            }
        }
        if let Some(ms) = env(DISCOVER_TIMEOUT_ENV)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&ms| ms > 0 && ms <= 600_000)
        {
            d.limit = Duration::from_millis(ms);
        }
        d
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn os_dir() -> Option<PathBuf> {
        Some(PathBuf::from("/os/data"))
    }

    fn file(text: &str) -> ConfigFile {
        match file::parse(text, Path::new("/cfg")) {
            Ok(f) => f,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn merge(
        global: &GlobalArgs,
        f: Option<ConfigFile>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Settings {
        match Settings::merge(
            global,
            Some(PathBuf::from("/cfg/config.toml")),
            f,
            env,
            os_dir,
        ) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn defaults_without_file_or_flags() {
        let s = merge(&GlobalArgs::default(), None, &no_env);
        assert_eq!(s.model, DEFAULT_MODEL);
        assert_eq!(s.api_base, DEFAULT_API_BASE);
        assert_eq!(s.persona, DEFAULT_PERSONA);
        assert_eq!(s.data_dir, PathBuf::from("/os/data"));
        assert!(!s.offline);
        assert_eq!(s.timeouts, Timeouts::default());
        assert_eq!(s.theme, Theme::default());
        assert!(!s.no_color);
        assert!(!s.config_loaded);
        assert!(s.warnings.is_empty());
        assert_eq!(s.source_of("model"), Source::Default);
    }

    #[test]
    fn the_file_fills_what_flags_and_environment_leave_unset() {
        let f = file(
            "model = \"file-model\"\napi_base = \"http://file/v1\"\noffline = true\ndata_dir = \"/file/data\"\n[timeouts]\nidle_secs = 7\n[theme]\naccent = \"red\"\n[interview]\nquestions = 3\n",
        );
        let s = merge(&GlobalArgs::default(), Some(f), &no_env);
        assert_eq!(s.model, "file-model");
        assert_eq!(s.api_base, "http://file/v1");
        assert!(s.offline);
        assert_eq!(s.data_dir, PathBuf::from("/file/data"));
        assert_eq!(s.timeouts.idle, Duration::from_secs(7));
        assert_eq!(s.timeouts.connect, Timeouts::default().connect);
        assert_eq!(s.theme.accent, Color::Red);
        assert_eq!(s.interview.questions, Some(3));
        assert!(s.config_loaded);
        for name in [
            "model",
            "api_base",
            "offline",
            "data_dir",
            "timeouts",
            "theme",
            "interview",
        ] {
            assert_eq!(s.source_of(name), Source::File, "{name}");
        }
    }

    #[test]
    fn flags_and_environment_beat_the_file() {
        let f = file(
            "model = \"file-model\"\napi_base = \"http://file/v1\"\ndata_dir = \"/file/data\"\n",
        );
        let global = GlobalArgs {
            data_dir: Some(PathBuf::from("/flag/data")),
            api_base: Some("http://env/v1".into()),
            model: Some("flag-model".into()),
            offline: false,
            profile: None,
        };
        let env = |var: &str| (var == "OPENAI_BASE_URL").then(|| "http://env/v1".to_string());
        let s = merge(&global, Some(f), &env);
        assert_eq!(s.model, "flag-model");
        assert_eq!(s.api_base, "http://env/v1");
        assert_eq!(s.data_dir, PathBuf::from("/flag/data"));
        assert_eq!(s.source_of("model"), Source::CommandLine);
        assert_eq!(
            s.source_of("api_base"),
            Source::Environment("OPENAI_BASE_URL")
        );
        assert_eq!(s.source_of("data_dir"), Source::CommandLine);
    }

    const PROFILES: &str = "model = \"top-model\"\napi_base = \"https://top/v1\"\n\
        [profiles.local]\napi_base = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3.1:8b\"\nkey = \"none\"\n\
        [profiles.work]\napi_base = \"https://gateway.example/v1\"\nkey = \"required\"\n";

    fn with_profile(name: &str) -> GlobalArgs {
        GlobalArgs {
            profile: Some(name.into()),
            ..GlobalArgs::default()
        }
    }

    #[test]
    fn a_profile_fills_what_flags_and_environment_leave_unset_before_the_top_level() {
        // No profile: the top level is the default profile.
        let s = merge(&GlobalArgs::default(), Some(file(PROFILES)), &no_env);
        assert_eq!(s.profile, None);
        assert_eq!(s.api_base, "https://top/v1");
        assert_eq!(s.key_need, KeyNeed::Auto);
        assert_eq!(s.profiles, ["local", "work"]);

        let s = merge(&with_profile("local"), Some(file(PROFILES)), &no_env);
        assert_eq!(s.profile.as_deref(), Some("local"));
        assert_eq!(s.api_base, "http://127.0.0.1:11434/v1");
        assert_eq!(s.model, "llama3.1:8b");
        assert_eq!(s.key_need, KeyNeed::None);
        assert_eq!(s.source_of("api_base"), Source::Profile);
        assert_eq!(s.source_of("profile"), Source::CommandLine);

        // What the profile leaves out comes from the top level.
        let s = merge(&with_profile("work"), Some(file(PROFILES)), &no_env);
        assert_eq!(s.api_base, "https://gateway.example/v1");
        assert_eq!(s.model, "top-model");
        assert_eq!(s.source_of("model"), Source::File);
        assert_eq!(s.key_need, KeyNeed::Required);

        // Flags and their variables beat the profile; INTERVIEWER_PROFILE chooses it.
        let env = |var: &str| match var {
            "INTERVIEWER_PROFILE" => Some("local".to_string()),
            "INTERVIEWER_MODEL" => Some("qwen2.5:7b".to_string()),
            _ => None,
        };
        let global = GlobalArgs {
            model: Some("qwen2.5:7b".into()),
            ..with_profile("local")
        };
        let s = merge(&global, Some(file(PROFILES)), &env);
        assert_eq!(s.model, "qwen2.5:7b");
        assert_eq!(
            s.source_of("model"),
            Source::Environment("INTERVIEWER_MODEL")
        );
        assert_eq!(s.api_base, "http://127.0.0.1:11434/v1");
        assert_eq!(
            s.source_of("profile"),
            Source::Environment("INTERVIEWER_PROFILE")
        );
    }

    /// Switching profile in the interface resolves as `--profile` would have.
    #[test]
    fn switching_profile_resolves_as_the_flag_would() {
        let start = merge(&GlobalArgs::default(), Some(file(PROFILES)), &no_env);
        for name in [Some("local"), Some("work"), None] {
            let switched = start.with_profile(name).expect("known profile");
            let global = name.map_or_else(GlobalArgs::default, with_profile);
            let direct = merge(&global, Some(file(PROFILES)), &no_env);
            assert_eq!(switched.profile, direct.profile);
            assert_eq!(switched.api_base, direct.api_base, "{name:?}");
            assert_eq!(switched.model, direct.model, "{name:?}");
            assert_eq!(switched.key_need, direct.key_need, "{name:?}");
            assert_eq!(switched.source_of("api_base"), direct.source_of("api_base"));
        }
        // A flag still wins over the profile switched to.
        let flagged = merge(
            &GlobalArgs {
                api_base: Some("https://flag/v1".into()),
                ..GlobalArgs::default()
            },
            Some(file(PROFILES)),
            &no_env,
        );
        let s = flagged.with_profile(Some("local")).expect("local");
        assert_eq!(s.api_base, "https://flag/v1");
        assert_eq!(s.model, "llama3.1:8b");
        assert!(matches!(
            start.with_profile(Some("nope")),
            Err(ConfigError::UnknownProfile { .. })
        ));
        let endpoints = start.endpoints();
        assert_eq!(
            endpoints
                .iter()
                .map(|e| (e.profile.as_deref(), e.api_base.as_str()))
                .collect::<Vec<_>>(),
            [
                (None, "https://top/v1"),
                (Some("local"), "http://127.0.0.1:11434/v1"),
                (Some("work"), "https://gateway.example/v1"),
            ]
        );
    }

    #[test]
    fn discovery_is_on_only_when_nothing_chose_an_endpoint() {
        let s = merge(&GlobalArgs::default(), None, &no_env);
        assert!(s.discovery_applies());
        assert_eq!(s.discovery.ports, Discovery::PORTS);
        let file_base = merge(
            &GlobalArgs::default(),
            Some(file("api_base = \"https://x/v1\"\n")),
            &no_env,
        );
        assert!(!file_base.discovery_applies());
        let profile = merge(&with_profile("local"), Some(file(PROFILES)), &no_env);
        assert!(!profile.discovery_applies());
        let offline = merge(
            &GlobalArgs {
                offline: true,
                ..GlobalArgs::default()
            },
            None,
            &no_env,
        );
        assert!(!offline.discovery_applies());
        let off = |var: &str| (var == DISCOVER_ENV).then(|| "off".to_string());
        assert!(!merge(&GlobalArgs::default(), None, &off).discovery_applies());
        let test_ports = |var: &str| match var {
            DISCOVER_ENV => Some("41234, 41235".to_string()),
            DISCOVER_TIMEOUT_ENV => Some("20000".to_string()),
            _ => None,
        };
        let s = merge(&GlobalArgs::default(), None, &test_ports);
        assert_eq!(s.discovery.ports, [41234, 41235]);
        assert_eq!(s.discovery.limit, Duration::from_secs(20));
        let junk = |var: &str| (var == DISCOVER_ENV).then(|| "11434,x".to_string());
        assert_eq!(
            merge(&GlobalArgs::default(), None, &junk).discovery.ports,
            Discovery::PORTS
        );
    }

    #[test]
    fn an_unknown_profile_names_the_ones_that_exist() {
        let r = Settings::merge(
            &with_profile("lcoal"),
            Some(PathBuf::from("/cfg/config.toml")),
            Some(file(PROFILES)),
            &no_env,
            os_dir,
        );
        match r {
            Err(
                e @ ConfigError::UnknownProfile {
                    from_command_line: true,
                    ..
                },
            ) => {
                let text = e.to_string();
                assert!(
                    text.contains("`lcoal`") && text.contains("local, work"),
                    "{text}"
                );
                assert!(!text.contains('\n'));
            }
            other => panic!("{other:?}"),
        }
        let env = |var: &str| (var == "INTERVIEWER_PROFILE").then(|| "x".to_string());
        let r = Settings::merge(&with_profile("x"), None, None, &env, os_dir);
        match r {
            Err(
                e @ ConfigError::UnknownProfile {
                    from_command_line: false,
                    ..
                },
            ) => assert!(e.to_string().contains("defines no profiles"), "{e}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn profiles_in_the_file_are_checked() {
        for (text, wanted) in [
            (
                "[profiles.a]\nkey = \"maybe\"\n",
                "\"required\" or \"none\"",
            ),
            ("[profiles.\"a b\"]\nmodel = \"m\"\n", "letters, digits"),
            ("[profiles.a]\napi_base = \"ftp://x\"\n", "api_base"),
            ("profiles = 3\n", "table"),
        ] {
            match file::parse(text, Path::new("/cfg")) {
                Err(e) => assert!(e.message.contains(wanted), "{text}: {}", e.message),
                Ok(f) => panic!("{text} accepted: {f:?}"),
            }
        }
        let f = file("[profiles.a]\nmodle = \"m\"\n");
        assert_eq!(f.unknown[0].key, "profiles.a.modle");
    }

    #[test]
    fn timeout_variables_beat_the_file() {
        let f = file("[timeouts]\nidle_secs = 7\nconnect_secs = 4\n");
        let env = |var: &str| (var == "INTERVIEWER_IDLE_TIMEOUT_SECS").then(|| "0.5".to_string());
        let s = merge(&GlobalArgs::default(), Some(f), &env);
        assert_eq!(s.timeouts.idle, Duration::from_millis(500));
        assert_eq!(s.timeouts.connect, Duration::from_secs(4));
        assert_eq!(
            s.source_of("timeouts"),
            Source::Environment("INTERVIEWER_IDLE_TIMEOUT_SECS")
        );
    }

    #[test]
    fn no_color_beats_the_theme() {
        let f = file("[theme]\ncolor = true\naccent = \"red\"\n");
        let env = |var: &str| (var == "NO_COLOR").then(|| "1".to_string());
        let s = merge(&GlobalArgs::default(), Some(f.clone()), &env);
        assert!(s.no_color);
        assert!(!s.theme.color);
        // An empty NO_COLOR does not count (no-color.org).
        let env = |var: &str| (var == "NO_COLOR").then(String::new);
        let s = merge(&GlobalArgs::default(), Some(f), &env);
        assert!(!s.no_color);
        let s = merge(
            &GlobalArgs::default(),
            Some(file("[theme]\ncolor = false\n")),
            &no_env,
        );
        assert!(s.no_color);
    }

    #[test]
    fn unknown_keys_become_warnings_naming_key_file_and_line() {
        let s = merge(
            &GlobalArgs::default(),
            Some(file("\nmodle = \"x\"\n")),
            &no_env,
        );
        assert_eq!(s.warnings.len(), 1);
        let w = &s.warnings[0];
        assert!(
            w.contains("`modle`") && w.contains("/cfg/config.toml") && w.contains("line 2"),
            "{w}"
        );
    }

    #[test]
    fn interview_defaults_fill_only_what_the_user_left_out() {
        let defaults = InterviewDefaults {
            interview_type: Some(InterviewType::Technical),
            role: Some("Data engineer".into()),
            seniority: Some("senior".into()),
            questions: Some(4),
        };
        let filled = defaults.complete(None, false).expect("a setup");
        assert_eq!(filled.interview_type, InterviewType::Technical);
        assert_eq!(filled.role.as_deref(), Some("Data engineer"));
        assert_eq!(filled.questions, Some(4));

        let given = InterviewSetup {
            role: Some("Designer".into()),
            interview_type: InterviewType::General,
            ..InterviewSetup::default()
        };
        let filled = defaults
            .complete(Some(given.clone()), true)
            .expect("a setup");
        assert_eq!(filled.role.as_deref(), Some("Designer"));
        assert_eq!(
            filled.interview_type,
            InterviewType::General,
            "chosen explicitly"
        );
        assert_eq!(filled.seniority.as_deref(), Some("senior"));

        assert_eq!(InterviewDefaults::default().complete(None, false), None);
        assert_eq!(
            InterviewDefaults::default().complete(Some(given.clone()), true),
            Some(given)
        );
    }

    #[test]
    fn no_data_dir_anywhere_is_an_error() {
        let r = Settings::merge(&GlobalArgs::default(), None, None, &no_env, || None);
        assert!(matches!(r, Err(ConfigError::NoDataDir)));
    }

    #[test]
    fn a_missing_file_is_no_file_and_a_broken_one_names_path_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        assert!(matches!(load_file(&path), Ok(None)));
        std::fs::write(&path, "model = \"a\"\nmodel = \"b\"\n").expect("write");
        let err = match load_file(&path) {
            Err(e) => e.to_string(),
            Ok(f) => panic!("duplicate key accepted: {f:?}"),
        };
        assert!(
            err.contains(&path.display().to_string()) && err.contains("line 2"),
            "{err}"
        );
    }
}
