//! `config.toml`: reading it into typed, validated values, with the line of every
//! mistake, and a list of the keys this version does not know.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ratatui::style::Color;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::theme::parse_color;
use crate::domain::InterviewType;

/// Everything `config.toml` may set. `None` means "not in the file".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigFile {
    pub model: Option<String>,
    pub api_base: Option<String>,
    pub persona: Option<String>,
    pub offline: Option<bool>,
    pub data_dir: Option<PathBuf>,
    /// `allow_insecure_http_key`: send the API key to a plain `http://` address
    /// that is not on this machine.
    pub allow_insecure_http_key: Option<bool>,
    pub timeouts: TimeoutsFile,
    pub theme: ThemeFile,
    pub interview: InterviewFile,
    pub limits: LimitsFile,
    /// `[profiles.NAME]`: named endpoints, by name.
    pub profiles: std::collections::BTreeMap<String, ProfileFile>,
    /// Keys this version does not know, e.g. `theme.acent`: warned about, not fatal,
    /// so a config written for a newer version still loads.
    pub unknown: Vec<UnknownKey>,
}

/// `[timeouts]`, in seconds in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeoutsFile {
    pub connect: Option<Duration>,
    pub first_token: Option<Duration>,
    pub idle: Option<Duration>,
}

/// `[theme]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeFile {
    pub color: Option<bool>,
    pub accent: Option<Color>,
    pub user: Option<Color>,
    pub assistant: Option<Color>,
    pub muted: Option<Color>,
    pub error: Option<Color>,
}

/// `[interview]`: defaults for setting up a new interview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewFile {
    pub interview_type: Option<InterviewType>,
    pub role: Option<String>,
    pub seniority: Option<String>,
    pub questions: Option<u32>,
}

/// `[limits]`: bounds on one reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitsFile {
    pub max_tokens: Option<u32>,
    pub max_reply_bytes: Option<usize>,
}

/// The largest `limits.max_tokens` accepted.
pub const MAX_MAX_TOKENS: u32 = 1_000_000;
/// The bounds of `limits.max_reply_bytes`: 1 KB to 100 MB.
pub const REPLY_BYTES_RANGE: std::ops::RangeInclusive<usize> = 1_000..=100_000_000;

/// `[profiles.NAME]`: one named endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFile {
    pub api_base: Option<String>,
    pub model: Option<String>,
    /// `key = "required" | "none"`; absent: needed except on this machine or a
    /// private network.
    pub key: Option<KeyNeed>,
}

/// Whether an endpoint needs an API key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum KeyNeed {
    /// Needed, except for a server on this machine or a private network, which is
    /// asked without one when there is none.
    #[default]
    Auto,
    /// Always needed (`key = "required"`).
    Required,
    /// Never sent, even when one is set (`key = "none"`).
    None,
}

impl KeyNeed {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyNeed::Auto => "auto",
            KeyNeed::Required => "required",
            KeyNeed::None => "none",
        }
    }
}

/// A key the file sets that this version ignores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// Dotted path, e.g. `theme.acent`.
    pub key: String,
    /// 1-based line in the file.
    pub line: usize,
}

/// What is wrong with the file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// 1-based line and column.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The most questions an interview can be set up with (the same bound as `--questions`).
pub use crate::domain::MAX_QUESTIONS;

/// Parses and validates the text of a config file. `dir` is the file's directory, which
/// a relative `data_dir` is taken from.
pub fn parse(text: &str, dir: &Path) -> Result<ConfigFile, FileError> {
    Parser { text, dir }.document()
}

struct Parser<'a> {
    text: &'a str,
    dir: &'a Path,
}

/// A value's problem before it is placed on a line.
struct Bad {
    span: Range<usize>,
    message: String,
}

type Entry<'i> = (
    &'i Spanned<std::borrow::Cow<'i, str>>,
    &'i Spanned<DeValue<'i>>,
);

