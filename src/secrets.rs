//! The API key: from `OPENAI_API_KEY`, then the OS keyring (service `interviewer`,
//! user `openai`: the Secret Service on Linux, the Keychain on macOS, the Credential
//! Manager on Windows). The key is never logged, printed whole or stored anywhere else.
//!
//! Only the service calls this module (`service::backend`), so that every key the
//! program gets is registered for crash-report scrubbing in one place. What it
//! offers: [`lookup_key`] (the key in effect and the keyring's problem, if any),
//! [`lookup_key_in`] (the same over a given keyring), [`env_key`], and [`Keyring`]
//! (`get`, `set`, `delete`, `check` on the platform's store or a test's). The key's
//! shape and masking are `domain::key`'s. It knows nothing of the store, the agent
//! or either face.
//!
//! Every keyring call runs on its own thread and is waited for at most
//! [`KEYRING_TIMEOUT`]: a Secret Service that never answers (a wedged D-Bus, an unlock
//! prompt nobody sees) must not hang the program. After one time-out the keyring
//! counts as unreachable for the rest of the process. Without any keyring service
//! the calls fail at once with [`SecretsError::Unavailable`]. Because a call may
//! wait that long (an unlock prompt), an async caller such as the TUI should make
//! it from `tokio::task::spawn_blocking`, not on its event loop.
//!
//! Unit tests use [`Keyring::with_store`] with `keyring_core::mock::Store` and never
//! the process-wide default store, which `keyring::Entry` replaces with the platform
//! store on first use. Tests of the binary set `INTERVIEWER_KEYRING` (`none`, or
//! `file:DIR`; see `test_store` and docs/testing.md) so that the binary never reaches
//! the OS keyring of the machine running them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use keyring_core::{CredentialStore, Entry};

use crate::domain::key::ApiKey;

/// The keyring entry's service and user names (fixed by the command-line contract).
pub const SERVICE: &str = "interviewer";
pub const USER: &str = "openai";

/// The keyring user under which a profile's key is kept: `profile:NAME` (the
/// default profile's is [`USER`]).
pub fn profile_user(profile: Option<&str>) -> String {
    match profile {
        Some(name) => format!("profile:{name}"),
        None => USER.to_string(),
    }
}

/// The environment variable that takes precedence over the keyring.
pub const KEY_ENV: &str = "OPENAI_API_KEY";

/// The longest wait for one keyring operation. Long enough for a user to answer an
/// unlock prompt, short enough that a dead service is noticed.
pub const KEYRING_TIMEOUT: Duration = Duration::from_secs(20);

/// Where the key in effect came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    Keyring,
}

impl KeySource {
    /// For messages: "the environment (OPENAI_API_KEY)" / "the OS keyring (…)".
    pub fn describe(self) -> String {
        match self {
            KeySource::Environment => format!("the environment ({KEY_ENV})"),
            KeySource::Keyring => format!("the OS keyring ({})", keyring_name()),
        }
    }
}

/// What went wrong with the keyring. Messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    #[error("no OS keyring is reachable ({0}); set {KEY_ENV} instead")]
    Unavailable(String),
    #[error("the OS keyring is locked ({0}); unlock it, or set {KEY_ENV} instead")]
    Locked(String),
    #[error(
        "the OS keyring did not answer within {} s; set {KEY_ENV} instead",
        .0.as_secs()
    )]
    TimedOut(Duration),
    #[error("the OS keyring failed: {0}")]
    Failed(String),
    /// A key was found but has a shape no server accepts (see [`ApiKey::check`]).
    #[error(
        "the API key in {} is not usable: {reason} (or run `interviewer key set`)",
        .from.describe()
    )]
    Unusable {
        from: KeySource,
        reason: crate::domain::key::InvalidKey,
    },
}

impl SecretsError {
    /// The problem in a few plain words for a screen, without the platform's error
    /// chain (which `Display` keeps, for the command line and the log).
    pub fn summary(&self) -> String {
        match self {
            SecretsError::Unavailable(_) => {
                format!("no OS keyring ({}) is reachable", keyring_name())
            }
            SecretsError::Locked(_) => "the OS keyring is locked".into(),
            SecretsError::TimedOut(_) => "the OS keyring did not answer".into(),
            SecretsError::Failed(_) => "the OS keyring failed".into(),
            SecretsError::Unusable { from, .. } => {
                format!("the API key in {} is not usable", from.describe())
            }
        }
    }

    /// The problem and what to do, in one sentence for the command line, without
    /// the platform's error chain (a D-Bus address, an OS error code): that goes
    /// to the log, where [`SecretsError::log`] writes it.
    pub fn sentence(&self) -> String {
        match self {
            SecretsError::Unavailable(_) => {
                format!("no OS keyring is reachable; set {KEY_ENV} instead")
            }
            SecretsError::Locked(_) => {
                format!("the OS keyring is locked; unlock it, or set {KEY_ENV} instead")
            }
            SecretsError::Failed(_) => {
                format!("the OS keyring failed (details in the log); set {KEY_ENV} instead")
            }
            SecretsError::TimedOut(_) | SecretsError::Unusable { .. } => self.to_string(),
        }
    }

