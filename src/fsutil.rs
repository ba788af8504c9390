//! Owner-only files and directories, and atomic writes: the one place that knows
//! how the program creates what it writes (database folder, logs, crash reports,
//! exports, stream locks). Directories are 0700 and files 0600 on Unix, because
//! everything here holds interview text or says where it is.
//!
//! Imports nothing of ours.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Creates `dir` and its parents, each new one with mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Open options that create a file with mode 0600 on Unix (an existing file keeps
/// its mode). Set the access (`write`, `append`, `create`…) on the result.
pub fn private_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Replaces the contents of `path` with `bytes`, creating it 0600.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?
        .write_all(bytes)
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Who may read a file written by [`write_atomically`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Mode 0600: the owner only.
    Private,
    /// As the process's umask says (a file the user asked for by name).
    Umask,
}

/// Writes `path` through `fill` into a temporary file beside it, then renames it
/// into place: a failed or interrupted write never leaves half a file, nor
/// clobbers an older good one. `fill`'s own error is returned as is.
pub fn write_atomically<E: From<WriteError>>(
    path: &Path,
    access: Access,
    fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let err = |source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a file name",
        ))
    })?;
    let temp = TempFile(dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    )));
    let mut options = match access {
        Access::Private => private_file(),
        Access::Umask => OpenOptions::new(),
    };
    let file = options
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temp.0)
        .map_err(err)?;
    let mut out = BufWriter::new(file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| err(e.into_error()))?;
    file.sync_all().map_err(err)?;
    std::fs::rename(&temp.0, path).map_err(err)?;
    std::mem::forget(temp);
    Ok(())
}

/// Removes the temporary file unless it was renamed into place.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_leave_nothing_behind_on_failure() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.md");
        std::fs::write(&path, "old").expect("seed");
        let failed: Result<(), WriteError> = write_atomically(&path, Access::Umask, |out| {
            out.write_all(b"partial").map_err(|source| WriteError {
                path: PathBuf::from("x"),
                source,
            })?;
            Err(WriteError {
                path: PathBuf::from("x"),
                source: std::io::Error::other("stop"),
            })
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
        write_atomically::<WriteError>(&path, Access::Umask, |out| {
            out.write_all(b"new").map_err(|source| WriteError {
                path: path.clone(),
                source,
            })
        })
        .expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_and_directories_are_the_owner_s_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("a/b");
        create_private_dir(&sub).expect("dir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let file = sub.join("f");
        write_private(&file, b"x").expect("write");
        assert_eq!(mode(&file), 0o600);
        let atomic = sub.join("g");
        write_atomically::<WriteError>(&atomic, Access::Private, |out| {
            out.write_all(b"y").map_err(|source| WriteError {
                path: atomic.clone(),
                source,
            })
        })
        .expect("write");
        assert_eq!(mode(&atomic), 0o600);
    }
}