impl Parser<'_> {
    fn document(&self) -> Result<ConfigFile, FileError> {
        let root = DeTable::parse(self.text).map_err(|e| {
            self.locate(Bad {
                span: e.span().unwrap_or(0..0),
                message: e.message().trim().to_string(),
            })
        })?;
        self.fill(root.get_ref()).map_err(|bad| self.locate(bad))
    }

    fn fill(&self, root: &DeTable<'_>) -> Result<ConfigFile, Bad> {
        let mut file = ConfigFile::default();
        for (key, value) in root.iter() {
            match key.get_ref().as_ref() {
                "model" => file.model = Some(text(value, "model")?),
                "api_base" => file.api_base = Some(url(value)?),
                "persona" => file.persona = Some(persona(value)?),
                "offline" => file.offline = Some(boolean(value, "offline")?),
                "data_dir" => file.data_dir = Some(self.path(value)?),
                "allow_insecure_http_key" => {
                    file.allow_insecure_http_key = Some(boolean(value, "allow_insecure_http_key")?)
                }
                "timeouts" => {
                    for (k, v) in table(value, "timeouts")? {
                        let slot = match k.get_ref().as_ref() {
                            "connect_secs" => &mut file.timeouts.connect,
                            "first_token_secs" => &mut file.timeouts.first_token,
                            "idle_secs" => &mut file.timeouts.idle,
                            _ => {
                                file.unknown.push(self.unknown("timeouts", (k, v)));
                                continue;
                            }
                        };
                        *slot = Some(seconds(v, k.get_ref())?);
                    }
                }
                "theme" => {
                    for (k, v) in table(value, "theme")? {
                        let slot = match k.get_ref().as_ref() {
                            "color" | "colour" => {
                                file.theme.color = Some(boolean(v, "theme.color")?);
                                continue;
                            }
                            "accent" => &mut file.theme.accent,
                            "user" => &mut file.theme.user,
                            "assistant" => &mut file.theme.assistant,
                            "muted" => &mut file.theme.muted,
                            "error" => &mut file.theme.error,
                            _ => {
                                file.unknown.push(self.unknown("theme", (k, v)));
                                continue;
                            }
                        };
                        *slot = Some(color(v)?);
                    }
                }
                "interview" => {
                    for (k, v) in table(value, "interview")? {
                        match k.get_ref().as_ref() {
                            "type" => file.interview.interview_type = Some(interview_type(v)?),
                            "role" => file.interview.role = Some(text(v, "interview.role")?),
                            "seniority" => {
                                file.interview.seniority = Some(text(v, "interview.seniority")?)
                            }
                            "questions" => file.interview.questions = Some(questions(v)?),
                            _ => file.unknown.push(self.unknown("interview", (k, v))),
                        }
                    }
                }
                "limits" => {
                    for (k, v) in table(value, "limits")? {
                        match k.get_ref().as_ref() {
                            "max_tokens" => {
                                file.limits.max_tokens = Some(whole(
                                    v,
                                    "limits.max_tokens",
                                    1..=u64::from(MAX_MAX_TOKENS),
                                )?
                                    as u32)
                            }
                            "max_reply_bytes" => {
                                let range = *REPLY_BYTES_RANGE.start() as u64
                                    ..=*REPLY_BYTES_RANGE.end() as u64;
                                file.limits.max_reply_bytes =
                                    Some(whole(v, "limits.max_reply_bytes", range)? as usize)
                            }
                            _ => file.unknown.push(self.unknown("limits", (k, v))),
                        }
                    }
                }
                "profiles" => {
                    for (name, v) in table(value, "profiles")? {
                        let name_str = name.get_ref().as_ref();
                        if !valid_profile_name(name_str) {
                            return Err(Bad {
                                span: name.span(),
                                message: format!(
                                    "profile name `{name_str}` may only hold letters, digits, `-` and `_`"
                                ),
                            });
                        }
                        let section = format!("profiles.{name_str}");
                        let mut profile = ProfileFile::default();
                        for (k, v) in table(v, &section)? {
                            match k.get_ref().as_ref() {
                                "api_base" => profile.api_base = Some(url(v)?),
                                "model" => profile.model = Some(text(v, "model")?),
                                "key" => profile.key = Some(key_need(v)?),
                                _ => file.unknown.push(self.unknown(&section, (k, v))),
                            }
                        }
                        file.profiles.insert(name_str.to_string(), profile);
                    }
                }
                _ => file.unknown.push(self.unknown("", (key, value))),
            }
        }
        Ok(file)
    }

    fn unknown(&self, table: &str, (key, _): Entry<'_>) -> UnknownKey {
        let name = key.get_ref().as_ref();
        UnknownKey {
            key: if table.is_empty() {
                name.to_string()
            } else {
                format!("{table}.{name}")
            },
            line: self.line_col(key.span().start).0,
        }
    }

    /// `~/…` is the home directory; a relative path is relative to the config file.
    fn path(&self, value: &Spanned<DeValue<'_>>) -> Result<PathBuf, Bad> {
        let raw = text(value, "data_dir")?;
        let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        let path = match raw.strip_prefix("~/").or((raw == "~").then_some("")) {
            Some(rest) => home()
                .ok_or_else(|| {
                    bad(
                        value,
                        "data_dir starts with ~ but there is no home directory",
                    )
                })?
                .join(rest),
            None => PathBuf::from(&raw),
        };
        Ok(if path.is_absolute() {
            path
        } else {
            self.dir.join(path)
        })
    }

    fn locate(&self, bad: Bad) -> FileError {
        let (line, column) = self.line_col(bad.span.start);
        FileError {
            line,
            column,
            message: bad.message.replace(['\n', '\r'], " "),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }
}

