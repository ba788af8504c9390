//! The API key: from `OPENAI_API_KEY`, then the OS keyring. Never logged or stored
//! anywhere else.
//!
//! PLACEHOLDER: only the environment is read until the keyring support lands.

/// Where the key in effect came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    Keyring,
}

/// An API key. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> ApiKey {
        ApiKey(key)
    }

    /// The secret itself, for the Authorization header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// The key in effect and where it came from, if any.
pub fn resolve_key() -> Option<(ApiKey, KeySource)> {
    std::env::var("OPENAI_API_KEY")
        .ok()
        .map(|k| k.trim().to_string())
        .filter(|k| !k.is_empty())
        .map(|k| (ApiKey(k), KeySource::Environment))
}
