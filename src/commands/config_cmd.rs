//! `interviewer config path | show`: where the configuration file is, and the
//! settings in effect with where each came from (key masked).

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use crate::config::{CONFIG_ENV, Settings, color_name};
use crate::service::backend::{KeyLookup, Keys};

/// `config path`: the file's path alone, for scripts (`$EDITOR "$(interviewer config path)"`).
/// Works without reading the file, so that it also finds a broken one.
pub fn path() -> Result<ExitCode> {
    let path = crate::config::config_path().ok_or_else(|| {
        anyhow!("this user has no configuration directory; set {CONFIG_ENV} to a file path")
    })?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `config show`.
pub fn show(settings: &Settings) -> Result<ExitCode> {
    print!(
        "{}",
        render(settings, &Keys::for_settings(settings).lookup())
    );
    Ok(ExitCode::SUCCESS)
}

/// The settings as TOML that could be pasted into the file, each value followed by
/// where it came from.
pub(crate) fn render(s: &Settings, key: &KeyLookup) -> String {
    let mut out = String::new();
    let file = match (&s.config_path, s.config_loaded) {
        (Some(p), true) => p.display().to_string(),
        (Some(p), false) => format!("{} (not present)", p.display()),
        (None, _) => "none".to_string(),
    };
    let _ = writeln!(out, "# config file: {file}");
    // The active profile: a comment, since `--profile` chooses it, not the file.
    match &s.profile {
        Some(name) => {
            let _ = writeln!(
                out,
                "# profile: {name} ({}; key {}); [profiles.{name}] fills what flags and environment leave unset",
                s.source_of("profile"),
                s.key_need.as_str()
            );
        }
        None => {
            let _ = writeln!(out, "# profile: default (the settings below)");
        }
    }
    if !s.profiles.is_empty() {
        let _ = writeln!(out, "# profiles: {}", s.profiles.join(", "));
    }
    let line = |out: &mut String, name: &str, value: String, source: Option<String>| {
        let entry = format!("{name} = {value}");
        match source {
            Some(src) => {
                let _ = writeln!(out, "{entry:<44} # {src}");
            }
            None => {
                let _ = writeln!(out, "{entry}");
            }
        }
    };
    let src = |name: &str| Some(s.source_of(name).to_string());

    line(&mut out, "model", quote(&s.model), src("model"));
    // Credentials in the URL (`user:pass@`, `?api-key=`) are never printed.
    let shown_base = crate::service::backend::display_url(&s.api_base);
    let base_source = match (shown_base != s.api_base, s.source_of("api_base")) {
        (true, from) => Some(format!("{from}; credentials hidden")),
        (false, from) => Some(from.to_string()),
    };
    line(&mut out, "api_base", quote(&shown_base), base_source);
    line(&mut out, "persona", quote(&s.persona), src("persona"));
    line(&mut out, "offline", s.offline.to_string(), src("offline"));
    line(
        &mut out,
        "data_dir",
        quote_path(&s.data_dir),
        src("data_dir"),
    );

    let _ = writeln!(out, "\n[timeouts]{:<34} # {}", "", s.source_of("timeouts"));
    for (name, d) in [
        ("connect_secs", s.timeouts.connect),
        ("first_token_secs", s.timeouts.first_token),
        ("idle_secs", s.timeouts.idle),
    ] {
        line(&mut out, name, seconds(d), None);
    }

    let _ = writeln!(out, "\n[limits]{:<36} # {}", "", s.source_of("limits"));
    line(
        &mut out,
        "max_tokens",
        s.limits.max_tokens.to_string(),
        None,
    );
    line(
        &mut out,
        "max_reply_bytes",
        s.limits.max_reply_bytes.to_string(),
        None,
    );

    let t = &s.theme;
    let _ = writeln!(out, "\n[theme]{:<37} # {}", "", s.source_of("theme"));
    line(&mut out, "color", t.color.to_string(), None);
    for (name, c) in [
        ("accent", t.accent),
        ("user", t.user),
        ("assistant", t.assistant),
        ("muted", t.muted),
        ("error", t.error),
    ] {
        line(&mut out, name, quote(&color_name(c)), None);
    }

    let i = &s.interview;
    let _ = writeln!(
        out,
        "\n[interview]{:<33} # {}",
        "",
        s.source_of("interview")
    );
    if *i == Default::default() {
        let _ = writeln!(
            out,
            "# nothing set: each interview is set up when it starts"
        );
    }
    if let Some(t) = i.interview_type {
        line(&mut out, "type", quote(t.as_str()), None);
    }
    if let Some(r) = &i.role {
        line(&mut out, "role", quote(r), None);
    }
    if let Some(sen) = &i.seniority {
        line(&mut out, "seniority", quote(sen), None);
    }
    if let Some(q) = i.questions {
        line(&mut out, "questions", q.to_string(), None);
    }

    // The key is not a setting of the file; shown as comments so the output stays
    // valid TOML.
    let _ = writeln!(out, "\n# API key (never in this file)");
    match &key.key {
        Some((k, source)) => {
            let _ = writeln!(out, "# key = {}  (from {})", k.masked(), source.describe());
        }
        None => {
            let _ = writeln!(
                out,
                "# key: none (`interviewer key set`, or set OPENAI_API_KEY)"
            );
        }
    }
    if let Some(e) = &key.unusable {
        let _ = writeln!(out, "# key: {e}");
    }
    if let Some(e) = &key.keyring_error {
        let _ = writeln!(out, "# keyring: {e}");
    }
    out
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn quote_path(p: &Path) -> String {
    quote(&p.to_string_lossy())
}

fn seconds(d: std::time::Duration) -> String {
    if d.subsec_nanos() == 0 {
        d.as_secs().to_string()
    } else {
        d.as_secs_f64().to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::GlobalArgs;
    use crate::config::ConfigFile;
    use crate::domain::key::ApiKey;
    use crate::service::backend::{KeySource, SecretsError};

    fn settings(file: Option<ConfigFile>) -> Settings {
        let global = GlobalArgs {
            model: Some("flag-model".into()),
            ..GlobalArgs::default()
        };
        Settings::merge(
            &global,
            Some(PathBuf::from("/cfg/config.toml")),
            file,
            &|_| None,
            || Some(PathBuf::from("/os/data")),
        )
        .expect("settings")
    }

    #[test]
    fn show_is_valid_toml_that_reads_back_the_same() {
        let s = settings(None);
        let key = KeyLookup {
            key: Some((
                ApiKey::new("sk-shown-masked-000WXYZ".into()),
                KeySource::Keyring,
            )),
            ..KeyLookup::default()
        };
        let text = render(&s, &key);
        assert!(
            text.contains("# config file: /cfg/config.toml (not present)"),
            "{text}"
        );
        assert!(text.contains("# command line"), "{text}");
        assert!(
            text.contains("…WXYZ") && !text.contains("sk-shown"),
            "{text}"
        );
        let parsed = match toml::from_str::<toml::Table>(&text) {
            Ok(t) => t,
            Err(e) => panic!("not TOML: {e}\n{text}"),
        };
        assert_eq!(parsed["model"].as_str(), Some("flag-model"));
        assert_eq!(parsed["timeouts"]["idle_secs"].as_integer(), Some(30));
        assert_eq!(parsed["theme"]["accent"].as_str(), Some("cyan"));
        // What show prints is accepted by the file parser.
        let back = Settings::merge(
            &GlobalArgs::default(),
            None,
            Some(match crate::config::parse_text(&text, Path::new("/cfg")) {
                Ok(f) => f,
                Err(e) => panic!("{e:?}"),
            }),
            &|_| None,
            || None,
        )
        .expect("merge");
        assert_eq!(back.model, "flag-model");
        assert_eq!(back.theme, s.theme);
        assert_eq!(back.timeouts, s.timeouts);
    }

    #[test]
    fn show_mentions_an_unreachable_keyring() {
        let key = KeyLookup {
            key: None,
            keyring_error: Some(SecretsError::Unavailable("no D-Bus".into())),
            ..KeyLookup::default()
        };
        let text = render(&settings(None), &key);
        assert!(text.contains("# key: none"), "{text}");
        assert!(
            text.contains("# keyring: no OS keyring is reachable (no D-Bus)"),
            "{text}"
        );
    }
}
