//! The API key and the backend it opens: the only caller of the secrets module.
//!
//! Whatever the key's source (the environment, the OS keyring, a key pasted into
//! the TUI), the moment the program holds it, it is registered to be scrubbed from
//! crash reports. Both faces get their backend here: `ask` and `report` through
//! [`backend`], the TUI through [`startup`], [`use_pasted_key`], [`switch_profile`]
//! and, for a local server found at start ([`discover`]), [`local_server`] and
//! [`remember_server`]; `key` and `config show` read and change the keyring
//! through [`Keys`].

use crate::agent::discover::LocalServer;
use crate::agent::openai::{OpenAiBackend, ServerModel, key_optional};
use crate::agent::{AgentError, Backend};
use crate::config::KeyNeed;
use crate::config::Settings;
use crate::domain::key::ApiKey;
use crate::secrets::{self, Keyring};
pub use crate::secrets::{
    KEY_ENV, KeyLookup, KeySource, SERVICE, SecretsError, USER, display_url, keyring_name,
    profile_user,
};

/// Where the key is looked for and kept: the environment and the OS keyring, or
/// (tests) a given environment key and keyring.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    given: Option<(Option<ApiKey>, Keyring)>,
    /// The profile whose keyring entry is used (`None`: the default entry).
    profile: Option<String>,
}

impl Keys {
    /// `OPENAI_API_KEY`, then the OS keyring's default entry.
    pub fn platform() -> Keys {
        Keys::default()
    }

    /// `OPENAI_API_KEY`, then the OS keyring's entry of the active profile.
    pub fn for_settings(settings: &Settings) -> Keys {
        Keys::platform().with_profile(settings.profile.as_deref())
    }

    /// The same place, for `profile`'s keyring entry.
    pub fn with_profile(mut self, profile: Option<&str>) -> Keys {
        self.profile = profile.map(str::to_string);
        self
    }

    /// A given environment key and keyring instead of the process's (tests).
    pub fn given(env: Option<ApiKey>, keyring: Keyring) -> Keys {
        Keys {
            given: Some((env, keyring)),
            profile: None,
        }
    }

    /// The keyring entry's user name (for messages).
    pub fn user(&self) -> String {
        profile_user(self.profile.as_deref())
    }

    /// The key in effect (the environment's, else the keyring's), with the
    /// keyring's problem when it could not be read. A key found is registered for
    /// scrubbing.
    pub fn lookup(&self) -> KeyLookup {
        let profile = self.profile.as_deref();
        let lookup = match &self.given {
            None => secrets::lookup_key_in(secrets::env_key(), || {
                Keyring::platform().map(|k| k.for_profile(profile))
            }),
            Some((env, keyring)) => {
                secrets::lookup_key_in(env.clone(), || Ok(keyring.for_profile(profile)))
            }
        };
        if let Some((key, _)) = &lookup.key {
            scrub(key);
        }
        lookup
    }

    /// The key in the environment, if set.
    pub fn env_key(&self) -> Option<ApiKey> {
        let key = match &self.given {
            None => secrets::env_key(),
            Some((env, _)) => env.clone(),
        };
        key.inspect(scrub)
    }

    fn keyring(&self) -> Result<Keyring, SecretsError> {
        let profile = self.profile.as_deref();
        match &self.given {
            None => Keyring::platform().map(|k| k.for_profile(profile)),
            Some((_, keyring)) => Ok(keyring.for_profile(profile)),
        }
    }

    /// Keeps `key` in the keyring (registered for scrubbing first).
    pub fn save(&self, key: &ApiKey) -> Result<(), SecretsError> {
        scrub(key);
        self.keyring()?.set(key)
    }

    /// The key kept in the keyring, ignoring the environment.
    pub fn stored(&self) -> Result<Option<ApiKey>, SecretsError> {
        let key = self.keyring()?.get()?;
        Ok(key.inspect(scrub))
    }

    /// Removes the key from the keyring; `Ok(false)` when none was kept.
    pub fn delete(&self) -> Result<bool, SecretsError> {
        self.keyring()?.delete()
    }
}

/// Registers a key the program now holds, so no crash report can show it.
fn scrub(key: &ApiKey) {
    crate::crash::set_secret_to_scrub(key.expose());
}

/// Registers `OPENAI_API_KEY` for scrubbing at start-up, before anything can
/// panic with it in hand.
pub fn scrub_env_key() {
    let _ = Keys::platform().env_key();
}