/// Letters, digits, `-` and `_`: a name that is safe in a keyring entry, a file
/// name and a command line.
pub fn valid_profile_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `key = "required"` or `"none"`.
fn key_need(value: &Spanned<DeValue<'_>>) -> Result<KeyNeed, Bad> {
    match text(value, "key")?.as_str() {
        "required" => Ok(KeyNeed::Required),
        "none" => Ok(KeyNeed::None),
        other => Err(bad(
            value,
            format!("`key` must be \"required\" or \"none\", not \"{other}\""),
        )),
    }
}

fn bad(value: &Spanned<DeValue<'_>>, message: impl Into<String>) -> Bad {
    Bad {
        span: value.span(),
        message: message.into(),
    }
}

fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn table<'v, 'i>(value: &'v Spanned<DeValue<'i>>, name: &str) -> Result<&'v DeTable<'i>, Bad> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        other => Err(bad(
            value,
            format!(
                "`{name}` must be a table ([{name}]), not {}",
                type_name(other)
            ),
        )),
    }
}

/// A non-empty string, trimmed.
fn text(value: &Spanned<DeValue<'_>>, name: &str) -> Result<String, Bad> {
    match value.get_ref() {
        DeValue::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        DeValue::String(_) => Err(bad(value, format!("`{name}` must not be empty"))),
        other => Err(bad(
            value,
            format!(
                "`{name}` must be a string in quotes, not {}",
                type_name(other)
            ),
        )),
    }
}

fn boolean(value: &Spanned<DeValue<'_>>, name: &str) -> Result<bool, Bad> {
    match value.get_ref() {
        DeValue::Boolean(b) => Ok(*b),
        other => Err(bad(
            value,
            format!("`{name}` must be true or false, not {}", type_name(other)),
        )),
    }
}

fn url(value: &Spanned<DeValue<'_>>) -> Result<String, Bad> {
    let s = text(value, "api_base")?;
    if s.starts_with("http://") || s.starts_with("https://") {
        Ok(s)
    } else {
        Err(bad(
            value,
            "`api_base` must be an http:// or https:// URL, e.g. \"https://api.openai.com/v1\"",
        ))
    }
}