    /// Writes the whole problem, the platform's detail included, to the log.
    pub fn log(&self, doing: &str) {
        tracing::warn!("{doing}: {self}");
    }
}

/// What the platform keyring is called in messages.
pub fn keyring_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "macOS Keychain"
    } else if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "Secret Service"
    }
}

/// A credential store with bounded waits: the platform's, or one given by a test.
#[derive(Clone)]
pub struct Keyring {
    store: Arc<CredentialStore>,
    /// The entry's user: [`USER`], or a profile's (see [`profile_user`]).
    user: Arc<str>,
    timeout: Duration,
    /// Set after a time-out: later calls fail at once instead of queueing behind a
    /// call that never returns.
    stalled: Arc<AtomicBool>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("store", &self.store.vendor())
            .field("user", &self.user)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Keyring {
    /// The OS keyring, connected once per process.
    pub fn platform() -> Result<&'static Keyring, SecretsError> {
        static PLATFORM: OnceLock<Result<Keyring, SecretsError>> = OnceLock::new();
        PLATFORM
            .get_or_init(|| {
                // Tests pick a store of their own and never reach the OS keyring.
                if let Some(store) = test_store::from_env() {
                    return store
                        .map(|store| Keyring::with_store(store, KEYRING_TIMEOUT))
                        .map_err(SecretsError::Unavailable);
                }
                let store = bounded(KEYRING_TIMEOUT, || {
                    // `store_status` connects the platform store and installs it as
                    // keyring-core's default, once per process.
                    if let Err(e) = keyring::Entry::store_status() {
                        return Err(SecretsError::Unavailable(store_detail(e)));
                    }
                    keyring_core::get_default_store().ok_or_else(|| {
                        SecretsError::Unavailable("no credential store for this platform".into())
                    })
                })??;
                Ok(Keyring::with_store(store, KEYRING_TIMEOUT))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A keyring over `store` (tests: `keyring_core::mock::Store::new()`).
    pub fn with_store(store: Arc<CredentialStore>, timeout: Duration) -> Keyring {
        Keyring {
            store,
            user: Arc::from(USER),
            timeout,
            stalled: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The same store, for the entry of `profile` (`None`: the default entry). A
    /// stalled store stays stalled.
    pub fn for_profile(&self, profile: Option<&str>) -> Keyring {
        Keyring {
            user: Arc::from(profile_user(profile)),
            ..self.clone()
        }
    }

    /// The stored key, `None` when there is no entry.
    pub fn get(&self) -> Result<Option<ApiKey>, SecretsError> {
        self.call(|entry| match entry.get_password() {
            Ok(key) => match non_empty(key).map(ApiKey::new) {
                Some(key) => match key.check() {
                    Ok(()) => Ok(Some(key)),
                    Err(reason) => Err(SecretsError::Unusable {
                        from: KeySource::Keyring,
                        reason,
                    }),
                },
                None => Ok(None),
            },
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(keyring_core::Error::BadEncoding(_)) => Err(SecretsError::Failed(
                "the stored key is not text; run `interviewer key set` again".into(),
            )),
            Err(e) => Err(classify(&e)),
        })?
    }

    /// Stores `key`, replacing any stored one.
    pub fn set(&self, key: &ApiKey) -> Result<(), SecretsError> {
        let secret = key.clone();
        self.call(move |entry| entry.set_password(secret.expose()))
            .and_then(|r| r.map_err(|e| classify(&e)))
            // Defence in depth: no store error is known to echo the secret, but the
            // message is about to be printed.
            .map_err(|e| scrub(e, key))
    }

    /// Removes the stored key; `false` when there was none.
    pub fn delete(&self) -> Result<bool, SecretsError> {
        self.call(|entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(&e)),
        })?
    }

    /// Whether the keyring answers: a read of the entry that succeeds or finds
    /// nothing. A locked keyring may prompt the user to unlock it.
    pub fn check(&self) -> Result<(), SecretsError> {
        self.get().map(|_| ())
    }

    /// Runs `op` on the entry on a thread, waiting at most `self.timeout`.
    fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Entry) -> T + Send + 'static,
    ) -> Result<T, SecretsError> {
        if self.stalled.load(Ordering::Relaxed) {
            return Err(SecretsError::TimedOut(self.timeout));
        }
        let store = self.store.clone();
        let user = self.user.clone();
        let result = bounded(self.timeout, move || {
            Entry::new_in_store(&store, SERVICE, &user)
                .map(|entry| op(&entry))
                .map_err(|e| classify(&e))
        });
        if matches!(result, Err(SecretsError::TimedOut(_))) {
            self.stalled.store(true, Ordering::Relaxed);
        }
        result?
    }
}

/// Runs `op` on a new thread and waits for it at most `timeout`. On a time-out the
/// thread is left to finish (or not) on its own.
fn bounded<T: Send + 'static>(
    timeout: Duration,
    op: impl FnOnce() -> T + Send + 'static,
) -> Result<T, SecretsError> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            // The receiver is gone after a time-out; nobody is left to tell.
            let _ = tx.send(op());
        })
        .map_err(|e| SecretsError::Failed(format!("cannot start a thread: {e}")))?;
    rx.recv_timeout(timeout).map_err(|e| match e {
        mpsc::RecvTimeoutError::Timeout => SecretsError::TimedOut(timeout),
        mpsc::RecvTimeoutError::Disconnected => {
            SecretsError::Failed("the keyring call crashed".into())
        }
    })
}