/// The backend for `settings`: the question bank with `--offline`, else the server
/// with the key in effect. Without a key, a server on this machine or a private
/// network is asked without one; anywhere else that is [`AgentError::NoKey`].
pub fn backend(settings: &Settings, keys: &Keys) -> Result<Backend, AgentError> {
    if settings.offline {
        return Ok(Backend::Offline);
    }
    if settings.key_need == KeyNeed::None {
        return Ok(Backend::OpenAi(OpenAiBackend::with_key(settings, None)?));
    }
    let lookup = keys.lookup();
    if let Some(unusable) = lookup.unusable {
        return Err(AgentError::UnusableKey(unusable.to_string()));
    }
    let (key, source) = match lookup.key {
        Some((key, source)) => (Some(key), Some(source)),
        None if key_not_needed(settings) => (None, None),
        None => return Err(AgentError::NoKey),
    };
    tracing::debug!(
        ?source,
        api_base = %secrets::display_url(&settings.api_base),
        "using the OpenAI-compatible backend"
    );
    Ok(Backend::OpenAi(OpenAiBackend::with_key(settings, key)?))
}

/// Whether the endpoint of `settings` is asked without a key when there is none:
/// a profile with `key = "none"`, or (unless its `key = "required"`) a server on
/// this machine or a private network.
pub fn key_not_needed(settings: &Settings) -> bool {
    match settings.key_need {
        KeyNeed::None => true,
        KeyNeed::Required => false,
        KeyNeed::Auto => key_optional(&settings.api_base),
    }
}

/// The models the server in `backend` offers, sorted by id; `None` offline, where
/// the question bank plays the interviewer and there is no server to ask.
pub async fn models(backend: &Backend) -> Result<Option<Vec<ServerModel>>, AgentError> {
    match backend {
        Backend::Offline => Ok(None),
        Backend::OpenAi(server) => server.list_models().await.map(Some),
    }
}

/// How an interactive session starts.
#[derive(Debug, Clone)]
pub enum StartupBackend {
    /// `--offline` was asked for.
    Offline,
    /// A key was found (or none is needed: a local server) and the server
    /// settings are usable.
    Online(Backend),
    /// A key was found but the server settings are not usable (why, for the user).
    Unusable(String),
    /// The key found has a shape no server accepts (a control character in
    /// `OPENAI_API_KEY`): why, for the user.
    UnusableKey(String),
    /// No key anywhere.
    NoKey,
}

/// The backend an interactive session starts with, and the keyring's problem when
/// it could not be read (the session then offers to keep a key for itself only).
pub fn startup(settings: &Settings, keys: &Keys) -> (StartupBackend, Option<SecretsError>) {
    if settings.offline {
        return (StartupBackend::Offline, None);
    }
    if settings.key_need == KeyNeed::None {
        return match OpenAiBackend::with_key(settings, None) {
            Ok(backend) => (StartupBackend::Online(Backend::OpenAi(backend)), None),
            Err(e) => (StartupBackend::Unusable(e.to_string()), None),
        };
    }
    let lookup = keys.lookup();
    if let Some(unusable) = lookup.unusable {
        return (
            StartupBackend::UnusableKey(unusable.to_string()),
            lookup.keyring_error,
        );
    }
    let choice = match lookup.key {
        Some((key, _source)) => match OpenAiBackend::new(settings, key) {
            Ok(backend) => StartupBackend::Online(Backend::OpenAi(backend)),
            Err(e) => StartupBackend::Unusable(e.to_string()),
        },
        None if key_not_needed(settings) => match OpenAiBackend::with_key(settings, None) {
            Ok(backend) => StartupBackend::Online(Backend::OpenAi(backend)),
            Err(e) => StartupBackend::Unusable(e.to_string()),
        },
        None => StartupBackend::NoKey,
    };
    (choice, lookup.keyring_error)
}

/// A key the user pasted: checked, registered for scrubbing, kept in the keyring
/// when one answers (for this session only otherwise), and the backend it opens,
/// with a note saying where the key went. `Err` says why the key was refused.
pub fn use_pasted_key(
    settings: &Settings,
    keys: &Keys,
    text: &str,
) -> Result<(Backend, String), String> {
    let key = ApiKey::parse(text).map_err(|e| e.to_string())?;
    scrub(&key);
    let online = OpenAiBackend::new(settings, key.clone()).map_err(|e| e.to_string())?;
    let note = match keys.save(&key) {
        Ok(()) => format!(
            "key saved in the OS keyring ({}); replies now come from {}",
            keyring_name(),
            settings.model
        ),
        Err(e) => {
            tracing::warn!(error = %e, "cannot store the pasted key in the OS keyring");
            format!(
                "{}, so the key is used for this session only (details in interviewer.log)",
                e.summary()
            )
        }
    };
    Ok((Backend::OpenAi(online), note))
}

