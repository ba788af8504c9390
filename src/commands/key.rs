//! `interviewer key set | status | delete`: the API key in the OS keyring.
//!
//! `key set` reads the key from stdin when it is piped, else from a prompt that does
//! not echo; never from an argument, where it would end up in shell history and in
//! every process listing. `key delete` with nothing stored says so and exits 0, so
//! scripts can call it unconditionally.

use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::stdin_is_terminal;
use crate::config::{KeyNeed, Settings};
use crate::domain::key::ApiKey;
use crate::service::backend::{KEY_ENV, Keys, SERVICE, SecretsError, keyring_name};

/// More than any key; stops `key set < big-file` from reading it all.
const STDIN_LIMIT: u64 = 64 * 1024;

/// Whose key: "" for the default profile, " of profile NAME" for a named one.
fn whose(settings: &Settings) -> String {
    settings
        .profile
        .as_deref()
        .map(|p| format!(" of profile {p}"))
        .unwrap_or_default()
}

/// `key set` (with `--profile NAME`: that profile's key).
pub fn set(settings: &Settings) -> Result<ExitCode> {
    let input = if stdin_is_terminal() {
        match prompt_hidden("OpenAI API key (input hidden, Enter to save, Esc to cancel): ")? {
            Some(input) => input,
            None => {
                eprintln!("cancelled; nothing was stored");
                return Ok(ExitCode::from(130));
            }
        }
    } else {
        let mut input = String::new();
        std::io::stdin()
            .take(STDIN_LIMIT)
            .read_to_string(&mut input)
            .context("cannot read the key from stdin")?;
        input
    };
    let key = ApiKey::parse(&input).map_err(|e| {
        anyhow!("{e}; nothing was stored (pipe the key in, e.g. `interviewer key set < keyfile`, or run it in a terminal to be prompted)")
    })?;
    drop(input);
    let keys = Keys::for_settings(settings);
    keys.save(&key).map_err(|e| {
        e.log("storing the API key");
        anyhow!("the key was not stored: {}", e.sentence())
    })?;
    println!(
        "API key{} {} stored in the OS keyring ({}, service \"{}\", user \"{}\")",
        whose(settings),
        key.masked(),
        keyring_name(),
        SERVICE,
        keys.user()
    );
    if settings.key_need == KeyNeed::None {
        eprintln!(
            "note: this profile says key = \"none\", so the key is kept but not sent; change it to \"required\" to use it"
        );
    }
    if keys.env_key().is_some() {
        eprintln!(
            "note: {KEY_ENV} is set in this environment and takes precedence over the keyring"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `key status`: always exits 0; it reports, it does not judge.
pub fn status(settings: &Settings) -> Result<ExitCode> {
    let keys = Keys::for_settings(settings);
    if let Some(profile) = &settings.profile {
        let need = match settings.key_need {
            KeyNeed::None => "none (no key is sent)",
            KeyNeed::Required => "required",
            KeyNeed::Auto => "needed except on this machine or a private network",
        };
        println!(
            "profile: {profile} (key: {need}; kept as user \"{}\")",
            keys.user()
        );
    }
    let stored = keys.stored();
    print!("{}", status_report(keys.env_key().as_ref(), &stored));
    Ok(ExitCode::SUCCESS)
}

/// The text of `key status`, from the environment's key and what the keyring said.
pub(crate) fn status_report(
    env: Option<&ApiKey>,
    stored: &Result<Option<ApiKey>, SecretsError>,
) -> String {
    let name = keyring_name();
    let key_line = match (env, stored) {
        (Some(k), _) => match k.check() {
            Ok(()) => format!("{} from the environment ({KEY_ENV})", k.masked()),
            Err(reason) => format!(
                "{} from the environment ({KEY_ENV}), not usable: {reason}",
                k.masked()
            ),
        },
        (None, Ok(Some(k))) => format!("{} from the OS keyring ({name})", k.masked()),
        (None, _) => format!(
            "none; run `interviewer key set`, set {KEY_ENV}, or use --offline for practice without a key"
        ),
    };
    let keyring_line = match (env, stored) {
        (Some(_), Ok(Some(k))) => format!(
            "{name} reachable, {} stored (unused while {KEY_ENV} is set)",
            k.masked()
        ),
        (None, Ok(Some(_))) => format!("{name} reachable, key stored"),
        (_, Ok(None)) => format!("{name} reachable, no key stored"),
        (_, Err(e)) => e.to_string(),
    };
    format!("key:     {key_line}\nkeyring: {keyring_line}\n")
}

/// `key delete`.
pub fn delete(settings: &Settings) -> Result<ExitCode> {
    let keys = Keys::for_settings(settings);
    let removed = keys.delete().map_err(|e| {
        e.log("removing the API key");
        anyhow!("the key was not removed: {}", e.sentence())
    })?;
    if removed {
        println!(
            "API key{} removed from the OS keyring ({})",
            whose(settings),
            keyring_name()
        );
    } else {
        println!(
            "no API key{} is stored in the OS keyring ({}); nothing to remove",
            whose(settings),
            keyring_name()
        );
    }
    if keys.env_key().is_some() {
        eprintln!("note: {KEY_ENV} is still set in this environment and provides a key");
    }
    Ok(ExitCode::SUCCESS)
}

/// Raw mode for as long as this lives, so that a failure or early return can never
/// leave the user's terminal without echo.
struct RawMode;

impl RawMode {
    fn enable() -> Result<RawMode> {
        crossterm::terminal::enable_raw_mode().context("cannot switch the terminal to raw mode")?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads one line from the terminal without echoing it; `None` when the user cancels
/// (Esc, Ctrl+C, Ctrl+D on an empty line).
fn prompt_hidden(prompt: &str) -> Result<Option<String>> {
    let mut stderr = std::io::stderr();
    write!(stderr, "{prompt}")?;
    stderr.flush()?;
    let typed = {
        let _raw = RawMode::enable()?;
        read_hidden()?
    };
    // After raw mode, so the line break also returns the cursor.
    writeln!(stderr)?;
    Ok(typed)
}

fn read_hidden() -> Result<Option<String>> {
    let mut typed = String::new();
    loop {
        let event = crossterm::event::read().context("cannot read from the terminal")?;
        match event {
            Event::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press | KeyEventKind::Repeat,
                ..
            }) => {
                let ctrl = modifiers.contains(KeyModifiers::CONTROL);
                match code {
                    KeyCode::Enter => return Ok(Some(typed)),
                    KeyCode::Esc => return Ok(None),
                    KeyCode::Char('c') if ctrl => return Ok(None),
                    KeyCode::Char('d') if ctrl && typed.is_empty() => return Ok(None),
                    KeyCode::Char('u') if ctrl => typed.clear(),
                    KeyCode::Backspace => {
                        typed.pop();
                    }
                    KeyCode::Char(c) if !ctrl => typed.push(c),
                    _ => {}
                }
            }
            Event::Paste(text) => typed.push_str(&text),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-status-test-000111222WXYZ";

    fn key(s: &str) -> ApiKey {
        ApiKey::parse(s).expect("valid key")
    }

    #[test]
    fn status_shows_the_environment_key_and_the_shadowed_stored_one() {
        let report = status_report(Some(&key(KEY)), &Ok(Some(key("sk-stored-key-0000ABCD"))));
        assert!(
            report.contains("key:     …WXYZ from the environment (OPENAI_API_KEY)"),
            "{report}"
        );
        assert!(
            report.contains("…ABCD stored (unused while OPENAI_API_KEY is set)"),
            "{report}"
        );
        assert!(!report.contains(KEY) && !report.contains("sk-"), "{report}");
    }

    #[test]
    fn status_shows_the_keyring_key() {
        let report = status_report(None, &Ok(Some(key(KEY))));
        assert!(
            report.contains("key:     …WXYZ from the OS keyring"),
            "{report}"
        );
        assert!(report.contains("reachable, key stored"), "{report}");
    }

    #[test]
    fn status_without_any_key_says_what_to_do() {
        let report = status_report(None, &Ok(None));
        assert!(
            report.contains("none; run `interviewer key set`"),
            "{report}"
        );
        assert!(report.contains("reachable, no key stored"), "{report}");
    }

    #[test]
    fn status_without_a_keyring_says_so_in_one_line() {
        let report = status_report(
            None,
            &Err(SecretsError::Unavailable("no D-Bus session".into())),
        );
        assert_eq!(report.lines().count(), 2, "{report}");
        assert!(
            report.contains(
                "keyring: no OS keyring is reachable (no D-Bus session); set OPENAI_API_KEY instead"
            ),
            "{report}"
        );
    }
}
