//! The one change the program makes to `config.toml` itself: remembering a local
//! server the user chose on the welcome screen (`api_base` and `model` at the top
//! level), so the next start uses it. Edited with `toml_edit`, so the user's
//! comments, order and other settings stay as they were; the result is read back
//! with the same reader as at start before it replaces the file (atomically, the
//! file's mode kept, a new file 0600). Never a key: the key is not in this file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::fsutil::{self, Access};

/// Why the config file could not be changed, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not valid TOML ({reason}), so it was left as it is", path.display())]
    Malformed { path: PathBuf, reason: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl From<fsutil::WriteError> for WriteError {
    fn from(e: fsutil::WriteError) -> WriteError {
        WriteError::Write {
            path: e.path,
            source: e.source,
        }
    }
}

/// The text of `current` (a config file's, possibly empty) with `api_base` and
/// `model` set at its top level, everything else kept. `Err` says why not.
pub fn with_endpoint(current: &str, api_base: &str, model: &str) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = current
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().to_string())?;
    doc["api_base"] = toml_edit::value(api_base);
    doc["model"] = toml_edit::value(model);
    let text = doc.to_string();
    // What the program reads at start must read it back the same.
    let parsed = super::file::parse(&text, Path::new(".")).map_err(|e| e.message)?;
    if parsed.api_base.as_deref() != Some(api_base) || parsed.model.as_deref() != Some(model) {
        return Err("the new settings do not read back as written".into());
    }
    Ok(text)
}

/// Sets `api_base` and `model` at the top level of the config file at `path`
/// (created, 0600, with its folder, when missing).
pub fn remember_endpoint(path: &Path, api_base: &str, model: &str) -> Result<(), WriteError> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(WriteError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let text =
        with_endpoint(&current, api_base, model).map_err(|reason| WriteError::Malformed {
            path: path.to_path_buf(),
            reason,
        })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fsutil::create_private_dir(dir).map_err(|source| WriteError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    }
    fsutil::write_atomically::<WriteError>(path, Access::Private, |out| {
        out.write_all(text.as_bytes())
            .map_err(|source| WriteError::Write {
                path: path.to_path_buf(),
                source,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_gets_both_settings() {
        let text = with_endpoint("", "http://127.0.0.1:11434/v1", "llama3.1:8b").expect("set");
        assert_eq!(
            text,
            "api_base = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3.1:8b\"\n"
        );
    }

    #[test]
    fn comments_tables_and_other_settings_are_kept() {
        let before = "# my settings\nmodel = \"gpt-4o\" # the old one\npersona = \"career-interviewer\"\n\n[theme]\naccent = \"cyan\"\n";
        let text = with_endpoint(before, "http://127.0.0.1:8080/v1", "qwen\"3").expect("set");
        assert!(text.starts_with("# my settings\n"), "{text}");
        assert!(text.contains("persona = \"career-interviewer\""), "{text}");
        assert!(text.contains("[theme]\naccent = \"cyan\""), "{text}");
        let parsed = super::super::file::parse(&text, Path::new(".")).expect("valid");
        assert_eq!(parsed.model.as_deref(), Some("qwen\"3"));
        assert_eq!(parsed.api_base.as_deref(), Some("http://127.0.0.1:8080/v1"));
        assert!(
            !text.contains("gpt-4o"),
            "the old model is replaced: {text}"
        );
    }

    #[test]
    fn a_broken_file_is_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "model = [unclosed\n").expect("write");
        let err = remember_endpoint(&path, "http://127.0.0.1:1234/v1", "m").expect_err("broken");
        assert!(err.to_string().contains("left as it is"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "model = [unclosed\n"
        );
    }

    #[test]
    fn a_missing_file_is_created_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("config.toml");
        remember_endpoint(&path, "http://127.0.0.1:1234/v1", "local-model").expect("write");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("local-model"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