/// A keyring-core error as ours. Only the error's text is kept, never its payload
/// (`BadEncoding`/`BadDataFormat` carry the stored bytes).
fn classify(e: &keyring_core::Error) -> SecretsError {
    use keyring_core::Error as E;
    match e {
        E::NoStorageAccess(_) => SecretsError::Locked(store_detail(e)),
        E::NoDefaultStore => SecretsError::Unavailable(detail(e)),
        E::BadEncoding(_) | E::BadDataFormat(..) => {
            SecretsError::Failed("the stored key is not readable".into())
        }
        E::Ambiguous(entries) => SecretsError::Failed(format!(
            "{} entries match service {SERVICE:?}, user {USER:?}; remove the extras with your keyring manager",
            entries.len()
        )),
        _ => SecretsError::Failed(store_detail(e)),
    }
}

/// The store's own words: keyring-core's "Platform failure: " and "Couldn't access
/// platform storage: " prefixes add nothing a user can act on.
fn store_detail(e: &keyring_core::Error) -> String {
    match e {
        keyring_core::Error::PlatformFailure(inner)
        | keyring_core::Error::NoStorageAccess(inner) => detail(inner.as_ref()),
        other => detail(other),
    }
}

/// An error and its causes on one line.
fn detail(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn scrub(e: SecretsError, key: &ApiKey) -> SecretsError {
    let clean = |s: String| s.replace(key.expose(), "***");
    match e {
        SecretsError::Unavailable(s) => SecretsError::Unavailable(clean(s)),
        SecretsError::Locked(s) => SecretsError::Locked(clean(s)),
        SecretsError::Failed(s) => SecretsError::Failed(clean(s)),
        kept @ (SecretsError::TimedOut(_) | SecretsError::Unusable { .. }) => kept,
    }
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The key in the environment, if set and not blank.
pub fn env_key() -> Option<ApiKey> {
    std::env::var(KEY_ENV)
        .ok()
        .and_then(non_empty)
        .map(ApiKey::new)
}

/// The key in effect, and what went wrong with the keyring while looking.
#[derive(Debug, Clone, Default)]
pub struct KeyLookup {
    pub key: Option<(ApiKey, KeySource)>,
    /// Set when the keyring was consulted and failed (the environment had no key).
    pub keyring_error: Option<SecretsError>,
    /// Set when the key found (environment or keyring) is not usable
    /// ([`SecretsError::Unusable`]); `key` is then `None`.
    pub unusable: Option<SecretsError>,
}

/// The key in effect: `OPENAI_API_KEY`, else the OS keyring (not consulted at all
/// when the environment has a key).
pub fn lookup_key() -> KeyLookup {
    lookup_key_in(env_key(), || Keyring::platform().cloned())
}

/// The key in effect from a given environment key and keyring (the service's
/// `Keys` uses this with a test keyring).
///
/// `keyring` is only called when the environment has no key: connecting to the
/// keyring has a cost (and may prompt) that a user of `OPENAI_API_KEY` should not pay.
pub fn lookup_key_in(
    env: Option<ApiKey>,
    keyring: impl FnOnce() -> Result<Keyring, SecretsError>,
) -> KeyLookup {
    if let Some(key) = env {
        return match key.check() {
            Ok(()) => KeyLookup {
                key: Some((key, KeySource::Environment)),
                ..KeyLookup::default()
            },
            Err(reason) => KeyLookup {
                unusable: Some(SecretsError::Unusable {
                    from: KeySource::Environment,
                    reason,
                }),
                ..KeyLookup::default()
            },
        };
    }
    match keyring().and_then(|k| k.get()) {
        Ok(key) => KeyLookup {
            key: key.map(|k| (k, KeySource::Keyring)),
            ..KeyLookup::default()
        },
        Err(e @ SecretsError::Unusable { .. }) => KeyLookup {
            unusable: Some(e),
            ..KeyLookup::default()
        },
        Err(e) => {
            tracing::warn!(error = %e, "the API key could not be read from the keyring");
            KeyLookup {
                keyring_error: Some(e),
                ..KeyLookup::default()
            }
        }
    }
}

pub use crate::redact::{REDACTED, Redactor, display_url, redact, register as register_redactor};
mod test_store;

#[cfg(test)]
mod tests;
