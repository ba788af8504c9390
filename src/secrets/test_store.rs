//! The credential stores that tests choose with `INTERVIEWER_KEYRING` instead of the
//! OS keyring, so that no test run can read or write a developer's real keyring
//! (see docs/testing.md):
//!
//! - `none`: no keyring at all, as on a machine without one;
//! - `file:DIR`: one file per entry in `DIR` (the secret in plain text, mode 0600),
//!   so that `key set` in one process is seen by the next, as with a real keyring.
//!
//! Not for users: the file store keeps the key unencrypted.

use std::path::PathBuf;
use std::sync::Arc;

use keyring_core::api::{CredentialApi, CredentialStoreApi};
use keyring_core::{Credential, CredentialStore, Entry, Error, Result};

/// The variable that picks a test store; unset (or `os`) means the OS keyring.
pub const KEYRING_ENV: &str = "INTERVIEWER_KEYRING";

/// The store `INTERVIEWER_KEYRING` asks for: `None` for the OS keyring. A value that
/// is not understood is an error, never a fall-back to the OS keyring.
pub fn from_env() -> Option<std::result::Result<Arc<CredentialStore>, String>> {
    choose(std::env::var_os(KEYRING_ENV).as_deref())
}

fn choose(
    value: Option<&std::ffi::OsStr>,
) -> Option<std::result::Result<Arc<CredentialStore>, String>> {
    let value = value.filter(|v| !v.is_empty())?;
    let value = value.to_string_lossy();
    if value == "os" {
        return None;
    }
    if value == "none" {
        return Some(Err(format!("{KEYRING_ENV}=none")));
    }
    Some(match value.strip_prefix("file:") {
        Some(dir) if !dir.is_empty() => Ok(Arc::new(FileStore {
            dir: PathBuf::from(dir),
        })),
        _ => Err(format!(
            "{KEYRING_ENV}={value:?} is not one of os, none, file:DIR"
        )),
    })
}

/// Entries as files in a directory.
#[derive(Debug)]
struct FileStore {
    dir: PathBuf,
}

impl CredentialStoreApi for FileStore {
    fn vendor(&self) -> String {
        "interviewer test file store".into()
    }

    fn id(&self) -> String {
        self.dir.display().to_string()
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        _mods: Option<&std::collections::HashMap<&str, &str>>,
    ) -> Result<Entry> {
        let name: String = format!("{service}.{user}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let cred: Arc<Credential> = Arc::new(FileCred {
            path: self.dir.join(name),
            specifiers: (service.to_string(), user.to_string()),
        });
        Ok(Entry::new_with_credential(cred))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// One entry: the file holds the secret.
#[derive(Debug)]
struct FileCred {
    path: PathBuf,
    specifiers: (String, String),
}

fn platform(e: std::io::Error) -> Error {
    Error::PlatformFailure(Box::new(e))
}

impl CredentialApi for FileCred {
    fn set_secret(&self, secret: &[u8]) -> Result<()> {
        std::fs::create_dir_all(self.dir()).map_err(platform)?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path).map_err(platform)?;
        std::io::Write::write_all(&mut file, secret).map_err(platform)
    }

    fn get_secret(&self) -> Result<Vec<u8>> {
        match std::fs::read(&self.path) {
            Ok(secret) => Ok(secret),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoEntry),
            Err(e) => Err(platform(e)),
        }
    }

    fn delete_credential(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::NoEntry),
            Err(e) => Err(platform(e)),
        }
    }

    fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
        self.get_secret().map(|_| None)
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        Some(self.specifiers.clone())
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl FileCred {
    fn dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."))
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;
    use std::time::Duration;

    use super::*;
    use crate::domain::key::ApiKey;
    use crate::secrets::Keyring;

    #[test]
    fn the_variable_picks_a_store_and_never_falls_back_silently() {
        assert!(choose(None).is_none(), "unset: the OS keyring");
        assert!(choose(Some(OsStr::new(""))).is_none());
        assert!(choose(Some(OsStr::new("os"))).is_none());
        assert_eq!(
            choose(Some(OsStr::new("none"))).map(|r| r.err()),
            Some(Some("INTERVIEWER_KEYRING=none".to_string()))
        );
        for odd in ["mock", "file:", "File:/tmp/x"] {
            let err = choose(Some(OsStr::new(odd)))
                .and_then(|r| r.err())
                .unwrap_or_default();
            assert!(
                err.contains("is not one of os, none, file:DIR"),
                "{odd}: {err}"
            );
        }
        assert!(matches!(
            choose(Some(OsStr::new("file:/tmp/k"))),
            Some(Ok(_))
        ));
    }

    #[test]
    fn the_file_store_keeps_a_key_across_keyrings_until_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = format!("file:{}", dir.path().join("keys").display());
        let open = || match choose(Some(OsStr::new(&spec))) {
            Some(Ok(store)) => Keyring::with_store(store, Duration::from_secs(30)),
            _ => panic!("a file store"),
        };
        let key = ApiKey::parse("sk-file-store-0123456789").expect("key");
        assert_eq!(open().get(), Ok(None));
        open().set(&key).expect("set");
        // Another keyring over the same directory (as the next process) sees it.
        assert_eq!(open().get(), Ok(Some(key)));
        let file = dir.path().join("keys").join("interviewer.openai");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(open().delete(), Ok(true));
        assert!(!file.exists());
        assert_eq!(open().delete(), Ok(false));
    }
}
