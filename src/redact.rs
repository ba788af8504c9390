//! Removing secrets from text before it is shown, stored, exported or logged. A leaf:
//! it reads no key itself (only `secrets` does); the service hands it the key in use,
//! and the agent, the service and the log writer run text they already have through it.
//!
//! A server may quote anything it was sent in an error (`Invalid header:
//! Authorization: Bearer sk-…`), and transport errors quote the URL. A [`Redactor`]
//! is built from the key in use and the API base URL and replaces, in any text:
//! - the key itself (and `Bearer <key>`);
//! - the API base as written, with its credentials, by [`display_url`]'s form;
//! - the URL's user name and password (as written and percent-decoded), the
//!   `Authorization: Basic` value reqwest makes of them, and the values of its query
//!   parameters (`?api-key=…`, `?token=…`; all but `api-version`, which is not a
//!   secret and helps in messages).
//!
//! Each backend error is redacted once, where it is turned into an `AgentError`
//! (`agent::openai`). For the log file and crash reports, every redactor in use is
//! also registered process-wide with [`register`], and [`redact`] applies them all:
//! the log writer (`logging`) runs every line through it, whatever wrote it
//! (async-openai logs whole 5xx bodies).
//!
//! Secrets shorter than [`MIN_SECRET_CHARS`] are only removed as part of the URL
//! they sit in: replacing every `a` of a text would make it unreadable and hides
//! nothing a guess would not find.

use std::borrow::Cow;
use std::sync::{Arc, RwLock};

use base64::Engine;

use crate::domain::key::ApiKey;

/// What a secret is replaced with.
pub const REDACTED: &str = "<redacted>";

/// Shorter secrets are not searched for on their own (see the module docs).
pub const MIN_SECRET_CHARS: usize = 4;

/// Query parameters whose values are shown (they are versions, not secrets).
const PUBLIC_QUERY_PARAMS: &[&str] = &["api-version"];

/// Replaces the secrets of one key and API base in text. Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redactor {
    /// `(secret, replacement)`, longest secret first, so that a URL is replaced
    /// whole before its parts are.
    pairs: Arc<Vec<(String, String)>>,
}

impl Redactor {
    /// A redactor for `key` (if any) and the API base `api_base`.
    pub fn new(key: Option<&ApiKey>, api_base: &str) -> Redactor {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let display = display_url(api_base);
        if display != api_base {
            pairs.push((api_base.to_string(), display));
        }
        let mut secrets: Vec<String> = url_secrets(api_base);
        if let Some(key) = key {
            secrets.push(key.expose().to_string());
        }
        for secret in secrets {
            if secret.chars().count() >= MIN_SECRET_CHARS {
                pairs.push((secret, REDACTED.to_string()));
            }
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        pairs.dedup_by(|a, b| a.0 == b.0);
        Redactor {
            pairs: Arc::new(pairs),
        }
    }

    /// Nothing to hide.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// `text` with every secret replaced; borrowed when there was none.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for (secret, replacement) in self.pairs.iter() {
            if out.contains(secret.as_str()) {
                out = Cow::Owned(out.replace(secret.as_str(), replacement));
            }
        }
        out
    }

    fn merge(&self, other: &Redactor) -> Redactor {
        let mut pairs: Vec<(String, String)> = self.pairs.as_ref().clone();
        pairs.extend(other.pairs.iter().cloned());
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        pairs.dedup_by(|a, b| a.0 == b.0);
        Redactor {
            pairs: Arc::new(pairs),
        }
    }
}

/// `url` as it may be shown: user name and password replaced by `***`, query
/// values (but `api-version`) by `***`. Unchanged when there is nothing to hide or
/// it is not a URL at all.
pub fn display_url(url: &str) -> String {
    let Ok(mut parsed) = reqwest::Url::parse(url) else {
        return url.to_string();
    };
    let has_userinfo = !parsed.username().is_empty() || parsed.password().is_some();
    let secret_query = parsed
        .query_pairs()
        .any(|(k, _)| !PUBLIC_QUERY_PARAMS.contains(&k.as_ref()));
    if !has_userinfo && !secret_query {
        return url.to_string();
    }
    if has_userinfo {
        let _ = parsed.set_password(None);
        let _ = parsed.set_username("***");
    }
    if secret_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let shown = if PUBLIC_QUERY_PARAMS.contains(&k.as_ref()) {
                    v.into_owned()
                } else {
                    "***".to_string()
                };
                (k.into_owned(), shown)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let mut shown = parsed.to_string();
    // `Url` adds a `/` to a bare host; keep the user's spelling otherwise.
    if !url.ends_with('/') && shown.ends_with('/') && parsed.path() == "/" {
        shown.pop();
    }
    shown
}