fn persona(value: &Spanned<DeValue<'_>>) -> Result<String, Bad> {
    let name = text(value, "persona")?;
    crate::domain::persona::find(&name).map_err(|e| bad(value, e.to_string()))?;
    Ok(name)
}

fn seconds(value: &Spanned<DeValue<'_>>, name: &str) -> Result<Duration, Bad> {
    let secs = match value.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        _ => None,
    };
    match secs {
        Some(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(bad(
            value,
            format!("`{name}` must be a number of seconds above 0 (at most 86400)"),
        )),
    }
}

fn color(value: &Spanned<DeValue<'_>>) -> Result<Color, Bad> {
    let DeValue::String(s) = value.get_ref() else {
        return Err(bad(
            value,
            "a colour must be a string, e.g. \"cyan\" or \"#5fafff\"",
        ));
    };
    parse_color(s).ok_or_else(|| {
        bad(
            value,
            format!(
                "{s:?} is not a colour: use a name (cyan, light-blue, dark-gray, reset…), an index 0-255 or \"#rrggbb\""
            ),
        )
    })
}

fn interview_type(value: &Spanned<DeValue<'_>>) -> Result<InterviewType, Bad> {
    let s = text(value, "interview.type")?;
    InterviewType::parse(&s).ok_or_else(|| {
        let known: Vec<&str> = InterviewType::ALL.iter().map(|t| t.as_str()).collect();
        bad(
            value,
            format!(
                "{s:?} is not an interview type; choose one of: {}",
                known.join(", ")
            ),
        )
    })
}