/// A local OpenAI-compatible server on the usual ports, when nothing chose an
/// endpoint ([`Settings::discovery_applies`]); `None` otherwise or when none
/// answers within the limit. No key is read or sent. The caller checks there is
/// no key (the TUI asks only when it starts without one).
pub async fn discover(settings: &Settings) -> Option<LocalServer> {
    if !settings.discovery_applies() {
        return None;
    }
    let d = &settings.discovery;
    crate::agent::discover::find(&d.ports, d.limit).await
}

/// The backend for a local server the user chose (found by [`discover`]), and the
/// session's settings for it: its API base, never a key (`key = "none"`).
pub fn local_server(settings: &Settings, api_base: &str) -> Result<(Backend, Settings), String> {
    let mut s = settings.clone();
    s.api_base = api_base.to_string();
    s.profile = None;
    s.key_need = KeyNeed::None;
    let backend = OpenAiBackend::with_key(&s, None).map_err(|e| e.to_string())?;
    Ok((Backend::OpenAi(backend), s))
}

/// Remembers a local server and model the user chose in the config file (the
/// top-level `api_base` and `model`), so the next start uses them; the file's
/// path. Never a key.
pub fn remember_server(
    settings: &Settings,
    api_base: &str,
    model: &str,
) -> Result<std::path::PathBuf, String> {
    let path = settings.config_path.clone().ok_or_else(|| {
        "there is no configuration folder for this user, so it is used for this session only"
            .to_string()
    })?;
    crate::config::remember_endpoint(&path, api_base, model).map_err(|e| e.to_string())?;
    Ok(path)
}

/// What switching to a profile in the interface comes to.
#[derive(Debug)]
pub enum ProfileSwitch {
    /// Its backend is ready (a key found, or none needed).
    Ready {
        settings: Settings,
        backend: Backend,
    },
    /// It needs a key and none is found: ask for one (kept under its name).
    NeedsKey { settings: Settings },
    /// It cannot be used (why, for the user); nothing changes.
    Refused(String),
}

