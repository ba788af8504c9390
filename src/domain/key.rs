//! The API key as a value: its shape (what a user may type or paste) and the only
//! ways to show it (never whole). Where a key comes from and where it is kept is the
//! secrets module's; who may ask for it is the service.
//!
//! Imports nothing of ours.

/// Keys longer than this are not API keys (a pasted file, say).
pub const MAX_KEY_LEN: usize = 4096;

/// An API key. `Debug` never prints it and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key as it is, unchecked (e.g. from the environment).
    pub fn new(key: String) -> ApiKey {
        ApiKey(key)
    }

    /// A key typed or pasted by the user: surrounding whitespace is dropped; it must
    /// be non-empty, one word, and printable.
    pub fn parse(input: &str) -> Result<ApiKey, InvalidKey> {
        let key = input.trim();
        if key.is_empty() {
            return Err(InvalidKey::Empty);
        }
        if key.chars().any(char::is_whitespace) {
            return Err(InvalidKey::Whitespace);
        }
        if key.chars().any(char::is_control) {
            return Err(InvalidKey::Control);
        }
        if key.len() > MAX_KEY_LEN {
            return Err(InvalidKey::TooLong);
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The secret itself, for the Authorization header and the keyring only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// At most the last four characters, e.g. `…wxyz`; just `…` for a key so short
    /// that four characters would give most of it away.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 12 {
            return "…".to_string();
        }
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("…{tail}")
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Why a typed or pasted key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidKey {
    #[error("the key is empty")]
    Empty,
    #[error("the key contains spaces or line breaks; paste just the key")]
    Whitespace,
    #[error("the key contains control characters; paste just the key")]
    Control,
    #[error("that is too long to be an API key ({MAX_KEY_LEN} characters at most)")]
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-test-0123456789abcdefWXYZ";

    #[test]
    fn keys_are_trimmed_and_must_be_one_printable_word() {
        assert_eq!(
            ApiKey::parse(&format!("  {KEY}\n")).map(|k| k.expose().to_string()),
            Ok(KEY.to_string())
        );
        assert_eq!(ApiKey::parse(" \n\t"), Err(InvalidKey::Empty));
        assert_eq!(ApiKey::parse("sk-abc def"), Err(InvalidKey::Whitespace));
        assert_eq!(ApiKey::parse("sk-abc\ndef"), Err(InvalidKey::Whitespace));
        assert_eq!(ApiKey::parse("sk-abc\u{1b}[2J"), Err(InvalidKey::Control));
        assert_eq!(
            ApiKey::parse(&"k".repeat(MAX_KEY_LEN + 1)),
            Err(InvalidKey::TooLong)
        );
    }
}