/// A whole number within `range`.
fn whole(
    value: &Spanned<DeValue<'_>>,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, Bad> {
    let n = match value.get_ref() {
        DeValue::Integer(i) => {
            u64::from_str_radix(i.as_str().replace('_', "").as_str(), i.radix()).ok()
        }
        _ => None,
    };
    n.filter(|n| range.contains(n)).ok_or_else(|| {
        bad(
            value,
            format!(
                "`{name}` must be a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        )
    })
}

fn questions(value: &Spanned<DeValue<'_>>) -> Result<u32, Bad> {
    let n = match value.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    };
    n.and_then(|n| u32::try_from(n).ok())
        .filter(|n| (crate::domain::MIN_QUESTIONS..=MAX_QUESTIONS).contains(n))
        .ok_or_else(|| {
            bad(
                value,
                format!("`interview.questions` must be a whole number from 1 to {MAX_QUESTIONS}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> ConfigFile {
        match parse(text, Path::new("/etc/interviewer")) {
            Ok(file) => file,
            Err(e) => panic!("{text:?} should parse: {e:?}"),
        }
    }

    fn parse_err(text: &str) -> FileError {
        match parse(text, Path::new("/etc/interviewer")) {
            Ok(file) => panic!("{text:?} should not parse: {file:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn an_empty_file_sets_nothing() {
        assert_eq!(parse_ok(""), ConfigFile::default());
        assert_eq!(parse_ok("# only a comment\n"), ConfigFile::default());
    }

    #[test]
    fn every_key_is_read() {
        let file = parse_ok(
            r##"
model = "gpt-4o"
api_base = "http://localhost:8080/v1"
persona = "career-interviewer"
offline = true
data_dir = "data"

[timeouts]
connect_secs = 3
first_token_secs = 1.5
idle_secs = 20

[theme]
color = false
accent = "magenta"
user = "#00ff7f"
assistant = "reset"
muted = "244"
error = "light-red"

[interview]
type = "system-design"
role = "Backend engineer"
seniority = "senior"
questions = 4
"##,
        );
        assert_eq!(file.model.as_deref(), Some("gpt-4o"));
        assert_eq!(file.api_base.as_deref(), Some("http://localhost:8080/v1"));
        assert_eq!(file.persona.as_deref(), Some("career-interviewer"));
        assert_eq!(file.offline, Some(true));
        assert_eq!(
            file.data_dir.as_deref(),
            Some(Path::new("/etc/interviewer/data"))
        );
        assert_eq!(
            file.timeouts,
            TimeoutsFile {
                connect: Some(Duration::from_secs(3)),
                first_token: Some(Duration::from_millis(1500)),
                idle: Some(Duration::from_secs(20)),
            }
        );
        assert_eq!(
            file.theme,
            ThemeFile {
                color: Some(false),
                accent: Some(Color::Magenta),
                user: Some(Color::Rgb(0, 0xff, 0x7f)),
                assistant: Some(Color::Reset),
                muted: Some(Color::Indexed(244)),
                error: Some(Color::LightRed),
            }
        );
        assert_eq!(
            file.interview,
            InterviewFile {
                interview_type: Some(InterviewType::SystemDesign),
                role: Some("Backend engineer".into()),
                seniority: Some("senior".into()),
                questions: Some(4),
            }
        );
        assert!(file.unknown.is_empty());
    }

    #[test]
    fn dotted_keys_work_like_tables() {
        let file = parse_ok("theme.accent = \"red\"\ntimeouts.idle_secs = 5\n");
        assert_eq!(file.theme.accent, Some(Color::Red));
        assert_eq!(file.timeouts.idle, Some(Duration::from_secs(5)));
    }

    #[test]
    fn unknown_keys_are_listed_with_their_line() {
        let file = parse_ok("model = \"m\"\nmodle = \"x\"\n[theme]\nacent = \"red\"\n");
        assert_eq!(file.model.as_deref(), Some("m"));
        assert_eq!(
            file.unknown,
            vec![
                UnknownKey {
                    key: "modle".into(),
                    line: 2
                },
                UnknownKey {
                    key: "theme.acent".into(),
                    line: 4
                },
            ]
        );
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let err = parse_err("model = \"m\"\n\napi_base = \"http://x\n");
        assert_eq!(err.line, 3, "{err:?}");
        assert!(!err.message.is_empty());

        let err = parse_err("[theme\naccent = \"red\"\n");
        assert_eq!(err.line, 1, "{err:?}");
    }

    #[test]
    fn wrong_values_point_at_the_value() {
        let err = parse_err("model = \"m\"\n[interview]\nquestions = 0\n");
        assert_eq!((err.line, err.column), (3, 13), "{err:?}");
        assert!(err.message.contains("1 to 30"), "{err:?}");

        let err = parse_err("offline = \"yes\"\n");
        assert!(err.message.contains("true or false"), "{err:?}");

        let err = parse_err("[theme]\nuser = \"blurple\"\n");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("not a colour"), "{err:?}");

        let err = parse_err("api_base = \"api.openai.com\"\n");
        assert!(err.message.contains("http"), "{err:?}");

        let err = parse_err("persona = \"nobody\"\n");
        assert!(err.message.contains("career-interviewer"), "{err:?}");

        let err = parse_err("[timeouts]\nidle_secs = -1\n");
        assert!(err.message.contains("seconds"), "{err:?}");

        let err = parse_err("timeouts = 5\n");
        assert!(err.message.contains("table"), "{err:?}");

        let err = parse_err("[interview]\ntype = \"karaoke\"\n");
        assert!(err.message.contains("behavioral"), "{err:?}");

        let err = parse_err("model = \"  \"\n");
        assert!(err.message.contains("empty"), "{err:?}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let err = parse_err("# é\nmodel = 3\n");
        assert_eq!((err.line, err.column), (2, 9));
        let err = parse_err("role = 1 # ééé\n[interview]\nrole = 2\n");
        assert_eq!((err.line, err.column), (3, 8));
    }

    #[test]
    fn home_and_absolute_data_dirs() {
        let file = parse_ok("data_dir = \"/srv/interviews\"\n");
        assert_eq!(file.data_dir.as_deref(), Some(Path::new("/srv/interviews")));
        if let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) {
            let file = parse_ok("data_dir = \"~/interviews\"\n");
            assert_eq!(file.data_dir, Some(home.join("interviews")));
        }
    }
}