/// The profile `profile` (`None`: the default one) resolved over the settings the
/// session started with, and its backend with the key found for it (`keys` at
/// that profile's keyring entry).
pub fn switch_profile(start: &Settings, profile: Option<&str>, keys: &Keys) -> ProfileSwitch {
    let settings = match start.with_profile(profile) {
        Ok(s) => s,
        Err(e) => return ProfileSwitch::Refused(e.to_string()),
    };
    let keys = keys.clone().with_profile(profile);
    let (choice, keyring_error) = startup(&settings, &keys);
    if let Some(e) = keyring_error {
        tracing::warn!(error = %e, "the OS keyring cannot be read for the profile");
    }
    match choice {
        StartupBackend::Online(backend) => ProfileSwitch::Ready { settings, backend },
        StartupBackend::NoKey => ProfileSwitch::NeedsKey { settings },
        StartupBackend::Offline => ProfileSwitch::Refused(
            "offline practice is on (offline = true in config.toml or --offline), so no endpoint is used"
                .into(),
        ),
        StartupBackend::Unusable(why) | StartupBackend::UnusableKey(why) => {
            ProfileSwitch::Refused(why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::GlobalArgs;
    use std::time::Duration;

    fn settings(api_base: &str) -> Settings {
        Settings::from_args(&GlobalArgs {
            data_dir: Some("/nonexistent/data".into()),
            api_base: Some(api_base.into()),
            ..GlobalArgs::default()
        })
        .expect("settings")
    }

    fn no_key() -> Keys {
        let store = keyring_core::mock::Store::new().expect("mock store");
        Keys::given(None, Keyring::with_store(store, Duration::from_secs(5)))
    }

    #[test]
    fn a_local_server_needs_no_key_and_a_remote_one_does() {
        let local = settings("http://127.0.0.1:11434/v1");
        assert!(matches!(backend(&local, &no_key()), Ok(Backend::OpenAi(_))));
        assert!(matches!(
            startup(&local, &no_key()).0,
            StartupBackend::Online(Backend::OpenAi(_))
        ));
        let remote = settings("https://api.openai.com/v1");
        assert!(matches!(
            backend(&remote, &no_key()),
            Err(AgentError::NoKey)
        ));
        assert!(matches!(
            startup(&remote, &no_key()).0,
            StartupBackend::NoKey
        ));
    }

    #[test]
    fn a_profile_says_whether_a_key_is_needed() {
        let with_env_key = || {
            Keys::given(
                Some(ApiKey::new("sk-test-0123456789".into())),
                no_key().keyring().expect("keyring"),
            )
        };
        // key = "none": never looked up, so never sent, even with one in the environment.
        let mut none = settings("https://gateway.example/v1");
        none.key_need = KeyNeed::None;
        assert!(key_not_needed(&none));
        match backend(&none, &with_env_key()) {
            Ok(Backend::OpenAi(b)) => assert!(!b.has_key()),
            other => panic!("{other:?}"),
        }
        // key = "required": even a server on this machine needs one.
        let mut required = settings("http://127.0.0.1:11434/v1");
        required.key_need = KeyNeed::Required;
        assert!(!key_not_needed(&required));
        assert!(matches!(
            backend(&required, &no_key()),
            Err(AgentError::NoKey)
        ));
        assert!(matches!(
            startup(&required, &no_key()).0,
            StartupBackend::NoKey
        ));
    }

    #[test]
    fn a_profiles_key_is_its_own_keyring_entry() {
        let keys = no_key();
        let work = keys.clone().with_profile(Some("work"));
        assert_eq!(work.user(), "profile:work");
        work.save(&ApiKey::new("sk-work-0123456789".into()))
            .expect("save");
        assert!(
            keys.stored().expect("read").is_none(),
            "the default entry is apart"
        );
        let found = work.lookup().key.expect("found").0;
        assert_eq!(found.expose(), "sk-work-0123456789");
        assert!(work.delete().expect("delete"));
    }

    #[test]
    fn switching_profile_finds_its_own_key_or_asks_for_one() {
        let text = "[profiles.local]\napi_base = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3.1:8b\"\nkey = \"none\"\n\
                    [profiles.work]\napi_base = \"https://gateway.example/v1\"\nmodel = \"gpt-4o\"\n";
        let file = crate::config::parse_text(text, std::path::Path::new("/cfg")).expect("file");
        let start = Settings::merge(
            &GlobalArgs {
                data_dir: Some("/nonexistent/data".into()),
                ..GlobalArgs::default()
            },
            None,
            Some(file),
            &|_| None,
            || None,
        )
        .expect("settings");
        let keys = no_key();
        match switch_profile(&start, Some("local"), &keys) {
            ProfileSwitch::Ready { settings, backend } => {
                assert_eq!(settings.model, "llama3.1:8b");
                assert!(matches!(backend, Backend::OpenAi(b) if !b.has_key()));
            }
            other => panic!("{other:?}"),
        }
        // No key for `work` yet: ask for one; once kept under its name, it is used.
        match switch_profile(&start, Some("work"), &keys) {
            ProfileSwitch::NeedsKey { settings } => {
                assert_eq!(settings.profile.as_deref(), Some("work"))
            }
            other => panic!("{other:?}"),
        }
        keys.clone()
            .with_profile(Some("work"))
            .save(&ApiKey::new("sk-work-0123456789".into()))
            .expect("save");
        assert!(
            keys.stored().expect("read").is_none(),
            "not the default entry"
        );
        match switch_profile(&start, Some("work"), &keys) {
            ProfileSwitch::Ready { backend, .. } => {
                assert!(matches!(backend, Backend::OpenAi(b) if b.has_key()))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            switch_profile(&start, Some("gone"), &keys),
            ProfileSwitch::Refused(_)
        ));
    }

    #[test]
    fn a_local_server_found_is_used_without_a_key() {
        let s = settings("https://api.openai.com/v1");
        let (backend, used) = local_server(&s, "http://127.0.0.1:11434/v1").expect("usable");
        assert_eq!(used.api_base, "http://127.0.0.1:11434/v1");
        assert_eq!(used.key_need, KeyNeed::None);
        assert!(matches!(backend, Backend::OpenAi(b) if !b.has_key()));
    }

    #[test]
    fn a_key_for_plain_http_on_the_network_is_refused_at_startup() {
        let keys = Keys::given(
            Some(ApiKey::new("sk-test-0123456789".into())),
            no_key().keyring().expect("keyring"),
        );
        let lan = settings("http://192.168.1.20:8000/v1");
        match startup(&lan, &keys).0 {
            StartupBackend::Unusable(why) => assert!(why.contains("plain http"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            backend(&lan, &keys),
            Err(AgentError::InsecureKey { .. })
        ));
    }
}