/// The secret parts of a URL, as written and decoded: user name, password, the
/// Basic credentials made of them, and the query values that are not public.
fn url_secrets(url: &str) -> Vec<String> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let decode = |s: &str| {
        percent_decode(s)
            .filter(|d| d != s)
            .into_iter()
            .chain(std::iter::once(s.to_string()))
            .collect::<Vec<_>>()
    };
    let user = parsed.username().to_string();
    let password = parsed.password().map(str::to_string);
    if !user.is_empty() {
        out.extend(decode(&user));
    }
    if let Some(p) = &password {
        out.extend(decode(p));
    }
    if !user.is_empty() || password.is_some() {
        let plain_user = percent_decode(&user).unwrap_or_else(|| user.clone());
        let plain_pass = password
            .as_deref()
            .map(|p| percent_decode(p).unwrap_or_else(|| p.to_string()))
            .unwrap_or_default();
        let basic = format!("{plain_user}:{plain_pass}");
        out.push(base64::engine::general_purpose::STANDARD.encode(basic.as_bytes()));
        out.push(basic);
    }
    if let Some(query) = parsed.query() {
        for part in query.split('&') {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let name = percent_decode(name).unwrap_or_else(|| name.to_string());
            if PUBLIC_QUERY_PARAMS.contains(&name.as_str()) || value.is_empty() {
                continue;
            }
            out.extend(decode(value));
            out.extend(decode(&value.replace('+', " ")));
        }
    }
    out
}

/// `%XX` decoded, `None` when that is not valid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

static PROCESS: RwLock<Option<Redactor>> = RwLock::new(None);

/// Adds `redactor`'s secrets to those [`redact`] removes, for the rest of the
/// process (a key replaced in the TUI stays hidden too).
pub fn register(redactor: &Redactor) {
    if redactor.is_empty() {
        return;
    }
    let mut global = PROCESS.write().unwrap_or_else(|e| e.into_inner());
    *global = Some(match global.as_ref() {
        Some(existing) => existing.merge(redactor),
        None => redactor.clone(),
    });
}

/// `text` without any secret registered so far in this process.
pub fn redact(text: &str) -> Cow<'_, str> {
    let global = PROCESS.read().unwrap_or_else(|e| e.into_inner());
    match global.as_ref() {
        Some(r) => Cow::Owned(r.redact(text).into_owned()),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-proj-4f1c9b7e2d8aSECRET";

    fn key() -> ApiKey {
        ApiKey::new(KEY.into())
    }

    #[test]
    fn the_key_goes_wherever_it_is_quoted() {
        let r = Redactor::new(Some(&key()), "https://api.openai.com/v1");
        let text = format!("Invalid header: Authorization: Bearer {KEY}; again {KEY}.");
        assert_eq!(
            r.redact(&text),
            "Invalid header: Authorization: Bearer <redacted>; again <redacted>."
        );
        assert!(matches!(r.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn url_credentials_are_hidden_in_the_url_and_on_their_own() {
        let base = "http://alice:hunter2pw@proxy.example:8080/v1";
        let r = Redactor::new(Some(&key()), base);
        assert_eq!(display_url(base), "http://***@proxy.example:8080/v1");
        let text = format!(
            "cannot reach {base}/chat/completions: user alice pass hunter2pw basic {}",
            base64::engine::general_purpose::STANDARD.encode("alice:hunter2pw")
        );
        let out = r.redact(&text);
        assert!(
            !out.contains("hunter2pw") && !out.contains("alice"),
            "{out}"
        );
        assert!(!out.contains("YWxpY2U6aHVudGVyMnB3"), "{out}");
        assert!(
            out.contains("http://***@proxy.example:8080/v1/chat/completions"),
            "{out}"
        );
    }

    #[test]
    fn query_secrets_are_hidden_but_the_api_version_stays() {
        let base = "https://x.example/v1?api-version=2024-02-01&api-key=abc%2Fdef123";
        assert_eq!(
            display_url(base),
            "https://x.example/v1?api-version=2024-02-01&api-key=***"
        );
        let r = Redactor::new(None, base);
        let out = r.redact("echo: api-key=abc%2Fdef123 and abc/def123");
        assert_eq!(out, "echo: api-key=<redacted> and <redacted>");
    }

    #[test]
    fn plain_urls_are_shown_as_written() {
        for url in [
            "http://localhost:11434/v1",
            "https://api.openai.com/v1/",
            "not a url",
        ] {
            assert_eq!(display_url(url), url);
        }
        assert!(Redactor::new(None, "http://localhost:11434/v1").is_empty());
    }

    #[test]
    fn tiny_secrets_are_left_to_the_url_replacement() {
        let r = Redactor::new(None, "http://a:b@h/v1");
        assert_eq!(r.redact("a b http://a:b@h/v1"), "a b http://***@h/v1");
    }

    #[test]
    fn registered_redactors_add_up() {
        register(&Redactor::new(
            Some(&ApiKey::new("sk-first-registered".into())),
            "http://h/v1",
        ));
        register(&Redactor::new(
            Some(&ApiKey::new("sk-second-registered".into())),
            "http://h/v1",
        ));
        assert_eq!(
            redact("sk-first-registered sk-second-registered"),
            "<redacted> <redacted>"
        );
    }
}
